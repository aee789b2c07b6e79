/**
 * @internal The trials of a study, as its journal events make them: the projection every reader
 * (a search resuming, `loadStudy`, the report) builds the same way. Events that make no sense
 * in their place (an end before the trial's own event, a trial recorded twice, a report after
 * the end) change nothing and are reported, for the study to warn about with the line they are
 * on.
 */
import { PliantError } from '../base/errors.js';
import { DNA } from '../geno/dna.js';
import type { DNAJson } from '../geno/dna.js';
import { isDnaJson } from '../storage/journal-event-schema.js';
import type { SnapshotPart } from '../storage/snapshot.js';
import type { JsonValue } from '../symbolic/json.js';
import { textOf } from '../base/text-of.js';
import { encodeIntColumn, IntColumnReader } from './int-column.js';
import { CandidateDeriver } from './candidate-deriver.js';
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
  /** Whether its trial event carried a dedupe hash (`hash` key), even `null` (unhashable). */
  readonly hashed: boolean;
  /** The index of its trial event among the events applied, and of the event that ended it (-1: running). */
  seq: number;
  endSeq: number;
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

/** The reports of a trial that has none: shared, frozen. */
const NO_REPORTS = Object.freeze([]) as unknown as Report[];

/**
 * A trial record whose DNA (and, from a snapshot, candidate) is read from its JSON form when
 * first asked for: a study of 100,000 trials opens without building 100,000 DNAs and candidates
 * nobody looks at.
 */
class StoredTrial implements TrialRecord {
  state: TrialState = 'running';
  /** Shared and frozen until the first report (most records of a large study have none). */
  reports: Report[] = NO_REPORTS;
  value: Trial['value'] = undefined;
  metrics: Trial['metrics'] = undefined;
  error: string | undefined = undefined;
  failure: string | undefined = undefined;
  ended: number | undefined = undefined;
  readonly hash: string | undefined;
  readonly hashed: boolean;
  cached = false;
  withdrawn = false;
  attempts = 1;
  since: number;
  steps = 0;
  seq = -1;
  endSeq = -1;
  #dna: DNA | undefined;
  #dnaJson: DNAJson | undefined;
  #candidate: Trial['candidate'] | undefined;
  /**
   * From a snapshot: the payload's bytes, which hold the DNA's JSON text at [#at, #mid) and the
   * candidate's at [#mid + 1, #end) (each parsed when first asked for; the texts stay the record's:
   * the next snapshot passes these bytes on as they are).
   */
  #src: Buffer | undefined;
  #at = 0;
  #mid = 0;
  #end = 0;
  /** Makes the candidate from the DNA (format 3: the trial event left it out; see candidate-deriver.ts). */
  #derive: Deriver | undefined;

  constructor(
    public id: string,
    public number: number,
    dna: DNA | DNAJson | undefined,
    candidate: Trial['candidate'] | undefined,
    public started: number,
    public owner: string,
    hash: string | null | undefined,
    derive?: Deriver,
  ) {
    if (dna instanceof DNA) this.#dna = dna;
    else this.#dnaJson = dna;
    this.#candidate = candidate;
    this.#derive = derive;
    this.since = started;
    this.hash = hash ?? undefined;
    this.hashed = hash !== undefined;
  }

  /**
   * A record whose DNA and candidate are JSON texts in a snapshot's bytes (`src`: the DNA at
   * [at, mid), the candidate at [mid + 1, end)), decoded and parsed when first asked for.
   */
  static ofBytes(
    id: string,
    number: number,
    src: Buffer,
    at: number,
    mid: number,
    end: number,
    started: number,
    owner: string,
    hash: string | null | undefined,
    derive: Deriver | undefined,
  ): StoredTrial {
    const t = new StoredTrial(id, number, undefined, null, started, owner, hash, derive);
    t.#candidate = undefined; // parsed from src when first asked for (or, an empty text, made from the DNA)
    t.#src = src;
    t.#at = at;
    t.#mid = mid;
    t.#end = end;
    return t;
  }

  get dna(): DNA {
    // The JSON form (or the bytes) stay: an ended trial lets its DNA go (see release).
    this.#dna ??= DNA.fromJSON(this.#dnaJson ?? (JSON.parse(this.dnaText) as DNAJson));
    return this.#dna;
  }

