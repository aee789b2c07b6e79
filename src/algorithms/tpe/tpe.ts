import type { DNA } from '../../geno/dna.js';
import type { DNASpec } from '../../geno/dna-spec.js';
import { randomDNA } from '../../geno/random.js';
import type { Rng } from '../../base/rng.js';
import { PliantError } from '../../base/errors.js';
import { slabFloat64, slabInt32 } from '../../base/slab-arrays.js';
import { checkOptions } from '../../base/options.js';
import type { Algorithm, AlgorithmContext, HistoryEntry, Outcome } from '../algorithm.js';
import { ProposalBook, replayProposals } from '../proposal-book.js';
import { checkDNA, checkInteger, checkReward, contextRng, optionNames, requireSetup } from '../checks.js';
import { checkOutcome, compareOutcomes, isFailed, tier } from '../ranking.js';
import { ObservationStore, ParzenModel, TruncationCache, summarise } from './parzen.js';
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
  /**
   * The most components one model (good or bad) has (default 200; it was 400). A model of more
   * trials keeps its ⌈maxComponents/2⌉ most recent ones as they are and thins the older ones to
   * evenly spaced representatives, each weighing what the trials it stands for weighed, so the
   * cost of a proposal stops growing with the history (from about 225 trials on with the
   * defaults: the bad model holds all but the 25 good ones). A proposal past that point costs
   * 1.2–1.7 times less than with 400 (through `sample` on Sphere-10d), with the same sample
   * efficiency in `bench/tpe.bench.ts` (30 seeds at 100, 300 and 1,000 trials; NAS-Bench-201
   * hits at 100, 300 and 1,000 queries); 128 lost 2 of 20 NAS-Bench-201 runs at 300 queries.
   * `Infinity` keeps every trial, as before issue 22 (the cost then grows linearly with the
   * history).
   */
  readonly maxComponents?: number;
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
  maxComponents: true,
});

interface Entry {
  readonly index: number;
  reward: number;
  outcome: Outcome | undefined;
  /** `pending` until its feedback, then `finished` (a failed trial too); `dead` when abandoned. */
  state: 'pending' | 'finished' | 'dead';
  /** The outcome's {@link tier}, set with the feedback. */
  tier: number;
  /** The `epoch` of the last split that put this trial in the good group. */
  good: number;
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
  /**
   * The finished trials that are ranked (all with `prunedTrials: 'rank'`, else all but the pruned
   * ones), best first (ties: the older first): kept sorted as feedback arrives.
   */
  readonly ranked: Entry[];
  /** The largest step at which a finished trial was pruned (0 when none was). */
  maxStep: number;
  /** How many splits were made (marks the good group of the last one). */
  epoch: number;
  /** The last good model and what it was fitted on: reused while its members stay the good group. */
  lastGood: { readonly members: Int32Array; readonly floor: number; readonly dims: number; readonly model: ParzenModel } | undefined;
}

