import { existsSync, fdatasyncSync, writeSync } from 'node:fs';
import { mkdir, open, readFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PliantError } from '../base/errors.js';
import { checkJournalEvent, parseJournalLine } from './journal-event-schema.js';
import { isJsonPrefix } from './json-prefix.js';
import type { JournalEvent, Storage, StudyJournal } from './storage.js';

const API = 'journalStorage';
const NEWLINE = 0x0a;
/** How long a file's size must stay the same before a line without its newline counts as torn. */
const SETTLE_MS = 5;
const SETTLE_ATTEMPTS = 20;

/**
 * The embedded default {@link Storage}: each study is the file `<dir>/<encoded name>.jsonl`, an
 * append-only log of JSON lines, one {@link JournalEvent} a line, which several processes on one
 * machine may append to and read at the same time.
 *
 * - **Durable appends.** `append` writes its line with one synchronous `write()` on a descriptor
 *   opened with `O_APPEND` before it returns, so a crash of the process loses nothing recorded;
 *   with `{fsync: true}` it also `fdatasync`s, to survive a power loss.
 * - **No interleaving.** On Linux, a `write()` to a regular file opened with `O_APPEND` holds the
 *   file's inode lock for the whole call, so lines of concurrent writers never mix, whatever
 *   their length (the `PIPE_BUF` limit is about pipes, not files). This holds on local file
 *   systems (ext4, xfs, btrfs, tmpfs); network file systems (NFS) do not honour `O_APPEND`
 *   across machines, so do not share a journal file between machines.
 * - **Crash tolerance.** A write cut short by a crash leaves a torn last line without a newline.
 *   Opening the study skips it with a warning (`process.emitWarning`), leaving the file as it is;
 *   the next `append` starts on a fresh line, writing a `'\n'` first when the file does not end
 *   with one. Such a torn line (a proper prefix of JSON) is skipped with a warning wherever it
 *   is later found; any other line that is not a journal event is a `PliantError` (`json`)
 *   naming the file and the line, and nothing is modified. Blank lines are skipped.
 * - **Writes under way.** Linux grows a file page by page during a `write()`, so another
 *   process's line may show without its newline for a moment. Before calling a last line torn
 *   (on open, and before an `append` writes its leading `'\n'`), the journal waits until the
 *   file's size stays the same for a few milliseconds; should a stalled writer still fool it,
 *   the cost is a warning and a blank line, which replay skips.
 * - **Reading others' lines.** `refresh` reads the complete lines added since the last read and
 *   returns those of other writers; `events` is this handle's view: the file's events as of the
 *   last read, then this handle's own appends, in order. A trailing line without its newline is
 *   left for a later read.
 *
 * Study names must be non-empty; they are encoded with `encodeURIComponent`, so any name makes a
 * safe file name. `dir` is created (recursively) on the first `open`.
 *
 * @param dir - The folder of the journal files.
 */
/** Options of {@link journalStorage}. */
export interface JournalStorageOptions {
  /**
   * Also `fdatasync` every event before `append` returns, so it survives a power loss or an
   * operating-system crash, not only a crash of the process (default false: a millisecond or
   * more per event on most disks).
   */
  readonly fsync?: boolean;
}

export function journalStorage(dir: string, options: JournalStorageOptions = {}): Storage {
  if (typeof dir !== 'string' || dir === '') {
    throw new PliantError(API, 'argument', `the journal folder must be a non-empty path, found ${JSON.stringify(dir)}`);
  }
  const root = resolve(dir);
  return {
    description: `journal:${root}`,
    exists(name: string): Promise<boolean> {
      return Promise.resolve(existsSync(join(root, `${studyFileName(name)}.jsonl`)));
    },
    async open(name: string): Promise<StudyJournal> {
      const file = join(root, `${studyFileName(name)}.jsonl`);
      await mkdir(root, { recursive: true });
      return FileJournal.open(name, file, options.fsync === true);
    },
  };
}

function studyFileName(name: string): string {
  if (typeof name !== 'string' || name === '') {
    throw new PliantError(API, 'argument', `a study name must be a non-empty string, found ${JSON.stringify(name)}`);
  }
  try {
    return encodeURIComponent(name);
  } catch (cause) {
    throw new PliantError(API, 'argument', `the study name ${JSON.stringify(name)} is not well-formed Unicode`, { cause });
  }
}

