import type { Algorithm } from '../algorithms/algorithm.js';
import { auto } from '../algorithms/auto.js';
import { PliantError } from '../base/errors.js';
import { checkOptions } from '../base/options.js';
import { isPruned } from '../base/pruned.js';
import type { TracedSpace } from '../geno/trace.js';
import type { TreeValue } from '../symbolic/node.js';
import { memoryStorage } from '../storage/memory-storage.js';
import { storageFrom } from '../storage/storage-from.js';
import { inlineExecutor } from '../executors/inline-executor.js';
import type { Executor, ExecutorSession, ObjectiveSource } from '../executors/executor.js';
import { measurementProblem } from './feedback.js';
import type { Feedback } from './feedback.js';
import type { Objectives } from './objectives.js';
import type { Result } from './result.js';
import type { CandidateOf, SampleOptions } from './sample.js';
import { SAMPLE_OPTIONS } from './sample.js';
import { TrialLoop } from './trial-loop.js';
import type { Proposal } from './trial-loop.js';
import { objectiveValue, progressWanted, startProgressBar } from './progress-bar.js';
import type { Progress } from './progress-bar.js';
import type { Trial } from './trial.js';

let searches = 0;

/** Options of {@link search}; `C` is the candidate type. */
export interface SearchOptions<C = unknown> extends SampleOptions<C> {
  /**
   * How many evaluated trials the study holds at the end (trials served by the `dedupe` cache
   * are not counted). It is the study's budget: processes sharing the study stop together. A
   * search needs a stopping rule: `numTrials`, `stepBudget`, `timeBudget`, or several (it stops
   * at the first reached).
   */
  readonly numTrials?: number;
  /**
   * The longest one trial may run, in milliseconds (default: no limit). A trial past it fails
   * (recorded with the reason, code `timeout`) and the search goes on. On threads
   * (`threadExecutor`) and queue workers the evaluation is stopped; in this thread (the inline
   * executor) it cannot be: the objective is abandoned, its later calls on the trial are refused,
   * and CPU-bound code keeps the thread busy until it returns (run such objectives on threads).
   */
  readonly timeout?: number;
  /**
   * Abort the search at the first failed trial (after recording its failure) instead of going
   * on (default false: a trial that throws, diverges, returns something that is not a
   * measurement or runs past `timeout` fails, and the search goes on).
   */
  readonly strict?: boolean;
  /** The algorithm (default: {@link auto}, which picks by the space, the objectives and the budget, with the seed). */
  readonly algorithm?: Algorithm;
  /**
   * Where evaluation runs (default: {@link inlineExecutor}, in this thread): `threadExecutor()`
   * runs trials on worker threads (give the objective as a module then). The algorithm, the
   * journal and the cache stay in this thread.
   */
  readonly executor?: Executor;
  /** How many trials run at once (default: the executor's capacity: 1 inline, its size for threads). */
  readonly concurrency?: number;
  /**
   * The progress bar on standard error (trials done of `numTrials`, the best so far, trials a
   * minute, the ETA, cache hits), as `pliant search` shows it. Default: shown when standard error
   * is a terminal, never in a pipe or a file, under CI (`CI` set) or with `TERM=dumb`; `false`
   * never shows it, `true` always does (in a pipe, as a line every few seconds).
   */
  readonly progress?: boolean;
}

/** The option names `search` takes. */
export const SEARCH_OPTIONS: readonly string[] = [...SAMPLE_OPTIONS, 'timeout', 'strict', 'algorithm', 'executor', 'concurrency', 'progress'];

/**
 * Runs a whole search: `objective(candidate, trial)` returns a number or a record of metrics (or
 * a promise of one). Every outcome of the objective is an outcome of its trial, and the search
 * goes on: an exception fails the trial with its error recorded; a value that is NaN or
 * ±Infinity fails it as diverged; `undefined`, `null`, a string, a bigint or a record with a
 * metric that is not a finite number (or without the objective metric) fails it as invalid; a
 * trial past `timeout` fails as timed out. The algorithm learns failed trials as the worst
 * outcome. Throwing {@link Pruned} ends the trial as pruned instead (ask `trial.shouldStop()`
 * after each `trial.report` when the search has an `earlyStopping` policy). An objective may also
 * end its trial itself (`trial.done`, `trial.prune`, `trial.fail`); one that returns nothing
 * after reporting completes with its last report. With `strict`, the first failed trial aborts
 * the search instead. Returns every trial and the best.
 *
 * The objective is a function, or a module that exports it (`{ module: new URL('./objective.js',
 * import.meta.url) }`, or a path), which executors that evaluate elsewhere need:
 *
 * ```ts
 * await search(space, { module: new URL('./objective.js', import.meta.url) }, {
 *   numTrials: 100, executor: threadExecutor({ size: 2 }), algorithm: regularizedEvolution({ seed: 1 }), timeout: 60_000,
 * });
 * ```
 *
 * With `concurrency` above 1, up to that many trials run at once; the algorithm proposes the next
 * trial while others run, and a candidate equivalent (under `dedupe`) to one still running waits
 * for its value instead of being evaluated twice.
 *
 * The study (`study` in `storage`) is resumable and shareable: a search that reopens it goes on
 * from where it was (trials a dead process left running are evaluated again first; a seeded
 * search with `concurrency` 1 proposes what the uninterrupted one would have), and several
 * processes searching one study share its budget, learn from each other's trials and (with
 * `dedupe`) never evaluate a candidate another is evaluating. A study recorded with another space
 * goes on too: the algorithm learns only from the trials whose DNA fits this search's space, with
 * a warning (`PLIANT_SPACE_MISMATCH`), and a trial left running whose DNA does not fit is failed.
 *
 * Should the event loop empty while a trial runs (an objective awaiting a promise that nothing
 * will ever settle), the trial fails and the search rejects with a `PliantError` (`state`) that
 * says so, instead of the process exiting without a word.
 */
