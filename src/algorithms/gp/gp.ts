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
import { Acquisition, maximizeAcquisition } from './acquisition.js';
import type { ConstraintModel } from './acquisition.js';
import { GaussianProcess, defaultKernelParams, fitKernel } from './gaussian-process.js';
import type { GpInputs, KernelParams } from './gaussian-process.js';
import { GpSpace } from './gp-space.js';
import type { Embedding } from './gp-space.js';
import type { CholeskyFactor } from './linalg.js';

/** Options of {@link gp}. */
export interface GpOptions {
  /** The seed (default: the search's seed from the context). */
  readonly seed?: number | string;
  /** How many trials are random before the model is used (default 10). */
  readonly startupTrials?: number;
  /**
   * How many random candidates score the acquisition before the local searches (default 256;
   * Optuna draws 2,048: on Branin and Hartmann6, 512 and 2,048 found the same values as 256 at
   * more cost, because the local searches do the work).
   */
  readonly candidates?: number;
  /**
   * How many local searches climb the acquisition per proposal: from the best candidate, from
   * the best trial, and from candidates drawn with probability ∝ e^(acquisition) (default 6;
   * Optuna's 10 cost more and changed no result measured).
   */
  readonly localSearches?: number;
  /**
   * The objective is deterministic: the noise variance is fixed at its minimum (1e-6) instead of
   * fitted (default `false`, as Optuna: the fitted noise falls to its floor by itself on a
   * deterministic objective within a few dozen trials, and a noisy objective needs it).
   */
  readonly deterministic?: boolean;
  /**
   * Refit the kernel parameters when the number of observations has grown by this fraction since
   * the last fit, and at least after every observation up to 1/`refitGrowth` of them (default
   * 0.1: every trial up to 20, every 10th near 100, every 30th near 300; 0 refits every trial, as
   * Optuna does). Between fits the parameters are kept and the Cholesky factor is extended row by
   * row, so a proposal between fits costs O(n²) per new trial, not O(n³).
   */
  readonly refitGrowth?: number;
  /**
   * In a finite space, prefer candidates not proposed before (default `true`; set `false` for
   * noisy objectives, where measuring a candidate again is worth it).
   */
  readonly skipDuplicates?: boolean;
  /**
   * Which choices are ordered (a discrete numeric dimension) rather than categorical. `'explicit'`
   * (the default, as TPE): only `oneOf(values, { ordered: true })`. `'infer'`: also an unflagged
   * `oneOf` of 3 or more increasing numbers (`[16, 32, 64, 128]`), which misreads categorical ids
   * (`oneOf([0, 1, 2, 3])` naming link patterns). `intv` and `floatv` are always numeric.
   */
  readonly orderedChoices?: 'explicit' | 'infer';
}

const OPTIONS = optionNames<GpOptions>({
  seed: true,
  startupTrials: true,
  candidates: true,
  localSearches: true,
  deterministic: true,
  refitGrowth: true,
  skipDuplicates: true,
  orderedChoices: true,
});

interface Entry {
  readonly index: number;
  readonly embedding: Embedding;
  reward: number;
  outcome: Outcome | undefined;
  /** `pending` until its feedback, then `finished` (a failed trial too); `dead` when abandoned. */
  state: 'pending' | 'finished' | 'dead';
}

/** What is kept of one model between proposals: its last fit, and its factor for reuse. */
interface ModelCache {
  params: KernelParams | undefined;
  /** Refit once there are this many observations. */
  nextFit: number;
  factor: CholeskyFactor | undefined;
}

interface State {
  readonly spec: DNASpec;
  readonly rng: Rng;
  readonly space: GpSpace;
  readonly entries: Entry[];
  /** Finished entries in the order their feedback came (the rows of the models, so factors extend). */
  readonly finished: Entry[];
  /** Proposals awaiting feedback, and the DNAs seen when duplicates are skipped. */
  readonly book: ProposalBook<Entry>;
  readonly objective: ModelCache;
  readonly constraints: ModelCache[];
}

/** Values standardised to mean 0 and standard deviation 1 (a constant list to zeros). */
function standardise(values: Float64Array): { y: Float64Array; mean: number; std: number } {
  const n = values.length;
  let mean = 0;
  for (const v of values) mean += v;
  mean /= n;
  let sq = 0;
  for (const v of values) sq += (v - mean) ** 2;
  const std = Math.max(Math.sqrt(sq / n), 1e-10);
  return { y: values.map((v) => (v - mean) / std), mean, std };
}

