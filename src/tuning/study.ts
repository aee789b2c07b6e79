/**
 * @internal The study, event-sourced over its journal: it owns the journal, applies every event
 * (this process's and other processes', in the journal's order) to its projections, warns about
 * events that make no sense where they are, and tells its listeners. The trial handle, the
 * algorithm's feedback, the dedupe book, the learning curves and `onTrialEnd` all hang off it.
 */
import { crc32 } from 'node:zlib';
import type { DNA } from '../geno/dna.js';
import { Journal, emitJournalWarning } from '../storage/journal.js';
import type { SnapshotPart } from '../storage/snapshot.js';
import type { JournalEvent, JournalWarning, Storage, StudyJournal } from '../storage/storage.js';
import { checkStorage, trusted } from '../storage/storage.js';
import { TrialStates } from './trial-states.js';
import type { TrialRecord } from './trial-states.js';

/** What a listener learns of an event besides the event itself. */
export interface StudyChange {
  /** The trial the event is about (after the event), if any. */
  readonly trial: TrialRecord | undefined;
  /** Whether the event ended the trial (done, prune, fail, abandon, withdraw). */
  readonly ended: boolean;
}

/** A listener of a study's events, called once per event in the journal's order. */
export type StudyListener = (event: JournalEvent, change: StudyChange) => void;

/** Options of {@link Study.open}. */
export interface StudyOpenOptions {
  /** The public function that opens it (messages name it). */
  readonly api: string;
  /** Open for reading only (nothing is created or written). */
  readonly readOnly?: boolean;
  /** Where warnings go (default: `process.emitWarning`, `PLIANT_JOURNAL`). */
  readonly onWarning?: (warning: JournalWarning) => void;
  /** Open after the study's snapshot when it has one that holds (default true). */
  readonly snapshot?: boolean;
}

/**
 * @internal When a writer snapshots the study: while it runs, once `every` events came after the
 * last snapshot and at least as many as the snapshot covers (so writing snapshots costs O(1) per
 * event); on close, once `onClose` events did. A journal shorter than that replays in well under
 * 0.1 s, about what reading a snapshot of it costs, so a snapshot would only add its writing
 * (about 7 µs per trial) to every run. Tests lower them to see snapshots of small studies.
 */
export const SNAPSHOT_POLICY = { every: 10_000, onClose: 10_000 };

/** Where a snapshot's payload holds the texts of its first `rows` trials: bytes [from, to), and their CRC-32. */
interface SnapshotTexts {
  readonly rows: number;
  readonly from: number;
  readonly to: number;
  readonly crc: number;
}

/**
 * Where the payload `parts` (the problems line, the columns line, then the trials' texts) holds the
 * texts of its `rows` trials; `undefined` when it holds none.
 */
function textsOf(parts: readonly SnapshotPart[], rows: number): SnapshotTexts | undefined {
  if (rows === 0 || parts.length < 3) return undefined;
  const size = (part: SnapshotPart): number => (typeof part === 'string' ? Buffer.byteLength(part, 'utf8') : part.length);
  const from = size(parts[0] as SnapshotPart) + 1 + size(parts[1] as SnapshotPart) + 1;
  let to = from;
  let crc = 0;
  for (let i = 2; i < parts.length; i++) {
    const part = parts[i] as SnapshotPart;
    if (i > 2) {
      crc = crc32('\n', crc);
      to++;
    }
    crc = crc32(part, crc);
    to += size(part);
  }
  return { rows, from, to, crc };
}

/** A problem event the study warned about: kind, position in the journal, message (a snapshot keeps them). */
type StoredProblem = [kind: JournalWarning['kind'], position: number, message: string];

const ENDS: ReadonlySet<JournalEvent['type']> = new Set(['done', 'prune', 'fail', 'abandon', 'withdraw']);

