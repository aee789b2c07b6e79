/**
 * `trainSupernet`: training the shared weights of a supernet, three ways: single-path one-shot
 * (`uniform`: one path drawn uniformly per batch), a learned controller (`reinforce`: paths
 * proposed by a REINFORCE controller that learns from validation rewards between weight updates,
 * as ENAS and TuNAS), and a continuous relaxation (`darts`: every choice a softmax mixture whose
 * logits are learned on validation batches, first-order).
 */
import type { Algorithm } from '../algorithms/algorithm.js';
import { reinforce } from '../algorithms/reinforce.js';
import { PliantError } from '../base/errors.js';
import { checkOptions } from '../base/options.js';
import { seededRng } from '../base/rng.js';
import type { Rng } from '../base/rng.js';
import type { TrialFeedback } from '../executors/executor.js';
import { childrenOf, joinSpace } from '../geno/dna-spec.js';
import type { ChoiceDecision, DNASpec, DecisionPoint, FloatDecision, IntDecision, SpaceSpec } from '../geno/dna-spec.js';
import { DNA } from '../geno/dna.js';
import { randomDNA } from '../geno/random.js';
import { loadTf } from './load-tf.js';
import type { TfModule } from './load-tf.js';
import type { Supernet, SupernetMixture } from './supernet-types.js';
import { epochOrder, reportEpoch, splitData } from './train-common.js';
import type { EpochMetrics, TrainData } from './train.js';
import type * as Tfjs from '@tensorflow/tfjs';

/** How {@link trainSupernet} chooses the paths it trains. */
export type SupernetTrainingMode = 'uniform' | 'reinforce' | 'darts';

/**
 * A controller of `reinforce` training: any {@link Algorithm}; with `mostLikely` (the DNA it
 * believes best) and `probabilities` (its distribution over a choice's candidates), as
 * `reinforce()` has them, the result says what it learned.
 */
export interface SupernetController extends Algorithm {
  /** The DNA the controller rates most likely (each decision at its mode). */
  mostLikely?(): DNA;
  /** The probability of each candidate of a choice decision (by its id). */
  probabilities?(decisionId: string): number[];
}

/** Options of {@link trainSupernet}. */
export interface TrainSupernetOptions {
  /**
   * `'uniform'`: one path drawn uniformly from the space per batch (single-path one-shot);
   * `'reinforce'`: paths proposed by `controller`, which learns from the accuracy of each path on
   * a validation batch after its weight update (ENAS, TuNAS); `'darts'`: every choice of
   * `supernet.choices` relaxed to the softmax of its logits, the weights trained on training
   * batches and the logits on validation batches, alternately (first-order DARTS).
   */
  readonly mode: SupernetTrainingMode;
  /** How many epochs (at most: `onEpoch` or a trial's early stopping may stop sooner). */
  readonly epochs: number;
  /** Examples per step (default 32), for the training and the validation batches. */
  readonly batchSize?: number;
  /**
   * Validation data, or the fraction of `data` held out for it (the last examples): rewards of
   * `reinforce`, the logits' batches of `darts` (both need it), and each epoch's `valAccuracy` /
   * `valLoss`.
   */
  readonly validation?: TrainData | number;
  /** The learning rate of the default optimizer of the weights, Adam (default 0.001). */
  readonly learningRate?: number;
  /**
   * The optimizer of the weights (default: Adam at `learningRate`); the caller's: it is not
   * disposed. It gets the gradients of every weight of `supernet.weights` in their order at every
   * step (`null` for the weights a path does not use), so give it no other variables.
   */
  readonly optimizer?: Tfjs.Optimizer;
  /** `darts`: the learning rate of the logits' optimizer (Adam with β1 = 0.5, as DARTS; default 0.003). */
  readonly archLearningRate?: number;
  /** `reinforce`: the controller (default `reinforce({ seed })`); any algorithm that proposes DNA and learns from rewards. */
  readonly controller?: SupernetController;
  /**
   * `reinforce` and `darts`: epochs of weight training before the controller or the logits learn:
   * uniform paths for `reinforce`, the (still uniform) mixture for `darts`. Default for `reinforce`:
   * a quarter of `epochs`, rounded (TuNAS's warm-up), so every path's shared weights get trained
   * before the controller narrows the paths it trains: on the main job's CNN space that took the
   * supernet's ranking of 30 architectures from τ = −0.03 to 0.67 (`bench/supernet.bench.ts`).
   * Default for `darts`: 0.
   */
  readonly warmupEpochs?: number;
  /** The seed of the paths, the shuffling, dropout and the logits' initial values (default 0). */
  readonly seed?: number;
  /** Shuffle the examples every epoch (default true). */
  readonly shuffle?: boolean;
  /** The most steps (training batches) in an epoch (default: every batch of the data). */
  readonly stepsPerEpoch?: number;
  /** `uniform`: how many fixed random paths each epoch's `valAccuracy` averages (default 4). */
  readonly evalPaths?: number;
  /** `uniform`: random paths measured on the validation data after training, the best of which is `derived` (default 8; 0: none). */
  readonly deriveSamples?: number;
  /** Called after each epoch; return `false` to stop training. */
  readonly onEpoch?: (metrics: EpochMetrics) => void | boolean | Promise<void | boolean>;
  /**
   * A trial to report each epoch to (`trial.report(metrics[report], { step: epoch })`), as
   * `train` does: when the search's early-stopping policy says stop, `trainSupernet` throws
   * `Pruned`.
   */
  readonly trial?: TrialFeedback;
  /** The metric reported to `trial` (default `valAccuracy` with validation data, else `accuracy`). */
  readonly report?: string;
}

