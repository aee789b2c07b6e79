import { PliantError } from '../base/errors.js';
import { appendSegment, formatKeyPath } from '../symbolic/key-path.js';
import type { KeySegment } from '../symbolic/key-path.js';
import { SymbolicNode } from '../symbolic/node.js';
import { sealValue } from '../symbolic/values.js';
import type { SymbolicType, TreeValue } from '../symbolic/node.js';
import { hyperKind } from '../hyper/hyper-value.js';
import { decisionDefinition } from '../hyper/custom.js';
import type { DecisionDefinition } from '../hyper/custom.js';
import type { FloatScale } from '../hyper/floatv.js';
import { DNA } from './dna.js';
import type { DNAValue } from './dna.js';

/** @internal How a space's value is rebuilt from its decisions (shared subtrees stay shared). */
export type Plan =
  | { readonly k: 'const'; readonly value: TreeValue }
  | { readonly k: 'hole'; readonly index: number }
  | { readonly k: 'node'; readonly type: SymbolicType; readonly keys: readonly string[]; readonly parts: readonly Plan[] }
  | { readonly k: 'array'; readonly parts: readonly Plan[] }
  | { readonly k: 'record'; readonly keys: readonly string[]; readonly parts: readonly Plan[] };

/** What all decision points share. */
interface DecisionBase {
  /** PyGlove-style decision id: `optimizer[=1/2].lr`; the picks of a `manyOf` share one id. */
  readonly id: string;
  /** The name given to the hyper value, if any. */
  readonly name: string | undefined;
  /** The hyper value this decision comes from. */
  readonly hyper: SymbolicNode;
  /** Key path of the hyper value inside the value of its space (a candidate, or the root). */
  readonly location: readonly KeySegment[];
}

/**
 * A choice of `k` candidates (`oneOf` when `k` is 1 and `picks` has one entry, `manyOf` and
 * `permutate` otherwise). Each pick has its own copy of the candidates' sub-spaces, because the
 * decisions inside them get per-pick ids (`layers[0][=0/3].w`).
 */
export interface ChoiceDecision extends DecisionBase {
  readonly kind: 'choice';
  /** How many candidates are picked (1 for `oneOf`). */
  readonly k: number;
  /** Whether the result is a list (`manyOf`, `permutate`), even of one. */
  readonly isList: boolean;
  readonly distinct: boolean;
  readonly sorted: boolean;
  /**
   * Whether the candidates are ordered (`oneOf(values, { ordered: true })`): their list order
   * means something, so a model may treat neighbours as neighbours. Always `false` for `manyOf`
   * and `permutate`.
   */
  readonly ordered: boolean;
  /** The candidates as given. */
  readonly candidates: readonly TreeValue[];
  /** Per pick, the sub-space of each candidate. */
  readonly picks: readonly (readonly SpaceSpec[])[];
}

/** A float in `[min, max]`. */
export interface FloatDecision extends DecisionBase {
  readonly kind: 'float';
  readonly min: number;
  readonly max: number;
  readonly scale: FloatScale | undefined;
}

/** An integer in `[min, max]`; its DNA value is the integer. An integer decision is ordered. */
export interface IntDecision extends DecisionBase {
  readonly kind: 'int';
  readonly min: number;
  readonly max: number;
  /** `'log'` (`'rlog'`): sampled and modelled on the log of the integer (of its mirror image); `min ≥ 1`. */
  readonly scale: FloatScale | undefined;
}

/** A custom decision (see `defineDecision`, `evolvable`); its DNA value is a genome string. */
export interface CustomDecision extends DecisionBase {
  readonly kind: 'custom';
  readonly definition: DecisionDefinition<TreeValue>;
}

/** A decision point of a search space. */
export type DecisionPoint = ChoiceDecision | FloatDecision | IntDecision | CustomDecision;

