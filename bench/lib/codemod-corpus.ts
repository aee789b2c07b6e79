/**
 * What `codemod.bench.ts` needs besides the codemod itself, kept independent of `src/codemod` so
 * that the measure does not move when the codemod does:
 *
 * - {@link corpusFiles}: the source files of a folder (the corpus, or `PLIANT_BENCH_CODEMOD_DIR`).
 * - {@link tuneSignals}: whether a file "has something to tune", by a plain syntax check of its own
 *   (the TypeScript parser, no type information). A file has something to tune when it calls
 *   - a TensorFlow.js layer factory: `NS.layers.NAME(...)`, or `L.NAME(...)` where `L` is `layers`
 *     imported or required (destructured) from `@tensorflow/tfjs*`;
 *   - an optimizer factory: `NS.train.NAME(...)`, or `T.NAME(...)` with `T` = `train` from tfjs;
 *   - `compile`, `fit` or `fitDataset` as a method with at least one argument (`model.fit(xs, ys)`).
 *
 *   `NS` is any name bound to a `@tensorflow/tfjs*` module (`import * as NS`, `import NS`,
 *   `const NS = require(...)`, `NS = require(...)`, `const NS = await import(...)`), and `tf`
 *   always (browser examples use the global of a script tag; functions take `tf` as a parameter).
 * - {@link isOptimizerDecision}: a decision "on the optimizer": its key ends in a learning rate or
 *   an optimizer (`learningRate`, `LEARNING_RATE`, `lr`, `optimizer`, ...), it sits under a
 *   `tf.train` optimizer's name in its key (`adam.beta1`), its literal is an argument of a
 *   `tf.train.*` call, or its value is an optimizer's name (`'adam'`).
 * - {@link reasonKind}: the kind of a `skipped` reason, by its wording.
 * - {@link moduleKind} and {@link syntaxCheck}: whether a generated module is still valid code of
 *   the input's kind (`node --check` for JavaScript, TypeScript's parser for TypeScript).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ts } from 'ts-morph';

/** The repository's root (bench/lib/..). */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The folder the bench reads: `PLIANT_BENCH_CODEMOD_DIR`, default the shared corpus. */
export function corpusDir(): string {
  const env = process.env.PLIANT_BENCH_CODEMOD_DIR;
  return resolve(env !== undefined && env !== '' ? env : join(REPO, '..', 'shared', 'corpus', 'tfjs-examples'));
}

/** Source files the codemod reads (JSX/TSX excluded: annotate parses as TypeScript). */
export const SOURCE_EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'] as const;
const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'build', 'coverage', '.pliant']);

/** A source file of the folder: its path, its path relative to the folder (its name in reports) and its text. */
export interface CorpusFile {
  readonly path: string;
  readonly rel: string;
  readonly ext: string;
}

/** The source files under `dir`, sorted by relative path (declaration files and generated `*.space.*` modules left out). */
export function corpusFiles(dir: string = corpusDir()): CorpusFile[] {
  const out: CorpusFile[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) {
        if (!SKIP_DIRS.has(name)) walk(p);
        continue;
      }
      const ext = extname(name);
      if (!(SOURCE_EXTENSIONS as readonly string[]).includes(ext) || /\.d\.[mc]?ts$/.test(name) || /\.space\.[mc]?[jt]s$/.test(name)) continue;
      out.push({ path: p, rel: relative(dir, p), ext });
    }
  };
  walk(dir);
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

const TFJS = /^@tensorflow\/tfjs(-[a-z-]+)?$/;
/** The optimizer factories of `tf.train`. */
export const OPTIMIZERS = new Set(['sgd', 'momentum', 'adam', 'adamax', 'rmsprop', 'adagrad', 'adadelta']);
const TRAINING_METHODS = new Set(['compile', 'fit', 'fitDataset']);

function scriptKind(fileName: string): ts.ScriptKind {
  return /\.[mc]?ts$/.test(fileName) ? ts.ScriptKind.TS : ts.ScriptKind.JS;
}

