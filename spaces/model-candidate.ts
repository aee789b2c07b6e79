/**
 * What the TensorFlow.js spaces (`mlp`, `cnn`, `nasbench201-cell`) have in common: a candidate is
 * a record `{ model, optimizer, batchSize }` (a symbolic model, a symbolic optimizer, a batch
 * size), the optimizer choice as a sub-space, and `trainCandidate`, the usual objective: build,
 * train with per-epoch reports, evaluate, dispose.
 *
 * ```ts
 * import { asha, search, modelProbe } from 'pliant';
 * import { mlpSpace } from 'pliant/spaces/mlp';
 * import { trainCandidate } from 'pliant/spaces/model-candidate';
 *
 * const result = await search(mlpSpace({ inputShape: [4], classes: 3 }),
 *   async (c, trial) => (await trainCandidate(c, data, { epochs: 20, validation: 0.2, trial })).valAccuracy,
 *   { numTrials: 30, earlyStopping: asha({ maxResource: 20 }), dedupe: { hash: 'functional', probe: modelProbe() } });
 * ```
 */
import { PliantError, build, buildModel, disposeModel, floatv, oneOf, optimizers, train } from 'pliant';
import type { EpochMetrics, Placeholder, SymbolicNode, TrainData, TrialFeedback } from 'pliant';
import type * as Tfjs from '@tensorflow/tfjs';

/** A symbolic tree that builds to an `R`. */
export type SymbolicOf<R> = SymbolicNode<Record<string, unknown>, R>;

/** A symbolic optimizer (`optimizers.adam(0.001)`, ...). */
export type OptimizerNode = SymbolicOf<Tfjs.Optimizer>;

/** The optimizers a space can choose from, by their `tf.train` names. */
export type OptimizerName = 'sgd' | 'momentum' | 'adam' | 'rmsprop' | 'adagrad' | 'adadelta' | 'adamax';

/** A candidate of the TensorFlow.js spaces: the model, how to train it. */
export type ModelCandidate<M extends Tfjs.LayersModel = Tfjs.LayersModel> = {
  /** The model: a symbolic tree that builds to a `tf.LayersModel` (`sequential`, `graph`, ...). */
  readonly model: SymbolicOf<M>;
  /** The optimizer. */
  readonly optimizer: OptimizerNode;
  /** Examples per gradient step. */
  readonly batchSize: number;
};

/**
 * The search-space form of a {@link ModelCandidate}, with hyper values in place of its fields:
 * what `search` and `sample` yield for it (`Concrete<ModelSpace<M>>`) is a `ModelCandidate<M>`.
 */
export type ModelSpace<M extends Tfjs.LayersModel = Tfjs.LayersModel> = {
  readonly model: SymbolicOf<M>;
  readonly optimizer: OptimizerNode | Placeholder<OptimizerNode>;
  readonly batchSize: number | Placeholder<number>;
};

/** Where the learning rate of {@link optimizerChoice} lies (log scale): `[min, max]`. */
export type Range = readonly [number, number];

function optimizerNode(name: OptimizerName, learningRate: number | Placeholder<number>): OptimizerNode {
  switch (name) {
    case 'sgd':
      return optimizers.sgd(learningRate);
    case 'momentum':
      return optimizers.momentum(learningRate, 0.9);
    case 'adam':
      return optimizers.adam(learningRate);
    case 'rmsprop':
      return optimizers.rmsprop(learningRate);
    case 'adagrad':
      return optimizers.adagrad(learningRate);
    case 'adadelta':
      return optimizers.adadelta(learningRate);
    case 'adamax':
      return optimizers.adamax(learningRate);
    default:
      throw new PliantError(
        'optimizerChoice',
        'argument',
        `unknown optimizer '${String(name)}': expected sgd, momentum, adam, rmsprop, adagrad, adadelta or adamax`,
      );
  }
}

/**
 * The optimizer sub-space: a `oneOf` over the named optimizers (momentum with 0.9), each with its
 * own learning rate, a log-scale `floatv` over `learningRate` (a single optimizer is no choice:
 * just it, with its learning-rate decision). A range of one value fixes the rate.
 */
export function optimizerChoice(names: readonly OptimizerName[], learningRate: Range): OptimizerNode | Placeholder<OptimizerNode> {
  const api = 'optimizerChoice';
  if (names.length === 0) throw new PliantError(api, 'argument', 'optimizers must name at least one optimizer');
  const [lo, hi] = learningRate;
  if (!(lo > 0 && hi >= lo)) throw new PliantError(api, 'argument', `learningRate must be [min, max] with 0 < min ≤ max, found [${lo}, ${hi}]`);
  const rate = (): number | Placeholder<number> => (lo === hi ? lo : floatv(lo, hi, { scale: 'log' }));
  const nodes = names.map((n) => optimizerNode(n, rate()));
  return nodes.length === 1 ? (nodes[0] as OptimizerNode) : oneOf(nodes);
}

