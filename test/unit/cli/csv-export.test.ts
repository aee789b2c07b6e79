import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curvesCsv, trialsCsv } from '../../../src/cli/csv-export.js';
import { runCli } from '../../../src/cli/run-cli.js';
import { journalStorage, memoryStorage, oneOf, search } from '../../../src/index.js';
import type { Result } from '../../../src/index.js';
import { loadStudy } from '../../../src/tuning/load-study.js';
import { studyDecisions } from '../../../src/tuning/study-decisions.js';
import { architectureStudy } from './study-fixture.js';

/**
 * A CSV reader after RFC 4180, written apart from the writer: fields split by commas, records
 * by CRLF or LF, a quoted field may hold commas, line breaks and doubled quotes. Throws on a
 * quote inside an unquoted field or an unclosed quote.
 */
function readCsv(text: string): string[][] {
  const records: string[][] = [];
  let i = 0;
  while (i < text.length) {
    const record: string[] = [];
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= text.length) throw new Error('unclosed quote');
          if (text[i] === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
            } else {
              i++;
              break;
            }
          } else field += text[i++];
        }
      } else {
        while (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          if (text[i] === '"') throw new Error(`a quote inside an unquoted field at ${i}`);
          field += text[i++];
        }
      }
      record.push(field);
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '\r') i++;
      if (i < text.length && text[i] !== '\n') throw new Error(`garbage after a quoted field at ${i}`);
      i++;
      break;
    }
    records.push(record);
  }
  return records;
}

/** The records as objects keyed by the header (which must be unique). */
function asObjects(records: string[][]): { header: string[]; rows: Record<string, string>[] } {
  const [header = [], ...body] = records;
  expect(new Set(header).size).toBe(header.length);
  for (const r of body) expect(r).toHaveLength(header.length);
  return { header, rows: body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] as string]))) };
}

async function pliant(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: { write: (t: string) => void (out += t) }, err: { write: (t: string) => void (err += t) } });
  return { code, out, err };
}

describe('pliant study export --format csv', () => {
  let dir: string;
  let studies: string;
  let result: Result;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pliant-csv-'));
    studies = join(dir, 'studies');
    await architectureStudy(studies);
    result = await loadStudy('arch', { storage: journalStorage(studies) });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a column per decision and per metric, final values only, unique headers; read back by an RFC 4180 reader', async () => {
    const out = join(dir, 'arch.csv');
    const r = await pliant('study', 'export', 'arch', '--storage', studies, '--out', out);
    expect(r.code, r.err).toBe(0);
    const { header, rows } = asObjects(readCsv(readFileSync(out, 'utf8')));
    const decisions = studyDecisions(result);
    // 3 layers × (units, activation, dropout), optimizer, learning rate, batch size, epochs; not the constant
    expect(decisions.decisions).toHaveLength(13);
    expect(header).not.toContain('outputs');
    expect(header).not.toContain('dna');
    expect(header).not.toContain('candidate');
    const metrics = ['accuracy', 'loss', 'testAccuracy', 'seconds', 'params', 'epochs'];
    for (const m of metrics) expect(header).toContain(m);
    expect(header.filter((h) => h.startsWith('seconds'))).toEqual(['seconds']); // once: the trial's own time is duration_s
    // the decision `epochs` and the metric `epochs` both have a column
    const epochsDecision = decisions.decisions.find((d) => d.name === 'epochs');
    expect(epochsDecision).toBeDefined();
    expect(header).toContain('epochs (decision)');
    const decisionTitle = (name: string): string => (metrics.includes(name) ? `${name} (decision)` : name);
    expect(header).toEqual([
      'trial',
      'state',
      ...decisions.decisions.map((d) => decisionTitle(d.name)),
      ...metrics,
      'cached',
      'duration_s',
      'reports',
      'error',
    ]);

    expect(rows).toHaveLength(result.trials.length);
    const pruned = result.trials.filter((t) => t.state === 'pruned');
    const completed = result.trials.filter((t) => t.state === 'completed');
    expect(pruned.length).toBeGreaterThan(0);
    expect(completed.length).toBeGreaterThan(0);
    for (const t of result.trials) {
      const row = rows[t.number] as Record<string, string>;
      expect(row.trial).toBe(String(t.number));
      expect(row.state).toBe(t.state);
      expect(Number(row.reports)).toBe(t.reports.length);
      const values = decisions.valuesOf(t);
      for (const d of decisions.decisions) expect(row[decisionTitle(d.name)], d.name).toBe(String(values[d.key]));
      if (t.state === 'completed') {
        const value = t.value as Record<string, number>;
        for (const m of metrics) expect(Number(row[m]), m).toBe(value[m]);
      } else {
        // a pruned trial's last intermediate value is a number; it is no final value of any metric
        expect(typeof t.value).toBe('number');
        for (const m of metrics) expect(row[m], m).toBe('');
      }
    }
  });

  it('--curves writes every intermediate value, a row per report; --with-dna adds the DNA and the candidate', async () => {
    const out = join(dir, 'dna.csv');
    const curves = join(dir, 'curves.csv');
    const r = await pliant('study', 'export', 'arch', '--storage', studies, '--out', out, '--with-dna', '--curves', curves, '--json');
    expect(r.code, r.err).toBe(0);
    const reports = result.trials.reduce((n, t) => n + t.reports.length, 0);
    expect(JSON.parse(r.out)).toMatchObject({ study: 'arch', format: 'csv', trials: result.trials.length, curves, reports });
    const { header, rows } = asObjects(readCsv(readFileSync(curves, 'utf8')));
    expect(header).toEqual(['trial', 'state', 'step', 'seconds', 'accuracy']);
    expect(rows).toHaveLength(reports);
    for (const t of result.trials) {
      const mine = rows.filter((row) => row.trial === String(t.number));
      expect(mine.map((row) => Number(row.accuracy))).toEqual(t.reports.map((p) => p.value));
      expect(mine.map((row) => Number(row.step))).toEqual(t.reports.map((p) => p.step));
      for (const row of mine) expect(row.state).toBe(t.state);
    }
    const withDna = asObjects(readCsv(readFileSync(out, 'utf8')));
    expect(withDna.header.slice(-2)).toEqual(['dna', 'candidate']);
    for (const t of result.trials) {
      const row = withDna.rows[t.number] as Record<string, string>;
      expect(row.dna).toBe(t.dna.toString());
      expect(JSON.parse(row.candidate as string)).toEqual(t.candidate);
    }
    // the curves file is not replaced without --force; a journal export has no --with-dna
    const again = await pliant('study', 'export', 'arch', '--storage', studies, '--out', join(dir, 'other.csv'), '--curves', curves);
    expect(again.code).toBe(2);
    expect(again.err).toContain('exists: pass --force');
    const jsonl = await pliant('study', 'export', 'arch', '--storage', studies, '--out', join(dir, 'a.jsonl'), '--with-dna');
    expect(jsonl.code).toBe(2);
    expect(jsonl.err).toContain('--with-dna is for a CSV export');
  });
});