  get candidate(): Trial['candidate'] {
    if (this.#candidate === undefined) {
      // from a snapshot's text, or (a trial event without one, an empty text) made from the DNA
      if (this.#src !== undefined && this.#end > this.#mid + 1) this.#candidate = JSON.parse(this.candidateText) as Trial['candidate'];
      else if (this.#derive !== undefined) this.#candidate = this.#derive.derive(this.dna, this.id);
    }
    return this.#candidate as Trial['candidate'];
  }

  /** The DNA's JSON text, without building the DNA when it was not. */
  get dnaText(): string {
    const src = this.#src;
    return src !== undefined ? src.toString('utf8', this.#at, this.#mid) : JSON.stringify(this.#dnaJson ?? this.dna.toJSON());
  }

  /**
   * The candidate's JSON text, without parsing it when it was not; empty when the candidate is made
   * from the DNA (a snapshot leaves it out as the journal did).
   */
  get candidateText(): string {
    const src = this.#src;
    if (src !== undefined) return src.toString('utf8', this.#mid + 1, this.#end);
    return this.#derive !== undefined ? '' : JSON.stringify(this.#candidate);
  }

  /**
   * From a snapshot: the payload's bytes and where the DNA's line and the candidate's line lie in
   * them, `[at, end)` (a newline between them); `undefined` otherwise.
   */
  get textBytes(): { readonly src: Buffer; readonly at: number; readonly end: number } | undefined {
    const src = this.#src;
    return src === undefined ? undefined : { src, at: this.#at, end: this.#end };
  }

  /** Keeps `json` (the trial event's JSON form of its DNA, given as a DNA) to rebuild the DNA from after {@link release}. */
  keepJson(json: DNAJson): void {
    if (this.#dnaJson === undefined && this.#src === undefined) this.#dnaJson = json;
  }

  /**
   * Lets the DNA go when it can be read again from its JSON form: an ended trial's DNA is rarely
   * asked for again, and a study's DNA objects were the largest part of its memory (about 1 KB a
   * trial for 10 decisions; the JSON form is shared with the journal's event).
   */
  release(): void {
    if (this.#dnaJson !== undefined || this.#src !== undefined) this.#dna = undefined;
  }
}

/**
 * What a snapshot's payload holds of the projection: one JSON line of columns (a column per
 * field of the trial records, in the order of their trial events, withdrawn ones included; sparse
 * fields as records by row), then per trial two lines: its DNA's JSON and its candidate's JSON
 * (read when first asked for). Columns parse an order of magnitude faster than a record per trial.
 *
 * Format 3 (written since) keeps times and event indices short, as differences: `started` from the
 * row before (the first row: the time itself), `ended` and `since` from the row's `started`,
 * `seq` from the row before, `endSeq` from the row's `seq` (`null`: not ended). Format 2 kept
 * them whole; it is still read.
 */
interface StatesColumns {
  /**
   * 2: whole values; 3: times and event indices as differences (see `toRelative`); 4: as 3, and
   * each integer column may be one string (see int-column.ts).
   */
  readonly states: 2 | 3 | 4;
  readonly events: number;
  readonly header: Extract<JournalEvent, { type: 'study' }> | null;
  readonly sessions: ([id: string, owner: string, ended: 0 | 1] | [id: string, owner: string, ended: 0 | 1, heartbeat: number])[];
  /** Owners whose sessions promised a heartbeat: the heartbeat and the time of their last event. */
  readonly liveness?: [owner: string, heartbeat: number, seen: number][];
  readonly owners: string[];
  readonly id: string[];
  readonly state: number[] | string;
  readonly started: number[] | string;
  readonly ended: (number | null)[] | string;
  readonly owner: number[] | string;
  readonly hash: (string | null | 0)[];
  readonly flags: number[] | string;
  readonly attempts: number[] | string;
  readonly since: number[] | string;
  readonly steps: number[] | string;
  readonly value: (Trial['value'] | null)[];
  readonly seq: number[] | string;
  readonly endSeq: (number | null)[] | string;
  readonly metrics: Record<number, NonNullable<Trial['metrics']>>;
  readonly error: Record<number, string>;
  readonly failure: Record<number, string>;
  readonly reports: Record<number, [value: Report['value'], step: number | null, metrics: Report['metrics'] | null, time: number][]>;
  /** The numbers of withdrawn rows (their place when they were withdrawn; the others' is their order). */
  readonly withdrawnNumber?: Record<number, number>;
}

const CACHED = 1;
const WITHDRAWN = 2;
const STATE_CODES: readonly TrialState[] = ['running', 'completed', 'pruned', 'failed', 'abandoned'];

/**
 * Turns whole times and event indices into differences (format 3, see {@link StatesColumns}),
 * when every time is a safe integer (a sum of differences of other numbers could round).
 */
function toRelative(c: { states: 2 | 3 | 4; started: number[]; ended: (number | null)[]; since: number[]; seq: number[]; endSeq: (number | null)[] }): void {
  const n = c.started.length;
  for (let i = 0; i < n; i++) {
    const ended = c.ended[i] as number | null;
    if (!Number.isSafeInteger(c.started[i]) || !Number.isSafeInteger(c.since[i]) || (ended !== null && !Number.isSafeInteger(ended))) return;
  }
  for (let i = n - 1; i >= 0; i--) {
    const started = c.started[i] as number;
    const seq = c.seq[i] as number;
    const ended = c.ended[i] as number | null;
    const endSeq = c.endSeq[i] as number;
    if (ended !== null) c.ended[i] = ended - started;
    c.since[i] = (c.since[i] as number) - started;
    c.endSeq[i] = endSeq < 0 ? null : endSeq - seq;
    if (i > 0) {
      c.started[i] = started - (c.started[i - 1] as number);
      c.seq[i] = seq - (c.seq[i - 1] as number);
    }
  }
  c.states = 3;
}

/** The columns of whole numbers, which format 4 may keep as strings. */
const INT_COLUMNS = ['state', 'started', 'ended', 'owner', 'flags', 'attempts', 'since', 'steps', 'seq', 'endSeq'] as const;

/** Format 3's columns as format 4's: each integer column as a string when it can be one. */
function packed(c: StatesColumns): StatesColumns {
  const out: Record<string, unknown> = { ...c, states: 4 };
  for (const name of INT_COLUMNS) {
    const column = c[name];
    if (typeof column !== 'string') out[name] = encodeIntColumn(column) ?? column;
  }
  return out as unknown as StatesColumns;
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
  /** The heartbeat it promised (ms between its `beat` events while it runs trials), if any. */
  readonly heartbeat?: number;
}

/**
 * A process on another machine whose session promised a heartbeat is taken as gone once nothing
 * of it (a beat, a trial, a claim) was read for this many heartbeats.
 */
export const SILENT_BEATS = 4;

/**
 * What a problem event is, without where it is (the study adds that). `kept`: the event was
 * applied all the same (the warning says what it lacks); otherwise it was skipped.
 */
export type EventProblem = Pick<JournalWarning, 'kind' | 'message'> & { readonly kept?: true };

/** What makes a trial's candidate from its DNA when its event left the candidate out. */
type Deriver = Pick<CandidateDeriver, 'derive'>;

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
  /**
   * The records by id (withdrawn ones included) and the trials by dedupe hash, in order. A study
   * opened from a snapshot builds them when first asked (for loadStudy, never): indexing 100,000
   * fresh id strings in a Map was a quarter of opening such a study.
   */
  #byIdMap: Map<string, TrialRecord> | undefined = new Map();
  #byHashMap: Map<string, TrialRecord[]> | undefined = new Map();

  /** Makes a candidate from its DNA in the space the header records (format 3), once there is one. */
  #derive: CandidateDeriver | undefined;

  #deriver(): CandidateDeriver | undefined {
    const space = this.header?.space;
    if (this.#derive === undefined && space !== undefined) this.#derive = new CandidateDeriver(space);
    return this.#derive;
  }

  /**
   * For trials whose events left the candidate out while no header before them recorded a space
   * (the study's first line is corrupt, or lost): makes the candidate from the space of a header
   * read later (a search resumed on the study writes one), and until then says why it cannot.
   */
  #late: Deriver | undefined;

  #lateDeriver(): Deriver {
    return (this.#late ??= {
      derive: (dna, id, api = 'trial.candidate') => {
        const derive = this.#deriver();
        if (derive === undefined) {
          throw new PliantError(
            api,
            'argument',
            `trial ${id} has no candidate, and no header of the study records the space to make it from (its first line is missing or unreadable: see the warning about it); its DNA is ${dna.toString()}`,
          );
        }
        return derive.derive(dna, id, api);
      },
    });
  }

  /** Whether the warning about trials without a candidate that cannot be made yet was given. */
  #warnedUnderivable = false;

  /**
   * Until the index by id is built, the trials recorded since the snapshot, by id: a resumed
   * search asks only for its own trials, and finds them here.
   */
  #recent: Map<string, TrialRecord> | undefined;

  get #byId(): Map<string, TrialRecord> {
    if (this.#byIdMap === undefined) {
      const map = new Map<string, TrialRecord>();
      for (const t of this.proposals) map.set(t.id, t);
      this.#byIdMap = map;
      this.#recent = undefined;
    }
    return this.#byIdMap;
  }

  get #byHash(): Map<string, TrialRecord[]> {
    if (this.#byHashMap === undefined) {
      const map = new Map<string, TrialRecord[]>();
      for (const t of this.trials) {
        if (t.hash === undefined) continue;
        const list = map.get(t.hash);
        if (list === undefined) map.set(t.hash, [t]);
        else list.push(t);
      }
      this.#byHashMap = map;
    }
    return this.#byHashMap;
  }
  readonly #sessions = new Map<string, SessionRecord>();
  /** Owners whose sessions promised a heartbeat: the longest promised, and when (this process's clock) something of theirs was last read. */
  readonly #liveness = new Map<string, { heartbeat: number; seen: number }>();
  /** How many trials count toward the evaluation budget. */
  #counted = 0;
  /** How many trials were served by the functional cache. */
  cached = 0;
  /** How many events were applied (a snapshot's included). */
  events = 0;
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
    if (this.#byIdMap === undefined) {
      const recent = this.#recent?.get(id);
      if (recent !== undefined) return recent;
    }
    return this.#byId.get(id);
  }

  /** Lets an ended trial's DNA go, to be read again from its JSON form when asked for (see {@link StoredTrial.release}). */
  release(t: TrialRecord): void {
    if (t instanceof StoredTrial && t.state !== 'running') t.release();
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

  /** Records a session (and the heartbeat it promised). */
  #addSession(id: string, owner: string, ended: boolean, heartbeat: number | undefined, time: number | undefined): void {
    const session: SessionRecord = { id, owner, index: this.sessions.length, ended, ...(heartbeat === undefined ? {} : { heartbeat }) };
    this.sessions.push(session);
    this.#sessions.set(id, session);
    if (heartbeat === undefined || time === undefined) return;
    const known = this.#liveness.get(owner);
    this.#liveness.set(owner, { heartbeat: Math.max(heartbeat, known?.heartbeat ?? 0), seen: Math.max(time, known?.seen ?? -Infinity) });
  }

  /** Something of `owner` was recorded at `time` (by its clock). */
  #seen(owner: string, time: number): void {
    const known = this.#liveness.get(owner);
    if (known !== undefined && time > known.seen) known.seen = time;
  }

