/**
 * The part of a generated search-space module that `annotate` adds around the original code: the
 * line that brings in pliant, the `// pliant:search-space` block (`searchSpace`, `originalValues`
 * and `$`, the values the module runs with), and, for CommonJS, the exports at the end of the
 * file. The module is written in the language of the file's name and in the module system of its
 * source:
 *
 * - **language**: TypeScript for `.ts`, `.mts`, `.cts`, `.tsx` (and a name without either
 *   extension); JavaScript for `.js`, `.mjs`, `.cjs`, `.jsx`, where `originalValues`' type is a JSDoc
 *   `@type` comment (`Concrete<typeof searchSpace>` of the package);
 * - **module system** ({@link moduleSystemOf}): an ES module imports pliant and exports the two
 *   constants; a CommonJS module `require`s pliant and adds them to `module.exports` at the end.
 */
import { basename } from 'node:path';
import type { ts as Ts } from 'ts-morph';
import { BLOCK_MARK } from './find-sites.js';
import { hyperText, literalText } from './hyper-spec.js';
import { loadTsMorph } from './load-ts-morph.js';
import type { TsMorphModule } from './load-ts-morph.js';
import type { Site, TextEdit } from './site.js';

/** The language a module is written in: that of its file name's extension. */
export type ModuleLanguage = 'typescript' | 'javascript';

/** How a module imports and exports: ES modules (`import`/`export`) or CommonJS (`require`/`module.exports`). */
export type ModuleSystem = 'esm' | 'commonjs';

/** The `type` field of a `package.json`: how Node reads the package's `.js` files. */
export type PackageType = 'module' | 'commonjs';

/** What {@link moduleBlock} needs to know about the file. */
export interface ModuleBlockInput {
  /** The decisions, in reading order (the `searchSpace` and `originalValues` records follow their key paths). */
  readonly sites: readonly Site[];
  /** The original file's text. */
  readonly text: string;
  /** Its name: its extension gives the language, and `.mjs`/`.mts`/`.cjs`/`.cts` the module system. */
  readonly fileName: string;
  /** The file's line end (`\n` or `\r\n`) and indentation unit. */
  readonly eol: string;
  readonly indent: string;
  /** The identifiers the file uses: the generated names keep clear of them (`$_`, `oneOf_`). */
  readonly taken: ReadonlySet<string>;
  /** Where the module gets pliant from (`'pliant'`). */
  readonly importFrom: string;
  /** The `type` of the package the file is in: decides a `.js` script's module system ({@link moduleSystemOf}). */
  readonly packageType?: PackageType | undefined;
}

/** What {@link moduleBlock} made. */
export interface ModuleBlock {
  /** Insertions into the original text (`start === end`): the import or `require` line and the block, and, for CommonJS, the exports at the end. */
  readonly edits: readonly TextEdit[];
  /** The local name of the values the module runs with (`$`, or `$_` when the file has a `$`). */
  readonly ref: string;
  /** The language the block is written in ({@link languageOf} the file name): the body's edits must match it. */
  readonly language: ModuleLanguage;
  /** The module system of the source ({@link moduleSystemOf}), which the block follows. */
  readonly moduleSystem: ModuleSystem;
}

/**
 * The word after the block mark that says a module is CommonJS (`// pliant:search-space commonjs:`):
 * `annotatedModule` reads it to load the module with `require`.
 */
export const COMMONJS_MARK = 'commonjs';

const API = 'annotate';
const IDENT = /^[A-Za-z_$][\w$]*$/;
const JS_NAME = /\.(?:js|mjs|cjs|jsx)$/i;

/** The language of a module named `fileName`: JavaScript for `.js`, `.mjs`, `.cjs` and `.jsx`, TypeScript otherwise. */
export function languageOf(fileName: string): ModuleLanguage {
  return JS_NAME.test(fileName) ? 'javascript' : 'typescript';
}

/**
 * The module system of a source file. `.mjs`/`.mts` are ES modules and `.cjs`/`.cts` CommonJS,
 * whatever they hold. Otherwise a file with `import` or `export` declarations (or `import.meta`)
 * is an ES module; one without them that calls `require(...)`, assigns `module.exports` or
 * `exports.<name>`, or uses TypeScript's `import x = require(...)` / `export =`, is CommonJS; and a
 * file with neither (a script that uses a global `tf`) is an ES module when it has a top-level
 * `await` or is not `.js`, and otherwise as Node reads a `.js` file of its package: an ES module
 * when `packageType` is `module`, else CommonJS.
 */
export function moduleSystemOf(text: string, fileName: string, packageType?: PackageType): ModuleSystem {
  return systemOf(parse(text, fileName), fileName, packageType);
}

/**
 * Renders what `annotate` adds to a file besides the `$` references: see the module's
 * description. The names it declares (`candidateValues`, the hyper values, `searchSpace`,
 * `originalValues`, `$`) are suffixed with `_` until they are clear of `taken`; the exports keep
 * their names (`searchSpace`, `originalValues`) in a CommonJS module, and follow the local names in
 * an ES module.
 *
 * Where it goes: in an ES module, after the last import declaration (or before the first
 * statement); in a CommonJS module, after the leading run of directives (`'use strict'`) and
 * `require` statements (before the first other statement, and before any statement that holds a
 * decision), with `module.exports.searchSpace = ...` appended at the end of the file.
 */
