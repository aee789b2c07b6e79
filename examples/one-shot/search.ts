/**
 * One-shot architecture search on the MNIST CNN space of `examples/mnist`: one supernet holds the
 * weights of every candidate of `cnnSpace()` (widths share the largest candidate's weights by
 * slicing, kernel sizes the centre of the largest kernel, depths the first blocks); it is trained
 * once (`uniform`: one random path per batch; or `reinforce`, `darts`), then hundreds of
 * candidates are ranked by their accuracy with the shared weights on the 1,000 validation digits
 * (milliseconds each), and the best few are retrained standalone (`trainCandidate`) to see what
 * the ranking was worth. Both stages dedupe with the functional cache (`modelProbe`).
 *
 *     npx tsx examples/one-shot/search.ts                      # uniform, 200 candidates, top 3 retrained 2 epochs (about 4 minutes)
 *     npx tsx examples/one-shot/search.ts --mode reinforce --candidates 1000 --top 5 --epochs 3
 *     npx tsx examples/one-shot/search.ts --mode darts --seed 2 --study my-one-shot
 *     npx tsx examples/one-shot/search.ts --digits 2000 --epochs 1  # a quick look on the first 2,000 digits
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fromJSON, loadTf, modelProbe, oneShotSearch } from 'pliant';
import type { OneShotSearchResult, SupernetTrainingMode, TreeValue, TrialFeedback } from 'pliant';
import { cnnSpace } from 'pliant/spaces/cnn';
import type { CnnSpaceOptions } from 'pliant/spaces/cnn';
import { trainCandidate } from 'pliant/spaces/model-candidate';
import type { ModelCandidate } from 'pliant/spaces/model-candidate';
import { MNIST_TRAIN_SIZE, loadMnist, releaseMnist } from '../mnist/data.js';
import { VALIDATION, describe, pct } from '../mnist/objective.js';

/** Options of {@link main}. */
export interface OneShotOptions {
  /** How the supernet is trained (default `uniform`). */
  readonly mode?: SupernetTrainingMode;
  /** The space's options (default: the quick run's narrower space of `examples/mnist`). */
  readonly space?: CnnSpaceOptions;
  /** Epochs of supernet training (default 3). */
  readonly epochs?: number;
  /** Candidates ranked by the shared weights (default 200). */
  readonly candidates?: number;
  /** Candidates retrained standalone (default 3). */
  readonly top?: number;
  /** Epochs of each standalone retraining (default 2). */
  readonly retrainEpochs?: number;
  /** Seeds everything (default 1). */
  readonly seed?: number;
  /** Train and validate on the first this many of the 8,000 training digits (default all; the last 12.5 % validate). */
  readonly digits?: number;
  /** The studies' name (`<study>-rank`, `<study>-retrain` under `.pliant/studies`; default: throwaway studies in memory). */
  readonly study?: string;
  /** Where the lines go (default `console.log`). */
  readonly log?: (line: string) => void;
}

/** The quick run's space of `examples/mnist/search.ts` (the same options). */
export const QUICK_SPACE: CnnSpaceOptions = { maxBlocks: 2, filters: [8, 16, 32], denseUnits: [64, 128], batchSizes: [64, 128] };

/** Kendall's τ-b between two lists of numbers. */
export function kendallTau(a: readonly number[], b: readonly number[]): number {
  let concordant = 0;
  let discordant = 0;
  let tiesA = 0;
  let tiesB = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = i + 1; j < a.length; j++) {
      const da = Math.sign((a[i] as number) - (a[j] as number));
      const db = Math.sign((b[i] as number) - (b[j] as number));
      if (da === 0 && db === 0) continue;
      if (da === 0) tiesA++;
      else if (db === 0) tiesB++;
      else if (da === db) concordant++;
      else discordant++;
    }
  }
  const denominator = Math.sqrt((concordant + discordant + tiesA) * (concordant + discordant + tiesB));
  return denominator === 0 ? Number.NaN : (concordant - discordant) / denominator;
}

