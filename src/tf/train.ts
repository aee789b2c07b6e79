import { seededRng } from '../base/rng.js';
import { PliantError } from '../base/errors.js';
import { epochOrder, reportEpoch, splitData } from './train-common.js';
import type { TrialFeedback } from '../executors/executor.js';
import { loadTf } from './load-tf.js';
import type * as Tfjs from '@tensorflow/tfjs';

/** Inputs or targets: a tensor, or rows of numbers. */
export type TensorLike = Tfjs.Tensor | readonly (readonly number[])[] | readonly number[];

/** A dataset: inputs `x` and targets `y` (one row per example). */
export interface TrainData {
  readonly x: TensorLike;
  readonly y: TensorLike;
}

/** One epoch's metrics (`valLoss`, `valAccuracy` with validation data). */
export interface EpochMetrics {
  /** The epoch, from 1. */
  readonly epoch: number;
  /** The mean training loss of the epoch. */
  readonly loss: number;
  /** Any further metric: `accuracy`, `valLoss`, `valAccuracy`, ... */
  readonly [metric: string]: number;
}

/** Options of {@link train}. */
export interface TrainOptions {
  /** How many epochs (at most: `onEpoch` or a trial's early stopping may stop sooner). */
  readonly epochs: number;
  /** Examples per gradient step (default 32). */
  readonly batchSize?: number;
  /**
   * Validation data, or the fraction of `data` held out for it (the last examples), evaluated
   * after every epoch as `valLoss` / `valAccuracy`.
   */
  readonly validation?: TrainData | number;
  /** The optimizer, when the model is not compiled yet: a built optimizer or a tfjs name (default `adam`). */
  readonly optimizer?: Tfjs.Optimizer | string;
  /** The loss, when the model is not compiled yet (default `categoricalCrossentropy`). */
  readonly loss?: string;
  /** The metrics, when the model is not compiled yet (default `['accuracy']`). */
  readonly metrics?: readonly string[];
  /** The seed of the shuffling and of dropout (default 0): the same seed gives the same metrics on the same backend. */
  readonly seed?: number;
  /** Shuffle the examples every epoch (default true). */
  readonly shuffle?: boolean;
  /** Called after each epoch; return `false` to stop training. */
  readonly onEpoch?: (metrics: EpochMetrics) => void | boolean | Promise<void | boolean>;
  /**
   * A trial to report each epoch to (`trial.report(metrics[report], { step: epoch })`); when the
   * search's early-stopping policy says stop, `train` throws `Pruned` (a `search` objective lets it
   * propagate, and the trial ends pruned).
   */
  readonly trial?: TrialFeedback;
  /** The metric reported to `trial` (default `valAccuracy` with validation data, else `accuracy`). */
  readonly report?: string;
}

/** What {@link train} returns. */
export interface TrainResult {
  /** Every epoch's metrics, in order. */
  readonly history: readonly EpochMetrics[];
  /** The last epoch's metrics. */
  readonly last: EpochMetrics;
  /** Whether training ran all its epochs or was stopped by `onEpoch`. */
  readonly stopped: 'completed' | 'onEpoch';
  /** Wall time, in seconds. */
  readonly seconds: number;
}

const NAMES: Readonly<Record<string, string>> = { acc: 'accuracy', val_acc: 'valAccuracy', val_loss: 'valLoss', val_accuracy: 'valAccuracy' };

function metricName(name: string): string {
  return NAMES[name] ?? name.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
}

/**
 * Trains `model` on `data` for `epochs` epochs (compiling it first when it is not compiled),
 * evaluating the validation data after each epoch and reporting the epoch's metrics to `onEpoch`
 * and `trial`. Shuffling and dropout are seeded (`seed`), so the same model built and trained
 * twice with the same seeds gives the same metrics on the same backend. Every tensor `train` makes
 * is disposed; the model (and its optimizer) stay the caller's: see {@link disposeModel}.
 *
 * ```ts
 * const model = await buildModel(candidate.model, { seed: 1 });
 * try {
 *   const { last } = await train(model, trainData, { epochs: 5, batchSize: 64, validation: testData,
 *     optimizer: build(candidate.optimizer), trial });
 *   return last.valAccuracy;
 * } finally { disposeModel(model); }
 * ```
 */
