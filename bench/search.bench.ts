/**
 * The search loop (PROBLEMS.md §1, §2, §4): regularized evolution on the experiment space through
 * `sample` with the journal file; loop overhead of random search on Sphere-10d; random vs
 * regularized evolution on NAS-Bench-201. Anchors: PyGlove 0.5.0 and Optuna 5.0 (ANCHORS.md).
 * The two loops live in ./lib/search-loops.ts (bench/regression.bench.ts runs them on an older
 * build too).
 */
import * as pliant from 'pliant';
import { random, regularizedEvolution } from 'pliant';
import { experimentSpace } from './lib/experiment-space.js';
import { line, sig } from './lib/harness.js';
import { evolutionStep, loopOverheadRandom, medianOf as median } from './lib/search-loops.js';
import { nasbench } from './tpe.bench.js';

export const cases: Record<string, () => Promise<void>> = {
  async 'evolution-step'() {
    const steps = 2000;
    const { rates, bests } = await evolutionStep(pliant, experimentSpace, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], steps);
    line('evolution-step', steps, median(rates), 36.6, {
      best_reward_median: sig(median(bests)),
      best_reward_min: sig(Math.min(...bests)),
      anchor_best_reward: 2.9282,
      note: 'regularized evolution (P=100, T=10) through sample() with the journal file, synthetic reward of PROBLEMS §1 (max 2.95); median over seeds 0..9',
    });
  },

  async 'loop-overhead-random'() {
    const n = 1000;
    const { perRun, lastTenth } = await loopOverheadRandom(pliant, [0, 1, 2, 3, 4], n);
    const ms = median(perRun);
    line('loop-overhead-random', n, 1000 / ms, 1000 / 0.32, {
      ms_per_trial: sig(ms),
      ms_per_trial_last_10pct: sig(median(lastTenth)),
      anchor_ms_per_trial: 0.32,
      note: 'Sphere-10d, free objective, random search through sample() with the journal file (write before return, no fsync); x_anchor = Optuna random per-trial time / ours',
    });
  },

  async nasbench201() {
    // the shared NAS-Bench-201 harness (tpe.bench.ts), for the PyGlove-side algorithms
    await nasbench('random', (seed) => random({ seed }));
    await nasbench('regularized-evolution', (seed) => regularizedEvolution({ populationSize: 50, tournamentSize: 10, seed }));
  },
};
