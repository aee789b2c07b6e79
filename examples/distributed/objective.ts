/**
 * The objective of the distributed example, as a module: the `pliant worker` processes load it
 * (`--objective examples/distributed/objective.ts`) and call `objective(candidate, trial)` for each
 * trial they take from the queue. It trains the candidate MLP on iris for a few epochs with
 * TensorFlow.js, reporting each epoch's validation accuracy back to the controller, and returns
 * the validation accuracy with the parameter count and the training time.
 */
import type { TrialFeedback } from 'pliant';
import { trainCandidate } from 'pliant/spaces/model-candidate';
import type { ModelCandidate } from 'pliant/spaces/model-candidate';
import type * as Tfjs from '@tensorflow/tfjs';
import { irisTensors } from '../lib/iris-data.js';

/** Epochs per trial. */
export const EPOCHS = 10;

let data: Promise<{ x: Tfjs.Tensor2D; y: Tfjs.Tensor2D }> | undefined;

/**
 * Trains one candidate (`{ model, optimizer, batchSize }` from `mlpSpace`, rebuilt by the worker
 * from the job's JSON): each epoch's validation accuracy goes to `trial.report`, which travels to
 * the controller and into the study's journal in Redis.
 */
export async function objective(candidate: ModelCandidate, trial: TrialFeedback): Promise<{ accuracy: number; params: number; seconds: number }> {
  data ??= irisTensors();
  const metrics = await trainCandidate(candidate, await data, { epochs: EPOCHS, validation: 0.2, trial, seed: 1 });
  return { accuracy: metrics.valAccuracy, params: metrics.params, seconds: Number(metrics.seconds.toFixed(2)) };
}
