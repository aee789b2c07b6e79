/**
 * Early stopping at equal compute on the LCBench surrogate (YAHPO Gym, `lib/lcbench.ts`): TPE
 * without pruning, with median stopping, ASHA and Hyperband, and with each of them guarded by
 * `whenPredictive` (which lets a policy cut only at steps where the study's values there have
 * ranked its completed trials as their final values did).
 *
 * One case per task (`lcbench-3945`, `lcbench-7593`, `lcbench-189909`). For seeds 0–9, one search
 * per policy through `sample(lcbenchSpace(), tpe({ seed }), { storage: memoryStorage(), direction:
 * 'maximize', seed, stepBudget: 5200, earlyStopping })`: each trial reports the surrogate's
 * val_accuracy (percent) at epochs 1..52 with `step` = the epoch, asks `shouldStop()` after each
 * report but the last and prunes when told; after epoch 52 it completes with that value. The
 * budget is 5,200 summed epochs (100 full trials), so every policy spends the same compute and
 * pruning buys more trials.
 *
 * Per (task, policy), over the seeds: `best_median` [`best_q25`, `best_q75`] (the best completed
 * final val_accuracy), `epochs_median` (summed epochs spent: the budget plus the last trial's
 * overshoot), `trials_median`, `completed_median`, `seeds_not_worse` (seeds whose best is ≥ no
 * pruning's for the same seed), `best_minus_none_median`; and `epochs_to_none_best_median`: the
 * epochs the run spent until its best-so-far first reached the final best of the no-pruning run
 * of the same seed (`none_best_reached` says in how many seeds it did), with `saving_to_none_best`
 * = median over seeds of 1 − that / the epochs no pruning spent until it first had that value
 * (a seed that never reached it counts as 1 − its whole spend / that figure, a bound);
 * `best_per_seed`, the best of each seed (for paired comparisons over more seeds).
 */
import { asha, hyperband, medianStopping, memoryStorage, sample, tpe, whenPredictive } from 'pliant';
import type { EarlyStopping } from 'pliant';
import { line, sig } from './lib/harness.js';
import { LCBENCH_EPOCHS, LCBENCH_TASKS, lcbenchSpace, openLcbench } from './lib/lcbench.js';
import type { Lcbench, LcbenchConfig } from './lib/lcbench.js';
import { median, quantile } from './lib/stats.js';

/** Rounds to 3 decimals (val_accuracy in percent: 3 significant digits would hide the differences). */
const r3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Summed epochs per search. */
export const STEP_BUDGET = 5200;
/** Seeds 0..SEEDS-1. */
const SEEDS = Number(process.env.LCBENCH_SEEDS ?? 10);
const E = LCBENCH_EPOCHS;

const median5 = (): EarlyStopping => medianStopping({ startupTrials: 5, warmupSteps: 5 });
const asha3 = (): EarlyStopping => asha({ minResource: 1, reductionFactor: 3, maxResource: E });
const hyperband3 = (): EarlyStopping => hyperband({ minResource: 1, maxResource: E, reductionFactor: 3 });

/** The policies, by name (`none`: no early stopping); a fresh policy per run. */
export const POLICIES: Record<string, () => EarlyStopping | undefined> = {
  none: () => undefined,
  median: median5,
  asha: asha3,
  hyperband: hyperband3,
  'predictive-median': () => whenPredictive(median5()),
  'predictive-asha': () => whenPredictive(asha3()),
  'predictive-hyperband': () => whenPredictive(hyperband3()),
};

/** One search's figures. */
interface Run {
  /** Summed epochs. */
  readonly epochs: number;
  readonly trials: number;
  readonly completed: number;
  /** The best completed final value (−∞ when none completed). */
  readonly best: number;
  /** For each completed trial in order: the summed epochs when it ended, and its final value. */
  readonly ends: readonly (readonly [epochs: number, value: number])[];
  readonly secs: number;
}

