/**
 * Early stopping on the synthetic learning-curve problem (`lib/learning-curves.ts`): how much
 * compute (summed training steps) median stopping, ASHA, Hyperband and a PyGlove-style rank gate
 * save, and whether the best final value suffers.
 *
 * For seeds 0–9, one search of TRIALS trials per policy through `sample(..., {storage:
 * memoryStorage(), direction: 'maximize', earlyStopping})`, once with random search (the same
 * seed proposes the same candidates whatever the policy, so the runs are paired) and once with
 * TPE (which learns from pruned trials, so its proposals differ by policy). Each trial reports
 * `valueAt(config, step, seed)` at steps 1..81; after each report but the last it asks
 * `shouldStop()` and prunes when told; after step 81 it completes with that step's value (the
 * objective). Per run: the summed steps, the best completed value, and the compute at which the
 * run first reached that value (the steps of every trial up to and including the one that got it).
 *
 * The policies include median stopping, ASHA and Hyperband guarded by `whenPredictive` (default
 * thresholds). Case `early-stopping-random-uniform` runs random search on the same problem with
 * `speed: 'uniform'` (curves of one shape, so early values predict final ones): what the
 * policies save where they should.
 *
 * Per (algorithm, policy), medians over the seeds:
 * - `compute_steps_median`, `best_median`, `saved_vs_none` = 1 − compute / compute of no stopping
 *   (same seed), median over seeds.
 * - `compute_none_for_same_best_median`: the no-stopping run of the same seed and algorithm,
 *   scanned in trial order, summing steps until its best-so-far is ≥ this policy's best; and
 *   `saving_for_same_best` = median over seeds of 1 − (this run's compute to its best) / (that
 *   figure): the compute the policy saves to reach the same final best value (both sides counted
 *   to the first trial that reached it, as on an anytime best-vs-compute curve);
 *   `saving_for_same_best_total`, the conservative form with this run's whole compute. When the
 *   no-stopping run never reached it, the seed counts with the lower bound 1 − (compute to best)
 *   / (no stopping's whole compute) and `none_reached_same_best` says in how many seeds it did.
 *
 * At equal compute (cases `early-stopping-budget-tpe` and `early-stopping-budget-tpe-uniform`):
 * TPE with a budget of 8,100 summed steps (`stepBudget`, 100 full trials of 81 steps) instead of
 * a trial count, without pruning, with each policy and with each guarded by `whenPredictive`,
 * on the curves above (good configs start slow: early values rank configs badly) and on the
 * same problem with `speed: 'uniform'` (one curve shape: early values predict final ones). The
 * same figures as `lcbench.bench.ts`: best value, steps spent, and the steps each run needed to
 * reach the no-pruning run's best of the same seed.
 */
import { asha, hyperband, medianStopping, memoryStorage, random, sample, stopByRank, tpe, whenPredictive } from 'pliant';
import type { Algorithm, EarlyStopping } from 'pliant';
import { line, sig } from './lib/harness.js';
import { LC_BEST_FINAL, LC_MAX_STEPS, curve, learningCurveSpace, valueAt } from './lib/learning-curves.js';
import type { TrainingConfig } from './lib/learning-curves.js';
import { median, quantile } from './lib/stats.js';

/** Trials per search. */
const TRIALS = 200;
/** Seeds 0..SEEDS-1 (`EARLY_STOPPING_SEEDS`, default 10). */
const SEEDS = Number(process.env.EARLY_STOPPING_SEEDS ?? 10);
const MAX_STEPS = LC_MAX_STEPS;

/** The policies, by name (`none`: no early stopping); a fresh policy per run. */
export const POLICIES: Record<string, () => EarlyStopping | undefined> = {
  none: () => undefined,
  median: () => medianStopping({ startupTrials: 5, warmupSteps: 5 }),
  asha: () => asha({ minResource: 1, reductionFactor: 3 }),
  hyperband: () => hyperband({ minResource: 1, maxResource: MAX_STEPS, reductionFactor: 3 }),
  // PyGlove's early_stop_by_rank: at step 9 keep the top half, at step 27 the top quarter of the
  // trials that got there, once 10 others did.
  'rank-gates': () =>
    stopByRank([
      [9, 0.5, 10],
      [27, 0.25, 10],
    ]), // The same policies guarded by whenPredictive (default thresholds).
  'predictive-median': () => whenPredictive(medianStopping({ startupTrials: 5, warmupSteps: 5 })),
  'predictive-asha': () => whenPredictive(asha({ minResource: 1, reductionFactor: 3 })),
  'predictive-hyperband': () => whenPredictive(hyperband({ minResource: 1, maxResource: MAX_STEPS, reductionFactor: 3 })),
};

