/**
 * Finds the places of a TensorFlow.js source file that `annotate` turns into decisions (and that
 * `apply` writes back to): the tunable literals of model-building calls, chosen by rules, and the
 * literals marked by hand with a `@search` comment. Every other place a rule would have applied
 * is listed with the reason it was left alone. Both commands run this same scan on the original
 * file, so a decision's key always names the same literal.
 */
import { PliantError } from '../base/errors.js';
import type { AnnotationRule, LiteralValue } from './annotation-rules.js';
import { checkSpec, hyperFromRecipe, includeOriginal } from './hyper-spec.js';
import type { HyperSpec } from './hyper-spec.js';
import type { Site, SkippedSite } from './site.js';
import { loadTsMorph } from './load-ts-morph.js';
import type { TsMorphModule } from './load-ts-morph.js';
import type * as TsMorph from 'ts-morph';

export type { Site, SkippedSite } from './site.js';

type Node = TsMorph.Node;

/** What a scan found. */
export interface SiteScan {
  readonly sites: readonly Site[];
  readonly skipped: readonly SkippedSite[];
  /** The file is a module `annotate` made already. */
  readonly annotated: boolean;
  /** The ts-morph source file (for the rewriters). */
  readonly sourceFile: TsMorph.SourceFile;
  readonly tsMorph: TsMorphModule;
}

/** The marker `annotate` leaves in a generated module. */
export const BLOCK_MARK = 'pliant:search-space';

const TFJS = /^@tensorflow\/tfjs(-node(-gpu)?|-layers|-core)?$/;
/** Positional arguments of `tf.train.*`, by name. */
const TRAIN_ARGS: Readonly<Record<string, readonly string[]>> = {
  sgd: ['learningRate'],
  momentum: ['learningRate', 'momentum', 'useNesterov'],
  adam: ['learningRate', 'beta1', 'beta2', 'epsilon'],
  adamax: ['learningRate', 'beta1', 'beta2', 'epsilon', 'decay'],
  rmsprop: ['learningRate', 'decay', 'momentum', 'epsilon', 'centered'],
  adagrad: ['learningRate', 'initialAccumulatorValue'],
  adadelta: ['learningRate', 'rho', 'epsilon'],
};
const LOOP_METHODS = new Set(['map', 'forEach', 'flatMap', 'reduce', 'reduceRight', 'filter', 'from', 'some', 'every']);
const OUTPUT_ACTIVATIONS = new Set(['softmax', 'sigmoid']);

/** A model-building call with the named arguments found in it. */
interface CallInfo {
  readonly call: TsMorph.CallExpression;
  /** Canonical name: `layers.dense`, `train.adam`, `fit`, `compile`. */
  readonly name: string;
  readonly scope: readonly string[];
  key: string;
}

interface Entry {
  readonly arg: string;
  /** The value expression (the initializer, the shorthand name, the positional argument). */
  readonly value: Node;
  /** The whole property or argument, for the report. */
  readonly whole: Node;
  /** A spread that follows it in the same object literal. */
  readonly spreadAfter: Node | undefined;
}

/**
 * Scans `text` (the file `fileName`) for annotation sites under `rules`.
 */