async function runOnce(lc: Lcbench, task: string, policy: EarlyStopping | undefined, seed: number): Promise<Run> {
  let epochs = 0;
  let trials = 0;
  let best = -Infinity;
  const ends: [number, number][] = [];
  const t0 = process.hrtime.bigint();
  for await (const [c, feedback] of sample(lcbenchSpace(), tpe({ seed }), {
    stepBudget: STEP_BUDGET,
    storage: memoryStorage(),
    direction: 'maximize',
    seed,
    ...(policy === undefined ? {} : { earlyStopping: policy }),
  })) {
    trials++;
    const curve = await lc.curve(task, c as unknown as LcbenchConfig);
    let pruned = false;
    for (let epoch = 1; epoch <= E; epoch++) {
      await feedback.report(curve[epoch - 1] as number, { step: epoch });
      epochs++;
      if (epoch < E && feedback.shouldStop()) {
        await feedback.prune();
        pruned = true;
        break;
      }
    }
    if (!pruned) {
      const value = curve[E - 1] as number;
      await feedback.done(value);
      ends.push([epochs, value]);
      best = Math.max(best, value);
    }
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  return { epochs, trials, completed: ends.length, best, ends, secs };
}

/** The epochs the run spent until its best-so-far was ≥ `target`, or undefined if never. */
function epochsToReach(run: Run, target: number): number | undefined {
  for (const [epochs, value] of run.ends) if (value >= target) return epochs;
  return undefined;
}

/** Runs every policy on one task over the seeds; one line per policy. */
export async function lcbenchTask(task: string): Promise<void> {
  const lc = await openLcbench(); // checks the reference pairs
  const runs: Record<string, Run[]> = {};
  for (const [name, make] of Object.entries(POLICIES)) {
    const rs: Run[] = [];
    for (let seed = 0; seed < SEEDS; seed++) rs.push(await runOnce(lc, task, make(), seed));
    runs[name] = rs;
  }
  const none = runs.none as Run[];
  for (const [name, rs] of Object.entries(runs)) {
    const bests = rs.map((r) => r.best);
    const toNoneBest: number[] = [];
    const savings: number[] = [];
    let reached = 0;
    rs.forEach((r, seed) => {
      const base = none[seed] as Run;
      const baseTo = epochsToReach(base, base.best) as number;
      const to = epochsToReach(r, base.best);
      if (to !== undefined) {
        reached++;
        toNoneBest.push(to);
        savings.push(1 - to / baseTo);
      } else {
        toNoneBest.push(Infinity);
        savings.push(1 - r.epochs / baseTo);
      }
    });
    const secs = rs.reduce((a, r) => a + r.secs, 0);
    const trials = rs.reduce((a, r) => a + r.trials, 0);
    const toMedian = median(toNoneBest);
    line(`lcbench-${task}-tpe-${name}`, rs.length, trials / secs, undefined, {
      policy: (POLICIES[name] as () => EarlyStopping | undefined)()?.name ?? 'none',
      best_median: r3(median(bests)),
      best_q25: r3(quantile(bests, 0.25)),
      best_q75: r3(quantile(bests, 0.75)),
      epochs_median: median(rs.map((r) => r.epochs)),
      trials_median: median(rs.map((r) => r.trials)),
      completed_median: median(rs.map((r) => r.completed)),
      seeds_not_worse: `${rs.filter((r, seed) => r.best >= (none[seed] as Run).best).length}/${rs.length}`,
      best_minus_none_median: r3(median(rs.map((r, seed) => r.best - (none[seed] as Run).best))),
      epochs_to_none_best_median: Number.isFinite(toMedian) ? toMedian : null,
      none_best_reached: `${reached}/${rs.length}`,
      best_per_seed: bests.map(r3),
      saving_to_none_best: sig(median(savings)),
      note:
        `task ${task}, TPE, seeds 0..${rs.length - 1}, stepBudget ${STEP_BUDGET} epochs (epochs 1..${E} per full trial); val_accuracy in percent; ` +
        `medians over seeds; saving_to_none_best = 1 - (epochs to reach the no-pruning run's best)/(epochs no pruning needed for it); ops_per_sec = trials per second, surrogate included`,
    });
  }
}

export const cases: Record<string, () => Promise<void>> = {};
for (const task of LCBENCH_TASKS) cases[`lcbench-${task}`] = () => lcbenchTask(task);
