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
import { dirname, resolve } from 'node:path';
import { PliantError } from '../base/errors.js';
import type { TreeValue } from '../symbolic/node.js';
import { defaultAnnotationRules, loadAnnotationRules } from './annotation-rules.js';
import type { AnnotationRule, LiteralValue } from './annotation-rules.js';
import { findSites } from './find-sites.js';
import type { Site, SkippedSite } from './find-sites.js';
import type { TextEdit } from './site.js';
import { hyperText, hyperValue } from './hyper-spec.js';
import type { HyperSpec } from './hyper-spec.js';
import { diskReader } from './imported-modules.js';
import { moduleBlock } from './module-block.js';
import type { PackageType } from './module-block.js';
import { packageTypeOf } from './package-type.js';

/** Options of {@link annotateSource} and {@link annotateFile}. */
export interface AnnotateOptions {
  /** The file's name, for messages and the generated comment (default `model.ts`). */
  readonly fileName?: string;
  /** The rules: a list, or the path of a rule file (default: `rewrites/annotate.json` of pliant). */
  readonly rules?: readonly AnnotationRule[] | string;
  /** Where the generated module imports pliant from (default `'pliant'`). */
  readonly importFrom?: string;
  /**
   * The `type` of the `package.json` the file is in. It decides only a `.js` script that has neither
   * `import` nor `require` (a global `tf`): an ES module for `module`, else CommonJS, as Node reads
   * it. {@link annotateFile} reads it from the nearest `package.json`.
   */
  readonly packageType?: PackageType;
  /**
   * Reads the project's other files: an absolute path in (resolved from the folder of
   * `fileName`), the file's text out, or `undefined` when there is none. With it, a `const`
   * imported from a relative module (`import { WIDTH } from './config.js'`, `const { WIDTH } =
   * require('./config')`) is a decision where it is written, in that module; without it (the
   * default of {@link annotateSource}, which reads no files) it is reported as imported.
   * {@link annotateFile} reads from the disk, next to the file.
   */
  readonly readFile?: (path: string) => string | undefined;
}

