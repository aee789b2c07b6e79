import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Tfjs from '@tensorflow/tfjs';
import { PliantError, build } from '../../../src/index.js';
import type { TreeValue } from '../../../src/index.js';
import { graph, input } from '../../../src/tf/graph.js';
import { loadTf } from '../../../src/tf/load-tf.js';
import type { TfModule } from '../../../src/tf/load-tf.js';
import { layers } from '../../../src/tf/layers.js';
import { optimizers } from '../../../src/tf/optimizers.js';
import { sequential } from '../../../src/tf/sequential.js';

let tf: TfModule;
let x8: Tfjs.Tensor;
let x6: Tfjs.Tensor;
beforeAll(async () => {
  ({ tf } = await loadTf({ log: false }));
  x8 = tf.randomNormal([5, 8], 0, 1, 'float32', 11);
  x6 = tf.randomNormal([5, 6], 0, 1, 'float32', 12);
});
afterAll(() => {
  x8.dispose();
  x6.dispose();
});

/** Builds `tree` with `seed`, predicts `x`, disposes the model; the predictions, one array per output. */
function predict(tree: TreeValue, seed: number, x: Tfjs.Tensor): number[][] {
  const model = build(tree, { seed }) as Tfjs.LayersModel;
  try {
    return tf.tidy(() => {
      const out = model.predict(x) as Tfjs.Tensor | Tfjs.Tensor[];
      return (Array.isArray(out) ? out : [out]).map((t) => Array.from(t.dataSync()));
    });
  } finally {
    model.dispose();
  }
}

/** The build's error, unwrapped: the PliantError `build` threw and the one the graph raised. */
function buildError(tree: TreeValue): { outer: PliantError; inner: PliantError } {
  try {
    (build(tree) as { dispose?: () => void }).dispose?.();
  } catch (error) {
    expect(error).toBeInstanceOf(PliantError);
    const outer = error as PliantError;
    const inner = (outer.cause ?? outer) as PliantError;
    expect(inner).toBeInstanceOf(PliantError);
    return { outer, inner };
  }
  throw new Error('expected the build to fail');
}

const mlpSequential = () =>
  sequential({
    layers: [layers.dense({ inputShape: [8], units: 16, activation: 'relu' }), layers.dense({ units: 12, activation: 'tanh' }), layers.dense({ units: 4 })],
  });

/** The same network as a graph: other names, nodes declared out of order, one node nothing reads. */
const mlpGraph = () =>
  graph({
    inputs: { features: input({ shape: [8] }) },
    nodes: {
      logits: { layer: layers.dense({ units: 4 }), inputs: 'second' },
      unused: { layer: layers.dense({ units: 7 }), inputs: 'features' },
      second: { layer: layers.dense({ units: 12, activation: 'tanh' }), inputs: 'first' },
      first: { layer: layers.dense({ units: 16, activation: 'relu' }), inputs: 'features' },
    },
    outputs: 'logits',
  });

