/**
 * The job-queue executor: trials go to a BullMQ queue on Redis, and workers on any number of
 * machines (`pliant worker`) evaluate them. The algorithm, the journal and the cache stay in the
 * controller (the process that runs `search`); workers only evaluate.
 *
 * - A trial is one job whose id is derived from the trial's id, so adding it twice (a controller
 *   that resumes its study) finds the job already there: each trial is evaluated once, and its
 *   result is recorded once (the first end of a trial wins).
 * - A worker that dies mid-trial stops renewing the job's lock; after `lockDuration` BullMQ's
 *   stalled-job check (run by the other workers) puts the job back in the queue and another worker
 *   takes it up (up to `maxStalledCount` times). Before it starts the objective, a worker claims
 *   the trial's run key and keeps the claim alive with a heartbeat; a worker handed a job whose run
 *   is still alive (its lock lapsed while Redis was away, not its worker) waits for that run and
 *   returns its outcome instead of starting the objective again (see `startQueueWorker` for what
 *   is exactly once, and when it is at least once).
 * - A trial's timeout travels in its job: the worker enforces the shorter of it and its own
 *   `--timeout`; the controller enforces it too, from when it sees the job taken up, plus a grace,
 *   so a trial whose worker hangs or vanishes fails as timed out instead of waiting for ever.
 *   Whichever ends the trial first wins; the other end is ignored.
 * - The worker's calls on the trial's handle (`report`, `done`, `prune`, `fail`) travel as job
 *   progress; the controller records each in the journal, then answers on a Redis list (with
 *   `shouldStop`), so a report is in the journal before the worker's `report` returns.
 * - Completions arrive as queue events; a poll of the jobs in flight (`pollInterval`) catches any
 *   an event was missed for (a Redis restart, a controller that resumed after the job ended).
 */
import { PliantError } from '../base/errors.js';
import { requireOptional } from '../base/optional-dependency.js';
import type { Measurement } from '../base/measurement.js';
import { openRedis, retryStrategy, safeRedisUrl } from '../base/redis-connection.js';
import type { Evaluation, Executor, ExecutorContext, ExecutorSession, ObjectiveResult, ObjectiveSource, TrialFeedback } from './executor.js';
import { resolveObjectiveModule } from './objective-module.js';
import { messageOf } from '../base/errors.js';
import { JOB_KIND, jobIdOf, jobResultSchema, parseRunEnd, queueNameOf, replyKeyOf, runKeyOf, trialCallSchema } from './queue-protocol.js';
import type { RunOutcome, TrialJob, TrialReply } from './queue-protocol.js';
import { reviveError } from './thread-protocol.js';
import type * as Bullmq from 'bullmq';

/** Options of {@link bullmqExecutor}. */
export interface BullmqExecutorOptions {
  /** The Redis server: `redis://[:password@]host:port[/db]`. */
  readonly connection: string;
  /** The queue (default `pliant-<study>`, the queue `pliant worker --study <study>` serves). */
  readonly queue?: string;
  /** The prefix of BullMQ's keys (default `pliant`; workers must use the same). */
  readonly prefix?: string;
  /** How many trials the controller keeps in flight: the default `concurrency` of `search` (default 4). */
  readonly capacity?: number;
  /** Milliseconds between checks of the jobs in flight, for completions whose event was missed (default 2000). */
  readonly pollInterval?: number;
}

/** The least time the controller waits past a trial's timeout for its worker to report it, in ms. */
const TIMEOUT_GRACE_MS = 2000;

type BullmqModule = typeof Bullmq;
const API = 'bullmqExecutor';

/** Loads BullMQ (an optional dependency). */
export function loadBullmq(api: string): BullmqModule {
  return requireOptional<BullmqModule>('bullmq', api, 'npm install bullmq@6 ioredis@6');
}

