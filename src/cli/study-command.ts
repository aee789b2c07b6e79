import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { exportStudy } from '../storage/export-journal.js';
import type { Storage } from '../storage/storage.js';
import { loadStudy } from '../tuning/load-study.js';
import { studyDecisions } from '../tuning/study-decisions.js';
import type { DecisionValue } from '../tuning/study-decisions.js';
import type { Result } from '../tuning/result.js';
import type { Trial } from '../tuning/trial.js';
import { storageFrom } from '../storage/storage-from.js';
import { UsageError, requireFile } from './command.js';
import { PliantError } from '../base/errors.js';
import { closestName } from '../base/options.js';
import type { Command } from './command.js';
import { curvesCsv, trialsCsv } from './csv-export.js';
import { finalMetrics, metricColumns, metricTitle } from './study-columns.js';
import { bestSummary, byImportance, fitHint, trialsTable } from './study-table.js';
import { safeJson, sanitize, shortNumber, table } from './terminal.js';

/** The storage a `--storage` option names: a Redis URL, or a folder of journal files (default `.pliant/studies`). */
export function storageOf(value: string | undefined): Storage {
  if (value === '') throw new UsageError('--storage needs a folder or a Redis URL, found an empty one');
  return storageFrom(value);
}

/** Loads a study by name from `--storage`, or from a journal file given as its path. */
export async function studyResult(study: string, storageOption: string | undefined): Promise<Result> {
  if (storageOption === undefined) return loadStudy(study);
  return loadStudy(study, { storage: storageOf(storageOption) });
}

const ACTIONS: readonly string[] = ['list', 'show', 'best', 'export'];