function parse(text: string, fileName: string): ts.SourceFile {
  return ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, scriptKind(fileName));
}

/** What {@link tuneSignals} found. */
export interface TuneSignals {
  /** Calls of layer factories, optimizer factories, and compile / fit / fitDataset. */
  readonly layers: number;
  readonly optimizers: number;
  readonly training: number;
  /** Source ranges of the arguments of optimizer calls (for {@link isOptimizerDecision}). */
  readonly optimizerArgs: readonly (readonly [number, number])[];
  /** Source ranges of all those calls (for {@link decisionSpan}). */
  readonly calls: readonly (readonly [number, number])[];
  /** The parsed file (positions of decisions are read against it). */
  readonly sourceFile: ts.SourceFile;
}

/** Whether the file has something to tune (see the module's description). */
export function hasSomethingToTune(s: TuneSignals): boolean {
  return s.layers + s.optimizers + s.training > 0;
}

/** The string a `require('x')` / `import('x')` call (under `await`, parentheses) loads, if it is one. */
function loadedModule(node: ts.Node | undefined): string | undefined {
  let n = node;
  while (n !== undefined && (ts.isAwaitExpression(n) || ts.isParenthesizedExpression(n))) n = n.expression;
  if (n === undefined || !ts.isCallExpression(n)) return undefined;
  const isRequire = ts.isIdentifier(n.expression) && n.expression.text === 'require';
  const isImport = n.expression.kind === ts.SyntaxKind.ImportKeyword;
  const [arg] = n.arguments;
  return (isRequire || isImport) && arg !== undefined && ts.isStringLiteralLike(arg) ? arg.text : undefined;
}

/** Counts the tunable calls of a file (see the module's description). */
export function tuneSignals(text: string, fileName: string): TuneSignals {
  const sourceFile = parse(text, fileName);
  const namespaces = new Set<string>(['tf']);
  const layerNs = new Set<string>();
  const trainNs = new Set<string>();
  const bindPattern = (pattern: ts.ObjectBindingPattern): void => {
    for (const el of pattern.elements) {
      const imported = (el.propertyName ?? el.name).getText(sourceFile);
      if (!ts.isIdentifier(el.name)) continue;
      if (imported === 'layers') layerNs.add(el.name.text);
      if (imported === 'train') trainNs.add(el.name.text);
    }
  };
  const visitBindings = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && TFJS.test(node.moduleSpecifier.text)) {
      const clause = node.importClause;
      if (clause?.name !== undefined) namespaces.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings !== undefined && ts.isNamespaceImport(bindings)) namespaces.add(bindings.name.text);
      if (bindings !== undefined && ts.isNamedImports(bindings)) {
        for (const el of bindings.elements) {
          const imported = (el.propertyName ?? el.name).text;
          if (imported === 'layers') layerNs.add(el.name.text);
          if (imported === 'train') trainNs.add(el.name.text);
        }
      }
    } else if (ts.isVariableDeclaration(node)) {
      const spec = loadedModule(node.initializer);
      if (spec !== undefined && TFJS.test(spec)) {
        if (ts.isIdentifier(node.name)) namespaces.add(node.name.text);
        else if (ts.isObjectBindingPattern(node.name)) bindPattern(node.name);
      }
    } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(node.left)) {
      const spec = loadedModule(node.right);
      if (spec !== undefined && TFJS.test(spec)) namespaces.add(node.left.text);
    }
    ts.forEachChild(node, visitBindings);
  };
  visitBindings(sourceFile);

  let layers = 0;
  let optimizers = 0;
  let training = 0;
  const optimizerArgs: (readonly [number, number])[] = [];
  const calls: (readonly [number, number])[] = [];
  const visitCalls = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const callee = node.expression;
      const name = callee.name.text;
      const object = callee.expression;
      let kind: 'layer' | 'optimizer' | undefined;
      if (ts.isPropertyAccessExpression(object) && ts.isIdentifier(object.expression) && namespaces.has(object.expression.text)) {
        if (object.name.text === 'layers') kind = 'layer';
        if (object.name.text === 'train') kind = 'optimizer';
      } else if (ts.isIdentifier(object)) {
        if (layerNs.has(object.text)) kind = 'layer';
        if (trainNs.has(object.text)) kind = 'optimizer';
      }
      const start = node.getStart(sourceFile);
      if (kind === 'layer') {
        layers++;
        calls.push([start, node.end]);
      } else if (kind === 'optimizer') {
        optimizers++;
        calls.push([start, node.end]);
        if (node.arguments.length > 0) optimizerArgs.push([node.arguments.pos, node.arguments.end]);
      } else if (TRAINING_METHODS.has(name) && node.arguments.length > 0) {
        training++;
        calls.push([start, node.end]);
      }
    }
    ts.forEachChild(node, visitCalls);
  };
  visitCalls(sourceFile);
  return { layers, optimizers, training, optimizerArgs, calls, sourceFile };
}

