/**
 * How the cost of a proposal grows with the history (issue 22), the current package beside the
 * build of the base commit (`BASE`, built once by `lib/baseline.ts` into `.bench-base/`), both in
 * the same process, one after the other:
 *
 * - `tpe-growth`: `tpe()` (defaults) on Sphere-10d with a free objective through
 *   `sample(..., {storage: memoryStorage()})`, 5,000 trials, each loop iteration timed as the
 *   `overhead-*` harness of tpe.bench.ts does; mean ms per trial over trials 400–500, 900–1,000,
 *   1,900–2,000 and 4,900–5,000 (one line per window), wall time and process CPU time, median over
 *   `GROWTH_SEEDS` seeds (default 1: seed 0).
 * - `evolution-step`: regularized evolution (P=100, T=10) on the experiment space of PROBLEMS §1.
 *   `evolution-step-memory`: through `sample` with `memoryStorage()`, 2,000 steps, the synthetic
 *   reward, µs per step (median over seeds 0–4). `evolution-step-algorithm`: the algorithm alone
 *   (`propose` + `feedback` on the DNASpec, a seeded random reward), 20,000 steps, µs per step.
 */
import { pathToFileURL } from 'node:url';
import * as current from 'pliant';
import type * as Pliant from 'pliant';
import type { SymbolicNode, TreeValue } from 'pliant';
import { baselineDist } from './lib/baseline.js';
import { experimentSpaceOf, experimentTypes } from './lib/experiment-types.js';
import { line, sig } from './lib/harness.js';
import { experimentReward, medianOf } from './lib/search-loops.js';
import { mean } from './lib/stats.js';

/** The base commit of issue 22. */
const BASE = '1694a16';

type Package = typeof Pliant;

async function basePackage(): Promise<Package> {
  return (await import(pathToFileURL(await baselineDist(BASE)).href)) as Package;
}

const WINDOWS: readonly (readonly [number, number])[] = [
  [400, 500],
  [900, 1000],
  [1900, 2000],
  [4900, 5000],
];

/** Per-iteration wall and CPU ms of one TPE run on Sphere-10d (free objective), `trials` trials. */
async function tpeRun(p: Package, seed: number, trials: number): Promise<{ wall: number[]; cpu: number[] }> {
  const keys = Array.from({ length: 10 }, (_, i) => `x${i}`);
  const space: TreeValue = Object.fromEntries(keys.map((k) => [k, p.floatv(-5, 5)]));
  const times: number[] = [];
  const cpu: number[] = [];
  let t = process.hrtime.bigint();
  let u = process.cpuUsage();
  for await (const [c, feedback] of p.sample(space, p.tpe({ seed }), { numTrials: trials, storage: p.memoryStorage(), direction: 'minimize', seed })) {
    const x = c as Record<string, number>;
    let f = 0;
    for (const k of keys) f += (x[k] as number) ** 2;
    await feedback.done(f);
    const now = process.hrtime.bigint();
    const used = process.cpuUsage();
    times.push(Number(now - t) / 1e6);
    cpu.push((used.user - u.user + used.system - u.system) / 1e3);
    t = now;
    u = used;
  }
  return { wall: times, cpu };
}

/** µs per step of regularized evolution through `sample` with memory storage. */
async function evolutionMemory(p: Package, space: () => SymbolicNode, seed: number, steps: number): Promise<{ us: number; best: number }> {
  let best = -Infinity;
  const t0 = process.hrtime.bigint();
  for await (const [candidate, feedback] of p.sample(space(), p.regularizedEvolution({ populationSize: 100, tournamentSize: 10, seed }), {
    numTrials: steps,
    storage: p.memoryStorage(),
  })) {
    const r = experimentReward(p, candidate as SymbolicNode);
    best = Math.max(best, r);
    await feedback.done(r);
  }
  return { us: Number(process.hrtime.bigint() - t0) / 1e3 / steps, best };
}