  /**
   * Whether `owner` promised a heartbeat (a session of this version) and nothing of it (a beat, a
   * trial, a claim) is recorded for {@link SILENT_BEATS} of them before `now`. Event times are
   * their writers' clocks: machines sharing a study must agree on the time within a heartbeat or so.
   */
  silent(owner: string, now: number = Date.now()): boolean {
    const known = this.#liveness.get(owner);
    return known !== undefined && now - known.seen > SILENT_BEATS * known.heartbeat;
  }

  /**
   * Applies one event; returns what is wrong with it when it changes nothing for that reason.
   * `dna`: a trial event's DNA when the caller has it (the event's JSON is not parsed again).
   */
  apply(event: JournalEvent, dna?: DNA): EventProblem | undefined {
    const seq = this.events++;
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
        if (event.beat === true) {
          this.#seen(event.owner, event.time);
          return undefined;
        }
        if (known !== undefined) return { kind: 'duplicate', message: `session ${event.id} is recorded twice: the second is skipped` };
        this.#addSession(event.id, event.owner, false, event.heartbeat, event.time);
        return undefined;
      }
      case 'trial':
        this.#seen(event.owner, event.time);
        return this.#start(event, dna);
      case 'claim':
        this.#seen(event.owner, event.time);
        break;
      default:
        break;
    }
    const t = this.get(event.id);
    if (t === undefined)
      return { kind: 'out-of-order', message: `a '${event.type}' event of trial ${event.id}, whose 'trial' event is not before it: skipped` };
    if (t.state !== 'running') {
      const what = event.type === 'report' || event.type === 'claim' ? 'late' : 'duplicate';
      return {
        kind: what,
        message: `a '${event.type}' event of trial ${t.number} (${t.id}), which has ended (${t.withdrawn ? 'withdrawn' : t.state}): skipped`,
      };
    }
    if (event.type !== 'claim' && event.type !== 'report') {
      this.running.delete(t);
      t.endSeq = seq;
    }
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
        if (t.reports === NO_REPORTS) t.reports = [];
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
    // The loop's own trial (`known`) has an id made unique by its owner, time and counter: it is
    // checked against the trials of this process's reading since the snapshot, without indexing
    // the snapshot's (a resumed search would otherwise index 100,000 ids before its first trial).
    const ids = known !== undefined && this.#byIdMap === undefined && this.#recent !== undefined ? this.#recent : this.#byId;
    if (ids.has(event.id)) return { kind: 'duplicate', message: `trial ${event.id} is recorded twice: the second is skipped` };
    let dna = known;
    // A DNA whose JSON form is well formed is read when first asked for (a study of 100,000
    // trials opens without building 100,000 DNAs nobody looks at); any other is read now, to
    // skip the trial with the reason.
    if (dna === undefined && !isDnaJson(event.dna)) {
      try {
        dna = DNA.fromJSON(event.dna);
      } catch (error) {
        return {
          kind: 'malformed',
          message: `trial ${event.id} has a DNA that cannot be read (${error instanceof Error ? error.message : String(error)}): skipped`,
        };
      }
    }
    // A trial whose candidate cannot be made (no readable space recorded before it) is kept all
    // the same, with its DNA and outcome: the candidate is made from the space of a header read
    // later, if one is. Said once, not for each such trial.
    let derive: Deriver | undefined;
    let problem: EventProblem | undefined;
    if (event.candidate === undefined) {
      const found = this.#deriver();
      derive = found ?? this.#lateDeriver();
      const why = found === undefined ? 'no header before it records the space to make it from' : found.problem();
      if (why !== undefined && !this.#warnedUnderivable) {
        this.#warnedUnderivable = true;
        problem = {
          kind: 'malformed',
          kept: true,
          message: `trial ${event.id} has no candidate, and ${why}: kept with its DNA and outcome, as is every such trial of the study (said once); ${found === undefined ? 'their candidates are made from the space of a header read later, if one is' : 'their candidates cannot be made'}`,
        };
      }
    }
    const t = new StoredTrial(event.id, this.trials.length, dna ?? event.dna, event.candidate, event.time, event.owner, event.hash, derive);
    // The loop's own trial comes with its DNA, and the event with that DNA's JSON form.
    if (known !== undefined) t.keepJson(event.dna);
    t.seq = this.events - 1;
    this.#add(t);
    return problem;
  }

  /** Adds a trial (a new one, or one a snapshot holds: its indexes are built later, from the lists). */
  #add(t: StoredTrial): void {
    this.trials.push(t);
    this.proposals.push(t);
    if (t.state === 'running') this.running.add(t);
    if (this.#byIdMap !== undefined) this.#byIdMap.set(t.id, t);
    else this.#recent?.set(t.id, t);
    this.#counted++;
    if (t.hash !== undefined && this.#byHashMap !== undefined) {
      const list = this.#byHashMap.get(t.hash);
      if (list === undefined) this.#byHashMap.set(t.hash, [t]);
      else list.push(t);
    }
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
    if (t.hash !== undefined && this.#byHashMap !== undefined) {
      const list = this.#byHashMap.get(t.hash);
      const i = list?.indexOf(t) ?? -1;
      if (list !== undefined && i >= 0) list.splice(i, 1);
    }
  }

  /** The projection as a snapshot's payload holds it (see {@link StatesColumns}). */
  toSnapshot(): string {
    return this.toSnapshotLines()
      .map((part) => (typeof part === 'string' ? part : part.toString('utf8')))
      .join('\n');
  }

  /**
   * {@link toSnapshot}'s lines, not joined (a writer streams them: the payload is never one
   * string): the columns, then the trials' texts as bytes, one part per run (lines joined by
   * newlines). The texts of trials read from a snapshot are that snapshot's bytes, passed on
   * neither decoded nor encoded; `reuse`, when given, holds the texts of the first `rows` trials
   * as they are (read back from the last snapshot written), and only the others are made.
   */
  toSnapshotLines(reuse?: { readonly rows: number; readonly bytes: Buffer }): SnapshotPart[] {
    const rows = this.proposals;
    const owners = new Map<string, number>();
    const c = {
      states: 2 as 2 | 3 | 4,
      events: this.events,
      header: this.header ?? null,
      sessions: this.sessions.map((x) => (x.heartbeat === undefined ? [x.id, x.owner, x.ended ? 1 : 0] : [x.id, x.owner, x.ended ? 1 : 0, x.heartbeat])),
      liveness: [...this.#liveness].map(([owner, l]) => [owner, l.heartbeat, l.seen]),
      owners: [] as string[],
      id: [] as string[],
      state: [] as number[],
      started: [] as number[],
      ended: [] as (number | null)[],
      owner: [] as number[],
      hash: [] as (string | null | 0)[],
      flags: [] as number[],
      attempts: [] as number[],
      since: [] as number[],
      steps: [] as number[],
      value: [] as (Trial['value'] | null)[],
      seq: [] as number[],
      endSeq: [] as (number | null)[],
      metrics: {} as StatesColumns['metrics'],
      error: {} as StatesColumns['error'],
      failure: {} as StatesColumns['failure'],
      reports: {} as StatesColumns['reports'],
      withdrawnNumber: {} as Record<number, number>,
    } satisfies StatesColumns;
    const texts: SnapshotPart[] = [''];
    const reused = reuse !== undefined && reuse.rows > 0 && reuse.rows <= rows.length ? reuse.rows : 0;
    if (reused > 0) texts.push((reuse as NonNullable<typeof reuse>).bytes);
    // a run of consecutive trials whose texts lie end to end in one snapshot's bytes: [at, end) of src
    let run: { src: Buffer; at: number; end: number } | undefined;
    // the texts made here, since the last part: one part of bytes when a run of bytes or the end comes
    let made: string[] = [];
    const flush = (): void => {
      if (made.length === 0) return;
      texts.push(Buffer.from(made.join('\n'), 'utf8'));
      made = [];
    };
    for (let i = 0; i < rows.length; i++) {
      const t = rows[i] as TrialRecord;
      let owner = owners.get(t.owner);
      if (owner === undefined) {
        owner = c.owners.length;
        owners.set(t.owner, owner);
        c.owners.push(t.owner);
      }
      c.id.push(t.id);
      c.state.push(STATE_CODES.indexOf(t.state));
      c.started.push(t.started);
      c.ended.push(t.ended ?? null);
      c.owner.push(owner);
      c.hash.push(t.hashed ? (t.hash ?? null) : 0);
      c.flags.push((t.cached ? CACHED : 0) | (t.withdrawn ? WITHDRAWN : 0));
      if (t.withdrawn) c.withdrawnNumber[i] = t.number;
      c.attempts.push(t.attempts);
      c.since.push(t.since);
      c.steps.push(t.steps);
      c.value.push(t.value ?? null);
      c.seq.push(t.seq);
      c.endSeq.push(t.endSeq);
      if (t.metrics !== undefined) c.metrics[i] = t.metrics;
      if (t.error !== undefined) c.error[i] = t.error;
      if (t.failure !== undefined) c.failure[i] = t.failure;
      if (t.reports.length > 0) c.reports[i] = t.reports.map((r) => [r.value, r.step ?? null, r.metrics ?? null, r.time]);
      if (i < reused) continue;
      const bytes = t instanceof StoredTrial ? t.textBytes : undefined;
      if (bytes !== undefined && run !== undefined && bytes.src === run.src && bytes.at === run.end + 1) {
        run.end = bytes.end;
        continue;
      }
      if (run !== undefined) texts.push(run.src.subarray(run.at, run.end));
      run = bytes === undefined ? undefined : { ...bytes };
      if (bytes !== undefined) {
        flush();
        continue;
      }
      if (t instanceof StoredTrial) made.push(t.dnaText, t.candidateText);
      else made.push(JSON.stringify(t.dna.toJSON()), JSON.stringify(t.candidate));
    }
    if (run !== undefined) texts.push(run.src.subarray(run.at, run.end));
    flush();
    toRelative(c);
    texts[0] = JSON.stringify(c.states === 3 ? packed(c) : c);
    if (texts.length === 1) texts.push('');
    return texts;
  }

  /**
   * The projection a snapshot's payload holds (what {@link TrialStates.toSnapshot} wrote): the
   * same as applying the events it covers. A payload that is not one is an `Error` saying why.
   */
  static fromSnapshot(payload: string | Buffer): TrialStates {
    const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
    const newline = bytes.indexOf(0x0a);
    const c = JSON.parse(textOf(bytes, 0, newline < 0 ? bytes.length : newline)) as StatesColumns;
    if (typeof c !== 'object' || c === null || (c.states !== 2 && c.states !== 3 && c.states !== 4) || !Array.isArray(c.id) || !Array.isArray(c.sessions))
      throw new Error('not a snapshot of trial states');
    const n = c.id.length;
    // Two lines a trial after the columns (its DNA's and its candidate's JSON), found without
    // decoding them: each is decoded when first asked for. Integers where they fit, so that a
    // record keeps its offsets as small integers rather than as three boxed doubles.
    const lines = bytes.length < 0xffffffff ? new Uint32Array(2 * n) : new Float64Array(2 * n);
    let lineCount = 0;
    if (n > 0 && newline >= 0) {
      let from = newline + 1;
      for (;;) {
        const stop = bytes.indexOf(0x0a, from);
        if (lineCount === 2 * n) {
          lineCount++; // more lines than trials
          break;
        }
        lines[lineCount++] = stop < 0 ? bytes.length : stop;
        if (stop < 0) break;
        from = stop + 1;
      }
    }
    if (
      (n > 0 && lineCount !== 2 * n) ||
      [c.hash, c.value].some((column) => !Array.isArray(column) || column.length !== n) ||
      (c.states !== 4 && INT_COLUMNS.some((name) => typeof c[name] === 'string'))
    )
      throw new Error('its columns do not have one row per trial');
    // Each row takes the next entry of every integer column, in order (format 4's strings are
    // read as they go: see IntColumnReader).
    const [stateOf, startedOf, endedOf, ownerOf, flagsOf, attemptsOf, sinceOf, stepsOf, seqOf, endSeqOf] = INT_COLUMNS.map(
      (name) => new IntColumnReader(c[name], n),
    ) as [
      IntColumnReader,
      IntColumnReader,
      IntColumnReader,
      IntColumnReader,
      IntColumnReader,
      IntColumnReader,
      IntColumnReader,
      IntColumnReader,
      IntColumnReader,
      IntColumnReader,
    ];
    const states = new TrialStates();
    // indexed when first asked (see #byIdMap)
    states.#byIdMap = undefined;
    states.#byHashMap = undefined;
    states.events = c.events;
    if (c.header !== null) states.header = c.header;
    for (const [id, owner, ended, heartbeat] of c.sessions) states.#addSession(id, owner, ended === 1, heartbeat, undefined);
    for (const [owner, heartbeat, seen] of c.liveness ?? []) states.#liveness.set(owner, { heartbeat, seen });
    // Formats 3 and 4 keep differences (see StatesColumns); format 2 whole values.
    const relative = c.states !== 2;
    // a trial whose candidate text is empty: made from its DNA in the space the header records (or,
    // none recorded before it, a header read later: see #lateDeriver)
    const derive = states.#deriver() ?? states.#lateDeriver();
    let started = 0;
    let seq = 0;
    for (let i = 0; i < n; i++) {
      const hash = c.hash[i] as string | null | 0;
      const owner = c.owners[ownerOf.next() as number];
      started = relative ? started + (startedOf.next() as number) : (startedOf.next() as number);
      seq = relative ? seq + (seqOf.next() as number) : (seqOf.next() as number);
      const ended = endedOf.next() ?? undefined;
      const endSeq = endSeqOf.next() ?? -1;
      const state = STATE_CODES[stateOf.next() as number];
      if (owner === undefined || state === undefined) throw new Error(`trial row ${i} is malformed`);
      const mid = lines[2 * i] as number;
      const end = lines[2 * i + 1] as number;
      const t = StoredTrial.ofBytes(
        c.id[i] as string,
        states.trials.length,
        bytes,
        i === 0 ? newline + 1 : (lines[2 * i - 1] as number) + 1,
        mid,
        end,
        started,
        owner,
        hash === 0 ? undefined : hash,
        derive,
      );
      t.state = state;
      t.ended = ended === undefined || !relative ? ended : started + ended;
      t.attempts = attemptsOf.next() as number;
      const since = sinceOf.next() as number;
      t.since = relative ? started + since : since;
      t.steps = stepsOf.next() as number;
      t.value = c.value[i] ?? undefined;
      t.metrics = c.metrics[i];
      t.error = c.error[i];
      t.failure = c.failure[i];
      const reports = c.reports[i];
      if (reports !== undefined) t.reports = reports.map(([v, step, m, time]) => ({ value: v, step: step ?? undefined, metrics: m ?? undefined, time }));
      t.seq = seq;
      t.endSeq = endSeq < 0 || !relative ? endSeq : seq + endSeq;
      const flags = flagsOf.next() as number;
      if ((flags & WITHDRAWN) !== 0) {
        t.withdrawn = true;
        t.number = c.withdrawnNumber?.[i] ?? t.number;
        states.proposals.push(t);
        continue;
      }
      states.#add(t);
      if ((flags & CACHED) !== 0) {
        t.cached = true;
        states.cached++;
        states.#counted--;
      }
      states.#steps += t.steps;
    }
    states.#recent = new Map();
    return states;
  }

  /** The trials as frozen {@link Trial}s. */
  snapshot(): Trial[] {
    return this.trials.map(freezeTrial);
  }
}