/** The decisions of one value (the whole space, or one candidate), in depth-first order. */
export interface SpaceSpec {
  readonly elements: readonly DecisionPoint[];
  /** @internal */
  readonly plan: Plan;
  /** Number of distinct DNAs, −1 when infinite (a float somewhere). */
  readonly size: number;
  /** Number of decision points, counting each pick and every candidate's sub-space. */
  readonly count: number;
}

/** Whether a decision's DNA is a list (a `manyOf` of more than one pick). */
export function isListForm(d: DecisionPoint): boolean {
  return d.kind === 'choice' && d.k > 1;
}

/**
 * The tree of decision points of a search space: what can be decided. Made by `dnaSpec(space)`.
 */
export class DNASpec {
  /** The decisions of the whole space. */
  readonly root: SpaceSpec;
  /** Number of distinct DNAs; −1 when a float decision exists anywhere. */
  readonly spaceSize: number;
  /** Number of decision points (each `manyOf` pick counted, and every candidate's sub-space). */
  readonly numDecisionPoints: number;
  /** Decision ids in depth-first order, each once. */
  readonly decisionIds: readonly string[];
  /** The decision point of each id (for a `manyOf`, its choice). */
  readonly byId: ReadonlyMap<string, DecisionPoint>;
  /** Decision points by name (a name inside a `manyOf` candidate names one point per pick). */
  readonly named: ReadonlyMap<string, readonly DecisionPoint[]>;

  /** @internal Use `dnaSpec(space)`. */
  constructor(root: SpaceSpec) {
    this.root = root;
    this.spaceSize = root.size;
    this.numDecisionPoints = root.count;
    const ids: string[] = [];
    const byId = new Map<string, DecisionPoint>();
    const named = new Map<string, DecisionPoint[]>();
    const visit = (space: SpaceSpec): void => {
      for (const d of space.elements) {
        if (!byId.has(d.id)) {
          ids.push(d.id);
          byId.set(d.id, d);
        }
        if (d.name !== undefined) {
          const list = named.get(d.name) ?? [];
          list.push(d);
          named.set(d.name, list);
        }
        if (d.kind === 'choice') for (const pick of d.picks) for (const c of pick) visit(c);
      }
    };
    visit(root);
    this.decisionIds = Object.freeze(ids);
    this.byId = byId;
    this.named = named;
    Object.freeze(this);
  }

  /** The decision ids with the names given to them (`undefined` where unnamed). */
  get decisionNames(): (string | undefined)[] {
    return this.decisionIds.map((id) => this.byId.get(id)?.name);
  }

  /** Throws a `PliantError` naming the decision when `dna` does not fit this spec. */
  validate(dna: DNA): void {
    walkSpace(this.root, elementDNAs(this.root, dna, 'validate'), 'validate', undefined);
  }

  /** Whether `dna` fits this spec. */
  isValid(dna: DNA): boolean {
    try {
      this.validate(dna);
      return true;
    } catch (error) {
      if (error instanceof PliantError) return false;
      throw error;
    }
  }

  /** The first DNA: every choice at its first candidate(s), every range at its minimum. */
  firstDNA(): DNA {
    return joinSpace(this.root, firstOfSpace(this.root));
  }

