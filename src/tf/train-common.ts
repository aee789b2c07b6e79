/**
 * What `train` (a Keras-style model) and `trainSupernet` (shared weights) have in common: turning
 * data into tensors, holding out validation data, the seeded per-epoch shuffle, and reporting an
 * epoch to a trial (where early stopping prunes).
 */
import { PliantError } from '../base/errors.js';
import { Pruned } from '../base/pruned.js';
import { seededRng } from '../base/rng.js';
import type { TrialFeedback } from '../executors/executor.js';
import type { TfModule } from './load-tf.js';
import type { EpochMetrics, TensorLike, TrainData } from './train.js';
import type * as Tfjs from '@tensorflow/tfjs';

/** @internal A tensor of `value` (a tensor as is, rows made into a new tensor pushed to `made`). */
export function toTensor(tf: TfModule, value: TensorLike, made: Tfjs.Tensor[], what: string, api: string): Tfjs.Tensor {
  if (value instanceof tf.Tensor) return value;
  if (!Array.isArray(value) || value.length === 0) throw new PliantError(api, 'argument', `${what} must be a tensor or a non-empty array of rows`);
  const t = Array.isArray(value[0]) ? tf.tensor2d(value as number[][]) : tf.tensor1d(value as number[]);
  made.push(t);
  return t;
}

/** @internal Training tensors and, when there is validation data, its tensors. */
export interface SplitData {
  readonly x: Tfjs.Tensor;
  readonly y: Tfjs.Tensor;
  readonly valX?: Tfjs.Tensor;
  readonly valY?: Tfjs.Tensor;
}

/**
 * @internal The data as tensors, with the validation data: given, or the last `validation`
 * fraction of `data` held out. Tensors made here are pushed to `made` (the caller disposes them).
 */
export function splitData(tf: TfModule, data: TrainData, validation: TrainData | number | undefined, made: Tfjs.Tensor[], api: string): SplitData {
  const x = toTensor(tf, data.x, made, 'data.x', api);
  const y = toTensor(tf, data.y, made, 'data.y', api);
  if (x.shape[0] !== y.shape[0]) throw new PliantError(api, 'argument', `data.x has ${x.shape[0]} examples but data.y has ${y.shape[0]}`);
  if (typeof validation === 'number') {
    if (!(validation > 0 && validation < 1)) throw new PliantError(api, 'argument', `validation as a fraction must be in (0, 1), found ${validation}`);
    const n = x.shape[0] as number;
    const held = Math.max(1, Math.round(n * validation));
    const [xt, xv] = tf.split(x, [n - held, held]) as [Tfjs.Tensor, Tfjs.Tensor];
    const [yt, yv] = tf.split(y, [n - held, held]) as [Tfjs.Tensor, Tfjs.Tensor];
    made.push(xt, xv, yt, yv);
    return { x: xt, y: yt, valX: xv, valY: yv };
  }
  if (validation !== undefined) {
    const valX = toTensor(tf, validation.x, made, 'validation.x', api);
    const valY = toTensor(tf, validation.y, made, 'validation.y', api);
    return { x, y, valX, valY };
  }
  return { x, y };
}

/** @internal The seeded order of `n` examples in an epoch (Fisher–Yates on `seededRng(`${seed}:${stream}:${epoch}`)`). */
export function epochOrder(n: number, seed: number, epoch: number, stream = 'shuffle'): number[] {
  const order = Array.from({ length: n }, (_v, i) => i);
  const rng = seededRng(`${seed}:${stream}:${epoch}`);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}

/**
 * @internal Reports an epoch's metric `reportName` to `trial` (`trial.report(value, { step: epoch,
 * metrics })`) and throws `Pruned` when the search's early-stopping policy says stop.
 */
export async function reportEpoch(api: string, trial: TrialFeedback, record: EpochMetrics, reportName: string): Promise<void> {
  const epoch = record.epoch;
  const value = record[reportName];
  if (value === undefined || !Number.isFinite(value))
    throw new PliantError(
      api,
      'argument',
      `the reported metric '${reportName}' is ${value === undefined ? 'missing' : String(value)} at epoch ${epoch} (metrics: ${Object.keys(record).join(', ')})`,
    );
  await trial.report(value, { step: epoch, metrics: record });
  if (trial.shouldStop()) throw new Pruned(`pruned by early stopping after epoch ${epoch}`);
}
