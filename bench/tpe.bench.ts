/**
 * Model-based search against the Optuna 5.0 reference (ANCHORS.md), three harnesses:
 *
 * - `efficiency-<algo>`: sample efficiency on Branin, Hartmann6, Rosenbrock-10d and the NAS-like
 *   conditional space (PROBLEMS.md §2, §3): seeds 0–9, 300 trials each, the best value after
 *   100 and 300 trials (median [25th, 75th]) beside Optuna's TPE and random medians.
 * - `overhead-<algo>`: per-trial loop overhead on Sphere-10d with a free objective, 200 and 1,000
 *   trials, beside Optuna's per-trial time for the same sampler.
 * - `nasbench-<algo>`: NAS-Bench-201 (PROBLEMS.md §4), budgets 100/300/1,000 over seeds 0–19,
 *   beside Optuna TPE's hits.
 *
 * To benchmark another algorithm, add one line to `ALGORITHMS` below.
 */
import { auto, gp, memoryStorage, nsga2, oneOf, random, regularizedEvolution, sample, tpe } from 'pliant';
import type { Algorithm, TreeValue } from 'pliant';
import { line } from './lib/harness.js';
import { cellKey, loadNasBench201 } from './lib/nasbench201.js';
import { EFFICIENCY_PROBLEMS, sphereProblem } from './lib/problems.js';
import type { Problem } from './lib/problems.js';
import { mean, median, quantile } from './lib/stats.js';

/** Makes a fresh algorithm for one run with the given seed. */
export type MakeAlgorithm = (seed: number) => Algorithm;

/** One benchmarked algorithm: its factory and the harnesses it runs in. */
export interface AlgorithmEntry {
  readonly make: MakeAlgorithm;
  /** Registers `efficiency-<name>`. */
  readonly efficiency?: boolean;
  /** Registers `overhead-<name>` (200 and 1,000 trials). */
  readonly overhead?: boolean;
  /** Registers `nasbench-<name>`. */
  readonly nasbench?: boolean;
  /**
   * Run each budget of `efficiency-<name>` as its own search (with `numTrials` that budget)
   * instead of reading the smaller budgets off the largest run: for algorithms that plan by the
   * budget (`auto`).
   */
  readonly budgetAware?: boolean;
  /** The query budgets of `nasbench-<name>` (default 100, 300 and 1,000). */
  readonly nasbenchBudgets?: readonly number[];
  /** The Optuna sampler whose per-trial time is the overhead anchor (default: the entry's name, when known). */
  readonly anchor?: OverheadAnchorKey;
}

/** `tpe()`'s defaults before issue 19 (Scott bandwidth, 10 startup trials, 24 candidates, inferred order, Optuna's pruned ranking). */
const TPE_BEFORE_19 = { bandwidth: 'scott', startupTrials: 10, eiCandidates: 24, orderedChoices: 'infer', prunedTrials: 'rank' } as const;

/**
 * The algorithms, by name; each registers the cases its flags say. Add an algorithm with one line:
 *   tpe: { make: (seed) => tpe({ seed }), efficiency: true, overhead: true, nasbench: true },
 *   nsga2: { make: (seed) => nsga2({ populationSize: 50, seed }), efficiency: true, overhead: true },
 */
export const ALGORITHMS: Record<string, AlgorithmEntry> = {
  random: { make: (seed) => random({ seed }), efficiency: true, overhead: true, nasbench: true },
  evolution: { make: (seed) => regularizedEvolution({ populationSize: 50, tournamentSize: 10, seed }), efficiency: true },
  tpe: { make: (seed) => tpe({ seed }), efficiency: true, overhead: true, nasbench: true },
  'tpe-optuna-bandwidth': { make: (seed) => tpe({ seed, bandwidth: 'optuna' }), efficiency: true },
  'tpe-before-19': { make: (seed) => tpe({ seed, ...TPE_BEFORE_19 }), efficiency: true, overhead: true, nasbench: true, anchor: 'tpe' },
  'tpe-optuna5': { make: (seed) => tpe({ seed, bandwidthFloor: 'members', startupTrials: 10, eiCandidates: 24 }), efficiency: true, anchor: 'tpe' },
  'tpe-independent': { make: (seed) => tpe({ seed, multivariate: false }), overhead: true },
  // the default cap before issue 22's second pass (200 now): the same sample efficiency, twice the cost past 225 trials
  'tpe-max-components-400': { make: (seed) => tpe({ seed, maxComponents: 400 }), efficiency: true, nasbench: true },
  nsga2: { make: (seed) => nsga2({ populationSize: 50, seed }), efficiency: true, overhead: true },
  auto: { make: (seed) => auto({ seed }), efficiency: true, budgetAware: true, overhead: true, nasbench: true, anchor: 'tpe' },
  // no overhead/nasbench: both run to 1,000 trials, where gp's O(n³) fits take seconds each (its cost: gp.bench.ts)
  gp: { make: (seed) => gp({ seed }), efficiency: true, nasbench: true, nasbenchBudgets: [100, 300] },
};

