/**
 * A composer of evolutionary algorithms: a population, a selector of parents, an optional
 * recombination, a mutation and a selector of survivors. Regularized evolution and hill climbing
 * are built with it; users build their own the same way.
 */
import type { DNA } from '../../geno/dna.js';
import type { DNASpec } from '../../geno/dna-spec.js';
import { randomDNA } from '../../geno/random.js';
import type { Rng } from '../../base/rng.js';
import { PliantError } from '../../base/errors.js';
import { checkOptions } from '../../base/options.js';
import { replayHistory } from '../algorithm.js';
import type { Algorithm, AlgorithmContext, HistoryEntry, Outcome } from '../algorithm.js';
import { checkDNA, checkFunction, checkInteger, checkReward, contextRng, optionNames, requireSetup } from '../checks.js';
import { checkOutcome, isFailed } from '../ranking.js';
import type { Mutator } from './mutators.js';
import type { Recombinator } from './recombinators.js';
import { keepsLast, last } from './selectors.js';
import type { Member, Selector } from './selectors.js';

/** Options of {@link evolution}. */
export interface EvolutionOptions {
  /** How many members the population holds at most; the first `populationSize` proposals are random. */
  readonly populationSize: number;
  /** Picks the parents of a proposal from the population (`tournament(10)`, `top(1)`, ...). */
  readonly select: Selector;
  /** Mutates the (recombined) parent into the proposal. */
  readonly mutate: Mutator;
  /** Combines the first two selected parents (used when the selector picks at least two). */
  readonly recombine?: Recombinator;
  /**
   * Picks the survivors when a feedback takes the population over `populationSize`; they keep
   * their order of arrival. Default: `last(populationSize)`, aging (the oldest member dies).
   */
  readonly reduce?: Selector;
  /** The seed (default: the search's seed from the context). */
  readonly seed?: number | string;
  /** The algorithm's name in logs and results (default `'evolution'`). */
  readonly name?: string;
}

/** An evolutionary {@link Algorithm} whose population can be inspected. */
export interface EvolutionAlgorithm extends Algorithm {
  /** The current population, oldest first (a copy). */
  readonly population: readonly Member[];
}

const OPTIONS = optionNames<EvolutionOptions>({
  populationSize: true,
  select: true,
  mutate: true,
  recombine: true,
  reduce: true,
  seed: true,
  name: true,
});

interface State {
  readonly spec: DNASpec;
  readonly rng: Rng;
  population: Member[];
  proposed: number;
}

/**
 * An evolution from its parts. Each proposal is random while fewer than `populationSize`
 * proposals were made (or while no feedback has arrived yet); otherwise it is
 * `mutate(recombine(p0, p1))` (or `mutate(p0)`) of the parents `select` picks from the current
 * population, so proposals never wait for pending feedback. Each feedback appends its DNA and
 * reward to the population; when that takes it over `populationSize`, `reduce` picks the
 * survivors. Seeded (`seed`, or the context's seed, on the context's stream): the same seed and
 * rewards give the same proposals; `recover` replays the history.
 *
 * A failed trial (`outcome.failed`) never joins the population, so it is never a parent and never
 * pushes a living member out; it still counts as a proposal (toward the first `populationSize`
 * random ones). Pruned and infeasible trials join it and rank after the others (see `Outcome`).
 * A feedback of a DNA this instance never proposed (another process's trial) joins it too. An
 * unknown option name is a `PliantError`.
 *
 * ```ts
 * const myEvolution = evolution({ populationSize: 50, select: tournament(5, 2), recombine: uniformCrossover(), mutate: uniformMutator() });
 * ```
 */
export function evolution(options: EvolutionOptions): EvolutionAlgorithm {
  if (typeof options !== 'object' || options === null) throw new PliantError('evolution', 'argument', 'options must be an object');
  const api = options.name ?? 'evolution';
  checkOptions(api, options, OPTIONS);
  const populationSize = checkInteger(options.populationSize, 'populationSize', api);
  checkFunction(options.select, 'select', api);
  checkFunction(options.mutate, 'mutate', api);
  if (options.recombine !== undefined) checkFunction(options.recombine, 'recombine', api);
  if (options.reduce !== undefined) checkFunction(options.reduce, 'reduce', api);
  const reduce = options.reduce ?? last(populationSize);
  const aging = keepsLast(reduce);
  let state: State | undefined;

  const algorithm: EvolutionAlgorithm = {
    name: api,
    get population(): readonly Member[] {
      return Object.freeze(state?.population.slice() ?? []);
    },
    setup(spec: DNASpec, context: AlgorithmContext): void {
      state = { spec, rng: contextRng(options.seed, context, `${api}.setup`), population: [], proposed: 0 };
    },
    propose(): DNA {
      const s = requireSetup(state, `${api}.propose`);
      s.proposed++;
      if (s.proposed <= populationSize || s.population.length === 0) return randomDNA(s.spec, s.rng);
      const parents = options.select(s.population, s.rng);
      const [p0, p1] = parents;
      if (p0 === undefined) throw new PliantError(`${api}.propose`, 'argument', `select picked no parent from a population of ${s.population.length}`);
      const parent = options.recombine !== undefined && p1 !== undefined ? options.recombine(p0.dna, p1.dna, s.spec, s.rng) : p0.dna;
      return options.mutate(parent, s.spec, s.rng);
    },
    feedback(dna: DNA, reward: number, outcome?: Outcome): void {
      const s = requireSetup(state, `${api}.feedback`);
      checkDNA(s.spec, dna, `${api}.feedback`);
      checkReward(reward, `${api}.feedback`);
      checkOutcome(outcome, `${api}.feedback`);
      if (isFailed(outcome)) return;
      s.population.push(Object.freeze(outcome === undefined ? { dna, reward } : { dna, reward, outcome }));
      if (s.population.length > populationSize && aging !== undefined) {
        // `last(n)`: the oldest die, the rest keep their order
        const kept = Math.min(aging, s.population.length);
        if (kept > populationSize) {
          throw new PliantError(`${api}.feedback`, 'argument', `reduce kept ${kept} members, more than populationSize ${populationSize}`);
        }
        s.population.splice(0, s.population.length - kept);
      } else if (s.population.length > populationSize) {
        const survivors = new Set(reduce(s.population, s.rng));
        if (survivors.size > populationSize) {
          throw new PliantError(`${api}.feedback`, 'argument', `reduce kept ${survivors.size} members, more than populationSize ${populationSize}`);
        }
        s.population = s.population.filter((m) => survivors.has(m));
      }
    },
    recover(history: readonly HistoryEntry[]): void {
      requireSetup(state, `${api}.recover`);
      replayHistory(algorithm, history);
    },
  };
  return algorithm;
}
