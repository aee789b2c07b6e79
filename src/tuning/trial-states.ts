/**
 * @internal The trials of a study, as its journal events make them: the projection every reader
 * (a search resuming, `loadStudy`, the report) builds the same way. Events that make no sense
 * in their place (an end before the trial's own event, a trial recorded twice, a report after
 * the end) change nothing and are reported, for the study to warn about with the line they are
 * on.
 */
import { DNA } from '../geno/dna.js';
import type { JournalEvent, JournalWarning } from '../storage/storage.js';
import type { Report, Trial, TrialState } from './trial.js';

/** @internal A trial as the projection keeps it (mutable; callers get frozen copies). */
export interface TrialRecord {
  id: string;
  number: number;
  state: TrialState;
  dna: DNA;
  candidate: Trial['candidate'];
  reports: Report[];
  value: Trial['value'];
  metrics: Trial['metrics'];
  error: string | undefined;
  failure: string | undefined;
  started: number;
  ended: number | undefined;
  owner: string;
  hash: string | undefined;
  cached: boolean;
  /** Withdrawn: proposed over the budget, never evaluated, not one of the study's trials. */
  withdrawn: boolean;
  /** How many times its evaluation was started: 1, plus one per claim by another process. */
  attempts: number;
  /** When its current evaluation started (the trial event, or the last claim). */
  since: number;
  /**
   * The steps its current evaluation spent: the largest step of its reports (a report without a
   * step is at its position, from 1), at least 0; 0 before the first report.
   */
  steps: number;
}

/** Whether a trial counts toward the evaluation budget (not cached, not withdrawn). */
function counted(t: TrialRecord): boolean {
  return !t.cached && !t.withdrawn;
}

/** @internal A session of the study: a process that worked on it. */
export interface SessionRecord {
  readonly id: string;
  readonly owner: string;
  /** Its place among the study's sessions, from 0 (its stream, when others were running). */
  readonly index: number;
  ended: boolean;
}

/** What a problem event is, without where it is (the study adds that). */
export type EventProblem = Pick<JournalWarning, 'kind' | 'message'>;

/** @internal See the module comment. */
export class TrialStates {
  /** The study's trials, in order (withdrawn ones are not among them). */
  readonly trials: TrialRecord[] = [];
  /** Every trial event in order, withdrawn ones included: what the algorithm proposed. */
  readonly proposals: TrialRecord[] = [];
  readonly sessions: SessionRecord[] = [];
  /** The trials running now, in order. */
  readonly running = new Set<TrialRecord>();
  /** The study's header, once read. */
  header: Extract<JournalEvent, { type: 'study' }> | undefined;
  readonly #byId = new Map<string, TrialRecord>();
  readonly #byHash = new Map<string, TrialRecord[]>();
  readonly #sessions = new Map<string, SessionRecord>();
  /** How many trials count toward the evaluation budget. */
  #counted = 0;
  /** How many trials were served by the functional cache. */
  cached = 0;
  /** The steps the study's trials spent (see {@link TrialStates.steps}). */
  #steps = 0;

  /** How many trials count toward the evaluation budget (every trial but cached ones). */
  get counted(): number {
    return this.#counted;
  }

  /**
   * The steps the study's trials spent: the sum over its trials, in every state, of the largest
   * step each reported in its current evaluation (a report without a step is at its position,
   * from 1; negative steps count as 0). What `stepBudget` is compared with.
   */
  get steps(): number {
    return this.#steps;
  }

  /** The trial `id` (withdrawn ones included). */
  get(id: string): TrialRecord | undefined {
    return this.#byId.get(id);
  }

  /** The trials (not withdrawn) with the hash `hash`, in order. */
  withHash(hash: string): readonly TrialRecord[] {
    return this.#byHash.get(hash) ?? [];
  }

  /** How many counted trials come before `trial` in the study. */
  countedBefore(trial: TrialRecord): number {
    let after = 0;
    for (let i = this.trials.length - 1; i >= 0; i--) {
      const t = this.trials[i] as TrialRecord;
      if (t === trial) return this.#counted - after - (counted(t) ? 1 : 0);
      if (counted(t)) after++;
    }
    return this.#counted;
  }

