import type { DNA } from '../../geno/dna.js';
import type { DNASpec } from '../../geno/dna-spec.js';
import { randomDNA } from '../../geno/random.js';
import type { Rng } from '../../base/rng.js';
import { PliantError } from '../../base/errors.js';
import { checkOptions } from '../../base/options.js';
import type { Algorithm, AlgorithmContext, HistoryEntry, Outcome } from '../algorithm.js';
import { checkDNA, checkInteger, checkReward, contextRng, optionNames, requireSetup } from '../checks.js';
import { checkOutcome, compareOutcomes, isFailed } from '../ranking.js';
import { ObservationStore, ParzenModel, TruncationCache } from './parzen.js';
import { ParamSpace } from './params.js';

/** Options of {@link tpe}. */
export interface TpeOptions {
  /** The seed (default: the search's seed from the context). */
  readonly seed?: number | string;
  /** How many trials are random before the model is used (default 10). */
  readonly startupTrials?: number;
  /** How many candidates are drawn from the good-trials model per proposal (default 24). */
  readonly eiCandidates?: number;
  /** How many of `n` finished trials count as good (default Optuna's `min(⌈0.1·n⌉, 25)`). */
  readonly gamma?: (n: number) => number;
  /** The weight of the prior component of each model (default 1). */
  readonly priorWeight?: number;
  /**
   * The bandwidth of the numeric kernels: `scott` (the default) is Scott's rule on the good (or
   * bad) trials' spread, std·n^(−1/(d+4)), which narrows as good trials gather; `optuna` is
   * Optuna's 0.2·range·n^(−1/(d+4)). Both are clipped to [range/min(100, n+2), range].
   */
  readonly bandwidth?: 'scott' | 'optuna';
  /** Model co-occurring decisions jointly (default `true`); `false` models each one alone. */
  readonly multivariate?: boolean;
  /**
   * Count pending proposals (proposed, no feedback yet) among the bad trials, so parallel
   * workers are not all sent to the same place (default `true`).
   */
  readonly constantLiar?: boolean;
  /**
   * In a finite space, prefer candidates not proposed before: a repeated candidate is chosen only
   * when every one drawn was (default `true`; set `false` for noisy objectives, where measuring a
   * candidate again is worth it).
   */
  readonly skipDuplicates?: boolean;
  /**
   * Treat a `oneOf` whose candidates are increasing numbers (3 or more: `[16, 32, 64, 128]`) as
   * ordered, with a kernel that knows neighbours (default `true`).
   */
  readonly orderedChoices?: boolean;
}

const OPTIONS = optionNames<TpeOptions>({
  seed: true,
  startupTrials: true,
  eiCandidates: true,
  gamma: true,
  priorWeight: true,
  bandwidth: true,
  multivariate: true,
  constantLiar: true,
  skipDuplicates: true,
  orderedChoices: true,
});

interface Entry {
  readonly index: number;
  reward: number;
  outcome: Outcome | undefined;
  /** `pending` until its feedback, then `finished` (a failed trial too); `dead` when abandoned. */
  state: 'pending' | 'finished' | 'dead';
}

interface State {
  readonly spec: DNASpec;
  readonly rng: Rng;
  readonly params: ParamSpace;
  readonly store: ObservationStore;
  readonly entries: Entry[];
  /** Pending entries by DNA text, oldest first. */
  readonly pending: Map<string, Entry[]>;
  /** The text of every DNA proposed or told, when duplicates are skipped (finite spaces). */
  readonly seen: Set<string> | undefined;
  finished: number;
  readonly goodCache: TruncationCache;
  readonly badCache: TruncationCache;
  /** The largest number of parameters one trial has (the d of the bandwidth rule). */
  dims: number;
}

/** A DNA's identity for matching feedback to proposals: its JSON (its text would tell `2.0` from `2`). */
function keyOf(dna: DNA): string {
  return JSON.stringify(dna.toJSON());
}