export function findSites(text: string, fileName: string, rules: readonly AnnotationRule[], api: string): SiteScan {
  const tsMorph = loadTsMorph(api);
  const { Node, SyntaxKind } = tsMorph;
  const project = new tsMorph.Project({ useInMemoryFileSystem: true, compilerOptions: { allowJs: true, noLib: true } });
  const sourceFile = project.createSourceFile(fileName.replace(/\.(mts|cts|js|mjs|cjs|jsx)$/, '.ts'), text, { overwrite: true });
  const sites = new Map<number, Site>();
  const skipped: SkippedSite[] = [];
  const at = (node: Node): { line: number; column: number } => sourceFile.getLineAndColumnAtPos(node.getStart());
  const skip = (node: Node, reason: string, kind: SkippedSite['kind'] = 'unsafe'): void => {
    const { line, column } = at(node);
    if (skipped.some((s) => s.line === line && s.column === column && s.reason === reason)) return;
    skipped.push({ line, column, text: oneLine(node.getText()), reason, kind });
  };

  const annotated = sourceFile.getVariableStatements().some((s) => s.getFullText().includes(BLOCK_MARK));
  if (annotated) return { sites: [], skipped: [], annotated, sourceFile, tsMorph };

  // Which names reach TensorFlow.js.
  const namespaces = new Set<string>();
  const layerNs = new Set<string>();
  const trainNs = new Set<string>();
  for (const decl of sourceFile.getImportDeclarations()) {
    if (!TFJS.test(decl.getModuleSpecifierValue())) continue;
    const ns = decl.getNamespaceImport()?.getText() ?? decl.getDefaultImport()?.getText();
    if (ns !== undefined) namespaces.add(ns);
    for (const named of decl.getNamedImports()) {
      const local = named.getAliasNode()?.getText() ?? named.getName();
      if (named.getName() === 'layers') layerNs.add(local);
      if (named.getName() === 'train') trainNs.add(local);
    }
  }

  const canonical = (call: TsMorph.CallExpression): string | undefined => {
    const callee = call.getExpression();
    if (!Node.isPropertyAccessExpression(callee)) return undefined;
    const name = callee.getName();
    const object = callee.getExpression();
    if (Node.isPropertyAccessExpression(object) && Node.isIdentifier(object.getExpression()) && namespaces.has(object.getExpression().getText())) {
      const group = object.getName();
      return group === 'layers' || group === 'train' ? `${group}.${name}` : undefined;
    }
    if (Node.isIdentifier(object)) {
      if (layerNs.has(object.getText())) return `layers.${name}`;
      if (trainNs.has(object.getText())) return `train.${name}`;
    }
    if (name === 'fit' || name === 'compile') return name;
    return undefined;
  };

  // Pass 1: the model-building calls, named per scope in reading order (`dense_1`, `dense_2`; `adam`).
  const calls: CallInfo[] = [];
  for (const call of sourceFile.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const name = canonical(call);
    if (name !== undefined) calls.push({ call, name, scope: scopeOf(tsMorph, call), key: '' });
  }
  const totals = new Map<string, number>();
  const short = (c: CallInfo): string => c.name.slice(c.name.indexOf('.') + 1);
  for (const c of calls) totals.set(`${c.scope.join('.')}|${short(c)}`, (totals.get(`${c.scope.join('.')}|${short(c)}`) ?? 0) + 1);
  const counts = new Map<string, number>();
  for (const c of calls) {
    const id = `${c.scope.join('.')}|${short(c)}`;
    const n = (counts.get(id) ?? 0) + 1;
    counts.set(id, n);
    c.key = c.name.startsWith('layers.') || (totals.get(id) ?? 0) > 1 ? `${short(c)}_${n}` : short(c);
  }

  const usedKeys = new Map<string, number>();
  const addSite = (literal: Node, path: readonly string[], spec: HyperSpec, rule: string, label: string): void => {
    const existing = sites.get(literal.getStart());
    if (existing !== undefined) return;
    const value = literalValue(tsMorph, literal) as { value: LiteralValue; quote: Site['quote'] };
    let key = path.join('.');
    let finalPath = path;
    if (usedKeys.has(key)) {
      const n = (usedKeys.get(key) ?? 1) + 1;
      usedKeys.set(key, n);
      finalPath = [...path.slice(0, -1), `${path[path.length - 1] as string}_${n}`];
      key = finalPath.join('.');
    }
    usedKeys.set(key, 1);
    const { line, column } = at(literal);
    sites.set(literal.getStart(), {
      path: finalPath,
      key,
      start: literal.getStart(),
      end: literal.getEnd(),
      text: literal.getText(),
      original: value.value,
      quote: value.quote,
      line,
      column,
      spec,
      rule,
      label,
    });
  };

  // The `@search` comments, by the start of the literal they mark.
  const markers = new Map<number, { spec: HyperSpec | 'off'; comment: string }>();
  const readMarker = (node: Node, owner: Node): void => {
    const full = sourceFile.getFullText();
    // A comment on the same line as the code before it is that code's "trailing" comment to
    // TypeScript: for a literal (`rate: /* @search ... */ 0.3`) take both kinds.
    const ranges = [
      ...(owner === node ? (tsMorph.ts.getTrailingCommentRanges(full, owner.getPos()) ?? []) : []),
      ...(tsMorph.ts.getLeadingCommentRanges(full, owner.getPos()) ?? []),
    ];
    for (const range of ranges) {
      const m = /@search\b\s*([\s\S]*?)\s*(\*\/)?$/.exec(full.slice(range.pos, range.end));
      if (m === null) continue;
      const body = (m[1] as string).replace(/^\/\/\s*/, '');
      const value = literalValue(tsMorph, node);
      if (value === undefined) {
        skip(node, `a @search comment must mark a literal; ${oneLine(node.getText())} is not one`);
        continue;
      }
      if (body === 'off') {
        markers.set(node.getStart(), { spec: 'off', comment: body });
        continue;
      }
      const line = at(owner).line;
      const spec = includeOriginal(parseMarker(tsMorph, body, line, fileName, api), value.value);
      try {
        checkSpec(spec, value.value);
      } catch (cause) {
        throw new PliantError(
          api,
          'argument',
          `${fileName}:${line}: the comment '@search ${body}' cannot hold the literal ${node.getText()}: ${(cause as Error).message}`,
          { cause },
        );
      }
      markers.set(node.getStart(), { spec, comment: body });
    }
  };
  sourceFile.forEachDescendant((node) => {
    if (Node.isVariableStatement(node)) {
      const [first] = node.getDeclarations();
      const init = first?.getInitializer();
      if (init !== undefined && node.getDeclarations().length === 1) readMarker(init, node);
    } else if (literalValue(tsMorph, node) !== undefined && !Node.isPrefixUnaryExpression(node.getParent())) {
      readMarker(node, node);
    }
  });

  // Pass 2: each rule-matched argument.
  for (const info of calls) {
    const entries = entriesOf(tsMorph, info);
    if (entries === 'not-literal') {
      if (rules.some((r) => r.calls.includes(info.name)))
        skip(info.call, `the options of ${info.name} are not an object literal: their values are computed at run time`);
      continue;
    }
    for (const entry of entries) {
      const rule = rules.find((r) => r.calls.includes(info.name) && r.args.includes(entry.arg));
      const path = [...info.scope, info.key, entry.arg];
      const direct = literalValue(tsMorph, entry.value);
      const marked = direct === undefined ? undefined : markers.get(entry.value.getStart());
      if (rule === undefined && marked === undefined) continue;
      if (entry.spreadAfter !== undefined) {
        skip(entry.whole, `${entry.spreadAfter.getText()} after it may replace it`);
        continue;
      }
      if (inLoop(tsMorph, info.call)) {
        skip(entry.whole, 'inside a loop: one literal makes several layers');
        continue;
      }
      let literal: Node = entry.value;
      let sitePath = path;
      let label = info.name.startsWith('train.') && info.call.getText().length <= 60 ? oneLine(info.call.getText()) : oneLine(entry.whole.getText());
      let value = direct;
      if (value === undefined) {
        // A model-building call (an optimizer in compile's options) has sites of its own.
        if (Node.isCallExpression(entry.value) && canonical(entry.value) !== undefined) continue;
        const resolved = resolveConst(tsMorph, entry.value);
        if (typeof resolved === 'string') {
          skip(entry.whole, resolved);
          continue;
        }
        literal = resolved.literal;
        value = literalValue(tsMorph, literal);
        sitePath = [...scopeOf(tsMorph, resolved.declaration), resolved.declaration.getName()];
        label = `${resolved.declaration.getName()} = ${literal.getText()}`;
        if (value === undefined) continue;
      }
      const marker = markers.get(literal.getStart());
      if (marker !== undefined) {
        if (marker.spec === 'off') skip(entry.whole, 'marked @search off', 'kept');
        else addSite(literal, sitePath, marker.spec, '@search', label);
        continue;
      }
      if (rule === undefined) continue;
      if (rule.type !== undefined && typeof value.value !== rule.type) continue;
      if (rule.in !== undefined && !rule.in.includes(value.value)) continue;
      if (rule.unlessOutput === true && info.name.startsWith('layers.') && isOutputLayer(tsMorph, info.call)) {
        skip(entry.whole, 'an output layer: its size and activation belong to the task', 'kept');
        continue;
      }
      let spec: HyperSpec;
      try {
        spec = hyperFromRecipe(rule.hyper, value.value);
        checkSpec(spec, value.value);
      } catch (cause) {
        skip(entry.whole, `rule '${rule.name}' cannot make a decision of it: ${(cause as Error).message}`);
        continue;
      }
      if (single(spec)) {
        skip(entry.whole, `rule '${rule.name}' leaves a single value`, 'kept');
        continue;
      }
      addSite(literal, sitePath, spec, rule.name, label);
    }
  }

  // Hand-marked literals no rule reached.
  for (const [start, marker] of markers) {
    if (sites.has(start) || marker.spec === 'off') continue;
    const literal = sourceFile.getDescendantAtPos(start);
    const node = literal === undefined ? undefined : outermostLiteral(tsMorph, literal, start);
    if (node === undefined) continue;
    const declaration = node.getParentIfKind(SyntaxKind.VariableDeclaration);
    const property = node.getParentIfKind(SyntaxKind.PropertyAssignment);
    const path =
      declaration !== undefined ? [...scopeOf(tsMorph, declaration), declaration.getName()] : [...scopeOf(tsMorph, node), property?.getName() ?? 'value'];
    addSite(node, path, marker.spec, '@search', oneLine((declaration ?? property ?? node).getText()));
  }

  tieMergedWidths(tsMorph, calls, canonical, sites, skip);

  const ordered = [...sites.values()].sort((a, b) => a.start - b.start);
  checkPaths(ordered, fileName, api);
  skipped.sort((a, b) => a.line - b.line || a.column - b.column);
  return { sites: ordered, skipped, annotated, sourceFile, tsMorph };
}