export async function train(model: Tfjs.LayersModel, data: TrainData, options: TrainOptions): Promise<TrainResult> {
  const api = 'train';
  const { tf } = await loadTf();
  const epochs = options.epochs;
  if (!Number.isInteger(epochs) || epochs < 1) throw new PliantError(api, 'argument', `epochs must be a positive integer, found ${String(epochs)}`);
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new PliantError(api, 'argument', `batchSize must be a positive integer, found ${String(batchSize)}`);
  const seed = options.seed ?? 0;
  const start = performance.now();
  const made: Tfjs.Tensor[] = [];
  const random = Math.random;
  try {
    const { x, y, valX, valY } = splitData(tf, data, options.validation, made, api);
    if ((model as { optimizer?: unknown }).optimizer === undefined) {
      model.compile({
        optimizer: options.optimizer ?? 'adam',
        loss: options.loss ?? 'categoricalCrossentropy',
        metrics: [...(options.metrics ?? ['accuracy'])],
      });
    }
    const reportName = options.report ?? (valX !== undefined ? 'valAccuracy' : 'accuracy');
    const n = x.shape[0] as number;
    const history: EpochMetrics[] = [];
    let stopped: TrainResult['stopped'] = 'completed';
    for (let epoch = 1; epoch <= epochs; epoch++) {
      // Dropout draws from Math.random when a layer has no seed: make it the epoch's seeded stream.
      Math.random = seededRng(`${seed}:dropout:${epoch}`);
      let xs = x;
      let ys = y;
      let indices: Tfjs.Tensor | undefined;
      if (options.shuffle !== false) {
        const order = epochOrder(n, seed, epoch);
        indices = tf.tensor1d(order, 'int32');
        xs = tf.gather(x, indices);
        ys = tf.gather(y, indices);
      }
      let fitted: Tfjs.History;
      try {
        fitted = await model.fit(xs, ys, { epochs: 1, batchSize, shuffle: false, verbose: 0 });
      } finally {
        if (indices !== undefined) tf.dispose([indices, xs, ys]);
        Math.random = random;
      }
      const metrics: Record<string, number> = { epoch };
      for (const [k, v] of Object.entries(fitted.history)) metrics[metricName(k)] = Number(v[v.length - 1]);
      if (valX !== undefined && valY !== undefined) {
        const evaluated = model.evaluate(valX, valY, { batchSize: Math.max(batchSize, 256) });
        const list = Array.isArray(evaluated) ? evaluated : [evaluated];
        const names = model.metricsNames;
        list.forEach((t, i) => {
          metrics[metricName(`val_${names[i] ?? i}`)] = (t.dataSync() as Float32Array)[0] as number;
        });
        tf.dispose(list);
      }
      const record = Object.freeze(metrics) as EpochMetrics;
      history.push(record);
      let go = true;
      if (options.onEpoch !== undefined) go = (await options.onEpoch(record)) !== false;
      if (options.trial !== undefined) await reportEpoch(api, options.trial, record, reportName);
      if (!go) {
        stopped = 'onEpoch';
        break;
      }
    }
    return { history, last: history[history.length - 1] as EpochMetrics, stopped, seconds: (performance.now() - start) / 1000 };
  } finally {
    Math.random = random;
    tf.dispose(made);
  }
}

/** Disposes a model's weights and its optimizer's state (after `train`, so no tensors leak across trials). */
export function disposeModel(model: Tfjs.LayersModel): void {
  const optimizer = (model as { optimizer?: Tfjs.Optimizer }).optimizer;
  model.dispose();
  optimizer?.dispose();
}
