/**
 * The job-queue executor against the faults it must survive, end to end: a real `redis-server`
 * on a free loopback port, `pliant worker` processes (the built bin), a controller in this process
 * or in a child process, and the study's journal in Redis. Every test ends by checking the
 * journal: each trial completed (or failed) exactly once, none lost, none duplicated.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
// The built package, as the workers run it.
import { DNA, PliantError, bullmqExecutor, floatv, grid, loadStudy, oneOf, redisStorage, search } from '../../dist/index.js';
import type { JournalEvent, TrialFeedback } from '../../dist/index.js';
import { startRedis } from '../support/redis-server.js';
import type { RedisServer } from '../support/redis-server.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'dist', 'cli', 'main.js');

/**
 * The objective every worker runs: behaviour chosen by the candidate. Each start of it appends
 * the trial's id to the file named by PLIANT_STARTS (set for the workers), so a test can count how
 * many times a trial's objective started.
 */
const OBJECTIVE = `
import { appendFileSync } from 'node:fs';
export async function objective(c, trial) {
  if (process.env.PLIANT_STARTS) appendFileSync(process.env.PLIANT_STARTS, trial.id + '\\n');
  const ms = c.ms ?? 100;
  if (c.mode === 'throw') throw new Error('boom: the objective failed');
  if (c.mode === 'hang') await new Promise(() => {});
  if (c.mode === 'bad-report') await trial.report({ accuracy: 'high' });
  if (c.mode === 'epochs') {
    for (let epoch = 0; epoch < 3; epoch++) await trial.report(epoch / 10, { step: epoch });
    return 1;
  }
  await new Promise((r) => setTimeout(r, ms / 2));
  await trial.report(c.x ?? 0);
  await new Promise((r) => setTimeout(r, ms / 2));
  return c.x ?? 1;
}
`;

let work: string;
let objective: string;
/** The file where the workers' objective records each start. */
let startsFile: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  work = mkdtempSync(join(root, '.tmp-queue-'));
  objective = join(work, 'objective.mjs');
  writeFileSync(objective, OBJECTIVE);
  startsFile = join(work, 'starts.log');
});
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

interface Spawned {
  readonly child: ChildProcess;
  output(): string;
  exited(): Promise<number | null>;
}

function spawnNode(args: string[]): Spawned {
  const child = spawn(process.execPath, args, { cwd: work, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PLIANT_STARTS: startsFile } });
  children.push(child);
  let text = '';
  child.stdout?.on('data', (d) => (text += String(d)));
  child.stderr?.on('data', (d) => (text += String(d)));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => text, exited: () => exit };
}