describe('trialsCsv, curvesCsv', () => {
  it('metrics named like the fixed columns or a decision get their own, unique column; plain numbers are the objective', async () => {
    const named = await search(
      { state: oneOf(['a', 'b']), trial: oneOf([1, 2]) },
      (c) => ({ state: c.state === 'a' ? 1 : 2, reports: 3, trial: c.trial, error: 0 }),
      { numTrials: 4, storage: memoryStorage(), study: 'n', seed: 1, metric: 'state' },
    );
    const [header = [], ...rows] = readCsv(trialsCsv(named, studyDecisions(named)));
    expect(header).toEqual([
      'trial',
      'state',
      'state (decision)',
      'trial (decision)',
      'state (metric)',
      'reports (metric)',
      'trial (metric)',
      'error (metric)',
      'cached',
      'duration_s',
      'reports',
      'error',
    ]);
    expect(rows).toHaveLength(4);
    for (const [i, t] of named.trials.entries()) {
      const row = rows[i] as string[];
      expect(row[2]).toBe((t.candidate as { state: string }).state);
      expect(Number(row[4])).toBe((t.value as Record<string, number>).state);
    }
    const plain = await search(
      { x: oneOf([1, 2, 3]) },
      async (c, trial) => {
        await trial.report(c.x / 2, { step: 5 });
        return c.x;
      },
      { numTrials: 3, storage: memoryStorage(), study: 'p', seed: 2, direction: 'minimize' },
    );
    const [head = [], ...body] = readCsv(trialsCsv(plain, studyDecisions(plain)));
    expect(head).toEqual(['trial', 'state', 'x', 'value', 'cached', 'duration_s', 'reports', 'error']);
    for (const row of body) expect(row[3]).toBe(row[2]);
    const curves = readCsv(curvesCsv(plain));
    expect(curves[0]).toEqual(['trial', 'state', 'step', 'seconds', 'value']);
    for (const row of curves.slice(1)) expect(row[2]).toBe('5');
  });
});
