import { describe, expect, it } from 'vitest';
import { Result, intv, random, search } from '../../../src/index.js';
import { reportData } from '../../../src/report/report-data.js';
import type { ReportData } from '../../../src/report/report-data.js';
import type { TreeValue } from '../../../src/index.js';
import {
  MAX_DECISION_PLOTS,
  MAX_PARALLEL_AXES,
  STATUS_COLORS,
  cacheSpec,
  decisionSpec,
  historySpec,
  intermediateValuesSpec,
  parallelCoordinatesSpec,
  paretoSpec,
  plottedDecisions,
  reportSpecs,
  timelineSpec,
} from '../../../src/report/report-specs.js';
import type { VegaLiteSpec } from '../../../src/report/report-specs.js';
import { cachedStudy, multiStudy, singleStudy } from './studies.js';

/** Every `{domain, range}` colour scale of trial statuses in a spec. */
function statusScales(spec: unknown): { domain: string[]; range: string[] }[] {
  const found: { domain: string[]; range: string[] }[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.field === 's' && o.scale !== undefined) found.push(o.scale as { domain: string[]; range: string[] });
      Object.values(o).forEach(walk);
    }
  };
  walk(spec);
  return found;
}

/** The inline rows of a spec's layer named `name`, or of the spec itself. */
function rowsOf(spec: VegaLiteSpec, name?: string): Record<string, unknown>[] {
  const layers = (spec.layer as Record<string, unknown>[] | undefined) ?? [spec];
  const layer = name === undefined ? spec : layers.find((l) => l.name === name);
  return ((layer?.data ?? spec.data) as { values: Record<string, unknown>[] }).values;
}

