import { describe, expect, it } from 'vitest';
import { floatv, oneOf, random, search, threadExecutor } from '../../../src/index.js';

const module = new URL('../../fixtures/tf/iris-objective.ts', import.meta.url);

describe('TensorFlow.js on worker threads', () => {
  it('trains candidates on two threads, each with its own backend, reporting every epoch', async () => {
    const result = await search(
      { units: oneOf([8, 16]), lr: floatv(0.01, 0.1, { scale: 'log' }) },
      { module },
      {
        numTrials: 4,
        algorithm: random({ seed: 2 }),
        executor: threadExecutor({ size: 2 }),
        metric: 'valAccuracy',
      },
    );
    expect(result.trials.map((t) => t.state)).toEqual(['completed', 'completed', 'completed', 'completed']);
    const values = result.trials.map((t) => t.value as Record<string, number>);
    expect(new Set(values.map((v) => v.thread)).size).toBe(2);
    // tfjs-node when it loads, else wasm (this machine): every thread chose the same way.
    expect(new Set(values.map((v) => v.wasm)).size).toBe(1);
    for (const t of result.trials) expect(t.reports.map((r) => r.step)).toEqual([1, 2, 3, 4, 5]);
    expect(Math.max(...values.map((v) => v.valAccuracy as number))).toBeGreaterThan(0.6);
  }, 60_000);
});