/** The part of a decision {@link isOptimizerDecision} reads. */
export interface DecisionLike {
  readonly key: string;
  readonly line: number;
  readonly column: number;
  readonly original: unknown;
}

const norm = (segment: string): string =>
  segment
    .replace(/_\d+$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

/** Whether a decision is on the optimizer (learning rate, optimizer kind or its arguments); see the module's description. */
export function isOptimizerDecision(d: DecisionLike, signals: TuneSignals): boolean {
  const segments = d.key.split('.');
  const last = norm(segments[segments.length - 1] ?? '');
  if (last === 'lr' || last.includes('learningrate') || last.includes('optimizer')) return true;
  if (segments.slice(0, -1).some((s) => OPTIMIZERS.has(norm(s)))) return true;
  if (typeof d.original === 'string' && OPTIMIZERS.has(d.original.toLowerCase())) return true;
  let pos: number;
  try {
    pos = signals.sourceFile.getPositionOfLineAndCharacter(d.line - 1, d.column - 1);
  } catch {
    return false;
  }
  return signals.optimizerArgs.some(([start, end]) => pos >= start && pos < end);
}

/** The kinds of the reasons `annotate` gives for a place it left as is. */
export const REASON_KINDS = [
  'parameter',
  'computed at run time',
  'loop',
  'output layer',
  'imported',
  'single value',
  'marked off',
  'nothing to tune',
  'kind not drop-in',
  'other',
] as const;
export type ReasonKind = (typeof REASON_KINDS)[number];

/** The kind of a `skipped` reason, by its wording. */
export function reasonKind(reason: string): ReasonKind {
  const r = reason.toLowerCase();
  if (/@search off|marked\b.*\boff\b/.test(r)) return 'marked off';
  if (/^nothing to tune/.test(r)) return 'nothing to tune';
  if (/its kind is kept|not drop-in/.test(r)) return 'kind not drop-in';
  if (/\bparameter\b/.test(r)) return 'parameter';
  if (/\bloop\b|several layers/.test(r)) return 'loop';
  if (/output layer/.test(r)) return 'output layer';
  if (/\bimported\b|another module/.test(r)) return 'imported';
  if (/single value/.test(r)) return 'single value';
  if (/run[ -]?time/.test(r)) return 'computed at run time';
  return 'other';
}

/**
 * Whether a file is an ES module or CommonJS: `.mjs`/`.mts` and `.cjs`/`.cts` by their extension;
 * otherwise an ES module when it has an `import` / `export` declaration (or `import.meta`).
 */
export function moduleKind(text: string, fileName: string): 'module' | 'commonjs' {
  if (/\.m[jt]s$/.test(fileName)) return 'module';
  if (/\.c[jt]s$/.test(fileName)) return 'commonjs';
  const sf = parse(text, fileName);
  let esm = false;
  const visit = (node: ts.Node): void => {
    if (esm) return;
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node) || ts.isExportAssignment(node) || ts.isImportEqualsDeclaration(node)) esm = true;
    else if (ts.canHaveModifiers(node) && ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) === true) esm = true;
    else if (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword) esm = true;
    else ts.forEachChild(node, visit);
  };
  ts.forEachChild(sf, visit);
  return esm ? 'module' : 'commonjs';
}

