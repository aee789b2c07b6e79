import type { Algorithm } from '../algorithms/algorithm.js';
import { random } from '../algorithms/random-search.js';
import type { TracedSpace } from '../geno/trace.js';
import { PliantError } from '../base/errors.js';
import type { TreeValue } from '../symbolic/node.js';
import { memoryStorage } from '../storage/memory-storage.js';
import type { Measurement } from '../base/measurement.js';
import { inlineExecutor } from '../executors/inline-executor.js';
import type { Executor, ExecutorSession, ObjectiveSource } from '../executors/executor.js';
import { isPruned } from '../base/pruned.js';
import { Result } from './result.js';
import type { CandidateOf, SampleOptions } from './sample.js';
import { journalStorage } from '../storage/journal-storage.js';
import { TrialSource, defaultStudyDir } from './trial-source.js';
import type { Proposal } from './trial-source.js';

let searches = 0;

/** Options of {@link search}; `C` is the candidate type. */
export interface SearchOptions<C = unknown> extends SampleOptions<C> {
  /** How many evaluated trials the study holds at the end (trials served by the `dedupe` cache are not counted). */
  readonly numTrials: number;
  /** The algorithm (default: random search with the seed). */
  readonly algorithm?: Algorithm;
  /**
   * Where evaluation runs (default: {@link inlineExecutor}, in this thread): `threadExecutor()`
   * runs trials on worker threads (give the objective as a module then). The algorithm, the
   * journal and the cache stay in this thread.
   */
  readonly executor?: Executor;
  /** How many trials run at once (default: the executor's capacity: 1 inline, its size for threads). */
  readonly concurrency?: number;
}

/**
 * Runs a whole search: `objective(candidate, trial)` returns a number or a record of metrics (or
 * a promise of one). An exception marks that trial failed, with its error recorded, and the
 * search goes on; throwing {@link Pruned} ends it as pruned instead (ask `trial.shouldStop()`
 * after each `trial.report` when the search has an `earlyStopping` policy). An objective may also
 * end its trial itself (`trial.done`, `trial.prune`). Returns every trial and the best.
 *
 * The objective is a function, or a module that exports it (`{ module: new URL('./objective.js',
 * import.meta.url) }`, or a path), which executors that evaluate elsewhere need:
 *
 * ```ts
 * await search(space, { module: new URL('./objective.js', import.meta.url) }, {
 *   numTrials: 100, executor: threadExecutor({ size: 2 }), algorithm: regularizedEvolution({ seed: 1 }),
 * });
 * ```
 *
 * With `concurrency` above 1, up to that many trials run at once; the algorithm proposes the next
 * trial while others run, and a candidate equivalent (under `dedupe`) to one still running waits
 * for its value instead of being evaluated twice.
 */
export async function search<S extends TreeValue | TracedSpace<unknown>>(
  space: S,
  objective: ObjectiveSource<CandidateOf<S>>,
  options: SearchOptions<CandidateOf<S>>,
): Promise<Result> {
  const api = 'search';
  const isModule = typeof objective === 'string' || objective instanceof URL || (typeof objective === 'object' && objective !== null && 'module' in objective);
  if (typeof objective !== 'function' && !isModule) {
    throw new PliantError(
      api,
      'argument',
      'objective must be a function (candidate, trial) => number, or a module that exports one ({ module: path or URL, export?: name })',
    );
  }
  const executor = options.executor ?? inlineExecutor();
  const concurrency = options.concurrency ?? executor.capacity;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new PliantError(api, 'argument', `concurrency must be a positive integer, found ${String(options.concurrency)}`);
  const storage = options.storage ?? (options.study !== undefined ? journalStorage(defaultStudyDir()) : memoryStorage());
  const study = options.study ?? `search-${Date.now().toString(36)}-${(searches++).toString(36)}`;
  const algorithm = options.algorithm ?? random({ seed: options.seed ?? 0 });
  const source = new TrialSource(space as TreeValue | TracedSpace<unknown>, algorithm, { ...options, storage, study } as SampleOptions, api);
  await source.open(executor.durable === true);
  try {
    const session = await executor.open(objective as ObjectiveSource<unknown>, { study });
    // A durable executor takes up the trials an earlier run of the study left running.
    const resumed = executor.durable === true ? source.resumable() : [];
    try {
      // Proposals are made one at a time (the algorithm and the journal are not re-entrant).
      let turn: Promise<unknown> = Promise.resolve();
      let failure: { error: unknown } | undefined;
      const next = (): Promise<Proposal | undefined> => {
        if (failure === undefined && resumed.length > 0) return Promise.resolve(resumed.shift());
        const got = turn.then(() => (failure === undefined ? source.next() : undefined));
        turn = got.catch(() => undefined);
        return got;
      };
      const lane = async (): Promise<void> => {
        try {
          for (;;) {
            const proposal = await next();
            if (proposal === undefined) return;
            await evaluate(session, proposal);
          }
        } catch (error) {
          failure ??= { error };
        }
      };
      await Promise.all(Array.from({ length: concurrency }, lane));
      if (failure !== undefined) throw failure.error;
    } finally {
      await session.close();
    }
  } finally {
    await source.close();
  }
  return new Result(study, source.state.snapshot(), options, source.book?.cache.stats);
}

/** Runs one trial on the executor and ends it with what the objective returned or threw. */
async function evaluate(session: ExecutorSession<unknown>, proposal: Proposal): Promise<void> {
  const feedback = proposal.feedback;
  let value: Measurement | undefined | void;
  try {
    value = await session.evaluate({
      candidate: proposal.candidate,
      candidateJson: proposal.candidateJson,
      feedback,
      ...(proposal.reports === undefined ? {} : { reports: proposal.reports }),
    });
  } catch (error) {
    if (feedback.ended) return;
    if (isPruned(error)) await feedback.prune();
    else await feedback.fail(error);
    return;
  }
  if (!feedback.ended) await feedback.done(value ?? undefined);
}
