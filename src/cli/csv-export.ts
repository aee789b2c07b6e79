/**
 * The CSV tables `pliant study export` writes: one row per trial with a column per decision and
 * per metric (final values only), and the intermediate values (curves), one row per report.
 */
import type { Result } from '../tuning/result.js';
import type { Trial } from '../tuning/trial.js';
import { decisionText, finalMetrics, metricColumns, uniqueTitles } from './study-columns.js';
import type { DecisionColumns } from './study-columns.js';
import { csvRow } from './terminal.js';
import { readableCandidate } from '../tuning/readable-candidate.js';

/** Options of {@link trialsCsv}. */
export interface TrialsCsvOptions {
  /** Add the `dna` (PyGlove's compact form) and `candidate` (its JSON) columns (default false). */
  readonly withDna?: boolean;
}

const seconds = (t: Trial): string => (t.ended === undefined ? '' : String((t.ended - t.started) / 1000));

/**
 * The trials of a study as CSV (RFC 4180, a header then one record per trial, each ended by a
 * line feed). Columns: `trial` (its number), `state`, one per varying decision (its name), one
 * per metric (final values: empty for a trial that did not complete, a pruned one included),
 * `cached` (whether the dedupe cache served its value), `duration_s`, `reports` (how many intermediate
 * values it reported), `error`, and with `withDna` the `dna` and `candidate` (JSON). Titles are
 * unique: a metric named like a fixed column gets ` (metric)`, a decision named like a fixed column
 * or a metric ` (decision)`.
 *
 * @param result - The study.
 * @param decisions - Its decisions (`studyDecisions(result)`).
 * @param options - {@link TrialsCsvOptions}.
 */
export function trialsCsv(result: Result, decisions: DecisionColumns, options: TrialsCsvOptions = {}): string {
  const metrics = metricColumns(result);
  const withDna = options.withDna === true;
  // The fixed columns keep their names (programs read them), then metrics (the objective's column
  // is the one people look for), then decisions.
  const fixed = ['trial', 'state', 'cached', 'duration_s', 'reports', 'error', ...(withDna ? ['dna', 'candidate'] : [])];
  const [, metricTitles = [], decisionTitles = []] = uniqueTitles([
    { titles: fixed, what: 'column' },
    { titles: metrics.map((m) => m.name), what: 'metric' },
    { titles: decisions.decisions.map((d) => d.name), what: 'decision' },
  ]);
  const header = [...fixed.slice(0, 2), ...decisionTitles, ...metricTitles, ...fixed.slice(2)];
  const rows = result.trials.map((t) => {
    const values = decisions.valuesOf(t);
    const final = finalMetrics(result, t);
    return csvRow([
      String(t.number),
      t.state,
      ...decisions.decisions.map((d) => decisionText(values[d.key])),
      ...metrics.map((m) => (final[m.name] === undefined ? '' : String(final[m.name]))),
      String(t.cached),
      seconds(t),
      String(t.reports.length),
      t.error ?? '',
      ...(withDna ? [t.dna.toString(), candidateText(t)] : []),
    ]);
  });
  return [csvRow(header), ...rows].map((l) => `${l}\n`).join('');
}

/**
 * The intermediate values of a study's trials as CSV: one record per report, with the columns
 * `trial`, `state` (how the trial ended), `step` (the reported step, or the report's position
 * from 1 when it gave none), `seconds` (since the trial started), then one per metric the
 * reports carry (the objective first; a plain-number report is the objective's value).
 *
 * @param result - The study.
 */
export function curvesCsv(result: Result): string {
  const objective = metricColumns(result)[0]?.name ?? 'value';
  const reportMetrics = (r: Trial['reports'][number]): Record<string, number> => ({
    ...(r.metrics ?? {}),
    ...(typeof r.value === 'number' ? { [objective]: r.value } : r.value),
  });
  const names: string[] = [objective];
  for (const t of result.trials) for (const r of t.reports) for (const k of Object.keys(reportMetrics(r))) if (!names.includes(k)) names.push(k);
  const [head = [], titles = []] = uniqueTitles([
    { titles: ['trial', 'state', 'step', 'seconds'], what: 'column' },
    { titles: names, what: 'metric' },
  ]);
  const rows: string[] = [];
  for (const t of result.trials) {
    t.reports.forEach((r, i) => {
      const m = reportMetrics(r);
      rows.push(
        csvRow([
          String(t.number),
          t.state,
          String(r.step ?? i + 1),
          String((r.time - t.started) / 1000),
          ...names.map((n) => (m[n] === undefined ? '' : String(m[n]))),
        ]),
      );
    });
  }
  return [csvRow([...head, ...titles]), ...rows].map((l) => `${l}\n`).join('');
}

/** A trial's candidate as JSON text, empty when it cannot be made. */
function candidateText(t: Trial): string {
  const read = readableCandidate(t);
  return read.ok ? (JSON.stringify(read.candidate) ?? '') : '';
}
