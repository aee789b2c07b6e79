/**
 * The project's other modules, as far as a value of model code is followed into them. A named
 * import of a relative module (`import { WIDTH } from './config.js'`, aliases included) or a
 * destructured `require('./config')` is read through the `readFile` the caller gives, found as
 * TypeScript and Node find it (the path as written, with an extension, `index.*`; a TypeScript
 * file's `./config.js` is `./config.ts` first), and its export is followed to the literal that
 * decides it: `export const WIDTH = 32`, `export { W as WIDTH }`, a re-export (`export { WIDTH }
 * from './sizes'`, `export * from './sizes'`), `module.exports = { WIDTH: 32 }`, `exports.WIDTH =
 * 32`, and from there as {@link ValueResolver} follows a value in its own file (a const set from
 * another, a fallback, a settings object). Anything else is reported with the reason, naming the
 * file. Nothing here writes a file.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describeThrown } from '../base/errors.js';
import type { TsMorphModule } from './load-ts-morph.js';
import { ValueResolver, unwrap } from './value-source.js';
import type { IsLiteral, Resolution } from './value-source.js';
import type * as TsMorph from 'ts-morph';

type Node = TsMorph.Node;

/** Reads a file of the project: its text, or `undefined` when there is no file at that absolute path. */
export type ReadProjectFile = (path: string) => string | undefined;

/** A module of the project that was read and parsed. */
export interface LoadedModule {
  /** Its absolute path, as it was read. */
  readonly path: string;
  /** Its path relative to the annotated file's folder (`./config.ts`). */
  readonly file: string;
  readonly text: string;
  readonly sourceFile: TsMorph.SourceFile;
  /** Follows values in it. */
  readonly resolver: ValueResolver;
}

/** An imported value followed to its literal, or why it cannot be. */
export type ImportResolution =
  | { readonly kind: 'literal'; readonly literal: Node; readonly label: string; readonly module: LoadedModule }
  | { readonly kind: 'unknown'; readonly reason: string };

/** An export that is not there (a `export * from` tries the next module). */
interface Absent {
  readonly kind: 'absent';
  readonly file: string;
}

/** How many modules deep an import is followed (`a` imports from `b`, which re-exports from `c`, ...). */
const MAX_HOPS = 8;
/** The error codes of a path that is no file. */
const MISSING = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);
const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs'] as const;
/** A JavaScript specifier of a TypeScript module (`./config.js` for `config.ts`). */
const SWAPS: Readonly<Record<string, readonly string[]>> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };

/** See the module comment. One per scan: it caches the modules it read. */
export class ImportedModules {
  /** The annotated file. */
  readonly main: TsMorph.SourceFile;
  readonly #tsMorph: TsMorphModule;
  readonly #mainPath: string;
  readonly #read: ReadProjectFile;
  readonly #isLiteral: IsLiteral;
  readonly #scopeOf: (node: Node) => string[];
  /** By absolute path: a module, or why it cannot be used. */
  readonly #modules = new Map<string, LoadedModule | { readonly error: string }>();
  readonly #bySourceFile = new Map<TsMorph.SourceFile, LoadedModule>();
  /** The exports being followed (`path#name`): one met again is a cycle. */
  readonly #active = new Set<string>();

  /** `mainPath`: the annotated file's absolute path (its imports are resolved from its folder). */
  constructor(
    tsMorph: TsMorphModule,
    main: TsMorph.SourceFile,
    mainPath: string,
    read: ReadProjectFile,
    isLiteral: IsLiteral,
    scopeOf: (node: Node) => string[],
  ) {
    this.#tsMorph = tsMorph;
    this.main = main;
    this.#mainPath = resolve(mainPath);
    this.#read = read;
    this.#isLiteral = isLiteral;
    this.#scopeOf = scopeOf;
  }

