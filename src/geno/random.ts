import { PliantError } from '../base/errors.js';
import { seededRng } from '../base/rng.js';
import type { Rng } from '../base/rng.js';
import type { TreeValue } from '../symbolic/node.js';
import { DNA } from './dna.js';
import type { DNASpec, DecisionPoint, SpaceSpec } from './dna-spec.js';
import { childrenOf, joinSpace } from './dna-spec.js';
import { prepare } from './template.js';
import type { Concrete } from './template.js';

/**
 * A random DNA: each choice uniform over its candidates (a distinct `manyOf` samples without
 * replacement), an `intv` uniform over its integers (log-uniform for `{scale: 'log'}`, see
 * {@link randomInt}), a float uniform over its range, or log-uniform for `{scale: 'log'}`
 * (reverse-log for `'rlog'`). The reference library samples every float linearly; pliant follows
 * the scale.
 */
export function randomDNA(spec: DNASpec, rng: Rng): DNA {
  return joinSpace(spec.root, randomSpace(spec.root, rng));
}

/**
 * Moves `rng` past `count` calls of {@link randomDNA} on `spec` without building their DNAs: the
 * generator ends where it would have. A space whose every decision takes a fixed number of draws
 * (floats, ints, `oneOf`s without sub-decisions) is skipped draw by draw; any other is sampled.
 */
export function skipRandomDNA(spec: DNASpec, rng: Rng, count: number): void {
  let draws = DRAWS.get(spec);
  if (draws === undefined) {
    draws = fixedDraws(spec.root) ?? -1;
    DRAWS.set(spec, draws);
  }
  if (draws < 0) {
    for (let i = 0; i < count; i++) randomDNA(spec, rng);
    return;
  }
  for (let i = count * draws; i > 0; i--) rng();
}

const DRAWS = new WeakMap<DNASpec, number>();

/** How many draws a random DNA of `space` always takes, or `undefined` when that varies. */
function fixedDraws(space: SpaceSpec): number | undefined {
  let draws = 0;
  for (const d of space.elements) {
    if (d.kind === 'float') draws += d.min === d.max ? 0 : 1;
    else if (d.kind === 'int') draws += 1;
    else if (d.kind === 'choice' && d.k === 1 && (d.picks[0] ?? []).every((c) => c.elements.length === 0)) draws += 1;
    else return undefined;
  }
  return draws;
}

/** Options of {@link sampleRandom}. */
export interface SampleRandomOptions {
  /** The seed (every random choice in pliant takes one). */
  readonly seed: number | string;
  /** How many samples (default 1). */
  readonly n?: number;
}

/** `n` concrete trees drawn at random from a space with a seeded generator. */
export function sampleRandom<T extends TreeValue>(space: T, options: SampleRandomOptions): Concrete<T>[] {
  const template = prepare(space);
  const rng = seededRng(options.seed);
  const n = options.n ?? 1;
  if (!Number.isInteger(n) || n < 0) throw new PliantError('sampleRandom', 'argument', `n must be a non-negative integer, found ${n}`);
  return Array.from({ length: n }, () => template.materialize(randomDNA(template.spec, rng)));
}

function randomSpace(space: SpaceSpec, rng: Rng): DNA[] {
  return space.elements.map((d) => randomDecision(d, rng));
}

function randomPick(cands: readonly SpaceSpec[], index: number, rng: Rng): DNA {
  return randomCandidate(cands[index] as SpaceSpec, index, rng);
}

/** @internal The DNA of a pick of candidate `index` (sub-space `cand`) with random sub-decisions. */
export function randomCandidate(cand: SpaceSpec, index: number, rng: Rng): DNA {
  return new DNA(index, childrenOf(cand, randomSpace(cand, rng)));
}

/** A uniform float in [min, max] on the decision's scale. */
export function randomFloat(min: number, max: number, scale: 'linear' | 'log' | 'rlog' | undefined, rng: Rng): number {
  if (min === max) return min;
  const u = rng();
  let v: number;
  if (scale === 'log') v = Math.exp(Math.log(min) + u * (Math.log(max) - Math.log(min)));
  else if (scale === 'rlog') v = max + min - Math.exp(Math.log(min) + u * (Math.log(max) - Math.log(min)));
  else v = min + u * (max - min);
  return Math.min(max, Math.max(min, v));
}

/**
 * A random integer in [min, max] on the decision's scale: uniform over the integers, or for
 * `'log'` uniform on [log(min − ½), log(max + ½)] and rounded, so each integer k has the
 * log-uniform mass of [k − ½, k + ½] (as Optuna's log integers); `'rlog'` is the mirror image
 * (dense near `max`). Log scales need `min ≥ 1`.
 */
export function randomInt(min: number, max: number, scale: 'linear' | 'log' | 'rlog' | undefined, rng: Rng): number {
  if (scale !== 'log' && scale !== 'rlog') return min + Math.floor(rng() * (max - min + 1));
  const lo = Math.log(min - 0.5);
  const hi = Math.log(max + 0.5);
  const k = Math.min(max, Math.max(min, Math.round(Math.exp(lo + rng() * (hi - lo)))));
  return scale === 'log' ? k : max + min - k;
}

function randomDecision(d: DecisionPoint, rng: Rng): DNA {
  if (d.kind === 'custom') return new DNA(d.definition.random(rng, d.hyper));
  if (d.kind === 'float') return new DNA(randomFloat(d.min, d.max, d.scale, rng), undefined, true);
  if (d.kind === 'int') return new DNA(randomInt(d.min, d.max, d.scale, rng));
  const n = d.candidates.length;
  if (d.k === 1) return randomPick(d.picks[0] as readonly SpaceSpec[], Math.floor(rng() * n), rng);
  let indices: number[];
  if (d.distinct) {
    const pool = Array.from({ length: n }, (_, i) => i);
    for (let j = 0; j < d.k; j++) {
      const r = j + Math.floor(rng() * (n - j));
      [pool[j], pool[r]] = [pool[r] as number, pool[j] as number];
    }
    indices = pool.slice(0, d.k);
  } else {
    indices = Array.from({ length: d.k }, () => Math.floor(rng() * n));
  }
  if (d.sorted) indices.sort((a, b) => a - b);
  return new DNA(
    undefined,
    indices.map((i, j) => randomPick(d.picks[j] as readonly SpaceSpec[], i, rng)),
  );
}
