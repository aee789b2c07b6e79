/**
 * The rows a study report plots: one per trial (its objective values, best-so-far, timing,
 * intermediate values) and the decisions that vary across trials, as plain data.
 */
import { appendSegment } from '../symbolic/key-path.js';
import { isLogLike } from './log-scale.js';
import type { JsonValue } from '../symbolic/json.js';
import type { Measurement } from '../base/measurement.js';
import { Objectives } from '../tuning/objectives.js';
import type { ObjectiveOptions } from '../tuning/objectives.js';
import type { Result } from '../tuning/result.js';
import type { Direction, Trial, TrialState } from '../tuning/trial.js';

/**
 * How a report shows a trial: its state, except that a completed trial whose value the dedupe
 * cache served is `cached`.
 */
export type ReportStatus = 'completed' | 'cached' | 'pruned' | 'failed' | 'running' | 'abandoned';

/** Every {@link ReportStatus}, in the order legends list them. */
export const REPORT_STATUSES: readonly ReportStatus[] = Object.freeze(['completed', 'cached', 'pruned', 'failed', 'running', 'abandoned']);

/** One objective of the study. */
export interface ReportObjective {
  /** What plots call it: the metric, or `objective` for plain numbers. */
  readonly name: string;
  /** The metric (`undefined`: plain numbers or the default key). */
  readonly metric: string | undefined;
  /** Whether it is maximised or minimised. */
  readonly direction: Direction;
}

/** An intermediate value of a trial (its first objective). */
export interface ReportStep {
  /** The step reported (the report's position, from 1, when the trial gave none). */
  readonly step: number;
  /** The first objective's value at that step. */
  readonly value: number;
}

/** A decision's value in one trial: a number (quantitative decisions) or a category label. */
export type DecisionValue = number | string;

/** A plotting row for one trial. */
export interface ReportTrial {
  /** Position in the study, from 0. */
  readonly number: number;
  /** The trial's state. */
  readonly state: TrialState;
  /** How the report shows it (its state, or `cached`). */
  readonly status: ReportStatus;
  /**
   * The first objective's value: the final value of a completed trial, the last report of a
   * pruned one, `undefined` otherwise (or when the measurement lacks the metric).
   */
  readonly value: number | undefined;
  /** The value of every objective (one entry per {@link ReportData.objectives}). */
  readonly values: readonly (number | undefined)[];
  /**
   * The best value of the first objective among the feasible completed trials up to this one
   * (direction-aware; `undefined` before the first).
   */
  readonly best: number | undefined;
  /** The best-so-far of every objective, each on its own. */
  readonly bests: readonly (number | undefined)[];
  /** Whether a completed trial satisfies every constraint (`false` for others). */
  readonly feasible: boolean;
  /** Start, in seconds since the study's first trial started. */
  readonly started: number;
  /** End, in seconds since the study's first trial started (`undefined`: still running). */
  readonly ended: number | undefined;
  /** `ended - started`, in seconds. */
  readonly duration: number | undefined;
  /** Whether the dedupe cache served its value. */
  readonly cached: boolean;
  /** Whether early stopping ended it. */
  readonly pruned: boolean;
  /** Its intermediate values, in order. */
  readonly reports: readonly ReportStep[];
  /**
   * Its values of the varying decisions, by key path (see {@link ReportDecision}); a
   * quantitative decision the trial does not have is missing.
   */
  readonly decisions: Readonly<Record<string, DecisionValue>>;
  /** Its DNA, in PyGlove's compact form. */
  readonly dna: string;
  /** Why a failed or abandoned trial ended. */
  readonly error: string | undefined;
}

/** A leaf of the candidates' JSON whose value varies across trials. */
export interface ReportDecision {
  /** Its key path (`model.layers[0].units`; symbolic nodes' `$type` keys are not paths). */
  readonly path: string;
  /**
   * `quantitative` when every trial that has it holds a number (and at least two distinct
   * ones), else `nominal` (values become labels; trials without it get {@link ABSENT}).
   */
  readonly kind: 'quantitative' | 'nominal';
  /**
   * For quantitative decisions: plot on a log scale (every value is positive, they span two
   * decades or more and crowd at the low end, as log-uniform samples do).
   */
  readonly log: boolean;
  /** For nominal decisions: the labels, in order of first appearance. */
  readonly categories: readonly string[];
  /**
   * How much it matters, from 0 to 1: the share of the first objective's variance (over the
   * completed trials that have the decision) explained by its value: ε² (η² corrected for the
   * number of groups) of the groups of equal labels (nominal) or of the value's quartiles
   * (quantitative); `undefined` when too few trials have it to tell.
   */
  readonly importance: number | undefined;
}

