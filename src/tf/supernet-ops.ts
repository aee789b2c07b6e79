/**
 * @internal The layer types a supernet runs: for each, the output shape of an input shape, the
 * shared weight slot it needs (sized to the largest width, kernel and input it ever sees), and
 * its forward pass in TensorFlow.js ops on slices of that slot. Channels are always last; a
 * flattened tensor remembers the spatial shape it came from, so a dense layer after a flatten
 * slices its kernel rows as (h, w, c).
 */
import { PliantError } from '../base/errors.js';
import type { TfModule } from './load-tf.js';
import type * as Tfjs from '@tensorflow/tfjs';

const API = 'supernet';

/** The shape of one example: spatial dims and channels, or a flat vector of `prod(spatial) × c` features. */
export interface Shape {
  readonly spatial: readonly number[];
  readonly c: number;
  /** The tensor is `[batch, prod(spatial) * c]` (a flatten of `[batch, ...spatial, c]`). */
  readonly flat: boolean;
}

/** A tensor flowing in the supernet, with its layout. */
export interface Flow {
  readonly t: Tfjs.Tensor;
  /** The spatial shape a flattened tensor came from (`undefined`: not flattened). */
  readonly flatFrom: readonly number[] | undefined;
}

/** The key of a shape's layout (channels left out). */
export function layoutKey(s: Shape): string {
  return `${s.flat ? 'f' : 's'}${s.spatial.join('x')}`;
}

/** The shape of a flow. */
export function shapeOf(flow: Flow): Shape {
  const shape = flow.t.shape;
  if (flow.flatFrom !== undefined) return { spatial: flow.flatFrom, c: (shape[1] as number) / prod(flow.flatFrom), flat: true };
  return { spatial: shape.slice(1, -1) as number[], c: shape[shape.length - 1] as number, flat: false };
}

function prod(xs: readonly number[]): number {
  return xs.reduce((a, b) => a * b, 1);
}

/** The kinds of shared weight slots. */
export type SlotKind = 'dense' | 'conv' | 'bn' | 'reluConvBn';

/** What one use of a slot needs: the slot is sized to the elementwise maximum of its uses. */
export interface SlotNeed {
  readonly kind: SlotKind;
  /** Appended to the layer's key: the spatial shape of a flattened input (`@7x7`), else `''`. */
  readonly suffix: string;
  /** Rows per input channel: `h·w` after a flatten, else 1. */
  readonly rowsPer: number;
  /** dense `[cin, units]`; conv and reluConvBn `[kh, kw, cin, cout]`; bn `[c]`. */
  readonly dims: readonly number[];
  /** Whether it has a bias (dense, conv), or a beta / gamma (bn: `[center, scale]`). */
  readonly bias: boolean;
  readonly center: boolean;
  readonly scale: boolean;
  /** Initialiser names by weight (`kernel`, `bias`, `gamma`, `beta`). */
  readonly init: Readonly<Record<string, string>>;
}

/** A slot's variables (the largest shapes), made once. */
export interface Slot {
  readonly kind: SlotKind;
  readonly key: string;
  readonly rowsPer: number;
  readonly dims: readonly number[];
  readonly kernel?: Tfjs.Variable;
  readonly bias?: Tfjs.Variable;
  readonly gamma?: Tfjs.Variable;
  readonly beta?: Tfjs.Variable;
  readonly movingMean?: Tfjs.Variable;
  readonly movingVariance?: Tfjs.Variable;
}

/** How batch normalization runs. */
export interface BnContext {
  /** `train`: batch statistics, running statistics updated; `infer`: running (or calibrated) statistics; `calibrate`: batch statistics, recorded. */
  readonly mode: 'train' | 'infer' | 'calibrate';
  /** Statistics recalibrated for one sub-network, by slot key (already sliced to its channels). */
  readonly calibrated?: ReadonlyMap<string, { readonly mean: Tfjs.Tensor; readonly variance: Tfjs.Tensor }>;
  /** Receives the batch statistics in `calibrate` mode. */
  readonly record?: (key: string, mean: Tfjs.Tensor, variance: Tfjs.Tensor) => void;
}

/** What a forward pass needs besides its inputs. */
export interface Env {
  readonly tf: TfModule;
  /** Dropout on. */
  readonly training: boolean;
  readonly bn: BnContext;
  /** A seed for the next dropout mask. */
  dropoutSeed(): number;
}

