/**
 * A seeded synthetic learning-curve problem for early-stopping benchmarks: a small space of
 * training hyper-parameters, a final accuracy-like value f(config) in [0.1, 0.95] (maximise),
 * and a curve over steps 1..maxSteps that rises from chance level (0.1) towards f with a
 * config-dependent speed, plus small truncated-Gaussian noise. Good configs (sgd, wide,
 * regularized) learn slowly, so early stopping has a real trade-off: the ranking at step 1 is
 * not the final ranking. Everything is deterministic given (config, step, trial seed).
 *
 * ```
 * lr*     = sgd ? 0.05 : 0.002
 * lr_fit  = exp(-0.5 · (log10(lr / lr*) / 0.75)²)
 * f       = 0.1 + (0.85 + 0.03·log2(width/32) + (sgd ? 0.01 : 0) − 0.15·(dropout − 0.25)² − 0.1) · lr_fit
 * tau     = clamp(3 · (width/32)^0.4 · (1 + 3·dropout) · (sgd ? 2.5 : 1) · clamp(√(lr* ÷ lr), 0.25, 4), 0.5, 60)
 * g(s)    = (1 − e^(−s/tau)) / (1 − e^(−maxSteps/tau))          (g(maxSteps) = 1)
 * value   = clamp(0.1 + (f − 0.1)·g(step) + noise, 0, 1),   noise ~ N(0, σ²) truncated at ±3σ
 * ```
 * Best final value 0.95: sgd, lr 0.05, width 256, dropout 0.25. With `{ speed: 'uniform' }`,
 * tau = 6 for every config: the same final values, but curves of one shape, so early values
 * predict final ones (the easy case for early stopping).
 */
import { floatv, oneOf } from 'pliant';
import type { TreeValue } from 'pliant';

/** A materialized candidate of {@link learningCurveSpace}. */
export interface TrainingConfig {
  readonly optimizer: 'sgd' | 'adam';
  readonly lr: number;
  readonly width: number;
  readonly dropout: number;
}

/** Options of the curve functions. */
export interface CurveOptions {
  /** The last step (default 81, as in Hyperband's R = 81). */
  readonly maxSteps?: number;
  /** The noise standard deviation σ (default 0.005); noise is truncated at ±3σ. */
  readonly noise?: number;
  /**
   * How fast curves rise: `'config'` (the default) by {@link timeConstant}, so good configs start
   * slow and early values rank configs badly; `'uniform'`: every curve has the time constant
   * {@link LC_UNIFORM_TAU}, so curves share their shape and early values predict final ones
   * (up to the noise).
   */
  readonly speed?: 'config' | 'uniform';
}

export const LC_MAX_STEPS = 81;
export const LC_NOISE = 0.005;
export const LC_CHANCE = 0.1;
/** The best final value over the space (sgd, lr 0.05, width 256, dropout 0.25). */
export const LC_BEST_FINAL = 0.95;
/** The time constant of every curve with `speed: 'uniform'`, in steps. */
export const LC_UNIFORM_TAU = 6;

/** The search space (fresh hyper values on each call). */
export function learningCurveSpace(): TreeValue {
  return {
    optimizer: oneOf(['sgd', 'adam']),
    lr: floatv(1e-4, 1, { scale: 'log' }),
    width: oneOf([32, 64, 128, 256]),
    dropout: floatv(0, 0.5),
  };
}

function lrStar(c: TrainingConfig): number {
  return c.optimizer === 'sgd' ? 0.05 : 0.002;
}

/** The noise-free final value f(config) (maximise), in [0.1, 0.95]. */
export function finalValue(c: TrainingConfig): number {
  const lrFit = Math.exp(-0.5 * (Math.log10(c.lr / lrStar(c)) / 0.75) ** 2);
  const capacity = 0.85 + 0.03 * Math.log2(c.width / 32);
  const bonus = c.optimizer === 'sgd' ? 0.01 : 0;
  const reg = -0.15 * (c.dropout - 0.25) ** 2;
  return LC_CHANCE + (capacity + bonus + reg - LC_CHANCE) * lrFit;
}

/** The time constant of the config's curve, in steps (larger = slower). */
export function timeConstant(c: TrainingConfig): number {
  const lrSpeed = Math.min(4, Math.max(0.25, Math.sqrt(lrStar(c) / c.lr)));
  const tau = 3 * (c.width / 32) ** 0.4 * (1 + 3 * c.dropout) * (c.optimizer === 'sgd' ? 2.5 : 1) * lrSpeed;
  return Math.min(60, Math.max(0.5, tau));
}

/** The noise-free curve at `step` (1..maxSteps): chance level rising to exactly f at maxSteps. */
export function meanValueAt(c: TrainingConfig, step: number, maxSteps = LC_MAX_STEPS, speed: 'config' | 'uniform' = 'config'): number {
  const tau = speed === 'uniform' ? LC_UNIFORM_TAU : timeConstant(c);
  const g = (1 - Math.exp(-step / tau)) / (1 - Math.exp(-maxSteps / tau));
  return LC_CHANCE + (finalValue(c) - LC_CHANCE) * g;
}

// Deterministic noise: a 32-bit hash of (config, step, seed) feeds a small PRNG.

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function configKey(c: TrainingConfig): string {
  return `${c.optimizer}|${c.lr}|${c.width}|${c.dropout}`;
}

/** Standard normal noise for (config key, step, seed), truncated at ±3. */
function noiseAt(key: string, step: number, seed: number | string): number {
  const rng = mulberry32(fnv1a(`${key}#${step}#${seed}`));
  const u1 = Math.max(rng(), 1e-12);
  const u2 = rng();
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  return Math.max(-3, Math.min(3, z));
}

/**
 * The observed value (maximise) of the config at `step` (1..maxSteps) in the trial with seed
 * `seed`: the noise-free curve plus truncated Gaussian noise, clamped to [0, 1].
 */
export function valueAt(c: TrainingConfig, step: number, seed: number | string, options: CurveOptions = {}): number {
  const maxSteps = options.maxSteps ?? LC_MAX_STEPS;
  if (!Number.isInteger(step) || step < 1 || step > maxSteps) throw new RangeError(`step must be an integer in 1..${maxSteps}, found ${step}`);
  const sigma = options.noise ?? LC_NOISE;
  const v = meanValueAt(c, step, maxSteps, options.speed ?? 'config') + sigma * noiseAt(configKey(c), step, seed);
  return Math.min(1, Math.max(0, v));
}

/** The whole observed curve of a candidate: element i is the value at step i + 1. */
export function curve(c: TrainingConfig, seed: number | string, options: CurveOptions = {}): number[] {
  const maxSteps = options.maxSteps ?? LC_MAX_STEPS;
  return Array.from({ length: maxSteps }, (_, i) => valueAt(c, i + 1, seed, options));
}
