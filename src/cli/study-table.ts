/**
 * The trial tables of `pliant study show` and `study best`: the objective in its own column
 * (named by its metric and direction), the other metrics beside it, and the candidate as its
 * decisions (`name=value`), fitted to a terminal's width unless asked for everything.
 */
import type { TreeValue } from '../symbolic/node.js';
import { format } from '../symbolic/format.js';
import { decisionImportance } from '../report/importance.js';
import type { Result } from '../tuning/result.js';
import type { Trial } from '../tuning/trial.js';
import { decisionText, finalMetrics, metricColumns, metricTitle } from './study-columns.js';
import type { DecisionColumns, MetricColumn } from './study-columns.js';
import type { StudyDecision } from '../tuning/study-decisions.js';
import { displayWidth, sanitize, shortNumber, table, truncate } from './terminal.js';
import { readableCandidate } from '../tuning/readable-candidate.js';

/** The width tables fit by default: a classic terminal's. */
export const TABLE_WIDTH = 80;

/** Options of {@link trialsTable}. */
export interface TrialsTableOptions {
  /** Every column, nothing cut (default false: fit {@link TrialsTableOptions.width}). */
  readonly wide?: boolean;
  /** The width to fit, in columns (default {@link TABLE_WIDTH}). */
  readonly width?: number;
  /** The trials to show (default: all the study's, in order). */
  readonly trials?: readonly Trial[];
}

/** A table, and what fitting it left out. */
export interface FittedTable {
  /** The table: a header line, a rule, a line per trial. */
  readonly text: string;
  /** The metric columns left out to fit (their names). */
  readonly hiddenMetrics: readonly string[];
  /** Whether some candidate or title was cut. */
  readonly cut: boolean;
}

/** The narrowest candidate column worth showing; metric columns give way to it. */
const MIN_CANDIDATE = 36;
/** The longest metric title, in a fitted table. */
const MAX_TITLE = 16;
const GAP = 2;

/**
 * A trial's candidate as its decisions, `name=value` pairs in the study's order of decisions
 * (the trial's own candidate, formatted, when no decision varies). Text from the journal is
 * {@link sanitize}d.
 */
export function decisionPairs(trial: Trial, decisions: DecisionColumns): string[] {
  if (decisions.decisions.length === 0) {
    const read = readableCandidate(trial);
    return [read.ok ? sanitize(format(read.candidate as TreeValue)) : '(candidate cannot be made)'];
  }
  const values = decisions.valuesOf(trial);
  return decisions.decisions
    .filter((d) => values[d.key] !== undefined)
    .map((d) => {
      const v = values[d.key];
      return `${sanitize(d.name)}=${sanitize(typeof v === 'number' ? shortNumber(v) : decisionText(v))}`;
    });
}

/** {@link decisionPairs} on one line, cut (`...`) to fit `room` columns when given. */
export function decisionsText(trial: Trial, decisions: DecisionColumns, room?: number): string {
  const all = decisionPairs(trial, decisions).join(' ');
  return room === undefined ? all : truncate(all, room);
}

/** Pairs laid out on lines of at most `width` columns, each line after the first starting with `indent`. */
function wrapPairs(pairs: readonly string[], first: string, indent: string, width: number): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const pair of pairs) {
    const next = empty ? `${line}${pair}` : `${line} ${pair}`;
    if (!empty && displayWidth(next) > width) {
      lines.push(line);
      line = `${indent}${pair}`;
    } else line = next;
    empty = false;
  }
  lines.push(line);
  return lines.map((l) => truncate(l, width));
}

/**
 * The decisions most important first, by PED-ANOVA over the completed feasible trials (one
 * objective, enough trials); otherwise, and for ties, in the study's order.
 *
 * @param result - The study.
 * @param decisions - Its decisions (`studyDecisions(result)`).
 */
export function byImportance<D extends DecisionColumns & { readonly decisions: readonly StudyDecision[] }>(result: Result, decisions: D): DecisionColumns {
  if (result.metrics.length !== 1 || decisions.decisions.length < 2) return decisions;
  const points = result.feasible.map((t) => ({ values: decisions.valuesOf(t), value: result.objective(t) })).filter((p) => Number.isFinite(p.value));
  const { ranked } = decisionImportance(decisions.decisions, points, result.direction);
  if (ranked.length === 0) return decisions;
  const rank = new Map(ranked.map((r, i) => [r.key, i]));
  const order = [...decisions.decisions].sort((a, b) => (rank.get(a.key) ?? Infinity) - (rank.get(b.key) ?? Infinity));
  return { decisions: order, valuesOf: (t) => decisions.valuesOf(t) };
}

/** Seconds a trial took, one decimal (empty while running). */
export function trialSeconds(t: Trial): string {
  return t.ended === undefined ? '' : ((t.ended - t.started) / 1000).toFixed(1);
}

