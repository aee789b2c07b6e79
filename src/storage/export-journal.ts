import { randomUUID } from 'node:crypto';
import { link, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { PliantError } from '../base/errors.js';
import type { Storage } from './storage.js';

const API = 'exportStudy';

/** Options of {@link exportStudy}. */
export interface ExportStudyOptions {
  /** Replace `file` when it exists (default false: an existing file is an error, left as it is). */
  readonly overwrite?: boolean;
}

/**
 * Writes every event of the study `study` in `from` (any {@link Storage}: Redis, memory, another
 * journal folder) to the journal file `file`, one JSON line each, and returns how many. The file
 * is a journal file like any other: `loadStudy(file)` reads it, and named
 * `<encodeURIComponent(study)>.jsonl`, `journalStorage(its folder)` opens the study and a `search`
 * can go on with it.
 *
 * The file appears whole or not at all (written to a temporary file next to it, flushed to disk,
 * then renamed), and an existing `file` is an error unless `{ overwrite: true }`. Its folder is
 * created when missing. A study without events is an error (`storage.open` would have created it
 * empty: most likely a misspelt name), and nothing is written.
 *
 * ```ts
 * const n = await exportStudy(redisStorage(url), 'mnist', 'backup/mnist.jsonl');
 * ```
 *
 * @param from - Where the study is.
 * @param study - Its name.
 * @param file - The journal file to write.
 * @param options - {@link ExportStudyOptions}.
 * @returns The number of events written.
 */
export async function exportStudy(from: Storage, study: string, file: string, options: ExportStudyOptions = {}): Promise<number> {
  if (typeof from !== 'object' || from === null || typeof from.open !== 'function') {
    throw new PliantError(API, 'argument', `the first argument must be a Storage (journalStorage, redisStorage, memoryStorage), found ${String(from)}`);
  }
  if (typeof study !== 'string' || study === '')
    throw new PliantError(API, 'argument', `a study name must be a non-empty string, found ${JSON.stringify(study)}`);
  if (typeof file !== 'string' || file === '') throw new PliantError(API, 'argument', `the file must be a non-empty path, found ${JSON.stringify(file)}`);
  const target = resolve(file);
  const overwrite = options.overwrite === true;
  if (!overwrite && (await exists(target))) throw refuse(target);

  if (!(await from.exists(study))) throw new PliantError(API, 'argument', `no study named '${study}' in ${from.description}: nothing to export`);
  const journal = await from.open(study, { readOnly: true });
  let text: string;
  let count: number;
  try {
    count = journal.events.length;
    text = journal.events.map((event) => `${JSON.stringify(event)}\n`).join('');
  } finally {
    await journal.close();
  }
  if (count === 0) throw new PliantError(API, 'argument', `the study '${study}' in ${from.description} has no events: nothing to export (is the name right?)`);

  await mkdir(dirname(target), { recursive: true });
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`);
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.datasync();
    } finally {
      await handle.close();
    }
    if (overwrite) {
      await rename(temp, target);
    } else {
      await placeNew(temp, target);
    }
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  await syncFolder(dirname(target));
  return count;
}

/** Flushes a folder's entries (the rename) to disk, where the system allows it. */
async function syncFolder(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // not supported here (Windows): the file is written, only its name may need a moment
  }
}

/** Moves `temp` to `target` unless `target` exists: a hard link fails atomically when it does. */
async function placeNew(temp: string, target: string): Promise<void> {
  try {
    await link(temp, target);
    return;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'EEXIST') throw refuse(target);
    // A file system without hard links: check, then rename (a writer racing us could be replaced).
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
  }
  if (await exists(target)) throw refuse(target);
  await rename(temp, target);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return false;
    throw error;
  }
}

function refuse(target: string): PliantError {
  return new PliantError(API, 'argument', `${target} exists: pass { overwrite: true } to replace it`);
}
