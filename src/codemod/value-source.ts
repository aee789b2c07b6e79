/**
 * Follows a value of model code to where it is decided, so that the decision sits where the
 * literal is written: a `const`, a parameter whose callers pass literals (each call a decision), a
 * parameter's default, a property of a settings object (`params.learningRate`), the default of a
 * command-line option (argparse, yargs, commander, `node:util` parseArgs, minimist), a fallback
 * (`args.x ?? 32`, `|| 32`), or a literal list a loop walks (`[128, 64].forEach(...)`). Anything
 * else is reported with the reason the value cannot be followed.
 */
import type { ImportedModules } from './imported-modules.js';
import type { TsMorphModule } from './load-ts-morph.js';
import type { ImportedLiteral, ImportedRead } from './site.js';
import type * as TsMorph from 'ts-morph';

type Node = TsMorph.Node;

/** A literal a value comes from. */
export interface LiteralSource {
  /** The literal (a number, string, boolean, or an array literal of them). */
  readonly literal: Node;
  /** Where the decision lives, when it is not the use itself (a const's scope and name, a call's scope, callee and parameter). */
  readonly path: readonly string[] | undefined;
  /** What the literal is, for people: `LEARNING_RATE = 0.001`, `createModel(…, 128): hiddenSize`. */
  readonly label: string;
}

/** A literal list whose elements a loop walks, making a layer per element. */
export interface ListSource {
  readonly list: TsMorph.ArrayLiteralExpression;
  readonly path: readonly string[];
  readonly label: string;
}

/** Where a value comes from: literals (one or several: a parameter with several callers), a list a loop walks, or why it cannot be followed. */
export type Resolution =
  | { readonly kind: 'literals'; readonly sources: readonly LiteralSource[] }
  | { readonly kind: 'list'; readonly source: ListSource }
  | { readonly kind: 'unknown'; readonly reason: string };

/** The depth to which values are followed (a parameter of a parameter of ...). */
const MAX_DEPTH = 6;

/** Whether a node is a literal the codemod can write back: a scalar, or an array literal of scalars. */
export type IsLiteral = (node: Node | undefined) => boolean;

/** See the module comment. */
export class ValueResolver {
  readonly #tsMorph: TsMorphModule;
  readonly #isLiteral: IsLiteral;
  readonly #scopeOf: (node: Node) => string[];
  readonly #sourceFile: TsMorph.SourceFile;
  readonly #imports: ImportedModules | undefined;
  /** The literals of other modules reached through the file's imports, with where the file reads them. */
  readonly #imported = new Map<Node, ImportedLiteral>();
  /** By the name an import binds: where this file reads it. */
  readonly #reads = new Map<Node, readonly ImportedRead[] | undefined>();

  /** `imports`: the project's other modules, to follow a `const` imported from one (without it, an import is not followed). */
  constructor(tsMorph: TsMorphModule, sourceFile: TsMorph.SourceFile, isLiteral: IsLiteral, scopeOf: (node: Node) => string[], imports?: ImportedModules) {
    this.#tsMorph = tsMorph;
    this.#sourceFile = sourceFile;
    this.#isLiteral = isLiteral;
    this.#scopeOf = scopeOf;
    this.#imports = imports;
  }

  /** For a literal of another module that a value of this file was followed to: that module, and where this file reads it. */
  importedAt(literal: Node): ImportedLiteral | undefined {
    return this.#imported.get(literal);
  }

