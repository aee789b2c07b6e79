/**
 * Weight sharing (issue 21), on the MNIST split of the main job (examples/mnist: 7,000 training
 * digits, the last 1,000 of the 8,000 for validation, 2,000 test), TensorFlow.js on wasm:
 *
 * - `nb201`: the trainable NAS-Bench-201 cell (8 channels, stem stride 2, three stages of one cell). 30 distinct
 *   random architectures are each trained standalone (`STANDALONE_EPOCHS`, test accuracy); a
 *   supernet of the space is trained `uniform` and `reinforce`, and Kendall τ between each
 *   architecture's accuracy with the shared weights (validation digits) and its standalone test
 *   accuracy is printed (target τ ≥ 0.5). Then DARTS over 5 seeds: the cell it derives, that
 *   cell's standalone accuracy beside the best of the 30, and whether it collapsed to skip
 *   connections (no conv op left, or at least 3 of the 6 edges `skip_connect`).
 * - `cnn`: the same τ on the main job's CNN space (quick options, elastic depth, widths and
 *   kernels; optimizer, learning rate, batch size and dropout fixed so only the architecture varies).
 * - `search-cost`: `oneShotSearch` on the NB201 space (supernet training, 1,000 candidates ranked,
 *   the top 5 retrained) against regularized evolution of standalone trainings given three times
 *   the one-shot wall time: the best test accuracy (of the trial with the best validation
 *   accuracy) each found (target: one-shot at least as good in a third of the time).
 * - `search-cost-cnn`: the same on the main job's CNN space of `cnn`.
 * - `step-cost`: seconds per supernet training step (`uniform`: one path; `darts`: the mixture)
 *   beside a standalone step of the largest candidate, same batch size.
 *
 * `PLIANT_BENCH_PART=ranking` or `darts` runs one half of `nb201`, so the halves (and, with
 * `PLIANT_BENCH_MODES=uniform` or `reinforce`, the two rankings) run side by side, one per core;
 * `PLIANT_BENCH_SHARD` (below) does the same for the standalone trainings.
 *
 * `PLIANT_BENCH_SCALE` (default 1) scales the epochs down for a quick look (0.5 halves them).
 * Run one with `npx tsx bench/run.ts --case supernet nb201` (after `npm run build`).
 */
import { dnaSpec, loadTf, materialize, modelProbe, oneShotSearch, randomDNA, regularizedEvolution, search, seededRng, supernet, trainSupernet } from 'pliant';
import type { DNA, TreeValue } from 'pliant';
import { cnnSpace } from 'pliant/spaces/cnn';
import { nb201Arch, nb201Space, NB201_OPS } from 'pliant/spaces/nasbench201-cell';
import type { Nb201Op } from 'pliant/spaces/nasbench201-cell';
import { trainCandidate } from 'pliant/spaces/model-candidate';
import type { CandidateMetrics, ModelCandidate } from 'pliant/spaces/model-candidate';
import type * as Tfjs from '@tensorflow/tfjs';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadMnist } from '../examples/mnist/data.js';
import type { MnistData } from '../examples/mnist/data.js';
import { emit, sig } from './lib/harness.js';
import { kendallTau, mean } from './lib/stats.js';

const SCALE = Number(process.env.PLIANT_BENCH_SCALE ?? '1');
const epochs = (n: number): number => Math.max(1, Math.round(n * SCALE));
const STANDALONE_EPOCHS = epochs(3);
/** Supernet epochs (10; `PLIANT_BENCH_SUPERNET_EPOCHS` sets it apart from the standalone epochs). */
const SUPERNET_EPOCHS = process.env.PLIANT_BENCH_SUPERNET_EPOCHS === undefined ? epochs(10) : Number(process.env.PLIANT_BENCH_SUPERNET_EPOCHS);
const DARTS_EPOCHS = epochs(4);
const VALIDATION = 0.125;
const ARCHS = 30;

/** Standalone results are cached here by space, epochs and DNA (git-ignored): a rerun retrains nothing already trained. */
const CACHE = join(dirname(fileURLToPath(import.meta.url)), '..', '.bench-cache');
/** Batches each sub-network's batch-norm statistics are recomputed on before it is scored (as `supernetObjective` does). */
const RECALIBRATE = Number(process.env.PLIANT_BENCH_RECALIBRATE ?? '4');

/**
 * `PLIANT_BENCH_SHARD=k/n` trains only the standalone architectures `i` with `i % n === k` into a
 * cache file of their own and stops there, so `n` processes fill the cache on `n` cores (wasm
 * TensorFlow.js uses one); a run without it then reads every shard's file and trains the rest.
 */
