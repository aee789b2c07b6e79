import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/run-cli.js';
import { reportCommand } from '../../../src/cli/search-command.js';
import { storageFrom } from '../../../src/storage/storage-from.js';
import { journalStorage } from '../../../src/storage/journal-storage.js';
import { loadStudy } from '../../../src/tuning/load-study.js';

function capture(): { out: () => string; err: () => string; streams: { out: { write(t: string): void }; err: { write(t: string): void } } } {
  let out = '';
  let err = '';
  return { out: () => out, err: () => err, streams: { out: { write: (t) => void (out += t) }, err: { write: (t) => void (err += t) } } };
}

const srcIndex = new URL('../../../src/index.ts', import.meta.url).href;
let dir: string;
let experiment: string;
let studies: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pliant-cli-search-'));
  studies = join(dir, 'studies');
  experiment = join(dir, 'experiment.mjs');
  writeFileSync(
    experiment,
    `import { floatv, intv, oneOf } from ${JSON.stringify(srcIndex)};
export const space = { lr: floatv(1e-4, 1e-1, { scale: 'log' }), act: oneOf(['relu', 'tanh']), width: intv(8, 64) };
export function objective(c) {
  if (c.width === 13) throw new Error('unlucky width');
  return -Math.abs(Math.log10(c.lr) + 2) + (c.act === 'relu' ? 0.1 : 0) + c.width / 640;
}
export const options = { numTrials: 6 };
`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pliant search', () => {
  it("runs the module's search, one log line per trial off a terminal, and resumes the study when run again", async () => {
    const first = capture();
    expect(await runCli(['search', experiment, '--storage', studies, '--algorithm', 'tpe', '--seed', '3'], first.streams)).toBe(0);
    expect(
      first
        .err()
        .trim()
        .split('\n')
        .filter((l) => /^trial \d+ (completed: -?[\d.]+|failed: .*), [\d.]+ s \| \d+\/6 \| best /.test(l)),
    ).toHaveLength(6);
    expect(first.out()).toContain("study 'experiment'");
    expect(first.out()).toMatch(/best: trial \d+, -?[\d.]+\n\{lr: /);
    // It ends with the command that opens the report, with the storage that is not the default.
    expect(first.out().trimEnd().split('\n').at(-1)).toBe(`see the report: npx pliant report experiment --storage ${studies}`);
    const again = capture();
    expect(await runCli(['search', experiment, '--storage', studies, '--trials', '9', '--json'], again.streams)).toBe(0);
    const summary = JSON.parse(again.out()) as { study: string; trials: number; best: { number: number; candidate: unknown } };
    expect(summary.study).toBe('experiment');
    expect(summary.trials).toBe(9);
    expect(again.err()).toBe('');
    const study = await loadStudy(join(studies, 'experiment.jsonl'));
    expect(study.trials).toHaveLength(9);
    expect(study.best?.number).toBe(summary.best.number);
    // resumed again: the progress counts from the 9 trials already there
    const third = capture();
    expect(await runCli(['search', experiment, '--storage', studies, '--trials', '10'], third.streams)).toBe(0);
    expect(third.err()).toMatch(/^trial 9 (completed|failed)[^|]*\| 10\/10 \| best /);
  });

  it('bad usage exits 2; a module without a space or objective exits 1', async () => {
    for (const [argv, message] of [
      [['search'], 'which experiment?'],
      [['search', experiment, '--algorithm', 'annealing'], "unknown algorithm 'annealing'"],
      [['search', experiment, '--trials', '0'], '--trials must be a positive integer'],
    ] as const) {
      const c = capture();
      expect(await runCli([...argv], c.streams)).toBe(2);
      expect(c.err()).toContain(message);
    }
    const empty = join(dir, 'empty.mjs');
    writeFileSync(empty, 'export const nothing = 1;\n');
    const c = capture();
    expect(await runCli(['search', empty, '--storage', studies, '--trials', '1'], c.streams)).toBe(1);
    expect(c.err()).toContain("exports no 'space'");
  });
});

