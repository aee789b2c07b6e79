/**
 * NSGA-II (Deb et al. 2002) for multi-objective searches, generational like Optuna's
 * `NSGAIISampler` but never blocking: proposals are made from the latest parent population while
 * the feedback of the current generation arrives.
 */
import type { DNA } from '../../geno/dna.js';
import type { DNASpec } from '../../geno/dna-spec.js';
import { randomDNA } from '../../geno/random.js';
import type { Rng } from '../../base/rng.js';
import { PliantError } from '../../base/errors.js';
import { checkOptions } from '../../base/options.js';
import { replayHistory } from '../algorithm.js';
import type { AlgorithmContext, HistoryEntry, Outcome } from '../algorithm.js';
import { checkDNA, checkFunction, checkInteger, checkReward, contextRng, optionNames, requireSetup } from '../checks.js';
import { crowdingDistance, nonDominatedSort } from '../pareto.js';
import { checkOutcome, isFailed, violation } from '../ranking.js';
import type { EvolutionAlgorithm } from './evolution.js';
import { uniformMutator } from './mutators.js';
import type { Mutator } from './mutators.js';
import { uniformCrossover } from './recombinators.js';
import type { Recombinator } from './recombinators.js';
import type { Member } from './selectors.js';

/** Options of {@link nsga2}. */
export interface Nsga2Options {
  /** How many parents survive each generation, and how many feedbacks complete one (default 50, at least 2). */
  readonly populationSize?: number;
  /** Combines the two parents of a proposal (default {@link uniformCrossover}). */
  readonly recombine?: Recombinator;
  /** The probability that a proposal recombines its parents rather than copy the first (default 0.9). */
  readonly crossoverProbability?: number;
  /**
   * Mutates every proposal after crossover (default {@link uniformMutator}: one decision drawn
   * again, the closest operator to Optuna's default of each parameter with probability 1/n).
   */
  readonly mutate?: Mutator;
  /** The seed (default: the search's seed from the context). */
  readonly seed?: number | string;
}

const OPTIONS = optionNames<Nsga2Options>({ populationSize: true, recombine: true, crossoverProbability: true, mutate: true, seed: true });

/** A parent of {@link nsga2}'s population, with its place in the last survival. */
export interface Nsga2Member extends Member {
  /** Every objective (maximised); `[reward]` for a single-objective feedback. */
  readonly rewards: readonly number[];
  /** The total constraint violation (0: feasible). */
  readonly violation: number;
  /** Its non-dominated front in the last survival (0: the first), by constrained domination. */
  readonly rank: number;
  /** Its crowding distance within that (whole) front. */
  readonly crowdingDistance: number;
}

/** The algorithm {@link nsga2} returns: an evolution whose parents can be inspected. */
export interface Nsga2Algorithm extends EvolutionAlgorithm {
  /** The current parents, oldest first (a copy; empty until generation 0 is complete). */
  readonly population: readonly Nsga2Member[];
  /** The generation that new proposals belong to (0: the random initial one). */
  readonly generation: number;
  /** Forgets a proposal that will get no feedback: it never counts toward its generation. */
  abandon(dna: DNA): void;
}

/** One arrived feedback (neither pruned nor failed). */
interface Arrival {
  readonly dna: DNA;
  readonly reward: number;
  readonly outcome: Outcome | undefined;
  readonly rewards: readonly number[];
  readonly violation: number;
  /** Its position among all arrivals (ties in survival go to the earlier). */
  readonly order: number;
}

interface Parent {
  readonly arrival: Arrival;
  readonly member: Nsga2Member;
}

interface State {
  readonly spec: DNASpec;
  readonly rng: Rng;
  /** The number of objectives, from the context or else from the first feedback. */
  objectives: number | undefined;
  generation: number;
  parents: Parent[];
  /** Arrived feedback of the current generation's proposals. */
  members: Arrival[];
  /** Arrived feedback of proposals of earlier, already complete generations. */
  stragglers: Arrival[];
  /** Proposals waiting for feedback: DNA text → their generations, oldest first. */
  pending: Map<string, number[]>;
  arrivals: number;
}

