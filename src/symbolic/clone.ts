import { SymbolicNode, memo } from './node.js';
import type { TreeValue } from './node.js';
import { rebind } from './rebind.js';
import type { RebindUpdates } from './rebind.js';
import { markSealed } from './values.js';

/**
 * A deep copy of a tree (new node objects, equal by `eq` and `hash`), with `overrides` applied
 * as by `rebind`. Trees are immutable, so a copy is mostly useful with overrides, or where an
 * API keys on object identity.
 */
export function clone<T extends TreeValue>(tree: T, overrides?: RebindUpdates): T {
  const copy = deepCopy(tree) as T;
  return overrides === undefined ? copy : rebind(copy, overrides);
}

function deepCopy(value: TreeValue): TreeValue {
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof SymbolicNode) {
    const args: Record<string, TreeValue> = {};
    const src = value.args as Readonly<Record<string, TreeValue>>;
    for (const key in src) args[key] = deepCopy(src[key] as TreeValue);
    return new SymbolicNode(value.type, Object.freeze(args), memo.genuine(value) && memo.full(value));
  }
  if (Array.isArray(value)) return markSealed((value as readonly TreeValue[]).map(deepCopy));
  const out: Record<string, TreeValue> = {};
  const rec = value as Readonly<Record<string, TreeValue>>;
  for (const key in rec) out[key] = deepCopy(rec[key] as TreeValue);
  return markSealed(out);
}