type Args = Readonly<Record<string, unknown>>;

/** One supported layer type. */
export interface OpDef {
  /** The slot kind of a layer with weights. */
  readonly slot?: SlotKind;
  /** Whether it merges several inputs. */
  readonly merge?: boolean;
  shape(a: Args, ins: readonly Shape[], path: string): Shape;
  need?(a: Args, ins: readonly Shape[], path: string): SlotNeed;
  forward(env: Env, a: Args, ins: readonly Flow[], slot: Slot | undefined): Flow;
}

// ---------------------------------------------------------------------------------------------
// Argument helpers.

function fail(path: string, message: string): never {
  throw new PliantError(API, 'argument', message, { path });
}

function pair(v: unknown, fallback: number, what: string, path: string): [number, number] {
  if (v === undefined || v === null) return [fallback, fallback];
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number')) return [v[0] as number, v[1] as number];
  return fail(path, `${what} must be a number or two numbers, found ${JSON.stringify(v)}`);
}

function channelsLast(a: Args, path: string): void {
  if (a.dataFormat !== undefined && a.dataFormat !== 'channelsLast')
    fail(`${path}.dataFormat`, `only channelsLast is supported, found ${String(a.dataFormat)}`);
}

function image(ins: readonly Shape[], type: string, path: string): Shape {
  const s = ins[0] as Shape;
  if (s.flat || s.spatial.length !== 2) fail(path, `${type} needs an image input [height, width, channels], found ${describe(s)}`);
  return s;
}

function describe(s: Shape): string {
  return s.flat ? `a flattened [${s.spatial.join(', ')}, ${s.c}]` : `[${[...s.spatial, s.c].join(', ')}]`;
}

function convOut(n: number, k: number, s: number, d: number, padding: string): number {
  return padding === 'same' ? Math.ceil(n / s) : Math.floor((n - d * (k - 1) - 1) / s) + 1;
}

function padding(a: Args, path: string): 'valid' | 'same' {
  const p = a.padding ?? 'valid';
  if (p !== 'valid' && p !== 'same') fail(`${path}.padding`, `padding must be 'valid' or 'same', found ${JSON.stringify(p)}`);
  return p as 'valid' | 'same';
}

function checkOut(spatial: readonly number[], type: string, path: string): readonly number[] {
  if (spatial.some((n) => !(n >= 1))) fail(path, `${type} makes an empty output (${spatial.join(' × ')})`);
  return spatial;
}

// ---------------------------------------------------------------------------------------------
// Slicing shared weights.

/** The first `c` channels of each of `rowsPer` groups of a `[rowsPer · C, ...rest]` tensor's first axis. */
export function sliceRows(tf: TfModule, v: Tfjs.Tensor, rowsPer: number, C: number, c: number, rest: readonly number[] = []): Tfjs.Tensor {
  const tail = v.shape.slice(1);
  const cut = tail.map((n, i) => Math.min(n, rest[i] ?? n));
  if (c === C && cut.every((n, i) => n === tail[i])) return v;
  if (rowsPer === 1) return tf.slice(v, [0, ...cut.map(() => 0)], [c, ...cut]);
  const grouped = tf.reshape(v, [rowsPer, C, ...tail]);
  return tf.reshape(tf.slice(grouped, [0, 0, ...cut.map(() => 0)], [rowsPer, c, ...cut]), [rowsPer * c, ...cut]);
}

/** `old` with the first `c` channels of each group replaced by `fresh` (`[rowsPer · c]`). */
export function writeRows(tf: TfModule, old: Tfjs.Tensor, fresh: Tfjs.Tensor, rowsPer: number, C: number, c: number): Tfjs.Tensor {
  if (c === C) return fresh;
  if (rowsPer === 1) return tf.concat([fresh, tf.slice(old, [c], [C - c])]);
  const grouped = tf.reshape(old, [rowsPer, C]);
  return tf.reshape(tf.concat([tf.reshape(fresh, [rowsPer, c]), tf.slice(grouped, [0, c], [rowsPer, C - c])], 1), [rowsPer * C]);
}