// ---------------------------------------------------------------------------------------------
// Anchors (ANCHORS.md, Optuna 5.0.0, Python 3.11, in-memory storage)

/** Optuna's median best value (minimise) over seeds 0–9, after 100 and 300 trials. */
const EFFICIENCY_ANCHORS: Readonly<
  Record<string, { readonly tpe: readonly [number, number]; readonly random: readonly [number, number]; readonly nsga2: readonly [number, number] }>
> = {
  branin: { tpe: [0.4164, 0.3986], random: [0.5963, 0.47], nsga2: [0.9411, 0.4747] },
  hartmann6: { tpe: [-3.2068, -3.3055], random: [-2.0368, -2.1999], nsga2: [-1.6534, -2.6087] },
  rosenbrock10: { tpe: [2169, 304.7], random: [82651, 56697], nsga2: [86662, 14319] },
  naslike: { tpe: [0.246, 0.2333], random: [0.2948, 0.2779], nsga2: [0.2841, 0.2613] },
};

/** Samplers with a measured per-trial overhead. */
export type OverheadAnchorKey = 'random' | 'tpe' | 'tpe-independent' | 'nsga2';

/** Optuna's per-trial time on Sphere-10d (ms: mean over the run, mean over the last 10%), by trial count. */
const OVERHEAD_ANCHORS: Readonly<Record<OverheadAnchorKey, Readonly<Record<200 | 1000, readonly [number, number]>>>> = {
  random: { 200: [0.31, 0.32], 1000: [0.32, 0.33] },
  tpe: { 200: [2.87, 3.86], 1000: [6.54, 10.97] },
  'tpe-independent': { 200: [9.13, 11.19], 1000: [20.45, 33.49] },
  nsga2: { 200: [0.44, 0.46], 1000: [0.56, 0.66] },
};

/** Optuna 5.0 TPE (defaults) on NAS-Bench-201, by budget; and random search's median. */
const NASBENCH_ANCHORS: Readonly<Record<number, { readonly tpeHits: string; readonly tpeBest: number; readonly tpeDup: number; readonly randomBest: number }>> =
  {
    100: { tpeHits: '6/20', tpeBest: 84.711, tpeDup: 0.19, randomBest: 83.751 },
    300: { tpeHits: '18/20', tpeBest: 84.892, tpeDup: 0.255, randomBest: 84.252 },
    1000: { tpeHits: '20/20', tpeBest: 84.892, tpeDup: 0.277, randomBest: 84.424 },
  };

// ---------------------------------------------------------------------------------------------

/** 4 significant digits (the precision of the anchors). */
function sig4(x: number): number {
  return Number(x.toPrecision(4));
}

