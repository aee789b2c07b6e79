import { KeyPath } from './key-path.js';
import type { KeySegment } from './key-path.js';
import { SymbolicNode } from './node.js';
import type { TreeValue } from './node.js';

/** What a visitor of {@link traverse} may return: `'skip'` the children (from `enter`), or `'stop'`. */
export type TraverseSignal = 'skip' | 'stop' | void;

/** Visitors of {@link traverse}; both receive the value and its key path. */
export interface TraverseVisitor {
  /** Called before the children; return `'skip'` to skip them, `'stop'` to end the walk. */
  readonly enter?: (value: TreeValue, path: KeyPath) => TraverseSignal;
  /** Called after the children; return `'stop'` to end the walk. */
  readonly leave?: (value: TreeValue, path: KeyPath) => 'stop' | void;
}

/** @internal The children of a tree value, in order: node arguments, array elements, record keys. */
export function childEntries(value: TreeValue): [KeySegment, TreeValue][] {
  if (value instanceof SymbolicNode) return Object.entries(value.args as Record<string, TreeValue>);
  if (Array.isArray(value)) return (value as readonly TreeValue[]).map((v, i) => [i, v]);
  if (typeof value === 'object' && value !== null) return Object.entries(value as Record<string, TreeValue>);
  return [];
}

/**
 * Walks a tree depth-first, pre-order for `enter` and post-order for `leave`, root included.
 * Returns `false` when a visitor stopped the walk, else `true`.
 */
export function traverse(tree: TreeValue, visitor: TraverseVisitor): boolean {
  return walk(tree, KeyPath.root, visitor);
}

function walk(value: TreeValue, path: KeyPath, visitor: TraverseVisitor): boolean {
  const signal = visitor.enter?.(value, path);
  if (signal === 'stop') return false;
  if (signal !== 'skip') {
    for (const [key, child] of childEntries(value)) {
      if (!walk(child, path.child(key), visitor)) return false;
    }
  }
  return visitor.leave?.(value, path) !== 'stop';
}
