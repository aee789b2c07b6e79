import { eq } from './eq.js';
import { formatKeyPath } from './key-path.js';
import type { KeySegment } from './key-path.js';
import { SymbolicNode } from './node.js';
import type { TreeValue } from './node.js';

/** One difference found by {@link diff}; `undefined` stands for a missing key. */
export interface Difference {
  /** Key-path text of the differing value. */
  readonly path: string;
  /** The value in the left tree. */
  readonly left: TreeValue | undefined;
  /** The value in the right tree. */
  readonly right: TreeValue | undefined;
}

/**
 * Where two trees differ, as the list of `{path, left, right}` in depth-first order. Nodes of
 * the same type, arrays and records are compared child by child; anything else (values of
 * different kinds, nodes of different types) differs as a whole at its path.
 */
export function diff(left: TreeValue, right: TreeValue): Difference[] {
  const out: Difference[] = [];
  walk(left, right, [], out);
  return out;
}

function walk(a: TreeValue | undefined, b: TreeValue | undefined, at: KeySegment[], out: Difference[]): void {
  if (a === b && typeof a !== 'number') return;
  if (eq(a, b)) return;
  if (a instanceof SymbolicNode && b instanceof SymbolicNode && a.type === b.type) {
    return keyed(a.args as Record<string, TreeValue>, b.args as Record<string, TreeValue>, at, out);
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const x = a as readonly TreeValue[];
    const y = b as readonly TreeValue[];
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
      at.push(i);
      walk(x[i], y[i], at, out);
      at.pop();
    }
    return;
  }
  if (isRecord(a) && isRecord(b)) return keyed(a, b, at, out);
  out.push({ path: formatKeyPath(at), left: a, right: b });
}

function isRecord(v: unknown): v is Record<string, TreeValue> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof SymbolicNode);
}

function keyed(a: Readonly<Record<string, TreeValue>>, b: Readonly<Record<string, TreeValue>>, at: KeySegment[], out: Difference[]): void {
  const keys = [...Object.keys(a)];
  for (const k of Object.keys(b)) if (!Object.prototype.hasOwnProperty.call(a, k)) keys.push(k);
  for (const key of keys) {
    at.push(key);
    walk(own(a, key), own(b, key), at, out);
    at.pop();
  }
}

function own(r: Readonly<Record<string, TreeValue>>, key: string): TreeValue | undefined {
  return Object.prototype.hasOwnProperty.call(r, key) ? r[key] : undefined;
}