/**
 * The trials of a study as a table: `#`, `state`, one column per objective (`accuracy ↑`), the
 * other metrics (final values: a pruned trial has none), `s` (seconds), and `candidate` (its
 * decisions). Unless `wide`, the table fits `width` columns: other metrics give way from the
 * last, titles and candidates are cut (`...`).
 *
 * @param result - The study.
 * @param decisions - Its decisions (`studyDecisions(result)`).
 * @param options - {@link TrialsTableOptions}.
 */
export function trialsTable(result: Result, decisions: DecisionColumns, options: TrialsTableOptions = {}): FittedTable {
  const wide = options.wide === true;
  const width = options.width ?? TABLE_WIDTH;
  const trials = options.trials ?? result.trials;
  let metrics: MetricColumn[] = metricColumns(result);
  const finals = new Map(trials.map((t) => [t, finalMetrics(result, t)]));
  let cut = false;
  const title = (m: MetricColumn): string =>
    wide ? sanitize(metricTitle(m)) : metricTitle({ ...m, name: truncate(sanitize(m.name), m.direction === undefined ? MAX_TITLE : MAX_TITLE - 2) });
  const columnWidth = (m: MetricColumn): number => Math.max(displayWidth(title(m)), ...trials.map((t) => displayWidth(shortNumber(finals.get(t)?.[m.name]))));
  const fixed = [
    Math.max(1, ...trials.map((t) => String(t.number).length)),
    Math.max(5, ...trials.map((t) => (t.cached ? 'cached' : t.state).length)),
    Math.max(1, ...trials.map((t) => trialSeconds(t).length)),
  ];
  const used = (ms: readonly MetricColumn[]): number => [...fixed, ...ms.map(columnWidth)].reduce((a, b) => a + b + GAP, 0);
  const hidden: string[] = [];
  if (!wide) {
    // Other metrics give way, the last first, until the candidate has room (the objectives stay).
    while (used(metrics) + MIN_CANDIDATE > width) {
      const drop = metrics.map((m) => m.direction === undefined).lastIndexOf(true);
      if (drop < 0) break;
      hidden.unshift((metrics[drop] as MetricColumn).name);
      metrics = metrics.filter((_m, i) => i !== drop);
    }
  }
  const room = Math.max(10, width - used(metrics));
  const candidate = (t: Trial): string => {
    const all = decisionsText(t, decisions);
    const text = wide ? all : truncate(all, room);
    if (text !== all) cut = true;
    return text;
  };
  const rows = trials.map((t) => [
    String(t.number),
    t.cached ? 'cached' : t.state,
    ...metrics.map((m) => shortNumber(finals.get(t)?.[m.name])),
    trialSeconds(t),
    candidate(t),
  ]);
  if (metrics.some((m) => title(m) !== sanitize(metricTitle(m)))) cut = true;
  const text = table(['#', 'state', ...metrics.map(title), 's', 'candidate'], rows);
  return { text, hiddenMetrics: hidden, cut };
}

/**
 * What a fitted table left out, as a hint for the error stream (`undefined` when nothing was).
 */
export function fitHint(fitted: FittedTable): string | undefined {
  const parts: string[] = [];
  if (fitted.hiddenMetrics.length > 0) parts.push(`${fitted.hiddenMetrics.length} more metric(s): ${fitted.hiddenMetrics.join(', ')}`);
  if (fitted.cut) parts.push('some text cut');
  return parts.length === 0 ? undefined : sanitize(`(${parts.join('; ')}: --wide shows everything)`);
}

/**
 * The best trial in a few lines: its number and objective, then its other metrics and its
 * decisions as `name=value` pairs, wrapped to `width` columns (one line each with `wide`).
 *
 * @param result - The study (one objective).
 * @param best - Its best trial.
 * @param decisions - Its decisions.
 * @param options - `wide`, `width` as for {@link trialsTable}.
 */
export function bestSummary(result: Result, best: Trial, decisions: DecisionColumns, options: Pick<TrialsTableOptions, 'wide' | 'width'> = {}): string {
  const width = options.wide === true ? Infinity : (options.width ?? TABLE_WIDTH);
  const [objective, ...others] = metricColumns(result);
  const final = finalMetrics(result, best);
  const head = `best of '${sanitize(result.study)}': trial ${best.number}${
    objective === undefined ? '' : `, ${sanitize(metricTitle(objective))} ${shortNumber(final[objective.name])}`
  }`;
  const lines = [Number.isFinite(width) ? truncate(head, width) : head];
  const indent = ' '.repeat(13);
  const rest = others.filter((m) => final[m.name] !== undefined).map((m) => `${sanitize(m.name)}=${shortNumber(final[m.name])}`);
  if (rest.length > 0) lines.push(...wrapPairs(rest, '  metrics    ', indent, width));
  lines.push(...wrapPairs(decisionPairs(best, decisions), '  decisions  ', indent, width));
  return `${lines.join('\n')}\n`;
}
