import type { TrialFeedback, TrialReportOptions } from '../executors/executor.js';
import type { EarlyStopping } from '../algorithms/early-stopping/early-stopping.js';
import { PliantError } from '../base/errors.js';
import type { Measurement } from '../base/measurement.js';
import type { DNA } from '../geno/dna.js';
import type { JournalEvent } from '../storage/storage.js';
import type { CurveBook } from './curves.js';
import type { Objectives } from './objectives.js';
import type { Study } from './study.js';
import type { Trial } from './trial.js';
import { freezeTrial } from './trial-states.js';

/** Options of {@link Feedback.report} (the same as a trial handle's, in any executor). */
export type ReportOptions = TrialReportOptions;

/** @internal What a trial handle needs from its loop. */
export interface TrialContext {
  readonly study: Study;
  readonly objectives: Objectives;
  /** The early-stopping policy and the study's curves, when the loop has a policy. */
  readonly stopping: { readonly policy: EarlyStopping; readonly curves: CurveBook } | undefined;
}

/**
 * The handle of one running trial: report intermediate measurements (and ask `shouldStop()` when
 * the search has an early-stopping policy), then end it with `done`, `prune`, `fail`, or (by
 * moving on) abandonment. Every call is in the study's journal before it returns; what follows
 * from it (the algorithm's feedback, `onTrialEnd`, the dedupe cache) happens as the study applies
 * the event.
 */
export class Feedback implements TrialFeedback {
  readonly #context: TrialContext;
  /** The trial's id. */
  readonly id: string;
  /** The trial's DNA. */
  readonly dna: DNA;

  /** @internal */
  constructor(context: TrialContext, id: string, dna: DNA) {
    this.#context = context;
    this.id = id;
    this.dna = dna;
  }

  /** The trial's number in the study. */
  get number(): number {
    return this.#context.study.states.get(this.id)?.number ?? -1;
  }

  /** Whether the trial has ended. */
  get ended(): boolean {
    return this.#context.study.states.get(this.id)?.state !== 'running';
  }

  /** The trial as recorded so far. */
  get trial(): Trial {
    const t = this.#context.study.states.get(this.id);
    if (t === undefined) throw new PliantError('Feedback', 'state', `no trial ${this.id}`);
    return freezeTrial(t);
  }