  /**
   * Applies one event; returns what is wrong with it when it changes nothing for that reason.
   * `dna`: a trial event's DNA when the caller has it (the event's JSON is not parsed again).
   */
  apply(event: JournalEvent, dna?: DNA): EventProblem | undefined {
    switch (event.type) {
      case 'study':
        this.header ??= event;
        return undefined;
      case 'session': {
        const known = this.#sessions.get(event.id);
        if (event.end === true) {
          if (known !== undefined) known.ended = true;
          return undefined;
        }
        if (known !== undefined) return { kind: 'duplicate', message: `session ${event.id} is recorded twice: the second is skipped` };
        const session: SessionRecord = { id: event.id, owner: event.owner, index: this.sessions.length, ended: false };
        this.sessions.push(session);
        this.#sessions.set(event.id, session);
        return undefined;
      }
      case 'trial':
        return this.#start(event, dna);
      default:
        break;
    }
    const t = this.#byId.get(event.id);
    if (t === undefined)
      return { kind: 'out-of-order', message: `a '${event.type}' event of trial ${event.id}, whose 'trial' event is not before it: skipped` };
    if (t.state !== 'running') {
      const what = event.type === 'report' || event.type === 'claim' ? 'late' : 'duplicate';
      return {
        kind: what,
        message: `a '${event.type}' event of trial ${t.number} (${t.id}), which has ended (${t.withdrawn ? 'withdrawn' : t.state}): skipped`,
      };
    }
    if (event.type !== 'claim' && event.type !== 'report') this.running.delete(t);
    switch (event.type) {
      case 'claim':
        // Of several claims from the same owner, the first wins: a later one finds another owner.
        if (event.from !== t.owner) return undefined;
        t.owner = event.owner;
        t.reports = [];
        this.#steps -= t.steps;
        t.steps = 0;
        t.attempts++;
        t.since = event.time;
        return undefined;
      case 'report':
        t.reports.push({ value: event.value, step: event.step, metrics: event.metrics, time: event.time });
        this.#spend(t, event.step ?? t.reports.length);
        return undefined;
      case 'done':
        t.state = 'completed';
        t.value = event.value;
        t.metrics = event.metrics;
        t.ended = event.time;
        if (event.cached === true) {
          t.cached = true;
          this.cached++;
          this.#counted--;
        }
        return undefined;
      case 'prune':
        t.state = 'pruned';
        t.value = t.reports[t.reports.length - 1]?.value;
        t.ended = event.time;
        return undefined;
      case 'fail':
        t.state = 'failed';
        t.error = event.error;
        t.failure = event.code ?? 'error';
        t.ended = event.time;
        return undefined;
      case 'abandon':
        t.state = 'abandoned';
        t.error = event.reason;
        t.ended = event.time;
        return undefined;
      case 'withdraw':
        this.#withdraw(t, event.reason, event.time);
        return undefined;
    }
  }

  #start(event: Extract<JournalEvent, { type: 'trial' }>, known: DNA | undefined): EventProblem | undefined {
    if (this.#byId.has(event.id)) return { kind: 'duplicate', message: `trial ${event.id} is recorded twice: the second is skipped` };
    let dna: DNA;
    try {
      dna = known ?? DNA.fromJSON(event.dna);
    } catch (error) {
      return {
        kind: 'malformed',
        message: `trial ${event.id} has a DNA that cannot be read (${error instanceof Error ? error.message : String(error)}): skipped`,
      };
    }
    const t: TrialRecord = {
      id: event.id,
      number: this.trials.length,
      state: 'running',
      dna,
      candidate: event.candidate,
      reports: [],
      value: undefined,
      metrics: undefined,
      error: undefined,
      failure: undefined,
      started: event.time,
      ended: undefined,
      owner: event.owner,
      hash: event.hash ?? undefined,
      cached: false,
      withdrawn: false,
      attempts: 1,
      since: event.time,
      steps: 0,
    };
    this.trials.push(t);
    this.proposals.push(t);
    this.running.add(t);
    this.#byId.set(event.id, t);
    this.#counted++;
    if (t.hash !== undefined) {
      const list = this.#byHash.get(t.hash);
      if (list === undefined) this.#byHash.set(t.hash, [t]);
      else list.push(t);
    }
    return undefined;
  }

  /** `t` reported at `step`: the study's steps grow by what goes past its largest step so far. */
  #spend(t: TrialRecord, step: number): void {
    if (step > t.steps) {
      this.#steps += step - t.steps;
      t.steps = step;
    }
  }

  #withdraw(t: TrialRecord, reason: string, time: number): void {
    t.withdrawn = true;
    this.#steps -= t.steps; // not one of the study's trials
    t.steps = 0;
    t.state = 'abandoned';
    t.error = reason;
    t.ended = time;
    this.#counted--;
    const at = this.trials.indexOf(t);
    if (at >= 0) {
      this.trials.splice(at, 1);
      for (let i = at; i < this.trials.length; i++) (this.trials[i] as TrialRecord).number = i;
    }
    if (t.hash !== undefined) {
      const list = this.#byHash.get(t.hash);
      const i = list?.indexOf(t) ?? -1;
      if (list !== undefined && i >= 0) list.splice(i, 1);
    }
  }

  /** The trials as frozen {@link Trial}s. */
  snapshot(): Trial[] {
    return this.trials.map(freezeTrial);
  }
}

/** @internal A frozen copy of a trial record, as users see it. */
export function freezeTrial(t: TrialRecord): Trial {
  const trial: Trial = {
    id: t.id,
    number: t.number,
    state: t.state,
    dna: t.dna,
    candidate: t.candidate,
    reports: Object.freeze([...t.reports]),
    value: t.value,
    metrics: t.metrics,
    error: t.error,
    ...(t.failure === undefined ? {} : { failure: t.failure }),
    started: t.started,
    ended: t.ended,
    owner: t.owner,
    hash: t.hash,
    cached: t.cached,
  };
  return Object.freeze(trial);
}
