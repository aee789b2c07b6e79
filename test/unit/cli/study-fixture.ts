/**
 * A real study for the study views' tests: an architecture-like space with 13 decisions and a
 * constant, several metrics (one named like a decision), and pruned trials whose intermediate
 * values are plain numbers while final values are records (what `pliant study export` got wrong).
 */
import { Pruned, earlyStopping, floatv, intv, journalStorage, oneOf, random, search } from '../../../src/index.js';
import type { Result, TrialFeedback } from '../../../src/index.js';

const layer = () => ({ units: oneOf([16, 32, 64, 128]), activation: oneOf(['relu', 'tanh', 'gelu']), dropout: floatv(0, 0.5) });

/** The space: 3 layers × 3 decisions, optimizer, learning rate, batch size, epochs; `outputs` is constant. */
export const space = {
  model: { layers: [layer(), layer(), layer()], outputs: 10 },
  optimizer: oneOf(['sgd', 'adam', 'rmsprop']),
  learningRate: floatv(1e-4, 1e-1, { scale: 'log' }),
  batchSize: oneOf([32, 64, 128]),
  epochs: intv(2, 4),
};

interface Layer {
  readonly units: number;
  readonly activation: string;
  readonly dropout: number;
}
interface Candidate {
  readonly model: { readonly layers: readonly Layer[]; readonly outputs: number };
  readonly optimizer: string;
  readonly learningRate: number;
  readonly batchSize: number;
  readonly epochs: number;
}

/** A deterministic score in (0, 1) from the candidate. */
export function score(c: Candidate): number {
  const units = c.model.layers.reduce((n, l) => n + l.units, 0);
  const act = c.model.layers.filter((l) => l.activation === 'relu').length;
  const raw = 0.3 + units / 1000 + act * 0.08 + (c.optimizer === 'adam' ? 0.1 : 0) - Math.abs(Math.log10(c.learningRate) + 2.5) * 0.05;
  return Math.min(0.99, Math.max(0.01, raw));
}

/** Runs the study `name` in the journal folder `studies`: 24 trials, the weakest pruned at their first epoch. */
export async function architectureStudy(studies: string, name = 'arch'): Promise<Result> {
  const below = earlyStopping('below(0.12)', (t) => (t.rewards[t.rewards.length - 1] ?? Infinity) < 0.12);
  return search(
    space,
    async (c: Candidate, trial: TrialFeedback) => {
      const s = score(c);
      for (let epoch = 1; epoch <= c.epochs; epoch++) {
        await trial.report((s * epoch) / c.epochs / (epoch === 1 ? 1.5 : 1), { step: epoch });
        if (trial.shouldStop()) throw new Pruned();
      }
      return {
        accuracy: s,
        loss: 1 - s,
        testAccuracy: s - 0.01,
        seconds: 2.5,
        params: c.model.layers.reduce((n, l) => n + l.units * 100, 0),
        epochs: c.epochs,
      };
    },
    {
      numTrials: 24,
      study: name,
      storage: journalStorage(studies),
      seed: 7,
      metric: 'accuracy',
      direction: 'maximize',
      earlyStopping: below,
      algorithm: random({ seed: 7 }),
    },
  );
}