/** The algorithms, by name. */
export const ALGORITHMS: Record<string, (seed: number) => Algorithm> = {
  random: (seed) => random({ seed }),
  tpe: (seed) => tpe({ seed }),
};

/** One search's figures. */
interface Run {
  /** Steps consumed by each trial, in trial order. */
  readonly steps: number[];
  /** The final (step-81) value of each trial, or undefined when it was pruned. */
  readonly finals: (number | undefined)[];
  /** Summed steps. */
  readonly compute: number;
  /** The best completed value (−∞ when none completed). */
  readonly best: number;
  /** Summed steps up to and including the trial that first reached `best`. */
  readonly computeToBest: number;
  readonly completed: number;
  /** Trials the policy would have stopped at the last step (asked, not acted on). */
  readonly finalStepStops: number;
  readonly secs: number;
}

async function runOnce(makeAlgorithm: (seed: number) => Algorithm, policy: EarlyStopping | undefined, seed: number, speed: 'config' | 'uniform'): Promise<Run> {
  const steps: number[] = [];
  const finals: (number | undefined)[] = [];
  let compute = 0;
  let best = -Infinity;
  let computeToBest = 0;
  let completed = 0;
  let finalStepStops = 0;
  const t0 = process.hrtime.bigint();
  for await (const [c, feedback] of sample(learningCurveSpace(), makeAlgorithm(seed), {
    numTrials: TRIALS,
    storage: memoryStorage(),
    direction: 'maximize',
    seed,
    ...(policy === undefined ? {} : { earlyStopping: policy }),
  })) {
    const config = c as unknown as TrainingConfig;
    let used = 0;
    let value = Number.NaN;
    let pruned = false;
    for (let step = 1; step <= MAX_STEPS; step++) {
      value = valueAt(config, step, seed, { speed });
      used = step;
      await feedback.report(value, { step });
      if (feedback.shouldStop()) {
        // At the last step the trial has spent its whole budget: complete it rather than throw
        // its objective away, but count how often the policy would have stopped it there.
        if (step === MAX_STEPS) {
          finalStepStops++;
          break;
        }
        await feedback.prune();
        pruned = true;
        break;
      }
    }
    compute += used;
    steps.push(used);
    if (pruned) {
      finals.push(undefined);
    } else {
      await feedback.done(value);
      finals.push(value);
      completed++;
      if (value > best) {
        best = value;
        computeToBest = compute;
      }
    }
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (steps.length !== TRIALS) throw new Error(`the search stopped after ${steps.length} of ${TRIALS} trials`);
  return { steps, finals, compute, best, computeToBest, completed, finalStepStops, secs };
}

/** The compute the run needed until its best-so-far completed value was ≥ `target`, or undefined if never. */
function computeToReach(run: Run, target: number): number | undefined {
  let compute = 0;
  for (let i = 0; i < run.steps.length; i++) {
    compute += run.steps[i] as number;
    const v = run.finals[i];
    if (v !== undefined && v >= target) return compute;
  }
  return undefined;
}

/** Runs every policy with one algorithm over the seeds; one line per policy. */
export async function earlyStoppingBench(algoName: string, makeAlgorithm: (seed: number) => Algorithm, speed: 'config' | 'uniform' = 'config'): Promise<void> {
  const runs: Record<string, Run[]> = {};
  for (const [policyName, makePolicy] of Object.entries(POLICIES)) {
    const rs: Run[] = [];
    for (let seed = 0; seed < SEEDS; seed++) rs.push(await runOnce(makeAlgorithm, makePolicy(), seed, speed));
    runs[policyName] = rs;
  }
  const none = runs.none as Run[];
  for (const [policyName, rs] of Object.entries(runs)) {
    const sameBest: number[] = [];
    const savings: number[] = [];
    const savingsTotal: number[] = [];
    let reached = 0;
    rs.forEach((r, seed) => {
      const base = none[seed] as Run;
      const needed = computeToReach(base, r.best);
      if (needed !== undefined) {
        reached++;
        sameBest.push(needed);
        savings.push(1 - r.computeToBest / needed);
        savingsTotal.push(1 - r.compute / needed);
      } else {
        // lower bounds: no stopping never got there with its whole compute
        sameBest.push(Infinity);
        savings.push(1 - r.computeToBest / base.compute);
        savingsTotal.push(1 - r.compute / base.compute);
      }
    });
    sameBest.sort((a, b) => a - b);
    // the median of the compute no stopping needed: null when the middle values are "never"
    const mid =
      sameBest.length % 2 === 1
        ? [sameBest[(sameBest.length - 1) / 2] as number]
        : [sameBest[sameBest.length / 2 - 1] as number, sameBest[sameBest.length / 2] as number];
    const sameBestMedian = mid.every(Number.isFinite) ? median(mid) : null;
    const secs = rs.reduce((a, r) => a + r.secs, 0);
    line(`early-stopping-${algoName}${speed === 'uniform' ? '-uniform' : ''}-${policyName}`, TRIALS * SEEDS, (TRIALS * SEEDS) / secs, undefined, {
      policy: (POLICIES[policyName] as () => EarlyStopping | undefined)()?.name ?? 'none',
      compute_steps_median: median(rs.map((r) => r.compute)),
      compute_steps_max: TRIALS * MAX_STEPS,
      best_median: sig(median(rs.map((r) => r.best))),
      best_min: sig(Math.min(...rs.map((r) => r.best))),
      optimum: LC_BEST_FINAL,
      saved_vs_none: sig(median(rs.map((r, seed) => 1 - r.compute / (none[seed] as Run).compute))),
      compute_to_best_median: median(rs.map((r) => r.computeToBest)),
      compute_none_for_same_best_median: sameBestMedian,
      none_reached_same_best: `${reached}/${SEEDS}`,
      saving_for_same_best: sig(median(savings)),
      saving_for_same_best_total: sig(median(savingsTotal)),
      completed_median: median(rs.map((r) => r.completed)),
      final_step_stops: rs.reduce((a, r) => a + r.finalStepStops, 0),
      note:
        `${TRIALS} trials x seeds 0..${SEEDS - 1}, curves of ${MAX_STEPS} steps${speed === 'uniform' ? ' of one shape (early values predict final ones)' : ''}; medians over seeds; saved_vs_none = 1 - compute/compute(no stopping), ` +
        `saving_for_same_best = 1 - (compute to this run's best)/(compute no stopping needed to reach the same value), median over seeds; ` +
        `saving_for_same_best_total: the same with this run's whole compute; ` +
        `final_step_stops = trials the policy would have pruned after their last step (completed instead); ops_per_sec = trials per second, objective included`,
    });
  }
}

export const cases: Record<string, () => Promise<void>> = {};
for (const [name, make] of Object.entries(ALGORITHMS)) cases[`early-stopping-${name}`] = () => earlyStoppingBench(name, make);
// Where early values predict final ones (curves of one shape): what the policies save there.
cases['early-stopping-random-uniform'] = () => earlyStoppingBench('random', ALGORITHMS.random as (seed: number) => Algorithm, 'uniform');

/** Summed steps per search in the budget cases: 100 full trials. */
export const STEP_BUDGET = 100 * MAX_STEPS;
const median5 = (): EarlyStopping => medianStopping({ startupTrials: 5, warmupSteps: 5 });
const asha81 = (): EarlyStopping => asha({ minResource: 1, reductionFactor: 3, maxResource: MAX_STEPS });
const hyperband81 = (): EarlyStopping => hyperband({ minResource: 1, maxResource: MAX_STEPS, reductionFactor: 3 });

/** The policies of the budget cases (`asha` with `maxResource`, so finished trials are never judged). */
export const BUDGET_POLICIES: Record<string, () => EarlyStopping | undefined> = {
  none: () => undefined,
  median: median5,
  asha: asha81,
  hyperband: hyperband81,
  'predictive-median': () => whenPredictive(median5()),
  'predictive-asha': () => whenPredictive(asha81()),
  'predictive-hyperband': () => whenPredictive(hyperband81()),
};

/** One budgeted search: summed steps, trials, and each completed trial's (steps so far, value). */
interface BudgetRun {
  readonly steps: number;
  readonly trials: number;
  readonly best: number;
  readonly ends: readonly (readonly [steps: number, value: number])[];
  readonly secs: number;
}

async function budgetRun(policy: EarlyStopping | undefined, seed: number, speed: 'config' | 'uniform'): Promise<BudgetRun> {
  let steps = 0;
  let trials = 0;
  let best = -Infinity;
  const ends: [number, number][] = [];
  const t0 = process.hrtime.bigint();
  for await (const [c, feedback] of sample(learningCurveSpace(), tpe({ seed }), {
    stepBudget: STEP_BUDGET,
    storage: memoryStorage(),
    direction: 'maximize',
    seed,
    ...(policy === undefined ? {} : { earlyStopping: policy }),
  })) {
    trials++;
    const values = curve(c as unknown as TrainingConfig, seed, { speed });
    let pruned = false;
    for (let step = 1; step <= MAX_STEPS; step++) {
      await feedback.report(values[step - 1] as number, { step });
      steps++;
      if (step < MAX_STEPS && feedback.shouldStop()) {
        await feedback.prune();
        pruned = true;
        break;
      }
    }
    if (!pruned) {
      const value = values[MAX_STEPS - 1] as number;
      await feedback.done(value);
      ends.push([steps, value]);
      best = Math.max(best, value);
    }
  }
  return { steps, trials, best, ends, secs: Number(process.hrtime.bigint() - t0) / 1e9 };
}

/** The steps a run spent until its best-so-far was ≥ `target`, or undefined if never. */
function stepsToReach(run: BudgetRun, target: number): number | undefined {
  for (const [steps, value] of run.ends) if (value >= target) return steps;
  return undefined;
}

/** TPE at equal compute with every budget policy; one line per policy. */
export async function budgetBench(speed: 'config' | 'uniform'): Promise<void> {
  const runs: Record<string, BudgetRun[]> = {};
  for (const [name, make] of Object.entries(BUDGET_POLICIES)) {
    const rs: BudgetRun[] = [];
    for (let seed = 0; seed < SEEDS; seed++) rs.push(await budgetRun(make(), seed, speed));
    runs[name] = rs;
  }
  const none = runs.none as BudgetRun[];
  for (const [name, rs] of Object.entries(runs)) {
    const bests = rs.map((r) => r.best);
    const savings = rs.map((r, seed) => {
      const base = none[seed] as BudgetRun;
      const to = stepsToReach(r, base.best);
      return 1 - (to ?? r.steps) / (stepsToReach(base, base.best) as number);
    });
    const secs = rs.reduce((a, r) => a + r.secs, 0);
    const trials = rs.reduce((a, r) => a + r.trials, 0);
    line(`early-stopping-budget-tpe${speed === 'uniform' ? '-uniform' : ''}-${name}`, rs.length, trials / secs, undefined, {
      policy: (BUDGET_POLICIES[name] as () => EarlyStopping | undefined)()?.name ?? 'none',
      best_median: sig(median(bests)),
      best_q25: sig(quantile(bests, 0.25)),
      best_q75: sig(quantile(bests, 0.75)),
      steps_median: median(rs.map((r) => r.steps)),
      trials_median: median(rs.map((r) => r.trials)),
      completed_median: median(rs.map((r) => r.ends.length)),
      seeds_not_worse: `${rs.filter((r, seed) => r.best >= (none[seed] as BudgetRun).best).length}/${rs.length}`,
      best_minus_none_median: sig(median(rs.map((r, seed) => r.best - (none[seed] as BudgetRun).best))),
      none_best_reached: `${rs.filter((r, seed) => stepsToReach(r, (none[seed] as BudgetRun).best) !== undefined).length}/${rs.length}`,
      saving_to_none_best: sig(median(savings)),
      note:
        `TPE, seeds 0..${rs.length - 1}, stepBudget ${STEP_BUDGET} (81 steps per full trial), curves ${speed === 'uniform' ? 'of one shape (early values predict final ones)' : 'where good configs start slow'}; medians over seeds; ` +
        `saving_to_none_best = 1 - (steps to reach the no-pruning run's best)/(steps no pruning needed for it), a run that never reached it counting its whole spend; ops_per_sec = trials per second`,
    });
  }
}

cases['early-stopping-budget-tpe'] = () => budgetBench('config');
cases['early-stopping-budget-tpe-uniform'] = () => budgetBench('uniform');
