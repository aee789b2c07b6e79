/**
 * A search process killed with SIGKILL mid-run, then its study reopened: every trial completed
 * before the kill is kept exactly once, the one in flight is evaluated again (claimed, not
 * abandoned), and the resumed search finishes the study. Uses the built package (`npm run build` first; `npm test` does it).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const work = mkdtempSync(join(tmpdir(), 'pliant-kill-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const SCRIPT = `
import { floatv, intv, journalStorage, regularizedEvolution, search } from 'pliant';
const [dir, n] = process.argv.slice(2);
const result = await search(
  { x: floatv(-5, 5), k: intv(1, 10) },
  async (c) => { await new Promise((r) => setTimeout(r, 15)); return -c.x * c.x + c.k; },
  { numTrials: Number(n), seed: 1, storage: journalStorage(dir), study: 'killme', algorithm: regularizedEvolution({ populationSize: 10, tournamentSize: 3, seed: 1 }) },
);
console.log(JSON.stringify({ trials: result.trials.length, completed: result.completed.length }));
`;

function run(dir: string, n: number): ReturnType<typeof spawn> {
  const script = join(root, 'test', `.kill-script-${process.pid}.mjs`);
  writeFileSync(script, SCRIPT);
  return spawn(process.execPath, [script, dir, String(n)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
}

function events(dir: string): { type: string; id: string }[] {
  const file = readdirSync(dir).find((f) => f.endsWith('.jsonl')) as string;
  return readFileSync(join(dir, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as { type: string; id: string }];
      } catch {
        return []; // a torn last line from the kill
      }
    });
}

describe('kill -9 and resume', () => {
  it('keeps every completed trial exactly once and finishes the study', async () => {
    const dir = join(work, 'studies');
    const child = run(dir, 60);
    // wait until some trials are done, then kill it hard
    await new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const timer = setInterval(() => {
        let done = 0;
        try {
          done = events(dir).filter((e) => e.type === 'done').length;
        } catch {
          done = 0;
        }
        if (done >= 12) {
          clearInterval(timer);
          child.kill('SIGKILL');
          resolve();
        } else if (Date.now() - started > 30_000) {
          clearInterval(timer);
          reject(new Error('the search made no progress'));
        }
      }, 10);
    });
    await new Promise((r) => child.once('exit', r));
    const before = events(dir);
    const doneBefore = before.filter((e) => e.type === 'done').map((e) => e.id);
    expect(doneBefore.length).toBeGreaterThanOrEqual(12);

    const second = run(dir, 60);
    let out = '';
    second.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    let err = '';
    second.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise((r) => second.once('exit', r));
    expect(code, err).toBe(0);
    expect(JSON.parse(out.trim())).toMatchObject({ trials: 60 });

    const after = events(dir);
    const trials = after.filter((e) => e.type === 'trial').map((e) => e.id);
    expect(trials).toHaveLength(60);
    expect(new Set(trials).size).toBe(60);
    const dones = after.filter((e) => e.type === 'done').map((e) => e.id);
    expect(new Set(dones).size).toBe(dones.length); // nothing completed twice
    for (const id of doneBefore) expect(dones).toContain(id); // nothing lost
    const ended = new Set(after.filter((e) => ['done', 'fail', 'abandon'].includes(e.type)).map((e) => e.id));
    expect(trials.every((id) => ended.has(id))).toBe(true);
    expect(after.filter((e) => e.type === 'abandon')).toHaveLength(0);
    expect(after.filter((e) => e.type === 'claim').length).toBeLessThanOrEqual(1);
  }, 120_000);
});