const MERGES = new Set(['layers.add', 'layers.multiply', 'layers.average', 'layers.maximum', 'layers.minimum']);
const WIDTH_ARGS = new Set(['units', 'filters']);
/** Layers whose output has their input's shape: a merge sees through them. */
const SHAPE_PRESERVING = new Set([
  'batchNormalization',
  'layerNormalization',
  'activation',
  'dropout',
  'spatialDropout1d',
  'gaussianDropout',
  'gaussianNoise',
  'alphaDropout',
  'reLU',
  'leakyReLU',
  'eLU',
  'pReLU',
  'thresholdedReLU',
  'softmax',
  'identity',
]);

/**
 * Layers whose outputs a merge (`layers.add().apply([a, b])`, a residual connection) combines
 * must keep equal widths: their width literals become one decision. A width that cannot be
 * followed to such a literal (a model input, another merge) fixes the others, which are then
 * left as they are.
 */
function tieMergedWidths(
  tsMorph: TsMorphModule,
  calls: readonly CallInfo[],
  canonical: (call: TsMorph.CallExpression) => string | undefined,
  sites: Map<number, Site>,
  skip: (node: Node, reason: string, kind?: SkippedSite['kind']) => void,
): void {
  const { Node, VariableDeclarationKind } = tsMorph;
  const unwrap = (node: Node | undefined): Node | undefined => {
    let n = node;
    while (n !== undefined && (Node.isAsExpression(n) || Node.isParenthesizedExpression(n) || Node.isNonNullExpression(n))) n = n.getExpression();
    return n;
  };
  /**
   * The width literal behind a merged value: its site start, or undefined when it is fixed or
   * unknown. Layers that keep their input's shape (batch norm, activations, dropout) are
   * followed to their input.
   */
  const widthOf = (element: Node, depth = 0): { start: number | undefined; node: Node } => {
    let value = unwrap(element);
    if (value !== undefined && Node.isIdentifier(value)) {
      const declaration = value.getSymbol()?.getDeclarations()[0];
      const statement = declaration !== undefined && Node.isVariableDeclaration(declaration) ? declaration.getVariableStatement() : undefined;
      // Only a const: a variable may be assigned something else before the merge.
      if (declaration === undefined || !Node.isVariableDeclaration(declaration) || statement?.getDeclarationKind() !== VariableDeclarationKind.Const)
        return { start: undefined, node: element };
      value = unwrap(declaration.getInitializer());
    }
    if (value === undefined || !Node.isCallExpression(value)) return { start: undefined, node: element };
    const callee = value.getExpression();
    if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== 'apply') return { start: undefined, node: element };
    const layer = unwrap(callee.getExpression());
    const name = layer !== undefined && Node.isCallExpression(layer) ? canonical(layer) : undefined;
    if (layer === undefined || !Node.isCallExpression(layer) || name?.startsWith('layers.') !== true) return { start: undefined, node: element };
    const [input] = value.getArguments();
    if (SHAPE_PRESERVING.has(name.slice('layers.'.length)) && input !== undefined && depth < 20) return widthOf(input, depth + 1);
    const [options] = layer.getArguments();
    if (!Node.isObjectLiteralExpression(options)) return { start: undefined, node: element };
    for (const p of options.getProperties()) {
      if (Node.isPropertyAssignment(p) && WIDTH_ARGS.has(p.getName())) {
        const init = p.getInitializer() as Node;
        return { start: sites.has(init.getStart()) ? init.getStart() : undefined, node: p };
      }
    }
    return { start: undefined, node: element };
  };
  for (const info of calls) {
    if (!MERGES.has(info.name)) continue;
    const access = info.call.getParent();
    const applied = access?.getParent();
    if (!Node.isPropertyAccessExpression(access) || access.getName() !== 'apply' || !Node.isCallExpression(applied)) continue;
    const [list] = applied.getArguments();
    if (!Node.isArrayLiteralExpression(list)) continue;
    const widths = list.getElements().map(widthOf);
    const tied = widths.filter((w) => w.start !== undefined).map((w) => sites.get(w.start as number) as Site);
    if (tied.length === 0) continue;
    const first = tied.reduce((a, b) => (a.start <= b.start ? a : b));
    if (tied.length < widths.length || tied.some((t) => t.original !== first.original)) {
      for (const t of tied) {
        sites.delete(t.start);
        skip(
          widths.find((w) => w.start === t.start)?.node ?? info.call,
          `${info.name} merges it with an output whose width cannot be followed to a literal (a model input, another merge, a variable): the widths must stay equal`,
        );
      }
      continue;
    }
    const lines = tied.filter((t) => t !== first).map((t) => t.line);
    sites.set(first.start, { ...first, label: `${first.label} (with line ${lines.join(', ')}: ${info.name} needs equal widths)` });
    for (const t of tied) if (t !== first) sites.set(t.start, { ...t, path: first.path, key: first.key, spec: first.spec, rule: first.rule });
  }
}

