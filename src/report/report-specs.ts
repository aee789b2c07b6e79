/**
 * The study report's plots as vega-lite specs: plain JSON objects with their data inline, ready
 * for {@link renderSvg} (or any vega-lite renderer).
 */
import { formatNumber } from './format-number.js';
import { isLogLike } from './log-scale.js';
import { ABSENT, REPORT_STATUSES } from './report-data.js';
import type { ReportData, ReportDecision, ReportObjective, ReportStatus, ReportTrial } from './report-data.js';

/** A vega-lite top-level spec as plain JSON (data inline, no URLs). */
export type VegaLiteSpec = Readonly<Record<string, unknown>>;

/** One plot of a report. */
export interface ReportPlot {
  /**
   * A stable name: `history`, `pareto`, `importance`, `decision:<key>`, `parallel-coordinates`,
   * `intermediate-values`, `cache`, `timeline`.
   */
  readonly name: string;
  /** The section it belongs to (plots of one section are shown together). */
  readonly section: string;
  /** Its vega-lite spec. */
  readonly spec: VegaLiteSpec;
}

/** The colour of each trial status, the same in every plot. */
export const STATUS_COLORS: Readonly<Record<ReportStatus, string>> = Object.freeze({
  completed: '#4c78a8',
  cached: '#72b7b2',
  pruned: '#f58518',
  failed: '#e45756',
  running: '#9d9d9d',
  abandoned: '#9d755d',
});

/** How many decisions get a plot of their own (the first {@link TOP_DECISION_PLOTS} shown, the rest folded). */
export const MAX_DECISION_PLOTS = 24;
/** How many decision plots a report shows before folding the rest. */
export const TOP_DECISION_PLOTS = 6;
/** The most axes of the parallel-coordinates view: the most important decisions and the objective. */
export const MAX_PARALLEL_AXES = 8;
/** Nominal decisions with more labels than this are left out of plots (they are mostly unique values). */
export const MAX_CATEGORIES = 40;

const WIDTH = 640;
const HEIGHT = 260;
const SMALL_WIDTH = 280;
const SMALL_HEIGHT = 170;
const BEST_COLOR = '#222222';

const CONFIG = {
  background: 'white',
  font: 'system-ui, -apple-system, Segoe UI, Roboto, sans-serif',
  title: { anchor: 'start', fontSize: 14, subtitleFontSize: 11, subtitleColor: '#555' },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', labelLimit: 160 },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal' },
  header: { labelFontSize: 12 },
  view: { stroke: '#ddd' },
};

/** A top-level spec: the shared config around `body`. */
function top(body: Record<string, unknown>): VegaLiteSpec {
  return { ...body, config: CONFIG };
}

/**
 * A field definition's title, and its guide's. vega-lite writes a field's title into the
 * expression of its marks' accessibility descriptions (`"title: " + datum...`) escaping only
 * `"`, so a backslash or a line break in a name would break (or change) that expression: the
 * field definition gets the title escaped for the expression (`\\`, `\uXXXX` for control
 * characters and U+2028/9), and the guide (`axis` or `legend`), which vega shows as a plain
 * value, gets the text itself.
 */
function fieldTitle(text: string, guide: 'axis' | 'legend', props: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  return { title: expressionText(text), [guide]: { ...props, title: text } };
}