/** What {@link trainSupernet} returns. */
export interface TrainSupernetResult {
  /** The mode it trained in. */
  readonly mode: SupernetTrainingMode;
  /**
   * Every epoch's metrics: `loss` and `accuracy` (training batches, of the paths trained),
   * `valLoss` / `valAccuracy` (the validation data, with the derived path for `reinforce` and
   * `darts`, the mean of `evalPaths` fixed random paths for `uniform`), `reward` (`reinforce`: the
   * mean validation-batch reward), `archLoss` (`darts`: the mean validation-batch loss of the
   * mixture).
   */
  readonly history: readonly EpochMetrics[];
  /** The last epoch's metrics. */
  readonly last: EpochMetrics;
  /**
   * The architecture training found: the controller's `mostLikely()` (`reinforce`), the argmax of
   * each active choice's logits with every other decision at its middle (`darts`), the best of
   * `deriveSamples` random paths on the validation data (`uniform`; `undefined` without validation
   * data or with `deriveSamples: 0`).
   */
  readonly derived: DNA | undefined;
  /**
   * The final distribution over each choice's candidates, by decision id: `darts` (softmax of the
   * logits, for `supernet.choices`) and `reinforce` (the controller's, when it has `probabilities`).
   */
  readonly probabilities: Readonly<Record<string, readonly number[]>> | undefined;
  /** Whether training ran all its epochs or was stopped by `onEpoch`. */
  readonly stopped: 'completed' | 'onEpoch';
  /** Wall time, in seconds. */
  readonly seconds: number;
  /** Weight updates made. */
  readonly steps: number;
}

const API = 'trainSupernet';

const OPTIONS: readonly string[] = [
  'mode',
  'epochs',
  'batchSize',
  'validation',
  'learningRate',
  'optimizer',
  'archLearningRate',
  'controller',
  'warmupEpochs',
  'seed',
  'shuffle',
  'stepsPerEpoch',
  'evalPaths',
  'deriveSamples',
  'onEpoch',
  'trial',
  'report',
];

const MODES: readonly SupernetTrainingMode[] = ['uniform', 'reinforce', 'darts'];

function bad(message: string, option: string): PliantError {
  return new PliantError(API, 'argument', message, { path: option });
}

function integerOption(value: unknown, name: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) throw bad(`${name} must be an integer ≥ ${min}, found ${String(value)}`, name);
  return value;
}

function rateOption(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) throw bad(`${name} must be a positive number, found ${String(value)}`, name);
  return value;
}

function checkSupernet(net: unknown): asserts net is Supernet {
  const s = net as Partial<Supernet> | null;
  if (
    typeof s !== 'object' ||
    s === null ||
    typeof s.apply !== 'function' ||
    typeof s.evaluate !== 'function' ||
    !Array.isArray(s.weights) ||
    s.spec === undefined
  )
    throw new PliantError(API, 'argument', 'the first argument must be a supernet (from `supernet(space)`)');
}

/** The mean categorical cross-entropy of probabilities `p` against one-hot `y`. */
function crossEntropy(tf: TfModule, y: Tfjs.Tensor, p: Tfjs.Tensor): Tfjs.Scalar {
  return tf.neg(tf.mean(tf.sum(tf.mul(y, tf.log(tf.clipByValue(p, 1e-7, 1))), -1)));
}

