/**
 * One-shot search: rank the candidates of a space by the shared weights of its supernet
 * (`supernetObjective`, an objective of the shape `search` takes), then retrain the best few
 * standalone (`oneShotSearch`, the whole flow), with the functional-equivalence cache in both
 * stages.
 */
import { replayHistory } from '../algorithms/algorithm.js';
import type { Algorithm, HistoryEntry } from '../algorithms/algorithm.js';
import type { EarlyStopping } from '../algorithms/early-stopping/early-stopping.js';
import { grid } from '../algorithms/grid-search.js';
import { random } from '../algorithms/random-search.js';
import { PliantError } from '../base/errors.js';
import type { Measurement } from '../base/measurement.js';
import { checkOptions } from '../base/options.js';
import type { ObjectiveFunction, TrialFeedback } from '../executors/executor.js';
import type { DNASpec } from '../geno/dna-spec.js';
import type { DNA } from '../geno/dna.js';
import { dnaSpec } from '../geno/template.js';
import type { Dedupe } from '../hashing/dedupe.js';
import type { AsyncProbe, Probe } from '../hashing/functional-hash.js';
import type { Storage } from '../storage/storage.js';
import type { TreeValue } from '../symbolic/node.js';
import type { JsonValue } from '../symbolic/json.js';
import type { Result } from '../tuning/result.js';
import type { CandidateOf } from '../tuning/sample.js';
import { search } from '../tuning/search.js';
import type { Trial } from '../tuning/trial.js';
import { loadTf } from './load-tf.js';
import { supernet as buildSupernet } from './supernet.js';
import type { Supernet, SupernetOptions } from './supernet-types.js';
import { splitData } from './train-common.js';
import { trainSupernet } from './train-supernet.js';
import type { SupernetTrainingMode, TrainSupernetOptions, TrainSupernetResult } from './train-supernet.js';
import type { TensorLike, TrainData } from './train.js';
import type * as Tfjs from '@tensorflow/tfjs';

/** What {@link supernetObjective} measures: a record `search` takes as a measurement. */
export type SupernetScore = { readonly accuracy: number; readonly loss: number };

/** Options of {@link supernetObjective}. */
export interface SupernetObjectiveOptions {
  /** Examples per evaluation batch (default 256). */
  readonly batchSize?: number;
  /**
   * Batches over which each sub-network's batch-norm statistics are recomputed before it is
   * scored (default 4; 0 scores with the supernet's running statistics, which every path shared
   * in training and so fit none of them: on NAS-Bench-201 cells that ranks poorly). See
   * `supernet.evaluate`'s `recalibrate`.
   */
  readonly recalibrate?: number;
  /** The inputs the statistics are recomputed on (default: `data.x`; only inputs, never labels, are used). */
  readonly calibrationData?: TensorLike;
}

/**
 * An objective for `search` that scores a candidate by the supernet's shared weights: the
 * sub-network of the trial's DNA (`trial.dna`, so the space searched must be the supernet's) is
 * evaluated on `data` (`supernet.evaluate`), and the objective returns `{ accuracy, loss }`
 * (search with `metric: 'accuracy'`). Milliseconds a candidate instead of a training run:
 *
 * ```ts
 * const net = await supernet(space, { seed: 1 });
 * await trainSupernet(net, train, { mode: 'uniform', epochs: 3, validation });
 * const ranked = await search(space, supernetObjective(net, validation), { numTrials: 1000, metric: 'accuracy', algorithm: random({ seed: 1 }) });
 * ```
 */
