import { readFile } from 'node:fs/promises';
import type { DecisionPoint, SpaceSpec } from '../geno/dna-spec.js';
import { randomDNA } from '../geno/random.js';
import { seededRng } from '../base/rng.js';
import { dnaSpec, materialize } from '../geno/template.js';
import { TracedSpace } from '../geno/trace.js';
import { PliantError } from '../base/errors.js';
import { format } from '../symbolic/format.js';
import { fromJSON } from '../symbolic/json.js';
import type { JsonValue } from '../symbolic/json.js';
import type { TreeValue } from '../symbolic/node.js';
import { UsageError, numberOption, requireFile } from './command.js';
import type { Command } from './command.js';
import { importModule } from './experiment.js';
import { safeJson, sanitize, truncate } from './terminal.js';

/** `pliant inspect <module-or-space.json>`. */
export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'print a search space: its decisions, size and an example',
  help: `Usage: pliant inspect <module.ts|js | space.json> [--export <name>] [--seed <s>] [--json]

Prints the space's decision points as a tree (ids, candidates, ranges; a candidate's own
decisions indented under it), the number of points in the space, and one random example.
A module's space is its export 'space', else 'searchSpace' (what \`pliant annotate\` writes),
else 'default' (or --export <name>); a JSON file holds a space as toJSON writes it.

Options:
  --export <name>   the module's export that holds the space (default: space, searchSpace, default)
  --seed <s>        the seed of the example (default 0)
  --json            print the decisions, the size and the example as JSON
  -h, --help        show this help
`,
  options: { export: { type: 'string' }, seed: { type: 'string' } },
  async run(positionals, values, streams) {
    const [file, extra] = positionals;
    if (file === undefined) throw new UsageError('which space? (pliant inspect <module.ts | space.json>)');
    if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
    const seed = numberOption(values, 'seed') ?? 0;
    let space: unknown;
    if (file.endsWith('.json')) {
      requireFile(file, 'the space file', 'pliant inspect');
      let json: unknown;
      try {
        json = JSON.parse(await readFile(file, 'utf8'));
      } catch (cause) {
        throw new PliantError('pliant inspect', 'json', `cannot read ${file} as JSON: ${(cause as Error).message}`, { cause });
      }
      space = fromJSON(json as JsonValue);
    } else {
      const module = await importModule(file, 'pliant inspect', 'the module');
      const given = values.export as string | undefined;
      const name = given ?? DEFAULT_EXPORTS.find((n) => module[n] !== undefined) ?? 'space';
      space = module[name];
      if (space === undefined) throw new PliantError('pliant inspect', 'argument', missingExport(file, module, given));
    }
    const traced = space instanceof TracedSpace ? (space as TracedSpace<unknown>) : undefined;
    const tree = (traced?.space ?? space) as TreeValue;
    const spec = traced?.spec ?? dnaSpec(tree);
    const dna = randomDNA(spec, seededRng(seed));
    const example = traced !== undefined ? traced.run(dna) : materialize(tree, dna);
    if (values.json === true) {
      streams.out.write(
        `${safeJson({ decisions: spec.decisionIds.map((id) => describe(spec.byId.get(id) as DecisionPoint)), size: spec.spaceSize, example, dna: dna.toJSON() }, 2)}\n`,
      );
      return 0;
    }
    const lines: string[] = [];
    render(spec.root, '', lines);
    // Decision ids and candidates are the module's text: one line each, nothing a terminal acts on.
    streams.out.write(`${spec.numDecisionPoints} decision point${spec.numDecisionPoints === 1 ? '' : 's'}:\n${lines.map((l) => sanitize(l)).join('\n')}\n`);
    streams.out.write(
      `size: ${Number.isFinite(spec.spaceSize) && spec.spaceSize >= 0 ? spec.spaceSize.toLocaleString('en-US') : 'infinite (continuous decisions)'}\n`,
    );
    streams.out.write(`example (seed ${seed}, DNA ${dna.toString()}):\n${sanitize(format(example as TreeValue), { multiline: true })}\n`);
    return 0;
  },
};

/** The exports a module's space is looked for in, in order, without `--export`. */
const DEFAULT_EXPORTS: readonly string[] = ['space', 'searchSpace', 'default'];

/**
 * Why a module has no space to inspect: the export looked for, the module's exports (the likely
 * spaces first: records, arrays and trace results, not functions or primitives), and `--export`.
 */
function missingExport(file: string, module: Readonly<Record<string, unknown>>, given: string | undefined): string {
  const looked = given === undefined ? `none of ${DEFAULT_EXPORTS.map((n) => `'${n}'`).join(', ')}` : `no '${given}'`;
  const names = Object.keys(module).filter((n) => module[n] !== undefined);
  if (names.length === 0) return `${file} exports ${looked}, and nothing else: export the search space (export const space = ...)`;
  const likely = names.filter((n) => typeof module[n] === 'object' && module[n] !== null);
  const ranked = [...likely, ...names.filter((n) => !likely.includes(n))];
  const suggestion = likely[0] ?? ranked[0] ?? 'space';
  return `${file} exports ${looked}; its exports are ${ranked.map((n) => `'${n}'`).join(', ')}: pass --export ${suggestion} (or the export that holds the space)`;
}

function short(value: TreeValue): string {
  return truncate(format(value), 60);
}

function describe(d: DecisionPoint): Record<string, unknown> {
  if (d.kind === 'choice') return { id: d.id, kind: d.k === 1 ? 'oneOf' : `manyOf(${d.k})`, candidates: d.candidates.map((c) => short(c)) };
  if (d.kind === 'float') return { id: d.id, kind: 'floatv', min: d.min, max: d.max, ...(d.scale === undefined ? {} : { scale: d.scale }) };
  if (d.kind === 'int') return { id: d.id, kind: 'intv', min: d.min, max: d.max };
  return { id: d.id, kind: 'custom' };
}

function render(space: SpaceSpec, indent: string, lines: string[]): void {
  for (const d of space.elements) {
    if (d.kind === 'choice') {
      lines.push(`${indent}${d.id}  ${d.k === 1 ? 'oneOf' : `manyOf(${d.k})`} of ${d.candidates.length}`);
      d.candidates.forEach((c, i) => {
        lines.push(`${indent}  [${i}] ${short(c)}`);
        const sub = d.picks[0]?.[i];
        if (sub !== undefined && sub.elements.length > 0) render(sub, `${indent}      `, lines);
      });
    } else if (d.kind === 'float') {
      lines.push(`${indent}${d.id}  floatv [${d.min}, ${d.max}]${d.scale === undefined || d.scale === 'linear' ? '' : ` ${d.scale}`}`);
    } else if (d.kind === 'int') {
      lines.push(`${indent}${d.id}  intv [${d.min}, ${d.max}]`);
    } else {
      lines.push(`${indent}${d.id}  custom decision`);
    }
  }
}
