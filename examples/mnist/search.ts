/**
 * The MNIST search: the architecture and the training hyper-parameters of the CNN of `model.ts`,
 * as the space `cnnSpace()` of `pliant/spaces/cnn`, searched by regularized evolution on the fixed
 * 8,000 / 2,000 split of `data.ts`. Each trial trains its candidate on 7,000 training digits and
 * reports the accuracy on the other 1,000 (the validation set) after every epoch, so successive
 * halving (`asha`) stops the weak ones early; candidates that compute the same function as one
 * already trained are served by the functional cache (`modelProbe`); the test digits are only
 * evaluated, never used to choose. The study is a journal file under `.pliant/studies`: run the
 * same command again and it resumes (completed trials are kept, none is re-run).
 *
 *     npx tsx examples/mnist/search.ts               # the quick run: 15 trials, ≤ 3 epochs (about 2 minutes)
 *     npx tsx examples/mnist/search.ts --full        # the full run: 30 trials, ≤ 9 epochs, the whole space
 *     npx tsx examples/mnist/search.ts --trials 12 --seed 2 --epochs 4 --study my-study
 *     npx tsx examples/mnist/search.ts --baseline    # also train model.ts as written, for comparison
 *     npx tsx examples/mnist/search.ts --baseline --trials 0   # only that
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Pruned, asha, format, fromJSON, loadTf, modelProbe, regularizedEvolution, search, train } from 'pliant';
import type { Result, SymbolicNode, Trial, TreeValue, TrialFeedback } from 'pliant';
import { cnnSpace } from 'pliant/spaces/cnn';
import type { CnnSpaceOptions } from 'pliant/spaces/cnn';
import { trainCandidate } from 'pliant/spaces/model-candidate';
import type { CandidateMetrics, ModelCandidate } from 'pliant/spaces/model-candidate';
import type * as Tfjs from '@tensorflow/tfjs';
import { loadMnist, releaseMnist } from './data.js';
import { BATCH_SIZE, EPOCHS, compileModel, createModel } from './model.js';

/** Options of {@link main}. */
export interface MnistSearchOptions {
  /** The full budget: more trials and epochs, and the whole space. */
  readonly full?: boolean;
  /** Evaluated trials (default 15; 30 with `full`; 0: no search, for `baseline` alone). */
  readonly trials?: number;
  /** Seeds the algorithm, the initial weights, the shuffling and dropout (default 1). */
  readonly seed?: number;
  /** The most epochs a trial trains (default 3; 9 with `full`). */
  readonly epochs?: number;
  /** The study's name (default `mnist-cnn-quick-s<seed>` / `mnist-cnn-full-s<seed>`). */
  readonly study?: string;
  /** Also train `model.ts`'s hand-written model for comparison. */
  readonly baseline?: boolean;
  /** Where the lines go (default `console.log`). */
  readonly log?: (line: string) => void;
}

/** The quick run's space: the same decisions, narrower (and cheaper) choices. */
const QUICK_SPACE: CnnSpaceOptions = { maxBlocks: 2, filters: [8, 16, 32], denseUnits: [64, 128], batchSizes: [64, 128] };

/** The validation share of the 8,000 training digits: the last 1,000. */
const VALIDATION = 0.125;

/** A one-line summary of a candidate: its conv blocks, batch norms, head, optimizer and batch size. */
function describe(candidate: ModelCandidate): string {
  const node = (v: unknown): SymbolicNode => v as SymbolicNode;
  const layers = (node(candidate.model).args as { layers: unknown[] }).layers.map(node);
  const convs = layers.filter((l) => l.type.name === 'tf.layers.conv2d').map((l) => `${String(l.args.filters)}@${String(l.args.kernelSize)}x${String(l.args.kernelSize)}`);
  const pools = layers.filter((l) => /pooling2d$/i.test(l.type.name)).map((l) => (l.type.name.includes('max') ? 'max' : 'avg'));
  const bn = layers.filter((l) => l.type.name === 'tf.layers.batchNormalization').length;
  const dense = layers.find((l) => l.type.name === 'tf.layers.dense');
  const dropout = layers.find((l) => l.type.name === 'tf.layers.dropout');
  const optimizer = node(candidate.optimizer);
  return [
    `conv ${convs.map((c, i) => `${c}/${pools[i] ?? '?'}`).join(' ')}${bn > 0 ? ` bn×${bn}` : ''}`,
    `dense ${String(dense?.args.units)} drop ${Number(dropout?.args.rate ?? 0).toFixed(2)}`,
    `${optimizer.type.name.replace('tf.train.', '')} ${Number(optimizer.args.learningRate).toPrecision(2)}`,
    `batch ${candidate.batchSize}`,
  ].join(', ');
}

function pct(x: number | undefined): string {
  return x === undefined || Number.isNaN(x) ? '  –  ' : `${(100 * x).toFixed(2)}%`;
}

