/**
 * A worker of the job-queue executor: pulls trials from a study's BullMQ queue, evaluates them
 * with the user's objective module, and sends the trial's calls and its result back. Run it as
 * `pliant worker --redis <url> --study <name> --objective <module>`, on any number of machines;
 * workers can join or leave at any time (a worker killed mid-trial leaves its job to be taken up
 * by another once its lock lapses).
 */
import { DNA } from '../geno/dna.js';
import type { Measurement } from '../base/measurement.js';
import { openRedis, retryStrategy, safeRedisUrl } from '../base/redis-connection.js';
import { PliantError } from '../base/errors.js';
import { fromJSON } from '../symbolic/json.js';
import { loadBullmq } from './bullmq-executor.js';
import type { ObjectiveFunction, ObjectiveSource, TrialFeedback, TrialReportOptions } from './executor.js';
import { ensureTypeScriptLoader, loadObjective, resolveObjectiveModule } from './objective-module.js';
import { messageOf } from '../base/errors.js';
import { jobResultSchema, queueNameOf, replyKeyOf, trialCallSchema, trialJobSchema, trialReplySchema } from './queue-protocol.js';
import type { JobResult, TrialCall, TrialJob } from './queue-protocol.js';
import type * as Bullmq from 'bullmq';
import type { Redis } from 'ioredis';

/** Options of {@link startQueueWorker}. */
export interface QueueWorkerOptions {
  /** The Redis server: `redis://[:password@]host:port[/db]`. */
  readonly connection: string;
  /** The study whose queue to serve (its queue is `pliant-<study>`). */
  readonly study?: string;
  /** The queue, when not the study's. */
  readonly queue?: string;
  /** The objective module (a path, a `file:` URL, or `{ module, export }`). */
  readonly objective: ObjectiveSource;
  /** Modules to import first (those that register the candidates' symbolic types). */
  readonly imports?: readonly string[];
  /** Trials evaluated at once by this worker (default 1). */
  readonly concurrency?: number;
  /** Milliseconds a trial may run before it fails as timed out (default: no limit). */
  readonly timeout?: number;
  /** How long a job's lock lasts, in ms (default 30000): a worker dead this long loses its trial to another. */
  readonly lockDuration?: number;
  /** How often to look for stalled jobs, in ms (default: `lockDuration`). */
  readonly stalledInterval?: number;
  /** How many times a trial whose worker died is run again before it fails (default 5). */
  readonly maxStalledCount?: number;
  /**
   * How long a call on the trial's handle waits for the controller's answer, in ms (default
   * 600000): a controller that restarts within it finds the trial still running. Past it, the
   * call fails (and with it, usually, the trial).
   */
  readonly replyTimeout?: number;
  /** The prefix of BullMQ's keys (default `pliant`). */
  readonly prefix?: string;
  /** Where log lines go (default: stderr). */
  readonly log?: (line: string) => void;
}

/** A running worker. */
export interface QueueWorker {
  /** The queue it serves. */
  readonly queue: string;
  /** Trials it has finished (completed, failed or pruned). */
  readonly finished: number;
  /** Stops taking trials, waits for those running, and disconnects. */
  close(): Promise<void>;
}

const API = 'pliant worker';
/** How long a call on a trial's handle waits for its answer before it is sent again. */
const RESEND_MS = 2000;