/** The choice of a batch size (one value is no choice). */
export function batchSizeChoice(sizes: readonly number[]): number | Placeholder<number> {
  if (sizes.length === 0 || !sizes.every((s) => Number.isInteger(s) && s > 0)) {
    throw new PliantError('batchSizeChoice', 'argument', `batchSizes must be positive integers, found ${JSON.stringify(sizes)}`);
  }
  return sizes.length === 1 ? (sizes[0] as number) : oneOf(sizes);
}

/** A value, or a choice among several (one is no choice). */
export function choice<T>(values: readonly T[], what: string, api: string): T | Placeholder<T> {
  if (values.length === 0) throw new PliantError(api, 'argument', `${what} must list at least one value`);
  return values.length === 1 ? (values[0] as T) : (oneOf(values) as unknown as Placeholder<T>);
}

/** Options of {@link trainCandidate}. */
export interface TrainCandidateOptions {
  /** Epochs (at most: early stopping may prune the trial sooner). */
  readonly epochs: number;
  /** Validation data, or the fraction of the training data held out for it (the last examples). */
  readonly validation?: TrainData | number;
  /** Data evaluated once after training, never used for choosing (`testAccuracy`). */
  readonly test?: { readonly x: Tfjs.Tensor; readonly y: Tfjs.Tensor };
  /** The trial to report each epoch's validation accuracy to (early stopping prunes through it). */
  readonly trial?: TrialFeedback;
  /** Seeds the initial weights, the shuffling and dropout (default 0). */
  readonly seed?: number;
  /** Called after each epoch. */
  readonly onEpoch?: (metrics: EpochMetrics) => void;
}

/** What {@link trainCandidate} measured. */
export interface CandidateMetrics {
  /** The last epoch's training accuracy. */
  readonly accuracy: number;
  /** The last epoch's validation accuracy (`NaN` without validation data). */
  readonly valAccuracy: number;
  /** Accuracy on the test data (`NaN` without it). */
  readonly testAccuracy: number;
  /** Epochs trained. */
  readonly epochs: number;
  /** Wall time of training and evaluation, in seconds. */
  readonly seconds: number;
  /** The model's parameter count. */
  readonly params: number;
  readonly [metric: string]: number;
}

/**
 * The usual objective of the TensorFlow.js spaces: builds the candidate's model (weights seeded),
 * trains it with its optimizer and batch size (reporting each epoch's validation accuracy to
 * `trial`, so an early-stopping policy can prune it: `Pruned` propagates), evaluates the test
 * data, and disposes the model and its optimizer whatever happens, so no tensor outlives it.
 * Classification with one-hot targets (categorical cross-entropy, accuracy).
 */
export async function trainCandidate(candidate: ModelCandidate, data: TrainData, options: TrainCandidateOptions): Promise<CandidateMetrics> {
  const seed = options.seed ?? 0;
  const started = performance.now();
  const model: Tfjs.LayersModel = await buildModel(candidate.model, { seed });
  try {
    const optimizer = build(candidate.optimizer);
    const result = await train(model, data, {
      epochs: options.epochs,
      batchSize: candidate.batchSize,
      optimizer,
      seed,
      ...(options.validation === undefined ? {} : { validation: options.validation }),
      ...(options.trial === undefined ? {} : { trial: options.trial }),
      ...(options.onEpoch === undefined ? {} : { onEpoch: options.onEpoch }),
    });
    let testAccuracy = Number.NaN;
    if (options.test !== undefined) {
      const evaluated = model.evaluate(options.test.x, options.test.y, { batchSize: 500 });
      const list = Array.isArray(evaluated) ? evaluated : [evaluated];
      const index = model.metricsNames.findIndex((n) => n === 'acc' || n === 'accuracy');
      testAccuracy = index < 0 ? Number.NaN : ((await (list[index] as Tfjs.Scalar).data())[0] as number);
      for (const t of list) t.dispose();
    }
    return {
      accuracy: result.last.accuracy ?? Number.NaN,
      valAccuracy: result.last.valAccuracy ?? Number.NaN,
      testAccuracy,
      epochs: result.history.length,
      seconds: (performance.now() - started) / 1000,
      params: model.countParams(),
    };
  } finally {
    disposeModel(model);
  }
}
