/**
 * Every algorithm, killed with SIGKILL at random moments and resumed each time: the study ends
 * with the same trials (candidates, values, states, numbers) as an uninterrupted run with the same
 * seed, none lost, none run twice, none charged to the budget as abandoned. The bench
 * (bench/durability.bench.ts) does the same with 50 kills in 1,500 trials. Uses the built package
 * (`npm run build` first; `npm test` does it).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { journalStorage, loadStudy, seededRng } from '../../src/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const child = join(root, 'test', 'fixtures', 'search', 'kill-child.mjs');
const work = mkdtempSync(join(tmpdir(), 'pliant-kills-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const TRIALS = 40;
const KILLS = 5;

function start(dir: string, algorithm: string): { exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; err: string }>; kill: () => void } {
  const proc = spawn(process.execPath, [child, dir, 'study', algorithm, String(TRIALS), '3'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; err: string }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal, err })),
  );
  return { exited, kill: () => proc.kill('SIGKILL') };
}

const sizeOf = (file: string): number => (existsSync(file) ? statSync(file).size : 0);

async function trialsOf(dir: string): Promise<unknown[]> {
  const result = await loadStudy('study', { storage: journalStorage(dir), onWarning: () => undefined });
  return result.trials.map((t) => ({ number: t.number, state: t.state, failure: t.failure, candidate: t.candidate, value: t.value }));
}

describe('kill -9 at random moments, then resume, for every algorithm', () => {
  it.each(['random', 'grid', 'evolution', 'hill-climb', 'tpe', 'nsga2'])('%s: the same study as an uninterrupted run', async (algorithm) => {
    const reference = join(work, `${algorithm}-reference`);
    const ran = await start(reference, algorithm).exited;
    expect(ran.code, ran.err).toBe(0);

    const dir = join(work, `${algorithm}-killed`);
    const file = join(dir, 'study.jsonl');
    const rng = seededRng(`kills-${algorithm}`);
    let kills = 0;
    for (let attempt = 0; kills < KILLS && attempt < 4 * KILLS; attempt++) {
      const before = sizeOf(file);
      const run = start(dir, algorithm);
      // Once it has written something, kill it a random few milliseconds later.
      const wrote = await Promise.race([
        (async () => {
          while (sizeOf(file) <= before) await new Promise((r) => setTimeout(r, 2));
          return true;
        })(),
        run.exited.then(() => false),
      ]);
      if (!wrote) break; // it finished before it could be killed
      await new Promise((r) => setTimeout(r, Math.floor(rng() * 40)));
      run.kill();
      const end = await run.exited;
      if (end.signal === 'SIGKILL') kills++;
      else expect(end.code, end.err).toBe(0);
    }
    expect(kills).toBeGreaterThanOrEqual(2);
    const last = await start(dir, algorithm).exited;
    expect(last.code, last.err).toBe(0);

    const killed = await trialsOf(dir);
    expect(killed).toHaveLength(TRIALS);
    expect(killed).toEqual(await trialsOf(reference));
  });
});