function sameMembers(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Inserts a finished entry at its place in `ranked` (by outcome, then by trial order). */
function insertRanked(ranked: Entry[], entry: Entry): void {
  let lo = 0;
  let hi = ranked.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const other = ranked[mid] as Entry;
    const c = compareOutcomes(other.reward, other.outcome, entry.reward, entry.outcome) || other.index - entry.index;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  ranked.splice(lo, 0, entry);
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
 * Its cost per proposal stops growing with the history: a model holds at most `maxComponents`
 * kernels per decision (older trials thinned to weighted representatives, see `maxComponents`);
 * the ranking, the kernel widths (read off per-decision sorted orders, no sort per proposal) and
 * the kernels' normalisers (reused while a width is unchanged) are kept up to date incrementally.
 * A candidate's density under the bad model is summed only until it shows the candidate cannot
 * beat the best so far (the components likeliest to show it first): the choice, and so every
 * proposal, is the one the full sums give.
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
  const maxComponents = options.maxComponents === Infinity ? Infinity : checkInteger(options.maxComponents ?? 200, 'maxComponents', api, 2);
  let state: State | undefined;

  const split = (s: State): { good: Int32Array; bad: Int32Array; badWeights: Float64Array | undefined } => {
    // `s.ranked` holds the rankable finished trials in rank order, kept sorted as feedback arrives
    const ranked = s.ranked;
    const raw = gamma(ranked.length);
    if (typeof raw !== 'number' || !Number.isFinite(raw))
      throw new PliantError(`${api}.propose`, 'argument', `gamma(${ranked.length}) must give a number, found ${String(raw)}`);
    // Failed trials sort last and never count as good.
    let eligible = ranked.length;
    while (eligible > 0 && isFailed((ranked[eligible - 1] as Entry).outcome)) eligible--;
    const nGood = Math.min(eligible, Math.max(1, Math.floor(raw)));
    const stamp = ++s.epoch;
    const good = slabInt32(nGood);
    for (let i = 0; i < nGood; i++) {
      const e = ranked[i] as Entry;
      e.good = stamp;
      good[i] = e.index;
    }
    // components in trial order, so the weights favour recent trials
    good.sort();
    const maxStep = prunedTrials === 'bad' ? s.maxStep : 0;
    // the bad group in trial order: the ranked trials not good, pruned ones ('bad'), pending ones (constant liar)
    // (written straight into arrays as long as the history, then cut to what was written)
    const bad = slabInt32(s.entries.length);
    const weights = maxStep > 0 ? slabFloat64(s.entries.length) : undefined;
    let nBad = 0;
    for (const e of s.entries) {
      let step: number;
      if (e.state === 'finished') {
        if (e.good === stamp) continue;
        if (e.tier === 1 && prunedTrials !== 'rank') {
          if (prunedTrials === 'ignore') continue;
          step = e.outcome?.pruned?.step ?? 0;
        } else step = maxStep;
      } else if (e.state === 'pending' && constantLiar) step = maxStep;
      else continue;
      // a pruned trial weighs by how far it got: a curve cut early says little about its end
      if (weights !== undefined) weights[nBad] = Math.min(1, Math.max(0, step) / maxStep);
      bad[nBad++] = e.index;
    }
    return { good, bad: bad.subarray(0, nBad), badWeights: weights?.subarray(0, nBad) };
  };

  const track = (s: State, dna: DNA, observation: ReturnType<ParamSpace['observe']>): Entry => {
    const entry: Entry = { index: s.store.add(observation), reward: Number.NaN, outcome: undefined, state: 'pending', tier: 0, good: 0 };
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
        ranked: [],
        maxStep: 0,
        epoch: 0,
        lastGood: undefined,
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
      const lm = summarise(good, undefined, maxComponents);
      const gm = summarise(bad, badWeights, maxComponents);
      // The good group changes seldom once the search has settled: while it is the same trials
      // (and the kernels' floor and dimension are the same), its model is the same.
      const floor = clipCount === undefined ? -1 : Math.min(100, clipCount + 2);
      const last = s.lastGood;
      let l: ParzenModel;
      if (last !== undefined && lm.rawWeights === undefined && last.floor === floor && last.dims === s.dims && sameMembers(last.members, lm.members)) {
        l = last.model;
      } else {
        // the good model kept so far is replaced: its arrays go to the next good model
        last?.model.release();
        l = new ParzenModel(
          s.params,
          s.store,
          lm.members,
          { priorWeight, multivariate, bandwidth, dims: s.dims, cache: s.goodCache, clipCount },
          undefined,
          lm.rawWeights,
        );
        s.lastGood = lm.rawWeights === undefined ? { members: lm.members, floor, dims: s.dims, model: l } : undefined;
      }
      const g = new ParzenModel(
        s.params,
        s.store,
        gm.members,
        { priorWeight, multivariate, bandwidth, dims: s.dims, cache: s.badCache, clipCount },
        gm.memberWeights,
        gm.rawWeights,
      );
      let best: ReturnType<ParamSpace['build']> | undefined;
      let bestScore = -Infinity;
      let bestIsNew = false;
      for (let i = 0; i < eiCandidates; i++) {
        const candidate = l.sample(s.rng);
        // (the DNA is made only where duplicates are tracked, and for the candidate chosen)
        const isNew = s.book.seen === undefined || !s.book.hasSeen(candidate.dna);
        if (!isNew && bestIsNew) continue;
        const lx = l.logDensity(candidate.observation);
        // A candidate that cannot beat the best so far need not have its bad density summed to
        // the end: +∞ (a score of −∞) once that density is known to be too high.
        const gx = best !== undefined && isNew === bestIsNew ? g.logDensityBelow(candidate.observation, lx - bestScore) : g.logDensity(candidate.observation);
        const score = lx - gx;
        if (best === undefined || (isNew && !bestIsNew) || score > bestScore) {
          best = candidate;
          bestScore = score;
          bestIsNew = isNew;
        }
      }
      const chosen = best as NonNullable<typeof best>;
      track(s, chosen.dna, chosen.observation);
      // Neither model is asked again unless kept (the good one, while its members stay the good
      // group): the next ones reuse their arrays.
      g.release();
      if (s.lastGood?.model !== l) l.release();
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
      entry.tier = tier(outcome);
      s.finished++;
      if (entry.tier === 1) s.maxStep = Math.max(s.maxStep, outcome?.pruned?.step ?? 0);
      if (entry.tier !== 1 || prunedTrials === 'rank') insertRanked(s.ranked, entry);
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