describe('sequential and graph', () => {
  it('the same architecture gives the same predictions for one seed, other ones for another seed', () => {
    const seq = predict(mlpSequential(), 1, x8);
    expect(predict(mlpGraph(), 1, x8)).toEqual(seq);
    expect(predict(mlpSequential(), 1, x8)).toEqual(seq);
    const other = predict(mlpSequential(), 2, x8);
    expect(other).not.toEqual(seq);
    expect(predict(mlpGraph(), 2, x8)).toEqual(other);
  });

  it('layers that pass their input through change nothing', () => {
    const plain = predict(mlpSequential(), 7, x8);
    const padded = sequential({
      layers: [
        layers.dense({ inputShape: [8], units: 16, activation: 'relu' }),
        layers.dropout({ rate: 0 }),
        layers.identity({}),
        layers.dense({ units: 12, activation: 'tanh' }),
        layers.activation({ activation: 'linear' }),
        layers.dense({ units: 4 }),
      ],
    });
    expect(predict(padded, 7, x8)).toEqual(plain);
    const paddedGraph = graph({
      inputs: { x: input({ shape: [8] }) },
      nodes: {
        nothing: { layer: layers.identity({}), inputs: 'x' },
        h1: { layer: layers.dense({ units: 16, activation: 'relu' }), inputs: 'nothing' },
        d: { layer: layers.dropout({ rate: 0 }), inputs: 'h1' },
        h2: { layer: layers.dense({ units: 12, activation: 'tanh' }), inputs: 'd' },
        lin: { layer: layers.activation({ activation: 'linear' }), inputs: 'h2' },
        out: { layer: layers.dense({ units: 4 }), inputs: 'lin' },
      },
      outputs: 'out',
    });
    expect(predict(paddedGraph, 7, x8)).toEqual(plain);
    // A real dropout keeps the seeds (it has no weights) and, at inference, the predictions.
    const dropped = rebindDropout(padded, 0.3);
    expect(predict(dropped, 7, x8)).toEqual(plain);
  });

  it("the order of a sum's terms does not matter", () => {
    const sum = (order: string[]) =>
      graph({
        inputs: { x: input({ shape: [6] }) },
        nodes: {
          a: { layer: layers.dense({ units: 5, activation: 'relu' }), inputs: 'x' },
          b: { layer: layers.dense({ units: 5, activation: 'tanh' }), inputs: 'x' },
          s: { layer: layers.add({}), inputs: order },
          out: { layer: layers.dense({ units: 3 }), inputs: 's' },
        },
        outputs: 'out',
      });
    const ab = predict(sum(['a', 'b']), 3, x6);
    expect(predict(sum(['b', 'a']), 3, x6)).toEqual(ab);
    expect(predict(sum(['a', 'b']), 4, x6)).not.toEqual(ab);
  });

  it('a residual graph trains', async () => {
    const residual = graph({
      inputs: { x: input({ shape: [8] }) },
      nodes: {
        h: { layer: layers.dense({ units: 8, activation: 'relu' }), inputs: 'x' },
        sum: { layer: layers.add({}), inputs: ['x', 'h'] },
        out: { layer: layers.dense({ units: 1 }), inputs: 'sum' },
      },
      outputs: 'out',
    });
    const model = build(residual, { seed: 5 });
    const optimizer = build(optimizers.adam(0.01));
    const xs = tf.randomNormal([64, 8], 0, 1, 'float32', 21);
    const ys = tf.tidy(() => xs.sum(1, true).mul(0.5));
    try {
      model.compile({ optimizer, loss: 'meanSquaredError' });
      const history = await model.fit(xs, ys, { epochs: 2, batchSize: 16, shuffle: false, verbose: 0 });
      const loss = history.history.loss as number[];
      expect(loss).toHaveLength(2);
      expect(loss[1]).toBeLessThan(loss[0] as number);
    } finally {
      xs.dispose();
      ys.dispose();
      model.dispose();
      optimizer.dispose();
    }
  });
});

