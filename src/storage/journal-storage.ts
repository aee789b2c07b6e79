import { existsSync, statSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PliantError } from '../base/errors.js';
import { FileBackend } from './file-backend.js';
import { Journal } from './journal.js';
import { decodeStudyName, encodeStudyName } from './study-name.js';
import type { OpenStudyOptions, Storage, StudyJournal } from './storage.js';

const API = 'journalStorage';

/** Options of {@link journalStorage}. */
export interface JournalStorageOptions {
  /**
   * Also `fdatasync` every event before `append` returns, so it survives a power loss or an
   * operating-system crash, not only a crash of the process (default false: a millisecond or
   * more per event on most disks).
   */
  readonly fsync?: boolean;
}

/**
 * The embedded default {@link Storage}: each study is the file `<dir>/<encoded name>.jsonl`, an
 * append-only log of JSON lines, one {@link JournalEvent} a line, which several processes on one
 * machine may append to and read at the same time.
 *
 * - **Durable appends.** `append` writes its line with one synchronous `write()` on a descriptor
 *   opened with `O_APPEND`, so a crash of the process loses nothing recorded; with `{fsync: true}`
 *   it also `fdatasync`s, to survive a power loss.
 * - **No interleaving.** On Linux, a `write()` to a regular file opened with `O_APPEND` holds the
 *   file's inode lock for the whole call, so lines of concurrent writers never mix, whatever
 *   their length. This holds on local file systems (ext4, xfs, btrfs, tmpfs); network file
 *   systems (NFS) do not honour `O_APPEND` across machines, so do not share a journal file
 *   between machines (use `redisStorage`).
 * - **One order for everyone.** `events` is the file's order: an `append` that finds lines of
 *   other processes written since the last read reads them first, so every process sees the
 *   same sequence (which is how processes sharing a study agree on its budget and on who
 *   evaluates what).
 * - **Readers say what they skip.** A line cut short by a crash (a proper prefix of JSON) is
 *   skipped with a warning naming `file:line`, and the next append starts on a fresh line; a torn
 *   line followed by a whole event keeps the event; a line that is not a journal event, or an
 *   event of a newer format, is skipped with a warning. Nothing is modified. Warnings go to
 *   `options.onWarning` of `open`, else to `process.emitWarning` (`PLIANT_JOURNAL`). Lines are
 *   read in time linear in their length, and nesting deeper than the JSON depth limit is refused.
 * - **Writes under way.** Before calling a last line without its newline torn, the journal waits
 *   until the file's size stays the same for a few milliseconds.
 *
 * Study names must be non-empty; they are encoded with `encodeURIComponent`, so any name makes a
 * safe file name. `dir` is created (recursively) on the first `open` that writes.
 *
 * @param dir - The folder of the journal files.
 * @param options - {@link JournalStorageOptions}.
 */
export function journalStorage(dir: string, options: JournalStorageOptions = {}): Storage {
  if (typeof dir !== 'string' || dir === '') {
    throw new PliantError(API, 'argument', `the journal folder must be a non-empty path, found ${JSON.stringify(dir)}`);
  }
  const root = resolve(dir);
  return {
    description: `journal:${root}`,
    exists(name: string): Promise<boolean> {
      try {
        const file = join(root, `${encodeStudyName(API, name)}.jsonl`);
        return Promise.resolve(existsSync(file) && statSync(file).isFile());
      } catch (error) {
        return Promise.reject(error);
      }
    },
    async list(): Promise<string[]> {
      let files: string[];
      try {
        files = await readdir(root);
      } catch (error) {
        if ((error as { code?: string }).code === 'ENOENT') return [];
        throw new PliantError(API, 'io', `cannot list ${root}: ${(error as Error).message}`, { cause: error });
      }
      return files
        .filter((f) => f.endsWith('.jsonl') && !f.startsWith('.'))
        .map((f) => decodeStudyName(f.slice(0, -'.jsonl'.length)))
        .sort();
    },
    async open(name: string, openOptions: OpenStudyOptions = {}): Promise<StudyJournal> {
      const file = join(root, `${encodeStudyName(API, name)}.jsonl`);
      if (openOptions.readOnly === true) {
        if (!(existsSync(file) && statSync(file).isFile())) throw new PliantError(API, 'argument', `no study named '${name}' in ${root}`);
      } else {
        await mkdir(root, { recursive: true });
      }
      return openJournalFile(file, name, { ...openOptions, fsync: options.fsync === true });
    },
  };
}

/**
 * @internal Opens a journal file by its path (what `loadStudy(file)` and `pliant apply` read).
 *
 * @param file - The journal file.
 * @param study - The study's name (for messages and `journal.study`).
 * @param options - How to open it; `fsync` as in {@link JournalStorageOptions}.
 */
export async function openJournalFile(
  file: string,
  study: string,
  options: OpenStudyOptions & { readonly fsync?: boolean; readonly api?: string } = {},
): Promise<Journal> {
  const api = options.api ?? API;
  const backend = await FileBackend.open(file, { readOnly: options.readOnly === true, fsync: options.fsync === true, api });
  return Journal.open(backend, { ...options, study, api });
}
