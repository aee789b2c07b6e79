/**
 * Readers say what they skip, on the command line too: `pliant study show`, `export` and `report`
 * on a journal with a torn line, a line that is not an event and an event out of order print one
 * `pliant: warning: <file>:<line>: ...` line for each, and go on. Uses the built bin.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'dist', 'cli', 'main.js');
const work = mkdtempSync(join(tmpdir(), 'pliant-cli-warn-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const trial = (id: string): string => JSON.stringify({ type: 'trial', id, dna: [0], candidate: { a: 1 }, time: 1, owner: 'h:1' });
const done = (id: string, value: number): string => JSON.stringify({ type: 'done', id, value, time: 2 });

describe('pliant on a damaged journal', () => {
  const file = join(work, 'damaged.jsonl');
  writeFileSync(
    file,
    [
      JSON.stringify({ type: 'study', study: 'damaged', time: 0, meta: { direction: 'maximize' }, version: 2 }),
      trial('a'),
      done('b', 9), // out of order: b's trial comes later
      'not json at all',
      trial('b'),
      done('a', 1),
      done('b', 2),
      done('b', 3), // b ended twice
      `${trial('c').slice(0, 20)}`, // torn, and last
    ].join('\n'),
  );

  it.each([
    ['study show', ['study', 'show', file]],
    ['study export', ['study', 'export', file, '--out', join(work, 'out.csv')]],
    ['report', ['report', file, '--out', join(work, 'report.html')]],
  ])('%s warns once per problem with file:line, and goes on', (_, args) => {
    const run = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const warnings = run.stderr.split('\n').filter((l) => l.startsWith('pliant: warning: '));
    expect(run.stderr).not.toContain('(node:');
    expect(warnings.some((w) => w.includes(`${file}:3:`) && /'done' event of trial b, whose 'trial' event is not before it/.test(w))).toBe(true);
    expect(warnings.some((w) => w.includes(`${file}:4:`) && /not valid JSON/.test(w))).toBe(true);
    expect(warnings.some((w) => w.includes(`${file}:8:`) && /which has ended/.test(w))).toBe(true);
    expect(warnings.some((w) => w.includes(`${file}:9:`) && /no newline/.test(w))).toBe(true);
    expect(warnings).toHaveLength(4);
  });
});