  /** A path as decisions name it: relative to the annotated file's folder, `./` first, `/` between parts. */
  relative(path: string): string {
    const r = relative(dirname(this.#mainPath), path).split(sep).join('/');
    return r.startsWith('../') ? r : `./${r}`;
  }

  /** The module a node of a read module is in (`undefined` for the annotated file). */
  moduleOf(node: Node): LoadedModule | undefined {
    return this.#bySourceFile.get(node.getSourceFile());
  }

  /**
   * Where the export `name` of the module `specifier`, imported by the file `from` (the annotated
   * file or one read), is decided: a literal in a module of the project, or the reason it is not
   * followed.
   */
  follow(specifier: string, name: string, from: TsMorph.SourceFile, depth: number): ImportResolution {
    const found = this.#follow(specifier, name, from, depth);
    return found.kind === 'absent' ? unknown(`${name} is imported from ${found.file}, which exports no const ${name}`) : found;
  }

  #follow(specifier: string, name: string, from: TsMorph.SourceFile, depth: number): ImportResolution | Absent {
    if (!/^\.\.?(\/|$)/.test(specifier)) return unknown(`${name} is imported from another module`);
    if (depth > MAX_HOPS) return unknown(`${name} is imported through too many modules to follow`);
    const fromPath = from === this.main ? this.#mainPath : this.#bySourceFile.get(from)?.path;
    if (fromPath === undefined) return unknown(`${name} is imported from another module`);
    const loaded = this.#load(specifier, fromPath, name);
    if (!('sourceFile' in loaded)) return loaded;
    const key = `${loaded.path}#${name}`;
    if (this.#active.has(key)) return unknown(`${name} is imported from ${loaded.file} in a cycle (it imports itself back)`);
    this.#active.add(key);
    try {
      return this.#exportOf(loaded, name, depth);
    } finally {
      this.#active.delete(key);
    }
  }

  /** The module `specifier` names from `fromPath`: the first file found, or why there is none to follow. */
  #load(specifier: string, fromPath: string, name: string): LoadedModule | { readonly kind: 'unknown'; readonly reason: string } {
    const typescript = /\.(ts|tsx|mts|cts)$/i.test(fromPath);
    for (const path of candidatesOf(specifier, fromPath, typescript)) {
      if (path === this.#mainPath) return unknown(`${name} is imported from ${this.relative(path)}, the annotated file itself: an import cycle`);
      let known = this.#modules.get(path);
      if (known === undefined) {
        let text: string | undefined;
        try {
          text = this.#read(path);
        } catch (cause) {
          // A reader that throws for a missing file (as `readFileSync` does) means there is none.
          if (MISSING.has(String((cause as { code?: unknown } | null)?.code))) continue;
          known = { error: `cannot be read: ${cause instanceof Error ? cause.message : describeThrown(cause)}` };
        }
        if (known === undefined) {
          if (text === undefined) continue;
          known = typeof text === 'string' ? this.#parse(path, text) : { error: `cannot be read: readFile gave ${describeThrown(text)}` };
        }
        this.#modules.set(path, known);
      }
      if ('error' in known) return unknown(`${name} is imported from ${this.relative(path)}, which ${known.error}`);
      return known;
    }
    return unknown(`${name} is imported from ${specifier}, which is not found`);
  }

  #parse(path: string, text: string): LoadedModule | { readonly error: string } {
    const { ts } = this.#tsMorph;
    const project = this.main.getProject();
    // A name of its own (the files' names may clash): the file is not resolved as a module, only read.
    const virtual = `/__pliant_imports__/${this.#modules.size + 1}/module.${/\.[jt]sx$/i.test(path) ? 'tsx' : 'ts'}`;
    let sourceFile: TsMorph.SourceFile;
    try {
      sourceFile = project.createSourceFile(virtual, text, { overwrite: true });
    } catch (cause) {
      return { error: `does not parse: ${cause instanceof Error ? cause.message : describeThrown(cause)}` };
    }
    const [first] = (sourceFile.compilerNode as unknown as { readonly parseDiagnostics?: readonly TsMorph.ts.Diagnostic[] }).parseDiagnostics ?? [];
    if (first !== undefined) {
      const line = first.start === undefined ? undefined : sourceFile.getLineAndColumnAtPos(first.start).line;
      project.removeSourceFile(sourceFile);
      return { error: `does not parse (${line === undefined ? '' : `line ${line}: `}${ts.flattenDiagnosticMessageText(first.messageText, ' ')})` };
    }
    const module: LoadedModule = {
      path,
      file: this.relative(path),
      text,
      sourceFile,
      resolver: new ValueResolver(this.#tsMorph, sourceFile, this.#isLiteral, this.#scopeOf, this),
    };
    this.#bySourceFile.set(sourceFile, module);
    return module;
  }

  /** The export `name` of a module, followed to its literal. */
  #exportOf(module: LoadedModule, name: string, depth: number): ImportResolution | Absent {
    const { Node, SyntaxKind } = this.#tsMorph;
    const { resolver } = module;
    /** Each place that exports `name`, as the way to follow it and the label of a literal written right there. */
    const found: { readonly follow: () => Resolution | ImportResolution; readonly label: string }[] = [];
    const stars: string[] = [];
    let other: string | undefined;
    for (const statement of module.sourceFile.getStatements()) {
      if (Node.isVariableStatement(statement)) {
        if (!statement.hasExportKeyword()) continue;
        for (const declaration of statement.getDeclarations()) {
          const nameNode = declaration.getNameNode();
          if (Node.isIdentifier(nameNode) && nameNode.getText() === name)
            found.push({ follow: () => resolver.resolve(nameNode, depth + 1), label: oneLine(declaration.getText()) });
        }
      } else if (Node.isExportDeclaration(statement)) {
        if (statement.isTypeOnly()) continue;
        const from = statement.getModuleSpecifierValue();
        const specifiers = statement.getNamedExports();
        if (specifiers.length === 0 && statement.getNamespaceExport() === undefined && from !== undefined) {
          stars.push(from);
          continue;
        }
        for (const specifier of specifiers) {
          if (specifier.isTypeOnly() || (specifier.getAliasNode()?.getText() ?? specifier.getName()) !== name) continue;
          const local = specifier.getName();
          if (from !== undefined) found.push({ follow: () => this.follow(from, local, module.sourceFile, depth + 1), label: local });
          else found.push({ follow: () => resolver.resolveSymbol(specifier.getLocalTargetSymbol(), specifier.getNameNode(), depth + 1), label: local });
        }
      } else if (Node.isExpressionStatement(statement)) {
        const expression = statement.getExpression();
        if (!Node.isBinaryExpression(expression) || expression.getOperatorToken().getKind() !== SyntaxKind.EqualsToken) continue;
        const left = unwrap(this.#tsMorph, expression.getLeft());
        const right = unwrap(this.#tsMorph, expression.getRight());
        if (left.getText() === 'module.exports') {
          if (!Node.isObjectLiteralExpression(right)) {
            found.length = 0;
            other = `${module.file} sets module.exports to ${oneLine(right.getText())}, which is not an object literal`;
            continue;
          }
          // `module.exports = { ... }` replaces what `exports.X = ...` above set.
          found.length = 0;
          other = undefined;
          const property = right.getProperty(name);
          if (property === undefined) continue;
          if (Node.isPropertyAssignment(property)) {
            const init = property.getInitializer() as Node;
            found.push({ follow: () => resolver.resolve(init, depth + 1), label: oneLine(property.getText()) });
          } else if (Node.isShorthandPropertyAssignment(property)) found.push({ follow: () => resolver.resolve(property, depth + 1), label: name });
          else other = `${name} is exported by ${module.file}, but not as a const`;
        } else if (
          Node.isPropertyAccessExpression(left) &&
          left.getName() === name &&
          (left.getExpression().getText() === 'exports' || left.getExpression().getText() === 'module.exports')
        ) {
          found.push({ follow: () => resolver.resolve(expression.getRight(), depth + 1), label: oneLine(expression.getText()) });
        }
      } else if (
        (Node.isFunctionDeclaration(statement) || Node.isClassDeclaration(statement)) &&
        statement.hasExportKeyword() &&
        statement.getName() === name
      ) {
        other = `${name} is exported by ${module.file}, but not as a const`;
      }
    }
    if (found.length > 1) return unknown(`${name} is exported more than once by ${module.file}`);
    const [only] = found;
    if (only === undefined) {
      if (other !== undefined) return unknown(other);
      for (const star of stars) {
        const through = this.#follow(star, name, module.sourceFile, depth + 1);
        if (through.kind !== 'absent') return through;
      }
      return { kind: 'absent', file: module.file };
    }
    const resolved = only.follow();
    if (resolved.kind === 'literal') return resolved;
    if (resolved.kind === 'unknown') return unknown(`${name} is imported from ${module.file}, where ${resolved.reason}`);
    if (resolved.kind === 'list') return unknown(`${name} is imported from ${module.file}, where it is a list a loop walks`);
    const [source] = resolved.sources;
    if (source === undefined || resolved.sources.length > 1) return unknown(`${name} is imported from ${module.file}, where it comes from several places`);
    const at = this.moduleOf(source.literal);
    if (at === undefined) return unknown(`${name} is imported from ${module.file}, where it comes from the annotated file: an import cycle`);
    return { kind: 'literal', literal: source.literal, label: source.path === undefined ? only.label : source.label, module: at };
  }
}

/** The paths a relative specifier may name, in the order they are tried. */
function candidatesOf(specifier: string, fromPath: string, typescript: boolean): string[] {
  const base = resolve(dirname(fromPath), specifier);
  const extension = /\.(js|jsx|mjs|cjs)$/i.exec(base)?.[0];
  const swapped = extension === undefined ? [] : (SWAPS[extension.toLowerCase()] ?? []).map((e) => base.slice(0, -extension.length) + e);
  const paths = [
    ...(typescript ? swapped : []),
    base,
    ...(typescript ? [] : swapped),
    ...EXTENSIONS.map((e) => base + e),
    ...EXTENSIONS.map((e) => join(base, `index${e}`)),
  ];
  return [...new Set(paths)];
}

/**
 * A {@link ReadProjectFile} over the disk for the file `file`, whose imports are resolved from the
 * folder of `shownAs` (the name the scan knows it by): the modules are read from the folder `file`
 * really is in (a symbolic link followed). A path that is no file reads as `undefined`.
 */
export function diskReader(file: string, shownAs: string = file): ReadProjectFile {
  const shown = dirname(resolve(shownAs));
  const real = realFolder(file);
  return (path) => {
    const target = resolve(real, relative(shown, path));
    try {
      return statSync(target).isFile() ? readFileSync(target, 'utf8') : undefined;
    } catch (cause) {
      if (MISSING.has(String((cause as { code?: unknown }).code))) return undefined;
      throw cause;
    }
  };
}

/** The folder a file really is in (a symbolic link followed); its named folder when it cannot be found. */
export function realFolder(file: string): string {
  try {
    return dirname(realpathSync(file));
  } catch {
    return dirname(resolve(file));
  }
}

function unknown(reason: string): { readonly kind: 'unknown'; readonly reason: string } {
  return { kind: 'unknown', reason };
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat;
}
