/**
 * The NAS-Bench-201 space as a supernet (`nb201Network`'s supernet expansion): one decision per
 * edge shared by every cell, each op with its own weights, sub-networks equal to their standalone
 * models.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Tfjs from '@tensorflow/tfjs';
import { loadTf, randomDNA, seededRng, supernet } from 'pliant';
import type { DNA, Supernet, TfModule } from 'pliant';
import { NB201_OPS, nb201Space } from '../../../spaces/nasbench201-cell.js';
import { useMnistSubset } from './mnist-subset.js';

const mnist = useMnistSubset(128, 64);
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

describe('nb201Network supernet expansion', () => {
  let x: Tfjs.Tensor;
  let y: Tfjs.Tensor;
  let net: Supernet;
  beforeAll(async () => {
    x = tf.slice(mnist().train.x, [0], [32]);
    y = tf.slice(mnist().train.y, [0], [32]);
    net = await supernet(nb201Space({ channels: 4, cells: 2, stemStrides: 2 }), { seed: 1 });
  });
  afterAll(() => {
    net.dispose();
    tf.dispose([x, y]);
  });

  it('has the six edge decisions as its choices, each op of each cell its own weights', () => {
    expect(net.choices.map((d) => d.id)).toEqual(['model.ops[0]', 'model.ops[1]', 'model.ops[2]', 'model.ops[3]', 'model.ops[4]', 'model.ops[5]']);
    // stem conv + BN, 2 cells × 6 edges × 2 conv ops (kernel, gamma, beta), last BN, classifier.
    expect(net.weights.length).toBe(1 + 2 + 2 * 6 * 2 * 3 + 2 + 2);
  });

  it('runs every cell as its standalone model, after a few training steps', async () => {
    const rng = seededRng(5);
    const optimizer = tf.train.adam(0.01);
    for (let s = 0; s < 4; s++) {
      const dna = randomDNA(net.spec, rng);
      tf.tidy(() => {
        optimizer.minimize(() => tf.mean(tf.metrics.categoricalCrossentropy(y, net.apply(x, dna, { training: true }))) as Tfjs.Scalar, false, [...net.weights]);
      });
    }
    optimizer.dispose();
    for (let i = 0; i < 5; i++) expect(await maxDiff(net, randomDNA(net.spec, rng), x)).toBeLessThan(1e-4);
    // Each op on every edge (the all-none cell: the classifier of zeros; the all-skip cell, whose
    // standalone graph sums the same tensor twice, `add([x, x])`).
    for (let op = 0; op < NB201_OPS.length; op++) {
      const dna = net.spec.fromNumbers([op, op, op, op, op, op]);
      expect(await maxDiff(net, dna, x)).toBeLessThan(1e-4);
    }
  });

  it('with stages: reduction blocks are shared, the cells of each stage their own ops at their width, sub-networks equal their models', async () => {
    const staged = await supernet(nb201Space({ channels: 4, stages: 2, stemStrides: 2 }), { seed: 2 });
    try {
      // The reduction block makes stage 2's 8 channels, so that cell's convs are 8 → 8.
      const shapes = staged.weights.map((w) => w.shape.join('x'));
      expect(shapes).toContain('3x3x8x8'); // a 3 × 3 op of the second stage's cell
      expect(shapes).toContain('3x3x4x8'); // the reduction's strided conv
      expect(shapes).toContain('1x1x4x8'); // its shortcut projection
      // stem conv + BN, 2 cells × 6 edges × 2 conv ops × 3, reduction (2 × 3 + 1), last BN, classifier.
      expect(staged.weights.length).toBe(1 + 2 + 2 * 6 * 2 * 3 + 7 + 2 + 2);
      const rng = seededRng(7);
      for (let i = 0; i < 4; i++) expect(await maxDiff(staged, randomDNA(staged.spec, rng), x)).toBeLessThan(1e-4);
    } finally {
      staged.dispose();
    }
  });
});
