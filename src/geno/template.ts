import { createNode } from '../symbolic/construct.js';
import { eq } from '../symbolic/eq.js';
import { PliantError } from '../base/errors.js';
import { formatKeyPath } from '../symbolic/key-path.js';
import type { KeySegment } from '../symbolic/key-path.js';
import { SymbolicNode, memo } from '../symbolic/node.js';
import type { Placeholder, TreeValue } from '../symbolic/node.js';
import { describeValue, isPlainRecord } from '../symbolic/values.js';
import { DNA } from './dna.js';
import { DNASpec, analyzeSpace, childrenOf, elementDNAs, joinSpace, walkSpace } from './dna-spec.js';
import type { ChoiceDecision, DecisionPoint, Plan, SpaceSpec } from './dna-spec.js';

/**
 * The type of the concrete trees a space of type `T` materializes to: each placeholder (hyper
 * value) replaced by the type it stands for.
 */
export type Concrete<T> =
  T extends Placeholder<infer V>
    ? V
    : T extends SymbolicNode
      ? T
      : T extends readonly (infer E)[]
        ? readonly Concrete<E>[]
        : T extends object
          ? { readonly [K in keyof T]: Concrete<T[K]> }
          : T;

/** A DNA, or a record of decision id (or unique name) → value. */
export type Decisions = DNA | Readonly<Record<string, unknown>>;

/**
 * A search space prepared once for fast, repeated use: its {@link DNASpec}, and the plan that
 * rebuilds concrete trees from DNAs (subtrees without decisions are shared, not rebuilt).
 */
export class Template<T extends TreeValue = TreeValue> {
  /** The space. */
  readonly space: T;
  /** Its decision points. */
  readonly spec: DNASpec;

  /** @internal Use `prepare(space)`. */
  constructor(space: T, spec: DNASpec) {
    this.space = space;
    this.spec = spec;
    Object.freeze(this);
  }

  /** The concrete tree for `decisions`; a DNA that does not fit the space is a `PliantError` naming the decision. */
  materialize(decisions: Decisions): Concrete<T> {
    const dna = decisions instanceof DNA ? decisions : this.spec.fromRecord(decisions as Readonly<Record<string, unknown>>);
    return walkSpace(this.spec.root, elementDNAs(this.spec.root, dna, 'materialize'), 'materialize', fill) as Concrete<T>;
  }

  /** The DNA that materializes to `value` (the first candidate that can produce it wins, as in PyGlove). */
  encode(value: TreeValue): DNA {
    const failure: Failure = { path: undefined, message: '' };
    const elems = encodeSpace(this.spec.root, value, [], failure);
    if (elems === undefined) {
      throw new PliantError('encode', 'argument', failure.message || 'the value is not in the search space', { path: failure.path });
    }
    return joinSpace(this.spec.root, elems);
  }
}

const TEMPLATES = new WeakMap<object, Template>();

/** The prepared {@link Template} of a space (cached: trees are immutable). */
export function prepare<T extends TreeValue>(space: T): Template<T> {
  if (space instanceof SymbolicNode) {
    // A node keeps its template in its memo (no weak-map entry: spaces made and dropped by the
    // thousand cost the collector far less).
    if (memo.genuine(space)) {
      const kept = memo.template(space);
      if (kept !== undefined) return kept as Template<T>;
      const template = new Template(space, analyzeSpace(space, 'dnaSpec'));
      memo.setTemplate(space, template);
      return template;
    }
  }
  if (typeof space === 'object' && space !== null) {
    const cached = TEMPLATES.get(space);
    if (cached !== undefined) return cached as Template<T>;
    const template = new Template(space, analyzeSpace(space, 'dnaSpec'));
    TEMPLATES.set(space, template as Template);
    return template;
  }
  return new Template(space, analyzeSpace(space, 'dnaSpec'));
}

/** The decision points of a space: what can be decided. */
export function dnaSpec(space: TreeValue): DNASpec {
  return prepare(space).spec;
}

/** The concrete tree a DNA (or a decision record) selects from a space. */
export function materialize<T extends TreeValue>(space: T, decisions: Decisions): Concrete<T> {
  return prepare(space).materialize(decisions);
}

