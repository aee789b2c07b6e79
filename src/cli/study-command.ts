import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { exportStudy } from '../storage/export-journal.js';
import type { Storage } from '../storage/storage.js';
import type { TreeValue } from '../symbolic/node.js';
import { format } from '../symbolic/format.js';
import { loadStudy } from '../tuning/load-study.js';
import type { Result } from '../tuning/result.js';
import type { Trial } from '../tuning/trial.js';
import { storageFrom } from '../storage/storage-from.js';
import { UsageError, requireFile } from './command.js';
import { PliantError } from '../base/errors.js';
import { closestName } from '../base/options.js';
import type { Command } from './command.js';
import { csvRow, safeJson, sanitize, shortNumber, table, truncate } from './terminal.js';

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

const valueText = (v: Trial['value']): string =>
  v === undefined
    ? ''
    : typeof v === 'number'
      ? shortNumber(v)
      : Object.entries(v)
          .map(([k, x]) => `${k}=${shortNumber(x)}`)
          .join(' ');
const seconds = (t: Trial): string => (t.ended === undefined ? '' : ((t.ended - t.started) / 1000).toFixed(1));

const ACTIONS: readonly string[] = ['list', 'show', 'best', 'export'];

/** `pliant study list|show|best|export`. */
export const studyCommand: Command = {
  name: 'study',
  summary: 'list studies; show, print the best of, or export one',
  help: `Usage: pliant study <action> [<study>] [options]

Actions:
  list                      the studies in the storage, with their trial counts and best values
  show <study>              the study's trials as a table
  best <study>              the best trial's candidate (JSON on stdout) and value
  export <study> --out <f>  the study as a journal file (.jsonl: for loadStudy, pliant apply, a
                            resume) or a table of trials (.csv, or --format csv)

<study> is a name in the storage, or the path of a journal file (.jsonl).

Options:
  --storage <where>   a Redis URL (redis://[:password@]host:port) or a folder of journal files
                      (default: .pliant/studies, or $PLIANT_HOME/studies)
  --out <file>        where export writes
  --format <f>        export's format: jsonl or csv (default: from --out's extension)
  --force             let export overwrite <file>
  --json              print as JSON (list, show, best)
  -h, --help          show this help
`,
  options: { storage: { type: 'string' }, out: { type: 'string', short: 'o' }, format: { type: 'string' }, force: { type: 'boolean' } },
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
      const rows: { study: string; trials: number; completed: number; best: Trial['value'] | null }[] = [];
      for (const name of names) {
        try {
          const r = await studyResult(name, storageOption);
          rows.push({ study: name, trials: r.trials.length, completed: r.completed.length, best: r.metrics.length > 1 ? null : (r.best?.value ?? null) });
        } catch {
          rows.push({ study: name, trials: 0, completed: 0, best: null });
        }
      }
      if (json) streams.out.write(`${safeJson(rows)}\n`);
      else if (rows.length === 0) streams.err.write('no studies\n');
      else
        streams.out.write(
          table(
            ['study', 'trials', 'completed', 'best'],
            rows.map((r) => [r.study, String(r.trials), String(r.completed), r.best === null ? '' : valueText(r.best)]),
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
      const fmt = (values.format as string | undefined) ?? (out.endsWith('.csv') ? 'csv' : 'jsonl');
      if (fmt !== 'csv' && fmt !== 'jsonl') throw new UsageError(`--format is jsonl or csv, found '${fmt}'`);
      if (fmt === 'jsonl') {
        const storage = storageOf(storageOption);
        const events =
          study.endsWith('.jsonl') && storageOption === undefined
            ? await exportFile(study, out, values.force === true)
            : await exportStudy(storage, study, out, { overwrite: values.force === true });
        if (json) streams.out.write(`${safeJson({ study, out, format: fmt, events })}\n`);
        else streams.err.write(`${sanitize(`pliant study export: wrote ${events} events of '${study}' to ${out}`)}\n`);
        return 0;
      }
      const result = await studyResult(study, storageOption);
      if (existsSync(out) && values.force !== true) throw new UsageError(`${out} exists: pass --force to overwrite it`);
      const metrics = result.trials.some((t) => t.value !== undefined && typeof t.value !== 'number')
        ? [...new Set(result.trials.flatMap((t) => (t.value !== undefined && typeof t.value !== 'number' ? Object.keys(t.value) : [])))]
        : ['value'];
      const header = ['number', 'state', ...metrics, 'cached', 'seconds', 'dna', 'candidate', 'error'];
      // Metric names, candidates and error messages are anyone's text: quoted where CSV needs it.
      const lines = result.trials.map((t) =>
        csvRow([
          String(t.number),
          t.state,
          ...metrics.map((m) => (t.value === undefined ? '' : typeof t.value === 'number' ? String(t.value) : String(t.value[m] ?? ''))),
          String(t.cached),
          seconds(t),
          t.dna.toString(),
          JSON.stringify(t.candidate),
          t.error ?? '',
        ]),
      );
      await mkdir(dirname(resolve(out)), { recursive: true });
      await writeFile(out, `${csvRow(header)}\n${lines.map((l) => `${l}\n`).join('')}`);
      if (json) streams.out.write(`${safeJson({ study, out, format: fmt, trials: lines.length })}\n`);
      else streams.err.write(`${sanitize(`pliant study export: wrote ${lines.length} trials of '${study}' to ${out}`)}\n`);
      return 0;
    }
    const result = await studyResult(study, storageOption);
    if (action === 'show') {
      if (json) {
        streams.out.write(
          `${safeJson(result.trials.map((t) => ({ number: t.number, state: t.state, value: t.value ?? null, cached: t.cached, seconds: t.ended === undefined ? null : (t.ended - t.started) / 1000, dna: t.dna.toJSON(), candidate: t.candidate, error: t.error ?? null })))}\n`,
        );
        return 0;
      }
      const shortCandidate = (t: Trial): string => truncate(sanitize(format(t.candidate as TreeValue)), 70);
      streams.out.write(
        table(
          ['#', 'state', 'value', 's', 'candidate'],
          result.trials.map((t) => [String(t.number), t.cached ? 'cached' : t.state, valueText(t.value), seconds(t), shortCandidate(t)]),
        ),
      );
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
      return 0;
    }
    const best = result.best;
    if (best === undefined) {
      streams.err.write(`${sanitize(`pliant study best: the study '${result.study}' has no completed trial`)}\n`);
      return 1;
    }
    if (json) streams.out.write(`${safeJson({ number: best.number, value: best.value, dna: best.dna.toJSON(), candidate: best.candidate })}\n`);
    else {
      streams.out.write(`${safeJson(best.candidate, 2)}\n`);
      streams.err.write(`${sanitize(`best of '${result.study}': trial ${best.number}, ${valueText(best.value)}`)}\n`);
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
