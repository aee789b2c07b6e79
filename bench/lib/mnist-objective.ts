/**
 * The MNIST objective of the TensorFlow.js benchmarks: examples/mnist's objective (train with
 * per-epoch validation reports, then test), as a module worker threads can run, printing its
 * per-trial lines on stderr so stdout keeps only the benchmark's JSON lines.
 * `PLIANT_BENCH_EPOCHS` sets the epochs (default 1), `PLIANT_BENCH_SEED` the seed (default 1).
 */
import { loadMnist } from '../../examples/mnist/data.js';
import { mnistObjective } from '../../examples/mnist/objective.js';

// Load the data when the thread imports the module (while the executor opens), not in the first trial.
await loadMnist();

/** Trains and evaluates one candidate. */
export const objective = mnistObjective({
  epochs: Number(process.env.PLIANT_BENCH_EPOCHS ?? 1),
  seed: Number(process.env.PLIANT_BENCH_SEED ?? 1),
  log: (line) => process.stderr.write(`${line}\n`),
});
