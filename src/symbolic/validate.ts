import { z } from 'zod';
import { PliantError } from '../base/errors.js';
import { KeyPath, formatKeyPath } from './key-path.js';
import type { KeySegment } from './key-path.js';
import { SymbolicNode } from './node.js';
import type { SelfValidator, SymbolicType } from './node.js';
import { describeValue } from './values.js';
import { acceptsExpression, compileAccepts } from './fast-check.js';
import type { Accepts } from './fast-check.js';

type Issue = z.core.$ZodIssue;

/** A zod issue as a schema raised it, before zod finalizes it (no message yet; no path at the root). */
type RawIssue = z.core.$ZodRawIssue & { readonly path?: PropertyKey[] };

/**
 * The issues `schema.safeParse(value)` would report, unfinished, or `undefined` when the value
 * passes: the same run as `safeParse` without building the `ZodError` and its messages, which
 * are most of the cost of a failing parse. A value fails its field schema wherever a hyper value
 * stands, and such issues are settled by the hyper value's own check, so messages are made only
 * for an issue that is reported ({@link finalize}).
 */
function rawIssues(schema: z.ZodType, value: unknown): readonly RawIssue[] | undefined {
  const result = schema._zod.run({ value, issues: [] }, { async: false });
  if (result instanceof Promise) throw new z.core.$ZodAsyncError();
  return result.issues.length === 0 ? undefined : (result.issues as RawIssue[]);
}

/** The issue as `safeParse(...).error.issues` holds it: message made, path set. */
function finalize(issue: RawIssue): Issue {
  return z.core.util.finalizeIssue(issue, { async: false }, z.core.config());
}

/**
 * Validates all arguments of a node of `type` against its schema. Issues raised where a value
 * validates itself (a hyper value) are handed to that value's `validateAgainst` hook with the
 * field's schema. Throws a `PliantError` naming `api`, the symbolic type and the key path.
 */
export function validateArgs(type: SymbolicType, args: Readonly<Record<string, unknown>>, api: string, base: readonly KeySegment[]): void {
  const schema = type.schema;
  if (schema === undefined) return;
  let check = type.internal.check as TypeCheck | null | undefined;
  if (check === undefined) check = type.internal.check = compileTypeCheck(type, schema);
  if (check !== null && fastValidate(check, args, api, base)) return;
  const issues = rawIssues(schema, args);
  if (issues === undefined) return;
  settle(issues, args, schema, type.name, api, base);
}

/**
 * @internal What {@link fastValidate} knows of a type: its schema's fields with their fast
 * predicates, and the object-level checks restated (`refine`), where the schema has them.
 */
interface TypeCheck {
  /** Whether every field passes its predicate: one generated function per type, or the predicates in a loop. */
  readonly all: (args: Readonly<Record<string, unknown>>) => boolean;
  readonly keys: readonly string[];
  readonly fields: readonly z.ZodType[];
  readonly accepts: readonly Accepts[];
  readonly refine: ((args: Readonly<Record<string, unknown>>) => boolean) | undefined;
}

const REFINES = new WeakMap<SymbolicType, (args: Readonly<Record<string, unknown>>) => boolean>();

/**
 * @internal Restates the object-level checks of a type's schema (its `.refine`/`.superRefine`)
 * as a predicate that is `true` only where they pass, so nodes of the type can be validated
 * without running zod when every field passes too (hyper values use it).
 */
export function registerObjectChecks(type: SymbolicType, passes: (args: Readonly<Record<string, unknown>>) => boolean): void {
  REFINES.set(type, passes);
  type.internal.check = undefined;
}

/**
 * The fast validation of a type, or `null` when its schema has a field of a kind
 * {@link compileAccepts} does not know, a catchall, or object-level checks not restated by
 * {@link registerObjectChecks}.
 */
function compileTypeCheck(type: SymbolicType, schema: z.ZodObject): TypeCheck | null {
  const refine = REFINES.get(type);
  if (!type.closed || (type.hasObjectChecks && refine === undefined)) return null;
  const shape = schema.shape as Record<string, z.ZodType>;
  const keys = Object.keys(shape);
  const fields = keys.map((k) => shape[k] as z.ZodType);
  const accepts: Accepts[] = [];
  for (const field of fields) {
    const a = acceptsOf(field);
    if (a === null) return null;
    accepts.push(a);
  }
  return { all: compileAll(keys, fields, accepts), keys, fields, accepts, refine: type.hasObjectChecks ? refine : undefined };
}

