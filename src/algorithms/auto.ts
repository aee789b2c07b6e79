/**
 * `auto()`: the algorithm a search uses when none is given. It reads the space, the objectives
 * and the budget, and hands the search to the algorithm that does best on spaces of that kind
 * (the rules, and the measurements behind them, are in {@link autoPlan}).
 */
import { PliantError } from '../base/errors.js';
import { checkOptions } from '../base/options.js';
import type { JsonValue } from '../symbolic/json.js';
import type { DNA } from '../geno/dna.js';
import type { DNASpec } from '../geno/dna-spec.js';
import type { Algorithm, AlgorithmContext, HistoryEntry, Outcome } from './algorithm.js';
import { checkInteger, optionNames, requireSetup } from './checks.js';
import { nsga2 } from './evolution/nsga2.js';
import type { Nsga2Options } from './evolution/nsga2.js';
import { regularizedEvolution } from './evolution/regularized-evolution.js';
import type { RegularizedEvolutionOptions } from './evolution/regularized-evolution.js';
import { gp } from './gp/gp.js';
import type { GpOptions } from './gp/gp.js';
import { replayProposals } from './proposal-book.js';
import { spaceProfile } from './space-profile.js';
import type { SpaceProfile } from './space-profile.js';
import { tpe } from './tpe/tpe.js';
import type { TpeOptions } from './tpe/tpe.js';

/** Options of {@link auto}. */
export interface AutoOptions {
  /** The seed (default: the search's seed from the context); the chosen algorithms take it. */
  readonly seed?: number | string;
  /**
   * How many trials the Gaussian process proposes before TPE takes over, when the GP is chosen
   * (default 100: measured, the GP is ahead at 100 trials and TPE at 300 on the continuous
   * problems, where the GP settles in a local optimum; and past a few hundred trials the GP's
   * cost per trial, which grows with the square of the history and each refit with its cube, is
   * tens of milliseconds against TPE's few).
   */
  readonly gpTrials?: number;
  /** Options for the GP when it is chosen (its seed is auto's). */
  readonly gp?: Omit<GpOptions, 'seed'>;
  /** Options for TPE when it is chosen (its seed is auto's). */
  readonly tpe?: Omit<TpeOptions, 'seed'>;
  /** Options for NSGA-II when it is chosen (its seed is auto's). */
  readonly nsga2?: Omit<Nsga2Options, 'seed'>;
  /** Options for regularized evolution when it is chosen (its seed is auto's). */
  readonly evolution?: Omit<RegularizedEvolutionOptions, 'seed'>;
}

/** The algorithms {@link auto} chooses among. */
export type AutoAlgorithm = 'gp' | 'tpe' | 'nsga2' | 'regularizedEvolution';

/** What {@link auto} does on a space: recorded in the study's meta as `algorithmPlan`. */
export interface AutoPlan {
  /** The algorithm that proposes first. */
  readonly algorithm: AutoAlgorithm;
  /** When the GP is chosen: after how many trials TPE takes over (absent when the budget ends first). */
  readonly switchTo?: { readonly algorithm: 'tpe'; readonly after: number };
  /** Why, in words. */
  readonly reason: string;
}

const OPTIONS = optionNames<AutoOptions>({ seed: true, gpTrials: true, gp: true, tpe: true, nsga2: true, evolution: true });

/**
 * The most decisions the GP takes on (past it, TPE). Not an efficiency measure (the widest space
 * measured, NAS-like with 35 decision ids, is the GP's best case): a bound on its cost, whose
 * kernel fit and acquisition search grow with the number of dimensions.
 */
export const GP_MAX_DECISIONS = 64;

/** A space of only numeric decisions (no categorical choice) with more than this many goes to TPE. */
export const GP_MAX_NUMERIC_ONLY = 8;

/**
 * The rules of {@link auto}, by the space's make-up ({@link spaceProfile}), the number of
 * objectives and the trial budget. They come from the sample-efficiency benches (`bench/tpe.bench.ts`:
 * median of seeds 0–9 on Branin, Hartmann6, Rosenbrock-10d and the conditional NAS-like space,
 * and of seeds 0–19 on NAS-Bench-201's six categorical choices). At 100 trials the GP was ahead
 * of TPE on Branin (2 floats), Hartmann6 (6), the NAS-like space (35 conditional decisions, mostly
 * categorical) and NAS-Bench-201 (6 categorical), and behind on Rosenbrock-10d (10 floats); at 300
 * trials TPE was ahead on the continuous problems, where the GP stays in a local optimum:
 *
 * 1. several objectives: NSGA-II;
 * 2. a custom decision (`defineDecision`, `evolvable`): regularized evolution, the one algorithm
 *    that changes a genome by its definition's `mutate` (the GP and TPE only draw it at random);
 * 3. more than {@link GP_MAX_DECISIONS} decisions, or none: TPE;
 * 4. only numeric decisions (floats, ints, ordered choices), more than {@link GP_MAX_NUMERIC_ONLY}: TPE;
 * 5. only numeric decisions, more than 2, and a budget past `gpTrials` (or none): TPE from the start
 *    (on Hartmann6 the GP's first 100 trials gather round a local optimum, and TPE fed by them
 *    stays there: −3.203 at 300 trials, against −3.321 for TPE alone);
 * 6. otherwise: the Gaussian process, and TPE from trial `gpTrials` on when the budget goes past
 *    it (or is not known).
 */
