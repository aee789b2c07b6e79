import { PliantError } from '../base/errors.js';
import { murmur3Words } from '../base/murmur3.js';
import type { Digest128 } from '../base/murmur3.js';
import type { Measurement } from '../base/measurement.js';

/** The policies of a {@link FunctionalCache} (the ones the functional-hashing papers use). */
export interface FunctionalCacheOptions {
  /**
   * How many times a hash is evaluated before its hits are served from the cache (default 1: the
   * first evaluation is reused). With n > 1 the next n − 1 proposals of the hash are *partial
   * hits*: evaluated again, and the cached value is the running mean (for noisy rewards).
   */
  readonly maxEvaluations?: number;
  /** Forget an entry after it served this many hits (so one lucky outlier cannot stay forever). */
  readonly forgetAfter?: number;
  /** The probability that serving a hit evicts the entry (decided by a seeded hash, so replayable). */
  readonly evictionProbability?: number;
  /** Keep at most this many hashes, dropping the least recently used. */
  readonly maxEntries?: number;
  /**
   * Evaluate every proposal anyway and count collisions: a hit whose evaluated value differs from
   * the value the cache would have served by more than `epsilon`. Measures a hash's collision
   * rate without trusting it.
   */
  readonly counterfactual?: boolean;
  /**
   * The tolerance of a collision, relative: values a and b collide when
   * `|a − b| > epsilon · max(1, |a|, |b|)` (default 1e-6; for records, any metric).
   */
  readonly epsilon?: number;
  /** The seed of the eviction draws (default 0). */
  readonly seed?: number;
}

/** The counters of a {@link FunctionalCache}. */
export interface CacheStats {
  /** Lookups of a hash not in the cache (or unhashable): evaluated. */
  readonly misses: number;
  /** Lookups served from the cache (in counterfactual mode: that would have been served). */
  readonly hits: number;
  /** Lookups of a cached hash evaluated again because it had fewer than `maxEvaluations` evaluations. */
  readonly partialHits: number;
  /** Evaluations not run thanks to the cache (0 in counterfactual mode). */
  readonly evaluationsSaved: number;
  /** Counterfactual hits whose evaluated value differed from the cached one by more than ε. */
  readonly collisions: number;
  /** Lookups of candidates that had no hash (NaN or infinite probe outputs, or a hash function that said so). */
  readonly unhashable: number;
  /** Entries dropped by `forgetAfter`, `evictionProbability` or the `maxEntries` bound. */
  readonly evictions: number;
  /** Hashes cached now. */
  readonly entries: number;
}

/** What the cache says of a proposal. */
export type CacheLookup =
  /** Not cached (or unhashable): evaluate it. */
  | { readonly kind: 'miss' }
  /** Cached but not yet evaluated `maxEvaluations` times: evaluate it again. */
  | { readonly kind: 'partial'; readonly evaluations: number }
  /** Served from the cache: use `value`, do not evaluate. */
  | { readonly kind: 'hit'; readonly value: Measurement }
  /** Counterfactual mode: it would have been served `value`; evaluate it anyway and compare. */
  | { readonly kind: 'counterfactual'; readonly value: Measurement };

interface Entry {
  value: Measurement;
  evaluations: number;
  hits: number;
}

const DIGEST: Digest128 = { h1: 0, h2: 0, h3: 0, h4: 0 };
const WORDS = new Int32Array(64);

/** A uniform number in [0, 1) from (seed, hash, n = the count of hits so far): the same in every process and on replay. */
function draw(seed: number, hash: string, n: number): number {
  const len = Math.min(hash.length, 60);
  for (let i = 0; i < len; i++) WORDS[i] = hash.charCodeAt(i);
  WORDS[len] = n;
  murmur3Words(WORDS, 0, len + 1, seed, DIGEST);
  return (DIGEST.h1 >>> 0) / 2 ** 32;
}

function checkCount(name: string, value: number | undefined, min: number): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min)
    throw new PliantError('FunctionalCache', 'argument', `${name} must be an integer ≥ ${min}, found ${String(value)}`);
}

/**
 * A functional equivalence cache (AutoML-Zero's FEC, Unified Functional Hashing's cache): maps
 * a candidate's hash to its measured value so an equivalent candidate is not evaluated again.
 * A lookup of a cached hash is a full *hit* (serve the value), a *partial* hit (evaluate again,
 * keep the running mean: `maxEvaluations`), or, in `counterfactual` mode, a hit that is
 * evaluated anyway to count collisions. Entries can be forgotten after `forgetAfter` hits or
 * with `evictionProbability` per hit, and `maxEntries` bounds the cache (least recently used
 * first). Every decision is a function of the sequence of lookups and records (eviction draws
 * come from a seeded hash), so replaying a study's journal rebuilds the same cache.
 *
 * ```ts
 * const cache = new FunctionalCache({ maxEvaluations: 2 });
 * cache.lookup('a');      // { kind: 'miss' }  → evaluate, then:
 * cache.record('a', 0.8);
 * cache.lookup('a');      // { kind: 'partial', evaluations: 1 } → evaluate again
 * cache.record('a', 0.6);
 * cache.lookup('a');      // { kind: 'hit', value: 0.7 }
 * ```
 */
