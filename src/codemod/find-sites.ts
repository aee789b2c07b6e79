/**
 * Finds the places of a TensorFlow.js source file that `annotate` turns into decisions (and that
 * `apply` writes back to): the tunable values of model-building calls, followed to where they are
 * decided (a literal, a `const`, a caller's argument, a settings object, a command-line default),
 * the kinds of layers and optimizers that have drop-in alternatives, layers that can be left out,
 * the bounds and lists of loops that make layers, and the literals marked by hand with a
 * `@search` comment. Every layer, optimizer, `compile` and `fit` call is either a decision or in
 * the report, with the reason it was left as it is. Both commands run this same scan on the
 * original file, so a decision's key always names the same place.
 */
import { PliantError } from '../base/errors.js';
import type { AnnotationRule, LiteralScalar, LiteralValue, OperatorRule, ValueRule } from './annotation-rules.js';
import { isOperatorRule, isOptionalRule, isValueRule } from './annotation-rules.js';
import { checkSpec, hyperFromRecipe, includeOriginal } from './hyper-spec.js';
import type { HyperSpec } from './hyper-spec.js';
import { ImportedModules } from './imported-modules.js';
import type { ReadProjectFile } from './imported-modules.js';
import { outputLayers } from './output-layers.js';
import type { DroppedArgument, Site, SkippedSite, TextEdit, ValueSite } from './site.js';
import { loadTsMorph } from './load-ts-morph.js';
import type { TsMorphModule } from './load-ts-morph.js';
import { tfNames } from './tf-names.js';
import { ValueResolver, unwrap } from './value-source.js';
import type * as TsMorph from 'ts-morph';

export type { Site, SkippedSite } from './site.js';

type Node = TsMorph.Node;

/** What a scan found. */
export interface SiteScan {
  readonly sites: readonly Site[];
  readonly skipped: readonly SkippedSite[];
  /** How many layer, optimizer, `compile` and `fit` calls the file has. */
  readonly calls: number;
  /** The file is a module `annotate` made already. */
  readonly annotated: boolean;
  /** The ts-morph source file (for the rewriters). */
  readonly sourceFile: TsMorph.SourceFile;
  readonly tsMorph: TsMorphModule;
}

/** The marker `annotate` leaves in a generated module. */
export const BLOCK_MARK = 'pliant:search-space';

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
/** The learning rate `tf.train.*` uses when none is given (those with a default). */
const DEFAULT_LEARNING_RATES: Readonly<Record<string, number>> = { adam: 0.001, adamax: 0.002, adadelta: 0.001 };
/** What an output layer is when its place in a model cannot be followed. */
const OUTPUT_ACTIVATIONS = new Set(['softmax']);