  /** Reads PyGlove's depth-first numbers into a DNA (and validates it). */
  fromNumbers(numbers: readonly DNAValue[]): DNA {
    const api = 'DNA.fromNumbers';
    let at = 0;
    const nextValue = (d: DecisionPoint): DNAValue => {
      if (at >= numbers.length) {
        throw new PliantError(api, 'argument', `the numbers end before decision '${d.id}' (${numbers.length} given)`);
      }
      return numbers[at++] as DNAValue;
    };
    const next = (d: DecisionPoint): number => {
      if (at >= numbers.length) {
        throw new PliantError(api, 'argument', `the numbers end before decision '${d.id}' (${numbers.length} given)`);
      }
      const v = numbers[at++];
      if (typeof v !== 'number' || Number.isNaN(v)) throw new PliantError(api, 'argument', `number ${at - 1} is not a number: ${String(v)}`);
      return v;
    };
    const readSpace = (space: SpaceSpec): DNA[] => space.elements.map((d) => readDecision(d));
    const readPick = (d: ChoiceDecision, j: number): DNA => {
      const index = next(d);
      checkIndex(d, index, api);
      const cand = (d.picks[j] as readonly SpaceSpec[])[index] as SpaceSpec;
      return new DNA(index, childrenOf(cand, readSpace(cand)));
    };
    const readDecision = (d: DecisionPoint): DNA => {
      if (d.kind === 'custom') return new DNA(nextValue(d));
      if (d.kind === 'float') return new DNA(next(d), undefined, true);
      if (d.kind === 'int') return new DNA(next(d));
      if (d.k === 1) return readPick(d, 0);
      const picks: DNA[] = [];
      for (let j = 0; j < d.k; j++) picks.push(readPick(d, j));
      return new DNA(undefined, picks);
    };
    const dna = joinSpace(this.root, readSpace(this.root));
    if (at !== numbers.length) throw new PliantError(api, 'argument', `${numbers.length - at} number(s) left over after the last decision`);
    walkSpace(this.root, elementDNAs(this.root, dna, api), api, undefined);
    return dna;
  }

  /** Turns a record of decision id (or unique name) → value into a DNA. */
  fromRecord(record: Readonly<Record<string, unknown>>, api = 'materialize'): DNA {
    const used = new Set<string>();
    const lookup = (d: DecisionPoint): unknown => {
      if (Object.prototype.hasOwnProperty.call(record, d.id)) {
        used.add(d.id);
        return record[d.id];
      }
      if (d.name !== undefined && Object.prototype.hasOwnProperty.call(record, d.name) && (this.named.get(d.name)?.length ?? 0) === 1) {
        used.add(d.name);
        return record[d.name];
      }
      throw new PliantError(api, 'argument', `no value for decision '${d.id}'${d.name === undefined ? '' : ` (${d.name})`}`);
    };
    const decide = (d: DecisionPoint): DNA => {
      const v = lookup(d);
      if (d.kind === 'custom') {
        if (typeof v !== 'string') throw new PliantError(api, 'argument', `decision '${d.id}' takes a genome string, found ${JSON.stringify(v)}`);
        return new DNA(v);
      }
      if (d.kind === 'float') return new DNA(asNumber(v, d, api), undefined, true);
      if (d.kind === 'int') return new DNA(asNumber(v, d, api));
      const indices = d.k === 1 ? [v] : v;
      if (!Array.isArray(indices) || indices.length !== d.k) {
        throw new PliantError(
          api,
          'argument',
          `decision '${d.id}' takes ${d.k === 1 ? 'a candidate index' : `a list of ${d.k} candidate indices`}, found ${JSON.stringify(v)}`,
        );
      }
      const picks = indices.map((index, j) => {
        const i = asNumber(index, d, api);
        checkIndex(d, i, api);
        const cand = (d.picks[j] as readonly SpaceSpec[])[i] as SpaceSpec;
        return new DNA(i, childrenOf(cand, cand.elements.map(decide)));
      });
      return d.k === 1 ? (picks[0] as DNA) : new DNA(undefined, picks);
    };
    const dna = joinSpace(this.root, this.root.elements.map(decide));
    for (const key of Object.keys(record)) {
      if (!used.has(key) && !this.byId.has(key) && !this.named.has(key)) {
        throw new PliantError(api, 'argument', `'${key}' is neither a decision id nor a decision name of this space (ids: ${this.decisionIds.join(', ')})`);
      }
    }
    this.validate(dna);
    return dna;
  }
}

function asNumber(v: unknown, d: DecisionPoint, api: string): number {
  if (typeof v !== 'number' || Number.isNaN(v)) throw new PliantError(api, 'argument', `decision '${d.id}' takes a number, found ${JSON.stringify(v)}`);
  return v;
}

