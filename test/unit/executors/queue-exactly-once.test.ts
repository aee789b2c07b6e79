/**
 * Exactly once on Redis: a trial's objective starts once, even when BullMQ hands its job to a
 * second worker while the first still runs it (the job's lock lapsed while Redis was down). A
 * real `redis-server` (restarted with SIGKILL, its append-only file keeping the data and the
 * keys' expiry times), two in-process queue workers, and the controller in this process.
 */
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PliantError } from '../../../src/base/errors.js';
import { bullmqExecutor } from '../../../src/executors/bullmq-executor.js';
import { jobIdOf, runKeyOf } from '../../../src/executors/queue-protocol.js';
import type { ExecutorSession } from '../../../src/executors/executor.js';
import { startQueueWorker } from '../../../src/executors/queue-worker.js';
import type { QueueWorker } from '../../../src/executors/queue-worker.js';
import { startRedis } from '../../support/redis-server.js';
import type { RedisServer } from '../../support/redis-server.js';
import { fakeFeedback } from './fake-feedback.js';
import { rejection } from '../../support/error-of.js';

const objective = { module: new URL('./contract-objectives.mjs', import.meta.url), export: 'objective' };

interface Start {
  readonly trial: number;
  readonly fn: string;
  readonly at: number;
}

/** The starts of the objective recorded by contract-objectives.mjs, in this process. */
function starts(trial: number): Start[] {
  const all = ((globalThis as { __pliantStarts?: Start[] }).__pliantStarts ??= []);
  return all.filter((s) => s.trial === trial);
}

