import { createNode, replaceArgs } from '../symbolic/construct.js';
import { eq } from '../symbolic/eq.js';
import { PliantError } from '../base/errors.js';
import { hash } from '../symbolic/hash.js';
import { formatKeyPath } from '../symbolic/key-path.js';
import type { KeySegment } from '../symbolic/key-path.js';
import { SymbolicNode } from '../symbolic/node.js';
import type { TreeValue } from '../symbolic/node.js';
import { defaultRegistry } from '../symbolic/registry.js';
import type { Registry } from '../symbolic/registry.js';
import { describeValue, sealValue } from '../symbolic/values.js';
import { compiledRules } from './rewrite-rules.js';
import type { CompiledRule, Pattern, Replacement, RuleSet } from './rewrite-rules.js';

/** One rule set, or several applied together (their rules tried in list order). */
export type RuleSets = RuleSet | readonly RuleSet[];

/** What {@link CanonicalizeOptions.onRewrite} is told about one rewrite. */
export interface RewriteEvent {
  /** The rule that fired, as `set/rule`. */
  readonly rule: string;
  /** The key path of the rewritten value. */
  readonly path: string;
  /** The value before the rewrite. */
  readonly before: TreeValue;
  /** The value after it, or `undefined` when the rule removed the value. */
  readonly after: TreeValue | undefined;
}

/** Options of {@link canonicalize}. */
export interface CanonicalizeOptions {
  /**
   * The most rewrites one call may make before it gives up with a `PliantError` (default
   * {@link DEFAULT_MAX_REWRITES}, a million): the last guard against rules that never stop.
   * Rules that loop or wrap a value in itself are caught at once, and rules that nest a tree
   * deeper than 1000 levels as soon as they do; this bound catches the rest.
   */
  readonly maxRewrites?: number;
  /** Where the `$type` names of replacements are looked up (default: the default registry). */
  readonly registry?: Registry;
  /**
   * Called for each rewrite made, in order; for explaining why two trees hash alike. Subtrees
   * already canonicalised by an earlier call with the same rule sets are memoised and report
   * nothing.
   */
  readonly onRewrite?: (event: RewriteEvent) => void;
}

const API = 'canonicalize';
/**
 * The default of {@link CanonicalizeOptions.maxRewrites}. High, because the count is per call
 * and a big tree (a whole population of candidates) can legitimately need many rewrites.
 */
export const DEFAULT_MAX_REWRITES = 1_000_000;
const REMOVED: unique symbol = Symbol('removed');
/** How deep a rewritten tree may nest: as deep as any tree may (see `sealValue`). */
const MAX_DEPTH = 1000;
type Outcome = TreeValue | typeof REMOVED;

/**
 * The normal form of `tree` under rewrite rules: rules are applied bottom-up (children first,
 * then the value itself), again and again until none changes anything (a rewrite that yields an
 * `eq` value is no change). Among the rules that apply to a value, the first in order wins.
 *
 * Unchanged subtrees are shared (the very same objects), and results are memoised per (rule
 * sets, registry, subtree), so canonicalising a big tree again, or a tree that shares most of
 * its parts with one canonicalised before, is cheap.
 *
 * Guards: a value rewritten back into a form it had before, or into a tree that contains
 * itself, is a `PliantError` naming the rules that fired in the loop and the key path; so is a
 * rewrite that nests the tree deeper than 1000 levels, and going past `maxRewrites`. A node a
 * replacement builds goes through its type's validation; a failure is a `PliantError` naming the
 * rule and the key path. A `$remove` rule applies only to array elements and record values.
 *
 * ```ts
 * canonicalize(Add({ terms: [Identity({ x: b }), a] }), myRules);   // Add({terms: [a, b]})
 * ```
 */
export function canonicalize(tree: TreeValue, rules: RuleSets, options: CanonicalizeOptions = {}): TreeValue {
  const max = options.maxRewrites ?? DEFAULT_MAX_REWRITES;
  if (typeof max !== 'number' || !Number.isSafeInteger(max) || max < 0) {
    throw new PliantError(API, 'argument', `options.maxRewrites must be a non-negative integer, found ${describeValue(max)}`);
  }
  const engine = engineFor(rules, options.registry ?? defaultRegistry);
  const sealed = sealValue(tree, API, []);
  const run: Run = { engine, max, count: 0, at: [], fired: [], active: new Map(), onRewrite: options.onRewrite };
  const out = normalize(run, sealed, false);
  return out as TreeValue; // the root is never removable
}