/** Starts a worker and waits until it serves. */
async function startWorker(url: string, study: string, ...extra: string[]): Promise<Spawned> {
  const w = spawnNode([bin, 'worker', '--redis', url, '--study', study, '--objective', objective, '--lock-duration', '1500', ...extra]);
  const deadline = Date.now() + 20_000;
  while (!w.output().includes('serving queue')) {
    if (w.child.exitCode !== null || Date.now() > deadline) throw new Error(`the worker did not start:\n${w.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return w;
}

async function journal(url: string, study: string): Promise<JournalEvent[]> {
  const j = await redisStorage(url).open(study);
  try {
    return [...j.events];
  } finally {
    await j.close();
  }
}

/** Each trial of the journal ended exactly once; returns the counts by end. */
function endsOnce(events: readonly JournalEvent[]): { trials: number; done: number; fail: number; abandon: number } {
  const trials = events.filter((e) => e.type === 'trial');
  expect(new Set(trials.map((t) => t.id)).size).toBe(trials.length);
  const ends = events.filter((e) => e.type === 'done' || e.type === 'fail' || e.type === 'abandon' || e.type === 'prune');
  const byId = new Map<string, number>();
  for (const e of ends) byId.set((e as { id: string }).id, (byId.get((e as { id: string }).id) ?? 0) + 1);
  for (const t of trials) expect(byId.get(t.id), `trial ${t.id} ended ${byId.get(t.id) ?? 0} times`).toBe(1);
  return {
    trials: trials.length,
    done: ends.filter((e) => e.type === 'done').length,
    fail: ends.filter((e) => e.type === 'fail').length,
    abandon: ends.filter((e) => e.type === 'abandon').length,
  };
}

const objectiveModule = (): { module: string } => ({ module: pathToFileURL(objective).href });

/** How many times the objective started on each trial of the journal. */
function startsOf(events: readonly JournalEvent[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of events) if (e.type === 'trial') counts.set((e as { id: string }).id, 0);
  const lines = existsSync(startsFile) ? readFileSync(startsFile, 'utf8').split('\n') : [];
  for (const id of lines) if (counts.has(id)) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

/** A trial's handle for a test that drives the executor itself (no search): records the reports. */
function handle(id: string, number: number): { feedback: TrialFeedback; reports: unknown[] } {
  const reports: unknown[] = [];
  let ended = false;
  const feedback: TrialFeedback = {
    id,
    number,
    dna: DNA.of([number]),
    get ended() {
      return ended;
    },
    async report(value) {
      reports.push(value);
    },
    shouldStop: () => false,
    async done() {
      ended = true;
    },
    async prune() {
      ended = true;
    },
    async fail() {
      ended = true;
    },
  };
  return { feedback, reports };
}

/** One server for the tests without a password (each uses its own study, so its own queue). */
describe('on one redis-server', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis.dispose();
  });

  describe('bullmq executor: faults', () => {
    it('a worker killed with kill -9 mid-trial: its trial is re-run elsewhere, every trial completes exactly once', async () => {
      const study = 'kill-worker';
      const a = await startWorker(redis.url, study);
      const b = await startWorker(redis.url, study);
      const running = search({ x: floatv(0, 1), ms: 1200 }, objectiveModule(), {
        numTrials: 6,
        study,
        storage: redisStorage(redis.url),
        executor: bullmqExecutor({ connection: redis.url, pollInterval: 500 }),
        concurrency: 2,
        seed: 1,
      });
      const deadline = Date.now() + 10_000;
      while (!/trial (\d+) started/.test(a.output())) {
        if (Date.now() > deadline) throw new Error(`worker a took no trial:\n${a.output()}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const lost = /trial (\d+) started/.exec(a.output())?.[1] as string;
      await new Promise((r) => setTimeout(r, 300)); // mid-trial
      a.child.kill('SIGKILL');
      const result = await running;
      expect(result.completed).toHaveLength(6);
      expect(endsOnce(await journal(redis.url, study))).toEqual({ trials: 6, done: 6, fail: 0, abandon: 0 });
      // the killed worker's trial was taken up by the other one
      expect(a.output()).not.toContain(`trial ${lost} returned`);
      expect(b.output()).toContain(`trial ${lost} started (again: its worker was lost)`);
      expect(b.output()).toContain(`trial ${lost} returned`);
      // at least once where a worker really died: the lost trial started twice, every other once
      const events = await journal(redis.url, study);
      const lostId = result.trials.find((t) => t.number === Number(lost))?.id;
      expect(lostId).toBeDefined();
      for (const [id, count] of startsOf(events)) expect(count, `trial ${id}`).toBe(id === lostId ? 2 : 1);
      b.child.kill('SIGTERM');
      expect(await b.exited()).toBe(0);
    });

    it('the controller killed mid-search and restarted: it resumes from Redis, and trials completed meanwhile are not lost', async () => {
      const study = 'kill-controller';
      const script = join(work, 'controller.mjs');
      writeFileSync(
        script,
        `import { search, floatv, bullmqExecutor, redisStorage } from ${JSON.stringify(pathToFileURL(join(root, 'dist', 'index.js')).href)};
  const url = process.argv[2];
  const result = await search({ x: floatv(0, 1), ms: 1000 }, { module: ${JSON.stringify(pathToFileURL(objective).href)} }, { numTrials: 10, study: ${JSON.stringify(study)}, storage: redisStorage(url), executor: bullmqExecutor({ connection: url, pollInterval: 300 }), concurrency: 2, seed: 3 });
  console.log('finished', result.trials.length, result.completed.length);
  process.exit(0);
  `,
      );
      const workers = [await startWorker(redis.url, study), await startWorker(redis.url, study)];
      const first = spawnNode([script, redis.url]);
      // kill it once some trials are done and two are in flight
      const deadline = Date.now() + 30_000;
      for (;;) {
        const events = await journal(redis.url, study).catch(() => [] as JournalEvent[]);
        const done = events.filter((e) => e.type === 'done').length;
        // Some done, and one in flight that began under half a second ago: its objective runs a
        // second, so it is still in flight when the kill lands. (Any trial in flight was not
        // enough: the pair in flight could both end between this read and the kill.)
        const ended = new Set(events.filter((e) => e.type === 'done').map((e) => e.id));
        const fresh = events.some((e) => e.type === 'trial' && !ended.has(e.id) && Date.now() - e.time < 500);
        if (done >= 3 && fresh) break;
        if (Date.now() > deadline) throw new Error(`no progress:\n${first.output()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      first.child.kill('SIGKILL');
      await first.exited();
      const atKill = await journal(redis.url, study);
      const inFlight = atKill.filter((e) => e.type === 'trial').length - atKill.filter((e) => e.type === 'done').length;
      expect(inFlight).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 2200)); // the workers finish those trials meanwhile
      const second = spawnNode([script, redis.url]);
      expect(await second.exited(), second.output()).toBe(0);
      expect(second.output()).toContain('finished 10 10');
      expect(endsOnce(await journal(redis.url, study))).toEqual({ trials: 10, done: 10, fail: 0, abandon: 0 });
      // pliant study export: the study in Redis becomes a journal file that loadStudy reads
      const exported = spawnNode([bin, 'study', 'export', study, '--storage', redis.url, '--out', join(work, 'exported.jsonl')]);
      expect(await exported.exited(), exported.output()).toBe(0);
      const fromFile = await loadStudy(join(work, 'exported.jsonl'));
      expect(fromFile.completed).toHaveLength(10);
      for (const w of workers) w.child.kill('SIGTERM');
      await Promise.all(workers.map((w) => w.exited()));
    });

    it('Redis restarted while workers run: workers and controller reconnect and the search completes', async () => {
      const study = 'restart-redis';
      const workers = [await startWorker(redis.url, study), await startWorker(redis.url, study)];
      const running = search({ x: floatv(0, 1), ms: 300 }, objectiveModule(), {
        numTrials: 12,
        study,
        storage: redisStorage(redis.url),
        executor: bullmqExecutor({ connection: redis.url, pollInterval: 300 }),
        concurrency: 2,
        seed: 4,
      });
      await new Promise((r) => setTimeout(r, 800));
      await redis.restart({ downMs: 1000 });
      const result = await running;
      expect(result.completed).toHaveLength(12);
      const events = await journal(redis.url, study);
      expect(endsOnce(events)).toEqual({ trials: 12, done: 12, fail: 0, abandon: 0 });
      // exactly once: no trial's objective started twice, though jobs whose lock lapsed while
      // Redis was down went to the other worker
      const starts = startsOf(events);
      expect(starts.size).toBe(12);
      for (const [id, count] of starts) expect(count, `trial ${id} started ${count} times\n${workers.map((w) => w.output()).join('\n')}`).toBe(1);
      for (const w of workers) {
        expect(w.child.exitCode).toBeNull();
        w.child.kill('SIGTERM');
      }
      await Promise.all(workers.map((w) => w.exited()));
    });

    it('an objective that throws, hangs or reports a bad value: the trial fails with its error or times out, and the worker keeps serving', async () => {
      const study = 'throw-hang';
      const w = await startWorker(redis.url, study, '--timeout', '1');
      const result = await search({ mode: oneOf(['throw', 'hang', 'bad-report', 'ok']), ms: 50 }, objectiveModule(), {
        numTrials: 4,
        algorithm: grid(),
        study,
        storage: redisStorage(redis.url),
        executor: bullmqExecutor({ connection: redis.url, pollInterval: 300 }),
        concurrency: 1,
      });
      const [thrown, hung, badReport, ok] = result.trials;
      expect(badReport?.state).toBe('failed');
      expect(badReport?.error).toContain('a measurement is a finite number or a record of them');
      expect(thrown?.state).toBe('failed');
      expect(thrown?.error).toContain('boom: the objective failed');
      expect(hung?.state).toBe('failed');
      expect(hung?.error).toContain('ran past its timeout of 1000 ms');
      expect(ok?.state).toBe('completed');
      expect(endsOnce(await journal(redis.url, study))).toEqual({ trials: 4, done: 1, fail: 3, abandon: 0 });
      expect(w.child.exitCode).toBeNull();
      w.child.kill('SIGTERM');
      expect(await w.exited()).toBe(0);
    });

    it('a worker that hangs (SIGSTOP) mid-trial: the controller fails the trial as timed out, and the worker, once resumed, goes on serving', async () => {
      const study = 'stopped-worker';
      const w = await startWorker(redis.url, study);
      const session = await bullmqExecutor({ connection: redis.url, pollInterval: 300 }).open(objectiveModule(), { study });
      try {
        const hung = handle('stopped-1', 1);
        const started = Date.now();
        const result = session.evaluate({ candidate: { mode: 'hang' }, candidateJson: { mode: 'hang' }, feedback: hung.feedback, timeout: 1000 });
        const deadline = Date.now() + 10_000;
        while (!w.output().includes('trial 1 started')) {
          if (Date.now() > deadline) throw new Error(`the worker took no trial:\n${w.output()}`);
          await new Promise((r) => setTimeout(r, 20));
        }
        w.child.kill('SIGSTOP');
        let error: unknown;
        try {
          await result;
        } catch (e) {
          error = e;
        }
        const took = Date.now() - started;
        expect(error).toBeInstanceOf(PliantError);
        expect((error as PliantError).code).toBe('timeout');
        expect((error as Error).message).toContain('trial 1 ran past its timeout of 1000 ms: no outcome came from its worker');
        // the timeout (1 s) and the controller's grace (2 s): not the worker's end, which never came
        expect(took).toBeGreaterThanOrEqual(3000);
        expect(took).toBeLessThan(8000);
        w.child.kill('SIGCONT');
        const next = handle('stopped-2', 2);
        expect(await session.evaluate({ candidate: { x: 0.25, ms: 50 }, candidateJson: { x: 0.25, ms: 50 }, feedback: next.feedback })).toBe(0.25);
        expect(next.reports).toEqual([0.25]);
        expect(w.output()).toContain('trial 1 failed');
        expect(w.output()).toContain('trial 1 ran past its timeout of 1000 ms');
      } finally {
        await session.close();
        w.child.kill('SIGCONT');
        w.child.kill('SIGTERM');
      }
      expect(await w.exited()).toBe(0);
    });

    it('a malformed or foreign message on the queue is rejected and logged; no worker crashes', async () => {
      const study = 'foreign';
      const w = await startWorker(redis.url, study);
      const queue = new Queue('pliant-foreign', { connection: { url: redis.url }, prefix: 'pliant' });
      await queue.add('foreign', { hello: 'world' });
      await queue.add('trial', { kind: 'pliant.trial', version: 1, study, trial: { id: 'x' } });
      const result = await search({ x: floatv(0, 1), ms: 50 }, objectiveModule(), {
        numTrials: 3,
        study,
        storage: redisStorage(redis.url),
        executor: bullmqExecutor({ connection: redis.url, pollInterval: 300 }),
        seed: 5,
      });
      expect(result.completed).toHaveLength(3);
      expect(w.output()).toMatch(/rejected job \d+ \(foreign\): not a pliant trial/);
      expect(w.output()).toMatch(/rejected job \d+ \(trial\): not a pliant trial/);
      expect(await queue.getFailedCount()).toBe(2);
      expect(w.child.exitCode).toBeNull();
      await queue.close();
      w.child.kill('SIGTERM');
      expect(await w.exited()).toBe(0);
    });
  });

  describe('bullmq executor: reports', () => {
    it('records every report, with the steps the objective gives (from 0 too), once', async () => {
      const study = 'epochs';
      const w = await startWorker(redis.url, study);
      const result = await search({ mode: 'epochs', x: floatv(0, 1) }, objectiveModule(), {
        numTrials: 2,
        study,
        storage: redisStorage(redis.url),
        executor: bullmqExecutor({ connection: redis.url, pollInterval: 300 }),
        seed: 8,
      });
      for (const t of result.trials)
        expect(t.reports.map((r) => [r.step, r.value])).toEqual([
          [0, 0],
          [1, 0.1],
          [2, 0.2],
        ]);
      w.child.kill('SIGTERM');
      expect(await w.exited()).toBe(0);
    });
  });

  describe('pliant search --queue', () => {
    it('runs an experiment module on pliant worker processes (the bins), journalled in Redis', async () => {
      const experiment = join(work, 'experiment.mjs');
      const dist = pathToFileURL(join(root, 'dist', 'index.js')).href;
      writeFileSync(
        experiment,
        `import { floatv } from ${JSON.stringify(dist)};\nexport const space = { x: floatv(0, 1), ms: 50 };\nexport { objective } from ${JSON.stringify(pathToFileURL(objective).href)};\n`,
      );
      const w = await startWorker(redis.url, 'experiment');
      const run = spawnNode([bin, 'search', experiment, '--trials', '5', '--storage', redis.url, '--queue', redis.url, '--json']);
      expect(await run.exited(), run.output()).toBe(0);
      const summary = JSON.parse(run.output().trim().split('\n').at(-1) as string) as { trials: number; completed: number };
      expect(summary).toMatchObject({ trials: 5, completed: 5 });
      expect(w.output().match(/trial \d+ returned/g)).toHaveLength(5);
      expect(endsOnce(await journal(redis.url, 'experiment'))).toEqual({ trials: 5, done: 5, fail: 0, abandon: 0 });
      // pliant serve on the study in Redis: one connection, the page with its plots
      const serve = spawnNode([bin, 'serve', 'experiment', '--storage', redis.url, '--json', '--interval', '200']);
      const deadline = Date.now() + 20_000;
      while (!/"url":"([^"]+)"/.test(serve.output())) {
        if (serve.child.exitCode !== null || Date.now() > deadline) throw new Error(`pliant serve did not start:\n${serve.output()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const url = /"url":"([^"]+)"/.exec(serve.output())?.[1] as string;
      const page = await (await fetch(url)).text();
      expect(page).toContain('data-plot="history"');
      expect(page).toContain('EventSource');
      serve.child.kill('SIGTERM');
      expect(await serve.exited()).toBe(0);
      const missing = spawnNode([bin, 'serve', 'no-such-study', '--storage', redis.url]);
      expect(await missing.exited()).toBe(1);
      expect(missing.output()).toContain("no study named 'no-such-study'");
      w.child.kill('SIGTERM');
      expect(await w.exited()).toBe(0);
    });
  });
});

describe('bullmq executor: Redis with a password', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis({ password: 's3cret pass' });
  });
  afterAll(async () => {
    await redis.dispose();
  });

  it('workers authenticate; a wrong password is a clear error, for a worker and for the controller', async () => {
    const study = 'auth';
    const w = await startWorker(redis.url, study);
    const result = await search({ x: floatv(0, 1), ms: 20 }, objectiveModule(), {
      numTrials: 3,
      study,
      storage: redisStorage(redis.url),
      executor: bullmqExecutor({ connection: redis.url }),
      seed: 6,
    });
    expect(result.completed).toHaveLength(3);
    const wrong = `redis://:nope@127.0.0.1:${redis.port}`;
    const bad = spawnNode([bin, 'worker', '--redis', wrong, '--study', study, '--objective', objective]);
    expect(await bad.exited()).toBe(1);
    expect(bad.output()).toContain('refused the password');
    expect(bad.output()).not.toContain('nope');
    await expect(search({ x: floatv(0, 1) }, objectiveModule(), { numTrials: 1, executor: bullmqExecutor({ connection: wrong }) })).rejects.toThrow(
      /refused the password/,
    );
    w.child.kill('SIGTERM');
    expect(await w.exited()).toBe(0);
  });
});
