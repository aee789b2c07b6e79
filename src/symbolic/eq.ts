import { SymbolicNode, memo } from './node.js';

/**
 * Structural equality of two tree values: numbers compare with `Object.is` (NaN equals NaN, −0
 * differs from 0), arrays element by element, records by their key sets regardless of order,
 * nodes only when they have the same symbolic type and equal arguments.
 */
export function eq(a: unknown, b: unknown): boolean {
  if (typeof a === 'number') return typeof b === 'number' && Object.is(a, b);
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (a instanceof SymbolicNode) {
    if (!(b instanceof SymbolicNode) || a.type !== b.type) return false;
    if (digestsDiffer(a, b)) return false;
    return recordsEqual(a.args as Record<string, unknown>, b.args as Record<string, unknown>);
  }
  if (b instanceof SymbolicNode) return false;
  const arrayA = Array.isArray(a);
  if (arrayA !== Array.isArray(b)) return false;
  if (arrayA) {
    const x = a as readonly unknown[];
    const y = b as readonly unknown[];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!eq(x[i], y[i])) return false;
    return true;
  }
  return recordsEqual(a as Record<string, unknown>, b as Record<string, unknown>);
}

function recordsEqual(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    if (!Object.prototype.hasOwnProperty.call(b, key)) return false;
    if (!eq(a[key], b[key])) return false;
  }
  return true;
}

/** Whether the digests of both nodes are computed (not all 0) and differ: then the nodes differ. */
function digestsDiffer(a: SymbolicNode, b: SymbolicNode): boolean {
  if (!memo.genuine(a) || !memo.genuine(b)) return false;
  const a1 = memo.d1(a);
  const a2 = memo.d2(a);
  const a3 = memo.d3(a);
  const a4 = memo.d4(a);
  if ((a1 | a2 | a3 | a4) === 0) return false;
  const b1 = memo.d1(b);
  const b2 = memo.d2(b);
  const b3 = memo.d3(b);
  const b4 = memo.d4(b);
  return (b1 | b2 | b3 | b4) !== 0 && (a1 !== b1 || a2 !== b2 || a3 !== b3 || a4 !== b4);
}
