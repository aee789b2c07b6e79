import { PliantError } from '../base/errors.js';
import type { BackendAppend, BackendRead, Cursor, JournalBackend } from './journal-backend.js';
import { Journal } from './journal.js';
import { encodeStudyName } from './study-name.js';
import type { JournalEvent, OpenStudyOptions, Storage, StudyJournal } from './storage.js';

const API = 'memoryStorage';

/**
 * A {@link Storage} that keeps studies in memory, for tests and throwaway searches. It behaves as
 * a journal file does, with the handles of one storage in place of processes: opening the same
 * name twice gives journals on the same log; a journal sees what the other handles appended
 * when it refreshes or appends, and `events` keeps the log's order. Events are kept as their
 * JSON text, so later changes to the objects given to `append` do not reach the journal.
 */
export function memoryStorage(): Storage {
  const studies = new Map<string, (string | JournalEvent)[]>();
  return {
    description: 'memory',
    exists(name: string): Promise<boolean> {
      return Promise.resolve(studies.has(name));
    },
    list(): Promise<string[]> {
      return Promise.resolve([...studies.keys()].sort());
    },
    open(name: string, options: OpenStudyOptions = {}): Promise<StudyJournal> {
      try {
        encodeStudyName(API, name);
      } catch (error) {
        return Promise.reject(error);
      }
      let log = studies.get(name);
      if (log === undefined) {
        if (options.readOnly === true) return Promise.reject(new PliantError(API, 'argument', `no study named '${name}' in memory`));
        log = [];
        studies.set(name, log);
      }
      return Journal.open(new MemoryBackend(name, log), { ...options, study: name, api: API });
    },
  };
}

/** The lines of one study, shared by every journal opened on it. */
class MemoryBackend implements JournalBackend {
  readonly where: string;
  readonly unit = 'element';
  /** The study's lines: texts, or events this process's loop appended (made texts when first read). */
  readonly #log: (string | JournalEvent)[];

  constructor(study: string, log: (string | JournalEvent)[]) {
    this.where = `memory study ${JSON.stringify(study)}`;
    this.#log = log;
  }

  at(position: number): string {
    return `${this.where}[${position}]`;
  }

  read(from: Cursor): Promise<BackendRead> {
    const log = this.#log;
    const lines: { text: string; position: number }[] = [];
    for (let i = from.offset; i < log.length; i++) {
      const entry = log[i] as string | JournalEvent;
      const text = typeof entry === 'string' ? entry : (log[i] = JSON.stringify(entry));
      lines.push({ text, position: i });
    }
    return Promise.resolve({ lines, next: { offset: this.#log.length, line: this.#log.length }, partial: false });
  }

  append(text: string, after: Cursor): Promise<BackendAppend> {
    return Promise.resolve(this.appendSync(text, after));
  }

  appendSync(text: string, after: Cursor): BackendAppend {
    this.#log.push(text);
    const alone = this.#log.length === after.offset + 1;
    return { alone, next: alone ? { offset: this.#log.length, line: this.#log.length } : after };
  }

  appendEventSync(event: JournalEvent, after: Cursor): BackendAppend {
    this.#log.push(event);
    const alone = this.#log.length === after.offset + 1;
    return { alone, next: alone ? { offset: this.#log.length, line: this.#log.length } : after };
  }

  hasNew(from: Cursor): boolean {
    return this.#log.length > from.offset;
  }

  tornEnd(): void {
    // whole elements: nothing is ever torn
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