/** A {@link FrozenTrial}'s fields, as its constructor sets them. */
type Fields = Record<string, unknown>;

/** The record behind a {@link FrozenTrial} (set by its static block). */
let recordOf: (trial: FrozenTrial) => TrialRecord;

/**
 * A trial as users see it (frozen). Its `dna` and `candidate` are read from the record when first
 * asked for (own enumerable getters: those of a trial nobody looks at are never built).
 */
class FrozenTrial {
  /** The record behind it (a private field: cheaper than a hidden property, and invisible to every reflection). */
  readonly #record: TrialRecord;

  static {
    recordOf = (trial) => trial.#record;
  }

  constructor(t: TrialRecord) {
    // Plain `this.<name> =` assignments (the casts are types only): V8 counts them to lay the
    // fields out inside the object, where assignments through an alias left them in a separate
    // property array, one more object a trial (a study's trials are frozen by the 100,000).
    this.#record = t;
    (this as unknown as Fields).id = t.id;
    (this as unknown as Fields).number = t.number;
    (this as unknown as Fields).state = t.state;
    (this as unknown as Fields).reports = t.reports.length === 0 ? NO_REPORTS : Object.freeze([...t.reports]);
    (this as unknown as Fields).value = t.value;
    (this as unknown as Fields).metrics = t.metrics;
    (this as unknown as Fields).error = t.error;
    if (t.failure !== undefined) (this as unknown as Fields).failure = t.failure;
    (this as unknown as Fields).started = t.started;
    (this as unknown as Fields).ended = t.ended;
    (this as unknown as Fields).owner = t.owner;
    (this as unknown as Fields).hash = t.hash;
    (this as unknown as Fields).cached = t.cached;
    // Own, enumerable accessors: `{ ...trial }`, `Object.keys(trial)` and JSON see `dna` and
    // `candidate` as they saw plain fields, but nothing builds them until they are read. The
    // getters are shared (the record is behind a symbol), so every trial has the same shape.
    Object.defineProperty(this, 'dna', DNA_ACCESSOR);
    Object.defineProperty(this, 'candidate', CANDIDATE_ACCESSOR);
    Object.freeze(this);
  }
}

const DNA_ACCESSOR: PropertyDescriptor = {
  get(this: FrozenTrial): DNA {
    return recordOf(this).dna;
  },
  enumerable: true,
};
const CANDIDATE_ACCESSOR: PropertyDescriptor = {
  get(this: FrozenTrial): Trial['candidate'] {
    return recordOf(this).candidate;
  },
  enumerable: true,
};

/** @internal A frozen copy of a trial record, as users see it. */
export function freezeTrial(t: TrialRecord): Trial {
  return new FrozenTrial(t) as unknown as Trial;
}