  /** Where the value of `node` (an expression, or a shorthand property) is decided. */
  resolve(node: Node, depth = 0): Resolution {
    const { Node } = this.#tsMorph;
    const text = oneLine(node.getText());
    if (depth > MAX_DEPTH) return unknown(`${text} is passed through too many functions to follow`);
    const value = unwrap(this.#tsMorph, node);
    if (this.#isLiteral(value)) return { kind: 'literals', sources: [{ literal: value, path: undefined, label: oneLine(value.getText()) }] };
    if (Node.isShorthandPropertyAssignment(value)) {
      const symbol = value.getValueSymbol();
      return this.#resolveSymbol(symbol, value, depth);
    }
    if (Node.isIdentifier(value)) return this.#resolveSymbol(value.getSymbol(), value, depth);
    if (Node.isPropertyAccessExpression(value)) return this.#resolveProperty(value, depth);
    if (Node.isBinaryExpression(value)) {
      const operator = value.getOperatorToken().getText();
      const right = unwrap(this.#tsMorph, value.getRight());
      if ((operator === '??' || operator === '||') && this.#isLiteral(right)) {
        const left = value.getLeft();
        const name = lastName(this.#tsMorph, left) ?? 'value';
        return { kind: 'literals', sources: [{ literal: right, path: [...this.#scopeOf(value), name], label: oneLine(value.getText()) }] };
      }
      return unknown(`${text} is computed at run time`);
    }
    if (Node.isCallExpression(value) || Node.isNewExpression(value)) return unknown(`${text} is computed at run time (the value of a call)`);
    if (Node.isElementAccessExpression(value)) return unknown(`${text} is computed at run time (an element chosen at run time)`);
    if (Node.isConditionalExpression(value)) return unknown(`${text} is chosen at run time`);
    return unknown(`${text} is computed at run time`);
  }

  /** Where the value of a name (`symbol`, read at `use`) is decided. */
  resolveSymbol(symbol: TsMorph.Symbol | undefined, use: Node, depth: number): Resolution {
    return this.#resolveSymbol(symbol, use, depth);
  }

  #resolveSymbol(symbol: TsMorph.Symbol | undefined, use: Node, depth: number): Resolution {
    const { Node, VariableDeclarationKind } = this.#tsMorph;
    const text = oneLine(use.getText());
    const declaration = symbol?.getDeclarations()[0];
    if (declaration === undefined) return unknown(`${text} is not declared in this file`);
    if (Node.isImportSpecifier(declaration)) {
      const from = declaration.getImportDeclaration();
      if (from.isTypeOnly() || declaration.isTypeOnly()) return unknown(`${text} is imported from another module`);
      return this.#resolveImport(
        declaration.getAliasNode() ?? declaration.getNameNode(),
        from.getModuleSpecifierValue(),
        declaration.getName(),
        declaration,
        text,
        depth,
      );
    }
    if (Node.isImportClause(declaration) || Node.isNamespaceImport(declaration)) {
      return unknown(`${text} is imported from another module`);
    }
    if (Node.isParameterDeclaration(declaration)) return this.#resolveParameter(declaration, text, depth);
    if (Node.isBindingElement(declaration)) return this.#resolveBinding(declaration, text, depth);
    if (Node.isVariableDeclaration(declaration)) {
      const loop = this.#loopSource(declaration, depth);
      if (loop !== undefined) return loop;
      const statement = declaration.getVariableStatement();
      const init = declaration.getInitializer();
      if (init === undefined) return unknown(`${text} is set at run time`);
      if (statement?.getDeclarationKind() !== VariableDeclarationKind.Const && this.#isReassigned(declaration)) {
        return unknown(`${text} is a variable that is assigned again`);
      }
      const inner = unwrap(this.#tsMorph, init);
      if (this.#isLiteral(inner)) {
        return {
          kind: 'literals',
          sources: [
            { literal: inner, path: [...this.#scopeOf(declaration), declaration.getName()], label: `${declaration.getName()} = ${oneLine(inner.getText())}` },
          ],
        };
      }
      return this.resolve(init, depth + 1);
    }
    return unknown(`${text} is computed at run time`);
  }

  /**
   * A name imported from the module `specifier` (its export `name`, bound to `local` by
   * `declaration`): the literal of the project's module that decides it. The annotated file's
   * reads of the name are kept with the literal (see {@link importedAt}).
   */
  #resolveImport(local: Node, specifier: string, name: string, declaration: Node, text: string, depth: number): Resolution {
    const imports = this.#imports;
    if (imports === undefined) return unknown(`${text} is imported from another module`);
    const found = imports.follow(specifier, name, this.#sourceFile, depth + 1);
    if (found.kind === 'unknown') return found;
    const label = `${found.label} (in ${found.module.file})`;
    const source: LiteralSource = { literal: found.literal, path: [...this.#scopeOf(declaration), local.getText()], label };
    if (this.#sourceFile !== imports.main) return { kind: 'literals', sources: [source] };
    const reads = this.#readsOf(local, declaration);
    if (reads === undefined) return unknown(`${text} is exported again by this file: the search-space module could not make its export read the decision`);
    const known = this.#imported.get(found.literal);
    const merged = [...(known?.reads ?? []), ...reads.filter((r) => known?.reads.some((k) => k.start === r.start) !== true)].sort((a, b) => a.start - b.start);
    this.#imported.set(found.literal, { file: found.module.file, path: found.module.path, text: found.module.text, reads: merged });
    return { kind: 'literals', sources: [source] };
  }

  /** The places this file reads the name `local` binds (all but `declaration`), or `undefined` when one is an `export { name }`. */
  #readsOf(local: Node, declaration: Node): readonly ImportedRead[] | undefined {
    if (this.#reads.has(local)) return this.#reads.get(local);
    const reads = this.#findReads(local, declaration);
    this.#reads.set(local, reads);
    return reads;
  }

  #findReads(local: Node, declaration: Node): ImportedRead[] | undefined {
    const { Node, SyntaxKind } = this.#tsMorph;
    const target = local.getSymbol()?.compilerSymbol;
    const name = local.getText();
    const reads: ImportedRead[] = [];
    for (const id of this.#sourceFile.getDescendantsOfKind(SyntaxKind.Identifier)) {
      if (id.getText() !== name || id === local || id.getAncestors().includes(declaration)) continue;
      const parent = id.getParent();
      const shorthand = Node.isShorthandPropertyAssignment(parent) && parent.getNameNode() === id;
      if (Node.isExportSpecifier(parent)) {
        if (parent.getLocalTargetSymbol()?.compilerSymbol === target) return undefined;
        continue;
      }
      const symbol = shorthand ? parent.getValueSymbol() : id.getSymbol();
      if (target === undefined || symbol?.compilerSymbol !== target) continue;
      reads.push({ start: id.getStart(), end: id.getEnd(), name, shorthand });
    }
    return reads;
  }

  /** A parameter: its default, or the literals its callers in this file pass (each a decision). */
  #resolveParameter(parameter: TsMorph.ParameterDeclaration, text: string, depth: number): Resolution {
    const fn = parameter.getParent();
    const name = parameter.getName();
    const fnName = functionName(this.#tsMorph, fn);
    const index = (fn as unknown as { getParameters(): TsMorph.ParameterDeclaration[] }).getParameters().indexOf(parameter);
    const loop = this.#callbackListSource(parameter, fn, depth);
    if (loop !== undefined) return loop;
    const calls = this.#callsOf(fn);
    if (calls === undefined || calls.length === 0) {
      const init = parameter.getInitializer();
      if (init !== undefined && this.#isLiteral(unwrap(this.#tsMorph, init))) {
        const literal = unwrap(this.#tsMorph, init);
        return {
          kind: 'literals',
          sources: [{ literal, path: [...this.#scopeOf(parameter), name], label: `${name} = ${oneLine(literal.getText())} (a default)` }],
        };
      }
      return unknown(`${text} is a parameter${fnName === undefined ? '' : ` of ${fnName}`} that no call in this file passes: its callers elsewhere decide it`);
    }
    const sources: LiteralSource[] = [];
    for (const call of calls) {
      const args = call.getArguments();
      if (args.slice(0, index + 1).some((a) => this.#tsMorph.Node.isSpreadElement(a)))
        return unknown(`${text}: a call spreads its arguments (${oneLine(call.getText())})`);
      const arg = args[index];
      if (arg === undefined) {
        const init = parameter.getInitializer();
        if (init !== undefined && this.#isLiteral(unwrap(this.#tsMorph, init))) {
          const literal = unwrap(this.#tsMorph, init);
          sources.push({ literal, path: [...this.#scopeOf(parameter), name], label: `${name} = ${oneLine(literal.getText())} (a default)` });
          continue;
        }
        return unknown(`${text}: ${oneLine(call.getText())} does not pass it`);
      }
      const resolved = this.resolve(arg, depth + 1);
      if (resolved.kind !== 'literals')
        return resolved.kind === 'list' ? resolved : unknown(`${text} is a parameter${fnName === undefined ? '' : ` of ${fnName}`}, and ${resolved.reason}`);
      for (const source of resolved.sources) {
        sources.push(
          source.path !== undefined
            ? source
            : { literal: source.literal, path: [...this.#scopeOf(call), fnName ?? 'call', name], label: `${oneLine(call.getText())}: ${name}` },
        );
      }
    }
    return { kind: 'literals', sources };
  }

  /** A name bound by destructuring a parameter (`function f({ units = 32 })`): the property of what callers pass, or its default. */
  #resolveBinding(element: TsMorph.BindingElement, text: string, depth: number): Resolution {
    const { Node } = this.#tsMorph;
    const pattern = element.getParent();
    const holder = pattern?.getParent();
    const property = element.getPropertyNameNode()?.getText() ?? element.getName();
    const fallback = (): Resolution | undefined => {
      const init = element.getInitializer();
      const literal = init === undefined ? undefined : unwrap(this.#tsMorph, init);
      if (literal === undefined || !this.#isLiteral(literal)) return undefined;
      return {
        kind: 'literals',
        sources: [{ literal, path: [...this.#scopeOf(element), element.getName()], label: `${element.getName()} = ${oneLine(literal.getText())} (a default)` }],
      };
    };
    if (!Node.isParameterDeclaration(holder)) {
      if (Node.isVariableDeclaration(holder)) {
        const init = holder.getInitializer();
        // `const { WIDTH } = require('./config')`: another module of the project decides it.
        const specifier = init === undefined ? undefined : requiredSpecifier(this.#tsMorph, unwrap(this.#tsMorph, init));
        if (specifier !== undefined) {
          const name = element.getNameNode();
          const constant = holder.getVariableStatement()?.getDeclarationKind() === this.#tsMorph.VariableDeclarationKind.Const;
          if (this.#imports !== undefined && constant && pattern === holder.getNameNode() && Node.isIdentifier(name)) {
            const found = this.#resolveImport(name, specifier, property, holder, text, depth);
            if (found.kind === 'literals') return found;
            return fallback() ?? found;
          }
          return fallback() ?? unknown(`${text} is imported from another module`);
        }
        if (init !== undefined) {
          const object = this.#objectOf(init, depth + 1);
          if (object.kind === 'object') {
            const found = object.object.getProperty(property);
            if (found !== undefined && Node.isPropertyAssignment(found)) return this.resolve(found.getInitializer() as Node, depth + 1);
          }
        }
      }
      return fallback() ?? unknown(`${text} is computed at run time`);
    }
    const fn = holder.getParent();
    const index = (fn as unknown as { getParameters(): TsMorph.ParameterDeclaration[] }).getParameters().indexOf(holder);
    const calls = this.#callsOf(fn);
    if (calls === undefined || calls.length === 0)
      return fallback() ?? unknown(`${text} is a parameter that no call in this file passes: its callers elsewhere decide it`);
    const sources: LiteralSource[] = [];
    for (const call of calls) {
      const arg = call.getArguments()[index];
      const object = arg === undefined ? undefined : this.#objectOf(arg, depth + 1);
      const found = object?.kind === 'object' ? object.object.getProperty(property) : undefined;
      if (found === undefined) {
        const own = fallback();
        if (own !== undefined && own.kind === 'literals') {
          sources.push(...own.sources);
          continue;
        }
        return unknown(`${text}: ${oneLine(call.getText())} does not pass it as a literal`);
      }
      const resolved = Node.isPropertyAssignment(found) ? this.resolve(found.getInitializer() as Node, depth + 1) : this.resolve(found, depth + 1);
      if (resolved.kind !== 'literals') return resolved;
      sources.push(...resolved.sources);
    }
    return { kind: 'literals', sources };
  }

  /** `obj.name`: a property of a settings object, or a command-line option's default. */
  #resolveProperty(access: TsMorph.PropertyAccessExpression, depth: number): Resolution {
    const { Node } = this.#tsMorph;
    const text = oneLine(access.getText());
    const name = access.getName();
    const object = this.#objectOf(access.getExpression(), depth + 1);
    if (object.kind === 'object') {
      const found = object.object.getProperty(name);
      if (found === undefined) return unknown(`${text}: ${oneLine(object.object.getText())} has no property ${name}`);
      if (Node.isPropertyAssignment(found)) {
        const init = found.getInitializer() as Node;
        const inner = unwrap(this.#tsMorph, init);
        if (this.#isLiteral(inner))
          return {
            kind: 'literals',
            sources: [{ literal: inner, path: [...this.#scopeOf(found), object.name, name], label: `${object.name}.${name}: ${oneLine(inner.getText())}` }],
          };
        return this.resolve(init, depth + 1);
      }
      return this.resolve(found, depth + 1);
    }
    if (object.kind === 'cli') {
      const found = this.#optionDefault(name);
      if (found !== undefined) return { kind: 'literals', sources: [{ literal: found.literal, path: ['args', name], label: found.label }] };
      return unknown(`${text} is a command-line option without a literal default`);
    }
    return unknown(object.reason);
  }

  /** What an expression holding settings is: an object literal, parsed command-line options, or unknown. */
  #objectOf(
    node: Node,
    depth: number,
  ): { kind: 'object'; object: TsMorph.ObjectLiteralExpression; name: string } | { kind: 'cli' } | { kind: 'unknown'; reason: string } {
    const { Node, VariableDeclarationKind } = this.#tsMorph;
    const text = oneLine(node.getText());
    if (depth > MAX_DEPTH) return { kind: 'unknown', reason: `${text} is passed through too many functions to follow` };
    const value = unwrap(this.#tsMorph, node);
    if (Node.isObjectLiteralExpression(value)) return { kind: 'object', object: value, name: 'options' };
    if (isCommandLine(this.#tsMorph, value)) return { kind: 'cli' };
    if (Node.isPropertyAccessExpression(value)) {
      // `parseArgs({...}).values`, `yargs(...).argv`
      if (value.getName() === 'values' && isCommandLine(this.#tsMorph, unwrap(this.#tsMorph, value.getExpression()))) return { kind: 'cli' };
      if (value.getName() === 'argv' && value.getExpression().getText() !== 'process') return { kind: 'cli' };
    }
    if (Node.isIdentifier(value)) {
      const declaration = value.getSymbol()?.getDeclarations()[0];
      if (declaration !== undefined && Node.isVariableDeclaration(declaration)) {
        const init = declaration.getInitializer();
        const statement = declaration.getVariableStatement();
        if (statement?.getDeclarationKind() !== VariableDeclarationKind.Const) {
          const assigned = this.#assignments(declaration) ?? [];
          // `let args = {}; ... [args] = parser.parseKnownArgs();`: the parsed command line.
          if (assigned.some((a) => isCommandLine(this.#tsMorph, unwrap(this.#tsMorph, a)))) return { kind: 'cli' };
          if (assigned.length > 0) return { kind: 'unknown', reason: `${text} is assigned again` };
        }
        if (init === undefined) return { kind: 'unknown', reason: `${text} is set at run time` };
        const inner = this.#objectOf(init, depth + 1);
        return inner.kind === 'object' ? { ...inner, name: declaration.getName() } : inner;
      }
      if (declaration !== undefined && Node.isParameterDeclaration(declaration)) {
        const fn = declaration.getParent();
        const index = (fn as unknown as { getParameters(): TsMorph.ParameterDeclaration[] }).getParameters().indexOf(declaration);
        const calls = this.#callsOf(fn);
        if (calls === undefined || calls.length === 0)
          return { kind: 'unknown', reason: `${text} is a parameter that no call in this file passes: its callers elsewhere decide it` };
        // One shape for every caller: the first caller's (callers passing different objects are rare).
        const first = calls[0] as TsMorph.CallExpression;
        const arg = first.getArguments()[index];
        if (arg === undefined) return { kind: 'unknown', reason: `${text}: ${oneLine(first.getText())} does not pass it` };
        const inner = this.#objectOf(arg, depth + 1);
        return inner.kind === 'object' ? { ...inner, name: declaration.getName() } : inner;
      }
      if (declaration !== undefined && (Node.isImportSpecifier(declaration) || Node.isImportClause(declaration) || Node.isNamespaceImport(declaration))) {
        return { kind: 'unknown', reason: `${text} is imported from another module` };
      }
    }
    if (Node.isCallExpression(value)) return { kind: 'unknown', reason: `${text} is computed at run time (the value of a call)` };
    return { kind: 'unknown', reason: `${text} is computed at run time` };
  }

  /**
   * The literal default of the command-line option `name`, wherever the file declares it:
   * argparse (`addArgument('--batchSize', { defaultValue: 32 })`, `add_argument('--batch_size',
   * { default: 32 })`), yargs (`.option('batchSize', { default: 32 })`, `.options({ ... })`),
   * commander (`.option('--batch-size <n>', 'help', parseInt, 32)`), node:util parseArgs
   * (`options: { batchSize: { default: '32' } }`), minimist (`{ default: { batchSize: 32 } }`).
   */
  #optionDefault(name: string): { literal: Node; label: string } | undefined {
    const { Node, SyntaxKind } = this.#tsMorph;
    const spellings = new Set([name, kebab(name), snake(name)]);
    const flagMatches = (flag: string): boolean =>
      flag
        .split(/[,\s|]+/)
        .map((f) => f.replace(/^-+/, '').replace(/[<[].*$/, ''))
        .some((f) => f !== '' && (spellings.has(f) || camel(f) === name));
    const literalOf = (n: Node | undefined): Node | undefined => {
      const u = n === undefined ? undefined : unwrap(this.#tsMorph, n);
      return u !== undefined && this.#isLiteral(u) ? u : undefined;
    };
    const defaultIn = (options: Node | undefined): Node | undefined => {
      if (options === undefined || !Node.isObjectLiteralExpression(options)) return undefined;
      for (const key of ['default', 'defaultValue']) {
        const p = options.getProperty(key);
        if (p !== undefined && Node.isPropertyAssignment(p)) return literalOf(p.getInitializer());
      }
      return undefined;
    };
    for (const call of this.#sourceFile.getDescendantsOfKind(SyntaxKind.CallExpression)) {
      const callee = call.getExpression();
      const method = Node.isPropertyAccessExpression(callee) ? callee.getName() : undefined;
      const args = call.getArguments();
      const [first] = args;
      if (method !== undefined && /^(addArgument|add_argument|option|requiredOption)$/.test(method) && first !== undefined) {
        const flags = Node.isStringLiteral(first)
          ? [first.getLiteralValue()]
          : Node.isArrayLiteralExpression(first)
            ? first.getElements().map((e) => (Node.isStringLiteral(e) ? e.getLiteralValue() : ''))
            : [];
        if (!flags.some(flagMatches)) continue;
        const fromOptions = args.map(defaultIn).find((d) => d !== undefined);
        if (fromOptions !== undefined) return { literal: fromOptions, label: `option ${oneLine(first.getText())}: default ${oneLine(fromOptions.getText())}` };
        // commander: .option(flags, description, [parser,] default)
        if (method === 'option' || method === 'requiredOption') {
          const last = literalOf(args[args.length - 1]);
          if (args.length >= 3 && last !== undefined) return { literal: last, label: `${oneLine(first.getText())}: default ${oneLine(last.getText())}` };
        }
      }
    }
    // `{ batchSize: { type: ..., default: 32 } }` (yargs .options, parseArgs options) and `{ default: { batchSize: 32 } }` (minimist).
    for (const object of this.#sourceFile.getDescendantsOfKind(SyntaxKind.ObjectLiteralExpression)) {
      for (const property of object.getProperties()) {
        if (!Node.isPropertyAssignment(property)) continue;
        const key = property.getName().replace(/^['"]|['"]$/g, '');
        const init = property.getInitializer();
        if (spellings.has(key) && init !== undefined && Node.isObjectLiteralExpression(init)) {
          const found = defaultIn(init);
          if (found !== undefined) return { literal: found, label: `option ${key}: default ${oneLine(found.getText())}` };
        }
        if (key === 'default' && init !== undefined && Node.isObjectLiteralExpression(init)) {
          for (const inner of init.getProperties()) {
            if (!Node.isPropertyAssignment(inner) || !spellings.has(inner.getName().replace(/^['"]|['"]$/g, ''))) continue;
            const found = literalOf(inner.getInitializer());
            if (found !== undefined) return { literal: found, label: `default ${inner.getName()}: ${oneLine(found.getText())}` };
          }
        }
      }
    }
    return undefined;
  }

  /** A for-of variable or a `forEach`/`map` callback's element over a literal list (or a name that resolves to one): the list. */
  #loopSource(declaration: TsMorph.VariableDeclaration, depth: number): Resolution | undefined {
    const { Node } = this.#tsMorph;
    const list = declaration.getParent()?.getParent();
    if (!Node.isForOfStatement(list)) return undefined;
    return this.#listOf(list.getExpression(), declaration.getName(), depth);
  }

  #callbackListSource(parameter: TsMorph.ParameterDeclaration, fn: Node | undefined, depth: number): Resolution | undefined {
    const { Node } = this.#tsMorph;
    if (fn === undefined || !(Node.isArrowFunction(fn) || Node.isFunctionExpression(fn))) return undefined;
    if (fn.getParameters()[0] !== parameter) return undefined;
    const call = fn.getParent();
    if (!Node.isCallExpression(call) || call.getArguments()[0] !== fn) return undefined;
    const callee = call.getExpression();
    if (!Node.isPropertyAccessExpression(callee) || !['forEach', 'map', 'flatMap'].includes(callee.getName())) return undefined;
    return this.#listOf(callee.getExpression(), parameter.getName(), depth);
  }

  #listOf(expression: Node, element: string, depth: number): Resolution {
    const { Node } = this.#tsMorph;
    let value = unwrap(this.#tsMorph, expression);
    let path: string[] = [...this.#scopeOf(expression), element];
    let label = oneLine(value.getText());
    for (let i = 0; i < MAX_DEPTH && Node.isIdentifier(value); i++) {
      const resolved = this.resolve(value, depth + 1);
      if (resolved.kind === 'unknown') return unknown(`the list ${oneLine(expression.getText())} a loop walks: ${resolved.reason}`);
      if (resolved.kind === 'list') return resolved;
      const [source] = resolved.sources;
      if (resolved.sources.length !== 1 || source === undefined) return unknown(`the list ${oneLine(expression.getText())} comes from several places`);
      value = source.literal;
      path = source.path === undefined ? path : [...source.path];
      label = source.label;
    }
    if (!Node.isArrayLiteralExpression(value)) return unknown(`the list ${oneLine(expression.getText())} a loop walks is computed at run time`);
    return { kind: 'list', source: { list: value, path, label } };
  }

  /** The calls of a function (or the `new` of a class whose constructor it is) in this file; `undefined` when they cannot be found. */
  #callsOf(fn: Node | undefined): (TsMorph.CallExpression | TsMorph.NewExpression)[] | undefined {
    const { Node } = this.#tsMorph;
    if (fn === undefined) return undefined;
    let nameNode: Node | undefined;
    let viaNew = false;
    if (Node.isFunctionDeclaration(fn) || Node.isMethodDeclaration(fn)) nameNode = fn.getNameNode();
    else if (Node.isConstructorDeclaration(fn)) {
      nameNode = fn.getParent().getNameNode();
      viaNew = true;
    } else if (Node.isArrowFunction(fn) || Node.isFunctionExpression(fn)) {
      const holder = fn.getParent();
      if (Node.isVariableDeclaration(holder) || Node.isPropertyAssignment(holder)) nameNode = holder.getNameNode();
    }
    if (nameNode === undefined || !Node.isIdentifier(nameNode)) return undefined;
    const calls: (TsMorph.CallExpression | TsMorph.NewExpression)[] = [];
    let references: Node[];
    try {
      references = nameNode.findReferencesAsNodes();
    } catch {
      return undefined;
    }
    for (const reference of references) {
      if (reference.getSourceFile() !== this.#sourceFile) continue;
      let callee: Node = reference;
      const parent = reference.getParent();
      if (Node.isPropertyAccessExpression(parent) && parent.getNameNode() === reference) callee = parent;
      const call = callee.getParent();
      if (viaNew ? Node.isNewExpression(call) && call.getExpression() === callee : Node.isCallExpression(call) && call.getExpression() === callee)
        calls.push(call as TsMorph.CallExpression);
    }
    return calls;
  }

  #isReassigned(declaration: TsMorph.VariableDeclaration): boolean {
    return this.#assignments(declaration) !== undefined && (this.#assignments(declaration) as Node[]).length > 0;
  }

  /**
   * The values assigned to a variable after its declaration (`x = v`, `[x] = v`, `({ x } = v)`,
   * `x += v`, `x++`: the whole right side), or `undefined` when its references cannot be found.
   */
  #assignments(declaration: TsMorph.VariableDeclaration): Node[] | undefined {
    const { Node, SyntaxKind } = this.#tsMorph;
    const nameNode = declaration.getNameNode();
    if (!Node.isIdentifier(nameNode)) return undefined;
    let references: Node[];
    try {
      references = nameNode.findReferencesAsNodes();
    } catch {
      return undefined;
    }
    const out: Node[] = [];
    for (const r of references) {
      const parent = r.getParent();
      if ((Node.isPrefixUnaryExpression(parent) || Node.isPostfixUnaryExpression(parent)) && /\+\+|--/.test(parent.getText())) {
        out.push(parent);
        continue;
      }
      // The assignment the reference is the target of, directly or inside a destructuring pattern.
      let target: Node = r;
      for (let up = r.getParent(); up !== undefined; up = up.getParent()) {
        if (
          Node.isArrayLiteralExpression(up) ||
          Node.isObjectLiteralExpression(up) ||
          Node.isShorthandPropertyAssignment(up) ||
          Node.isPropertyAssignment(up) ||
          Node.isParenthesizedExpression(up)
        ) {
          target = up;
          continue;
        }
        if (
          Node.isBinaryExpression(up) &&
          up.getLeft() === target &&
          up.getOperatorToken().getKind() >= SyntaxKind.FirstAssignment &&
          up.getOperatorToken().getKind() <= SyntaxKind.LastAssignment
        ) {
          out.push(up.getRight());
        }
        break;
      }
    }
    return out;
  }
}

function unknown(reason: string): Resolution {
  return { kind: 'unknown', reason };
}

/** The expression inside parentheses, `as`, `!` and `satisfies`. */
export function unwrap(tsMorph: TsMorphModule, node: Node): Node {
  const { Node } = tsMorph;
  let current = node;
  for (let i = 0; i < 10; i++) {
    if (Node.isParenthesizedExpression(current) || Node.isAsExpression(current) || Node.isNonNullExpression(current) || Node.isSatisfiesExpression(current))
      current = current.getExpression();
    else break;
  }
  return current;
}

/** Whether an expression is a command-line parse: `parser.parseArgs()`, `parse_args()`, `program.opts()`, `minimist(...)`, `parseArgs({...})`, `yargs(...).argv`. */
function isCommandLine(tsMorph: TsMorphModule, node: Node): boolean {
  const { Node } = tsMorph;
  if (!Node.isCallExpression(node)) return false;
  const callee = node.getExpression();
  // require('minimist')(argv, options), require('yargs-parser')(argv, options)
  if (Node.isCallExpression(callee) && callee.getExpression().getText() === 'require') {
    const [specifier] = callee.getArguments();
    return specifier !== undefined && Node.isStringLiteral(specifier) && /^(minimist|yargs-parser|mri|arg)$/.test(specifier.getLiteralValue());
  }
  const name = Node.isPropertyAccessExpression(callee) ? callee.getName() : Node.isIdentifier(callee) ? callee.getText() : '';
  return /^(parseArgs|parse_args|parseKnownArgs|parse_known_args|opts|minimist|yargsParser|parseSync|parse)$/.test(name);
}

function functionName(tsMorph: TsMorphModule, fn: Node | undefined): string | undefined {
  const { Node } = tsMorph;
  if (fn === undefined) return undefined;
  if (Node.isFunctionDeclaration(fn) || Node.isMethodDeclaration(fn)) return fn.getName();
  if (Node.isConstructorDeclaration(fn)) return fn.getParent().getName() ?? 'constructor';
  const holder = fn.getParent();
  if (Node.isVariableDeclaration(holder) || Node.isPropertyAssignment(holder)) return holder.getName();
  return undefined;
}

function lastName(tsMorph: TsMorphModule, node: Node): string | undefined {
  const { Node } = tsMorph;
  const value = unwrap(tsMorph, node);
  if (Node.isIdentifier(value)) return value.getText();
  if (Node.isPropertyAccessExpression(value)) return value.getName();
  return undefined;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function camel(name: string): string {
  return name.replace(/[-_]([a-z])/g, (_, c: string) => c.toUpperCase());
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat;
}

/** The module a node loads when it is `require('...')` (or a dynamic `import` of it) of one. */
function requiredSpecifier(tsMorph: TsMorphModule, node: Node): string | undefined {
  const { Node, SyntaxKind } = tsMorph;
  let current: Node = node;
  if (Node.isAwaitExpression(current)) current = unwrap(tsMorph, current.getExpression());
  if (!Node.isCallExpression(current)) return undefined;
  const callee = current.getExpression();
  const [specifier] = current.getArguments();
  const loads = (Node.isIdentifier(callee) && callee.getText() === 'require') || callee.getKind() === SyntaxKind.ImportKeyword;
  return loads && specifier !== undefined && (Node.isStringLiteral(specifier) || Node.isNoSubstitutionTemplateLiteral(specifier))
    ? specifier.getLiteralValue()
    : undefined;
}
