/**
 * Where evaluation runs. The search loop (the algorithm, the journal, the cache) stays in the
 * calling thread; an executor only runs the objective on candidates: in this thread
 * ({@link inlineExecutor}), on a pool of worker threads ({@link threadExecutor}), or on workers
 * fed by a job queue (the distributed executor).
 */
import type { DNA } from '../geno/dna.js';
import type { Measurement } from '../base/measurement.js';

/** Options of {@link TrialFeedback.report}. */
export interface TrialReportOptions {
  /** The step (epoch, iteration) of the measurement (default: the count of reports so far, from 1). */
  readonly step?: number;
  /** Further named numbers. */
  readonly metrics?: Readonly<Record<string, number>>;
}

/**
 * What an objective receives besides its candidate: the handle of its trial. In the calling
 * thread it is the loop's `Feedback`; in a worker thread it is a proxy that relays every call to
 * it (each call is in the journal before it resolves).
 */
export interface TrialFeedback {
  /** The trial's id. */
  readonly id: string;
  /** The trial's number in the study. */
  readonly number: number;
  /** The trial's DNA. */
  readonly dna: DNA;
  /** Whether the trial has ended. */
  readonly ended: boolean;
  /** Records an intermediate measurement. */
  report(value: Measurement, options?: TrialReportOptions): Promise<void>;
  /** Whether the search's early-stopping policy says to stop the trial now (ask after each `report`). */
  shouldStop(): boolean;
  /** Completes the trial with its final measurement (default: the last reported one). */
  done(value?: Measurement, options?: { metrics?: Readonly<Record<string, number>> }): Promise<void>;
  /** Ends the trial as pruned (early-stopped). */
  prune(): Promise<void>;
  /** Ends the trial as failed, recording the error. */
  fail(error: unknown): Promise<void>;
}

/** What an objective returns: a measurement (number or record of numbers), or nothing when it ended the trial itself. */
export type ObjectiveResult = Measurement | undefined | void;

/** An objective as a function: `(candidate, trial) => measurement`. */
export type ObjectiveFunction<C = unknown> = (candidate: C, trial: TrialFeedback) => ObjectiveResult | Promise<ObjectiveResult>;

/**
 * An objective as a module that exports it, for executors that run it in another thread or
 * process: `{ module: new URL('./objective.js', import.meta.url), export: 'objective' }`. A
 * relative path string is resolved against the current directory. The export defaults to
 * `objective`, then `default`.
 */
export interface ObjectiveModule {
  /** The module: a file path, a `file:` URL, or a package specifier. */
  readonly module: string | URL;
  /** The name of the exported function (default: `objective`, else the default export). */
  readonly export?: string;
}

/** An objective: a function (in-process executors only) or a module reference (any executor). */
export type ObjectiveSource<C = unknown> = ObjectiveFunction<C> | ObjectiveModule | string | URL;

/** What an executor is asked to evaluate: one trial. */
export interface Evaluation<C = unknown> {
  /** The candidate as the objective receives it. */
  readonly candidate: C;
  /** The candidate as a symbolic tree in JSON (as the journal records it), for executors that send it elsewhere. */
  readonly candidateJson: unknown;
  /** The trial's handle in the calling thread (its id, number and DNA). */
  readonly feedback: TrialFeedback;
  /** For a trial taken up again (a resumed search): how many of its reports the journal holds. */
  readonly reports?: number;
  /**
   * The longest the trial may run, in milliseconds (`search`'s `timeout`; default: no limit).
   * Past it, `evaluate` rejects with a `PliantError` of code `timeout` that says so, and the
   * executor stops the evaluation where it can: a thread is terminated and replaced, a queue
   * worker abandons the job. In the calling thread (inline), the objective cannot be stopped: it
   * is abandoned and its later calls on the trial's handle are refused.
   */
  readonly timeout?: number;
}

/**
 * One opened executor: evaluates trials until closed. `evaluate` resolves with what the objective
 * returned, or rejects with what it threw: an error of the same name and message (an error named
 * `Pruned` means the objective asked for pruning). The executor's own failures are `PliantError`s
 * whose code says which: `timeout` for a trial past its {@link Evaluation.timeout}, `remote` for
 * the loss of the thread or process a trial ran on, `state` for an evaluation the session's
 * `close` cut short (or one asked of a closed session). After a timeout the session goes on
 * evaluating the next trials.
 */
export interface ExecutorSession<C = unknown> {
  /** Runs the objective on one trial. */
  evaluate(evaluation: Evaluation<C>): Promise<ObjectiveResult>;
  /** Stops the executor's threads or connections; pending evaluations reject. */
  close(): Promise<void>;
}

/** What `search` tells an executor about the search it serves. */
export interface ExecutorContext {
  /** The study's name (a queue executor names its queue after it). */
  readonly study: string;
}

/**
 * Where evaluation runs: `search(space, objective, { executor, concurrency })`. An executor is a
 * reusable description; `search` opens a session with the objective and closes it at the end.
 */
export interface Executor {
  /** A short name, for logs and errors (`inline`, `threads`, ...). */
  readonly name: string;
  /** How many evaluations it runs at once: the default `concurrency` of `search`. */
  readonly capacity: number;
  /**
   * Trials outlive the calling process: evaluation goes on elsewhere (workers on a job queue)
   * when the controller stops. A search that resumes its study hands trials still running to the
   * executor again (`evaluate` of the same trial) instead of abandoning them.
   */
  readonly durable?: boolean;
  /** Starts the executor for an objective. */
  open<C>(objective: ObjectiveSource<C>, context?: ExecutorContext): Promise<ExecutorSession<C>>;
}
