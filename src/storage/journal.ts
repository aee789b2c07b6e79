/**
 * @internal The one journal: a {@link StudyJournal} over a {@link JournalBackend} (a file, a Redis
 * list, memory). It parses lines (in time linear in their length), says what it skips (torn
 * writes, malformed lines, events of a newer format) through `onWarning` with `where:line`, keeps
 * `events` in the journal's order for every reader, and tells this handle's own lines from those
 * of other processes.
 */
import { PliantError } from '../base/errors.js';
import { checkJournalEvent, parseJournalLine, preview } from './journal-event-schema.js';
import type { Cursor, JournalBackend } from './journal-backend.js';
import { encodeSnapshot, fingerprint, readSnapshot } from './snapshot.js';
import type { SnapshotPart } from './snapshot.js';
import type { StoredWarning } from './snapshot.js';
import type { JournalEvent, JournalWarning, OpenStudyOptions, StudyJournal } from './storage.js';
import { JOURNAL_VERSION } from './storage.js';

/** Options of {@link Journal.open}. */
export interface JournalOptions extends OpenStudyOptions {
  /** The study's name. */
  readonly study: string;
  /** The public function to name in errors and warnings (`journalStorage`, `redisStorage`, ...). */
  readonly api: string;
}

/** A line this handle appended, until a read places it. */
interface OwnLine {
  readonly text: string;
  readonly event: JournalEvent;
}

/** The default sink of journal warnings: a process warning (`PliantWarning`, code `PLIANT_JOURNAL`). */
export function emitJournalWarning(api: string, warning: JournalWarning): void {
  process.emitWarning(`${api}: ${warning.at}: ${warning.message}`, { type: 'PliantWarning', code: 'PLIANT_JOURNAL' });
}

/** See the module comment. */
export class Journal implements StudyJournal {
  readonly study: string;
  readonly where: string;
  readonly #backend: JournalBackend;
  readonly #api: string;
  readonly #readOnly: boolean;
  readonly #onWarning: (warning: JournalWarning) => void;
  readonly #events: JournalEvent[] = [];
  readonly #positions: number[] = [];
  /** Events of other writers taken into `events` but not yet returned by `refresh`. */
  #unreported: JournalEvent[] = [];
  readonly #own: OwnLine[] = [];
  #cursor: Cursor = { offset: 0, line: 0 };
  /** The journal format of the study's header (1 when it has none). */
  #version = 1;
  /** The position of a torn last line warned about, not to warn about it again once it is complete. */
  #tornWarned = new Set<number>();
  /** Operations run one at a time, in call order. */
  #queue: Promise<unknown> = Promise.resolve();
  /** How many operations are queued or running. */
  #pending = 0;
  #closing: Promise<void> | undefined;
  /** How many events come before `events[0]` (those a snapshot covers). */
  #base = 0;
  /** The payload of the snapshot the journal was opened after, until taken. */
  #snapshotPayload: Buffer | undefined;
  /** The fingerprint of the journal's first line, and the text of the last line read or written. */
  #first: readonly [number, string] | undefined;
  #last: string | undefined;
  /** The warnings complete lines gave (for a snapshot to give them again). */
  #lineWarnings: StoredWarning[] = [];
  readonly #useSnapshot: boolean;

  private constructor(backend: JournalBackend, options: JournalOptions) {
    this.#backend = backend;
    this.study = options.study;
    this.where = backend.where;
    this.#api = options.api;
    this.#readOnly = options.readOnly === true;
    this.#useSnapshot = options.snapshot === true;
    const sink = options.onWarning;
    this.#onWarning = sink ?? ((warning) => emitJournalWarning(options.api, warning));
  }

