import { relative } from 'node:path';
import { annotateFile } from '../codemod/annotate.js';
import { UsageError, requireFile } from './command.js';
import { safeJson, sanitize, toTerminal } from './terminal.js';
import type { Command } from './command.js';

/** `pliant annotate <file.ts> [--rules <rules.json>] [--out <file>]`. */
export const annotateCommand: Command = {
  name: 'annotate',
  summary: 'turn a TensorFlow.js model file into a search-space module',
  help: `Usage: pliant annotate <file.ts> [--rules <rules.json>] [--out <file>] [--json]

Reads an ordinary TensorFlow.js source file and writes a search-space module: the same code, with
each tunable literal (layer sizes, activations, dropout rates, learning rates, batch sizes, ...)
reading its value from a decision declared in a block after the imports. The original value is
always a candidate. Literals marked /* @search oneOf(...) */ use the hyper value written there;
/* @search off */ leaves one alone. Places it cannot rewrite safely are listed on stderr.

Options:
  --rules <file>   annotation rules (JSON; default: pliant's rewrites/annotate.json)
  --out <file>     write the module there (default: print it)
  --json           print the decisions and the report as JSON instead of the module
  --verbose        also list the places left alone on purpose (output layers), and stack traces
  -h, --help       show this help
`,
  options: { rules: { type: 'string' }, out: { type: 'string', short: 'o' } },
  async run(positionals, values, streams) {
    const [file, extra] = positionals;
    if (file === undefined) throw new UsageError('which file? (pliant annotate <file.ts>)');
    if (extra !== undefined) throw new UsageError(`one file at a time (found '${extra}' too)`);
    const out = values.out as string | undefined;
    if (out === '') throw new UsageError('--out needs a file name, found an empty one');
    requireFile(file, 'the file', 'pliant annotate');
    if (values.rules !== undefined) requireFile(values.rules as string, 'the rules file', 'pliant annotate');
    const result = await annotateFile(file, {
      ...(values.rules === undefined ? {} : { rules: values.rules as string }),
      ...(out === undefined ? {} : { out }),
    });
    const name = relative(process.cwd(), file) || file;
    if (values.json === true) {
      streams.out.write(
        `${safeJson({ file: name, out: out ?? null, alreadyAnnotated: result.alreadyAnnotated, decisions: result.decisions.map(({ spec: _spec, ...d }) => d), skipped: result.skipped }, 2)}\n`,
      );
      return 0;
    }
    // The module is code for a file: as it is, unless it goes to a terminal.
    if (out === undefined) streams.out.write(toTerminal(streams.out) ? sanitize(result.code, { multiline: true }) : result.code);
    for (const s of result.skipped) {
      if (s.kind === 'unsafe' || values.verbose === true)
        streams.err.write(`${sanitize(`${name}:${s.line}:${s.column}: left as is: ${s.text}: ${s.reason}`)}\n`);
    }
    const unsafe = result.skipped.filter((s) => s.kind === 'unsafe').length;
    const decisionCount = new Set(result.decisions.map((d) => d.key)).size; // tied literals share one
    const summary = result.alreadyAnnotated
      ? `${name} is annotated already: nothing to do`
      : result.decisions.length === 0
        ? `${name}: no tunable literals found`
        : `${name}: ${decisionCount} decision${decisionCount === 1 ? '' : 's'}${unsafe > 0 ? `, ${unsafe} place${unsafe === 1 ? '' : 's'} left as is (listed above)` : ''}${out === undefined ? '' : `; wrote ${out}`}`;
    streams.err.write(`${sanitize(summary)}\n`);
    return 0;
  },
};
