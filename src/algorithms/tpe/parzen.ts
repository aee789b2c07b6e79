import type { Rng } from '../../base/rng.js';
import { slabFloat64, slabInt32 } from '../../base/slab-arrays.js';
import { logSumExp, logSumExpFrom, logTruncation, normalLogPdf, normalMass, truncatedNormalDraw } from './math.js';
import { cellOf } from './params.js';
import type { Observation, Param, ParamSpace } from './params.js';

/**
 * @internal Observations by proposal order, with one value column per parameter (NaN where absent)
 * and, per parameter, the observations having it sorted by value (ties: the older first), kept
 * sorted as observations arrive.
 */
export class ObservationStore {
  readonly columns: Float64Array[];
  /** Per parameter, the indices of the observations having it, by value then index (the first `orderCount[p]`). */
  readonly order: Int32Array[];
  readonly orderCount: Int32Array;
  count = 0;
  #capacity = 64;

  constructor(numParams: number) {
    this.columns = Array.from({ length: numParams }, () => new Float64Array(this.#capacity).fill(Number.NaN));
    this.order = Array.from({ length: numParams }, () => new Int32Array(this.#capacity));
    this.orderCount = new Int32Array(numParams);
  }

  /** Adds an observation; returns its index. */
  add(observation: Observation): number {
    if (this.count === this.#capacity) {
      this.#capacity *= 2;
      for (let p = 0; p < this.columns.length; p++) {
        const grown = new Float64Array(this.#capacity).fill(Number.NaN);
        grown.set(this.columns[p] as Float64Array);
        this.columns[p] = grown;
        const order = new Int32Array(this.#capacity);
        order.set(this.order[p] as Int32Array);
        this.order[p] = order;
      }
    }
    const i = this.count++;
    const params = observation.params;
    for (let k = 0; k < params.length; k++) (this.columns[params[k] as number] as Float64Array)[i] = observation.values[k] as number;
    for (let k = 0; k < params.length; k++) {
      const p = params[k] as number;
      if (params.indexOf(p) !== k) continue; // a parameter twice in one observation: its last value, once
      const column = this.columns[p] as Float64Array;
      const v = column[i] as number;
      if (v !== v) continue;
      // after every value ≤ v: the new observation is the youngest
      const order = this.order[p] as Int32Array;
      const n = this.orderCount[p] as number;
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((column[order[mid] as number] as number) <= v) lo = mid + 1;
        else hi = mid;
      }
      order.copyWithin(lo + 1, lo, n);
      order[lo] = i;
      this.orderCount[p] = n + 1;
    }
    return i;
  }
}

const SIGMA_STEP = Math.log(1.01);

/**
 * Scratch arrays for the work of one call of the functions below (never kept past it, never
 * used by two at once): they grow as needed and are not made afresh per call.
 */
const scratchInts: Int32Array[] = [new Int32Array(256), new Int32Array(256)];
let scratchFloats = new Float64Array(256);

/** Scratch ints number `k` (0 or 1), at least `n` of them (their contents are left over). */
function intScratch(k: number, n: number): Int32Array {
  let a = scratchInts[k] as Int32Array;
  if (a.length < n) {
    a = new Int32Array(n * 2);
    scratchInts[k] = a;
  }
  return a;
}

/** Scratch floats, at least `n` of them (their contents are left over). */
function floatScratch(n: number): Float64Array {
  if (scratchFloats.length < n) scratchFloats = new Float64Array(n * 2);
  return scratchFloats;
}

/**
 * @internal The truncation terms log Z(μ, σ) of observations, per parameter, for the last σ
 * asked (one cache per model role, since the good and bad models use different σ).
 */
export class TruncationCache {
  readonly #sigma: number[] = [];
  readonly #columns: Float64Array[] = [];
  readonly #kernelSigma: Float64Array[] = [];
  readonly #kernelOffset: Float64Array[] = [];
  #position: Int32Array = new Int32Array(0);
  #positionMembers: Int32Array | undefined;
  readonly #sorted: (Int32Array | undefined)[] = [];
  /** Per parameter, the buffer the next sorted order is written into (see {@link sortedNext}). */
  readonly #sortedSpare: (Int32Array | undefined)[] = [];
  readonly #sortedCount: number[] = [];
  #marks: Int32Array = new Int32Array(0);
  #stamp = 0;
  /** The kernel arrays of the last model released (see {@link ParzenModel.release}), for the next one's pack. */
  #spare: PackArrays | undefined;

  /** Arrays of at least `size` entries a released model gave back (then no longer spare), or `undefined`. */
  takeSpare(size: number): PackArrays | undefined {
    const spare = this.#spare;
    if (spare === undefined || spare.vals.length < size) return undefined;
    this.#spare = undefined;
    return spare;
  }

  /** Keeps a released model's arrays for the next model (the larger, when one is kept already). */
  giveSpare(arrays: PackArrays): void {
    if (this.#spare === undefined || this.#spare.vals.length < arrays.vals.length) this.#spare = arrays;
  }

  /**
   * Parameter `p`'s observations that the last model asking had (see {@link commitSorted}),
   * sorted by value (ties: the older first): where the next model's sorted order starts.
   */
  sorted(p: number): Int32Array | undefined {
    return this.#sorted[p];
  }

  /** How many entries of {@link sorted}`(p)` are in use. */
  sortedCount(p: number): number {
    return this.#sortedCount[p] ?? 0;
  }

  /** A buffer of at least `count` entries, not {@link sorted}`(p)`, to write parameter `p`'s next sorted order into. */
  sortedNext(p: number, count: number): Int32Array {
    let spare = this.#sortedSpare[p];
    if (spare === undefined || spare.length < count) {
      spare = new Int32Array(Math.max(64, count * 2));
      this.#sortedSpare[p] = spare;
    }
    return spare;
  }

  /** Makes the first `count` entries of {@link sortedNext}`(p)` parameter `p`'s {@link sorted} order. */
  commitSorted(p: number, count: number): void {
    const next = this.#sortedSpare[p];
    this.#sortedSpare[p] = this.#sorted[p];
    this.#sorted[p] = next;
    this.#sortedCount[p] = count;
  }

  /**
   * A marking array over `count` observations and a stamp no entry holds yet: an observation is
   * marked by setting its entry to the stamp (no clearing between uses).
   */
  marks(count: number): { marks: Int32Array; stamp: number } {
    if (this.#marks.length < count || this.#stamp === 0x7fffffff) {
      this.#marks = new Int32Array(Math.max(64, count * 2));
      this.#stamp = 0;
    }
    return { marks: this.#marks, stamp: ++this.#stamp };
  }

  /**
   * A map observation → component for `count` observations, −1 everywhere: the caller fills it
   * for its members (and only they: it is cleared here for the next caller), so a model need
   * not allocate and clear one as long as the history.
   */
  positions(count: number, members?: Int32Array): Int32Array {
    if (this.#position.length < count) this.#position = new Int32Array(Math.max(64, count * 2)).fill(-1);
    else if (this.#positionMembers !== undefined) for (const o of this.#positionMembers) this.#position[o] = -1;
    this.#positionMembers = members;
    return this.#position;
  }

  /** The members whose map {@link positions} holds. */
  get positionsOwner(): Int32Array | undefined {
    return this.#positionMembers;
  }

  /**
   * Per observation, the last kernel width of parameter `p` with the `neighbours` bandwidth and
   * its log normaliser (NaN where not yet computed), for `count` observations: a kernel whose
   * width did not change since the last proposal is not normalised again.
   */
  kernelColumns(p: number, count: number): { sigma: Float64Array; offset: Float64Array } {
    let sigma = this.#kernelSigma[p];
    let offset = this.#kernelOffset[p] as Float64Array;
    if (sigma === undefined || sigma.length < count) {
      const size = Math.max(64, count * 2);
      const grownSigma = new Float64Array(size).fill(Number.NaN);
      const grownOffset = new Float64Array(size);
      if (sigma !== undefined) {
        grownSigma.set(sigma);
        grownOffset.set(offset);
      }
      sigma = grownSigma;
      offset = grownOffset;
      this.#kernelSigma[p] = sigma;
      this.#kernelOffset[p] = offset;
    }
    return { sigma, offset };
  }

  /** The column of parameter `p` for `sigma` (NaN where not yet computed), for `count` observations. */
  column(p: number, sigma: number, count: number): Float64Array {
    let col = this.#columns[p];
    if (col === undefined || col.length < count) {
      const grown = new Float64Array(Math.max(64, count * 2)).fill(Number.NaN);
      if (col !== undefined && this.#sigma[p] === sigma) grown.set(col);
      col = grown;
      this.#columns[p] = col;
      this.#sigma[p] = sigma;
    } else if (this.#sigma[p] !== sigma) {
      col.fill(Number.NaN);
      this.#sigma[p] = sigma;
    }
    return col;
  }
}

interface Kernel {
  readonly param: Param;
  /** The component values (NaN: the component's trial lacks the parameter). */
  readonly vals: Float64Array;
  /** How many components have the parameter. */
  readonly count: number;
  /** 1/σ per component (Gaussian kernels). */
  readonly inv: Float64Array;
  /** −log σ − log √(2π) − logZ per component (Gaussian kernels; −logZ for discrete ones). */
  readonly offset: Float64Array;
  readonly logHit: number;
  readonly logMiss: number;
  readonly hit: number;
  readonly priorMu: number;
  readonly priorSigma: number;
  readonly priorLogZ: number;
  /** Independent form: log weights renormalised over the components having the parameter, prior last. */
  readonly logWeights: Float64Array | undefined;
  readonly cumulative: Float64Array | undefined;
  /**
   * Discrete kernels: per point asked (an internal value, so a cell), each component's log mass
   * over the cell, made once: the candidates of a proposal ask few distinct cells.
   */
  readonly cells: Map<number, Cell> | undefined;
  /** Where new cells' terms are cut from: {@link CELL_CHUNK} cells' worth at a time (one allocation, not one a cell). */
  cellChunk: Float64Array | undefined;
  cellChunkUsed: number;
}

/** How many cells' terms one allocation of a discrete kernel holds. */
const CELL_CHUNK = 16;

/**
 * A discrete kernel's terms over one cell [lo, hi]: each component's log mass over it (two
 * normal CDFs), computed when a sum first needs it (NaN: not yet), since a pruned density sums
 * only some components.
 */
interface Cell {
  readonly lo: number;
  readonly hi: number;
  readonly mass: Float64Array;
}

/** Component `c`'s log mass over `cell`, its kernel centred at `v` with inverse width `inv`. */
function cellMass(cell: Cell, c: number, v: number, inv: number): number {
  let t = cell.mass[c] as number;
  if (t !== t) {
    t = Math.log(Math.max(normalMass((cell.lo - v) * inv, (cell.hi - v) * inv), 1e-300));
    cell.mass[c] = t;
  }
  return t;
}

/** Optuna's default weight of the `i`th of `m` observations: 1 for the 25 most recent, a ramp from 1/m before them. */
function defaultWeight(i: number, m: number): number {
  const ramp = m - 25;
  if (ramp <= 0 || i >= ramp) return 1;
  return ramp === 1 ? 1 / m : 1 / m + ((1 - 1 / m) * i) / (ramp - 1);
}

/**
 * A model's members kept to at most `max` components: unchanged when there are no more than
 * `max`; otherwise the ⌈max/2⌉ most recent members stay as they are and the older ones are
 * thinned to the rest of `max`: evenly spaced groups in trial order, each represented by its
 * middle member weighing what the whole group weighed (default recency weights times
 * `memberWeights`). The history a model summarises keeps its shape while a proposal's cost stops
 * growing with it. `members` ascend; the result's `rawWeights` go to {@link ParzenModel}.
 */
export function summarise(
  members: Int32Array,
  memberWeights: Float64Array | undefined,
  max: number,
): { members: Int32Array; memberWeights: Float64Array | undefined; rawWeights: Float64Array | undefined } {
  const m = members.length;
  if (m <= max) return { members, memberWeights, rawWeights: undefined };
  // the default recency weights times the member weights, member by member (not kept in an array)
  const weight = (c: number): number => (memberWeights === undefined ? defaultWeight(c, m) : defaultWeight(c, m) * (memberWeights[c] as number));
  const recent = Math.ceil(max / 2);
  const groups = max - recent;
  const old = m - recent;
  const kept = slabInt32(max);
  const raw = slabFloat64(max);
  for (let g = 0; g < groups; g++) {
    const a = Math.floor((g * old) / groups);
    const b = Math.floor(((g + 1) * old) / groups);
    let total = 0;
    for (let c = a; c < b; c++) total += weight(c);
    kept[g] = members[(a + b) >> 1] as number;
    raw[g] = total;
  }
  for (let c = old; c < m; c++) {
    kept[groups + c - old] = members[c] as number;
    raw[groups + c - old] = weight(c);
  }
  return { members: kept, memberWeights: undefined, rawWeights: raw };
}

/** How the numeric kernels' widths are chosen (see `TpeOptions.bandwidth`). */
export type Bandwidth = 'scott' | 'optuna' | 'neighbours';

/**
 * Optuna 5's kernel widths: each component as wide as the larger gap to its neighbours in sorted
 * order (the range's ends are neighbours too, except that the outermost components look inwards
 * only), clipped to [range / min(100, n + 2), range] ("magic clip"). NaN entries (components
 * without the parameter) are skipped; `out` receives the widths. `clipCount` replaces n in the
 * floor (see `TpeOptions.bandwidthFloor`).
 */
export function neighbourSigmas(vals: Float64Array, lo: number, hi: number, out: Float64Array, clipCount?: number): void {
  let n = 0;
  for (let c = 0; c < vals.length; c++) if (vals[c] === vals[c]) n++;
  if (n === 0) return;
  // sorted values (a native numeric sort); each component finds its position by binary search,
  // equal values taking successive positions in component order (a stable argsort)
  const xs = floatScratch(n).subarray(0, n);
  for (let c = 0, k = 0; c < vals.length; c++) if (vals[c] === vals[c]) xs[k++] = vals[c] as number;
  xs.sort();
  const taken = intScratch(0, n).fill(0, 0, n);
  const range = hi - lo;
  const minSigma = range / Math.min(100, (clipCount ?? n) + 2);
  const at = (i: number): number => (i < 0 ? lo : i >= n ? hi : (xs[i] as number));
  for (let c = 0; c < vals.length; c++) {
    const v = vals[c] as number;
    if (v !== v) continue;
    let a = 0;
    let b = n;
    while (a < b) {
      const mid = (a + b) >> 1;
      if ((xs[mid] as number) < v) a = mid + 1;
      else b = mid;
    }
    const i = a + (taken[a] as number);
    taken[a] = (taken[a] as number) + 1;
    let sigma: number;
    if (n >= 2 && i === 0) sigma = at(1) - at(0);
    else if (n >= 2 && i === n - 1) sigma = at(n - 1) - at(n - 2);
    else sigma = Math.max(at(i) - at(i - 1), at(i + 1) - at(i));
    out[c] = Math.min(range, Math.max(minSigma, sigma));
  }
}

/**
 * @internal {@link neighbourSigmas} for the components `members` (ascending observation indices) of a
 * store, read off the store's sorted order of parameter `p` instead of sorting: the same widths,
 * in O(observations) without a sort. `position` maps an observation to its component (−1: not a
 * member); `count` is how many members have the parameter.
 */
export function orderedNeighbourSigmas(
  store: ObservationStore,
  p: number,
  position: Int32Array,
  count: number,
  lo: number,
  hi: number,
  out: Float64Array,
  clipCount: number | undefined,
): void {
  if (count === 0) return;
  const list = slabInt32(count);
  membersInOrder(store, p, position, count, list);
  sortedNeighbourSigmas(store.columns[p] as Float64Array, list, count, position, lo, hi, out, clipCount);
}

/** Fills `list` with the `count` members (by `position`) having parameter `p`, in the store's sorted order of `p`. */
function membersInOrder(store: ObservationStore, p: number, position: Int32Array, count: number, list: Int32Array): void {
  const order = store.order[p] as Int32Array;
  const total = store.orderCount[p] as number;
  let k = 0;
  for (let j = 0; j < total && k < count; j++) {
    const o = order[j] as number;
    if ((position[o] as number) >= 0) list[k++] = o;
  }
}

/**
 * The widths of {@link neighbourSigmas} for `n` components whose observations `list` holds sorted
 * by value (ties: the older first), each width written at its component (`position`) in `out`.
 */
function sortedNeighbourSigmas(
  column: Float64Array,
  list: Int32Array,
  n: number,
  position: Int32Array,
  lo: number,
  hi: number,
  out: Float64Array,
  clipCount: number | undefined,
): void {
  if (n === 0) return;
  const range = hi - lo;
  const minSigma = range / Math.min(100, (clipCount ?? n) + 2);
  if (n === 1) {
    const o = list[0] as number;
    out[position[o] as number] = Math.min(range, Math.max(minSigma, Math.max((column[o] as number) - lo, hi - (column[o] as number))));
    return;
  }
  // the outermost look inwards only; the others take the larger gap to a neighbour
  let prev = column[list[0] as number] as number;
  let cur = column[list[1] as number] as number;
  out[position[list[0] as number] as number] = Math.min(range, Math.max(minSigma, cur - prev));
  for (let i = 1; i < n - 1; i++) {
    const following = column[list[i + 1] as number] as number;
    out[position[list[i] as number] as number] = Math.min(range, Math.max(minSigma, Math.max(cur - prev, following - cur)));
    prev = cur;
    cur = following;
  }
  out[position[list[n - 1] as number] as number] = Math.min(range, Math.max(minSigma, cur - prev));
}

/**
 * @internal The sorted order of parameter `p` over the members (`position`; `count` of them have
 * it) into `list`, made from `previous[0, previousCount)`, a sorted order of other (mostly the
 * same) observations: the members in it are kept in its order, the others are sorted and merged
 * in. O(members + previous) when few are new, so successive models of a search, whose members
 * mostly repeat, need no sort. Returns `false`, with `list` unfilled, when more than `maxFresh`
 * are new.
 */
export function mergeSorted(
  column: Float64Array,
  members: Int32Array,
  position: Int32Array,
  count: number,
  previous: Int32Array,
  previousCount: number,
  marks: Int32Array,
  stamp: number,
  maxFresh: number,
  list: Int32Array,
): boolean {
  const kept = intScratch(0, count);
  let nk = 0;
  for (let j = 0; j < previousCount; j++) {
    const o = previous[j] as number;
    if (o < position.length && (position[o] as number) >= 0 && nk < count) {
      kept[nk++] = o;
      marks[o] = stamp;
    }
  }
  const nf = count - nk;
  if (nf > maxFresh) return false;
  const fresh = intScratch(1, nf);
  const freshValues = floatScratch(nf);
  let f = 0;
  for (let c = 0; c < members.length && f < nf; c++) {
    const o = members[c] as number;
    const v = column[o] as number;
    if (v === v && marks[o] !== stamp) {
      // insertion by value: members ascend, so an equal value stays after the older ones
      let j = f++;
      while (j > 0 && (freshValues[j - 1] as number) > v) {
        freshValues[j] = freshValues[j - 1] as number;
        fresh[j] = fresh[j - 1] as number;
        j--;
      }
      freshValues[j] = v;
      fresh[j] = o;
    }
  }
  if (f !== nf) return false; // not the members the count says: let the caller walk the store
  let a = 0;
  let b = 0;
  let keptAt = nk > 0 ? (kept[0] as number) : -1;
  let keptValue = nk > 0 ? (column[keptAt] as number) : 0;
  for (let k = 0; k < count; k++) {
    let fromKept = b >= nf;
    if (!fromKept && a < nk) {
      const v = freshValues[b] as number;
      fromKept = keptValue < v || (keptValue === v && keptAt < (fresh[b] as number));
    }
    if (fromKept) {
      list[k] = keptAt;
      if (++a < nk) {
        keptAt = kept[a] as number;
        keptValue = column[keptAt] as number;
      }
    } else list[k] = fresh[b++] as number;
  }
  return true;
}

/** Options of a {@link ParzenModel}. */
export interface ParzenOptions {
  readonly priorWeight: number;
  readonly multivariate: boolean;
  /** `scott`: std·n^(−1/(d+4)); `optuna`: 0.2·range·n^(−1/(d+4)); `neighbours`: {@link neighbourSigmas}. */
  readonly bandwidth: Bandwidth;
  /** Cached truncation terms, shared by the models of successive proposals. */
  readonly cache: TruncationCache;
  /** The dimension in the bandwidth rule (the number of parameters a trial has). */
  readonly dims: number;
  /** `neighbours`: the n of the clip's floor range / min(100, n + 2) (default: the members having the parameter). */
  readonly clipCount?: number;
  /** @internal `false`: a multivariate density by one pass per parameter (tests compare the two ways). */
  readonly packed?: boolean;
  /** @internal The most components × parameters laid out (default {@link PACK_LIMIT}; tests lower it). */
  readonly packLimit?: number;
}

/** How many components {@link ParzenModel.logDensityBelow} sums first: the largest last time. */
const HOT = 16;

/** The most members new to a model's sorted order that are merged into the last one's (see {@link mergeSorted}); more: the store is walked. */
const MAX_FRESH = 64;

/** How many cells a discrete kernel keeps the masses of (see `#cellTerms`); more start it afresh. */
const CELL_CACHE = 1024;

/** The most entries (components × parameters) a {@link Pack}'s arrays hold (8 MB each). */
const PACK_LIMIT = 1 << 20;

const KIND_FLOAT = 0;
const KIND_CATEGORICAL = 1;
const KIND_DISCRETE = 2;

/**
 * A model's kernels in one array per field, parameter by parameter (`vals[p * m + c]` for
 * parameter `p` and component `c` of `m`): each parameter's kernel is a view of its column, made
 * when first asked; and the scratch of the point being asked.
 */
interface Pack {
  /** The arrays `vals`, `inv` and `offset` are the beginnings of (given back on release). */
  readonly base: PackArrays;
  readonly filled: Int32Array;
  readonly vals: Float64Array;
  readonly inv: Float64Array;
  readonly offset: Float64Array;
  readonly kinds: Int32Array;
  readonly logHit: Float64Array;
  readonly logMiss: Float64Array;
  /** Per parameter: a float that every component has (1), or not (0). */
  readonly denseFloat: Int32Array;
  /** Scratch, by position in the observation asked: the prior's log density of its parameter at its value. */
  prior: Float64Array;
  /** Scratch, by position: for a discrete parameter, its kernel's cell at its value (see `#cellTerms`). */
  readonly mass: (Cell | undefined)[];
}

/** @internal The arrays of a {@link Pack}'s kernels, with room to spare: reused from model to model. */
export interface PackArrays {
  readonly vals: Float64Array;
  readonly inv: Float64Array;
  readonly offset: Float64Array;
}

/** @internal A fitted mixture over the members of a store (indices in trial order). */
export class ParzenModel {
  readonly #space: ParamSpace;
  readonly #store: ObservationStore;
  readonly #members: Int32Array;
  readonly #options: ParzenOptions;
  /** Component weights (prior last), normalised, and their logs and running sums. */
  readonly #weights: Float64Array;
  readonly #logWeights: Float64Array;
  readonly #cumulative: Float64Array;
  readonly #kernels: (Kernel | undefined)[];
  readonly #acc: Float64Array;
  /** Observation → component (−1: not a member), when the members ascend (built on first use). */
  #position: Int32Array | undefined;
  readonly #ascending: boolean;
  /** The kernels laid out by component (see {@link #packed}). */
  #pack: Pack | undefined;
  /** Whether {@link release} gave its pack's arrays away. */
  #released = false;
  /** {@link logDensityBelow}: the components of the largest terms last time (`#hotCount` of them, largest first) and their terms. */
  readonly #hot = slabInt32(HOT);
  readonly #hotValues = slabFloat64(HOT);
  readonly #hotBelow = slabInt32(HOT);
  #hotCount = 0;
  /** {@link logDensityBelow}: per component, the stamp of the last call that counted it. */
  #seen: Int32Array | undefined;
  #stamp = 0;
  /** {@link logDensityBelow}: the partial log-sum-exp of the terms counted so far, as max + log(sum). */
  #partMax = -Infinity;
  #partSum = 0;

  /**
   * `memberWeights` (one per member, ≥ 0) multiply the default recency weights (a pruned trial's
   * weight by how far it got). `rawWeights` (one per member, ≥ 0), when given, replace both: the
   * weights before normalisation (see {@link summarise}).
   */
  constructor(
    space: ParamSpace,
    store: ObservationStore,
    members: Int32Array,
    options: ParzenOptions,
    memberWeights?: Float64Array,
    rawWeights?: Float64Array,
  ) {
    this.#space = space;
    this.#store = store;
    this.#members = members;
    this.#options = options;
    const m = members.length;
    const w = slabFloat64(m + 1);
    if (rawWeights !== undefined) w.set(rawWeights.subarray(0, m));
    else {
      for (let c = 0; c < m; c++) w[c] = memberWeights === undefined ? defaultWeight(c, m) : defaultWeight(c, m) * (memberWeights[c] as number);
    }
    w[m] = options.priorWeight;
    let total = 0;
    for (let c = 0; c <= m; c++) total += w[c] as number;
    const logWeights = slabFloat64(m + 1);
    for (let c = 0; c <= m; c++) {
      w[c] = (w[c] as number) / total;
      logWeights[c] = Math.log(w[c] as number);
    }
    this.#weights = w;
    this.#logWeights = logWeights;
    this.#cumulative = cumulate(w);
    this.#kernels = new Array<Kernel | undefined>(space.params.length);
    this.#acc = slabFloat64(m + 1);
    let ascending = true;
    for (let c = 1; c < m && ascending; c++) ascending = (members[c - 1] as number) < (members[c] as number);
    this.#ascending = ascending;
  }

  /** The widths of the `neighbours` bandwidth of parameter `p` into `out`. */
  #neighbourSigmas(p: number, vals: Float64Array, count: number, lo: number, hi: number, out: Float64Array, clipCount: number | undefined): void {
    const store = this.#store;
    if (!this.#ascending || count === 0) {
      neighbourSigmas(vals, lo, hi, out, clipCount);
      return;
    }
    const cache = this.#options.cache;
    let position = this.#position;
    // the cache's map serves one model at a time: fill it again if another model took it since
    if (position === undefined || cache.positionsOwner !== this.#members || position.length < store.count) {
      position = cache.positions(store.count, this.#members);
      const members = this.#members;
      for (let c = 0; c < members.length; c++) position[members[c] as number] = c;
      this.#position = position;
    }
    // the members in sorted order: the last model's order with this one's members merged in
    // (successive models share most members), else a walk of the store's sorted order
    const column = store.columns[p] as Float64Array;
    const list = cache.sortedNext(p, count);
    const previous = cache.sorted(p);
    const { marks, stamp } = cache.marks(store.count);
    const merged = previous !== undefined && mergeSorted(column, this.#members, position, count, previous, cache.sortedCount(p), marks, stamp, MAX_FRESH, list);
    if (!merged) membersInOrder(store, p, position, count, list);
    cache.commitSorted(p, count);
    sortedNeighbourSigmas(column, list, count, position, lo, hi, out, clipCount);
  }

  #kernel(p: number): Kernel {
    const known = this.#kernels[p];
    if (known !== undefined) return known;
    const param = this.#space.params[p] as Param;
    const m = this.#members.length;
    const column = this.#store.columns[p] as Float64Array;
    // a multivariate model's kernels are columns of its pack (see #fill); others have their own arrays
    const pack = this.#options.multivariate && this.#packs() ? this.#packed() : undefined;
    const vals = pack === undefined ? slabFloat64(m) : pack.vals.subarray(p * m, p * m + m);
    let count = 0;
    for (let c = 0; c < m; c++) {
      const v = column[this.#members[c] as number] as number;
      vals[c] = v;
      if (v === v) count++;
    }
    const range = param.hi - param.lo;
    const { priorWeight, dims, bandwidth } = this.#options;
    const inv = pack === undefined ? slabFloat64(m) : pack.inv.subarray(p * m, p * m + m);
    const offset = pack === undefined ? slabFloat64(m) : pack.offset.subarray(p * m, p * m + m);
    const priorMu = 0.5 * (param.lo + param.hi);
    const priorSigma = range;
    let priorLogZ = 0;
    if (param.kind !== 'categorical') {
      const float = param.kind === 'float';
      if (bandwidth === 'neighbours') {
        // the widths into `inv`, then each replaced by its inverse
        const sigmas = inv;
        this.#neighbourSigmas(p, vals, count, param.lo, param.hi, sigmas, float ? this.#options.clipCount : undefined);
        // a component whose width did not change since the last model keeps its normaliser
        const cached = this.#options.cache.kernelColumns(p, this.#store.count);
        for (let c = 0; c < m; c++) {
          const v = vals[c] as number;
          if (v !== v) continue;
          const sigma = sigmas[c] as number;
          const o = this.#members[c] as number;
          inv[c] = 1 / sigma;
          if (cached.sigma[o] === sigma) offset[c] = cached.offset[o] as number;
          else {
            const z = (float ? -Math.log(sigma) - 0.5 * Math.log(2 * Math.PI) : 0) - logTruncation(param.lo, param.hi, v, sigma);
            offset[c] = z;
            cached.sigma[o] = sigma;
            cached.offset[o] = z;
          }
        }
      } else {
        let spread = bandwidth === 'scott' ? range : 0.2 * range;
        if (bandwidth === 'scott' && count > 1) {
          let mean = 0;
          for (let c = 0; c < m; c++) if (vals[c] === vals[c]) mean += vals[c] as number;
          mean /= count;
          let sq = 0;
          for (let c = 0; c < m; c++) if (vals[c] === vals[c]) sq += ((vals[c] as number) - mean) ** 2;
          spread = Math.sqrt(sq / (count - 1));
        }
        let sigma = Math.max(count, 1) ** (-1 / (dims + 4)) * spread;
        sigma = Math.min(range, Math.max(sigma, range / Math.min(100, count + 2)));
        // On a 1% geometric grid, so successive proposals can reuse the truncation terms.
        sigma = Math.exp(Math.round(Math.log(sigma) / SIGMA_STEP) * SIGMA_STEP);
        const base = float ? -Math.log(sigma) - 0.5 * Math.log(2 * Math.PI) : 0;
        const logZ = this.#options.cache.column(p, sigma, this.#store.count);
        for (let c = 0; c < m; c++) {
          const v = vals[c] as number;
          if (v !== v) continue;
          const o = this.#members[c] as number;
          let z = logZ[o] as number;
          if (z !== z) {
            z = logTruncation(param.lo, param.hi, v, sigma);
            logZ[o] = z;
          }
          inv[c] = 1 / sigma;
          offset[c] = base - z;
        }
      }
      priorLogZ = logTruncation(param.lo, param.hi, priorMu, priorSigma);
    }
    const r = priorWeight / (count + 1);
    const hit = (1 + r) / (1 + param.size * r);
    const miss = r / (1 + param.size * r);
    let logWeights: Float64Array | undefined;
    let cumulative: Float64Array | undefined;
    if (!this.#options.multivariate) {
      const w = slabFloat64(m + 1);
      let total = 0;
      for (let c = 0; c <= m; c++) {
        const has = c === m || vals[c] === vals[c];
        w[c] = has ? (this.#weights[c] as number) : 0;
        total += w[c] as number;
      }
      logWeights = slabFloat64(m + 1);
      for (let c = 0; c <= m; c++) {
        w[c] = (w[c] as number) / total;
        logWeights[c] = Math.log(w[c] as number);
      }
      cumulative = cumulate(w);
    }
    const kernel: Kernel = {
      param,
      vals,
      count,
      inv,
      offset,
      logHit: Math.log(hit),
      logMiss: Math.log(miss),
      hit,
      priorMu,
      priorSigma,
      priorLogZ,
      logWeights,
      cumulative,
      cells: param.kind === 'discrete' ? new Map() : undefined,
      cellChunk: undefined,
      cellChunkUsed: 0,
    };
    this.#kernels[p] = kernel;
    return kernel;
  }

  /** The prior kernel's log density (mass) at `x`. */
  #priorLog(k: Kernel, x: number): number {
    const param = k.param;
    if (param.kind === 'categorical') return -Math.log(param.size);
    if (param.kind === 'float') return normalLogPdf(x, k.priorMu, k.priorSigma) - k.priorLogZ;
    const [a, b] = cellOf(param, x);
    return Math.log(Math.max(normalMass((a - k.priorMu) / k.priorSigma, (b - k.priorMu) / k.priorSigma), 1e-300)) - k.priorLogZ;
  }

  /**
   * A discrete kernel's {@link Cell} of `x`, kept with the kernel (up to {@link CELL_CACHE}
   * cells): its terms are computed as sums need them, once each.
   */
  #cellTerms(k: Kernel, x: number): Cell {
    const cells = k.cells as Map<number, Cell>;
    let cell = cells.get(x);
    if (cell !== undefined) return cell;
    const [lo, hi] = cellOf(k.param, x);
    const m = this.#members.length;
    // the kernel's own chunks (not shared slabs: a good model and its cells can be kept for
    // many proposals, and would keep alive whatever else shared their memory)
    if (k.cellChunk === undefined || k.cellChunkUsed + m > k.cellChunk.length) {
      k.cellChunk = new Float64Array(CELL_CHUNK * Math.max(1, m));
      k.cellChunkUsed = 0;
    }
    const mass = k.cellChunk.subarray(k.cellChunkUsed, k.cellChunkUsed + m).fill(Number.NaN);
    k.cellChunkUsed += m;
    cell = { lo, hi, mass };
    // a wide integer range asked at ever new cells by a model kept for many proposals: bounded
    if (cells.size >= CELL_CACHE) cells.clear();
    cells.set(x, cell);
    return cell;
  }

  /** Adds, for every component, its log kernel at `x` to `acc` (the prior component last). */
  #accumulate(k: Kernel, x: number, acc: Float64Array): void {
    const m = this.#members.length;
    const vals = k.vals;
    const prior = this.#priorLog(k, x);
    const kind = k.param.kind;
    // every component having the parameter (the common case): the same sums without a test for NaN
    const dense = k.count === m;
    if (kind === 'categorical') {
      const { logHit, logMiss } = k;
      if (dense) for (let c = 0; c < m; c++) acc[c] = (acc[c] as number) + (vals[c] === x ? logHit : logMiss);
      else
        for (let c = 0; c < m; c++) {
          const v = vals[c] as number;
          acc[c] = (acc[c] as number) + (v !== v ? prior : v === x ? logHit : logMiss);
        }
    } else if (kind === 'float') {
      const { inv, offset } = k;
      if (dense)
        for (let c = 0; c < m; c++) {
          const z = (x - (vals[c] as number)) * (inv[c] as number);
          acc[c] = (acc[c] as number) - 0.5 * z * z + (offset[c] as number);
        }
      else
        for (let c = 0; c < m; c++) {
          const v = vals[c] as number;
          if (v !== v) acc[c] = (acc[c] as number) + prior;
          else {
            const z = (x - v) * (inv[c] as number);
            acc[c] = (acc[c] as number) - 0.5 * z * z + (offset[c] as number);
          }
        }
    } else {
      const { inv, offset } = k;
      const cell = this.#cellTerms(k, x);
      for (let c = 0; c < m; c++) {
        const v = vals[c] as number;
        if (v !== v) acc[c] = (acc[c] as number) + prior;
        else acc[c] = (acc[c] as number) + cellMass(cell, c, v, inv[c] as number) + (offset[c] as number);
      }
    }
    acc[m] = (acc[m] as number) + prior;
  }

  /**
   * Whether the densities go through a {@link Pack}: unless `packed: false`, or the layout would
   * take more than {@link PACK_LIMIT} entries an array (a space of thousands of parameters).
   */
  #packs(): boolean {
    return this.#options.packed !== false && this.#members.length * this.#space.params.length <= (this.#options.packLimit ?? PACK_LIMIT);
  }

  /**
   * The model's {@link Pack}, made on first use: {@link logDensity} then sums each component's
   * terms in one pass over its row instead of one pass per parameter over all components.
   */
  #packed(): Pack {
    if (this.#pack !== undefined) return this.#pack;
    if (this.#released) throw new Error('a released ParzenModel was used');
    const m = this.#members.length;
    const width = this.#space.params.length;
    const size = m * width;
    // The kernels' arrays of the last model released by the same cache's owner, when large
    // enough: every entry is written before it is read (a column when its kernel is made), so
    // they need no clearing. Else new ones, with room for the next models' growth.
    let base = this.#options.cache.takeSpare(size);
    if (base === undefined) {
      const room = size + (size >> 2) + 64;
      base = { vals: new Float64Array(room), inv: new Float64Array(room), offset: new Float64Array(room) };
    }
    this.#pack = {
      base,
      filled: slabInt32(width),
      vals: base.vals.subarray(0, size),
      inv: base.inv.subarray(0, size),
      offset: base.offset.subarray(0, size),
      kinds: slabInt32(width),
      logHit: slabFloat64(width),
      logMiss: slabFloat64(width),
      denseFloat: slabInt32(width),
      prior: slabFloat64(8),
      mass: [],
    };
    return this.#pack;
  }

  /**
   * Readies `pack` for the point `x` at the parameters `params` (an observation's): fills the
   * columns not filled yet, sets the scratch (priors, cell terms) and `acc[m]`, the prior
   * component's term. Whether every parameter is a float every component has (the sums then
   * need no test).
   */
  #prepare(pack: Pack, params: Int32Array, x: Float64Array): boolean {
    const m = this.#members.length;
    const n = params.length;
    if (pack.prior.length < n) pack.prior = slabFloat64(2 * n);
    const prior = pack.prior;
    let dense = true;
    for (let i = 0; i < n; i++) {
      const p = params[i] as number;
      const k = this.#kernel(p);
      if (pack.filled[p] === 0) {
        const kind = k.param.kind;
        pack.kinds[p] = kind === 'float' ? KIND_FLOAT : kind === 'categorical' ? KIND_CATEGORICAL : KIND_DISCRETE;
        pack.logHit[p] = k.logHit;
        pack.logMiss[p] = k.logMiss;
        pack.denseFloat[p] = kind === 'float' && k.count === m ? 1 : 0;
        // the kernel's values, widths and offsets are the pack's column p already (see #kernel)
        pack.filled[p] = 1;
      }
      if (pack.denseFloat[p] === 0) dense = false;
      prior[i] = this.#priorLog(k, x[i] as number);
      pack.mass[i] = k.cells !== undefined ? this.#cellTerms(k, x[i] as number) : undefined;
    }
    let a = this.#logWeights[m] as number;
    for (let i = 0; i < n; i++) a = a + (prior[i] as number);
    this.#acc[m] = a;
    return dense;
  }

  /**
   * Fills `acc[from, to)` with the log terms of components `from..to − 1` at the point `x` of the
   * parameters `params` (the log weight plus each parameter's log kernel, in the parameters'
   * order: the operations of the per-parameter passes, in their order, so the same numbers), once
   * {@link #prepare} readied `pack` for it; `dense` is what it returned.
   */
  #fill(pack: Pack, params: Int32Array, x: Float64Array, dense: boolean, from: number, to: number): void {
    const n = params.length;
    const m = this.#members.length;
    const { vals, inv, offset, kinds, logHit, logMiss, prior, mass } = pack;
    const logWeights = this.#logWeights;
    const acc = this.#acc;
    let c = from;
    if (dense) {
      // four components at a time: each sum is a chain of dependent additions, and four
      // independent chains keep the floating-point units busy (each sum's order is unchanged)
      for (; c + 3 < to; c += 4) {
        let a0 = logWeights[c] as number;
        let a1 = logWeights[c + 1] as number;
        let a2 = logWeights[c + 2] as number;
        let a3 = logWeights[c + 3] as number;
        for (let i = 0; i < n; i++) {
          const at = (params[i] as number) * m + c;
          const xi = x[i] as number;
          const z0 = (xi - (vals[at] as number)) * (inv[at] as number);
          const z1 = (xi - (vals[at + 1] as number)) * (inv[at + 1] as number);
          const z2 = (xi - (vals[at + 2] as number)) * (inv[at + 2] as number);
          const z3 = (xi - (vals[at + 3] as number)) * (inv[at + 3] as number);
          a0 = a0 - 0.5 * z0 * z0 + (offset[at] as number);
          a1 = a1 - 0.5 * z1 * z1 + (offset[at + 1] as number);
          a2 = a2 - 0.5 * z2 * z2 + (offset[at + 2] as number);
          a3 = a3 - 0.5 * z3 * z3 + (offset[at + 3] as number);
        }
        acc[c] = a0;
        acc[c + 1] = a1;
        acc[c + 2] = a2;
        acc[c + 3] = a3;
      }
      for (; c < to; c++) acc[c] = denseTerm(pack, params, x, m, c, logWeights[c] as number);
      return;
    }
    for (; c < to; c++) {
      let a = logWeights[c] as number;
      for (let i = 0; i < n; i++) {
        const p = params[i] as number;
        const at = p * m + c;
        const v = vals[at] as number;
        if (v !== v) a = a + (prior[i] as number);
        else {
          const kind = kinds[p] as number;
          const xi = x[i] as number;
          if (kind === KIND_FLOAT) {
            const z = (xi - v) * (inv[at] as number);
            a = a - 0.5 * z * z + (offset[at] as number);
          } else if (kind === KIND_CATEGORICAL) a = a + (v === xi ? (logHit[p] as number) : (logMiss[p] as number));
          else a = a + cellMass(mass[i] as Cell, c, v, inv[at] as number) + (offset[at] as number);
        }
      }
      acc[c] = a;
    }
  }

  /**
   * {@link #fill} for the components `components[0, count)`, one at a time (the same operations
   * in the same order, so the same numbers).
   */
  #fillSome(pack: Pack, params: Int32Array, x: Float64Array, dense: boolean, components: Int32Array, count: number): void {
    if (!dense) {
      for (let h = 0; h < count; h++) {
        const c = components[h] as number;
        this.#fill(pack, params, x, false, c, c + 1);
      }
      return;
    }
    const m = this.#members.length;
    const logWeights = this.#logWeights;
    const acc = this.#acc;
    for (let h = 0; h < count; h++) {
      const c = components[h] as number;
      acc[c] = denseTerm(pack, params, x, m, c, logWeights[c] as number);
    }
  }

  /**
   * {@link logDensity} on a {@link Pack}: each component's terms in the parameters' order, with
   * the same operations in the same order as the per-parameter passes, so the same number.
   */
  #packedLogDensity(observation: Observation): number {
    const m = this.#members.length;
    const acc = this.#acc;
    const pack = this.#packed();
    const { params, values } = observation;
    const dense = this.#prepare(pack, params, values);
    this.#fill(pack, params, values, dense, 0, m);
    let max = -Infinity;
    for (let c = 0; c <= m; c++) if ((acc[c] as number) > max) max = acc[c] as number;
    return logSumExpFrom(acc, m + 1, max);
  }

  /**
   * The log density of `observation`, or `+∞` once it is known to be at least `bound` (by a
   * margin of 1e−9 relative): the components are summed the largest first as far as the last
   * points asked tell (see {@link #remember}), then the most recent first, and the sum stops as
   * soon as a part of it reaches the bound. A finite result is exactly {@link logDensity}'s.
   * TPE asks the bad model so: a candidate whose bad density is that high cannot beat the best.
   */
  logDensityBelow(observation: Observation, bound: number): number {
    if (!this.#options.multivariate || !this.#packs() || !(bound < Infinity)) return this.logDensity(observation);
    const m = this.#members.length;
    const pack = this.#packed();
    const { params, values: x } = observation;
    const acc = this.#acc;
    const target = bound + 1e-9 * (1 + Math.abs(bound));
    let seen = this.#seen;
    if (seen === undefined) seen = this.#seen = slabInt32(m + 1);
    const stamp = ++this.#stamp;
    const dense = this.#prepare(pack, params, x);
    // the terms counted so far, as #partMax + log(#partSum)
    this.#partMax = -Infinity;
    this.#partSum = 0;
    this.#count(m, seen, stamp);
    const hot = this.#hot;
    this.#fillSome(pack, params, x, dense, hot, this.#hotCount);
    for (let h = 0; h < this.#hotCount; h++) this.#count(hot[h] as number, seen, stamp);
    let pruned = this.#hotCount > 0 && this.#partMax + Math.log(this.#partSum) >= target;
    // the rest, the most recent first (members ascend in trial order), eight at a time
    let to = m;
    while (to > 0 && !pruned) {
      const from = Math.max(0, to - 8);
      this.#fill(pack, params, x, dense, from, to);
      for (let c = from; c < to; c++) this.#count(c, seen, stamp);
      to = from;
      pruned = to > 0 && this.#partMax + Math.log(this.#partSum) >= target;
    }
    const max = this.#partMax;
    this.#remember(to, m);
    // all counted: max is the largest term, and the sum is made again as logDensity makes it
    return pruned ? Infinity : logSumExpFrom(acc, m + 1, max);
  }

  /** Adds component `c`'s term (in `acc`) to the partial log-sum-exp, unless this call (`stamp`) counted it already. */
  #count(c: number, seen: Int32Array, stamp: number): void {
    if (seen[c] === stamp) return;
    seen[c] = stamp;
    const t = this.#acc[c] as number;
    const max = this.#partMax;
    // Terms under e^−36 of the largest are left out (no exp): they change no decision a double
    // can tell, and a partial sum without them is still a lower bound of the whole, which is all
    // the pruning needs (an unpruned density is summed again in full).
    if (t > max) {
      const d = max - t; // −∞ for the first term
      this.#partSum = (d > -36 ? this.#partSum * Math.exp(d) : 0) + 1;
      this.#partMax = t;
    } else if (t - max > -36) this.#partSum += Math.exp(t - max);
  }

  /**
   * Keeps the components with the largest terms among those just summed, for the next
   * {@link logDensityBelow}: the last hot ones below `from`, and every component from `from` on.
   */
  #remember(from: number, m: number): void {
    const hot = this.#hot;
    const below = this.#hotBelow;
    let q = 0;
    for (let h = 0; h < this.#hotCount; h++) if ((hot[h] as number) < from) below[q++] = hot[h] as number;
    let k = 0;
    for (let r = 0; r < q; r++) k = this.#keep(below[r] as number, k);
    for (let c = from; c < m; c++) k = this.#keep(c, k);
    this.#hotCount = k;
  }

  /** Puts component `c` among the `k` hot ones kept so far (largest term first, at most {@link HOT}); the new count. */
  #keep(c: number, k: number): number {
    const t = this.#acc[c] as number;
    if (!(t > -Infinity)) return k;
    const hot = this.#hot;
    const values = this.#hotValues;
    let j: number;
    if (k < HOT) j = k++;
    else if (t > (values[HOT - 1] as number)) j = HOT - 1;
    else return k;
    while (j > 0 && (values[j - 1] as number) < t) {
      values[j] = values[j - 1] as number;
      hot[j] = hot[j - 1] as number;
      j--;
    }
    values[j] = t;
    hot[j] = c;
    return k;
  }

  /** The log density of an observation under the mixture. */
  logDensity(observation: Observation): number {
    if (this.#released) throw new Error('a released ParzenModel was used');
    const m = this.#members.length;
    const acc = this.#acc;
    if (this.#options.multivariate) {
      if (this.#packs()) return this.#packedLogDensity(observation);
      acc.set(this.#logWeights);
      for (let i = 0; i < observation.params.length; i++) this.#accumulate(this.#kernel(observation.params[i] as number), observation.values[i] as number, acc);
      return logSumExp(acc, m + 1);
    }
    let total = 0;
    for (let i = 0; i < observation.params.length; i++) {
      const k = this.#kernel(observation.params[i] as number);
      acc.set(k.logWeights as Float64Array);
      this.#accumulate(k, observation.values[i] as number, acc);
      total += logSumExp(acc, m + 1);
    }
    return total;
  }

  /**
   * Gives the model's kernel arrays back to its cache, for the next model of the same cache to
   * reuse (TPE makes a bad-trials model every proposal): the model must not be used after this
   * (its densities and draws throw).
   */
  release(): void {
    this.#released = true;
    const pack = this.#pack;
    if (pack === undefined) return;
    this.#pack = undefined;
    this.#options.cache.giveSpare(pack.base);
  }

  /** Draws a DNA from the mixture. */
  sample(rng: Rng): ReturnType<ParamSpace['build']> {
    if (this.#released) throw new Error('a released ParzenModel was used');
    const m = this.#members.length;
    const component = this.#options.multivariate ? pick(this.#cumulative, rng) : -1;
    return this.#space.build((p, exclude) => {
      const k = this.#kernel(p);
      const c = component >= 0 ? component : pick(k.cumulative as Float64Array, rng);
      const v = c < m ? (k.vals[c] as number) : Number.NaN;
      for (let attempt = 0; attempt < 20; attempt++) {
        const x = v !== v ? this.#drawPrior(k, rng) : this.#draw(k, c, v, rng);
        if (exclude === undefined || !exclude.includes(x)) return x;
      }
      return this.#drawPrior(k, rng);
    }, rng);
  }

  #draw(k: Kernel, c: number, v: number, rng: Rng): number {
    const param = k.param;
    if (param.kind !== 'categorical') return truncatedNormalDraw(v, 1 / (k.inv[c] as number), param.lo, param.hi, rng);
    if (rng() < k.hit || param.size === 1) return v;
    const other = Math.floor(rng() * (param.size - 1));
    return other >= v ? other + 1 : other;
  }

  #drawPrior(k: Kernel, rng: Rng): number {
    const param = k.param;
    if (param.kind === 'categorical') return Math.floor(rng() * param.size);
    return truncatedNormalDraw(k.priorMu, k.priorSigma, param.lo, param.hi, rng);
  }
}

/**
 * Component `c`'s log term at the point `x` of the parameters `params` when every one is a float
 * every component has (of `m`): `logWeight` plus each parameter's log kernel, in order.
 */
function denseTerm(pack: Pack, params: Int32Array, x: Float64Array, m: number, c: number, logWeight: number): number {
  const { vals, inv, offset } = pack;
  let a = logWeight;
  for (let i = 0; i < params.length; i++) {
    const at = (params[i] as number) * m + c;
    const z = ((x[i] as number) - (vals[at] as number)) * (inv[at] as number);
    a = a - 0.5 * z * z + (offset[at] as number);
  }
  return a;
}

function cumulate(w: Float64Array): Float64Array {
  const out = slabFloat64(w.length);
  let s = 0;
  for (let i = 0; i < w.length; i++) {
    s += w[i] as number;
    out[i] = s;
  }
  return out;
}

/** An index drawn with the probabilities whose running sums are `cumulative`. */
function pick(cumulative: Float64Array, rng: Rng): number {
  const u = rng() * (cumulative[cumulative.length - 1] as number);
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cumulative[mid] as number) > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
