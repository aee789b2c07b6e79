import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/run-cli.js';
import { floatv } from '../../../src/hyper/floatv.js';
import { journalStorage } from '../../../src/storage/journal-storage.js';
import { loadStudy } from '../../../src/tuning/load-study.js';
import { search } from '../../../src/tuning/search.js';

function capture(): { out: () => string; err: () => string; streams: { out: { write(t: string): void }; err: { write(t: string): void } } } {
  let out = '';
  let err = '';
  return { out: () => out, err: () => err, streams: { out: { write: (t) => void (out += t) }, err: { write: (t) => void (err += t) } } };
}

const dir = mkdtempSync(join(tmpdir(), 'pliant-cli-study-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pliant worker: usage', () => {
  it('prints its help, and says what is missing with exit code 2', async () => {
    const help = capture();
    expect(await runCli(['worker', '--help'], help.streams)).toBe(0);
    expect(help.out()).toContain('Usage: pliant worker --redis <url> --study <name> --objective <module>');
    const previous = process.env.REDIS_URL;
    delete process.env.REDIS_URL;
    try {
      const cases: [string[], string][] = [
        [['worker', '--study', 's', '--objective', 'o.js'], '--redis <url> is required (or set REDIS_URL)'],
        [['worker', '--redis', 'redis://127.0.0.1:1', '--objective', 'o.js'], '--study <name> is required'],
        [['worker', '--redis', 'redis://127.0.0.1:1', '--study', 's'], '--objective <module> is required'],
        [
          ['worker', '--redis', 'redis://127.0.0.1:1', '--study', 's', '--objective', 'o.js', '--concurrency', '0'],
          "--concurrency must be a positive integer, found '0'",
        ],
        [
          ['worker', '--redis', 'redis://127.0.0.1:1', '--study', 's', '--objective', 'o.js', '--timeout', 'soon'],
          "--timeout must be a positive duration such as 90s, 1500ms, 10m or 2h (a bare number is seconds), found 'soon'",
        ],
        [
          ['worker', '--redis', 'redis://127.0.0.1:1', '--study', 's', '--objective', 'o.js', '--timeout', '-5'],
          "--timeout must be a positive duration such as 90s, 1500ms, 10m or 2h (a bare number is seconds), found '-5'",
        ],
        [
          ['worker', '--redis', 'redis://127.0.0.1:1', '--study', 's', '--objective', 'o.js', '--concurrency', '-2'],
          "--concurrency must be a positive integer, found '-2'",
        ],
        [
          ['worker', '--redis', 'redis://127.0.0.1:1', '--study', 's', '--objective', 'o.js', '--lock-duration', '0'],
          "--lock-duration must be a positive duration such as 90s, 1500ms, 10m or 2h (a bare number is milliseconds), found '0'",
        ],
        [['worker', '--redis', 'redis://127.0.0.1:1', '--study', 's', '--objectiv', 'o.js'], 'unknown option --objectiv (did you mean --objective?)'],
      ];
      for (const [argv, message] of cases) {
        const c = capture();
        expect(await runCli(argv, c.streams), argv.join(' ')).toBe(2);
        expect(c.err()).toBe(`pliant worker: ${message}\nRun 'pliant worker --help' for usage.\n`);
      }
    } finally {
      if (previous !== undefined) process.env.REDIS_URL = previous;
    }
  });

  it('an objective module given as a path that is not there is a one-line error naming it, before any connection', async () => {
    const c = capture();
    expect(await runCli(['worker', '--redis', 'redis://127.0.0.1:1', '--study', 's', '--objective', './no/such/objective.js'], c.streams)).toBe(1);
    expect(c.err()).toBe('pliant worker: the objective module ./no/such/objective.js does not exist\n');
  });

  it('a server that is not there is a one-line error with exit code 1', async () => {
    const c = capture();
    expect(await runCli(['worker', '--redis', 'redis://127.0.0.1:1', '--study', 's', '--objective', 'o.js'], c.streams)).toBe(1);
    expect(c.err().trim().split('\n')).toHaveLength(1);
    expect(c.err()).toContain('cannot connect to Redis at redis://127.0.0.1:1');
  });
});

describe('pliant study export', () => {
  it('writes a study of a journal folder to a journal file that loadStudy reads', async () => {
    const studies = join(dir, 'studies');
    const searched = await search({ x: floatv(0, 1) }, (c) => c.x, { numTrials: 5, study: 'exp', storage: journalStorage(studies), seed: 1 });
    const out = join(dir, 'out', 'exp.jsonl');
    const c = capture();
    expect(await runCli(['study', 'export', 'exp', '--storage', studies, '--out', out], c.streams)).toBe(0);
    expect(c.err()).toMatch(/wrote \d+ events of 'exp' to /);
    const loaded = await loadStudy(out);
    expect(loaded.trials.map((t) => t.candidate)).toEqual(searched.trials.map((t) => t.candidate));
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(studies, 'exp.jsonl'), 'utf8'));
    // no overwrite without --force
    const again = capture();
    expect(await runCli(['study', 'export', 'exp', '--storage', studies, '--out', out], again.streams)).toBe(1);
    expect(await runCli(['study', 'export', 'exp', '--storage', studies, '--out', out, '--force'], capture().streams)).toBe(0);
  });

  it('bad usage exits 2', async () => {
    for (const [argv, message] of [
      [['study'], 'pliant study: which action? (list, show, best, export)'],
      [['study', 'frob', 'x'], "pliant study: unknown action 'frob' (list, show, best, export)"],
      [['study', 'shwo', 'x'], "pliant study: unknown action 'shwo' (did you mean show?)"],
      [['study', 'export'], 'pliant study export: which study? (pliant study export <study>)'],
      [['study', 'export', 'x'], 'pliant study export: --out <file> is required'],
    ] as const) {
      const c = capture();
      expect(await runCli([...argv], c.streams), argv.join(' ')).toBe(2);
      expect(c.err()).toBe(`${message}\nRun 'pliant study --help' for usage.\n`);
    }
  });
});
