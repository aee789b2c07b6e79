import { describe, expect, it } from 'vitest';
import {
  PliantError,
  floatv,
  loadStudy,
  grid,
  inlineExecutor,
  medianStopping,
  memoryStorage,
  oneOf,
  random,
  search,
  threadExecutor,
} from '../../../src/index.js';

const module = new URL('../../fixtures/search/objectives.ts', import.meta.url);
const space = { x: floatv(0, 1), act: oneOf(['relu', 'gelu']) };

describe('search on an executor', () => {
  it('runs trials on two worker threads at once; failures, dead threads and pruning are recorded', async () => {
    const result = await search(
      space,
      { module },
      {
        numTrials: 24,
        algorithm: random({ seed: 3 }),
        executor: threadExecutor({ size: 2 }),
        metric: 'value',
        earlyStopping: medianStopping({ minTrials: 3 }),
      },
    );
    const trials = result.trials;
    expect(trials).toHaveLength(24);
    const byState = (s: string) => trials.filter((t) => t.state === s);
    const tooLarge = trials.filter((t) => (t.candidate as { x: number }).x > 0.8);
    const dying = trials.filter((t) => (t.candidate as { x: number }).x < 0.1);
    expect(tooLarge.length).toBeGreaterThan(0);
    expect(dying.length).toBeGreaterThan(0);
    for (const t of tooLarge) expect(t.error).toMatch(/RangeError: x too large/);
    for (const t of dying) expect(t.error).toMatch(/worker thread running trial \d+ died: .*code 7/);
    expect(byState('failed')).toHaveLength(tooLarge.length + dying.length);
    expect(byState('completed').length + byState('pruned').length).toBe(24 - tooLarge.length - dying.length);
    for (const t of byState('completed')) expect(t.reports).toHaveLength(3);
    // Two trials ran at the same time at least once.
    const spans = byState('completed').map((t) => t.value as { start: number; end: number });
    const overlap = spans.some((a, i) => spans.some((b, j) => i !== j && a.start < b.end && b.start < a.end));
    expect(overlap).toBe(true);
    expect(result.best?.state).toBe('completed');
  }, 30_000);

  it('gives the same study with concurrency 1 on threads as inline', async () => {
    const safe = { x: floatv(0.1, 0.85), act: oneOf(['relu', 'gelu']) };
    const a = await search(safe, { module }, { numTrials: 6, seed: 1, executor: threadExecutor({ size: 1 }), metric: 'value' });
    const b = await search(safe, { module }, { numTrials: 6, seed: 1, executor: inlineExecutor(), metric: 'value' });
    expect(a.trials.map((t) => t.dna.toString())).toEqual(b.trials.map((t) => t.dna.toString()));
    expect(a.best?.dna.toString()).toBe(b.best?.dna.toString());
  }, 20_000);

  it('runs up to `concurrency` async objectives at once inline, and never more', async () => {
    let running = 0;
    let most = 0;
    const result = await search(
      space,
      async (c) => {
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        return c.x;
      },
      { numTrials: 20, concurrency: 3, seed: 2 },
    );
    expect(result.trials).toHaveLength(20);
    expect(result.trials.every((t) => t.state === 'completed')).toBe(true);
    expect(most).toBe(3);
  });

  it('does not evaluate two equivalent candidates at the same time: the second waits for the cache', async () => {
    const small = { a: oneOf([1, 2]), b: oneOf(['p', 'q', 'r', 's']) };
    let evaluations = 0;
    const storage = memoryStorage();
    const result = await search(
      small,
      async (c) => {
        evaluations++;
        await new Promise((r) => setTimeout(r, 10));
        return c.a;
      },
      { numTrials: 2, concurrency: 4, seed: 5, storage, dedupe: (c) => String(c.a), algorithm: grid() },
    );
    expect(evaluations).toBe(2);
    const evaluated = result.trials.filter((t) => !t.cached);
    expect(evaluated.map((t) => (t.candidate as { a: number }).a).sort()).toEqual([1, 2]);
    expect(result.trials.some((t) => t.cached)).toBe(true);
    expect(result.trials.filter((t) => t.cached).every((t) => t.value === (t.candidate as { a: number }).a)).toBe(true);
  });

  it('fails a diverged trial and goes on; with strict, stops every lane at the first and reports the error', async () => {
    const result = await search(space, async () => Number.NaN, { numTrials: 10, concurrency: 2 });
    expect(result.trials).toHaveLength(10);
    expect(result.trials.every((t) => t.state === 'failed' && t.failure === 'diverged' && /finite number, found NaN/.test(t.error ?? ''))).toBe(true);
    const storage = memoryStorage();
    await expect(search(space, async () => Number.NaN, { numTrials: 10, concurrency: 2, strict: true, storage, study: 's' })).rejects.toThrow(
      /strict.*finite number/,
    );
    const recorded = await loadStudy('s', { storage });
    expect(recorded.trials.length).toBeLessThanOrEqual(2);
    expect(recorded.trials.every((t) => t.state === 'failed')).toBe(true);
  });

  it('gives clear errors for a function objective on threads and for a bad concurrency', async () => {
    await expect(search(space, (c) => c.x, { numTrials: 1, executor: threadExecutor({ size: 1 }) })).rejects.toThrow(/threadExecutor: .*module/);
    await expect(search(space, (c) => c.x, { numTrials: 1, concurrency: 0 })).rejects.toThrow(PliantError);
    await expect(search(space, 42 as never, { numTrials: 1 })).rejects.toThrow(/objective must be a function/);
  });
});