/** Everything a report plots. */
export interface ReportData {
  /** The study's name. */
  readonly study: string;
  /** The objectives, in order. */
  readonly objectives: readonly ReportObjective[];
  /** The constraint metrics. */
  readonly constraints: readonly string[];
  /** One row per trial, in trial order. */
  readonly trials: readonly ReportTrial[];
  /** The decisions that vary across trials, in order of first appearance. */
  readonly decisions: readonly ReportDecision[];
  /** The number of the best trial (one objective), or `undefined`. */
  readonly best: number | undefined;
  /** The numbers of the Pareto-front trials (for one objective: the trials tied for best). */
  readonly front: readonly number[];
  /** How many trials have each status. */
  readonly counts: Readonly<Record<ReportStatus, number>>;
}

/** The label of a nominal decision's value in a trial that does not have the decision. */
export const ABSENT = '(none)';

const API = 'reportData';

/**
 * The plotting rows of a study: per trial its objective value(s) (for records: the study's
 * metric(s)), the direction-aware best-so-far, timing in seconds since the first trial, its
 * state, and its intermediate values; and the leaves of the candidates' JSON that vary across
 * trials, with each trial's value.
 *
 * ```ts
 * const data = reportData(await loadStudy('mnist'));
 * data.decisions.map((d) => d.path); // ['lr', 'model.layers[0].units', ...]
 * ```
 */
export function reportData(result: Result): ReportData {
  const objectives = objectivesOf(result);
  const count = objectives.metrics.length;
  const measure = (m: Measurement | undefined, i: number): number | undefined => {
    if (m === undefined) return undefined;
    try {
      const v = objectives.value(m, API, i);
      return Number.isFinite(v) ? v : undefined;
    } catch {
      return undefined;
    }
  };
  const t0 = result.trials.reduce((min, t) => Math.min(min, t.started), Number.POSITIVE_INFINITY);
  const seconds = (ms: number): number => (ms - t0) / 1000;
  const leaves = result.trials.map((t) => flattenCandidate(t.candidate));
  const found = varyingDecisions(leaves);
  const front = safe(() => result.paretoFront.map((t) => t.number), []);
  const bestSoFar: (number | undefined)[] = objectives.metrics.map(() => undefined);
  const counts = Object.fromEntries(REPORT_STATUSES.map((s) => [s, 0])) as Record<ReportStatus, number>;
  const trials = result.trials.map((t, row): ReportTrial => {
    const status = statusOf(t);
    counts[status]++;
    const values = objectives.metrics.map((_, i) => (t.state === 'completed' || t.state === 'pruned' ? measure(t.value, i) : undefined));
    const feasible = t.state === 'completed' && t.value !== undefined && safe(() => result.isFeasible(t), false);
    if (feasible) {
      values.forEach((v, i) => {
        if (v === undefined) return;
        const b = bestSoFar[i];
        const better = objectives.directions[i] === 'minimize' ? b === undefined || v < b : b === undefined || v > b;
        if (better) bestSoFar[i] = v;
      });
    }
    const reports: ReportStep[] = [];
    t.reports.forEach((r, k) => {
      const v = measure(r.value, 0);
      if (v !== undefined) reports.push({ step: r.step ?? k + 1, value: v });
    });
    const ended = t.ended === undefined ? undefined : seconds(t.ended);
    return {
      number: t.number,
      state: t.state,
      status,
      value: values[0],
      values,
      best: bestSoFar[0],
      bests: [...bestSoFar],
      feasible,
      started: seconds(t.started),
      ended,
      duration: t.ended === undefined ? undefined : (t.ended - t.started) / 1000,
      cached: t.cached,
      pruned: t.state === 'pruned',
      reports,
      decisions: decisionValues(found, leaves[row] as Map<string, Leaf>),
      dna: t.dna.toString(),
      error: t.error,
    };
  });
  const decisions = found.map((d) => ({ ...d, importance: importanceOf(d, trials) }));
  return {
    study: result.study,
    objectives: objectives.metrics.map((metric, i) => ({ name: metric ?? 'objective', metric, direction: objectives.directions[i] as Direction })),
    constraints: [...result.constraints],
    trials,
    decisions,
    best: count === 1 ? safe(() => result.best?.number, undefined) : undefined,
    front,
    counts,
  };
}

/** How the report shows a trial. */
function statusOf(t: Trial): ReportStatus {
  if (t.state === 'completed' && t.cached) return 'cached';
  return t.state;
}

function safe<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback;
  }
}

/** The study's objectives, rebuilt from what the result says about them. */
function objectivesOf(result: Result): Objectives {
  const metrics = result.metrics;
  const options: ObjectiveOptions = {
    direction: result.directions,
    constraints: result.constraints,
    ...(metrics.length === 1 && metrics[0] === undefined ? {} : { metric: metrics as readonly string[] }),
  };
  return new Objectives(options, API);
}

/** A leaf of a candidate's JSON. */
type Leaf = number | string | boolean | null;

/**
 * The leaves of a candidate's JSON by key path: symbolic nodes' `$type` is skipped (their
 * arguments are kept), `{"$number": "NaN"}` is the leaf `"NaN"`, `{"$record": {...}}` is its record.
 */
