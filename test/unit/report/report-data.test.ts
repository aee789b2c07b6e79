import { describe, expect, it } from 'vitest';
import { DNA, Result } from '../../../src/index.js';
import type { JsonValue, Trial } from '../../../src/index.js';
import { REPORT_STATUSES, reportData } from '../../../src/report/report-data.js';
import { EVIL, cachedStudy, multiStudy, singleStudy, symbolicStudy } from './studies.js';

/** A finished trial made by hand (for candidate shapes a search does not easily give). */
function trial(number: number, candidate: JsonValue, value: number | undefined, state: Trial['state'] = 'completed'): Trial {
  return {
    id: `t${number}`,
    number,
    state,
    dna: DNA.of(number),
    candidate,
    reports: [],
    value,
    metrics: undefined,
    error: undefined,
    started: 1_000 + number * 1_000,
    ended: 1_500 + number * 1_000,
    owner: 'test:1',
    hash: undefined,
    cached: false,
  };
}

describe('reportData', () => {
  it('gives one row per trial: values, direction-aware best so far, timing, state, reports', async () => {
    const result = await singleStudy();
    const data = reportData(result);
    expect(data.study).toBe(result.study);
    expect(data.objectives).toEqual([{ name: 'objective', metric: undefined, direction: 'maximize' }]);
    expect(data.trials.map((t) => t.number)).toEqual(result.trials.map((t) => t.number));
    let best = -Infinity;
    for (const [i, row] of data.trials.entries()) {
      const t = result.trials[i] as Trial;
      expect(row.state).toBe(t.state);
      expect(row.pruned).toBe(t.state === 'pruned');
      expect(row.dna).toBe(t.dna.toString());
      if (t.state === 'completed') {
        expect(row.value).toBe(result.objective(t));
        best = Math.max(best, row.value as number);
      } else if (t.state === 'pruned') {
        expect(row.value).toBe(t.reports[t.reports.length - 1]?.value);
      } else {
        expect(row.value).toBeUndefined();
        expect(row.error).toMatch(/out of memory/);
      }
      expect(row.values).toEqual([row.value]);
      expect(row.best).toBe(best === -Infinity ? undefined : best);
      expect(row.reports.map((r) => r.step)).toEqual(t.reports.map((_, k) => k + 1));
      expect(row.reports.map((r) => r.value)).toEqual(t.reports.map((r) => r.value));
      expect(row.started).toBeCloseTo((t.started - (result.trials[0] as Trial).started) / 1000, 9);
      expect(row.duration).toBeGreaterThanOrEqual(0);
      expect(row.ended).toBeCloseTo(row.started + (row.duration as number), 9);
    }
    expect(data.trials[0]?.started).toBe(0);
    expect(data.best).toBe(result.best?.number);
    expect(data.front).toEqual(result.paretoFront.map((t) => t.number));
    expect(data.counts.pruned).toBeGreaterThan(0);
    expect(data.counts.failed).toBeGreaterThan(0);
    expect(REPORT_STATUSES.reduce((s, k) => s + data.counts[k], 0)).toBe(result.trials.length);
  });

  it('keeps the decisions that vary, numbers as numbers and strings as categories, with how much each matters', async () => {
    const data = reportData(await singleStudy());
    expect(data.decisions.map((d) => [d.path, d.kind, d.log])).toEqual([
      ['lr', 'quantitative', true],
      ['act', 'nominal', false],
      ['width', 'quantitative', false],
    ]);
    expect(data.decisions[1]?.categories).toEqual(expect.arrayContaining(['relu', 'tanh', EVIL]));
    for (const row of data.trials) {
      expect(typeof row.decisions.lr).toBe('number');
      expect(typeof row.decisions.act).toBe('string');
      expect(Number.isInteger(row.decisions.width)).toBe(true);
    }
    for (const d of data.decisions) {
      expect(d.importance).toBeGreaterThanOrEqual(0);
      expect(d.importance).toBeLessThanOrEqual(1);
    }
    // the objective depends on lr far more than on width
    const [lr, , width] = data.decisions;
    expect(lr?.importance).toBeGreaterThan(width?.importance as number);
  });

  it('flattens symbolic candidates to key paths, without $type and without the constant leaves', async () => {
    const data = reportData(await symbolicStudy());
    expect(data.decisions.map((d) => d.path).sort()).toEqual(['model.layers[0].act', 'model.layers[0].units']);
    expect(data.decisions.find((d) => d.path === 'model.layers[0].units')?.kind).toBe('quantitative');
    expect([...(data.decisions.find((d) => d.path === 'model.layers[0].act')?.categories ?? [])].sort()).toEqual(['relu', 'tanh']);
  });

  it('reads several objectives from records: each metric, each direction, the Pareto front', async () => {
    const result = await multiStudy();
    const data = reportData(result);
    expect(data.objectives).toEqual([
      { name: 'acc', metric: 'acc', direction: 'maximize' },
      { name: 'latency', metric: 'latency', direction: 'minimize' },
    ]);
    expect(data.best).toBeUndefined();
    expect(data.front).toEqual(result.paretoFront.map((t) => t.number));
    expect(data.front.length).toBeGreaterThan(1);
    let lowest = Infinity;
    for (const [i, row] of data.trials.entries()) {
      const t = result.trials[i] as Trial;
      expect(row.values).toEqual([result.objective(t, 0), result.objective(t, 1)]);
      expect(row.value).toBe(row.values[0]);
      lowest = Math.min(lowest, row.values[1] as number);
      expect(row.bests[1]).toBe(lowest); // minimised: the lowest so far
      expect(row.reports).toEqual([]);
    }
  });

  it('marks trials the dedupe cache served, and minimises', async () => {
    const result = await cachedStudy();
    const data = reportData(result);
    const cached = data.trials.filter((t) => t.cached);
    expect(cached.length).toBe(result.trials.filter((t) => t.cached).length);
    expect(cached.length).toBeGreaterThan(0);
    expect(cached.every((t) => t.status === 'cached' && t.state === 'completed')).toBe(true);
    expect(data.counts.cached).toBe(cached.length);
    expect(data.counts.completed).toBe(result.evaluated.length);
    for (const row of data.trials) expect(row.best).toBe(Math.min(...data.trials.filter((t) => t.number <= row.number).map((t) => t.value as number)));
  });

  it('handles leaves some trials lack, special numbers, records and odd keys', () => {
    const result = new Result('hand', [
      trial(0, { layer: { $type: 'X', units: 8 }, 'a.b': 1, n: { $number: 'NaN' }, r: { $record: { $k: 1 } } }, 1),
      trial(1, { layer: { $type: 'Y', filters: 3 }, 'a.b': 2, n: 1, r: { $record: { $k: 2 } } }, 2),
      trial(2, { layer: { $type: 'Y', filters: 5 }, 'a.b': 3, n: 2, r: { $record: { $k: 2 } } }, undefined, 'failed'),
    ]);
    const data = reportData(result);
    const byPath = new Map(data.decisions.map((d) => [d.path, d]));
    // The node's type varies (X or Y): a decision at its own path; `layer.units` is 8 wherever
    // it exists, so it is no decision.
    expect([...byPath.keys()].sort()).toEqual(['["a.b"]', 'layer', 'layer.filters', 'n', 'r.$k'].sort());
    expect(byPath.get('layer')).toMatchObject({ kind: 'nominal', categories: ['X', 'Y'], name: 'layer' });
    expect(byPath.get('layer.filters')).toMatchObject({ kind: 'quantitative', name: 'filters' });
    expect(byPath.get('n')).toMatchObject({ kind: 'nominal', categories: ['NaN', '1', '2'] });
    expect(data.trials.map((t) => t.decisions.layer)).toEqual(['X', 'Y', 'Y']);
    expect(data.trials.map((t) => t.decisions['layer.units'])).toEqual([undefined, undefined, undefined]);
    expect(data.trials.map((t) => t.decisions['layer.filters'])).toEqual([undefined, 3, 5]);
    // Two completed trials: too few to rank.
    expect(data.importance.reason).toBe('too few trials to rank decisions (n < 10: 2 completed)');
    expect(data.decisions.every((d) => d.importance === undefined)).toBe(true);
    expect(data.trials.map((t) => t.started)).toEqual([0, 1, 2]);
    expect(data.trials.map((t) => t.duration)).toEqual([0.5, 0.5, 0.5]);
    expect(data.trials.map((t) => t.best)).toEqual([1, 2, 2]);
  });

  it('is empty for a study without trials', () => {
    const data = reportData(new Result('empty', []));
    expect(data.trials).toEqual([]);
    expect(data.decisions).toEqual([]);
    expect(data.best).toBeUndefined();
    expect(data.front).toEqual([]);
  });
});
