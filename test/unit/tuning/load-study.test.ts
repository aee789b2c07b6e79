import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PliantError, floatv, intv, journalStorage, loadStudy, oneOf, random, search } from '../../../src/index.js';
import type { JournalWarning, Result, Trial } from '../../../src/index.js';
import { rejection } from '../../support/error-of.js';

const space = { x: floatv(0, 1), k: oneOf(['a', 'b']) };

/** What a trial must keep through the journal. */
function summary(t: Trial): unknown {
  return { id: t.id, number: t.number, state: t.state, dna: t.dna.toString(), candidate: t.candidate, value: t.value, error: t.error, cached: t.cached };
}

function expectSameStudy(loaded: Result, ran: Result): void {
  expect(loaded.study).toBe(ran.study);
  expect(loaded.trials.map(summary)).toEqual(ran.trials.map(summary));
  expect(loaded.best).toBeDefined();
  expect(loaded.best?.id).toBe(ran.best?.id);
  expect(loaded.best?.value).toEqual(ran.best?.value);
  expect(loaded.direction).toBe(ran.direction);
  expect(loaded.metric).toBe(ran.metric);
  expect(loaded.constraints).toEqual(ran.constraints);
}

describe('loadStudy', () => {
  let dir: string;
  const home = process.env.PLIANT_HOME;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pliant-cli-'));
  });

  afterEach(() => {
    if (home === undefined) delete process.env.PLIANT_HOME;
    else process.env.PLIANT_HOME = home;
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads back a minimizing search from its journal file and by name: same trials, same best, the direction', async () => {
    const storage = journalStorage(dir);
    const ran = await search(space, (c) => c.x + (c.k === 'a' ? 0 : 0.5), {
      numTrials: 6,
      study: 'demo',
      storage,
      direction: 'minimize',
      algorithm: random({ seed: 4 }),
    });
    expect(ran.trials).toHaveLength(6);
    expect(readdirSync(dir)).toEqual(['demo.jsonl']);

    const fromFile = await loadStudy(join(dir, 'demo.jsonl'));
    expectSameStudy(fromFile, ran);
    expect(fromFile.direction).toBe('minimize');
    expect(fromFile.metric).toBeUndefined();
    // Minimizing: the best is the smallest value, which a maximizing reading would not pick.
    const values = fromFile.trials.map((t) => t.value as number);
    expect(fromFile.best?.value).toBe(Math.min(...values));
    expect(Math.min(...values)).not.toBe(Math.max(...values));

    const byName = await loadStudy('demo', { storage });
    expectSameStudy(byName, ran);
    expect(byName.direction).toBe('minimize');
    // Reading changed nothing in the folder.
    expect(readdirSync(dir)).toEqual(['demo.jsonl']);
  });

  it('reads back the metric and constraints of a search of records, and failed trials with their errors', async () => {
    const storage = journalStorage(dir);
    const ran = await search(
      space,
      (c) => {
        if (c.k === 'b' && c.x > 0.7) throw new RangeError(`x too large: ${c.x}`);
        return { acc: 1 - Math.abs(c.x - 0.3), over: c.x - 0.6 };
      },
      { numTrials: 12, study: 'records', storage, metric: 'acc', constraints: ['over'], algorithm: random({ seed: 7 }) },
    );
    const loaded = await loadStudy(join(dir, 'records.jsonl'));
    expectSameStudy(loaded, ran);
    expect(loaded.metric).toBe('acc');
    expect(loaded.direction).toBe('maximize');
    expect(loaded.constraints).toEqual(['over']);
    expect(loaded.feasible.map((t) => t.id)).toEqual(ran.feasible.map((t) => t.id));
    // The best honours the constraint read back from the journal.
    expect((loaded.best?.value as { over: number }).over).toBeLessThanOrEqual(0);
    const failed = loaded.trials.filter((t) => t.state === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(loaded.feasible.length).toBeGreaterThan(0);
    expect(loaded.feasible.length).toBeLessThan(loaded.completed.length);
    expect(failed.map((t) => t.id)).toEqual(ran.trials.filter((t) => t.state === 'failed').map((t) => t.id));
    for (const t of failed) expect(t.error).toMatch(/RangeError: x too large/);
  });

  it('keeps the trials of a study whose header is unreadable, and says that it judges them as maximised', async () => {
    const ran = await search(space, (c) => c.x, {
      numTrials: 6,
      direction: 'minimize',
      storage: journalStorage(dir),
      study: 'lost',
      algorithm: random({ seed: 2 }),
    });
    const file = join(dir, 'lost.jsonl');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[0] = (lines[0] as string).replace('"type":"study"', '"type":"study');
    writeFileSync(file, lines.join('\n'));
    const warnings: JournalWarning[] = [];
    const loaded = await loadStudy(file, { onWarning: (w) => warnings.push(w) });
    expect(loaded.trials.map((t) => [t.id, t.value])).toEqual(ran.trials.map((t) => [t.id, t.value]));
    expect(loaded.direction).toBe('maximize');
    expect(loaded.best?.value).toBe(Math.max(...ran.trials.map((t) => t.value as number)));
    expect(warnings.map((w) => [w.kind, w.at])).toEqual([
      ['malformed', `${file}:1`],
      ['malformed', `${file}:3`],
      ['malformed', file],
    ]);
    expect(warnings[2]?.message).toBe(
      "the study 'lost' has no header (its first event is missing or unreadable): its direction, metric and constraints are not known, so its trials are judged as maximised (a search resumed on the study records them again)",
    );
  });

  it('decodes the study name of a journal file', async () => {
    const storage = journalStorage(dir);
    const ran = await search(space, (c) => c.x, { numTrials: 3, study: 'my study/1', storage });
    expect(readdirSync(dir)).toEqual(['my%20study%2F1.jsonl']);
    const loaded = await loadStudy(join(dir, 'my%20study%2F1.jsonl'));
    expect(loaded.study).toBe('my study/1');
    expectSameStudy(loaded, ran);
  });

  it('finds a study by name under $PLIANT_HOME/studies', async () => {
    process.env.PLIANT_HOME = dir;
    const ran = await search(space, (c) => (c.k === 'b' ? c.x : -c.x), { numTrials: 6, study: 'homed', seed: 2 });
    expect(existsSync(join(dir, 'studies', 'homed.jsonl'))).toBe(true);
    const loaded = await loadStudy('homed');
    expectSameStudy(loaded, ran);
    expect(loaded.direction).toBe('maximize');
  });

  it('rejects a journal file that does not exist, without making it', async () => {
    const missing = join(dir, 'missing.jsonl');
    const error = await rejection(loadStudy(missing));
    expect(error).toBeInstanceOf(PliantError);
    expect(error.message).toBe(`loadStudy: no journal file ${missing}`);
    expect(existsSync(missing)).toBe(false);
  });

  it('rejects an unknown study name, naming the folder, without making a file', async () => {
    process.env.PLIANT_HOME = dir;
    const error = await rejection(loadStudy('nope'));
    expect(error).toBeInstanceOf(PliantError);
    expect(error.message).toContain(`no study named 'nope' in ${dir}/studies`);
    expect(error.message).toContain('PLIANT_HOME');
    expect(existsSync(join(dir, 'studies', 'nope.jsonl'))).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('rejects an empty name, with or without a storage', async () => {
    const error = await rejection(loadStudy(''));
    expect(error).toBeInstanceOf(PliantError);
    expect(error.message).toMatch(/^loadStudy: .*study name or a journal file, found ""/);
    const withStorage = await rejection(loadStudy('', { storage: journalStorage(dir) }));
    expect(withStorage).toBeInstanceOf(PliantError);
    expect(withStorage.message).toMatch(/^loadStudy: /);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('a journal written before formats were numbered (format 1, by adf9f57)', () => {
  const fixture = fileURLToPath(new URL('../storage/fixtures/format-1.jsonl', import.meta.url));

  it('reads without a warning, and a search goes on with it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pliant-format-1-'));
    try {
      copyFileSync(fixture, join(dir, 'format-1.jsonl'));
      const warnings: unknown[] = [];
      const before = await loadStudy('format-1', { storage: journalStorage(dir), onWarning: (w) => warnings.push(w) });
      expect(warnings).toEqual([]);
      expect(before.metric).toBe('acc');
      expect(before.trials.length).toBe(16);
      expect(before.trials.filter((t) => t.state === 'failed').map((t) => t.error)).toEqual(Array(4).fill('Error: out of memory'));
      expect(before.trials.filter((t) => t.state === 'abandoned')).toHaveLength(1);
      expect(before.best?.value).toEqual({ acc: expect.any(Number), loss: expect.any(Number) });
      const space = { lr: floatv(1e-4, 1e-1, { scale: 'log' }), units: oneOf([16, 32, 64]), layers: intv(1, 3) };
      const after = await search(space, (c) => ({ acc: c.layers / 10, loss: 1 / c.units }), {
        numTrials: before.evaluated.length + 4,
        storage: journalStorage(dir),
        study: 'format-1',
        metric: 'acc',
        seed: 4,
        dedupe: 'structural',
        onWarning: (w) => warnings.push(w),
      });
      expect(warnings).toEqual([]);
      expect(after.trials.slice(0, 16).map((t) => t.id)).toEqual(before.trials.map((t) => t.id));
      expect(after.evaluated).toHaveLength(before.evaluated.length + 4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