export function supernetObjective<C = unknown>(
  supernet: Supernet,
  data: TrainData,
  options: SupernetObjectiveOptions = {},
): (candidate: C, trial: TrialFeedback) => Promise<SupernetScore> {
  const api = 'supernetObjective';
  checkOptions(api, options, ['batchSize', 'recalibrate', 'calibrationData']);
  if (typeof supernet !== 'object' || supernet === null || typeof supernet.evaluate !== 'function')
    throw new PliantError(api, 'argument', 'the first argument must be a supernet (from `supernet(space)`)');
  if (typeof data !== 'object' || data === null || data.x === undefined || data.y === undefined)
    throw new PliantError(api, 'argument', 'data must be { x, y }: the examples candidates are scored on', { path: 'data' });
  const batchSize = options.batchSize ?? 256;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new PliantError(api, 'argument', `batchSize must be a positive integer, found ${String(batchSize)}`, { path: 'batchSize' });
  const recalibrate = options.recalibrate ?? 4;
  if (!Number.isInteger(recalibrate) || recalibrate < 0)
    throw new PliantError(api, 'argument', `recalibrate must be a number of batches ≥ 0, found ${String(recalibrate)}`, { path: 'recalibrate' });
  const calibration = { recalibrate, ...(options.calibrationData === undefined ? {} : { calibrationData: options.calibrationData }) };
  return async (_candidate, trial) => {
    const { accuracy, loss } = await supernet.evaluate(trial.dna, data, { batchSize, ...calibration });
    return { accuracy, loss };
  };
}

/** Options of {@link oneShotSearch}; `C` is the candidate type. */
export interface OneShotSearchOptions<C = unknown> {
  /** The training data of the supernet. */
  readonly data: TrainData;
  /**
   * The validation data, or the fraction of `data` held out for it (the last examples): the
   * rewards of `reinforce`, the logits' batches of `darts`, and the data candidates are ranked on.
   */
  readonly validation: TrainData | number;
  /** How the supernet is trained (default `'uniform'`). */
  readonly mode?: SupernetTrainingMode;
  /**
   * Options of `supernet(space)` (default: `seed` the search's seed), or a supernet of `space`
   * already built (it is trained, and stays the caller's: not disposed).
   */
  readonly supernet?: SupernetOptions | Supernet;
  /** The supernet's training (`epochs` is required; `mode`, `validation` and `seed` come from here). */
  readonly train: Omit<TrainSupernetOptions, 'mode' | 'validation' | 'trial' | 'seed'>;
  /**
   * How many candidates are ranked by the shared weights (default 1,000; at most the size of a
   * finite space, which is then enumerated).
   */
  readonly numCandidates?: number;
  /** The algorithm that proposes the candidates to rank (default: `random({ seed })`, or `grid()` for a finite space no larger than `numCandidates`). */
  readonly algorithm?: Algorithm;
  /** How many of the best-ranked distinct candidates (by DNA) are retrained standalone (default 5). */
  readonly topK?: number;
  /**
   * The standalone objective of the second stage: `(candidate, trial) => measurement`, such as
   * `trainCandidate` (it may report epochs to `trial`, so `earlyStopping` prunes).
   */
  readonly retrain: ObjectiveFunction<C>;
  /** The metric of `retrain`'s measurements, when they are records (as `search`'s `metric`). */
  readonly metric?: string;
  /** Whether `retrain`'s metric is maximised (default) or minimised. */
  readonly direction?: 'maximize' | 'minimize';
  /** The early-stopping policy of the retraining stage. */
  readonly earlyStopping?: EarlyStopping;
  /**
   * A probe for the functional hash (`modelProbe()`): both stages then dedupe functionally
   * (`{ hash: 'functional', probe }`), so equivalent candidates are ranked once and retrained once.
   */
  readonly probe?: Probe<C> | AsyncProbe<C>;
  /** Any other `dedupe` of `search`, for both stages (each stage gets its own cache; give no `cache`). */
  readonly dedupe?: Dedupe<C>;
  /**
   * The study's name: the stages are the studies `<study>-rank` and `<study>-retrain`, so a
   * rerun resumes them (a finished ranking stage is not redone and needs no supernet training).
   * Default: throwaway studies.
   */
  readonly study?: string;
  /** Where the studies live (as `search`'s `storage`). */
  readonly storage?: Storage;
  /** The seed of the supernet, its training, the ranking algorithm (default 0). */
  readonly seed?: number;
  /** Show `search`'s progress bars (as `search`'s `progress`). */
  readonly progress?: boolean;
  /** Called as each stage starts and ends, for logs. */
  readonly onStage?: (event: OneShotStageEvent) => void;
}