/** @internal See the module comment. */
export class Study {
  readonly name: string;
  readonly journal: StudyJournal;
  #states = new TrialStates();
  /** Whether the projection was restored from a snapshot (then the journal's `events` start after it). */
  #restored = false;
  /** How many events the last snapshot (read or written) covers. */
  #covered = 0;
  /**
   * Where the last snapshot this process wrote holds its trials' texts: the texts of the first
   * `rows` trials at [from, to) of its payload, with their CRC-32.
   */
  #written: SnapshotTexts | undefined;
  /** The problem events warned about (for a snapshot to warn about them again). */
  #problems: StoredProblem[] = [];
  /** Replaced, never changed in place: an event's listeners are those when it is applied. */
  #listeners: readonly StudyListener[] = [];
  readonly #onWarning: (warning: JournalWarning) => void;
  /** How many of the journal's events are applied. */
  #applied = 0;
  /** The DNA of the trial event being appended. */
  #hint: { readonly event: JournalEvent; readonly dna: DNA } | undefined;

  private constructor(name: string, journal: StudyJournal, onWarning: (warning: JournalWarning) => void) {
    this.name = name;
    this.journal = journal;
    this.#onWarning = onWarning;
  }

  /** Opens the study `name` in `storage` and applies its journal. */
  static async open(storage: Storage, name: string, options: StudyOpenOptions): Promise<Study> {
    const onWarning = options.onWarning ?? ((warning: JournalWarning) => emitJournalWarning(options.api, warning));
    checkStorage(storage, options.api);
    const journal = await storage.open(name, { readOnly: options.readOnly === true, onWarning, snapshot: options.snapshot !== false });
    return Study.after(journal, name, onWarning);
  }

