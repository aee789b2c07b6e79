/**
 * @internal The study, event-sourced over its journal: it owns the journal, applies every event
 * (this process's and other processes', in the journal's order) to its projections, warns about
 * events that make no sense where they are, and tells its listeners. The trial handle, the
 * algorithm's feedback, the dedupe book, the learning curves and `onTrialEnd` all hang off it.
 */
import type { DNA } from '../geno/dna.js';
import { Journal, emitJournalWarning } from '../storage/journal.js';
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
}

const ENDS: ReadonlySet<JournalEvent['type']> = new Set(['done', 'prune', 'fail', 'abandon', 'withdraw']);

/** @internal See the module comment. */
export class Study {
  readonly name: string;
  readonly journal: StudyJournal;
  readonly states = new TrialStates();
  readonly #listeners: StudyListener[] = [];
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
    const journal = await storage.open(name, { readOnly: options.readOnly === true, onWarning });
    return Study.over(journal, name, onWarning);
  }

  /** A study over a journal opened already (a journal file given by its path). */
  static over(journal: StudyJournal, name: string, onWarning: (warning: JournalWarning) => void): Study {
    const study = new Study(name, journal, onWarning);
    study.#sync();
    return study;
  }

  /** Adds a listener of the events applied from now on; returns what removes it. */
  listen(listener: StudyListener): () => void {
    this.#listeners.push(listener);
    return () => {
      const i = this.#listeners.indexOf(listener);
      if (i >= 0) this.#listeners.splice(i, 1);
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
      const problem = this.states.apply(event, this.#hint?.event === event ? this.#hint.dna : undefined);
      if (problem !== undefined) {
        try {
          this.#onWarning(Object.freeze({ ...problem, at: this.journal.locate(index) }));
        } catch {
          // a throwing warning sink must not stop the study
        }
        continue;
      }
      if (this.#listeners.length === 0) continue;
      const trial = 'id' in event && event.type !== 'session' ? this.states.get(event.id) : undefined;
      const change: StudyChange = { trial, ended: ENDS.has(event.type) };
      for (const listener of [...this.#listeners]) listener(event, change);
    }
  }
}