const SHARD = process.env.PLIANT_BENCH_SHARD === undefined ? undefined : process.env.PLIANT_BENCH_SHARD.split('/').map(Number);
if (SHARD !== undefined && !(SHARD.length === 2 && SHARD.every(Number.isInteger) && (SHARD[0] as number) >= 0 && (SHARD[0] as number) < (SHARD[1] as number))) {
  throw new Error(`PLIANT_BENCH_SHARD must be k/n with 0 ≤ k < n, found ${JSON.stringify(process.env.PLIANT_BENCH_SHARD)}`);
}

function cacheFile(name: string, shard?: number): string {
  return join(CACHE, `supernet-${name}-e${STANDALONE_EPOCHS}${shard === undefined ? '' : `.shard-${shard}`}.json`);
}

function cached(name: string): Map<string, number> {
  const out = new Map<string, number>();
  const prefix = `supernet-${name}-e${STANDALONE_EPOCHS}.`;
  const files = existsSync(CACHE) ? readdirSync(CACHE).filter((f) => f.startsWith(prefix) && f.endsWith('.json')) : [];
  for (const f of files) for (const [k, v] of Object.entries(JSON.parse(readFileSync(join(CACHE, f), 'utf8')) as Record<string, number>)) out.set(k, v);
  return out;
}

function store(name: string, values: Map<string, number>): void {
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(cacheFile(name, SHARD?.[0]), JSON.stringify(Object.fromEntries(values)));
}

/**
 * The NAS-Bench-201 network of this bench: 8 channels, stem stride 2, three stages of one cell
 * (8, 16, 32 channels) with NAS-Bench-201's reduction blocks between them. (One stage, as before
 * 2026-12-07, reaches 20–60 % on MNIST in 3 epochs: the cell's receptive field is a few pixels, so
 * the standalone accuracies being ranked were mostly noise.)
 */
const NB201 = { inputShape: [28, 28, 1] as const, classes: 10, channels: 8, stemStrides: 2, stages: 3 };
/** The standalone cache's name for {@link NB201} (a different network, a different cache). */
const NB201_CACHE = 'nb201-s3';

/** The validation digits of the split (the last 12.5 % of the training digits), as tensors. */
function validationOf(tf: typeof Tfjs, data: MnistData): { x: Tfjs.Tensor; y: Tfjs.Tensor } {
  const n = data.train.x.shape[0] as number;
  const k = Math.round(n * VALIDATION);
  return { x: tf.slice(data.train.x, [n - k], [k]), y: tf.slice(data.train.y, [n - k], [k]) };
}

/** `count` distinct random DNAs of `space` (seeded). */
function distinctDNAs(space: TreeValue, count: number, seed: number): DNA[] {
  const spec = dnaSpec(space);
  const rng = seededRng(seed);
  const out = new Map<string, DNA>();
  for (let i = 0; out.size < count && i < count * 100; i++) {
    const dna = randomDNA(spec, rng);
    out.set(dna.toString(), dna);
  }
  return [...out.values()];
}

/** Trains `candidate` standalone; its metrics. */
function standalone(candidate: ModelCandidate, data: MnistData, seed = 1): Promise<CandidateMetrics> {
  return trainCandidate(candidate, data.train, { epochs: STANDALONE_EPOCHS, validation: VALIDATION, test: data.test, seed });
}

/** The ops of an NB201 candidate's DNA (six op indices). */
function opsOf(dna: DNA): Nb201Op[] {
  return dna
    .toNumbers()
    .slice(0, 6)
    .map((i) => NB201_OPS[i as number] as Nb201Op);
}

/** Supernet accuracies of `dnas` after training in `mode`, and the training's seconds. */
async function supernetAccuracies(
  space: TreeValue,
  data: MnistData,
  dnas: readonly DNA[],
  mode: 'uniform' | 'reinforce',
  seed: number,
): Promise<{ accuracies: number[]; seconds: number; steps: number }> {
  const { tf } = await loadTf({ log: false });
  const net = await supernet(space, { seed });
  try {
    const trained = await trainSupernet(net, data.train, {
      mode,
      epochs: SUPERNET_EPOCHS,
      validation: VALIDATION,
      batchSize: 64,
      seed,
      ...(mode === 'reinforce' && WARMUP !== undefined ? { warmupEpochs: WARMUP } : {}),
    });
    const val = validationOf(tf, data);
    const accuracies: number[] = [];
    for (const dna of dnas) accuracies.push((await net.evaluate(dna, val, { batchSize: 250, recalibrate: RECALIBRATE })).accuracy);
    tf.dispose([val.x, val.y]);
    return { accuracies, seconds: trained.seconds, steps: trained.steps };
  } finally {
    net.dispose();
  }
}

