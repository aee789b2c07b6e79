/**
 * A worker of the job-queue executor: pulls trials from a study's BullMQ queue, evaluates them
 * with the user's objective module, and sends the trial's calls and its result back. Run it as
 * `pliant worker --redis <url> --study <name> --objective <module>`, on any number of machines;
 * workers can join or leave at any time (a worker killed mid-trial leaves its job to be taken up
 * by another once its lock and its run's claim lapse). A trial's objective starts once while the
 * run that started it is alive, also across Redis restarts (see {@link startQueueWorker}).
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { DNA } from '../geno/dna.js';
import type { Measurement } from '../base/measurement.js';
import { openRedis, retryStrategy, safeRedisUrl } from '../base/redis-connection.js';
import { PliantError } from '../base/errors.js';
import { fromJSON } from '../symbolic/json.js';
import { loadBullmq } from './bullmq-executor.js';
import type { ObjectiveFunction, ObjectiveSource, TrialFeedback, TrialReportOptions } from './executor.js';
import { ensureTypeScriptLoader, loadObjective, resolveObjectiveModule } from './objective-module.js';
import { messageOf } from '../base/errors.js';
import {
  END_PREFIX,
  RUN_PREFIX,
  jobResultSchema,
  parseRunEnd,
  queueNameOf,
  replyKeyOf,
  runKeyOf,
  trialCallSchema,
  trialJobSchema,
  trialReplySchema,
} from './queue-protocol.js';
import type { JobResult, RunOutcome, TrialCall, TrialJob } from './queue-protocol.js';
import { reviveError, serializeError } from './thread-protocol.js';
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
  /**
   * Milliseconds a trial may run before it fails as timed out (default: no limit). A trial whose
   * job carries a timeout of its own (the controller's `timeout`) gets the shorter of the two.
   */
  readonly timeout?: number;
  /** How long a job's lock lasts, in ms (default 30000): a worker dead this long loses its trial to another. */
  readonly lockDuration?: number;
  /** How often to look for stalled jobs, in ms (default: `lockDuration`). */
  readonly stalledInterval?: number;
  /** How many times a trial whose worker died is run again before it fails (default 5). */
  readonly maxStalledCount?: number;
  /**
   * How long a trial's run stays claimed without a heartbeat from the worker running it, in ms
   * (default: 4 × `lockDuration`). The worker renews its claim every eighth of this while the
   * objective runs. Another worker given the same job (BullMQ's stalled-job check hands a job on
   * once its lock lapses) waits while the claim is alive, and runs the objective only once the
   * claim lapsed: so this is also how long a trial whose worker died waits before it is run again,
   * and how long Redis may be away (a restart) without a trial running twice. See
   * {@link startQueueWorker}.
   */
  readonly runTtl?: number;
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
  /** Trials it has finished (completed, failed or pruned): runs of the objective it started and saw end. */
  readonly finished: number;
  /**
   * Stops taking trials, waits for those running, and disconnects. A job it was only waiting on
   * (its trial runs elsewhere) goes back to the queue.
   */
  close(): Promise<void>;
}

const API = 'pliant worker';
/** How long a call on a trial's handle waits for its answer before it is sent again. */
const RESEND_MS = 2000;
/** How long a run key keeps the outcome of its run: a job handed out again meanwhile returns it. */
const END_TTL_MS = 7 * 24 * 3600 * 1000;
/** The longest pause between two looks at a run key held by another worker's live run. */
const WAIT_POLL_MS = 500;

/**
 * Claims a trial's run key: sets it to ARGV[1] (`run:<token>`) for ARGV[2] ms when it is free and
 * returns '', else returns what it holds (another run's token, or the outcome of an ended run).
 */
const CLAIM_SCRIPT = `local v = redis.call('GET', KEYS[1])
if not v then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return ''
end
return v`;

