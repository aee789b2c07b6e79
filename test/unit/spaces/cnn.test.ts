import { describe, expect, it } from 'vitest';
import { PliantError, dnaSpec, format, functionalHash, loadTf, materialize, modelProbe, sampleRandom } from 'pliant';
import { cnnSpace } from '../../../spaces/cnn.js';
import { trainCandidate } from '../../../spaces/model-candidate.js';
import { thrown } from '../../support/error-of.js';
import { useMnistSubset } from './mnist-subset.js';

const mnist = useMnistSubset(400, 200);
const errorOf = (f: () => unknown): PliantError => thrown(f) as PliantError;

describe('spaces/cnn', () => {
  it('has per-block decisions under a choice of depth, and the training decisions', () => {
    const spec = dnaSpec(cnnSpace());
    expect(spec.decisionIds.filter((id) => id.startsWith('model.layers[=1/3]'))).toEqual([
      'model.layers[=1/3][0].filters',
      'model.layers[=1/3][0].kernelSize',
      'model.layers[=1/3][1]', // pooling: max or average
      'model.layers[=1/3][2]', // batch norm or identity
      'model.layers[=1/3][3].filters',
      'model.layers[=1/3][3].kernelSize',
      'model.layers[=1/3][4]',
      'model.layers[=1/3][5]',
      'model.layers[=1/3][7].units',
      'model.layers[=1/3][8].rate',
    ]);
    expect(spec.decisionIds.slice(-4)).toEqual(['optimizer', 'optimizer[=0/2].learningRate', 'optimizer[=1/2].learningRate', 'batchSize']);
    const one = materialize(
      cnnSpace({
        minBlocks: 1,
        maxBlocks: 1,
        filters: [8],
        kernelSizes: [5],
        pooling: ['max'],
        batchNorm: [true],
        denseUnits: [32],
        dropout: [0.25, 0.25],
        optimizers: ['adam'],
        learningRate: [1e-3, 1e-3],
        batchSizes: [64],
      }),
      {},
    );
    expect(format(one)).toBe(
      "{model: tf.sequential(layers=[tf.layers.conv2d(inputShape=[28, 28, 1], filters=8, kernelSize=5, padding='same', activation='relu'), tf.layers.maxPooling2d(poolSize=2), tf.layers.batchNormalization(momentum=0.9), tf.layers.flatten(), tf.layers.dense(units=32, activation='relu'), tf.layers.dropout(rate=0.25), tf.layers.dense(units=10, activation='softmax')]), optimizer: tf.train.adam(learningRate=0.001), batchSize: 64}",
    );
  });

  it('checks its options', () => {
    expect(errorOf(() => cnnSpace({ maxBlocks: 5 })).message).toMatch(/^cnnSpace: minBlocks and maxBlocks must be integers with 1 ≤ minBlocks ≤ maxBlocks ≤ 4/);
    expect(errorOf(() => cnnSpace({ inputShape: [28, 28] as unknown as [number, number, number] })).message).toMatch(
      /inputShape must be \[height, width, channels\]/,
    );
    expect(errorOf(() => cnnSpace({ pooling: ['min' as 'max'] })).message).toMatch(/pooling must list 'max' and\/or 'avg'/);
    expect(errorOf(() => cnnSpace({ filters: [] })).message).toMatch(/filters must be a non-empty list/);
  });

  it('trains random candidates for an epoch on real MNIST digits, leaking no tensor', async () => {
    const { tf } = await loadTf({ log: false });
    const candidates = sampleRandom(cnnSpace({ filters: [8, 16], denseUnits: [32, 64] }), { seed: 3, n: 3 });
    for (const candidate of candidates) {
      const before = tf.memory().numTensors;
      const metrics = await trainCandidate(candidate, mnist().train, { epochs: 1, validation: 0.25, test: mnist().test, seed: 1 });
      expect(tf.memory().numTensors, format(candidate)).toBe(before);
      expect(metrics.epochs).toBe(1);
      expect(metrics.testAccuracy).toBeGreaterThanOrEqual(0);
      expect(metrics.testAccuracy).toBeLessThanOrEqual(1);
    }
    // a fixed small candidate learns in 3 epochs on 300 digits (83.5% of 200 test digits)
    const fixed = materialize(
      cnnSpace({
        minBlocks: 2,
        maxBlocks: 2,
        filters: [16],
        kernelSizes: [3],
        pooling: ['max'],
        batchNorm: [true],
        denseUnits: [64],
        dropout: [0, 0],
        optimizers: ['adam'],
        learningRate: [1e-3, 1e-3],
        batchSizes: [16],
      }),
      {},
    );
    const trained = await trainCandidate(fixed, mnist().train, { epochs: 3, validation: 0.25, test: mnist().test, seed: 1 });
    expect(trained.testAccuracy).toBeGreaterThan(0.7);
  }, 120_000);

  it('hashes identity-for-batch-norm choices apart under modelProbe, and the same candidate alike', async () => {
    const space = cnnSpace({
      minBlocks: 1,
      maxBlocks: 1,
      filters: [8],
      kernelSizes: [3],
      pooling: ['max'],
      denseUnits: [32],
      dropout: [0, 0],
      optimizers: ['adam'],
      learningRate: [1e-3, 1e-3],
      batchSizes: [64],
    });
    const withBn = materialize(space, { 'model.layers[2]': 1 });
    const without = materialize(space, { 'model.layers[2]': 0 });
    const probe = modelProbe();
    const h = (c: unknown): Promise<string | undefined> => functionalHash(c, probe) as Promise<string | undefined>;
    expect(await h(withBn)).toBe(await h(materialize(space, { 'model.layers[2]': 1 })));
    // at initialisation batch norm computes (x − 0) / √(1 + ε): not the identity, so not the same function
    expect(await h(withBn)).not.toBe(await h(without));
  });
});