/** What {@link syntaxCheck} found: `ok`, or the first error. */
export interface SyntaxCheck {
  readonly ok: boolean;
  readonly how: 'node --check' | 'typescript parse';
  readonly error?: string;
}

/** `file:line | SyntaxError: ...` from node's report of a failed check. */
function checkError(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '' && !/^\s*at /.test(l) && !/^Node\.js v/.test(l) && !/^\(node:\d+\)|^\(Use `node/.test(l));
  const where = lines.find((l) => /:\d+$/.test(l));
  const error = lines.find((l) => /Error\b/.test(l)) ?? lines[0] ?? 'failed';
  return where === undefined ? error : `${where} | ${error}`;
}

/**
 * Checks that `code` is valid code of `kind` for a file named like `fileName`: for JavaScript,
 * written to `dir` (with a package.json giving the module kind, so a `.js` file is read as the
 * original was) and run through `node --check`; for TypeScript, TypeScript's syntactic
 * diagnostics (no type check: the file's own imports are not installed).
 */
export function syntaxCheck(code: string, fileName: string, kind: 'module' | 'commonjs', dir: string): SyntaxCheck {
  if (/\.[mc]?ts$/.test(fileName)) {
    const sf = ts.createSourceFile(basename(fileName), code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    const diagnostics = (sf as unknown as { parseDiagnostics?: readonly ts.Diagnostic[] }).parseDiagnostics ?? [];
    const [first] = diagnostics;
    if (first === undefined) return { ok: true, how: 'typescript parse' };
    const { line } = sf.getLineAndCharacterOfPosition(first.start ?? 0);
    return { ok: false, how: 'typescript parse', error: `line ${line + 1}: ${ts.flattenDiagnosticMessageText(first.messageText, ' ')}` };
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ type: kind })}\n`);
  const file = join(dir, basename(fileName));
  writeFileSync(file, code);
  const r = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8', timeout: 60_000 });
  if (r.status === 0) return { ok: true, how: 'node --check' };
  return { ok: false, how: 'node --check', error: checkError(`${r.stderr ?? ''}${r.error === undefined ? '' : r.error.message}`).replaceAll(dir, '<tmp>') };
}

/** The value at a decision's key in a nested candidate. */
export function valueAtKey(candidate: unknown, key: string): unknown {
  let node = candidate;
  for (const p of key.split('.')) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[p] : undefined;
  return node;
}

/**
 * The lines of the original a unified diff touches: the lines it removes or replaces, and for a
 * pure insertion the line before it (old-file numbers, so that removed lines do not shift them).
 */
export function touchedLines(diff: string): number[] {
  const touched = new Set<number>();
  let oldLine = 0;
  let lastRemoved: number | undefined;
  for (const l of diff.split('\n')) {
    const hunk = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(l);
    if (hunk !== null) {
      oldLine = Number(hunk[1]);
      lastRemoved = undefined;
    } else if (oldLine === 0)
      continue; // the header
    else if (l.startsWith('-')) {
      touched.add(oldLine);
      lastRemoved = oldLine++;
    } else if (l.startsWith('+')) touched.add(lastRemoved ?? Math.max(1, oldLine - 1));
    else if (l.startsWith(' ')) {
      oldLine++;
      lastRemoved = undefined;
    }
  }
  return [...touched].sort((a, b) => a - b);
}

const SIMPLE_STATEMENTS = new Set([
  ts.SyntaxKind.ExpressionStatement,
  ts.SyntaxKind.VariableStatement,
  ts.SyntaxKind.ReturnStatement,
  ts.SyntaxKind.ThrowStatement,
  ts.SyntaxKind.ExportAssignment,
  ts.SyntaxKind.PropertyDeclaration,
]);