/**
 * A run's heartbeat: renews the claim ARGV[1] for ARGV[2] ms (1), takes the key again when it
 * lapsed and nobody took it meanwhile (2), or says another run holds it now (0).
 */
const HEARTBEAT_SCRIPT = `local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not v then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 2
end
return 0`;

/** Records a run's outcome ARGV[2] (kept ARGV[3] ms) if the run still holds the key ARGV[1]. */
const END_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0`;

/** A run of the objective this worker started, with its claim on the trial's run key. */
interface Run {
  readonly key: string;
  readonly token: string;
  readonly number: number;
  /** A heartbeat is on its way (Redis may be away: it waits for the reconnection). */
  beating: boolean;
  /** Another run took the key over: this one is no longer the trial's run. */
  lost: boolean;
}

/** What claiming a trial's run key found. */
type Claim =
  | { readonly kind: 'claimed'; readonly run: Run; readonly waited: boolean }
  | { readonly kind: 'ended'; readonly outcome: RunOutcome }
  | { readonly kind: 'closing' };

/**
 * Starts a worker; resolves once it is connected and serving.
 *
 * Exactly once: the objective starts at most once on a trial while the run that started it is
 * alive. BullMQ alone does not give that: when a job's lock lapses (its worker died, or Redis was
 * away longer than the lock's remaining time, e.g. a restart), its stalled-job check hands the job
 * to another worker, even when the first worker is still running it. So before it starts the
 * objective, a worker claims the trial's run key (`<prefix>:<queue>:run:<job id>`, with
 * `SET NX PX runTtl` semantics) and renews the claim with a heartbeat while the objective runs;
 * when the run ends, it writes the run's outcome (what the objective returned, or its error) into
 * the key, kept for 7 days. A worker given a job whose run key is claimed by a live run does not
 * run the objective: it waits (holding the job, so BullMQ does not hand it on again) until that run
 * ends, then returns the same outcome, which completes the job once; a worker given a job whose
 * run has ended returns that outcome at once.
 *
 * At least once, not exactly once: a run whose claim lapsed (no heartbeat reached Redis for
 * `runTtl`) is taken over, and its objective started again, because its worker may have died:
 * - a worker that really died (killed, crashed, its machine lost): the intended take-over;
 * - a worker alive but cut off from Redis, or its thread blocked by a synchronous objective, for
 *   longer than `runTtl`: then the objective runs twice (both runs' calls reach the trial's
 *   handle; the first end is recorded, the other is ignored), and the first worker logs it;
 * - a run key lost by Redis itself: a server without persistence (or with `appendfsync everysec`
 *   losing its last second) restarted, a failover to a replica that had not received the key, an
 *   eviction policy that evicts keys with a TTL, or a `FLUSHALL`;
 * - a run that ended, whose job is then handed out again after the 7 days its outcome is kept.
 * The trial's outcome is recorded once in every case (the study's journal records the first end
 * of a trial only).
 */
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
  const runTtl = Math.round(options.runTtl ?? 4 * lockDuration);
  if (!Number.isFinite(runTtl) || runTtl < 100) throw new PliantError(API, 'argument', `runTtl must be at least 100 ms, found ${String(options.runTtl)}`);

  // The connection first: a wrong password or an unreachable server is an error now. It stays
  // open for the run keys (claims, heartbeats, outcomes): short commands, never blocking.
  const control = await openRedis(options.connection, API);
  let objective: ObjectiveFunction;
  let bull: ReturnType<typeof loadBullmq>;
  try {
    objective = await load(options);
    bull = loadBullmq(API);
  } catch (error) {
    control.disconnect();
    throw error;
  }
  const connection = { url: options.connection, maxRetriesPerRequest: null, retryStrategy };
  let finished = 0;
  let closing = false;
  // Connections for the controller's answers (blocking reads: one per trial running at once),
  // kept between trials instead of opened for each.
  const idle: Redis[] = [];
  const busy = new Set<Redis>();
  const runs = new Set<Run>();
  /** This worker, as its run keys name it. */
  const self = `${hostname()}:${process.pid}`;

  const beat = async (run: Run): Promise<void> => {
    if (run.beating || run.lost) return;
    run.beating = true;
    try {
      // While Redis is away the command waits, and goes as soon as the connection is back.
      const answer = Number(await control.eval(HEARTBEAT_SCRIPT, 1, run.key, run.token, runTtl));
      if (answer === 2) {
        log(
          `pliant worker: trial ${run.number}: its run's claim had lapsed (Redis was away for longer than ${runTtl} ms) and no other worker had taken it: claimed again`,
        );
      } else if (answer === 0 && !run.lost) {
        run.lost = true;
        log(
          `pliant worker: trial ${run.number}: another worker took the trial over (this worker's claim lapsed: no heartbeat reached Redis for ${runTtl} ms); its objective now runs twice, and the first end is recorded`,
        );
      }
    } catch {
      // Redis refused the command: the next beat tries again
    } finally {
      run.beating = false;
    }
  };
  const heartbeat = setInterval(
    () => {
      for (const run of runs) void beat(run);
    },
    Math.max(25, Math.floor(runTtl / 8)),
  );
  heartbeat.unref();

  /** Claims the trial's run key, or waits while another worker's run of it is alive. */
  const claim = async (key: string, number: number): Promise<Claim> => {
    const token = `${RUN_PREFIX}${self}:${randomUUID()}`;
    let waited = false;
    for (;;) {
      const held = String(await control.eval(CLAIM_SCRIPT, 1, key, token, runTtl));
      if (held === '') return { kind: 'claimed', run: { key, token, number, beating: false, lost: false }, waited };
      const outcome = parseRunEnd(held);
      if (outcome !== undefined) return { kind: 'ended', outcome };
      if (!held.startsWith(RUN_PREFIX))
        throw new PliantError(API, 'remote', `trial ${number}: its run key ${key} holds a value this worker cannot read (${held.slice(0, 80)})`);
      if (!waited) {
        log(
          `pliant worker: trial ${number} is running already (on ${held.slice(RUN_PREFIX.length).split(':').slice(0, 2).join(':')}); waiting for that run to end instead of starting it again`,
        );
      }
      waited = true;
      if (closing) return { kind: 'closing' };
      await new Promise((resolve) => setTimeout(resolve, Math.min(WAIT_POLL_MS, Math.max(25, runTtl / 8))));
    }
  };

  /** Records how the run ended in its run key (when the run still holds it). */
  const end = async (run: Run, outcome: RunOutcome): Promise<void> => {
    try {
      const recorded = Number(await control.eval(END_SCRIPT, 1, run.key, run.token, `${END_PREFIX}${JSON.stringify(outcome)}`, END_TTL_MS));
      if (recorded !== 1 && !run.lost) log(`pliant worker: trial ${run.number}: another worker took the trial over before its run ended here`);
    } catch (error) {
      log(`pliant worker: trial ${run.number}: could not record how its run ended: ${messageOf(error)}`);
    }
  };

  const processor = async (job: Bullmq.Job, token?: string): Promise<JobResult> => {
    const parsed = trialJobSchema.safeParse(job.data);
    if (!parsed.success) {
      const reason = `rejected job ${String(job.id)} (${job.name}): not a pliant trial (${parsed.error.issues[0]?.message ?? 'malformed'} at '${parsed.error.issues[0]?.path.join('.') ?? ''}')`;
      log(`pliant worker: ${reason}`);
      throw new bull.UnrecoverableError(reason);
    }
    const data = parsed.data;
    const number = data.trial.number;
    const claimed = await claim(runKeyOf(prefix, queueName, String(job.id)), number);
    if (claimed.kind === 'closing') {
      // Stopping: the job goes back to the queue, for whichever worker is there when the run ends.
      log(`pliant worker: trial ${number}: stopping, so the trial goes back to the queue (for a worker that returns the outcome of the run under way)`);
      await job.moveToWait(token);
      throw new bull.WaitingError();
    }
    if (claimed.kind === 'ended') {
      const { outcome } = claimed;
      log(
        `pliant worker: trial ${number} has run already${outcome.worker === undefined ? '' : ` (on ${outcome.worker})`} and ${outcome.ok ? describe(outcome.result) : `failed: ${outcome.error.message}`}; not run again`,
      );
      if (outcome.ok) return outcome.result;
      throw reviveError(outcome.error);
    }
    const { run, waited } = claimed;
    const timeout = shorter(options.timeout, data.timeout);
    const started = Date.now();
    const again = waited || job.attemptsStarted > 1 || (job.stalledCounter ?? 0) > 0;
    log(`pliant worker: trial ${number} started${again ? ' (again: its worker was lost)' : ''}`);
    runs.add(run);
    let outcome: RunOutcome;
    try {
      const replies = idle.pop() ?? (await openRedis(options.connection, API));
      busy.add(replies);
      let reusable = false;
      try {
        const result = await runTrial(objective, data, job, replies, prefix, queueName, replyTimeout, timeout);
        reusable = true;
        outcome = { ok: true, result, worker: self };
      } finally {
        busy.delete(replies);
        // After a failure (a timeout: the objective may still be running and calling), the
        // connection is not handed to another trial.
        if (reusable) idle.push(replies);
        else replies.disconnect();
      }
    } catch (error) {
      outcome = { ok: false, error: serializeError(error instanceof Error ? error : new Error(messageOf(error))), worker: self };
    }
    runs.delete(run);
    finished++;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    await end(run, outcome);
    if (outcome.ok) {
      log(`pliant worker: trial ${number} ${describe(outcome.result)} in ${seconds} s`);
      return outcome.result;
    }
    log(`pliant worker: trial ${number} failed in ${seconds} s: ${outcome.error.message}`);
    throw reviveError(outcome.error);
  };

  let worker: Bullmq.Worker;
  try {
    worker = new bull.Worker(queueName, processor, {
      connection,
      prefix,
      concurrency,
      lockDuration,
      stalledInterval: options.stalledInterval ?? lockDuration,
      maxStalledCount: options.maxStalledCount ?? 5,
      autorun: true,
    });
    // BullMQ repeats its errors while Redis is away (every lock renewal, every reconnection): each
    // message is logged once per 10 s.
    const logged = new Map<string, number>();
    worker.on('error', (error) => {
      const text = messageOf(error);
      const now = Date.now();
      if (now - (logged.get(text) ?? -Infinity) < 10_000) return;
      logged.set(text, now);
      if (logged.size > 100) logged.delete(logged.keys().next().value as string);
      const lock = /\block\b/i.test(text);
      log(
        `pliant worker: ${text} (${lock ? "the job's lock lapsed, so BullMQ may hand it to another worker: that worker waits for this run and returns its outcome" : 'retrying'})`,
      );
    });
    await worker.waitUntilReady();
  } catch (error) {
    clearInterval(heartbeat);
    control.disconnect();
    throw error;
  }
  log(`pliant worker: serving queue '${queueName}' on ${safeRedisUrl(options.connection)} (concurrency ${concurrency})`);
  return {
    queue: queueName,
    get finished() {
      return finished;
    },
    async close() {
      closing = true;
      try {
        await worker.close();
      } finally {
        clearInterval(heartbeat);
        for (const r of [...busy, ...idle]) r.disconnect();
        control.disconnect();
      }
    },
  };
}

/** The shorter of two optional limits. */
function shorter(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
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
      new Promise<never>((_r, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new PliantError(
                API,
                'timeout',
                `trial ${trial} ran past its timeout of ${ms} ms (${ms / 1000} s); the worker abandoned it (its objective cannot be stopped in the worker's process and may still be running there)`,
              ),
            ),
          ms,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
