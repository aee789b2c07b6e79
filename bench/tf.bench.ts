/**
 * TensorFlow.js searches on MNIST (issue 7), wasm backend, the fixed 8,000 / 2,000 split of
 * examples/mnist (7,000 train, 1,000 validation, 2,000 test):
 *
 * - `mnist-threads`: candidates evaluated per minute with 1 and with 2 worker threads, the same
 *   24 candidates (random search, seed 1, the quick CNN space, 1 epoch each), timed from the first
 *   trial's start to the last one's end (thread start-up excluded); target ≥ 1.7× with 2.
 * - `mnist-early-stopping`: the same search (regularized evolution, 16 trials of at most 6 epochs,
 *   2 threads) without and with successive halving (asha, η 3): epochs trained and wall time
 *   saved for the best validation accuracy each reaches (target: the same within ±0.3 points).
 * - `mnist-probe-cost`: the model probe's cost per candidate (build, one forward pass of 8 digits,
 *   hash) beside one epoch of training, on 20 candidates of the quick CNN space.
 * - `mnist-full`: the full search of examples/mnist (`--full`) as the quick start's flag runs it:
 *   best test accuracy and wall time (target ≥ 98% within 30 minutes), and what the functional
 *   probe caught: duplicates served by the cache and the training time they saved.
 *
 * Each prints JSON lines; run one with `npx tsx bench/run.ts --case tf mnist-threads`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asha, functionalHash, loadTf, modelProbe, random, regularizedEvolution, sampleRandom, search, threadExecutor } from 'pliant';
import type { Result } from 'pliant';
import { cnnSpace } from 'pliant/spaces/cnn';
import type { CnnSpaceOptions } from 'pliant/spaces/cnn';
import { trainCandidate } from 'pliant/spaces/model-candidate';
import type { ModelCandidate } from 'pliant/spaces/model-candidate';
import { loadMnist } from '../examples/mnist/data.js';
import { main as mnistSearch } from '../examples/mnist/search.js';
import { emit } from './lib/harness.js';

const objective = { module: new URL('./lib/mnist-objective.ts', import.meta.url) };
const QUICK: CnnSpaceOptions = { maxBlocks: 2, filters: [8, 16, 32], denseUnits: [64, 128], batchSizes: [64, 128] };

function epochsTrained(result: Result): number {
  return result.trials
    .filter((t) => !t.cached)
    .reduce((s, t) => s + (t.state === 'completed' ? ((t.value as Record<string, number>).epochs ?? 0) : t.reports.length), 0);
}

function bestValue(result: Result, metric: string): number {
  return Math.max(...result.trials.filter((t) => t.state === 'completed').map((t) => (t.value as Record<string, number>)[metric] ?? Number.NaN));
}

async function threads(): Promise<void> {
  process.env.PLIANT_BENCH_EPOCHS = '1';
  const n = 24;
  const rates: number[] = [];
  for (const size of [1, 2]) {
    const t0 = performance.now();
    const result = await search(cnnSpace(QUICK), objective, {
      numTrials: n,
      algorithm: random({ seed: 1 }),
      executor: threadExecutor({ size }),
      metric: 'valAccuracy',
    });
    const total = (performance.now() - t0) / 1000;
    // From the first trial's start to the last one's end: thread start-up (tfjs, the data) excluded.
    const seconds = (Math.max(...result.trials.map((t) => t.ended ?? 0)) - Math.min(...result.trials.map((t) => t.started))) / 1000;
    const done = result.trials.filter((t) => t.state === 'completed').length;
    rates.push(done / seconds);
    emit({
      bench: 'mnist-candidates',
      n: done,
      threads: size,
      ops_per_sec: done / seconds,
      candidates_per_min: (60 * done) / seconds,
      seconds,
      seconds_with_startup: total,
      failed: n - done,
      best_val: bestValue(result, 'valAccuracy'),
    });
  }
  emit({ bench: 'mnist-candidates-speedup', n, threads: 2, ops_per_sec: rates[1] as number, ratio: (rates[1] as number) / (rates[0] as number), target: 1.7 });
}

async function earlyStopping(): Promise<void> {
  process.env.PLIANT_BENCH_EPOCHS = '6';
  const runs: { name: string; result: Result; seconds: number }[] = [];
  for (const stopping of [false, true]) {
    const t0 = performance.now();
    const result = await search(cnnSpace(QUICK), objective, {
      numTrials: 16,
      metric: 'valAccuracy',
      algorithm: regularizedEvolution({ populationSize: 6, tournamentSize: 2, seed: 1 }),
      executor: threadExecutor({ size: 2 }),
      ...(stopping ? { earlyStopping: asha({ minResource: 1, reductionFactor: 3, maxResource: 6 }) } : {}),
    });
    runs.push({ name: stopping ? 'asha' : 'none', result, seconds: (performance.now() - t0) / 1000 });
  }
  for (const { name, result, seconds } of runs) {
    const epochs = epochsTrained(result);
    emit({
      bench: 'mnist-early-stopping',
      n: result.trials.length,
      policy: name,
      ops_per_sec: epochs / seconds,
      epochs_trained: epochs,
      seconds,
      pruned: result.trials.filter((t) => t.state === 'pruned').length,
      best_val: bestValue(result, 'valAccuracy'),
      best_test: bestValue(result, 'testAccuracy'),
    });
  }
  const [none, with_] = runs as [(typeof runs)[0], (typeof runs)[0]];
  emit({
    bench: 'mnist-early-stopping-saving',
    n: 16,
    ops_per_sec: epochsTrained(with_.result) / with_.seconds,
    epochs_saved: 1 - epochsTrained(with_.result) / epochsTrained(none.result),
    time_saved: 1 - with_.seconds / none.seconds,
    best_val_points: 100 * (bestValue(with_.result, 'valAccuracy') - bestValue(none.result, 'valAccuracy')),
    target_points: 0.3,
  });
}

async function probeCost(): Promise<void> {
  await loadTf({ log: false });
  const data = await loadMnist();
  const candidates = sampleRandom(cnnSpace(QUICK), { n: 20, seed: 3 }) as unknown as ModelCandidate[];
  const probe = modelProbe<ModelCandidate>();
  await functionalHash(candidates[0] as ModelCandidate, probe); // warm-up
  const probeMs: number[] = [];
  for (const c of candidates) {
    const t0 = performance.now();
    await functionalHash(c, probe);
    probeMs.push(performance.now() - t0);
  }
  const epochSeconds: number[] = [];
  for (const c of candidates.slice(0, 4)) epochSeconds.push((await trainCandidate(c, data.train, { epochs: 1, validation: 0.125, seed: 1 })).seconds);
  const meanProbe = probeMs.reduce((a, b) => a + b, 0) / probeMs.length;
  const meanEpoch = epochSeconds.reduce((a, b) => a + b, 0) / epochSeconds.length;
  emit({
    bench: 'mnist-probe-cost',
    n: probeMs.length,
    ops_per_sec: 1000 / meanProbe,
    probe_ms: meanProbe,
    probe_ms_max: Math.max(...probeMs),
    epoch_seconds: meanEpoch,
    probe_share_of_epoch: meanProbe / 1000 / meanEpoch,
  });
}

async function full(): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'pliant-bench-'));
  const previous = process.env.PLIANT_HOME;
  process.env.PLIANT_HOME = home;
  try {
    const t0 = performance.now();
    const result = (await mnistSearch({ full: true, log: (l) => process.stderr.write(`${l}\n`) })) as Result;
    const seconds = (performance.now() - t0) / 1000;
    const best = result.best?.value as Record<string, number> | undefined;
    const trained = result.trials.filter((t) => !t.cached && t.state === 'completed');
    const meanSeconds = trained.reduce((s, t) => s + ((t.value as Record<string, number>).seconds ?? 0), 0) / Math.max(1, trained.length);
    const cache = result.cache;
    emit({
      bench: 'mnist-full-search',
      n: result.trials.length,
      ops_per_sec: result.evaluated.length / seconds,
      seconds,
      minutes: seconds / 60,
      best_val: best?.valAccuracy,
      best_test: best?.testAccuracy,
      target_test: 0.98,
      target_minutes: 30,
    });
    emit({
      bench: 'mnist-probe-duplicates',
      n: result.trials.length,
      ops_per_sec: (cache?.hits ?? 0) / seconds,
      duplicates: cache?.hits ?? 0,
      evaluations_saved: cache?.evaluationsSaved ?? 0,
      mean_trial_seconds: meanSeconds,
      seconds_saved_estimate: (cache?.evaluationsSaved ?? 0) * meanSeconds,
    });
  } finally {
    if (previous === undefined) delete process.env.PLIANT_HOME;
    else process.env.PLIANT_HOME = previous;
    rmSync(home, { recursive: true, force: true });
  }
}

export const cases = { 'mnist-threads': threads, 'mnist-early-stopping': earlyStopping, 'mnist-probe-cost': probeCost, 'mnist-full': full };