/** The share of rows of `p` whose argmax is `y`'s. */
function accuracyOf(tf: TfModule, y: Tfjs.Tensor, p: Tfjs.Tensor): Tfjs.Scalar {
  return tf.mean(tf.cast(tf.equal(tf.argMax(p, -1), tf.argMax(y, -1)), 'float32'));
}

/** The middle of a float or integer range, on its scale. */
function middleOf(d: FloatDecision | IntDecision): number {
  const { min, max } = d;
  let v: number;
  if (d.scale === 'log' && min > 0) v = Math.sqrt(min * max);
  else if (d.scale === 'rlog' && min > 0) v = max + min - Math.sqrt(min * max);
  else v = (min + max) / 2;
  if (d.kind === 'int') v = Math.round(v);
  return Math.min(max, Math.max(min, v));
}

/**
 * A DNA of `spec` with each choice at `pick(d)` (for a choice `pick` knows: the argmax of its
 * logits) or at its middle candidate, each float and integer at the middle of its range, each
 * custom decision at its first value. Only the decisions of the chosen candidates are visited, so
 * the DNA is valid whatever the picks.
 */
export function middleDNA(spec: DNASpec, pick: (d: ChoiceDecision) => readonly number[] | undefined = () => undefined): DNA {
  const space = (s: SpaceSpec): DNA[] => s.elements.map(decide);
  const decide = (d: DecisionPoint): DNA => {
    if (d.kind === 'custom') return new DNA(d.definition.first(d.hyper));
    if (d.kind === 'float') return new DNA(middleOf(d), undefined, true);
    if (d.kind === 'int') return new DNA(middleOf(d));
    const n = d.candidates.length;
    const scores = pick(d);
    let indices: number[];
    if (scores === undefined) {
      const middle = Math.floor((n - 1) / 2);
      indices = d.k === 1 ? [middle] : Array.from({ length: d.k }, (_v, j) => (d.distinct ? j : middle));
    } else {
      const ranked = Array.from({ length: n }, (_v, i) => i).sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
      indices = d.distinct ? ranked.slice(0, d.k) : Array.from({ length: d.k }, () => ranked[0] as number);
      if (d.sorted) indices.sort((a, b) => a - b);
    }
    const picks = indices.map((i, j) => {
      const cand = (d.picks[j] as readonly SpaceSpec[])[i] as SpaceSpec;
      return new DNA(i, childrenOf(cand, space(cand)));
    });
    return d.k === 1 ? (picks[0] as DNA) : new DNA(undefined, picks);
  };
  return joinSpace(spec.root, space(spec.root));
}

/**
 * The gradients of `variables` in their fixed order, `null` for a variable the path did not use:
 * tfjs optimizers keep their state (Adam's moments) by position in the list, so the list must be
 * the same at every step; a `null` gradient leaves its variable and its state as they are.
 */
function inOrder(variables: readonly Tfjs.Variable[], grads: Tfjs.NamedTensorMap): { name: string; tensor: Tfjs.Tensor }[] {
  return variables.map((v) => ({ name: v.name, tensor: (grads[v.name] ?? null) as Tfjs.Tensor }));
}

/** A seed for tfjs's random ops from a seeded generator. */
function intSeed(rng: Rng): number {
  return Math.floor(rng() * 2 ** 31);
}

/**
 * Trains the shared weights of `supernet` on `data` (classification, one-hot targets) in one of
 * three modes (see {@link TrainSupernetOptions.mode}), reporting each epoch to `onEpoch` and
 * `trial` as `train` does (so a search's early stopping prunes a supernet training too), and
 * returns the history, the architecture it derives, and, for `darts` and `reinforce`, the final
 * distribution over each choice. Seeded (`seed`): the same supernet (same seed) trained with the
 * same options gives the same history on the same backend. Every tensor it makes is disposed
 * (the weights stay the supernet's; an `optimizer` given stays the caller's).
 *
 * ```ts
 * const net = await supernet(cnnSpace(), { seed: 1 });
 * const { derived, history } = await trainSupernet(net, mnist.train, { mode: 'uniform', epochs: 3, validation: 0.125, batchSize: 64 });
 * const ranked = await net.evaluate(someDNA, validationData);
 * ```
 *
 * @throws PliantError (`argument`, naming `trainSupernet` and the option) for bad options.
 */
