import type { DNA } from '../../geno/dna.js';
import type { DNASpec } from '../../geno/dna-spec.js';
import { randomDNA } from '../../geno/random.js';
import type { Rng } from '../../base/rng.js';
import { PliantError } from '../../base/errors.js';
import { checkOptions } from '../../base/options.js';
import type { Algorithm, AlgorithmContext, HistoryEntry, Outcome } from '../algorithm.js';
import { ProposalBook, replayProposals } from '../proposal-book.js';
import { checkDNA, checkInteger, checkReward, contextRng, optionNames, requireSetup } from '../checks.js';
import { checkOutcome, compareOutcomes, isFailed, tier } from '../ranking.js';
import { ObservationStore, ParzenModel, TruncationCache } from './parzen.js';
import type { Bandwidth } from './parzen.js';
import { ParamSpace } from './params.js';
import type { OrderedChoices } from './params.js';

/** Options of {@link tpe}. */
export interface TpeOptions {
  /** The seed (default: the search's seed from the context). */
  readonly seed?: number | string;
  /** How many trials are random before the model is used (default 5; Optuna's is 10). */
  readonly startupTrials?: number;
  /** How many candidates are drawn from the good-trials model per proposal (default 48; Optuna's is 24). */
  readonly eiCandidates?: number;
  /** How many of `n` finished trials count as good (default Optuna's `min(⌈0.1·n⌉, 25)`). */
  readonly gamma?: (n: number) => number;
  /** The weight of the prior component of each model (default 1). */
  readonly priorWeight?: number;
  /**
   * The bandwidth of the numeric kernels: `neighbours` (the default) is Optuna 5's: each trial's
   * kernel as wide as the larger gap to its neighbours in the model (sorted on that parameter),
   * so kernels are narrow where trials crowd and wide where they are sparse; `scott` (the
   * default before) is Scott's rule on the good (or bad) trials' spread, std·n^(−1/(d+4));
   * `optuna` is Optuna 2's 0.2·range·n^(−1/(d+4)). All are clipped to [range/min(100, n+2),
   * range] (for `neighbours`, see `bandwidthFloor`).
   */
  readonly bandwidth?: Bandwidth;
  /**
   * With `bandwidth: 'neighbours'`, the n of the floor range / min(100, n + 2) under the float
   * kernels' widths. `'history'` (the default): half the finished trials, so the floor falls from
   * range/12 at 20 trials to range/52 at 100 and range/100 from 196 on, and the good model can
   * narrow as the search converges. `'members'`: Optuna's "magic clip", the trials in the model;
   * with the good group capped at 25 trials its kernels never narrow below range/27. Integer and
   * ordered-choice kernels always use `'members'` (a lower floor makes them spikes).
   */
  readonly bandwidthFloor?: 'history' | 'members';
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
   * Which `oneOf` choices get a kernel that knows neighbours (an ordinal one over list positions)
   * instead of a categorical one. `intv` and `floatv` are always ordered.
   * - `'explicit'` (the default): only choices flagged `oneOf(values, { ordered: true })`. A
   *   choice of ids (`oneOf([0, 1, 2, 3])`) stays categorical, as it must.
   * - `'infer'`: those, and also every `oneOf` of 3 or more increasing numbers (`[16, 32, 64,
   *   128]`): the rule before `ordered` existed, which misreads increasing ids as quantities.
   * - `'never'`: every choice categorical.
   *
   * `true` (the old default) is `'infer'`; `false` is `'explicit'`.
   */
  readonly orderedChoices?: OrderedChoices | boolean;
  /**
   * How pruned (early-stopped) trials enter the model; their reward is their last intermediate
   * value, at `outcome.pruned.step`.
   * - `'bad'` (the default): a pruned trial is never good; it is a bad component with weight
   *   step / (the largest step at which a trial of the study was pruned), so a trial cut at the
   *   first rung says little and one cut late says more. The good set and the `n` of
   *   `gamma(n)` leave pruned trials out (they still count toward `startupTrials`). Stopped
   *   curves are censored, not measured: counting them as fully bad drags proposals toward
   *   configurations that start fast.
   * - `'rank'`: Optuna's rule: pruned trials rank after completed ones (the later pruned, the
   *   better, then by value), count in `gamma(n)`, and fill the good set when too few trials
   *   completed; every one is a full-weight bad component otherwise. Biased toward fast starters
   *   when most trials are pruned.
   * - `'ignore'`: pruned trials are left out of both models (they still count as seen for
   *   `skipDuplicates`).
   */
  readonly prunedTrials?: PrunedTrials;
}

