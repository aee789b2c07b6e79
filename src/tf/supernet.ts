/**
 * `supernet(space, options)`: one TensorFlow.js network holding the weights of every candidate of
 * a space of symbolic layers, which runs any DNA of the space as a sub-network with inherited
 * weights, or a softmax mixture of them (DARTS). PyGlove's idea: the space's decisions are
 * evaluated dynamically inside one model, so the same symbolic space serves standalone search
 * (`materialize` → `build` → `train`) and one-shot search.
 *
 * Weight sharing:
 * - every `oneOf` over layers (or over a composite's ops, through `defineSupernetExpansion`) gives
 *   each candidate its own weights;
 * - a choice of width (`units`, `filters`: `oneOf` or `intv`) shares the largest candidate's
 *   weights: a smaller width uses the first channels (and the next layer the first input
 *   channels);
 * - a choice of kernel size shares the centre of the largest kernel (Once-for-All);
 * - a choice of depth (a `oneOf` among whole layer lists) shares the first layers: items align
 *   from the start while their layer type and non-size arguments agree, then from the end (so the
 *   output head is shared, and a softmax head is never shared with a hidden layer);
 * - a dense layer after a flatten keys its weights by the spatial shape it flattens (resolutions
 *   do not share) and slices its kernel rows as (h, w, c).
 *
 * Batch normalization uses the batch's statistics in training (`apply(..., { training: true })`)
 * and updates running statistics per weight slot (with the layer's momentum, on the channels
 * used); inference uses those running statistics, or, with `evaluate(dna, data, { recalibrate })`,
 * statistics recomputed for that sub-network on the first batches (as one-shot papers do).
 */
import { PliantError } from '../base/errors.js';
import { seededRng } from '../base/rng.js';
import { KeyPath } from '../symbolic/key-path.js';
import type { KeySegment } from '../symbolic/key-path.js';
import { hyperKind } from '../hyper/hyper-value.js';
import { SymbolicNode } from '../symbolic/node.js';
import type { TreeValue } from '../symbolic/node.js';
import { DNA } from '../geno/dna.js';
import { elementDNAs, walkSpace } from '../geno/dna-spec.js';
import type { ChoiceDecision, DNASpec } from '../geno/dna-spec.js';
import { dnaSpec } from '../geno/template.js';
import { build } from '../symbolic/build.js';
import { loadTf } from './load-tf.js';
import type { TfModule } from './load-tf.js';
import { RANDOM_INITIALIZERS, deriveSeed } from './seeds.js';
import type { TrainData, TensorLike } from './train.js';
import { ShapeDomain, TensorDomain } from './supernet-domains.js';
import type { SlotUse } from './supernet-domains.js';
import { centreKernel, sliceRows } from './supernet-ops.js';
import type { Env, Flow, Slot, SlotNeed } from './supernet-ops.js';
import { AllResolver, DnaResolver, MixtureResolver, rootScope } from './supernet-scope.js';
import type { Scope } from './supernet-scope.js';
import { Walker, concreteModel } from './supernet-walk.js';
import type { Supernet, SupernetEvaluateOptions, SupernetEvaluation, SupernetMixture, SupernetOptions } from './supernet-types.js';
import type * as Tfjs from '@tensorflow/tfjs';

export { defineSupernetExpansion } from './supernet-expansion.js';
export type { SupernetExpansion, SupernetExpansionTools, SymbolicTypeRef } from './supernet-expansion.js';

const API = 'supernet';

/** The key path of the model inside the candidates. */
function modelPath(space: TreeValue, option: string | undefined): readonly KeySegment[] {
  if (option !== undefined) {
    if (typeof option !== 'string') throw new PliantError(API, 'argument', `options.model must be a key path string, found ${JSON.stringify(option)}`);
    return KeyPath.parse(option).segments;
  }
  const hasModel = (v: TreeValue): boolean =>
    hyperKind(v) === 'oneOf'
      ? (v as SymbolicNode<{ candidates: TreeValue[] }>).args.candidates.every(hasModel)
      : typeof v === 'object' && v !== null && !(v instanceof SymbolicNode) && !Array.isArray(v) && Object.hasOwn(v, 'model');
  return hasModel(space) ? ['model'] : [];
}

