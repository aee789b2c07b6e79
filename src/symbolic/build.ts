import { PliantError } from './errors.js';
import { formatKeyPath } from './key-path.js';
import type { KeySegment } from './key-path.js';
import { SymbolicNode } from './node.js';
import type { TreeValue } from './node.js';

/** The type `build` returns for a tree of type `T`: every node replaced by what its type builds. */
export type Built<T> =
  T extends SymbolicNode<infer _A, infer R>
    ? R
    : T extends readonly (infer E)[]
      ? Built<E>[]
      : T extends object
        ? { -readonly [K in keyof T]: Built<T[K]> }
        : T;

/**
 * Runs a tree bottom up: each node's function is called (or its class constructed) with its
 * built arguments; arrays and records become fresh mutable copies. An exception thrown by a
 * symbolic function is re-thrown as a `PliantError` naming the node's key path, with the
 * original as `cause`.
 */
export function build<T extends TreeValue>(tree: T): Built<T> {
  return run(tree, []) as Built<T>;
}

function run(value: TreeValue, at: KeySegment[]): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof SymbolicNode) {
    const args: Record<string, unknown> = {};
    const src = value.args as Readonly<Record<string, TreeValue>>;
    for (const key in src) {
      at.push(key);
      args[key] = run(src[key] as TreeValue, at);
      at.pop();
    }
    const type = value.type;
    try {
      if (type.kind === 'class') return new (type.target as new (a: unknown) => unknown)(args);
      return (type.target as (a: unknown) => unknown)(args);
    } catch (error) {
      if (error instanceof PliantError && error.api === 'build') throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new PliantError('build', 'build', `${type.name} threw: ${message}`, { path: formatKeyPath(at), cause: error });
    }
  }
  if (Array.isArray(value)) {
    return (value as readonly TreeValue[]).map((v, i) => {
      at.push(i);
      const r = run(v, at);
      at.pop();
      return r;
    });
  }
  const out: Record<string, unknown> = {};
  const rec = value as Readonly<Record<string, TreeValue>>;
  for (const key in rec) {
    at.push(key);
    out[key] = run(rec[key] as TreeValue, at);
    at.pop();
  }
  return out;
}