// ---------------------------------------------------------------------------------------------
// Engines: one per (registry, rule sets) combination, holding the memo.

class Engine {
  readonly registry: Registry;
  readonly rules: readonly CompiledRule[];
  readonly forPrimitive: readonly CompiledRule[];
  readonly forArray: readonly CompiledRule[];
  readonly forRecord: readonly CompiledRule[];
  readonly #forType = new Map<string, readonly CompiledRule[]>();
  /** Value → its normal form where it cannot be removed (the root, a node argument). */
  readonly memoKeep = new WeakMap<object, TreeValue>();
  /** Value → its normal form (or removal) as an array element or record value. */
  readonly memoDrop = new WeakMap<object, Outcome>();

  constructor(registry: Registry, rules: readonly CompiledRule[]) {
    this.registry = registry;
    this.rules = rules;
    this.forPrimitive = rules.filter((r) => accepts(r.pattern, 'primitive'));
    this.forArray = rules.filter((r) => accepts(r.pattern, 'array'));
    this.forRecord = rules.filter((r) => accepts(r.pattern, 'record'));
  }

  /** The rules that may apply to a node of type `name`, in order. */
  forType(name: string): readonly CompiledRule[] {
    let list = this.#forType.get(name);
    if (list === undefined) {
      list = this.rules.filter((r) => (r.pattern.kind === 'node' ? r.pattern.type === name : accepts(r.pattern, 'node')));
      this.#forType.set(name, list);
    }
    return list;
  }
}

type Shape = 'primitive' | 'array' | 'record' | 'node';

/** Whether a pattern can match some value of the given shape (a cheap pre-filter). */
function accepts(p: Pattern, shape: Shape): boolean {
  switch (p.kind) {
    case 'any':
    case 'var':
      return true;
    case 'node':
      return shape === 'node';
    case 'array':
      return shape === 'array';
    case 'record':
      return shape === 'record';
    case 'literal':
      return shapeOf(p.value) === shape;
    case 'in':
      return p.values.some((v) => shapeOf(v) === shape);
  }
}

function shapeOf(v: TreeValue): Shape {
  if (typeof v !== 'object' || v === null) return 'primitive';
  if (v instanceof SymbolicNode) return 'node';
  return Array.isArray(v) ? 'array' : 'record';
}

interface EngineSlot {
  engine: Engine | undefined;
  readonly next: WeakMap<RuleSet, EngineSlot>;
}

const ENGINES = new WeakMap<Registry, EngineSlot>();

function engineFor(rules: RuleSets, registry: Registry): Engine {
  const list = Array.isArray(rules);
  const sets: readonly unknown[] = list ? (rules as readonly unknown[]) : [rules];
  const compiled: CompiledRule[] = [];
  let slot = ENGINES.get(registry);
  if (slot === undefined) ENGINES.set(registry, (slot = { engine: undefined, next: new WeakMap() }));
  for (let i = 0; i < sets.length; i++) {
    const set = sets[i];
    const rs = compiledRules(set);
    if (rs === undefined) {
      throw new PliantError(
        API,
        'argument',
        `rules${list ? `[${i}]` : ''} must be a rule set made by ruleSet(), loadRules() or defaultRules(), found ${describeValue(set)}`,
      );
    }
    compiled.push(...rs);
    let next: EngineSlot | undefined = slot.next.get(set as RuleSet);
    if (next === undefined) slot.next.set(set as RuleSet, (next = { engine: undefined, next: new WeakMap() }));
    slot = next;
  }
  return (slot.engine ??= new Engine(registry, compiled));
}

// ---------------------------------------------------------------------------------------------
// The rewrite loop.