export async function search<S extends TreeValue | TracedSpace<unknown>>(
  space: S,
  objective: ObjectiveSource<CandidateOf<S>>,
  options: SearchOptions<CandidateOf<S>>,
): Promise<Result> {
  const api = 'search';
  checkOptions(api, options, SEARCH_OPTIONS);
  if (options === undefined) throw new PliantError(api, 'argument', 'options are required: at least a stopping rule (numTrials, stepBudget or timeBudget)');
  const isModule = typeof objective === 'string' || objective instanceof URL || (typeof objective === 'object' && objective !== null && 'module' in objective);
  if (typeof objective !== 'function' && !isModule) {
    throw new PliantError(
      api,
      'argument',
      'objective must be a function (candidate, trial) => number, or a module that exports one ({ module: path or URL, export?: name })',
    );
  }
  if (options.numTrials === undefined && options.stepBudget === undefined && options.timeBudget === undefined) {
    throw new PliantError(
      api,
      'argument',
      'a search needs a stopping rule: numTrials (how many trials the study holds at the end), stepBudget (the steps its trials report, summed), timeBudget (milliseconds), or several',
    );
  }
  const timeout = options.timeout;
  if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0)) {
    throw new PliantError(api, 'argument', `timeout must be a positive number of milliseconds, found ${String(timeout)}`);
  }
  const executor = options.executor ?? inlineExecutor();
  const concurrency = options.concurrency ?? executor.capacity;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new PliantError(api, 'argument', `concurrency must be a positive integer, found ${String(options.concurrency)}`);
  const storage = options.storage ?? (options.study !== undefined ? storageFrom() : memoryStorage());
  const study = options.study ?? `search-${Date.now().toString(36)}-${(searches++).toString(36)}`;
  const algorithm = options.algorithm ?? auto();
  if (options.progress !== undefined && typeof options.progress !== 'boolean')
    throw new PliantError(api, 'argument', `progress must be true or false, found ${String(options.progress as unknown)}`);
  let progress: Progress | undefined;
  const onTrialEnd = options.onTrialEnd;
  const loopOptions = {
    ...options,
    storage,
    study,
    onTrialEnd: (trial: Trial): void => {
      progress?.trialEnded(trial);
      onTrialEnd?.(trial);
    },
  };
  const loop = new TrialLoop(space as TreeValue | TracedSpace<unknown>, algorithm, loopOptions as SearchOptions, api);
  await loop.open(executor.durable === true);
  if (progressWanted(process.stderr, options.progress)) progress = startProgressBar(process.stderr, options.numTrials, progressStart(loop));
  const strict = options.strict === true;
  const inFlight = new Set<Proposal>();
  let stallError: PliantError | undefined;
  let stall: (error: PliantError) => void = () => undefined;
  const stalled = new Promise<never>((_resolve, reject) => (stall = reject));
  stalled.catch(() => undefined);
  const onBeforeExit = (): void => {
    if (inFlight.size === 0 || stallError !== undefined) return;
    const numbers = [...inFlight].map((p) => p.feedback.number).join(', ');
    stallError = new PliantError(
      api,
      'state',
      `the event loop emptied while trial ${numbers} was running: its objective awaits a promise that nothing will ever settle (a missing resolve, an event that never comes); the trial is failed and the search stops (a timeout fails such trials and goes on)`,
    );
    stall(stallError);
  };
  process.on('beforeExit', onBeforeExit);
  try {
    const session = await executor.open(objective as ObjectiveSource<unknown>, { study });
    // A durable executor takes up the trials an earlier run of the study left running.
    const resumed = executor.durable === true ? loop.resumable() : [];
    try {
      // Proposals are made one at a time (the algorithm and the journal are not re-entrant).
      let turn: Promise<unknown> = Promise.resolve();
      let failure: { error: unknown } | undefined;
      const next = (): Promise<Proposal | undefined> => {
        if (failure === undefined && resumed.length > 0) return Promise.resolve(resumed.shift());
        const got = turn.then(() => (failure === undefined ? loop.next() : undefined));
        turn = got.catch(() => undefined);
        return got;
      };
      const lane = async (): Promise<void> => {
        try {
          for (;;) {
            const proposal = await next();
            if (proposal === undefined) return;
            inFlight.add(proposal);
            try {
              await Promise.race([evaluate(session, proposal, { api, timeout, strict, objectives: loop.objectives }), stalled]);
            } catch (error) {
              if (error === stallError && !proposal.feedback.ended) await proposal.feedback.fail(error, 'stalled');
              throw error;
            } finally {
              inFlight.delete(proposal);
            }
          }
        } catch (error) {
          failure ??= { error };
          loop.stop();
        }
      };
      await Promise.all(Array.from({ length: concurrency }, lane));
      if (failure !== undefined) throw failure.error;
    } finally {
      await session.close();
    }
  } finally {
    progress?.stop();
    process.off('beforeExit', onBeforeExit);
    await loop.close();
  }
  return loop.result();
}