/** Starts a worker; resolves once it is connected and serving. */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const queueName = options.queue ?? (options.study === undefined ? undefined : queueNameOf(options.study));
  if (queueName === undefined) throw new PliantError(API, 'argument', 'name the study (or the queue) to serve');
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new PliantError(API, 'argument', `concurrency must be a positive integer, found ${String(options.concurrency)}`);
  if (options.timeout !== undefined && !(options.timeout > 0))
    throw new PliantError(API, 'argument', `timeout must be positive, found ${String(options.timeout)}`);
  const prefix = options.prefix ?? 'pliant';
  const replyTimeout = options.replyTimeout ?? 600_000;
  const lockDuration = options.lockDuration ?? 30_000;

  // The connection first: a wrong password or an unreachable server is an error now.
  const probe = await openRedis(options.connection, API);
  probe.disconnect();
  const objective = await load(options);
  const bull = loadBullmq(API);
  const connection = { url: options.connection, maxRetriesPerRequest: null, retryStrategy };
  let finished = 0;
  // Connections for the controller's answers (blocking reads: one per trial running at once),
  // kept between trials instead of opened for each.
  const idle: Redis[] = [];
  const busy = new Set<Redis>();

  const processor = async (job: Bullmq.Job): Promise<JobResult> => {
    const parsed = trialJobSchema.safeParse(job.data);
    if (!parsed.success) {
      const reason = `rejected job ${String(job.id)} (${job.name}): not a pliant trial (${parsed.error.issues[0]?.message ?? 'malformed'} at '${parsed.error.issues[0]?.path.join('.') ?? ''}')`;
      log(`pliant worker: ${reason}`);
      throw new bull.UnrecoverableError(reason);
    }
    const data = parsed.data;
    const started = Date.now();
    log(`pliant worker: trial ${data.trial.number} started${job.attemptsStarted > 1 || (job.stalledCounter ?? 0) > 0 ? ' (again: its worker was lost)' : ''}`);
    const replies = idle.pop() ?? (await openRedis(options.connection, API));
    busy.add(replies);
    let reusable = false;
    try {
      const result = await runTrial(objective, data, job, replies, prefix, queueName, replyTimeout, options.timeout);
      log(`pliant worker: trial ${data.trial.number} ${describe(result)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      reusable = true;
      return result;
    } catch (error) {
      log(`pliant worker: trial ${data.trial.number} failed in ${((Date.now() - started) / 1000).toFixed(1)} s: ${messageOf(error)}`);
      throw error instanceof Error ? error : new Error(messageOf(error));
    } finally {
      finished++;
      busy.delete(replies);
      // After a failure (a timeout: the objective may still be running and calling), the
      // connection is not handed to another trial.
      if (reusable) idle.push(replies);
      else replies.disconnect();
    }
  };

  const worker = new bull.Worker(queueName, processor, {
    connection,
    prefix,
    concurrency,
    lockDuration,
    stalledInterval: options.stalledInterval ?? lockDuration,
    maxStalledCount: options.maxStalledCount ?? 5,
    autorun: true,
  });
  worker.on('error', (error) => log(`pliant worker: ${messageOf(error)} (retrying)`));
  await worker.waitUntilReady();
  log(`pliant worker: serving queue '${queueName}' on ${safeRedisUrl(options.connection)} (concurrency ${concurrency})`);
  return {
    queue: queueName,
    get finished() {
      return finished;
    },
    async close() {
      await worker.close();
      for (const r of [...busy, ...idle]) r.disconnect();
    },
  };
}

async function load(options: QueueWorkerOptions): Promise<ObjectiveFunction> {
  const specifiers = [...(options.imports ?? []), resolveObjectiveModule(options.objective, API).specifier];
  for (const s of specifiers) await ensureTypeScriptLoader(s, API);
  for (const m of options.imports ?? []) {
    try {
      await import(resolveObjectiveModule(m, API).specifier);
    } catch (cause) {
      throw new PliantError(API, 'argument', `cannot import ${m}: ${messageOf(cause)}`, { cause });
    }
  }
  return loadObjective(options.objective, API);
}

function describe(result: JobResult): string {
  if (typeof result === 'number') return `returned ${result}`;
  if ('pliant' in result) return result.pliant === 'pruned' ? 'was pruned' : 'ended itself';
  return `returned ${JSON.stringify(result)}`;
}

async function runTrial(
  objective: ObjectiveFunction,
  data: TrialJob,
  job: Bullmq.Job,
  replies: Redis,
  prefix: string,
  queueName: string,
  replyTimeout: number,
  timeout: number | undefined,
): Promise<JobResult> {
  let candidate: unknown;
  try {
    candidate = fromJSON(data.candidate as Parameters<typeof fromJSON>[0]);
  } catch (cause) {
    throw new PliantError(
      API,
      'json',
      `cannot rebuild the candidate of trial ${data.trial.number}: ${messageOf(cause)} (import the modules that register its symbolic types: --import <module>)`,
      { cause },
    );
  }
  const dna = data.trial.dna === null ? new DNA(undefined) : DNA.fromJSON(data.trial.dna);
  const state = { shouldStop: false, ended: false };
  let reports = 0;
  let calls = 0;
  const key = replyKeyOf(prefix, queueName, String(job.id));
  await replies.del(key); // answers meant for an earlier run of this job
  // A call goes as job progress; the controller answers on the job's reply list. Without an
  // answer within RESEND_MS (a controller that restarted, an event lost in a Redis restart) the
  // same call is sent again; the controller records each call once.
  const call = async (message: TrialCall): Promise<void> => {
    // A value the controller cannot take is the objective's mistake: say so here, at once (as
    // the trial handle does in-process), rather than send a call that gets no answer.
    const checked = trialCallSchema.safeParse(message);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new PliantError(
        `trial.${message.call}`,
        'argument',
        `trial ${data.trial.number}: ${issue?.message ?? 'malformed'} at '${issue?.path.join('.') ?? ''}' (a measurement is a finite number or a record of them)`,
      );
    }
    const deadline = Date.now() + replyTimeout;
    for (;;) {
      await job.updateProgress(message as unknown as object);
      const until = Math.min(deadline, Date.now() + RESEND_MS);
      while (Date.now() < until) {
        const answer = await replies.blpop(key, Math.max(0.1, (until - Date.now()) / 1000));
        if (answer === null) break;
        const reply = trialReplySchema.safeParse(JSON.parse(answer[1]));
        if (reply.success && reply.data.seq === message.seq) {
          if (reply.data.error !== undefined) throw new PliantError(`trial.${message.call}`, 'argument', `trial ${data.trial.number}: ${reply.data.error}`);
          state.shouldStop = reply.data.shouldStop;
          state.ended = reply.data.ended;
          return;
        }
      }
      if (Date.now() >= deadline)
        throw new PliantError(
          API,
          'argument',
          `trial ${data.trial.number}: the controller did not answer a ${message.call} within ${replyTimeout} ms (is it running?)`,
        );
    }
  };
  const feedback: TrialFeedback = {
    id: data.trial.id,
    number: data.trial.number,
    dna,
    get ended() {
      return state.ended;
    },
    async report(value: Measurement, options: TrialReportOptions = {}) {
      reports++;
      await call({
        call: 'report',
        seq: calls++,
        index: reports,
        value,
        step: options.step ?? reports,
        ...(options.metrics === undefined ? {} : { metrics: { ...options.metrics } }),
      });
    },
    shouldStop: () => state.shouldStop,
    async done(value?: Measurement, options: { metrics?: Readonly<Record<string, number>> } = {}) {
      await call({
        call: 'done',
        seq: calls++,
        ...(value === undefined ? {} : { value }),
        ...(options.metrics === undefined ? {} : { metrics: { ...options.metrics } }),
      });
    },
    async prune() {
      await call({ call: 'prune', seq: calls++ });
    },
    async fail(error: unknown) {
      await call({ call: 'fail', seq: calls++, error: messageOf(error) });
    },
  };
  let value: unknown;
  try {
    value = await withTimeout(Promise.resolve(objective(candidate, feedback)), timeout, data.trial.number);
  } catch (error) {
    if (error instanceof Error && error.name === 'Pruned') return { pliant: 'pruned' };
    throw error;
  }
  if (state.ended) return { pliant: 'ended' };
  const result = jobResultSchema.safeParse(value ?? { pliant: 'ended' });
  if (!result.success)
    throw new PliantError(API, 'argument', `the objective of trial ${data.trial.number} returned ${JSON.stringify(value)}: a number or a record of numbers`);
  return result.data;
}

async function withTimeout<T>(promise: Promise<T>, ms: number | undefined, trial: number): Promise<T> {
  if (ms === undefined) return promise;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_r, reject) => (timer = setTimeout(() => reject(new Error(`trial ${trial} timed out after ${ms / 1000} s`)), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