/** Trains `model.ts`'s model as written (same data, validation and seed) and returns its accuracies. */
async function baseline(seed: number, log: (line: string) => void): Promise<void> {
  const { tf } = await loadTf();
  const data = await loadMnist();
  const model = createModel();
  try {
    compileModel(model);
    const result = await train(model, data.train, { epochs: EPOCHS, batchSize: BATCH_SIZE, validation: VALIDATION, seed });
    const evaluated = model.evaluate(data.test.x, data.test.y, { batchSize: 500 }) as Tfjs.Scalar[];
    const test = (await (evaluated[1] as Tfjs.Scalar).data())[0] as number;
    tf.dispose(evaluated);
    log(`baseline (model.ts as written, ${EPOCHS} epochs): validation ${pct(result.last.valAccuracy)}, test ${pct(test)}, ${result.seconds.toFixed(0)} s`);
  } finally {
    model.dispose();
    (model.optimizer as Tfjs.Optimizer | undefined)?.dispose();
  }
}

/** Runs the search, printing a line per trial and, at the end, the best trial's accuracies and model. */
export async function main(options: MnistSearchOptions = {}): Promise<Result | undefined> {
  const log = options.log ?? ((line: string) => console.log(line));
  const full = options.full === true;
  const seed = options.seed ?? 1;
  const trials = options.trials ?? (full ? 30 : 15);
  const epochs = options.epochs ?? (full ? 9 : 3);
  const study = options.study ?? `mnist-cnn-${full ? 'full' : 'quick'}-s${seed}`;
  const started = performance.now();
  const { tf, backend } = await loadTf();
  const data = await loadMnist();
  log(`MNIST: 7,000 training, 1,000 validation and 2,000 test digits; TensorFlow.js on ${backend}`);
  if (trials > 0) log(`study '${study}' (.pliant/studies): ${trials} trials of at most ${epochs} epochs, regularized evolution, asha, functional dedupe`);
  if (options.baseline === true) await baseline(seed, log);
  if (trials === 0) {
    await releaseMnist();
    log(`tensors alive at the end: ${tf.memory().numTensors}`);
    return undefined;
  }

  const space = cnnSpace(full ? {} : QUICK_SPACE);
  const objective = async (candidate: ModelCandidate, trial: TrialFeedback): Promise<CandidateMetrics> => {
    const label = `trial ${String(trial.number).padStart(2)} ${describe(candidate)}`;
    let last = { epoch: 0, valAccuracy: Number.NaN };
    try {
      const metrics = await trainCandidate(candidate, data.train, {
        epochs,
        validation: VALIDATION,
        test: data.test,
        seed,
        trial,
        onEpoch: (m) => void (last = { epoch: m.epoch, valAccuracy: m.valAccuracy ?? Number.NaN }),
      });
      log(`${label}: validation ${pct(metrics.valAccuracy)}, test ${pct(metrics.testAccuracy)} after ${metrics.epochs} epochs, ${metrics.seconds.toFixed(0)} s`);
      return metrics;
    } catch (error) {
      if (error instanceof Pruned) log(`${label}: pruned after epoch ${last.epoch} (validation ${pct(last.valAccuracy)})`);
      else log(`${label}: failed: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  };
  const result = await search(space, objective, {
    numTrials: trials,
    study,
    seed,
    metric: 'valAccuracy',
    algorithm: regularizedEvolution({ populationSize: full ? 10 : 4, tournamentSize: full ? 3 : 2, seed }),
    earlyStopping: asha({ minResource: 1, reductionFactor: 3, maxResource: epochs }),
    dedupe: { hash: 'functional', probe: modelProbe() },
  });

  const best: Trial | undefined = result.best;
  const states = (s: string): number => result.trials.filter((t) => t.state === s).length;
  const minutes = (performance.now() - started) / 60000;
  log(
    `${result.trials.length} trials in the study: ${states('completed') - result.trials.filter((t) => t.cached).length} trained to the end, ${states('pruned')} pruned, ${result.trials.filter((t) => t.cached).length} served by the functional cache, ${states('failed')} failed; ${minutes.toFixed(1)} min this run`,
  );
  if (best === undefined) {
    log('no trial completed');
  } else {
    const value = best.value as Record<string, number>;
    log(`best: trial ${best.number}: validation ${pct(value.valAccuracy)}, test ${pct(value.testAccuracy)} after ${value.epochs} epochs (${value.params} weights), DNA ${best.dna.toString()}`);
    log(format(fromJSON(best.candidate) as TreeValue, { indent: 2 }));
    log(`as JSON: ${JSON.stringify(best.candidate)}`);
  }
  await releaseMnist();
  log(`tensors alive at the end: ${tf.memory().numTensors}`);
  return result;
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}

function numberFlag(name: string): number | undefined {
  const value = flag(name);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} takes a non-negative integer, found ${value}`);
  return n;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const trials = numberFlag('trials');
  const seed = numberFlag('seed');
  const epochs = numberFlag('epochs');
  const study = flag('study');
  main({
    full: process.argv.includes('--full'),
    baseline: process.argv.includes('--baseline'),
    ...(trials === undefined ? {} : { trials }),
    ...(seed === undefined ? {} : { seed }),
    ...(epochs === undefined ? {} : { epochs }),
    ...(study === undefined ? {} : { study }),
  }).catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  });
}
