/**
 * @internal How a supernet resolves the hyper values it meets while it walks its space: each
 * hyper value maps (by identity, or through an expansion's `select`) to a decision point of the
 * space (sub-)spec it sits in, and a *resolver* says which candidates run: all of them (the build
 * pass that sizes the shared weights), the one a DNA chooses, or all of a relaxed decision with
 * their mixture weights (DARTS).
 */
import { PliantError } from '../base/errors.js';
import { hyperKind } from '../hyper/hyper-value.js';
import { createNode } from '../symbolic/construct.js';
import { SymbolicNode } from '../symbolic/node.js';
import type { TreeValue } from '../symbolic/node.js';
import { candidateElements, elementDNAs } from '../geno/dna-spec.js';
import type { ChoiceDecision, DNASpec, DecisionPoint, FloatDecision, IntDecision, SpaceSpec } from '../geno/dna-spec.js';
import type { DNA } from '../geno/dna.js';
import { decisionHyper } from './supernet-expansion.js';

const API = 'supernet';

/** The decisions of one (sub-)space and, when a DNA settles them, their DNAs. */
export interface Scope {
  readonly space: SpaceSpec;
  /** The element DNAs, or `undefined` where no DNA reaches (the build pass, an unchosen mixture branch). */
  readonly elems: readonly DNA[] | undefined;
}

/** The root scope of a spec for `dna` (checked against the spec, errors naming `supernet`). */
export function rootScope(spec: DNASpec, dna: DNA | undefined): Scope {
  return { space: spec.root, elems: dna === undefined ? undefined : elementDNAs(spec.root, dna, API) };
}

const AMBIGUOUS = -1;
const INDEX = new WeakMap<SpaceSpec, Map<SymbolicNode, number>>();

function indexOf(space: SpaceSpec): Map<SymbolicNode, number> {
  let index = INDEX.get(space);
  if (index === undefined) {
    index = new Map();
    space.elements.forEach((d, i) => {
      index?.set(d.hyper, index.has(d.hyper) ? AMBIGUOUS : i);
    });
    INDEX.set(space, index);
  }
  return index;
}

/** A decision point with its DNA in the current scope. */
export interface Found<D extends DecisionPoint = DecisionPoint> {
  readonly d: D;
  readonly dna: DNA | undefined;
}

/** The decision of a hyper value met at `path` in `scope`. */
export function findDecision(hyper: SymbolicNode, scope: Scope, path: string): Found {
  const target = decisionHyper(hyper);
  const i = indexOf(scope.space).get(target);
  if (i === AMBIGUOUS) {
    const places = scope.space.elements.filter((d) => d.hyper === target).map((d) => `'${d.id}'`);
    throw new PliantError(
      API,
      'argument',
      `one hyper value object is used at ${places.length} places (decisions ${places.join(', ')}), so the supernet cannot tell which decision it stands for: make one hyper value per place`,
      { path },
    );
  }
  if (i === undefined) {
    throw new PliantError(API, 'argument', `a hyper value (${target.type.name}) that is not a decision of the space at this place`, { path });
  }
  return { d: scope.space.elements[i] as DecisionPoint, dna: scope.elems?.[i] };
}

/** One candidate that runs, with the scope of its own decisions and its mixture weight. */
export interface Branch<W> {
  readonly index: number;
  readonly candidate: TreeValue;
  readonly scope: Scope;
  /** The mixture weight (a scalar tensor), or `undefined` when the branch runs alone. */
  readonly weight: W | undefined;
}

/** How the hyper values of a walk resolve. */
export interface Resolver<W> {
  /** The branches of the `oneOf` (or `select`) `hyper` met at `path`. */
  choose(hyper: SymbolicNode, scope: Scope, path: string): Branch<W>[];
  /** The values an integer or float decision takes (`width`: it is a `units` / `filters`). */
  numbers(found: Found<IntDecision | FloatDecision>, width: boolean): number[];
  /** The product of two weights. */
  mul(a: W | undefined, b: W | undefined): W | undefined;
}

/** The candidate scope of candidate `index` of `d`, with the DNA's children when the DNA chose it. */
export function candidateScope(d: ChoiceDecision, pick: number, index: number, dna: DNA | undefined): Scope {
  const cand = (d.picks[pick] as readonly SpaceSpec[])[index] as SpaceSpec;
  return { space: cand, elems: dna !== undefined && dna.value === index ? candidateElements(cand, dna.children, API, d, index) : undefined };
}

