/**
 * @internal A study's snapshot: what a reader made of the journal's first lines (derived data,
 * never the record), so that the next reader reads only the lines after them. The journal stays
 * the source of truth: a snapshot that is torn, corrupt, of another journal, or ahead of it is
 * detected and ignored (with a warning), and the journal is read from its start.
 *
 * The format is one JSON line (the envelope: where in the journal the snapshot ends, how many
 * events it covers, the journal's format, fingerprints of the journal's first line and of the
 * last line it covers, the warnings its lines gave, and the length and CRC-32 of the payload),
 * then the payload (the study's projection, opaque here). A file backend keeps it in
 * `<journal>.snapshot` (written beside it and renamed over it), Redis in the key
 * `<prefix>:snapshot:<name>` (one `SET`).
 */
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { Cursor, JournalBackend } from './journal-backend.js';
import type { JournalWarning } from './storage.js';

/** The snapshot format this version writes and reads. */
export const SNAPSHOT_FORMAT = 1;

/** A warning a covered line gave: its kind, its position, its message (re-given on every read). */
export type StoredWarning = readonly [kind: JournalWarning['kind'], position: number, message: string];

/** The envelope of a snapshot. */
export interface SnapshotEnvelope {
  readonly snapshot: number;
  /** Where the journal's next unread line starts, after the covered lines. */
  readonly offset: number;
  readonly line: number;
  /** How many events the covered lines hold. */
  readonly events: number;
  /** The journal format of the study's header (1 when it has none). */
  readonly version: number;
  /** The journal's first line and the last covered line: `[bytes in UTF-8, SHA-1 of the text]`. */
  readonly first: readonly [number, string];
  readonly last: readonly [number, string];
  /** What the covered lines gave warnings about. */
  readonly warnings: readonly StoredWarning[];
  /** The payload's length in bytes. */
  readonly bytes: number;
  /**
   * The payload's SHA-1: what a snapshot written before the CRC-32 carries. A reader checks it
   * only when there is no CRC-32; it is no longer written (hashing the payload cost a quarter of a
   * snapshot). A reader from before the CRC-32 finds no SHA-1, ignores the snapshot and reads the
   * journal from its start: slower, nothing lost.
   */
  readonly sha1?: string;
  /**
   * The payload's CRC-32 (written since issue 22's second pass: 15 ms instead of the SHA-1's 35 for
   * a 100,000-trial payload of 50 MB).
   */
  readonly crc32?: number;
}

/** A snapshot read back and checked against the journal. */
export interface Snapshot {
  readonly envelope: SnapshotEnvelope;
  /** The payload's bytes (UTF-8): its reader decodes what it needs, when it needs it. */
  readonly payload: Buffer;
}

/** The SHA-1 (hex) of a text or bytes. */
export function sha1(data: string | Buffer): string {
  return createHash('sha1').update(data).digest('hex');
}

/** The fingerprint of one line's text. */
export function fingerprint(text: string): readonly [number, string] {
  return [Buffer.byteLength(text, 'utf8'), sha1(text)];
}

/**
 * A part of a snapshot's payload: a text (one line), or bytes in UTF-8 (one line or several
 * joined by newlines: the lines of an earlier payload, passed on without decoding them).
 */
export type SnapshotPart = string | Buffer;

/** A snapshot to write: its envelope's line, then the payload's parts (joined by newlines). */
export interface SnapshotData {
  /** The envelope as JSON, with its newline. */
  readonly head: string;
  readonly lines: readonly SnapshotPart[];
}

/** Encodes a snapshot: the payload's parts are checksummed one by one, never joined into one string. */
export function encodeSnapshot(envelope: Omit<SnapshotEnvelope, 'snapshot' | 'bytes' | 'sha1' | 'crc32'>, lines: readonly SnapshotPart[]): SnapshotData {
  let bytes = 0;
  let crc = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as SnapshotPart;
    if (i > 0) crc = crc32('\n', crc);
    crc = crc32(line, crc);
    bytes += (typeof line === 'string' ? Buffer.byteLength(line, 'utf8') : line.length) + (i > 0 ? 1 : 0);
  }
  const head: SnapshotEnvelope = { snapshot: SNAPSHOT_FORMAT, ...envelope, bytes, crc32: crc };
  return { head: `${JSON.stringify(head)}\n`, lines };
}