export class FunctionalCache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEvaluations: number;
  readonly #forgetAfter: number;
  readonly #eviction: number;
  readonly #maxEntries: number;
  readonly #epsilon: number;
  readonly #seed: number;
  /** Whether the cache only counts (evaluating every proposal). */
  readonly counterfactual: boolean;
  #misses = 0;
  #hits = 0;
  #partialHits = 0;
  #collisions = 0;
  #unhashable = 0;
  #evictions = 0;

  constructor(options: FunctionalCacheOptions = {}) {
    checkCount('maxEvaluations', options.maxEvaluations, 1);
    checkCount('forgetAfter', options.forgetAfter, 1);
    checkCount('maxEntries', options.maxEntries, 1);
    const p = options.evictionProbability ?? 0;
    if (typeof p !== 'number' || !(p >= 0 && p <= 1))
      throw new PliantError('FunctionalCache', 'argument', `evictionProbability must be a number in [0, 1], found ${String(p)}`);
    const epsilon = options.epsilon ?? 1e-6;
    if (typeof epsilon !== 'number' || !(epsilon >= 0))
      throw new PliantError('FunctionalCache', 'argument', `epsilon must be a non-negative number, found ${String(epsilon)}`);
    const seed = options.seed ?? 0;
    if (!Number.isInteger(seed)) throw new PliantError('FunctionalCache', 'argument', `seed must be an integer, found ${String(seed)}`);
    this.#maxEvaluations = options.maxEvaluations ?? 1;
    this.#forgetAfter = options.forgetAfter ?? Infinity;
    this.#eviction = p;
    this.#maxEntries = options.maxEntries ?? Infinity;
    this.#epsilon = epsilon;
    this.#seed = seed | 0;
    this.counterfactual = options.counterfactual ?? false;
  }

  /**
   * What the cache says of `hash` without changing anything (no counters, no eviction): what
   * {@link FunctionalCache.lookup} would answer now.
   */
  peek(hash: string | undefined): CacheLookup {
    if (hash === undefined) return { kind: 'miss' };
    const entry = this.#entries.get(hash);
    if (entry === undefined) return { kind: 'miss' };
    if (this.counterfactual) return { kind: 'counterfactual', value: entry.value };
    if (entry.evaluations < this.#maxEvaluations) return { kind: 'partial', evaluations: entry.evaluations };
    return { kind: 'hit', value: entry.value };
  }

  /**
   * Looks `hash` up for a new proposal and counts it (`undefined`: an unhashable candidate,
   * always a miss). A hit (also a counterfactual one) may forget the entry afterwards
   * (`forgetAfter`, `evictionProbability`).
   */
  lookup(hash: string | undefined): CacheLookup {
    const answer = this.peek(hash);
    if (hash === undefined) {
      this.#unhashable++;
      this.#misses++;
      return answer;
    }
    if (answer.kind === 'miss') {
      this.#misses++;
      return answer;
    }
    const entry = this.#touch(hash);
    if (answer.kind === 'partial') {
      this.#partialHits++;
      return answer;
    }
    this.#hits++;
    entry.hits++;
    if (entry.hits >= this.#forgetAfter || (this.#eviction > 0 && draw(this.#seed, hash, this.#hits) < this.#eviction)) {
      this.#entries.delete(hash);
      this.#evictions++;
    }
    return answer;
  }

  /**
   * Records an evaluated value of `hash` (after a miss, a partial hit, or a counterfactual hit).
   * A new hash gets an entry; a partial hit updates the running mean; a counterfactual hit is
   * compared with the value the cache would have served (a collision when they differ by more
   * than ε) and leaves the entry as it is. Unhashable candidates (`undefined`) are not recorded.
   */
  record(hash: string | undefined, value: Measurement): void {
    if (hash === undefined) return;
    const entry = this.#entries.get(hash);
    if (entry === undefined) {
      this.#entries.set(hash, { value: copy(value), evaluations: 1, hits: 0 });
      if (this.#entries.size > this.#maxEntries) {
        const oldest = this.#entries.keys().next().value as string;
        this.#entries.delete(oldest);
        this.#evictions++;
      }
      return;
    }
    this.#touch(hash);
    if (this.counterfactual) {
      if (differ(entry.value, value, this.#epsilon)) this.#collisions++;
      return;
    }
    if (entry.evaluations >= this.#maxEvaluations) return; // an evaluation that was in flight when the entry filled up
    entry.value = mean(entry.value, entry.evaluations, value);
    entry.evaluations++;
  }

  /** The cached value of `hash`, if any (no counters change). */
  get(hash: string): Measurement | undefined {
    return this.#entries.get(hash)?.value;
  }

  /** The counters so far. */
  get stats(): CacheStats {
    return {
      misses: this.#misses,
      hits: this.#hits,
      partialHits: this.#partialHits,
      evaluationsSaved: this.counterfactual ? 0 : this.#hits,
      collisions: this.#collisions,
      unhashable: this.#unhashable,
      evictions: this.#evictions,
      entries: this.#entries.size,
    };
  }

  /** Moves an entry to the most recently used end. */
  #touch(hash: string): Entry {
    const entry = this.#entries.get(hash) as Entry;
    this.#entries.delete(hash);
    this.#entries.set(hash, entry);
    return entry;
  }
}

function copy(value: Measurement): Measurement {
  return typeof value === 'number' ? value : Object.freeze({ ...value });
}

function mean(old: Measurement, n: number, next: Measurement): Measurement {
  if (typeof old === 'number' && typeof next === 'number') return (old * n + next) / (n + 1);
  if (typeof old === 'object' && typeof next === 'object') {
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(old)) {
      const w = next[k];
      out[k] = w === undefined ? v : (v * n + w) / (n + 1);
    }
    return Object.freeze(out);
  }
  return copy(next); // the measurement changed shape: keep the newest
}

function differ(a: Measurement, b: Measurement, epsilon: number): boolean {
  const far = (x: number, y: number): boolean => Math.abs(x - y) > epsilon * Math.max(1, Math.abs(x), Math.abs(y));
  if (typeof a === 'number' && typeof b === 'number') return far(a, b);
  if (typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const x = a[k];
      const y = b[k];
      if (x === undefined || y === undefined || far(x, y)) return true;
    }
    return false;
  }
  return true;
}