function initial(tf: TfModule, name: string, shape: number[], seed: number, slotKey: string): Tfjs.Tensor {
  if (name === 'zeros') return tf.zeros(shape);
  if (name === 'ones') return tf.ones(shape);
  if (!RANDOM_INITIALIZERS.has(name)) throw new PliantError(API, 'argument', `initializer '${name}' is not supported by the supernet`, { path: slotKey });
  const factory = (tf.initializers as unknown as Record<string, (a: { seed: number }) => { apply(s: number[]): Tfjs.Tensor }>)[name];
  if (factory === undefined) throw new PliantError(API, 'dependency', `this TensorFlow.js has no initializer ${name}`);
  return factory({ seed }).apply(shape);
}

let instances = 0;

/** Makes a slot's variables (the largest shapes), seeded by the slot key. */
function makeSlot(tf: TfModule, key: string, need: SlotNeed, seed: number, prefix: string): Slot {
  const variable = (weight: string, init: string, shape: number[], trainable: boolean): Tfjs.Variable => {
    const value = initial(tf, init, shape, deriveSeed(seed, key, weight), key);
    const v = tf.variable(value, trainable, `${prefix}/${weight}`);
    value.dispose();
    return v;
  };
  const [a, b, c, d] = need.dims as [number, number, number, number];
  const base = { kind: need.kind, key, rowsPer: need.rowsPer, dims: need.dims };
  switch (need.kind) {
    case 'dense':
      return {
        ...base,
        kernel: variable('kernel', need.init.kernel ?? 'glorotNormal', [need.rowsPer * a, b], true),
        ...(need.bias ? { bias: variable('bias', need.init.bias ?? 'zeros', [b], true) } : {}),
      };
    case 'conv':
      return {
        ...base,
        kernel: variable('kernel', need.init.kernel ?? 'glorotNormal', [a, b, c, d], true),
        ...(need.bias ? { bias: variable('bias', need.init.bias ?? 'zeros', [d], true) } : {}),
      };
    case 'bn': {
      const n = need.rowsPer * a;
      return {
        ...base,
        ...(need.scale ? { gamma: variable('gamma', need.init.gamma ?? 'ones', [n], true) } : {}),
        ...(need.center ? { beta: variable('beta', need.init.beta ?? 'zeros', [n], true) } : {}),
        movingMean: variable('moving_mean', need.init.movingMean ?? 'zeros', [n], false),
        movingVariance: variable('moving_variance', need.init.movingVariance ?? 'ones', [n], false),
      };
    }
    case 'reluConvBn':
      return {
        ...base,
        kernel: variable('kernel', need.init.kernel ?? 'heNormal', [a, b, c, d], true),
        gamma: variable('gamma', 'ones', [d], true),
        beta: variable('beta', 'zeros', [d], true),
        movingMean: variable('moving_mean', 'zeros', [d], false),
        movingVariance: variable('moving_variance', 'ones', [d], false),
      };
    default:
      throw new PliantError(API, 'argument', `unknown slot kind ${String(need.kind)}`);
  }
}

