/**
 * Every outcome of an objective is an outcome of its trial: diverged, malformed, throwing, hanging
 * and silent objectives fail their trial with the reason recorded, and the study goes on.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PliantError, floatv, intv, loadStudy, memoryStorage, random, regularizedEvolution, sample, search } from '../../../src/index.js';
import type { Measurement } from '../../../src/index.js';
import { rejection } from '../../support/error-of.js';

const space = { x: floatv(0, 1), k: intv(0, 3) };
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const work = mkdtempSync(join(root, '.tmp-outcomes-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('what an objective returns', () => {
  it.each([
    ['NaN', Number.NaN, 'diverged', /finite number, found NaN/],
    ['Infinity', Infinity, 'diverged', /finite number, found Infinity/],
    ['-Infinity', -Infinity, 'diverged', /finite number, found -Infinity/],
    ['a metric that is NaN', { acc: Number.NaN }, 'diverged', /metric 'acc' must be a finite number, found NaN/],
    ['a string', '0.9', 'invalid', /the string "0.9"/],
    ['a bigint', 10n, 'invalid', /bigint 10n/],
    ['undefined', undefined, 'invalid', /returned undefined without ending its trial/],
    ['null', null, 'invalid', /returned null without ending its trial/],
    ['a boolean', true, 'invalid', /found boolean/],
    ['an array', [1, 2], 'invalid', /found an array/],
    ['an empty record', {}, 'invalid', /at least one metric/],
    ['a metric that is a string', { acc: 'high' }, 'invalid', /metric 'acc' must be a number, found the string "high"/],
  ])('%s fails the trial with the reason, and the study goes on', async (_, returned, failure, reason) => {
    const storage = memoryStorage();
    let calls = 0;
    const result = await search(
      space,
      () => {
        calls++;
        return (calls % 2 === 1 ? returned : 0.5) as Measurement;
      },
      { numTrials: 6, storage, study: 's', metric: typeof returned === 'object' && returned !== null && !Array.isArray(returned) ? 'acc' : undefined },
    );
    expect(result.trials).toHaveLength(6);
    const failed = result.trials.filter((t) => t.state === 'failed');
    expect(failed).toHaveLength(3);
    for (const t of failed) {
      expect(t.failure).toBe(failure);
      expect(t.error).toMatch(reason);
      expect(t.error).toMatch(/^search: trial \d+: the objective /);
    }
    // The reason is in the journal: a reader sees the same.
    const read = await loadStudy('s', { storage });
    expect(read.trials.map((t) => [t.state, t.failure, t.error])).toEqual(result.trials.map((t) => [t.state, t.failure, t.error]));
  });

  it('a throw fails the trial (code error); a record without the objective metric is invalid', async () => {
    const result = await search(
      space,
      (c) => {
        if (c.k === 0) throw new RangeError('out of memory in layer 3');
        return (c.k === 1 ? { loss: 1 } : { acc: c.x }) as Measurement;
      },
      { numTrials: 20, metric: 'acc', seed: 2 },
    );
    const thrown = result.trials.filter((t) => t.candidate !== null && (t.candidate as { k: number }).k === 0);
    expect(thrown.length).toBeGreaterThan(0);
    for (const t of thrown) expect([t.state, t.failure, t.error]).toEqual(['failed', 'error', 'RangeError: out of memory in layer 3']);
    const missing = result.trials.filter((t) => (t.candidate as { k: number }).k === 1);
    for (const t of missing) {
      expect([t.state, t.failure]).toEqual(['failed', 'invalid']);
      expect(t.error).toMatch(/cannot use.*acc/);
    }
    expect(result.best?.value).toEqual({ acc: expect.any(Number) });
  });

  it('undefined after reports completes the trial with its last report', async () => {
    const result = await search(
      space,
      async (c, trial) => {
        await trial.report(c.x, { step: 1 });
        await trial.report(c.x / 2, { step: 2 });
        return undefined;
      },
      { numTrials: 3 },
    );
    expect(result.trials.every((t) => t.state === 'completed' && t.value === (t.candidate as { x: number }).x / 2)).toBe(true);
  });

  it('with strict, the first failed trial aborts the search after it is recorded', async () => {
    const storage = memoryStorage();
    const error = await rejection(search(space, () => Number.NaN, { numTrials: 5, strict: true, storage, study: 'strict' }));
    expect(error).toBeInstanceOf(PliantError);
    expect((error as PliantError).code).toBe('state');
    expect(error.message).toMatch(/^search: trial 0 failed and the search is strict: .*NaN/);
    const read = await loadStudy('strict', { storage });
    expect(read.trials.map((t) => t.state)).toEqual(['failed']);
  });

  it('the algorithm learns failed trials: evolution never breeds from them, and a resumed study never runs them again', async () => {
    const storage = memoryStorage();
    const objective = (c: { x: number; k: number }): number => (c.k === 3 ? Number.NaN : c.x + c.k);
    const algorithm = () => regularizedEvolution({ populationSize: 6, tournamentSize: 3, seed: 4 });
    const first = await search(space, objective, { numTrials: 30, storage, study: 'evo', algorithm: algorithm() });
    const failed = first.trials.filter((t) => t.state === 'failed').map((t) => t.id);
    expect(failed.length).toBeGreaterThan(0);
    const resumed = await search(space, objective, { numTrials: 45, storage, study: 'evo', algorithm: algorithm() });
    expect(resumed.trials).toHaveLength(45);
    for (const id of failed) expect(resumed.trials.find((t) => t.id === id)?.state).toBe('failed');
    const journal = await storage.open('evo');
    expect(journal.events.filter((e) => e.type === 'claim')).toEqual([]);
    // The same as a search that was never interrupted.
    const straight = await search(space, objective, { numTrials: 45, algorithm: algorithm() });
    expect(resumed.trials.map((t) => [t.candidate, t.state])).toEqual(straight.trials.map((t) => [t.candidate, t.state]));
  });
});

describe('timeouts', () => {
  it('a trial past its timeout fails (code timeout) and the search goes on, inline', async () => {
    const result = await search(
      space,
      async (c) => {
        if (c.k === 0) await new Promise(() => undefined); // hangs for ever
        return c.x;
      },
      { numTrials: 12, timeout: 60, seed: 1 },
    );
    const hung = result.trials.filter((t) => (t.candidate as { k: number }).k === 0);
    expect(hung.length).toBeGreaterThan(0);
    for (const t of hung) {
      expect([t.state, t.failure]).toEqual(['failed', 'timeout']);
      expect(t.error).toMatch(/timeout of 60 ms/);
    }
    expect(result.trials.filter((t) => t.state === 'completed').length).toBe(12 - hung.length);
  });

  it('rejects a timeout that is not a positive number', async () => {
    await expect(search(space, () => 1, { numTrials: 1, timeout: 0 })).rejects.toThrow(/timeout must be a positive number/);
    await expect(search(space, () => 1, { numTrials: 1, timeout: Number.NaN })).rejects.toThrow(/timeout must be a positive number/);
  });

  it('a search whose event loop empties while a trial is pending says so, fails the trial and exits non-zero', async () => {
    const dir = join(work, 'stall');
    const script = join(work, 'stall.mts');
    writeFileSync(
      script,
      `import { floatv, journalStorage, search } from ${JSON.stringify(join(root, 'src', 'index.ts'))};
await search({ x: floatv(0, 1) }, () => new Promise(() => undefined), { numTrials: 3, storage: journalStorage(${JSON.stringify(dir)}), study: 'stall' });
console.log('not reached');
`,
    );
    const proc = spawn(process.execPath, ['--import', 'tsx', script], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => proc.on('exit', resolve));
    expect(code).not.toBe(0);
    expect(code).not.toBe(13); // not Node's silent "unsettled top-level await"
    expect(out).not.toContain('not reached');
    expect(err).toMatch(/the event loop emptied while trial 0 was running/);
    const lines = readFileSync(join(dir, 'stall.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; code?: string });
    expect(lines.filter((e) => e.type === 'fail')).toEqual([expect.objectContaining({ code: 'stalled' })]);
  }, 30_000);
});

describe('options are checked', () => {
  it('an unknown option of search or sample is an error naming the closest known one', async () => {
    const error = await rejection(search(space, () => 1, { numTrails: 5 } as never));
    expect(error).toBeInstanceOf(PliantError);
    expect(error.message).toBe("search: unknown option 'numTrails' (did you mean 'numTrials'?)");
    await expect(search(space, () => 1, { numTrials: 2, dedup: 'structural' } as never)).rejects.toThrow(/unknown option 'dedup' \(did you mean 'dedupe'\?\)/);
    const iterate = async (): Promise<void> => {
      for await (const [, feedback] of sample(space, random(), { numTrial: 3 } as never)) await feedback.done(1);
    };
    await expect(iterate()).rejects.toThrow("sample: unknown option 'numTrial' (did you mean 'numTrials'?)");
  });

  it('a search without a stopping rule is an error; a time budget is one', async () => {
    await expect(search(space, () => 1, {} as never)).rejects.toThrow(/needs a stopping rule: numTrials .* timeBudget/);
    const started = Date.now();
    const result = await search(
      space,
      async () => {
        await new Promise((r) => setTimeout(r, 20));
        return 1;
      },
      { timeBudget: 200 },
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result.trials.length).toBeGreaterThan(2);
    expect(result.trials.every((t) => t.state === 'completed')).toBe(true);
  });
});