function single(spec: HyperSpec): boolean {
  return spec.kind === 'oneOf' ? spec.candidates.length < 2 : spec.min >= spec.max;
}

/** A key path may not be both a value and a record of values. */
function checkPaths(sites: readonly Site[], fileName: string, api: string): void {
  const keys = new Set(sites.map((s) => s.key));
  for (const s of sites) {
    for (let i = 1; i < s.path.length; i++) {
      const prefix = s.path.slice(0, i).join('.');
      if (keys.has(prefix))
        throw new PliantError(api, 'argument', `${fileName}: the decision '${prefix}' is also a scope of '${s.key}': rename one of them`, { path: prefix });
    }
  }
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat;
}

/** The value of a literal node (a number, a negative number, a string, a boolean), or undefined. */
export function literalValue(tsMorph: TsMorphModule, node: Node | undefined): { value: LiteralValue; quote: Site['quote'] } | undefined {
  const { Node, SyntaxKind } = tsMorph;
  if (node === undefined) return undefined;
  if (Node.isNumericLiteral(node)) return { value: node.getLiteralValue(), quote: "'" };
  if (Node.isPrefixUnaryExpression(node) && node.getOperatorToken() === SyntaxKind.MinusToken && Node.isNumericLiteral(node.getOperand())) {
    return { value: -(node.getOperand() as TsMorph.NumericLiteral).getLiteralValue(), quote: "'" };
  }
  if (Node.isStringLiteral(node)) return { value: node.getLiteralValue(), quote: node.getText().startsWith('"') ? '"' : "'" };
  if (Node.isNoSubstitutionTemplateLiteral(node)) return { value: node.getLiteralValue(), quote: '`' };
  if (node.getKind() === SyntaxKind.TrueKeyword) return { value: true, quote: "'" };
  if (node.getKind() === SyntaxKind.FalseKeyword) return { value: false, quote: "'" };
  return undefined;
}

