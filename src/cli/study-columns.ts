/**
 * What the study views of the `pliant` command (tables and CSV) show of a trial: its decisions
 * (named, never raw DNA) and its metrics (final values only, the objectives first).
 */
import type { Result } from '../tuning/result.js';
import type { Direction, Trial } from '../tuning/trial.js';

/** A decision's value in one trial: a number or a category label. */
export type DecisionCell = number | string;

/**
 * The decisions of a study as the views need them: the shape of `studyDecisions(result)`
 * (`src/tuning/study-decisions.ts`), so any such view can be passed.
 */
export interface DecisionColumns {
  /** The decisions that vary across the study's trials, most telling first. */
  readonly decisions: readonly { readonly key: string; readonly name: string }[];
  /** A trial's value of each decision, by key (absent when the trial lacks it). */
  valuesOf(trial: Trial): Readonly<Record<string, DecisionCell>>;
}

/** A metric column: its name, and for an objective its direction. */
export interface MetricColumn {
  /** The metric's name (`value` for plain-number measurements). */
  readonly name: string;
  /** The objective's direction, `undefined` for a constraint or another metric. */
  readonly direction: Direction | undefined;
  /** Whether it is a constraint metric (feasible when ≤ 0). */
  readonly constraint: boolean;
}

/** The arrow people read a direction by: `↑` maximised, `↓` minimised. */
export function arrow(direction: Direction): string {
  return direction === 'maximize' ? '↑' : '↓';
}

/** A metric column's title: the metric, with its direction's arrow for an objective (`accuracy ↑`). */
export function metricTitle(column: MetricColumn): string {
  return column.direction === undefined ? column.name : `${column.name} ${arrow(column.direction)}`;
}

/** Each result's objective names, found once (a result is frozen): see {@link objectiveName}. */
const OBJECTIVE_NAMES = new WeakMap<Result, Map<number, string>>();

/**
 * The name of objective `i`: its metric, or, for a study that named none, the record key the
 * objective is read from (`objective`, or the one key), or `value` for plain numbers. Found once
 * per result: it is asked for every trial's metrics, and finding it walks the completed trials
 * (asked afresh, a 10,000-trial study took 9 s to show, a 100,000-trial one over 10 minutes).
 */
function objectiveName(result: Result, i: number): string {
  let names = OBJECTIVE_NAMES.get(result);
  if (names === undefined) {
    names = new Map();
    OBJECTIVE_NAMES.set(result, names);
  }
  let name = names.get(i);
  if (name === undefined) {
    name = findObjectiveName(result, i);
    names.set(i, name);
  }
  return name;
}

function findObjectiveName(result: Result, i: number): string {
  const named = result.metrics[i];
  if (named !== undefined) return named;
  for (const t of result.completed) {
    const v = t.value;
    if (v === undefined || typeof v === 'number') continue;
    if ('objective' in v) return 'objective';
    const keys = Object.keys(v).filter((k) => !result.constraints.includes(k));
    if (keys.length === 1) return keys[0] as string;
  }
  return 'value';
}

/**
 * The metric columns of a study: its objectives (in order, with their directions), its
 * constraints, then every other metric its completed trials measured, in order of first
 * appearance. Names are unique.
 */
export function metricColumns(result: Result): MetricColumn[] {
  const columns: MetricColumn[] = [];
  const seen = new Set<string>();
  const add = (name: string, direction: Direction | undefined, constraint: boolean): void => {
    if (seen.has(name)) return;
    seen.add(name);
    columns.push({ name, direction, constraint });
  };
  result.metrics.forEach((_m, i) => add(objectiveName(result, i), result.directions[i], false));
  for (const c of result.constraints) add(c, undefined, true);
  for (const t of result.completed) for (const name of Object.keys(finalMetrics(result, t))) add(name, undefined, false);
  return columns;
}

/**
 * A trial's final metrics, by name: those of its final measurement and of the extra metrics
 * given to `done` (the measurement wins a tie). Only a completed trial has any: a pruned trial's
 * last intermediate value is not a final value (its curve is in `--curves` and the journal).
 */
export function finalMetrics(result: Result, trial: Trial): Record<string, number> {
  if (trial.state !== 'completed' || trial.value === undefined) return {};
  const value = typeof trial.value === 'number' ? { [objectiveName(result, 0)]: trial.value } : trial.value;
  return { ...(trial.metrics ?? {}), ...value };
}

/** A decision's value as text: numbers as JSON writes them, labels as they are. */
export function decisionText(value: DecisionCell | undefined): string {
  return value === undefined ? '' : String(value);
}

/**
 * Column titles made unique: a title already taken gets ` (<what>)`, then ` #2`, ` #3`, ... so
 * a metric named like a decision, or like a fixed column, still has its own column.
 */
export function uniqueTitles(groups: readonly { readonly titles: readonly string[]; readonly what: string }[]): string[][] {
  const taken = new Set<string>();
  const take = (title: string, what: string): string => {
    let t = title;
    if (taken.has(t)) t = `${title} (${what})`;
    for (let n = 2; taken.has(t); n++) t = `${title} (${what}) #${n}`;
    taken.add(t);
    return t;
  };
  return groups.map((g) => g.titles.map((t) => take(t, g.what)));
}
