import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { applyFile } from '../codemod/apply.js';
import type { AppliedChange } from '../codemod/apply.js';
import { annotatedModule } from '../codemod/candidate-values.js';
import { DNA } from '../geno/dna.js';
import type { DNAJson } from '../geno/dna.js';
import { PliantError } from '../base/errors.js';
import { isPlainRecord } from '../symbolic/values.js';
import type { TreeValue } from '../symbolic/node.js';
import { loadStudy } from '../tuning/load-study.js';
import { UsageError, requireFile } from './command.js';
import { safeJson, sanitize, toTerminal } from './terminal.js';
import type { Command } from './command.js';

/** `pliant apply <study-or-dna> <file.ts> [--dry-run]`. */
export const applyCommand: Command = {
  name: 'apply',
  summary: "write a search's best values back into the original file",
  help: `Usage: pliant apply <study-or-dna> <file.ts> [--dry-run] [--out <file>] [--trial <n>]

Writes chosen values into the literals of <file.ts> that \`pliant annotate\` made decisions of,
and only those: the result is a minimal diff. A const <file.ts> imports from a relative module of
the project is written in that module (next to --out's file with --out). <study-or-dna> is one of
  - a study name (in .pliant/studies, or $PLIANT_HOME/studies) or a journal file (.jsonl):
    its best trial, or the trial --trial names;
  - a JSON file or JSON text: a candidate (a record of values, as the study keeps it), a trial
    ({"candidate": ...}), or a DNA ({"dna": ...}, or a DNA literal such as [0, 1, 0.25]).

Options:
  --dry-run          print the unified diff; change nothing
  --out <file>       write the result there instead of over <file.ts>
  --trial <n>        the trial (its number in the study) instead of the best one
  --space <module>   for a DNA: the annotated module whose searchSpace it belongs to
                     (default: the space the rules make for <file.ts>)
  --rules <file>     the annotation rules <file.ts> was annotated with
  --precision <n>    round changed floats to n significant digits
  --json             print the changes as JSON
  -h, --help         show this help
`,
  options: {
    'dry-run': { type: 'boolean' },
    out: { type: 'string', short: 'o' },
    trial: { type: 'string' },
    space: { type: 'string' },
    rules: { type: 'string' },
    precision: { type: 'string' },
  },
  async run(positionals, values, streams) {
    const [source, file, extra] = positionals;
    if (source === undefined || file === undefined) throw new UsageError('apply needs a study (or a DNA) and the file: pliant apply <study-or-dna> <file.ts>');
    if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
    let precision: number | undefined;
    if (values.precision !== undefined) {
      precision = Number(values.precision);
      if (!Number.isInteger(precision) || precision < 1 || precision > 17)
        throw new UsageError(`--precision must be an integer from 1 to 17, found '${String(values.precision)}'`);
    }
    const dryRun = values['dry-run'] === true;
    const out = values.out as string | undefined;
    if (out === '') throw new UsageError('--out needs a file name, found an empty one');
    requireFile(file, 'the file', 'pliant apply');
    if (values.rules !== undefined) requireFile(values.rules as string, 'the rules file', 'pliant apply');
    if (values.space !== undefined && !/^[a-z][a-z\d+.-]*:/i.test(values.space as string))
      requireFile(values.space as string, 'the space module', 'pliant apply');
    const { decisions, from } = await readDecisions(source, values.trial as string | undefined);
    const space = values.space === undefined ? undefined : (await annotatedModule(values.space as string)).space;
    const result = await applyFile(file, decisions, {
      dryRun,
      ...(out === undefined ? {} : { out }),
      ...(space === undefined ? {} : { space }),
      ...(values.rules === undefined ? {} : { rules: values.rules as string }),
      ...(precision === undefined ? {} : { precision }),
    });
    const name = relative(process.cwd(), file) || file;
    // The other files that change (a const the file imports is written where it is written), as they are written.
    const folder = out === undefined ? dirname(resolve(file)) : dirname(resolve(out));
    const others = (result.files ?? []).map((f) => relative(process.cwd(), resolve(folder, f.file)) || f.file);
    if (values.json === true) {
      const written = dryRun ? null : (out ?? name);
      streams.out.write(`${safeJson({ file: name, from, written, ...(others.length === 0 ? {} : { files: others }), changes: result.changes }, 2)}\n`);
      return 0;
    }
    // The diff is for patch tools: as it is, unless it goes to a terminal (its values come from a journal).
    if (dryRun) streams.out.write(toTerminal(streams.out) ? sanitize(result.diff, { multiline: true }) : result.diff);
    const n = result.changes.length;
    const mainWritten = result.changes.some((c) => c.file === undefined) || (out !== undefined && out !== file);
    streams.err.write(
      `${sanitize(
        n === 0
          ? `${name}: nothing to change (${from}: the values the file has)`
          : `${name}: ${changeSummary(result.changes)} from ${from}${dryRun ? ' (dry run: nothing written)' : `; wrote ${[...(mainWritten ? [out ?? name] : []), ...others].join(', ')}`}`,
      )}\n`,
    );
    return 0;
  },
};

