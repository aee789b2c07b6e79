/**
 * The smallest end-to-end search: MLPs for iris (`pliant/spaces/mlp`), trained with TensorFlow.js,
 * searched by TPE with successive-halving early stopping and the functional-equivalence cache,
 * in a few seconds. Run with `npm run example:iris` (or `npx tsx examples/iris/index.ts` after
 * `npm run build`); `--trials N` and `--seed S` change the budget and the seed.
 */
import { Pruned, asha, format, fromJSON, loadTf, memoryStorage, modelProbe, search, tpe } from 'pliant';
import type { Result, TreeValue } from 'pliant';
import { mlpSpace } from 'pliant/spaces/mlp';
import { trainCandidate } from 'pliant/spaces/model-candidate';
import { irisTensors } from '../lib/iris-data.js';
import { numberFlags, runIfMain } from '../lib/flags.js';

/** Options of {@link main}. */
export interface IrisOptions {
  /** Evaluated trials (default 12). */
  readonly trials?: number;
  /** Seeds the algorithm, the initial weights and the shuffling (default 1). */
  readonly seed?: number;
  /** Epochs per trial, at most (default 30). */
  readonly epochs?: number;
  /** Where progress lines go (default `console.log`). */
  readonly log?: (line: string) => void;
}

/** What {@link main} found. */
export interface IrisSummary {
  readonly result: Result;
  /** The best trial's validation accuracy. */
  readonly bestAccuracy: number;
  readonly seconds: number;
  /** Tensors alive at the end (0: every model was disposed). */
  readonly tensors: number;
}

/** Runs the search and prints its progress, the best trial and its model. */
export async function main(options: IrisOptions = {}): Promise<IrisSummary> {
  const log = options.log ?? ((line: string) => console.log(line));
  const trials = options.trials ?? 12;
  const seed = options.seed ?? 1;
  const epochs = options.epochs ?? 30;
  const started = performance.now();
  const { tf } = await loadTf();
  const data = await irisTensors();
  const space = mlpSpace({
    inputShape: [4],
    classes: 3,
    maxDepth: 2,
    units: [4, 8, 16, 32],
    optimizers: ['adam', 'rmsprop'],
    learningRate: [1e-3, 1e-1],
    batchSizes: [8, 16, 32],
  });
  let result: Result;
  try {
    result = await search(
      space,
      async (candidate, trial) => {
        const number = String(trial.number).padStart(2);
        let last = { epoch: 0, valAccuracy: Number.NaN };
        try {
          const metrics = await trainCandidate(candidate, data, {
            epochs,
            validation: 0.2,
            trial,
            seed,
            onEpoch: (m) => void (last = { epoch: m.epoch, valAccuracy: m.valAccuracy ?? Number.NaN }),
          });
          log(
            `trial ${number}: validation accuracy ${metrics.valAccuracy.toFixed(3)} after ${metrics.epochs} epochs (${metrics.params} weights, ${metrics.seconds.toFixed(1)} s)`,
          );
          return metrics.valAccuracy;
        } catch (error) {
          if (error instanceof Pruned) log(`trial ${number}: pruned after epoch ${last.epoch} (validation accuracy ${last.valAccuracy.toFixed(3)})`);
          throw error;
        }
      },
      {
        numTrials: trials,
        seed,
        algorithm: tpe({ seed }),
        // successive halving on the per-epoch validation accuracy: rungs at epochs 3, 9 and 27
        earlyStopping: asha({ minResource: 3, reductionFactor: 3, maxResource: epochs }),
        dedupe: { hash: 'functional', probe: modelProbe() },
        storage: memoryStorage(),
      },
    );
  } finally {
    tf.dispose([data.x, data.y]);
  }
  const best = result.best;
  if (best === undefined) throw new Error('no trial completed');
  const pruned = result.trials.filter((t) => t.state === 'pruned').length;
  const cached = result.trials.filter((t) => t.cached).length;
  log(`${result.trials.length} trials: ${result.completed.length} completed, ${pruned} pruned by early stopping, ${cached} served by the functional cache`);
  log(`best validation accuracy ${result.objective(best).toFixed(3)} (trial ${best.number}, DNA ${best.dna.toString()})`);
  log(format(fromJSON(best.candidate) as TreeValue, { indent: 2 }));
  const seconds = (performance.now() - started) / 1000;
  const tensors = tf.memory().numTensors;
  log(`done in ${seconds.toFixed(1)} s; tensors alive: ${tensors}`);
  return { result, bestAccuracy: result.objective(best), seconds, tensors };
}

runIfMain(import.meta.url, () => main(numberFlags(['trials', 'seed'])));
