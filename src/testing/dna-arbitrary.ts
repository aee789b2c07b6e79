import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { DNA } from '../geno/dna.js';
import { DNASpec, candidateElements, childrenOf, elementDNAs, joinSpace } from '../geno/dna-spec.js';
import type { ChoiceDecision, CustomDecision, DecisionPoint, FloatDecision, IntDecision, SpaceSpec } from '../geno/dna-spec.js';
import { seededRng } from '../base/rng.js';
import { PliantError } from '../base/errors.js';

/** Options of {@link dnaArbitrary} (and of `arbitrary` / `arbitraryWithDNA`). */
export interface DNAArbitraryOptions {
  /**
   * Decisions held fixed in every draw, by decision id or by name (a name fixes every decision
   * point that carries it, e.g. one per pick of a `manyOf`). Values are as in a decision record
   * given to `materialize`: a candidate index for a `oneOf`, a list of `k` indices for a
   * `manyOf`, a number for a `floatv` or an `intv`, a genome string for a custom decision
   * (`defineDecision`, `evolvable`). The sub-spaces of fixed candidates are still
   * drawn. A key that is no decision, or a value that does not fit, is a `PliantError`.
   */
  readonly fixed?: Readonly<Record<string, unknown>>;
}

/**
 * A fast-check arbitrary of the DNAs of a space: every DNA it draws passes `spec.validate`.
 *
 * Choices are uniform-ish over their candidates (fast-check biases toward both ends), a
 * conditional sub-space is drawn for the chosen candidate only, distinct `manyOf` picks never
 * repeat, sorted ones come in order; an `intv` is drawn over its integers, a `floatv` over its
 * range on its scale (log-uniform for `{scale: 'log'}`); a custom decision's genome is its
 * definition's `first`, a `random` genome, or `first` after a few `mutate` steps, all seeded by
 * fast-check.
 *
 * Shrinking goes toward `spec.firstDNA()`: each choice toward its first candidate(s) (a distinct
 * `manyOf` toward `[0, 1, ...]`), each range toward its minimum, each custom decision toward its
 * `first` genome, so a failing property reports a small counter-example.
 *
 * ```ts
 * fc.assert(fc.property(dnaArbitrary(dnaSpec(space)), (dna) => myAlgorithmAccepts(dna)));
 * ```
 */
export function dnaArbitrary(spec: DNASpec, options: DNAArbitraryOptions = {}): Arbitrary<DNA> {
  return buildDNAArbitrary(spec, options, 'dnaArbitrary');
}

/** @internal {@link dnaArbitrary} with the API named in errors. */
export function buildDNAArbitrary(spec: DNASpec, options: DNAArbitraryOptions, api: string): Arbitrary<DNA> {
  if (!(spec instanceof DNASpec)) throw new PliantError(api, 'argument', 'expects a DNASpec (make one with dnaSpec(space))');
  if (typeof options !== 'object' || options === null) throw new PliantError(api, 'argument', 'options must be an object');
  return new DNAArbitrary(spec, resolveFixed(spec, options.fixed, api));
}

/** A fixed value, checked against its decision. */
type Fixed =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'genome'; readonly value: string }
  | { readonly kind: 'indices'; readonly indices: readonly number[] };

/**
 * The arbitrary itself. Drawing walks the spec like `randomDNA`, taking each value from a
 * fast-check arbitrary (so fast-check's bias toward edge values applies); shrinking walks the
 * active decisions depth first and proposes, for each, smaller values: a choice's lower
 * candidates (each with its first sub-DNA; a distinct pick may swap with a later pick), a
 * range's values toward its minimum, a custom decision's first genome; then the decisions under
 * the chosen candidate. Every proposal is a valid DNA, and each is smaller in depth-first
 * lexicographic order, so shrinking ends, at `firstDNA()` when everything fails.
 */