/** `3 literals changed`, `2 literals and 1 kind changed`, `1 kind changed, 1 layer left out`. */
function changeSummary(changes: readonly AppliedChange[]): string {
  const count = (kind: AppliedChange['kind']): number => changes.filter((c) => c.kind === kind).length;
  const plural = (k: number, one: string, many: string): string => `${k} ${k === 1 ? one : many}`;
  const changed = [
    count('value') > 0 ? plural(count('value'), 'literal', 'literals') : '',
    count('operator') > 0 ? plural(count('operator'), 'kind', 'kinds') : '',
  ].filter((p) => p !== '');
  const left = count('optional') > 0 ? plural(count('optional'), 'layer left out', 'layers left out') : '';
  return [changed.length > 0 ? `${changed.join(' and ')} changed` : '', left].filter((p) => p !== '').join(', ') + (left === '' ? '' : ',');
}

/** Reads `<study-or-dna>`: a study, a journal file, a JSON file, or JSON text. */
async function readDecisions(source: string, trial: string | undefined): Promise<{ decisions: TreeValue | DNA; from: string }> {
  const file = existsSync(source) && statSync(source).isFile();
  const jsonText = !file && (/^\s*[[{]/.test(source) || /^\s*-?\d+(\.\d+)?([eE][+-]?\d+)?\s*$/.test(source));
  if (!file && !jsonText && /\.json$/i.test(source)) requireFile(source, 'the values file', 'pliant apply');
  if ((file && source.endsWith('.jsonl')) || (!file && !jsonText)) {
    const result = await loadStudy(source);
    if (trial !== undefined) {
      const t = result.trials.find((x) => String(x.number) === trial || x.id === trial);
      if (t === undefined) throw new PliantError('apply', 'argument', `the study '${result.study}' has no trial ${trial}`);
      return { decisions: t.candidate as TreeValue, from: `trial ${t.number} of '${result.study}'` };
    }
    const best = result.best;
    if (best === undefined) throw new PliantError('apply', 'argument', `the study '${result.study}' has no completed trial yet`);
    return { decisions: best.candidate as TreeValue, from: `the best trial (${best.number}) of '${result.study}'` };
  }
  const looksJson = jsonText;
  if (trial !== undefined) throw new UsageError('--trial goes with a study');
  const text = looksJson ? source : readFileSync(source, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new PliantError('apply', 'json', `${looksJson ? 'the argument' : source} is not JSON: ${(cause as Error).message}`, { cause });
  }
  const from = looksJson ? 'the given values' : source;
  if (isPlainRecord(json) && 'dna' in json) return { decisions: DNA.fromJSON(json.dna as DNAJson), from };
  if (isPlainRecord(json) && 'candidate' in json) return { decisions: json.candidate as TreeValue, from };
  if (isPlainRecord(json) && !('value' in json && 'children' in json)) return { decisions: json as TreeValue, from };
  return { decisions: DNA.fromJSON(json as DNAJson), from };
}