export function moduleBlock(input: ModuleBlockInput): ModuleBlock {
  const { sites, text, fileName, eol, indent, taken, importFrom } = input;
  const sourceFile = parse(text, fileName);
  const language = languageOf(fileName);
  const moduleSystem = systemOf(sourceFile, fileName, input.packageType);
  const ts = language === 'typescript';
  const esm = moduleSystem === 'esm';

  const local = (name: string): string => {
    let n = name;
    while (taken.has(n)) n = `${n}_`;
    return n;
  };
  const $ = local('$');
  const kinds = [...new Set(sites.map((s) => s.spec.kind))].sort();
  const runtime = ['candidateValues', ...kinds];
  const needsConcrete = ts && esm;
  const names = new Map<string, string>([...runtime, ...(needsConcrete ? ['Concrete'] : []), 'searchSpace', 'originalValues'].map((n) => [n, local(n)]));
  const ref = (n: string): string => names.get(n) as string;
  const space = ref('searchSpace');
  const values = ref('originalValues');
  // The specifier in quotes (kept out of the templates below, which a scan for this file's own imports would read as imports).
  const from = `'${JSON.stringify(importFrom).slice(1, -1).replace(/'/g, "\\'")}'`;

  // How pliant is brought in.
  let pliantLine: string;
  if (esm) {
    const named = (n: string): string => (ref(n) === n ? n : `${n} as ${ref(n)}`);
    const list = [...(needsConcrete ? [`type ${named('Concrete')}`] : []), ...runtime.map(named)];
    pliantLine = `import { ${list.join(', ')} } from ${from};`;
  } else {
    const pattern = runtime.map((n) => (ref(n) === n ? n : `${n}: ${ref(n)}`)).join(', ');
    pliantLine = `const { ${pattern} }${ts ? `: typeof import(${from})` : ''} = require(${from});`;
  }

  const hyperCode = (s: Site): string => {
    const code = hyperText(s.spec, s.quote === '`' ? "'" : s.quote);
    return ref(s.spec.kind) === s.spec.kind ? code : code.replace(s.spec.kind, ref(s.spec.kind));
  };
  const source = basename(fileName);
  const exported = esm ? 'export const' : 'const';
  const concrete = `${needsConcrete ? ref('Concrete') : `import(${from}).Concrete`}<typeof ${space}>`;
  const valuesDoc = `The values of ${source} as written: \`encode(${space}, ${values})\` is the original program's DNA.`;
  const moduleUrl = esm ? 'import.meta.url' : "require('node:url').pathToFileURL(__filename).href";
  const block = [
    `// ${BLOCK_MARK}${esm ? '' : ` ${COMMONJS_MARK}`}: made by \`pliant annotate ${source}\`. One decision per tunable literal (its line`,
    `// in ${source} on the right); the original value is always a candidate. Edit the candidates freely:`,
    '// `pliant apply` writes a chosen value back into the original file.',
    `${exported} ${space} = ${record(sites, hyperCode, indent, eol, (s) => `line ${s.line}: ${s.label}`)};`,
    '',
    ...(ts
      ? [`/** ${valuesDoc} */`, `${exported} ${values}: ${concrete} = ${record(sites, (s) => literalText(s.original, s.quote), indent, eol)};`]
      : [
          '/**',
          ` * ${valuesDoc}`,
          ` * @type {${concrete}}`,
          ' */',
          `${exported} ${values} = ${record(sites, (s) => literalText(s.original, s.quote), indent, eol)};`,
        ]),
    '',
    `/** The values this module runs with: \`${values}\`, or a candidate's when loaded by \`annotatedModule(url).load(candidate)\`. */`,
    `const ${$} = ${ref('candidateValues')}(${moduleUrl}, ${space}, ${values});`,
    `// pliant:end`,
  ].join(eol);

  const edits: TextEdit[] = [];
  const after = esm ? lastImport(sourceFile) : leadingRun(sourceFile, sites);
  if (after !== undefined) {
    edits.push({ start: after, end: after, text: `${eol}${pliantLine}${eol}${eol}${block}` });
  } else {
    const first = sourceFile.statements[0];
    const at = first === undefined ? text.length : first.getStart(sourceFile);
    edits.push({ start: at, end: at, text: `${pliantLine}${eol}${eol}${block}${eol}${eol}` });
  }
  if (!esm) {
    const lead = text.endsWith(eol) ? eol : `${eol}${eol}`;
    edits.push({
      start: text.length,
      end: text.length,
      text: [
        `${lead}// pliant:exports: added last, so that a \`module.exports = ...\` above does not drop them.`,
        `module.exports.searchSpace = ${space};`,
        `module.exports.originalValues = ${values};`,
        '',
      ].join(eol),
    });
  }
  return { edits, ref: $, language, moduleSystem };
}

