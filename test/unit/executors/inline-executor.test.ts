import { describe, expect, test } from 'vitest';
import type { TrialFeedback } from '../../../src/executors/executor.js';
import { inlineExecutor } from '../../../src/executors/inline-executor.js';
import { PliantError } from '../../../src/base/errors.js';
import { Pruned } from '../../../src/base/pruned.js';
import { fakeFeedback } from './fake-feedback.js';

describe('inlineExecutor', () => {
  test('is named inline, with capacity 1', () => {
    const executor = inlineExecutor();
    expect(executor.name).toBe('inline');
    expect(executor.capacity).toBe(1);
  });

  test('calls the objective with the candidate and the feedback themselves, and returns its result', async () => {
    const { feedback, calls } = fakeFeedback(1);
    const candidate = { x: 3 };
    let seen: [unknown, TrialFeedback] | undefined;
    const session = await inlineExecutor().open(async (c: { x: number }, trial) => {
      seen = [c, trial];
      await trial.report(c.x, { step: 1 });
      return c.x * 2;
    });
    expect(await session.evaluate({ candidate, candidateJson: { x: 3 }, feedback })).toBe(6);
    expect(seen?.[0]).toBe(candidate);
    expect(seen?.[1]).toBe(feedback);
    expect(calls).toEqual([{ method: 'report', args: [3, { step: 1 }] }]);
    await session.close();
  });

  test('rejects with what the objective throws, synchronously or not', async () => {
    const { feedback } = fakeFeedback(2);
    const pruned = new Pruned();
    const boom = new TypeError('boom');
    const session = await inlineExecutor().open((c: { how: string }) => {
      if (c.how === 'sync') throw boom;
      return Promise.reject(pruned);
    });
    await expect(session.evaluate({ candidate: { how: 'sync' }, candidateJson: null, feedback })).rejects.toBe(boom);
    await expect(session.evaluate({ candidate: { how: 'async' }, candidateJson: null, feedback })).rejects.toBe(pruned);
  });

  test('loads a module objective', async () => {
    const { feedback } = fakeFeedback(3);
    const session = await inlineExecutor().open({ module: new URL('../../fixtures/executors/objectives.ts', import.meta.url), export: 'objective' });
    expect(await session.evaluate({ candidate: { x: 5 }, candidateJson: { x: 5 }, feedback })).toBe(10);
    await session.close();
  });

  test('a module that cannot be loaded rejects open with a PliantError naming inlineExecutor', async () => {
    const open = inlineExecutor().open('./test/fixtures/executors/load-error.ts');
    await expect(open).rejects.toBeInstanceOf(PliantError);
    await expect(inlineExecutor().open('./test/fixtures/executors/load-error.ts')).rejects.toThrow(
      /^inlineExecutor: cannot import the objective module '.*load-error\.ts': fixture failed to load$/,
    );
  });
});