/** A model-building call with the named arguments found in it. */
interface CallInfo {
  readonly call: TsMorph.CallExpression;
  /** Canonical name: `layers.dense`, `train.adam`, `fit`, `compile`, `sequential`, `model`. */
  readonly name: string;
  readonly scope: readonly string[];
  key: string;
  /** Whether a decision or a report entry covers it. */
  covered: boolean;
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

/** A `@search` comment on a literal, or on a layer or optimizer call. */
interface Marker {
  readonly spec: HyperSpec | 'off' | 'optional' | 'required';
  readonly comment: string;
}

/** What else {@link findSites} may read. */
export interface FindSitesOptions {
  /**
   * Reads the project's other files (an absolute path in; its text, or `undefined` when there is
   * none, out): a `const` imported from a relative module is then followed into it, and its literal
   * there is a decision. Without it, an imported value is reported as such.
   */
  readonly readFile?: ReadProjectFile | undefined;
}

/**
 * Scans `text` (the file `fileName`) for annotation sites under `rules`.
 */
export function findSites(text: string, fileName: string, rules: readonly AnnotationRule[], api: string, options: FindSitesOptions = {}): SiteScan {
  const tsMorph = loadTsMorph(api);
  const { Node, SyntaxKind } = tsMorph;
  const project = new tsMorph.Project({ useInMemoryFileSystem: true, compilerOptions: { allowJs: true, noLib: true, checkJs: false } });
  const sourceFile = project.createSourceFile(fileName.replace(/\.(mts|cts|js|mjs|cjs|jsx)$/, '.ts'), text, { overwrite: true });
  const sites = new Map<number, Site>();
  const skipped: SkippedSite[] = [];
  const at = (node: Node): { line: number; column: number } => node.getSourceFile().getLineAndColumnAtPos(node.getStart());
  /** Whether a node is in another file of the project (a literal an import was followed to). */
  const foreign = (node: Node): boolean => node.getSourceFile() !== sourceFile;
  const skip = (node: Node, reason: string, kind: SkippedSite['kind'] = 'unsafe'): void => {
    const { line, column } = at(node);
    if (skipped.some((s) => s.line === line && s.column === column && s.reason === reason)) return;
    skipped.push({ line, column, text: oneLine(node.getText()), reason, kind });
  };
  const valueRules = rules.filter(isValueRule);
  const operatorRules = rules.filter(isOperatorRule);
  const optionalRules = rules.filter(isOptionalRule);

  const annotated = sourceFile.getVariableStatements().some((s) => s.getFullText().includes(BLOCK_MARK));
  if (annotated) return { sites: [], skipped: [], calls: 0, annotated, sourceFile, tsMorph };

  const names = tfNames(tsMorph, sourceFile);
  const canonical = (call: TsMorph.CallExpression): string | undefined => {
    const callee = call.getExpression();
    if (Node.isIdentifier(callee)) {
      if (names.sequential.has(callee.getText())) return 'sequential';
      if (names.model.has(callee.getText())) return 'model';
      return undefined;
    }
    if (!Node.isPropertyAccessExpression(callee)) return undefined;
    const name = callee.getName();
    const object = callee.getExpression();
    if (Node.isPropertyAccessExpression(object) && Node.isIdentifier(object.getExpression()) && names.namespaces.has(object.getExpression().getText())) {
      const group = object.getName();
      return group === 'layers' || group === 'train' ? `${group}.${name}` : undefined;
    }
    if (Node.isIdentifier(object)) {
      if (names.layers.has(object.getText())) return `layers.${name}`;
      if (names.train.has(object.getText())) return `train.${name}`;
      if (names.namespaces.has(object.getText()) && (name === 'sequential' || name === 'model')) return name;
    }
    if (name === 'fit' || name === 'compile') return name;
    return undefined;
  };
  const isLiteral = (node: Node | undefined): boolean => literalValue(tsMorph, node) !== undefined;
  const scope = (node: Node): string[] => scopeOf(tsMorph, node);
  const imports = options.readFile === undefined ? undefined : new ImportedModules(tsMorph, sourceFile, fileName, options.readFile, isLiteral, scope);
  const resolver = new ValueResolver(tsMorph, sourceFile, isLiteral, scope, imports);
  const { outputs, placed } = outputLayers(tsMorph, sourceFile, canonical);
  const isOutput = (call: TsMorph.CallExpression): boolean => {
    if (outputs.has(call)) return true;
    if (placed.has(call)) return false;
    // Its place in a model is not known: a softmax layer, or a single unit, is an output.
    const [options] = call.getArguments();
    if (options !== undefined && Node.isObjectLiteralExpression(options)) {
      const valueOf = (name: string): unknown => {
        const property = options.getProperty(name);
        return property !== undefined && Node.isPropertyAssignment(property) ? literalValue(tsMorph, property.getInitializer())?.value : undefined;
      };
      if (OUTPUT_ACTIVATIONS.has(String(valueOf('activation'))) || valueOf('units') === 1) return true;
    }
    return false;
  };

  // Pass 1: the model-building calls, named per scope in reading order (`dense_1`, `dense_2`; `adam`).
  const calls: CallInfo[] = [];
  for (const call of sourceFile.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const name = canonical(call);
    if (name !== undefined && name !== 'sequential' && name !== 'model') calls.push({ call, name, scope: scopeOf(tsMorph, call), key: '', covered: false });
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
  const callOf = new Map<Node, CallInfo>(calls.map((c) => [c.call, c]));

  const usedKeys = new Map<string, number>();
  const uniquePath = (path: readonly string[]): readonly string[] => {
    let key = path.join('.');
    let finalPath = path;
    if (usedKeys.has(key)) {
      const n = (usedKeys.get(key) ?? 1) + 1;
      usedKeys.set(key, n);
      finalPath = [...path.slice(0, -1), `${path[path.length - 1] as string}_${n}`];
      key = finalPath.join('.');
    }
    usedKeys.set(key, 1);
    return finalPath;
  };
  /** The decisions whose literal is in another file of the project, by that literal. */
  const importedSites = new Map<Node, ValueSite>();
  const addSite = (literal: Node, path: readonly string[], spec: HyperSpec, rule: string, label: string): void => {
    if (foreign(literal) ? importedSites.has(literal) : sites.has(literal.getStart())) return;
    const value = literalValue(tsMorph, literal) as { value: LiteralValue; quote: Site['quote'] };
    const finalPath = uniquePath(path);
    const { line, column } = at(literal);
    const site: ValueSite = {
      kind: 'value',
      path: finalPath,
      key: finalPath.join('.'),
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
    };
    if (foreign(literal)) importedSites.set(literal, site);
    else sites.set(literal.getStart(), site);
  };

  // The `@search` comments, by the start of the literal (or call) they mark.
  const markers = new Map<number, Marker>();
  const full = sourceFile.getFullText();
  const commentsBefore = (owner: Node, trailingToo: boolean): string[] => {
    const ranges = [
      ...(trailingToo ? (tsMorph.ts.getTrailingCommentRanges(full, owner.getPos()) ?? []) : []),
      ...(tsMorph.ts.getLeadingCommentRanges(full, owner.getPos()) ?? []),
    ];
    return ranges.map((r) => full.slice(r.pos, r.end));
  };
  const readMarker = (node: Node, owner: Node): void => {
    // A comment on the same line as the code before it is that code's "trailing" comment to
    // TypeScript: for a literal (`rate: /* @search ... */ 0.3`) take both kinds.
    for (const comment of commentsBefore(owner, owner === node)) {
      const m = /@search\b\s*([\s\S]*?)\s*(\*\/)?$/.exec(comment);
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
          {
            cause,
          },
        );
      }
      markers.set(node.getStart(), { spec, comment: body });
    }
  };
  /** A `@search` comment before a layer or optimizer call: `off`, `optional`, `required`, or `oneOf('conv2d', 'separableConv2d')`. */
  const callMarker = (info: CallInfo): Marker | undefined => {
    let owner: Node = info.call;
    // The comment belongs to the statement, the array element or the argument the call starts,
    // or to a statement that makes this layer (or optimizer) only: `// @search off` above `model.add(...)`.
    for (let parent = owner.getParent(); parent !== undefined && parent.getStart() === owner.getStart(); parent = parent.getParent()) owner = parent;
    const statement = info.call.getFirstAncestor((n) => Node.isStatement(n));
    const only =
      statement !== undefined &&
      calls.filter((c) => (c.name.startsWith('layers.') || c.name.startsWith('train.')) && c.call.getAncestors().includes(statement)).length === 1;
    const owners = only && statement !== owner ? [owner, statement] : [owner];
    for (const comment of [...owners.flatMap((o) => commentsBefore(o, true)), ...commentsBefore(info.call, true)]) {
      const m = /@search\b\s*([\s\S]*?)\s*(\*\/)?$/.exec(comment);
      if (m === null) continue;
      const body = (m[1] as string).replace(/^\/\/\s*/, '');
      if (body === 'off' || body === 'optional' || body === 'required') return { spec: body, comment: body };
      const line = at(info.call).line;
      const spec = parseMarker(tsMorph, body, line, fileName, api);
      return { spec: includeOriginal(spec, short(info)), comment: body };
    }
    return undefined;
  };
  sourceFile.forEachDescendant((node) => {
    if (Node.isVariableStatement(node)) {
      const [first] = node.getDeclarations();
      const init = first?.getInitializer();
      if (init !== undefined && node.getDeclarations().length === 1) readMarker(init, node);
    } else if (
      literalValue(tsMorph, node) !== undefined &&
      !Node.isPrefixUnaryExpression(node.getParent()) &&
      !Node.isArrayLiteralExpression(node.getParent())
    ) {
      readMarker(node, node);
    }
  });

