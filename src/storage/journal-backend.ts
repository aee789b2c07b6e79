/**
 * @internal What a {@link Journal} needs from where its lines live: read the complete lines from
 * a position, append one line. The file, Redis and memory backends implement it; everything else
 * (parsing, warnings, telling one's own lines from others', the order of events) is the
 * journal's, the same for all.
 */
import type { SnapshotData } from './snapshot.js';
import type { JournalEvent } from './storage.js';

/** A position in a backend: the offset of the next unread line, and how many lines come before it. */
export interface Cursor {
  /** Backend-specific: a byte offset (file), a list index (Redis, memory). */
  readonly offset: number;
  /** How many lines (or elements) come before `offset`. */
  readonly line: number;
}

/** One complete line read from a backend. */
export interface BackendLine {
  /** Its text, without the newline. */
  readonly text: string;
  /** Its number for messages: 1-based for file lines, 0-based for Redis elements. */
  readonly position: number;
}

/** What a read found. */
export interface BackendRead {
  /** The complete lines after the cursor, in order. */
  readonly lines: readonly BackendLine[];
  /** Where the next read starts. */
  readonly next: Cursor;
  /**
   * Bytes after the last complete line (a file only): a line still being written by another
   * process, or a torn one. Left for a later read.
   */
  readonly partial: boolean;
}

/** What an append tells about where its line went. */
export interface BackendAppend {
  /**
   * `true` when the line went right at the cursor given (nothing was appended by others since
   * that read), so `next` is the position after it and no read is needed to place it.
   */
  readonly alone: boolean;
  /** When `alone`: the cursor after the line. */
  readonly next: Cursor;
}

/** A journal's storage of lines. */
export interface JournalBackend {
  /** Where the lines are, for messages: a file's path, a Redis list and its server. */
  readonly where: string;
  /** Whether positions are 1-based line numbers (`line`) or 0-based list indices (`element`). */
  readonly unit: 'line' | 'element';
  /** A position as messages give it: `file:line`, `redis://host:port/key[index]`. */
  at(position: number): string;
  /**
   * Reads the complete lines after `from`. With `settle`, a file whose last line has no newline
   * yet is looked at again once its size stops changing (a write of another process under way).
   */
  read(from: Cursor, settle: boolean): Promise<BackendRead>;
  /**
   * Whether there is anything after `from`, when the backend can tell at once (a file: its size);
   * `undefined` when it cannot without a read. Lets a refresh with nothing new skip the read.
   */
  hasNew?(from: Cursor): boolean | undefined;
  /**
   * Appends one line (its text, without a newline); resolves once it is durable. `after` is
   * the cursor of the last read, to tell whether others appended since.
   */
  append(text: string, after: Cursor): Promise<BackendAppend>;
  /** `append`, done before it returns, for a backend that can (a file, memory). */
  appendSync?(text: string, after: Cursor): BackendAppend;
  /**
   * `appendSync` of an event pliant's own loop made, for a backend that keeps events as they are
   * (memory): its text is made only when a reader asks for it (the event is never changed after).
   */
  appendEventSync?(event: JournalEvent, after: Cursor): BackendAppend;
  /**
   * The study's snapshot (derived data: see `snapshot.ts`), or `undefined` when there is none;
   * absent on a backend that keeps no snapshots (memory).
   */
  readSnapshot?(): Promise<Buffer | undefined>;
  /** Replaces the study's snapshot, whole or not at all (a crash mid-write leaves the old one). */
  writeSnapshot?(data: SnapshotData): Promise<void>;
  /**
   * The bytes [offset, offset + length) of the snapshot this handle wrote last, when it is still
   * the study's snapshot (no other process replaced it since); `undefined` otherwise. Lets the
   * next snapshot take the texts it repeats from there instead of making them again.
   */
  readOwnSnapshot?(offset: number, length: number): Buffer | undefined;
  /**
   * The text of the line (element) that ends at `end` (the last one before it), of `bytes` bytes
   * in UTF-8 (a file needs the length to find it; Redis does not), or `undefined` when the
   * journal has no such line there: how a snapshot checks that the journal it was made of is the
   * one it is read with.
   */
  lineBefore?(end: Cursor, bytes: number): Promise<string | undefined>;
  /**
   * A file backend told that its last line is torn starts its next append on a new line; others
   * ignore it.
   */
  tornEnd(): void;
  /** Releases it. */
  close(): Promise<void>;
}
