/**
 * The thread executor: evaluates trials on a pool of worker threads of this process.
 */
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ResourceLimits } from 'node:worker_threads';
import type { Measurement } from '../base/measurement.js';
import { PliantError } from '../base/errors.js';
import { describeValue } from '../symbolic/values.js';
import type { Evaluation, Executor, ExecutorSession, ObjectiveResult, ObjectiveSource, TrialFeedback, TrialReportOptions } from './executor.js';
import { isTypeScriptModule, resolveObjectiveModule } from './objective-module.js';
import { ESM_TYPESCRIPT_HOOKS } from './esm-typescript.js';
import { messageOf } from '../base/errors.js';
import { resolveModuleSpecifier } from '../base/module-path.js';
import { parseFromWorker, reviveError } from './thread-protocol.js';
import type { CallMessage, ToWorkerMessage, WorkerInit } from './thread-protocol.js';

const API = 'threadExecutor';

/** Options of {@link threadExecutor}. */
export interface ThreadExecutorOptions {
  /** How many worker threads (and so trials at once): default `os.availableParallelism()`. */
  readonly size?: number;
  /**
   * The longest a trial may run, in milliseconds, counted from when a thread takes it up (default:
   * no limit). An evaluation's own `timeout` takes precedence. When it expires, the trial's thread
   * is terminated, its evaluation rejects with a `PliantError` of code `timeout`, and a new thread
   * takes its place.
   */
  readonly timeout?: number;
  /**
   * Node options of the worker threads (default: `process.execArgv`). When the executor runs from
   * TypeScript sources, or the objective or an `imports` module is a `.ts` file, an `--import`
   * that registers tsx's hooks is added (see {@link threadExecutor}).
   */
  readonly execArgv?: readonly string[];
  /** The initial `process.env` of the worker threads (default: a copy of this thread's). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Heap and stack limits of each worker thread (a thread that exceeds them dies; see `Worker`). */
  readonly resourceLimits?: ResourceLimits;
  /**
   * Modules each thread imports before the objective module, in order: paths (resolved against
   * `process.cwd()`), URLs or package specifiers. Use them to register the symbolic types that
   * candidates are made of, so `fromJSON` can rebuild candidates in the thread.
   */
  readonly imports?: readonly (string | URL)[];
}

/** The extension of this module's file: `.ts` when running from sources, `.js` from `dist`. */
const EXTENSION = extname(new URL(import.meta.url).pathname) || '.js';
/** The worker entry beside this module, with the same extension. */
const WORKER_URL = new URL(`./thread-worker${EXTENSION}`, import.meta.url);

/**
 * An executor that runs the objective on a pool of `size` worker threads, one trial per thread
 * at a time; further evaluations wait in a FIFO queue. The objective must be a module reference
 * (a function cannot be sent to another thread):
 *
 * ```ts
 * await search(space, { module: new URL('./objective.js', import.meta.url) }, {
 *   executor: threadExecutor({ size: 4, timeout: 60_000, imports: [new URL('./model-types.js', import.meta.url)] }),
 * });
 * ```
 *
 * Each thread imports `imports`, then the objective module, when the executor opens. A trial's
 * candidate travels as its JSON form and is rebuilt with `fromJSON` (plain JSON passes through),
 * so its symbolic types must be registered in the thread (by the objective module or by
 * `imports`). The objective gets a trial handle whose `report`, `done`, `prune` and `fail` are
 * relayed to the trial's real feedback in the calling thread (they resolve once it has recorded
 * them); `shouldStop()` and `ended` give the state the calling thread sent with its latest reply.
 *
 * `evaluate` resolves with what the objective returns, or rejects with an error of the same name
 * and message as the one it threw (with the worker's stack), so a `Pruned` is recognised by its
 * name. A thread that dies (a non-zero exit, an uncaught error, `process.exit`, running out of
 * memory) rejects the evaluation it ran with a `PliantError` of code `remote` saying so, and a new
 * thread replaces it. A trial that runs past its timeout (the evaluation's `timeout`, else the
 * option `timeout`, counted from when a thread takes the trial up; CPU-bound code included) has its
 * thread terminated and replaced, and rejects with a `PliantError` of code `timeout`. `close`
 * rejects the evaluations still running or waiting with code `state`.
 *
 * TypeScript: when pliant runs from its TypeScript sources (tests under vitest or tsx), or the
 * objective module (or an `imports` module) ends in `.ts`, each thread registers tsx's ESM hooks
 * first (an `--import` of a tiny `data:` module calling `register()` of `tsx/esm/api`; a plain
 * `--import tsx` is not enough, as tsx registers its hooks in the main thread only on Node 20),
 * unless `execArgv` has Node's own `--experimental-strip-types`; `tsx` must then be installed.
 *
 * @param options - Pool size, per-trial timeout, and the threads' Node options.
 * @returns The executor (`name: 'threads'`, `capacity: size`).
 * @throws {PliantError} For invalid options.
 */