/** The DNA of a concrete tree drawn from a space: `materialize(space, encode(space, x))` is `x`. */
export function encode(space: TreeValue, value: TreeValue): DNA {
  return prepare(space).encode(value);
}

function fill(space: SpaceSpec, values: TreeValue[]): TreeValue {
  return build(space.plan, values, []);
}

function build(plan: Plan, values: readonly TreeValue[], at: KeySegment[]): TreeValue {
  switch (plan.k) {
    case 'const':
      return plan.value;
    case 'hole':
      return values[plan.index] as TreeValue;
    case 'node': {
      const args: Record<string, TreeValue> = {};
      for (let i = 0; i < plan.keys.length; i++) {
        const key = plan.keys[i] as string;
        at.push(key);
        args[key] = build(plan.parts[i] as Plan, values, at);
        at.pop();
      }
      return createNode(plan.type, args, 'materialize', at);
    }
    case 'array': {
      const out: TreeValue[] = [];
      for (let i = 0; i < plan.parts.length; i++) {
        at.push(i);
        out.push(build(plan.parts[i] as Plan, values, at));
        at.pop();
      }
      return Object.freeze(out);
    }
    case 'record': {
      const out: Record<string, TreeValue> = {};
      for (let i = 0; i < plan.keys.length; i++) {
        const key = plan.keys[i] as string;
        at.push(key);
        out[key] = build(plan.parts[i] as Plan, values, at);
        at.pop();
      }
      return Object.freeze(out);
    }
  }
}

interface Failure {
  path: string | undefined;
  message: string;
}

function fail(failure: Failure, at: readonly KeySegment[], message: string): undefined {
  if (failure.path === undefined) {
    failure.path = formatKeyPath(at);
    failure.message = message;
  }
  return undefined;
}

function encodeSpace(space: SpaceSpec, value: TreeValue, at: KeySegment[], failure: Failure): DNA[] | undefined {
  const out: DNA[] = new Array<DNA>(space.elements.length);
  return match(space, space.plan, value, out, at, failure) ? out : undefined;
}

function match(space: SpaceSpec, plan: Plan, value: TreeValue, out: DNA[], at: KeySegment[], failure: Failure): boolean {
  switch (plan.k) {
    case 'const':
      return eq(plan.value, value) || fail(failure, at, `expected ${describeValue(plan.value)}, found ${describeValue(value)}`) === true;
    case 'hole': {
      const dna = encodeDecision(space.elements[plan.index] as DecisionPoint, value, at, failure);
      if (dna === undefined) return false;
      out[plan.index] = dna;
      return true;
    }
    case 'node': {
      if (!(value instanceof SymbolicNode) || value.type !== plan.type) {
        return fail(failure, at, `expected a ${plan.type.name} node, found ${describeValue(value)}`) === true;
      }
      const args = value.args as Readonly<Record<string, TreeValue>>;
      if (Object.keys(args).length !== plan.keys.length) return fail(failure, at, `${plan.type.name} has other arguments than the space`) === true;
      return matchParts(space, plan.keys, plan.parts, args, out, at, failure);
    }
    case 'array': {
      if (!Array.isArray(value) || value.length !== plan.parts.length) {
        return fail(failure, at, `expected a list of ${plan.parts.length}, found ${describeValue(value)}`) === true;
      }
      for (let i = 0; i < plan.parts.length; i++) {
        at.push(i);
        const ok = match(space, plan.parts[i] as Plan, (value as readonly TreeValue[])[i] as TreeValue, out, at, failure);
        at.pop();
        if (!ok) return false;
      }
      return true;
    }
    case 'record': {
      if (!isPlainRecord(value) || Object.keys(value).length !== plan.keys.length) {
        return fail(failure, at, `expected a record with keys ${plan.keys.join(', ')}, found ${describeValue(value)}`) === true;
      }
      return matchParts(space, plan.keys, plan.parts, value as Readonly<Record<string, TreeValue>>, out, at, failure);
    }
  }
}

