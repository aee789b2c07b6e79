import type { DNAJson } from '../geno/dna.js';
import type { JsonValue } from '../symbolic/json.js';
import type { Measurement } from '../base/measurement.js';
import { PliantError } from '../base/errors.js';

/**
 * The newest journal format this version writes (in the `version` of a study's `study` event):
 * 3 when the header records the search space (see the `study` event's `space`), else 2, whose
 * events a reader of format 2 reads and appends to as they are. A journal without a version was
 * written before formats were numbered: format 1, which this version reads and appends to.
 */
export const JOURNAL_VERSION = 3;

/** @internal The format of a journal whose header records no space: its events are format 2's. */
export const JOURNAL_VERSION_WITHOUT_SPACE = 2;

/**
 * The events of a study journal, one JSON line each, in the order they happened.
 *
 * Format 2 added `version` to the `study` event and the `session`, `claim` and `withdraw`
 * events, and `code` to `fail`. Format 3 added `space` to the `study` event (the search space's
 * JSON form, when it holds only plain values and pliant's hyper values): a trial event of a
 * process searching that same space leaves its `candidate` out, and readers make it from the DNA.
 */
export type JournalEvent =
  | {
      readonly type: 'study';
      readonly study: string;
      readonly time: number;
      readonly meta?: JsonValue;
      /** The journal format (absent: 1). */
      readonly version?: number;
      /**
       * The search space's JSON form (format 3), when it holds only plain values and pliant's hyper
       * values: the candidate of a trial event without one is the materialization of its DNA in it.
       */
      readonly space?: JsonValue;
    }
  /**
   * A process started working on the study (a search, a sample loop), or (`end: true`) stopped:
   * `owner` is `host:pid`, `id` tells its sessions apart. `heartbeat` (on the start) promises a
   * `beat: true` event of the session at least every that many milliseconds while it runs trials,
   * so processes on other machines can tell a live session from a dead one.
   */
  | {
      readonly type: 'session';
      readonly id: string;
      readonly owner: string;
      readonly time: number;
      readonly end?: boolean;
      readonly heartbeat?: number;
      readonly beat?: boolean;
    }
  | {
      readonly type: 'trial';
      /** Unique across processes appending to the same journal. */
      readonly id: string;
      readonly dna: DNAJson;
      /**
       * The candidate's JSON form; absent (format 3) when it is the DNA's materialization in the
       * space the study's header records.
       */
      readonly candidate?: JsonValue;
      readonly time: number;
      /** Who runs it: `host:pid`, to tell live trials from those of a dead process. */
      readonly owner: string;
      /** With `dedupe`: the candidate's hash (`null`: unhashable). */
      readonly hash?: string | null;
    }
  /**
   * `owner` takes over a running trial whose process (`from`) is gone, to evaluate it again from
   * the start (its earlier reports no longer count). Of several claims from the same `from`, the
   * first in the journal wins.
   */
  | { readonly type: 'claim'; readonly id: string; readonly owner: string; readonly from: string; readonly time: number }
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
  /** The trial failed: `error` says why; `code` what kind of failure (`timeout`, `diverged`, `invalid`, `error`, ...). */
  | { readonly type: 'fail'; readonly id: string; readonly error: string; readonly code?: string; readonly time: number }
  | { readonly type: 'abandon'; readonly id: string; readonly reason: string; readonly time: number }
  /** Early stopping ended the trial; its value is its last report. */
  | { readonly type: 'prune'; readonly id: string; readonly time: number }
  /**
   * The trial was proposed when the study's budget was already spent by other processes: it was
   * never evaluated and is not one of the study's trials.
   */
  | { readonly type: 'withdraw'; readonly id: string; readonly reason: string; readonly time: number };

/** The type of a journal event. */
export type JournalEventType = JournalEvent['type'];

/**
 * Something a reader of a journal skipped or could not make sense of, with where it is
 * (`file:line`, or the study and the element's index in Redis). Readers go on after a warning;
 * what they cannot go on from is a `PliantError` instead.
 */