/** A line this journal wrote, until a read finds it in the file. */
interface OwnLine {
  readonly text: string;
  readonly event: JournalEvent;
  /** Whether the event is in `events` already (when a read did not find the line). */
  recorded: boolean;
}

class FileJournal implements StudyJournal {
  readonly study: string;
  readonly #file: string;
  readonly #handle: FileHandle;
  readonly #events: JournalEvent[] = [];
  /** Events of other writers taken into `events` but not yet returned by `refresh`. */
  #unreported: JournalEvent[] = [];
  readonly #own: OwnLine[] = [];
  /** Bytes of the file read so far (always the end of a complete line). */
  #offset = 0;
  /** Lines of the file read so far. */
  #lines = 0;
  /** Where the torn last line warned about on open starts, not to warn about it again. */
  #tornAtOpen: number | undefined;
  /** The next append must start a new line (the file ends in a torn line). */
  #needNewline = false;
  /** Whether appends also `fdatasync` (survive power loss, at a millisecond or more each). */
  #fsync = false;
  /** Operations run one at a time, in call order. */
  #queue: Promise<unknown> = Promise.resolve();
  #closing: Promise<void> | undefined;

  private constructor(study: string, file: string, handle: FileHandle) {
    this.study = study;
    this.#file = file;
    this.#handle = handle;
  }

  static async open(study: string, file: string, fsync: boolean): Promise<FileJournal> {
    const handle = await open(file, 'a+');
    const journal = new FileJournal(study, file, handle);
    journal.#fsync = fsync;
    try {
      let end = await journal.#read();
      if (end > journal.#offset) {
        // A line without its newline: torn, or another process is writing it right now.
        await journal.#settle();
        end = await journal.#read();
      }
      journal.#unreported = [];
      if (end > journal.#offset) {
        journal.#tornAtOpen = journal.#offset;
        journal.#needNewline = true;
        warn(`${file}: skipping torn last line ${journal.#lines + 1} (no trailing newline: a write cut short by a crash, or one still under way)`);
      }
    } catch (error) {
      await handle.close();
      throw error;
    }
    return journal;
  }

  get events(): readonly JournalEvent[] {
    return this.#events;
  }