/** Parses `text` as the language and dialect its name says (JSX in `.jsx`/`.tsx`). */
function parse(text: string, fileName: string): Ts.SourceFile {
  const { ts } = loadTsMorph(API);
  const kind = /\.tsx$/i.test(fileName)
    ? ts.ScriptKind.TSX
    : /\.jsx$/i.test(fileName)
      ? ts.ScriptKind.JSX
      : JS_NAME.test(fileName)
        ? ts.ScriptKind.JS
        : ts.ScriptKind.TS;
  return ts.createSourceFile(basename(fileName) || 'module.ts', text, ts.ScriptTarget.Latest, true, kind);
}

function systemOf(sourceFile: Ts.SourceFile, fileName: string, packageType: PackageType | undefined): ModuleSystem {
  if (/\.m[jt]s$/i.test(fileName)) return 'esm';
  if (/\.c[jt]s$/i.test(fileName)) return 'commonjs';
  const { ts } = loadTsMorph(API);
  let esm = false;
  let commonjs = false;
  for (const statement of sourceFile.statements) {
    if (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) esm = true;
    else if (ts.isExportAssignment(statement)) {
      if (statement.isExportEquals === true) commonjs = true;
      else esm = true;
    } else if (ts.isImportEqualsDeclaration(statement) && ts.isExternalModuleReference(statement.moduleReference)) commonjs = true;
    else if (ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) === true) esm = true;
  }
  if (esm) return 'esm';
  const visit = (node: Ts.Node): void => {
    if (esm || commonjs) return;
    if (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword) esm = true;
    else if (isRequireCall(ts, node)) commonjs = true;
    else if (ts.isPropertyAccessExpression(node) && isName(ts, node.expression, 'module') && node.name.text === 'exports') commonjs = true;
    else if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      (ts.isPropertyAccessExpression(node.left) || ts.isElementAccessExpression(node.left)) &&
      isName(ts, node.left.expression, 'exports')
    )
      commonjs = true;
    else ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  if (esm) return 'esm';
  if (commonjs) return 'commonjs';
  if (hasTopLevelAwait(ts, sourceFile)) return 'esm';
  // Neither: a script (a global `tf`). Its module is what Node reads a `.js` file of its package as;
  // a TypeScript script becomes an ES module.
  return /\.(js|jsx)$/i.test(fileName) && packageType !== 'module' ? 'commonjs' : 'esm';
}

function isName(ts: typeof Ts, node: Ts.Node, name: string): boolean {
  return ts.isIdentifier(node) && node.text === name;
}

/** `require(...)`. */
function isRequireCall(ts: typeof Ts, node: Ts.Node): boolean {
  return ts.isCallExpression(node) && isName(ts, node.expression, 'require');
}

/** `require('x')`, `require('x').y`, `require('x')(...)`, `require('x').config()`. */
function fromRequire(ts: typeof Ts, node: Ts.Node): boolean {
  let current = node;
  for (;;) {
    if (isRequireCall(ts, current)) return true;
    if (ts.isParenthesizedExpression(current) || ts.isAsExpression(current) || ts.isNonNullExpression(current)) current = current.expression;
    else if (ts.isPropertyAccessExpression(current) || ts.isElementAccessExpression(current) || ts.isCallExpression(current)) current = current.expression;
    else return false;
  }
}

/** The end of the last import declaration (an ES module's block goes after it). */
function lastImport(sourceFile: Ts.SourceFile): number | undefined {
  const { ts } = loadTsMorph(API);
  let end: number | undefined;
  for (const statement of sourceFile.statements) if (ts.isImportDeclaration(statement)) end = statement.end;
  return end;
}

/**
 * The end of a CommonJS file's leading run of directives, `require` statements and imports (a
 * `.cts` file's), which the block follows; a statement that holds a decision ends the run.
 */
function leadingRun(sourceFile: Ts.SourceFile, sites: readonly Site[]): number | undefined {
  const { ts } = loadTsMorph(API);
  let end: number | undefined;
  for (const statement of sourceFile.statements) {
    if (sites.some((s) => s.start >= statement.pos && s.start < statement.end)) break;
    const leading =
      ts.isImportDeclaration(statement) ||
      ts.isImportEqualsDeclaration(statement) ||
      (ts.isExpressionStatement(statement) && (ts.isStringLiteral(statement.expression) || fromRequire(ts, statement.expression))) ||
      (ts.isVariableStatement(statement) && statement.declarationList.declarations.every((d) => d.initializer !== undefined && fromRequire(ts, d.initializer)));
    if (!leading) break;
    end = statement.end;
  }
  return end;
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

/** Whether a file awaits outside any function (which only an ES module may). */
function hasTopLevelAwait(ts: TsMorphModule['ts'], sourceFile: Ts.SourceFile): boolean {
  let found = false;
  const visit = (node: Ts.Node): void => {
    if (found || ts.isFunctionLike(node) || ts.isClassLike(node)) return;
    if (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && (node as Ts.ForOfStatement).awaitModifier !== undefined)) found = true;
    else ts.forEachChild(node, visit);
  };
  ts.forEachChild(sourceFile, visit);
  return found;
}