/** What {@link OneShotSearchOptions.onStage} hears. */
export interface OneShotStageEvent {
  /** The stage. */
  readonly stage: 'supernet' | 'ranking' | 'retraining';
  /** Whether it starts or has ended. */
  readonly phase: 'start' | 'end';
  /** At the end: the stage's wall time, in seconds. */
  readonly seconds?: number;
}

/** One of the top candidates of a one-shot search. */
export interface OneShotCandidate {
  /** Its DNA in the space. */
  readonly dna: DNA;
  /** The candidate, as the studies record it (JSON of the symbolic tree). */
  readonly candidate: JsonValue;
  /** Its rank by supernet accuracy (1: the best). */
  readonly rank: number;
  /** Its accuracy with the supernet's shared weights, on the validation data. */
  readonly supernetAccuracy: number;
  /** Its loss with the shared weights. */
  readonly supernetLoss: number;
  /** What `retrain` measured for it (`undefined` when its trial failed or was pruned without a value). */
  readonly standalone: Measurement | undefined;
  /** Its trial in the retraining stage. */
  readonly trial: Trial | undefined;
  /** Whether the retraining stage served it from the functional cache (an equivalent candidate was retrained). */
  readonly cached: boolean;
}

/** What {@link oneShotSearch} returns. */
export interface OneShotSearchResult {
  /** The supernet's training (`undefined` when a resumed, finished ranking stage needed none). */
  readonly supernet: TrainSupernetResult | undefined;
  /** The ranking stage: every candidate scored by the shared weights (`metric` `accuracy`). */
  readonly ranking: Result;
  /** The retraining stage: the top candidates trained standalone. */
  readonly retraining: Result;
  /** The top candidates, best-ranked first, with both stages' measurements. */
  readonly top: readonly OneShotCandidate[];
  /** The best top candidate by its standalone measurement (`undefined` when none completed). */
  readonly best: OneShotCandidate | undefined;
  /** Wall time of each stage and of the whole, in seconds. */
  readonly seconds: { readonly supernet: number; readonly ranking: number; readonly retraining: number; readonly total: number };
}

const OPTIONS: readonly string[] = [
  'data',
  'validation',
  'mode',
  'supernet',
  'train',
  'numCandidates',
  'algorithm',
  'topK',
  'retrain',
  'metric',
  'direction',
  'earlyStopping',
  'probe',
  'dedupe',
  'study',
  'storage',
  'seed',
  'progress',
  'onStage',
];

/** An algorithm that proposes `dnas` in order, then nothing (the retraining stage's). */
function replay(dnas: readonly DNA[]): Algorithm {
  let at = 0;
  const algorithm: Algorithm = {
    name: 'replay',
    multiObjective: true,
    setup(spec: DNASpec): void {
      for (const d of dnas) spec.validate(d);
      at = 0;
    },
    propose(): DNA | undefined {
      return dnas[at++];
    },
    feedback(): void {},
    recover(history: readonly HistoryEntry[]): void {
      replayHistory(algorithm, history);
    },
  };
  return algorithm;
}

/**
 * The whole one-shot flow on a space of symbolic layers (candidates `{ model, ... }` or models):
 *
 * 1. builds the space's supernet and trains it (`trainSupernet`, `mode`);
 * 2. ranks `numCandidates` candidates by their accuracy with the shared weights on the validation
 *    data: `search(space, supernetObjective(...), { algorithm, numTrials, dedupe })`;
 * 3. retrains the `topK` best distinct candidates standalone with `retrain` (such as
 *    `trainCandidate`), in a second `search` that replays them;
 *
 * and returns both stages' results, each top candidate's supernet accuracy beside its standalone
 * measurement, and the time of each stage. With `probe` (or `dedupe`), both stages use the
 * functional cache: a candidate equivalent to one already ranked or retrained is not evaluated
 * again. With `study`, the stages are resumable studies (`<study>-rank`, `<study>-retrain`).
 *
 * ```ts
 * const result = await oneShotSearch(cnnSpace(), {
 *   data: mnist.train, validation: 0.125, mode: 'uniform', train: { epochs: 3, batchSize: 64 },
 *   numCandidates: 1000, topK: 5, probe: modelProbe(), metric: 'valAccuracy',
 *   retrain: (c, trial) => trainCandidate(c, mnist.train, { epochs: 3, validation: 0.125, trial }),
 * });
 * for (const t of result.top) console.log(t.supernetAccuracy, t.standalone);
 * ```
 *
 * @throws PliantError (`argument`, naming `oneShotSearch` and the option) for bad options.
 */
