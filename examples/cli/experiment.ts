/**
 * An experiment module for the `pliant` command: it exports the space, the objective and default
 * options, and `pliant search examples/cli/experiment.ts` runs it (on the embedded journal,
 * resumable by running it again). The objective is a quick synthetic one with intermediate
 * reports, so early stopping has something to stop.
 */
import { Pruned, floatv, intv, medianStopping, oneOf } from 'pliant';
import type { TrialFeedback } from 'pliant';

export const space = {
  learningRate: floatv(1e-4, 1e-1, { scale: 'log' }),
  activation: oneOf(['relu', 'tanh', 'gelu']),
  width: intv(8, 256),
  dropout: floatv(0, 0.5),
};

/** A made-up accuracy curve: best near a learning rate of 0.003, relu, 128 units, a little dropout. */
export async function objective(c: { learningRate: number; activation: string; width: number; dropout: number }, trial: TrialFeedback): Promise<number> {
  const peak =
    0.95 -
    0.08 * Math.abs(Math.log10(c.learningRate) + 2.5) -
    (c.activation === 'relu' ? 0 : 0.03) -
    Math.abs(Math.log2(c.width / 128)) * 0.01 -
    Math.abs(c.dropout - 0.1) * 0.05;
  let accuracy = 0;
  for (let epoch = 1; epoch <= 5; epoch++) {
    accuracy = peak * (1 - Math.exp(-epoch / 1.5));
    await trial.report(accuracy);
    if (trial.shouldStop()) throw new Pruned(); // early stopping: the trial ends as pruned
  }
  return accuracy;
}

export const options = { numTrials: 30, earlyStopping: medianStopping({ minTrials: 5 }) };