  /** Makes the decision of one literal under a rule (or a marker), or says why not. */
  const decide = (
    literal: Node,
    whole: Node,
    info: CallInfo | undefined,
    candidates: readonly ValueRule[],
    path: readonly string[],
    label: string,
  ): boolean => {
    const value = literalValue(tsMorph, literal);
    if (value === undefined) return false;
    // `@search` comments are read in the annotated file only.
    const marker = foreign(literal) ? undefined : markers.get(literal.getStart());
    if (marker !== undefined) {
      if (marker.spec === 'off') skip(whole, 'marked @search off', 'kept');
      else addSite(literal, path, marker.spec as HyperSpec, '@search', label);
      return true;
    }
    const rule = candidates.find((r) => ruleTakes(r, value.value));
    if (rule === undefined) return false;
    if (rule.unlessOutput === true && info !== undefined && info.name.startsWith('layers.') && isOutput(info.call)) {
      skip(whole, 'an output layer: its size and activation belong to the task', 'kept');
      return true;
    }
    let spec: HyperSpec;
    try {
      spec = hyperFromRecipe(rule.hyper, value.value);
      checkSpec(spec, value.value);
    } catch (cause) {
      skip(whole, `rule '${rule.name}' cannot make a decision of it: ${(cause as Error).message}`);
      return true;
    }
    if (single(spec)) {
      skip(whole, `rule '${rule.name}' leaves a single value`, 'kept');
      return true;
    }
    addSite(literal, path, spec, rule.name, label);
    return true;
  };