describe('reportSpecs', () => {
  it('gives the plots a one-objective study with reports supports, and not the others', async () => {
    const data = reportData(await singleStudy());
    const names = reportSpecs(data).map((p) => p.name);
    expect(names.filter((n) => !n.startsWith('decision:'))).toEqual(['history', 'importance', 'parallel-coordinates', 'intermediate-values', 'timeline']);
    expect(names.filter((n) => n.startsWith('decision:')).sort()).toEqual(['decision:act', 'decision:lr', 'decision:width']);
    expect(paretoSpec(data)).toBeUndefined();
    expect(cacheSpec(data)).toBeUndefined();
  });

  it('adds the Pareto front for two objectives and the cache plot with cached trials; no intermediate values without reports', async () => {
    const multi = reportData(await multiStudy());
    const names = reportSpecs(multi).map((p) => p.name);
    expect(names.filter((n) => !n.startsWith('decision:'))).toEqual(['history', 'pareto', 'importance', 'parallel-coordinates', 'timeline']);
    expect(names.filter((n) => n.startsWith('decision:')).sort()).toEqual(['decision:k', 'decision:n', 'decision:x']);
    expect(intermediateValuesSpec(multi)).toBeUndefined();
    const cached = reportData(await cachedStudy());
    expect(reportSpecs(cached).map((p) => p.name)).toContain('cache');
  });

  it('are plain JSON with their data inline, a width, titles, and no URL', async () => {
    for (const data of [reportData(await singleStudy()), reportData(await multiStudy()), reportData(await cachedStudy())]) {
      for (const { spec } of reportSpecs(data)) {
        const text = JSON.stringify(spec);
        expect(JSON.parse(text)).toEqual(spec);
        expect(text).not.toMatch(/https?:|"url"|\$schema/);
        expect(text).toContain('"values"');
        expect(text).toMatch(/"width":\d+/);
        expect(text).toContain('"title"');
      }
    }
  });

  it('colours each status the same everywhere, listing only the statuses present', async () => {
    for (const data of [reportData(await singleStudy()), reportData(await cachedStudy())]) {
      for (const { spec } of reportSpecs(data)) {
        for (const scale of statusScales(spec)) {
          expect(scale.range).toEqual(scale.domain.map((s) => STATUS_COLORS[s as keyof typeof STATUS_COLORS]));
          for (const s of scale.domain) expect(data.counts[s as keyof typeof data.counts]).toBeGreaterThan(0);
        }
      }
    }
  });

  it('history: a point per trial with a value and the best so far as a step line; one chart per objective', async () => {
    const data = reportData(await singleStudy());
    const spec = historySpec(data) as VegaLiteSpec;
    expect(rowsOf(spec, 'trials')).toHaveLength(data.trials.filter((t) => t.value !== undefined).length);
    expect(rowsOf(spec, 'best').map((r) => r.b)).toEqual(data.trials.flatMap((t) => (t.best === undefined ? [] : [t.best])));
    expect(JSON.stringify(spec)).toContain('"interpolate":"step-after"');
    const multi = historySpec(reportData(await multiStudy())) as VegaLiteSpec;
    expect(multi.vconcat).toHaveLength(2);
  });

  it('decisions: value against objective over completed trials, categories with a mean tick, log axes for log-like values', async () => {
    const data = reportData(await singleStudy());
    const completed = data.trials.filter((t) => t.state === 'completed').length;
    const [lr, act] = data.decisions;
    const lrSpec = decisionSpec(data, lr!) as VegaLiteSpec;
    expect(rowsOf(lrSpec)).toHaveLength(completed);
    expect(JSON.stringify(lrSpec)).toContain('"type":"log"');
    const actSpec = decisionSpec(data, act!) as VegaLiteSpec;
    expect(JSON.stringify(actSpec)).toContain('"aggregate":"mean"');
    expect((actSpec.title as { text: string }).text).toBe('act');
    // most important first
    const order = plottedDecisions(data).map((d) => d.importance as number);
    expect(order).toEqual([...order].sort((a, b) => b - a));
    expect(plottedDecisions(data).length).toBeLessThanOrEqual(MAX_DECISION_PLOTS);
    // several objectives: one row of the facet per objective
    const multi = reportData(await multiStudy());
    const faceted = decisionSpec(multi, multi.decisions[0]!) as VegaLiteSpec;
    expect(faceted.facet).toBeDefined();
    expect(rowsOf(faceted)).toHaveLength(2 * multi.trials.length);
  });

  it('parallel coordinates: fold, normalise and a line per completed trial coloured by the objective', async () => {
    const data = reportData(await singleStudy());
    const spec = parallelCoordinatesSpec(data) as VegaLiteSpec;
    const lines = (spec.layer as Record<string, unknown>[]).find((l) => l.name === 'lines') as Record<string, unknown>;
    const ops = (lines.transform as Record<string, unknown>[]).map((t) => Object.keys(t)[0]);
    expect(ops).toEqual(expect.arrayContaining(['window', 'fold', 'joinaggregate', 'calculate', 'lookup']));
    expect(rowsOf(spec, 'lines')).toHaveLength(data.trials.filter((t) => t.state === 'completed').length);
    expect((lines.encoding as Record<string, { field?: string }>).color?.field).toBe('c');
    const axes = rowsOf(spec, 'axes').map((r) => r.axis);
    // The decisions, most important first, then the objective.
    expect(axes).toEqual([...plottedDecisions(data).map((d) => d.name), 'objective (maximize)']);
    expect(axes[0]).toBe('lr');
    expect([...axes].sort()).toEqual(['act', 'lr', 'objective (maximize)', 'width']);
    // Labels are formatted numbers and category names, never `16.000000` or `(none)`.
    for (const r of rowsOf(spec, 'labels')) expect(String(r.label)).not.toMatch(/\.0{3,}|\(none\)/);
  });

  it('parallel coordinates: at most 8 axes on a study with many decisions, the important ones kept', async () => {
    const space: Record<string, TreeValue> = {};
    for (let i = 0; i < 24; i++) space[`d${i}`] = intv(0, 9);
    const result = await search(space, (c) => (c as Record<string, number>).d5! * 10 + (c as Record<string, number>).d17! + Math.random() * 0.01, {
      numTrials: 60,
      algorithm: random({ seed: 4 }),
    });
    const data = reportData(result);
    expect(data.decisions).toHaveLength(24);
    const axes = rowsOf(parallelCoordinatesSpec(data) as VegaLiteSpec, 'axes').map((r) => r.axis);
    expect(axes.length).toBeLessThanOrEqual(MAX_PARALLEL_AXES);
    expect(axes[0]).toBe('d5');
    expect(axes[axes.length - 1]).toBe('objective (maximize)');
  });

  it('Pareto: every completed trial, the front connected', async () => {
    const result = await multiStudy();
    const data = reportData(result);
    const spec = paretoSpec(data) as VegaLiteSpec;
    expect(rowsOf(spec, 'trials')).toHaveLength(result.completed.length);
    expect(
      rowsOf(spec, 'front')
        .map((r) => r.n)
        .sort(),
    ).toEqual([...data.front].sort());
    const xs = rowsOf(spec, 'front').map((r) => r.x as number);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
  });

  it('intermediate values and cache: a line per reporting trial, pruned stops marked; cumulative counts', async () => {
    const data = reportData(await singleStudy());
    const spec = intermediateValuesSpec(data) as VegaLiteSpec;
    expect(rowsOf(spec, 'curves')).toHaveLength(data.trials.reduce((s, t) => s + t.reports.length, 0));
    expect(rowsOf(spec, 'stops')).toHaveLength(data.counts.pruned);
    const cached = reportData(await cachedStudy());
    const rows = rowsOf(cacheSpec(cached) as VegaLiteSpec);
    const last = rows.slice(-2);
    expect(last).toEqual([
      { n: cached.trials.length - 1, k: 'evaluated', count: cached.counts.completed },
      { n: cached.trials.length - 1, k: 'served by the cache', count: cached.counts.cached },
    ]);
    expect(timelineSpec(cached)).toBeDefined();
  });

  it('skips every plot without data', () => {
    const empty: ReportData = reportData(new Result('empty', []));
    expect(reportSpecs(empty)).toEqual([]);
    for (const f of [historySpec, paretoSpec, parallelCoordinatesSpec, intermediateValuesSpec, cacheSpec, timelineSpec]) expect(f(empty)).toBeUndefined();
  });
});
