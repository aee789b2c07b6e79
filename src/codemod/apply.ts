/**
 * `apply`: writes a search's result back into the original source file. Only the literals
 * `annotate` made decisions of are touched, and only those whose value changed, so the diff is
 * what a person reviews: the original values reproduce the file byte for byte.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { PliantError, describeThrown } from '../base/errors.js';
import { checkDepth } from '../base/json-depth.js';
import { requireOptional } from '../base/optional-dependency.js';
import { isPlainRecord } from '../symbolic/values.js';
import type { TreeValue } from '../symbolic/node.js';
import { DNA } from '../geno/dna.js';
import { encode, materialize } from '../geno/template.js';
import type { LiteralValue } from './annotation-rules.js';
import { resolveRules, splice } from './annotate.js';
import type { AnnotateOptions } from './annotate.js';
import { findSites } from './find-sites.js';
import type { Site } from './find-sites.js';
import { hyperValue, literalText, sameValue } from './hyper-spec.js';
import { diskReader, realFolder } from './imported-modules.js';
import type { TextEdit } from './site.js';

/** Options of {@link applySource} and {@link applyFile}. */
export interface ApplyOptions {
  /** The file's name, for messages (default `model.ts`). */
  readonly fileName?: string;
  /** The rules the file was annotated with (default: pliant's). */
  readonly rules?: AnnotateOptions['rules'];
  /**
   * The space a DNA refers to (the generated module's `searchSpace`, if its candidates were
   * edited). Default: the space the rules make for the file.
   */
  readonly space?: TreeValue;
  /** Round changed floats to this many significant digits (default: write them exactly). */
  readonly precision?: number;
  /**
   * Reads the project's other files, as {@link AnnotateOptions.readFile} does: a decision at a
   * `const` the file imports from a relative module is found (and written) there only with it;
   * without it (the default of {@link applySource}) a candidate that holds such a decision is
   * refused, as for any key that is no decision of the file. {@link applyFile} reads from the disk.
   */
  readonly readFile?: (path: string) => string | undefined;
}

/** One place `apply` changed: a literal, a kind, or a layer left out. */
export interface AppliedChange {
  /** The decision's key. */
  readonly key: string;
  /** What changed: a literal (`value`), a layer's or optimizer's kind (`operator`), a layer left out (`optional`). */
  readonly kind: 'value' | 'operator' | 'optional';
  /** Where the literal is (1-based). */
  readonly line: number;
  readonly column: number;
  /** The literal's text before and after (a kind: the method's name; a layer left out: `(left out)`). */
  readonly before: string;
  readonly after: string;
  /** A kind changed: the arguments the chosen kind does not take, removed with the old kind (as written). */
  readonly dropped?: readonly string[];
  /**
   * The file the literal is in when it is not the applied file (a `const` it imports from another
   * module of the project), relative to the applied file's folder (`./config.ts`): `line` and
   * `column` are that file's.
   */
  readonly file?: string;
}

/** Another file of the project that `apply` changed: one a `const` the applied file imports is written in. */
export interface AppliedFile {
  /** Its path relative to the applied file's folder (`./config.ts`). */
  readonly file: string;
  /** Its text with the chosen values. */
  readonly code: string;
}

/** What {@link applySource} made. */
export interface ApplyResult {
  /** The file with the chosen values. */
  readonly code: string;
  /** The places changed, in reading order. */
  readonly changes: readonly AppliedChange[];
  /** The other files of the project that changed (a `const` the file imports is written there), when any did. */
  readonly files?: readonly AppliedFile[];
}

const API = 'apply';
/** A method name: what a kind is written as. */
const METHOD = /^[A-Za-z_$][\w$]*$/;

/**
 * Writes chosen values into `text` (the original file): `decisions` is a concrete value of the
 * annotated module's `searchSpace` (a trial's candidate), or a DNA of it. Pure.
 */
export function applySource(text: string, decisions: TreeValue | DNA, options: ApplyOptions = {}): ApplyResult {
  return applyAll(text, decisions, options).result;
}

