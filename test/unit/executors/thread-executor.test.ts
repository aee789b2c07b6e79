import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Evaluation, ExecutorSession } from '../../../src/executors/executor.js';
import { threadExecutor } from '../../../src/executors/thread-executor.js';
import { DNA } from '../../../src/geno/dna.js';
import { PliantError } from '../../../src/base/errors.js';
import type { TreeValue } from '../../../src/symbolic/node.js';
import { toJSON } from '../../../src/symbolic/json.js';
import { Point } from '../../fixtures/executors/symbolic-types.js';
import { fakeFeedback } from './fake-feedback.js';
import type { FakeFeedbackOptions, RecordedCall } from './fake-feedback.js';
import { rejection } from '../../support/error-of.js';

const objectives = new URL('../../fixtures/executors/objectives.ts', import.meta.url);
const symbolicTypes = new URL('../../fixtures/executors/symbolic-types.ts', import.meta.url);
const dispatch = { module: objectives, export: 'dispatch' };

let numbers = 0;

/** An evaluation of the fixture objective `fn` on `arg`, with a recording feedback. */
function trial(fn: string, arg?: unknown, options?: FakeFeedbackOptions): { evaluation: Evaluation; calls: RecordedCall[]; number: number } {
  const number = ++numbers;
  const { feedback, calls } = fakeFeedback(number, options);
  const candidate = arg === undefined ? { fn } : { fn, arg };
  return { evaluation: { candidate, candidateJson: toJSON(candidate as TreeValue), feedback }, calls, number };
}

describe('threadExecutor: a pool of two threads', () => {
  let session: ExecutorSession;
  beforeAll(async () => {
    session = await threadExecutor({ size: 2, imports: [symbolicTypes] }).open(dispatch);
  });
  afterAll(async () => {
    await session?.close();
  });

  test('is named threads and its capacity is its size', () => {
    const executor = threadExecutor({ size: 3 });
    expect(executor.name).toBe('threads');
    expect(executor.capacity).toBe(3);
  });

  test('passes the objective result back', async () => {
    expect(await session.evaluate(trial('objective', { x: 21 }).evaluation)).toBe(42);
  });

  test('passes a plain candidate through when there is no JSON form', async () => {
    const { evaluation } = trial('objective');
    expect(await session.evaluate({ ...evaluation, candidate: { fn: 'objective', arg: { x: 5 } }, candidateJson: undefined })).toBe(10);
  });

  test('gives the objective a trial handle with the id, number and DNA', async () => {
    const t = trial('describeTrial');
    expect(await session.evaluate(t.evaluation)).toEqual({ id: `trial-${t.number}`, number: t.number, dna: DNA.of([t.number, 0.5]).toString(), isDNA: true });
  });

  test('rejects with an error of the same name and message as the one thrown, with the worker stack', async () => {
    const error = await rejection(session.evaluate(trial('throwing', { message: 'no such layer' }).evaluation));
    expect(error.name).toBe('TypeError');
    expect(error.message).toBe('no such layer');
    expect(error.stack).toContain('objectives.ts');
  });

  test('a Pruned thrown in a thread rejects with an error named Pruned', async () => {
    const error = await rejection(session.evaluate(trial('pruning').evaluation));
    expect(error.name).toBe('Pruned');
    expect(error.message).toBe('trial: stopped at step 3');
  });

  test('relays reports to the real feedback and brings shouldStop back', async () => {
    const t = trial('reporting', { steps: 10 }, { stopAfter: 3 });
    expect(await session.evaluate(t.evaluation)).toEqual({ stoppedAt: 3, ended: 0, before: 0 });
    expect(t.calls).toEqual([
      { method: 'report', args: [10, { step: 1, metrics: { twice: 20 } }] },
      { method: 'report', args: [20, { step: 2, metrics: { twice: 40 } }] },
      { method: 'report', args: [30, { step: 3, metrics: { twice: 60 } }] },
    ]);
  });

  test('shouldStop() starts with the state of the real feedback', async () => {
    const t = trial('reporting', { steps: 5 }, { stopNow: true });
    expect(await session.evaluate(t.evaluation)).toEqual({ stoppedAt: 1, ended: 0, before: 1 });
  });

  test('a feedback call that throws in the calling thread rejects in the thread with its message', async () => {
    const t = trial('badReport');
    expect(await session.evaluate(t.evaluation)).toEqual({ caught: 'Error: feedback.report: a measurement must not be negative here, found -1' });
    expect(t.calls).toEqual([{ method: 'report', args: [-1, undefined] }]);
  });

  test('relays done, prune and fail, and ended comes back', async () => {
    const done = trial('ending', { how: 'done' });
    expect(await session.evaluate(done.evaluation)).toEqual({ ended: 1 });
    expect(done.calls).toEqual([{ method: 'done', args: [0.5, { metrics: { extra: 1 } }] }]);

    const pruned = trial('ending', { how: 'prune' });
    expect(await session.evaluate(pruned.evaluation)).toEqual({ ended: 1 });
    expect(pruned.calls).toEqual([{ method: 'prune', args: [] }]);

    const failed = trial('ending', { how: 'fail' });
    expect(await session.evaluate(failed.evaluation)).toEqual({ ended: 1 });
    expect(failed.calls).toHaveLength(1);
    const error = failed.calls[0]?.args[0];
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('RangeError');
    expect((error as Error).message).toBe('out of range');
  });

  test('two evaluations on a pool of two run at the same time', async () => {
    const [a, b] = (await Promise.all([
      session.evaluate(trial('timed', { ms: 300 }).evaluation),
      session.evaluate(trial('timed', { ms: 300 }).evaluation),
    ])) as {
      start: number;
      end: number;
    }[];
    expect(a !== undefined && b !== undefined).toBe(true);
    expect(a!.start < b!.end && b!.start < a!.end).toBe(true);
  });

  test('a symbolic candidate (its type registered through imports) arrives as a real node', async () => {
    const point = Point({ x: 1, y: 2 });
    const { feedback } = fakeFeedback(++numbers);
    expect(await session.evaluate({ candidate: point, candidateJson: toJSON(point), feedback })).toEqual({
      isNode: true,
      type: 'test.executors.Point',
      built: 3,
    });
    // nested in a plain record, too
    expect(await session.evaluate(trial('symbolic', point).evaluation)).toEqual({ isNode: true, type: 'test.executors.Point', built: 3 });
  });

  test('a candidate of an unregistered type fails with a hint at imports', async () => {
    const { feedback } = fakeFeedback(++numbers);
    const error = await rejection(session.evaluate({ candidate: null, candidateJson: { $type: 'test.executors.Unknown', a: 1 }, feedback }));
    expect(error).toBeInstanceOf(PliantError);
    expect(error.message).toMatch(/^threadExecutor: cannot rebuild the candidate of trial \d+ in the worker thread: .*imports/);
  });

  test('a result that cannot be sent back is a clear error', async () => {
    const error = await rejection(session.evaluate(trial('unsendable').evaluation));
    expect(error.message).toMatch(/^threadExecutor: the objective of trial \d+ returned a value that cannot be sent back/);
  });

  test('a malformed message from a thread is a warning, and is ignored', async () => {
    const warnings: Error[] = [];
    const listen = (warning: Error): void => {
      warnings.push(warning);
    };
    process.on('warning', listen);
    try {
      expect(await session.evaluate(trial('malformed', { x: 7 }).evaluation)).toBe(7);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', listen);
    }
    const ours = warnings.filter((w) => (w as Error & { code?: string }).code === 'PLIANT_THREAD_MESSAGE');
    expect(ours).toHaveLength(2);
    expect(ours[0]?.message).toMatch(/^threadExecutor: ignored a malformed message/);
  });
});

