import type { DNAJson } from '../geno/dna.js';
import type { JsonValue } from '../symbolic/json.js';
import type { Measurement } from '../base/measurement.js';

/** The events of a study journal, one JSON line each, in the order they happened. */
export type JournalEvent =
  | { readonly type: 'study'; readonly study: string; readonly time: number; readonly meta?: JsonValue }
  | {
      readonly type: 'trial';
      /** Unique across processes appending to the same journal. */
      readonly id: string;
      readonly dna: DNAJson;
      readonly candidate: JsonValue;
      readonly time: number;
      /** Who runs it: `host:pid`, to tell live trials from those of a dead process. */
      readonly owner: string;
      /** With `dedupe`: the candidate's hash (`null`: unhashable). */
      readonly hash?: string | null;
    }
  | {
      readonly type: 'report';
      readonly id: string;
      readonly value: Measurement;
      readonly step?: number;
      readonly metrics?: Readonly<Record<string, number>>;
      readonly time: number;
    }
  /** The trial completed; `cached`: its value was served by the functional cache, the objective did not run. */
  | {
      readonly type: 'done';
      readonly id: string;
      readonly value?: Measurement;
      readonly metrics?: Readonly<Record<string, number>>;
      readonly time: number;
      readonly cached?: boolean;
    }
  | { readonly type: 'fail'; readonly id: string; readonly error: string; readonly time: number }
  | { readonly type: 'abandon'; readonly id: string; readonly reason: string; readonly time: number }
  /** Early stopping ended the trial; its value is its last report. */
  | { readonly type: 'prune'; readonly id: string; readonly time: number };

/** An open study's journal. */
export interface StudyJournal {
  /** The study's name. */
  readonly study: string;
  /** Every event recorded so far (replayed on open, then kept up to date by `append`). */
  readonly events: readonly JournalEvent[];
  /** Records an event; resolves once it is durable (written, for a file, before returning). */
  append(event: JournalEvent): Promise<void>;
  /** Reads events other processes appended since the last read; returns the new ones. */
  refresh(): Promise<readonly JournalEvent[]>;
  /** Releases the journal. */
  close(): Promise<void>;
}

/** Where studies live: memory, a journal file (the embedded default), Redis (a later issue). */
export interface Storage {
  /** A short description (`memory`, `journal:/path`). */
  readonly description: string;
  /** Opens (creating if needed) the study `name`. */
  open(name: string): Promise<StudyJournal>;
  /** Whether the study `name` exists, without creating it (for readers: `loadStudy`, exports). */
  exists?(name: string): Promise<boolean>;
}

/**
 * @internal Marks an event made by pliant's own loop (well-formed by construction): storages
 * skip re-validating it. Not exported from the package.
 */
export const TRUSTED: unique symbol = Symbol('pliant.trustedEvent');

/** @internal Marks `event` as made by pliant's own loop. */
export function trusted<E extends JournalEvent>(event: E): E {
  Object.defineProperty(event, TRUSTED, { value: true });
  return event;
}
