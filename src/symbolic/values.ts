import { PliantError } from '../base/errors.js';
import { MAX_JSON_DEPTH } from '../base/json-depth.js';
import { formatKeyPath } from './key-path.js';
import type { KeySegment } from './key-path.js';
import { SymbolicNode } from './node.js';
import type { TreeValue } from './node.js';

/** Record keys that can never appear in a tree (they would reach prototypes in other code). */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** @internal Freezes an array or record that pliant made from checked values. */
export function markSealed<T extends object>(value: T): T {
  return Object.freeze(value);
}

/** Whether `value` is a plain record (prototype `Object.prototype` or `null`). */
export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Checks that `value` can live in a symbolic tree and returns its tree form: primitives and
 * nodes as they are, arrays and records as frozen copies (or themselves, when already frozen
 * and valid). Nodes are valid by construction, so the walk stops at them.
 * Rejects functions, symbols, bigints, `undefined` array elements, class instances that are not
 * nodes (`Map`, `Date`, ...), cycles and the keys `__proto__`, `constructor`, `prototype`, with a
 * `PliantError` naming `api` and the key path.
 */
export function sealValue(value: unknown, api: string, path: KeySegment[] = []): TreeValue {
  if (typeof value !== 'object' || value === null || value instanceof SymbolicNode) return seal(value, api, path);
  const depth = STACK.length;
  try {
    return seal(value, api, path);
  } finally {
    STACK.length = depth;
  }
}

/** Nesting deeper than this is rejected: the limit `toJSON` and every parser apply (a guard against stack exhaustion). */
const MAX_TREE_DEPTH = MAX_JSON_DEPTH;

/** Containers being checked, outermost first: a container found inside itself is a cycle. */
const STACK: object[] = [];

function seal(value: unknown, api: string, path: KeySegment[]): TreeValue {
  switch (typeof value) {
    case 'number':
    case 'string':
    case 'boolean':
      return value;
    case 'object':
      break;
    case 'undefined':
      throw invalid(api, path, 'undefined is not a value (leave the key out instead)');
    case 'function':
      throw invalid(api, path, `a function (${(value as { name?: string }).name || 'anonymous'}) cannot live in a symbolic tree; symbolize it or pass a value`);
    default:
      throw invalid(api, path, `a ${typeof value} cannot live in a symbolic tree`);
  }
  if (value === null) return null;
  if (value instanceof SymbolicNode) return value;
  const obj = value as object;
  if (path.length > MAX_TREE_DEPTH) throw invalid(api, path.slice(0, 8), `the value nests deeper than ${MAX_TREE_DEPTH} levels`);
  if (STACK.includes(obj)) throw invalid(api, path, 'a cycle: this value contains itself');
  if (Array.isArray(obj)) {
    if (Object.getPrototypeOf(obj) !== Array.prototype) throw invalid(api, path, 'an array subclass cannot live in a symbolic tree');
    STACK.push(obj);
    const out = new Array<TreeValue>(obj.length);
    let same = Object.isFrozen(obj);
    for (let i = 0; i < obj.length; i++) {
      if (!(i in obj)) {
        path.push(i);
        throw invalid(api, path, 'a hole in an array is not a value');
      }
      const v: unknown = obj[i];
      path.push(i);
      const s = seal(v, api, path);
      path.pop();
      if (s !== v) same = false;
      out[i] = s;
    }
    STACK.pop();
    return markSealed(same ? (obj as TreeValue[]) : out);
  }
  if (!isPlainRecord(obj)) {
    const name = (obj as { constructor?: { name?: string } }).constructor?.name ?? 'object';
    throw invalid(api, path, `a ${name} instance cannot live in a symbolic tree (only primitives, arrays, plain records and symbolic nodes can)`);
  }
  if (Object.getOwnPropertySymbols(obj).length > 0) throw invalid(api, path, 'a record with symbol keys cannot live in a symbolic tree');
  STACK.push(obj);
  const out: Record<string, TreeValue> = {};
  let same = Object.isFrozen(obj) && Object.getPrototypeOf(obj) === Object.prototype;
  for (const key of Object.keys(obj)) {
    if (FORBIDDEN_KEYS.has(key)) {
      path.push(key);
      throw invalid(api, path, `the key '${key}' is not allowed in a symbolic tree`);
    }
    const v = (obj as Record<string, unknown>)[key];
    if (v === undefined) {
      same = false;
      continue;
    }
    path.push(key);
    const s = seal(v, api, path);
    path.pop();
    if (s !== v) same = false;
    out[key] = s;
  }
  STACK.pop();
  return markSealed(same ? (obj as Record<string, TreeValue>) : out);
}

function invalid(api: string, path: readonly KeySegment[], message: string): PliantError {
  return new PliantError(api, 'invalid-value', message, { path: formatKeyPath(path) });
}

/** A short, single-line description of a value for error messages. */
export function describeValue(value: unknown, limit = 60): string {
  let text: string;
  if (value === undefined) text = 'undefined (missing)';
  else if (typeof value === 'string') text = JSON.stringify(value);
  else if (typeof value === 'number') text = Object.is(value, -0) ? '-0' : String(value);
  else if (typeof value === 'function') text = `function ${(value as { name?: string }).name || 'anonymous'}`;
  else if (value instanceof SymbolicNode) text = value.toString();
  else if (typeof value === 'object' && value !== null && !Array.isArray(value) && !isPlainRecord(value)) {
    text = `a ${(value as { constructor?: { name?: string } }).constructor?.name ?? 'object'} instance`;
  } else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}