/** Optuna's default gamma: the best ⌈10%⌉ of the finished trials, at most 25. */
function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/**
 * A tree-structured Parzen estimator (Bergstra et al. 2011; multivariate as in Falkner et al.
 * 2018 and Optuna) working on the DNA tree. After `startupTrials` random proposals, the finished
 * trials are split into good (the best `gamma(n)`) and bad; each proposal draws `eiCandidates`
 * candidates from the good model l and keeps the one maximising l(x)/g(x).
 *
 * - Conditional decisions are modelled only in the trials where they exist: a component whose
 *   trial lacks a decision contributes its prior for it (no imputation). Decisions at the same
 *   place under sibling candidates share one model (`cells[=0/3][0].op`, `cells[=1/3][0].op`).
 * - Choices are categorical (ordered when their candidates are increasing numbers), floats are
 *   truncated Gaussians on their scale (log floats on the log), `intv` and ordered choices are
 *   discretised Gaussians, each pick of a `manyOf` is a categorical (distinct and sorted
 *   respected), custom decisions are drawn at random.
 * - Ranking: feasible completed trials by reward, then pruned ones (further first), then
 *   infeasible ones (smaller violation first), then failed ones. Pending proposals count as bad
 *   (constant liar).
 * - A failed trial (`outcome.failed`, reward −∞) is finished: it counts toward `startupTrials`
 *   and the `n` of `gamma(n)`, ranks last and is always in the bad group (the good group holds
 *   only trials that did not fail, so it may hold fewer than `gamma(n)`, or none: then the good
 *   model is its prior alone), so proposals move away from where trials fail. Its reward takes
 *   part in no arithmetic.
 * - A feedback of a DNA never proposed (another process's trial) is a new finished observation.
 * - Seeded (`seed`, or the context's seed, on the context's stream): the same seed and feedback
 *   give the same proposals; `recover` replays the history. An unknown option name is a
 *   `PliantError`.
 *
 * Its cost per proposal grows linearly with the history (one kernel per trial and decision for
 * each of the `eiCandidates` candidates).
 */