  /** A literal list that decides how many layers a loop makes: one list decision. */
  const decideList = (list: TsMorph.ArrayLiteralExpression, whole: Node, path: readonly string[], label: string): void => {
    const rule = valueRules.find((r) => r.calls.includes('layer-list'));
    if (rule === undefined || literalValue(tsMorph, list) === undefined) {
      skip(whole, `the list ${oneLine(list.getText())} decides how many layers a loop makes, and no rule makes a decision of it`, 'kept');
      return;
    }
    decide(list, whole, undefined, [rule], path, `${label} (how many layers, and their widths)`);
  };

  // Pass 2: each call's kind (operators, optional layers) and its arguments.
  for (const info of calls) {
    const marker = info.name.startsWith('layers.') || info.name.startsWith('train.') ? callMarker(info) : undefined;
    if (marker?.spec === 'off') {
      skip(info.call, 'marked @search off', 'kept');
      info.covered = true;
    } else {
      if (operatorSite(info, marker)) info.covered = true;
      if (optionalSite(info, marker)) info.covered = true;
    }
    const entries = entriesOf(tsMorph, info);
    if (entries === 'not-literal') {
      if (valueRules.some((r) => r.calls.includes(info.name))) {
        skip(info.call, `the options of ${info.name} are not an object literal: their values are computed at run time`);
        info.covered = true;
      }
      continue;
    }
    if (info.name.startsWith('train.') && info.call.getArguments().length === 0) defaultLearningRate(info);
    if (info.name === 'fit') defaultBatchSize(info, entries);
    for (const entry of entries) {
      const matching = valueRules.filter((r) => r.calls.includes(info.name) && r.args.includes(entry.arg));
      const rule = matching[0];
      const direct = literalValue(tsMorph, entry.value);
      const marked = direct === undefined ? undefined : markers.get(entry.value.getStart());
      if (rule === undefined && marked === undefined) continue;
      info.covered = true;
      if (entry.spreadAfter !== undefined) {
        skip(entry.whole, `${entry.spreadAfter.getText()} after it may replace it`);
        continue;
      }
      const path = [...info.scope, info.key, entry.arg];
      if (direct !== undefined) {
        const label = info.name.startsWith('train.') && info.call.getText().length <= 60 ? oneLine(info.call.getText()) : oneLine(entry.whole.getText());
        decide(entry.value, entry.whole, info, matching, path, label);
        continue;
      }
      // A model-building call (an optimizer in compile's options) has sites of its own.
      const inner = unwrap(tsMorph, entry.value);
      if (Node.isCallExpression(inner) && canonical(inner) !== undefined) continue;
      if (Node.isIdentifier(inner) && isOptimizerValue(inner)) continue;
      const resolved = resolver.resolve(entry.value);
      if (resolved.kind === 'unknown') {
        skip(entry.whole, resolved.reason);
        continue;
      }
      if (resolved.kind === 'list') {
        decideList(resolved.source.list, entry.whole, resolved.source.path, resolved.source.label);
        continue;
      }
      for (const source of resolved.sources) {
        const decided = decide(source.literal, entry.whole, info, matching, source.path ?? path, source.label);
        if (!decided && rule !== undefined)
          skip(entry.whole, `${oneLine(entry.value.getText())} is ${oneLine(source.literal.getText())}, which rule '${rule.name}' does not tune`, 'kept');
      }
    }
  }

  /** The kind of a layer or optimizer, when a rule gives it drop-in alternatives. */
  function operatorSite(info: CallInfo, marker: Marker | undefined): boolean {
    const rule = operatorRules.find((r) => r.calls.includes(info.name));
    const markedCandidates = marker !== undefined && typeof marker.spec === 'object' && marker.spec.kind === 'oneOf' ? marker.spec.candidates : undefined;
    if (rule === undefined && markedCandidates === undefined) return false;
    const group = info.name.slice(0, info.name.indexOf('.') + 1);
    const candidates = markedCandidates !== undefined ? markedCandidates.map(String) : (rule as OperatorRule).calls.map((c) => c.slice(group.length));
    if (rule?.operator.unlessOutput === true && markedCandidates === undefined && isOutput(info.call)) {
      skip(info.call, `an output layer: rule '${rule.name}' leaves its kind to the task`, 'kept');
      return true;
    }
    const blocking = markedCandidates === undefined ? usesAny(info.call, rule?.operator.unlessArgs ?? []) : undefined;
    if (blocking !== undefined) {
      skip(info.call, `its kind is kept: with ${blocking}, the alternatives of rule '${(rule as OperatorRule).name}' are not drop-in`, 'kept');
      return true;
    }
    const callee = info.call.getExpression();
    if (!Node.isPropertyAccessExpression(callee)) return false;
    const nameNode = callee.getNameNode();
    const original = short(info);
    const drops: Record<string, DroppedArgument[]> = {};
    for (const candidate of candidates) {
      if (candidate === original) continue;
      drops[candidate] = droppedFor(info, rule, `${group}${candidate}`);
    }
    const path = uniquePath([...info.scope, info.key, 'kind']);
    const { line, column } = at(nameNode);
    const spec: HyperSpec = { kind: 'oneOf', candidates: [original, ...candidates.filter((c) => c !== original)] };
    sites.set(nameNode.getStart(), {
      kind: 'operator',
      path,
      key: path.join('.'),
      start: nameNode.getStart(),
      end: nameNode.getEnd(),
      dot: callee.getExpression().getEnd(),
      text: nameNode.getText(),
      original,
      quote: "'",
      line,
      column,
      spec,
      rule: markedCandidates !== undefined ? '@search' : (rule as OperatorRule).name,
      label: `${original} (the kind of ${info.name.startsWith('train.') ? 'optimizer' : 'layer'})`,
      drops,
    });
    return true;
  }