/** The centre `kh × kw` of a `[KH, KW, CIN, COUT]` kernel, first `cin` inputs and `cout` outputs. */
export function centreKernel(tf: TfModule, k: Tfjs.Tensor, kh: number, kw: number, cin: number, cout: number): Tfjs.Tensor {
  const [KH, KW, CIN, COUT] = k.shape as [number, number, number, number];
  if (kh === KH && kw === KW && cin === CIN && cout === COUT) return k;
  return tf.slice(k, [(KH - kh) >> 1, (KW - kw) >> 1, 0, 0], [kh, kw, cin, cout]);
}

/** Pads the channels of a flow with zeros up to `c`. */
export function padChannels(tf: TfModule, flow: Flow, c: number): Flow {
  const s = shapeOf(flow);
  if (s.c === c) return flow;
  if (s.c > c) throw new PliantError(API, 'argument', `cannot pad ${s.c} channels down to ${c}`);
  if (flow.flatFrom === undefined) {
    const pads = flow.t.shape.map((_n, i) => (i === flow.t.shape.length - 1 ? [0, c - s.c] : [0, 0])) as [number, number][];
    return { t: tf.pad(flow.t, pads), flatFrom: undefined };
  }
  const b = flow.t.shape[0] as number;
  const P = prod(flow.flatFrom);
  const padded = tf.pad(tf.reshape(flow.t, [b, P, s.c]), [
    [0, 0],
    [0, 0],
    [0, c - s.c],
  ]);
  return { t: tf.reshape(padded, [b, P * c]), flatFrom: flow.flatFrom };
}

// ---------------------------------------------------------------------------------------------
// Activations: TensorFlow.js's own (its activation layers), so a sub-network matches `build`.

const ACTIVATION_LAYERS = new WeakMap<object, Map<string, Tfjs.layers.Layer>>();