/** `reinforce`'s epochs of uniform paths before its controller learns (`PLIANT_BENCH_WARMUP`; default `trainSupernet`'s, a quarter of the epochs). */
const WARMUP = process.env.PLIANT_BENCH_WARMUP === undefined ? undefined : Number(process.env.PLIANT_BENCH_WARMUP);

/** The supernet training modes ranked (`PLIANT_BENCH_MODES`, default `uniform,reinforce`: one process per mode runs them on two cores). */
const MODES = (process.env.PLIANT_BENCH_MODES ?? 'uniform,reinforce').split(',') as ('uniform' | 'reinforce')[];

/**
 * How many seeds each architecture is trained standalone with (`PLIANT_BENCH_SEEDS`, default 1):
 * with more than one, the truth ranked against is the mean over the seeds, and the bench prints
 * Kendall τ between seed 1 and seed 2, the ranking's own noise: no proxy can be expected to rank
 * one seed's accuracies much better than another seed's do.
 */
const SEEDS = Number(process.env.PLIANT_BENCH_SEEDS ?? '1');

/** The standalone accuracies of the 30 architectures (trained or from the cache); then, `withSupernet`, τ of each supernet mode. */
async function ranking(name: string, space: TreeValue, data: MnistData, cacheName = name, withSupernet = true): Promise<number[]> {
  const dnas = distinctDNAs(space, ARCHS, 11);
  const t0 = performance.now();
  const bySeed: number[][] = [];
  let job = 0;
  for (let seed = 1; seed <= SEEDS; seed++) {
    const file = seed === 1 ? cacheName : `${cacheName}-seed${seed}`;
    const known = cached(file);
    const mine = new Map<string, number>();
    const accuracies: number[] = [];
    for (const dna of dnas) {
      const key = dna.toString();
      if (SHARD !== undefined && job++ % (SHARD[1] as number) !== SHARD[0]) continue;
      if (!known.has(key)) {
        known.set(key, (await standalone(materialize(space, dna) as unknown as ModelCandidate, data, seed)).testAccuracy);
        mine.set(key, known.get(key) as number);
        store(file, SHARD === undefined ? known : mine);
      }
      accuracies.push(known.get(key) as number);
    }
    bySeed.push(accuracies);
  }
  if (SHARD !== undefined) {
    const n = bySeed.reduce((a, b) => a + b.length, 0);
    emit({ bench: `supernet-standalone-shard-${name}`, n, ops_per_sec: sig(n / ((performance.now() - t0) / 1000)), shard: SHARD.join('/') });
    process.exit(0);
  }
  const truth = dnas.map((_d, i) => mean(bySeed.map((a) => a[i] as number)));
  if (SEEDS > 1) {
    emit({
      bench: `supernet-standalone-noise-${name}`,
      n: dnas.length,
      ops_per_sec: 0,
      seeds: SEEDS,
      kendall_tau_seed1_seed2: sig(kendallTau(bySeed[0] as number[], bySeed[1] as number[])),
      mean_abs_difference_seed1_seed2: sig(mean(dnas.map((_d, i) => Math.abs((bySeed[0]?.[i] as number) - (bySeed[1]?.[i] as number))))),
    });
  }
  const standaloneSeconds = (performance.now() - t0) / 1000;
  if (!withSupernet) return truth;
  for (const mode of MODES) {
    const r = await supernetAccuracies(space, data, dnas, mode, 1);
    const tau = kendallTau(r.accuracies, truth);
    emit({
      bench: `supernet-ranking-${name}`,
      n: dnas.length,
      ops_per_sec: sig(dnas.length / standaloneSeconds),
      mode,
      kendall_tau: sig(tau),
      target_tau: 0.5,
      supernet_epochs: SUPERNET_EPOCHS,
      supernet_seconds: sig(r.seconds),
      supernet_steps: r.steps,
      standalone_epochs: STANDALONE_EPOCHS,
      standalone_seeds: SEEDS,
      standalone_seconds_total: sig(standaloneSeconds),
      standalone_best: sig(Math.max(...truth)),
      standalone_mean: sig(mean(truth)),
      supernet_mean_accuracy: sig(mean(r.accuracies)),
      recalibrate: RECALIBRATE,
      ...(mode === 'reinforce' ? { warmup_epochs: WARMUP ?? Math.round(SUPERNET_EPOCHS / 4) } : {}),
      pairs: dnas.map((d, i) => [d.toString(), sig(r.accuracies[i] as number), sig(truth[i] as number)]),
    });
  }
  return truth;
}

