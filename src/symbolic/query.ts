import type { KeyPath } from './key-path.js';
import type { TreeValue } from './node.js';
import { traverse } from './traverse.js';

/** Filters of {@link query}; a value is returned when it passes both. */
export interface QueryOptions {
  /** Tested against the key-path text (`model.stem.kernel`; the root is `''`). */
  readonly path?: RegExp;
  /** Tested on each value with its key path. */
  readonly where?: (value: TreeValue, path: KeyPath) => boolean;
}

/**
 * All values in `tree` (root included, depth-first order) whose key path matches `options.path`
 * and that satisfy `options.where`, as a `Map` from key-path text to value.
 */
export function query(tree: TreeValue, options: QueryOptions = {}): Map<string, TreeValue> {
  const found = new Map<string, TreeValue>();
  const { path: pattern, where } = options;
  traverse(tree, {
    enter(value, path) {
      const text = path.toString();
      if (pattern !== undefined) {
        pattern.lastIndex = 0;
        if (!pattern.test(text)) return;
      }
      if (where !== undefined && !where(value, path)) return;
      found.set(text, value);
    },
  });
  return found;
}
