/**
 * `annotate`: turns an ordinary TensorFlow.js source file into a search-space module. The code
 * stays as it was, byte for byte, except that each tunable literal now reads its value from `$`,
 * the candidate the module runs with, and a block after the imports declares the decisions:
 *
 * ```ts
 * export const searchSpace = {
 *   createModel: {
 *     dense_1: {
 *       units: oneOf([32, 64, 128]), // line 14: units: 64
 * ...
 * const $ = candidateValues(import.meta.url, searchSpace, originalValues);
 * ...
 *       tf.layers.dense({ units: $.createModel.dense_1.units, activation: $.createModel.dense_1.activation }),
 * ```
 *
 * Imported as it is, the module is the original program (`$` holds the original values); loaded
 * for a candidate (`annotatedModule(url).load(candidate)`), it is the program `apply` would write
 * for that candidate.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { PliantError } from '../base/errors.js';
import type { TreeValue } from '../symbolic/node.js';
import { defaultAnnotationRules, loadAnnotationRules } from './annotation-rules.js';
import type { AnnotationRule, LiteralValue } from './annotation-rules.js';
import { BLOCK_MARK, findSites } from './find-sites.js';
import type { Site, SkippedSite } from './find-sites.js';
import { hyperText, hyperValue, literalText } from './hyper-spec.js';
import type { HyperSpec } from './hyper-spec.js';

/** Options of {@link annotateSource} and {@link annotateFile}. */
export interface AnnotateOptions {
  /** The file's name, for messages and the generated comment (default `model.ts`). */
  readonly fileName?: string;
  /** The rules: a list, or the path of a rule file (default: `rewrites/annotate.json` of pliant). */
  readonly rules?: readonly AnnotationRule[] | string;
  /** Where the generated module imports pliant from (default `'pliant'`). */
  readonly importFrom?: string;
}

/** One decision `annotate` made. */
export interface AnnotatedDecision {
  /** Its key path in `searchSpace` (also its decision id): `createModel.dense_1.units`. */
  readonly key: string;
  /** Where the literal is in the original file (1-based). */
  readonly line: number;
  readonly column: number;
  /** The literal as written, and what it is (`units: 64`). */
  readonly text: string;
  readonly label: string;
  /** The original value. */
  readonly original: LiteralValue;
  /** The hyper value, as code (`oneOf([32, 64, 128])`) and as data. */
  readonly hyper: string;
  readonly spec: HyperSpec;
  /** The rule that chose it, or `@search`. */
  readonly rule: string;
}

/** What {@link annotateSource} made. */
export interface AnnotateResult {
  /** The generated module (the input unchanged when it was annotated already). */
  readonly code: string;
  /** Whether `code` differs from the input. */
  readonly changed: boolean;
  /** The input was a module `annotate` made: nothing was done. */
  readonly alreadyAnnotated: boolean;
  /** The decisions, in reading order. */
  readonly decisions: readonly AnnotatedDecision[];
  /** The places a rule matched but that were left alone, with file:line reasons. */
  readonly skipped: readonly SkippedSite[];
  /** The search space as a pliant value (the generated `searchSpace`). */
  readonly space: TreeValue;
  /** The original values (the generated `originalValues`). */
  readonly original: TreeValue;
}

const API = 'annotate';
const IDENT = /^[A-Za-z_$][\w$]*$/;

/** Resolves the `rules` option. */
export function resolveRules(rules: AnnotateOptions['rules'], api: string): readonly AnnotationRule[] {
  if (rules === undefined) return defaultAnnotationRules();
  if (typeof rules === 'string') return loadAnnotationRules(rules, api);
  return rules;
}

/**
 * Annotates TypeScript source text: see the module's description. Pure: reads and writes no
 * files. Running it on its own output changes nothing.
 */
