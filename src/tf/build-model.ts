/**
 * Building a candidate's model: `loadTf` then `build`, in one awaited call.
 */
import { build } from '../symbolic/build.js';
import type { Built } from '../symbolic/build.js';
import type { TreeValue } from '../symbolic/node.js';
import { loadTf } from './load-tf.js';
import type { LoadTfOptions } from './load-tf.js';

/** Options of {@link buildModel}. */
export interface BuildModelOptions extends LoadTfOptions {
  /** The seed of the initial weights (default 0). */
  readonly seed?: number;
}

/**
 * Loads TensorFlow.js (see `loadTf`) and builds a symbolic tree: a `sequential` or `graph` node
 * gives a real `tf.LayersModel`, an optimizer node a `tf.Optimizer`, a record of them a record of
 * the built values. The same tree and seed give the same initial weights. Once TensorFlow.js is
 * loaded, the synchronous `build(tree, { seed })` does the same.
 */
export async function buildModel<T extends TreeValue>(tree: T, options: BuildModelOptions = {}): Promise<Built<T>> {
  await loadTf(options);
  return build(tree, options.seed === undefined ? {} : { seed: options.seed });
}