export function threadExecutor(options: ThreadExecutorOptions = {}): Executor {
  if (typeof options !== 'object' || options === null) throw new PliantError(API, 'argument', `options must be an object, found ${describeValue(options)}`);
  const size = options.size ?? availableParallelism();
  if (!Number.isInteger(size) || size < 1) throw new PliantError(API, 'argument', `size must be a positive integer, found ${describeValue(size)}`);
  const timeout = options.timeout;
  if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0)) {
    throw new PliantError(API, 'argument', `timeout must be a positive number of milliseconds, found ${describeValue(timeout)}`);
  }
  if (options.execArgv !== undefined && (!Array.isArray(options.execArgv) || options.execArgv.some((a) => typeof a !== 'string'))) {
    throw new PliantError(API, 'argument', `execArgv must be an array of strings, found ${describeValue(options.execArgv)}`);
  }
  if (options.imports !== undefined && !Array.isArray(options.imports)) {
    throw new PliantError(API, 'argument', `imports must be an array of module paths, URLs or package specifiers, found ${describeValue(options.imports)}`);
  }
  const execArgv = options.execArgv === undefined ? undefined : [...options.execArgv];
  const imports = options.imports === undefined ? [] : [...options.imports];
  const env = options.env === undefined ? undefined : { ...options.env };
  const resourceLimits = options.resourceLimits === undefined ? undefined : { ...options.resourceLimits };

  return Object.freeze({
    name: 'threads',
    capacity: size,
    async open<C>(objective: ObjectiveSource<C>): Promise<ExecutorSession<C>> {
      if (typeof objective === 'function') {
        throw new PliantError(
          API,
          'argument',
          "the objective is a function, which cannot be sent to a worker thread; export it from a module and pass a reference to the module: { module: new URL('./objective.js', import.meta.url) } (its export 'objective', else its default export, or name it with { module, export })",
        );
      }
      const resolved = resolveObjectiveModule(objective as ObjectiveSource, API);
      const importSpecifiers = imports.map((m, i) => {
        try {
          return resolveModuleSpecifier(m, API);
        } catch (error) {
          throw new PliantError(API, 'argument', `imports[${i}]: ${messageOf(error).replace(`${API}: `, '')}`, { cause: error });
        }
      });
      const init: WorkerInit = {
        objective: resolved.specifier,
        ...(resolved.export === undefined ? {} : { export: resolved.export }),
        imports: importSpecifiers,
      };
      const pool = new ThreadPool({
        size,
        timeout,
        init,
        execArgv: workerExecArgv(execArgv ?? process.execArgv, [resolved.specifier, ...importSpecifiers]),
        env,
        resourceLimits,
      });
      await pool.start();
      const session: ExecutorSession<C> = {
        evaluate: (evaluation: Evaluation<C>): Promise<ObjectiveResult> => pool.evaluate(evaluation),
        close: (): Promise<void> => pool.close(),
      };
      return Object.freeze(session);
    },
  });
}