/** `pliant study list|show|best|export`. */
export const studyCommand: Command = {
  name: 'study',
  summary: 'list studies; show, print the best of, or export one',
  help: `Usage: pliant study <action> [<study>] [options]

Actions:
  list                      the studies in the storage: trial counts, objective, best value
  show <study>              the study's trials as a table: state, objective and other metrics,
                            the candidate as its decisions (name=value)
  best <study>              the best trial's candidate (JSON on stdout); its objective, metrics
                            and decisions on stderr (several objectives: the Pareto front)
  export <study> --out <f>  the study as a journal file (.jsonl: for loadStudy, pliant apply, a
                            resume) or a table of trials (.csv, or --format csv): a column per
                            decision and per metric (final values; pruned trials have none)

<study> is a name in the storage, or the path of a journal file (.jsonl).

Options:
  --storage <where>   a Redis URL (redis://[:password@]host:port) or a folder of journal files
                      (default: .pliant/studies, or $PLIANT_HOME/studies)
  --out <file>        where export writes
  --format <f>        export's format: jsonl or csv (default: from --out's extension)
  --force             let export overwrite <file>
  --with-dna          CSV export: add the dna and candidate (JSON) columns
  --curves <file>     export: also write the intermediate values as CSV, a row per report
                      (trial, state, step, seconds, then a column per metric)
  --wide              show, best: every column, nothing cut (default: fit 80 columns)
  --json              print as JSON (list, show, best)
  -h, --help          show this help
`,
  options: {
    storage: { type: 'string' },
    out: { type: 'string', short: 'o' },
    format: { type: 'string' },
    force: { type: 'boolean' },
    'with-dna': { type: 'boolean' },
    curves: { type: 'string' },
    wide: { type: 'boolean' },
  },
  label: (positionals) => (ACTIONS.includes(positionals[0] as string) ? `study ${positionals[0] as string}` : 'study'),
  async run(positionals, values, streams) {
    const [action, study, extra] = positionals;
    const json = values.json === true;
    const storageOption = values.storage as string | undefined;
    if (storageOption === '') throw new UsageError('--storage needs a folder or a Redis URL, found an empty one');
    if (action === 'list') {
      if (study !== undefined) throw new UsageError(`list takes no study (found '${study}')`);
      // A folder named on the command line must be there; the default one may not be yet.
      if (storageOption !== undefined && !/^[a-z][a-z\d+.-]*:/i.test(storageOption) && !existsSync(resolve(storageOption)))
        throw new PliantError('pliant study list', 'io', `the storage folder ${storageOption} does not exist`);
      const names = await storageOf(storageOption).list();
      const rows: { study: string; trials: number; completed: number; objective: string[]; best: Trial['value'] | null; bestObjective: number | null }[] = [];
      for (const name of names) {
        try {
          const r = await studyResult(name, storageOption);
          const best = r.metrics.length > 1 ? undefined : r.best;
          rows.push({
            study: name,
            trials: r.trials.length,
            completed: r.completed.length,
            objective: metricColumns(r)
              .filter((m) => m.direction !== undefined)
              .map(metricTitle),
            best: best?.value ?? null,
            bestObjective: best === undefined ? null : r.objective(best),
          });
        } catch {
          rows.push({ study: name, trials: 0, completed: 0, objective: [], best: null, bestObjective: null });
        }
      }
      if (json) streams.out.write(`${safeJson(rows)}\n`);
      else if (rows.length === 0) streams.err.write('no studies\n');
      else
        streams.out.write(
          table(
            ['study', 'trials', 'completed', 'objective', 'best'],
            rows.map((r) => [
              r.study,
              String(r.trials),
              String(r.completed),
              r.objective.join(', '),
              r.bestObjective === null ? '' : shortNumber(r.bestObjective),
            ]),
          ),
        );
      return 0;
    }
    if (action === undefined || !['show', 'best', 'export'].includes(action)) {
      const near = action === undefined ? undefined : closestName(action, ['list', 'show', 'best', 'export']);
      throw new UsageError(
        action === undefined
          ? 'which action? (list, show, best, export)'
          : `unknown action '${action}' (${near === undefined ? 'list, show, best, export' : `did you mean ${near}?`})`,
      );
    }
    if (study === undefined) throw new UsageError(`which study? (pliant study ${action} <study>)`);
    if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
    if (action === 'export') {
      const out = values.out as string | undefined;
      if (out === undefined) throw new UsageError('--out <file> is required');
      const curves = values.curves as string | undefined;
      if (curves === '') throw new UsageError('--curves needs a file');
      if (curves !== undefined && resolve(curves) === resolve(out)) throw new UsageError('--curves and --out name the same file');
      const force = values.force === true;
      const fmt = (values.format as string | undefined) ?? (out.endsWith('.csv') ? 'csv' : 'jsonl');
      if (fmt !== 'csv' && fmt !== 'jsonl') throw new UsageError(`--format is jsonl or csv, found '${fmt}'`);
      if (fmt === 'jsonl' && values['with-dna'] === true) throw new UsageError('--with-dna is for a CSV export (a journal file has every DNA and candidate)');
      if (curves !== undefined && existsSync(curves) && !force) throw new UsageError(`${curves} exists: pass --force to overwrite it`);
      let written: Record<string, unknown>;
      let message: string;
      let result: Result | undefined;
      if (fmt === 'jsonl') {
        const storage = storageOf(storageOption);
        const events =
          study.endsWith('.jsonl') && storageOption === undefined
            ? await exportFile(study, out, force)
            : await exportStudy(storage, study, out, { overwrite: force });
        written = { events };
        message = `wrote ${events} events of '${study}' to ${out}`;
      } else {
        result = await studyResult(study, storageOption);
        if (existsSync(out) && !force) throw new UsageError(`${out} exists: pass --force to overwrite it`);
        // Metric names, decision names, labels and error messages are anyone's text: quoted where CSV needs it.
        const text = trialsCsv(result, studyDecisions(result), { withDna: values['with-dna'] === true });
        await mkdir(dirname(resolve(out)), { recursive: true });
        await writeFile(out, text);
        written = { trials: result.trials.length };
        message = `wrote ${result.trials.length} trials of '${study}' to ${out}`;
      }
      if (curves !== undefined) {
        result ??= await studyResult(study, storageOption);
        const text = curvesCsv(result);
        await mkdir(dirname(resolve(curves)), { recursive: true });
        await writeFile(curves, text);
        const reports = result.trials.reduce((n, t) => n + t.reports.length, 0);
        written = { ...written, curves, reports };
        message += `, and its ${reports} intermediate values to ${curves}`;
      }
      if (json) streams.out.write(`${safeJson({ study, out, format: fmt, ...written })}\n`);
      else streams.err.write(`${sanitize(`pliant study export: ${message}`)}\n`);
      return 0;
    }
    const result = await studyResult(study, storageOption);
    const decisions = studyDecisions(result);
    /** A trial's decisions by name. */
    const named = (t: Trial): Record<string, DecisionValue> => {
      const v = decisions.valuesOf(t);
      return Object.fromEntries(decisions.decisions.filter((d) => v[d.key] !== undefined).map((d) => [d.name, v[d.key] as DecisionValue]));
    };
    const wide = values.wide === true;
    if (action === 'show') {
      if (json) {
        streams.out.write(
          `${safeJson(
            result.trials.map((t) => ({
              number: t.number,
              state: t.state,
              value: t.value ?? null,
              metrics: finalMetrics(result, t),
              decisions: named(t),
              cached: t.cached,
              seconds: t.ended === undefined ? null : (t.ended - t.started) / 1000,
              dna: t.dna.toJSON(),
              candidate: t.candidate,
              error: t.error ?? null,
            })),
          )}\n`,
        );
        return 0;
      }
      const fitted = trialsTable(result, byImportance(result, decisions), { wide });
      streams.out.write(fitted.text);
      const hint = fitHint(fitted);
      if (hint !== undefined) streams.err.write(`${hint}\n`);
      return 0;
    }
    // best
    if (result.metrics.length > 1) {
      const front = result.paretoFront;
      streams.out.write(
        `${safeJson(
          front.map((t) => ({ number: t.number, value: t.value, candidate: t.candidate })),
          json ? undefined : 2,
        )}\n`,
      );
      if (!json && front.length > 0) {
        streams.err.write(`${sanitize(`the Pareto front of '${result.study}': ${front.length} trial(s)`)}\n`);
        streams.err.write(trialsTable(result, decisions, { wide, trials: front }).text);
      }
      return 0;
    }
    const best = result.best;
    if (best === undefined) {
      streams.err.write(`${sanitize(`pliant study best: the study '${result.study}' has no completed trial`)}\n`);
      return 1;
    }
    if (json)
      streams.out.write(
        `${safeJson({ number: best.number, value: best.value, metrics: finalMetrics(result, best), decisions: named(best), dna: best.dna.toJSON(), candidate: best.candidate })}\n`,
      );
    else {
      streams.out.write(`${safeJson(best.candidate, 2)}\n`);
      streams.err.write(bestSummary(result, best, byImportance(result, decisions), { wide }));
    }
    return 0;
  },
};

/** Copies a journal file to `out` (export of a study given as a path). */
async function exportFile(file: string, out: string, overwrite: boolean): Promise<number> {
  requireFile(file, 'the journal file', 'pliant study export');
  const text = await readFile(file, 'utf8');
  if (!overwrite && existsSync(out)) throw new UsageError(`${out} exists: pass --force to overwrite it`);
  await mkdir(dirname(resolve(out)), { recursive: true });
  await writeFile(out, text);
  return text.split('\n').filter((l) => l.trim() !== '').length;
}
