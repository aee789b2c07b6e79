import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../../src/cli/run-cli.js';
import { byImportance, decisionPairs, trialsTable } from '../../../src/cli/study-table.js';
import { displayWidth, shortNumber } from '../../../src/cli/terminal.js';
import { floatv, journalStorage, memoryStorage, oneOf, random, search } from '../../../src/index.js';
import type { Result } from '../../../src/index.js';
import { loadStudy } from '../../../src/tuning/load-study.js';
import { Result as ResultClass } from '../../../src/tuning/result.js';
import { studyDecisions } from '../../../src/tuning/study-decisions.js';
import { architectureStudy } from './study-fixture.js';

async function pliant(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: { write: (t: string) => void (out += t) }, err: { write: (t: string) => void (err += t) } });
  return { code, out, err };
}

const lines = (text: string): string[] => text.trimEnd().split('\n');
const widest = (text: string): number => Math.max(...lines(text).map(displayWidth));

describe('study tables on a study with 13 decisions and 6 metrics', () => {
  let dir: string;
  let studies: string;
  let result: Result;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pliant-table-'));
    studies = join(dir, 'studies');
    await architectureStudy(studies);
    result = await loadStudy('arch', { storage: journalStorage(studies) });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('study show fits 80 columns: the objective named in its own column, another metric beside it, the candidate as decisions', async () => {
    const r = await pliant('study', 'show', 'arch', '--storage', studies);
    expect(r.code, r.err).toBe(0);
    const rows = lines(r.out);
    expect(rows).toHaveLength(2 + result.trials.length);
    for (const line of rows) expect(displayWidth(line)).toBeLessThanOrEqual(80);
    const header = rows[0] as string;
    expect(header).toMatch(/^ *# +state +accuracy ↑ +loss +s +candidate$/);
    // the objective column holds the final accuracy; a pruned trial has none
    const column = header.indexOf('accuracy ↑') + 'accuracy ↑'.length;
    for (const t of result.trials) {
      const line = rows[2 + t.number] as string;
      const cell = line.slice(0, column).trimEnd().split(/ +/).pop() as string;
      if (t.state === 'completed') expect(cell).toBe(shortNumber((t.value as Record<string, number>).accuracy));
      else expect(cell).toBe(t.state);
      // the candidate column starts with the trial's decisions, as name=value, never its JSON or DNA
      const candidate = line.slice(header.indexOf('candidate'));
      expect(candidate).toMatch(/^[\w[\].]+=[\w.]+ /);
      expect(candidate).not.toContain('{');
    }
    expect(r.err).toContain('--wide shows everything');
    expect(r.err).toContain('testAccuracy');
  });

  it('study show --wide: every metric and every decision, nothing cut, wider than 80', async () => {
    const r = await pliant('study', 'show', 'arch', '--storage', studies, '--wide');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toBe('');
    expect(widest(r.out)).toBeGreaterThan(80);
    const rows = lines(r.out);
    expect(rows[0]).toMatch(/^ *# +state +accuracy ↑ +loss +testAccuracy +seconds +params +epochs +s +candidate$/);
    const decisions = studyDecisions(result);
    for (const t of result.trials) {
      const line = rows[2 + t.number] as string;
      for (const pair of decisionPairs(t, decisions)) expect(line).toContain(pair);
      expect(line).not.toContain('...');
    }
  });

  it('study best: the candidate on stdout; its objective, metrics and decisions on stderr within 80 columns', async () => {
    const r = await pliant('study', 'best', 'arch', '--storage', studies);
    expect(r.code, r.err).toBe(0);
    const best = result.best;
    expect(JSON.parse(r.out)).toEqual(best?.candidate);
    const value = best?.value as Record<string, number>;
    expect(r.err.startsWith(`best of 'arch': trial ${best?.number}, accuracy ↑ ${shortNumber(value.accuracy)}\n`)).toBe(true);
    for (const line of lines(r.err)) expect(displayWidth(line)).toBeLessThanOrEqual(80);
    expect(r.err).toContain(`testAccuracy=${shortNumber(value.testAccuracy)}`);
    for (const pair of decisionPairs(best as never, studyDecisions(result))) expect(r.err).toContain(pair);
    const wide = await pliant('study', 'best', 'arch', '--storage', studies, '--wide');
    expect(lines(wide.err)).toHaveLength(3);
    const json = JSON.parse((await pliant('study', 'best', 'arch', '--storage', studies, '--json')).out) as {
      number: number;
      metrics: object;
      decisions: object;
    };
    expect(json.number).toBe(best?.number);
    expect(json.metrics).toEqual(value);
    expect(Object.keys(json.decisions)).toHaveLength(13);
  });

  it('study list: the objective named, the best as a number', async () => {
    const r = await pliant('study', 'list', '--storage', studies);
    expect(r.code, r.err).toBe(0);
    expect(lines(r.out)[0]).toMatch(/^study +trials +completed +objective +best$/);
    const accuracy = (result.best?.value as Record<string, number>).accuracy;
    expect(lines(r.out)[2]).toMatch(new RegExp(`^arch +24 +${result.completed.length} +accuracy ↑ +${shortNumber(accuracy).replace('.', '\\.')}$`));
    const json = JSON.parse((await pliant('study', 'list', '--storage', studies, '--json')).out) as { objective: string[]; bestObjective: number }[];
    expect(json[0]).toMatchObject({ objective: ['accuracy ↑'], bestObjective: accuracy });
  });

  it('study show --json: final metrics and decisions by name', async () => {
    const r = await pliant('study', 'show', 'arch', '--storage', studies, '--json');
    const rows = JSON.parse(r.out) as { state: string; metrics: Record<string, number>; decisions: Record<string, unknown> }[];
    expect(rows).toHaveLength(result.trials.length);
    for (const row of rows) {
      expect(Object.keys(row.decisions)).toHaveLength(13);
      if (row.state === 'pruned') expect(row.metrics).toEqual({});
      else expect(Object.keys(row.metrics).sort()).toEqual(['accuracy', 'epochs', 'loss', 'params', 'seconds', 'testAccuracy']);
    }
  });
});

describe('trialsTable', () => {
  it('orders decisions most important first once there are enough completed trials, else as the study does', async () => {
    // `key` decides the score; `noise1..3` do not; `key` comes last in the candidates.
    const space = { noise1: oneOf(['p', 'q', 'r']), noise2: floatv(0, 1), noise3: oneOf([1, 2, 3, 4]), key: oneOf(['bad', 'good']) };
    const objective = (c: { key: string }) => (c.key === 'good' ? 1 : 0);
    const many = await search(space, objective, { numTrials: 40, storage: memoryStorage(), study: 'm', seed: 5, algorithm: random({ seed: 5 }) });
    const decisions = studyDecisions(many);
    expect(decisions.decisions.map((d) => d.name)).toEqual(['noise1', 'noise2', 'noise3', 'key']);
    const ranked = byImportance(many, decisions);
    expect(ranked.decisions[0]?.name).toBe('key');
    expect(ranked.decisions.map((d) => d.name).sort()).toEqual(['key', 'noise1', 'noise2', 'noise3']);
    for (const line of lines(trialsTable(many, ranked).text).slice(2)) expect(line).toMatch(/ key=(good|bad) noise/);
    // too few trials to tell: the study's order
    const few = await search(space, objective, { numTrials: 5, storage: memoryStorage(), study: 'f', seed: 5 });
    expect(byImportance(few, studyDecisions(few)).decisions.map((d) => d.name)).toEqual(studyDecisions(few).decisions.map((d) => d.name));
  });

  it('names a minimised objective with ↓, plain numbers as value; every objective of several', async () => {
    const plain = await search({ x: floatv(0, 1), act: oneOf(['relu', 'tanh']) }, (c) => c.x, {
      numTrials: 4,
      storage: memoryStorage(),
      study: 'p',
      seed: 3,
      direction: 'minimize',
    });
    expect(lines(trialsTable(plain, studyDecisions(plain)).text)[0]).toMatch(/^# +state +value ↓ +s +candidate$/);
    const two = await search({ x: floatv(0, 1) }, (c) => ({ a: c.x, b: 1 - c.x, size: 3 }), {
      numTrials: 3,
      storage: memoryStorage(),
      study: 't',
      seed: 3,
      metric: ['a', 'b'],
      direction: ['maximize', 'minimize'],
    } as never);
    const table = trialsTable(two, studyDecisions(two), { width: 40 });
    expect(lines(table.text)[0]).toMatch(/^# +state +a ↑ +b ↓ +s +candidate$/);
    expect(table.hiddenMetrics).toEqual(['size']);
  });

  it("reads a study's completed trials a bounded number of times, whatever its size (not once per trial)", async () => {
    // Naming the objective of a plain-number study walks the completed trials; it was done for
    // every row, so a 10,000-trial study took 9 s to show and a 100,000-trial one over 10 minutes.
    const plain = await search({ x: floatv(0, 1) }, (c) => c.x, { numTrials: 300, storage: memoryStorage(), study: 'big', seed: 3, algorithm: random() });
    const reads = vi.spyOn(ResultClass.prototype, 'completed', 'get');
    try {
      const table = trialsTable(plain, studyDecisions(plain));
      expect(lines(table.text)).toHaveLength(302);
      expect(lines(table.text)[0]).toMatch(/^ *# +state +value ↑ +s +candidate$/);
      expect(reads.mock.calls.length).toBeLessThan(10);
    } finally {
      reads.mockRestore();
    }
  });
});