/** Whether Node options make Node itself load TypeScript (type stripping), or carry our registration already. */
function hasTypeScriptLoader(execArgv: readonly string[]): boolean {
  return execArgv.some((arg) => /^--experimental-(?:strip|transform)-types$/.test(arg) || arg.startsWith(TSX_REGISTRATION_PREFIX));
}

/** The threads' Node options: the given ones, plus tsx's registration when TypeScript must load. */
function workerExecArgv(base: readonly string[], modules: readonly string[]): string[] {
  const argv = [...base];
  const needsTypeScript = EXTENSION !== '.js' && EXTENSION !== '.mjs' ? true : modules.some(isTypeScriptModule);
  if (needsTypeScript && !hasTypeScriptLoader(argv)) argv.push('--import', tsxRegistration());
  return argv;
}

const TSX_REGISTRATION_PREFIX = 'data:text/javascript,/*pliant:tsx*/';

/**
 * A module (a `data:` URL, for `--import`) that registers tsx's ESM hooks in the thread it runs
 * in. `--import tsx` itself does not do: on Node 20, tsx registers its hooks in the main thread
 * only, so a worker thread would not load `.ts` files. tsx is resolved from here (so the threads
 * find it whatever the current directory).
 */
function tsxRegistration(): string {
  let api: string;
  try {
    api = import.meta.resolve('tsx/esm/api');
  } catch (error) {
    throw new PliantError(
      API,
      'dependency',
      'TypeScript modules in worker threads need a TypeScript loader: install tsx (npm install --save-dev tsx), pass one in execArgv, or compile the objective to JavaScript',
      { cause: error },
    );
  }
  // then the hooks that load a .ts file with import/export as an ES module in a CommonJS package too
  const source = `import { register } from ${JSON.stringify(api)}; register(); import { register as hooks } from 'node:module'; hooks(${JSON.stringify(ESM_TYPESCRIPT_HOOKS)});`;
  return `${TSX_REGISTRATION_PREFIX}${encodeURIComponent(source)}`;
}

interface PoolConfig {
  readonly size: number;
  readonly timeout: number | undefined;
  readonly init: WorkerInit;
  readonly execArgv: string[];
  readonly env: Record<string, string | undefined> | undefined;
  readonly resourceLimits: ResourceLimits | undefined;
}

interface Job {
  /** The pool's sequence number of the evaluation (matches the worker's answers). */
  readonly seq: number;
  readonly evaluation: Evaluation<unknown>;
  readonly resolve: (value: ObjectiveResult) => void;
  readonly reject: (error: Error) => void;
  timer: NodeJS.Timeout | undefined;
}

interface Slot {
  readonly worker: Worker;
  state: 'starting' | 'idle' | 'busy' | 'dead';
  job: Job | undefined;
  /** Settles when the thread has imported the objective (rejects when it could not). */
  readonly ready: Promise<void>;
  readonly settleReady: { resolve(): void; reject(error: Error): void };
}

/** The pool behind one opened thread executor. */
class ThreadPool {
  readonly #config: PoolConfig;
  readonly #slots = new Set<Slot>();
  readonly #queue: Job[] = [];
  #closed = false;
  #seq = 0;
  /** Why the latest replacement thread could not start. */
  #broken: Error | undefined;

  constructor(config: PoolConfig) {
    this.#config = config;
  }