function checkIndex(d: ChoiceDecision, index: number, api: string): void {
  if (!Number.isInteger(index)) {
    throw new PliantError(api, 'argument', `decision '${d.id}' expects a candidate index, found ${index}`);
  }
  if (index < 0 || index >= d.candidates.length) {
    throw new PliantError(api, 'argument', `candidate index ${index} is out of range at decision '${d.id}' (${d.candidates.length} candidates)`);
  }
}

/** @internal The DNA of a space from its elements' DNAs (a list of one collapses). */
export function joinSpace(space: SpaceSpec, elems: readonly DNA[]): DNA {
  return elems.length === 1 ? (elems[0] as DNA) : new DNA(undefined, elems);
}

/** @internal The children of a choice DNA for the chosen candidate's elements (flattened as PyGlove). */
export function childrenOf(cand: SpaceSpec, elems: readonly DNA[]): readonly DNA[] {
  if (elems.length === 1 && isListForm(cand.elements[0] as DecisionPoint)) return (elems[0] as DNA).children;
  return elems;
}

/** @internal Splits a space's DNA into its elements' DNAs, checking the shape. */
export function elementDNAs(space: SpaceSpec, dna: DNA | undefined, api: string, where = ''): readonly DNA[] {
  const n = space.elements.length;
  if (n === 0) {
    if (dna !== undefined && (dna.value !== undefined || dna.children.length > 0)) {
      throw new PliantError(api, 'argument', `${where}expected no decisions here, found ${dna.toString()}`);
    }
    return [];
  }
  if (dna === undefined) throw new PliantError(api, 'argument', `${where}missing the DNA of decision '${(space.elements[0] as DecisionPoint).id}'`);
  if (n === 1) return [dna];
  if (dna.value !== undefined || dna.children.length !== n) {
    throw new PliantError(
      api,
      'argument',
      `${where}expected a list of ${n} decisions (${space.elements.map((e) => e.id).join(', ')}), found ${dna.toString()}`,
    );
  }
  return dna.children;
}

/** @internal The element DNAs of a chosen candidate from the children of its choice DNA. */
export function candidateElements(cand: SpaceSpec, children: readonly DNA[], api: string, d: ChoiceDecision, index: number): readonly DNA[] {
  const m = cand.elements.length;
  const where = `under candidate ${index} of decision '${d.id}': `;
  if (m === 0) {
    if (children.length > 0) throw new PliantError(api, 'argument', `${where}the candidate has no decisions, but the DNA gives ${children.length}`);
    return [];
  }
  if (m === 1 && isListForm(cand.elements[0] as DecisionPoint)) return [new DNA(undefined, children)];
  if (children.length !== m) {
    throw new PliantError(api, 'argument', `${where}expected ${m} decision(s) (${cand.elements.map((e) => e.id).join(', ')}), found ${children.length}`);
  }
  return children;
}

/**
 * @internal Walks a space with its element DNAs, checking every decision; with `fill`, returns
 * the materialized values of the elements.
 */
export function walkSpace(
  space: SpaceSpec,
  elems: readonly DNA[],
  api: string,
  fill: ((space: SpaceSpec, values: TreeValue[]) => TreeValue) | undefined,
): TreeValue {
  const values: TreeValue[] = [];
  for (let i = 0; i < space.elements.length; i++) {
    const v = walkDecision(space.elements[i] as DecisionPoint, elems[i] as DNA, api, fill);
    if (fill !== undefined) values.push(v);
  }
  return fill === undefined ? null : fill(space, values);
}

