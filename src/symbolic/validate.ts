import { z } from 'zod';
import { PliantError } from '../base/errors.js';
import { KeyPath, formatKeyPath } from './key-path.js';
import type { KeySegment } from './key-path.js';
import { SymbolicNode } from './node.js';
import type { SymbolicType } from './node.js';
import { describeValue } from './values.js';

type Issue = z.core.$ZodIssue;

/**
 * Validates all arguments of a node of `type` against its schema. Issues raised where a value
 * validates itself (a hyper value) are handed to that value's `validateAgainst` hook with the
 * field's schema. Throws a `PliantError` naming `api`, the symbolic type and the key path.
 */
export function validateArgs(type: SymbolicType, args: Readonly<Record<string, unknown>>, api: string, base: readonly KeySegment[]): void {
  const schema = type.schema;
  if (schema === undefined) return;
  const result = schema.safeParse(args);
  if (result.success) return;
  settle(result.error.issues, args, schema, type.name, api, base);
}

interface FieldInfo {
  readonly schema: z.ZodType | undefined;
  readonly nodeTypes: ReadonlySet<SymbolicType> | undefined;
}

const NODE_SCHEMAS = new WeakMap<z.ZodType, ReadonlySet<SymbolicType>>();

/** @internal Records that `schema` accepts exactly the nodes of `types` (see `nodeSchema`). */
export function registerNodeSchema(schema: z.ZodType, types: ReadonlySet<SymbolicType>): void {
  NODE_SCHEMAS.set(schema, types);
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
    info = { schema: field, nodeTypes: field === undefined ? undefined : NODE_SCHEMAS.get(field) };
    type.internal.fields.set(key, info);
  }
  const field = info.schema;
  if (field === undefined) return;
  const value = args[key];
  if (info.nodeTypes !== undefined && value instanceof SymbolicNode && info.nodeTypes.has(value.type as SymbolicType)) return;
  const result = field.safeParse(value);
  if (result.success) return;
  const issues = result.error.issues.map((issue) => ({ ...issue, path: [key, ...issue.path] }) as Issue);
  settle(issues, args, schema, type.name, api, base);
}

/**
 * Validates a value against a schema the way arguments are validated: issues where a value
 * validates itself (a hyper value, at any depth) go to its hook. `owner` names what imposes the
 * schema in messages (a symbolic type's name); `path` is the value's key path.
 */
export function validateValue(schema: z.ZodType, value: unknown, owner: string, api: string, path: readonly KeySegment[]): void {
  const result = schema.safeParse(value);
  if (result.success) return;
  settle(result.error.issues, value, schema, owner, api, path);
}

function settle(issues: readonly Issue[], args: unknown, schema: z.ZodType, owner: string, api: string, base: readonly KeySegment[]): void {
  for (const issue of issues) {
    const outcome = resolve(issue, args, schema, [], base, api);
    if (outcome === true) continue;
    if (outcome instanceof PliantError) throw outcome;
    throw schemaError(issue, args, owner, api, base);
  }
}

/**
 * Whether a zod issue is answered by a self-validating value on its path. Returns `true` when a
 * hook accepted, the hook's error when it refused, `false` when no hook applies.
 */
function resolve(issue: Issue, root: unknown, schema: z.ZodType, rel: KeySegment[], base: readonly KeySegment[], api: string): boolean | PliantError {
  const path = issue.path as readonly PropertyKey[];
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