/**
 * An executor that puts each trial on a BullMQ queue for `pliant worker` processes to evaluate:
 *
 * ```ts
 * await search(space, { module: new URL('./objective.js', import.meta.url) }, {
 *   study: 'mnist', storage: redisStorage('redis://10.0.0.5:6379'),
 *   executor: bullmqExecutor({ connection: 'redis://10.0.0.5:6379' }), concurrency: 8,
 * });
 * // on each machine: pliant worker --redis redis://10.0.0.5:6379 --study mnist --objective ./objective.js
 * ```
 *
 * The objective runs in the workers, so `search` takes it as a module reference (the workers
 * load their own copy with `--objective`). It is `durable`: a search resumed after its controller
 * stopped takes up the trials still running (or finished meanwhile) instead of abandoning them.
 *
 * `evaluate` resolves with what the objective returned on its worker, and rejects with an error of
 * the name, message and code the objective's error had (a `Pruned` is recognised by its name; a
 * trial past its timeout on the worker is a `PliantError` of code `timeout`). An evaluation's
 * `timeout` goes in the trial's job, and the worker enforces the shorter of it and its own
 * `--timeout`; the controller enforces it as well, counting from when it first sees the job taken
 * up by a worker, plus a grace (the longer of 2 s and `pollInterval`): past that it rejects with
 * code `timeout`, abandons the job (removed from the queue if no worker holds it; the worker's
 * later calls on the trial's handle are refused), and ignores whatever the worker reports later. A
 * job that failed without a recorded outcome (a worker lost for good, BullMQ giving up on a job
 * that stalled too often) rejects with code `remote`; `close` rejects the evaluations in flight
 * with code `state`.
 */
export function bullmqExecutor(options: BullmqExecutorOptions): Executor {
  if (typeof options !== 'object' || options === null || typeof options.connection !== 'string') {
    throw new PliantError(API, 'argument', 'bullmqExecutor takes { connection: "redis://host:port" }');
  }
  const capacity = options.capacity ?? 4;
  if (!Number.isInteger(capacity) || capacity < 1)
    throw new PliantError(API, 'argument', `capacity must be a positive integer, found ${String(options.capacity)}`);
  const pollInterval = options.pollInterval ?? 2000;
  if (!(pollInterval > 0)) throw new PliantError(API, 'argument', `pollInterval must be positive, found ${String(options.pollInterval)}`);
  return {
    name: 'bullmq',
    capacity,
    durable: true,
    async open<C>(objective: ObjectiveSource<C>, context?: ExecutorContext): Promise<ExecutorSession<C>> {
      if (typeof objective === 'function') {
        throw new PliantError(
          API,
          'argument',
          'the objective runs in the workers: pass it as a module ({ module: new URL("./objective.js", import.meta.url) }), the module the workers load with --objective',
        );
      }
      const module = resolveObjectiveModule(objective, API).specifier;
      const study = context?.study;
      const queueName = options.queue ?? (study === undefined ? undefined : queueNameOf(study));
      if (queueName === undefined) throw new PliantError(API, 'argument', 'name the queue (options.queue) when the executor is not used by search');
      return QueueSession.open<C>(options, queueName, study ?? queueName, module, pollInterval);
    },
  };
}

interface InFlight {
  readonly feedback: TrialFeedback;
  /** The evaluation's timeout, in ms. */
  readonly timeout: number | undefined;
  /** The controller's own deadline, armed when it first sees a worker take the job up. */
  timer: NodeJS.Timeout | undefined;
  readonly resolve: (value: ObjectiveResult) => void;
  readonly reject: (error: unknown) => void;
  /** How many of the trial's reports are recorded (a run after a stall, or a resumed controller, sees them again). */
  recorded: number;
  /** Calls are handled one at a time, in order. */
  chain: Promise<void>;
}

class QueueSession<C> implements ExecutorSession<C> {
  readonly #queue: Bullmq.Queue;
  readonly #events: Bullmq.QueueEvents;
  readonly #replies: import('ioredis').Redis;
  readonly #queueName: string;
  readonly #prefix: string;
  readonly #study: string;
  readonly #module: string;
  readonly #inFlight = new Map<string, InFlight>();
  /** Jobs whose trial the controller ended as timed out: the reason, for the calls they still send. */
  readonly #abandoned = new Map<string, string>();
  readonly #grace: number;
  readonly #timer: NodeJS.Timeout;
  #closed = false;