/** Another file as {@link applyAll} changed it. */
interface OtherFile {
  /** Relative to the applied file's folder, and absolute (as `readFile` read it). */
  readonly file: string;
  readonly path: string;
  readonly before: string;
  readonly code: string;
}

/** {@link applySource}, with the other files' texts before and after. */
function applyAll(text: string, decisions: TreeValue | DNA, options: ApplyOptions): { result: ApplyResult; others: OtherFile[] } {
  const fileName = options.fileName ?? 'model.ts';
  const scan = findSites(text, fileName, resolveRules(options.rules, API), API, { readFile: options.readFile });
  if (scan.annotated) throw new PliantError(API, 'argument', `${fileName} is a module made by pliant annotate: apply writes to the original file`);
  const { sites } = scan;
  const values = valuesOf(sites, decisions, options.space, fileName);
  const changes: AppliedChange[] = [];
  const edits: TextEdit[] = [];
  /** The edits of the other files, by their path relative to this one's folder. */
  const otherEdits = new Map<string, { path: string; before: string; edits: TextEdit[] }>();
  /** Deletions: an argument the chosen kind does not take, a layer left out. What lies inside one is not written. */
  const removals: TextEdit[] = [];
  const chosen = new Map<string, LiteralValue>(sites.map((site) => [site.key, valueAt(values, site, fileName, options.space !== undefined)]));
  for (const site of sites) {
    const value = chosen.get(site.key) as LiteralValue;
    if (site.kind === 'operator') {
      if (sameValue(value, site.original)) continue;
      const drops = site.drops[String(value)] ?? [];
      const change: AppliedChange = { key: site.key, kind: 'operator', line: site.line, column: site.column, before: site.text, after: String(value) };
      changes.push(drops.length === 0 ? change : { ...change, dropped: drops.map((d) => text.slice(d.start, d.end)) });
      edits.push({ start: site.start, end: site.end, text: String(value) });
      for (const drop of drops) removals.push({ start: drop.removeStart, end: drop.removeEnd, text: '' });
      continue;
    }
    if (site.kind === 'optional') {
      if (value !== false) continue;
      changes.push({ key: site.key, kind: 'optional', line: site.line, column: site.column, before: site.text, after: '(left out)' });
      removals.push(...site.removals);
      continue;
    }
    const written = typeof value === 'number' && options.precision !== undefined ? Number(value.toPrecision(options.precision)) : value;
    const kindChanged =
      site.insert?.withKind !== undefined &&
      !sameValue(chosen.get(site.insert.withKind) as LiteralValue, sites.find((s) => s.key === site.insert?.withKind)?.original as LiteralValue);
    if (sameValue(written, site.original) && !kindChanged) continue;
    const after = literalText(written, site.quote);
    const replacement = site.insert === undefined ? after : `${site.insert.before}${after}${site.insert.after}`;
    if (site.imported !== undefined) {
      const { file, path } = site.imported;
      changes.push({ key: site.key, kind: 'value', line: site.line, column: site.column, before: site.text, after: replacement, file });
      const other = otherEdits.get(file) ?? { path, before: site.imported.text, edits: [] };
      other.edits.push({ start: site.start, end: site.end, text: replacement });
      otherEdits.set(file, other);
      continue;
    }
    changes.push({ key: site.key, kind: 'value', line: site.line, column: site.column, before: site.text, after: replacement });
    edits.push({ start: site.start, end: site.end, text: replacement });
  }
  // What a removal covers is gone: its edits are not written.
  const kept = edits.filter((e) => !removals.some((r) => r.start <= e.start && e.end <= r.end && e.start < r.end));
  const dropped = new Set(edits.filter((e) => !kept.includes(e)).map((e) => e.start));
  const reported = changes.filter((c) => {
    if (c.file !== undefined) return true;
    const site = sites.find((s) => s.key === c.key);
    return site === undefined || site.kind === 'optional' || !dropped.has(site.start);
  });
  const others = [...otherEdits]
    .map(([file, o]) => ({ file, path: o.path, before: o.before, code: splice(o.before, o.edits) }))
    .filter((o) => o.code !== o.before);
  const code = splice(text, mergeRemovals([...kept, ...removals]));
  const result: ApplyResult =
    others.length === 0 ? { code, changes: reported } : { code, changes: reported, files: others.map((o) => ({ file: o.file, code: o.code })) };
  return { result, others };
}