export interface JournalWarning {
  /**
   * What kind: `torn` (a write cut short: a prefix of JSON), `malformed` (not a journal event),
   * `unknown-event` (an event type this version does not know), `version` (written by a newer
   * format), `out-of-order` (an event of a trial before the trial's own event), `duplicate` (a
   * trial recorded twice, or ended twice), `late` (an event of a trial that has ended), `snapshot`
   * (the study's snapshot is torn, corrupt or not of this journal: ignored, the journal is read
   * from its start).
   */
  readonly kind: 'torn' | 'malformed' | 'unknown-event' | 'version' | 'out-of-order' | 'duplicate' | 'late' | 'snapshot';
  /** Where: `file:line` (1-based), or `redis://host:port/key[index]` (0-based) for a Redis journal. */
  readonly at: string;
  /** What was found and what the reader did, in a sentence. */
  readonly message: string;
}

/** Options of {@link Storage.open}. */
export interface OpenStudyOptions {
  /**
   * Open for reading only (default false): nothing is created or written, a study that does not
   * exist is a `PliantError` (`argument`), and `append` is refused. What `loadStudy`, the report
   * and exports use.
   */
  readonly readOnly?: boolean;
  /**
   * Where warnings about the journal go (torn or malformed lines, ...): default
   * `process.emitWarning` with the type `PliantWarning` and the code `PLIANT_JOURNAL`.
   */
  readonly onWarning?: (warning: JournalWarning) => void;
  /**
   * @internal Open after the study's snapshot when it has one that holds (what the study does):
   * `events` then starts after the events the snapshot covers. Not for other readers.
   */
  readonly snapshot?: boolean;
}

/**
 * An open study's journal: an append-only log of {@link JournalEvent}s shared by every process
 * that opens the study.
 */
export interface StudyJournal {
  /** The study's name. */
  readonly study: string;
  /** Where the journal is, for messages: the file, or the Redis list and server. */
  readonly where: string;
  /**
   * Every event read so far, in the journal's order (the same order for every reader): replayed
   * on open, extended by `append` (up to and including the appended event) and by `refresh`.
   */
  readonly events: readonly JournalEvent[];
  /** `<where>:<position>` of `events[index]`, for messages. */
  locate(index: number): string;
  /**
   * Records an event; resolves once it is durable (written, for a file, before returning) and
   * `events` holds it in its place, after whatever other processes appended before it.
   */
  append(event: JournalEvent): Promise<void>;
  /** Reads what other processes appended since the last read; returns their events not returned before. */
  refresh(): Promise<readonly JournalEvent[]>;
  /** Releases the journal. */
  close(): Promise<void>;
}

/** Where studies live: a journal file per study (the embedded default), Redis, or memory. */
export interface Storage {
  /** A short description (`memory`, `journal:/path`, `redis:redis://host:6379`). */
  readonly description: string;
  /** Opens (creating if needed, unless `readOnly`) the study `name`. */
  open(name: string, options?: OpenStudyOptions): Promise<StudyJournal>;
  /** Whether the study `name` exists, without creating it. */
  exists(name: string): Promise<boolean>;
  /** The names of the studies it holds, sorted. */
  list(): Promise<string[]>;
}

/**
 * @internal Throws a `PliantError` of `api` at `storage` unless `value` is a {@link Storage} (a
 * `{ dir }` options object passed where `journalStorage(dir)` belongs, say).
 */
export function checkStorage(value: unknown, api: string): asserts value is Storage {
  const s = value as Partial<Storage> | null;
  if (s !== null && typeof s === 'object' && typeof s.open === 'function' && typeof s.exists === 'function' && typeof s.list === 'function') return;
  const found =
    value === null
      ? 'null'
      : Array.isArray(value)
        ? 'an array'
        : typeof value === 'object'
          ? `an object with keys ${JSON.stringify(Object.keys(value).slice(0, 5))}`
          : typeof value;
  throw new PliantError(api, 'argument', `storage must be a Storage (journalStorage(dir), redisStorage(url), memoryStorage()), found ${found}`, {
    path: 'storage',
  });
}

/** Events made by pliant's own loop (well-formed by construction). */
const TRUSTED = new WeakSet<object>();

/** @internal Marks `event` as made by pliant's own loop: storages skip re-validating it. Not exported from the package. */
export function trusted<E extends JournalEvent>(event: E): E {
  TRUSTED.add(event);
  return event;
}

/** @internal Whether `event` was made by pliant's own loop. */
export function isTrusted(event: object): boolean {
  return TRUSTED.has(event);
}
