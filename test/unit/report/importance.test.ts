import { describe, expect, it } from 'vitest';
import { floatv, intv, oneOf, random, search } from '../../../src/index.js';
import type { Result } from '../../../src/index.js';
import { MIN_IMPORTANCE_TRIALS, decisionImportance } from '../../../src/report/importance.js';
import type { ImportancePoint } from '../../../src/report/importance.js';
import { reportData } from '../../../src/report/report-data.js';
import { studyDecisions } from '../../../src/tuning/study-decisions.js';

/** The importance inputs of a finished search: its decisions and its completed trials' points. */
function inputs(result: Result): { decisions: ReturnType<typeof studyDecisions>['decisions']; points: ImportancePoint[] } {
  const { decisions, valuesOf } = studyDecisions(result);
  const points = result.completed.map((t) => ({ values: valuesOf(t), value: result.objective(t) }));
  return { decisions, points };
}

describe('decisionImportance (PED-ANOVA)', () => {
  it('ranks first the decision that drives the objective (numbers, categories, both directions)', async () => {
    const space = { a: floatv(0, 1), b: floatv(0, 1), c: oneOf(['x', 'y', 'z']), d: intv(1, 20), e: floatv(1e-4, 1e-1, { scale: 'log' }) };
    for (const [driver, f] of [
      ['b', (c: Record<string, number | string>): number => (c.b as number) * 10 + (c.a as number) * 0.1],
      // (No tie-breaker: within the top quantile a tie-breaker is what sets trials apart.)
      ['c', (c: Record<string, number | string>): number => (c.c === 'y' ? 5 : 0)],
      ['d', (c: Record<string, number | string>): number => -Math.abs((c.d as number) - 7) + (c.b as number) * 0.1],
      ['e', (c: Record<string, number | string>): number => -Math.abs(Math.log10(c.e as number) + 3.5)],
    ] as const) {
      for (const direction of ['maximize', 'minimize'] as const) {
        const sign = direction === 'maximize' ? 1 : -1;
        const result = await search(space, (c) => sign * f(c as unknown as Record<string, number | string>), {
          numTrials: 80,
          direction,
          algorithm: random({ seed: 11 }),
        });
        const { decisions, points } = inputs(result);
        const ranking = decisionImportance(decisions, points, direction);
        expect(ranking.reason).toBeUndefined();
        expect(ranking.trials).toBe(80);
        expect(ranking.ranked[0]?.key, `${driver} ${direction}`).toBe(driver);
        expect(ranking.ranked[0]?.importance).toBeGreaterThan(0.3);
        const total = ranking.ranked.reduce((s, r) => s + r.importance, 0);
        expect(total).toBeCloseTo(1, 9);
      }
    }
  });

  it('never ranks a constant: only the decisions that vary are ranked', async () => {
    const result = await search({ a: floatv(0, 1), k: oneOf([3]), fixed: 'softmax', units: 10, b: floatv(0, 1) }, (c) => c.a, {
      numTrials: 30,
      algorithm: random({ seed: 3 }),
    });
    const { decisions, points } = inputs(result);
    const ranking = decisionImportance(decisions, points, 'maximize');
    expect(ranking.ranked.map((r) => r.key).sort()).toEqual(['a', 'b']);
    expect(ranking.ranked[0]?.key).toBe('a');
    // The report's panels are the same decisions.
    expect(reportData(result).decisions.map((d) => d.path)).toEqual(['a', 'b']);
  });

  it(`says when there are too few completed trials to rank (fewer than ${MIN_IMPORTANCE_TRIALS})`, async () => {
    const result = await search({ a: floatv(0, 1), b: floatv(0, 1) }, (c) => c.a, { numTrials: 7, algorithm: random({ seed: 1 }) });
    const { decisions, points } = inputs(result);
    const ranking = decisionImportance(decisions, points, 'maximize');
    expect(ranking.ranked).toEqual([]);
    expect(ranking.reason).toBe(`too few trials to rank decisions (n < ${MIN_IMPORTANCE_TRIALS}: 7 completed)`);
    const data = reportData(result);
    expect(data.importance.reason).toBe(ranking.reason);
    expect(data.decisions.every((d) => d.importance === undefined)).toBe(true);
  });

  it('says so when every completed trial ties', async () => {
    const result = await search({ a: floatv(0, 1) }, () => 1, { numTrials: 12, algorithm: random({ seed: 1 }) });
    const { decisions, points } = inputs(result);
    const ranking = decisionImportance(decisions, points, 'minimize');
    expect(ranking.ranked).toEqual([]);
    expect(ranking.reason).toMatch(/all tie/);
  });

  it('ranks a conditional decision by the trials that have it, weighted by how many do', async () => {
    // `w` exists only under the `deep` branch, and the objective is set by it there.
    const space = { arch: oneOf([{ kind: 'flat' }, { kind: 'deep', w: floatv(0, 1) }]), noise: floatv(0, 1) };
    const result = await search(
      space,
      (c) => {
        const arch = c.arch as { kind: string; w?: number };
        return arch.kind === 'deep' ? 1 + (arch.w as number) * 4 : 0.5 + c.noise * 0.01;
      },
      { numTrials: 80, algorithm: random({ seed: 5 }) },
    );
    const { decisions, points } = inputs(result);
    const ranking = decisionImportance(decisions, points, 'maximize');
    const keys = ranking.ranked.map((r) => r.key);
    expect(keys.indexOf('noise')).toBe(keys.length - 1);
    expect(keys.slice(0, 2).sort()).toEqual(['arch.kind', 'arch.w']);
  });
});
