/**
 * Hardware-aware objectives, in the style of MnasNet and ProxylessNAS: a model's measured
 * inference latency and parameter count, the combined reward `accuracy × (latency / target)^w`,
 * and the accuracy/latency pair for a multi-objective search (NSGA-II).
 */
import { PliantError } from '../base/errors.js';
import { loadTf } from './load-tf.js';
import type * as Tfjs from '@tensorflow/tfjs';

/** Options of {@link measureLatency}. */
export interface LatencyOptions {
  /** Examples per inference (default 1: the latency of one request). */
  readonly batchSize?: number;
  /** Timed runs (default 20); the median is reported. */
  readonly runs?: number;
  /** Untimed runs first (default 3), so one-time costs (kernel compilation, allocation) are not counted. */
  readonly warmup?: number;
  /** The shape of one input example (default: the model's input shape). */
  readonly inputShape?: readonly number[];
}

/** A latency measurement, in milliseconds. */
export interface Latency {
  /** The median of the timed runs. */
  readonly median: number;
  /** The fastest run. */
  readonly min: number;
  /** The 90th percentile. */
  readonly p90: number;
  /** How many runs were timed. */
  readonly runs: number;
}

/**
 * Measures a model's inference latency on this machine and backend: `runs` timed forward passes
 * of one batch (reading the result back, so asynchronous backends are timed in full) after
 * `warmup` untimed ones. Disposes what it makes.
 */
export async function measureLatency(model: Tfjs.LayersModel, options: LatencyOptions = {}): Promise<Latency> {
  const { tf } = await loadTf();
  const batch = options.batchSize ?? 1;
  const runs = options.runs ?? 20;
  const warmup = options.warmup ?? 3;
  if (!Number.isInteger(runs) || runs < 1) throw new PliantError('measureLatency', 'argument', `runs must be a positive integer, found ${String(runs)}`);
  const inputs = model.inputs.map((symbolic, i) => {
    const shape = i === 0 && options.inputShape !== undefined ? [...options.inputShape] : symbolic.shape.slice(1);
    if (shape.some((d) => d === null)) throw new PliantError('measureLatency', 'argument', `input ${i} has a free dimension: give an inputShape`);
    return tf.randomNormal([batch, ...(shape as number[])], 0, 1, 'float32', i + 1);
  });
  const feed = inputs.length === 1 ? (inputs[0] as Tfjs.Tensor) : inputs;
  const once = async (): Promise<number> => {
    const t0 = performance.now();
    const out = model.predict(feed);
    const outs = Array.isArray(out) ? out : [out];
    for (const t of outs) await t.data();
    const ms = performance.now() - t0;
    tf.dispose(outs);
    return ms;
  };
  try {
    for (let i = 0; i < warmup; i++) await once();
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push(await once());
    times.sort((a, b) => a - b);
    const at = (q: number): number => times[Math.min(times.length - 1, Math.floor(q * times.length))] as number;
    return { median: at(0.5), min: times[0] as number, p90: at(0.9), runs };
  } finally {
    tf.dispose(inputs);
  }
}

/** The number of weights of a model (trainable and not). */
export function countParams(model: Tfjs.LayersModel): number {
  return model.countParams();
}

/** Options of {@link latencyReward}. */
export interface LatencyRewardOptions {
  /** The target latency, in the unit of the latency given (milliseconds by convention). */
  readonly target: number;
  /**
   * The exponent `w` (default −0.07, MnasNet's soft constraint), or one exponent below or at the
   * target and one above it: `{ below: 0, above: -1 }` is the hard constraint.
   */
  readonly w?: number | { readonly below: number; readonly above: number };
}

/**
 * The combined reward of MnasNet: `accuracy × (latency / target)^w`. With `w < 0`, a model
 * faster than the target gains a little and a slower one loses; `{ below: 0, above: -1 }` leaves
 * models within the target alone and penalises the others sharply.
 */
export function latencyReward(accuracy: number, latency: number, options: LatencyRewardOptions): number {
  const api = 'latencyReward';
  if (!(options.target > 0)) throw new PliantError(api, 'argument', `target must be positive, found ${String(options.target)}`);
  if (!(latency > 0) || !Number.isFinite(latency)) throw new PliantError(api, 'argument', `latency must be a positive number, found ${String(latency)}`);
  if (!Number.isFinite(accuracy)) throw new PliantError(api, 'argument', `accuracy must be a finite number, found ${String(accuracy)}`);
  const w = options.w ?? -0.07;
  const exponent = typeof w === 'number' ? w : latency <= options.target ? w.below : w.above;
  return accuracy * (latency / options.target) ** exponent;
}

/** What {@link hardwareMetrics} returns: a measurement for `search`. */
export interface HardwareMetrics {
  readonly [metric: string]: number;
  /** The accuracy given. */
  readonly accuracy: number;
  /** The median latency, in milliseconds. */
  readonly latency: number;
  /** The parameter count. */
  readonly params: number;
}

/**
 * The metrics of a multi-objective accuracy/latency search: return them from the objective and
 * search with `{ algorithm: nsga2(...), metric: ['accuracy', 'latency'], direction: ['maximize',
 * 'minimize'] }` (parameters are recorded too, and can be a third objective or a constraint).
 */
export async function hardwareMetrics(model: Tfjs.LayersModel, accuracy: number, options: LatencyOptions = {}): Promise<HardwareMetrics> {
  const latency = await measureLatency(model, options);
  return { accuracy, latency: latency.median, params: countParams(model) };
}