/** One decision `annotate` made. */
export interface AnnotatedDecision {
  /** Its key path in `searchSpace` (also its decision id): `createModel.dense_1.units`. */
  readonly key: string;
  /** Where the literal is in the original file, or in {@link file} (1-based). */
  readonly line: number;
  readonly column: number;
  /**
   * The file the literal is written in when it is not the annotated file: a `const` imported from
   * another module of the project, as a path relative to the annotated file's folder
   * (`./config.ts`). The module reads the decision where the annotated file reads the name; `apply`
   * writes it into this file.
   */
  readonly file?: string;
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
  /**
   * What is decided: `value` (a literal, an array literal, or an argument left to its default),
   * `operator` (the kind of a layer or optimizer: the call's method), `optional` (whether a layer
   * is made at all).
   */
  readonly kind: Site['kind'];
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
  /** How many layer, optimizer, `compile` and `fit` calls the file has: each is a decision's or in `skipped`. */
  readonly calls: number;
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
 * files (other than through `options.readFile`, when given). Running it on its own output changes
 * nothing.
 */
export function annotateSource(text: string, options: AnnotateOptions = {}): AnnotateResult {
  if (typeof text !== 'string') throw new PliantError(API, 'argument', 'annotateSource takes the source text');
  const fileName = options.fileName ?? 'model.ts';
  const rules = resolveRules(options.rules, API);
  const scan = findSites(text, fileName, rules, API, { readFile: options.readFile });
  const { sites } = scan;
  const space = nest(sites, (s) => hyperValue(s.spec));
  const original = nest(sites, (s) => s.original as TreeValue);
  const decisions = sites.map((s) => ({
    key: s.key,
    line: s.line,
    column: s.column,
    ...(s.kind === 'value' && s.imported !== undefined ? { file: s.imported.file } : {}),
    text: s.text,
    label: s.label,
    original: s.original,
    hyper: hyperText(s.spec, s.quote === '`' ? "'" : s.quote),
    spec: s.spec,
    rule: s.rule,
    kind: s.kind,
  }));
  if (scan.annotated || sites.length === 0) {
    return { code: text, changed: false, alreadyAnnotated: scan.annotated, decisions, skipped: scan.skipped, calls: scan.calls, space, original };
  }
  const { sourceFile, tsMorph } = scan;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indent = /^( +|\t)[^\s*]/m.exec(text)?.[1] ?? '  ';

  // The names the file uses: the generated ones keep clear of them.
  const taken = new Set(sourceFile.getDescendantsOfKind(tsMorph.SyntaxKind.Identifier).map((i) => i.getText()));
  // A literal of another file is read where this file reads its name: the block must come before those reads.
  const placed = sites.flatMap((s) =>
    s.kind === 'value' && s.imported !== undefined ? s.imported.reads.map((r) => ({ ...s, start: r.start, end: r.end })) : [s],
  );
  const block = moduleBlock({
    sites: placed,
    text,
    fileName,
    eol,
    indent,
    taken,
    importFrom: options.importFrom ?? 'pliant',
    packageType: options.packageType,
  });
  const $ = block.ref;

  const typescript = block.language === 'typescript';
  const edits: TextEdit[] = sites.flatMap((site) => bodyEdits(site, $, typescript));
  edits.push(...block.edits);
  const code = splice(text, edits);
  return { code, changed: code !== text, alreadyAnnotated: false, decisions, skipped: scan.skipped, calls: scan.calls, space, original };
}

/**
 * How the module's body reads one decision from `$` (`ref`): a value in place of its literal (or
 * where a default-valued argument goes); the chosen method in place of `.method` (with the
 * arguments other kinds do not take passed only to the original kind); a layer that can be left
 * out wrapped so an identity layer stands in for it.
 */
function bodyEdits(site: Site, ref: string, typescript: boolean): TextEdit[] {
  const value = `${ref}${site.path.map((p) => (IDENT.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`)).join('')}`;
  if (site.kind === 'value' && site.imported !== undefined)
    return site.imported.reads.map((r) => ({ start: r.start, end: r.end, text: r.shorthand ? `${r.name}: ${value}` : value }));
  if (site.kind === 'value')
    return [{ start: site.start, end: site.end, text: site.insert === undefined ? value : `${site.insert.before}${value}${site.insert.after}` }];
  if (site.kind === 'optional') {
    return [
      { start: site.start, end: site.start, text: `(${value} ? ` },
      { start: site.end, end: site.end, text: ` : ${site.namespace}.activation({ activation: 'linear' }))` },
    ];
  }
  const original = site.original as string;
  const edits: TextEdit[] = [{ start: site.dot, end: site.end, text: `[${value}${typescript ? ` as '${original}'` : ''}]` }];
  // Each dropped argument once, kept for the kinds that take it.
  const droppers = new Map<string, { drop: (typeof site.drops)[string][number]; by: string[] }>();
  for (const [candidate, drops] of Object.entries(site.drops)) {
    for (const drop of drops) {
      const id = `${drop.start}:${drop.end}`;
      const entry = droppers.get(id);
      if (entry === undefined) droppers.set(id, { drop, by: [candidate] });
      else entry.by.push(candidate);
    }
  }
  for (const { drop, by } of droppers.values()) {
    const keeps = by.map((c) => `${value} !== ${JSON.stringify(c)}`).join(' && ');
    if (drop.form === 'property') {
      edits.push({ start: drop.start, end: drop.start, text: `...(${keeps} ? { ` }, { start: drop.end, end: drop.end, text: ` } : {})` });
    } else {
      edits.push(
        { start: drop.start, end: drop.start, text: `...((${keeps} ? [` },
        { start: drop.end, end: drop.end, text: `] : [])${typescript ? ' as unknown as []' : ''})` },
      );
    }
  }
  return edits;
}

/**
 * Annotates a file; writes the module to `out` when given. The `const`s it imports from relative
 * modules are read from the disk (next to the file, a symbolic link followed) unless `readFile` is given.
 */
export async function annotateFile(file: string, options: AnnotateOptions & { readonly out?: string } = {}): Promise<AnnotateResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new PliantError(API, 'io', `cannot read ${file}: ${(cause as Error).message}`, { cause });
  }
  const packageType = options.packageType ?? (await packageTypeOf(file));
  const fileName = options.fileName ?? file;
  const result = annotateSource(text, {
    ...options,
    fileName,
    readFile: options.readFile ?? diskReader(file, fileName),
    ...(packageType === undefined ? {} : { packageType }),
  });
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