function seconds(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** Best value (minimise) after each budget of one seeded run of `problem`, and the time to reach each budget. */
async function runProblem(problem: Problem, make: MakeAlgorithm, seed: number, budgets: readonly number[]): Promise<{ best: number[]; secs: number[] }> {
  const maxBudget = Math.max(...budgets);
  const best: number[] = [];
  const secs: number[] = [];
  let incumbent = Infinity;
  let q = 0;
  const t0 = process.hrtime.bigint();
  for await (const [c, feedback] of sample(problem.space, make(seed), { numTrials: maxBudget, storage: memoryStorage(), direction: 'minimize', seed })) {
    const v = problem.evaluate(c);
    if (v < incumbent) incumbent = v;
    await feedback.done(v);
    q++;
    if (budgets.includes(q)) {
      best.push(incumbent);
      secs.push(seconds(t0));
    }
  }
  if (q !== maxBudget) throw new Error(`${problem.name}: the search stopped after ${q} of ${maxBudget} trials`);
  return { best, secs };
}

/**
 * Sample efficiency of an algorithm on the problems of PROBLEMS §2 and §3: seeds 0–9, 300 trials
 * each through `sample` (memory storage, minimise); one line per problem and budget (100, 300).
 */
export async function efficiency(
  name: string,
  makeAlgorithm: MakeAlgorithm,
  options: { seeds?: number; budgets?: readonly number[]; budgetAware?: boolean } = {},
): Promise<void> {
  const seeds = options.seeds ?? 10;
  const budgets = options.budgets ?? [100, 300];
  for (const build of EFFICIENCY_PROBLEMS) {
    const problem = build();
    const best = budgets.map(() => [] as number[]);
    const secs = budgets.map(() => 0);
    for (let seed = 0; seed < seeds; seed++) {
      // a fresh space per run: nothing carries over between runs
      const runs: { best: number[]; secs: number[] }[] = [];
      if (options.budgetAware === true) for (const b of budgets) runs.push(await runProblem(build(), makeAlgorithm, seed, [b]));
      const run =
        options.budgetAware === true
          ? { best: runs.map((r) => r.best[0] as number), secs: runs.map((r) => r.secs[0] as number) }
          : await runProblem(build(), makeAlgorithm, seed, budgets);
      run.best.forEach((b, i) => (best[i] as number[]).push(b));
      run.secs.forEach((s, i) => (secs[i] = (secs[i] as number) + s));
    }
    const anchors = EFFICIENCY_ANCHORS[problem.name];
    budgets.forEach((budget, i) => {
      const bs = best[i] as number[];
      const ai = budget === 100 ? 0 : budget === 300 ? 1 : undefined;
      const tpe = anchors === undefined || ai === undefined ? undefined : anchors.tpe[ai];
      const rnd = anchors === undefined || ai === undefined ? undefined : anchors.random[ai];
      const nsga = anchors === undefined || ai === undefined ? undefined : anchors.nsga2[ai];
      const med = median(bs);
      line(`efficiency-${name}-${problem.name}-${budget}`, seeds * budget, (seeds * budget) / (secs[i] as number), undefined, {
        best_median: sig4(med),
        best_q25: sig4(quantile(bs, 0.25)),
        best_q75: sig4(quantile(bs, 0.75)),
        optimum: problem.optimum,
        anchor_optuna_tpe_median: tpe,
        anchor_optuna_random_median: rnd,
        anchor_optuna_nsga2_median: nsga,
        beats_optuna_tpe: tpe === undefined ? undefined : med <= tpe,
        note: `best value (minimise) after ${budget} trials, median [25th, 75th] over seeds 0..${seeds - 1} (linear interpolation); ops_per_sec = trials per second up to this budget, objective included`,
      });
    });
  }
}

/**
 * Per-trial overhead on Sphere-10d with a free objective through `sample` (memory storage): each
 * loop iteration timed (propose, materialize, record, evaluate, feedback); mean ms per trial over
 * the run and over its last 10%, median over 5 runs (seeds 0–4).
 */
export async function overhead(
  name: string,
  makeAlgorithm: MakeAlgorithm,
  options: { trials: 200 | 1000; anchor?: OverheadAnchorKey; runs?: number },
): Promise<void> {
  const { trials } = options;
  const runs = options.runs ?? 5;
  const perRun: number[] = [];
  const lastTenth: number[] = [];
  for (let seed = 0; seed < runs; seed++) {
    const problem: Problem = sphereProblem();
    const times: number[] = [];
    let t = process.hrtime.bigint();
    for await (const [c, feedback] of sample(problem.space, makeAlgorithm(seed), {
      numTrials: trials,
      storage: memoryStorage(),
      direction: 'minimize',
      seed,
    })) {
      await feedback.done(problem.evaluate(c));
      const now = process.hrtime.bigint();
      times.push(Number(now - t) / 1e6);
      t = now;
    }
    perRun.push(mean(times));
    lastTenth.push(mean(times.slice(Math.floor(trials * 0.9))));
  }
  const ms = median(perRun);
  const msTail = median(lastTenth);
  const key = options.anchor ?? (name in OVERHEAD_ANCHORS ? (name as OverheadAnchorKey) : undefined);
  const anchor = key === undefined ? undefined : OVERHEAD_ANCHORS[key][trials];
  line(`overhead-${name}-${trials}`, trials, 1000 / ms, undefined, {
    ms_per_trial: sig4(ms),
    ms_per_trial_last_10pct: sig4(msTail),
    ...(anchor === undefined
      ? {}
      : {
          anchor_sampler: `optuna ${key}`,
          anchor_ms_per_trial: anchor[0],
          anchor_ms_per_trial_last_10pct: anchor[1],
          x_anchor: sig4(anchor[0] / ms),
          x_anchor_last_10pct: sig4(anchor[1] / msTail),
        }),
    note: `Sphere-10d, free objective, through sample() with memoryStorage(); mean ms per loop iteration over the run / its last 10%, median over ${runs} runs; x_anchor = Optuna ms / ours (> 1: we are faster)`,
  });
}

/**
 * NAS-Bench-201 (PROBLEMS §4): six `oneOf` decisions over the 5 ops, cifar10-val maximised,
 * 1,000 queries per seed for seeds 0–19; one line per budget (100, 300, 1,000) with Optuna TPE's
 * figures beside.
 */
export async function nasbench(name: string, makeAlgorithm: MakeAlgorithm, budgets: readonly number[] = [100, 300, 1000]): Promise<void> {
  const table = loadNasBench201();
  const maxBudget = Math.max(...budgets);
  const seeds = 20;
  const stats = budgets.map(() => ({ best: [] as number[], test: [] as number[], hits: 0, dup: [] as number[] }));
  const t0 = process.hrtime.bigint();
  for (let seed = 0; seed < seeds; seed++) {
    // the ops by name: categories, not numbers (TPE would read increasing numbers as ordered)
    const space: TreeValue = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`e${i}`, oneOf([...table.ops])]));
    let best = -Infinity;
    let bestTest = Number.NaN;
    let bestKey = -1;
    const seen = new Set<number>();
    let dups = 0;
    let q = 0;
    for await (const [c, feedback] of sample(space, makeAlgorithm(seed), { numTrials: maxBudget, storage: memoryStorage(), seed })) {
      const key = cellKey(Object.values(c as Record<string, string>).map((op) => table.ops.indexOf(op)));
      if (seen.has(key)) dups++;
      seen.add(key);
      const v = table.val[key] as number;
      if (v > best) {
        best = v;
        bestTest = table.test[key] as number;
        bestKey = key;
      }
      await feedback.done(v);
      q++;
      const b = budgets.indexOf(q);
      if (b >= 0) {
        const s = stats[b] as (typeof stats)[number];
        s.best.push(best);
        s.test.push(bestTest);
        if (bestKey === table.bestKey) s.hits++;
        s.dup.push(dups / q);
      }
    }
  }
  const secs = seconds(t0);
  budgets.forEach((budget, i) => {
    const s = stats[i] as (typeof stats)[number];
    const a = NASBENCH_ANCHORS[budget];
    line(`nasbench201-${name}-${budget}`, seeds * budget, (seeds * maxBudget) / secs, undefined, {
      best_val_median: sig4(median(s.best)),
      best_val_q25: sig4(quantile(s.best, 0.25)),
      best_val_q75: sig4(quantile(s.best, 0.75)),
      incumbent_test_median: sig4(median(s.test)),
      hits: `${s.hits}/${seeds}`,
      dup_fraction: sig4(median(s.dup)),
      table_best_val: table.bestVal,
      anchor_optuna_tpe_hits: a?.tpeHits,
      anchor_optuna_tpe_best_val_median: a?.tpeBest,
      anchor_optuna_tpe_dup_fraction: a?.tpeDup,
      anchor_random_best_val_median: a?.randomBest,
      note: `median [25th, 75th] over seeds 0..${seeds - 1}; hits = runs that found the best-validation cell; ops_per_sec = queries per second over the whole ${seeds} x ${maxBudget} run, table look-ups included`,
    });
  });
}

// ---------------------------------------------------------------------------------------------

export const cases: Record<string, () => Promise<void>> = {};
for (const [name, entry] of Object.entries(ALGORITHMS)) {
  if (entry.efficiency === true) cases[`efficiency-${name}`] = () => efficiency(name, entry.make, { budgetAware: entry.budgetAware === true });
  if (entry.overhead === true) {
    cases[`overhead-${name}`] = async () => {
      await overhead(name, entry.make, { trials: 200, anchor: entry.anchor });
      await overhead(name, entry.make, { trials: 1000, anchor: entry.anchor });
    };
  }
  if (entry.nasbench === true) cases[`nasbench-${name}`] = () => nasbench(name, entry.make, entry.nasbenchBudgets);
}