function matchParts(
  space: SpaceSpec,
  keys: readonly string[],
  parts: readonly Plan[],
  rec: Readonly<Record<string, TreeValue>>,
  out: DNA[],
  at: KeySegment[],
  failure: Failure,
): boolean {
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (!Object.prototype.hasOwnProperty.call(rec, key)) return fail(failure, [...at, key], 'missing') === true;
    at.push(key);
    const ok = match(space, parts[i] as Plan, rec[key] as TreeValue, out, at, failure);
    at.pop();
    if (!ok) return false;
  }
  return true;
}

function encodePick(d: ChoiceDecision, j: number, value: TreeValue, at: KeySegment[]): DNA | undefined {
  const pick = d.picks[j] as readonly SpaceSpec[];
  for (let i = 0; i < pick.length; i++) {
    const cand = pick[i] as SpaceSpec;
    const trial: Failure = { path: undefined, message: '' };
    const elems = encodeSpace(cand, value, at, trial);
    if (elems !== undefined) return new DNA(i, childrenOf(cand, elems));
  }
  return undefined;
}

function encodeAllPicks(d: ChoiceDecision, j: number, value: TreeValue, at: KeySegment[]): DNA[] {
  const pick = d.picks[j] as readonly SpaceSpec[];
  const out: DNA[] = [];
  for (let i = 0; i < pick.length; i++) {
    const cand = pick[i] as SpaceSpec;
    const elems = encodeSpace(cand, value, at, { path: undefined, message: '' });
    if (elems !== undefined) out.push(new DNA(i, childrenOf(cand, elems)));
  }
  return out;
}

function encodeDecision(d: DecisionPoint, value: TreeValue, at: KeySegment[], failure: Failure): DNA | undefined {
  if (d.kind === 'custom') {
    try {
      return new DNA(d.definition.encode(value, d.hyper));
    } catch (error) {
      return fail(failure, at, `custom decision '${d.id}' cannot encode ${describeValue(value)}: ${(error as Error).message}`);
    }
  }
  if (d.kind === 'float' || d.kind === 'int') {
    if (typeof value !== 'number' || !(value >= d.min && value <= d.max) || (d.kind === 'int' && !Number.isInteger(value))) {
      return fail(
        failure,
        at,
        `decision '${d.id}' takes ${d.kind === 'int' ? 'an integer' : 'a number'} in [${d.min}, ${d.max}], found ${describeValue(value)}`,
      );
    }
    return new DNA(value, undefined, d.kind === 'float');
  }
  if (!d.isList) {
    return (
      encodePick(d, 0, value, at) ?? fail(failure, at, `none of the ${d.candidates.length} candidates of decision '${d.id}' produces ${describeValue(value)}`)
    );
  }
  if (!Array.isArray(value) || value.length !== d.k) {
    return fail(failure, at, `decision '${d.id}' produces a list of ${d.k}, found ${describeValue(value)}`);
  }
  // Every candidate that produces each element, then the first assignment (lowest indices first)
  // that keeps the picks distinct / sorted as the decision requires: the greedy first match alone
  // can break those rules when candidates overlap.
  const options: DNA[][] = [];
  for (let j = 0; j < d.k; j++) {
    at.push(j);
    const all = encodeAllPicks(d, j, (value as readonly TreeValue[])[j] as TreeValue, at);
    at.pop();
    if (all.length === 0) return fail(failure, [...at, j], `no candidate of decision '${d.id}' produces ${describeValue((value as readonly TreeValue[])[j])}`);
    options.push(all);
  }
  const picks: DNA[] = [];
  const used = new Set<number>();
  const assign = (j: number): boolean => {
    if (j === d.k) return true;
    for (const pick of options[j] as DNA[]) {
      const index = pick.value as number;
      if (d.distinct && used.has(index)) continue;
      if (d.sorted && j > 0 && index < ((picks[j - 1] as DNA).value as number)) continue;
      picks[j] = pick;
      used.add(index);
      if (assign(j + 1)) return true;
      used.delete(index);
    }
    return false;
  };
  if (!assign(0)) {
    return fail(
      failure,
      at,
      `decision '${d.id}' picks ${d.distinct ? 'distinct candidates' : ''}${d.distinct && d.sorted ? ' ' : ''}${d.sorted ? 'in candidate order' : ''}, and no such picks produce ${describeValue(value)}`,
    );
  }
  return d.k === 1 ? (picks[0] as DNA) : new DNA(undefined, picks);
}

export { DNASpec };
