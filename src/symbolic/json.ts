import { createNode } from './construct.js';
import { PliantError, describeThrown } from '../base/errors.js';
import { MAX_JSON_DEPTH, checkDepth } from '../base/json-depth.js';
import { formatKeyPath } from './key-path.js';
import type { KeySegment } from './key-path.js';
import { SymbolicNode } from './node.js';
import type { TreeValue } from './node.js';
import { defaultRegistry } from './registry.js';
import type { Registry } from './registry.js';
import { FORBIDDEN_KEYS, describeValue, isPlainRecord, markSealed } from './values.js';

/** A JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Options of {@link fromJSON} and {@link fromJSONString}. */
export interface FromJSONOptions {
  /** Where symbolic types are looked up (default: the default registry). */
  readonly registry?: Registry;
}

const API = 'fromJSON';
const SPECIAL_NUMBERS: Readonly<Record<string, number>> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 };

/**
 * The JSON form of a tree. A node is `{"$type": name, ...args}`; NaN, ±Infinity and −0 are
 * `{"$number": "NaN" | "Infinity" | "-Infinity" | "-0"}`; a record with a key starting with `$`
 * is wrapped as `{"$record": {...}}`. `fromJSON` reverses it exactly.
 *
 * A value that cannot live in a tree (a bigint, a symbol, a function, `undefined` in an array, a
 * hole, a `Map` or other class instance, a record with symbol keys or a key `__proto__`,
 * `constructor` or `prototype`, a cycle) is an `invalid-value` `PliantError`, and a form nested
 * deeper than `MAX_JSON_DEPTH` (512) levels a `json` one, each naming the key path. A record key
 * set to `undefined` is absent, as in a tree.
 */
export function toJSON(tree: TreeValue): JsonValue {
  return encode(tree, 'toJSON');
}

/** {@link toJSON} as text; `indent` as in `JSON.stringify`. */
export function toJSONString(tree: TreeValue, indent?: number): string {
  return JSON.stringify(encode(tree, 'toJSONString'), null, indent);
}

/** The walk of {@link toJSON}: where it is, and the containers above (a container among them is a cycle). */
interface Encoding {
  readonly api: string;
  readonly at: KeySegment[];
  readonly above: Set<object>;
}

function encode(tree: TreeValue, api: string): JsonValue {
  try {
    return encodeFast(tree, 0);
  } catch (signal) {
    if (signal !== SLOW) throw signal;
  }
  // Something odd on the way: the careful walk, which says what and where (or encodes what the
  // fast walk only doubted).
  return encodeValue(tree, { api, at: [], above: new Set() }, 0);
}

/** Thrown by {@link encodeFast} when a value needs the careful walk. */
const SLOW: unique symbol = Symbol('slow');

/**
 * The JSON form of a tree as pliant builds them (sealed: validated when made), without the key
 * path and cycle bookkeeping of {@link encodeValue}; anything it does not expect (a non-JSON
 * value, a hole, an unfrozen or unusual record, nesting past the limit, which a cycle reaches)
 * hands the whole tree to the careful walk.
 */
function encodeFast(value: unknown, depth: number): JsonValue {
  switch (typeof value) {
    case 'number':
      if (Number.isFinite(value) && !Object.is(value, -0)) return value;
      if (depth >= MAX_JSON_DEPTH) throw SLOW;
      return { $number: Object.is(value, -0) ? '-0' : String(value) };
    case 'string':
    case 'boolean':
      return value;
    case 'object':
      break;
    default:
      throw SLOW;
  }
  if (value === null) return null;
  if (depth >= MAX_JSON_DEPTH) throw SLOW;
  if (value instanceof SymbolicNode) {
    const node: { [key: string]: JsonValue } = { $type: value.type.name };
    const args = value.args as Readonly<Record<string, unknown>>;
    for (const key in args) {
      const arg = args[key];
      if (arg !== undefined) node[key] = encodeFast(arg, depth + 1);
    }
    return node;
  }
  if (Array.isArray(value)) {
    const list = new Array<JsonValue>(value.length);
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) throw SLOW;
      list[i] = encodeFast(value[i], depth + 1);
    }
    return list;
  }
  if (!Object.isFrozen(value) || !isPlainRecord(value) || Object.getOwnPropertySymbols(value).length > 0) throw SLOW;
  const rec = value as Readonly<Record<string, unknown>>;
  let escape = false;
  for (const key in rec) {
    if (key.charCodeAt(0) === 36 /* $ */) escape = true;
    if (FORBIDDEN_KEYS.has(key)) throw SLOW;
  }
  if (escape && depth + 1 >= MAX_JSON_DEPTH) throw SLOW;
  const inner = escape ? depth + 2 : depth + 1;
  const out: { [key: string]: JsonValue } = {};
  for (const key in rec) {
    const v = rec[key];
    if (v !== undefined) out[key] = encodeFast(v, inner);
  }
  return escape ? { $record: out } : out;
}