function walkPick(d: ChoiceDecision, j: number, dna: DNA, api: string, fill: ((space: SpaceSpec, values: TreeValue[]) => TreeValue) | undefined): TreeValue {
  const index = dna.value;
  if (index === undefined) throw new PliantError(api, 'argument', `decision '${d.id}' expects a candidate index, found the list ${dna.toString()}`);
  if (typeof index !== 'number') throw new PliantError(api, 'argument', `decision '${d.id}' expects a candidate index, found ${dna.toString()}`);
  checkIndex(d, index, api);
  const cand = (d.picks[j] as readonly SpaceSpec[])[index] as SpaceSpec;
  return walkSpace(cand, candidateElements(cand, dna.children, api, d, index), api, fill);
}

function walkDecision(d: DecisionPoint, dna: DNA, api: string, fill: ((space: SpaceSpec, values: TreeValue[]) => TreeValue) | undefined): TreeValue {
  if (d.kind === 'custom') {
    const genome = dna.value;
    if (typeof genome !== 'string' || dna.children.length > 0)
      throw new PliantError(api, 'argument', `decision '${d.id}' expects a genome string, found ${dna.toString()}`);
    if (fill === undefined) return null;
    try {
      return sealValue(d.definition.decode(genome, d.hyper), api, [...d.location]);
    } catch (error) {
      if (error instanceof PliantError) throw error;
      throw new PliantError(api, 'argument', `decision '${d.id}' cannot decode its genome: ${(error as Error).message}`, { cause: error });
    }
  }
  if (d.kind === 'float' || d.kind === 'int') {
    const v = dna.value;
    if (typeof v !== 'number' || dna.children.length > 0)
      throw new PliantError(api, 'argument', `decision '${d.id}' expects a number, found ${dna.toString()}`);
    if (d.kind === 'int' && !Number.isInteger(v)) throw new PliantError(api, 'argument', `decision '${d.id}' expects an integer, found ${v}`);
    if (!(v >= d.min && v <= d.max)) throw new PliantError(api, 'argument', `${v} is out of range [${d.min}, ${d.max}] at decision '${d.id}'`);
    return v;
  }
  if (d.k === 1) {
    const value = walkPick(d, 0, dna, api, fill);
    return d.isList && fill !== undefined ? Object.freeze([value]) : value;
  }
  if (dna.value !== undefined || dna.children.length !== d.k) {
    throw new PliantError(api, 'argument', `decision '${d.id}' expects ${d.k} picks, found ${dna.toString()}`);
  }
  const out: TreeValue[] = [];
  let previous = -1;
  const seen = new Set<number>();
  for (let j = 0; j < d.k; j++) {
    const pick = dna.children[j] as DNA;
    const value = walkPick(d, j, pick, api, fill);
    const index = pick.value as number;
    if (d.distinct && seen.has(index))
      throw new PliantError(api, 'argument', `decision '${d.id}' picks candidate ${index} twice, but its picks must be distinct`);
    if (d.sorted && index < previous)
      throw new PliantError(api, 'argument', `decision '${d.id}' picks ${index} after ${previous}, but its picks must be sorted`);
    seen.add(index);
    previous = index;
    if (fill !== undefined) out.push(value);
  }
  return fill === undefined ? null : Object.freeze(out);
}

function firstOfSpace(space: SpaceSpec): DNA[] {
  return space.elements.map((d) => {
    if (d.kind === 'custom') return new DNA(d.definition.first(d.hyper));
    if (d.kind !== 'choice') return new DNA(d.min, undefined, d.kind === 'float');
    const picks = Array.from({ length: d.k }, (_, j) => {
      const index = d.distinct ? j : 0;
      const cand = (d.picks[j] as readonly SpaceSpec[])[index] as SpaceSpec;
      return new DNA(index, childrenOf(cand, firstOfSpace(cand)));
    });
    return d.k === 1 ? (picks[0] as DNA) : new DNA(undefined, picks);
  });
}

// ---------------------------------------------------------------------------------------------
// Analysis: from a space (a tree with hyper values) to its spec.

interface Origin {
  readonly origin: string;
  readonly id: string;
}