async function nb201(): Promise<void> {
  const data = await loadMnist();
  const space = nb201Space(NB201) as unknown as TreeValue;
  const part = process.env.PLIANT_BENCH_PART;
  const truth = await ranking('nb201', space, data, NB201_CACHE, part !== 'darts');
  if (part !== 'ranking') await darts(space, data, truth);
}

/** The seeds DARTS runs with (`PLIANT_BENCH_DARTS_SEEDS`, default `1,2,3,4,5`: split them over two processes to use two cores). */
const DARTS_SEEDS = (process.env.PLIANT_BENCH_DARTS_SEEDS ?? '1,2,3,4,5').split(',').map(Number);

/** DARTS over 5 seeds on the NB201 space, beside the best of the 30 random architectures (`truth`). */
async function darts(space: TreeValue, data: MnistData, truth: readonly number[]): Promise<void> {
  const { tf } = await loadTf({ log: false });
  let collapsed = 0;
  const found: number[] = [];
  for (const seed of DARTS_SEEDS) {
    const net = await supernet(space, { seed });
    try {
      const trained = await trainSupernet(net, data.train, { mode: 'darts', epochs: DARTS_EPOCHS, validation: VALIDATION, batchSize: 64, seed });
      const dna = trained.derived as DNA;
      const ops = opsOf(dna);
      const skips = ops.filter((o) => o === 'skip_connect').length;
      const convs = ops.filter((o) => o.startsWith('nor_conv')).length;
      const isCollapsed = convs === 0 || skips >= 3;
      if (isCollapsed) collapsed++;
      const metrics = await standalone(materialize(space, dna) as unknown as ModelCandidate, data);
      found.push(metrics.testAccuracy);
      emit({
        bench: 'supernet-darts-nb201',
        n: 1,
        ops_per_sec: sig(1 / trained.seconds),
        seed,
        arch: nb201Arch(ops),
        standalone_test_accuracy: sig(metrics.testAccuracy),
        best_of_30_random: sig(Math.max(...truth)),
        skip_edges: skips,
        conv_edges: convs,
        collapsed: isCollapsed,
        seconds: sig(trained.seconds),
      });
    } finally {
      net.dispose();
    }
  }
  emit({
    bench: 'supernet-darts-nb201-summary',
    n: DARTS_SEEDS.length,
    ops_per_sec: 0,
    seeds: DARTS_SEEDS,
    collapsed,
    mean_standalone: sig(mean(found)),
    best_of_30_random: sig(Math.max(...truth)),
  });
  tf.disposeVariables();
}

/** The main job's CNN space with only the architecture free. */
function cnnArchSpace(): TreeValue {
  return cnnSpace({
    maxBlocks: 2,
    filters: [8, 16, 32],
    kernelSizes: [3, 5],
    denseUnits: [64, 128],
    dropout: [0.25, 0.25],
    optimizers: ['adam'],
    learningRate: [1e-3, 1e-3],
    batchSizes: [64],
  }) as unknown as TreeValue;
}

async function cnn(): Promise<void> {
  await ranking('cnn', cnnArchSpace(), await loadMnist());
}

