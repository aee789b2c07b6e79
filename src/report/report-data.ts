/**
 * The rows a study report plots: one per trial (its objective values, best-so-far, timing,
 * intermediate values) and the decisions that vary across trials, as plain data.
 */
import { isLogLike } from './log-scale.js';
import { decisionImportance } from './importance.js';
import type { ImportanceRanking } from './importance.js';
import type { Measurement } from '../base/measurement.js';
import { Objectives } from '../tuning/objectives.js';
import type { ObjectiveOptions } from '../tuning/objectives.js';
import type { Result } from '../tuning/result.js';
import { studyDecisions } from '../tuning/study-decisions.js';
import type { DecisionValue, StudyDecision } from '../tuning/study-decisions.js';
import type { Direction, Trial, TrialState } from '../tuning/trial.js';

export type { DecisionValue } from '../tuning/study-decisions.js';

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
   * Its values of the varying decisions, by key (see {@link ReportDecision}); a decision the
   * trial does not have is missing.
   */
  readonly decisions: Readonly<Record<string, DecisionValue>>;
  /** Its DNA, in PyGlove's compact form (for a tooltip or on demand; reports show decisions). */
  readonly dna: string;
  /** Why a failed or abandoned trial ended. */
  readonly error: string | undefined;
}

/** A decision of the study (see `studyDecisions`): a value of the candidates that varies across trials. */
export interface ReportDecision {
  /** Its key: the key path in the candidate (see `StudyDecision.key`); plots are named `decision:<key>`. */
  readonly path: string;
  /** Its short readable name (see `StudyDecision.name`): what plots and tables show. */
  readonly name: string;
  /**
   * `quantitative` when every trial that has it holds a number, else `nominal` (values become
   * labels).
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
   * How much it matters, from 0 to 1: its share of the PED-ANOVA importance over the completed
   * trials (see `decisionImportance`; the shares of a study sum to 1); `undefined` when the
   * study has too few completed trials to tell (see {@link ReportData.importance}).
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
  /** How the decisions were ranked: how many trials, and why nothing is ranked when it is not. */
  readonly importance: Omit<ImportanceRanking, 'ranked'>;
  /** The number of the best trial (one objective), or `undefined`. */
  readonly best: number | undefined;
  /** The numbers of the Pareto-front trials (for one objective: the trials tied for best). */
  readonly front: readonly number[];
  /** How many trials have each status. */
  readonly counts: Readonly<Record<ReportStatus, number>>;
}

/** How plots label a decision a trial does not have (on a parallel-coordinates axis). */
export const ABSENT = '—';

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
  const study = studyDecisions(result);
  const found = describeDecisions(
    study.decisions,
    result.trials.map((t) => study.valuesOf(t)),
  );
  const front = safe(() => result.paretoFront.map((t) => t.number), []);
  const bestSoFar: (number | undefined)[] = objectives.metrics.map(() => undefined);
  const counts = Object.fromEntries(REPORT_STATUSES.map((s) => [s, 0])) as Record<ReportStatus, number>;
  const trials = result.trials.map((t): ReportTrial => {
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
      decisions: study.valuesOf(t),
      dna: t.dna.toString(),
      error: t.error,
    };
  });
  const points = result.trials.flatMap((t, i) => {
    const v = trials[i]?.value;
    return t.state === 'completed' && v !== undefined ? [{ values: study.valuesOf(t), value: v }] : [];
  });
  const { ranked, ...importance } = decisionImportance(study.decisions, points, objectives.directions[0] as Direction);
  const shares = new Map(ranked.map((r) => [r.key, r.importance]));
  const decisions = found.map((d) => ({ ...d, importance: shares.get(d.path) }));
  return {
    study: result.study,
    objectives: objectives.metrics.map((metric, i) => ({ name: metric ?? 'objective', metric, direction: objectives.directions[i] as Direction })),
    constraints: [...result.constraints],
    trials,
    decisions,
    importance,
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

/** The report's view of each decision: its kind, its scale, its labels in order of first appearance. */
function describeDecisions(
  decisions: readonly StudyDecision[],
  values: readonly Readonly<Record<string, DecisionValue>>[],
): Omit<ReportDecision, 'importance'>[] {
  return decisions.map((d) => {
    const seen = values.flatMap((v) => (v[d.key] === undefined ? [] : [v[d.key] as DecisionValue]));
    if (d.kind === 'number') return { path: d.key, name: d.name, kind: 'quantitative', log: isLogLike(seen as number[]), categories: [] };
    return { path: d.key, name: d.name, kind: 'nominal', log: false, categories: [...new Set(seen.map(String))] };
  });
}
