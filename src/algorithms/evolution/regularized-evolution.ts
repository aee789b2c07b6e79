import { checkOptions } from '../../base/options.js';
import { checkInteger, optionNames } from '../checks.js';
import { evolution } from './evolution.js';
import type { EvolutionAlgorithm } from './evolution.js';
import { uniformMutator } from './mutators.js';
import type { Mutator } from './mutators.js';
import { last, tournament } from './selectors.js';
import { PliantError } from '../../base/errors.js';

/** Options of {@link regularizedEvolution}. */
export interface RegularizedEvolutionOptions {
  /** How many members the population holds (default 100). */
  readonly populationSize?: number;
  /** How many members a tournament samples (default 10; at most `populationSize`). */
  readonly tournamentSize?: number;
  /** The mutation (default {@link uniformMutator}). */
  readonly mutator?: Mutator;
  /** The seed (default: the search's seed from the context). */
  readonly seed?: number | string;
}

const OPTIONS = optionNames<RegularizedEvolutionOptions>({ populationSize: true, tournamentSize: true, mutator: true, seed: true });

/**
 * Regularized (aging) evolution, Real et al. 2019: the first `populationSize` proposals are
 * random; each later one mutates the best of `tournamentSize` members sampled at random (without
 * replacement) from the current population. Each feedback joins the population and, once it is
 * full, the oldest member dies, so the population never exceeds `populationSize`. Proposals do
 * not wait for pending feedback. A failed trial (`outcome.failed`) never joins the population: it
 * is never a parent and kills no member (see {@link evolution}); it still counts among the first
 * `populationSize` (random) proposals. Seeded by `seed`, or the context's seed, on the context's
 * stream. An unknown option name is a `PliantError`.
 */
export function regularizedEvolution(options: RegularizedEvolutionOptions = {}): EvolutionAlgorithm {
  const api = 'regularizedEvolution';
  checkOptions(api, options, OPTIONS);
  const populationSize = checkInteger(options.populationSize ?? 100, 'populationSize', api);
  const tournamentSize = checkInteger(options.tournamentSize ?? 10, 'tournamentSize', api);
  if (tournamentSize > populationSize) {
    throw new PliantError(api, 'argument', `tournamentSize (${tournamentSize}) must not exceed populationSize (${populationSize})`);
  }
  return evolution({
    name: api,
    populationSize,
    select: tournament(tournamentSize),
    mutate: options.mutator ?? uniformMutator(),
    reduce: last(populationSize),
    seed: options.seed,
  });
}
