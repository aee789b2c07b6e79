import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildModel,
  disposeModel,
  functionalHash,
  graph,
  grid,
  structuralHash,
  input,
  layers,
  loadTf,
  modelProbe,
  oneOf,
  optimizers,
  search,
  sequential,
} from '../../../src/index.js';
import type { SymbolicNode, TfLayer, TfModule } from '../../../src/index.js';

let tf: TfModule;
beforeAll(async () => {
  tf = (await loadTf({ log: false })).tf;
});

const probe = modelProbe();
const h = (candidate: unknown): Promise<string | undefined> => functionalHash(candidate, probe);

const dense = (units: number, activation: 'relu' | 'tanh' = 'relu') => layers.dense({ units, activation });
const seq = (...rest: SymbolicNode<object, TfLayer>[]) =>
  sequential({ layers: [layers.dense({ inputShape: [6], units: 8, activation: 'relu' }), ...rest, layers.dense({ units: 3 })] });

describe('modelProbe', () => {
  it('hashes equivalent architectures equal: a dropout of 0, an identity layer, a linear activation', async () => {
    const base = await h(seq(dense(5)));
    expect(base).toMatch(/^[0-9a-f]{32}$/);
    expect(await h(seq(layers.dropout({ rate: 0 }), dense(5)))).toBe(base);
    expect(await h(seq(dense(5), layers.identity({})))).toBe(base);
    expect(await h(seq(layers.activation({ activation: 'linear' }), dense(5), layers.dropout({ rate: 0 })))).toBe(base);
    // Different architectures hash differently: width, activation, a real dropout.
    expect(await h(seq(dense(6)))).not.toBe(base);
    expect(await h(seq(dense(5, 'tanh')))).not.toBe(base);
    expect(await h(seq(layers.dropout({ rate: 0.3 }), dense(5)))).not.toBe(base);
    // Where a dropout sits matters; its rate too.
    expect(await h(seq(dense(5), layers.dropout({ rate: 0.3 })))).not.toBe(await h(seq(layers.dropout({ rate: 0.3 }), dense(5))));
    expect(await h(seq(layers.dropout({ rate: 0.3 }), dense(5)))).not.toBe(await h(seq(layers.dropout({ rate: 0.4 }), dense(5))));
  });

  it('hashes two routes to the same graph equal: sequential or graph, node names and order, the order of a sum', async () => {
    const asSeq = await h(seq(dense(5)));
    const asGraph = graph({
      inputs: { x: input({ shape: [6] }) },
      nodes: {
        out: { layer: layers.dense({ units: 3 }), inputs: 'mid' },
        mid: { layer: dense(5), inputs: 'first' },
        first: { layer: layers.dense({ units: 8, activation: 'relu' }), inputs: 'x' },
        unused: { layer: dense(4), inputs: 'x' },
      },
      outputs: 'out',
    });
    expect(await h(asGraph)).toBe(asSeq);
    const residual = (order: [string, string], names = ['a', 'b']) =>
      graph({
        inputs: { x: input({ shape: [6] }) },
        nodes: {
          [names[0] as string]: { layer: dense(6), inputs: 'x' },
          [names[1] as string]: { layer: layers.add({}), inputs: order.map((n) => (n === 'a' ? (names[0] as string) : n)) },
          head: { layer: layers.dense({ units: 3 }), inputs: names[1] as string },
        },
        outputs: 'head',
      });
    const r1 = await h(residual(['x', 'a']));
    expect(await h(residual(['a', 'x']))).toBe(r1);
    expect(await h(residual(['x', 'a'], ['p', 'q']))).toBe(r1);
    // A zero term of a sum changes nothing; without the skip connection it is another model.
    const withZero = graph({
      inputs: { x: input({ shape: [6] }) },
      nodes: {
        a: { layer: dense(6), inputs: 'x' },
        z: { layer: layers.zero({}), inputs: 'x' },
        s: { layer: layers.add({}), inputs: ['x', 'a', 'z'] },
        head: { layer: layers.dense({ units: 3 }), inputs: 's' },
      },
      outputs: 'head',
    });
    expect(await h(withZero)).toBe(r1);
    const noSkip = graph({
      inputs: { x: input({ shape: [6] }) },
      nodes: { a: { layer: dense(6), inputs: 'x' }, head: { layer: layers.dense({ units: 3 }), inputs: 'a' } },
      outputs: 'head',
    });
    expect(await h(noSkip)).not.toBe(r1);
  });

  it('leaves layers that reach the output only through a zero op out of the hash, and leaks none of their weights', async () => {
    const plain = graph({
      inputs: { x: input({ shape: [6] }) },
      nodes: { h: { layer: dense(6), inputs: 'x' }, out: { layer: layers.dense({ units: 3 }), inputs: 'h' } },
      outputs: 'out',
    });
    const deadBranch = graph({
      inputs: { x: input({ shape: [6] }) },
      nodes: {
        d: { layer: dense(6, 'tanh'), inputs: 'x' },
        h: { layer: dense(6), inputs: 'x' },
        z: { layer: layers.zero({}), inputs: 'd' },
        s: { layer: layers.add({}), inputs: ['z', 'h'] },
        out: { layer: layers.dense({ units: 3 }), inputs: 's' },
      },
      outputs: 'out',
    });
    expect(await h(deadBranch)).toBe(await h(plain));
    const before = tf.memory().numTensors;
    const model = await buildModel(deadBranch);
    disposeModel(model);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('hashes the rest of a candidate as it is (optimizer, batch size), and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const c = (lr: number, batchSize: number) => ({ model: seq(dense(5)), optimizer: optimizers.adam(lr), batchSize });
    expect(await h(c(0.01, 32))).toBe(await h(c(0.01, 32)));
    expect(await h(c(0.01, 32))).not.toBe(await h(c(0.02, 32)));
    expect(await h(c(0.01, 32))).not.toBe(await h(c(0.01, 64)));
    expect(tf.memory().numTensors).toBe(before);
    await expect(h(42)).rejects.toThrow(/modelProbe: the candidate is not a model/);
  });

  it('agrees with the structural hash, whose default rules drop the same pass-through layers', () => {
    const plain = seq(dense(5));
    expect(structuralHash(seq(layers.dropout({ rate: 0 }), dense(5), layers.identity({}), layers.activation({ activation: 'linear' })))).toBe(
      structuralHash(plain),
    );
    expect(structuralHash(seq(layers.dropout({ rate: 0.2 }), dense(5)))).not.toBe(structuralHash(plain));
  });

  it('lets a search skip trained-twice equivalents', async () => {
    const space = {
      model: sequential({
        layers: [
          layers.dense({ inputShape: [6], units: oneOf([4, 8]) }),
          oneOf([layers.dropout({ rate: 0 }), layers.identity({}), layers.activation({ activation: 'linear' })]),
          layers.dense({ units: 2 }),
        ],
      }),
    };
    let evaluations = 0;
    const result = await search(space, () => ++evaluations, { numTrials: 2, algorithm: grid(), dedupe: { hash: 'functional', probe } });
    expect(result.trials).toHaveLength(4);
    expect(evaluations).toBe(2);
    expect(result.trials.length).toBeGreaterThan(2);
    expect(result.cache?.hits).toBeGreaterThan(0);
  });
});