function encodeFail(walk: Encoding, message: string, code: 'invalid-value' | 'json' = 'invalid-value'): never {
  throw new PliantError(walk.api, code, message, { path: formatKeyPath(walk.at) });
}

/** `value`'s JSON form; `depth` is the nesting of the container it is in (0 at the root). */
function encodeValue(value: unknown, walk: Encoding, depth: number): JsonValue {
  switch (typeof value) {
    case 'number':
      if (Number.isFinite(value) && !Object.is(value, -0)) return value;
      if (depth >= MAX_JSON_DEPTH) tooDeep(walk);
      return { $number: Object.is(value, -0) ? '-0' : String(value) };
    case 'string':
    case 'boolean':
      return value;
    case 'object':
      break;
    case 'undefined':
      return encodeFail(walk, 'undefined is not a value of a tree');
    case 'function':
      return encodeFail(walk, `${describeValue(value)} cannot live in a symbolic tree`);
    default:
      return encodeFail(walk, `a ${typeof value} cannot live in a symbolic tree`);
  }
  if (value === null) return null;
  if (depth >= MAX_JSON_DEPTH) tooDeep(walk);
  if (walk.above.has(value)) encodeFail(walk, 'a cycle: this value contains itself');
  walk.above.add(value);
  let out: JsonValue;
  if (value instanceof SymbolicNode) {
    const node: { [key: string]: JsonValue } = { $type: value.type.name };
    const args = value.args as Readonly<Record<string, unknown>>;
    for (const key of Object.keys(args)) {
      const arg = args[key];
      if (arg === undefined) continue;
      walk.at.push(key);
      node[key] = encodeValue(arg, walk, depth + 1);
      walk.at.pop();
    }
    out = node;
  } else if (Array.isArray(value)) {
    const list = new Array<JsonValue>(value.length);
    for (let i = 0; i < value.length; i++) {
      walk.at.push(i);
      if (!(i in value)) encodeFail(walk, 'a hole in an array is not a value');
      list[i] = encodeValue(value[i], walk, depth + 1);
      walk.at.pop();
    }
    out = list;
  } else {
    out = encodeRecord(value, walk, depth);
  }
  walk.above.delete(value);
  return out;
}

function encodeRecord(value: object, walk: Encoding, depth: number): JsonValue {
  if (!isPlainRecord(value))
    return encodeFail(walk, `${describeValue(value)} cannot live in a symbolic tree (only primitives, arrays, plain records and symbolic nodes can)`);
  if (Object.getOwnPropertySymbols(value).length > 0) return encodeFail(walk, 'a record with symbol keys cannot live in a symbolic tree');
  const keys = Object.keys(value);
  const escape = keys.some((key) => key.charCodeAt(0) === 36 /* $ */);
  if (escape && depth + 1 >= MAX_JSON_DEPTH) tooDeep(walk);
  const inner = escape ? depth + 2 : depth + 1;
  // Entries, not assignments: no key can reach a prototype.
  const entries: [string, JsonValue][] = [];
  for (const key of keys) {
    walk.at.push(key);
    if (FORBIDDEN_KEYS.has(key)) encodeFail(walk, `the key '${key}' is not allowed in a symbolic tree`);
    const v = value[key];
    if (v !== undefined) entries.push([key, encodeValue(v, walk, inner)]);
    walk.at.pop();
  }
  const out = Object.fromEntries(entries) as { [key: string]: JsonValue };
  return escape ? { $record: out } : out;
}

function tooDeep(walk: Encoding): never {
  return encodeFail(walk, `nesting deeper than ${MAX_JSON_DEPTH} levels`, 'json');
}

/**
 * The tree a JSON form stands for. Instantiates only registered symbolic types (validating their
 * arguments), rejects unknown types, unknown `$` directives and the keys `__proto__`,
 * `constructor` and `prototype` with a `PliantError` naming the key path, and never touches a
 * prototype. Input nested deeper than `MAX_JSON_DEPTH` (512) levels, or containing itself, is a
 * `json` `PliantError` at the key path where it crosses the limit (checked before reading, so any
 * depth is safe). `eq(fromJSON(toJSON(x)), x)` for every tree `x`.
 */