interface Run {
  readonly engine: Engine;
  readonly max: number;
  count: number;
  /** The key path of the value being normalised. */
  readonly at: KeySegment[];
  /** The rules fired so far in this call, in order. */
  readonly fired: CompiledRule[];
  /**
   * The states (hash, and whether removable) of values whose rewriting is in progress, with the
   * index in `fired` of the rewrite that left the state and the key path of the value.
   */
  readonly active: Map<string, { readonly index: number; readonly path: string }>;
  readonly onRewrite: ((event: RewriteEvent) => void) | undefined;
}

interface Step {
  readonly rule: CompiledRule;
  readonly result: Outcome;
}

/**
 * The normal form of `value`; `removable` says that it is an array element or a record value,
 * so that a `$remove` rule may remove it (the result is then `REMOVED`).
 */
function normalize(run: Run, value: TreeValue, removable: boolean): Outcome {
  const engine = run.engine;
  const isObject = typeof value === 'object' && value !== null;
  if (isObject) {
    const known = removable ? engine.memoDrop.get(value) : engine.memoKeep.get(value);
    if (known !== undefined) return known;
  } else if (engine.forPrimitive.length === 0) {
    return value;
  }
  let current: TreeValue = value;
  let result: Outcome | undefined;
  const entered: string[] = [];
  try {
    for (;;) {
      current = normalizeChildren(run, current);
      const step = findStep(run, current, removable);
      if (step === undefined) {
        result = current;
        break;
      }
      const state = `${removable ? 'd' : 'k'}${hash(current)}`;
      const seen = run.active.get(state);
      if (seen !== undefined) throw loopError(run, seen, step.rule);
      run.active.set(state, { index: run.fired.length, path: formatKeyPath(run.at) });
      entered.push(state);
      run.fired.push(step.rule);
      if (++run.count > run.max) throw limitError(run);
      run.onRewrite?.({ rule: step.rule.label, path: formatKeyPath(run.at), before: current, after: step.result === REMOVED ? undefined : step.result });
      if (step.result === REMOVED) {
        result = REMOVED;
        break;
      }
      if (run.at.length + depthOf(step.result) > MAX_DEPTH) throw depthError(run, step.rule);
      current = step.result;
    }
  } finally {
    for (const state of entered) run.active.delete(state);
  }
  if (isObject) {
    if (removable) engine.memoDrop.set(value, result);
    else engine.memoKeep.set(value, result as TreeValue);
  }
  if (typeof result === 'object' && result !== null) {
    // A normal form is its own normal form (where it may be removed, it was not).
    engine.memoKeep.set(result, result);
    if (removable) engine.memoDrop.set(result, result);
  }
  return result;
}

/** `value` with its children normalised; `value` itself when none changed. */
function normalizeChildren(run: Run, value: TreeValue): TreeValue {
  if (typeof value !== 'object' || value === null) return value;
  const at = run.at;
  if (value instanceof SymbolicNode) {
    const args = value.args as Readonly<Record<string, TreeValue>>;
    let changes: Map<string, TreeValue> | undefined;
    for (const key in args) {
      const child = args[key] as TreeValue;
      at.push(key);
      const next = normalize(run, child, false) as TreeValue;
      at.pop();
      if (next !== child) (changes ??= new Map()).set(key, next);
    }
    if (changes === undefined) return value;
    return guarded(run, undefined, () => replaceArgs(value, changes, API, at));
  }
  if (Array.isArray(value)) {
    const items = value as readonly TreeValue[];
    let out: TreeValue[] | undefined;
    for (let i = 0; i < items.length; i++) {
      const child = items[i] as TreeValue;
      at.push(i);
      const next = normalize(run, child, true);
      at.pop();
      if (next !== child && out === undefined) out = items.slice(0, i);
      if (out !== undefined && next !== REMOVED) out.push(next);
    }
    return out === undefined ? value : Object.freeze(out);
  }
  const rec = value as Readonly<Record<string, TreeValue>>;
  let out: Record<string, TreeValue> | undefined;
  for (const key of Object.keys(rec)) {
    const child = rec[key] as TreeValue;
    at.push(key);
    const next = normalize(run, child, true);
    at.pop();
    if (next === child) continue;
    out ??= { ...rec };
    if (next === REMOVED) delete out[key];
    else out[key] = next;
  }
  return out === undefined ? value : Object.freeze(out);
}

