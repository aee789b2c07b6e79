/**
 * The job-queue executor's own checks (no Redis needed); its behaviour with a real Redis, real
 * workers and faults is tested end to end in test/e2e/queue-faults.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { bullmqExecutor } from '../../../src/executors/bullmq-executor.js';
import { jobIdOf, parseRunEnd, queueNameOf, runKeyOf, trialCallSchema, trialJobSchema } from '../../../src/executors/queue-protocol.js';
import { startQueueWorker } from '../../../src/executors/queue-worker.js';
import { errorOf, rejection } from '../../support/error-of.js';

describe('bullmqExecutor', () => {
  it('is durable, with the capacity asked for', () => {
    const executor = bullmqExecutor({ connection: 'redis://127.0.0.1:6379', capacity: 8 });
    expect(executor.name).toBe('bullmq');
    expect(executor.durable).toBe(true);
    expect(executor.capacity).toBe(8);
    expect(bullmqExecutor({ connection: 'redis://127.0.0.1:6379' }).capacity).toBe(4);
  });

  it('rejects bad options, and an objective that is a function (it runs in the workers)', async () => {
    expect(errorOf(() => bullmqExecutor({} as never)).message).toContain('bullmqExecutor takes { connection: "redis://host:port" }');
    expect(errorOf(() => bullmqExecutor({ connection: 'redis://x', capacity: 0 })).message).toContain('capacity must be a positive integer, found 0');
    expect(errorOf(() => bullmqExecutor({ connection: 'redis://x', pollInterval: -1 })).message).toContain('pollInterval must be positive');
    const error = await rejection(bullmqExecutor({ connection: 'redis://127.0.0.1:1' }).open((c: unknown) => Number(c), { study: 's' }));
    expect(error.message).toContain('the objective runs in the workers: pass it as a module');
  });

  it('names an unreachable server in a one-line error', async () => {
    const error = await rejection(bullmqExecutor({ connection: 'redis://127.0.0.1:1' }).open({ module: './objective.js' }, { study: 's' }));
    expect(error.message).toContain('cannot connect to Redis at redis://127.0.0.1:1');
  });
});

describe('the queue protocol', () => {
  it('names queues and jobs so BullMQ takes them, one to one', () => {
    expect(queueNameOf('mnist')).toBe('pliant-mnist');
    expect(queueNameOf('a b:c')).toBe('pliant-a~20b~3ac');
    expect(queueNameOf('a b')).not.toBe(queueNameOf('a_b'));
    expect(jobIdOf('host:12:abc:0')).toBe('host~3a12~3aabc~3a0');
    expect(jobIdOf('a~3a')).not.toBe(jobIdOf('a:'));
  });

  it('reads only well-formed trials and calls', () => {
    const job = { kind: 'pliant.trial', version: 1, study: 's', trial: { id: 'x', number: 0, dna: [0, 0.5] }, candidate: { x: 1 }, objective: null };
    expect(trialJobSchema.safeParse(job).success).toBe(true);
    expect(trialJobSchema.safeParse({ ...job, kind: 'other' }).success).toBe(false);
    expect(trialJobSchema.safeParse({ ...job, extra: 1 }).success).toBe(false);
    expect(trialJobSchema.safeParse({ hello: 'world' }).success).toBe(false);
    expect(trialCallSchema.safeParse({ call: 'report', seq: 0, index: 1, value: 0.5, step: 1 }).success).toBe(true);
    expect(trialCallSchema.safeParse({ call: 'report', seq: 0, index: 1, value: 'high', step: 1 }).success).toBe(false);
    expect(trialCallSchema.safeParse({ call: 'report', seq: 0, index: 1, value: Number.NaN, step: 1 }).success).toBe(false);
    expect(trialCallSchema.safeParse(42).success).toBe(false);
  });

  it("takes a trial's timeout as an optional field, so the jobs of an older controller still read", () => {
    const job = { kind: 'pliant.trial', version: 1, study: 's', trial: { id: 'x', number: 0, dna: [0, 0.5] }, candidate: { x: 1 }, objective: null };
    expect(trialJobSchema.safeParse(job).success).toBe(true);
    expect(trialJobSchema.safeParse({ ...job, timeout: 1500 }).data?.timeout).toBe(1500);
    expect(trialJobSchema.safeParse({ ...job, timeout: 0 }).success).toBe(false);
    expect(trialJobSchema.safeParse({ ...job, timeout: '1500' }).success).toBe(false);
    expect(trialJobSchema.safeParse({ ...job, timeout: Number.POSITIVE_INFINITY }).success).toBe(false);
  });

  it("reads a run key's value: a live run's claim, or how the run ended", () => {
    expect(runKeyOf('pliant', 'pliant-mnist', 'host~3a1')).toBe('pliant:pliant-mnist:run:host~3a1');
    expect(parseRunEnd('run:host:12:abc')).toBeUndefined();
    expect(parseRunEnd(null)).toBeUndefined();
    expect(parseRunEnd(`end:${JSON.stringify({ ok: true, result: { accuracy: 0.9 } })}`)).toEqual({ ok: true, result: { accuracy: 0.9 } });
    expect(parseRunEnd(`end:${JSON.stringify({ ok: false, error: { name: 'TypeError', message: 'boom' } })}`)).toEqual({
      ok: false,
      error: { name: 'TypeError', message: 'boom' },
    });
    expect(parseRunEnd('end:{not json')).toBeUndefined();
    expect(parseRunEnd(`end:${JSON.stringify({ ok: true, result: 'high' })}`)).toBeUndefined();
  });
});

describe('startQueueWorker', () => {
  it('checks its options before connecting', async () => {
    expect((await rejection(startQueueWorker({ connection: 'redis://127.0.0.1:1', objective: './o.js' }))).message).toContain(
      'name the study (or the queue) to serve',
    );
    expect((await rejection(startQueueWorker({ connection: 'redis://127.0.0.1:1', study: 's', objective: './o.js', concurrency: 1.5 }))).message).toContain(
      'concurrency must be a positive integer',
    );
    expect((await rejection(startQueueWorker({ connection: 'redis://127.0.0.1:1', study: 's', objective: './o.js', timeout: 0 }))).message).toContain(
      'timeout must be positive',
    );
    expect((await rejection(startQueueWorker({ connection: 'redis://127.0.0.1:1', study: 's', objective: './o.js', runTtl: 10 }))).message).toContain(
      'runTtl must be at least 100 ms',
    );
    expect((await rejection(startQueueWorker({ connection: 'not a url', study: 's', objective: './o.js' }))).message).toContain(
      'a Redis URL looks like redis://',
    );
  });
});