const NEWLINE = Buffer.from('\n');

/** A snapshot's bytes in one buffer (for a backend that stores it as one value). */
export function snapshotBytes(data: SnapshotData): Buffer {
  const chunks: Buffer[] = [Buffer.from(data.head, 'utf8')];
  data.lines.forEach((line, i) => {
    if (i > 0) chunks.push(NEWLINE);
    chunks.push(typeof line === 'string' ? Buffer.from(line, 'utf8') : line);
  });
  return Buffer.concat(chunks);
}

/**
 * Reads the snapshot of `backend` and checks it: whole (length and CRC-32, or SHA-1, of the payload), of a
 * format this version reads, and of this journal (its first line and the last covered line are
 * where and what the snapshot says). Returns it, `undefined` when there is none, or the reason it
 * is ignored.
 */
export async function readSnapshot(backend: JournalBackend): Promise<Snapshot | { readonly ignored: string } | undefined> {
  if (backend.readSnapshot === undefined || backend.lineBefore === undefined) return undefined;
  let data: Buffer | undefined;
  try {
    data = await backend.readSnapshot();
  } catch (error) {
    return { ignored: `it cannot be read (${error instanceof Error ? error.message : String(error)})` };
  }
  if (data === undefined) return undefined;
  const newline = data.indexOf(0x0a);
  if (newline < 0) return { ignored: 'it is torn (no envelope)' };
  let envelope: SnapshotEnvelope;
  try {
    envelope = JSON.parse(data.toString('utf8', 0, newline)) as SnapshotEnvelope;
  } catch {
    return { ignored: 'its envelope is not JSON (a torn or corrupt snapshot)' };
  }
  if (!isEnvelope(envelope)) return { ignored: 'its envelope is not one this version reads' };
  if (envelope.snapshot !== SNAPSHOT_FORMAT) return { ignored: `it is of snapshot format ${envelope.snapshot} (this version reads ${SNAPSHOT_FORMAT})` };
  const body = data.subarray(newline + 1);
  if (body.length !== envelope.bytes) return { ignored: `it is torn (${body.length} of ${envelope.bytes} bytes)` };
  if (envelope.crc32 !== undefined ? crc32(body) !== envelope.crc32 : sha1(body) !== envelope.sha1)
    return { ignored: 'it is corrupt (its checksum does not match)' };
  const end: Cursor = { offset: envelope.offset, line: envelope.line };
  let first: string | undefined;
  let last: string | undefined;
  try {
    first = await backend.lineBefore({ offset: backend.unit === 'line' ? envelope.first[0] + 1 : 1, line: 1 }, envelope.first[0]);
    last = await backend.lineBefore(end, envelope.last[0]);
  } catch (error) {
    return { ignored: `the journal cannot be read where it ends (${error instanceof Error ? error.message : String(error)})` };
  }
  if (first === undefined || last === undefined || sha1(first) !== envelope.first[1] || sha1(last) !== envelope.last[1]) {
    return { ignored: 'it was not made of this journal, or the journal is shorter than it (rewritten, trimmed or restored from an older copy)' };
  }
  return { envelope, payload: body };
}

function isEnvelope(value: unknown): value is SnapshotEnvelope {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Record<string, unknown>;
  const count = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;
  const print = (v: unknown): boolean => Array.isArray(v) && v.length === 2 && count(v[0]) && typeof v[1] === 'string';
  return (
    count(e.snapshot) &&
    count(e.offset) &&
    count(e.line) &&
    count(e.events) &&
    count(e.version) &&
    print(e.first) &&
    print(e.last) &&
    Array.isArray(e.warnings) &&
    e.warnings.every((w) => Array.isArray(w) && w.length === 3 && typeof w[0] === 'string' && count(w[1]) && typeof w[2] === 'string') &&
    count(e.bytes) &&
    (e.sha1 === undefined || typeof e.sha1 === 'string') &&
    (e.crc32 === undefined || count(e.crc32)) &&
    (e.sha1 !== undefined || e.crc32 !== undefined)
  );
}