export function fromJSON(json: unknown, options: FromJSONOptions = {}): TreeValue {
  return read(json, options, API);
}

/** {@link fromJSON} of JSON text; malformed text is a `PliantError` too. */
export function fromJSONString(text: string, options: FromJSONOptions = {}): TreeValue {
  if (typeof text !== 'string') throw new PliantError('fromJSONString', 'argument', `expected a string, found ${describeValue(text)}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new PliantError('fromJSONString', 'json', `malformed JSON: ${(error as Error).message}`, { cause: error });
  }
  return read(parsed, options, 'fromJSONString');
}

/** What a decoding names in errors, and where it looks types up. */
interface Decoding {
  readonly api: string;
  readonly registry: Registry;
}

function read(json: unknown, options: FromJSONOptions, api: string): TreeValue {
  checkDepth(json, api);
  return decode(json, [], { api, registry: options.registry ?? defaultRegistry });
}

function fail(ctx: Decoding, at: readonly KeySegment[], message: string): never {
  throw new PliantError(ctx.api, 'json', message, { path: formatKeyPath(at) });
}

function decode(value: unknown, at: KeySegment[], ctx: Decoding): TreeValue {
  switch (typeof value) {
    case 'number':
    case 'string':
    case 'boolean':
      return value;
    case 'object':
      break;
    case 'undefined':
      return fail(ctx, at, 'undefined is not JSON');
    default:
      return fail(ctx, at, `a ${typeof value} (${describeThrown(value)}) is not JSON`);
  }
  if (value === null) return null;
  if (Array.isArray(value)) {
    const out = new Array<TreeValue>(value.length);
    for (let i = 0; i < value.length; i++) {
      at.push(i);
      out[i] = decode(value[i], at, ctx);
      at.pop();
    }
    return markSealed(out);
  }
  if (!isPlainRecord(value)) return fail(ctx, at, `${describeValue(value)} is not JSON`);
  const keys = Object.keys(value);
  for (const key of keys) {
    if (FORBIDDEN_KEYS.has(key)) fail(ctx, [...at, key], `the key '${key}' is not allowed`);
  }
  if (Object.prototype.hasOwnProperty.call(value, '$type')) {
    const name = value.$type;
    if (typeof name !== 'string') return fail(ctx, at, `"$type" must be a string, found ${describeValue(name)}`);
    const type = ctx.registry.get(name);
    if (type === undefined) return fail(ctx, at, `unknown symbolic type '${name}' (register it with symbolize before fromJSON)`);
    const raw: Record<string, TreeValue> = {};
    for (const key of keys) {
      if (key === '$type') continue;
      if (key.charCodeAt(0) === 36) fail(ctx, [...at, key], `'${key}' is not an argument name (arguments cannot start with '$')`);
      at.push(key);
      raw[key] = decode(value[key], at, ctx);
      at.pop();
    }
    return createNode(type, raw, ctx.api, at);
  }
  if (Object.prototype.hasOwnProperty.call(value, '$number')) {
    const text = value.$number;
    if (keys.length !== 1 || typeof text !== 'string' || !Object.prototype.hasOwnProperty.call(SPECIAL_NUMBERS, text)) {
      return fail(ctx, at, `"$number" must be alone and one of "NaN", "Infinity", "-Infinity", "-0", found ${describeValue(value)}`);
    }
    return SPECIAL_NUMBERS[text] as number;
  }
  if (Object.prototype.hasOwnProperty.call(value, '$record')) {
    const inner = value.$record;
    if (keys.length !== 1 || !isPlainRecord(inner)) return fail(ctx, at, `"$record" must be alone and hold a record, found ${describeValue(value)}`);
    return decodeRecord(inner, Object.keys(inner), at, ctx);
  }
  for (const key of keys) {
    if (key.charCodeAt(0) === 36) fail(ctx, [...at, key], `unknown directive '${key}' (records with '$' keys are written {"$record": {...}})`);
  }
  return decodeRecord(value, keys, at, ctx);
}

function decodeRecord(value: Record<string, unknown>, keys: readonly string[], at: KeySegment[], ctx: Decoding): TreeValue {
  const out: Record<string, TreeValue> = {};
  for (const key of keys) {
    if (FORBIDDEN_KEYS.has(key)) fail(ctx, [...at, key], `the key '${key}' is not allowed`);
    at.push(key);
    out[key] = decode(value[key], at, ctx);
    at.pop();
  }
  return markSealed(out);
}