/** The first rule that changes `value`, with its result; `undefined` when none does. */
function findStep(run: Run, value: TreeValue, removable: boolean): Step | undefined {
  const engine = run.engine;
  const shape = shapeOf(value);
  const rules =
    shape === 'node'
      ? engine.forType((value as SymbolicNode).type.name)
      : shape === 'array'
        ? engine.forArray
        : shape === 'record'
          ? engine.forRecord
          : engine.forPrimitive;
  for (const rule of rules) {
    const action = rule.action;
    if (action.kind === 'remove' && !removable) continue;
    const bindings = new Map<string, TreeValue>();
    if (!match(rule.pattern, value, bindings)) continue;
    if (action.kind === 'remove') return { rule, result: REMOVED };
    if (action.kind === 'update') {
      const node = value as SymbolicNode;
      const args = node.args as Readonly<Record<string, TreeValue>>;
      const changes = new Map<string, TreeValue>();
      let applies = true;
      for (const [key, replacement] of action.args) {
        const next = build(run, rule, replacement, bindings);
        if (next === undefined) {
          applies = false;
          break;
        }
        if (!(Object.prototype.hasOwnProperty.call(args, key) && eq(args[key], next))) changes.set(key, next);
      }
      if (!applies || changes.size === 0) continue;
      return { rule, result: guarded(run, rule, () => replaceArgs(node, changes, API, run.at)) };
    }
    const next = build(run, rule, action.value, bindings);
    if (next === undefined || eq(next, value)) continue;
    return { rule, result: next };
  }
  return undefined;
}

function match(p: Pattern, value: TreeValue, bindings: Map<string, TreeValue>): boolean {
  switch (p.kind) {
    case 'any':
      return true;
    case 'var': {
      const bound = bindings.get(p.name);
      if (bound !== undefined) return eq(bound, value);
      bindings.set(p.name, value);
      return true;
    }
    case 'literal':
      return eq(p.value, value);
    case 'in':
      return p.values.some((v) => eq(v, value));
    case 'node': {
      if (!(value instanceof SymbolicNode) || value.type.name !== p.type) return false;
      const args = value.args as Readonly<Record<string, TreeValue>>;
      for (const [key, sub] of p.args) {
        if (!Object.prototype.hasOwnProperty.call(args, key) || !match(sub, args[key] as TreeValue, bindings)) return false;
      }
      return true;
    }
    case 'record': {
      if (typeof value !== 'object' || value === null || value instanceof SymbolicNode || Array.isArray(value)) return false;
      const rec = value as Readonly<Record<string, TreeValue>>;
      for (const [key, sub] of p.entries) {
        if (!Object.prototype.hasOwnProperty.call(rec, key) || !match(sub, rec[key] as TreeValue, bindings)) return false;
      }
      return true;
    }
    case 'array': {
      if (!Array.isArray(value)) return false;
      const items = value as readonly TreeValue[];
      if (items.length !== p.items.length) return false;
      for (let i = 0; i < items.length; i++) if (!match(p.items[i] as Pattern, items[i] as TreeValue, bindings)) return false;
      return true;
    }
  }
}

/**
 * The value a replacement stands for, or `undefined` when the rule does not apply after all
 * (`$sorted` of something that is not an array, such as a hyper value standing for one).
 */
function build(run: Run, rule: CompiledRule, r: Replacement, bindings: ReadonlyMap<string, TreeValue>): TreeValue | undefined {
  switch (r.kind) {
    case 'var':
      return bindings.get(r.name);
    case 'literal':
      return r.value;
    case 'array': {
      const out: TreeValue[] = [];
      for (const item of r.items) {
        const v = build(run, rule, item, bindings);
        if (v === undefined) return undefined;
        out.push(v);
      }
      return Object.freeze(out);
    }
    case 'record': {
      const out: Record<string, TreeValue> = {};
      for (const [key, item] of r.entries) {
        const v = build(run, rule, item, bindings);
        if (v === undefined) return undefined;
        out[key] = v;
      }
      return Object.freeze(out);
    }
    case 'sorted': {
      const v = build(run, rule, r.of, bindings);
      return Array.isArray(v) ? sortedByHash(v as readonly TreeValue[]) : undefined;
    }
    case 'node': {
      const type = run.engine.registry.get(r.type);
      if (type === undefined) {
        throw new PliantError(
          API,
          'registry',
          `rule '${rule.label}' builds a '${r.type}', which is not a registered symbolic type (register it before canonicalizing)`,
          {
            path: formatKeyPath(run.at),
          },
        );
      }
      const raw: Record<string, TreeValue> = {};
      for (const [key, item] of r.args) {
        const v = build(run, rule, item, bindings);
        if (v === undefined) return undefined;
        raw[key] = v;
      }
      return guarded(run, rule, () => createNode(type, raw, API, run.at.slice()));
    }
  }
}

