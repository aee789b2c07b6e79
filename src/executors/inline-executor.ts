/**
 * The inline executor: evaluates trials in the calling thread.
 */
import type { Evaluation, Executor, ExecutorSession, ObjectiveResult, ObjectiveSource } from './executor.js';
import { loadObjective } from './objective-module.js';

const API = 'inlineExecutor';

/**
 * An executor that runs the objective in the calling thread, on the candidate object itself and
 * with the loop's own trial handle: `evaluate` resolves with what the objective returns and
 * rejects with what it throws. Its capacity is 1 (the default `concurrency` of `search`); an
 * asynchronous objective may still be run on several trials at once with a higher concurrency.
 * The objective may be a function or a module reference (see {@link loadObjective}).
 *
 * @returns The executor (`name: 'inline'`, `capacity: 1`).
 */
export function inlineExecutor(): Executor {
  return Object.freeze({
    name: 'inline',
    capacity: 1,
    async open<C>(source: ObjectiveSource<C>): Promise<ExecutorSession<C>> {
      const objective = await loadObjective(source, API);
      const session: ExecutorSession<C> = {
        async evaluate(evaluation: Evaluation<C>): Promise<ObjectiveResult> {
          return await objective(evaluation.candidate, evaluation.feedback);
        },
        async close(): Promise<void> {
          // nothing to release
        },
      };
      return Object.freeze(session);
    },
  });
}
