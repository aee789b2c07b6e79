import type { DNA } from '../geno/dna.js';
import type { JsonValue } from '../symbolic/json.js';
import type { Measurement } from '../base/measurement.js';

/** Whether an objective is maximised or minimised. */
export type Direction = 'maximize' | 'minimize';

/** Where a trial is in its life (`pruned`: ended by early stopping, its value is its last report). */
export type TrialState = 'running' | 'completed' | 'pruned' | 'failed' | 'abandoned';

/** An intermediate measurement of a trial. */
export interface Report {
  readonly value: Measurement;
  readonly step: number | undefined;
  readonly metrics: Readonly<Record<string, number>> | undefined;
  readonly time: number;
}

/** One proposed candidate with its measurements and state, as recorded in the study. */
export interface Trial {
  /** Unique id (unique across processes sharing a study). */
  readonly id: string;
  /** Position in the study, from 0. */
  readonly number: number;
  readonly state: TrialState;
  readonly dna: DNA;
  /** The candidate's JSON form (`toJSON`). */
  readonly candidate: JsonValue;
  readonly reports: readonly Report[];
  /** The final measurement of a completed trial (of a pruned one: its last report). */
  readonly value: Measurement | undefined;
  readonly metrics: Readonly<Record<string, number>> | undefined;
  /** Why a failed or abandoned trial ended. */
  readonly error: string | undefined;
  /**
   * For a failed trial, what kind of failure: `error` (the objective threw), `diverged` (NaN or
   * ±Infinity), `invalid` (not a measurement, or a metric missing), `timeout`, `remote` (the
   * thread or worker running it died), or a code given to `feedback.fail`.
   */
  readonly failure?: string;
  /** Start and end times (ms since the epoch). */
  readonly started: number;
  readonly ended: number | undefined;
  /** `host:pid` of the process that ran it. */
  readonly owner: string;
  /** With `dedupe`: the candidate's hash (`undefined` without dedupe, or when unhashable). */
  readonly hash: string | undefined;
  /** Whether its value was served by the functional cache (an equivalent candidate's), without evaluating it. */
  readonly cached: boolean;
}