/** @internal Analyses a space into its spec; `api` names the caller in errors. */
export function analyzeSpace(space: TreeValue, api: string): DNASpec {
  const names = new Map<string, Origin>();
  const root = analyze(space, '', '', names, api);
  return new DNASpec(root);
}

function analyze(value: TreeValue, prefix: string, originPrefix: string, names: Map<string, Origin>, api: string): SpaceSpec {
  const elements: DecisionPoint[] = [];
  const rel: KeySegment[] = [];
  // `walk` gives `undefined` for a value without decisions: its plan is `{k: 'const', value}`, made
  // only where a parent with decisions needs it (constant subtrees allocate no plans).
  const walk = (v: TreeValue): Plan | undefined => {
    const kind = hyperKind(v);
    if (kind !== undefined) {
      const node = v as SymbolicNode;
      const id = idOf(prefix, rel);
      const origin = idOf(originPrefix, rel);
      elements.push(decision(node, kind, id, origin, [...rel], names, api));
      return { k: 'hole', index: elements.length - 1 };
    }
    if (typeof v !== 'object' || v === null) return undefined;
    if (Array.isArray(v)) {
      const list = v as readonly TreeValue[];
      let parts: (Plan | undefined)[] | undefined;
      for (let i = 0; i < list.length; i++) {
        rel.push(i);
        const p = walk(list[i] as TreeValue);
        rel.pop();
        if (p !== undefined) (parts ??= new Array<Plan | undefined>(list.length).fill(undefined))[i] = p;
      }
      return parts === undefined ? undefined : { k: 'array', parts: parts.map((p, i) => p ?? { k: 'const', value: list[i] as TreeValue }) };
    }
    const isNode = v instanceof SymbolicNode;
    const rec = (isNode ? v.args : v) as Readonly<Record<string, TreeValue>>;
    const keys = Object.keys(rec);
    let parts: (Plan | undefined)[] | undefined;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      rel.push(key);
      const p = walk(rec[key] as TreeValue);
      rel.pop();
      if (p !== undefined) (parts ??= new Array<Plan | undefined>(keys.length).fill(undefined))[i] = p;
    }
    if (parts === undefined) return undefined;
    const full = parts.map((p, i) => p ?? { k: 'const' as const, value: rec[keys[i] as string] as TreeValue });
    return isNode ? { k: 'node', type: (v as SymbolicNode).type as SymbolicType, keys, parts: full } : { k: 'record', keys, parts: full };
  };
  const plan = walk(value) ?? { k: 'const', value };
  let size = 1;
  let count = 0;
  for (const e of elements) {
    const s = decisionSize(e);
    size = size === -1 || s === -1 ? -1 : size * s;
    count += decisionCount(e);
  }
  return Object.freeze({ elements: Object.freeze(elements), plan, size, count });
}

const NO_DECISIONS: readonly DecisionPoint[] = Object.freeze([]);

/** The spec of a value without decisions (what {@link analyze} gives for a primitive). */
function constantSpec(value: TreeValue): SpaceSpec {
  return Object.freeze({ elements: NO_DECISIONS, plan: { k: 'const' as const, value }, size: 1, count: 0 });
}

function idOf(prefix: string, rel: readonly KeySegment[]): string {
  let text = prefix;
  for (const seg of rel) text = appendSegment(text, seg, text === '');
  return text;
}