  private constructor(
    queue: Bullmq.Queue,
    events: Bullmq.QueueEvents,
    replies: import('ioredis').Redis,
    queueName: string,
    prefix: string,
    study: string,
    module: string,
    pollInterval: number,
  ) {
    this.#queue = queue;
    this.#events = events;
    this.#replies = replies;
    this.#queueName = queueName;
    this.#prefix = prefix;
    this.#study = study;
    this.#module = module;
    this.#grace = Math.max(TIMEOUT_GRACE_MS, pollInterval);
    events.on('active', ({ jobId }) => this.#started(jobId));
    events.on('progress', ({ jobId, data }) => this.#onCall(jobId, data));
    events.on('completed', ({ jobId, returnvalue }) => this.#settle(jobId, { returned: returnvalue }));
    events.on('failed', ({ jobId, failedReason }) => this.#settle(jobId, { failed: failedReason }));
    events.on('error', () => undefined); // connection trouble: ioredis reconnects, the poll covers the gap
    this.#timer = setInterval(() => void this.#poll(), pollInterval);
    this.#timer.unref();
  }

  static async open<C>(options: BullmqExecutorOptions, queueName: string, study: string, module: string, pollInterval: number): Promise<QueueSession<C>> {
    if (!/^[A-Za-z0-9_.~-]+$/.test(queueName))
      throw new PliantError(API, 'argument', `a queue name takes letters, digits and _ . ~ - only, found ${JSON.stringify(queueName)}`);
    const bull = loadBullmq(API);
    const replies = await openRedis(options.connection, API);
    const prefix = options.prefix ?? 'pliant';
    const connection = { url: options.connection, maxRetriesPerRequest: null, retryStrategy };
    let queue: Bullmq.Queue | undefined;
    let events: Bullmq.QueueEvents | undefined;
    try {
      queue = new bull.Queue(queueName, { connection, prefix });
      queue.on('error', () => undefined);
      events = new bull.QueueEvents(queueName, { connection, prefix });
      await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    } catch (cause) {
      replies.disconnect();
      await Promise.allSettled([queue?.close(), events?.close()]);
      throw new PliantError(API, 'argument', `cannot open the queue '${queueName}' on ${safeRedisUrl(options.connection)}: ${messageOf(cause)}`, { cause });
    }
    return new QueueSession<C>(queue, events, replies, queueName, prefix, study, module, pollInterval);
  }

  async evaluate(evaluation: Evaluation<C>): Promise<ObjectiveResult> {
    if (this.#closed) throw new PliantError(API, 'state', 'the executor is closed');
    const { feedback } = evaluation;
    const timeout: unknown = evaluation.timeout;
    if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0))
      throw new PliantError(API, 'argument', `an evaluation's timeout must be a positive number of milliseconds, found ${String(timeout)}`);
    const jobId = jobIdOf(feedback.id);
    this.#abandoned.delete(jobId);
    const done = new Promise<ObjectiveResult>((resolve, reject) => {
      this.#inFlight.set(jobId, {
        feedback,
        timeout,
        timer: undefined,
        resolve,
        reject,
        recorded: evaluation.reports ?? 0,
        chain: Promise.resolve(),
      });
    });
    const data: TrialJob = {
      kind: JOB_KIND,
      version: 1,
      study: this.#study,
      trial: { id: feedback.id, number: feedback.number, dna: feedback.dna.toJSON() },
      candidate: evaluation.candidateJson as TrialJob['candidate'],
      objective: this.#module,
      ...(timeout === undefined ? {} : { timeout }),
    };
    // The same id again (a resumed search) finds the job there: BullMQ adds nothing.
    await this.#queue.add('trial', data, { jobId, attempts: 1, removeOnComplete: false, removeOnFail: false });
    await this.#check(jobId);
    return done;
  }

  /** Settles a job in flight from its state in Redis, if it has ended; arms its deadline once a worker took it up. */
  async #check(jobId: string): Promise<void> {
    const flight = this.#inFlight.get(jobId);
    if (flight === undefined) return;
    const state = await this.#queue.getJobState(jobId);
    if (flight.timeout !== undefined && flight.timer === undefined) {
      if (state === 'active') this.#started(jobId);
      else if (state !== 'completed' && state !== 'failed' && state !== 'unknown') {
        // Back in the queue after its worker was lost: it has started all the same.
        const job = await this.#queue.getJob(jobId);
        if (job !== undefined && (job.attemptsStarted > 0 || job.processedOn !== undefined)) this.#started(jobId);
      }
    }
    if (state !== 'completed' && state !== 'failed') return;
    const job = await this.#queue.getJob(jobId);
    if (job === undefined) return;
    this.#settle(jobId, state === 'completed' ? { returned: job.returnvalue } : { failed: job.failedReason });
  }