/**
 * NSGA-II, Deb et al. 2002, in the manner of Optuna's `NSGAIISampler` (`multiObjective: true`).
 * Every objective is maximised: `outcome.rewards`, or `[reward]` for a single-objective feedback.
 *
 * - Generation 0 is random: every proposal is random until `populationSize` of them got
 *   feedback (neither pruned nor failed).
 * - Every later proposal picks two distinct parents, each by binary tournament (two parents
 *   drawn uniformly without replacement; the lower front rank wins, then the larger crowding
 *   distance, then the first drawn; the second tournament leaves out the first winner, as
 *   Optuna does), recombines them with probability `crossoverProbability` (else copies the
 *   first), and mutates the result.
 * - Proposals never wait: each belongs to the current generation. The generation is complete at
 *   the `populationSize`-th feedback of its proposals (Optuna counts the same way, so proposals
 *   that fail or are abandoned never stall it); the new parents are then the elitist survivors of
 *   the previous parents, that generation's members, and any late feedback of proposals of
 *   earlier generations: whole non-dominated fronts by constrained domination (feasible before
 *   infeasible, infeasible by violation), the last front cut by crowding distance (larger first,
 *   ties to the earlier feedback). A feedback of a DNA that was never proposed counts for the
 *   current generation; duplicate proposals are matched first in, first out.
 * - A pruned feedback is treated as an abandoned proposal: it neither counts toward its
 *   generation nor takes part in selection (its rewards are intermediate values).
 * - A failed feedback (`outcome.failed`, reward −∞; it needs no `outcome.rewards`) is treated the
 *   same way, as Optuna, whose population holds only completed trials: the failed proposal is
 *   settled, never counts toward its generation (the generation completes only when
 *   `populationSize` proposals succeeded, so a generation whose proposals keep failing goes on
 *   proposing from the same parents), and never takes part in selection or survival.
 *
 * Seeded (`seed`, or the context's seed, on the context's stream): the same seed and feedback
 * give the same proposals; `recover` replays the history. An unknown option name is a
 * `PliantError`.
 *
 * ```ts
 * const result = await search(space, evaluate, {
 *   numTrials: 2000,
 *   algorithm: nsga2({ populationSize: 40, seed: 1 }),
 *   metric: ['accuracy', 'latency'],
 *   direction: ['maximize', 'minimize'],
 * });
 * ```
 */