function outermostLiteral(tsMorph: TsMorphModule, node: Node, start: number): Node | undefined {
  let current: Node | undefined = node;
  let found: Node | undefined;
  while (current !== undefined && current.getStart() === start) {
    if (literalValue(tsMorph, current) !== undefined) found = current;
    current = current.getParent();
  }
  return found;
}

/** The named arguments of a model-building call. */
function entriesOf(tsMorph: TsMorphModule, info: CallInfo): Entry[] | 'not-literal' {
  const { Node } = tsMorph;
  const args = info.call.getArguments();
  if (info.name.startsWith('train.')) {
    const names = TRAIN_ARGS[info.name.slice(6)] ?? [];
    return args.flatMap((a, i) => (names[i] === undefined ? [] : [{ arg: names[i] as string, value: a, whole: a, spreadAfter: undefined }]));
  }
  const options = info.name === 'fit' ? args[2] : args[0];
  if (options === undefined) return [];
  if (!Node.isObjectLiteralExpression(options)) return 'not-literal';
  const properties = options.getProperties();
  const out: Entry[] = [];
  properties.forEach((p, i) => {
    const spreadAfter = properties.slice(i + 1).find((q) => Node.isSpreadAssignment(q));
    if (Node.isPropertyAssignment(p)) {
      const nameNode = p.getNameNode();
      const arg = Node.isIdentifier(nameNode) ? nameNode.getText() : Node.isStringLiteral(nameNode) ? nameNode.getLiteralValue() : undefined;
      const init = p.getInitializer();
      if (arg !== undefined && init !== undefined) out.push({ arg, value: init, whole: p, spreadAfter });
    } else if (Node.isShorthandPropertyAssignment(p)) {
      out.push({ arg: p.getName(), value: p, whole: p, spreadAfter });
    }
  });
  return out;
}

