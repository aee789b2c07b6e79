/**
 * The search-loop measurements of bench/search.bench.ts (PROBLEMS.md §1, §4), written against a
 * given pliant package rather than an import of 'pliant', so bench/regression.bench.ts can run the
 * very same loops on an older build of pliant loaded by its path.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as Pliant from 'pliant';
import type { SymbolicNode, TreeValue } from 'pliant';

/** What the loops need of a pliant package. */
export type LoopPackage = Pick<typeof Pliant, 'sample' | 'journalStorage' | 'random' | 'regularizedEvolution' | 'floatv' | 'get'>;

/** The synthetic reward of PROBLEMS.md §1 (maximise; best 2.95). */
export function experimentReward(p: Pick<typeof Pliant, 'get'>, e: SymbolicNode): number {
  const g = (path: string): TreeValue => p.get(e, path);
  const stem = g('model.stem') as SymbolicNode;
  const opt = g('optimizer') as SymbolicNode;
  const lr = p.get(opt, 'lr') as number;
  const isConv = stem.typeName === 'bench.Conv';
  const isSgd = opt.typeName === 'bench.Sgd';
  return (
    -Math.abs(Math.log10(lr) + 2.5) +
    ((g('model.depth') as number) * (g('model.width') as number)) / 32 -
    (g('model.dropout') as number) +
    (g('model.act') === 'gelu' ? 0.5 : 0) +
    (isConv ? (p.get(stem, 'filters') as number) / 64 : (p.get(stem, 'units') as number) / 512) +
    ((g('model.blocks') as string[])[0] === 'conv3x3' ? 0.25 : 0) +
    (isSgd ? 0.1 * (p.get(opt, 'momentum') as number) : p.get(opt, 'beta1') === 0.9 ? 0.2 : 0) -
    Math.abs(Math.log2(g('batch_size') as number) - 7) / 10
  );
}

/** The median (the lower middle for an even count). */
export function medianOf(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)] as number;
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'pliant-bench-'));
}

/** What {@link evolutionStep} measured. */
export interface EvolutionStepRun {
  /** Steps per second of each seed's run. */
  readonly rates: number[];
  /** The best reward of each seed's run. */
  readonly bests: number[];
}

/**
 * Regularized evolution (P=100, T=10) on the experiment space through `sample` with the journal
 * file, `steps` steps per seed: the `evolution-step` case.
 */
export async function evolutionStep(p: LoopPackage, space: () => SymbolicNode, seeds: readonly number[], steps = 2000): Promise<EvolutionStepRun> {
  const bests: number[] = [];
  const rates: number[] = [];
  for (const seed of seeds) {
    const dir = tempDir();
    try {
      let best = -Infinity;
      const t0 = process.hrtime.bigint();
      for await (const [candidate, feedback] of p.sample(space(), p.regularizedEvolution({ populationSize: 100, tournamentSize: 10, seed }), {
        numTrials: steps,
        storage: p.journalStorage(dir),
        study: `evolution-${seed}`,
      })) {
        const r = experimentReward(p, candidate as SymbolicNode);
        best = Math.max(best, r);
        await feedback.done(r);
      }
      rates.push(steps / (Number(process.hrtime.bigint() - t0) / 1e9));
      bests.push(best);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return { rates, bests };
}

/** What {@link loopOverheadRandom} measured. */
export interface LoopOverheadRun {
  /** Mean ms per trial of each seed's run. */
  readonly perRun: number[];
  /** Mean ms per trial over the last 10% of each seed's run. */
  readonly lastTenth: number[];
}

/**
 * Random search on Sphere-10d with a free objective through `sample` with the journal file,
 * `n` trials per seed, each loop iteration timed: the `loop-overhead-random` case.
 */
export async function loopOverheadRandom(p: LoopPackage, seeds: readonly number[], n = 1000): Promise<LoopOverheadRun> {
  const space = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`x${i}`, p.floatv(-5, 5)]));
  const perRun: number[] = [];
  const lastTenth: number[] = [];
  for (const seed of seeds) {
    const dir = tempDir();
    try {
      const times: number[] = [];
      let t = process.hrtime.bigint();
      for await (const [c, feedback] of p.sample(space, p.random({ seed }), {
        numTrials: n,
        storage: p.journalStorage(dir),
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
  return { perRun, lastTenth };
}
