import type { Outcome } from '../algorithms/algorithm.js';
import type { TrialFeedback, TrialReportOptions } from '../executors/executor.js';
import type { EarlyStopping } from '../algorithms/early-stopping/early-stopping.js';
import { PliantError } from '../base/errors.js';
import type { DNA } from '../geno/dna.js';
import type { StudyJournal } from '../storage/storage.js';
import type { Measurement } from '../base/measurement.js';
import { trusted } from '../storage/storage.js';
import type { CurveBook } from './curves.js';
import type { DedupeBook } from './dedupe-book.js';
import type { Objectives } from './objectives.js';
import type { StudyState } from './study-state.js';
import { ACTIVE } from './study-state.js';
import type { Trial } from './trial.js';

/** Options of {@link Feedback.report} (the same as a trial handle's, in any executor). */
export type ReportOptions = TrialReportOptions;

/** @internal What a trial's feedback needs from its loop. */
export interface TrialLoop {
  readonly journal: StudyJournal;
  readonly state: StudyState;
  readonly objectives: Objectives;
  /** The early-stopping policy and the study's curves, when the loop has a policy. */
  readonly stopping: { readonly policy: EarlyStopping; readonly curves: CurveBook } | undefined;
  /** The functional cache's view of the journal, when the loop dedupes. */
  readonly dedupe: DedupeBook | undefined;
  /** Tells the algorithm how a trial ended (after the journal has it). */
  ended(feedback: Feedback, outcome: { readonly reward: number; readonly outcome: Outcome | undefined } | undefined): void;
}

/**
 * The handle of one running trial: report intermediate measurements (and ask `shouldStop()` when
 * the search has an early-stopping policy), then end it with `done`, `prune`, `fail`, or (by
 * moving on) abandonment. Every call is in the journal before it returns.
 */
export class Feedback implements TrialFeedback {
  readonly #loop: TrialLoop;
  /** The trial's id. */
  readonly id: string;
  /** The trial's number in the study. */
  readonly number: number;
  /** The trial's DNA. */
  readonly dna: DNA;

  /** @internal */
  constructor(loop: TrialLoop, id: string, number: number, dna: DNA) {
    this.#loop = loop;
    this.id = id;
    this.number = number;
    this.dna = dna;
  }

  /** Whether the trial has ended. */
  get ended(): boolean {
    return this.#loop.state.get(this.id)?.state !== 'running';
  }

  /** The trial as recorded so far. */
  get trial(): Trial {
    const t = this.#loop.state.get(this.id);
    if (t === undefined) throw new PliantError('Feedback', 'argument', `no trial ${this.id}`);
    return Object.freeze({ ...t, reports: Object.freeze([...t.reports]) });
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
    if (this.#loop.stopping !== undefined) this.#loop.objectives.reward(value, 'feedback.report');
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
    const stopping = this.#loop.stopping;
    if (stopping === undefined || this.ended) return false;
    const t = this.#loop.state.get(this.id);
    if (t === undefined || t.reports.length === 0) return false;
    return stopping.policy.shouldStop(stopping.curves.curve(t), stopping.curves.all());
  }

  /** Completes the trial with its final measurement (default: the last reported one). */
  async done(value?: Measurement, options: { metrics?: Readonly<Record<string, number>> } = {}): Promise<void> {
    this.#check('done');
    const t = this.#loop.state.get(this.id);
    const final = value ?? t?.reports[t.reports.length - 1]?.value;
    if (final !== undefined) checkMeasurement('done', final);
    if (options.metrics !== undefined) checkMeasurement('done', options.metrics);
    // Read the objectives and constraints before recording, so a bad measurement records nothing.
    const told = final === undefined ? undefined : this.#loop.objectives.feedback(final, 'feedback.done');
    await this.#record({
      type: 'done',
      id: this.id,
      ...(final === undefined ? {} : { value: final }),
      ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
      time: Date.now(),
    });
    ACTIVE.delete(this.id);
    this.#loop.ended(this, told);
  }

  /**
   * Ends the trial as pruned (early-stopped). It keeps its intermediate values in the journal; its
   * value is its last report, and the algorithm learns it as a pruned outcome (ranked after
   * completed trials).
   */
  async prune(): Promise<void> {
    this.#check('prune');
    const t = this.#loop.state.get(this.id);
    const last = t?.reports[t.reports.length - 1];
    const told = last === undefined ? undefined : this.#loop.objectives.feedback(last.value, 'feedback.prune', last.step ?? (t?.reports.length as number));
    await this.#record({ type: 'prune', id: this.id, time: Date.now() });
    ACTIVE.delete(this.id);
    this.#loop.ended(this, told);
  }

  /** Ends the trial as failed, recording the error. */
  async fail(error: unknown): Promise<void> {
    this.#check('fail');
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    await this.#record({ type: 'fail', id: this.id, error: text, time: Date.now() });
    ACTIVE.delete(this.id);
    this.#loop.ended(this, undefined);
  }

  /** @internal Ends a trial the caller moved past without ending it. */
  async abandon(reason: string): Promise<void> {
    if (this.ended) return;
    await this.#record({ type: 'abandon', id: this.id, reason, time: Date.now() });
    ACTIVE.delete(this.id);
    this.#loop.ended(this, undefined);
  }

  #check(api: string): void {
    if (this.ended)
      throw new PliantError(`feedback.${api}`, 'argument', `trial ${this.number} has already ended (${this.#loop.state.get(this.id)?.state ?? 'unknown'})`);
  }

  async #record(event: Parameters<StudyJournal['append']>[0]): Promise<void> {
    await this.#loop.journal.append(trusted(event));
    this.#loop.state.apply(event);
    this.#loop.dedupe?.apply(event);
  }
}

function checkMeasurement(api: string, value: Measurement): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new PliantError(`feedback.${api}`, 'argument', `a measurement must be a finite number, found ${value} (end a diverged trial with feedback.fail)`);
    return;
  }
  if (typeof value !== 'object' || value === null)
    throw new PliantError(`feedback.${api}`, 'argument', `a measurement is a number or a record of numbers, found ${String(value)}`);
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new PliantError(`feedback.${api}`, 'argument', `metric '${k}' must be a number, found ${String(v)}`);
  }
}