/** The slices of a slot one weighted layer of a sub-network takes, by TensorFlow.js weight name. */
function slotSlices(tf: TfModule, slot: Slot, use: SlotUse): Map<string, Tfjs.Tensor> {
  const a = use.args;
  const out = new Map<string, Tfjs.Tensor>();
  const cin = use.input.c;
  const pair = (v: unknown): [number, number] => (typeof v === 'number' ? [v, v] : (v as [number, number]));
  const vec = (name: string, v: Tfjs.Variable | undefined, C: number, c: number, rowsPer = 1): void => {
    if (v !== undefined) out.set(name, sliceRows(tf, v, rowsPer, C, c));
  };
  switch (slot.kind) {
    case 'dense': {
      const units = a.units as number;
      out.set('kernel', sliceRows(tf, slot.kernel as Tfjs.Variable, slot.rowsPer, slot.dims[0] as number, cin, [units]));
      vec('bias', slot.bias, slot.dims[1] as number, units);
      break;
    }
    case 'conv': {
      const [kh, kw] = pair(a.kernelSize);
      const filters = a.filters as number;
      out.set('kernel', centreKernel(tf, slot.kernel as Tfjs.Variable, kh, kw, cin, filters));
      vec('bias', slot.bias, slot.dims[3] as number, filters);
      break;
    }
    case 'bn':
      vec('gamma', slot.gamma, slot.dims[0] as number, cin, slot.rowsPer);
      vec('beta', slot.beta, slot.dims[0] as number, cin, slot.rowsPer);
      vec('moving_mean', slot.movingMean, slot.dims[0] as number, cin, slot.rowsPer);
      vec('moving_variance', slot.movingVariance, slot.dims[0] as number, cin, slot.rowsPer);
      break;
    case 'reluConvBn': {
      const k = a.kernelSize as number;
      const filters = a.filters as number;
      const C = slot.dims[3] as number;
      out.set('kernel', centreKernel(tf, slot.kernel as Tfjs.Variable, k, k, cin, filters));
      vec('gamma', slot.gamma, C, filters);
      vec('beta', slot.beta, C, filters);
      vec('moving_mean', slot.movingMean, C, filters);
      vec('moving_variance', slot.movingVariance, C, filters);
      break;
    }
  }
  return out;
}

function toTensor(tf: TfModule, value: TensorLike, made: Tfjs.Tensor[], what: string): Tfjs.Tensor {
  if (value instanceof tf.Tensor) return value;
  if (!Array.isArray(value) || value.length === 0) throw new PliantError(API, 'argument', `${what} must be a tensor or a non-empty array of rows`);
  const t = Array.isArray(value[0]) ? tf.tensor2d(value as number[][]) : tf.tensor1d(value as number[]);
  made.push(t);
  return t;
}

class SupernetImpl implements Supernet {
  readonly space: TreeValue;
  readonly spec: DNASpec;
  readonly choices: readonly ChoiceDecision[];
  readonly weights: readonly Tfjs.Variable[];
  readonly numParams: number;
  readonly #tf: TfModule;
  readonly #seed: number;
  readonly #follow: readonly KeySegment[];
  readonly #slots: ReadonlyMap<string, Slot>;
  readonly #all: readonly Tfjs.Variable[];
  readonly #choiceIds: ReadonlySet<string>;
  readonly #dropout: () => number;
  #disposed = false;

  constructor(tf: TfModule, space: TreeValue, spec: DNASpec, follow: readonly KeySegment[], slots: Map<string, Slot>, met: ReadonlySet<string>, seed: number) {
    this.#tf = tf;
    this.space = space;
    this.spec = spec;
    this.#follow = follow;
    this.#slots = slots;
    this.#seed = seed;
    this.choices = Object.freeze(
      spec.decisionIds.map((id) => spec.byId.get(id)).filter((d): d is ChoiceDecision => d?.kind === 'choice' && d.k === 1 && !d.isList && met.has(d.id)),
    );
    this.#choiceIds = new Set(this.choices.map((d) => d.id));
    const trainable: Tfjs.Variable[] = [];
    const all: Tfjs.Variable[] = [];
    for (const slot of slots.values()) {
      for (const v of [slot.kernel, slot.bias, slot.gamma, slot.beta]) if (v !== undefined) trainable.push(v);
      for (const v of [slot.kernel, slot.bias, slot.gamma, slot.beta, slot.movingMean, slot.movingVariance]) if (v !== undefined) all.push(v);
    }
    this.weights = Object.freeze(trainable);
    this.#all = all;
    this.numParams = trainable.reduce((n, v) => n + v.size, 0);
    const rng = seededRng(`supernet-dropout:${seed}`);
    this.#dropout = () => 1 + Math.floor(rng() * 2147483646);
  }