  async #poll(): Promise<void> {
    for (const jobId of [...this.#inFlight.keys()]) {
      try {
        await this.#check(jobId);
      } catch {
        // Redis is away: the next poll tries again
      }
    }
  }

  /** A worker took the job up: arms the controller's deadline of a trial with a timeout (once). */
  #started(jobId: string): void {
    const flight = this.#inFlight.get(jobId);
    if (flight === undefined || flight.timeout === undefined || flight.timer !== undefined) return;
    flight.timer = setTimeout(() => void this.#expire(jobId, flight), flight.timeout + this.#grace);
  }

  /** No outcome within the trial's timeout and the grace: the trial fails as timed out, and its job is abandoned. */
  async #expire(jobId: string, flight: InFlight): Promise<void> {
    if (this.#inFlight.get(jobId) !== flight) return;
    this.#inFlight.delete(jobId);
    const reason = `trial ${flight.feedback.number} ran past its timeout of ${flight.timeout} ms: no outcome came from its worker within ${this.#grace} ms more (the worker hung or was lost), so the trial was abandoned`;
    this.#abandoned.set(jobId, reason);
    flight.reject(new PliantError(API, 'timeout', reason));
    try {
      // A job back in the queue (its worker lost) would otherwise be run for a trial already ended.
      const state = await this.#queue.getJobState(jobId);
      if (state === 'waiting' || state === 'delayed' || state === 'prioritized' || state === 'waiting-children') await this.#queue.remove(jobId);
    } catch {
      // Redis is away, or a worker took the job meanwhile: its outcome is ignored
    }
  }

  /** The outcome a worker recorded in the trial's run key, if any. */
  async #recorded(jobId: string): Promise<RunOutcome | undefined> {
    try {
      return parseRunEnd(await this.#replies.get(runKeyOf(this.#prefix, this.#queueName, jobId)));
    } catch {
      return undefined;
    }
  }