describe('reportCommand', () => {
  it('names the study, with --storage when it is not the default folder; nothing for a study in memory', () => {
    expect(reportCommand('mnist-cnn-quick-s1', undefined, storageFrom().description)).toBe('npx pliant report mnist-cnn-quick-s1');
    expect(reportCommand('my study', 'out/studies', 'journal:/x/out/studies')).toBe("npx pliant report 'my study' --storage out/studies");
    expect(reportCommand('s', undefined, 'journal:/data/studies')).toBe('npx pliant report s --storage /data/studies');
    expect(reportCommand('s', undefined, 'redis:redis://localhost:6379')).toBe('npx pliant report s --storage redis://localhost:6379');
    expect(reportCommand('s', undefined, 'memory')).toBeUndefined();
  });
});

describe('pliant search --timeout and --strict, for real', () => {
  const slowStudies = (): string => join(dir, 'slow-studies');
  beforeAll(() => {
    writeFileSync(
      join(dir, 'slow.mjs'),
      `import { oneOf } from ${JSON.stringify(srcIndex)};
export const space = { mode: oneOf(['fast', 'boom', 'slow']) };
export async function objective(c) {
  if (c.mode === 'slow') await new Promise((r) => setTimeout(r, 3000));
  if (c.mode === 'boom') throw new Error('boom');
  return c.mode === 'fast' ? 1 : 2;
}
`,
    );
  });

  it('--timeout fails a trial that runs longer, with the reason, and the search goes on', async () => {
    const c = capture();
    const started = Date.now();
    expect(
      await runCli(
        ['search', join(dir, 'slow.mjs'), '--storage', slowStudies(), '--study', 'timed', '--algorithm', 'grid', '--trials', '3', '--timeout', '300ms'],
        c.streams,
      ),
    ).toBe(0);
    expect(Date.now() - started).toBeLessThan(2500);
    const study = await loadStudy('timed', { storage: journalStorage(slowStudies()) });
    const byMode = new Map(study.trials.map((t) => [(t.candidate as { mode: string }).mode, t]));
    expect(byMode.get('fast')?.state).toBe('completed');
    expect(byMode.get('slow')?.state).toBe('failed');
    expect(byMode.get('slow')?.error).toMatch(/300 ?ms|time/i);
    expect(byMode.get('boom')?.state).toBe('failed');
    expect(c.out()).toContain("study 'timed' (");
    expect(c.out()).toContain('3 trials, 1 completed, 2 failed');
  });

  it('--strict stops the search at the first failed trial: one line, exit code 1', async () => {
    const c = capture();
    expect(
      await runCli(
        [
          'search',
          join(dir, 'slow.mjs'),
          '--storage',
          slowStudies(),
          '--study',
          'strict',
          '--algorithm',
          'grid',
          '--trials',
          '3',
          '--timeout',
          '5s',
          '--strict',
        ],
        c.streams,
      ),
    ).toBe(1);
    const lines = c.err().trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(/^pliant search: trial \d+ failed and the search is strict: /);
    const study = await loadStudy('strict', { storage: journalStorage(slowStudies()) });
    expect(study.trials.filter((t) => t.state === 'failed')).toHaveLength(1);
    expect(study.trials.length).toBeLessThan(3);
  });
});

