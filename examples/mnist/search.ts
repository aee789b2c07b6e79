/**
 * The MNIST search: the architecture and the training hyper-parameters of the CNN of `model.ts`,
 * as the space `cnnSpace()` of `pliant/spaces/cnn`, searched by regularized evolution on the fixed
 * 8,000 / 2,000 split of `data.ts`. Each trial trains its candidate on 7,000 training digits and
 * reports the accuracy on the other 1,000 (the validation set) after every epoch, so successive
 * halving (`asha`) stops the weak ones early; candidates that compute the same function as one
 * already trained are served by the functional cache (`modelProbe`); the test digits are only
 * evaluated, never used to choose. The study is a journal file under `.pliant/studies`: run the
 * same command again and it resumes (completed trials are kept, none is re-run). A progress bar
 * with the ETA shows on a terminal; at the end, the command that opens the study's report.
 *
 *     npx tsx examples/mnist/search.ts               # the quick run: 15 trials, ≤ 3 epochs (about 2 minutes)
 *     npx tsx examples/mnist/search.ts --full        # the full run: 30 trials, ≤ 9 epochs, the whole space
 *     npx tsx examples/mnist/search.ts --trials 12 --seed 2 --epochs 4 --study my-study
 *     npx tsx examples/mnist/search.ts --threads 2   # train on two worker threads
 *     npx tsx examples/mnist/search.ts --baseline    # also train model.ts as written, for comparison
 *     npx tsx examples/mnist/search.ts --baseline --trials 0   # only that
 *     npx tsx examples/mnist/search.ts --one-shot    # one-shot instead (examples/one-shot): a supernet ranks 200 candidates, the top 3 retrained
 *     npx tsx examples/mnist/search.ts --one-shot --mode reinforce --trials 1000   # --trials: candidates ranked; --epochs: retraining epochs
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { asha, format, fromJSON, loadTf, modelProbe, regularizedEvolution, search, threadExecutor, train } from 'pliant';
import type { Result, Trial, TreeValue } from 'pliant';
import { cnnSpace } from 'pliant/spaces/cnn';
import type { CnnSpaceOptions } from 'pliant/spaces/cnn';
import type * as Tfjs from '@tensorflow/tfjs';
import { loadMnist, releaseMnist } from './data.js';
import { BATCH_SIZE, EPOCHS, compileModel, createModel } from './model.js';
import { VALIDATION, mnistObjective, pct } from './objective.js';
import { main as oneShot } from '../one-shot/search.js';

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
  /** Worker threads to train on (default 1: in this thread); with 2 on a 2-core machine, about twice the trials per minute. */
  readonly threads?: number;
}

/** The quick run's space: the same decisions, narrower (and cheaper) choices. */
const QUICK_SPACE: CnnSpaceOptions = { maxBlocks: 2, filters: [8, 16, 32], denseUnits: [64, 128], batchSizes: [64, 128] };

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
  const threads = options.threads ?? 1;
  const study = options.study ?? `mnist-cnn-${full ? 'full' : 'quick'}-s${seed}`;
  const started = performance.now();
  const { tf, backend } = await loadTf();
  const data = await loadMnist();
  log(`MNIST: 7,000 training, 1,000 validation and 2,000 test digits; TensorFlow.js on ${backend}`);
  if (trials > 0)
    log(
      `study '${study}' (.pliant/studies): ${trials} trials of at most ${epochs} epochs, regularized evolution, asha, functional dedupe${threads > 1 ? `, ${threads} worker threads` : ''}`,
    );
  if (options.baseline === true) await baseline(seed, log);
  if (trials === 0) {
    await releaseMnist();
    log(`tensors alive at the end: ${tf.memory().numTensors}`);
    return undefined;
  }

  const space = cnnSpace(full ? {} : QUICK_SPACE);
  // On worker threads the objective is a module (objective.ts), configured through the environment.
  process.env.PLIANT_MNIST_EPOCHS = String(epochs);
  process.env.PLIANT_MNIST_SEED = String(seed);
  const objective = threads > 1 ? { module: new URL('./objective.ts', import.meta.url) } : mnistObjective({ epochs, seed, log });
  const result = await search(space, objective, {
    numTrials: trials,
    study,
    seed,
    metric: 'valAccuracy',
    algorithm: regularizedEvolution({ populationSize: full ? 10 : 4, tournamentSize: full ? 3 : 2, seed }),
    earlyStopping: asha({ minResource: 1, reductionFactor: 3, maxResource: epochs }),
    dedupe: { hash: 'functional', probe: modelProbe() },
    ...(threads > 1 ? { executor: threadExecutor({ size: threads }) } : {}),
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
    log(
      `best: trial ${best.number}: validation ${pct(value.valAccuracy)}, test ${pct(value.testAccuracy)} after ${value.epochs} epochs (${value.params} weights), DNA ${best.dna.toString()}`,
    );
    log(format(fromJSON(best.candidate) as TreeValue, { indent: 2 }));
    log(`as JSON: ${JSON.stringify(best.candidate)}`);
  }
  await releaseMnist();
  log(`tensors alive at the end: ${tf.memory().numTensors}`);
  // The study stays in .pliant/studies: its report (the choices that mattered, the best trials).
  log(`see the report: npx pliant report ${/^[\w@%+=:,./-]+$/.test(study) ? study : `'${study.replace(/'/g, `'\\''`)}'`}`);
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
  const threads = numberFlag('threads');
  const full = process.argv.includes('--full');
  const mode = flag('mode');
  if (process.argv.includes('--one-shot')) {
    // One-shot search on the same space (examples/one-shot), on a reduced budget that fits in about
    // 4 minutes (ranking costs about 0.3 s a candidate, retraining about 25 s an epoch on wasm):
    // 1,000 candidates and the top 5 retrained 3 epochs would take about 13.
    if (mode !== undefined && mode !== 'uniform' && mode !== 'reinforce' && mode !== 'darts')
      throw new Error(`--mode is uniform, reinforce or darts, found ${mode}`);
    oneShot({
      space: full ? {} : QUICK_SPACE,
      candidates: trials ?? (full ? 1000 : 200),
      top: full ? 5 : 3,
      retrainEpochs: epochs ?? (full ? 3 : 2),
      ...(mode === undefined ? {} : { mode }),
      ...(seed === undefined ? {} : { seed }),
      ...(study === undefined ? {} : { study }),
    }).catch((error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      process.exit(1);
    });
  } else {
    main({
      full: process.argv.includes('--full'),
      baseline: process.argv.includes('--baseline'),
      ...(trials === undefined ? {} : { trials }),
      ...(seed === undefined ? {} : { seed }),
      ...(epochs === undefined ? {} : { epochs }),
      ...(study === undefined ? {} : { study }),
      ...(threads === undefined ? {} : { threads }),
    }).catch((error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      process.exit(1);
    });
  }
}