describe('threadExecutor: a pool of one thread, with a timeout', () => {
  let session: ExecutorSession;
  const timeout = 1000;
  beforeAll(async () => {
    session = await threadExecutor({ size: 1, timeout }).open(dispatch);
  });
  afterAll(async () => {
    await session?.close();
  });

  test('an objective calling process.exit fails its trial, and a new thread takes over', async () => {
    const before = await session.evaluate(trial('threadId').evaluation);
    const t = trial('exiting', { exit: true, x: 1 });
    const error = await rejection(session.evaluate(t.evaluation));
    expect(error.message).toBe(`threadExecutor: the worker thread running trial ${t.number} died: exited with code 3`);
    expect(error).toBeInstanceOf(PliantError);
    expect((error as PliantError).code).toBe('remote');
    expect(await session.evaluate(trial('exiting', { exit: false, x: 9 }).evaluation)).toBe(9);
    expect(await session.evaluate(trial('threadId').evaluation)).not.toBe(before);
  });

  test('an uncaught asynchronous error fails its trial, and a new thread takes over', async () => {
    const t = trial('asyncThrow', { crash: true, x: 1 });
    const error = await rejection(session.evaluate(t.evaluation));
    expect(error.message).toBe(`threadExecutor: the worker thread running trial ${t.number} died: uncaught Error: late boom`);
    expect(await session.evaluate(trial('asyncThrow', { crash: false, x: 4 }).evaluation)).toBe(4);
  });

  test('a trial past the timeout fails, and a new thread takes over', async () => {
    const t = trial('timed', { ms: 20_000 });
    const started = Date.now();
    const error = await rejection(session.evaluate(t.evaluation));
    expect(error).toBeInstanceOf(PliantError);
    expect((error as PliantError).code).toBe('timeout');
    expect(error.message).toBe(`threadExecutor: trial ${t.number} ran past its timeout of ${timeout} ms; its worker thread was terminated and replaced`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(timeout - 50);
    expect(await session.evaluate(trial('objective', { x: 3 }).evaluation)).toBe(6);
  });

  test("an evaluation's own timeout takes precedence over the option, shorter or longer", async () => {
    const short = trial('timed', { ms: 20_000 });
    const started = Date.now();
    const error = await rejection(session.evaluate({ ...short.evaluation, timeout: 200 }));
    expect((error as PliantError).code).toBe('timeout');
    expect(error.message).toBe(`threadExecutor: trial ${short.number} ran past its timeout of 200 ms; its worker thread was terminated and replaced`);
    expect(Date.now() - started).toBeLessThan(timeout);
    // past the option's 1000 ms, within its own 5000 ms
    const long = (await session.evaluate({ ...trial('timed', { ms: 1500 }).evaluation, timeout: 5000 })) as { start: number; end: number };
    expect(long.end - long.start).toBeGreaterThanOrEqual(1500);
  });

  test('an invalid timeout of an evaluation is a clear error', async () => {
    const error = await rejection(session.evaluate({ ...trial('objective', { x: 1 }).evaluation, timeout: -5 }));
    expect((error as PliantError).code).toBe('argument');
    expect(error.message).toBe("threadExecutor: an evaluation's timeout must be a positive number of milliseconds, found -5");
  });

  test('evaluations beyond the free threads wait their turn, first in first out', async () => {
    const results = (await Promise.all([1, 2, 3].map(() => session.evaluate(trial('timed', { ms: 30 }).evaluation)))) as { start: number; end: number }[];
    for (let i = 1; i < results.length; i++) expect(results[i]!.start).toBeGreaterThanOrEqual(results[i - 1]!.end);
  });

  test('close rejects running and queued evaluations, and later ones', async () => {
    const running = rejection(session.evaluate(trial('timed', { ms: 20_000 }).evaluation));
    const queued = rejection(session.evaluate(trial('objective', { x: 1 }).evaluation));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await session.close();
    const closed = await running;
    expect(closed.message).toMatch(/^threadExecutor: the executor was closed before trial \d+ finished$/);
    expect((closed as PliantError).code).toBe('state');
    expect((await queued).message).toMatch(/closed/);
    expect((await rejection(session.evaluate(trial('objective', { x: 1 }).evaluation))).message).toMatch(/closed/);
  });
});

describe('threadExecutor: threads that die of memory', () => {
  test('a thread past its heap limit fails its trial, and a new thread takes over', async () => {
    const session = await threadExecutor({ size: 1, resourceLimits: { maxOldGenerationSizeMb: 64 } }).open(dispatch);
    try {
      const t = trial('memoryHog');
      const error = await rejection(session.evaluate(t.evaluation));
      expect(error.message).toMatch(new RegExp(`^threadExecutor: the worker thread running trial ${t.number} died: out of memory`));
      expect(await session.evaluate(trial('objective', { x: 2 }).evaluation)).toBe(4);
    } finally {
      await session.close();
    }
  });
});

describe('threadExecutor: opening', () => {
  test('a function objective is a clear error', async () => {
    const error = await rejection(threadExecutor({ size: 1 }).open(() => 1));
    expect(error).toBeInstanceOf(PliantError);
    expect((error as PliantError).code).toBe('argument');
    expect(error.message).toMatch(/^threadExecutor: the objective is a function/);
    expect(error.message).toContain("{ module: new URL('./objective.js', import.meta.url) }");
  });

  test('an objective module that fails to load rejects open with its message', async () => {
    const error = await rejection(threadExecutor({ size: 2 }).open(new URL('../../fixtures/executors/load-error.ts', import.meta.url)));
    expect(error).toBeInstanceOf(PliantError);
    expect(error.message).toMatch(/^threadExecutor: cannot import the objective module '.*load-error\.ts': fixture failed to load$/);
  });

  test('a missing or non-function export rejects open naming it', async () => {
    const missing = await rejection(threadExecutor({ size: 1 }).open({ module: objectives, export: 'nope' }));
    expect(missing.message).toMatch(/^threadExecutor: the objective module '.*objectives\.ts' has no export 'nope'/);
    const notFunction = await rejection(threadExecutor({ size: 1 }).open({ module: objectives, export: 'notAFunction' }));
    expect(notFunction.message).toMatch(/^threadExecutor: export 'notAFunction' of the objective module '.*objectives\.ts' is not a function, found 42$/);
  });

  test('a module of imports that fails to load rejects open naming it', async () => {
    const error = await rejection(threadExecutor({ size: 1, imports: ['./test/fixtures/executors/no-such-module.ts'] }).open(dispatch));
    expect(error.message).toMatch(/^threadExecutor: cannot import the module '.*no-such-module\.ts' given in imports/);
  });

  test('Node options a worker thread refuses are a clear error', async () => {
    const error = await rejection(threadExecutor({ size: 2, execArgv: ['--no-such-node-option'] }).open(dispatch));
    expect(error).toBeInstanceOf(PliantError);
    expect(error.message).toMatch(/^threadExecutor: cannot start a worker thread: /);
  });

  test('invalid options are clear errors', () => {
    expect(() => threadExecutor({ size: 0 })).toThrow(/^threadExecutor: size must be a positive integer, found 0$/);
    expect(() => threadExecutor({ timeout: -1 })).toThrow(/^threadExecutor: timeout must be a positive number of milliseconds/);
    expect(() => threadExecutor({ size: 1.5 })).toThrow(PliantError);
  });
});