/** The `oneOf` decision of `hyper`, or a clear error for another kind. */
export function oneOfDecision(hyper: SymbolicNode, scope: Scope, path: string): Found<ChoiceDecision> {
  const found = findDecision(hyper, scope, path);
  if (found.d.kind !== 'choice' || found.d.k !== 1 || found.d.isList) {
    throw new PliantError(
      API,
      'argument',
      `decision '${found.d.id}' chooses ${found.d.kind === 'choice' ? 'a list' : 'a number'} where a model part goes: only oneOf is supported here`,
      {
        path,
      },
    );
  }
  return found as Found<ChoiceDecision>;
}

function candidatesOf(hyper: SymbolicNode): readonly TreeValue[] {
  return (hyper.args as { candidates: readonly TreeValue[] }).candidates;
}

/** The candidate a DNA (or, where no DNA reaches, the first value) gives. */
function dnaIndex(found: Found<ChoiceDecision>): number {
  const v = found.dna?.value;
  return typeof v === 'number' ? v : 0;
}

/** Runs every candidate (the build pass); records the decisions met. */
export class AllResolver implements Resolver<never> {
  /** The decisions met, by id. */
  readonly met = new Set<string>();

  choose(hyper: SymbolicNode, scope: Scope, path: string): Branch<never>[] {
    const found = oneOfDecision(hyper, scope, path);
    this.met.add(found.d.id);
    return candidatesOf(hyper).map((candidate, index) => ({ index, candidate, scope: candidateScope(found.d, 0, index, undefined), weight: undefined }));
  }

  numbers(found: Found<IntDecision | FloatDecision>, width: boolean): number[] {
    const d = found.d;
    this.met.add(d.id);
    if (width) return [d.kind === 'int' ? d.max : Math.floor(d.max)];
    if (d.kind === 'float') return [d.min];
    if (d.max - d.min + 1 <= 64) return Array.from({ length: d.max - d.min + 1 }, (_v, i) => d.min + i);
    return [d.min, d.max];
  }

  mul(): undefined {
    return undefined;
  }
}

/** Runs the candidates a DNA chooses. */
export class DnaResolver implements Resolver<never> {
  choose(hyper: SymbolicNode, scope: Scope, path: string): Branch<never>[] {
    const found = oneOfDecision(hyper, scope, path);
    const index = dnaIndex(found);
    return [{ index, candidate: candidatesOf(hyper)[index] as TreeValue, scope: candidateScope(found.d, 0, index, found.dna), weight: undefined }];
  }

  numbers(found: Found<IntDecision | FloatDecision>): number[] {
    const v = found.dna?.value;
    return [typeof v === 'number' ? v : found.d.min];
  }

  mul(): undefined {
    return undefined;
  }
}

/** Runs every candidate of a relaxed decision, weighted; the others as `DnaResolver`. */
export class MixtureResolver<W> implements Resolver<W> {
  readonly #weights: (d: ChoiceDecision, index: number) => W | undefined;
  readonly #mul: (a: W, b: W) => W;
  readonly #dna = new DnaResolver();

  constructor(weights: (d: ChoiceDecision, index: number) => W | undefined, mul: (a: W, b: W) => W) {
    this.#weights = weights;
    this.#mul = mul;
  }

  choose(hyper: SymbolicNode, scope: Scope, path: string): Branch<W>[] {
    const found = oneOfDecision(hyper, scope, path);
    if (this.#weights(found.d, 0) === undefined) return this.#dna.choose(hyper, scope, path);
    return candidatesOf(hyper).map((candidate, index) => ({
      index,
      candidate,
      scope: candidateScope(found.d, 0, index, found.dna),
      weight: this.#weights(found.d, index),
    }));
  }

  numbers(found: Found<IntDecision | FloatDecision>): number[] {
    return this.#dna.numbers(found);
  }

  mul(a: W | undefined, b: W | undefined): W | undefined {
    return a === undefined ? b : b === undefined ? a : this.#mul(a, b);
  }
}

/** A resolved value with its weight. */
export interface Alt<W> {
  readonly value: TreeValue;
  readonly weight: W | undefined;
}

const MAX_ALTS = 4096;
const WIDTH_KEYS = new Set(['units', 'filters']);

/** Whether a tree holds a hyper value (cached per node and array). */
const HAS_HYPER = new WeakMap<object, boolean>();
export function hasHyper(value: TreeValue): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const known = HAS_HYPER.get(value);
  if (known !== undefined) return known;
  let found: boolean;
  if (hyperKind(value) !== undefined) found = true;
  else if (value instanceof SymbolicNode) found = Object.values(value.args as Record<string, TreeValue>).some((v) => v !== undefined && hasHyper(v));
  else if (Array.isArray(value)) found = (value as readonly TreeValue[]).some(hasHyper);
  else found = Object.values(value as Record<string, TreeValue>).some(hasHyper);
  HAS_HYPER.set(value, found);
  return found;
}

