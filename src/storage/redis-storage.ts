/**
 * The Redis journal: the same study journals as the journal files, kept in Redis so that
 * processes on several machines can share a study. ioredis is an optional dependency, loaded
 * when a study is opened (never by `import 'pliant'`).
 */
import { randomUUID } from 'node:crypto';
import type { Redis as RedisClient } from 'ioredis';
import { PliantError } from '../base/errors.js';
import { firstLine, openRedis as connect, safeRedisUrl as safeUrl, serverOf } from '../base/redis-connection.js';
import type { BackendAppend, BackendRead, Cursor, JournalBackend } from './journal-backend.js';
import { Journal } from './journal.js';
import { snapshotBytes } from './snapshot.js';
import type { SnapshotData } from './snapshot.js';
import { encodeStudyName } from './study-name.js';
import type { OpenStudyOptions, Storage, StudyJournal } from './storage.js';

const API = 'redisStorage';
/** How many list elements one `LRANGE` reads. */
const PAGE = 10_000;
/** How long (s) the key that makes a resent append a no-op outlives it, should its `DEL` not run. */
const APPEND_TOKEN_TTL_S = 86_400;

/**
 * Appends `ARGV[1]` to the list `KEYS[1]` once: a command that ioredis sends again after a lost
 * connection (Redis may have run it before the connection dropped) finds its token `KEYS[2]` and
 * returns the length the first run gave, instead of pushing a second copy.
 */
const APPEND_ONCE = `
local done = redis.call('GET', KEYS[2])
if done then return tonumber(done) end
local length = redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], length, 'EX', tonumber(ARGV[2]))
return length
`;

/** Options of {@link redisStorage}. */
export interface RedisStorageOptions {
  /**
   * The server: `redis://[[user]:password@]host[:port][/db]`, or `rediss://` for TLS. The
   * password never appears in descriptions or errors (it is shown as `***`).
   */
  readonly url: string;
  /** What every key starts with, to share a server between applications (default `pliant`). */
  readonly prefix?: string;
}

/**
 * A {@link Storage} in Redis, for a study shared by processes on several machines. Each study is
 * the Redis list `<prefix>:journal:<encodeURIComponent(name)>`, one {@link JournalEvent} an
 * element, as the JSON text a journal file holds on its line (`JSON.stringify(event)`); the set
 * `<prefix>:studies` holds the name of every study opened (see {@link redisStudyNames}). It
 * behaves as `journalStorage` does, with Redis in place of the file:
 *
 * - **Opening** (`open`) connects (one connection per opened study), adds the name to the set
 *   (unless `readOnly`), and reads the whole list. An element that is not a journal event (not
 *   JSON, cut short, an unknown type) is skipped with a warning naming the list and the
 *   element's index (`redis://host:6379/pliant:journal:mnist[12]`); nothing is modified. A wrong
 *   password (`WRONGPASS`, or none given: `NOAUTH`) or a server that cannot be reached is a
 *   `PliantError` within a few seconds, not a hang.
 * - **Appends** (`append`) check events (those pliant's own loop made are trusted) and push them
 *   to the end of the list; `append` resolves once Redis has answered, so an event is as durable
 *   as Redis's persistence makes it: with AOF and `appendfsync always` it is on disk, with
 *   `appendfsync everysec` (Redis's default when AOF is on) a crash of the server may lose the
 *   last second, and without AOF whatever came after the last snapshot. The events of one handle
 *   keep the order `append` was called in, and `events` keeps the list's order: an append that
 *   finds elements of others pushed since the last read reads them first.
 * - **Restarts.** Once open, a journal rides out a restart of Redis: commands issued while the
 *   server is down wait (reconnecting at least once a second) and complete once it is back, and
 *   an append the server ran just before the connection dropped is not run twice when it is sent
 *   again (a key `<prefix>:append:<uuid>` marks an append under way; it is deleted once the
 *   answer is in, and expires after a day should its process die first). A warning (`PLIANT_REDIS_UNAVAILABLE`) says when the connection is lost. There is no
 *   time limit: while the server stays down, `append` and `refresh` wait.
 * - **Reading others' events.** `refresh` reads the elements added since the last read and
 *   returns those of other writers, in list order. A list found shorter than what was read before
 *   (deleted, trimmed, or lost by a Redis restart without AOF) is a `PliantError` (`remote`).
 * - `close` waits for the appends under way, then closes the connection; a process does not
 *   exit while a journal is open.
 *
 * A single Redis server (or a primary) is expected, not Redis Cluster.
 *
 * ```ts
 * await search(space, objective, { numTrials: 100, study: 'mnist', storage: redisStorage('redis://:secret@db:6379') });
 * ```
 *
 * @param connection - The server's URL, or {@link RedisStorageOptions}.
 */