describe('pliant search --heartbeat, for real', () => {
  const beatStudies = (): string => join(dir, 'beat-studies');
  const sessions = (study: string): Record<string, unknown>[] =>
    readFileSync(join(beatStudies(), `${study}.jsonl`), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((e) => e.type === 'session');
  beforeAll(() => {
    writeFileSync(
      join(dir, 'beating.mjs'),
      `import { intv } from ${JSON.stringify(srcIndex)};
export const space = { x: intv(0, 9) };
export async function objective(c) {
  await new Promise((r) => setTimeout(r, 60));
  return c.x;
}
`,
    );
  });

  it('--heartbeat sets how often the session beats; off writes none; a bad value is a usage error', async () => {
    const run = (study: string, value: string): Promise<number> =>
      runCli(
        ['search', join(dir, 'beating.mjs'), '--storage', beatStudies(), '--study', study, '--trials', '4', '--heartbeat', value, '--json'],
        capture().streams,
      );
    expect(await run('fast-beat', '20ms')).toBe(0);
    const fast = sessions('fast-beat');
    expect(fast[0]?.heartbeat).toBe(20);
    expect(fast.filter((e) => e.beat === true).length).toBeGreaterThanOrEqual(3); // 4 trials of 60 ms, a beat each 20 ms
    expect(await run('no-beat', 'off')).toBe(0);
    const none = sessions('no-beat');
    expect(none[0]).not.toHaveProperty('heartbeat');
    expect(none.filter((e) => e.beat === true)).toHaveLength(0);
    const bad = capture();
    expect(await runCli(['search', join(dir, 'beating.mjs'), '--storage', beatStudies(), '--trials', '1', '--heartbeat', '0'], bad.streams)).toBe(2);
    expect(bad.err().trim().split('\n')[0]).toBe(
      "pliant search: --heartbeat must be a positive duration such as 30s, 1500ms or 2m (a bare number is seconds), or off, found '0'",
    );
  });
});

describe('pliant inspect', () => {
  it('prints the decisions, the size and an example', async () => {
    const c = capture();
    expect(await runCli(['inspect', experiment, '--seed', '1'], c.streams)).toBe(0);
    expect(c.out()).toContain("3 decision points:\nlr  floatv [0.0001, 0.1] log\nact  oneOf of 2\n  [0] 'relu'\n  [1] 'tanh'\nwidth  intv [8, 64]\n");
    expect(c.out()).toContain('size: infinite (continuous decisions)');
    expect(c.out()).toMatch(/example \(seed 1, DNA DNA\(\[[\d.e-]+, [01], \d+\]\)\):\n\{lr: /);
    const json = capture();
    expect(await runCli(['inspect', experiment, '--json'], json.streams)).toBe(0);
    const parsed = JSON.parse(json.out()) as { decisions: { id: string; kind: string }[]; size: number };
    expect(parsed.decisions.map((d) => `${d.id}:${d.kind}`)).toEqual(['lr:floatv', 'act:oneOf', 'width:intv']);
  });

  it('reads a space from JSON, with nested decisions under their candidate, and counts a finite space', async () => {
    const file = join(dir, 'space.json');
    writeFileSync(
      file,
      JSON.stringify({
        opt: { $type: 'pliant.oneOf', candidates: [{ kind: 'sgd', momentum: { $type: 'pliant.oneOf', candidates: [0, 0.9] } }, { kind: 'adam' }] },
      }),
    );
    const c = capture();
    expect(await runCli(['inspect', file], c.streams)).toBe(0);
    expect(c.out()).toContain('opt  oneOf of 2');
    expect(c.out()).toMatch(/\[0\] .*sgd.*\n +opt\[=0\/2\]\.momentum  oneOf of 2/);
    expect(c.out()).toContain('size: 3');
  });
});

describe('pliant study', () => {
  it('list, show, best and export (jsonl and csv)', async () => {
    const list = capture();
    expect(await runCli(['study', 'list', '--storage', studies], list.streams)).toBe(0);
    expect(list.out()).toMatch(/^study +trials +completed +objective +best\n/);
    expect(list.out()).toMatch(/experiment +10 +\d+ +\S+ [↑↓] +-?[\d.]+/);
    const show = capture();
    expect(await runCli(['study', 'show', 'experiment', '--storage', studies], show.streams)).toBe(0);
    expect(show.out().trim().split('\n')).toHaveLength(2 + 10);
    const best = capture();
    expect(await runCli(['study', 'best', 'experiment', '--storage', studies], best.streams)).toBe(0);
    const study = await loadStudy(join(studies, 'experiment.jsonl'));
    expect(JSON.parse(best.out())).toEqual(study.best?.candidate);
    const csv = join(dir, 'out', 'experiment.csv');
    expect(await runCli(['study', 'export', 'experiment', '--storage', studies, '--out', csv], capture().streams)).toBe(0);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toMatch(/^trial,state,.+,cached,duration_s,reports,error$/);
    expect(lines[0]).not.toMatch(/(^|,)(dna|candidate)(,|$)/);
    expect(lines).toHaveLength(11);
    expect(lines[1]).toMatch(/^0,(completed|failed),/);
    const jsonl = join(dir, 'out', 'experiment.jsonl');
    expect(await runCli(['study', 'export', 'experiment', '--storage', studies, '--out', jsonl], capture().streams)).toBe(0);
    expect((await loadStudy(jsonl)).trials).toHaveLength(10);
    const bad = capture();
    expect(await runCli(['study', 'export', 'experiment', '--storage', studies, '--out', csv], bad.streams)).toBe(2);
    expect(bad.err()).toContain('exists: pass --force');
  });
});