  /** Records an intermediate measurement. */
  async report(value: Measurement, options: ReportOptions = {}): Promise<void> {
    this.#check('report');
    checkMeasurement('report', value);
    if (options.metrics !== undefined) checkMeasurement('report', options.metrics);
    if (options.step !== undefined && (typeof options.step !== 'number' || !Number.isFinite(options.step))) {
      throw new PliantError('feedback.report', 'argument', `step must be a finite number, found ${String(options.step)}`);
    }
    // With early stopping, every report must carry the objective the policy compares.
    if (this.#context.stopping !== undefined) this.#context.objectives.reward(value, 'feedback.report');
    await this.#record({
      type: 'report',
      id: this.id,
      value,
      ...(options.step === undefined ? {} : { step: options.step }),
      ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
      time: Date.now(),
    });
  }

  /**
   * Whether the search's early-stopping policy says to stop this trial now (always `false`
   * without a policy, or before the first report). Ask after each `report`; when it says yes,
   * end the trial with `prune()` (or throw `Pruned` from a `search` objective).
   */
  shouldStop(): boolean {
    const stopping = this.#context.stopping;
    if (stopping === undefined || this.ended) return false;
    const t = this.#context.study.states.get(this.id);
    if (t === undefined || t.reports.length === 0) return false;
    return stopping.policy.shouldStop(stopping.curves.curve(t), stopping.curves.all());
  }

  /**
   * Completes the trial with its final measurement (default: the last reported one). A value
   * that is not a finite measurement, or that lacks an objective or constraint metric, is a
   * `PliantError` and records nothing.
   */
  async done(value?: Measurement, options: { metrics?: Readonly<Record<string, number>> } = {}): Promise<void> {
    this.#check('done');
    const t = this.#context.study.states.get(this.id);
    const final = value ?? t?.reports[t.reports.length - 1]?.value;
    if (final !== undefined) checkMeasurement('done', final);
    if (options.metrics !== undefined) checkMeasurement('done', options.metrics);
    // Read the objectives and constraints before recording, so a bad measurement records nothing.
    if (final !== undefined) this.#context.objectives.feedback(final, 'feedback.done');
    await this.#record({
      type: 'done',
      id: this.id,
      ...(final === undefined ? {} : { value: final }),
      ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
      time: Date.now(),
    });
  }

  /**
   * Ends the trial as pruned (early-stopped). It keeps its intermediate values in the journal; its
   * value is its last report, and the algorithm learns it as a pruned outcome (ranked after
   * completed trials).
   */
  async prune(): Promise<void> {
    this.#check('prune');
    await this.#record({ type: 'prune', id: this.id, time: Date.now() });
  }

  /**
   * Ends the trial as failed, recording the error (its message; `code` says what kind of failure,
   * default: the `PliantError`'s code for a timeout or a lost thread or worker, else `error`).
   */
  async fail(error: unknown, code?: string): Promise<void> {
    this.#check('fail');
    await this.#record({ type: 'fail', id: this.id, error: failureText(error), code: code ?? failureCode(error), time: Date.now() });
  }

  /** @internal Ends a trial the caller moved past without ending it. */
  async abandon(reason: string): Promise<void> {
    if (this.ended) return;
    await this.#record({ type: 'abandon', id: this.id, reason, time: Date.now() });
  }

  #check(api: string): void {
    if (this.ended) {
      throw new PliantError(
        `feedback.${api}`,
        'state',
        `trial ${this.number} has already ended (${this.#context.study.states.get(this.id)?.state ?? 'unknown'})`,
      );
    }
  }

  async #record(event: JournalEvent): Promise<void> {
    await this.#context.study.append(event);
  }
}

/** The text a failed trial records for what was thrown. */
export function failureText(error: unknown): string {
  if (error instanceof PliantError) return error.message;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  if (typeof error === 'string') return error;
  try {
    return typeof error === 'bigint' ? `${error}n` : (JSON.stringify(error) ?? String(error));
  } catch {
    return String(error);
  }
}

/** The failure code of what was thrown: a timeout, a lost thread or worker, or an error. */
export function failureCode(error: unknown): string {
  if (error instanceof PliantError && (error.code === 'timeout' || error.code === 'remote')) return error.code;
  return 'error';
}

/** @internal Throws a `PliantError` from `feedback.<api>` unless `value` is a finite measurement. */
export function checkMeasurement(api: string, value: Measurement): void {
  const problem = measurementProblem(value);
  if (problem !== undefined) throw new PliantError(`feedback.${api}`, 'argument', `${problem} (end a diverged trial with feedback.fail)`);
}

/**
 * @internal What is wrong with a value given as a measurement (a finite number, or a record of
 * finite numbers), or `undefined` when nothing is.
 */
export function measurementProblem(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `a measurement must be a finite number, found ${String(value)}`;
  if (typeof value === 'bigint') return `a measurement is a number, found the bigint ${value}n (convert it with Number(...))`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `a measurement is a number or a record of numbers, found ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'string' ? `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}` : typeof value}`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return 'a measurement record must hold at least one metric, found {}';
  for (const [k, v] of entries) {
    if (typeof v !== 'number')
      return `metric '${k}' must be a number, found ${typeof v === 'bigint' ? `the bigint ${v}n` : typeof v === 'string' ? `the string ${JSON.stringify(v)}` : v === null ? 'null' : typeof v}`;
    if (!Number.isFinite(v)) return `metric '${k}' must be a finite number, found ${String(v)}`;
  }
  return undefined;
}
