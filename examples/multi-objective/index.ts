/**
 * Accuracy against latency: NSGA-II searches MLPs for iris (`pliant/spaces/mlp`, how many hidden
 * layers and how wide) for two objectives at once, the validation accuracy (maximised) and the
 * inference latency measured on this machine (minimised), and prints the Pareto front: the
 * architectures no other one beats on both. Run with `npm run example:multi-objective` (or
 * `npx tsx examples/multi-objective/index.ts` after `npm run build`); `--trials N`, `--seed S`,
 * `--population P` and `--epochs E` change the budget, the seed, NSGA-II's population and the
 * training; `--minimize params` trades accuracy against the parameter count instead (exact, where
 * a latency is a noisy measurement).
 */
import { build, buildModel, disposeModel, hardwareMetrics, loadTf, memoryStorage, nsga2, search, train } from 'pliant';
import type { HardwareMetrics, Result, Trial } from 'pliant';
import { mlpSpace } from 'pliant/spaces/mlp';
import type { ModelCandidate } from 'pliant/spaces/model-candidate';
import type * as Tfjs from '@tensorflow/tfjs';
import { irisTensors } from '../lib/iris-data.js';
import { numberFlags, runIfMain, stringFlag } from '../lib/flags.js';

/** Options of {@link main}. */
export interface MultiObjectiveOptions {
  /** Evaluated trials (default 40: NSGA-II's random generation 0, then three bred ones). */
  readonly trials?: number;
  /** Seeds NSGA-II, the initial weights and the shuffling (default 1). */
  readonly seed?: number;
  /** NSGA-II's population: parents kept, and feedbacks per generation (default 10). */
  readonly population?: number;
  /** Training epochs per trial (default 4: few enough that the smallest models fall behind). */
  readonly epochs?: number;
  /** The second objective, minimised (default `latency`). */
  readonly minimize?: 'latency' | 'params';
  /** Where progress lines go (default `console.log`). */
  readonly log?: (line: string) => void;
}

/** One point of the Pareto front. */
export interface FrontPoint {
  readonly trial: number;
  readonly accuracy: number;
  /** Median milliseconds to score a batch of {@link LATENCY_BATCH} flowers. */
  readonly latency: number;
  readonly params: number;
  /** `4 → 16 relu → 3`: the input, each hidden layer, the softmax output. */
  readonly architecture: string;
}

/** What {@link main} found. */
export interface MultiObjectiveSummary {
  readonly result: Result;
  /** The Pareto front, by the second objective (smallest first). */
  readonly front: readonly FrontPoint[];
  readonly seconds: number;
  /** Tensors alive at the end (0: every model was disposed). */
  readonly tensors: number;
}

/**
 * Latency is measured on a batch of 256 flowers: one flower through any of these small MLPs takes
 * some 0.04 ms on the wasm backend, nearly all of it fixed overhead, and the widths would not show.
 */
export const LATENCY_BATCH = 256;

/** `4 → 64 relu → 8 tanh → 3`, read off a candidate's symbolic model. */
function architecture(candidate: ModelCandidate): string {
  const layers = (candidate.model.args as { layers: { args: { units: number; activation: string } }[] }).layers.map((l) => l.args);
  const hidden = layers.slice(0, -1).map((l) => `${l.units} ${l.activation}`);
  return ['4', ...hidden, String(layers[layers.length - 1]?.units)].join(' → ');
}