export function autoPlan(spec: DNASpec, context: Pick<AlgorithmContext, 'objectives' | 'numTrials'>, gpTrials = 100): AutoPlan {
  const profile: SpaceProfile = spaceProfile(spec);
  const objectives = context.objectives ?? 1;
  if (objectives > 1) return { algorithm: 'nsga2', reason: `${objectives} objectives` };
  if (profile.custom > 0) {
    return { algorithm: 'regularizedEvolution', reason: `${profile.custom} custom decision(s): evolution mutates their genomes, models only draw them` };
  }
  if (profile.decisions === 0) return { algorithm: 'tpe', reason: 'no decisions' };
  if (profile.decisions > GP_MAX_DECISIONS) return { algorithm: 'tpe', reason: `${profile.decisions} decisions (the GP takes at most ${GP_MAX_DECISIONS})` };
  const numeric = profile.floats + profile.ints + profile.ordered;
  const budget = context.numTrials;
  if (profile.categorical === 0 && numeric > GP_MAX_NUMERIC_ONLY) {
    return { algorithm: 'tpe', reason: `${numeric} numeric decisions and no categorical one (the GP takes at most ${GP_MAX_NUMERIC_ONLY} such)` };
  }
  if (profile.categorical === 0 && numeric > 2 && (budget === undefined || budget > gpTrials)) {
    return {
      algorithm: 'tpe',
      reason: `${numeric} numeric decisions and a budget past ${gpTrials} trials (${budget === undefined ? 'none given' : budget}): the GP settles in a local optimum, TPE goes on improving`,
    };
  }
  const reason = `${profile.decisions} decisions (${numeric} numeric, ${profile.categorical} categorical${profile.conditional ? ', conditional' : ''})`;
  if (budget !== undefined && budget <= gpTrials) return { algorithm: 'gp', reason };
  return { algorithm: 'gp', switchTo: { algorithm: 'tpe', after: gpTrials }, reason };
}

/**
 * The default algorithm: picks by the space, the objectives and the budget ({@link autoPlan}), and
 * says what it picked (`describe`, recorded in the study's meta as `algorithmPlan`). When the GP
 * is chosen for a budget past `gpTrials`, TPE learns from every trial from the start and proposes
 * from trial `gpTrials` on. Seeded like the algorithms it runs; `recover` replays the history.
 */
export function auto(options: AutoOptions = {}): Algorithm {
  const api = 'auto';
  if (typeof options !== 'object' || options === null) throw new PliantError(api, 'argument', 'options must be an object');
  checkOptions(api, options, OPTIONS);
  const gpTrials = checkInteger(options.gpTrials ?? 100, 'gpTrials', api, 1);
  const seeded = <T extends object>(own: T | undefined): T & { seed?: number | string } =>
    ({ ...(own ?? {}), ...(options.seed === undefined ? {} : { seed: options.seed }) }) as T & { seed?: number | string };

  interface State {
    readonly plan: AutoPlan;
    readonly first: Algorithm;
    /** TPE, when it takes over from the GP: it learns from every trial from the start. */
    readonly next: Algorithm | undefined;
    proposed: number;
  }
  let state: State | undefined;
  const make = (name: AutoAlgorithm): Algorithm => {
    if (name === 'gp') return gp(seeded(options.gp));
    if (name === 'nsga2') return nsga2(seeded(options.nsga2));
    if (name === 'regularizedEvolution') return regularizedEvolution(seeded(options.evolution));
    return tpe(seeded(options.tpe));
  };
  const active = (s: State): Algorithm => (s.next !== undefined && s.plan.switchTo !== undefined && s.proposed >= s.plan.switchTo.after ? s.next : s.first);

  const algorithm: Algorithm = {
    name: api,
    multiObjective: true,
    describe(spec: DNASpec, context: AlgorithmContext): Record<string, JsonValue> {
      const plan = autoPlan(spec, context, gpTrials);
      return plan.switchTo === undefined
        ? { algorithm: plan.algorithm, reason: plan.reason }
        : { algorithm: plan.algorithm, switchTo: plan.switchTo.algorithm, after: plan.switchTo.after, reason: plan.reason };
    },
    setup(spec: DNASpec, context: AlgorithmContext): void {
      const plan = autoPlan(spec, context, gpTrials);
      const first = make(plan.algorithm);
      first.setup(spec, context);
      const next = plan.switchTo === undefined ? undefined : make(plan.switchTo.algorithm);
      next?.setup(spec, context);
      state = { plan, first, next, proposed: 0 };
    },
    propose(): DNA | undefined {
      const s = requireSetup(state, `${api}.propose`);
      const dna = active(s).propose();
      s.proposed++;
      return dna;
    },
    feedback(dna: DNA, reward: number, outcome?: Outcome): void {
      const s = requireSetup(state, `${api}.feedback`);
      // The GP stops learning once TPE proposes (its cost grows with the cube of the history).
      if (active(s) === s.first) s.first.feedback(dna, reward, outcome);
      s.next?.feedback(dna, reward, outcome);
    },
    abandon(dna: DNA): void {
      const s = requireSetup(state, `${api}.abandon`);
      s.first.abandon?.(dna);
      s.next?.abandon?.(dna);
    },
    recover(history: readonly HistoryEntry[]): void {
      requireSetup(state, `${api}.recover`);
      replayProposals(algorithm, history);
    },
  };
  return algorithm;
}