function flattenCandidate(json: JsonValue): Map<string, Leaf> {
  const out = new Map<string, Leaf>();
  const walk = (value: JsonValue, path: string, depth: number): void => {
    if (value === null || typeof value !== 'object') {
      out.set(path, value);
      return;
    }
    if (depth > 64) return;
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, appendSegment(path, i), depth + 1));
      return;
    }
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === '$number' && typeof value.$number === 'string') {
      out.set(path, value.$number);
      return;
    }
    if (keys.length === 1 && keys[0] === '$record' && value.$record !== null && typeof value.$record === 'object' && !Array.isArray(value.$record)) {
      for (const [k, v] of Object.entries(value.$record)) walk(v, appendSegment(path, k), depth + 1);
      return;
    }
    for (const key of keys) {
      if (key === '$type') continue;
      walk(value[key] as JsonValue, appendSegment(path, key), depth + 1);
    }
  };
  walk(json, '', 0);
  return out;
}

/** The key paths whose leaves vary across trials (a path some trials lack varies too). */
function varyingDecisions(leaves: readonly Map<string, Leaf>[]): Omit<ReportDecision, 'importance'>[] {
  const order: string[] = [];
  const seen = new Map<string, { values: Leaf[]; present: number }>();
  for (const trial of leaves) {
    for (const [path, leaf] of trial) {
      let entry = seen.get(path);
      if (entry === undefined) {
        entry = { values: [], present: 0 };
        seen.set(path, entry);
        order.push(path);
      }
      entry.values.push(leaf);
      entry.present++;
    }
  }
  const out: Omit<ReportDecision, 'importance'>[] = [];
  for (const path of order) {
    const { values, present } = seen.get(path) as { values: Leaf[]; present: number };
    const distinct = new Set(values.map((v) => JSON.stringify(v)));
    const partial = present < leaves.length;
    if (distinct.size < 2 && !partial) continue;
    const numbers = values.every((v) => typeof v === 'number' && Number.isFinite(v));
    if (numbers && distinct.size >= 2) {
      out.push({ path, kind: 'quantitative', log: isLogLike(values as number[]), categories: [] });
    } else {
      const categories: string[] = [];
      for (const v of values) {
        const label = labelOf(v);
        if (!categories.includes(label)) categories.push(label);
      }
      if (partial && !categories.includes(ABSENT)) categories.push(ABSENT);
      out.push({ path, kind: 'nominal', log: false, categories });
    }
  }
  return out;
}

function labelOf(leaf: Leaf): string {
  return typeof leaf === 'string' ? leaf : String(leaf);
}

/** One trial's values of the varying decisions. */
function decisionValues(decisions: readonly Omit<ReportDecision, 'importance'>[], leaves: Map<string, Leaf>): Record<string, DecisionValue> {
  // Entries, not assignments: a path may be `__proto__`.
  const out: [string, DecisionValue][] = [];
  for (const d of decisions) {
    const has = leaves.has(d.path);
    const leaf = leaves.get(d.path) as Leaf;
    if (d.kind === 'quantitative') {
      if (has) out.push([d.path, leaf as number]);
    } else {
      out.push([d.path, has ? labelOf(leaf) : ABSENT]);
    }
  }
  return Object.fromEntries(out);
}

/** ε² of the first objective grouped by the decision's value (quantitative values: by quartile). */
function importanceOf(decision: Omit<ReportDecision, 'importance'>, trials: readonly ReportTrial[]): number | undefined {
  const points: { key: DecisionValue; y: number }[] = [];
  for (const t of trials) {
    const key = t.decisions[decision.path];
    if (t.state === 'completed' && t.value !== undefined && key !== undefined) points.push({ key, y: t.value });
  }
  if (points.length < 3) return undefined;
  let group: (p: { key: DecisionValue }) => string;
  if (decision.kind === 'quantitative') {
    const sorted = points.map((p) => p.key as number).sort((a, b) => a - b);
    const cuts = [0.25, 0.5, 0.75].map((q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number);
    group = (p) => String(cuts.filter((c) => (p.key as number) >= c).length);
  } else {
    group = (p) => String(p.key);
  }
  const mean = points.reduce((s, p) => s + p.y, 0) / points.length;
  const total = points.reduce((s, p) => s + (p.y - mean) ** 2, 0);
  if (!(total > 0)) return 0;
  const groups = new Map<string, number[]>();
  for (const p of points) {
    const k = group(p);
    const ys = groups.get(k);
    if (ys === undefined) groups.set(k, [p.y]);
    else ys.push(p.y);
  }
  let between = 0;
  for (const ys of groups.values()) {
    const m = ys.reduce((s, y) => s + y, 0) / ys.length;
    between += ys.length * (m - mean) ** 2;
  }
  const k = groups.size;
  if (k < 2) return 0;
  if (points.length <= k) return undefined;
  // ε²: η² corrected for the number of groups (many small groups explain noise too).
  const within = (total - between) / (points.length - k);
  return Math.max(0, Math.min(1, (between - (k - 1) * within) / total));
}
