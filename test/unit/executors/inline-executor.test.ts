import { describe, expect, test } from 'vitest';
import type { TrialFeedback } from '../../../src/executors/executor.js';
import { inlineExecutor } from '../../../src/executors/inline-executor.js';
import { PliantError } from '../../../src/base/errors.js';
import { Pruned } from '../../../src/base/pruned.js';
import { fakeFeedback } from './fake-feedback.js';
import { rejection } from '../../support/error-of.js';

/** Awaits `promise`, expects it to reject with an `Error`, and returns it. */

describe('inlineExecutor', () => {
  test('is named inline, with capacity 1', () => {
    const executor = inlineExecutor();
    expect(executor.name).toBe('inline');
    expect(executor.capacity).toBe(1);
  });

  test('calls the objective with the candidate itself and a view of the feedback, and returns its result', async () => {
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
    // the view passes the handle through: its properties, methods, keys and prototype
    const view = seen?.[1] as TrialFeedback;
    expect(view.id).toBe(feedback.id);
    expect(view.number).toBe(1);
    expect(view.dna).toBe(feedback.dna);
    expect(Object.keys(view)).toEqual(Object.keys(feedback));
    expect(Object.getPrototypeOf(view)).toBe(Object.getPrototypeOf(feedback));
    expect('report' in view).toBe(true);
    expect(calls).toEqual([{ method: 'report', args: [3, { step: 1 }] }]);
    await view.done(1);
    expect(feedback.ended).toBe(true);
    expect(view.ended).toBe(true);
    await session.close();
  });

  test('methods of a handle with private fields run on the handle itself', async () => {
    class Handle {
      readonly #reports: number[] = [];
      readonly id = 'h';
      readonly number = 4;
      readonly dna = fakeFeedback(4).feedback.dna;
      get ended(): boolean {
        return false;
      }
      shouldStop(): boolean {
        return this.#reports.length >= 2;
      }
      async report(value: number): Promise<void> {
        this.#reports.push(value);
      }
      async done(): Promise<void> {}
      async prune(): Promise<void> {}
      async fail(): Promise<void> {}
    }
    const handle = new Handle();
    const session = await inlineExecutor().open(async (_c: unknown, trial) => {
      await trial.report(1);
      await trial.report(2);
      return trial instanceof Handle && trial.shouldStop() ? 1 : 0;
    });
    expect(await session.evaluate({ candidate: null, candidateJson: null, feedback: handle as unknown as TrialFeedback })).toBe(1);
  });

  test('a trial past its timeout rejects with code timeout; the objective is abandoned and its later calls refused', async () => {
    const { feedback, calls } = fakeFeedback(5);
    let late: Promise<unknown> | undefined;
    let release: () => void = () => undefined;
    const session = await inlineExecutor().open(async (_c: unknown, trial) => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      late = trial.report(1).then(
        () => 'accepted',
        (error: unknown) => error,
      );
      return { stop: trial.shouldStop() ? 1 : 0, ended: trial.ended ? 1 : 0 };
    });
    const started = Date.now();
    const error = await rejection(session.evaluate({ candidate: null, candidateJson: null, feedback, timeout: 100 }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    expect(error).toBeInstanceOf(PliantError);
    expect((error as PliantError).code).toBe('timeout');
    expect(error.message).toMatch(
      /^inlineExecutor: trial 5 ran past its timeout of 100 ms; its objective could not be stopped in this thread and was abandoned/,
    );
    expect(error.message).toContain('threadExecutor');
    // the abandoned objective goes on: its calls on the handle are refused
    release();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const refused = (await late) as PliantError;
    expect(refused).toBeInstanceOf(PliantError);
    expect(refused.code).toBe('timeout');
    expect(calls).toEqual([]);
  });

  test('an objective that ends within its timeout is not affected by it, and leaves no timer behind', async () => {
    const { feedback } = fakeFeedback(6);
    const session = await inlineExecutor().open(async (c: { x: number }) => {
      if (c.x < 0) throw new RangeError('negative');
      return c.x + 1;
    });
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    expect(await session.evaluate({ candidate: { x: 1 }, candidateJson: null, feedback, timeout: 60_000 })).toBe(2);
    await expect(session.evaluate({ candidate: { x: -1 }, candidateJson: null, feedback, timeout: 60_000 })).rejects.toThrow(RangeError);
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBe(before);
  });

  test('a synchronous objective that holds the thread past its timeout fails as timed out when it returns', async () => {
    const { feedback } = fakeFeedback(7);
    const session = await inlineExecutor().open(() => {
      const until = Date.now() + 150;
      while (Date.now() < until) {
        // CPU-bound: the timer cannot fire
      }
      return 1;
    });
    const error = await rejection(session.evaluate({ candidate: null, candidateJson: null, feedback, timeout: 50 }));
    expect((error as PliantError).code).toBe('timeout');
  });

  test('an invalid timeout is a clear error', async () => {
    const { feedback } = fakeFeedback(8);
    const session = await inlineExecutor().open(() => 1);
    const error = await rejection(session.evaluate({ candidate: null, candidateJson: null, feedback, timeout: 0 }));
    expect((error as PliantError).code).toBe('argument');
    expect(error.message).toBe("inlineExecutor: an evaluation's timeout must be a positive number of milliseconds, found 0");
  });

  test('close rejects the evaluations still running, and later ones', async () => {
    const { feedback } = fakeFeedback(9);
    const session = await inlineExecutor().open(() => new Promise(() => undefined));
    const running = rejection(session.evaluate({ candidate: null, candidateJson: null, feedback }));
    await session.close();
    const error = (await running) as PliantError;
    expect(error.code).toBe('state');
    expect(error.message).toMatch(/^inlineExecutor: the executor was closed before trial 9 finished/);
    expect(((await rejection(session.evaluate({ candidate: null, candidateJson: null, feedback }))) as PliantError).code).toBe('state');
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