/** `items` ordered by the stable hash of each element (itself when already in that order). */
function sortedByHash(items: readonly TreeValue[]): readonly TreeValue[] {
  const keyed = items.map((value, i) => ({ value, key: hash(value), i }));
  let sorted = true;
  for (let i = 1; i < keyed.length && sorted; i++) if ((keyed[i - 1] as { key: string }).key > (keyed[i] as { key: string }).key) sorted = false;
  if (sorted) return items;
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.i - b.i));
  return Object.freeze(keyed.map((k) => k.value));
}

/**
 * Runs a construction; a `PliantError` it throws (a schema rejecting a rewritten value) is
 * rethrown naming the rule, or, for a parent rebuilt around rewritten children, the last rule
 * that fired.
 */
function guarded<T>(run: Run, rule: CompiledRule | undefined, make: () => T): T {
  try {
    return make();
  } catch (error) {
    if (!(error instanceof PliantError)) throw error;
    const prefix = `${error.api}: ${error.path === undefined ? '' : `at ${error.path === '' ? '(root)' : `'${error.path}'`}: `}`;
    const why = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
    const last = run.fired[run.fired.length - 1];
    const who =
      rule !== undefined
        ? `rule '${rule.label}' made an invalid value`
        : `rewriting the arguments made them invalid${last === undefined ? '' : ` (the last rule to fire: '${last.label}')`}`;
    throw new PliantError(API, error.code, `${who}: ${why}`, { path: error.path ?? formatKeyPath(run.at), cause: error });
  }
}

function loopError(run: Run, seen: { readonly index: number; readonly path: string }, rule: CompiledRule): PliantError {
  const names = unique([...run.fired.slice(seen.index), rule].map((r) => `'${r.label}'`));
  const here = formatKeyPath(run.at);
  const what =
    seen.path === here
      ? 'rewrite a value back into a form it had before'
      : `rewrite the value at ${seen.path === '' ? '(root)' : `'${seen.path}'`} into a tree that contains it again, so it would grow without end`;
  return new PliantError(API, 'argument', `the rewrite rules ${names.join(', ')} loop: they ${what}; change or drop one of them`, { path: here });
}

const DEPTHS = new WeakMap<object, number>();

/** How many levels `value` nests (0 for a primitive); memoised, since trees are immutable. */
function depthOf(value: TreeValue): number {
  if (typeof value !== 'object' || value === null) return 0;
  const known = DEPTHS.get(value);
  if (known !== undefined) return known;
  let deepest = 0;
  const children = value instanceof SymbolicNode ? Object.values(value.args as Readonly<Record<string, TreeValue>>) : Object.values(value);
  for (const child of children) {
    const d = depthOf(child as TreeValue);
    if (d > deepest) deepest = d;
  }
  DEPTHS.set(value, deepest + 1);
  return deepest + 1;
}

function depthError(run: Run, rule: CompiledRule): PliantError {
  return new PliantError(API, 'argument', `rule '${rule.label}' made the tree nest deeper than ${MAX_DEPTH} levels: the rules may grow the tree without end`, {
    path: formatKeyPath(run.at),
  });
}

function limitError(run: Run): PliantError {
  const recent = unique(run.fired.slice(-20).map((r) => `'${r.label}'`)).slice(-5);
  return new PliantError(
    API,
    'argument',
    `more than ${run.max} rewrites (options.maxRewrites): the rules may grow the tree without end; the last rules to fire: ${recent.join(', ')}`,
    { path: formatKeyPath(run.at) },
  );
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}