function decision(
  node: SymbolicNode,
  kind: string,
  id: string,
  origin: string,
  location: KeySegment[],
  names: Map<string, Origin>,
  api: string,
): DecisionPoint {
  const args = node.args as Readonly<Record<string, unknown>>;
  const name = args.name as string | undefined;
  if (name !== undefined) {
    const seen = names.get(name);
    if (seen !== undefined && seen.origin !== origin) {
      throw new PliantError(api, 'argument', `two decisions are named '${name}': '${seen.id}' and '${id}' (names must be unique in a space)`, {
        path: formatKeyPath(location),
      });
    }
    if (seen === undefined) names.set(name, { origin, id });
  }
  // Plain object literals (a spread followed by more properties is a slow path in V8).
  const loc = Object.freeze(location);
  if (kind === 'floatv') {
    return Object.freeze({
      kind: 'float',
      id,
      name,
      hyper: node,
      location: loc,
      min: args.min as number,
      max: args.max as number,
      scale: args.scale as FloatScale | undefined,
    });
  }
  if (kind === 'intv') {
    return Object.freeze({
      kind: 'int',
      id,
      name,
      hyper: node,
      location: loc,
      min: args.min as number,
      max: args.max as number,
      scale: args.scale as FloatScale | undefined,
    });
  }
  if (kind === 'custom') {
    const definition = decisionDefinition(node);
    if (definition === undefined) throw new PliantError(api, 'argument', `custom decision '${id}' has no definition`);
    return Object.freeze({ kind: 'custom', id, name, hyper: node, location: loc, definition });
  }
  if (kind === 'oneOf' || kind === 'manyOf' || kind === 'permutate') {
    const candidates = args.candidates as readonly TreeValue[];
    const n = candidates.length;
    const k = kind === 'oneOf' ? 1 : kind === 'permutate' ? n : (args.k as number);
    const distinct = kind === 'oneOf' ? true : kind === 'permutate' ? true : (args.distinct as boolean);
    const sorted = kind === 'manyOf' ? (args.sorted as boolean) : false;
    const picks = Array.from({ length: k }, (_, j) =>
      Object.freeze(
        candidates.map((c, i) => {
          // A primitive candidate decides nothing: its spec needs neither ids nor a walk.
          if (typeof c !== 'object' || c === null) return constantSpec(c);
          const mark = `${k > 1 ? `[${j}]` : ''}[=${i}/${n}]`;
          return analyze(c, `${id}${mark}`, `${origin}[=${i}/${n}]`, names, api);
        }),
      ),
    );
    return Object.freeze({
      kind: 'choice',
      id,
      name,
      hyper: node,
      location: loc,
      k,
      isList: kind !== 'oneOf',
      distinct,
      sorted,
      ordered: kind === 'oneOf' && args.ordered === true,
      candidates,
      picks: Object.freeze(picks),
    });
  }
  throw new PliantError(api, 'argument', `unsupported hyper value kind '${kind}' at '${id}'`);
}

function decisionCount(d: DecisionPoint): number {
  if (d.kind === 'custom') return 1;
  if (d.kind !== 'choice') return 1;
  let count = d.k;
  for (const pick of d.picks) for (const c of pick) count += c.count;
  return count;
}

function decisionSize(d: DecisionPoint): number {
  if (d.kind === 'float' || d.kind === 'custom') return -1;
  if (d.kind === 'int') return d.max - d.min + 1;
  const sizes = (d.picks[0] as readonly SpaceSpec[]).map((c) => c.size);
  if (sizes.includes(-1)) return -1;
  if (d.k === 1) return sizes.reduce((a, b) => a + b, 0);
  const n = sizes.length;
  const k = d.k;
  if (!d.distinct && !d.sorted) return sizes.reduce((a, b) => a + b, 0) ** k;
  // e_j (distinct, sorted) or h_j (repeats allowed, sorted), by dynamic programming over candidates.
  const table = new Array<number>(k + 1).fill(0);
  table[0] = 1;
  for (let i = 0; i < n; i++) {
    const s = sizes[i] as number;
    if (d.distinct) {
      for (let j = k; j >= 1; j--) table[j] = (table[j] as number) + (table[j - 1] as number) * s;
    } else {
      for (let j = 1; j <= k; j++) table[j] = (table[j] as number) + (table[j - 1] as number) * s;
    }
  }
  const sortedCount = table[k] as number;
  if (d.sorted) return sortedCount;
  let factorial = 1;
  for (let j = 2; j <= k; j++) factorial *= j;
  return sortedCount * factorial;
}
