import { createNode } from './construct.js';
import { PliantError } from '../base/errors.js';
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
 */
export function toJSON(tree: TreeValue): JsonValue {
  return encode(tree);
}

/** {@link toJSON} as text; `indent` as in `JSON.stringify`. */
export function toJSONString(tree: TreeValue, indent?: number): string {
  return JSON.stringify(encode(tree), null, indent);
}

function encode(value: TreeValue): JsonValue {
  switch (typeof value) {
    case 'number':
      if (Number.isFinite(value) && !Object.is(value, -0)) return value;
      return { $number: Object.is(value, -0) ? '-0' : String(value) };
    case 'string':
    case 'boolean':
      return value;
    default:
      break;
  }
  if (value === null) return null;
  if (value instanceof SymbolicNode) {
    const out: { [key: string]: JsonValue } = { $type: value.type.name };
    const args = value.args as Readonly<Record<string, TreeValue>>;
    for (const key in args) out[key] = encode(args[key] as TreeValue);
    return out;
  }
  if (Array.isArray(value)) return (value as readonly TreeValue[]).map(encode);
  const rec = value as Readonly<Record<string, TreeValue>>;
  const out: { [key: string]: JsonValue } = {};
  let escape = false;
  for (const key in rec) {
    if (key.charCodeAt(0) === 36 /* $ */) escape = true;
    out[key] = encode(rec[key] as TreeValue);
  }
  return escape ? { $record: out } : out;
}

/**
 * The tree a JSON form stands for. Instantiates only registered symbolic types (validating their
 * arguments), rejects unknown types, unknown `$` directives and the keys `__proto__`,
 * `constructor` and `prototype` with a `PliantError` naming the key path, and never touches a
 * prototype. `eq(fromJSON(toJSON(x)), x)` for every tree `x`.
 */
export function fromJSON(json: unknown, options: FromJSONOptions = {}): TreeValue {
  return decode(json, [], options.registry ?? defaultRegistry);
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
  return fromJSON(parsed, options);
}

function fail(at: readonly KeySegment[], message: string): never {
  throw new PliantError(API, 'json', message, { path: formatKeyPath(at) });
}

/** Nesting deeper than this is rejected (a guard against stack exhaustion on hostile input). */
export const MAX_DEPTH = 1000;

function decode(value: unknown, at: KeySegment[], registry: Registry): TreeValue {
  if (at.length > MAX_DEPTH) fail(at.slice(0, 8), `the value nests deeper than ${MAX_DEPTH} levels`);
  switch (typeof value) {
    case 'number':
    case 'string':
    case 'boolean':
      return value;
    case 'object':
      break;
    default:
      return fail(at, `${describeValue(value)} is not JSON`);
  }
  if (value === null) return null;
  if (Array.isArray(value)) {
    const out = new Array<TreeValue>(value.length);
    for (let i = 0; i < value.length; i++) {
      at.push(i);
      out[i] = decode(value[i], at, registry);
      at.pop();
    }
    return markSealed(out);
  }
  if (!isPlainRecord(value)) return fail(at, `${describeValue(value)} is not JSON`);
  const keys = Object.keys(value);
  for (const key of keys) {
    if (FORBIDDEN_KEYS.has(key)) fail([...at, key], `the key '${key}' is not allowed`);
  }
  if (Object.prototype.hasOwnProperty.call(value, '$type')) {
    const name = value.$type;
    if (typeof name !== 'string') return fail(at, `"$type" must be a string, found ${describeValue(name)}`);
    const type = registry.get(name);
    if (type === undefined) return fail(at, `unknown symbolic type '${name}' (register it with symbolize before fromJSON)`);
    const raw: Record<string, TreeValue> = {};
    for (const key of keys) {
      if (key === '$type') continue;
      if (key.charCodeAt(0) === 36) fail([...at, key], `'${key}' is not an argument name (arguments cannot start with '$')`);
      at.push(key);
      raw[key] = decode(value[key], at, registry);
      at.pop();
    }
    return createNode(type, raw, API, at);
  }
  if (Object.prototype.hasOwnProperty.call(value, '$number')) {
    const text = value.$number;
    if (keys.length !== 1 || typeof text !== 'string' || !Object.prototype.hasOwnProperty.call(SPECIAL_NUMBERS, text)) {
      return fail(at, `"$number" must be alone and one of "NaN", "Infinity", "-Infinity", "-0", found ${describeValue(value)}`);
    }
    return SPECIAL_NUMBERS[text] as number;
  }
  if (Object.prototype.hasOwnProperty.call(value, '$record')) {
    const inner = value.$record;
    if (keys.length !== 1 || !isPlainRecord(inner)) return fail(at, `"$record" must be alone and hold a record, found ${describeValue(value)}`);
    return decodeRecord(inner, Object.keys(inner), at, registry);
  }
  for (const key of keys) {
    if (key.charCodeAt(0) === 36) fail([...at, key], `unknown directive '${key}' (records with '$' keys are written {"$record": {...}})`);
  }
  return decodeRecord(value, keys, at, registry);
}

function decodeRecord(value: Record<string, unknown>, keys: readonly string[], at: KeySegment[], registry: Registry): TreeValue {
  const out: Record<string, TreeValue> = {};
  for (const key of keys) {
    if (FORBIDDEN_KEYS.has(key)) fail([...at, key], `the key '${key}' is not allowed`);
    at.push(key);
    out[key] = decode(value[key], at, registry);
    at.pop();
  }
  return markSealed(out);
}