export function redisStorage(connection: string | RedisStorageOptions): Storage {
  const { url, prefix } = connectionOptions(connection, API);
  return {
    description: `redis:${safeUrl(url)}`,
    open(name: string, options: OpenStudyOptions = {}): Promise<StudyJournal> {
      return openRedisJournal(url, prefix, name, options);
    },
    list(): Promise<string[]> {
      return redisStudyNames({ url, prefix });
    },
    async exists(name: string): Promise<boolean> {
      const key = `${prefix}:journal:${encodeStudyName(API, name)}`;
      const client = await connect(url, API);
      try {
        return (await client.exists(key)) === 1;
      } finally {
        client.disconnect();
      }
    },
  };
}

/**
 * The names of the studies in a Redis storage (those opened at least once), sorted.
 *
 * @param connection - The server's URL, or {@link RedisStorageOptions} (the same as given to
 *   {@link redisStorage}).
 */
export async function redisStudyNames(connection: string | RedisStorageOptions): Promise<string[]> {
  const { url, prefix } = connectionOptions(connection, 'redisStudyNames');
  const client = await connect(url, 'redisStudyNames');
  try {
    const names = await client.smembers(`${prefix}:studies`);
    return names.sort();
  } finally {
    await quit(client);
  }
}

function connectionOptions(connection: string | RedisStorageOptions, api: string): { url: string; prefix: string } {
  const options: Partial<RedisStorageOptions> =
    typeof connection === 'string' ? { url: connection } : typeof connection === 'object' && connection !== null ? connection : {};
  const { url, prefix = 'pliant' } = options;
  if (typeof url !== 'string' || !/^rediss?:\/\//i.test(url) || !URL.canParse(url)) {
    const shown = typeof url === 'string' ? JSON.stringify(safeUrl(url)) : String(url);
    throw new PliantError(api, 'argument', `a Redis URL looks like redis://[:password@]host[:port][/db] (or rediss:// for TLS), found ${shown}`);
  }
  if (typeof prefix !== 'string' || prefix === '') {
    throw new PliantError(api, 'argument', `the key prefix must be a non-empty string, found ${JSON.stringify(prefix)}`);
  }
  return { url, prefix };
}