  /** Spawns the threads; resolves when each has imported the objective. */
  async start(): Promise<void> {
    try {
      const slots = Array.from({ length: this.#config.size }, () => this.#spawn());
      await Promise.all(slots.map((s) => s.ready));
    } catch (error) {
      await this.#terminateAll();
      throw error;
    }
  }

  evaluate(evaluation: Evaluation<unknown>): Promise<ObjectiveResult> {
    if (this.#closed) return Promise.reject(new PliantError(API, 'state', 'the executor is closed'));
    const timeout: unknown = evaluation.timeout;
    if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0)) {
      return Promise.reject(
        new PliantError(API, 'argument', `an evaluation's timeout must be a positive number of milliseconds, found ${describeValue(timeout)}`),
      );
    }
    return new Promise<ObjectiveResult>((resolve, reject) => {
      this.#queue.push({ seq: this.#seq++, evaluation, resolve, reject, timer: undefined });
      this.#pump();
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const job of this.#queue.splice(0)) job.reject(closedError(job));
    const running: Job[] = [];
    for (const slot of this.#slots) if (slot.job !== undefined) running.push(slot.job);
    const ending = this.#terminateAll();
    for (const job of running) job.reject(closedError(job));
    await ending;
  }

  async #terminateAll(): Promise<void> {
    this.#closed = true;
    const slots = [...this.#slots];
    this.#slots.clear();
    const ends: Promise<number>[] = [];
    for (const slot of slots) {
      slot.state = 'dead';
      if (slot.job !== undefined) clearTimeout(slot.job.timer);
      slot.job = undefined;
      ends.push(slot.worker.terminate());
    }
    await Promise.allSettled(ends);
  }

  /** Starts one thread (a `PliantError` when Node refuses to, e.g. for invalid `execArgv`). */
  #spawn(): Slot {
    let worker: Worker;
    try {
      worker = new Worker(WORKER_URL, {
        workerData: this.#config.init,
        execArgv: this.#config.execArgv,
        ...(this.#config.env === undefined ? {} : { env: this.#config.env }),
        ...(this.#config.resourceLimits === undefined ? {} : { resourceLimits: this.#config.resourceLimits }),
      });
    } catch (error) {
      throw new PliantError(API, 'argument', `cannot start a worker thread: ${messageOf(error)}`, { cause: error });
    }
    let settleReady: Slot['settleReady'] = { resolve: () => undefined, reject: () => undefined };
    const ready = new Promise<void>((resolve, reject) => {
      settleReady = { resolve, reject };
    });
    ready.catch(() => undefined);
    const slot: Slot = { worker, state: 'starting', job: undefined, ready, settleReady };
    this.#slots.add(slot);
    worker.on('message', (raw: unknown) => this.#onMessage(slot, raw));
    worker.on('messageerror', (error: Error) => {
      process.emitWarning(`${API}: a message from a worker thread could not be read: ${error.message}`, { code: 'PLIANT_THREAD_MESSAGE' });
      // The lost message may have been the result of the trial it runs: rather than let that trial
      // wait forever, retire the thread (its trial fails with the reason) and start a new one.
      if (slot.job !== undefined) this.#die(slot, `a message from it could not be read (${error.message})`, error);
    });
    worker.on('error', (error: unknown) => this.#die(slot, describeDeath(error), error));
    worker.on('exit', (code: number) => this.#die(slot, `exited with code ${code}`, undefined));
    return slot;
  }

  #onMessage(slot: Slot, raw: unknown): void {
    if (slot.state === 'dead') return;
    const message = parseFromWorker(raw);
    if (message === undefined) {
      this.#answerMalformedCall(slot, raw);
      return;
    }
    switch (message.type) {
      case 'ready':
        if (slot.state !== 'starting') return;
        slot.state = 'idle';
        slot.worker.unref();
        slot.settleReady.resolve();
        this.#pump();
        return;
      case 'load-error': {
        if (slot.state !== 'starting') return;
        this.#retire(slot);
        const error = reviveError(message.error);
        slot.settleReady.reject(
          error instanceof PliantError && error.api === API
            ? error
            : new PliantError(API, 'argument', `a worker thread could not load the objective: ${error.message}`, { cause: error }),
        );
        return;
      }
      case 'call':
        this.#relay(slot, message);
        return;
      case 'result':
      case 'error': {
        const job = slot.job;
        if (job === undefined || job.seq !== message.trial) return;
        this.#release(slot);
        if (message.type === 'result') job.resolve(message.value as ObjectiveResult);
        else job.reject(reviveError(message.error));
        return;
      }
    }
  }

  /** A malformed call still gets an answer, so the objective awaiting it does not hang. */
  #answerMalformedCall(slot: Slot, raw: unknown): void {
    if (typeof raw !== 'object' || raw === null) return;
    const { type, call } = raw as { type?: unknown; call?: unknown };
    if (type !== 'call' || typeof call !== 'number' || !Number.isInteger(call) || call < 0) return;
    this.#post(slot, { type: 'reply', call, ok: false, message: `${API}: malformed feedback call`, ...feedbackState(slot.job?.evaluation.feedback) });
  }

  /** Calls the trial's real feedback for the objective in a thread, and replies. */
  #relay(slot: Slot, message: CallMessage): void {
    const job = slot.job;
    if (job === undefined || job.seq !== message.trial) {
      this.#post(slot, {
        type: 'reply',
        call: message.call,
        ok: false,
        message: `${API}: trial.${message.method}(...) was called after the objective of its trial had returned`,
        shouldStop: false,
        ended: true,
      });
      return;
    }
    const feedback = job.evaluation.feedback;
    let call: Promise<void>;
    try {
      call = Promise.resolve(invokeFeedback(feedback, message));
    } catch (error) {
      call = Promise.reject(error);
    }
    call.then(
      () => this.#post(slot, { type: 'reply', call: message.call, ok: true, ...feedbackState(feedback) }),
      (error: unknown) => this.#post(slot, { type: 'reply', call: message.call, ok: false, message: messageOf(error), ...feedbackState(feedback) }),
    );
  }

  #post(slot: Slot, message: ToWorkerMessage): void {
    if (slot.state === 'dead') return;
    slot.worker.postMessage(message);
  }

  /** Starts queued evaluations on idle threads. */
  #pump(): void {
    if (this.#closed) return;
    while (this.#queue.length > 0) {
      const slot = [...this.#slots].find((s) => s.state === 'idle');
      if (slot === undefined) break;
      this.#assign(slot, this.#queue.shift() as Job);
    }
    if (this.#queue.length > 0 && this.#slots.size === 0) {
      const cause = this.#broken;
      for (const job of this.#queue.splice(0)) {
        job.reject(
          new PliantError(
            API,
            'remote',
            `no worker thread is left to run trial ${trialNumber(job)}${cause === undefined ? '' : `: ${cause.message}`}`,
            cause === undefined ? {} : { cause },
          ),
        );
      }
    }
  }

  #assign(slot: Slot, job: Job): void {
    const { candidate, candidateJson, feedback } = job.evaluation;
    let dna: unknown = null;
    try {
      dna = feedback.dna === undefined ? null : feedback.dna.toJSON();
      const message: ToWorkerMessage = {
        type: 'trial',
        trial: job.seq,
        id: String(feedback.id),
        number: feedback.number,
        dna,
        ...(candidateJson === undefined ? { encoding: 'raw', candidate } : { encoding: 'json', candidate: candidateJson }),
        ...feedbackState(feedback),
      };
      slot.worker.postMessage(message);
    } catch (error) {
      job.reject(new PliantError(API, 'argument', `cannot send trial ${trialNumber(job)} to a worker thread: ${messageOf(error)}`, { cause: error }));
      return;
    }
    slot.state = 'busy';
    slot.job = job;
    slot.worker.ref();
    const timeout = job.evaluation.timeout ?? this.#config.timeout;
    if (timeout !== undefined) {
      job.timer = setTimeout(() => {
        if (slot.job !== job) return;
        this.#die(
          slot,
          `ran past its trial's timeout of ${timeout} ms`,
          undefined,
          new PliantError(API, 'timeout', `trial ${trialNumber(job)} ran past its timeout of ${timeout} ms; its worker thread was terminated and replaced`),
        );
      }, timeout);
      job.timer.unref();
    }
  }

  /** The thread finished its trial: it becomes idle. */
  #release(slot: Slot): void {
    const job = slot.job;
    if (job !== undefined) clearTimeout(job.timer);
    slot.job = undefined;
    slot.state = 'idle';
    slot.worker.unref();
    this.#pump();
  }

