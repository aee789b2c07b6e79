/**
 * Readers that show many trials (the decisions of a study, the report, the CSV export, the trials
 * table) go on past a trial whose candidate cannot be made: a study whose first line, which
 * records the space, is corrupt keeps its trials (see candidate-deriver.test.ts).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { floatv, journalStorage, loadStudy, oneOf, random, renderReport, search, studyDecisions } from '../../../src/index.js';
import type { Result } from '../../../src/index.js';
import { trialsCsv } from '../../../src/cli/csv-export.js';
import { decisionPairs } from '../../../src/cli/study-table.js';
import { readableCandidate } from '../../../src/tuning/readable-candidate.js';

describe('a study some of whose candidates cannot be made', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pliant-readable-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Six trials whose header is made unreadable, then four more by a resumed search (which writes a header again). */
  async function study(resume: boolean): Promise<Result> {
    const space = { lr: floatv(0.001, 1), act: oneOf(['relu', 'tanh', 'gelu']) };
    const objective = (c: { lr: number; act: string }): number => c.lr + c.act.length;
    await search(space, objective, { numTrials: 6, algorithm: random({ seed: 3 }), storage: journalStorage(dir), study: 's' });
    const file = join(dir, 's.jsonl');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[0] = (lines[0] as string).replace('"space":', '"space:'); // a byte gone: not JSON
    writeFileSync(file, lines.join('\n'));
    rmSync(`${file}.snapshot`, { force: true });
    if (resume)
      await search(space, objective, { numTrials: 10, algorithm: random({ seed: 3 }), storage: journalStorage(dir), study: 's', onWarning: () => undefined });
    return loadStudy('s', { storage: journalStorage(dir), onWarning: () => undefined });
  }

  it('readableCandidate says why instead of throwing', async () => {
    const result = await study(false);
    expect(result.trials).toHaveLength(6);
    const read = readableCandidate(result.trials[0] as Result['trials'][number]);
    expect(read).toEqual({
      ok: false,
      why: expect.stringMatching(/^trial\.candidate: trial .* has no candidate, and no header of the study records the space/),
    });
  });

  it('the decisions, the report, the CSV and the table show the trials without their candidates, and the others with theirs', async () => {
    const broken = await study(false);
    expect(studyDecisions(broken).decisions).toEqual([]);
    const html = await renderReport(broken);
    expect(html).toContain('(cannot be made: trial.candidate: trial ');
    const csv = trialsCsv(broken, studyDecisions(broken), { withDna: true }).trim().split('\n');
    expect(csv).toHaveLength(7);
    expect(csv[1]).toMatch(/,"DNA\(\[.*\]\)",$/);
    expect(decisionPairs(broken.trials[0] as Result['trials'][number], studyDecisions(broken))).toEqual(['(candidate cannot be made)']);

    rmSync(dir, { recursive: true, force: true });
    dir = mkdtempSync(join(tmpdir(), 'pliant-readable-'));
    const resumed = await study(true);
    expect(resumed.trials).toHaveLength(10);
    expect(resumed.trials.every((t) => readableCandidate(t).ok)).toBe(true);
    expect(studyDecisions(resumed).decisions.map((d) => d.name)).toEqual(['lr', 'act']);
  });
});
