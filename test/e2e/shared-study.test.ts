/**
 * One study, many processes: four processes searching one study (a journal file, and a Redis
 * journal) stop together at the study's budget, and with dedupe no candidate is evaluated twice,
 * even with the same seed. Uses the built package (`npm run build` first; `npm test` does it).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStudy, storageFrom } from '../../src/index.js';
import { startRedis } from '../support/redis-server.js';
import type { RedisServer } from '../support/redis-server.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const child = join(root, 'test', 'fixtures', 'search', 'shared-child.mjs');
const work = mkdtempSync(join(tmpdir(), 'pliant-shared-'));
let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.dispose();
  rmSync(work, { recursive: true, force: true });
});

const TRIALS = 80;

async function runFour(where: string, study: string, seeds: readonly number[], dedupe: boolean, algorithm = 'random', trials = TRIALS): Promise<string[]> {
  const runs = seeds.map(
    (seed) =>
      new Promise<string[]>((resolve, reject) => {
        // 10 ms a trial: long enough that, under a loaded suite, the first process to start has not
        // spent the whole budget before the last one opens the study (at 3 ms it sometimes had)
        const proc = spawn(process.execPath, [child, where, study, String(trials), String(seed), dedupe ? '1' : '0', algorithm, '10'], {
          cwd: root,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
        proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
        proc.on('exit', (code) => {
          if (code !== 0) reject(new Error(`exit ${String(code)}: ${err}`));
          else resolve((JSON.parse(out.trim().split('\n').pop() as string) as { evaluated: string[] }).evaluated);
        });
      }),
  );
  return (await Promise.all(runs)).flat();
}

const twice = (evaluated: readonly string[]): number => evaluated.length - new Set(evaluated).size;

describe('four processes on one study', () => {
  it.each([
    ['a journal file', () => join(work, 'file')],
    ['Redis', () => redis.url],
  ])(
    '%s: the study ends with exactly its budget, and with dedupe nothing is evaluated twice (same seed)',
    async (_, where) => {
      const evaluated = await runFour(where(), 'same-seed', [1, 1, 1, 1], true);
      const result = await loadStudy('same-seed', { storage: storageFrom(where()) });
      expect(result.evaluated).toHaveLength(TRIALS);
      expect(result.trials.every((t) => t.state === 'completed')).toBe(true);
      expect(evaluated).toHaveLength(TRIALS);
      expect(twice(evaluated)).toBe(0);
      // every process took part (the seed's streams keep them apart)
      expect(new Set(result.trials.map((t) => t.owner)).size).toBeGreaterThan(1);
    },
    60_000,
  );

  it('without dedupe and with different seeds, the budget is still the study’s', async () => {
    const where = join(work, 'no-dedupe');
    await runFour(where, 'budget', [1, 2, 3, 4], false, 'evolution');
    const result = await loadStudy('budget', { storage: storageFrom(where) });
    expect(result.trials).toHaveLength(TRIALS);
    expect(result.completed).toHaveLength(TRIALS);
  }, 60_000);

  it('grid: the processes cover the grid together, each point once, rather than each walking all of it', async () => {
    const where = join(work, 'grid');
    const evaluated = await runFour(where, 'grid', [1, 1, 1, 1], false, 'grid', 1000);
    const result = await loadStudy('grid', { storage: storageFrom(where) });
    // 63 points; before, each of the 4 processes evaluated all 63 (252). A proposal that finds
    // another process started the same point just before is withdrawn, not evaluated.
    expect(evaluated).toHaveLength(63);
    expect(new Set(evaluated).size).toBe(63);
    expect(result.completed).toHaveLength(63);
  }, 60_000);
});