/** Follows a name to a `const` with a literal value; otherwise says why the value is not a literal. */
function resolveConst(tsMorph: TsMorphModule, node: Node): { literal: Node; declaration: TsMorph.VariableDeclaration } | string {
  const { Node, VariableDeclarationKind } = tsMorph;
  const text = oneLine(node.getText());
  const symbol = Node.isShorthandPropertyAssignment(node) ? node.getValueSymbol() : Node.isIdentifier(node) ? node.getSymbol() : undefined;
  if (symbol === undefined) return `${text} is computed at run time`;
  const declarations = symbol.getDeclarations();
  const declaration = declarations[0];
  if (declaration === undefined) return `${text} is not declared in this file`;
  if (Node.isParameterDeclaration(declaration)) {
    const fnName = scopeOf(tsMorph, declaration).join('.') || undefined;
    return `${text} is a parameter${fnName === undefined ? '' : ` of ${fnName}`}: its callers decide it`;
  }
  if (Node.isImportSpecifier(declaration) || Node.isImportClause(declaration) || Node.isNamespaceImport(declaration))
    return `${text} is imported from another module`;
  if (Node.isVariableDeclaration(declaration)) {
    if (declaration.getVariableStatement()?.getDeclarationKind() !== VariableDeclarationKind.Const) return `${text} is a variable that may change`;
    const init = declaration.getInitializer();
    if (literalValue(tsMorph, init) === undefined) return `${text} is computed at run time`;
    return { literal: init as Node, declaration };
  }
  return `${text} is computed at run time`;
}

/** The names of the functions (and classes) around `node`, outermost first, for decision keys. */
function scopeOf(tsMorph: TsMorphModule, node: Node): string[] {
  const { Node } = tsMorph;
  const names: string[] = [];
  for (let current = node.getParent(); current !== undefined; current = current.getParent()) {
    let name: string | undefined;
    if (Node.isFunctionDeclaration(current) || Node.isClassDeclaration(current)) name = current.getName();
    else if (Node.isMethodDeclaration(current) || Node.isGetAccessorDeclaration(current)) name = current.getName();
    else if (Node.isArrowFunction(current) || Node.isFunctionExpression(current)) {
      const parent = current.getParent();
      if (Node.isVariableDeclaration(parent) || Node.isPropertyAssignment(parent)) name = parent.getName();
    }
    if (name !== undefined && /^[A-Za-z_$][\w$]*$/.test(name)) {
      names.unshift(name);
      if (names.length >= 1 && !Node.isMethodDeclaration(current)) break;
    }
  }
  return names;
}

/** Whether `call` runs more than once per call of its function: in a loop or an array callback. */
function inLoop(tsMorph: TsMorphModule, call: Node): boolean {
  const { Node } = tsMorph;
  for (let current = call.getParent(); current !== undefined; current = current.getParent()) {
    if (
      Node.isForStatement(current) ||
      Node.isForOfStatement(current) ||
      Node.isForInStatement(current) ||
      Node.isWhileStatement(current) ||
      Node.isDoStatement(current)
    )
      return true;
    if (Node.isArrowFunction(current) || Node.isFunctionExpression(current)) {
      const parent = current.getParent();
      if (Node.isCallExpression(parent)) {
        const callee = parent.getExpression();
        if (Node.isPropertyAccessExpression(callee) && LOOP_METHODS.has(callee.getName())) return true;
      }
    }
    if (Node.isFunctionDeclaration(current) || Node.isMethodDeclaration(current)) return false;
  }
  return false;
}