export async function trainSupernet(supernet: Supernet, data: TrainData, options: TrainSupernetOptions): Promise<TrainSupernetResult> {
  checkSupernet(supernet);
  if (options === undefined || options === null) throw bad('options are required: at least mode and epochs', 'mode');
  checkOptions(API, options, OPTIONS);
  const mode = options.mode;
  if (!MODES.includes(mode)) throw bad(`mode must be 'uniform', 'reinforce' or 'darts', found ${JSON.stringify(mode)}`, 'mode');
  const epochs = options.epochs;
  if (typeof epochs !== 'number' || !Number.isInteger(epochs) || epochs < 1) throw bad(`epochs must be a positive integer, found ${String(epochs)}`, 'epochs');
  const batchSize = integerOption(options.batchSize, 'batchSize', 1) ?? 32;
  const stepsPerEpoch = integerOption(options.stepsPerEpoch, 'stepsPerEpoch', 1);
  const warmupEpochs = integerOption(options.warmupEpochs, 'warmupEpochs', 0) ?? (mode === 'reinforce' ? Math.round(epochs / 4) : 0);
  const evalPaths = integerOption(options.evalPaths, 'evalPaths', 1) ?? 4;
  const deriveSamples = integerOption(options.deriveSamples, 'deriveSamples', 0) ?? 8;
  const learningRate = rateOption(options.learningRate, 'learningRate') ?? 0.001;
  const archLearningRate = rateOption(options.archLearningRate, 'archLearningRate') ?? 0.003;
  const seed = options.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isFinite(seed)) throw bad(`seed must be a number, found ${String(seed)}`, 'seed');
  if (options.onEpoch !== undefined && typeof options.onEpoch !== 'function') throw bad('onEpoch must be a function', 'onEpoch');
  const controller = options.controller;
  if (controller !== undefined) {
    if (mode !== 'reinforce') throw bad(`controller is for mode 'reinforce', not '${mode}'`, 'controller');
    const c = controller as Partial<Algorithm> | null;
    if (typeof c !== 'object' || c === null || typeof c.setup !== 'function' || typeof c.propose !== 'function' || typeof c.feedback !== 'function')
      throw bad('controller must be an algorithm (setup, propose, feedback), such as reinforce()', 'controller');
  }
  if (options.validation === undefined && mode !== 'uniform')
    throw bad(`mode '${mode}' learns from validation data: give validation (data, or the fraction of data to hold out)`, 'validation');
  const { tf } = await loadTf();
  const start = performance.now();
  const spec = supernet.spec;
  const made: Tfjs.Tensor[] = [];
  const owned: { dispose(): void }[] = [];
  const random = Math.random;
  try {
    const { x, y, valX, valY } = splitData(tf, data, options.validation, made, API);
    const n = x.shape[0] as number;
    const valN = valX === undefined ? 0 : (valX.shape[0] as number);
    const valData: TrainData | undefined = valX !== undefined && valY !== undefined ? { x: valX, y: valY } : undefined;
    const evalBatch = Math.max(batchSize, 256);
    const reportName = options.report ?? (valData !== undefined ? 'valAccuracy' : 'accuracy');

    let optimizer = options.optimizer;
    if (optimizer === undefined) {
      optimizer = tf.train.adam(learningRate);
      owned.push(optimizer);
    }
    const weights = [...supernet.weights];

    // The modes' state.
    const pathRng = seededRng(`${seed}:paths`);
    let control: SupernetController | undefined;
    if (mode === 'reinforce') {
      control = controller ?? (reinforce({ seed }) as SupernetController);
      control.setup(spec, { seed });
    }
    const logits = new Map<string, Tfjs.Variable>();
    let archOptimizer: Tfjs.Optimizer | undefined;
    if (mode === 'darts') {
      if (supernet.choices.length === 0)
        throw new PliantError(API, 'argument', "the supernet has no choice to relax (supernet.choices is empty): mode 'darts' needs one", { path: 'mode' });
      const init = seededRng(`${seed}:logits`);
      for (const d of supernet.choices) {
        if (logits.has(d.id)) continue;
        const initial = tf.tidy(() => tf.mul(tf.randomNormal([d.candidates.length], 0, 1, 'float32', intSeed(init)), 1e-3));
        const v = tf.variable(initial, true);
        initial.dispose();
        logits.set(d.id, v);
        owned.push(v);
      }
      archOptimizer = tf.train.adam(archLearningRate, 0.5, 0.999);
      owned.push(archOptimizer);
    }
    const logitValues = (): Map<string, number[]> => new Map([...logits].map(([id, v]) => [id, Array.from(v.dataSync())]));
    const dartsDNA = (): DNA => {
      const values = logitValues();
      return middleDNA(spec, (d) => values.get(d.id));
    };
    const mixtureOf = (dna: DNA): SupernetMixture => ({ weights: new Map([...logits].map(([id, v]) => [id, tf.softmax(v) as Tfjs.Tensor1D])), dna });
    const derivedNow = (): DNA | undefined => {
      if (mode === 'darts') return dartsDNA();
      if (mode === 'reinforce') return typeof control?.mostLikely === 'function' ? control.mostLikely() : undefined;
      return undefined;
    };
    const evalRng = seededRng(`${seed}:eval`);
    const fixedPaths = mode === 'uniform' && valData !== undefined ? Array.from({ length: evalPaths }, () => randomDNA(spec, evalRng)) : [];

    /** One weight update on (xb, yb) along `path`: returns its loss and accuracy. */
    const weightStep = (xb: Tfjs.Tensor, yb: Tfjs.Tensor, path: DNA | (() => SupernetMixture)): [number, number] => {
      let acc: Tfjs.Scalar | undefined;
      const { value, grads } = tf.variableGrads(() => {
        const p = supernet.apply(xb, typeof path === 'function' ? path() : path, { training: true });
        acc = tf.keep(accuracyOf(tf, yb, p));
        return crossEntropy(tf, yb, p);
      }, weights);
      try {
        (optimizer as Tfjs.Optimizer).applyGradients(inOrder(weights, grads));
        return [(value.dataSync() as Float32Array)[0] as number, acc === undefined ? Number.NaN : ((acc.dataSync() as Float32Array)[0] as number)];
      } finally {
        tf.dispose([value, ...Object.values(grads).filter((g): g is Tfjs.Tensor => g !== null && g !== undefined)]);
        acc?.dispose();
      }
    };

    /** One update of the logits on a validation batch: returns the mixture's loss. */
    const archStep = (xb: Tfjs.Tensor, yb: Tfjs.Tensor, dna: DNA): number => {
      const { value, grads } = tf.variableGrads(() => crossEntropy(tf, yb, supernet.apply(xb, mixtureOf(dna), { training: true })), [...logits.values()]);
      try {
        (archOptimizer as Tfjs.Optimizer).applyGradients(inOrder([...logits.values()], grads));
        return (value.dataSync() as Float32Array)[0] as number;
      } finally {
        tf.dispose([value, ...Object.values(grads).filter((g): g is Tfjs.Tensor => g !== null && g !== undefined)]);
      }
    };

    /** Accuracy of `dna` on a validation batch (the reward of `reinforce`). */
    const batchAccuracy = (xb: Tfjs.Tensor, yb: Tfjs.Tensor, dna: DNA): number => {
      const acc = tf.tidy(() => accuracyOf(tf, yb, supernet.apply(xb, dna, { training: false })));
      try {
        return acc.dataSync()[0] as number;
      } finally {
        acc.dispose();
      }
    };

    // Validation batches, cycling through the validation data in a seeded order.
    let valOrder: number[] = [];
    let valAt = 0;
    let valRound = 0;
    const valBatch = (): [Tfjs.Tensor, Tfjs.Tensor] => {
      if (valX === undefined || valY === undefined) throw new PliantError(API, 'state', 'no validation data');
      if (valAt >= valOrder.length) {
        valOrder = epochOrder(valN, seed, ++valRound, 'validation');
        valAt = 0;
      }
      const take = valOrder.slice(valAt, valAt + batchSize);
      valAt += batchSize;
      return tf.tidy(() => {
        const idx = tf.tensor1d(take, 'int32');
        return [tf.gather(valX, idx), tf.gather(valY, idx)];
      });
    };

    const history: EpochMetrics[] = [];
    let stopped: TrainSupernetResult['stopped'] = 'completed';
    let steps = 0;
    const batchesPerEpoch = Math.ceil(n / batchSize);
    const epochSteps = Math.min(batchesPerEpoch, stepsPerEpoch ?? batchesPerEpoch);
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const warm = epoch <= warmupEpochs;
      const order = options.shuffle === false ? Array.from({ length: n }, (_v, i) => i) : epochOrder(n, seed, epoch);
      let lossSum = 0;
      let accSum = 0;
      let seen = 0;
      let rewardSum = 0;
      let rewards = 0;
      let archSum = 0;
      let archSteps = 0;
      // Dropout draws from Math.random: make it the epoch's seeded stream.
      Math.random = seededRng(`${seed}:dropout:${epoch}`);
      try {
        for (let b = 0; b < epochSteps; b++) {
          const take = order.slice(b * batchSize, (b + 1) * batchSize);
          const [xb, yb] = tf.tidy(() => {
            const idx = tf.tensor1d(take, 'int32');
            return [tf.gather(x, idx), tf.gather(y, idx)];
          });
          try {
            let loss: number;
            let acc: number;
            if (mode === 'uniform' || (mode === 'reinforce' && warm)) {
              [loss, acc] = weightStep(xb, yb, randomDNA(spec, pathRng));
            } else if (mode === 'reinforce') {
              const c = control as SupernetController;
              const dna = c.propose();
              if (dna === undefined) throw new PliantError(API, 'state', `the controller '${c.name}' proposed nothing at step ${steps + 1}`);
              [loss, acc] = weightStep(xb, yb, dna);
              const [vx, vy] = valBatch();
              try {
                const reward = batchAccuracy(vx, vy, dna);
                c.feedback(dna, reward);
                rewardSum += reward;
                rewards++;
              } finally {
                tf.dispose([vx, vy]);
              }
            } else {
              const dna = dartsDNA();
              [loss, acc] = weightStep(xb, yb, () => mixtureOf(dna));
              if (!warm) {
                const [vx, vy] = valBatch();
                try {
                  archSum += archStep(vx, vy, dna);
                  archSteps++;
                } finally {
                  tf.dispose([vx, vy]);
                }
              }
            }
            lossSum += loss * take.length;
            accSum += acc * take.length;
            seen += take.length;
            steps++;
          } finally {
            tf.dispose([xb, yb]);
          }
        }
      } finally {
        Math.random = random;
      }
      const metrics: Record<string, number> = { epoch, loss: lossSum / seen, accuracy: accSum / seen };
      if (rewards > 0) metrics.reward = rewardSum / rewards;
      if (archSteps > 0) metrics.archLoss = archSum / archSteps;
      if (valData !== undefined) {
        const derived = derivedNow();
        const paths = derived !== undefined ? [derived] : fixedPaths.length > 0 ? fixedPaths : [];
        if (paths.length > 0) {
          let va = 0;
          let vl = 0;
          for (const path of paths) {
            const e = await supernet.evaluate(path, valData, { batchSize: evalBatch });
            va += e.accuracy;
            vl += e.loss;
          }
          metrics.valAccuracy = va / paths.length;
          metrics.valLoss = vl / paths.length;
        } else if (rewards > 0) {
          metrics.valAccuracy = rewardSum / rewards;
        }
      }
      const record = Object.freeze(metrics) as EpochMetrics;
      history.push(record);
      let go = true;
      if (options.onEpoch !== undefined) go = (await options.onEpoch(record)) !== false;
      if (options.trial !== undefined) await reportEpoch(API, options.trial, record, reportName);
      if (!go) {
        stopped = 'onEpoch';
        break;
      }
    }

    let derived = derivedNow();
    if (mode === 'uniform' && valData !== undefined && deriveSamples > 0) {
      const rng = seededRng(`${seed}:derive`);
      let best = -Infinity;
      for (let i = 0; i < deriveSamples; i++) {
        const dna = randomDNA(spec, rng);
        const { accuracy } = await supernet.evaluate(dna, valData, { batchSize: evalBatch });
        if (accuracy > best) {
          best = accuracy;
          derived = dna;
        }
      }
    }
    let probabilities: Record<string, readonly number[]> | undefined;
    if (mode === 'darts') {
      probabilities = {};
      for (const [id, v] of logits) {
        const p = tf.softmax(v);
        probabilities[id] = Object.freeze(Array.from(p.dataSync()));
        p.dispose();
      }
    } else if (mode === 'reinforce' && typeof control?.probabilities === 'function') {
      probabilities = {};
      for (const id of spec.decisionIds) {
        if (spec.byId.get(id)?.kind === 'choice') probabilities[id] = Object.freeze([...control.probabilities(id)]);
      }
    }
    return {
      mode,
      history,
      last: history[history.length - 1] as EpochMetrics,
      derived,
      probabilities: probabilities === undefined ? undefined : Object.freeze(probabilities),
      stopped,
      seconds: (performance.now() - start) / 1000,
      steps,
    };
  } finally {
    Math.random = random;
    tf.dispose(made);
    for (const o of owned) o.dispose();
  }
}
