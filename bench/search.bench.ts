/**
 * The search loop (PROBLEMS.md §1, §2, §4): regularized evolution on the experiment space through
 * `sample` with the journal file; loop overhead of random search on Sphere-10d; random vs
 * regularized evolution on NAS-Bench-201. Anchors: PyGlove 0.5.0 and Optuna 5.0 (ANCHORS.md).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { floatv, get, journalStorage, random, regularizedEvolution, sample } from 'pliant';
import type { SymbolicNode, TreeValue } from 'pliant';
import { experimentSpace } from './lib/experiment-space.js';
import { line, sig } from './lib/harness.js';
import { nasbench } from './tpe.bench.js';

/** The synthetic reward of PROBLEMS.md §1 (maximise; best 2.95). */
function reward(e: SymbolicNode): number {
  const g = (p: string): TreeValue => get(e, p);
  const stem = g('model.stem') as SymbolicNode;
  const opt = g('optimizer') as SymbolicNode;
  const lr = get(opt, 'lr') as number;
  const isConv = stem.typeName === 'bench.Conv';
  const isSgd = opt.typeName === 'bench.Sgd';
  return (
    -Math.abs(Math.log10(lr) + 2.5) +
    ((g('model.depth') as number) * (g('model.width') as number)) / 32 -
    (g('model.dropout') as number) +
    (g('model.act') === 'gelu' ? 0.5 : 0) +
    (isConv ? (get(stem, 'filters') as number) / 64 : (get(stem, 'units') as number) / 512) +
    ((g('model.blocks') as string[])[0] === 'conv3x3' ? 0.25 : 0) +
    (isSgd ? 0.1 * (get(opt, 'momentum') as number) : get(opt, 'beta1') === 0.9 ? 0.2 : 0) -
    Math.abs(Math.log2(g('batch_size') as number) - 7) / 10
  );
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)] as number;
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'pliant-bench-'));
}

export const cases: Record<string, () => Promise<void>> = {
  async 'evolution-step'() {
    const steps = 2000;
    const bests: number[] = [];
    const rates: number[] = [];
    for (let seed = 0; seed < 10; seed++) {
      const dir = tempDir();
      try {
        const space = experimentSpace();
        let best = -Infinity;
        const t0 = process.hrtime.bigint();
        for await (const [candidate, feedback] of sample(space, regularizedEvolution({ populationSize: 100, tournamentSize: 10, seed }), {
          numTrials: steps,
          storage: journalStorage(dir),
          study: `evolution-${seed}`,
        })) {
          const r = reward(candidate as SymbolicNode);
          best = Math.max(best, r);
          await feedback.done(r);
        }
        rates.push(steps / (Number(process.hrtime.bigint() - t0) / 1e9));
        bests.push(best);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    line('evolution-step', steps, median(rates), 36.6, {
      best_reward_median: sig(median(bests)),
      best_reward_min: sig(Math.min(...bests)),
      anchor_best_reward: 2.9282,
      note: 'regularized evolution (P=100, T=10) through sample() with the journal file, synthetic reward of PROBLEMS §1 (max 2.95); median over seeds 0..9',
    });
  },

  async 'loop-overhead-random'() {
    const n = 1000;
    const space = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`x${i}`, floatv(-5, 5)]));
    const perRun: number[] = [];
    const lastTenth: number[] = [];
    for (let seed = 0; seed < 5; seed++) {
      const dir = tempDir();
      try {
        const times: number[] = [];
        let t = process.hrtime.bigint();
        for await (const [c, feedback] of sample(space, random({ seed }), {
          numTrials: n,
          storage: journalStorage(dir),
          study: 'sphere',
          direction: 'minimize',
        })) {
          let f = 0;
          for (const v of Object.values(c as Record<string, number>)) f += v * v;
          await feedback.done(f);
          const now = process.hrtime.bigint();
          times.push(Number(now - t) / 1e6);
          t = now;
        }
        perRun.push(times.reduce((a, b) => a + b, 0) / times.length);
        const tail = times.slice(Math.floor(n * 0.9));
        lastTenth.push(tail.reduce((a, b) => a + b, 0) / tail.length);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
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
