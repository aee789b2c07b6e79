import { PliantError } from '../base/errors.js';
import { checkJournalEvent } from './journal-event-schema.js';
import type { JournalEvent, Storage, StudyJournal } from './storage.js';

const API = 'memoryStorage';

/** The events of one study, shared by every journal opened on it. */
type StudyLog = JournalEvent[];

/**
 * A {@link Storage} that keeps studies in memory, for tests and throwaway searches. It behaves as
 * a journal file does, with the handles of one storage in place of processes: opening the same
 * name twice gives journals on the same events; a journal sees what the other handles appended
 * when it calls `refresh` (or appends itself), and `events` stays in the order of the shared log.
 * Recorded events are JSON copies, so later changes to the objects given to `append` do not
 * reach the journal.
 */
export function memoryStorage(): Storage {
  const studies = new Map<string, StudyLog>();
  return {
    description: 'memory',
    exists(name: string): Promise<boolean> {
      return Promise.resolve(studies.has(name));
    },
    open(name: string): Promise<StudyJournal> {
      if (typeof name !== 'string' || name === '') {
        return Promise.reject(new PliantError(API, 'argument', `a study name must be a non-empty string, found ${JSON.stringify(name)}`));
      }
      let log = studies.get(name);
      if (log === undefined) {
        log = [];
        studies.set(name, log);
      }
      return Promise.resolve(new MemoryJournal(name, log));
    },
  };
}

class MemoryJournal implements StudyJournal {
  readonly study: string;
  readonly #log: StudyLog;
  readonly #events: JournalEvent[] = [];
  /** Events of other handles taken into `events` but not yet returned by `refresh`. */
  #unreported: JournalEvent[] = [];
  #closed = false;

  constructor(study: string, log: StudyLog) {
    this.study = study;
    this.#log = log;
    this.#catchUp(undefined);
    this.#unreported = [];
  }

  get events(): readonly JournalEvent[] {
    return this.#events;
  }

  append(event: JournalEvent): Promise<void> {
    try {
      this.#checkOpen('append');
      const copy = checkJournalEvent(API, event);
      this.#log.push(copy);
      this.#catchUp(copy);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  refresh(): Promise<readonly JournalEvent[]> {
    try {
      this.#checkOpen('refresh');
      this.#catchUp(undefined);
      const fresh = this.#unreported;
      this.#unreported = [];
      return Promise.resolve(fresh);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  /** Takes the log's new events into `events`; all but `own` are for the next `refresh`. */
  #catchUp(own: JournalEvent | undefined): void {
    for (let i = this.#events.length; i < this.#log.length; i++) {
      const event = this.#log[i] as JournalEvent;
      this.#events.push(event);
      if (event !== own) this.#unreported.push(event);
    }
  }

  #checkOpen(what: string): void {
    if (this.#closed) throw new PliantError(API, 'argument', `cannot ${what} study ${JSON.stringify(this.study)}: its journal is closed`);
  }
}