export async function oneShotSearch<S extends TreeValue>(space: S, options: OneShotSearchOptions<CandidateOf<S>>): Promise<OneShotSearchResult> {
  const api = 'oneShotSearch';
  if (options === undefined || options === null) throw new PliantError(api, 'argument', 'options are required: at least data, validation, train and retrain');
  checkOptions(api, options, OPTIONS);
  const fail = (message: string, path: string): PliantError => new PliantError(api, 'argument', message, { path });
  if (typeof options.data !== 'object' || options.data === null) throw fail('data must be { x, y }', 'data');
  if (options.validation === undefined) throw fail('validation is required: data, or the fraction of data to hold out', 'validation');
  if (typeof options.train !== 'object' || options.train === null) throw fail("train must give the supernet's training options (at least epochs)", 'train');
  if (typeof options.retrain !== 'function') throw fail('retrain must be a function (candidate, trial) => measurement, such as trainCandidate', 'retrain');
  const numCandidates = options.numCandidates ?? 1000;
  if (!Number.isInteger(numCandidates) || numCandidates < 1)
    throw fail(`numCandidates must be a positive integer, found ${String(numCandidates)}`, 'numCandidates');
  const topK = options.topK ?? 5;
  if (!Number.isInteger(topK) || topK < 1) throw fail(`topK must be a positive integer, found ${String(topK)}`, 'topK');
  const seed = options.seed ?? 0;
  if (options.probe !== undefined && options.dedupe !== undefined) throw fail('give probe or dedupe, not both', 'dedupe');
  if (options.probe !== undefined && typeof options.probe !== 'function') throw fail('probe must be a function (such as modelProbe())', 'probe');
  if (typeof options.dedupe === 'object' && options.dedupe !== null && 'cache' in options.dedupe && options.dedupe.cache !== undefined)
    throw fail('dedupe.cache cannot be shared by the two stages (their values differ): leave it out', 'dedupe');
  const dedupe: Dedupe<CandidateOf<S>> | undefined =
    options.probe !== undefined ? { hash: 'functional', probe: options.probe as AsyncProbe<CandidateOf<S>> } : options.dedupe;
  const spec = dnaSpec(space);
  const finite = spec.spaceSize >= 0 && spec.spaceSize <= numCandidates;
  const algorithm = options.algorithm ?? (finite ? grid() : random({ seed }));
  const numTrials = finite ? spec.spaceSize : numCandidates;
  const stage = options.onStage ?? (() => undefined);

  const { tf } = await loadTf();
  const started = performance.now();
  const made: Tfjs.Tensor[] = [];
  let net: Supernet | undefined;
  let supplied: Supernet | undefined;
  let trained: TrainSupernetResult | undefined;
  let supernetSeconds = 0;
  try {
    const split = splitData(tf, options.data, options.validation, made, api);
    const trainData: TrainData = { x: split.x, y: split.y };
    const valData: TrainData = { x: split.valX as Tfjs.Tensor, y: split.valY as Tfjs.Tensor };
    // The supernet is built and trained when the ranking stage first needs it: a resumed study
    // whose ranking is complete needs none.
    let ready: Promise<Supernet> | undefined;
    const theSupernet = (): Promise<Supernet> => {
      ready ??= (async () => {
        stage({ stage: 'supernet', phase: 'start' });
        const t0 = performance.now();
        const given = options.supernet;
        if (given !== undefined && typeof (given as Partial<Supernet>).apply === 'function') {
          supplied = given as Supernet;
          if (supplied.spec.decisionIds.join('\n') !== spec.decisionIds.join('\n'))
            throw new PliantError(api, 'argument', "the supernet given is not the space's: their decisions differ", { path: 'supernet' });
        } else net = await buildSupernet(space, { seed, ...(given as SupernetOptions | undefined) });
        const used = (supplied ?? net) as Supernet;
        trained = await trainSupernet(used, trainData, { ...options.train, mode: options.mode ?? 'uniform', validation: valData, seed });
        supernetSeconds = (performance.now() - t0) / 1000;
        stage({ stage: 'supernet', phase: 'end', seconds: supernetSeconds });
        return used;
      })();
      return ready;
    };
    let objective: ((c: CandidateOf<S>, t: TrialFeedback) => Promise<SupernetScore>) | undefined;
    const rankObjective = async (candidate: CandidateOf<S>, trial: TrialFeedback): Promise<SupernetScore> => {
      objective ??= supernetObjective<CandidateOf<S>>(await theSupernet(), valData);
      return objective(candidate, trial);
    };

    const common = {
      seed,
      ...(options.storage === undefined ? {} : { storage: options.storage }),
      ...(options.progress === undefined ? {} : { progress: options.progress }),
    };
    const rankStart = performance.now();
    stage({ stage: 'ranking', phase: 'start' });
    const ranking = await search(space, rankObjective, {
      ...common,
      numTrials,
      algorithm,
      metric: 'accuracy',
      ...(dedupe === undefined ? {} : { dedupe }),
      ...(options.study === undefined ? {} : { study: `${options.study}-rank` }),
    });
    const rankingSeconds = (performance.now() - rankStart) / 1000 - supernetSeconds;
    stage({ stage: 'ranking', phase: 'end', seconds: rankingSeconds });
    if (net !== undefined) {
      (net as Supernet).dispose();
      net = undefined;
    }

    // The best distinct candidates (by DNA), best first; ties keep trial order.
    const scored = ranking.completed
      .map((t) => ({ t, value: t.value as Readonly<Record<string, number>> }))
      .filter(({ value }) => typeof value.accuracy === 'number' && Number.isFinite(value.accuracy))
      .sort((a, b) => (b.value.accuracy as number) - (a.value.accuracy as number) || a.t.number - b.t.number);
    const chosen: { t: Trial; value: Readonly<Record<string, number>> }[] = [];
    const seen = new Set<string>();
    for (const s of scored) {
      const key = s.t.dna.toString();
      if (seen.has(key)) continue;
      seen.add(key);
      chosen.push(s);
      if (chosen.length === topK) break;
    }

    const retrainStart = performance.now();
    stage({ stage: 'retraining', phase: 'start' });
    const retraining = await search(space, options.retrain, {
      ...common,
      numTrials: Math.max(1, chosen.length),
      algorithm: replay(chosen.map((c) => c.t.dna)),
      ...(dedupe === undefined ? {} : { dedupe }),
      ...(options.metric === undefined ? {} : { metric: options.metric }),
      ...(options.direction === undefined ? {} : { direction: options.direction }),
      ...(options.earlyStopping === undefined ? {} : { earlyStopping: options.earlyStopping }),
      ...(options.study === undefined ? {} : { study: `${options.study}-retrain` }),
    });
    const retrainingSeconds = (performance.now() - retrainStart) / 1000;
    stage({ stage: 'retraining', phase: 'end', seconds: retrainingSeconds });

    const byDNA = new Map<string, Trial>();
    for (const t of retraining.trials) if (!byDNA.has(t.dna.toString()) || t.state === 'completed') byDNA.set(t.dna.toString(), t);
    const top: OneShotCandidate[] = chosen.map(({ t, value }, i) => {
      const trial = byDNA.get(t.dna.toString());
      return Object.freeze({
        dna: t.dna,
        candidate: t.candidate,
        rank: i + 1,
        supernetAccuracy: value.accuracy as number,
        supernetLoss: value.loss ?? Number.NaN,
        standalone: trial?.value,
        trial,
        cached: trial?.cached ?? false,
      });
    });
    const bestTrial = retraining.best;
    const best = bestTrial === undefined ? undefined : top.find((c) => c.dna.toString() === bestTrial.dna.toString());
    return {
      supernet: trained,
      ranking,
      retraining,
      top: Object.freeze(top),
      best,
      seconds: Object.freeze({
        supernet: supernetSeconds,
        ranking: rankingSeconds,
        retraining: retrainingSeconds,
        total: (performance.now() - started) / 1000,
      }),
    };
  } finally {
    (net as Supernet | undefined)?.dispose();
    tf.dispose(made);
  }
}