/**
 * One function testing every field's predicate, generated as straight-line code (the property
 * reads of one type's arguments stay monomorphic: several times faster than a loop over
 * closures); the loop where code generation is not allowed (a strict CSP).
 */
function compileAll(keys: readonly string[], fields: readonly z.ZodType[], accepts: readonly Accepts[]): (args: Readonly<Record<string, unknown>>) => boolean {
  const loop = (args: Readonly<Record<string, unknown>>): boolean => {
    for (let i = 0; i < keys.length; i++) if (!(accepts[i] as Accepts)(args[keys[i] as string])) return false;
    return true;
  };
  try {
    const env: unknown[] = [];
    const lines = keys.map((key, i) => {
      const expr = acceptsExpression(fields[i] as z.ZodType, (s) => NODE_SCHEMAS.get(s), `v${i}`, env);
      if (expr === undefined) throw new Error('no expression');
      return `const v${i} = a[${JSON.stringify(key)}]; if (!${expr}) return false;`;
    });
    const make = new Function('env', `return function (a) { ${lines.join(' ')} return true; };`) as (env: unknown[]) => (args: object) => boolean;
    return make(env);
  } catch {
    return loop;
  }
}

/**
 * Validates arguments without zod where that gives zod's answer: every field passes its fast
 * predicate, or holds a self-validating value (a hyper value) that its field's schema rejects,
 * which is then asked as zod's issue would have asked it, in field order. Returns `false`, having
 * called no hook, where zod must decide (and report).
 */
function fastValidate(check: TypeCheck, args: Readonly<Record<string, unknown>>, api: string, base: readonly KeySegment[]): boolean {
  if (check.all(args)) return check.refine === undefined || check.refine(args);
  const { keys, accepts } = check;
  let hooked: number[] | undefined;
  for (let i = 0; i < keys.length; i++) {
    const value = args[keys[i] as string];
    if ((accepts[i] as Accepts)(value)) continue;
    if (value instanceof SymbolicNode && value.type.validateAgainst !== undefined) {
      (hooked ??= []).push(i);
      continue;
    }
    return false;
  }
  if (check.refine !== undefined && (hooked !== undefined || !check.refine(args))) return false;
  if (hooked === undefined) return true;
  for (const i of hooked) {
    const key = keys[i] as string;
    const value = args[key] as SymbolicNode;
    (value.type.validateAgainst as SelfValidator)(value, check.fields[i] as z.ZodType, KeyPath.child(base, key), api);
  }
  return true;
}

interface FieldInfo {
  readonly schema: z.ZodType | undefined;
  readonly nodeTypes: ReadonlySet<SymbolicType> | undefined;
  /** The field's fast predicate (`true` only where zod accepts), where it has one. */
  readonly accepts: Accepts | undefined;
}

const NODE_SCHEMAS = new WeakMap<z.ZodType, ReadonlySet<SymbolicType>>();

/** @internal Records that `schema` accepts exactly the nodes of `types` (see `nodeSchema`). */
export function registerNodeSchema(schema: z.ZodType, types: ReadonlySet<SymbolicType>): void {
  NODE_SCHEMAS.set(schema, types);
}

/** The fast predicates of schemas values are validated against (`null`: the schema has none). */
const ACCEPTS = new WeakMap<z.ZodType, Accepts | null>();

/**
 * The fast predicate of `schema` ({@link compileAccepts}: `true` only where zod accepts), made
 * once per schema and shared by every use: a type's fields, a field after a rebind, and a hyper
 * value's candidates, each validated against the schema of the field it stands in
 * (`oneOf([32, 64, 128])` where a `z.number().int()` stands).
 */
function acceptsOf(schema: z.ZodType): Accepts | null {
  let accepts = ACCEPTS.get(schema);
  if (accepts === undefined) {
    accepts = compileAccepts(schema, (s) => NODE_SCHEMAS.get(s)) ?? null;
    ACCEPTS.set(schema, accepts);
  }
  return accepts;
}