export function annotateSource(text: string, options: AnnotateOptions = {}): AnnotateResult {
  if (typeof text !== 'string') throw new PliantError(API, 'argument', 'annotateSource takes the source text');
  const fileName = options.fileName ?? 'model.ts';
  const rules = resolveRules(options.rules, API);
  const scan = findSites(text, fileName, rules, API);
  const { sites } = scan;
  const space = nest(sites, (s) => hyperValue(s.spec));
  const original = nest(sites, (s) => s.original as TreeValue);
  const decisions = sites.map((s) => ({
    key: s.key,
    line: s.line,
    column: s.column,
    text: s.text,
    label: s.label,
    original: s.original,
    hyper: hyperText(s.spec, s.quote === '`' ? "'" : s.quote),
    spec: s.spec,
    rule: s.rule,
  }));
  if (scan.annotated || sites.length === 0) {
    return { code: text, changed: false, alreadyAnnotated: scan.annotated, decisions, skipped: scan.skipped, space, original };
  }
  const { sourceFile, tsMorph } = scan;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indent = /^( +|\t)[^\s*]/m.exec(text)?.[1] ?? '  ';

  // Local names of what the module needs, clear of the file's own names.
  const taken = new Set(sourceFile.getDescendantsOfKind(tsMorph.SyntaxKind.Identifier).map((i) => i.getText()));
  const local = (name: string): string => {
    let n = name;
    while (taken.has(n)) n = `${n}_`;
    return n;
  };
  const $ = local('$');
  const kinds = new Set(sites.map((s) => s.spec.kind));
  const runtime = ['candidateValues', ...['floatv', 'intv', 'oneOf'].filter((k) => kinds.has(k as HyperSpec['kind']))];
  const names = new Map<string, string>([...runtime, 'Concrete', 'searchSpace', 'originalValues'].map((n) => [n, local(n)]));
  const ref = (n: string): string => names.get(n) as string;
  const specifier = (n: string): string => (ref(n) === n ? n : `${n} as ${ref(n)}`);
  const importLine = `import { type ${specifier('Concrete')}, ${runtime.map(specifier).join(', ')} } from '${options.importFrom ?? 'pliant'}';`;
  const hyperCode = (s: Site): string => {
    const code = hyperText(s.spec, s.quote === '`' ? "'" : s.quote);
    return ref(s.spec.kind) === s.spec.kind ? code : code.replace(s.spec.kind, ref(s.spec.kind));
  };

  const source = basename(fileName);
  const block = [
    `// ${BLOCK_MARK}: made by \`pliant annotate ${source}\`. One decision per tunable literal (its line`,
    `// in ${source} on the right); the original value is always a candidate. Edit the candidates freely:`,
    '// `pliant apply` writes a chosen value back into the original file.',
    `export const ${ref('searchSpace')} = ${record(sites, hyperCode, indent, eol, (s) => `line ${s.line}: ${s.label}`)};`,
    '',
    `/** The values of ${source} as written: \`encode(${ref('searchSpace')}, ${ref('originalValues')})\` is the original program's DNA. */`,
    `export const ${ref('originalValues')}: ${ref('Concrete')}<typeof ${ref('searchSpace')}> = ${record(sites, (s) => literalText(s.original, s.quote), indent, eol)};`,
    '',
    `/** The values this module runs with: \`${ref('originalValues')}\`, or a candidate's when loaded by \`annotatedModule(url).load(candidate)\`. */`,
    `const ${$} = ${ref('candidateValues')}(import.meta.url, ${ref('searchSpace')}, ${ref('originalValues')});`,
    `// pliant:end`,
  ].join(eol);

  const edits: { start: number; end: number; text: string }[] = sites.map((s) => ({
    start: s.start,
    end: s.end,
    text: `${$}${s.path.map((p) => (IDENT.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`)).join('')}`,
  }));
  const imports = sourceFile.getImportDeclarations();
  const last = imports[imports.length - 1];
  if (last !== undefined) {
    edits.push({ start: last.getEnd(), end: last.getEnd(), text: `${eol}${importLine}${eol}${eol}${block}` });
  } else {
    const first = sourceFile.getStatements()[0];
    const at = first === undefined ? text.length : first.getStart();
    edits.push({ start: at, end: at, text: `${importLine}${eol}${eol}${block}${eol}${eol}` });
  }
  const code = splice(text, edits);
  return { code, changed: code !== text, alreadyAnnotated: false, decisions, skipped: scan.skipped, space, original };
}

/** Annotates a file; writes the module to `out` when given. */
export async function annotateFile(file: string, options: AnnotateOptions & { readonly out?: string } = {}): Promise<AnnotateResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new PliantError(API, 'io', `cannot read ${file}: ${(cause as Error).message}`, { cause });
  }
  const result = annotateSource(text, { ...options, fileName: options.fileName ?? file });
  if (options.out !== undefined) {
    await mkdir(dirname(resolve(options.out)), { recursive: true });
    await writeFile(options.out, result.code);
  }
  return result;
}

/** Applies text edits (non-overlapping ranges of the original) from the end, so offsets stay valid. */
export function splice(text: string, edits: readonly { start: number; end: number; text: string }[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start || b.end - a.end)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** The sites as a nested record of values. */
function nest(sites: readonly Site[], value: (s: Site) => TreeValue): TreeValue {
  const root: Record<string, unknown> = {};
  for (const s of sites) {
    let node = root;
    s.path.slice(0, -1).forEach((p) => {
      node = (node[p] ??= {}) as Record<string, unknown>;
    });
    node[s.path[s.path.length - 1] as string] = value(s);
  }
  return root as TreeValue;
}

/** The sites as a nested object literal, one leaf per line, with an optional comment after each. */
function record(sites: readonly Site[], value: (s: Site) => string, indent: string, eol: string, comment?: (s: Site) => string): string {
  interface Tree {
    [key: string]: Tree | Site;
  }
  const root: Tree = {};
  for (const s of sites) {
    let node = root;
    for (const p of s.path.slice(0, -1)) node = (node[p] ??= {}) as Tree;
    node[s.path[s.path.length - 1] as string] ??= s; // literals tied to one decision: the first
  }
  const render = (tree: Tree, depth: number): string => {
    const pad = indent.repeat(depth + 1);
    const lines = Object.entries(tree).map(([k, v]) => {
      const key = IDENT.test(k) ? k : JSON.stringify(k);
      if ('spec' in v && 'path' in v && Array.isArray(v.path)) {
        const s = v as unknown as Site;
        return `${pad}${key}: ${value(s)},${comment === undefined ? '' : ` // ${comment(s)}`}`;
      }
      return `${pad}${key}: ${render(v as Tree, depth + 1)},`;
    });
    return `{${eol}${lines.join(eol)}${eol}${indent.repeat(depth)}}`;
  };
  return render(root, 0);
}
