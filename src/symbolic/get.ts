import { PliantError } from '../base/errors.js';
import { KeyPath, formatKeyPath } from './key-path.js';
import type { KeyPathLike, KeySegment } from './key-path.js';
import { SymbolicNode } from './node.js';
import type { TreeValue } from './node.js';
import { describeValue } from './values.js';

const ABSENT = Symbol('absent');

/** @internal The child of `parent` at `segment`, or `ABSENT`. */
export function childOf(parent: unknown, segment: KeySegment): TreeValue | typeof ABSENT {
  if (parent instanceof SymbolicNode) {
    const args = parent.args as Readonly<Record<string, TreeValue>>;
    return typeof segment === 'string' && Object.prototype.hasOwnProperty.call(args, segment) ? (args[segment] as TreeValue) : ABSENT;
  }
  if (Array.isArray(parent)) {
    return typeof segment === 'number' && segment < parent.length ? (parent[segment] as TreeValue) : ABSENT;
  }
  if (typeof parent === 'object' && parent !== null) {
    const rec = parent as Readonly<Record<string, TreeValue>>;
    return typeof segment === 'string' && Object.prototype.hasOwnProperty.call(rec, segment) ? (rec[segment] as TreeValue) : ABSENT;
  }
  return ABSENT;
}

/** @internal Whether `value` is the marker of a missing child. */
export function isAbsent(value: unknown): value is typeof ABSENT {
  return value === ABSENT;
}

/** @internal Explains why `segment` does not exist under `parent` at `at`. */
export function missingError(api: string, parent: unknown, segment: KeySegment, at: readonly KeySegment[]): PliantError {
  const path = formatKeyPath([...at, segment]);
  let why: string;
  if (parent instanceof SymbolicNode) {
    const names = Object.keys(parent.args as object);
    why =
      typeof segment === 'number'
        ? `${parent.type.name} has arguments, not indices`
        : `${parent.type.name} has no argument '${segment}' (it has: ${names.join(', ') || 'none'})`;
  } else if (Array.isArray(parent)) {
    why = typeof segment === 'number' ? `index ${segment} is out of range (length ${parent.length})` : `an array has no key '${segment}'`;
  } else if (typeof parent === 'object' && parent !== null) {
    const keys = Object.keys(parent);
    why =
      typeof segment === 'number'
        ? `a record has keys, not indices (quote a numeric key: ["${segment}"])`
        : `the record has no key '${segment}' (it has: ${keys.join(', ') || 'none'})`;
  } else {
    why = `${describeValue(parent)} has no children`;
  }
  return new PliantError(api, 'key-path', `the key path does not exist: ${why}`, { path });
}

/** The value at `path` in `tree`; throws a `PliantError` when the path does not exist. */
export function get(tree: TreeValue, path: KeyPathLike): TreeValue {
  const segments = KeyPath.from(path).segments;
  let value: TreeValue = tree;
  for (let i = 0; i < segments.length; i++) {
    const next = childOf(value, segments[i] as KeySegment);
    if (next === ABSENT) throw missingError('get', value, segments[i] as KeySegment, segments.slice(0, i));
    value = next;
  }
  return value;
}

/** Whether `path` exists in `tree`. */
export function has(tree: TreeValue, path: KeyPathLike): boolean {
  let value: TreeValue = tree;
  for (const segment of KeyPath.from(path).segments) {
    const next = childOf(value, segment);
    if (next === ABSENT) return false;
    value = next;
  }
  return true;
}
