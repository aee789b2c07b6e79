import { PliantError } from '../base/errors.js';
import type { TreeValue } from '../symbolic/node.js';
import { FunctionalCache } from './functional-cache.js';
import type { FunctionalCacheOptions } from './functional-cache.js';
import { functionalHash } from './functional-hash.js';
import type { AsyncProbe, Probe } from './functional-hash.js';
import type { RuleSet } from './rewrite-rules.js';
import { structuralHash } from './structural-hash.js';

/**
 * A hash of a candidate for deduplication: equal strings mean equivalent candidates;
 * `undefined` means unhashable (never equal to anything). May be async.
 */
export type HashFunction<C> = (candidate: C) => string | undefined | Promise<string | undefined>;

/** Deduplication with a functional equivalence cache, as `sample` and `search` take it. */
export interface DedupeOptions<C> extends FunctionalCacheOptions {
  /**
   * How candidates are hashed: `'structural'` (the canonical structural hash of the candidate's
   * tree, after the rewrite `rules`), `'functional'` (what the candidate does on `probe`), or a
   * custom hash function.
   */
  readonly hash: 'structural' | 'functional' | HashFunction<C>;
  /** The probe of a `'functional'` hash (see `functionalHash`). */
  readonly probe?: Probe<C> | AsyncProbe<C>;
  /** Mantissa bits kept by a `'functional'` hash (default 24). */
  readonly mantissaBits?: number;
  /** The seed given to the probe (default 0). */
  readonly probeSeed?: number;
  /** Rewrite rules of a `'structural'` hash (default: `defaultRules()`). */
  readonly rules?: RuleSet | readonly RuleSet[];
  /**
   * The cache to use, for example to read its counters afterwards (give a fresh one: the study's
   * journal is replayed into it). Default: a new cache with these options.
   */
  readonly cache?: FunctionalCache;
  /**
   * Stop the loop when this many proposals in a row were served from the cache: the algorithm
   * keeps proposing what it has already seen (default 1,000).
   */
  readonly maxConsecutiveHits?: number;
}

/**
 * The `dedupe` option of `sample` / `search`: `'structural'`, a hash function, or
 * {@link DedupeOptions} (for `'functional'` with a probe, and for the cache's policies).
 */
export type Dedupe<C> = 'structural' | HashFunction<C> | DedupeOptions<C>;

/** @internal A resolved `dedupe` option. */
export interface ResolvedDedupe {
  /** What the study's metadata says of it. */
  readonly kind: string;
  readonly cache: FunctionalCache;
  readonly maxConsecutiveHits: number;
  /** Hashes a candidate (its tree: the materialized space, for a structural hash). */
  hashOf(candidate: unknown, tree: () => TreeValue): string | undefined | Promise<string | undefined>;
}

const CACHE_OPTIONS = ['maxEvaluations', 'forgetAfter', 'evictionProbability', 'maxEntries', 'counterfactual', 'epsilon', 'seed'] as const;

/** @internal Checks and resolves a `dedupe` option. */
export function resolveDedupe<C>(dedupe: Dedupe<C>, api: string): ResolvedDedupe {
  const options: DedupeOptions<C> = typeof dedupe === 'string' || typeof dedupe === 'function' ? { hash: dedupe } : dedupe;
  if (typeof options !== 'object' || options === null) {
    throw new PliantError(api, 'argument', `dedupe is 'structural', a hash function, or {hash, ...}, found ${String(dedupe)}`);
  }
  const maxConsecutiveHits = options.maxConsecutiveHits ?? 1000;
  if (!Number.isInteger(maxConsecutiveHits) || maxConsecutiveHits < 1) {
    throw new PliantError(api, 'argument', `dedupe.maxConsecutiveHits must be a positive integer, found ${String(options.maxConsecutiveHits)}`);
  }
  let cache: FunctionalCache;
  if (options.cache !== undefined) {
    if (!(options.cache instanceof FunctionalCache)) throw new PliantError(api, 'argument', 'dedupe.cache must be a FunctionalCache');
    const both = CACHE_OPTIONS.filter((k) => options[k] !== undefined);
    if (both.length > 0) throw new PliantError(api, 'argument', `dedupe gives a cache and cache options (${both.join(', ')}): set the options on the cache`);
    cache = options.cache;
  } else {
    try {
      cache = new FunctionalCache(options);
    } catch (error) {
      if (error instanceof PliantError) throw new PliantError(api, 'argument', `dedupe: ${error.message}`, { cause: error });
      throw error;
    }
  }
  const hash = options.hash;
  if (hash === 'structural') {
    if (options.probe !== undefined) throw new PliantError(api, 'argument', "dedupe: a probe is for hash: 'functional', not 'structural'");
    const rules = options.rules;
    return { kind: 'structural', cache, maxConsecutiveHits, hashOf: (_candidate, tree) => structuralHash(tree(), rules === undefined ? {} : { rules }) };
  }
  if (hash === 'functional') {
    const probe = options.probe;
    if (typeof probe !== 'function')
      throw new PliantError(api, 'argument', "dedupe: hash: 'functional' needs a probe: {hash: 'functional', probe: (candidate, {rng}) => outputs}");
    const hashOptions = {
      ...(options.mantissaBits === undefined ? {} : { mantissaBits: options.mantissaBits }),
      ...(options.probeSeed === undefined ? {} : { seed: options.probeSeed }),
    };
    functionalHash(0, () => 0, hashOptions); // checks mantissaBits now, not at the first trial
    return { kind: 'functional', cache, maxConsecutiveHits, hashOf: (candidate) => functionalHash(candidate as C, probe as Probe<C>, hashOptions) };
  }
  if (typeof hash === 'function') {
    return { kind: 'custom', cache, maxConsecutiveHits, hashOf: (candidate) => hash(candidate as C) };
  }
  throw new PliantError(api, 'argument', `dedupe.hash is 'structural', 'functional' or a function, found ${String(hash)}`);
}