  /** The first of `names` the call's options, or the options of its layer's `.apply(x, options)`, have. */
  function usesAny(call: TsMorph.CallExpression, names: readonly string[]): string | undefined {
    if (names.length === 0) return undefined;
    const objects: Node[] = [];
    const [options] = call.getArguments();
    if (options !== undefined) objects.push(options);
    const access = call.getParent();
    const applied = access?.getParent();
    if (
      access !== undefined &&
      Node.isPropertyAccessExpression(access) &&
      access.getName() === 'apply' &&
      applied !== undefined &&
      Node.isCallExpression(applied)
    ) {
      const second = applied.getArguments()[1];
      if (second !== undefined) objects.push(second);
    }
    for (const object of objects) {
      if (!Node.isObjectLiteralExpression(object)) continue;
      const found = names.find((n) => object.getProperty(n) !== undefined);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** The arguments of `info`'s call that the call `target` does not take. */
  function droppedFor(info: CallInfo, rule: OperatorRule | undefined, target: string): DroppedArgument[] {
    const args = info.call.getArguments();
    if (info.name.startsWith('train.')) {
      const keep = rule?.operator.positional ?? args.length;
      const first = args[keep];
      const lastArg = args[args.length - 1];
      if (first === undefined || lastArg === undefined) return [];
      const before = args[keep - 1];
      return [
        {
          start: first.getStart(),
          end: lastArg.getEnd(),
          removeStart: before === undefined ? first.getStart() : before.getEnd(),
          removeEnd: lastArg.getEnd(),
          form: 'positional',
        },
      ];
    }
    const without = new Set(rule?.operator.without?.[target] ?? []);
    const [options] = args;
    if (without.size === 0 || options === undefined || !Node.isObjectLiteralExpression(options)) return [];
    const properties = options.getProperties();
    const out: DroppedArgument[] = [];
    properties.forEach((p, i) => {
      const name = Node.isPropertyAssignment(p) || Node.isShorthandPropertyAssignment(p) ? p.getName() : undefined;
      if (name === undefined || !without.has(name)) return;
      const next = properties[i + 1];
      const previous = properties[i - 1];
      // Remove the property with the comma after it (or, for the last one, the comma before it).
      const removeStart = next === undefined && previous !== undefined ? previous.getEnd() : p.getStart();
      const removeEnd = next === undefined ? (previous === undefined ? p.getEnd() : p.getEnd()) : next.getStart();
      out.push({ start: p.getStart(), end: p.getEnd(), removeStart, removeEnd, form: 'property' });
    });
    return out;
  }

  /** A layer that can be left out, when a rule says so and its place lets `apply` remove it. */
  function optionalSite(info: CallInfo, marker: Marker | undefined): boolean {
    const rule = optionalRules.find((r) => r.calls.includes(info.name));
    if (marker?.spec === 'required') return false;
    if (rule === undefined && marker?.spec !== 'optional') return false;
    const callee = info.call.getExpression();
    if (!Node.isPropertyAccessExpression(callee)) return false;
    const removals = removalOf(info.call);
    if (removals === undefined) {
      skip(info.call, `${info.name} could be left out, but its layer is used where removing it is not safe (kept in a variable, or passed along)`, 'kept');
      return true;
    }
    const path = uniquePath([...info.scope, info.key, 'keep']);
    const { line, column } = at(info.call);
    sites.set(info.call.getStart(), {
      kind: 'optional',
      path,
      key: path.join('.'),
      start: info.call.getStart(),
      end: info.call.getEnd(),
      text: oneLine(info.call.getText()),
      original: true,
      quote: "'",
      line,
      column,
      spec: { kind: 'oneOf', candidates: [true, false] },
      rule: rule?.name ?? '@search',
      label: `${short(info)} (a layer that can be left out)`,
      namespace: callee.getExpression().getText(),
      removals,
    });
    return true;
  }

  /** How `apply` removes a layer call: as an element of a layer list, as a `model.add(...)` statement, or from an `.apply(x)` chain. */
  function removalOf(call: TsMorph.CallExpression): TextEdit[] | undefined {
    const parent = call.getParent();
    if (parent !== undefined && Node.isArrayLiteralExpression(parent)) {
      const elements = parent.getElements();
      const i = elements.indexOf(call);
      if (elements.length < 2) return undefined;
      const next = elements[i + 1];
      const previous = elements[i - 1];
      if (next !== undefined) return [{ start: call.getStart(), end: next.getStart(), text: '' }];
      return [{ start: (previous as Node).getEnd(), end: call.getEnd(), text: '' }];
    }
    if (parent !== undefined && Node.isCallExpression(parent) && parent.getArguments().length === 1 && parent.getArguments()[0] === call) {
      const callee = parent.getExpression();
      const statement = parent.getParent();
      if (Node.isPropertyAccessExpression(callee) && callee.getName() === 'add' && statement !== undefined && Node.isExpressionStatement(statement)) {
        return [lineRemoval(statement)];
      }
    }
    if (parent !== undefined && Node.isPropertyAccessExpression(parent) && parent.getName() === 'apply') {
      const applied = parent.getParent();
      const [input] = Node.isCallExpression(applied) ? applied.getArguments() : [];
      if (Node.isCallExpression(applied) && applied.getArguments().length === 1 && input !== undefined) {
        return [
          { start: applied.getStart(), end: input.getStart(), text: '' },
          { start: input.getEnd(), end: applied.getEnd(), text: '' },
        ];
      }
    }
    return undefined;
  }

  /** The span of a statement with its whole lines, when nothing else shares them; else the statement alone. */
  function lineRemoval(statement: Node): TextEdit {
    const start = statement.getStart();
    const end = statement.getEnd();
    const lineStart = full.lastIndexOf('\n', start - 1) + 1;
    const newline = full.indexOf('\n', end);
    const lineEnd = newline < 0 ? full.length : newline + 1;
    if (full.slice(lineStart, start).trim() === '' && full.slice(end, newline < 0 ? full.length : newline).trim() === '')
      return { start: lineStart, end: lineEnd, text: '' };
    return { start, end, text: '' };
  }

  /** `tf.train.adam()`: its learning rate left to the default is a decision too (written only when it changes). */
  function defaultLearningRate(info: CallInfo): void {
    const kind = short(info);
    const value = DEFAULT_LEARNING_RATES[kind];
    const rule = valueRules.find((r) => r.calls.includes(info.name) && r.args.includes('learningRate'));
    if (value === undefined || rule === undefined) return;
    const open =
      info.call.getArguments().length === 0
        ? (info.call.getFirstChildByKind(SyntaxKind.OpenParenToken)?.getEnd() ?? info.call.getEnd() - 1)
        : info.call.getEnd() - 1;
    const callee = info.call.getExpression();
    const kindSite = Node.isPropertyAccessExpression(callee) ? sites.get(callee.getNameNode().getStart()) : undefined;
    defaultSite(info, rule, 'learningRate', value, open, `${oneLine(info.call.getText())}: learningRate (its default, ${value})`, {
      before: '',
      after: '',
      ...(kindSite === undefined ? {} : { withKind: kindSite.key }),
    });
    info.covered = true;
  }

  /**
   * `model.fit(x, y, { epochs: 5 })` without a batch size trains with 32: the batch size is a
   * decision too, written (`batchSize: 64, `) only when another is chosen.
   */
  function defaultBatchSize(info: CallInfo, entries: readonly Entry[]): void {
    if (entries.some((e) => e.arg === 'batchSize')) return;
    const rule = valueRules.find((r) => r.calls.includes('fit') && r.args.includes('batchSize'));
    if (rule === undefined) return;
    const args = info.call.getArguments();
    const options = args[2];
    let position: number;
    let before: string;
    let after: string;
    if (options === undefined) {
      const second = args[1];
      if (second === undefined || args.length !== 2) return;
      position = second.getEnd();
      before = ', { batchSize: ';
      after = ' }';
    } else if (Node.isObjectLiteralExpression(options)) {
      if (options.getProperties().some((p) => Node.isSpreadAssignment(p))) return;
      const first = options.getProperties()[0];
      position = first === undefined ? options.getStart() + 1 : first.getStart();
      // `{}` becomes `{ batchSize: 64 }`; `{ }` keeps its own space before the brace.
      const empty = first === undefined && options.getText() === '{}';
      before = first === undefined ? ' batchSize: ' : 'batchSize: ';
      after = first === undefined ? (empty ? ' ' : '') : ', ';
    } else return;
    defaultSite(info, rule, 'batchSize', 32, position, `${oneLine(info.call.getText()).slice(0, 50)}: batchSize (its default, 32)`, { before, after });
  }

  /**
   * An argument left to its default (`value`) as a decision at `position`, where `insert` writes it
   * when another value is chosen; nothing when the rule cannot hold the default.
   */
  function defaultSite(
    info: CallInfo,
    rule: ValueRule,
    arg: string,
    value: number,
    position: number,
    label: string,
    insert: NonNullable<ValueSite['insert']>,
  ): void {
    let spec: HyperSpec;
    try {
      spec = hyperFromRecipe(rule.hyper, value);
      checkSpec(spec, value);
    } catch {
      return;
    }
    const path = uniquePath([...info.scope, info.key, arg]);
    const { line, column } = sourceFile.getLineAndColumnAtPos(position);
    sites.set(position, {
      kind: 'value',
      path,
      key: path.join('.'),
      start: position,
      end: position,
      text: '',
      original: value,
      quote: "'",
      line,
      column,
      spec,
      rule: rule.name,
      label,
      insert,
    });
    info.covered = true;
  }

  /** Whether an identifier holds an optimizer made by `tf.train.*` (its own call has the decisions). */
  function isOptimizerValue(id: TsMorph.Identifier): boolean {
    const declaration = id.getSymbol()?.getDeclarations()[0];
    if (declaration === undefined || !Node.isVariableDeclaration(declaration)) return false;
    const init = declaration.getInitializer();
    const value = init === undefined ? undefined : unwrap(tsMorph, init);
    return value !== undefined && Node.isCallExpression(value) && canonical(value)?.startsWith('train.') === true;
  }

  // Loops that make layers: a literal bound (`for (let i = 0; i < 3; i++)`) is a depth decision.
  const boundRule = valueRules.find((r) => r.calls.includes('loop'));
  for (const loop of sourceFile.getDescendantsOfKind(SyntaxKind.ForStatement)) {
    const makesLayers = calls.some((c) => c.name.startsWith('layers.') && c.call.getAncestors().includes(loop));
    const condition = loop.getCondition();
    if (!makesLayers || condition === undefined || !Node.isBinaryExpression(condition)) continue;
    const operator = condition.getOperatorToken().getText();
    if (operator !== '<' && operator !== '<=') continue;
    const bound = condition.getRight();
    const variable = condition.getLeft().getText();
    const resolved = resolver.resolve(bound);
    if (resolved.kind !== 'literals') {
      skip(bound, `the loop makes a layer per turn, but its bound ${resolved.kind === 'unknown' ? resolved.reason : 'is a list'}`);
      continue;
    }
    for (const source of resolved.sources) {
      const path = source.path ?? [...scopeOf(tsMorph, loop), `${variable}_layers`];
      // A bound imported from another file is labelled as it is written there (`DEPTH = 3 (in ./config.ts)`).
      const label = foreign(source.literal) ? source.label : `${oneLine(condition.getText())} (how many layers the loop makes)`;
      if (!decide(source.literal, condition, undefined, boundRule === undefined ? [] : [boundRule], path, label)) {
        skip(condition, `the loop makes a layer per turn; ${oneLine(source.literal.getText())} is a bound no rule tunes`, 'kept');
      }
    }
  }

  // Settings a module exports for other files (`export const BATCH_SIZE = 64`, read by a
  // `fit({ batchSize: BATCH_SIZE })` elsewhere): a literal const that this file does not read
  // itself, named as a training argument a rule tunes (of fit, compile or an optimizer:
  // BATCH_SIZE, batch_size or batchSize is `batchSize`; LEARNING_RATE is `learningRate`), is that
  // argument's decision. One this file reads is decided (or reported) where it is read; a layer's
  // arguments (`units`, `rate`) are too common as names to be taken by name alone.
  const exportRules = valueRules.filter((r) => r.calls.some((c) => c === 'fit' || c === 'compile' || c.startsWith('train.')));
  for (const statement of sourceFile.getVariableStatements()) {
    if (!statement.isExported() || statement.getDeclarationKind() !== tsMorph.VariableDeclarationKind.Const) continue;
    for (const declaration of statement.getDeclarations()) {
      const nameNode = declaration.getNameNode();
      const init = declaration.getInitializer();
      if (!Node.isIdentifier(nameNode) || init === undefined) continue;
      const literal = outermostLiteral(tsMorph, init, init.getStart());
      if (literal === undefined || literal.getStart() !== init.getStart() || literal.getEnd() !== init.getEnd()) continue;
      // Decided already, or marked by hand (a `@search` comment says what it is).
      if (sites.has(literal.getStart()) || markers.has(literal.getStart())) continue;
      const name = nameNode.getText();
      const arg = settingName(name);
      const matching = exportRules.filter((r) => r.args.includes(arg));
      if (matching.length === 0) continue;
      const readHere = sourceFile.getDescendantsOfKind(SyntaxKind.Identifier).some((id) => id !== nameNode && id.getText() === name);
      if (readHere) continue;
      const label = `${name} = ${oneLine(literal.getText())} (exported)`;
      if (!decide(literal, declaration, undefined, matching, [...scopeOf(tsMorph, declaration), name], label) && matching[0] !== undefined)
        skip(declaration, `${name} names ${arg}, but rule '${matching[0].name}' does not tune ${oneLine(literal.getText())}`, 'kept');
    }
  }

  // Hand-marked literals no rule reached.
  for (const [start, marker] of markers) {
    if (sites.has(start) || typeof marker.spec !== 'object') continue;
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

  // No silent drops: a call with no decision and nothing reported is reported as having nothing to tune.
  for (const [, site] of sites) {
    for (const info of calls) if (!info.covered && site.start >= info.call.getStart() && site.end <= info.call.getEnd()) info.covered = true;
  }
  for (const info of calls) {
    if (
      info.covered ||
      skipped.some((s) => {
        const p = at(info.call);
        return s.line >= p.line && s.line <= sourceFile.getLineAndColumnAtPos(info.call.getEnd()).line;
      })
    )
      continue;
    if (!info.name.startsWith('layers.') && !info.name.startsWith('train.') && info.name !== 'compile' && info.name !== 'fit') continue;
    const what =
      info.name === 'fit'
        ? 'its options (if any) have no batch size a rule tunes'
        : info.name === 'compile'
          ? 'its optimizer is not a name or a tf.train call a rule tunes'
          : 'no argument a rule tunes';
    skip(info.call, `nothing to tune in ${info.name}: ${what}`, 'kept');
  }
  void callOf;

  // A literal of another file: where the annotated file reads it (each read of the imported name reads the decision).
  const imported: Site[] = [];
  for (const [literal, site] of importedSites) {
    const at = resolver.importedAt(literal);
    if (at !== undefined && at.reads.length > 0) imported.push({ ...site, imported: at });
  }
  const readAt = (s: Site): number => (s.kind === 'value' && s.imported !== undefined ? (s.imported.reads[0]?.start ?? 0) : s.start);
  const ordered = [...sites.values(), ...imported].sort((a, b) => readAt(a) - readAt(b) || a.start - b.start);
  checkPaths(ordered, fileName, api);
  skipped.sort((a, b) => a.line - b.line || a.column - b.column);
  return { sites: ordered, skipped, calls: calls.length, annotated, sourceFile, tsMorph };
}

/** The argument a setting's name stands for: `BATCH_SIZE`, `batch_size` and `batchSize` are `batchSize`. */
export function settingName(name: string): string {
  if (!name.includes('_') && name !== name.toUpperCase()) return name;
  const words = name
    .toLowerCase()
    .split('_')
    .filter((w) => w !== '');
  return words.map((w, i) => (i === 0 ? w : `${w.charAt(0).toUpperCase()}${w.slice(1)}`)).join('');
}

/** Whether a value rule takes a literal: its type and its `in` list. */
function ruleTakes(rule: ValueRule, value: LiteralValue): boolean {
  const type = Array.isArray(value) ? 'array' : typeof value;
  if (rule.type !== undefined && type !== rule.type) return false;
  if (rule.type === undefined && type === 'array') return false;
  if (rule.in !== undefined && !rule.in.some((v) => JSON.stringify(v) === JSON.stringify(value))) return false;
  return true;
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

/** The value of a literal node (a number, a negative number, a string, a boolean, or an array literal of them), or undefined. */
export function literalValue(tsMorph: TsMorphModule, node: Node | undefined): { value: LiteralValue; quote: Site['quote'] } | undefined {
  const { Node, SyntaxKind } = tsMorph;
  if (node === undefined) return undefined;
  if (Node.isArrayLiteralExpression(node)) {
    const elements = node.getElements();
    if (elements.length === 0) return undefined;
    const values: LiteralScalar[] = [];
    let quote: Site['quote'] = "'";
    for (const e of elements) {
      const v = literalValue(tsMorph, e);
      if (v === undefined || Array.isArray(v.value)) return undefined;
      values.push(v.value as LiteralScalar);
      if (typeof v.value === 'string') quote = v.quote;
    }
    return { value: values, quote };
  }
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
