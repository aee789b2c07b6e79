/**
 * A small TrialFeedback for executor tests: the caller's side of a trial, recording every call.
 */
import type { TrialFeedback, TrialReportOptions } from '../../../src/executors/executor.js';
import { DNA } from '../../../src/geno/dna.js';
import type { Measurement } from '../../../src/base/measurement.js';
import { PliantError } from '../../../src/base/errors.js';

/** One recorded call. */
export interface RecordedCall {
  readonly method: 'report' | 'done' | 'prune' | 'fail';
  readonly args: readonly unknown[];
}

/** Options of {@link fakeFeedback}. */
export interface FakeFeedbackOptions {
  /** `shouldStop()` says yes once this many reports arrived. */
  readonly stopAfter?: number;
  /** `shouldStop()` says yes from the start. */
  readonly stopNow?: boolean;
}

/** A feedback and the list of calls made to it. Negative reports are rejected, as a real feedback rejects bad values. */
export function fakeFeedback(number: number, options: FakeFeedbackOptions = {}): { feedback: TrialFeedback; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  let reports = 0;
  let ended = false;
  const feedback: TrialFeedback = {
    id: `trial-${number}`,
    number,
    dna: DNA.of([number, 0.5]),
    get ended(): boolean {
      return ended;
    },
    shouldStop(): boolean {
      return options.stopNow === true || (options.stopAfter !== undefined && reports >= options.stopAfter);
    },
    async report(value: Measurement, opts?: TrialReportOptions): Promise<void> {
      calls.push({ method: 'report', args: [value, opts] });
      if (typeof value === 'number' && value < 0)
        throw new PliantError('feedback.report', 'argument', `a measurement must not be negative here, found ${value}`);
      reports++;
    },
    async done(value?: Measurement, opts?: { metrics?: Readonly<Record<string, number>> }): Promise<void> {
      calls.push({ method: 'done', args: [value, opts] });
      ended = true;
    },
    async prune(): Promise<void> {
      calls.push({ method: 'prune', args: [] });
      ended = true;
    },
    async fail(error: unknown): Promise<void> {
      calls.push({ method: 'fail', args: [error] });
      ended = true;
    },
  };
  return { feedback, calls };
}