export function tpe(options: TpeOptions = {}): Algorithm {
  const api = 'tpe';
  if (typeof options !== 'object' || options === null) throw new PliantError(api, 'argument', 'options must be an object');
  checkOptions(api, options, OPTIONS);
  const startupTrials = checkInteger(options.startupTrials ?? 10, 'startupTrials', api, 0);
  const eiCandidates = checkInteger(options.eiCandidates ?? 24, 'eiCandidates', api);
  const priorWeight = options.priorWeight ?? 1;
  if (typeof priorWeight !== 'number' || !(priorWeight > 0) || !Number.isFinite(priorWeight)) {
    throw new PliantError(api, 'argument', `priorWeight must be a positive number, found ${String(priorWeight)}`);
  }
  const bandwidth = options.bandwidth ?? 'scott';
  if (bandwidth !== 'scott' && bandwidth !== 'optuna') throw new PliantError(api, 'argument', `bandwidth is 'scott' or 'optuna', found ${String(bandwidth)}`);
  const gamma = options.gamma ?? defaultGamma;
  if (typeof gamma !== 'function') throw new PliantError(api, 'argument', 'gamma must be a function (n) => number of good trials');
  const multivariate = options.multivariate ?? true;
  const constantLiar = options.constantLiar ?? true;
  const orderedChoices = options.orderedChoices ?? true;
  const skipDuplicates = options.skipDuplicates ?? true;
  let state: State | undefined;

  const split = (s: State): { good: Int32Array; bad: Int32Array } => {
    const finished = s.entries.filter((e) => e.state === 'finished');
    finished.sort((a, b) => compareOutcomes(a.reward, a.outcome, b.reward, b.outcome) || a.index - b.index);
    const raw = gamma(finished.length);
    if (typeof raw !== 'number' || !Number.isFinite(raw))
      throw new PliantError(`${api}.propose`, 'argument', `gamma(${finished.length}) must give a number, found ${String(raw)}`);
    // Failed trials sort last and never count as good.
    let eligible = finished.length;
    while (eligible > 0 && isFailed((finished[eligible - 1] as Entry).outcome)) eligible--;
    const nGood = Math.min(eligible, Math.max(1, Math.floor(raw)));
    const good = finished.slice(0, nGood).map((e) => e.index);
    const bad = finished.slice(nGood).map((e) => e.index);
    if (constantLiar) for (const e of s.entries) if (e.state === 'pending') bad.push(e.index);
    // components in trial order, so the weights favour recent trials
    return { good: Int32Array.from(good).sort(), bad: Int32Array.from(bad).sort() };
  };

  const track = (s: State, dna: DNA, observation: ReturnType<ParamSpace['observe']>): Entry => {
    const entry: Entry = { index: s.store.add(observation), reward: Number.NaN, outcome: undefined, state: 'pending' };
    s.entries.push(entry);
    s.dims = Math.max(s.dims, observation.params.length);
    const key = keyOf(dna);
    s.seen?.add(key);
    const list = s.pending.get(key);
    if (list === undefined) s.pending.set(key, [entry]);
    else list.push(entry);
    return entry;
  };

  const settle = (s: State, dna: DNA): Entry | undefined => {
    const key = keyOf(dna);
    const list = s.pending.get(key);
    const entry = list?.shift();
    if (list !== undefined && list.length === 0) s.pending.delete(key);
    return entry;
  };

  const algorithm: Algorithm = {
    name: api,
    setup(spec: DNASpec, context: AlgorithmContext): void {
      const params = new ParamSpace(spec, orderedChoices);
      state = {
        spec,
        rng: contextRng(options.seed, context, `${api}.setup`),
        params,
        store: new ObservationStore(params.params.length),
        entries: [],
        pending: new Map(),
        seen: skipDuplicates && spec.spaceSize > 0 ? new Set() : undefined,
        finished: 0,
        dims: 1,
        goodCache: new TruncationCache(),
        badCache: new TruncationCache(),
      };
    },
    propose(): DNA {
      const s = requireSetup(state, `${api}.propose`);
      if (s.finished < startupTrials || s.finished === 0) {
        const dna = randomDNA(s.spec, s.rng);
        track(s, dna, s.params.observe(dna, `${api}.propose`));
        return dna;
      }
      const { good, bad } = split(s);
      const l = new ParzenModel(s.params, s.store, good, { priorWeight, multivariate, bandwidth, dims: s.dims, cache: s.goodCache });
      const g = new ParzenModel(s.params, s.store, bad, { priorWeight, multivariate, bandwidth, dims: s.dims, cache: s.badCache });
      let best: ReturnType<ParamSpace['build']> | undefined;
      let bestScore = -Infinity;
      let bestIsNew = false;
      for (let i = 0; i < eiCandidates; i++) {
        const candidate = l.sample(s.rng);
        const isNew = s.seen === undefined || !s.seen.has(keyOf(candidate.dna));
        if (!isNew && bestIsNew) continue;
        const score = l.logDensity(candidate.observation) - g.logDensity(candidate.observation);
        if (best === undefined || (isNew && !bestIsNew) || score > bestScore) {
          best = candidate;
          bestScore = score;
          bestIsNew = isNew;
        }
      }
      const chosen = best as NonNullable<typeof best>;
      track(s, chosen.dna, chosen.observation);
      return chosen.dna;
    },
    feedback(dna: DNA, reward: number, outcome?: Outcome): void {
      const s = requireSetup(state, `${api}.feedback`);
      checkDNA(s.spec, dna, `${api}.feedback`);
      checkReward(reward, `${api}.feedback`);
      checkOutcome(outcome, `${api}.feedback`);
      let entry = settle(s, dna);
      if (entry === undefined) {
        // a feedback for a DNA never proposed (or already settled): a new observation
        entry = track(s, dna, s.params.observe(dna, `${api}.feedback`));
        settle(s, dna);
      }
      entry.reward = reward;
      entry.outcome = outcome;
      entry.state = 'finished';
      s.finished++;
    },
    abandon(dna: DNA): void {
      const s = requireSetup(state, `${api}.abandon`);
      const entry = settle(s, dna);
      if (entry !== undefined) entry.state = 'dead';
    },
    recover(history: readonly HistoryEntry[]): void {
      const s = requireSetup(state, `${api}.recover`);
      // As replayHistory, but a stored DNA that differs from the one proposed again (a history
      // from another algorithm or seed, or trials that ended out of order) replaces it, so no
      // phantom proposal stays pending.
      for (const entry of history) {
        const proposed = algorithm.propose() as DNA;
        if (keyOf(proposed) !== keyOf(entry.dna)) {
          algorithm.abandon?.(proposed);
          if (entry.reward === undefined && entry.state === 'running') track(s, entry.dna, s.params.observe(entry.dna, `${api}.recover`));
        }
        if (entry.reward !== undefined) algorithm.feedback(entry.dna, entry.reward, entry.outcome);
        else if (entry.state !== 'running') algorithm.abandon?.(entry.dna);
      }
    },
  };
  return algorithm;
}
