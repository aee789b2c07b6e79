import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildModel,
  countParams,
  disposeModel,
  hardwareMetrics,
  latencyReward,
  layers,
  loadTf,
  measureLatency,
  nsga2,
  oneOf,
  search,
  sequential,
} from '../../../src/index.js';
import type { TfModule } from '../../../src/index.js';

let tf: TfModule;
beforeAll(async () => {
  tf = (await loadTf({ log: false })).tf;
});

const mlp = (units: number) => sequential({ layers: [layers.dense({ inputShape: [32], units, activation: 'relu' }), layers.dense({ units: 10 })] });

describe('hardware-aware objectives', () => {
  it('counts parameters and measures latency (median, min, p90 of the timed runs)', async () => {
    const small = await buildModel(mlp(8));
    const big = await buildModel(mlp(2048));
    try {
      expect(countParams(small)).toBe(32 * 8 + 8 + 8 * 10 + 10);
      const before = tf.memory().numTensors;
      const s = await measureLatency(small, { runs: 15, batchSize: 64 });
      const b = await measureLatency(big, { runs: 15, batchSize: 64 });
      expect(tf.memory().numTensors).toBe(before);
      expect(s.median).toBeGreaterThan(0);
      expect(s.min).toBeLessThanOrEqual(s.median);
      expect(s.median).toBeLessThanOrEqual(s.p90);
      expect(b.runs).toBe(15);
      expect(b.median).toBeGreaterThan(0);
    } finally {
      disposeModel(small);
      disposeModel(big);
    }
  });

  it('computes the MnasNet reward accuracy × (latency / target)^w', () => {
    expect(latencyReward(0.9, 10, { target: 10 })).toBeCloseTo(0.9, 12);
    expect(latencyReward(0.9, 20, { target: 10 })).toBeCloseTo(0.9 * 2 ** -0.07, 12);
    expect(latencyReward(0.9, 5, { target: 10 })).toBeGreaterThan(0.9);
    expect(latencyReward(0.9, 5, { target: 10, w: { below: 0, above: -1 } })).toBe(0.9);
    expect(latencyReward(0.9, 20, { target: 10, w: { below: 0, above: -1 } })).toBeCloseTo(0.45, 12);
    expect(() => latencyReward(0.9, 0, { target: 10 })).toThrow(/latencyReward: latency must be a positive number/);
    expect(() => latencyReward(0.9, 1, { target: 0 })).toThrow(/target must be positive/);
  });

  it('feeds accuracy and latency to NSGA-II as two objectives', async () => {
    const space = { units: oneOf([4, 64, 1024]) };
    const result = await search(
      space,
      async (c) => {
        const model = await buildModel(mlp(c.units));
        try {
          // A stand-in accuracy that grows with width: the trade-off NSGA-II has to keep.
          return await hardwareMetrics(model, 1 - 1 / c.units, { runs: 5, batchSize: 32 });
        } finally {
          disposeModel(model);
        }
      },
      { numTrials: 6, algorithm: nsga2({ seed: 1, populationSize: 4 }), metric: ['accuracy', 'latency'], direction: ['maximize', 'minimize'] },
    );
    const completed = result.trials.filter((t) => t.state === 'completed');
    expect(completed.length).toBe(6);
    for (const t of completed) expect(Object.keys(t.value as object).sort()).toEqual(['accuracy', 'latency', 'params']);
    expect(result.paretoFront.length).toBeGreaterThan(0);
  });
});
