import { PliantError } from '../symbolic/errors.js';
import type { DNA } from '../geno/dna.js';
import type { Measurement, StudyJournal } from '../storage/storage.js';
import { trusted } from '../storage/storage.js';
import type { StudyState } from './study-state.js';
import { ACTIVE } from './study-state.js';
import type { Trial } from './trial.js';

/** Options of {@link Feedback.report}. */
export interface ReportOptions {
  /** The step (epoch, iteration) of the measurement. */
  readonly step?: number;
  /** Further named numbers. */
  readonly metrics?: Readonly<Record<string, number>>;
}

/** @internal What the loop does when a trial ends. */
export interface TrialEnd {
  (trial: Feedback, value: Measurement | undefined): void;
}

/**
 * The handle of one running trial: report intermediate measurements, then end it with `done`,
 * `fail` or (by moving on) abandonment. Every call is in the journal before it returns.
 */
export class Feedback {
  readonly #journal: StudyJournal;
  readonly #state: StudyState;
  readonly #onDone: TrialEnd;
  /** The trial's id. */
  readonly id: string;
  /** The trial's number in the study. */
  readonly number: number;
  /** The trial's DNA. */
  readonly dna: DNA;

  /** @internal */
  constructor(journal: StudyJournal, state: StudyState, id: string, number: number, dna: DNA, onDone: TrialEnd) {
    this.#journal = journal;
    this.#state = state;
    this.#onDone = onDone;
    this.id = id;
    this.number = number;
    this.dna = dna;
  }

  /** Whether the trial has ended. */
  get ended(): boolean {
    return this.#state.get(this.id)?.state !== 'running';
  }

  /** The trial as recorded so far. */
  get trial(): Trial {
    const t = this.#state.get(this.id);
    if (t === undefined) throw new PliantError('Feedback', 'argument', `no trial ${this.id}`);
    return Object.freeze({ ...t, reports: Object.freeze([...t.reports]) });
  }

  /** Records an intermediate measurement. */
  async report(value: Measurement, options: ReportOptions = {}): Promise<void> {
    this.#check('report');
    checkMeasurement('report', value);
    if (options.metrics !== undefined) checkMeasurement('report', options.metrics);
    await this.#record({ type: 'report', id: this.id, value, ...(options.step === undefined ? {} : { step: options.step }), ...(options.metrics === undefined ? {} : { metrics: options.metrics }), time: Date.now() });
  }

  /** Completes the trial with its final measurement (default: the last reported one). */
  async done(value?: Measurement, options: { metrics?: Readonly<Record<string, number>> } = {}): Promise<void> {
    this.#check('done');
    const t = this.#state.get(this.id);
    const final = value ?? t?.reports[t.reports.length - 1]?.value;
    if (final !== undefined) checkMeasurement('done', final);
    if (options.metrics !== undefined) checkMeasurement('done', options.metrics);
    await this.#record({ type: 'done', id: this.id, ...(final === undefined ? {} : { value: final }), ...(options.metrics === undefined ? {} : { metrics: options.metrics }), time: Date.now() });
    ACTIVE.delete(this.id);
    this.#onDone(this, final);
  }

  /** Ends the trial as failed, recording the error. */
  async fail(error: unknown): Promise<void> {
    this.#check('fail');
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    await this.#record({ type: 'fail', id: this.id, error: text, time: Date.now() });
    ACTIVE.delete(this.id);
  }

  /** @internal Ends a trial the caller moved past without ending it. */
  async abandon(reason: string): Promise<void> {
    if (this.ended) return;
    await this.#record({ type: 'abandon', id: this.id, reason, time: Date.now() });
    ACTIVE.delete(this.id);
  }

  #check(api: string): void {
    if (this.ended) throw new PliantError(`feedback.${api}`, 'argument', `trial ${this.number} has already ended (${this.#state.get(this.id)?.state ?? 'unknown'})`);
  }

  async #record(event: Parameters<StudyJournal['append']>[0]): Promise<void> {
    await this.#journal.append(trusted(event));
    this.#state.apply(event);
  }
}

function checkMeasurement(api: string, value: Measurement): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new PliantError(`feedback.${api}`, 'argument', `a measurement must be a finite number, found ${value} (end a diverged trial with feedback.fail)`);
    return;
  }
  if (typeof value !== 'object' || value === null) throw new PliantError(`feedback.${api}`, 'argument', `a measurement is a number or a record of numbers, found ${String(value)}`);
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new PliantError(`feedback.${api}`, 'argument', `metric '${k}' must be a number, found ${String(v)}`);
  }
}