/** How TPE models pruned trials (see `TpeOptions.prunedTrials`). */
export type PrunedTrials = 'bad' | 'rank' | 'ignore';

const OPTIONS = optionNames<TpeOptions>({
  seed: true,
  startupTrials: true,
  eiCandidates: true,
  gamma: true,
  priorWeight: true,
  bandwidth: true,
  bandwidthFloor: true,
  multivariate: true,
  constantLiar: true,
  skipDuplicates: true,
  orderedChoices: true,
  prunedTrials: true,
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
  /** Proposals awaiting feedback, and the DNAs seen when duplicates are skipped. */
  readonly book: ProposalBook<Entry>;
  finished: number;
  readonly goodCache: TruncationCache;
  readonly badCache: TruncationCache;
  /** The largest number of parameters one trial has (the d of the bandwidth rule). */
  dims: number;
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
 * - Choices are categorical unless flagged `oneOf(values, { ordered: true })` (see
 *   `orderedChoices`), floats are truncated Gaussians on their scale (log floats on the log),
 *   `intv` (log `intv` on the log of the integer) and ordered choices are discretised Gaussians,
 *   each pick of a `manyOf` is a categorical (distinct and sorted respected), custom decisions
 *   are drawn at random.
 * - Ranking: feasible completed trials by reward, then infeasible ones (smaller violation
 *   first), then failed ones. Pruned trials are never good and weigh in the bad group by how far
 *   they got (see `prunedTrials`; `'rank'` restores Optuna's rule). Pending proposals count as
 *   bad (constant liar).
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
  const startupTrials = checkInteger(options.startupTrials ?? 5, 'startupTrials', api, 0);
  const eiCandidates = checkInteger(options.eiCandidates ?? 48, 'eiCandidates', api);
  const priorWeight = options.priorWeight ?? 1;
  if (typeof priorWeight !== 'number' || !(priorWeight > 0) || !Number.isFinite(priorWeight)) {
    throw new PliantError(api, 'argument', `priorWeight must be a positive number, found ${String(priorWeight)}`);
  }
  const bandwidth = options.bandwidth ?? 'neighbours';
  if (bandwidth !== 'scott' && bandwidth !== 'optuna' && bandwidth !== 'neighbours') {
    throw new PliantError(api, 'argument', `bandwidth is 'scott', 'optuna' or 'neighbours', found ${String(bandwidth)}`);
  }
  const bandwidthFloor = options.bandwidthFloor ?? 'history';
  if (bandwidthFloor !== 'history' && bandwidthFloor !== 'members') {
    throw new PliantError(api, 'argument', `bandwidthFloor is 'history' or 'members', found ${JSON.stringify(bandwidthFloor)}`);
  }
  const gamma = options.gamma ?? defaultGamma;
  if (typeof gamma !== 'function') throw new PliantError(api, 'argument', 'gamma must be a function (n) => number of good trials');
  const multivariate = options.multivariate ?? true;
  const constantLiar = options.constantLiar ?? true;
  const orderedRaw = options.orderedChoices ?? 'explicit';
  if (orderedRaw !== true && orderedRaw !== false && orderedRaw !== 'explicit' && orderedRaw !== 'infer' && orderedRaw !== 'never') {
    throw new PliantError(api, 'argument', `orderedChoices is 'explicit', 'infer', 'never' or a boolean, found ${JSON.stringify(orderedRaw)}`);
  }
  const orderedChoices: OrderedChoices = orderedRaw === true ? 'infer' : orderedRaw === false ? 'explicit' : orderedRaw;
  const prunedTrials = options.prunedTrials ?? 'bad';
  if (prunedTrials !== 'bad' && prunedTrials !== 'rank' && prunedTrials !== 'ignore') {
    throw new PliantError(api, 'argument', `prunedTrials is 'bad', 'rank' or 'ignore', found ${JSON.stringify(prunedTrials)}`);
  }
  const skipDuplicates = options.skipDuplicates ?? true;
  let state: State | undefined;

  const split = (s: State): { good: Int32Array; bad: Int32Array; badWeights: Float64Array | undefined } => {
    const finished = s.entries.filter((e) => e.state === 'finished');
    // With `prunedTrials` 'bad' or 'ignore', pruned trials (tier 1) stay out of the ranking.
    const ranked = prunedTrials === 'rank' ? finished : finished.filter((e) => tier(e.outcome) !== 1);
    ranked.sort((a, b) => compareOutcomes(a.reward, a.outcome, b.reward, b.outcome) || a.index - b.index);
    const raw = gamma(ranked.length);
    if (typeof raw !== 'number' || !Number.isFinite(raw))
      throw new PliantError(`${api}.propose`, 'argument', `gamma(${ranked.length}) must give a number, found ${String(raw)}`);
    // Failed trials sort last and never count as good.
    let eligible = ranked.length;
    while (eligible > 0 && isFailed((ranked[eligible - 1] as Entry).outcome)) eligible--;
    const nGood = Math.min(eligible, Math.max(1, Math.floor(raw)));
    const good = ranked.slice(0, nGood);
    const bad = ranked.slice(nGood);
    let maxStep = 0;
    if (prunedTrials === 'bad') {
      for (const e of finished) {
        if (tier(e.outcome) !== 1) continue;
        bad.push(e);
        maxStep = Math.max(maxStep, e.outcome?.pruned?.step ?? 0);
      }
    }
    if (constantLiar) for (const e of s.entries) if (e.state === 'pending') bad.push(e);
    // components in trial order, so the weights favour recent trials
    const byIndex = (a: Entry, b: Entry): number => a.index - b.index;
    good.sort(byIndex);
    bad.sort(byIndex);
    let badWeights: Float64Array | undefined;
    if (maxStep > 0) {
      // a pruned trial weighs by how far it got: a curve cut early says little about its end
      badWeights = Float64Array.from(bad, (e) => {
        const step = e.state === 'finished' && tier(e.outcome) === 1 ? (e.outcome?.pruned?.step ?? 0) : maxStep;
        return Math.min(1, Math.max(0, step) / maxStep);
      });
    }
    return { good: Int32Array.from(good, (e) => e.index), bad: Int32Array.from(bad, (e) => e.index), badWeights };
  };

  const track = (s: State, dna: DNA, observation: ReturnType<ParamSpace['observe']>): Entry => {
    const entry: Entry = { index: s.store.add(observation), reward: Number.NaN, outcome: undefined, state: 'pending' };
    s.entries.push(entry);
    s.dims = Math.max(s.dims, observation.params.length);
    s.book.add(dna, entry);
    return entry;
  };

  const settle = (s: State, dna: DNA): Entry | undefined => {
    return s.book.settle(dna);
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
        book: new ProposalBook<Entry>(skipDuplicates && spec.spaceSize > 0),
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
      const { good, bad, badWeights } = split(s);
      const clipCount = bandwidthFloor === 'history' ? s.finished / 2 : undefined;
      const l = new ParzenModel(s.params, s.store, good, { priorWeight, multivariate, bandwidth, dims: s.dims, cache: s.goodCache, clipCount });
      const g = new ParzenModel(s.params, s.store, bad, { priorWeight, multivariate, bandwidth, dims: s.dims, cache: s.badCache, clipCount }, badWeights);
      let best: ReturnType<ParamSpace['build']> | undefined;
      let bestScore = -Infinity;
      let bestIsNew = false;
      for (let i = 0; i < eiCandidates; i++) {
        const candidate = l.sample(s.rng);
        const isNew = !s.book.hasSeen(candidate.dna);
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
      replayProposals(algorithm, history, (dna) => track(s, dna, s.params.observe(dna, `${api}.recover`)));
    },
  };
  return algorithm;
}
