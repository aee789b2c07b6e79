/**
 * The executor contract: the same checks on every executor, each with its real parts: the inline
 * executor in this thread, the thread executor on two real worker threads, and the BullMQ executor
 * on a real `redis-server` (a free loopback port) with a queue worker started in this process. The
 * objective is contract-objectives.mjs, loaded by each executor as a module.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PliantError } from '../../../src/base/errors.js';
import { isPruned } from '../../../src/base/pruned.js';
import { bullmqExecutor } from '../../../src/executors/bullmq-executor.js';
import type { Evaluation, ExecutorSession, ObjectiveModule } from '../../../src/executors/executor.js';
import { inlineExecutor } from '../../../src/executors/inline-executor.js';
import { startQueueWorker } from '../../../src/executors/queue-worker.js';
import type { QueueWorker } from '../../../src/executors/queue-worker.js';
import { threadExecutor } from '../../../src/executors/thread-executor.js';
import { startRedis } from '../../support/redis-server.js';
import type { RedisServer } from '../../support/redis-server.js';
import { fakeFeedback } from './fake-feedback.js';
import type { RecordedCall } from './fake-feedback.js';
import { rejection } from '../../support/error-of.js';

const objective: ObjectiveModule = { module: new URL('./contract-objectives.mjs', import.meta.url), export: 'objective' };

/** One executor under test: how to open a session of it (and what to set up first). */
interface Subject {
  readonly name: 'inline' | 'threads' | 'bullmq';
  setup(): Promise<void>;
  open(): Promise<ExecutorSession>;
  teardown(): Promise<void>;
}

let redis: RedisServer | undefined;
let worker: QueueWorker | undefined;
const workerLog: string[] = [];
let queues = 0;
let queue = '';

const subjects: Subject[] = [
  {
    name: 'inline',
    setup: async () => undefined,
    open: () => inlineExecutor().open(objective),
    teardown: async () => undefined,
  },
  {
    name: 'threads',
    setup: async () => undefined,
    open: () => threadExecutor({ size: 2 }).open(objective),
    teardown: async () => undefined,
  },
  {
    name: 'bullmq',
    async setup() {
      redis = await startRedis();
      queue = `contract-${process.pid}-${queues++}`;
      worker = await startQueueWorker({ connection: redis.url, queue, objective, log: (line) => workerLog.push(line) });
    },
    open: () => bullmqExecutor({ connection: (redis as RedisServer).url, queue, pollInterval: 200 }).open(objective),
    async teardown() {
      await worker?.close();
      await redis?.dispose();
    },
  },
];

let numbers = 1000;

/** An evaluation of the contract objective on `candidate`, with a recording trial handle. */
function trial(candidate: Record<string, unknown>, timeout?: number): { evaluation: Evaluation; calls: RecordedCall[]; number: number } {
  const number = ++numbers;
  const { feedback, calls } = fakeFeedback(number);
  return { evaluation: { candidate, candidateJson: candidate, feedback, ...(timeout === undefined ? {} : { timeout }) }, calls, number };
}

describe.each(subjects)('the executor contract: $name', (subject) => {
  let session: ExecutorSession;
  beforeAll(async () => {
    await subject.setup();
    session = await subject.open();
  });
  afterAll(async () => {
    await session?.close();
    await subject.teardown();
  });

  it('resolves with the value the objective returned', async () => {
    expect(await session.evaluate(trial({ fn: 'value', x: 21 }).evaluation)).toBe(42);
  });

  it('rejects with the error the objective threw: its name and message', async () => {
    const error = await rejection(session.evaluate(trial({ fn: 'throw', message: 'no such layer' }).evaluation));
    expect(error.name).toBe('TypeError');
    expect(error.message).toBe('no such layer');
  });

  it('an error named Pruned is recognised as pruning', async () => {
    const error = await rejection(session.evaluate(trial({ fn: 'prune' }).evaluation));
    expect(isPruned(error)).toBe(true);
  });

  it("the objective's reports reach the trial's handle, in order", async () => {
    const t = trial({ fn: 'report', steps: 5 });
    expect(await session.evaluate(t.evaluation)).toBe(5);
    expect(t.calls.map((c) => [c.method, c.args[0], (c.args[1] as { step?: number } | undefined)?.step])).toEqual([
      ['report', 0.1, 1],
      ['report', 0.2, 2],
      ['report', 0.3, 3],
      ['report', 0.4, 4],
      ['report', 0.5, 5],
    ]);
  });

  it('a trial past its timeout rejects with code timeout, and the executor evaluates the next trial', async () => {
    const hung = trial({ fn: 'hang', report: subject.name === 'threads' }, 300);
    const started = Date.now();
    const error = await rejection(session.evaluate(hung.evaluation));
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(error).toBeInstanceOf(PliantError);
    expect((error as PliantError).code).toBe('timeout');
    expect(error.message).toContain(`trial ${hung.number} ran past its timeout of 300 ms`);
    expect(await session.evaluate(trial({ fn: 'value', x: 2 }).evaluation)).toBe(4);
    if (subject.name === 'threads') {
      // the hung thread was replaced (once the new thread has loaded the objective): two trials
      // run at once again, on two threads, neither the hung one
      const hungThread = hung.calls[0]?.args[0];
      expect(typeof hungThread).toBe('number');
      const deadline = Date.now() + 15_000;
      let a: { start: number; end: number; thread: number } | undefined;
      let b: typeof a;
      do {
        [a, b] = (await Promise.all([
          session.evaluate(trial({ fn: 'window', ms: 300 }).evaluation),
          session.evaluate(trial({ fn: 'window', ms: 300 }).evaluation),
        ])) as { start: number; end: number; thread: number }[];
      } while (!(a!.start < b!.end && b!.start < a!.end) && Date.now() < deadline);
      expect(a!.start < b!.end && b!.start < a!.end).toBe(true);
      expect(new Set([a!.thread, b!.thread]).size).toBe(2);
      expect([a!.thread, b!.thread]).not.toContain(hungThread);
    }
  });

  it('close rejects the evaluations still pending, and later ones', async () => {
    const own = await subject.open();
    const running = rejection(own.evaluate(trial({ fn: 'sleep', ms: 1500 }).evaluation));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await own.close();
    const error = await running;
    expect(error).toBeInstanceOf(PliantError);
    expect((error as PliantError).code).toBe('state');
    const later = await rejection(own.evaluate(trial({ fn: 'value', x: 1 }).evaluation));
    expect((later as PliantError).code).toBe('state');
  });
});
