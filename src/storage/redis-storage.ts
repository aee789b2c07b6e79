/**
 * The Redis journal: the same study journals as the journal files, kept in Redis so that
 * processes on several machines can share a study. ioredis is an optional dependency, loaded
 * when a study is opened (never by `import 'pliant'`).
 */
import { randomUUID } from 'node:crypto';
import type { Redis as RedisClient } from 'ioredis';
import { PliantError } from '../base/errors.js';
import { checkJournalEvent, parseJournalLine } from './journal-event-schema.js';
import { firstLine, openRedis as connect, safeRedisUrl as safeUrl, serverOf } from '../base/redis-connection.js';
import type { JournalEvent, Storage, StudyJournal } from './storage.js';

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
 * - **Opening** (`open`) connects (one connection per opened study), adds the name to the set,
 *   and reads the whole list. An element that is not a journal event (not JSON, cut short, an
 *   unknown type) is a `PliantError` (`json`) naming the study and the element's index; nothing
 *   is skipped and nothing is modified. A wrong password (`WRONGPASS`, or none given: `NOAUTH`)
 *   or a server that cannot be reached is a `PliantError` within a few seconds, not a hang.
 * - **Appends** (`append`) check events (those pliant's own loop made are trusted) and push them
 *   to the end of the list; `append` resolves once Redis has answered, so an event is as durable
 *   as Redis's persistence makes it: with AOF and `appendfsync always` it is on disk, with
 *   `appendfsync everysec` (Redis's default when AOF is on) a crash of the server may lose the
 *   last second, and without AOF whatever came after the last snapshot. The events of one handle
 *   keep the order `append` was called in.
 * - **Restarts.** Once open, a journal rides out a restart of Redis: commands issued while the
 *   server is down wait (reconnecting at least once a second) and complete once it is back, and
 *   an append the server ran just before the connection dropped is not run twice when it is sent
 *   again (a key `<prefix>:append:<uuid>` marks an append under way; it is deleted once the
 *   answer is in, and expires after a day should its process die first). A warning (`PLIANT_REDIS_UNAVAILABLE`) says when the connection is lost. There is no
 *   time limit: while the server stays down, `append` and `refresh` wait.
 * - **Reading others' events.** `refresh` reads the elements added since the last read and
 *   returns those of other writers, in list order; `events` is this handle's view: the list as of
 *   the last read, then this handle's own appends, in order.
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
    open(name: string): Promise<StudyJournal> {
      return RedisJournal.open(url, prefix, name);
    },
    async exists(name: string): Promise<boolean> {
      const client = await connect(url, API);
      try {
        return (await client.exists(`${prefix}:journal:${encodeURIComponent(name)}`)) === 1;
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

class RedisJournal implements StudyJournal {
  readonly study: string;
  readonly #client: RedisClient;
  readonly #key: string;
  readonly #prefix: string;
  /** The study, its list and the server, for messages. */
  readonly #where: string;
  readonly #events: JournalEvent[] = [];
  /** Indices of the list this handle appended that no read has reached yet. */
  readonly #own = new Set<number>();
  /** How many elements of the list were read so far. */
  #offset = 0;
  /** Reads run one at a time. */
  #reading: Promise<unknown> = Promise.resolve();
  readonly #pending = new Set<Promise<unknown>>();
  #closing: Promise<void> | undefined;

  private constructor(study: string, client: RedisClient, prefix: string, key: string, url: string) {
    this.study = study;
    this.#client = client;
    this.#prefix = prefix;
    this.#key = key;
    this.#where = `study ${JSON.stringify(study)} (Redis list ${key} at ${serverOf(url)})`;
  }

  static async open(url: string, prefix: string, name: string): Promise<RedisJournal> {
    if (typeof name !== 'string' || name === '') {
      throw new PliantError(API, 'argument', `a study name must be a non-empty string, found ${JSON.stringify(name)}`);
    }
    let encoded: string;
    try {
      encoded = encodeURIComponent(name);
    } catch (cause) {
      throw new PliantError(API, 'argument', `the study name ${JSON.stringify(name)} is not well-formed Unicode`, { cause });
    }
    const client = await connect(url, API);
    try {
      await client.sadd(`${prefix}:studies`, name);
      const journal = new RedisJournal(name, client, prefix, `${prefix}:journal:${encoded}`, url);
      await journal.#read();
      return journal;
    } catch (error) {
      client.disconnect();
      throw error;
    }
  }

  get events(): readonly JournalEvent[] {
    return this.#events;
  }

  append(event: JournalEvent): Promise<void> {
    let record: JournalEvent;
    let text: string;
    try {
      this.#checkOpen('append');
      record = checkJournalEvent(API, event);
      text = JSON.stringify(record);
    } catch (error) {
      return Promise.reject(error);
    }
    const token = `${this.#prefix}:append:${randomUUID()}`;
    // Commands on one connection run in the order they are sent, and their replies come back in
    // that order: this reply is handled before that of any later read, which so knows the index
    // is this handle's own.
    const pushed = this.#client.eval(APPEND_ONCE, 2, this.#key, token, text, APPEND_TOKEN_TTL_S).then(
      (reply) => {
        const length = Number(reply);
        if (!Number.isSafeInteger(length) || length < 1) {
          throw new PliantError(API, 'dependency', `${this.#where}: unexpected answer to an append: ${String(reply)}`);
        }
        if (length - 1 >= this.#offset) this.#own.add(length - 1);
        this.#events.push(record);
        // The reply is in: the command will not be sent again, its token can go.
        this.#client.del(token).catch(() => undefined);
      },
      (error: unknown) => {
        throw new PliantError(API, 'dependency', `${this.#where}: the append failed: ${firstLine(error)}`, { cause: error });
      },
    );
    this.#pending.add(pushed);
    const settled = (): void => {
      this.#pending.delete(pushed);
    };
    pushed.then(settled, settled);
    return pushed;
  }

  refresh(): Promise<readonly JournalEvent[]> {
    try {
      this.#checkOpen('refresh');
    } catch (error) {
      return Promise.reject(error);
    }
    const run = this.#reading.then(() => this.#read());
    this.#reading = run.catch(() => undefined);
    return run;
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      await Promise.allSettled([...this.#pending, this.#reading]);
      await quit(this.#client);
    })();
    return this.#closing;
  }

  #checkOpen(what: string): void {
    if (this.#closing !== undefined) {
      throw new PliantError(API, 'argument', `cannot ${what} ${this.#where}: its journal is closed`);
    }
  }

  /**
   * Reads the elements after `#offset` into `events` (all checked before any is taken in, so a
   * malformed element changes nothing) and returns those other writers appended.
   */
  async #read(): Promise<JournalEvent[]> {
    const texts: string[] = [];
    let length = 0;
    for (;;) {
      const start = this.#offset + texts.length;
      const [page, size] = await Promise.all([this.#client.lrange(this.#key, start, start + PAGE - 1), this.#client.llen(this.#key)]);
      texts.push(...page);
      length = size;
      if (page.length < PAGE) break;
    }
    if (length < this.#offset) {
      throw new PliantError(
        API,
        'dependency',
        `${this.#where} holds ${length} events, fewer than the ${this.#offset} read before: was the list deleted or trimmed, or did Redis lose data in a restart (no AOF)?`,
      );
    }
    const found: (JournalEvent | undefined)[] = texts.map((text, i) => (this.#own.has(this.#offset + i) ? undefined : this.#parse(text, this.#offset + i)));
    const fresh: JournalEvent[] = [];
    found.forEach((event, i) => {
      if (event === undefined) {
        this.#own.delete(this.#offset + i);
        return;
      }
      this.#events.push(event);
      fresh.push(event);
    });
    this.#offset += texts.length;
    return fresh;
  }

  /** One element of the list: a whole journal event, or a `PliantError` naming the study and the index. */
  #parse(text: string, index: number): JournalEvent {
    let event: JournalEvent | undefined;
    let problem: string;
    let cause: unknown;
    try {
      event = parseJournalLine(API, this.#where, index, text);
      if (event !== undefined) return event;
      // In a file, a torn last line; in Redis, where each element is written whole, an error.
      problem = `is cut short (a prefix of JSON): ${JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}...` : text)}`;
    } catch (error) {
      // parseJournalLine says `<api>: <where>: line <n> is not valid JSON: ...` or `...: line <n>: not a
      // journal event ...`; say `element <n> is ...`.
      cause = error;
      const message = error instanceof Error ? error.message : String(error);
      const head = `${API}: ${this.#where}: line ${index}`;
      const rest = message.startsWith(head) ? message.slice(head.length) : `: ${message}`;
      problem = rest.startsWith(': ') ? `is ${rest.slice(2)}` : rest.trimStart();
    }
    throw new PliantError(
      API,
      'json',
      `${this.#where}: element ${index} ${problem} (nothing was read; LINDEX ${this.#key} ${index} shows it)`,
      cause === undefined ? {} : { cause },
    );
  }
}