function product<W>(parts: readonly (readonly Alt<W>[])[], resolver: Resolver<W>, make: (values: TreeValue[]) => TreeValue, path: string): Alt<W>[] {
  let out: { values: TreeValue[]; weight: W | undefined }[] = [{ values: [], weight: undefined }];
  for (const alts of parts) {
    const next: { values: TreeValue[]; weight: W | undefined }[] = [];
    for (const o of out) for (const a of alts) next.push({ values: [...o.values, a.value], weight: resolver.mul(o.weight, a.weight) });
    if (next.length > MAX_ALTS) throw new PliantError(API, 'argument', `more than ${MAX_ALTS} combinations of choices in one layer's arguments`, { path });
    out = next;
  }
  return out.map((o) => ({ value: make(o.values), weight: o.weight }));
}

/**
 * The concrete values a subtree takes (hyper values resolved by `resolver`), each with its
 * weight: one value for a DNA, every combination in the build pass, the relaxed combinations of
 * a mixture.
 */
export function resolveValue<W>(value: TreeValue, scope: Scope, resolver: Resolver<W>, path: string, key?: string): Alt<W>[] {
  if (typeof value !== 'object' || value === null || !hasHyper(value)) return [{ value, weight: undefined }];
  const kind = hyperKind(value);
  if (kind === 'oneOf') {
    const out: Alt<W>[] = [];
    for (const b of resolver.choose(value as SymbolicNode, scope, path)) {
      for (const a of resolveValue(b.candidate, b.scope, resolver, path, key)) out.push({ value: a.value, weight: resolver.mul(b.weight, a.weight) });
    }
    return out;
  }
  if (kind !== undefined) {
    const found = findDecision(value as SymbolicNode, scope, path);
    const d = found.d;
    if (d.kind === 'int' || d.kind === 'float') {
      return resolver
        .numbers(found as Found<IntDecision | FloatDecision>, key !== undefined && WIDTH_KEYS.has(key))
        .map((v) => ({ value: v, weight: undefined }));
    }
    if (d.kind === 'custom') {
      const genome = typeof found.dna?.value === 'string' ? found.dna.value : d.definition.first(d.hyper);
      return [{ value: d.definition.decode(genome, d.hyper), weight: undefined }];
    }
    // manyOf / permutate: every pick resolved (the DNA's, or each candidate in the build pass).
    const picks = Array.from({ length: d.k }, (_v, j): Alt<W>[] => {
      const pick = d.k === 1 ? found.dna : found.dna?.children[j];
      const indices = pick === undefined || typeof pick.value !== 'number' ? d.candidates.map((_c, i) => i) : [pick.value];
      return indices.flatMap((i) => resolveValue(d.candidates[i] as TreeValue, candidateScope(d, j, i, pick), resolver, path, key));
    });
    return product(picks, resolver, (values) => Object.freeze(values), path);
  }
  if (value instanceof SymbolicNode) {
    const args = value.args as Readonly<Record<string, TreeValue>>;
    const keys = Object.keys(args).filter((k) => args[k] !== undefined);
    const parts = keys.map((k) => resolveValue(args[k] as TreeValue, scope, resolver, `${path}.${k}`, k));
    return product(parts, resolver, (values) => createNode(value.type, Object.fromEntries(keys.map((k, i) => [k, values[i]])), API, []) as SymbolicNode, path);
  }
  if (Array.isArray(value)) {
    const list = value as readonly TreeValue[];
    return product(
      list.map((v, i) => resolveValue(v, scope, resolver, `${path}[${i}]`, key)),
      resolver,
      (values) => Object.freeze(values),
      path,
    );
  }
  const rec = value as Readonly<Record<string, TreeValue>>;
  const keys = Object.keys(rec);
  return product(
    keys.map((k) => resolveValue(rec[k] as TreeValue, scope, resolver, `${path}.${k}`, k)),
    resolver,
    (values) => Object.freeze(Object.fromEntries(keys.map((k, i) => [k, values[i] as TreeValue]))),
    path,
  );
}

/** The resolved arguments of a layer node: one record per alternative. */
export function resolveArgs<W>(
  node: SymbolicNode,
  scope: Scope,
  resolver: Resolver<W>,
  path: string,
): { args: Readonly<Record<string, unknown>>; weight: W | undefined }[] {
  const args = node.args as Readonly<Record<string, TreeValue>>;
  const keys = Object.keys(args).filter((k) => args[k] !== undefined);
  const parts = keys.map((k) => resolveValue(args[k] as TreeValue, scope, resolver, `${path}.${k}`, k));
  return product(parts, resolver, (values) => Object.freeze(Object.fromEntries(keys.map((k, i) => [k, values[i] as TreeValue]))), path).map((a) => ({
    args: a.value as Readonly<Record<string, unknown>>,
    weight: a.weight,
  }));
}
