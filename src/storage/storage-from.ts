import { resolve } from 'node:path';
import { PliantError } from '../base/errors.js';
import { journalStorage } from './journal-storage.js';
import { memoryStorage } from './memory-storage.js';
import { redisStorage } from './redis-storage.js';
import type { Storage } from './storage.js';

/** The directory of the default journal storage (`$PLIANT_HOME/studies`, default `.pliant/studies`). */
export function defaultStudyDir(): string {
  return `${process.env.PLIANT_HOME ?? '.pliant'}/studies`;
}

/**
 * The {@link Storage} a string names, as the `pliant` command's `--storage` takes it:
 *
 * - `redis://[:password@]host[:port][/db]` or `rediss://...`: {@link redisStorage};
 * - `memory:`: a fresh {@link memoryStorage} (for tests);
 * - anything else: a folder of journal files, {@link journalStorage} (relative to the working
 *   directory);
 * - `undefined`: the embedded default, the journal files under `$PLIANT_HOME/studies` (default
 *   `.pliant/studies`).
 *
 * ```ts
 * const storage = storageFrom(process.env.PLIANT_STORAGE);
 * ```
 *
 * @param where - A Redis URL, `memory:`, a folder, or `undefined` for the default.
 */
export function storageFrom(where?: string): Storage {
  if (where === undefined) return journalStorage(defaultStudyDir());
  if (typeof where !== 'string' || where.trim() === '') {
    throw new PliantError(
      'storageFrom',
      'argument',
      `a storage is a Redis URL (redis://host:6379), 'memory:' or a folder of journal files, found ${JSON.stringify(where)}`,
    );
  }
  if (/^rediss?:\/\//i.test(where)) return redisStorage(where);
  if (where === 'memory:') return memoryStorage();
  if (/^[a-z][a-z\d+.-]*:\/\//i.test(where)) {
    throw new PliantError(
      'storageFrom',
      'argument',
      `unknown storage URL ${JSON.stringify(where.replace(/\/\/[^@/]*@/, '//***@'))}: use redis://, rediss://, 'memory:' or a folder`,
    );
  }
  return journalStorage(resolve(where));
}