/** Runs the one-shot search and prints each top candidate's supernet and standalone accuracies. */
export async function main(options: OneShotOptions = {}): Promise<OneShotSearchResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const mode = options.mode ?? 'uniform';
  const seed = options.seed ?? 1;
  const epochs = options.epochs ?? 3;
  const candidates = options.candidates ?? 200;
  const top = options.top ?? 3;
  const retrainEpochs = options.retrainEpochs ?? 2;
  const { tf, backend } = await loadTf();
  const data = await loadMnist();
  const digits = Math.min(options.digits ?? MNIST_TRAIN_SIZE, MNIST_TRAIN_SIZE);
  const train = digits === MNIST_TRAIN_SIZE ? data.train : { x: tf.slice(data.train.x, [0], [digits]), y: tf.slice(data.train.y, [0], [digits]) };
  const validating = Math.round(digits * VALIDATION);
  const space = cnnSpace(options.space ?? QUICK_SPACE);
  log(
    `one-shot search on MNIST (TensorFlow.js on ${backend}): a '${mode}' supernet trained ${epochs} epochs on ${(digits - validating).toLocaleString('en')} digits, ${candidates} candidates ranked on the ${validating.toLocaleString('en')} validation digits, the top ${top} retrained ${retrainEpochs} epochs`,
  );
  const result = await oneShotSearch(space, {
    data: train,
    validation: VALIDATION,
    mode,
    train: { epochs, batchSize: 64, learningRate: 0.002 },
    numCandidates: candidates,
    topK: top,
    probe: modelProbe(),
    metric: 'valAccuracy',
    seed,
    ...(options.study === undefined ? {} : { study: options.study }),
    retrain: (candidate: ModelCandidate, trial: TrialFeedback) =>
      trainCandidate(candidate, train, { epochs: retrainEpochs, validation: VALIDATION, test: data.test, seed, trial }),
    onStage: (e) => {
      if (e.phase === 'end') log(`  ${e.stage}: ${(e.seconds ?? 0).toFixed(1)} s`);
    },
  });
  if (result.supernet !== undefined) {
    const h = result.supernet.history.map((m) => `${pct(m.valAccuracy)}`).join(', ');
    log(`supernet: ${result.supernet.steps} steps, validation accuracy of its ${mode === 'uniform' ? 'sampled paths' : 'derived path'} by epoch: ${h}`);
    if (result.supernet.derived !== undefined) log(`  derived architecture: ${result.supernet.derived.toString()}`);
  }
  log(`ranked ${result.ranking.trials.length} candidates (${result.ranking.trials.filter((t) => t.cached).length} served by the functional cache)`);
  log('rank  supernet  standalone (validation, test)  candidate');
  for (const t of result.top) {
    const value = t.standalone as Record<string, number> | undefined;
    const candidate = fromJSON(t.candidate) as TreeValue as unknown as ModelCandidate;
    log(
      `${String(t.rank).padStart(4)}  ${pct(t.supernetAccuracy).padStart(8)}  ${pct(value?.valAccuracy)}, ${pct(value?.testAccuracy)}${t.cached ? ' (cached)' : ''}  ${describe(candidate)}`,
    );
  }
  const pairs = result.top.filter((t) => !t.cached && t.standalone !== undefined);
  if (pairs.length >= 3)
    log(
      `Kendall τ of supernet against standalone validation accuracy over the top ${pairs.length}: ${kendallTau(
        pairs.map((t) => t.supernetAccuracy),
        pairs.map((t) => (t.standalone as Record<string, number>).valAccuracy as number),
      ).toFixed(2)} (a handful of near-ties: noisy)`,
    );
  const best = result.best;
  if (best !== undefined) {
    const value = best.standalone as Record<string, number>;
    log(`best: rank ${best.rank}: validation ${pct(value.valAccuracy)}, test ${pct(value.testAccuracy)}, DNA ${best.dna.toString()}`);
  }
  const s = result.seconds;
  log(`time: supernet ${s.supernet.toFixed(0)} s, ranking ${s.ranking.toFixed(0)} s, retraining ${s.retraining.toFixed(0)} s, total ${s.total.toFixed(0)} s`);
  if (train !== data.train) tf.dispose([train.x, train.y]);
  await releaseMnist();
  log(`tensors alive at the end: ${tf.memory().numTensors}`);
  return result;
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}

function numberFlag(name: string): number | undefined {
  const value = flag(name);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} takes a positive integer, found ${value}`);
  return n;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const mode = flag('mode');
  if (mode !== undefined && mode !== 'uniform' && mode !== 'reinforce' && mode !== 'darts')
    throw new Error(`--mode is uniform, reinforce or darts, found ${mode}`);
  const epochs = numberFlag('epochs');
  const candidates = numberFlag('candidates');
  const top = numberFlag('top');
  const retrainEpochs = numberFlag('retrain-epochs');
  const seed = numberFlag('seed');
  const study = flag('study');
  const digits = numberFlag('digits');
  main({
    ...(digits === undefined ? {} : { digits }),
    ...(mode === undefined ? {} : { mode }),
    ...(epochs === undefined ? {} : { epochs }),
    ...(candidates === undefined ? {} : { candidates }),
    ...(top === undefined ? {} : { top }),
    ...(retrainEpochs === undefined ? {} : { retrainEpochs }),
    ...(seed === undefined ? {} : { seed }),
    ...(study === undefined ? {} : { study }),
  }).catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  });
}