async function searchCost(name: 'nb201' | 'cnn' = 'nb201'): Promise<void> {
  const data = await loadMnist();
  const space = name === 'nb201' ? (nb201Space(NB201) as unknown as TreeValue) : cnnArchSpace();
  const retrain = (c: ModelCandidate): Promise<CandidateMetrics> => standalone(c, data);
  const t0 = performance.now();
  const oneShot = await oneShotSearch(space, {
    data: data.train,
    validation: VALIDATION,
    mode: 'uniform',
    train: { epochs: SUPERNET_EPOCHS, batchSize: 64 },
    numCandidates: 1000,
    topK: 5,
    retrain: retrain as never,
    metric: 'valAccuracy',
    probe: modelProbe() as never,
    seed: 1,
  });
  const oneShotSeconds = (performance.now() - t0) / 1000;
  const bestOf = (rows: readonly { valAccuracy: number; testAccuracy: number }[]): { valAccuracy: number; testAccuracy: number } =>
    rows.reduce((a, b) => (b.valAccuracy > a.valAccuracy ? b : a));
  const retrained = oneShot.top.filter((c) => c.standalone !== undefined).map((c) => c.standalone as unknown as { valAccuracy: number; testAccuracy: number });
  const oneShotBest = bestOf(retrained);
  const t1 = performance.now();
  const evolution = await search(space, retrain as never, {
    algorithm: regularizedEvolution({ populationSize: 10, tournamentSize: 3, seed: 1 }),
    metric: 'valAccuracy',
    timeBudget: 3 * oneShotSeconds * 1000,
    dedupe: { hash: 'functional', probe: modelProbe() as never },
  });
  const evolutionSeconds = (performance.now() - t1) / 1000;
  const evolved = evolution.completed.map((t) => t.value as unknown as { valAccuracy: number; testAccuracy: number });
  const evolutionBest = bestOf(evolved);
  emit({
    bench: `supernet-search-cost-${name}`,
    n: 1000,
    ops_per_sec: sig(1000 / oneShotSeconds),
    one_shot_seconds: sig(oneShotSeconds),
    one_shot_best_test: sig(oneShotBest.testAccuracy),
    one_shot_best_val: sig(oneShotBest.valAccuracy),
    evolution_seconds: sig(evolutionSeconds),
    evolution_trials: evolution.completed.length,
    evolution_best_test: sig(evolutionBest.testAccuracy),
    evolution_best_val: sig(evolutionBest.valAccuracy),
    time_ratio: sig(oneShotSeconds / evolutionSeconds),
    stage_seconds: oneShot.seconds,
  });
}

async function stepCost(): Promise<void> {
  const { tf } = await loadTf({ log: false });
  const data = await loadMnist();
  for (const [name, space] of [
    ['nb201', nb201Space(NB201) as unknown as TreeValue],
    ['cnn', cnnArchSpace()],
  ] as const) {
    const net = await supernet(space, { seed: 1 });
    const steps = 40;
    try {
      const perStep: Record<string, number> = {};
      for (const mode of ['uniform', 'darts'] as const) {
        const r = await trainSupernet(net, data.train, { mode, epochs: 1, stepsPerEpoch: steps, batchSize: 64, validation: VALIDATION, seed: 1 });
        perStep[mode] = r.seconds / Math.max(1, r.steps);
      }
      // The largest candidate: the last candidate of every choice (NB201: avg pool is last, so take conv 3x3 on every edge).
      const spec = dnaSpec(space);
      const largest = name === 'nb201' ? dnaOfOps(spec, 3) : largestDNA(space);
      const model = await net.subnet(largest);
      model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      const x = tf.slice(data.train.x, [0], [64 * steps]);
      const y = tf.slice(data.train.y, [0], [64 * steps]);
      await model.fit(x, y, { batchSize: 64, epochs: 1, verbose: 0 }); // warm-up
      const t0 = performance.now();
      await model.fit(x, y, { batchSize: 64, epochs: 1, verbose: 0 });
      const standaloneStep = (performance.now() - t0) / 1000 / steps;
      tf.dispose([x, y]);
      model.dispose();
      emit({
        bench: `supernet-step-cost-${name}`,
        n: steps,
        ops_per_sec: sig(1 / (perStep.uniform as number)),
        uniform_step_seconds: sig(perStep.uniform as number),
        darts_step_seconds: sig(perStep.darts as number),
        standalone_largest_step_seconds: sig(standaloneStep),
        uniform_ratio: sig((perStep.uniform as number) / standaloneStep),
        darts_ratio: sig((perStep.darts as number) / standaloneStep),
      });
    } finally {
      net.dispose();
    }
  }
}

/** The NB201 DNA with op `op` on every edge. */
function dnaOfOps(spec: ReturnType<typeof dnaSpec>, op: number): DNA {
  return spec.fromNumbers(spec.decisionIds.map(() => op));
}

/** The DNA of the deepest, widest candidate of a CNN space: the last candidate of every choice. */
function largestDNA(space: TreeValue): DNA {
  const spec = dnaSpec(space);
  const numbers: number[] = [];
  const visit = (elements: ReturnType<typeof dnaSpec>['root']['elements']): void => {
    for (const d of elements) {
      if (d.kind === 'choice') {
        const last = d.candidates.length - 1;
        numbers.push(last);
        for (const sub of d.picks[0]?.[last] ? [d.picks[0][last]] : []) visit(sub.elements);
      } else if (d.kind === 'float' || d.kind === 'int') numbers.push(d.max);
    }
  };
  visit(spec.root.elements);
  return spec.fromNumbers(numbers);
}

export const cases = { nb201, cnn, 'search-cost': () => searchCost('nb201'), 'search-cost-cnn': () => searchCost('cnn'), 'step-cost': stepCost };
