/**
 * The wasm training kernels (src/tf/wasm-kernels.ts, installed by loadTf) against the cpu backend's.
 */
import { describe, expect, it } from 'vitest';
import { loadTf } from '../../../src/index.js';
import type * as Tfjs from '@tensorflow/tfjs';
import { installWasmTrainingKernels } from '../../../src/tf/wasm-kernels.js';

type Tf = typeof Tfjs;

/** Runs `f` on the cpu backend and on wasm (with the kernels), returning both results as arrays. */
async function both(f: (tf: Tf) => Tfjs.Tensor | Tfjs.Tensor[]): Promise<{ cpu: number[][]; wasm: number[][] }> {
  const { tf: loaded } = await loadTf({ backend: 'wasm', log: false });
  const tf = loaded as unknown as Tf;
  const run = async (backend: string): Promise<number[][]> => {
    await tf.setBackend(backend);
    const out = tf.tidy(() => f(tf));
    const list = Array.isArray(out) ? out : [out];
    const values = await Promise.all(list.map(async (t) => Array.from(await t.data())));
    tf.dispose(list);
    return values;
  };
  try {
    return { cpu: await run('cpu'), wasm: await run('wasm') };
  } finally {
    await tf.setBackend('wasm');
  }
}

function expectClose(a: number[][], b: number[][]): void {
  expect(b.map((x) => x.length)).toEqual(a.map((x) => x.length));
  a.forEach((xs, i) =>
    xs.forEach((x, j) => {
      const y = (b[i] as number[])[j] as number;
      expect(Math.abs(x - y), `output ${i}[${j}]: ${x} vs ${y}`).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(x)));
    }),
  );
}

describe('wasm training kernels', () => {
  it('are installed by loadTf, so a conv2d trains on wasm at all (the stock backend has no Conv2DBackpropFilter)', async () => {
    const { tf } = await loadTf({ backend: 'wasm', log: false });
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    installWasmTrainingKernels(tf); // twice is harmless
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  it.each([
    [[2, 7, 7, 3], [3, 3, 3, 4], 1, 'same'],
    [[2, 8, 8, 3], [5, 5, 3, 4], 1, 'same'],
    [[2, 9, 9, 2], [5, 5, 2, 3], 1, 'valid'],
    [[3, 9, 9, 2], [3, 3, 2, 3], 2, 'valid'],
    [[2, 10, 10, 2], [3, 3, 2, 2], 2, 'same'],
    [[2, 8, 8, 1], [1, 1, 1, 5], 1, 'same'],
    [[2, 8, 8, 2], [2, 2, 2, 2], 1, 'same'],
  ] as const)('conv2d gradients for x %j, filter %j, stride %d, %s padding', async (xShape, fShape, stride, pad) => {
    const { cpu, wasm } = await both((tf) => {
      const x = tf.randomNormal([...xShape], 0, 1, 'float32', 1) as Tfjs.Tensor4D;
      const f = tf.randomNormal([...fShape], 0, 1, 'float32', 2) as Tfjs.Tensor4D;
      const [dx, df] = tf.grads((a: Tfjs.Tensor, b: Tfjs.Tensor) =>
        tf
          .conv2d(a as Tfjs.Tensor4D, b as Tfjs.Tensor4D, stride, pad)
          .square()
          .sum(),
      )([x, f]);
      return [dx as Tfjs.Tensor, df as Tfjs.Tensor];
    });
    expectClose(cpu, wasm);
  });

  it.each([
    [[2, 8, 8, 3], 2, 2, 'valid'],
    [[2, 9, 9, 3], 3, 2, 'same'],
    [[2, 7, 7, 2], 3, 1, 'same'],
  ] as const)('maxPool gradients (ties to the first maximum, as cpu) for %j, window %d, stride %d, %s', async (shape, size, stride, pad) => {
    const { cpu, wasm } = await both((tf) => {
      const x = tf.relu(tf.randomNormal([...shape], 0, 1, 'float32', 3)) as Tfjs.Tensor4D; // many tied zeros
      const w = tf.randomNormal(tf.maxPool(x, size, stride, pad).shape, 0, 1, 'float32', 4);
      return tf.grad((a: Tfjs.Tensor) =>
        tf
          .maxPool(a as Tfjs.Tensor4D, size, stride, pad)
          .mul(w)
          .sum(),
      )(x);
    });
    expectClose(cpu, wasm);
  });

  it('transposed matMul, tile, and sums and means over leading axes', async () => {
    const { cpu, wasm } = await both((tf) => {
      const a = tf.randomNormal([3, 5, 4], 0, 1, 'float32', 5);
      const b = tf.randomNormal([3, 6, 5], 0, 1, 'float32', 6);
      const v = tf.randomNormal([1, 1, 3], 0, 1, 'float32', 7);
      const x = tf.randomNormal([4, 5, 3], 0, 1, 'float32', 8);
      return [
        tf.matMul(a, b, true, true),
        tf.matMul(tf.transpose(a, [0, 2, 1]), tf.transpose(b, [0, 2, 1]), false, false),
        tf.matMul(a.reshape([15, 4]), a.reshape([15, 4]), true, false),
        tf.tile(v, [4, 5, 1]),
        tf.tile(tf.range(0, 6).reshape([2, 3]), [3, 2]),
        tf.sum(x, [0, 1]),
        tf.sum(x, 0, true),
        tf.mean(x, [0, 1]),
        tf.sum(x, [1, 2]), // not leading: the stock kernel
      ];
    });
    expectClose(cpu, wasm);
  });

  it('unsorted segment sums, so an embedding layer trains on wasm (the stock backend has no UnsortedSegmentSum)', async () => {
    const { cpu, wasm } = await both((tf) => {
      const x = tf.randomNormal([6, 4], 0, 1, 'float32', 9);
      const ids = tf.tensor1d([2, 0, 2, 1, 7, -1], 'int32'); // 7 and -1 out of range: dropped
      const table = tf.variable(tf.randomNormal([10, 3], 0, 1, 'float32', 10));
      const grad = tf.grad((t: Tfjs.Tensor) =>
        tf
          .gather(t, tf.tensor1d([1, 4, 1, 9], 'int32'))
          .square()
          .sum(),
      )(table);
      table.dispose();
      return [tf.unsortedSegmentSum(x, ids, 4), tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3], 'int32'), tf.tensor1d([1, 1, 0], 'int32'), 2), grad];
    });
    expectClose(cpu, wasm);
    expect(wasm[1]).toEqual([3, 3]);
  });
});

