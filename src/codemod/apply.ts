/**
 * `apply`: writes a search's result back into the original source file. Only the literals
 * `annotate` made decisions of are touched, and only those whose value changed, so the diff is
 * what a person reviews: the original values reproduce the file byte for byte.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
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
import { hyperValue, literalText } from './hyper-spec.js';

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
}

/** One literal `apply` changed. */
export interface AppliedChange {
  /** The decision's key. */
  readonly key: string;
  /** Where the literal is (1-based). */
  readonly line: number;
  readonly column: number;
  /** The literal's text before and after. */
  readonly before: string;
  readonly after: string;
}

/** What {@link applySource} made. */
export interface ApplyResult {
  /** The file with the chosen values. */
  readonly code: string;
  /** The literals changed, in reading order. */
  readonly changes: readonly AppliedChange[];
}

const API = 'apply';

/**
 * Writes chosen values into `text` (the original file): `decisions` is a concrete value of the
 * annotated module's `searchSpace` (a trial's candidate), or a DNA of it. Pure.
 */
export function applySource(text: string, decisions: TreeValue | DNA, options: ApplyOptions = {}): ApplyResult {
  const fileName = options.fileName ?? 'model.ts';
  const scan = findSites(text, fileName, resolveRules(options.rules, API), API);
  if (scan.annotated) throw new PliantError(API, 'argument', `${fileName} is a module made by pliant annotate: apply writes to the original file`);
  const { sites } = scan;
  const values = valuesOf(sites, decisions, options.space, fileName);
  const changes: AppliedChange[] = [];
  const edits: { start: number; end: number; text: string }[] = [];
  for (const site of sites) {
    const value = valueAt(values, site, fileName);
    const written = typeof value === 'number' && options.precision !== undefined ? Number(value.toPrecision(options.precision)) : value;
    if (written === site.original) continue;
    const after = literalText(written, site.quote);
    changes.push({ key: site.key, line: site.line, column: site.column, before: site.text, after });
    edits.push({ start: site.start, end: site.end, text: after });
  }
  return { code: splice(text, edits), changes };
}

/** Reads `file`, applies `decisions`, and writes the result to `out` (default: `file`) unless `dryRun`. */
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
  const result = applySource(text, decisions, { ...options, fileName: options.fileName ?? file });
  const diff = unifiedDiff(text, result.code, relative(process.cwd(), file) || file);
  if (options.dryRun !== true && (result.changes.length > 0 || (options.out !== undefined && options.out !== file)))
    await writeFile(options.out ?? file, result.code);
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

function valueAt(values: TreeValue, site: Site, fileName: string): LiteralValue {
  let node: unknown = values;
  for (const p of site.path) node = isPlainRecord(node) ? (node as Record<string, unknown>)[p] : undefined;
  if (node === undefined) {
    throw new PliantError(
      API,
      'key-path',
      `the candidate has no value for '${site.key}' (${fileName}:${site.line}: ${site.label}): was it made for another version of the file?`,
      { path: site.key },
    );
  }
  if (typeof node !== typeof site.original || (typeof node === 'number' && !Number.isFinite(node))) {
    const given = typeof node === 'number' ? String(node) : describeThrown(node);
    throw new PliantError(API, 'key-path', `${fileName}:${site.line} holds a ${typeof site.original} (${site.text}), the candidate gives ${given}`, {
      path: site.key,
    });
  }
  return node as LiteralValue;
}