/** Removals that overlap (two arguments both dropped, with the comma between them) become one. */
function mergeRemovals(edits: readonly TextEdit[]): TextEdit[] {
  const deletions = edits.filter((e) => e.text === '' && e.end > e.start).sort((a, b) => a.start - b.start);
  const others = edits.filter((e) => !(e.text === '' && e.end > e.start));
  const merged: TextEdit[] = [];
  for (const d of deletions) {
    const last = merged[merged.length - 1];
    if (last !== undefined && d.start <= last.end) merged[merged.length - 1] = { start: last.start, end: Math.max(last.end, d.end), text: '' };
    else merged.push(d);
  }
  return [...others, ...merged];
}

/**
 * Reads `file`, applies `decisions`, and writes the result to `out` (default: `file`) unless
 * `dryRun`. The `const`s the file imports from relative modules are read from the disk (next to
 * the file, a symbolic link followed) unless `readFile` is given; the ones that changed are written
 * in place, or, with `out`, at the same place relative to `out`'s folder (so that the written file
 * finds them). `diff` shows every file that changes, one unified diff after another.
 */
export async function applyFile(
  file: string,
  decisions: TreeValue | DNA,
  options: ApplyOptions & { readonly out?: string; readonly dryRun?: boolean } = {},
): Promise<ApplyResult & { readonly diff: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new PliantError(API, 'io', `cannot read ${file}: ${(cause as Error).message}`, { cause });
  }
  const fileName = options.fileName ?? file;
  const { result, others } = applyAll(text, decisions, { ...options, fileName, readFile: options.readFile ?? diskReader(file, fileName) });
  const shown = (path: string): string => relative(process.cwd(), path) || path;
  const diff = [
    unifiedDiff(text, result.code, shown(file)),
    ...others.map((o) => unifiedDiff(o.before, o.code, shown(resolve(dirname(resolve(file)), o.file)))),
  ].join('');
  if (options.dryRun !== true) {
    if (result.code !== text || (options.out !== undefined && options.out !== file)) {
      if (options.out !== undefined) await mkdir(dirname(resolve(options.out)), { recursive: true });
      await writeFile(options.out ?? file, result.code);
    }
    const folder = options.out === undefined ? realFolder(file) : dirname(resolve(options.out));
    for (const o of others) {
      const target = resolve(folder, o.file);
      try {
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, o.code);
      } catch (cause) {
        throw new PliantError(API, 'io', `cannot write ${shown(target)}: ${(cause as Error).message}`, { cause });
      }
    }
  }
  return { ...result, diff };
}

/** A unified diff of two versions of `file` (empty when they are equal), as `git diff` prints it. */
export function unifiedDiff(before: string, after: string, file: string): string {
  if (before === after) return '';
  const diff = loadDiff();
  return diff.createTwoFilesPatch(`a/${file}`, `b/${file}`, before, after, undefined, undefined, { context: 3 }).replace(/^=+\n/, '');
}

type DiffModule = typeof import('diff');
function loadDiff(): DiffModule {
  return requireOptional<DiffModule>('diff', API, 'npm install --save-dev diff@9');
}