/** Whether a layer call makes an output layer: softmax or sigmoid, a single unit, or last in a sequential list or `add` chain. */
function isOutputLayer(tsMorph: TsMorphModule, call: TsMorph.CallExpression): boolean {
  const { Node } = tsMorph;
  const [options] = call.getArguments();
  if (Node.isObjectLiteralExpression(options)) {
    for (const p of options.getProperties()) {
      if (!Node.isPropertyAssignment(p)) continue;
      const value = literalValue(tsMorph, p.getInitializer());
      if (p.getName() === 'activation' && value !== undefined && OUTPUT_ACTIVATIONS.has(String(value.value))) return true;
      if (p.getName() === 'units' && value?.value === 1) return true;
    }
  }
  const parent = call.getParent();
  if (Node.isArrayLiteralExpression(parent)) {
    const elements = parent.getElements();
    const holder = parent.getParent();
    if (elements[elements.length - 1] === call && Node.isPropertyAssignment(holder) && holder.getName() === 'layers') return true;
  }
  if (Node.isCallExpression(parent)) {
    const callee = parent.getExpression();
    const statement = parent.getParent();
    if (Node.isPropertyAccessExpression(callee) && callee.getName() === 'add' && Node.isExpressionStatement(statement)) {
      const receiver = callee.getExpression().getText();
      const later = statement.getNextSiblings().some((s) => s.getText().startsWith(`${receiver}.add(`));
      return !later;
    }
  }
  return false;
}

/** Reads a `@search` comment's hyper value: `oneOf(32, 64, 128)`, `oneOf([...])`, `floatv(0.1, 0.5, { scale: 'log' })`, `intv(1, 4)`. */
function parseMarker(tsMorph: TsMorphModule, body: string, line: number, fileName: string, api: string): HyperSpec {
  const { Node } = tsMorph;
  const fail = (why: string): never => {
    throw new PliantError(
      api,
      'argument',
      `${fileName}:${line}: cannot read the comment '@search ${body}': ${why} (write oneOf(a, b, ...), floatv(min, max), floatv(min, max, { scale: 'log' }) or intv(min, max))`,
    );
  };
  const project = new tsMorph.Project({ useInMemoryFileSystem: true, compilerOptions: { noLib: true } });
  const file = project.createSourceFile('marker.ts', `(${body});`);
  const statement = file.getStatements()[0];
  const paren = Node.isExpressionStatement(statement) ? statement.getExpression() : undefined;
  const call = Node.isParenthesizedExpression(paren) ? paren.getExpression() : undefined;
  if (!Node.isCallExpression(call)) return fail('not a call');
  const kind = call.getExpression().getText();
  let args = call.getArguments();
  const values = (nodes: readonly Node[]): LiteralValue[] =>
    nodes.map((n) => {
      const v = literalValue(tsMorph, n);
      return v === undefined ? fail(`${n.getText()} is not a literal`) : v.value;
    });
  if (kind === 'oneOf') {
    const [first] = args;
    if (args.length === 1 && Node.isArrayLiteralExpression(first)) args = first.getElements();
    const candidates = values(args);
    if (candidates.length === 0) return fail('no candidates');
    return { kind: 'oneOf', candidates: candidates.filter((c, i) => candidates.indexOf(c) === i) };
  }
  if (kind === 'floatv' || kind === 'intv') {
    const [min, max] = values(args.slice(0, 2));
    if (typeof min !== 'number' || typeof max !== 'number' || !(min < max)) return fail('it needs two numbers, min < max');
    if (kind === 'intv') return { kind, min, max };
    const options = args[2];
    let scale: 'linear' | 'log' | 'rlog' | undefined;
    if (options !== undefined) {
      if (!Node.isObjectLiteralExpression(options)) return fail('the third argument must be { scale }');
      const s = options.getProperty('scale');
      const v = Node.isPropertyAssignment(s) ? literalValue(tsMorph, s.getInitializer())?.value : undefined;
      if (v !== 'linear' && v !== 'log' && v !== 'rlog') return fail("scale must be 'linear', 'log' or 'rlog'");
      scale = v;
    }
    return { kind, min, max, ...(scale === undefined || scale === 'linear' ? {} : { scale }) };
  }
  return fail(`unknown hyper value '${kind}'`);
}