  /**
   * Opens a journal on a backend: reads every complete line. A torn last line (no newline, and
   * the file's size does not change) is skipped with a warning, and the next append starts on a
   * new line. A journal of a newer format than this version writes is a `PliantError` (`state`)
   * unless `readOnly` (then a warning).
   */
  static async open(backend: JournalBackend, options: JournalOptions): Promise<Journal> {
    const journal = new Journal(backend, options);
    try {
      if (journal.#useSnapshot) await journal.#fromSnapshot();
      let partial = await journal.#read(false);
      if (partial) partial = await journal.#read(true);
      if (partial) {
        const position = journal.#cursor.line + 1;
        journal.#tornWarned.add(position);
        journal.#warn('torn', position, 'the last line has no newline (a write cut short by a crash): skipped; the next event starts on a new line', false);
        if (!journal.#readOnly) backend.tornEnd();
      }
      journal.#unreported = [];
      if (journal.#version > JOURNAL_VERSION && !journal.#readOnly) {
        throw new PliantError(
          options.api,
          'state',
          `${backend.where}: the study '${options.study}' was written by a newer pliant (journal format ${journal.#version}; this version writes format ${JOURNAL_VERSION}): upgrade pliant to add to it (reading it works, with warnings)`,
        );
      }
    } catch (error) {
      await backend.close();
      throw error;
    }
    return journal;
  }

  /**
   * The events read so far, in the journal's order: those after the snapshot the journal was
   * opened after, if any (see {@link Journal.base}).
   */
  get events(): readonly JournalEvent[] {
    return this.#events;
  }

  /** How many events of the journal come before `events[0]`: those the snapshot it was opened after covers (0 without). */
  get base(): number {
    return this.#base;
  }

  /** The payload (UTF-8 bytes) of the snapshot the journal was opened after (once: it is released), or `undefined`. */
  takeSnapshot(): Buffer | undefined {
    const payload = this.#snapshotPayload;
    this.#snapshotPayload = undefined;
    return payload;
  }

  /** `where:position` of a position. */
  at(position: number): string {
    return this.#backend.at(position);
  }

  /** The position (line or element) of `events[index]`. */
  position(index: number): number | undefined {
    return this.#positions[index];
  }

  /** Opens a journal after its snapshot, if it has one that holds; else says why it ignores it. */
  async #fromSnapshot(): Promise<void> {
    const found = await readSnapshot(this.#backend);
    if (found === undefined) return;
    if ('ignored' in found) {
      this.#warn(
        'snapshot',
        0,
        `the study's snapshot is ignored: ${found.ignored}; the journal is read from its start (it is the record: nothing is lost)`,
        false,
      );
      return;
    }
    const e = found.envelope;
    this.#cursor = { offset: e.offset, line: e.line };
    this.#base = e.events;
    this.#version = e.version;
    this.#first = e.first;
    this.#last = undefined;
    this.#lastPrint = e.last;
    this.#snapshotPayload = found.payload;
    this.#lineWarnings = [...e.warnings];
    for (const [kind, position, message] of e.warnings) this.#warn(kind, position, message, false);
  }

  /** The fingerprint of the last line, when it came from a snapshot (no line read since). */
  #lastPrint: readonly [number, string] | undefined;

  /**
   * Drops the snapshot the journal was opened after and reads the journal from its start (its
   * payload could not be used). Only before anything is appended.
   */
  reread(): Promise<void> {
    return this.#enqueue(async () => {
      if (this.#base === 0) return;
      this.#events.length = 0;
      this.#positions.length = 0;
      this.#unreported = [];
      this.#cursor = { offset: 0, line: 0 };
      this.#base = 0;
      this.#version = 1;
      this.#first = undefined;
      this.#last = undefined;
      this.#lastPrint = undefined;
      this.#snapshotPayload = undefined;
      this.#lineWarnings = [];
      if ((await this.#read(false)) && (await this.#read(true)) && !this.#readOnly) this.#backend.tornEnd();
      this.#unreported = [];
    });
  }

  /** @internal Whether {@link writeSnapshot} can write here (a writable journal whose backend keeps snapshots). */
  get snapshots(): boolean {
    return !this.#readOnly && this.#closing === undefined && this.#backend.writeSnapshot !== undefined;
  }

  /**
   * Writes a snapshot covering every event read so far, with `payload` (what the reader made of
   * them, as lines): `events` is how many events the payload covers, and nothing is written when that is
   * not every event read (others' lines came in meanwhile), when this handle's own lines are
   * still being placed, or when the backend keeps no snapshots. Resolves whether it was written.
   */
  writeSnapshot(payload: readonly SnapshotPart[], events: number): Promise<boolean> {
    if (this.#readOnly || this.#closing !== undefined || this.#backend.writeSnapshot === undefined) return Promise.resolve(false);
    return this.#enqueue(async () => {
      const write = this.#backend.writeSnapshot;
      const last = this.#last === undefined ? this.#lastPrint : fingerprint(this.#last);
      if (write === undefined || this.#own.length > 0 || events !== this.#base + this.#events.length || this.#first === undefined || last === undefined)
        return false;
      const data = encodeSnapshot(
        { offset: this.#cursor.offset, line: this.#cursor.line, events, version: this.#version, first: this.#first, last, warnings: this.#lineWarnings },
        payload,
      );
      this.#ownSnapshotHead = 0;
      await write.call(this.#backend, data);
      this.#ownSnapshotHead = Buffer.byteLength(data.head, 'utf8');
      return true;
    });
  }

  /** The length of the envelope line of the snapshot this handle wrote last. */
  #ownSnapshotHead = 0;

  /**
   * @internal The bytes [from, to) of the payload of the snapshot this handle wrote last, when
   * the backend can read them back and it is still the study's snapshot; `undefined` otherwise.
   */
  readOwnSnapshot(from: number, to: number): Buffer | undefined {
    const read = this.#backend.readOwnSnapshot;
    if (read === undefined || this.#ownSnapshotHead === 0 || to < from) return undefined;
    return read.call(this.#backend, this.#ownSnapshotHead + from, to - from);
  }

  /** Notes a complete line passed by the cursor: the first line's fingerprint, the last line's text. */
  #passed(text: string, position: number): void {
    if (this.#first === undefined && position === (this.#backend.unit === 'line' ? 1 : 0)) this.#first = fingerprint(text);
    this.#last = text;
  }

  /** The journal format of the study (1 for a journal written before formats were numbered). */
  get version(): number {
    return this.#version;
  }

  locate(index: number): string {
    const position = this.#positions[index];
    return position === undefined ? this.where : this.#backend.at(position);
  }

  append(event: JournalEvent): Promise<void> {
    return this.#write(event, false);
  }

  /** @internal `append` for an event pliant's own loop made (well-formed by construction: not checked again). */
  appendTrusted(event: JournalEvent): Promise<void> {
    return this.#write(event, true);
  }

  #write(event: JournalEvent, trustedEvent: boolean): Promise<void> {
    let record: JournalEvent;
    let text: string;
    try {
      this.#checkOpen('append');
      if (this.#readOnly) throw new PliantError(this.#api, 'state', `cannot append to the study '${this.study}': it was opened read-only`);
      record = trustedEvent ? event : checkJournalEvent(this.#api, event);
    } catch (error) {
      return Promise.reject(error);
    }
    const backend = this.#backend;
    // Memory keeps the loop's own events as they are (no text until a reader asks; no snapshots).
    if (trustedEvent && this.#pending === 0 && backend.appendEventSync !== undefined) {
      const placed = backend.appendEventSync(record, this.#cursor);
      if (placed.alone) {
        this.#push(record, placed.next.line - 1, false);
        this.#cursor = placed.next;
        return Promise.resolve();
      }
      this.#own.push({ text: JSON.stringify(record), event: record });
      return this.#enqueue(() => this.#placeOwn(record));
    }
    try {
      text = JSON.stringify(record);
    } catch (error) {
      return Promise.reject(error);
    }
    // Nothing queued and a backend that writes at once (a file, memory): write now; when nobody
    // else wrote since the last read, the line is placed without a read or a turn of the queue.
    if (this.#pending === 0 && backend.appendSync !== undefined) {
      try {
        const placed = backend.appendSync(text, this.#cursor);
        if (placed.alone) {
          const position = backend.unit === 'line' ? placed.next.line : placed.next.line - 1;
          this.#passed(text, position);
          this.#push(record, position, false);
          this.#cursor = placed.next;
          return Promise.resolve();
        }
      } catch (error) {
        return Promise.reject(error);
      }
      this.#own.push({ text, event: record });
      return this.#enqueue(() => this.#placeOwn(record));
    }
    return this.#enqueue(async () => {
      const placed = await backend.append(text, this.#cursor);
      if (placed.alone) {
        const position = this.#backend.unit === 'line' ? placed.next.line : placed.next.line - 1;
        this.#passed(text, position);
        this.#push(record, position, false);
        this.#cursor = placed.next;
        return;
      }
      // Others appended since the last read: read up to (and past) this line, so `events`
      // keeps the journal's order.
      this.#own.push({ text, event: record });
      await this.#placeOwn(record);
    });
  }

  /** Reads up to (and past) this handle's line `record`, placing it among the lines others appended before it. */
  async #placeOwn(record: JournalEvent): Promise<void> {
    await this.#read(false);
    const index = this.#own.findIndex((own) => own.event === record);
    if (index >= 0) {
      // Not found in the journal (it should always be there): keep it at the end rather than lose it.
      this.#own.splice(index, 1);
      this.#push(record, this.#cursor.line, false);
    }
  }

  refresh(): Promise<readonly JournalEvent[]> {
    try {
      this.#checkOpen('refresh');
    } catch (error) {
      return Promise.reject(error);
    }
    // Nothing queued, nothing new (one fstat for a file): no read, no turn of the queue.
    if (this.#pending === 0 && this.#unreported.length === 0 && this.#backend.hasNew?.(this.#cursor) === false) return Promise.resolve([]);
    return this.#enqueue(async () => {
      if ((await this.#read(false)) && (await this.#read(true)) && !this.#readOnly) this.#backend.tornEnd();
      const fresh = this.#unreported;
      this.#unreported = [];
      return fresh;
    });
  }

  close(): Promise<void> {
    this.#closing ??= this.#enqueue(() => this.#backend.close());
    return this.#closing;
  }

  #checkOpen(what: string): void {
    if (this.#closing !== undefined)
      throw new PliantError(this.#api, 'state', `cannot ${what} the study '${this.study}': its journal (${this.where}) is closed`);
  }

  #enqueue<T>(op: () => Promise<T>): Promise<T> {
    this.#pending++;
    const run = this.#queue.then(op);
    const settled = run.then(
      () => void this.#pending--,
      () => void this.#pending--,
    );
    this.#queue = settled;
    return run;
  }

  #push(event: JournalEvent, position: number, foreign: boolean): void {
    this.#events.push(event);
    this.#positions.push(position);
    if (foreign) this.#unreported.push(event);
    if (event.type === 'study' && event.version !== undefined && event.version > this.#version) {
      this.#version = event.version;
      if (event.version > JOURNAL_VERSION) {
        this.#warn(
          'version',
          position,
          `written by a newer pliant (journal format ${event.version}; this version reads up to ${JOURNAL_VERSION}): events it does not know are skipped`,
          true,
        );
      }
    }
  }

  /** Reads the complete lines after the cursor into `events`; returns whether bytes remain after the last complete line. */
  async #read(settle: boolean): Promise<boolean> {
    const read = await this.#backend.read(this.#cursor, settle);
    for (const { text, position } of read.lines) {
      this.#passed(text, position);
      if (text.trim() === '') continue;
      const parsed = parseJournalLine(text);
      switch (parsed.kind) {
        case 'event':
        case 'glued': {
          if (parsed.kind === 'glued' && !this.#tornWarned.has(position)) {
            this.#warn('torn', position, 'starts with a write cut short by a crash, followed by a whole event: the event is kept', true);
          }
          const own = this.#own[0];
          if (own !== undefined && own.text === parsed.text) {
            this.#own.shift();
            this.#push(own.event, position, false);
          } else {
            this.#push(parsed.event, position, true);
          }
          break;
        }
        case 'torn':
          if (!this.#tornWarned.has(position)) this.#warn('torn', position, 'a write cut short by a crash (a prefix of JSON): skipped', true);
          break;
        case 'unknown':
          this.#warn(
            'unknown-event',
            position,
            this.#version > JOURNAL_VERSION
              ? `an event of a newer journal format ('${parsed.type}'): skipped`
              : `an unknown event type '${parsed.type}': skipped: ${preview(text)}`,
            true,
          );
          break;
        case 'malformed':
          this.#warn('malformed', position, `${parsed.reason}: skipped: ${preview(text)}`, true);
          break;
      }
    }
    this.#cursor = read.next;
    return read.partial;
  }

  /** Gives a warning; `line`: about a complete line (a snapshot covering it gives it again). */
  #warn(kind: JournalWarning['kind'], position: number, message: string, line: boolean): void {
    if (line) this.#lineWarnings.push([kind, position, message]);
    // A snapshot's warning is about the snapshot beside the journal, not one of its lines.
    const at = kind === 'snapshot' ? `${this.#backend.where} (its snapshot)` : this.#backend.at(position);
    const warning: JournalWarning = Object.freeze({ kind, at, message });
    try {
      this.#onWarning(warning);
    } catch {
      // a throwing listener must not stop the reading
    }
  }
}
