/**
 * Changes one decision of a DNA (the `target`-th active decision in depth-first order) and says
 * where in the materialized tree that decision's value lives, for the locality property: a
 * changed decision changes only its own subtree.
 */
import { DNA, DNASpec, randomDNA, randomFloat } from '../../src/index.js';
import type { ChoiceDecision, DecisionPoint, KeySegment, Rng, SpaceSpec } from '../../src/index.js';
import { candidateElements, childrenOf, elementDNAs, joinSpace } from '../../src/geno/dna-spec.js';

/** What {@link mutateOne} changed. */
export interface OneMutation {
  /** The DNA with one decision changed. */
  readonly dna: DNA;
  /** The decision point changed. */
  readonly decision: DecisionPoint;
  /** Key path of the decision's value in the materialized tree. */
  readonly location: readonly KeySegment[];
  /** For a number (float, int) or genome: the old and new DNA values. */
  readonly leaf?: { readonly before: number | string; readonly after: number | string };
  /** For a pick of a choice: the candidate chosen before and after, each with its own sub-DNA. */
  readonly pick?: { readonly before: { index: number; sub: DNA }; readonly after: { index: number; sub: DNA } };
}

/** The number of decisions active in `dna` (each pick of a `manyOf` counts once). */
export function activeDecisions(spec: DNASpec, dna: DNA): number {
  let count = 0;
  const space = (s: SpaceSpec, elems: readonly DNA[]): void => s.elements.forEach((d, i) => decision(d, elems[i] as DNA));
  const decision = (d: DecisionPoint, x: DNA): void => {
    if (d.kind !== 'choice') {
      count++;
      return;
    }
    const picks = d.k === 1 ? [x] : x.children;
    picks.forEach((p, j) => {
      count++;
      const index = p.value as number;
      const cand = (d.picks[j] as readonly SpaceSpec[])[index] as SpaceSpec;
      space(cand, candidateElements(cand, p.children, 'test', d, index));
    });
  };
  space(spec.root, elementDNAs(spec.root, dna, 'test'));
  return count;
}

/**
 * Changes the `target`-th active decision: a float, int or custom genome gets a random new
 * value; a pick gets a random candidate allowed by the choice's distinct/sorted constraints
 * (possibly the same one) with a fresh random sub-DNA.
 */
export function mutateOne(spec: DNASpec, dna: DNA, target: number, rng: Rng): OneMutation {
  let counter = 0;
  let found: Omit<OneMutation, 'dna'> | undefined;

  const space = (s: SpaceSpec, elems: readonly DNA[], at: readonly KeySegment[]): DNA[] =>
    s.elements.map((d, i) => decision(d, elems[i] as DNA, [...at, ...d.location]));

  const decision = (d: DecisionPoint, x: DNA, loc: KeySegment[]): DNA => {
    if (d.kind === 'choice') {
      if (d.k === 1) return pick(d, 0, x, d.isList ? [...loc, 0] : loc, [x]);
      const kids = [...x.children];
      for (let j = 0; j < d.k; j++) kids[j] = pick(d, j, kids[j] as DNA, [...loc, j], kids);
      return new DNA(undefined, kids);
    }
    if (counter++ !== target) return x;
    let next: DNA;
    if (d.kind === 'float') next = new DNA(randomFloat(d.min, d.max, d.scale, rng), undefined, true);
    else if (d.kind === 'int') next = new DNA(d.min + Math.floor(rng() * (d.max - d.min + 1)));
    else next = new DNA(d.definition.random(rng, d.hyper));
    found = { decision: d, location: loc, leaf: { before: x.value as number | string, after: next.value as number | string } };
    return next;
  };

  const pick = (d: ChoiceDecision, j: number, x: DNA, loc: KeySegment[], siblings: readonly DNA[]): DNA => {
    const cands = d.picks[j] as readonly SpaceSpec[];
    const index = x.value as number;
    const cand = cands[index] as SpaceSpec;
    const elems = candidateElements(cand, x.children, 'test', d, index);
    if (counter++ !== target) return new DNA(index, childrenOf(cand, space(cand, elems, loc)));
    const n = d.candidates.length;
    const lo = d.sorted && j > 0 ? ((siblings[j - 1] as DNA).value as number) : 0;
    const hi = d.sorted && j < d.k - 1 ? ((siblings[j + 1] as DNA).value as number) : n - 1;
    const taken = new Set(siblings.filter((_, i) => i !== j).map((s) => s.value as number));
    const options: number[] = [];
    for (let i = lo; i <= hi; i++) if (!(d.distinct && taken.has(i))) options.push(i);
    const next = options[Math.floor(rng() * options.length)] as number;
    const nextCand = cands[next] as SpaceSpec;
    const sub = randomDNA(new DNASpec(nextCand), rng);
    found = {
      decision: d,
      location: loc,
      pick: { before: { index, sub: joinSpace(cand, elems) }, after: { index: next, sub } },
    };
    return new DNA(next, childrenOf(nextCand, elementDNAs(nextCand, sub, 'test')));
  };

  const out = joinSpace(spec.root, space(spec.root, elementDNAs(spec.root, dna, 'test'), []));
  if (found === undefined) throw new Error(`no active decision number ${target}`);
  return { dna: out, ...found };
}