export function nsga2(options: Nsga2Options = {}): Nsga2Algorithm {
  const api = 'nsga2';
  if (typeof options !== 'object' || options === null) throw new PliantError(api, 'argument', 'options must be an object');
  checkOptions(api, options, OPTIONS);
  const populationSize = checkInteger(options.populationSize ?? 50, 'populationSize', api, 2);
  const crossoverProbability = options.crossoverProbability ?? 0.9;
  if (typeof crossoverProbability !== 'number' || !(crossoverProbability >= 0 && crossoverProbability <= 1)) {
    throw new PliantError(api, 'argument', `crossoverProbability must be a number in [0, 1], found ${String(crossoverProbability)}`);
  }
  if (options.recombine !== undefined) checkFunction(options.recombine, 'recombine', api);
  if (options.mutate !== undefined) checkFunction(options.mutate, 'mutate', api);
  if (options.seed !== undefined && typeof options.seed !== 'number' && typeof options.seed !== 'string') {
    throw new PliantError(api, 'argument', `seed must be a number or a string, found ${String(options.seed)}`);
  }
  const recombine = options.recombine ?? uniformCrossover();
  const mutate = options.mutate ?? uniformMutator();
  let state: State | undefined;

  /** Binary tournament among `candidates`: two distinct ones drawn; lower rank, then larger crowding distance, then the first drawn. */
  const tournament = (candidates: readonly Parent[], rng: Rng): Parent => {
    const n = candidates.length;
    if (n === 1) return candidates[0] as Parent;
    const i = Math.floor(rng() * n);
    let j = Math.floor(rng() * (n - 1));
    if (j >= i) j++;
    const a = candidates[i] as Parent;
    const b = candidates[j] as Parent;
    if (a.member.rank !== b.member.rank) return a.member.rank < b.member.rank ? a : b;
    return b.member.crowdingDistance > a.member.crowdingDistance ? b : a;
  };

  const survive = (s: State): void => {
    const pool = [...s.parents.map((p) => p.arrival), ...s.stragglers, ...s.members].sort((x, y) => x.order - y.order);
    const points = pool.map((a) => a.rewards);
    const fronts = nonDominatedSort(
      points,
      pool.map((a) => a.violation),
    );
    const survivors: Parent[] = [];
    for (let rank = 0; rank < fronts.length && survivors.length < populationSize; rank++) {
      const front = fronts[rank] as number[];
      const distances = crowdingDistance(points, front);
      let kept = front.map((index, k) => ({ index, distance: distances[k] as number }));
      if (survivors.length + kept.length > populationSize) {
        // Front indices are in arrival order and the sort is stable: ties go to the earlier.
        kept = kept.sort((x, y) => (x.distance === y.distance ? 0 : x.distance > y.distance ? -1 : 1)).slice(0, populationSize - survivors.length);
      }
      for (const { index, distance } of kept) {
        const arrival = pool[index] as Arrival;
        const member: Nsga2Member = Object.freeze({
          dna: arrival.dna,
          reward: arrival.reward,
          ...(arrival.outcome === undefined ? {} : { outcome: arrival.outcome }),
          rewards: arrival.rewards,
          violation: arrival.violation,
          rank,
          crowdingDistance: distance,
        });
        survivors.push({ arrival, member });
      }
    }
    s.parents = survivors.sort((x, y) => x.arrival.order - y.arrival.order);
    s.members = [];
    s.stragglers = [];
    s.generation++;
  };

  /** The generation of the oldest pending proposal of `dna` (forgetting it), if any. */
  const settle = (s: State, dna: DNA): number | undefined => {
    const key = dna.toString();
    const queue = s.pending.get(key);
    if (queue === undefined) return undefined;
    const generation = queue.shift();
    if (queue.length === 0) s.pending.delete(key);
    return generation;
  };

  const algorithm: Nsga2Algorithm = {
    name: api,
    multiObjective: true,
    get population(): readonly Nsga2Member[] {
      return Object.freeze(state?.parents.map((p) => p.member) ?? []);
    },
    get generation(): number {
      return state?.generation ?? 0;
    },
    setup(spec: DNASpec, context: AlgorithmContext): void {
      const rng = contextRng(options.seed, context, `${api}.setup`);
      const objectives = context.objectives;
      if (objectives !== undefined) checkInteger(objectives, 'context.objectives', `${api}.setup`);
      state = {
        spec,
        rng,
        objectives,
        generation: 0,
        parents: [],
        members: [],
        stragglers: [],
        pending: new Map(),
        arrivals: 0,
      };
    },
    propose(): DNA {
      const s = requireSetup(state, `${api}.propose`);
      let dna: DNA;
      if (s.parents.length === 0) {
        dna = randomDNA(s.spec, s.rng);
      } else {
        const first = tournament(s.parents, s.rng);
        const second = tournament(
          s.parents.filter((p) => p !== first),
          s.rng,
        );
        const child = s.rng() < crossoverProbability ? recombine(first.arrival.dna, second.arrival.dna, s.spec, s.rng) : first.arrival.dna;
        dna = mutate(child, s.spec, s.rng);
      }
      const key = dna.toString();
      const queue = s.pending.get(key);
      if (queue === undefined) s.pending.set(key, [s.generation]);
      else queue.push(s.generation);
      return dna;
    },
    feedback(dna: DNA, reward: number, outcome?: Outcome): void {
      const where = `${api}.feedback`;
      const s = requireSetup(state, where);
      checkDNA(s.spec, dna, where);
      checkReward(reward, where);
      checkOutcome(outcome, where);
      if (isFailed(outcome)) {
        settle(s, dna);
        return;
      }
      const rewards = outcome?.rewards === undefined ? [reward] : outcome.rewards.slice();
      if (rewards.length === 0) throw new PliantError(where, 'argument', 'outcome.rewards must hold at least one objective');
      if (rewards[0] !== reward)
        throw new PliantError(where, 'argument', `reward (${reward}) must be the first of outcome.rewards (${JSON.stringify(outcome?.rewards)})`);
      if (s.objectives === undefined) s.objectives = rewards.length;
      else if (rewards.length !== s.objectives) {
        throw new PliantError(
          where,
          'argument',
          `expects ${s.objectives} objective${s.objectives === 1 ? '' : 's'} in every feedback, found ${rewards.length} (${JSON.stringify(rewards)})`,
        );
      }
      const generation = settle(s, dna);
      if (outcome?.pruned !== undefined) return;
      const arrival: Arrival = Object.freeze({ dna, reward, outcome, rewards: Object.freeze(rewards), violation: violation(outcome), order: s.arrivals++ });
      if (generation === undefined || generation === s.generation) s.members.push(arrival);
      else s.stragglers.push(arrival);
      if (s.members.length >= populationSize) survive(s);
    },
    abandon(dna: DNA): void {
      const s = requireSetup(state, `${api}.abandon`);
      checkDNA(s.spec, dna, `${api}.abandon`);
      settle(s, dna);
    },
    recover(history: readonly HistoryEntry[]): void {
      requireSetup(state, `${api}.recover`);
      replayHistory(algorithm, history);
    },
  };
  return algorithm;
}
