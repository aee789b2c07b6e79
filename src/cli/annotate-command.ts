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

Reads an ordinary TensorFlow.js source file (TypeScript or JavaScript, ES modules or CommonJS, or a
script using a global tf) and writes a search-space module in the same language: the same code,
with each decision (layer sizes, activations, kernel and pool sizes, dropout rates, learning
rates, batch sizes, loop bounds and layer lists, the kinds of layers and optimizers with drop-in
alternatives, layers that can be left out) reading its value from a block after the imports.
Values are followed to where they are written: a const, the callers of a function, a settings
object, a command-line option's default. The original value is always a candidate. A literal
marked /* @search oneOf(...) */ uses the hyper value written there; a comment before a layer
call names its kinds (/* @search oneOf('conv2d', 'separableConv2d') */), says it can be left out
(/* @search optional */) or not (/* @search required */); /* @search off */ leaves one alone.
Every layer, optimizer, compile and fit call is a decision or listed with the reason it is not.

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
    const kept = result.skipped.length - unsafe;
    const keys = new Map(result.decisions.map((d) => [d.key, d.kind])); // tied literals share one
    const count = (kind: string): number => [...keys.values()].filter((k) => k === kind).length;
    const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
    const parts = [
      count('operator') > 0 ? plural(count('operator'), 'layer or optimizer kind') : '',
      count('optional') > 0 ? plural(count('optional'), 'layer that can be left out', 'layers that can be left out') : '',
    ].filter((p) => p !== '');
    const summary = result.alreadyAnnotated
      ? `${name} is annotated already: nothing to do`
      : [
          `${name}: ${plural(keys.size, 'decision')}${parts.length > 0 ? ` (${parts.join(', ')} among them)` : ''}`,
          `${plural(unsafe, 'place')} left as is${unsafe > 0 ? ' (listed above)' : ''}`,
          `${kept} kept on purpose${kept > 0 && values.verbose !== true ? ' (--verbose lists them)' : ''}`,
          `over ${plural(result.calls, 'layer, optimizer, compile and fit call', 'layer, optimizer, compile and fit calls')}${out === undefined ? '' : `; wrote ${out}`}`,
        ].join(', ');
    streams.err.write(`${sanitize(summary)}\n`);
    return 0;
  },
};