/**
 * Validates one argument (`key`) after a rebind, as PyGlove does; falls back to the whole
 * schema when it has object-level checks.
 */
export function validateField(type: SymbolicType, args: Readonly<Record<string, unknown>>, key: string, api: string, base: readonly KeySegment[]): void {
  const schema = type.schema;
  if (schema === undefined) return;
  if (type.hasObjectChecks) return validateArgs(type, args, api, base);
  let info = type.internal.fields.get(key) as FieldInfo | undefined;
  if (info === undefined) {
    const field = fieldSchema(schema, key);
    info = {
      schema: field,
      nodeTypes: field === undefined ? undefined : NODE_SCHEMAS.get(field),
      accepts: field === undefined ? undefined : (acceptsOf(field) ?? undefined),
    };
    type.internal.fields.set(key, info);
  }
  const field = info.schema;
  if (field === undefined) return;
  const value = args[key];
  if (info.nodeTypes !== undefined && value instanceof SymbolicNode && info.nodeTypes.has(value.type as SymbolicType)) return;
  if (info.accepts !== undefined) {
    if (info.accepts(value)) return;
    if (value instanceof SymbolicNode && value.type.validateAgainst !== undefined) {
      // The field rejects the node itself (its predicate is exact for nodes): zod's one issue would be at `key`, answered by the hook.
      value.type.validateAgainst(value, field, KeyPath.child(base, key), api);
      return;
    }
  }
  const raw = rawIssues(field, value);
  if (raw === undefined) return;
  const issues = raw.map((issue) => ({ ...issue, path: [key, ...(issue.path ?? [])] }) as RawIssue);
  settle(issues, args, schema, type.name, api, base);
}

/**
 * Validates a value against a schema the way arguments are validated: issues where a value
 * validates itself (a hyper value, at any depth) go to its hook. `owner` names what imposes the
 * schema in messages (a symbolic type's name); `path` is the value's key path.
 */
export function validateValue(schema: z.ZodType, value: unknown, owner: string, api: string, path: readonly KeySegment[]): void {
  const accepts = acceptsOf(schema);
  if (accepts !== null && accepts(value)) return;
  const issues = rawIssues(schema, value);
  if (issues === undefined) return;
  settle(issues, value, schema, owner, api, path);
}

function settle(issues: readonly RawIssue[], args: unknown, schema: z.ZodType, owner: string, api: string, base: readonly KeySegment[]): void {
  for (const issue of issues) {
    const outcome = resolve(issue, args, schema, [], base, api);
    if (outcome === true) continue;
    if (outcome instanceof PliantError) throw outcome;
    throw schemaError(finalize(issue), args, owner, api, base);
  }
}

/**
 * Whether a zod issue is answered by a self-validating value on its path. Returns `true` when a
 * hook accepted, the hook's error when it refused, `false` when no hook applies.
 */
function resolve(
  issue: RawIssue | Issue,
  root: unknown,
  schema: z.ZodType,
  rel: KeySegment[],
  base: readonly KeySegment[],
  api: string,
): boolean | PliantError {
  const path = (issue.path ?? []) as readonly PropertyKey[];
  let value: unknown = root;
  for (let depth = 0; depth <= path.length; depth++) {
    if (value instanceof SymbolicNode) {
      const hook = value.type.validateAgainst;
      if (hook === undefined) return false;
      const sub = schemaAt(schema, path.slice(0, depth));
      if (sub === undefined) return false;
      try {
        hook(value, sub, KeyPath.from([...base, ...rel, ...(path.slice(0, depth) as KeySegment[])]), api);
        return true;
      } catch (error) {
        if (error instanceof PliantError) return error;
        throw error;
      }
    }
    if (depth === path.length) break;
    value = step(value, path[depth] as PropertyKey);
    if (value === undefined) break;
  }
  if (issue.code === 'invalid_union') {
    const at = valueAt(root, path);
    const union = schemaAt(schema, path);
    const options = union === undefined ? undefined : unionOptions(union);
    if (options === undefined) return false;
    const branches = issue.errors;
    let firstError: PliantError | undefined;
    for (let i = 0; i < branches.length && i < options.length; i++) {
      const branch = branches[i] as readonly Issue[];
      let ok = true;
      for (const sub of branch) {
        const r = resolve(sub, at, options[i] as z.ZodType, [...rel, ...(path as KeySegment[])], base, api);
        if (r !== true) {
          if (r instanceof PliantError && firstError === undefined) firstError = r;
          ok = false;
          break;
        }
      }
      if (ok) return true;
    }
    return firstError ?? false;
  }
  return false;
}