/** Non-finite values clipped to the finite range of the list (0 when none is finite). */
function clipInfinite(values: Float64Array): void {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (lo === Infinity) lo = hi = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) values[i] = v > 0 ? hi : lo;
  }
}

/**
 * Bayesian optimisation with a Gaussian process on the DNA (after Optuna's GPSampler): after
 * `startupTrials` random proposals, each proposal fits a Gaussian process to the finished trials
 * and proposes the DNA that maximises log expected improvement.
 *
 * - Space: floats (log floats on their log), `intv` and ordered choices are numeric dimensions in
 *   [0, 1] (integers padded by half a step); other choices (each pick of a `manyOf`) are
 *   categorical with a Hamming distance; custom decisions are drawn at random.
 * - Kernel: scale·Matérn-5/2 with one length scale per dimension, noise ≥ 1e-6, fitted by maximum
 *   marginal likelihood under Optuna's priors with L-BFGS in log space, warm-started from the
 *   previous fit and restarted from the defaults (the better kept). Refitted as `refitGrowth`
 *   says; in between, the Cholesky factor is extended by the new rows.
 * - Conditional spaces, honestly: one model over the union of all decisions (not one model per
 *   structure, and not the intersection Optuna falls back to, which leaves every conditional
 *   decision to random sampling). Every decision is a dimension; a trial lacking a decision (its
 *   candidate was not chosen) holds it at a fixed point apart from every present value: a numeric
 *   one at x = ½ and one unit along an extra axis, a categorical one as an extra category. So two
 *   trials that both lack it are at distance 0 in that dimension (it is irrelevant to both), and
 *   a trial that has it is at distance ≥ 1 from one that lacks it (their structures differ),
 *   whatever its value; the kernel's length scale of that dimension learns how much that
 *   matters. Decisions at the same place under sibling candidates (`cells[=1/3][0].op`,
 *   `cells[=2/3][0].op`) share a dimension, as in TPE. The acquisition is maximised over full
 *   vectors (a value for every decision) whose DNA is built top-down, so a move on a choice
 *   switches the structure and the decisions below it appear or vanish; each candidate is scored
 *   at the embedding of the DNA it builds. Measured against TPE on the NAS-like space of
 *   PROBLEMS §3 (bench/gp.bench.ts).
 * - Acquisition: log EI, maximised from `candidates` random points and `localSearches` local
 *   searches (L-BFGS on the present continuous dimensions in units of their length scales; on
 *   discrete and categorical ones every other value, or steps ±1, ±2, ±4, … on a grid of more
 *   than 16 values, until a sweep changes nothing).
 * - Pending proposals (no feedback yet) enter every model at their posterior mean (kriging
 *   believer), so concurrent workers get different proposals.
 * - Constraints (`outcome.constraints`, feasible when ≤ 0): each has its own process; the
 *   acquisition adds log P(feasible) for each, and improvement counts over feasible trials only.
 * - Failed trials (`outcome.failed`) enter the objective model at the worst value seen and pruned
 *   ones at their value capped by the worst completed one: as they rank, after every completed
 *   trial. Non-finite rewards are clipped to the finite range.
 * - In a finite space, a candidate proposed before is skipped for the next best (`skipDuplicates`).
 * - Seeded (`seed`, or the context's seed, on the context's stream): the same seed and feedback
 *   give the same proposals; `recover` replays the history. An unknown option is a `PliantError`.
 *
 * Cost per proposal: O(n³) per kernel fit (amortised by `refitGrowth`) and O(n²) per acquisition
 * evaluation, for n finished trials.
 */
