/**
 * The job-queue executor (issue 9): `bullmqExecutor` with `pliant worker` processes on a real
 * `redis-server` (a free loopback port, started and stopped by the case), for an objective that
 * sleeps 200 ms, so the figures measure the engine and not the CPU.
 *
 * - `queue-throughput`: trials per second with 1, 2 and 4 worker processes (each evaluating one
 *   trial at a time, the controller keeping twice as many in flight), and the scaling ratio
 *   against 1 worker (target ≥ 3.6× at 4); the inline executor on the same objective, one trial
 *   at a time, is the baseline of the per-trial overhead (`ms_overhead_per_trial`: wall time per
 *   trial minus the 200 ms of the objective).
 * - `queue-chaos`: 2,000 trials on 4 workers with a `kill -9` of a random worker every 20 s (a new
 *   one starts in its place); it must end with 2,000 distinct completed trials, each ended once in
 *   the study's journal (kept in Redis).
 *
 * Run one with `npx tsx bench/run.ts --case queue queue-throughput` (after `npm run build`).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bullmqExecutor, floatv, inlineExecutor, memoryStorage, redisStorage, search } from 'pliant';
import type { JournalEvent } from 'pliant';
import { startRedis } from '../test/support/redis-server.js';
import { emit } from './lib/harness.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'dist', 'cli', 'main.js');
const SLEEP_MS = 200;

function objectiveFile(): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pliant-queue-bench-'));
  const file = join(dir, 'objective.mjs');
  writeFileSync(file, `export async function objective(c) { await new Promise((r) => setTimeout(r, ${SLEEP_MS})); return c.x; }\n`);
  return { dir, file };
}

async function startWorker(url: string, study: string, objective: string, lockMs: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [bin, 'worker', '--redis', url, '--study', study, '--objective', objective, '--lock-duration', String(lockMs)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let text = '';
  child.stderr?.on('data', (d) => (text += String(d)));
  const deadline = Date.now() + 20_000;
  while (!text.includes('serving queue')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`worker did not start: ${text}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return child;
}

async function stopAll(workers: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve) => {
          if (w.exitCode !== null || w.signalCode !== null) return resolve();
          w.once('exit', () => resolve());
          w.kill('SIGTERM');
        }),
    ),
  );
}

export const cases = {
  async 'queue-throughput'(): Promise<void> {
    const { dir, file } = objectiveFile();
    const redis = await startRedis();
    try {
      const module = { module: pathToFileURL(file).href };
      const inlineN = 25;
      const started = performance.now();
      await search({ x: floatv(0, 1) }, module, { numTrials: inlineN, executor: inlineExecutor(), concurrency: 1, storage: memoryStorage(), seed: 1 });
      const inlineMs = (performance.now() - started) / inlineN;
      emit({ bench: 'queue-inline-baseline', n: inlineN, ops_per_sec: 1000 / inlineMs, ms_per_trial: inlineMs, ms_overhead_per_trial: inlineMs - SLEEP_MS });
      let one = 0;
      for (const workers of [1, 2, 4]) {
        const study = `throughput-${workers}`;
        const procs = await Promise.all(Array.from({ length: workers }, () => startWorker(redis.url, study, file, 30_000)));
        const n = 40 * workers;
        const t0 = performance.now();
        const result = await search({ x: floatv(0, 1) }, module, {
          numTrials: n,
          study,
          executor: bullmqExecutor({ connection: redis.url }),
          concurrency: 2 * workers,
          storage: memoryStorage(),
          seed: workers,
        });
        const seconds = (performance.now() - t0) / 1000;
        await stopAll(procs);
        const perSecond = result.completed.length / seconds;
        if (workers === 1) one = perSecond;
        emit({
          bench: 'queue-throughput',
          n,
          ops_per_sec: perSecond,
          workers,
          completed: result.completed.length,
          scaling_vs_1_worker: perSecond / one,
          ms_overhead_per_trial: (seconds * 1000 * workers) / n - SLEEP_MS,
          inline_ms_overhead_per_trial: inlineMs - SLEEP_MS,
        });
      }
    } finally {
      await redis.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  },

  async 'queue-chaos'(): Promise<void> {
    const { dir, file } = objectiveFile();
    const redis = await startRedis();
    const study = 'chaos';
    const lockMs = 3000;
    const workers: ChildProcess[] = [];
    let kills = 0;
    try {
      for (let i = 0; i < 4; i++) workers.push(await startWorker(redis.url, study, file, lockMs));
      let seed = 7;
      const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
      const chaos = setInterval(() => {
        const i = Math.floor(rand() * workers.length);
        (workers[i] as ChildProcess).kill('SIGKILL');
        kills++;
        void startWorker(redis.url, study, file, lockMs).then((w) => (workers[i] = w));
      }, 20_000);
      const n = 2000;
      const t0 = performance.now();
      const result = await search(
        { x: floatv(0, 1) },
        { module: pathToFileURL(file).href },
        {
          numTrials: n,
          study,
          executor: bullmqExecutor({ connection: redis.url, pollInterval: 1000 }),
          concurrency: 8,
          storage: redisStorage(redis.url),
          seed: 11,
        },
      );
      const seconds = (performance.now() - t0) / 1000;
      clearInterval(chaos);
      const journal = await redisStorage(redis.url).open(study);
      const events: readonly JournalEvent[] = journal.events;
      await journal.close();
      const trials = new Set(events.filter((e) => e.type === 'trial').map((e) => (e as { id: string }).id));
      const ends = new Map<string, number>();
      for (const e of events)
        if (e.type === 'done' || e.type === 'fail' || e.type === 'abandon' || e.type === 'prune') ends.set(e.id, (ends.get(e.id) ?? 0) + 1);
      const distinctCompleted = new Set(result.completed.map((t) => t.id)).size;
      emit({
        bench: 'queue-chaos',
        n,
        ops_per_sec: distinctCompleted / seconds,
        seconds,
        workers: 4,
        kills,
        distinct_completed: distinctCompleted,
        trials_in_journal: trials.size,
        ended_more_than_once: [...ends.values()].filter((c) => c > 1).length,
        never_ended: [...trials].filter((id) => !ends.has(id)).length,
      });
    } finally {
      await stopAll(workers);
      await redis.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