/** `text` as the inside of a vega expression string literal whose `"` vega-lite escapes itself. */
function expressionText(text: string): string {
  return text.replace(/[\\\u0000-\u001f\u007f\u2028\u2029]/g, (c) => (c === '\\' ? '\\\\' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/** An objective's axis title: `latency (minimize)`. */
function objectiveTitle(o: ReportObjective): string {
  return `${o.name} (${o.direction})`;
}

/** The colour encoding of statuses, listing only those present (each keeps its colour). */
function statusColor(statuses: Iterable<ReportStatus>, field = 's'): Record<string, unknown> {
  const present = new Set(statuses);
  const domain = REPORT_STATUSES.filter((s) => present.has(s));
  return { field, type: 'nominal', title: 'trial', scale: { domain, range: domain.map((s) => STATUS_COLORS[s]) } };
}

/** A y (or x) scale for values: log when all positive, spanning three decades or more and crowded at the low end. */
function valueScale(values: readonly number[]): Record<string, unknown> {
  return isLogLike(values, 3) ? { type: 'log' } : { zero: false, nice: true };
}

/** Items beyond which marks get no per-item accessibility labels (they would double the SVG). */
const ARIA_ITEMS = 300;

/**
 * The opacity of `n` overlapping items (fainter as they crowd, from `opacity` down to a quarter
 * of it) and, for many items, no per-item `aria` labels.
 */
function crowd(n: number, opacity: number): { opacity: number; aria?: boolean } {
  const faded = Math.max(opacity / 4, Math.min(opacity, opacity * Math.sqrt(100 / Math.max(n, 1))));
  return { opacity: Number(faded.toFixed(2)), ...(n > ARIA_ITEMS ? { aria: false } : {}) };
}

const TRIAL_AXIS = { field: 'n', type: 'quantitative', title: 'trial number', axis: { tickMinStep: 1, format: 'd' } };

/**
 * Every trial's value of each objective over trial number (points coloured by status; pruned
 * trials at their last report), with the best so far (feasible completed trials, direction-aware)
 * as a step line. One chart per objective, stacked (marks `trials` and `best`, then `trials_1`,
 * `best_1`, ...). `undefined` when no trial has a value.
 */
export function historySpec(data: ReportData): VegaLiteSpec | undefined {
  const charts: Record<string, unknown>[] = [];
  data.objectives.forEach((o, i) => {
    const points = data.trials.flatMap((t) => (t.values[i] === undefined ? [] : [{ n: t.number, v: t.values[i] as number, s: t.status }]));
    if (points.length === 0) return;
    const best = data.trials.flatMap((t) => (t.bests[i] === undefined ? [] : [{ n: t.number, b: t.bests[i] as number }]));
    const y = { type: 'quantitative', ...fieldTitle(objectiveTitle(o), 'axis'), scale: valueScale(points.map((p) => p.v)) };
    // Mark names must be unique across the stacked charts (they name vega's data sets too).
    const suffix = charts.length === 0 ? '' : `_${i}`;
    charts.push({
      title: {
        text: data.objectives.length === 1 ? 'Objective by trial' : `${o.name} by trial`,
        subtitle: `each point is a trial; the line is the best so far (${o.direction})`,
      },
      width: WIDTH,
      height: HEIGHT,
      layer: [
        {
          name: `trials${suffix}`,
          data: { values: points },
          mark: { type: 'point', filled: true, size: 42, ...crowd(points.length, 0.85) },
          encoding: { x: TRIAL_AXIS, y: { ...y, field: 'v' }, color: statusColor(points.map((p) => p.s)) },
        },
        {
          name: `best${suffix}`,
          data: { values: best },
          mark: { type: 'line', interpolate: 'step-after', color: BEST_COLOR, strokeWidth: 1.5 },
          encoding: { x: { field: 'n', type: 'quantitative' }, y: { field: 'b', type: 'quantitative' } },
        },
      ],
    });
  });
  if (charts.length === 0) return undefined;
  return top(charts.length === 1 ? (charts[0] as Record<string, unknown>) : { vconcat: charts, resolve: { scale: { color: 'shared' } } });
}

/** The decisions a report plots: at most {@link MAX_DECISION_PLOTS}, most important first, without label soups. */
export function plottedDecisions(data: ReportData): ReportDecision[] {
  return data.decisions
    .filter((d) => d.kind === 'quantitative' || d.categories.length <= MAX_CATEGORIES)
    .map((d, i) => ({ d, i }))
    .sort((a, b) => (b.d.importance ?? -1) - (a.d.importance ?? -1) || a.i - b.i)
    .slice(0, MAX_DECISION_PLOTS)
    .map(({ d }) => d);
}

/**
 * "Which choices matter": one small plot per decision, its value (x: categories or numbers)
 * against each objective (y) over the completed trials, with each category's mean as a tick.
 * `undefined` when no completed trial has the decision and a value.
 */
export function decisionSpec(data: ReportData, decision: ReportDecision): VegaLiteSpec | undefined {
  // `k`: the objective's position (orders the facets; a sort array of names would be an expression).
  const rows: { n: number; x: number | string; o: string; k: number; y: number; s: ReportStatus }[] = [];
  for (const t of data.trials) {
    const x = t.decisions[decision.path];
    if (t.state !== 'completed' || x === undefined) continue;
    data.objectives.forEach((o, i) => {
      const y = t.values[i];
      if (y !== undefined) rows.push({ n: t.number, x, o: o.name, k: i, y, s: t.status });
    });
  }
  if (rows.length === 0) return undefined;
  const several = data.objectives.length > 1;
  const nominal = decision.kind === 'nominal';
  // Category order by an explicit domain, not `sort: [...]`: vega-lite compiles a sort array into
  // an expression with the labels in it, where some characters (U+2028) break it.
  const present = new Set(rows.map((r) => r.x));
  const x = nominal
    ? {
        field: 'x',
        type: 'nominal',
        scale: { domain: decision.categories.filter((c) => present.has(c)) },
        ...fieldTitle(decision.name, 'axis', { labelAngle: decision.categories.length > 4 ? -40 : 0, labelLimit: 120 }),
      }
    : {
        field: 'x',
        type: 'quantitative',
        ...fieldTitle(decision.name, 'axis', integerAxis(rows.map((r) => r.x as number))),
        scale: decision.log ? { type: 'log' } : { zero: false, nice: true },
      };
  const only = data.objectives[0] as ReportObjective;
  const y = {
    field: 'y',
    type: 'quantitative',
    ...fieldTitle(several ? 'value' : objectiveTitle(only), 'axis'),
    scale: several ? { zero: false } : valueScale(rows.map((r) => r.y)),
  };
  const layer: Record<string, unknown>[] = [
    {
      name: 'trials',
      mark: { type: 'point', filled: true, size: 36, ...crowd(rows.length, 0.7) },
      encoding: { x, y, color: { ...statusColor(rows.map((r) => r.s)), legend: null } },
    },
  ];
  if (nominal) {
    layer.push({
      name: 'means',
      mark: { type: 'tick', color: BEST_COLOR, thickness: 2, size: 22 },
      encoding: { x, y: { ...y, aggregate: 'mean' } },
    });
  }
  const importance = decision.importance === undefined ? '' : `importance ${percent(decision.importance)} · `;
  const title = { text: decision.name, subtitle: `${importance}${nominal ? 'tick: mean per choice' : decision.log ? 'log scale' : 'completed trials'}` };
  if (!several) return top({ title, data: { values: rows }, width: SMALL_WIDTH, height: SMALL_HEIGHT, layer });
  return top({
    title,
    data: { values: rows },
    facet: { row: { field: 'o', type: 'nominal', title: null, sort: { field: 'k', op: 'min' } } },
    spec: { width: SMALL_WIDTH, height: SMALL_HEIGHT * 0.75, layer },
    resolve: { scale: { y: 'independent' } },
  });
}

/**
 * The most important decisions together: one line per completed trial through an axis per
 * decision (at most {@link MAX_PARALLEL_AXES} axes with the objective's; each normalised to its
 * range; categories evenly spaced, a trial without the decision at `—`, log-scaled numbers in
 * log space) and the first objective, coloured by the objective (brighter is better).
 * `undefined` with fewer than 2 such trials or no decision.
 */
export function parallelCoordinatesSpec(data: ReportData): VegaLiteSpec | undefined {
  const decisions = plottedDecisions(data).slice(0, MAX_PARALLEL_AXES - 1);
  const objective = data.objectives[0] as ReportObjective;
  const trials = data.trials.filter((t) => t.state === 'completed' && t.value !== undefined);
  if (decisions.length === 0 || trials.length < 2) return undefined;
  const fields = decisions.map((_, i) => `d${i}`);
  const names = new Set(decisions.map((d) => d.name));
  let objectiveAxis = objectiveTitle(objective);
  while (names.has(objectiveAxis)) objectiveAxis = `${objectiveAxis} `;
  const axes = [...decisions.map((d, i) => ({ key: `d${i}`, axis: d.name })), { key: 'y', axis: objectiveAxis }];
  // Nominal axes list a trial without the decision as `—` (after the categories).
  const categories = decisions.map((d) =>
    d.kind === 'nominal' && trials.some((t) => t.decisions[d.path] === undefined) && !d.categories.includes(ABSENT) ? [...d.categories, ABSENT] : d.categories,
  );
  const position = (d: ReportDecision, i: number, t: ReportTrial): number | undefined => {
    const v = t.decisions[d.path];
    if (d.kind === 'nominal') return (categories[i] as readonly string[]).indexOf(v === undefined ? ABSENT : String(v));
    if (v === undefined) return undefined;
    return d.log ? Math.log10(v as number) : (v as number);
  };
  const rows = trials.map((t) => {
    const row: Record<string, number | string> = { n: t.number, y: t.value as number, c: t.value as number };
    decisions.forEach((d, i) => {
      const p = position(d, i, t);
      if (p !== undefined && p >= 0) row[`d${i}`] = p;
    });
    return row;
  });
  // Tick labels, at the positions the normalisation below gives.
  const labels: { axis: string; norm: number; label: string }[] = [];
  const range = (key: string): [number, number] => {
    const vs = rows.flatMap((r) => (typeof r[key] === 'number' ? [r[key] as number] : []));
    return [Math.min(...vs), Math.max(...vs)];
  };
  const norm = (v: number, [lo, hi]: [number, number]): number => (hi === lo ? 0.5 : (v - lo) / (hi - lo));
  decisions.forEach((d, i) => {
    const r = range(`d${i}`);
    if (!Number.isFinite(r[0])) return;
    if (d.kind === 'nominal') {
      (categories[i] as readonly string[]).forEach((c, k) => {
        if (k >= r[0] && k <= r[1]) labels.push({ axis: d.name, norm: norm(k, r), label: c });
      });
    } else {
      const shown = (v: number): string => formatNumber(d.log ? 10 ** v : v);
      // A few distinct values (layer widths, kernel sizes) are each labelled; else the range's ends.
      const distinct = [...new Set(rows.flatMap((row) => (typeof row[`d${i}`] === 'number' ? [row[`d${i}`] as number] : [])))].sort((a, b) => a - b);
      const ticks = distinct.length <= 6 ? distinct : [r[0], r[1]];
      for (const v of ticks) labels.push({ axis: d.name, norm: norm(v, r), label: shown(v) });
    }
  });
  const yr = range('y');
  labels.push({ axis: objectiveAxis, norm: 0, label: formatNumber(yr[0]) }, { axis: objectiveAxis, norm: 1, label: formatNumber(yr[1]) });
  const x = {
    field: 'axis',
    type: 'nominal',
    scale: { domain: axes.map((a) => a.axis) },
    title: null,
    axis: { orient: 'bottom', labelAngle: axes.length > 6 ? -30 : 0, domain: false, ticks: false, labelLimit: 220 },
  };
  const yNorm = { type: 'quantitative', axis: null, scale: { domain: [0, 1], nice: false, zero: false } };
  return top({
    title: {
      text: 'Decisions together',
      subtitle: `the ${decisions.length === 1 ? 'decision' : `${decisions.length} decisions`}${data.decisions.length > decisions.length ? ` that matter most (of ${data.decisions.length})` : ''}; one line per completed trial; colour: ${objectiveTitle(objective)}, brighter is better`,
    },
    width: Math.max(WIDTH, axes.length * 70),
    height: HEIGHT + 40,
    layer: [
      {
        name: 'lines',
        data: { values: rows },
        transform: [
          { window: [{ op: 'count', as: 'index' }] },
          { fold: [...fields, 'y'], as: ['key', 'raw'] },
          { filter: 'isValid(datum.raw)' },
          {
            joinaggregate: [
              { op: 'min', field: 'raw', as: 'lo' },
              { op: 'max', field: 'raw', as: 'hi' },
            ],
            groupby: ['key'],
          },
          { calculate: 'datum.hi === datum.lo ? 0.5 : (datum.raw - datum.lo) / (datum.hi - datum.lo)', as: 'norm' },
          { lookup: 'key', from: { data: { values: axes }, key: 'key', fields: ['axis'] } },
        ],
        mark: { type: 'line', strokeWidth: 1.2, ...crowd(rows.length, 0.6) },
        encoding: {
          x,
          y: { ...yNorm, field: 'norm' },
          detail: { field: 'index', type: 'nominal' },
          color: {
            field: 'c',
            type: 'quantitative',
            ...fieldTitle(objective.name, 'legend'),
            scale: { scheme: 'viridis', reverse: objective.direction === 'minimize' },
          },
        },
      },
      {
        name: 'axes',
        data: { values: axes.map((a) => ({ axis: a.axis, lo: 0, hi: 1 })) },
        mark: { type: 'rule', color: '#999' },
        encoding: { x, y: { ...yNorm, field: 'lo' }, y2: { field: 'hi' } },
      },
      {
        name: 'labels',
        data: { values: labels },
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 10, color: '#333', limit: 90 },
        encoding: { x, y: { ...yNorm, field: 'norm' }, text: { field: 'label' } },
      },
    ],
  });
}

/**
 * The Pareto front of the first two objectives: every completed trial as a point (coloured by
 * status, front members larger diamonds), the front connected by a line. `undefined` with
 * fewer than 2 objectives or no completed trial with both values.
 */
export function paretoSpec(data: ReportData): VegaLiteSpec | undefined {
  if (data.objectives.length < 2) return undefined;
  const [ox, oy] = data.objectives as [ReportObjective, ReportObjective];
  const front = new Set(data.front);
  const rows = data.trials.flatMap((t) =>
    t.state === 'completed' && t.values[0] !== undefined && t.values[1] !== undefined
      ? [{ n: t.number, x: t.values[0], y: t.values[1], s: t.status, f: front.has(t.number) ? 'on the front' : 'dominated' }]
      : [],
  );
  if (rows.length === 0) return undefined;
  const line = rows.filter((r) => r.f === 'on the front').sort((a, b) => a.x - b.x || a.y - b.y);
  const x = { field: 'x', type: 'quantitative', ...fieldTitle(objectiveTitle(ox), 'axis'), scale: valueScale(rows.map((r) => r.x)) };
  const y = { field: 'y', type: 'quantitative', ...fieldTitle(objectiveTitle(oy), 'axis'), scale: valueScale(rows.map((r) => r.y)) };
  const more = data.objectives.length > 2 ? ` (front over all ${data.objectives.length} objectives)` : '';
  return top({
    title: { text: 'Pareto front', subtitle: `${line.length} of ${rows.length} completed trials on the front${more}` },
    width: WIDTH,
    height: HEIGHT + 60,
    layer: [
      {
        name: 'front',
        data: { values: line },
        mark: { type: 'line', color: BEST_COLOR, strokeWidth: 1.5, opacity: 0.7 },
        encoding: { x, y, order: { field: 'x' } },
      },
      {
        name: 'trials',
        data: { values: rows },
        mark: { type: 'point', filled: true, ...crowd(rows.length, 0.85) },
        encoding: {
          x,
          y,
          color: statusColor(rows.map((r) => r.s)),
          shape: { field: 'f', type: 'nominal', title: null, scale: { domain: ['on the front', 'dominated'], range: ['diamond', 'circle'] } },
          size: { field: 'f', type: 'nominal', title: null, scale: { domain: ['on the front', 'dominated'], range: [110, 35] } },
        },
      },
    ],
  });
}

/**
 * Intermediate values (the first objective as reported) over steps, one line per trial, pruned
 * trials in their own colour with a cross where they stopped. `undefined` when no trial reported.
 */
export function intermediateValuesSpec(data: ReportData): VegaLiteSpec | undefined {
  const rows = data.trials.flatMap((t) => t.reports.map((r) => ({ n: t.number, step: r.step, v: r.value, s: t.status })));
  if (rows.length === 0) return undefined;
  const stops = data.trials.flatMap((t) => {
    const last = t.reports[t.reports.length - 1];
    return t.pruned && last !== undefined ? [{ n: t.number, step: last.step, v: last.value, s: t.status }] : [];
  });
  const objective = data.objectives[0] as ReportObjective;
  const integral = rows.every((r) => Number.isInteger(r.step));
  const x = { field: 'step', type: 'quantitative', title: 'step', ...(integral ? { axis: { tickMinStep: 1 } } : {}) };
  const y = { field: 'v', type: 'quantitative', ...fieldTitle(`${objectiveTitle(objective)}, as reported`, 'axis'), scale: valueScale(rows.map((r) => r.v)) };
  const color = statusColor(rows.map((r) => r.s));
  const layer: Record<string, unknown>[] = [
    {
      name: 'curves',
      data: { values: rows },
      mark: {
        type: 'line',
        strokeWidth: 1.3,
        ...crowd(data.trials.filter((t) => t.reports.length > 0).length, 0.7),
        point: rows.length <= 400 ? { size: 14, filled: true } : false,
      },
      encoding: { x, y, detail: { field: 'n', type: 'nominal' }, color },
    },
  ];
  if (stops.length > 0)
    layer.push({ name: 'stops', data: { values: stops }, mark: { type: 'point', shape: 'cross', filled: true, size: 70 }, encoding: { x, y, color } });
  const pruned = data.trials.filter((t) => t.pruned).length;
  return top({
    title: { text: 'Intermediate values', subtitle: `one line per trial that reported${pruned > 0 ? `; ${pruned} pruned (× where stopped)` : ''}` },
    width: WIDTH,
    height: HEIGHT,
    layer,
  });
}

/**
 * The dedupe cache at work: cumulative trials evaluated and served by the cache over trial
 * number. `undefined` when no trial was served by the cache.
 */
export function cacheSpec(data: ReportData): VegaLiteSpec | undefined {
  if (!data.trials.some((t) => t.cached)) return undefined;
  let evaluated = 0;
  let cached = 0;
  const rows: { n: number; k: string; count: number }[] = [];
  for (const t of data.trials) {
    if (t.cached) cached++;
    else evaluated++;
    rows.push({ n: t.number, k: 'evaluated', count: evaluated }, { n: t.number, k: 'served by the cache', count: cached });
  }
  return top({
    title: { text: 'Dedupe cache', subtitle: `${cached} of ${data.trials.length} trials served by the cache without evaluating` },
    width: WIDTH,
    height: HEIGHT - 60,
    data: { values: rows },
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
    name: 'counts',
    encoding: {
      x: TRIAL_AXIS,
      y: { field: 'count', type: 'quantitative', title: 'trials (cumulative)' },
      color: {
        field: 'k',
        type: 'nominal',
        title: null,
        scale: { domain: ['evaluated', 'served by the cache'], range: [STATUS_COLORS.completed, STATUS_COLORS.cached] },
      },
    },
  });
}

/**
 * When each trial ran: a bar from its start to its end (seconds since the first trial started),
 * coloured by status. `undefined` when no trial has ended.
 */
export function timelineSpec(data: ReportData): VegaLiteSpec | undefined {
  const rows = data.trials.flatMap((t) => (t.ended === undefined ? [] : [{ n: t.number, a: t.started, b: t.ended, s: t.status }]));
  if (rows.length === 0) return undefined;
  return top({
    title: { text: 'Timeline', subtitle: 'when each trial ran (seconds since the first trial started)' },
    width: WIDTH,
    height: Math.min(400, Math.max(120, rows.length * 4)),
    data: { values: rows },
    name: 'runs',
    mark: { type: 'rule', strokeWidth: 2.5, strokeCap: 'round' },
    encoding: {
      x: { field: 'a', type: 'quantitative', title: 'seconds', axis: { format: '~r' } },
      x2: { field: 'b' },
      y: { field: 'n', type: 'quantitative', title: 'trial number', axis: { tickMinStep: 1, format: 'd' }, scale: { reverse: true } },
      color: statusColor(rows.map((r) => r.s)),
    },
  });
}

/**
 * Which decisions matter most: a bar per ranked decision (at most {@link MAX_DECISION_PLOTS}),
 * its share of the PED-ANOVA importance. `undefined` when nothing is ranked (too few trials).
 */
export function importanceSpec(data: ReportData): VegaLiteSpec | undefined {
  const ranked = plottedDecisions(data).filter((d) => d.importance !== undefined);
  if (ranked.length === 0) return undefined;
  const rows = ranked.map((d) => ({ d: d.name, v: d.importance as number, l: percent(d.importance as number) }));
  const y = { field: 'd', type: 'nominal', scale: { domain: rows.map((r) => r.d) }, ...fieldTitle('decision', 'axis', { labelLimit: 220 }) };
  return top({
    title: {
      text: 'Importance',
      subtitle: `PED-ANOVA over ${data.importance.trials} completed trials: how much each decision sets the best ${data.importance.top} apart`,
    },
    width: WIDTH - 220,
    height: Math.max(40, rows.length * 18),
    data: { values: rows },
    layer: [
      {
        name: 'bars',
        mark: { type: 'bar', color: '#4c78a8' },
        encoding: { y, x: { field: 'v', type: 'quantitative', ...fieldTitle('share of importance', 'axis', { format: '.0%' }), scale: { domain: [0, 1] } } },
      },
      {
        name: 'shares',
        mark: { type: 'text', align: 'left', dx: 3, fontSize: 10, color: '#333' },
        encoding: { y, x: { field: 'v', type: 'quantitative' }, text: { field: 'l' } },
      },
    ],
  });
}

/** A share as a percentage: `42 %`, `0.5 %`, `< 0.1 %`. */
function percent(share: number): string {
  const p = share * 100;
  if (p === 0) return '0 %';
  if (p < 0.1) return '< 0.1 %';
  return `${p < 10 ? formatNumber(Number(p.toPrecision(2))) : Math.round(p)} %`;
}

/** Axis options for numbers that are all integers: integer ticks only (no `16.000000`). */
function integerAxis(values: readonly number[]): Record<string, unknown> {
  return values.every(Number.isInteger) ? { tickMinStep: 1, format: 'd' } : {};
}

/** Every plot the data supports, in report order (plots without data are left out). */
export function reportSpecs(data: ReportData): ReportPlot[] {
  const plots: ReportPlot[] = [];
  const add = (name: string, section: string, spec: VegaLiteSpec | undefined): void => {
    if (spec !== undefined) plots.push({ name, section, spec });
  };
  add('history', 'Objective', historySpec(data));
  add('pareto', 'Pareto front', paretoSpec(data));
  add('importance', 'Which choices matter', importanceSpec(data));
  for (const d of plottedDecisions(data)) add(`decision:${d.path}`, 'Which choices matter', decisionSpec(data, d));
  add('parallel-coordinates', 'Decisions together', parallelCoordinatesSpec(data));
  add('intermediate-values', 'Intermediate values', intermediateValuesSpec(data));
  add('cache', 'Dedupe cache', cacheSpec(data));
  add('timeline', 'Timeline', timelineSpec(data));
  return plots;
}
