import { PliantError } from '../base/errors.js';
import type { TreeValue } from '../symbolic/node.js';
import { DNA } from './dna.js';
import type { DNASpec, DecisionPoint, SpaceSpec } from './dna-spec.js';
import { childrenOf, joinSpace } from './dna-spec.js';
import { prepare } from './template.js';
import type { Concrete } from './template.js';

/** Options of {@link iterate} and {@link iterateDNA}. */
export interface IterateOptions {
  /** Stop after this many points. */
  readonly limit?: number;
}

/**
 * Every DNA of a finite space in PyGlove's grid order: lexicographic over the depth-first
 * numbers, the last decision varying fastest, a choice's conditional decisions enumerated
 * before the choice moves on. A space with a float decision is not enumerable: the error names it.
 */
export function* iterateDNA(spec: DNASpec, options: IterateOptions = {}): Generator<DNA, void, undefined> {
  if (spec.spaceSize === -1) {
    const float = findFloat(spec.root);
    throw new PliantError(
      'iterate',
      'argument',
      `the space cannot be enumerated: decision '${float?.id ?? '?'}' is ${float?.kind === 'custom' ? 'a custom decision' : 'a float'} (use randomDNA or a search algorithm)`,
    );
  }
  const limit = options.limit ?? Infinity;
  if (limit <= 0) return;
  let count = 0;
  for (const elems of spaceDNAs(spec.root)) {
    yield joinSpace(spec.root, elems);
    if (++count >= limit) return;
  }
}

/** Every concrete tree of a finite space, in grid order (see {@link iterateDNA}). */
export function* iterate<T extends TreeValue>(space: T, options: IterateOptions = {}): Generator<Concrete<T>, void, undefined> {
  const template = prepare(space);
  for (const dna of iterateDNA(template.spec, options)) yield template.materialize(dna);
}

function findFloat(space: SpaceSpec): DecisionPoint | undefined {
  for (const d of space.elements) {
    if (d.kind === 'float' || d.kind === 'custom') return d;
    if (d.kind === 'choice') {
      for (const pick of d.picks)
        for (const c of pick) {
          const f = findFloat(c);
          if (f !== undefined) return f;
        }
    }
  }
  return undefined;
}

function* spaceDNAs(space: SpaceSpec): Generator<DNA[], void, undefined> {
  const n = space.elements.length;
  const acc = new Array<DNA>(n);
  function* product(i: number): Generator<DNA[], void, undefined> {
    if (i === n) {
      yield acc.slice();
      return;
    }
    for (const d of decisionDNAs(space.elements[i] as DecisionPoint)) {
      acc[i] = d;
      yield* product(i + 1);
    }
  }
  yield* product(0);
}

function* pickDNAs(cands: readonly SpaceSpec[], index: number): Generator<DNA, void, undefined> {
  const cand = cands[index] as SpaceSpec;
  for (const elems of spaceDNAs(cand)) yield new DNA(index, childrenOf(cand, elems));
}

function* decisionDNAs(d: DecisionPoint): Generator<DNA, void, undefined> {
  if (d.kind === 'float') throw new PliantError('iterate', 'argument', `decision '${d.id}' is a float`);
  if (d.kind === 'custom') throw new PliantError('iterate', 'argument', `decision '${d.id}' is a custom decision`);
  if (d.kind === 'int') {
    for (let v = d.min; v <= d.max; v++) yield new DNA(v);
    return;
  }
  const n = d.candidates.length;
  if (d.k === 1) {
    for (let i = 0; i < n; i++) yield* pickDNAs(d.picks[0] as readonly SpaceSpec[], i);
    return;
  }
  const c = d;
  const picks = new Array<DNA>(c.k);
  const used = new Set<number>();
  function* from(j: number, previous: number): Generator<DNA, void, undefined> {
    if (j === c.k) {
      yield new DNA(undefined, picks.slice());
      return;
    }
    for (let i = c.sorted ? Math.max(previous, 0) : 0; i < n; i++) {
      if (c.distinct && used.has(i)) continue;
      used.add(i);
      for (const pick of pickDNAs(c.picks[j] as readonly SpaceSpec[], i)) {
        picks[j] = pick;
        yield* from(j + 1, i);
      }
      used.delete(i);
    }
  }
  yield* from(0, -1);
}
