/**
 * The shapes shared by the supernet (`supernet.ts`), its training (`train-supernet.ts`) and the
 * one-shot flow (`supernet-objective.ts`): one network that holds the weights of every candidate
 * of a space of symbolic layers, run as any of its sub-networks by a DNA, or as a softmax mixture
 * of them (DARTS).
 */
import type { ChoiceDecision, DNASpec } from '../geno/dna-spec.js';
import type { DNA } from '../geno/dna.js';
import type { TreeValue } from '../symbolic/node.js';
import type { TensorLike, TrainData } from './train.js';
import type * as Tfjs from '@tensorflow/tfjs';

/** Options of `supernet(space, options)`. */
export interface SupernetOptions {
  /** Seeds the initial weights (default 0): the same seed gives the same weights. */
  readonly seed?: number;
  /**
   * The key path of the model inside each candidate (default: `model` when candidates are
   * records with a `model` key, else the candidate itself).
   */
  readonly model?: string;
}

/**
 * A relaxed architecture (DARTS): for each choice decision (by its id), the weights of its
 * candidates (a 1-D tensor that sums to 1, usually `softmax(logits)`). A choice the mixture does
 * not list, and every float, integer or custom decision, takes its value from `dna`.
 */
export interface SupernetMixture {
  /** Mixture weights by decision id (`DNASpec.decisionIds`). */
  readonly weights: ReadonlyMap<string, Tfjs.Tensor1D>;
  /** The DNA that settles every decision the mixture does not relax. */
  readonly dna: DNA;
}

/** Options of `supernet.evaluate`. */
export interface SupernetEvaluateOptions {
  /** Examples per forward pass (default 256). */
  readonly batchSize?: number;
  /**
   * Recompute the batch-norm statistics of the sub-network on the first `recalibrate` batches of
   * the data before evaluating (default 0: the running statistics kept per weight slot, updated by
   * every training pass that used the slot).
   */
  readonly recalibrate?: number;
  /**
   * The inputs recalibration reads (default: `data.x`, the data evaluated): give training inputs
   * to keep the evaluation data unseen.
   */
  readonly calibrationData?: TensorLike;
}

/** What `supernet.evaluate` measures. */
export interface SupernetEvaluation {
  /** Share of examples classified right (argmax of the output against argmax of `y`). */
  readonly accuracy: number;
  /** Mean categorical cross-entropy. */
  readonly loss: number;
}

/** A supernet: one network holding the weights of every candidate of a space. */
export interface Supernet {
  /** The space it was built from. */
  readonly space: TreeValue;
  /** The space's DNA spec: the DNA `evaluate`, `subnet` and `apply` take. */
  readonly spec: DNASpec;
  /** The choice decisions the supernet can relax (`SupernetMixture`), in spec order. */
  readonly choices: readonly ChoiceDecision[];
  /** Every shared weight (trainable variables), created once at build time. */
  readonly weights: readonly Tfjs.Variable[];
  /** Number of scalars in `weights`. */
  readonly numParams: number;
  /**
   * The output (class probabilities, softmax) of the sub-network of `path` (a DNA of the space,
   * or a relaxed mixture) on the batch `x`. `training` runs dropout and uses batch statistics.
   * Call inside `tf.tidy` or dispose the result; differentiable with respect to `weights` and
   * to a mixture's weights.
   */
  apply(x: Tfjs.Tensor, path: DNA | SupernetMixture, options?: { readonly training?: boolean }): Tfjs.Tensor;
  /** Accuracy and loss of the sub-network of `dna` on `data`, with the shared weights. */
  evaluate(dna: DNA, data: TrainData, options?: SupernetEvaluateOptions): Promise<SupernetEvaluation>;
  /**
   * The standalone model of `dna` (`build` of the materialized candidate's model) with its
   * weights inherited from the supernet (sliced, centred), ready to fine-tune or evaluate.
   * The caller disposes it.
   */
  subnet(dna: DNA): Promise<Tfjs.LayersModel>;
  /** Frees every weight. */
  dispose(): void;
}