/** Closes a connection politely (waiting for the replies under way), giving up after a second. */
async function quit(client: RedisClient): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([client.quit(), new Promise((resolve) => (timer = setTimeout(resolve, 1000)))]);
  } catch {
    // already closed
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

async function openRedisJournal(url: string, prefix: string, name: string, options: OpenStudyOptions): Promise<Journal> {
  const key = `${prefix}:journal:${encodeStudyName(API, name)}`;
  const client = await connect(url, API);
  try {
    if (options.readOnly === true) {
      if ((await client.exists(key)) !== 1) throw new PliantError(API, 'argument', `no study named '${name}' at ${serverOf(url)}`);
    } else {
      await client.sadd(`${prefix}:studies`, name);
    }
  } catch (error) {
    client.disconnect();
    throw error;
  }
  return Journal.open(new RedisBackend(client, prefix, key, url), { ...options, study: name, api: API });
}

/** A study's Redis list: one journal line an element. */
class RedisBackend implements JournalBackend {
  readonly where: string;
  readonly unit = 'element';
  readonly #client: RedisClient;
  readonly #key: string;
  readonly #prefix: string;
  readonly #server: string;
  readonly #pending = new Set<Promise<unknown>>();

  constructor(client: RedisClient, prefix: string, key: string, url: string) {
    this.#client = client;
    this.#prefix = prefix;
    this.#key = key;
    this.#server = serverOf(url);
    this.where = `${this.#server}/${key}`;
  }

  at(position: number): string {
    return `${this.where}[${position}]`;
  }

  async read(from: Cursor): Promise<BackendRead> {
    const texts: string[] = [];
    let length = 0;
    try {
      for (;;) {
        const start = from.offset + texts.length;
        const [page, size] = await Promise.all([this.#client.lrange(this.#key, start, start + PAGE - 1), this.#client.llen(this.#key)]);
        texts.push(...page);
        length = size;
        if (page.length < PAGE) break;
      }
    } catch (cause) {
      throw new PliantError(API, 'remote', `${this.where}: cannot read the journal: ${firstLine(cause)}`, { cause });
    }
    if (length < from.offset) {
      throw new PliantError(
        API,
        'remote',
        `${this.where} holds ${length} events, fewer than the ${from.offset} read before: was the list deleted or trimmed, or did Redis lose data in a restart (no AOF)?`,
      );
    }
    const next = from.offset + texts.length;
    return { lines: texts.map((text, i) => ({ text, position: from.offset + i })), next: { offset: next, line: next }, partial: false };
  }

  async append(text: string, after: Cursor): Promise<BackendAppend> {
    const token = `${this.#prefix}:append:${randomUUID()}`;
    // APPEND_ONCE pushes once even when ioredis resends it after a lost connection.
    const pushed = this.#client.eval(APPEND_ONCE, 2, this.#key, token, text, APPEND_TOKEN_TTL_S);
    this.#pending.add(pushed);
    let reply: unknown;
    try {
      reply = await pushed;
    } catch (cause) {
      throw new PliantError(API, 'remote', `${this.where}: the append failed: ${firstLine(cause)}`, { cause });
    } finally {
      this.#pending.delete(pushed);
    }
    const length = Number(reply);
    if (!Number.isSafeInteger(length) || length < 1) throw new PliantError(API, 'remote', `${this.where}: unexpected answer to an append: ${String(reply)}`);
    // The reply is in: the command will not be sent again, its token can go.
    this.#client.del(token).catch(() => undefined);
    const alone = length === after.offset + 1;
    return { alone, next: alone ? { offset: length, line: length } : after };
  }

  tornEnd(): void {
    // whole elements: nothing is ever torn
  }

  /** The snapshot's key: `<prefix>:snapshot:<encoded name>`. */
  get #snapshotKey(): string {
    return `${this.#prefix}:snapshot:${this.#key.slice(`${this.#prefix}:journal:`.length)}`;
  }

  async readSnapshot(): Promise<Buffer | undefined> {
    try {
      return (await this.#client.getBuffer(this.#snapshotKey)) ?? undefined;
    } catch (cause) {
      throw new PliantError(API, 'remote', `${this.where}: cannot read the snapshot: ${firstLine(cause)}`, { cause });
    }
  }

  async writeSnapshot(data: SnapshotData): Promise<void> {
    // One SET: Redis replaces the value whole.
    const written = this.#client.set(this.#snapshotKey, snapshotBytes(data));
    this.#pending.add(written);
    try {
      await written;
    } catch (cause) {
      throw new PliantError(API, 'remote', `${this.where}: cannot write the snapshot: ${firstLine(cause)}`, { cause });
    } finally {
      this.#pending.delete(written);
    }
  }

  async lineBefore(end: Cursor): Promise<string | undefined> {
    if (end.offset < 1) return undefined;
    try {
      return (await this.#client.lindex(this.#key, end.offset - 1)) ?? undefined;
    } catch (cause) {
      throw new PliantError(API, 'remote', `${this.where}: cannot read the journal: ${firstLine(cause)}`, { cause });
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#pending]);
    await quit(this.#client);
  }
}
