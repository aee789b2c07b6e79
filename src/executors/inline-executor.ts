/**
 * The inline executor: evaluates trials in the calling thread.
 */
import { PliantError } from '../base/errors.js';
import { describeValue } from '../symbolic/values.js';
import type { Evaluation, Executor, ExecutorSession, ObjectiveResult, ObjectiveSource, TrialFeedback } from './executor.js';
import { loadObjective } from './objective-module.js';

const API = 'inlineExecutor';

/**
 * An executor that runs the objective in the calling thread, on the candidate object itself:
 * `evaluate` resolves with what the objective returns and rejects with what it throws. Its
 * capacity is 1 (the default `concurrency` of `search`); an asynchronous objective may still be run
 * on several trials at once with a higher concurrency. The objective may be a function or a module
 * reference (see {@link loadObjective}).
 *
 * The objective gets a view of the loop's trial handle that passes everything through (its
 * properties, its methods, its prototype) until its evaluation is abandoned; from then on it says
 * `ended`, answers `shouldStop()` with `true` (so a well-behaved objective winds down), and refuses
 * `report`, `done`, `prune` and `fail` with the reason.
 *
 * An evaluation is abandoned when its `timeout` expires first (`evaluate` rejects with a
 * `PliantError` of code `timeout`) or when the session closes while it runs (`evaluate` rejects
 * with code `state`). The objective runs in this thread, so nothing can stop it: it may go on
 * running, only its outcome and its later calls are dropped. A synchronous, CPU-bound objective
 * cannot be interrupted at all: the timer fires only once it yields the thread, so its evaluation
 * fails as timed out when it settles past its timeout (its result is dropped), however long it
 * held the thread. Use `threadExecutor`, which terminates a thread that runs past its timeout, for
 * such objectives.
 *
 * @returns The executor (`name: 'inline'`, `capacity: 1`).
 */
export function inlineExecutor(): Executor {
  return Object.freeze({
    name: 'inline',
    capacity: 1,
    async open<C>(source: ObjectiveSource<C>): Promise<ExecutorSession<C>> {
      const objective = await loadObjective(source, API);
      const running = new Set<Running>();
      let closed = false;
      const session: ExecutorSession<C> = {
        async evaluate(evaluation: Evaluation<C>): Promise<ObjectiveResult> {
          if (closed) throw new PliantError(API, 'state', 'the executor is closed');
          const timeout = evaluation.timeout;
          if (timeout !== undefined) checkTimeout(timeout);
          return await run(evaluation, timeout, running, (feedback) => objective(evaluation.candidate, feedback));
        },
        async close(): Promise<void> {
          closed = true;
          for (const r of [...running])
            r.abandon(
              new PliantError(
                API,
                'state',
                `the executor was closed before trial ${String(r.number)} finished; its objective could not be stopped in this thread and was abandoned`,
              ),
            );
        },
      };
      return Object.freeze(session);
    },
  });
}

/** An evaluation in progress. */
interface Running {
  readonly number: unknown;
  /** Rejects the evaluation with `error` and refuses the objective's later calls. */
  abandon(error: Error): void;
}

/** Checks an evaluation's timeout: a positive number of milliseconds. */
function checkTimeout(timeout: unknown): void {
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0) {
    throw new PliantError(API, 'argument', `an evaluation's timeout must be a positive number of milliseconds, found ${describeValue(timeout)}`);
  }
}

/** The error of a trial that ran past its timeout. */
function timeoutError(number: unknown, timeout: number): PliantError {
  return new PliantError(
    API,
    'timeout',
    `trial ${String(number)} ran past its timeout of ${timeout} ms; its objective could not be stopped in this thread and was abandoned (its later calls on the trial's handle are refused). threadExecutor runs each trial in a worker thread that it stops at its timeout, also CPU-bound code.`,
  );
}

/**
 * Runs `objective` with a guarded view of the trial's handle, racing it against the timeout (if
 * any) and the session's close. The timer is cleared as soon as the evaluation settles, so none
 * outlives it.
 */
async function run(
  evaluation: Evaluation<unknown>,
  timeout: number | undefined,
  running: Set<Running>,
  objective: (feedback: TrialFeedback) => unknown,
): Promise<ObjectiveResult> {
  const number = evaluation.feedback.number;
  let abandonedWith: Error | undefined;
  const guard = guardFeedback(evaluation.feedback, () => abandonedWith ?? timeoutError(number, timeout ?? 0));
  let stop: (error: Error) => void = () => undefined;
  const stopped = new Promise<never>((_resolve, reject) => {
    stop = reject;
  });
  const entry: Running = {
    number,
    abandon(error: Error): void {
      if (abandonedWith !== undefined) return;
      abandonedWith = error;
      guard.abandon();
      stop(error);
    },
  };
  running.add(entry);
  const started = performance.now();
  const late = (): boolean => timeout !== undefined && performance.now() - started > timeout;
  const expire = (): void => entry.abandon(timeoutError(number, timeout ?? 0));
  const timer = timeout === undefined ? undefined : setTimeout(expire, timeout);
  try {
    // A synchronous objective runs (and throws) inside the race's first promise.
    const result = await Promise.race([Promise.resolve().then(() => objective(guard.feedback)), stopped]);
    // It settled past its time before the timer could fire (it held the thread).
    if (late()) expire();
    if (abandonedWith !== undefined) throw abandonedWith;
    return result as ObjectiveResult;
  } catch (error) {
    if (abandonedWith === undefined && late()) expire();
    throw abandonedWith ?? error;
  } finally {
    clearTimeout(timer);
    running.delete(entry);
  }
}

const ENDING = new Set<PropertyKey>(['report', 'done', 'prune', 'fail']);

/**
 * A view of a trial's handle that passes everything through (reads, methods, `in`, `instanceof`, keys)
 * until {@link abandon} is called; after that it says `ended`, answers `shouldStop()` with `true`,
 * and rejects `report`, `done`, `prune` and `fail` with `error()`. The proxy's own target is an
 * empty object, so a frozen handle may be viewed too.
 */
function guardFeedback(feedback: TrialFeedback, error: () => Error): { feedback: TrialFeedback; abandon(): void } {
  let abandoned = false;
  const view = new Proxy(Object.create(null) as TrialFeedback, {
    get(_target, property) {
      if (abandoned) {
        if (property === 'ended') return true;
        if (property === 'shouldStop') return () => true;
        if (ENDING.has(property)) return () => Promise.reject(error());
      }
      const value: unknown = Reflect.get(feedback, property, feedback);
      // Methods run on the handle itself (a class with private fields does not take a proxy as `this`).
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(feedback) : value;
    },
    has: (_target, property) => Reflect.has(feedback, property),
    getPrototypeOf: () => Reflect.getPrototypeOf(feedback),
    ownKeys: () => Reflect.ownKeys(feedback),
    // Described as configurable, as a proxy must describe properties its (empty) target lacks.
    getOwnPropertyDescriptor: (_target, property) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(feedback, property);
      return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
    },
  });
  return {
    feedback: view,
    abandon() {
      abandoned = true;
    },
  };
}