function step(value: unknown, key: PropertyKey): unknown {
  if (value === null || typeof value !== 'object' || value instanceof SymbolicNode) return undefined;
  return (value as Record<PropertyKey, unknown>)[key];
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const k of path) v = step(v, k);
  return v;
}

interface ZodDefLike {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  getter?: () => z.ZodType;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  element?: z.ZodType;
  items?: z.ZodType[];
  rest?: z.ZodType | null;
  valueType?: z.ZodType;
  options?: z.ZodType[];
}

function defOf(schema: z.ZodType): ZodDefLike {
  return schema._zod.def as unknown as ZodDefLike;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (let guard = 0; guard < 64; guard++) {
    const def = defOf(s);
    if (def.innerType !== undefined && ['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional', 'success'].includes(def.type)) {
      s = def.innerType;
    } else if (def.type === 'pipe' && def.in !== undefined) {
      s = def.in;
    } else if (def.type === 'lazy' && def.getter !== undefined) {
      s = def.getter();
    } else {
      return s;
    }
  }
  return s;
}

function unionOptions(schema: z.ZodType): z.ZodType[] | undefined {
  const def = defOf(unwrap(schema));
  return def.type === 'union' ? def.options : undefined;
}

function fieldSchema(schema: z.ZodObject, key: string): z.ZodType | undefined {
  const shape = schema.shape as Record<string, z.ZodType>;
  return Object.prototype.hasOwnProperty.call(shape, key) ? shape[key] : (defOf(schema).catchall ?? undefined);
}

/**
 * The sub-schema that applies at `path` inside `schema` (through objects, arrays, tuples,
 * records, unions and wrappers), or `undefined` when none can be found.
 */
export function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let s: z.ZodType | undefined = schema;
  for (const key of path) {
    if (s === undefined) return undefined;
    s = childSchema(s, key);
  }
  return s;
}

function childSchema(schema: z.ZodType, key: PropertyKey): z.ZodType | undefined {
  const inner = unwrap(schema);
  const def = defOf(inner);
  switch (def.type) {
    case 'object': {
      const shape = def.shape ?? {};
      return typeof key === 'string' && Object.prototype.hasOwnProperty.call(shape, key) ? shape[key] : (def.catchall ?? undefined);
    }
    case 'array':
      return def.element;
    case 'tuple':
      return typeof key === 'number' ? (def.items?.[key] ?? def.rest ?? undefined) : undefined;
    case 'record':
      return def.valueType;
    case 'union': {
      const subs = (def.options ?? []).map((o) => childSchema(o, key)).filter((o): o is z.ZodType => o !== undefined);
      if (subs.length === 0) return undefined;
      return subs.length === 1 ? subs[0] : z.union(subs as [z.ZodType, z.ZodType, ...z.ZodType[]]);
    }
    default:
      return undefined;
  }
}

function schemaError(issue: Issue, args: unknown, owner: string, api: string, base: readonly KeySegment[]): PliantError {
  const rel = issue.path as readonly PropertyKey[];
  const found = valueAt(args, rel);
  const path = formatKeyPath([...base, ...(rel.filter((k) => typeof k !== 'symbol') as KeySegment[])]);
  const message = issue.message;
  const at = message.indexOf('expected ');
  const expectation = at >= 0 ? message.slice(at + 'expected '.length).replace(/, received .*$/, '') : undefined;
  const text =
    expectation !== undefined ? `${owner} expects ${expectation}, found ${describeValue(found)}` : `${owner}: ${message}, found ${describeValue(found)}`;
  return new PliantError(api, 'schema', text, { path });
}
