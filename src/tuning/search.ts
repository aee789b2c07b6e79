import type { Algorithm } from '../algorithms/algorithm.js';
import { random } from '../algorithms/random-search.js';
import type { TracedSpace } from '../geno/trace.js';
import { PliantError } from '../symbolic/errors.js';
import type { TreeValue } from '../symbolic/node.js';
import { memoryStorage } from '../storage/memory-storage.js';
import type { Measurement } from '../storage/storage.js';
import type { Feedback } from './feedback.js';
import { Pruned } from './pruned.js';
import { Result } from './result.js';
import { FINAL_STATE, defaultStudyDir, sample } from './sample.js';
import type { CandidateOf, SampleOptions } from './sample.js';
import type { CacheStats } from '../hashing/functional-cache.js';
import { journalStorage } from '../storage/journal-storage.js';
import type { StudyState } from './study-state.js';

let searches = 0;

/** Options of {@link search}; `C` is the candidate type. */
export interface SearchOptions<C = unknown> extends SampleOptions<C> {
  /** How many evaluated trials the study holds at the end (trials served by the `dedupe` cache are not counted). */
  readonly numTrials: number;
  /** The algorithm (default: random search with the seed). */
  readonly algorithm?: Algorithm;
}

/**
 * Runs a whole search: `objective(candidate, trial)` returns a number or a record of metrics (or
 * a promise of one). An exception marks that trial failed, with its error recorded, and the
 * search goes on; throwing {@link Pruned} ends it as pruned instead (ask `trial.shouldStop()`
 * after each `trial.report` when the search has an `earlyStopping` policy). An objective may also
 * end its trial itself (`trial.done`, `trial.prune`). Returns every trial and the best.
 */
export async function search<S extends TreeValue | TracedSpace<unknown>>(
  space: S,
  objective: (candidate: CandidateOf<S>, trial: Feedback) => Measurement | undefined | void | Promise<Measurement | undefined | void>,
  options: SearchOptions<CandidateOf<S>>,
): Promise<Result> {
  if (typeof objective !== 'function') throw new PliantError('search', 'argument', 'objective must be a function (candidate, trial) => number');
  const storage = options.storage ?? (options.study !== undefined ? journalStorage(defaultStudyDir()) : memoryStorage());
  const study = options.study ?? `search-${Date.now().toString(36)}-${(searches++).toString(36)}`;
  const algorithm = options.algorithm ?? random({ seed: options.seed ?? 0 });
  const sampleOptions: SampleOptions<CandidateOf<S>> = { ...options, storage, study };
  for await (const [candidate, feedback] of sample(space, algorithm, sampleOptions)) {
    let value: Measurement | undefined | void;
    try {
      value = await objective(candidate, feedback);
    } catch (error) {
      if (feedback.ended) continue;
      if (error instanceof Pruned) await feedback.prune();
      else await feedback.fail(error);
      continue;
    }
    if (!feedback.ended) await feedback.done(value ?? undefined);
  }
  // The loop's own record of the study (replayed on open, kept up to date by every event).
  const final = FINAL_STATE.get(sampleOptions) as { state: StudyState; cache: CacheStats | undefined };
  return new Result(study, final.state.snapshot(), options, final.cache);
}