class DNAArbitrary extends fc.Arbitrary<DNA> {
  readonly #spec: DNASpec;
  readonly #fixed: ReadonlyMap<DecisionPoint, Fixed>;
  readonly #values = new Map<DecisionPoint, Arbitrary<number> | Arbitrary<string>>();
  readonly #codes = new Map<ChoiceDecision, Arbitrary<number[]>>();

  constructor(spec: DNASpec, fixed: ReadonlyMap<DecisionPoint, Fixed>) {
    super();
    this.#spec = spec;
    this.#fixed = fixed;
  }

  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<DNA> {
    const root = this.#spec.root;
    return new fc.Value(joinSpace(root, this.#drawSpace(root, mrng, biasFactor)), undefined);
  }

  canShrinkWithoutContext(value: unknown): value is DNA {
    return value instanceof DNA && this.#spec.isValid(value);
  }

  shrink(value: DNA, _context: unknown): fc.Stream<fc.Value<DNA>> {
    const root = this.#spec.root;
    const elems = elementDNAs(root, value, 'dnaArbitrary');
    return new fc.Stream(this.#shrinkSpace(root, elems)).map((e) => new fc.Value(joinSpace(root, e), undefined));
  }

  // -- drawing ---------------------------------------------------------------------------------

  #draw<T>(arb: Arbitrary<T>, mrng: fc.Random, biasFactor: number | undefined): T {
    return arb.generate(mrng, biasFactor).value;
  }

  #valueArbitrary(d: FloatDecision | IntDecision | CustomDecision): Arbitrary<number> | Arbitrary<string> {
    let arb = this.#values.get(d);
    if (arb === undefined) {
      arb = d.kind === 'float' ? floatArbitrary(d) : d.kind === 'int' ? intArbitrary(d.min, d.max) : customArbitrary(d);
      this.#values.set(d, arb);
    }
    return arb;
  }

  #drawSpace(space: SpaceSpec, mrng: fc.Random, biasFactor: number | undefined): DNA[] {
    return space.elements.map((d) => this.#drawDecision(d, mrng, biasFactor));
  }

  #drawDecision(d: DecisionPoint, mrng: fc.Random, biasFactor: number | undefined): DNA {
    const fixed = this.#fixed.get(d);
    if (d.kind !== 'choice') {
      const v = fixed !== undefined && fixed.kind !== 'indices' ? fixed.value : this.#draw<number | string>(this.#valueArbitrary(d), mrng, biasFactor);
      return new DNA(v, undefined, d.kind === 'float');
    }
    let indices: readonly number[];
    if (fixed !== undefined) indices = fixed.kind === 'number' ? [fixed.value] : fixed.kind === 'indices' ? fixed.indices : [];
    else {
      let codes = this.#codes.get(d);
      if (codes === undefined) this.#codes.set(d, (codes = indicesArbitrary(d)));
      indices = this.#draw(codes, mrng, biasFactor);
    }
    const picks = indices.map((index, j) => {
      const cand = candidateOf(d, j, index);
      return new DNA(index, childrenOf(cand, this.#drawSpace(cand, mrng, biasFactor)));
    });
    return d.k === 1 ? (picks[0] as DNA) : new DNA(undefined, picks);
  }

  // -- shrinking -------------------------------------------------------------------------------

  /** The first element DNAs of a space, fixed decisions kept. */
  #firstSpace(space: SpaceSpec): DNA[] {
    return space.elements.map((d) => {
      const fixed = this.#fixed.get(d);
      if (d.kind === 'custom') return new DNA(fixed?.kind === 'genome' ? fixed.value : d.definition.first(d.hyper));
      if (d.kind !== 'choice') return new DNA(fixed?.kind === 'number' ? fixed.value : d.min, undefined, d.kind === 'float');
      const indices =
        fixed?.kind === 'number' ? [fixed.value] : fixed?.kind === 'indices' ? fixed.indices : Array.from({ length: d.k }, (_, j) => (d.distinct ? j : 0));
      const picks = indices.map((index, j) => this.#firstPick(d, j, index));
      return d.k === 1 ? (picks[0] as DNA) : new DNA(undefined, picks);
    });
  }

  #firstPick(d: ChoiceDecision, j: number, index: number): DNA {
    const cand = candidateOf(d, j, index);
    return new DNA(index, childrenOf(cand, this.#firstSpace(cand)));
  }

  *#shrinkSpace(space: SpaceSpec, elems: readonly DNA[]): Generator<DNA[], void, undefined> {
    for (let i = 0; i < elems.length; i++) {
      for (const smaller of this.#shrinkDecision(space.elements[i] as DecisionPoint, elems[i] as DNA)) {
        const out = elems.slice();
        out[i] = smaller;
        yield out;
      }
    }
  }

  *#shrinkDecision(d: DecisionPoint, dna: DNA): Generator<DNA, void, undefined> {
    const fixed = this.#fixed.has(d);
    if (d.kind === 'custom') {
      if (fixed) return;
      const first = d.definition.first(d.hyper);
      if (dna.value !== first) yield new DNA(first);
      return;
    }
    if (d.kind === 'int') {
      if (!fixed) for (const v of towardInt(d.min, dna.value as number)) yield new DNA(v);
      return;
    }
    if (d.kind === 'float') {
      if (!fixed) for (const v of towardFloat(d.min, dna.value as number)) yield new DNA(v, undefined, true);
      return;
    }
    if (d.k === 1) {
      for (const move of this.#shrinkPick(d, 0, dna, fixed ? [] : towardInt(0, dna.value as number), [dna])) yield move.dna;
      return;
    }
    const picks = dna.children;
    for (let j = 0; j < d.k; j++) {
      const pick = picks[j] as DNA;
      const index = pick.value as number;
      const previous = j > 0 ? ((picks[j - 1] as DNA).value as number) : -1;
      const lowest = d.sorted ? (d.distinct ? previous + 1 : Math.max(previous, 0)) : 0;
      const targets: number[] = [];
      if (!fixed) for (const t of towardInt(lowest, index)) targets.push(t);
      for (const moved of this.#shrinkPick(d, j, pick, targets, picks)) {
        if (moved.swapWith !== undefined) {
          const out = picks.slice();
          out[j] = picks[moved.swapWith] as DNA;
          out[moved.swapWith] = pick;
          yield new DNA(undefined, out);
        } else {
          const out = picks.slice();
          out[j] = moved.dna;
          yield new DNA(undefined, out);
        }
      }
    }
  }

  /** Moves of pick `j` (a oneOf is pick 0 of 1): a lower candidate, a swap with a later pick, a smaller sub-DNA. */
  *#shrinkPick(d: ChoiceDecision, j: number, dna: DNA, targets: Iterable<number>, picks: readonly DNA[]): Generator<PickMove, void, undefined> {
    const index = dna.value as number;
    for (const t of targets) {
      const holder = d.distinct ? picks.findIndex((p, at) => at !== j && p.value === t) : -1;
      if (holder === -1) yield { dna: this.#firstPick(d, j, t), swapWith: undefined };
      else if (holder > j && !d.sorted) yield { dna, swapWith: holder };
    }
    const cand = candidateOf(d, j, index);
    const elems = candidateElements(cand, dna.children, 'dnaArbitrary', d, index);
    for (const smaller of this.#shrinkSpace(cand, elems)) {
      const next = new DNA(index, childrenOf(cand, smaller));
      yield { dna: next, swapWith: undefined };
    }
  }
}

/** One shrinking move of a manyOf pick: a replacement, or a swap with a later pick. */
interface PickMove {
  readonly dna: DNA;
  readonly swapWith: number | undefined;
}

function candidateOf(d: ChoiceDecision, j: number, index: number): SpaceSpec {
  return (d.picks[j] as readonly SpaceSpec[])[index] as SpaceSpec;
}

/** Integers from `target` toward `v` (exclusive), the biggest jump first: target, v − gap/2, ..., v − 1. */
function* towardInt(target: number, v: number): Generator<number, void, undefined> {
  for (let gap = v - target; gap > 0; gap = Math.floor(gap / 2)) yield v - gap;
}

/** Floats from `target` toward `v` (exclusive), halving the gap each time (at most 64 steps). */
function* towardFloat(target: number, v: number): Generator<number, void, undefined> {
  let gap = v - target;
  for (let step = 0; step < 64 && gap > 0; step++, gap /= 2) {
    const t = step === 0 ? target : v - gap;
    if (!(t < v)) return;
    yield t;
  }
}

/**
 * The candidate indices of a `manyOf` of `k > 1` picks. Distinct picks are drawn as a Lehmer
 * code (pick `j` is the `c_j`-th candidate not yet taken), so every code is valid and the zero
 * code, where shrinking ends, is `[0, 1, ..., k-1]`; sorted picks are sorted afterwards.
 */
function indicesArbitrary(d: ChoiceDecision): Arbitrary<number[]> {
  const n = d.candidates.length;
  const codes = Array.from({ length: d.k }, (_, j) => fc.integer({ min: 0, max: d.distinct ? n - 1 - j : n - 1 }));
  return fc.tuple(...codes).map((code) => {
    let indices: number[];
    if (d.distinct) {
      const pool = Array.from({ length: n }, (_, i) => i);
      indices = code.map((c) => pool.splice(c, 1)[0] as number);
    } else {
      indices = [...code];
    }
    if (d.sorted) indices.sort((a, b) => a - b);
    return indices;
  });
}

const INT32_SPAN = 2 ** 31 - 1;

/** Integers in `[min, max]` shrinking toward `min` (fast-check's own shrink toward 0). */
function intArbitrary(min: number, max: number): Arbitrary<number> {
  if (min === max) return fc.constant(min);
  if (max - min <= INT32_SPAN) return fc.integer({ min: 0, max: max - min }).map((v) => min + v);
  const span = BigInt(max) - BigInt(min);
  return fc.bigInt({ min: 0n, max: span }).map((v) => Number(BigInt(min) + v));
}

const UNIT_STEPS = 2 ** 53;

/**
 * Floats in `[min, max]` on the decision's scale, shrinking toward `min`: a unit value `u` in
 * `[0, 1]` (53 bits, both ends reachable) is drawn and mapped through the scale, so that `u = 0`
 * is `min` and `u = 1` is `max`.
 */
function floatArbitrary(d: FloatDecision): Arbitrary<number> {
  const { min, max, scale } = d;
  if (min === max) return fc.constant(min);
  return fc.bigInt({ min: 0n, max: BigInt(UNIT_STEPS) }).map((steps) => {
    const u = Number(steps) / UNIT_STEPS;
    if (u === 0) return min;
    if (u === 1) return max;
    let v: number;
    if (scale === 'log') v = Math.exp(Math.log(min) + u * (Math.log(max) - Math.log(min)));
    else if (scale === 'rlog') v = max + min - Math.exp(Math.log(min) + (1 - u) * (Math.log(max) - Math.log(min)));
    else v = (1 - u) * min + u * max;
    return Math.min(max, Math.max(min, v));
  });
}

const SEED = fc.integer({ min: 0, max: 2 ** 31 - 1 });

/**
 * Genomes of a custom decision: its `first` genome (where shrinking ends), a `random` one, or
 * (when the definition can mutate) `first` after one to four `mutate` steps; the generators the
 * definition receives are seeded by fast-check, so draws replay.
 */
function customArbitrary(d: CustomDecision): Arbitrary<string> {
  const def = d.definition;
  const node = d.hyper;
  const first = fc.constant(null).map(() => def.first(node));
  const random = SEED.map((seed) => def.random(seededRng(seed), node));
  const mutate = def.mutate;
  if (mutate === undefined) return fc.oneof({ withCrossShrink: true }, { arbitrary: first, weight: 1 }, { arbitrary: random, weight: 3 });
  const mutated = fc.tuple(fc.integer({ min: 1, max: 4 }), SEED).map(([steps, seed]) => {
    const rng = seededRng(seed);
    let genome = def.first(node);
    for (let i = 0; i < steps; i++) genome = mutate.call(def, genome, rng, node);
    return genome;
  });
  return fc.oneof({ withCrossShrink: true }, { arbitrary: first, weight: 1 }, { arbitrary: random, weight: 2 }, { arbitrary: mutated, weight: 2 });
}

/** Checks the `fixed` option against the spec and maps each decision point it fixes to its value. */
function resolveFixed(spec: DNASpec, fixed: Readonly<Record<string, unknown>> | undefined, api: string): Map<DecisionPoint, Fixed> {
  const out = new Map<DecisionPoint, Fixed>();
  if (fixed === undefined) return out;
  if (typeof fixed !== 'object' || fixed === null || Array.isArray(fixed)) {
    throw new PliantError(api, 'argument', 'options.fixed must be a record of decision id (or name) → value');
  }
  const used = new Set<string>();
  const visit = (space: SpaceSpec): void => {
    for (const d of space.elements) {
      const key = Object.prototype.hasOwnProperty.call(fixed, d.id)
        ? d.id
        : d.name !== undefined && Object.prototype.hasOwnProperty.call(fixed, d.name)
          ? d.name
          : undefined;
      if (key !== undefined) {
        used.add(key);
        out.set(d, checkFixed(d, fixed[key], key, api));
      }
      if (d.kind === 'choice') for (const pick of d.picks) for (const cand of pick) visit(cand);
    }
  };
  visit(spec.root);
  for (const key of Object.keys(fixed)) {
    if (!used.has(key)) {
      const ids = spec.decisionIds.join(', ') || 'none';
      throw new PliantError(api, 'argument', `options.fixed: '${key}' is neither a decision id nor a decision name of this space (ids: ${ids})`);
    }
  }
  return out;
}

function checkFixed(d: DecisionPoint, value: unknown, key: string, api: string): Fixed {
  const where = `options.fixed['${key}']`;
  if (d.kind === 'custom') {
    if (typeof value !== 'string') throw new PliantError(api, 'argument', `${where}: decision '${d.id}' takes a genome string, found ${JSON.stringify(value)}`);
    return { kind: 'genome', value };
  }
  if (d.kind === 'float' || d.kind === 'int') {
    if (typeof value !== 'number' || !(value >= d.min && value <= d.max) || (d.kind === 'int' && !Number.isInteger(value))) {
      throw new PliantError(
        api,
        'argument',
        `${where}: decision '${d.id}' takes ${d.kind === 'int' ? 'an integer' : 'a number'} in [${d.min}, ${d.max}], found ${JSON.stringify(value)}`,
      );
    }
    return { kind: 'number', value };
  }
  const list = d.k === 1 ? [value] : value;
  if (!Array.isArray(list) || list.length !== d.k) {
    throw new PliantError(
      api,
      'argument',
      `${where}: decision '${d.id}' takes ${d.k === 1 ? 'a candidate index' : `a list of ${d.k} candidate indices`}, found ${JSON.stringify(value)}`,
    );
  }
  const n = d.candidates.length;
  list.forEach((index: unknown, j: number) => {
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= n) {
      throw new PliantError(api, 'argument', `${where}: decision '${d.id}' has ${n} candidates, found index ${JSON.stringify(index)}`);
    }
    if (d.distinct && list.indexOf(index) !== j)
      throw new PliantError(api, 'argument', `${where}: decision '${d.id}' picks distinct candidates, but ${index} repeats`);
    if (d.sorted && j > 0 && index < (list[j - 1] as number))
      throw new PliantError(api, 'argument', `${where}: decision '${d.id}' picks in candidate order, but ${index} comes after ${String(list[j - 1])}`);
  });
  const indices = list as number[];
  return d.k === 1 ? { kind: 'number', value: indices[0] as number } : { kind: 'indices', indices: Object.freeze([...indices]) };
}
