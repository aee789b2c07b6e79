/**
 * Mutators: a new DNA from one DNA, for evolution. Every mutator returns a DNA that passes
 * `spec.validate`; when a DNA has nothing the mutator can change, it is returned as is.
 */
import { DNA } from '../../geno/dna.js';
import type { ChoiceDecision, CustomDecision, DNASpec } from '../../geno/dna-spec.js';
import { randomFloat, randomInt } from '../../geno/random.js';
import type { Rng } from '../../base/rng.js';
import { PliantError } from '../../base/errors.js';
import { checkDNA } from '../checks.js';
import { dnaSites, indexOf, randomPick } from './dna-sites.js';
import type { Site } from './dna-sites.js';

/** A mutation: a DNA of `spec` from another (both valid). */
export type Mutator = (dna: DNA, spec: DNASpec, rng: Rng) => DNA;

type ChoiceSite = Extract<Site, { kind: 'choice' }>;
type LeafSite = Extract<Site, { kind: 'leaf' }>;

/** What one pick of a choice can become without breaking `distinct` / `sorted`, except itself. */
function pickOptions(d: ChoiceDecision, picks: readonly DNA[], j: number): number[] {
  const n = d.candidates.length;
  const current = indexOf(picks[j] as DNA);
  const lo = d.sorted && j > 0 ? indexOf(picks[j - 1] as DNA) : 0;
  const hi = d.sorted && j < picks.length - 1 ? indexOf(picks[j + 1] as DNA) : n - 1;
  const taken = new Set<number>();
  if (d.distinct) picks.forEach((p, i) => i !== j && taken.add(indexOf(p)));
  const options: number[] = [];
  for (let i = lo; i <= hi; i++) if (i !== current && !taken.has(i)) options.push(i);
  return options;
}

/** Pairs of picks whose exchange changes the DNA and keeps it valid (none for a sorted choice). */
function swapPairs(site: ChoiceSite): [number, number][] {
  if (site.decision.sorted || site.picks.length < 2) return [];
  const pairs: [number, number][] = [];
  for (let i = 0; i < site.picks.length; i++) {
    for (let j = i + 1; j < site.picks.length; j++) if (!(site.picks[i] as DNA).equals(site.picks[j] as DNA)) pairs.push([i, j]);
  }
  return pairs;
}

function swapped(site: ChoiceSite, i: number, j: number): DNA {
  const picks = site.picks.slice();
  // Pick i and pick j have their own sub-spaces, but of the same candidates: the shapes agree.
  [picks[i], picks[j]] = [picks[j] as DNA, picks[i] as DNA];
  return site.replace(picks);
}

function mutateCustom(d: CustomDecision, genome: DNA, rng: Rng): DNA {
  const g = genome.value as string;
  const next = d.definition.mutate === undefined ? d.definition.random(rng, d.hyper) : d.definition.mutate(g, rng, d.hyper);
  if (typeof next !== 'string')
    throw new PliantError(d.definition.name, 'argument', `decision '${d.id}': mutate/random must return a genome string, found ${String(next)}`);
  return new DNA(next);
}

function pickOne<T>(items: readonly T[], rng: Rng): T {
  return items[Math.floor(rng() * items.length)] as T;
}

/** A change of one decision, ready to apply. */
type Change = () => DNA;

function leafChange(site: LeafSite, rng: Rng): Change | undefined {
  const d = site.decision;
  if (d.kind === 'custom') return () => site.replace(mutateCustom(d, site.dna, rng));
  if (!(d.min < d.max)) return undefined;
  if (d.kind === 'float') return () => site.replace(new DNA(randomFloat(d.min, d.max, d.scale, rng), undefined, true));
  return () => {
    const v = site.dna.value as number;
    if (d.scale === 'log' || d.scale === 'rlog') {
      // on its scale, redrawn until it differs (a log intv puts most of its mass on small values)
      for (let attempt = 0; attempt < 32; attempt++) {
        const drawn = randomInt(d.min, d.max, d.scale, rng);
        if (drawn !== v) return site.replace(new DNA(drawn));
      }
    }
    let next = d.min + Math.floor(rng() * (d.max - d.min));
    if (next >= v) next++;
    return site.replace(new DNA(next));
  };
}

function pickChange(site: ChoiceSite, j: number, rng: Rng, api: string): Change | undefined {
  const d = site.decision;
  const options = pickOptions(d, site.picks, j);
  if (options.length > 0) {
    return () => {
      const picks = site.picks.slice();
      picks[j] = randomPick(d, j, pickOne(options, rng), rng);
      return site.replace(picks);
    };
  }
  // A full distinct choice (a permutation): the only other candidates are in other picks, so swap.
  const partners = swapPairs(site).filter(([a, b]) => a === j || b === j);
  if (partners.length === 0) return undefined;
  return () => {
    const [a, b] = pickOne(partners, rng);
    return swapped(site, a, b);
  };
}

/**
 * Changes one decision present in the DNA, chosen uniformly among those that can change (each
 * pick of a `manyOf` counts as one decision, as in `numDecisionPoints`), and draws it again:
 * - a pick of a choice gets a different candidate allowed by `distinct` / `sorted`, with a fresh
 *   random DNA for the new candidate's decisions; a pick of a permutation (every other candidate
 *   taken) is swapped with another pick instead;
 * - a float is drawn uniformly on its scale; an integer gets a different value (uniform, or on
 *   its log scale for a log `intv`);
 * - a custom decision gets `definition.mutate(genome)`, or a fresh `definition.random()`.
 */
export function uniformMutator(): Mutator {
  const api = 'uniformMutator';
  return (dna, spec, rng) => {
    checkDNA(spec, dna, api);
    const changes: Change[] = [];
    for (const site of dnaSites(spec, dna, api)) {
      if (site.kind === 'leaf') {
        const change = leafChange(site, rng);
        if (change !== undefined) changes.push(change);
      } else {
        for (let j = 0; j < site.picks.length; j++) {
          const change = pickChange(site, j, rng, api);
          if (change !== undefined) changes.push(change);
        }
      }
    }
    return changes.length === 0 ? dna : pickOne(changes, rng)();
  };
}

/**
 * Swaps two picks (each with its candidate's decisions) of one `manyOf` / `permutate` present in
 * the DNA, the choice and the pair uniform among those a swap changes. Sorted choices are never
 * swapped (it would break their order); a DNA with nothing to swap is returned as is.
 */
export function swapMutator(): Mutator {
  const api = 'swapMutator';
  return (dna, spec, rng) => {
    checkDNA(spec, dna, api);
    const sites = dnaSites(spec, dna, api)
      .filter((s): s is ChoiceSite => s.kind === 'choice')
      .map((site) => ({ site, pairs: swapPairs(site) }))
      .filter((s) => s.pairs.length > 0);
    if (sites.length === 0) return dna;
    const { site, pairs } = pickOne(sites, rng);
    const [i, j] = pickOne(pairs, rng);
    return swapped(site, i, j);
  };
}

/**
 * Mutates one custom decision present in the DNA (uniformly chosen) with its definition's own
 * `mutate` (or a fresh `random` genome when it has none). A DNA without custom decisions is
 * returned as is.
 */
export function customMutator(): Mutator {
  const api = 'customMutator';
  return (dna, spec, rng) => {
    checkDNA(spec, dna, api);
    const sites = dnaSites(spec, dna, api).filter((s): s is LeafSite => s.kind === 'leaf' && s.decision.kind === 'custom');
    if (sites.length === 0) return dna;
    const site = pickOne(sites, rng);
    return site.replace(mutateCustom(site.decision as CustomDecision, site.dna, rng));
  };
}
