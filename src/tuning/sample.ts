import type { Algorithm } from '../algorithms/algorithm.js';
import type { EarlyStopping } from '../algorithms/early-stopping/early-stopping.js';
import { checkOptions } from '../base/options.js';
import type { Concrete } from '../geno/template.js';
import type { Trial } from './trial.js';
import type { TracedSpace } from '../geno/trace.js';
import type { Dedupe } from '../hashing/dedupe.js';
import type { TreeValue } from '../symbolic/node.js';
import type { JournalWarning, Storage } from '../storage/storage.js';
import type { Feedback } from './feedback.js';
import type { ObjectiveOptions } from './objectives.js';
import { TrialLoop } from './trial-loop.js';

/** Options of {@link sample}; `C` is the candidate type (what a `dedupe` hash or probe receives). */
export interface SampleOptions<C = unknown> extends ObjectiveOptions {
  /**
   * Stop when the study holds this many evaluated trials (default: until the algorithm is
   * exhausted). Trials served by the `dedupe` cache are recorded but not counted: this is the
   * evaluation budget. It is the study's budget: processes sharing the study stop together when
   * it holds that many, whoever ran them.
   */
  readonly numTrials?: number;
  /**
   * Stop proposing new trials once the study's trials have spent this many steps (those running
   * finish). A trial spends the largest step it reported (`feedback.report(value, { step })`; a
   * report without a step is at its position 1, 2, 3, ...; 0 before its first report); the study
   * has spent the sum over its trials in every state (completed, pruned, failed, abandoned,
   * running). It is the study's budget, as `numTrials`: processes sharing the study count each
   * other's steps and stop together. A trial a dead process left running counts the reports of
   * its new evaluation only. Checked before each proposal, so the spent steps end at or past the
   * budget, by less than the steps of the last trial (of the trials running then, with several at
   * once). With epochs as steps and no pruning, 5,200 runs 100 trials of 52 epochs; early stopping
   * runs more trials in the same budget, which is how pruned and unpruned searches compare at
   * equal compute.
   */
  readonly stepBudget?: number;
  /**
   * Stop proposing new trials this many milliseconds after the loop started (those running
   * finish). Unlike `numTrials` and `stepBudget`, it is this process's: each process sharing a
   * study counts its own time.
   */
  readonly timeBudget?: number;
  /** The study's name: reopening a name resumes it. Default: a fresh throwaway study. */
  readonly study?: string;
  /** Where the study lives. Default: a journal file under `.pliant/studies` when a study is named, else memory. */
  readonly storage?: Storage;
  /** The seed of the algorithm (every random choice takes one; default 0). */
  readonly seed?: number | string;
  /**
   * The early-stopping policy `feedback.shouldStop()` consults (`medianStopping()`, `asha()`,
   * `hyperband({maxResource})`, `stopByValue(...)`, ...; combine with `.and` / `.or`). Single
   * objective only.
   */
  readonly earlyStopping?: EarlyStopping;
  /**
   * Never evaluate the same candidate twice: `'structural'` (the canonical structural hash),
   * `{hash: 'functional', probe}` (what the candidate does on a fixed probe), or a custom hash
   * function; with cache policies (`maxEvaluations`, `forgetAfter`, `evictionProbability`,
   * `maxEntries`, `counterfactual`). A proposal whose hash is cached completes at once with the
   * cached value (marked `cached` in the journal) and is not yielded; the algorithm still gets
   * its feedback. A proposal equivalent to a candidate being evaluated (by this process or by
   * another one sharing the study) waits for its value. The cache is rebuilt from the journal on
   * resume.
   */
  readonly dedupe?: Dedupe<C>;
  /**
   * Called when a trial of this process ends (completed, failed, pruned, or served by the dedupe
   * cache), after its end is in the journal: for progress displays and logs. It must not throw.
   */
  readonly onTrialEnd?: (trial: Trial) => void;
  /**
   * Milliseconds between this process's heartbeats (default 30,000): while it runs trials, its
   * session appends a `beat` event to the journal that often, and promises so in its `session`
   * event. A process on another machine (whose pid cannot be checked) that shares the study and
   * has been silent for 4 heartbeats is taken as gone: its running trials are evaluated again by
   * whichever process finds them first. `false` appends no heartbeat (its trials are then taken
   * over only past the search's `timeout`, as those of an earlier version). Beats need a free
   * event loop: an objective that runs synchronously for longer than 4 heartbeats (inline, with
   * no `await`) lets other machines take its trial over; run such objectives on threads, or give
   * a longer heartbeat.
   */
  readonly heartbeat?: number | false;
  /**
   * Where warnings about the study's journal go (torn or malformed lines, events out of order,
   * a newer format), each with the file and line: default `process.emitWarning` (`PLIANT_JOURNAL`).
   */
  readonly onWarning?: (warning: JournalWarning) => void;
}

/** The option names `sample` takes. */
export const SAMPLE_OPTIONS: readonly string[] = [
  'numTrials',
  'stepBudget',
  'timeBudget',
  'study',
  'storage',
  'seed',
  'earlyStopping',
  'dedupe',
  'onTrialEnd',
  'onWarning',
  'heartbeat',
  'direction',
  'metric',
  'constraints',
];

export { defaultStudyDir } from '../storage/storage-from.js';

/** What `sample` yields candidates as, for a space `S`. */
export type CandidateOf<S> = S extends TracedSpace<infer R> ? R : Concrete<S>;

/**
 * The search loop: an async iterable of `[candidate, feedback]`. Each candidate is the
 * materialized DNA the algorithm proposed; end each trial with `feedback.done(value)` (or
 * `feedback.fail(error)`). Moving on without ending a trial abandons it, with a warning; a trial
 * is never yielded twice by one loop. Every trial and measurement is in the study's journal
 * before the call that made it returns, so reopening the study (same `study` name and storage)
 * resumes it: completed trials are kept, trials a dead process left running are yielded again
 * first (the same candidate), and the algorithm is recovered from the history, so a seeded
 * resumed loop proposes what the uninterrupted one would have. Several processes may sample one
 * study at once: they share its budget and learn from each other's trials.
 *
 * ```ts
 * for await (const [model, feedback] of sample(space, regularizedEvolution({ seed: 1 }), { numTrials: 100 })) {
 *   await feedback.done(evaluate(model));
 * }
 * ```
 */
export async function* sample<S extends TreeValue | TracedSpace<unknown>>(
  space: S,
  algorithm: Algorithm,
  options: SampleOptions<CandidateOf<S>> = {},
): AsyncGenerator<[CandidateOf<S>, Feedback], void, undefined> {
  checkOptions('sample', options, SAMPLE_OPTIONS);
  const loop = new TrialLoop(space as TreeValue | TracedSpace<unknown>, algorithm, options as SampleOptions, 'sample');
  let current: Feedback | undefined;
  try {
    await loop.open();
    for (;;) {
      const proposal = await loop.next();
      if (proposal === undefined) break;
      current = proposal.feedback;
      yield [proposal.candidate as CandidateOf<S>, current];
      if (!current.ended) {
        process.emitWarning(`sample: trial ${current.number} was not ended (call feedback.done or feedback.fail): it is abandoned`, {
          code: 'PLIANT_ABANDONED',
        });
        await current.abandon('the loop moved on before the trial ended');
      }
      current = undefined;
    }
  } finally {
    if (current !== undefined && !current.ended) await current.abandon('the loop was left before the trial ended');
    await loop.close();
  }
}