describe('wasm depthwise-convolution gradients (which the stock wasm backend lacks)', () => {
  it.each([
    [[2, 7, 7, 3], [3, 3, 3, 1], 1, 'same'],
    [[2, 8, 8, 2], [3, 3, 2, 2], 2, 'same'],
    [[1, 9, 9, 4], [5, 5, 4, 1], 1, 'valid'],
    [[2, 10, 10, 1], [3, 3, 1, 3], 2, 'valid'],
  ] as const)('depthwiseConv2d gradients for x %j, filter %j, stride %d, %s padding', async (xShape, fShape, stride, pad) => {
    const { cpu, wasm } = await both((tf) => {
      const x = tf.randomNormal([...xShape], 0, 1, 'float32', 3) as Tfjs.Tensor4D;
      const f = tf.randomNormal([...fShape], 0, 1, 'float32', 4) as Tfjs.Tensor4D;
      const grads = tf.grads((a: Tfjs.Tensor, b: Tfjs.Tensor) =>
        tf
          .depthwiseConv2d(a as Tfjs.Tensor4D, b as Tfjs.Tensor4D, stride, pad)
          .square()
          .sum(),
      );
      return grads([x, f]);
    });
    expectClose(cpu, wasm);
  });

  it('a separableConv2d layer trains on wasm', async () => {
    const { tf } = await loadTf({ backend: 'wasm', log: false });
    const model = tf.sequential({
      layers: [
        tf.layers.separableConv2d({ inputShape: [6, 6, 2], filters: 3, kernelSize: 3, padding: 'same' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 1 }),
      ],
    });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const xs = tf.randomNormal([4, 6, 6, 2], 0, 1, 'float32', 5);
    const ys = tf.randomNormal([4, 1], 0, 1, 'float32', 6);
    const history = await model.fit(xs, ys, { epochs: 2, batchSize: 2, verbose: 0 });
    expect(history.history.loss?.every((l) => Number.isFinite(l as number))).toBe(true);
    tf.dispose([xs, ys]);
    model.dispose();
  });
});
