/**
 * The objective of the executor contract suite and of the exactly-once tests: plain JavaScript
 * with no imports, so every executor loads it as it is (the calling thread, a worker thread, an
 * in-process queue worker). The candidate's `fn` picks the behaviour.
 *
 * Every start of the objective is recorded in `globalThis.__pliantStarts` (`{ trial, fn, at }`):
 * the queue workers of a test run in the test's own process, so the test sees how many times an
 * objective started on each trial.
 */
import { threadId } from 'node:worker_threads';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * @param {{ fn: string, x?: number, message?: string, steps?: number, ms?: number, report?: boolean }} candidate
 * @param {import('../../../src/executors/executor.js').TrialFeedback} trial
 */
export async function objective(candidate, trial) {
  const starts = (globalThis.__pliantStarts ??= []);
  starts.push({ trial: trial.number, fn: candidate.fn, at: Date.now() });
  switch (candidate.fn) {
    case 'value':
      return (candidate.x ?? 0) * 2;
    case 'throw':
      throw new TypeError(candidate.message ?? 'the objective threw');
    case 'prune': {
      const pruned = new Error('trial: stopped early by the objective');
      pruned.name = 'Pruned';
      throw pruned;
    }
    case 'report': {
      const steps = candidate.steps ?? 3;
      for (let step = 1; step <= steps; step++) await trial.report(step / 10, { step });
      return steps;
    }
    case 'sleep':
      await sleep(candidate.ms ?? 100);
      return candidate.x ?? 1;
    case 'window': {
      // when it ran, and on which thread
      const start = Date.now();
      await sleep(candidate.ms ?? 100);
      return { start, end: Date.now(), thread: threadId };
    }
    case 'hang':
      // says which thread it hangs (when asked), then never settles and holds no timer: only a timeout ends it
      if (candidate.report === true) await trial.report(threadId);
      return await new Promise(() => undefined);
    case 'spin': {
      // CPU-bound: blocks its thread for `ms`
      const until = Date.now() + (candidate.ms ?? 1000);
      while (Date.now() < until) {
        // busy
      }
      return candidate.x ?? 1;
    }
    default:
      throw new Error(`no such behaviour: ${String(candidate.fn)}`);
  }
}
