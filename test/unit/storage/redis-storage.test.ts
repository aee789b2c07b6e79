import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { floatv, loadStudy, oneOf, random, search } from '../../../src/index.js';
import type { Result, Trial } from '../../../src/index.js';
import { exportStudy } from '../../../src/storage/export-journal.js';
import { journalStorage } from '../../../src/storage/journal-storage.js';
import { memoryStorage } from '../../../src/storage/memory-storage.js';
import { redisStorage, redisStudyNames } from '../../../src/storage/redis-storage.js';
import type { JournalEvent, JournalWarning, Storage, StudyJournal } from '../../../src/storage/storage.js';
import { PliantError } from '../../../src/base/errors.js';
import { rejection } from '../../support/error-of.js';
import { freePort, isListening, startRedis } from '../../support/redis-server.js';
import type { RedisServer } from '../../support/redis-server.js';
import { allKinds, storageContract, trial } from './storage-contract.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const PASSWORD = 'hunter2-Secret';

let server: RedisServer;
let secured: RedisServer;
let raw: Redis;
const cleanups: (() => Promise<unknown> | unknown)[] = [];
const root = mkdtempSync(join(tmpdir(), 'pliant-redis-test-'));

beforeAll(async () => {
  [server, secured] = await Promise.all([startRedis(), startRedis({ password: PASSWORD })]);
  raw = new Redis(server.url, { maxRetriesPerRequest: null });
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  raw?.disconnect();
  await Promise.all([server?.dispose(), secured?.dispose()]);
  rmSync(root, { recursive: true, force: true });
});

let counter = 0;
/** A key prefix no other test uses. */
function unique(): string {
  return `t${process.pid}-${counter++}`;
}