function valuesOf(sites: readonly Site[], decisions: TreeValue | DNA, space: TreeValue | undefined, fileName: string): TreeValue {
  const own = (): TreeValue => {
    const root: Record<string, unknown> = {};
    for (const s of sites) {
      let node = root;
      for (const p of s.path.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>;
      node[s.path[s.path.length - 1] as string] = hyperValue(s.spec);
    }
    return root as TreeValue;
  };
  if (decisions instanceof DNA) {
    try {
      return materialize(space ?? own(), decisions) as TreeValue;
    } catch (cause) {
      throw new PliantError(
        API,
        'argument',
        `the DNA is not one of ${fileName}'s search space (if the generated module's candidates were edited, pass its searchSpace): ${(cause as Error).message}`,
        { cause },
      );
    }
  }
  if (!isPlainRecord(decisions))
    throw new PliantError(
      API,
      'argument',
      `apply takes a candidate (a record of values, as a trial's candidate is) or a DNA, found ${describeThrown(decisions)}`,
    );
  // A candidate is read recursively below (and by encode): refuse hostile nesting (or a cycle) first.
  checkDepth(decisions, API);
  if (space !== undefined) {
    try {
      encode(space, decisions);
    } catch (cause) {
      throw new PliantError(API, 'argument', `the candidate is not a point of the given space: ${(cause as Error).message}`, { cause });
    }
  }
  // Every key must be a decision of this file: values meant for another file are an error.
  const known = new Set(sites.map((s) => s.key));
  const walk = (value: unknown, path: string[]): void => {
    if (isPlainRecord(value) && !known.has(path.join('.'))) {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) walk(v, [...path, k]);
      return;
    }
    if (!known.has(path.join('.'))) {
      throw new PliantError(
        API,
        'key-path',
        `the candidate has a value at '${path.join('.')}', which is no decision of ${fileName}: was it made for another file?`,
        { path: path.join('.') },
      );
    }
  };
  walk(decisions, []);
  return decisions;
}

/** `file:line` of a site's literal (in the file it imports it from, for an imported `const`). */
function where(site: Site, fileName: string): string {
  return `${site.kind === 'value' && site.imported !== undefined ? site.imported.file : fileName}:${site.line}`;
}

/**
 * The candidate's value for a site, checked against what the file holds there: a value of the
 * literal's type (a list of scalars for a list literal), a boolean for a layer that can be left out,
 * and for a kind one of the site's alternatives (any method name when the space was edited and
 * given), since it is written into the code as it is.
 */
function valueAt(values: TreeValue, site: Site, fileName: string, editedSpace: boolean): LiteralValue {
  let node: unknown = values;
  for (const p of site.path) node = isPlainRecord(node) ? (node as Record<string, unknown>)[p] : undefined;
  if (node === undefined) {
    throw new PliantError(
      API,
      'key-path',
      `the candidate has no value for '${site.key}' (${where(site, fileName)}: ${site.label}): was it made for another version of the file?`,
      { path: site.key },
    );
  }
  const given = (): string => (typeof node === 'number' ? String(node) : describeThrown(node));
  if (site.kind === 'operator') {
    const alternatives = site.spec.kind === 'oneOf' ? site.spec.candidates : [];
    const known = alternatives.some((a) => sameValue(a, node as LiteralValue));
    if (typeof node !== 'string' || !METHOD.test(node) || (!known && !editedSpace)) {
      throw new PliantError(
        API,
        'key-path',
        `${fileName}:${site.line} calls ${site.text}: the candidate gives ${given()}, which is not one of its kinds (${alternatives.map((a) => String(a)).join(', ')})`,
        { path: site.key },
      );
    }
    return node;
  }
  const scalar = (v: unknown, like: unknown): boolean => typeof v === typeof like && (typeof v !== 'number' || Number.isFinite(v));
  const original = site.original;
  const fits = Array.isArray(original)
    ? Array.isArray(node) && node.length > 0 && node.every((v, i) => scalar(v, original[i] ?? original[0]))
    : !Array.isArray(node) && scalar(node, original);
  if (!fits) {
    const what = Array.isArray(original) ? `a list of ${typeof original[0]}s` : `a ${typeof original}`;
    throw new PliantError(API, 'key-path', `${where(site, fileName)} holds ${what} (${site.text}), the candidate gives ${given()}`, {
      path: site.key,
    });
  }
  return node as LiteralValue;
}