function activate(tf: TfModule, name: unknown, x: Tfjs.Tensor): Tfjs.Tensor {
  switch (name) {
    case undefined:
    case null:
    case 'linear':
      return x;
    case 'relu':
      return tf.relu(x);
    case 'tanh':
      return tf.tanh(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'softmax':
      return tf.softmax(x, -1);
    default: {
      let cache = ACTIVATION_LAYERS.get(tf);
      if (cache === undefined) ACTIVATION_LAYERS.set(tf, (cache = new Map()));
      let layer = cache.get(name as string);
      if (layer === undefined) {
        layer = tf.layers.activation({ activation: name as 'relu' });
        cache.set(name as string, layer);
      }
      return layer.apply(x) as Tfjs.Tensor;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Batch normalization on the last axis, with a slot's slices.

function batchNorm(env: Env, x: Tfjs.Tensor, slot: Slot, c: number, momentum: number, epsilon: number): Tfjs.Tensor {
  const tf = env.tf;
  const P = slot.rowsPer;
  const C = slot.dims[slot.kind === 'bn' ? 0 : 3] as number;
  const gamma = slot.gamma === undefined ? undefined : sliceRows(tf, slot.gamma, P, C, c);
  const beta = slot.beta === undefined ? undefined : sliceRows(tf, slot.beta, P, C, c);
  const axes = x.shape.slice(0, -1).map((_n, i) => i);
  let mean: Tfjs.Tensor;
  let variance: Tfjs.Tensor;
  if (env.bn.mode === 'infer') {
    const calibrated = env.bn.calibrated?.get(slot.key);
    mean = calibrated?.mean ?? sliceRows(tf, slot.movingMean as Tfjs.Variable, P, C, c);
    variance = calibrated?.variance ?? sliceRows(tf, slot.movingVariance as Tfjs.Variable, P, C, c);
  } else {
    const moments = tf.moments(x, axes);
    mean = moments.mean;
    variance = moments.variance;
    if (env.bn.mode === 'calibrate') env.bn.record?.(slot.key, mean, variance);
    else {
      const decay = 1 - momentum;
      for (const [v, batch] of [
        [slot.movingMean as Tfjs.Variable, mean],
        [slot.movingVariance as Tfjs.Variable, variance],
      ] as const) {
        const updated = tf.tidy(() => {
          const old = sliceRows(tf, v, P, C, c);
          return writeRows(tf, v, tf.sub(old, tf.mul(tf.sub(old, batch), decay)), P, C, c);
        });
        v.assign(updated);
        updated.dispose();
      }
    }
  }
  return tf.batchNorm(x, mean, variance, beta, gamma, epsilon);
}

function bnArgs(a: Args, path: string, momentumDefault: number, epsilonDefault: number): { momentum: number; epsilon: number } {
  if (a.axis !== undefined && a.axis !== -1) fail(`${path}.axis`, `only axis -1 (channels last) is supported, found ${String(a.axis)}`);
  return { momentum: (a.momentum as number | undefined) ?? momentumDefault, epsilon: (a.epsilon as number | undefined) ?? epsilonDefault };
}

// ---------------------------------------------------------------------------------------------
// The ops.

const passThrough = (a: Args, ins: readonly Shape[]): Shape => ins[0] as Shape;

function pool(kind: 'max' | 'avg'): OpDef {
  const settings = (a: Args, path: string) => {
    channelsLast(a, path);
    const size = pair(a.poolSize, 2, 'poolSize', `${path}.poolSize`);
    const strides = a.strides === undefined || a.strides === null ? size : pair(a.strides, 1, 'strides', `${path}.strides`);
    return { size, strides, padding: padding(a, path) };
  };
  return {
    shape(a, ins, path) {
      const s = image(ins, `${kind}Pooling2d`, path);
      const { size, strides, padding: p } = settings(a, path);
      return {
        spatial: checkOut(
          [0, 1].map((i) => convOut(s.spatial[i] as number, size[i] as number, strides[i] as number, 1, p)),
          `${kind}Pooling2d`,
          path,
        ),
        c: s.c,
        flat: false,
      };
    },
    forward(env, a, ins) {
      const { size, strides, padding: p } = settings(a, '');
      const x = (ins[0] as Flow).t as Tfjs.Tensor4D;
      return { t: kind === 'max' ? env.tf.maxPool(x, size, strides, p) : env.tf.avgPool(x, size, strides, p), flatFrom: undefined };
    },
  };
}

function convSettings(a: Args, path: string) {
  channelsLast(a, path);
  return {
    kernel: pair(a.kernelSize, 1, 'kernelSize', `${path}.kernelSize`),
    strides: pair(a.strides, 1, 'strides', `${path}.strides`),
    dilation: pair(a.dilationRate, 1, 'dilationRate', `${path}.dilationRate`),
    padding: padding(a, path),
  };
}

const conv2d: OpDef = {
  slot: 'conv',
  shape(a, ins, path) {
    const s = image(ins, 'conv2d', path);
    const { kernel, strides, dilation, padding: p } = convSettings(a, path);
    const spatial = [0, 1].map((i) => convOut(s.spatial[i] as number, kernel[i] as number, strides[i] as number, dilation[i] as number, p));
    return { spatial: checkOut(spatial, 'conv2d', path), c: a.filters as number, flat: false };
  },
  need(a, ins, path) {
    const s = image(ins, 'conv2d', path);
    const { kernel } = convSettings(a, path);
    return {
      kind: 'conv',
      suffix: '',
      rowsPer: 1,
      dims: [kernel[0], kernel[1], s.c, a.filters as number],
      bias: a.useBias !== false,
      center: false,
      scale: false,
      init: { kernel: (a.kernelInitializer as string | undefined) ?? 'glorotNormal', bias: (a.biasInitializer as string | undefined) ?? 'zeros' },
    };
  },
  forward(env, a, ins, slot) {
    const tf = env.tf;
    const { kernel, strides, dilation, padding: p } = convSettings(a, '');
    const x = (ins[0] as Flow).t as Tfjs.Tensor4D;
    const cin = x.shape[3];
    const filters = a.filters as number;
    const s = slot as Slot;
    const k = centreKernel(tf, s.kernel as Tfjs.Variable, kernel[0], kernel[1], cin, filters) as Tfjs.Tensor4D;
    let y: Tfjs.Tensor = tf.conv2d(x, k, strides, p, 'NHWC', dilation);
    if (a.useBias !== false && s.bias !== undefined) y = tf.add(y, sliceRows(tf, s.bias, 1, s.dims[3] as number, filters));
    return { t: activate(tf, a.activation, y), flatFrom: undefined };
  },
};

const dense: OpDef = {
  slot: 'dense',
  shape(a, ins) {
    const s = ins[0] as Shape;
    return { spatial: s.flat ? [] : s.spatial, c: a.units as number, flat: false };
  },
  need(a, ins) {
    const s = ins[0] as Shape;
    const flat = s.flat && s.spatial.length > 0;
    return {
      kind: 'dense',
      suffix: flat ? `@${s.spatial.join('x')}` : '',
      rowsPer: flat ? prod(s.spatial) : 1,
      dims: [s.c, a.units as number],
      bias: a.useBias !== false,
      center: false,
      scale: false,
      init: { kernel: (a.kernelInitializer as string | undefined) ?? 'glorotNormal', bias: (a.biasInitializer as string | undefined) ?? 'zeros' },
    };
  },
  forward(env, a, ins, slot) {
    const tf = env.tf;
    const flow = ins[0] as Flow;
    const s = slot as Slot;
    const units = a.units as number;
    const c = shapeOf(flow).c;
    const kernel = sliceRows(tf, s.kernel as Tfjs.Variable, s.rowsPer, s.dims[0] as number, c, [units]) as Tfjs.Tensor2D;
    const x = flow.t;
    let y: Tfjs.Tensor;
    if (x.rank === 2) y = tf.matMul(x as Tfjs.Tensor2D, kernel);
    else y = tf.reshape(tf.matMul(tf.reshape(x, [-1, c]), kernel), [...x.shape.slice(0, -1), units]);
    if (a.useBias !== false && s.bias !== undefined) y = tf.add(y, sliceRows(tf, s.bias, 1, s.dims[1] as number, units));
    return { t: activate(tf, a.activation, y), flatFrom: undefined };
  },
};

const batchNormalization: OpDef = {
  slot: 'bn',
  shape: passThrough,
  need(a, ins, path) {
    bnArgs(a, path, 0.99, 1e-3);
    const s = ins[0] as Shape;
    const flat = s.flat && s.spatial.length > 0;
    return {
      kind: 'bn',
      suffix: flat ? `@${s.spatial.join('x')}` : '',
      rowsPer: flat ? prod(s.spatial) : 1,
      dims: [s.c],
      bias: false,
      center: a.center !== false,
      scale: a.scale !== false,
      init: {
        gamma: (a.gammaInitializer as string | undefined) ?? 'ones',
        beta: (a.betaInitializer as string | undefined) ?? 'zeros',
        movingMean: (a.movingMeanInitializer as string | undefined) ?? 'zeros',
        movingVariance: (a.movingVarianceInitializer as string | undefined) ?? 'ones',
      },
    };
  },
  forward(env, a, ins, slot) {
    const { momentum, epsilon } = bnArgs(a, '', 0.99, 1e-3);
    const flow = ins[0] as Flow;
    return { t: batchNorm(env, flow.t, slot as Slot, shapeOf(flow).c, momentum, epsilon), flatFrom: flow.flatFrom };
  },
};

/** NAS-Bench-201's ReLU → conv (same padding, no bias) → BN (`tf.layers.reluConvBn` of spaces/nasbench201-cell). */
const reluConvBn: OpDef = {
  slot: 'reluConvBn',
  shape(a, ins, path) {
    const s = image(ins, 'reluConvBn', path);
    const k = a.kernelSize as number;
    const st = (a.strides as number | undefined) ?? 1;
    return { spatial: s.spatial.map((n) => convOut(n, k, st, 1, 'same')), c: a.filters as number, flat: false };
  },
  need(a, ins, path) {
    const s = image(ins, 'reluConvBn', path);
    const k = a.kernelSize as number;
    return {
      kind: 'reluConvBn',
      suffix: '',
      rowsPer: 1,
      dims: [k, k, s.c, a.filters as number],
      bias: false,
      center: true,
      scale: true,
      init: { kernel: (a.kernelInitializer as string | undefined) ?? 'heNormal', gamma: 'ones', beta: 'zeros', movingMean: 'zeros', movingVariance: 'ones' },
    };
  },
  forward(env, a, ins, slot) {
    const tf = env.tf;
    const x = (ins[0] as Flow).t as Tfjs.Tensor4D;
    const k = a.kernelSize as number;
    const filters = a.filters as number;
    const s = slot as Slot;
    const kernel = centreKernel(tf, s.kernel as Tfjs.Variable, k, k, x.shape[3], filters) as Tfjs.Tensor4D;
    const st = (a.strides as number | undefined) ?? 1;
    const y = tf.conv2d(tf.relu(x), kernel, st, 'same');
    return { t: batchNorm(env, y, s, filters, (a.momentum as number | undefined) ?? 0.9, (a.epsilon as number | undefined) ?? 1e-5), flatFrom: undefined };
  },
};

const flatten: OpDef = {
  shape(a, ins, path) {
    channelsLast(a, path);
    const s = ins[0] as Shape;
    return s.flat || s.spatial.length === 0 ? s : { spatial: s.spatial, c: s.c, flat: true };
  },
  forward(env, _a, ins) {
    const flow = ins[0] as Flow;
    if (flow.flatFrom !== undefined || flow.t.rank === 2) return flow;
    const shape = flow.t.shape;
    return { t: env.tf.reshape(flow.t, [shape[0] as number, -1]), flatFrom: shape.slice(1, -1) as number[] };
  },
};

const globalAveragePooling2d: OpDef = {
  shape(a, ins, path) {
    channelsLast(a, path);
    const s = image(ins, 'globalAveragePooling2d', path);
    return { spatial: [], c: s.c, flat: false };
  },
  forward(env, _a, ins) {
    return { t: env.tf.mean((ins[0] as Flow).t, [1, 2]), flatFrom: undefined };
  },
};

const dropout: OpDef = {
  shape: passThrough,
  forward(env, a, ins) {
    const flow = ins[0] as Flow;
    const rate = (a.rate as number | undefined) ?? 0;
    if (!env.training || rate === 0) return flow;
    const noise = a.noiseShape as number[] | undefined;
    return { t: env.tf.dropout(flow.t, rate, noise, env.dropoutSeed()), flatFrom: flow.flatFrom };
  },
};

const activation: OpDef = {
  shape: passThrough,
  forward(env, a, ins) {
    const flow = ins[0] as Flow;
    return { t: activate(env.tf, a.activation, flow.t), flatFrom: flow.flatFrom };
  },
};

const identity: OpDef = { shape: passThrough, forward: (_env, _a, ins) => ins[0] as Flow };

const zero: OpDef = {
  shape: passThrough,
  forward(env, _a, ins) {
    const flow = ins[0] as Flow;
    return { t: env.tf.zerosLike(flow.t), flatFrom: flow.flatFrom };
  },
};

const add: OpDef = {
  merge: true,
  shape(_a, ins) {
    const first = ins[0] as Shape;
    return { ...first, c: Math.max(...ins.map((s) => s.c)) };
  },
  forward(env, _a, ins) {
    const c = Math.max(...ins.map((f) => shapeOf(f).c));
    const padded = ins.map((f) => padChannels(env.tf, f, c));
    return { t: padded.length === 1 ? (padded[0] as Flow).t : env.tf.addN(padded.map((f) => f.t)), flatFrom: (padded[0] as Flow).flatFrom };
  },
};

/** The supported layer types, by symbolic type name. */
export const OPS: ReadonlyMap<string, OpDef> = new Map<string, OpDef>([
  ['tf.layers.dense', dense],
  ['tf.layers.conv2d', conv2d],
  ['tf.layers.maxPooling2d', pool('max')],
  ['tf.layers.averagePooling2d', pool('avg')],
  ['tf.layers.globalAveragePooling2d', globalAveragePooling2d],
  ['tf.layers.batchNormalization', batchNormalization],
  ['tf.layers.identity', identity],
  ['tf.layers.zero', zero],
  ['tf.layers.flatten', flatten],
  ['tf.layers.dropout', dropout],
  ['tf.layers.activation', activation],
  ['tf.layers.add', add],
  ['tf.layers.reluConvBn', reluConvBn],
]);

/** The names of the weights of a slot kind, as TensorFlow.js names a layer's weights. */
export const WEIGHT_NAMES: Readonly<Record<SlotKind, readonly string[]>> = {
  dense: ['kernel', 'bias'],
  conv: ['kernel', 'bias'],
  bn: ['gamma', 'beta', 'moving_mean', 'moving_variance'],
  reluConvBn: ['kernel', 'gamma', 'beta', 'moving_mean', 'moving_variance'],
};