  /** Marks a thread dead, forgets it and terminates it. */
  #retire(slot: Slot): void {
    slot.state = 'dead';
    this.#slots.delete(slot);
    slot.worker.terminate().catch(() => undefined);
  }

  /** A thread died (or timed out): its trial fails, and (after loading) a new thread replaces it. */
  #die(slot: Slot, reason: string, cause: unknown, jobError?: Error): void {
    if (slot.state === 'dead') return;
    const wasStarting = slot.state === 'starting';
    const job = slot.job;
    slot.job = undefined;
    this.#retire(slot);
    if (wasStarting) {
      slot.settleReady.reject(
        new PliantError(API, 'argument', `a worker thread died while loading the objective: ${reason}`, cause === undefined ? {} : { cause }),
      );
    }
    if (job !== undefined) {
      clearTimeout(job.timer);
      job.reject(
        jobError ?? new PliantError(API, 'remote', `the worker thread running trial ${trialNumber(job)} died: ${reason}`, cause === undefined ? {} : { cause }),
      );
    }
    if (this.#closed) return;
    if (!wasStarting) this.#replace();
    else this.#pump();
  }

  #replace(): void {
    const lost = (error: Error): void => {
      this.#broken = error;
      process.emitWarning(`${API}: a replacement worker thread could not start, ${this.#slots.size} thread(s) left: ${error.message}`, {
        code: 'PLIANT_THREAD_LOST',
      });
      this.#pump();
    };
    let slot: Slot;
    try {
      slot = this.#spawn();
    } catch (error) {
      lost(error instanceof Error ? error : new Error(messageOf(error)));
      return;
    }
    slot.ready.then(() => undefined, lost);
  }
}