  append(event: JournalEvent): Promise<void> {
    let record: JournalEvent;
    try {
      this.#checkOpen('append');
      record = checkJournalEvent(API, event);
      const text = JSON.stringify(record);
      // One synchronous write() on the O_APPEND descriptor: the whole line lands at the end,
      // unmixed, and is in the operating system before this call returns.
      const fd = this.#handle.fd;
      // (Should another process have died mid-write since our last append, this line is glued to
      // its torn fragment; replay recognises a torn prefix followed by a whole event and keeps
      // the event, so no per-append look at the file is needed.)
      const line = Buffer.from(`${this.#needNewline ? '\n' : ''}${text}\n`, 'utf8');
      const written = writeSync(fd, line, 0, line.length, null);
      if (written !== line.length) {
        throw new PliantError(API, 'argument', `${this.#file}: short write (${written} of ${line.length} bytes; disk full?); the torn line will be skipped`);
      }
      this.#needNewline = false;
      if (this.#fsync) fdatasyncSync(this.#handle.fd);
      this.#own.push({ text, event: record, recorded: true });
      this.#events.push(record);
    } catch (error) {
      return Promise.reject(error);
    }
    return Promise.resolve();
  }

  refresh(): Promise<readonly JournalEvent[]> {
    try {
      this.#checkOpen('refresh');
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#enqueue(async () => {
      if ((await this.#read()) > this.#offset && (await this.#endsMidLine())) this.#needNewline = true;
      const fresh = this.#unreported;
      this.#unreported = [];
      return fresh;
    });
  }

  close(): Promise<void> {
    this.#closing ??= this.#enqueue(() => this.#handle.close());
    return this.#closing;
  }

  #checkOpen(what: string): void {
    if (this.#closing !== undefined) {
      throw new PliantError(API, 'argument', `cannot ${what} study ${JSON.stringify(this.study)}: its journal (${this.#file}) is closed`);
    }
  }

  #enqueue<T>(op: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(op);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Whether the file ends in the middle of a line: a torn line, unless a write of another
   * process is under way (Linux grows the size page by page during a `write()`), so a file that
   * does not end with a newline is looked at again once its size has settled.
   */
  async #endsMidLine(): Promise<boolean> {
    if (!(await this.#lastByteIsNotNewline())) return false;
    await this.#settle();
    return this.#lastByteIsNotNewline();
  }

  async #lastByteIsNotNewline(): Promise<boolean> {
    const { size } = await this.#handle.stat();
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    const { bytesRead } = await this.#handle.read(last, 0, 1, size - 1);
    return bytesRead === 1 && last[0] !== NEWLINE;
  }

  /** Waits until the file's size stays the same for {@link SETTLE_MS} (a bounded number of times). */
  async #settle(): Promise<void> {
    let size = (await this.#handle.stat()).size;
    for (let attempt = 0; attempt < SETTLE_ATTEMPTS; attempt++) {
      await new Promise((done) => setTimeout(done, SETTLE_MS));
      const now = (await this.#handle.stat()).size;
      if (now === size) return;
      size = now;
    }
  }

  /**
   * Reads the complete lines after `#offset` into `events` (all checked before any is taken in,
   * so a corrupt line changes nothing) and returns the end of the bytes read.
   */
  async #read(): Promise<number> {
    const { size } = await this.#handle.stat();
    if (size <= this.#offset) return size;
    const data = Buffer.alloc(size - this.#offset);
    let got = 0;
    while (got < data.length) {
      const { bytesRead } = await this.#handle.read(data, got, data.length - got, this.#offset + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    const end = data.subarray(0, got).lastIndexOf(NEWLINE);
    if (end < 0) return this.#offset + got;

    const found: { text: string; event: JournalEvent }[] = [];
    const warnings: string[] = [];
    let lines = this.#lines;
    for (let start = 0; start <= end;) {
      const stop = data.indexOf(NEWLINE, start);
      const text = data.toString('utf8', start, stop);
      lines++;
      if (text.trim() !== '') {
        const parsed = parseLine(this.#file, lines, text);
        if (parsed.event !== undefined) found.push({ text: parsed.text, event: parsed.event });
        if (parsed.torn && this.#offset + start !== this.#tornAtOpen)
          warnings.push(`${this.#file}: skipping torn line ${lines} (a write cut short by a crash)`);
      }
      start = stop + 1;
    }

    this.#offset += end + 1;
    this.#lines = lines;
    for (const { text, event } of found) {
      const own = this.#own[0];
      if (own !== undefined && own.text === text) {
        this.#own.shift();
        if (!own.recorded) this.#events.push(event);
      } else {
        this.#events.push(event);
        this.#unreported.push(event);
      }
    }
    for (const message of warnings) warn(message);
    return this.#offset + (got - end - 1);
  }
}

/**
 * A line of the file: a whole event; a torn write (a JSON prefix); or a torn write followed by a
 * whole event that was appended after it (the event is kept). Anything else is a `PliantError`.
 */
function parseLine(file: string, lineNumber: number, text: string): { event: JournalEvent | undefined; text: string; torn: boolean } {
  try {
    const event = parseJournalLine(API, file, lineNumber, text);
    return { event, text, torn: event === undefined };
  } catch (error) {
    for (let i = text.indexOf('{', 1); i > 0; i = text.indexOf('{', i + 1)) {
      if (!isJsonPrefix(text.slice(0, i))) continue;
      try {
        const event = parseJournalLine(API, file, lineNumber, text.slice(i));
        if (event !== undefined) return { event, text: text.slice(i), torn: true };
      } catch {
        // not the start of the glued event: keep looking
      }
    }
    throw error;
  }
}

function warn(message: string): void {
  process.emitWarning(`${API}: ${message}`, { type: 'PliantWarning', code: 'PLIANT_TORN_JOURNAL_LINE' });
}

/**
 * @internal Reads the events of a journal file without opening it for writing (for reading a
 * study, such as `loadStudy` does): whole lines only; a torn line is skipped, as on open.
 */
export async function readJournalFile(file: string): Promise<JournalEvent[]> {
  const text = await readFile(file, 'utf8');
  const lines = text.split('\n');
  lines.pop(); // the part after the last newline: empty, or a line still being written
  const events: JournalEvent[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const parsed = parseLine(file, i + 1, line);
    if (parsed.event !== undefined) events.push(parsed.event);
  });
  return events;
}