  /**
   * A study over a journal opened (with `snapshot`) already: from the journal's snapshot when it
   * has one, else from its events. A snapshot whose payload cannot be read is ignored with a
   * warning, and the journal is read from its start.
   */
  static async after(journal: StudyJournal, name: string, onWarning: (warning: JournalWarning) => void): Promise<Study> {
    const study = new Study(name, journal, onWarning);
    const payload = journal instanceof Journal ? journal.takeSnapshot() : undefined;
    if (payload !== undefined && journal instanceof Journal) {
      try {
        study.#restore(payload, journal);
      } catch (error) {
        study.#states = new TrialStates();
        study.#problems = [];
        study.#restored = false;
        study.#warn({
          kind: 'snapshot',
          message: `the study's snapshot is ignored: its payload cannot be read (${error instanceof Error ? error.message : String(error)}); the journal is read from its start (it is the record: nothing is lost)`,
          at: journal.where,
        });
        await journal.reread();
      }
    }
    study.#sync();
    return study;
  }

  /** The study's trials, sessions and header, as its events make them. */
  get states(): TrialStates {
    return this.#states;
  }

  /** Whether the study was opened from a snapshot (the journal's `events` start after the events it covers). */
  get restored(): boolean {
    return this.#restored;
  }

  #restore(payload: Buffer, journal: Journal): void {
    const newline = payload.indexOf(0x0a);
    if (newline < 0) throw new Error('no problems line');
    const problems = JSON.parse(payload.toString('utf8', 0, newline)) as StoredProblem[];
    if (!Array.isArray(problems)) throw new Error('no problems line');
    const states = TrialStates.fromSnapshot(payload.subarray(newline + 1));
    if (states.events !== journal.base) throw new Error(`it covers ${states.events} events, its envelope ${journal.base}`);
    this.#states = states;
    this.#restored = true;
    this.#covered = journal.base;
    this.#problems = problems;
    for (const [kind, position, message] of problems) this.#warn({ kind, message, at: journal.at(position) });
  }

  /**
   * Writes a snapshot of the study (a writer's journal file or Redis list: not memory, not
   * read-only), when enough events came since the last one (see {@link SNAPSHOT_POLICY}); with
   * `force`, whatever came. A snapshot that cannot be written is a warning (it is derived
   * data: the journal holds everything).
   */
  async snapshot(closing: boolean, force = false): Promise<void> {
    const journal = this.journal;
    // Memory storage and read-only journals keep no snapshot: never pay for building one there.
    if (!(journal instanceof Journal) || !journal.snapshots) return;
    this.#sync();
    const events = journal.base + journal.events.length;
    const since = events - this.#covered;
    if (!force && (closing ? since < SNAPSHOT_POLICY.onClose : since < Math.max(SNAPSHOT_POLICY.every, this.#covered))) return;
    // The trials' texts the last snapshot this process wrote holds, read back (checked by their
    // CRC-32) rather than made again: each trial's DNA and candidate are made into text once.
    const last = this.#written;
    let reuse: { rows: number; bytes: Buffer } | undefined;
    if (last !== undefined) {
      const bytes = journal.readOwnSnapshot(last.from, last.to);
      if (bytes !== undefined && crc32(bytes) === last.crc) reuse = { rows: last.rows, bytes };
    }
    const rows = this.#states.proposals.length;
    const payload = this.#states.toSnapshotLines(reuse);
    payload.unshift(JSON.stringify(this.#problems));
    try {
      this.#written = undefined;
      if (await journal.writeSnapshot(payload, events)) this.#written = textsOf(payload, rows);
      this.#covered = events; // written, or refused (closing): either way not again before more events
    } catch (error) {
      this.#covered = events; // not again at once
      process.emitWarning(
        `${this.name}: the study's snapshot could not be written (${error instanceof Error ? error.message : String(error)}); the journal holds every event`,
        {
          type: 'PliantWarning',
          code: 'PLIANT_SNAPSHOT',
        },
      );
    }
  }

  #warn(warning: JournalWarning): void {
    try {
      this.#onWarning(Object.freeze(warning));
    } catch {
      // a throwing warning sink must not stop the study
    }
  }

  /** A study over a journal opened already (a journal file given by its path). */
  static over(journal: StudyJournal, name: string, onWarning: (warning: JournalWarning) => void): Study {
    const study = new Study(name, journal, onWarning);
    study.#sync();
    return study;
  }

  /** Adds a listener of the events applied from now on; returns what removes it. */
  listen(listener: StudyListener): () => void {
    this.#listeners = [...this.#listeners, listener];
    return () => {
      const i = this.#listeners.indexOf(listener);
      if (i >= 0) this.#listeners = [...this.#listeners.slice(0, i), ...this.#listeners.slice(i + 1)];
    };
  }

  /**
   * Records an event (made by pliant's own loop) and applies it, after whatever others appended
   * before it. `dna`: the DNA of a trial event, so applying it does not parse it again.
   */
  async append(event: JournalEvent, dna?: DNA): Promise<void> {
    const journal = this.journal;
    if (journal instanceof Journal) await journal.appendTrusted(event);
    else await journal.append(trusted(event));
    this.#hint = dna === undefined ? undefined : { event, dna };
    this.#sync();
    this.#hint = undefined;
  }

  /** Reads and applies what other processes appended since the last read. */
  async refresh(): Promise<void> {
    await this.journal.refresh();
    this.#sync();
  }

  /** Closes the journal. */
  async close(): Promise<void> {
    await this.journal.close();
  }

  #sync(): void {
    const events = this.journal.events;
    while (this.#applied < events.length) {
      const index = this.#applied++;
      const event = events[index] as JournalEvent;
      const problem = this.#states.apply(event, this.#hint?.event === event ? this.#hint.dna : undefined);
      if (problem !== undefined) {
        const journal = this.journal;
        const position = journal instanceof Journal ? journal.position(index) : undefined;
        if (position !== undefined) this.#problems.push([problem.kind, position, problem.message]);
        this.#warn({ kind: problem.kind, message: problem.message, at: journal.locate(index) });
        if (problem.kept !== true) continue;
      }
      const ended = ENDS.has(event.type);
      if (this.#listeners.length === 0 && !ended) continue;
      const trial = 'id' in event && event.type !== 'session' ? this.#states.get(event.id) : undefined;
      const change: StudyChange = { trial, ended };
      const listeners = this.#listeners;
      for (let i = 0; i < listeners.length; i++) (listeners[i] as StudyListener)(event, change);
      // Told: the ended trial's DNA can go (it is read again from its JSON form if asked for).
      if (ended && trial !== undefined) this.#states.release(trial);
    }
  }
}
