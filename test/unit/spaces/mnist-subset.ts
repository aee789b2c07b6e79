/**
 * A small MNIST subset for the space tests: loaded before the file's tests, disposed after.
 */
import { afterAll, beforeAll } from 'vitest';
import { loadTf } from 'pliant';
import { mnistSubset } from '../../../examples/mnist/data.js';
import type { MnistData } from '../../../examples/mnist/data.js';

/** Registers the hooks; the returned function gives the data inside tests. */
export function useMnistSubset(trainSize: number, testSize: number): () => MnistData {
  let data: MnistData | undefined;
  beforeAll(async () => {
    await loadTf({ log: false });
    data = await mnistSubset(trainSize, testSize);
  });
  afterAll(async () => {
    const { tf } = await loadTf({ log: false });
    if (data !== undefined) tf.dispose([data.train.x, data.train.y, data.test.x, data.test.y]);
  });
  return () => data as MnistData;
}