function id(event: JournalEvent): string {
  return 'id' in event ? event.id : `study:${event.study}`;
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** Resolves once nothing accepts connections on `port`. */
async function waitDown(port: number): Promise<void> {
  while (await isListening(port)) await sleep(5);
}

/** Measures how long `promise` takes to reject, and returns its error. */
async function timedRejection(promise: Promise<unknown>): Promise<{ error: Error; ms: number }> {
  const start = Date.now();
  const error = await rejection(promise);
  return { error, ms: Date.now() - start };
}

storageContract('redisStorage', () => redisStorage({ url: server.url, prefix: unique() }));

describe('redisStorage', () => {
  it('keeps a study in the list <prefix>:journal:<encoded name>, one element per event, the JSON text a journal file holds', async () => {
    const storage = redisStorage(server.url);
    const name = `my study/${unique()}`;
    const journal = await storage.open(name);
    for (const event of allKinds) await journal.append(event);
    await journal.close();
    const key = `pliant:journal:${encodeURIComponent(name)}`;
    expect(await raw.lrange(key, 0, -1)).toEqual(allKinds.map((event) => JSON.stringify(event)));
    expect(await raw.sismember('pliant:studies', name)).toBe(1);

    // The same events appended to a journal file give the same lines.
    const dir = join(root, unique());
    const file = await journalStorage(dir).open(name);
    for (const event of allKinds) await file.append(event);
    await file.close();
    expect(readFileSync(join(dir, `${encodeURIComponent(name)}.jsonl`), 'utf8')).toBe((await raw.lrange(key, 0, -1)).map((text) => `${text}\n`).join(''));

    // A prefix keeps apps apart.
    const prefix = unique();
    const other = await redisStorage({ url: server.url, prefix }).open(name);
    expect(other.events).toEqual([]);
    await other.append(trial('x'));
    await other.close();
    expect(await raw.llen(`${prefix}:journal:${encodeURIComponent(name)}`)).toBe(1);
    expect(await raw.llen(key)).toBe(allKinds.length);
  });

  it('two handles: append, events and refresh behave exactly as with the file journal', async () => {
    /** Runs one script of operations on two handles of `storage`, and records everything they show. */
    const transcript = async (storage: Storage): Promise<unknown[]> => {
      const seen: unknown[] = [];
      const a = await storage.open('duo');
      const b = await storage.open('duo');
      const view = (label: string, journal: StudyJournal): void => {
        seen.push([label, journal.events.map(id)]);
      };
      const refresh = async (label: string, journal: StudyJournal): Promise<void> => {
        seen.push([label, (await journal.refresh()).map(id)]);
      };
      await a.append(trial('a1'));
      await a.append(trial('a2'));
      view('b before refresh', b);
      await refresh('b refresh 1', b);
      await refresh('b refresh 2', b);
      await b.append(trial('b1'));
      view('b after append', b);
      await a.append(trial('a3'));
      view('a before refresh', a);
      await refresh('a refresh', a);
      view('a after refresh', a);
      await b.append(trial('b2'));
      await refresh('b refresh 3', b);
      view('b end', b);
      await refresh('a refresh 2', a);
      view('a end', a);
      await a.close();
      await b.close();
      const c = await storage.open('duo');
      view('reopened', c);
      await refresh('reopened refresh', c);
      await c.close();
      return seen;
    };
    const fromFile = await transcript(journalStorage(join(root, unique())));
    const fromRedis = await transcript(redisStorage({ url: server.url, prefix: unique() }));
    expect(fromRedis).toEqual(fromFile);
    // (and the file journal says what the contract says)
    expect(fromFile).toContainEqual(['b refresh 1', ['a1', 'a2']]);
    expect(fromFile).toContainEqual(['b refresh 2', []]);
    expect(fromFile).toContainEqual(['a after refresh', ['a1', 'a2', 'b1', 'a3']]); // the journal's order, for every reader
    expect(fromFile).toContainEqual(['reopened', ['a1', 'a2', 'b1', 'a3', 'b2']]);
  });

  it('refresh amid a handle’s own appends returns every other writer’s event once, in order, and none of its own', async () => {
    const storage = redisStorage({ url: server.url, prefix: unique() });
    const a = await storage.open('busy');
    const b = await storage.open('busy');
    const returned: JournalEvent[] = [];
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 60; i++) {
      work.push(a.append(trial(`a${i}`)), b.append(trial(`b${i}`)));
      if (i % 5 === 0) work.push(a.refresh().then((fresh) => returned.push(...fresh)));
    }
    await Promise.all(work);
    returned.push(...(await a.refresh()));
    expect(returned.map(id)).toEqual(Array.from({ length: 60 }, (_, i) => `b${i}`));
    expect(a.events).toHaveLength(120);
    expect(new Set(a.events.map(id)).size).toBe(120);
    expect(a.events.filter((e) => id(e).startsWith('a')).map(id)).toEqual(Array.from({ length: 60 }, (_, i) => `a${i}`));
    await a.close();
    await b.close();
  });

  it('reopening replays every event; each open lists the study', async () => {
    const url = server.url;
    const prefix = unique();
    const storage = redisStorage({ url, prefix });
    const first = await storage.open('replayed');
    for (const event of allKinds) await first.append(event);
    await first.close();
    const second = await storage.open('replayed');
    expect(second.events).toEqual(allKinds);
    expect(await second.refresh()).toEqual([]);
    await second.append(trial('more'));
    await second.close();
    const third = await storage.open('replayed');
    expect(third.events).toEqual([...allKinds, trial('more')]);
    await third.close();
    await (await storage.open('another')).close();
    expect(await redisStudyNames({ url, prefix })).toEqual(['another', 'replayed']);
    expect(await redisStudyNames({ url, prefix: unique() })).toEqual([]);
  });

  it('a search resumed from Redis goes on with the same study', async () => {
    const storage = redisStorage({ url: server.url, prefix: unique() });
    const space = { x: floatv(0, 1), k: oneOf(['a', 'b']) };
    let calls = 0;
    const objective = (c: { x: number; k: string }): number => {
      calls++;
      return c.x + (c.k === 'a' ? 0 : 0.5);
    };
    const first = await search(space, objective, { numTrials: 4, study: 'resumed', storage, algorithm: random({ seed: 5 }) });
    expect(first.trials).toHaveLength(4);
    expect(calls).toBe(4);
    const second = await search(space, objective, { numTrials: 7, study: 'resumed', storage, algorithm: random({ seed: 5 }) });
    expect(calls).toBe(7);
    expect(second.study).toBe('resumed');
    expect(second.trials).toHaveLength(7);
    expect(second.trials.slice(0, 4).map((t) => t.id)).toEqual(first.trials.map((t) => t.id));
    const loaded = await loadStudy('resumed', { storage });
    expect(loaded.trials.map((t) => t.id)).toEqual(second.trials.map((t) => t.id));
    expect(loaded.best?.id).toBe(second.best?.id);
  });

  it('an element that is not JSON is skipped with a warning naming the list and the index; nothing is modified', async () => {
    const prefix = unique();
    const storage = redisStorage({ url: server.url, prefix });
    const name = 'broken study';
    const key = `${prefix}:journal:${encodeURIComponent(name)}`;
    const writer = await storage.open(name);
    await writer.append(trial('a'));
    await writer.append(trial('b'));
    const seen: JournalWarning[] = [];
    const reader = await storage.open(name, { onWarning: (w) => seen.push(w) });
    await raw.rpush(key, 'garbage{');
    await writer.append(trial('c'));
    const stored = await raw.lrange(key, 0, -1);
    expect(stored).toHaveLength(4);

    const warnings: JournalWarning[] = [];
    const again = await storage.open(name, { onWarning: (w) => warnings.push(w) });
    expect(again.events.map(id)).toEqual(['a', 'b', 'c']);
    expect(warnings).toEqual([{ kind: 'malformed', at: `redis://127.0.0.1:${server.port}/${key}[2]`, message: expect.stringContaining('garbage{') }]);
    expect((await reader.refresh()).map(id)).toEqual(['c']);
    expect(seen.map((w) => w.at)).toEqual([`redis://127.0.0.1:${server.port}/${key}[2]`]);
    expect(await raw.lrange(key, 0, -1)).toEqual(stored);
    for (const journal of [writer, reader, again]) await journal.close();
  });

  it('an element cut short or of an unknown type is skipped with a warning too; an unknown type given to append is refused', async () => {
    const prefix = unique();
    const storage = redisStorage({ url: server.url, prefix });
    const cut = `${prefix}:journal:cut`;
    await raw.rpush(cut, JSON.stringify(trial('a')), '{"type":"trial","id":"b"');
    const warnings: JournalWarning[] = [];
    const onWarning = (w: JournalWarning): void => void warnings.push(w);
    const first = await storage.open('cut', { onWarning });
    expect(first.events.map(id)).toEqual(['a']);
    await first.close();
    const unknown = `${prefix}:journal:unknown`;
    await raw.rpush(unknown, '{"type":"bogus","id":"x","time":1}', JSON.stringify(trial('a')));
    const second = await storage.open('unknown', { onWarning });
    expect(second.events.map(id)).toEqual(['a']);
    await second.close();
    expect(warnings.map((w) => [w.kind, w.at.slice(w.at.lastIndexOf('/') + 1)])).toEqual([
      ['torn', `${prefix}:journal:cut[1]`],
      ['unknown-event', `${prefix}:journal:unknown[0]`],
    ]);
    expect(warnings[1]?.message).toContain('bogus');
    expect(await raw.llen(unknown)).toBe(2);
    // An event of an unknown type given to append is refused, and nothing is pushed.
    const journal = await storage.open('typed');
    await expect(journal.append({ type: 'bogus', time: 1 } as unknown as JournalEvent)).rejects.toThrow(PliantError);
    expect(await raw.exists(`${prefix}:journal:typed`)).toBe(0);
    await journal.close();
  });

  it('a wrong password, or none, is a clear PliantError at once that never shows the password', async () => {
    const wrong = `redis://:not-${PASSWORD}@127.0.0.1:${secured.port}`;
    const { error, ms } = await timedRejection(redisStorage(wrong).open('s'));
    expect(error).toBeInstanceOf(PliantError);
    expect(error.message).toBe(
      `redisStorage: Redis at redis://127.0.0.1:${secured.port} refused the password (WRONGPASS invalid username-password pair or user is disabled.)`,
    );
    expect(ms).toBeLessThan(5000);
    expect(inspect(error, { depth: 20 })).not.toContain(PASSWORD);

    const none = await timedRejection(redisStorage(`redis://127.0.0.1:${secured.port}`).open('s'));
    expect(none.error).toBeInstanceOf(PliantError);
    expect(none.error.message).toMatch(/Redis at redis:\/\/127\.0\.0\.1:\d+ requires a password \(NOAUTH/);
    expect(none.ms).toBeLessThan(5000);

    await expect(redisStudyNames(wrong)).rejects.toThrow(/refused the password/);
  });

  it('the right password works', async () => {
    const storage = redisStorage({ url: secured.url, prefix: 'secured' });
    expect(secured.url).toContain(PASSWORD);
    const journal = await storage.open('locked');
    await journal.append(trial('x'));
    await journal.close();
    const again = await storage.open('locked');
    expect(again.events.map(id)).toEqual(['x']);
    await again.close();
    expect(await redisStudyNames({ url: secured.url, prefix: 'secured' })).toEqual(['locked']);
  });

  it('the description and errors hide the password', () => {
    expect(redisStorage(secured.url).description).toBe(`redis:redis://:***@127.0.0.1:${secured.port}`);
    expect(redisStorage('redis://alice:pa55@db.example:6380/2').description).toBe('redis:redis://alice:***@db.example:6380/2');
    expect(redisStorage('rediss://db.example:6380?password=pa55').description).toBe('redis:rediss://db.example:6380?password=***');
    expect(redisStorage({ url: 'redis://127.0.0.1:6379', prefix: 'x' }).description).toBe('redis:redis://127.0.0.1:6379');
    for (const bad of ['http://:pa55@host:1', 'localhost:6379', '']) {
      let error: unknown;
      try {
        redisStorage(bad);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PliantError);
      expect((error as PliantError).code).toBe('argument');
      expect((error as Error).message).not.toContain('pa55');
    }
    expect(() => redisStorage({ url: server.url, prefix: '' })).toThrow(/prefix/);
  });

  it('a port where nothing listens is a clear error at once', async () => {
    const port = await freePort();
    const { error, ms } = await timedRejection(redisStorage(`redis://127.0.0.1:${port}`).open('s'));
    expect(error).toBeInstanceOf(PliantError);
    expect((error as PliantError).code).toBe('remote');
    expect(error.message).toMatch(new RegExp(`cannot connect to Redis at redis://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
    expect(ms).toBeLessThan(5000);
    await expect(redisStudyNames(`redis://127.0.0.1:${port}`)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('a server that accepts the connection but never answers is an error after 5 s', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    const address = silent.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const { error, ms } = await timedRejection(redisStorage(`redis://127.0.0.1:${port}`).open('s'));
      expect(error).toBeInstanceOf(PliantError);
      expect(error.message).toBe(`redisStorage: no answer from Redis at redis://127.0.0.1:${port} within 5 s`);
      expect(ms).toBeGreaterThanOrEqual(4900);
      expect((error as PliantError).code).toBe('timeout');
      expect(ms).toBeLessThan(8000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((done) => silent.close(done));
    }
  });

  it('rides out a Redis restart: appends issued while it is down complete once it is back, and nothing is lost or doubled', async () => {
    const own = await startRedis();
    cleanups.push(() => own.dispose());
    const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const storage = redisStorage({ url: own.url, prefix: 'r' });
      const a = await storage.open('restart');
      const b = await storage.open('restart');
      await a.append(trial('first'));
      // A burst in flight when the server is killed: some were run, some not, some answered.
      const burst = Array.from({ length: 1000 }, (_, i) => a.append(trial(`burst${i}`, 'a', 200)));
      const restarting = own.restart({ downMs: 500 });
      await waitDown(own.port);
      let settled = false;
      const refreshedWhileDown = b.refresh();
      const whileDown = [a.append(trial('down-a')), b.append(trial('down-b')), refreshedWhileDown];
      void Promise.allSettled(whileDown).then(() => (settled = true));
      await sleep(250);
      expect(settled).toBe(false);
      await restarting;
      await Promise.all([...burst, ...whileDown]);
      expect(settled).toBe(true);
      await a.append(trial('after'));

      const expected = ['first', ...Array.from({ length: 1000 }, (_, i) => `burst${i}`), 'down-a', 'after'];
      // Each handle's view is the list's order: a's events, with b's one among them.
      expect(a.events.map(id).filter((x) => x !== 'down-b')).toEqual(expected);
      expect(a.events.filter((e) => id(e) === 'down-b')).toHaveLength(1);
      // b was given every event of a, once, in order, and none of its own.
      const returned = [...(await refreshedWhileDown), ...(await b.refresh())];
      expect(returned.map(id)).toEqual(expected);
      expect(new Set(b.events.map(id))).toEqual(new Set([...expected, 'down-b']));
      expect(b.events).toHaveLength(expected.length + 1);
      await a.close();
      await b.close();

      const c = await storage.open('restart');
      const ids = c.events.map(id);
      expect(ids).toHaveLength(expected.length + 1);
      expect(ids.filter((x) => x !== 'down-b')).toEqual(expected);
      await c.close();
      // The tokens that make a resent append a no-op are gone.
      const check = new Redis(own.url);
      try {
        expect(await check.keys('r:append:*')).toEqual([]);
      } finally {
        check.disconnect();
      }
      const lost = warnings.mock.calls.map((call) => String(call[0])).filter((message) => message.includes('lost the connection'));
      expect(lost.length).toBeGreaterThan(0);
      expect(lost[0]).toContain(`redis://127.0.0.1:${own.port}`);
    } finally {
      warnings.mockRestore();
    }
  });

  it('a restart between appends: the next append waits for the server and lands after the others', async () => {
    const own = await startRedis({ password: PASSWORD });
    cleanups.push(() => own.dispose());
    const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const storage = redisStorage(own.url);
      const journal = await storage.open('between');
      await journal.append(trial('one'));
      await own.restart({ downMs: 500 });
      await journal.append(trial('two'));
      expect(await journal.refresh()).toEqual([]);
      await journal.close();
      const again = await storage.open('between');
      expect(again.events.map(id)).toEqual(['one', 'two']);
      await again.close();
      for (const call of warnings.mock.calls) expect(String(call[0])).not.toContain(PASSWORD);
    } finally {
      warnings.mockRestore();
    }
  });
});

describe('exportStudy', () => {
  const space = { x: floatv(0, 1), k: oneOf(['a', 'b']) };
  const summary = (t: Trial): unknown => ({
    id: t.id,
    number: t.number,
    state: t.state,
    dna: t.dna.toString(),
    candidate: t.candidate,
    value: t.value,
    error: t.error,
  });
  const expectSame = (loaded: Result, ran: Result): void => {
    expect(loaded.study).toBe(ran.study);
    expect(loaded.trials.map(summary)).toEqual(ran.trials.map(summary));
    expect(loaded.best?.id).toBe(ran.best?.id);
    expect(loaded.direction).toBe(ran.direction);
  };

  it('writes a Redis study to a journal file that loadStudy reads and journalStorage resumes', async () => {
    const storage = redisStorage({ url: server.url, prefix: unique() });
    const study = 'exported study/1';
    let calls = 0;
    const objective = (c: { x: number; k: string }): number => {
      calls++;
      return c.x - (c.k === 'a' ? 0 : 0.25);
    };
    const ran = await search(space, objective, { numTrials: 5, study, storage, direction: 'minimize', algorithm: random({ seed: 9 }) });
    const dir = join(root, unique());
    const file = join(dir, `${encodeURIComponent(study)}.jsonl`);

    const count = await exportStudy(storage, study, file);
    const journal = await storage.open(study);
    expect(count).toBe(journal.events.length);
    expect(readFileSync(file, 'utf8')).toBe(journal.events.map((event) => `${JSON.stringify(event)}\n`).join(''));
    await journal.close();
    expect(readdirSync(dir)).toEqual([`${encodeURIComponent(study)}.jsonl`]);

    expectSame(await loadStudy(file), ran);
    expectSame(await loadStudy(study, { storage: journalStorage(dir) }), ran);
    expectSame(await loadStudy(study, { storage }), ran);

    const resumed = await search(space, objective, {
      numTrials: 8,
      study,
      storage: journalStorage(dir),
      direction: 'minimize',
      algorithm: random({ seed: 9 }),
    });
    expect(calls).toBe(8);
    expect(resumed.trials).toHaveLength(8);
    expect(resumed.trials.slice(0, 5).map(summary)).toEqual(ran.trials.map(summary));
    // The Redis study is as it was.
    expect((await loadStudy(study, { storage })).trials).toHaveLength(5);
  });

  it('refuses to overwrite a file unless asked, and leaves no temporary file', async () => {
    const storage = memoryStorage();
    const journal = await storage.open('s');
    for (const event of allKinds) await journal.append(event);
    await journal.close();
    const dir = join(root, unique(), 'nested');
    const file = join(dir, 's.jsonl');
    expect(await exportStudy(storage, 's', file)).toBe(allKinds.length);

    writeFileSync(file, 'mine\n');
    const error = await rejection(exportStudy(storage, 's', file));
    expect(error).toBeInstanceOf(PliantError);
    expect(error.message).toMatch(/exists: pass \{ overwrite: true \}/);
    expect(readFileSync(file, 'utf8')).toBe('mine\n');

    expect(await exportStudy(storage, 's', file, { overwrite: true })).toBe(allKinds.length);
    const reopened = await journalStorage(dir).open('s');
    expect(reopened.events).toEqual(allKinds);
    await reopened.close();
    expect(readdirSync(dir)).toEqual(['s.jsonl']);
  });

  it('an empty (or misspelt) study is an error, and writes nothing', async () => {
    const storage = redisStorage({ url: server.url, prefix: unique() });
    const file = join(root, unique(), 'none.jsonl');
    const error = await rejection(exportStudy(storage, 'no such study', file));
    expect(error).toBeInstanceOf(PliantError);
    expect(error.message).toMatch(/no study named 'no such study'/);
    expect(existsSync(file)).toBe(false);
    // and it did not create the study
    expect(await storage.exists?.('no such study')).toBe(false);
  });
});

describe('loading ioredis', () => {
  /** Runs an ES module script with tsx in a child process; returns its last stdout line as JSON. */
  const run = (script: string, cwd: string, args: string[] = []): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.once('error', reject);
      child.once('exit', (code) => {
        const last = out.trim().split('\n').pop() ?? '';
        try {
          resolve(JSON.parse(last));
        } catch {
          reject(new Error(`child exited ${String(code)}: ${out}\n${err}`));
        }
      });
    });

  it('import "pliant" and redisStorage(url) do not load ioredis; opening a study does', async () => {
    const script = `
      import { createRequire } from 'node:module';
      const cache = createRequire(import.meta.url).cache;
      const loaded = () => Object.keys(cache).some((k) => k.includes('/node_modules/ioredis/'));
      await import('./src/index.ts');
      const { redisStorage } = await import('./src/storage/redis-storage.ts');
      const afterImport = loaded();
      const storage = redisStorage(process.argv[1]);
      const afterCreate = loaded();
      const journal = await storage.open('lazy');
      await journal.close();
      console.log(JSON.stringify({ afterImport, afterCreate, afterOpen: loaded() }));
    `;
    expect(await run(script, repo, [server.url])).toEqual({ afterImport: false, afterCreate: false, afterOpen: true });
  });

  it('without ioredis, open is a dependency error that says what to install', async () => {
    // A copy of the sources next to node_modules that holds everything but ioredis.
    const copy = join(root, unique());
    cpSync(join(repo, 'src'), join(copy, 'src'), { recursive: true });
    cpSync(join(repo, 'package.json'), join(copy, 'package.json'));
    mkdirSync(join(copy, 'node_modules'));
    for (const entry of readdirSync(join(repo, 'node_modules'))) {
      if (entry !== 'ioredis') symlinkSync(join(repo, 'node_modules', entry), join(copy, 'node_modules', entry));
    }
    const script = `
      const { redisStorage } = await import('./src/storage/redis-storage.ts');
      const storage = redisStorage('redis://127.0.0.1:6379');
      const error = await storage.open('s').then(() => undefined, (e) => e);
      console.log(JSON.stringify({ name: error?.name, code: error?.code, message: error?.message }));
    `;
    const result = (await run(script, copy)) as { name: string; code: string; message: string };
    expect(result.name).toBe('PliantError');
    expect(result.code).toBe('dependency');
    expect(result.message).toMatch(/^redisStorage: redisStorage needs ioredis: npm install ioredis@6 \(Cannot find module 'ioredis'/);
  });
});