async function until(what: string, test: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('bullmq: exactly once', () => {
  let redis: RedisServer;
  let client: Redis;
  const workers: QueueWorker[] = [];
  const sessions: ExecutorSession[] = [];
  const logs: string[] = [];
  beforeAll(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
    client.on('error', () => undefined); // while the server restarts
  });
  afterEach(async () => {
    await Promise.allSettled(sessions.splice(0).map((s) => s.close()));
    await Promise.allSettled(workers.splice(0).map((w) => w.close()));
    logs.length = 0;
  });
  afterAll(async () => {
    client?.disconnect();
    await redis?.dispose();
  });

  async function worker(queue: string, name: string, options: { timeout?: number; runTtl?: number } = {}): Promise<QueueWorker> {
    const started = await startQueueWorker({
      connection: redis.url,
      queue,
      objective,
      lockDuration: 1000,
      stalledInterval: 500,
      ...options,
      log: (line) => logs.push(`${name}: ${line}`),
    });
    workers.push(started);
    return started;
  }

  async function open(queue: string): Promise<ExecutorSession> {
    const session = await bullmqExecutor({ connection: redis.url, queue, pollInterval: 200 }).open(objective);
    sessions.push(session);
    return session;
  }

  it('a job whose lock lapsed while Redis was down is not run a second time by the other worker', async () => {
    const queue = 'once-restart';
    // Short locks, checked often: Redis down for 2 s outlives the job's lock (1 s), not the run's
    // claim (runTtl: 4 s by default).
    await worker(queue, 'a');
    await worker(queue, 'b');
    const session = await open(queue);
    const { feedback } = fakeFeedback(901);
    const candidate = { fn: 'sleep', ms: 6000, x: 7 };
    const result = session.evaluate({ candidate, candidateJson: candidate, feedback });
    await until('the trial to start', () => starts(901).length === 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await redis.restart({ downMs: 2000 });
    expect(await result).toBe(7);
    // the objective started once ...
    expect(starts(901), logs.join('\n')).toHaveLength(1);
    // ... though the job went back to the queue (BullMQ saw it stalled) and the other worker took it up
    expect(logs.join('\n')).toMatch(/trial 901 is running already/);
  });

  it('a run whose worker died (its claim lapsed, no heartbeat) is taken over, and its objective started again', async () => {
    const queue = 'once-dead';
    const { feedback } = fakeFeedback(902);
    // A worker that claimed the trial, then died: its claim lapses in 1.5 s.
    await client.set(runKeyOf('pliant', queue, jobIdOf(feedback.id)), 'run:dead-host:1:token', 'PX', 1500);
    await worker(queue, 'a');
    const session = await open(queue);
    const candidate = { fn: 'value', x: 4 };
    const started = Date.now();
    expect(await session.evaluate({ candidate, candidateJson: candidate, feedback })).toBe(8);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1300);
    expect(starts(902)).toHaveLength(1);
    const log = logs.join('\n');
    expect(log).toContain('a: pliant worker: trial 902 is running already (on dead-host:1); waiting for that run to end');
    expect(log).toContain('a: pliant worker: trial 902 started (again: its worker was lost)');
  });

  it('a worker that stops while it waits gives the job back; the next one returns the outcome of the run, without running it', async () => {
    const queue = 'once-ended';
    const { feedback } = fakeFeedback(903);
    const key = runKeyOf('pliant', queue, jobIdOf(feedback.id));
    // A live run on another worker (its claim good for a minute).
    await client.set(key, 'run:busy-host:2:token', 'PX', 60_000);
    const a = await worker(queue, 'a');
    const session = await open(queue);
    const candidate = { fn: 'value', x: 5 };
    const result = session.evaluate({ candidate, candidateJson: candidate, feedback });
    await until('worker a to wait', () => logs.some((l) => l.includes('trial 903 is running already')));
    await a.close();
    expect(logs.join('\n')).toContain('a: pliant worker: trial 903: stopping, so the trial goes back to the queue');
    const jobs = new Queue(queue, { connection: { url: redis.url }, prefix: 'pliant' });
    try {
      expect(await jobs.getJobState(jobIdOf(feedback.id))).toBe('waiting');
    } finally {
      await jobs.close();
    }
    // The other run ends: it records what its objective returned.
    await client.set(key, `end:${JSON.stringify({ ok: true, result: 77, worker: 'busy-host:2' })}`, 'PX', 60_000);
    await worker(queue, 'b');
    expect(await result).toBe(77);
    expect(starts(903)).toHaveLength(0);
    expect(logs.join('\n')).toContain('b: pliant worker: trial 903 has run already (on busy-host:2) and returned 77; not run again');
  });

  it("the job carries the trial's timeout; the worker enforces the shorter of its own and the job's", async () => {
    const queue = 'once-timeouts';
    await worker(queue, 'a', { timeout: 400 });
    const session = await open(queue);
    const long = fakeFeedback(904);
    const candidate = { fn: 'hang' };
    const error = await rejection(session.evaluate({ candidate, candidateJson: candidate, feedback: long.feedback, timeout: 60_000 }));
    expect((error as PliantError).code).toBe('timeout');
    expect(error.message).toMatch(/^pliant worker: trial 904 ran past its timeout of 400 ms/);
    const jobs = new Queue(queue, { connection: { url: redis.url }, prefix: 'pliant' });
    try {
      expect((await jobs.getJob(jobIdOf(long.feedback.id)))?.data).toMatchObject({ timeout: 60_000 });
    } finally {
      await jobs.close();
    }
    const short = fakeFeedback(905);
    const shortError = await rejection(session.evaluate({ candidate, candidateJson: candidate, feedback: short.feedback, timeout: 150 }));
    expect(shortError.message).toMatch(/^pliant worker: trial 905 ran past its timeout of 150 ms/);
  });

  it('a worker that hangs (and ignores the timeout): the controller fails the trial as timed out, and refuses its later calls', async () => {
    const queue = 'once-hung';
    // A worker of another kind: it takes the job, sends a report after 3 s, and never ends the job.
    let reported: Promise<unknown> | undefined;
    const hung = new Worker(
      queue,
      async (job) => {
        await new Promise((resolve) => setTimeout(resolve, 3000));
        reported = job.updateProgress({ call: 'report', seq: 0, index: 1, value: 0.5, step: 1 });
        return await new Promise(() => undefined);
      },
      { connection: { url: redis.url }, prefix: 'pliant', lockDuration: 5000 },
    );
    try {
      await hung.waitUntilReady();
      const session = await open(queue);
      const { feedback, calls } = fakeFeedback(906);
      const candidate = { fn: 'value', x: 1 };
      const started = Date.now();
      const error = await rejection(session.evaluate({ candidate, candidateJson: candidate, feedback, timeout: 300 }));
      const took = Date.now() - started;
      expect(error).toBeInstanceOf(PliantError);
      expect((error as PliantError).code).toBe('timeout');
      expect(error.message).toMatch(/^bullmqExecutor: trial 906 ran past its timeout of 300 ms: no outcome came from its worker within 2000 ms more/);
      expect(took).toBeGreaterThanOrEqual(2300);
      expect(took).toBeLessThan(2300 + 1500);
      // the hung worker's later call gets an answer: the trial has ended
      await until('the late report', () => reported !== undefined);
      await reported;
      const reply = await client.blpop(`pliant:${queue}:reply:${jobIdOf(feedback.id)}`, 5);
      expect(JSON.parse(reply?.[1] ?? 'null')).toMatchObject({ seq: 0, ended: true, shouldStop: true });
      expect(calls).toEqual([]);
    } finally {
      await hung.close(true);
    }
  });
});
