/**
 * @internal A trial's candidate for readers that show many trials (tables, reports, exports): one
 * whose candidate cannot be made (its study's recorded space is corrupt or lost: see
 * `Trial.candidate`) shows without it instead of stopping the reader.
 */
import { PliantError } from '../base/errors.js';
import type { Trial } from './trial.js';

/** The result of {@link readableCandidate}. */
export type ReadableCandidate = { readonly ok: true; readonly candidate: unknown } | { readonly ok: false; readonly why: string };

/** @internal `trial.candidate`, or why it cannot be made (a `PliantError` it throws; any other error propagates). */
export function readableCandidate(trial: Trial): ReadableCandidate {
  try {
    return { ok: true, candidate: trial.candidate };
  } catch (error) {
    if (error instanceof PliantError) return { ok: false, why: error.message };
    throw error;
  }
}
