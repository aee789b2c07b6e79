/**
 * The supernet on the ready spaces (`spaces/mlp`, `spaces/cnn`, built package): every sub-network
 * it runs equals the standalone model `subnet` builds, on MNIST images.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Tfjs from '@tensorflow/tfjs';
import { loadTf, randomDNA, seededRng, supernet } from 'pliant';
import type { DNA, Supernet, TfModule } from 'pliant';
import { cnnSpace } from '../../../spaces/cnn.js';
import { mlpSpace } from '../../../spaces/mlp.js';
import { useMnistSubset } from '../spaces/mnist-subset.js';

const mnist = useMnistSubset(256, 64);
let tf: TfModule;
beforeAll(async () => {
  ({ tf } = await loadTf({ log: false }));
});

async function maxDiff(net: Supernet, dna: DNA, x: Tfjs.Tensor): Promise<number> {
  const model = await net.subnet(dna);
  try {
    return tf.tidy(() => tf.max(tf.abs(tf.sub(net.apply(x, dna), model.predict(x) as Tfjs.Tensor))).dataSync()[0] as number);
  } finally {
    model.dispose();
  }
}

async function trainSteps(net: Supernet, x: Tfjs.Tensor, y: Tfjs.Tensor, seed: number, steps: number): Promise<void> {
  const rng = seededRng(seed);
  const optimizer = tf.train.adam(0.01);
  for (let s = 0; s < steps; s++) {
    const dna = randomDNA(net.spec, rng);
    tf.tidy(() => {
      optimizer.minimize(() => tf.mean(tf.metrics.categoricalCrossentropy(y, net.apply(x, dna, { training: true }))) as Tfjs.Scalar, false, [...net.weights]);
    });
  }
  optimizer.dispose();
}

describe('supernet on spaces/mlp and spaces/cnn', () => {
  let x: Tfjs.Tensor;
  let y: Tfjs.Tensor;
  beforeAll(() => {
    x = tf.slice(mnist().train.x, [0], [64]);
    y = tf.slice(mnist().train.y, [0], [64]);
  });
  afterAll(() => tf.dispose([x, y]));

  it('mlp (flattened images, depth 1–3): subnet(dna) equals apply(dna) after training', async () => {
    const net = await supernet(mlpSpace({ inputShape: [28, 28, 1], classes: 10, units: [16, 32], maxDepth: 3 }), { seed: 1 });
    try {
      await trainSteps(net, x, y, 1, 6);
      const rng = seededRng(2);
      for (let i = 0; i < 6; i++) expect(await maxDiff(net, randomDNA(net.spec, rng), x)).toBeLessThan(1e-4);
    } finally {
      net.dispose();
    }
  });

  it('cnn (elastic filters, kernels, depth; BN): subnet(dna) equals apply(dna) after training', async () => {
    const net = await supernet(cnnSpace({ maxBlocks: 2, filters: [4, 8], denseUnits: [16, 32] }), { seed: 2 });
    try {
      // One 5 × 5 kernel per block position, 8 filters: the centre serves kernel size 3.
      expect(net.weights[0]?.shape).toEqual([5, 5, 1, 8]);
      await trainSteps(net, x, y, 3, 6);
      const rng = seededRng(4);
      for (let i = 0; i < 6; i++) expect(await maxDiff(net, randomDNA(net.spec, rng), x)).toBeLessThan(1e-4);
    } finally {
      net.dispose();
    }
  });
});