describe('the zero op in a graph', () => {
  const plain = () =>
    graph({
      inputs: { x: input({ shape: [6] }) },
      nodes: { h: { layer: layers.dense({ units: 8, activation: 'relu' }), inputs: 'x' }, out: { layer: layers.dense({ units: 4 }), inputs: 'h' } },
      outputs: 'out',
    });

  it('is dropped from a sum: zero + h is h', () => {
    const withZero = graph({
      inputs: { x: input({ shape: [6] }) },
      nodes: {
        none: { layer: layers.zero({}), inputs: 'x' },
        h: { layer: layers.dense({ units: 8, activation: 'relu' }), inputs: 'x' },
        s: { layer: layers.add({}), inputs: ['none', 'h'] },
        out: { layer: layers.dense({ units: 4 }), inputs: 's' },
      },
      outputs: 'out',
    });
    expect(predict(withZero, 9, x6)).toEqual(predict(plain(), 9, x6));
  });

  it('an all-zero sum is zero, and a zero reaching a layer or an output is a real zero tensor', () => {
    const zeros = graph({
      inputs: { x: input({ shape: [6] }) },
      nodes: {
        z1: { layer: layers.zero({}), inputs: 'x' },
        z2: { layer: layers.zero({}), inputs: 'x' },
        s: { layer: layers.add({}), inputs: ['z1', 'z2'] },
        after: { layer: layers.dense({ units: 2, biasInitializer: 'ones' }), inputs: 's' },
      },
      outputs: ['s', 'after', 'z1'],
    });
    const [sum, after, z1] = predict(zeros, 1, x6);
    expect(sum).toHaveLength(5 * 6);
    expect(sum?.every((v) => v === 0)).toBe(true);
    expect(after).toEqual(new Array(5 * 2).fill(1));
    expect(z1?.every((v) => v === 0)).toBe(true);
  });
});

describe('graph errors', () => {
  const dense = () => layers.dense({ units: 2 });

  it('an unknown input name, with its key path', () => {
    const { outer, inner } = buildError(
      graph({ inputs: { x: input({ shape: [3] }) }, nodes: { h: { layer: layers.add({}), inputs: ['nope', 'x'] } }, outputs: 'h' }),
    );
    expect(inner.path).toBe('nodes.h.inputs[0]');
    expect(outer.message).toContain("'nodes.h.inputs[0]'");
    expect(outer.message).toContain("'nope' is not an input or a node");
    const single = buildError(graph({ inputs: { x: input({ shape: [3] }) }, nodes: { h: { layer: dense(), inputs: 'y' } }, outputs: 'h' }));
    expect(single.inner.path).toBe('nodes.h.inputs');
    const output = buildError(graph({ inputs: { x: input({ shape: [3] }) }, nodes: { h: { layer: dense(), inputs: 'x' } }, outputs: ['h', 'o'] }));
    expect(output.inner.path).toBe('outputs[1]');
    const nested = buildError({ model: graph({ inputs: { x: input({ shape: [3] }) }, nodes: { h: { layer: dense(), inputs: ['y'] } }, outputs: 'h' }) });
    expect(nested.inner.path).toBe('model.nodes.h.inputs[0]');
    expect(nested.outer.path).toBe('model.nodes.h.inputs[0]');
  });

  it('a cycle', () => {
    const { inner } = buildError(
      graph({
        inputs: { x: input({ shape: [3] }) },
        nodes: { a: { layer: dense(), inputs: 'b' }, b: { layer: layers.add({}), inputs: ['x', 'a'] } },
        outputs: 'a',
      }),
    );
    expect(inner.message).toMatch(/cycle through 'a'/);
    expect(inner.path).toBe('nodes.b.inputs[1]');
  });

  it('a name used by an input and a node', () => {
    const { inner } = buildError(graph({ inputs: { x: input({ shape: [3] }) }, nodes: { x: { layer: dense(), inputs: 'x' } }, outputs: 'x' }));
    expect(inner.message).toContain("'x' names both an input and a node");
    expect(inner.path).toBe('nodes.x');
  });

  it('a node that is not a layer is rejected when the graph is made', () => {
    expect(() => graph({ inputs: { x: input({ shape: [3] }) }, nodes: { h: { layer: input({ shape: [3] }) as never, inputs: 'x' } }, outputs: 'h' })).toThrow(
      PliantError,
    );
    expect(() => sequential({ layers: [optimizers.sgd(0.1) as never] })).toThrow(PliantError);
  });
});

/** `padded` with its dropout's rate set to `rate`. */
function rebindDropout(padded: ReturnType<typeof sequential>, rate: number): ReturnType<typeof sequential> {
  const list = padded.args.layers as unknown as TreeValue[];
  return sequential({ layers: list.map((l) => (layers.dropout.is(l) ? layers.dropout({ rate }) : l)) as never });
}
