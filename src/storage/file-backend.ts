/**
 * @internal The journal file backend: an append-only file of lines, which several processes on one
 * machine may append to and read at the same time.
 *
 * - **Durable appends.** Each line is one synchronous `write()` on a descriptor opened with
 *   `O_APPEND`, so it is in the operating system when `append` resolves and a crash of the process
 *   loses nothing recorded; with `fsync` it is also `fdatasync`ed, to survive a power loss.
 * - **No interleaving.** On Linux, a `write()` to a regular file opened with `O_APPEND` holds the
 *   file's inode lock for the whole call, so lines of concurrent writers never mix, whatever their
 *   length. This holds on local file systems (ext4, xfs, btrfs, tmpfs); network file systems (NFS)
 *   do not honour `O_APPEND` across machines.
 * - **Placing a line.** After its write, the file's size tells whether the line landed right
 *   after what was last read (nobody else wrote meanwhile: no read needed) or after lines of
 *   others (the journal reads them first).
 * - **Writes under way.** Linux grows a file page by page during a `write()`, so another
 *   process's line may show without its newline for a moment: a read with `settle` waits until the
 *   size stays the same for a few milliseconds before calling a last line torn.
 */
import { closeSync, fdatasyncSync, fstatSync, openSync, readFileSync, readSync, statSync, writeSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { PliantError } from '../base/errors.js';
import type { BackendAppend, BackendLine, BackendRead, Cursor, JournalBackend } from './journal-backend.js';
import type { SnapshotData, SnapshotPart } from './snapshot.js';

/** About how many characters of a snapshot are written at a time. */
const SNAPSHOT_CHUNK = 1 << 20;

const NEWLINE = 0x0a;
/** How long a file's size must stay the same before a line without its newline counts as torn. */
const SETTLE_MS = 5;
const SETTLE_ATTEMPTS = 20;

/** Options of {@link FileBackend.open}. */
export interface FileBackendOptions {
  /** Open for reading only: the file must exist, nothing is written. */
  readonly readOnly: boolean;
  /** `fdatasync` every line. */
  readonly fsync: boolean;
  /** The public function to name in errors. */
  readonly api: string;
}

/** See the module comment. */
export class FileBackend implements JournalBackend {
  readonly where: string;
  readonly unit = 'line';
  readonly #handle: FileHandle;
  readonly #options: FileBackendOptions;
  /** The next append must start a new line (the file ends in a torn line). */
  #needNewline = false;
  /** A byte to read into, to probe where the file ends. */
  readonly #probe = Buffer.alloc(1);

  private constructor(file: string, handle: FileHandle, options: FileBackendOptions) {
    this.where = file;
    this.#handle = handle;
    this.#options = options;
  }

  /** Opens `file` (created when missing, unless `readOnly`). */
  static async open(file: string, options: FileBackendOptions): Promise<FileBackend> {
    let handle: FileHandle;
    try {
      handle = await open(file, options.readOnly ? 'r' : 'a+');
    } catch (cause) {
      const code = (cause as { code?: string }).code;
      throw new PliantError(
        options.api,
        code === 'ENOENT' ? 'argument' : 'io',
        code === 'ENOENT' ? `no journal file ${file}` : `cannot open the journal file ${file}: ${(cause as Error).message}`,
        { cause },
      );
    }
    return new FileBackend(file, handle, options);
  }

  at(position: number): string {
    return `${this.where}:${position}`;
  }

  async read(from: Cursor, settle: boolean): Promise<BackendRead> {
    let read = await this.#readFrom(from);
    if (read.partial && settle) {
      await this.#settle();
      read = await this.#readFrom(from);
    }
    return read;
  }

  hasNew(from: Cursor): boolean {
    return this.#endsBefore(from.offset) === false;
  }

  /**
   * Whether the file ends at or before `offset`: a one-byte `pread` there reads nothing (cheaper
   * than an fstat, which builds a Stats object with its dates).
   */
  #endsBefore(offset: number): boolean {
    return readSync(this.#handle.fd, this.#probe, 0, 1, offset) === 0;
  }

  /**
   * Reads synchronously: a local file's new bytes are in the page cache, and a read through the
   * thread pool (fs/promises) costs more than it reads (it was a third of a trial's overhead).
   */
  #readFrom(from: Cursor): Promise<BackendRead> {
    const fd = this.#handle.fd;
    const size = fstatSync(fd).size;
    if (size <= from.offset) return Promise.resolve({ lines: [], next: from, partial: false });
    const data = Buffer.allocUnsafe(size - from.offset);
    let got = 0;
    while (got < data.length) {
      const bytesRead = readSync(fd, data, got, data.length - got, from.offset + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    const end = data.subarray(0, got).lastIndexOf(NEWLINE);
    if (end < 0) return Promise.resolve({ lines: [], next: from, partial: got > 0 });
    const lines: BackendLine[] = [];
    let line = from.line;
    for (let start = 0; start <= end;) {
      const stop = data.indexOf(NEWLINE, start);
      line++;
      lines.push({ text: data.toString('utf8', start, stop), position: line });
      start = stop + 1;
    }
    return Promise.resolve({ lines, next: { offset: from.offset + end + 1, line }, partial: end + 1 < got });
  }

  append(text: string, after: Cursor): Promise<BackendAppend> {
    try {
      return Promise.resolve(this.appendSync(text, after));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  appendSync(text: string, after: Cursor): BackendAppend {
    try {
      const lead = this.#needNewline;
      const line = `${lead ? '\n' : ''}${text}\n`;
      const length = Buffer.byteLength(line, 'utf8');
      const fd = this.#handle.fd;
      // One synchronous write() on the O_APPEND descriptor: the whole line lands at the end,
      // unmixed, and is in the operating system before this call returns. (A string is encoded
      // by the write itself: no Buffer object per line.)
      const written = writeSync(fd, line, null, 'utf8');
      if (written !== length) {
        throw new PliantError(this.#options.api, 'io', `${this.where}: short write (${written} of ${length} bytes; disk full?); the torn line will be skipped`);
      }
      this.#needNewline = false;
      if (this.#options.fsync) fdatasyncSync(fd);
      // Nothing after this line where it would end had it landed right after the last read: it
      // did (others' lines before it would push its end further).
      const end = after.offset + length;
      const alone = this.#endsBefore(end);
      return { alone, next: alone ? { offset: end, line: after.line + (lead ? 2 : 1) } : after };
    } catch (error) {
      if (error instanceof PliantError) throw error;
      throw new PliantError(this.#options.api, 'io', `${this.where}: cannot append: ${(error as Error).message}`, { cause: error });
    }
  }

  tornEnd(): void {
    this.#needNewline = true;
  }

  /** The snapshot's file: `<journal file>.snapshot` (not a `.jsonl`: storages do not list it as a study). */
  get #snapshotFile(): string {
    return `${this.where}.snapshot`;
  }

  readSnapshot(): Promise<Buffer | undefined> {
    // Read at once, as the journal is: through the thread pool (fs/promises) a 50 MB snapshot
    // comes in 512 KB chunks, a turn of the event loop each.
    try {
      return Promise.resolve(readFileSync(this.#snapshotFile));
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return Promise.resolve(undefined);
      return Promise.reject(error);
    }
  }

  /** The identity of the snapshot file this handle wrote last (another process's rename changes it). */
  #ownSnapshot: { readonly ino: bigint; readonly size: bigint; readonly mtime: bigint } | undefined;

  readOwnSnapshot(offset: number, length: number): Buffer | undefined {
    const own = this.#ownSnapshot;
    if (own === undefined) return undefined;
    let fd: number | undefined;
    try {
      fd = openSync(this.#snapshotFile, 'r');
      // the file opened is the one written when it has the same inode, size and time
      const stat = fstatSync(fd, { bigint: true });
      if (stat.ino !== own.ino || stat.size !== own.size || stat.mtimeNs !== own.mtime || BigInt(offset + length) > stat.size) return undefined;
      const data = Buffer.allocUnsafe(length);
      let got = 0;
      while (got < length) {
        const n = readSync(fd, data, got, length - got, offset + got);
        if (n === 0) return undefined;
        got += n;
      }
      return data;
    } catch {
      return undefined; // gone or unreadable: the texts are made again
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  async writeSnapshot(data: SnapshotData): Promise<void> {
    // Written beside it, then renamed over it: a reader sees the old snapshot or the new one,
    // never a part (and a crash mid-write leaves a temporary file that nothing reads). The lines
    // go out in chunks of about 1 MB: the payload is never one string or buffer in memory.
    const temp = `${this.#snapshotFile}.${process.pid}.tmp`;
    this.#ownSnapshot = undefined;
    try {
      const file = await open(temp, 'w');
      try {
        let chunk = data.head;
        const lines = data.lines;
        for (let i = 0; i < lines.length; i++) {
          const line = lines[i] as SnapshotPart;
          if (i > 0) chunk += '\n';
          if (typeof line === 'string') {
            chunk += line;
            if (chunk.length < SNAPSHOT_CHUNK) continue;
            await writeAll(file, Buffer.from(chunk, 'utf8'));
          } else {
            // an earlier payload's lines, passed on as they are
            if (chunk.length > 0) await writeAll(file, Buffer.from(chunk, 'utf8'));
            await writeAll(file, line);
          }
          chunk = '';
        }
        if (chunk.length > 0) await writeAll(file, Buffer.from(chunk, 'utf8'));
      } finally {
        await file.close();
      }
      await rename(temp, this.#snapshotFile);
      const stat = statSync(this.#snapshotFile, { bigint: true });
      this.#ownSnapshot = { ino: stat.ino, size: stat.size, mtime: stat.mtimeNs };
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
  }

  lineBefore(end: Cursor, bytes: number): Promise<string | undefined> {
    // The line is [end - 1 - bytes, end - 1), its newline at end - 1, the one before at start.
    const start = end.offset - bytes - 2;
    if (start < -1 || bytes < 0) return Promise.resolve(undefined);
    // The line and the newline before it (none when it is the first line), and its own newline.
    const from = Math.max(start, 0);
    const data = Buffer.alloc(end.offset - from);
    const got = readSync(this.#handle.fd, data, 0, data.length, from);
    if (got !== data.length || data[data.length - 1] !== NEWLINE || (start >= 0 && data[0] !== NEWLINE)) return Promise.resolve(undefined);
    return Promise.resolve(data.toString('utf8', start >= 0 ? 1 : 0, data.length - 1));
  }

  close(): Promise<void> {
    return this.#handle.close();
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
}

/** Writes all of `data` at the handle's position (a write may take less than it is given). */
async function writeAll(file: FileHandle, data: Buffer): Promise<void> {
  for (let done = 0; done < data.length;) {
    const { bytesWritten } = await file.write(data, done, data.length - done);
    if (bytesWritten <= 0) throw new Error(`short write (${done} of ${data.length} bytes; disk full?)`);
    done += bytesWritten;
  }
}
