import { checkOptions } from '../../base/options.js';
import { optionNames } from '../checks.js';
import { evolution } from './evolution.js';
import type { EvolutionAlgorithm } from './evolution.js';
import { uniformMutator } from './mutators.js';
import type { Mutator } from './mutators.js';
import { first, top } from './selectors.js';
import type { Selector } from './selectors.js';

/** Options of {@link hillClimb}. */
export interface HillClimbOptions {
  /** The mutation (default {@link uniformMutator}). */
  readonly mutator?: Mutator;
  /** The seed (default: the search's seed from the context). */
  readonly seed?: number | string;
}

const OPTIONS = optionNames<HillClimbOptions>({ mutator: true, seed: true });

/** Of the incumbent and a newcomer, the newcomer when it is at least as good (so plateaus are crossed). */
const keepBetter: Selector = (population, rng) => {
  const incumbent = population[0];
  const newcomer = population[population.length - 1];
  if (incumbent === undefined || newcomer === undefined) return [];
  return newcomer.reward >= incumbent.reward ? [newcomer] : first(1)(population, rng);
};

/**
 * Hill climbing: the first proposal is random; every later one mutates the best DNA so far (a
 * newcomer at least as good replaces it). Until the first feedback arrives, proposals are random.
 * A failed trial (`outcome.failed`) never replaces the incumbent (it never joins the population,
 * see {@link evolution}); while only failed feedback has arrived, proposals stay random. Seeded by
 * `seed`, or the context's seed, on the context's stream. An unknown option name is a
 * `PliantError`.
 */
export function hillClimb(options: HillClimbOptions = {}): EvolutionAlgorithm {
  checkOptions('hillClimb', options, OPTIONS);
  return evolution({
    name: 'hillClimb',
    populationSize: 1,
    select: top(1),
    mutate: options.mutator ?? uniformMutator(),
    reduce: keepBetter,
    seed: options.seed,
  });
}