function trialNumber(job: Job): string {
  const n: unknown = job.evaluation.feedback?.number;
  return typeof n === 'number' ? String(n) : describeValue(n);
}

function closedError(job: Job): Error {
  return new PliantError(API, 'state', `the executor was closed before trial ${trialNumber(job)} finished`);
}

/** The state of the real feedback sent with a trial and with each reply. */
function feedbackState(feedback: TrialFeedback | undefined): { shouldStop: boolean; ended: boolean } {
  if (feedback === undefined) return { shouldStop: false, ended: true };
  let shouldStop = false;
  let ended = false;
  try {
    shouldStop = feedback.shouldStop() === true;
  } catch {
    // a feedback whose shouldStop throws says "don't stop"; its report/done calls will tell
  }
  try {
    ended = feedback.ended === true;
  } catch {
    // as above
  }
  return { shouldStop, ended };
}

function invokeFeedback(feedback: TrialFeedback, message: CallMessage): Promise<void> {
  switch (message.method) {
    case 'report':
      return feedback.report(message.value as Measurement, message.options as TrialReportOptions | undefined);
    case 'done':
      return feedback.done(message.value as Measurement | undefined, message.options as { metrics?: Readonly<Record<string, number>> } | undefined);
    case 'prune':
      return feedback.prune();
    case 'fail':
      return feedback.fail(message.error === undefined ? new Error('failed in a worker thread') : reviveError(message.error));
  }
}

/** Why a thread died, from the error its `error` event carried. */
function describeDeath(error: unknown): string {
  if (error instanceof Error) {
    const code: unknown = (error as { code?: unknown }).code;
    if (code === 'ERR_WORKER_OUT_OF_MEMORY') return `out of memory (${error.message})`;
    return `uncaught ${error.name}${typeof code === 'string' ? ` [${code}]` : ''}: ${error.message}`;
  }
  return `uncaught ${messageOf(error)}`;
}
