import { PliantError } from '../base/errors.js';
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

/** Options of {@link build}. */
export interface BuildOptions {
  /**
   * The seed of the build (default 0): symbolic types that make random choices when built (the
   * TensorFlow.js layers' weight initialisers, for instance) draw them from it, so the same tree
   * built with the same seed gives the same objects.
   */
  readonly seed?: number;
}

/**
 * What a symbolic function or class receives as its second argument while `build` runs it: the
 * build's seed, the node's key path, and a scratch map shared by every node of one build (for
 * counters and caches that must not outlive the build).
 */
export interface BuildContext {
  /** The build's seed ({@link BuildOptions.seed}). */
  readonly seed: number;
  /** The key path of the node being built (`''` for the root). */
  readonly path: string;
  /** Per-build scratch space, shared by all nodes of one `build` call. */
  readonly scratch: Map<unknown, unknown>;
}

/**
 * Runs a tree bottom up: each node's function is called (or its class constructed) with its
 * built arguments (and a {@link BuildContext} as second argument); arrays and records become
 * fresh mutable copies. An exception thrown by a symbolic function is re-thrown as a
 * `PliantError` naming the node's key path, with the original as `cause`.
 */
export function build<T extends TreeValue>(tree: T, options: BuildOptions = {}): Built<T> {
  const seed = options.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isFinite(seed)) throw new PliantError('build', 'argument', `seed must be a finite number, found ${String(seed)}`);
  return run(tree, [], { seed, scratch: new Map() }) as Built<T>;
}

function run(value: TreeValue, at: KeySegment[], shared: { readonly seed: number; readonly scratch: Map<unknown, unknown> }): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof SymbolicNode) {
    const args: Record<string, unknown> = {};
    const src = value.args as Readonly<Record<string, TreeValue>>;
    for (const key in src) {
      at.push(key);
      args[key] = run(src[key] as TreeValue, at, shared);
      at.pop();
    }
    const type = value.type;
    const context: BuildContext = { seed: shared.seed, path: formatKeyPath(at), scratch: shared.scratch };
    try {
      if (type.kind === 'class') return new (type.target as new (a: unknown, c: BuildContext) => unknown)(args, context);
      return (type.target as (a: unknown, c: BuildContext) => unknown)(args, context);
    } catch (error) {
      // Errors that already name their place (a build error of a deeper node, a graph's wiring) pass through.
      if (error instanceof PliantError && (error.api === 'build' || error.path !== undefined)) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new PliantError('build', 'build', `${type.name} threw: ${message}`, { path: formatKeyPath(at), cause: error });
    }
  }
  if (Array.isArray(value)) {
    return (value as readonly TreeValue[]).map((v, i) => {
      at.push(i);
      const r = run(v, at, shared);
      at.pop();
      return r;
    });
  }
  const out: Record<string, unknown> = {};
  const rec = value as Readonly<Record<string, TreeValue>>;
  for (const key in rec) {
    at.push(key);
    out[key] = run(rec[key] as TreeValue, at, shared);
    at.pop();
  }
  return out;
}