/** Where a search's progress starts: a resumed study's evaluated trials and best, and its direction. */
function progressStart(loop: TrialLoop): Parameters<typeof startProgressBar>[2] {
  const before = loop.result();
  const metric = before.metrics.length > 1 ? undefined : before.metrics[0];
  const best = before.metrics.length > 1 ? undefined : objectiveValue(before.best?.value, metric);
  return {
    direction: loop.objectives.directions,
    metric,
    start: { done: before.evaluated.filter((t) => t.state !== 'running').length, ...(typeof best === 'number' ? { best } : {}) },
  };
}

/** What {@link evaluate} needs besides the trial. */
interface EvaluateContext {
  readonly api: string;
  readonly timeout: number | undefined;
  readonly strict: boolean;
  readonly objectives: Objectives;
}

/**
 * Runs one trial on the executor and ends it with what the objective returned or threw: every
 * outcome is the trial's (see {@link search}); with `strict`, a failed trial then aborts the search.
 */
async function evaluate(session: ExecutorSession<unknown>, proposal: Proposal, context: EvaluateContext): Promise<void> {
  const feedback = proposal.feedback;
  let value: unknown;
  try {
    value = await session.evaluate({
      candidate: proposal.candidate,
      candidateJson: proposal.candidateJson,
      feedback,
      ...(proposal.reports === undefined ? {} : { reports: proposal.reports }),
      ...(context.timeout === undefined ? {} : { timeout: context.timeout }),
    });
  } catch (error) {
    if (feedback.ended) return;
    if (isPruned(error)) {
      await feedback.prune();
      return;
    }
    await failTrial(feedback, error, undefined, context);
    return;
  }
  if (feedback.ended) return;
  const problem = outcomeProblem(value, feedback, context.objectives, context.api);
  if (problem !== undefined) {
    await failTrial(feedback, new PliantError(context.api, 'argument', `trial ${feedback.number}: the objective ${problem.message}`), problem.code, context);
    return;
  }
  await feedback.done(value as Parameters<Feedback['done']>[0]);
}

/** Fails a trial; with `strict`, then aborts the search. */
async function failTrial(feedback: Feedback, error: unknown, code: string | undefined, context: EvaluateContext): Promise<void> {
  await feedback.fail(error, code);
  if (context.strict) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PliantError(context.api, 'state', `trial ${feedback.number} failed and the search is strict: ${reason}`, { cause: error });
  }
}

/**
 * What is wrong with what an objective returned, as a failure of its trial: `diverged` for NaN
 * or ±Infinity, `invalid` for anything that is not a measurement of the search's objectives.
 * `undefined` (or `null`) after reports completes the trial with its last report.
 */
function outcomeProblem(value: unknown, feedback: Feedback, objectives: Objectives, api: string): { message: string; code: string } | undefined {
  if (value === undefined || value === null) {
    if (feedback.trial.reports.length > 0) return undefined;
    return {
      code: 'invalid',
      message: `returned ${String(value)} without ending its trial or reporting anything: return a number or a record of numbers (or end the trial with trial.done, trial.fail)`,
    };
  }
  const problem = measurementProblem(value);
  if (problem !== undefined) {
    const diverged = /NaN|Infinity/.test(problem) && (typeof value === 'number' || (typeof value === 'object' && value !== null));
    return {
      code: diverged ? 'diverged' : 'invalid',
      message: `returned ${diverged ? 'a diverged value' : 'something that is not a measurement'}: ${problem}`,
    };
  }
  try {
    objectives.feedback(value as Parameters<Objectives['feedback']>[0], api);
  } catch (error) {
    return { code: 'invalid', message: `returned a measurement the search cannot use: ${error instanceof PliantError ? error.detail : String(error)}` };
  }
  return undefined;
}