export function gp(options: GpOptions = {}): Algorithm {
  const api = 'gp';
  if (typeof options !== 'object' || options === null) throw new PliantError(api, 'argument', 'options must be an object');
  checkOptions(api, options, OPTIONS);
  const startupTrials = checkInteger(options.startupTrials ?? 10, 'startupTrials', api, 0);
  const candidates = checkInteger(options.candidates ?? 256, 'candidates', api);
  const localSearches = checkInteger(options.localSearches ?? 6, 'localSearches', api);
  const refitGrowth = options.refitGrowth ?? 0.1;
  if (typeof refitGrowth !== 'number' || !(refitGrowth >= 0) || !Number.isFinite(refitGrowth)) {
    throw new PliantError(api, 'argument', `refitGrowth must be a number ≥ 0, found ${String(refitGrowth)}`);
  }
  for (const flag of ['deterministic', 'skipDuplicates'] as const) {
    const v = options[flag];
    if (v !== undefined && typeof v !== 'boolean') throw new PliantError(api, 'argument', `${flag} must be a boolean, found ${String(v)}`);
  }
  const deterministic = options.deterministic ?? false;
  const skipDuplicates = options.skipDuplicates ?? true;
  const orderedChoices: unknown = options.orderedChoices ?? 'explicit';
  if (orderedChoices !== 'explicit' && orderedChoices !== 'infer') {
    throw new PliantError(api, 'argument', `orderedChoices is 'explicit' or 'infer', found ${String(orderedChoices)}`);
  }
  let state: State | undefined;

  const track = (s: State, dna: DNA, embedding: Embedding): Entry => {
    const entry: Entry = { index: s.entries.length, embedding, reward: Number.NaN, outcome: undefined, state: 'pending' };
    s.entries.push(entry);
    s.book.add(dna, entry);
    return entry;
  };

  const settle = (s: State, dna: DNA): Entry | undefined => {
    return s.book.settle(dna);
  };

  const inputsOf = (s: State, rows: readonly Entry[]): GpInputs => {
    const d = s.space.d;
    const x = new Float64Array(rows.length * d);
    const off = new Float64Array(rows.length * d);
    rows.forEach((r, i) => {
      x.set(r.embedding.x, i * d);
      off.set(r.embedding.off, i * d);
    });
    return { n: rows.length, d, x, off, categorical: s.space.categorical };
  };

  /** A process on `rows` with standardised values `y`, refitted when the schedule says. */
  const model = (s: State, cache: ModelCache, inputs: GpInputs, y: Float64Array): GaussianProcess => {
    const n = inputs.n;
    if (cache.params === undefined || n >= cache.nextFit) {
      cache.params = fitKernel(inputs, y, cache.params, { deterministic, rng: s.rng });
      cache.nextFit = n + Math.max(1, Math.floor(n * refitGrowth));
      cache.factor = undefined;
    }
    let process: GaussianProcess;
    try {
      process = new GaussianProcess(inputs, y, cache.params, cache.factor);
    } catch {
      // parameters that no longer fit the data: start again from the defaults
      cache.params = fitKernel(inputs, y, undefined, { deterministic });
      try {
        process = new GaussianProcess(inputs, y, cache.params);
      } catch {
        cache.params = defaultKernelParams(inputs.d);
        process = new GaussianProcess(inputs, y, cache.params);
      }
    }
    cache.factor = process.factor;
    return process;
  };

  /** The objective's values for the finished trials, failed and pruned ones imputed (see the docs). */
  const objectiveValues = (s: State): Float64Array | undefined => {
    const rows = s.finished;
    const values = new Float64Array(rows.length);
    let any = false;
    let worstCompleted = Infinity;
    rows.forEach((r, i) => {
      values[i] = isFailed(r.outcome) ? Number.NaN : r.reward;
      if (!isFailed(r.outcome)) any = true;
    });
    if (!any) return undefined;
    const present = values.filter((v) => !Number.isNaN(v));
    clipInfinite(present);
    let j = 0;
    rows.forEach((r, i) => {
      if (Number.isNaN(values[i] as number)) return;
      values[i] = present[j++] as number;
      if (r.outcome?.pruned === undefined) worstCompleted = Math.min(worstCompleted, values[i] as number);
    });
    let worst = Infinity;
    rows.forEach((r, i) => {
      if (Number.isNaN(values[i] as number)) return;
      if (r.outcome?.pruned !== undefined && worstCompleted < Infinity) values[i] = Math.min(values[i] as number, worstCompleted);
      worst = Math.min(worst, values[i] as number);
    });
    rows.forEach((_, i) => {
      if (Number.isNaN(values[i] as number)) values[i] = worst;
    });
    return values;
  };

  const randomProposal = (s: State): DNA => {
    let dna = randomDNA(s.spec, s.rng);
    for (let t = 0; t < 100 && s.book.hasSeen(dna); t++) dna = randomDNA(s.spec, s.rng);
    track(s, dna, s.space.embed(s.space.params.observe(dna, `${api}.propose`)));
    return dna;
  };

  const modelProposal = (s: State): DNA | undefined => {
    const rows = s.finished;
    const values = objectiveValues(s);
    if (values === undefined) return undefined;
    const inputs = inputsOf(s, rows);
    const { y } = standardise(values);
    let objective = model(s, s.objective, inputs, y);

    // the best feasible value (completed or pruned, not failed) is the improvement threshold
    let threshold = -Infinity;
    let bestRow = -1;
    rows.forEach((r, i) => {
      if (tier(r.outcome) <= 1 && (y[i] as number) > threshold) {
        threshold = y[i] as number;
        bestRow = i;
      }
    });
    if (bestRow >= 0) {
      // the best by the ranking (a pruned trial ranks after completed ones)
      let b = rows[bestRow] as Entry;
      for (const r of rows) if (tier(r.outcome) <= 1 && compareOutcomes(r.reward, r.outcome, b.reward, b.outcome) < 0) b = r;
      bestRow = rows.indexOf(b);
    }

    // constraints: one process per constraint index, on the trials that report it
    let numConstraints = 0;
    for (const r of rows) if (!isFailed(r.outcome)) numConstraints = Math.max(numConstraints, r.outcome?.constraints?.length ?? 0);
    const constraints: ConstraintModel[] = [];
    for (let c = 0; c < numConstraints; c++) {
      const crows = rows.filter((r) => !isFailed(r.outcome) && r.outcome?.constraints !== undefined && r.outcome.constraints.length > c);
      const cvalues = Float64Array.from(crows, (r) => -((r.outcome?.constraints as readonly number[])[c] as number));
      clipInfinite(cvalues);
      const st = standardise(cvalues);
      const cache = (s.constraints[c] ??= { params: undefined, nextFit: 0, factor: undefined });
      constraints.push({ gp: model(s, cache, inputsOf(s, crows), st.y), threshold: -st.mean / st.std });
    }

    // pending proposals: a kriging believer in every model
    const pending = s.entries.filter((e) => e.state === 'pending');
    if (pending.length > 0) {
      const p = inputsOf(s, pending);
      objective = objective.believe(p.x, p.off, p.n);
      for (let c = 0; c < constraints.length; c++) {
        const m = constraints[c] as ConstraintModel;
        constraints[c] = { gp: m.gp.believe(p.x, p.off, p.n), threshold: m.threshold };
      }
    }

    const acq = new Acquisition(objective, threshold, constraints);
    const warm = bestRow >= 0 ? [s.space.complete((rows[bestRow] as Entry).embedding, s.rng)] : [];
    const ranked = maximizeAcquisition(s.space, acq, s.rng, warm, { candidates, starts: localSearches });
    for (const candidate of ranked) {
      const built = s.space.build(candidate.full, s.rng);
      if (s.book.hasSeen(built.dna)) continue;
      track(s, built.dna, s.space.embed(built.observation));
      return built.dna;
    }
    return undefined;
  };

  const algorithm: Algorithm = {
    name: api,
    setup(spec: DNASpec, context: AlgorithmContext): void {
      state = {
        spec,
        rng: contextRng(options.seed, context, `${api}.setup`),
        space: new GpSpace(spec, orderedChoices === 'infer'),
        entries: [],
        finished: [],
        book: new ProposalBook<Entry>(skipDuplicates && spec.spaceSize > 0),
        objective: { params: undefined, nextFit: 0, factor: undefined },
        constraints: [],
      };
    },
    propose(): DNA {
      const s = requireSetup(state, `${api}.propose`);
      if (s.space.d === 0 || s.finished.length < Math.max(startupTrials, 1)) return randomProposal(s);
      return modelProposal(s) ?? randomProposal(s);
    },
    feedback(dna: DNA, reward: number, outcome?: Outcome): void {
      const s = requireSetup(state, `${api}.feedback`);
      checkDNA(s.spec, dna, `${api}.feedback`);
      checkReward(reward, `${api}.feedback`);
      checkOutcome(outcome, `${api}.feedback`);
      let entry = settle(s, dna);
      if (entry === undefined) {
        // a feedback for a DNA never proposed (or already settled): a new observation
        entry = track(s, dna, s.space.embed(s.space.params.observe(dna, `${api}.feedback`)));
        settle(s, dna);
      }
      entry.reward = reward;
      entry.outcome = outcome;
      entry.state = 'finished';
      s.finished.push(entry);
    },
    abandon(dna: DNA): void {
      const s = requireSetup(state, `${api}.abandon`);
      const entry = settle(s, dna);
      if (entry !== undefined) entry.state = 'dead';
    },
    recover(history: readonly HistoryEntry[]): void {
      const s = requireSetup(state, `${api}.recover`);
      replayProposals(algorithm, history, (dna) => track(s, dna, s.space.embed(s.space.params.observe(dna, `${api}.recover`))));
    },
  };
  return algorithm;
}
