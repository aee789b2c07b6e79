/**
 * The objective of the MNIST search, as a module, so worker threads can run it
 * (`search.ts --threads 2`): trains a `cnnSpace` candidate on the 7,000 training digits,
 * reporting the validation accuracy on the other 1,000 after every epoch (so early stopping can
 * prune it), evaluates the 2,000 test digits, and prints one line per trial.
 * `PLIANT_MNIST_EPOCHS` (default 3) and `PLIANT_MNIST_SEED` (default 1) configure it, as
 * `search.ts` sets them; the data is loaded once per thread.
 */
import { Pruned } from 'pliant';
import type { SymbolicNode, TrialFeedback } from 'pliant';
import { trainCandidate } from 'pliant/spaces/model-candidate';
import type { CandidateMetrics, ModelCandidate } from 'pliant/spaces/model-candidate';
import { loadMnist } from './data.js';

/** The validation share of the 8,000 training digits: the last 1,000. */
export const VALIDATION = 0.125;

/** A one-line summary of a candidate: its conv blocks, batch norms, head, optimizer and batch size. */
export function describe(candidate: ModelCandidate): string {
  const node = (v: unknown): SymbolicNode => v as SymbolicNode;
  const layers = (node(candidate.model).args as { layers: unknown[] }).layers.map(node);
  const convs = layers
    .filter((l) => l.type.name === 'tf.layers.conv2d')
    .map((l) => `${String(l.args.filters)}@${String(l.args.kernelSize)}x${String(l.args.kernelSize)}`);
  const pools = layers.filter((l) => /pooling2d$/i.test(l.type.name)).map((l) => (l.type.name.includes('max') ? 'max' : 'avg'));
  const bn = layers.filter((l) => l.type.name === 'tf.layers.batchNormalization').length;
  const dense = layers.find((l) => l.type.name === 'tf.layers.dense');
  const dropout = layers.find((l) => l.type.name === 'tf.layers.dropout');
  const optimizer = node(candidate.optimizer);
  return [
    `conv ${convs.map((c, i) => `${c}/${pools[i] ?? '?'}`).join(' ')}${bn > 0 ? ` bn×${bn}` : ''}`,
    `dense ${String(dense?.args.units)} drop ${Number(dropout?.args.rate ?? 0).toFixed(2)}`,
    `${optimizer.type.name.replace('tf.train.', '')} ${Number(optimizer.args.learningRate).toPrecision(2)}`,
    `batch ${candidate.batchSize}`,
  ].join(', ');
}

/** A share as a percentage. */
export function pct(x: number | undefined): string {
  return x === undefined || Number.isNaN(x) ? '  –  ' : `${(100 * x).toFixed(2)}%`;
}

/** Options of {@link mnistObjective}. */
export interface MnistObjectiveOptions {
  /** The most epochs a trial trains. */
  readonly epochs: number;
  /** Seeds the initial weights, the shuffling and dropout. */
  readonly seed: number;
  /** Where the per-trial lines go. */
  readonly log: (line: string) => void;
}

/** The objective of the search: train, validate each epoch, test, and print a line. */
export function mnistObjective(options: MnistObjectiveOptions): (candidate: ModelCandidate, trial: TrialFeedback) => Promise<CandidateMetrics> {
  return async (candidate, trial) => {
    const data = await loadMnist();
    const label = `trial ${String(trial.number).padStart(2)} ${describe(candidate)}`;
    let last = { epoch: 0, valAccuracy: Number.NaN };
    try {
      const metrics = await trainCandidate(candidate, data.train, {
        epochs: options.epochs,
        validation: VALIDATION,
        test: data.test,
        seed: options.seed,
        trial,
        onEpoch: (m) => void (last = { epoch: m.epoch, valAccuracy: m.valAccuracy ?? Number.NaN }),
      });
      options.log(
        `${label}: validation ${pct(metrics.valAccuracy)}, test ${pct(metrics.testAccuracy)} after ${metrics.epochs} epochs, ${metrics.seconds.toFixed(0)} s`,
      );
      return metrics;
    } catch (error) {
      if (error instanceof Pruned || (error instanceof Error && error.name === 'Pruned'))
        options.log(`${label}: pruned after epoch ${last.epoch} (validation ${pct(last.valAccuracy)})`);
      else options.log(`${label}: failed: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  };
}

/** The objective as worker threads run it (configured by `PLIANT_MNIST_EPOCHS` / `PLIANT_MNIST_SEED`). */
export const objective = mnistObjective({
  epochs: Number(process.env.PLIANT_MNIST_EPOCHS ?? 3),
  seed: Number(process.env.PLIANT_MNIST_SEED ?? 1),
  log: (line) => console.log(line),
});