/**
 * The lines (1-based, inclusive) a change of the decision at `line`:`column` may touch: its
 * statement (`model.add(tf.layers.dropout({rate: 0.5}));`, `const units = 64;`), or, when that
 * statement holds more than one tfjs call (`tf.sequential({layers: [...]})`), the tfjs call around
 * it (a layer, an optimizer, compile or fit), or else its own line.
 */
export function decisionSpan(signals: TuneSignals, line: number, column: number): [number, number] {
  const sf = signals.sourceFile;
  let pos: number;
  try {
    pos = sf.getPositionOfLineAndCharacter(line - 1, column - 1);
  } catch {
    return [line, line];
  }
  let statement: ts.Node | undefined;
  const visit = (node: ts.Node): void => {
    if (pos < node.getStart(sf) || pos >= node.end) return;
    if (SIMPLE_STATEMENTS.has(node.kind)) statement = node;
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(sf, visit);
  const lineOf = (p: number): number => sf.getLineAndCharacterOfPosition(p).line + 1;
  if (statement !== undefined) {
    const [s, e] = [statement.getStart(sf), statement.end];
    if (signals.calls.filter(([a, b]) => a >= s && b <= e).length <= 1) return [lineOf(s), lineOf(e)];
  }
  const around = signals.calls.filter(([a, b]) => a <= pos && pos < b).sort((x, y) => x[1] - x[0] - (y[1] - y[0]))[0];
  return around === undefined ? [line, line] : [lineOf(around[0]), lineOf(around[1])];
}

/** What {@link checkApplyDiff} found. */
export interface DiffCheck {
  /** Only the changed decisions' lines are touched, and each of them is. */
  readonly ok: boolean;
  /** Keys of the decisions whose chosen value differs from the original. */
  readonly changed: readonly string[];
  readonly touched: readonly number[];
  /** Touched lines outside every changed decision's span. */
  readonly outside: readonly number[];
  /** Changed decisions whose span the diff does not touch. */
  readonly untouched: readonly string[];
}

const sameValue = (a: unknown, b: unknown): boolean => a === b || JSON.stringify(a) === JSON.stringify(b);

/**
 * Checks an `apply` diff of `text` for the candidate `chosen`: it touches only the lines of the
 * decisions whose value differs from the original ({@link decisionSpan}), and each of those.
 */
export function checkApplyDiff(text: string, fileName: string, decisions: readonly DecisionLike[], chosen: unknown, diff: string): DiffCheck {
  const signals = tuneSignals(text, fileName);
  const changed = decisions.filter((d) => !sameValue(valueAtKey(chosen, d.key), d.original));
  const spans = changed.map((d) => decisionSpan(signals, d.line, d.column));
  const touched = touchedLines(diff);
  const within = (l: number, [a, b]: [number, number]): boolean => a <= l && l <= b;
  const outside = touched.filter((l) => !spans.some((s) => within(l, s)));
  const untouched = changed.filter((_, i) => !touched.some((l) => within(l, spans[i] as [number, number]))).map((d) => d.key);
  return {
    ok: outside.length === 0 && untouched.length === 0,
    changed: [...new Set(changed.map((d) => d.key))],
    touched,
    outside,
    untouched: [...new Set(untouched)],
  };
}

/** A short, one-line form of an error for a report. */
export function short(error: unknown, max = 240): string {
  const text = error instanceof Error ? error.message : String(error);
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}

/**
 * TypeScript syntax removed from a module (TypeScript's `transpileModule`, imports and exports
 * kept as written): a diagnostic for `PLIANT_BENCH_CODEMOD_STRIP_TYPES=1`, to see how far the
 * end-to-end run gets past a generated `.js` module that holds TypeScript.
 */
export function stripTypes(code: string, fileName: string): string {
  return ts.transpileModule(code, {
    fileName: fileName.replace(/\.([mc]?)js$/, '.$1ts'),
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
  }).outputText;
}
