/**
 * @internal Connections to Redis, for the Redis journal and the job queue: ioredis, loaded at call
 * time (never by `import 'pliant'`), configured to ride out a Redis restart (commands wait and
 * retry instead of failing), and checked on open so that a wrong password or an unreachable
 * server is a clear error at once rather than a hang.
 */
import type { Redis as RedisClient, RedisOptions } from 'ioredis';
import { PliantError } from './errors.js';
import { requireOptional } from './optional-dependency.js';

/** How long opening a connection may take: a wrong password or no server fails within it. */
const OPEN_TIMEOUT_MS = 5000;
/** The longest wait between two reconnection attempts once a connection is established. */
const MAX_RETRY_DELAY_MS = 1000;

/** The retry strategy of every pliant connection: back off to one try a second, for ever. */
export function retryStrategy(times: number): number {
  return Math.min(50 * 2 ** Math.min(times, 10), MAX_RETRY_DELAY_MS);
}

/** The first line of an error's message. */
export function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}

/** `url` as it may be shown: its password (and a `password` query parameter) replaced by `***`. */
export function safeRedisUrl(url: string): string {
  if (!URL.canParse(url)) return url.replace(/\/\/[^@/]*@/, '//***@');
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
  return parsed.toString();
}

/** The server of `url`, without credentials: `redis://host:port`. */
export function serverOf(url: string): string {
  if (!URL.canParse(url)) return safeRedisUrl(url);
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}`;
}

type RedisConstructor = new (url: string, options: RedisOptions) => RedisClient;

/** ioredis's client class, from the user's project first, then from pliant's own. */
function loadIoredis(api: string): RedisConstructor {
  const module = requireOptional<{ Redis?: RedisConstructor; default?: RedisConstructor }>('ioredis', api, 'npm install ioredis@6');
  const found = module.Redis ?? module.default;
  if (typeof found !== 'function') throw new PliantError(api, 'dependency', 'the ioredis module has no Redis class (npm install ioredis@6)');
  return found;
}

/**
 * Connects to `url`, waiting until the server is ready. The first error before that (a refused
 * password, a refused connection, an unknown host) or {@link OPEN_TIMEOUT_MS} without an answer is
 * a `PliantError`; once connected, the client reconnects for ever and commands wait meanwhile
 * (a warning, `PLIANT_REDIS_UNAVAILABLE`, says when the connection is lost).
 */
export async function openRedis(url: string, api: string): Promise<RedisClient> {
  if (typeof url !== 'string' || !/^rediss?:\/\//.test(url))
    throw new PliantError(api, 'argument', `a Redis URL looks like redis://[:password@]host:port[/db], found ${JSON.stringify(safeRedisUrl(String(url)))}`);
  const Redis = loadIoredis(api);
  const client = new Redis(url, {
    lazyConnect: false,
    enableOfflineQueue: true,
    // Commands wait through a restart instead of failing after a number of reconnections.
    maxRetriesPerRequest: null,
    retryStrategy,
    connectTimeout: OPEN_TIMEOUT_MS,
  });
  let lastError: unknown;
  let warned = false;
  let ready = false;
  client.on('error', (error: unknown) => {
    lastError = error;
    if (ready && !warned) {
      warned = true;
      process.emitWarning(`${api}: lost the connection to Redis at ${serverOf(url)} (${firstLine(error)}); commands wait until it is back`, {
        type: 'PliantWarning',
        code: 'PLIANT_REDIS_UNAVAILABLE',
      });
    }
  });
  client.on('ready', () => {
    warned = false;
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const finish = (error?: PliantError): void => {
        clearTimeout(timer);
        client.off('ready', onReady);
        client.off('error', onError);
        if (error === undefined) resolve();
        else reject(error);
      };
      const onReady = (): void => finish();
      const onError = (error: unknown): void => finish(openError(url, api, error));
      const timer = setTimeout(() => {
        const last = lastError === undefined ? '' : ` (last error: ${firstLine(lastError)})`;
        finish(new PliantError(api, 'timeout', `no answer from Redis at ${serverOf(url)} within ${OPEN_TIMEOUT_MS / 1000} s${last}`));
      }, OPEN_TIMEOUT_MS);
      client.once('ready', onReady);
      client.on('error', onError);
    });
  } catch (error) {
    client.disconnect();
    throw error;
  }
  ready = true;
  return client;
}

/** The error that stopped a connection from opening, without the password (nor the command that carried it). */
function openError(url: string, api: string, error: unknown): PliantError {
  const text = firstLine(error);
  const server = serverOf(url);
  if (/WRONGPASS|invalid password|invalid username-password/i.test(text)) {
    return new PliantError(api, 'argument', `Redis at ${server} refused the password (${text})`);
  }
  if (/NOAUTH/i.test(text)) {
    return new PliantError(api, 'argument', `Redis at ${server} requires a password (${text}): give it in the URL, redis://:PASSWORD@host:port`);
  }
  const code = (error as { code?: unknown }).code;
  const safe = typeof code === 'string' && /^E[A-Z]+$/.test(code);
  return new PliantError(api, 'remote', `cannot connect to Redis at ${server}: ${text}`, safe ? { cause: error } : {});
}