  #settle(jobId: string, outcome: { returned: unknown } | { failed: string }): void {
    const flight = this.#inFlight.get(jobId);
    if (flight === undefined) return; // another controller's job, or one settled already
    this.#inFlight.delete(jobId);
    clearTimeout(flight.timer);
    // Calls still being handled (a `done` sent just before the job returned) go first.
    void flight.chain.then(async () => {
      if ('failed' in outcome) {
        // BullMQ keeps the message of the error only: the worker recorded the error itself (its
        // name and code) in the trial's run key. A run that ended well in a job that failed after
        // (its lock lost, then stalled too often) counts as what the objective returned.
        const recorded = await this.#recorded(jobId);
        if (recorded === undefined) {
          flight.reject(new PliantError(API, 'remote', `trial ${flight.feedback.number} failed on its worker: ${outcome.failed || 'the job failed'}`));
          return;
        }
        if (!recorded.ok) {
          flight.reject(reviveError(recorded.error));
          return;
        }
        outcome = { returned: recorded.result };
      }
      let value = outcome.returned;
      if (typeof value === 'string') {
        try {
          value = JSON.parse(value);
        } catch {
          // a plain string: rejected below
        }
      }
      const parsed = jobResultSchema.safeParse(value ?? { pliant: 'ended' });
      if (!parsed.success) {
        flight.reject(new PliantError(API, 'argument', `trial ${flight.feedback.number}: the worker returned ${JSON.stringify(value)}, not a measurement`));
        return;
      }
      const result = parsed.data;
      if (typeof result === 'object' && 'pliant' in result) {
        if (result.pliant === 'pruned') {
          const pruned = new Error('pruned by the objective');
          pruned.name = 'Pruned';
          flight.reject(pruned);
        } else flight.resolve(undefined);
        return;
      }
      flight.resolve(result as Measurement);
    });
  }

  #onCall(jobId: string, data: unknown): void {
    const flight = this.#inFlight.get(jobId);
    if (flight === undefined) {
      const abandoned = this.#abandoned.get(jobId);
      if (abandoned !== undefined) void this.#refuse(jobId, data, abandoned);
      return;
    }
    flight.chain = flight.chain.then(async () => {
      let raw = data;
      if (typeof raw === 'string') {
        try {
          raw = JSON.parse(raw);
        } catch {
          // rejected below
        }
      }
      const parsed = trialCallSchema.safeParse(raw);
      if (!parsed.success) {
        // A call this controller cannot read (another version of pliant): answer with the reason,
        // so the worker fails the call at once. Progress that is not a call at all is ignored.
        const seq = (raw as { seq?: unknown } | null)?.seq;
        if (typeof seq === 'number') {
          const key = replyKeyOf(this.#prefix, this.#queueName, jobId);
          const reply: TrialReply = {
            seq,
            shouldStop: false,
            ended: flight.feedback.ended,
            error: `the controller cannot read the call: ${parsed.error.issues[0]?.message ?? 'malformed'}`,
          };
          await this.#replies.multi().rpush(key, JSON.stringify(reply)).expire(key, 600).exec();
        }
        return;
      }
      const call = parsed.data;
      const feedback = flight.feedback;
      try {
        if (!feedback.ended) {
          if (call.call === 'report') {
            // A run after a stall repeats the reports of the first: record each report once,
            // by its position among the run's reports.
            if (call.index > flight.recorded) {
              await feedback.report(call.value, { step: call.step, ...(call.metrics === undefined ? {} : { metrics: call.metrics }) });
              flight.recorded = call.index;
            }
          } else if (call.call === 'done') await feedback.done(call.value, call.metrics === undefined ? {} : { metrics: call.metrics });
          else if (call.call === 'prune') await feedback.prune();
          else await feedback.fail(new Error(call.error));
        }
      } finally {
        const reply: TrialReply = { seq: call.seq, shouldStop: feedback.ended || feedback.shouldStop(), ended: feedback.ended };
        const key = replyKeyOf(this.#prefix, this.#queueName, jobId);
        await this.#replies.multi().rpush(key, JSON.stringify(reply)).expire(key, 600).exec();
      }
    });
    flight.chain = flight.chain.catch(() => undefined);
  }

  /** Answers a call of a job whose trial this controller abandoned: the trial has ended, with the reason. */
  async #refuse(jobId: string, data: unknown, reason: string): Promise<void> {
    let raw = data;
    if (typeof raw === 'string') {
      try {
        raw = JSON.parse(raw);
      } catch {
        return;
      }
    }
    const seq = (raw as { seq?: unknown } | null)?.seq;
    if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 0) return;
    const key = replyKeyOf(this.#prefix, this.#queueName, jobId);
    const reply: TrialReply = { seq, shouldStop: true, ended: true, error: reason };
    try {
      await this.#replies.multi().rpush(key, JSON.stringify(reply)).expire(key, 600).exec();
    } catch {
      // Redis is away: the worker sends the call again
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    for (const flight of this.#inFlight.values()) {
      clearTimeout(flight.timer);
      flight.reject(new PliantError(API, 'state', `the executor closed before trial ${flight.feedback.number} ended`));
    }
    this.#inFlight.clear();
    await Promise.allSettled([this.#events.close(), this.#queue.close()]);
    this.#replies.disconnect();
  }
}