/** µs per `propose` + `feedback` of regularized evolution alone, on the experiment space's DNASpec. */
function evolutionAlgorithm(p: Package, space: SymbolicNode, seed: number, steps: number): number {
  const spec = p.dnaSpec(space);
  const algorithm = p.regularizedEvolution({ populationSize: 100, tournamentSize: 10, seed });
  algorithm.setup(spec, { seed });
  const rng = p.seededRng(seed + 1000);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < steps; i++) {
    const dna = algorithm.propose() as Pliant.DNA;
    algorithm.feedback(dna, rng());
  }
  return Number(process.hrtime.bigint() - t0) / 1e3 / steps;
}

export const cases: Record<string, () => Promise<void>> = {
  async 'tpe-growth'() {
    const trials = 5000;
    const seeds = Number(process.env.GROWTH_SEEDS ?? 1);
    const base = await basePackage();
    const perPackage = new Map<string, number[][]>();
    const cpuPerPackage = new Map<string, number[][]>();
    for (let seed = 0; seed < seeds; seed++) {
      for (const [name, p] of [
        ['base', base],
        ['current', current as Package],
      ] as const) {
        const { wall, cpu } = await tpeRun(p, seed, trials);
        const list = perPackage.get(name) ?? [];
        list.push(WINDOWS.map(([a, b]) => mean(wall.slice(a, b))));
        perPackage.set(name, list);
        const cpuList = cpuPerPackage.get(name) ?? [];
        cpuList.push(WINDOWS.map(([a, b]) => mean(cpu.slice(a, b))));
        cpuPerPackage.set(name, cpuList);
      }
    }
    WINDOWS.forEach(([a, b], w) => {
      const now = medianOf((perPackage.get('current') as number[][]).map((r) => r[w] as number));
      const was = medianOf((perPackage.get('base') as number[][]).map((r) => r[w] as number));
      const cpuNow = medianOf((cpuPerPackage.get('current') as number[][]).map((r) => r[w] as number));
      const cpuWas = medianOf((cpuPerPackage.get('base') as number[][]).map((r) => r[w] as number));
      line(`tpe-growth-${a}-${b}`, b - a, 1000 / now, undefined, {
        ms_per_trial: sig(now),
        base_ms_per_trial: sig(was),
        speedup: sig(was / now),
        cpu_ms_per_trial: sig(cpuNow),
        base_cpu_ms_per_trial: sig(cpuWas),
        cpu_speedup: sig(cpuWas / cpuNow),
        base_commit: BASE,
        note: `tpe() defaults, Sphere-10d, free objective, through sample() with memoryStorage(); mean ms per loop iteration over trials ${a}..${b} of a ${trials}-trial run, median over seeds 0..${seeds - 1}; cpu_*: the same in process CPU time (process.cpuUsage(), steadier on a shared machine); base = the build of ${BASE} in the same process`,
      });
    });
  },

  async 'evolution-step'() {
    const base = await basePackage();
    const seeds = [0, 1, 2, 3, 4];
    for (const [name, p] of [
      ['base', base],
      ['current', current as Package],
    ] as const) {
      const types = experimentTypes(p);
      const space = (): SymbolicNode => experimentSpaceOf(p, types);
      const runs = [];
      for (const seed of seeds) runs.push(await evolutionMemory(p, space, seed, 2000));
      const algo = seeds.map((seed) => evolutionAlgorithm(p, space(), seed, 20000));
      const us = medianOf(runs.map((r) => r.us));
      line(`evolution-step-memory-${name}`, 2000, 1e6 / us, undefined, {
        us_per_step: sig(us),
        best_reward_median: sig(medianOf(runs.map((r) => r.best))),
        note: `regularized evolution (P=100, T=10) through sample() with memoryStorage(), experiment space and synthetic reward of PROBLEMS §1, 2,000 steps; median over seeds 0..4; ${name === 'base' ? `the build of ${BASE}` : 'the current build'}`,
      });
      const usAlgo = medianOf(algo);
      line(`evolution-step-algorithm-${name}`, 20000, 1e6 / usAlgo, undefined, {
        us_per_step: sig(usAlgo),
        note: `regularized evolution (P=100, T=10) alone: propose + feedback on the experiment space's DNASpec with a seeded random reward, 20,000 steps; median over seeds 0..4; ${name === 'base' ? `the build of ${BASE}` : 'the current build'}`,
      });
    }
  },
};
