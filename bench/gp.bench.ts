/**
 * Gaussian-process search (`gp`) beside Optuna 5.0's GPSampler (ANCHORS.md). Its sample
 * efficiency on the four problems is `efficiency-gp` in tpe.bench.ts; this file adds:
 *
 * - `gp-cost`: milliseconds per trial at 100 and 300 trials on Branin, Hartmann6 and
 *   Rosenbrock-10d (the time inside `propose` and `feedback`, i.e. the algorithm alone; and the
 *   whole loop), median over seeds 0–4, beside Optuna GP's 60–140 ms per trial at 100 trials.
 * - `gp-conditional`: the NAS-like conditional space (PROBLEMS §3), gp against tpe on the same
 *   seeds 0–9 at 100 and 300 trials (median [25th, 75th]), with Optuna's GP and TPE medians beside.
 *
 * Each line is `{"bench", "n", "ops_per_sec", ...}`.
 */
import { gp, memoryStorage, sample, tpe } from 'pliant';
import type { Algorithm, DNA, Outcome } from 'pliant';
import { line } from './lib/harness.js';
import { braninProblem, hartmann6Problem, nasLikeProblem, rosenbrockProblem } from './lib/problems.js';
import type { Problem } from './lib/problems.js';
import { median, quantile } from './lib/stats.js';

/** Optuna 5.0 GPSampler after 100 trials (ANCHORS.md): median best value, and ms per trial. */
const OPTUNA_GP_100: Readonly<Record<string, number>> = { branin: 0.3979, hartmann6: -3.3219, rosenbrock10: 3500, naslike: 0.2593 };
const OPTUNA_TPE: Readonly<Record<string, readonly [number, number]>> = { naslike: [0.246, 0.2333] };
const OPTUNA_GP_MS = [60, 140] as const;

function sig4(x: number): number {
  return Number(x.toPrecision(4));
}

/** Wraps an algorithm so that the time spent in it is summed (ms). */
function timed(algorithm: Algorithm, clock: { ms: number }): Algorithm {
  const time = <T>(f: () => T): T => {
    const t0 = process.hrtime.bigint();
    try {
      return f();
    } finally {
      clock.ms += Number(process.hrtime.bigint() - t0) / 1e6;
    }
  };
  return {
    name: algorithm.name,
    setup: (spec, context) => time(() => algorithm.setup(spec, context)),
    propose: () => time(() => algorithm.propose()),
    feedback: (dna: DNA, reward: number, outcome?: Outcome) => time(() => algorithm.feedback(dna, reward, outcome)),
    abandon: (dna: DNA) => time(() => algorithm.abandon?.(dna)),
    recover: (history) => time(() => algorithm.recover(history)),
  };
}

interface Run {
  /** Best value (minimise) after each budget. */
  readonly best: number[];
  /** ms per trial inside the algorithm, over the trials up to each budget. */
  readonly algorithmMs: number[];
  /** ms per trial of the whole loop, over the trials up to each budget. */
  readonly loopMs: number[];
}

async function runOne(problem: Problem, algorithm: Algorithm, seed: number, budgets: readonly number[]): Promise<Run> {
  const clock = { ms: 0 };
  const best: number[] = [];
  const algorithmMs: number[] = [];
  const loopMs: number[] = [];
  let incumbent = Infinity;
  let q = 0;
  const t0 = process.hrtime.bigint();
  const numTrials = Math.max(...budgets);
  for await (const [c, feedback] of sample(problem.space, timed(algorithm, clock), { numTrials, storage: memoryStorage(), direction: 'minimize', seed })) {
    const v = problem.evaluate(c);
    incumbent = Math.min(incumbent, v);
    await feedback.done(v);
    q++;
    if (budgets.includes(q)) {
      best.push(incumbent);
      algorithmMs.push(clock.ms / q);
      loopMs.push(Number(process.hrtime.bigint() - t0) / 1e6 / q);
    }
  }
  return { best, algorithmMs, loopMs };
}

async function cost(): Promise<void> {
  const budgets = [100, 300];
  const seeds = 5;
  for (const build of [braninProblem, hartmann6Problem, rosenbrockProblem]) {
    const runs: Run[] = [];
    for (let seed = 0; seed < seeds; seed++) runs.push(await runOne(build(), gp({ seed }), seed, budgets));
    const name = build().name;
    budgets.forEach((budget, i) => {
      const ms = median(runs.map((r) => r.algorithmMs[i] as number));
      line(`gp-cost-${name}-${budget}`, budget * seeds, 1000 / ms, undefined, {
        ms_per_trial: sig4(ms),
        loop_ms_per_trial: sig4(median(runs.map((r) => r.loopMs[i] as number))),
        ...(budget === 100 ? { anchor_optuna_gp_ms_per_trial: `${OPTUNA_GP_MS[0]}–${OPTUNA_GP_MS[1]}`, x_anchor_low: sig4(OPTUNA_GP_MS[0] / ms) } : {}),
        note: `ms per trial spent in gp (propose + feedback) over trials 1..${budget}, median over seeds 0..${seeds - 1}; loop_ms_per_trial: the whole sample() loop, objective included; ops_per_sec = 1000 / ms_per_trial`,
      });
    });
  }
}

async function conditional(): Promise<void> {
  const budgets = [100, 300];
  const seeds = 10;
  const makers: Record<string, (seed: number) => Algorithm> = { gp: (seed) => gp({ seed }), tpe: (seed) => tpe({ seed }) };
  for (const [name, make] of Object.entries(makers)) {
    const runs: Run[] = [];
    for (let seed = 0; seed < seeds; seed++) runs.push(await runOne(nasLikeProblem(), make(seed), seed, budgets));
    budgets.forEach((budget, i) => {
      const bs = runs.map((r) => r.best[i] as number);
      const ms = median(runs.map((r) => r.algorithmMs[i] as number));
      line(`gp-conditional-naslike-${name}-${budget}`, budget * seeds, 1000 / ms, undefined, {
        best_median: sig4(median(bs)),
        best_q25: sig4(quantile(bs, 0.25)),
        best_q75: sig4(quantile(bs, 0.75)),
        optimum: 0.22276,
        anchor_optuna_gp_median: budget === 100 ? OPTUNA_GP_100['naslike'] : undefined,
        anchor_optuna_tpe_median: OPTUNA_TPE['naslike']?.[i],
        ms_per_trial: sig4(ms),
        note: `NAS-like (PROBLEMS §3, conditional), best value (minimise) after ${budget} trials, median [25th, 75th] over seeds 0..${seeds - 1}; ms_per_trial inside the algorithm`,
      });
    });
  }
}

export const cases: Record<string, () => Promise<void>> = {
  'gp-cost': cost,
  'gp-conditional': conditional,
};
