/**
 * The MNIST objective of the TensorFlow.js benchmarks, as a module so worker threads can run it:
 * trains a `cnnSpace` candidate on the 7,000 / 1,000 train / validation digits of the fixed
 * split (reporting each epoch's validation accuracy, so early stopping can prune it) and evaluates
 * the 2,000 test digits. `PLIANT_BENCH_EPOCHS` sets the epochs (default 1), `PLIANT_BENCH_SEED` the
 * seed of weights, shuffling and dropout (default 1).
 */
import type { TrialFeedback } from 'pliant';
import { trainCandidate } from 'pliant/spaces/model-candidate';
import type { CandidateMetrics, ModelCandidate } from 'pliant/spaces/model-candidate';
import { loadMnist } from '../../examples/mnist/data.js';

/** The validation share of the 8,000 training digits (the last 1,000), as in examples/mnist. */
export const VALIDATION = 0.125;

// Load the data when the thread imports the module (while the executor opens), not in the first trial.
await loadMnist();

/** Trains and evaluates one candidate. */
export async function objective(candidate: ModelCandidate, trial: TrialFeedback): Promise<CandidateMetrics> {
  const data = await loadMnist();
  const epochs = Number(process.env.PLIANT_BENCH_EPOCHS ?? 1);
  const seed = Number(process.env.PLIANT_BENCH_SEED ?? 1);
  return trainCandidate(candidate, data.train, { epochs, validation: VALIDATION, test: data.test, seed, trial });
}