  #alive(): void {
    if (this.#disposed) throw new PliantError(API, 'state', 'the supernet was disposed');
  }

  /** The root scope of a DNA, checked against the spec (errors name `supernet` and the decision). */
  #scope(dna: unknown, what = 'the path'): Scope {
    if (!(dna instanceof DNA)) throw new PliantError(API, 'argument', `${what} must be a DNA of the space or a mixture { weights, dna }`);
    walkSpace(this.spec.root, elementDNAs(this.spec.root, dna, API), API, undefined);
    return rootScope(this.spec, dna);
  }

  #env(training: boolean, bn: Env['bn']): Env {
    return { tf: this.#tf, training, bn, dropoutSeed: this.#dropout };
  }

  #run(x: Tfjs.Tensor, path: DNA | SupernetMixture, env: Env): Tfjs.Tensor {
    const tf = this.#tf;
    let scope: Scope;
    let walker: Walker<Flow, Tfjs.Tensor>;
    const domain = new TensorDomain(env, this.#slots);
    if (path instanceof DNA) {
      scope = this.#scope(path);
      walker = new Walker<Flow, Tfjs.Tensor>(new DnaResolver(), domain);
    } else {
      if (typeof path !== 'object' || path === null || !(path.weights instanceof Map)) {
        throw new PliantError(API, 'argument', 'the path must be a DNA of the space or a mixture { weights: Map<decision id, Tensor1D>, dna }');
      }
      scope = this.#scope(path.dna, 'mixture.dna');
      for (const [id, w] of path.weights) {
        if (!this.#choiceIds.has(id)) {
          throw new PliantError(
            API,
            'argument',
            `mixture weights for '${id}', which is not a choice of the model (relaxable: ${[...this.#choiceIds].join(', ') || 'none'})`,
          );
        }
        const d = this.spec.byId.get(id) as ChoiceDecision;
        if (!(w instanceof tf.Tensor) || w.rank !== 1 || w.shape[0] !== d.candidates.length) {
          throw new PliantError(API, 'argument', `the mixture weights of '${id}' must be a 1-D tensor of ${d.candidates.length} (its candidates)`);
        }
      }
      const cache = new Map<string, Tfjs.Tensor[]>();
      const weight = (d: ChoiceDecision, i: number): Tfjs.Tensor | undefined => {
        const w = path.weights.get(d.id);
        if (w === undefined) return undefined;
        let parts = cache.get(d.id);
        if (parts === undefined) cache.set(d.id, (parts = tf.unstack(w)));
        return parts[i];
      };
      walker = new Walker<Flow, Tfjs.Tensor>(new MixtureResolver<Tfjs.Tensor>(weight, (a, b) => tf.mul(a, b)), domain);
    }
    return walker.model(this.space, '', scope, '', this.#follow, { t: x, flatFrom: undefined }).t;
  }

  apply(x: Tfjs.Tensor, path: DNA | SupernetMixture, options: { readonly training?: boolean } = {}): Tfjs.Tensor {
    this.#alive();
    const tf = this.#tf;
    if (!(x instanceof tf.Tensor)) throw new PliantError(API, 'argument', 'x must be a tensor');
    const training = options.training === true;
    return tf.tidy(() => {
      const out = this.#run(x, path, this.#env(training, { mode: training ? 'train' : 'infer' }));
      // A pass-through model returns its input: give the caller a tensor of its own.
      return out === x ? tf.clone(out) : out;
    });
  }

  async evaluate(dna: DNA, data: TrainData, options: SupernetEvaluateOptions = {}): Promise<SupernetEvaluation> {
    this.#alive();
    const tf = this.#tf;
    this.#scope(dna, 'dna');
    const batchSize = options.batchSize ?? 256;
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new PliantError(API, 'argument', `batchSize must be a positive integer, found ${String(batchSize)}`);
    const recalibrate = options.recalibrate ?? 0;
    if (!Number.isInteger(recalibrate) || recalibrate < 0)
      throw new PliantError(API, 'argument', `recalibrate must be a number of batches ≥ 0, found ${String(recalibrate)}`);
    const made: Tfjs.Tensor[] = [];
    const calibrated = new Map<string, { mean: Tfjs.Tensor; variance: Tfjs.Tensor }>();
    try {
      const x = toTensor(tf, data.x, made, 'data.x');
      const y = toTensor(tf, data.y, made, 'data.y');
      const n = x.shape[0];
      if (n !== y.shape[0]) throw new PliantError(API, 'argument', `data.x has ${n} examples but data.y has ${y.shape[0]}`);
      if (n === 0) throw new PliantError(API, 'argument', 'data has no examples');
      const batch = (start: number, t: Tfjs.Tensor): Tfjs.Tensor => tf.slice(t, [start], [Math.min(batchSize, n - start)]);
      if (recalibrate > 0) {
        const cx = options.calibrationData === undefined ? x : toTensor(tf, options.calibrationData, made, 'calibrationData');
        const cn = cx.shape[0];
        // Batch statistics of this sub-network: the mean of the batch means, and E[x²] − mean².
        const sums = new Map<string, { mean: Tfjs.Tensor; square: Tfjs.Tensor; count: number }>();
        for (let b = 0, start = 0; b < recalibrate && start < cn; b++, start += batchSize) {
          tf.tidy(() => {
            const record = (key: string, mean: Tfjs.Tensor, variance: Tfjs.Tensor): void => {
              const old = sums.get(key);
              const square = tf.add(variance, tf.square(mean));
              const next = {
                mean: old === undefined ? mean : tf.add(old.mean, mean),
                square: old === undefined ? square : tf.add(old.square, square),
                count: (old?.count ?? 0) + 1,
              };
              tf.keep(next.mean);
              tf.keep(next.square);
              if (old !== undefined) tf.dispose([old.mean, old.square]);
              sums.set(key, next);
            };
            this.#run(tf.slice(cx, [start], [Math.min(batchSize, cn - start)]), dna, this.#env(false, { mode: 'calibrate', record }));
          });
        }
        for (const [key, s] of sums) {
          const mean = tf.tidy(() => tf.div(s.mean, s.count));
          const variance = tf.tidy(() => tf.relu(tf.sub(tf.div(s.square, s.count), tf.square(mean))));
          calibrated.set(key, { mean, variance });
          tf.dispose([s.mean, s.square]);
        }
      }
      let correct = 0;
      let loss = 0;
      for (let start = 0; start < n; start += batchSize) {
        const [c, l] = tf.tidy(() => {
          const yb = batch(start, y);
          const p = this.#run(batch(start, x), dna, this.#env(false, { mode: 'infer', calibrated }));
          const right = tf.sum(tf.cast(tf.equal(tf.argMax(p, -1), tf.argMax(yb, -1)), 'float32'));
          const ce = tf.sum(tf.metrics.categoricalCrossentropy(yb, p));
          return [right, ce];
        });
        const [cv, lv] = await Promise.all([c.data(), l.data()]);
        tf.dispose([c, l]);
        correct += cv[0] as number;
        loss += lv[0] as number;
      }
      return { accuracy: correct / n, loss: loss / n };
    } finally {
      tf.dispose(made);
      for (const s of calibrated.values()) tf.dispose([s.mean, s.variance]);
    }
  }

  async subnet(dna: DNA): Promise<Tfjs.LayersModel> {
    this.#alive();
    const tf = this.#tf;
    const scope = this.#scope(dna, 'dna');
    const resolver = new DnaResolver();
    const shapes = new ShapeDomain();
    new Walker(resolver, shapes).model(this.space, '', scope, '', this.#follow, undefined);
    const names = new Map<string, string>();
    const tree = concreteModel(this.space, '', scope, '', this.#follow, resolver, (key, given) => {
      const name = typeof given === 'string' ? given : `supernet_${names.size + 1}`;
      names.set(key, name);
      return name;
    });
    const model = build(tree, { seed: this.#seed }) as unknown as Tfjs.LayersModel;
    try {
      for (const use of shapes.uses) {
        const name = names.get(use.key);
        const slot = this.#slots.get(use.slotKey);
        if (name === undefined || slot === undefined) throw new PliantError(API, 'state', `no weights for the layer ${use.key}`);
        const layer = model.layers.find((l) => l.name === name);
        if (layer === undefined) continue; // on a dead branch of a graph (it only feeds a zero op)
        tf.tidy(() => {
          const slices = slotSlices(tf, slot, use);
          for (const w of layer.weights) {
            const suffix = w.name.slice(w.name.lastIndexOf('/') + 1).replace(/_\d+$/, '');
            const value = slices.get(suffix);
            if (value === undefined) throw new PliantError(API, 'state', `no shared value for weight ${w.name} of layer ${name}`);
            w.write(value);
          }
        });
      }
    } catch (error) {
      model.dispose();
      throw error;
    }
    return model;
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const v of this.#all) v.dispose();
  }
}

/**
 * Builds the supernet of a space of symbolic TensorFlow.js layers: a candidate record whose
 * `model` (or the key path `options.model`) is a `sequential` or `graph` with hyper values in
 * it, or a composite node with a supernet expansion (`defineSupernetExpansion`). Every weight is
 * made once here, seeded by `options.seed` and the weight's place, so the same space and seed
 * give the same weights.
 *
 * Supported layers: dense, conv2d, maxPooling2d, averagePooling2d, globalAveragePooling2d,
 * batchNormalization, identity, zero, flatten, dropout, activation, add, and NAS-Bench-201's
 * reluConvBn; channels last. Regularizers and constraints are not applied by the supernet.
 *
 * ```ts
 * const net = await supernet(cnnSpace({ inputShape: [28, 28, 1] }), { seed: 1 });
 * const dna = randomDNA(net.spec, rng);
 * const probs = tf.tidy(() => net.apply(x, dna, { training: true }));  // one path, shared weights
 * const { accuracy } = await net.evaluate(dna, testData);
 * const model = await net.subnet(dna);                                 // standalone, weights inherited
 * ```
 *
 * @throws PliantError (naming `supernet` and the key path) for a layer type it cannot run, a
 *   model it cannot find, or a hyper value it cannot map to one decision.
 */
export async function supernet(space: TreeValue, options: SupernetOptions = {}): Promise<Supernet> {
  const seed = options.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isFinite(seed)) throw new PliantError(API, 'argument', `seed must be a finite number, found ${String(seed)}`);
  const { tf } = await loadTf();
  const spec = dnaSpec(space);
  const follow = modelPath(space, options.model);
  const all = new AllResolver();
  const shapes = new ShapeDomain();
  new Walker(all, shapes).model(space, '', rootScope(spec, undefined), '', follow, undefined);
  const prefix = `pliant_supernet_${++instances}`;
  const slots = new Map<string, Slot>();
  try {
    let i = 0;
    for (const [key, need] of shapes.needs) slots.set(key, makeSlot(tf, key, need, seed, `${prefix}/${i++}`));
  } catch (error) {
    for (const slot of slots.values()) for (const v of [slot.kernel, slot.bias, slot.gamma, slot.beta, slot.movingMean, slot.movingVariance]) v?.dispose();
    throw error;
  }
  return new SupernetImpl(tf, space, spec, follow, slots, all.met, seed);
}