/** Runs the search, and prints every trial and then the Pareto front. */
export async function main(options: MultiObjectiveOptions = {}): Promise<MultiObjectiveSummary> {
  const log = options.log ?? ((line: string) => console.log(line));
  const trials = options.trials ?? 40;
  const seed = options.seed ?? 1;
  const population = options.population ?? 10;
  const epochs = options.epochs ?? 4;
  const minimize = options.minimize ?? 'latency';
  const started = performance.now();
  const { tf } = await loadTf();
  const data = await irisTensors();
  // Only the architecture is searched: 1 to 3 hidden layers of 2 to 256 units, relu or tanh.
  // The training is fixed and short (adam at 0.01, batches of 16, no dropout, 4 epochs), so the
  // trade-off shown is the architecture's: iris is easy, and trained longer even 2 units reach 100%.
  const space = mlpSpace({
    inputShape: [4],
    classes: 3,
    maxDepth: 3,
    units: [2, 4, 8, 16, 32, 64, 128, 256],
    activations: ['relu', 'tanh'],
    dropout: false,
    optimizers: ['adam'],
    learningRate: [0.01, 0.01],
    batchSizes: [16],
  });
  const algorithm = nsga2({ populationSize: population, seed });
  const second = minimize === 'latency' ? `latency (ms per batch of ${LATENCY_BATCH} flowers)` : 'parameter count';
  log(`searching ${trials} MLPs for iris with NSGA-II (population ${population}, ${epochs} epochs each): validation accuracy up, ${second} down`);
  const architectures = new Map<number, string>(); // trial number → architecture
  const evaluatedAs = new Map<string, number>(); // candidate hash → the trial that evaluated it
  let result: Result;
  try {
    result = await search(
      space,
      async (candidate, trial): Promise<HardwareMetrics> => {
        const model = await buildModel(candidate.model, { seed });
        try {
          const { last } = await train(model, data, { epochs, batchSize: candidate.batchSize, validation: 0.2, optimizer: build(candidate.optimizer), seed });
          // the accuracy, the median latency of 30 timed forward passes (after 50 untimed ones), the parameter count
          const metrics = await hardwareMetrics(model, last.valAccuracy ?? Number.NaN, { batchSize: LATENCY_BATCH, runs: 30, warmup: 50 });
          architectures.set(trial.number, architecture(candidate));
          return metrics;
        } finally {
          disposeModel(model);
        }
      },
      {
        numTrials: trials,
        seed,
        algorithm,
        // Two objectives, read from the record the objective returns: `accuracy` is maximised,
        // `latency` (or `params`) minimised; the other metrics are recorded with the trial.
        metric: ['accuracy', minimize],
        direction: ['maximize', 'minimize'],
        // NSGA-II proposes the same architecture again and again: train and time each one once
        dedupe: 'structural',
        storage: memoryStorage(),
        onTrialEnd: (trial) => {
          if (trial.hash !== undefined && !trial.cached) evaluatedAs.set(trial.hash, trial.number);
          const first = trial.cached && trial.hash !== undefined ? evaluatedAs.get(trial.hash) : undefined;
          const m = typeof trial.value === 'object' ? trial.value : {};
          log(
            `trial ${String(trial.number).padStart(2)}: accuracy ${(m.accuracy ?? Number.NaN).toFixed(3)}, latency ${(m.latency ?? Number.NaN).toFixed(3)} ms, ` +
              `${String(m.params).padStart(6)} params  ${architectures.get(first ?? trial.number) ?? '?'}${first === undefined ? '' : `  (trial ${first} again: from the cache)`}`,
          );
        },
      },
    );
  } finally {
    tf.dispose([data.x, data.y]);
  }
  const metricOf = (t: Trial, name: string): number => (typeof t.value === 'object' ? (t.value[name] ?? Number.NaN) : Number.NaN);
  // `paretoFront`: the completed trials that no other one dominates (as good on both objectives, better on one)
  // (trials the dedupe cache served repeat an evaluated trial's point: only the evaluated ones are shown)
  const paretoFront = result.paretoFront;
  const front: FrontPoint[] = paretoFront
    .filter((t) => !t.cached)
    .map((t) => ({
      trial: t.number,
      accuracy: metricOf(t, 'accuracy'),
      latency: metricOf(t, 'latency'),
      params: metricOf(t, 'params'),
      architecture: architectures.get(t.number) ?? '?',
    }))
    .sort((a, b) => a[minimize] - b[minimize] || b.accuracy - a.accuracy);
  const cached = result.trials.filter((t) => t.cached).length;
  log(
    `${result.trials.length} trials: ${result.evaluated.length} evaluated, ${cached} repeated architectures served by the dedupe cache; NSGA-II completed ${algorithm.generation} generations of ${population} (the first one random)`,
  );
  const repeats = paretoFront.length - front.length;
  log(
    `Pareto front: ${front.length} architecture${front.length === 1 ? '' : 's'} that no other trial beats on both accuracy and ${minimize}` +
      `${repeats === 0 ? '' : ` (and ${repeats} cached repeat${repeats === 1 ? '' : 's'} of them)`}, ${minimize === 'latency' ? 'fastest' : 'smallest'} first`,
  );
  log(`  trial  accuracy  latency (ms)  params  architecture`);
  for (const p of front) {
    log(
      `  ${String(p.trial).padStart(5)}  ${p.accuracy.toFixed(3).padStart(8)}  ${p.latency.toFixed(3).padStart(12)}  ${String(p.params).padStart(6)}  ${p.architecture}`,
    );
  }
  const seconds = (performance.now() - started) / 1000;
  const tensors = tf.memory().numTensors;
  log(`done in ${seconds.toFixed(1)} s; tensors alive: ${tensors}`);
  return { result, front, seconds, tensors };
}

runIfMain(import.meta.url, () => {
  const options: { -readonly [K in keyof MultiObjectiveOptions]: MultiObjectiveOptions[K] } = numberFlags(['trials', 'seed', 'population', 'epochs']);
  const minimize = stringFlag('minimize');
  if (minimize !== undefined) {
    if (minimize !== 'latency' && minimize !== 'params') throw new Error('--minimize takes latency or params');
    options.minimize = minimize;
  }
  return main(options);
});
