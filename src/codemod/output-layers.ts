/**
 * Which layers are a model's output layers, by data flow: a layer is an output layer when its
 * output reaches a model output with no trainable layer in between. Followed through
 * `tf.sequential({ layers: [...] })` lists, `model.add(...)` chains (in the order statements run,
 * branches included: each branch's last layer is an output only if nothing is added after the
 * branch) and the functional API (`tf.model({ outputs })` back through `.apply(...)` calls and
 * layers that keep no weights). A layer in none of these is judged by what it is: a softmax, or a
 * single unit.
 */
import type { TsMorphModule } from './load-ts-morph.js';
import { unwrap } from './value-source.js';
import type * as TsMorph from 'ts-morph';

type Node = TsMorph.Node;

/** Layers without weights of their own: an output flows through them to the layer before. */
const WEIGHTLESS = new Set([
  'activation',
  'dropout',
  'spatialDropout1d',
  'gaussianDropout',
  'gaussianNoise',
  'alphaDropout',
  'flatten',
  'reshape',
  'permute',
  'repeatVector',
  'maxPooling1d',
  'maxPooling2d',
  'maxPooling3d',
  'averagePooling1d',
  'averagePooling2d',
  'averagePooling3d',
  'globalMaxPooling1d',
  'globalMaxPooling2d',
  'globalAveragePooling1d',
  'globalAveragePooling2d',
  'zeroPadding2d',
  'cropping2D',
  'upSampling2d',
  'batchNormalization',
  'layerNormalization',
  'softmax',
  'reLU',
  'leakyReLU',
  'eLU',
  'thresholdedReLU',
  'masking',
  'rescaling',
  // Merges: an output that merges layers (concatenate two heads) has each of them as an output.
  'add',
  'concatenate',
  'multiply',
  'average',
  'maximum',
  'minimum',
  'dot',
]);

/** Array methods whose callback runs once per element, inside the call. */
const LOOP_METHODS = new Set(['forEach', 'map', 'flatMap', 'reduce', 'reduceRight', 'filter', 'some', 'every']);

/** Whether a canonical layer name (`layers.dense`) keeps weights (a trainable layer). */
export function isTrainable(name: string): boolean {
  return name.startsWith('layers.') && !WEIGHTLESS.has(name.slice('layers.'.length));
}

/**
 * The output layer calls of a file.
 *
 * @param canonical - The canonical name of a call (`layers.dense`, `sequential`, `model`), or undefined.
 */
export function outputLayers(
  tsMorph: TsMorphModule,
  sourceFile: TsMorph.SourceFile,
  canonical: (call: TsMorph.CallExpression) => string | undefined,
): {
  readonly outputs: ReadonlySet<Node>;
  readonly placed: ReadonlySet<Node>;
} {
  const { Node, SyntaxKind } = tsMorph;
  const outputs = new Set<Node>();
  /** Layer calls whose place in a model was found (the rest are judged by what they are). */
  const placed = new Set<Node>();
  const layerCall = (node: Node | undefined, depth = 0): TsMorph.CallExpression | undefined => {
    if (node === undefined || depth > 8) return undefined;
    const value = unwrap(tsMorph, node);
    if (Node.isCallExpression(value) && canonical(value)?.startsWith('layers.') === true) return value;
    if (Node.isIdentifier(value)) {
      const declaration = value.getSymbol()?.getDeclarations()[0];
      if (declaration !== undefined && Node.isVariableDeclaration(declaration)) return layerCall(declaration.getInitializer(), depth + 1);
    }
    return undefined;
  };
  /** The trainable layer(s) a value flowing into a model output comes from. */
  const markOutput = (layer: TsMorph.CallExpression): void => {
    outputs.add(layer);
    // timeDistributed / bidirectional wrap the layer that decides the output.
    const name = canonical(layer);
    if (name === 'layers.timeDistributed' || name === 'layers.bidirectional') {
      const [options] = layer.getArguments();
      if (options !== undefined && Node.isObjectLiteralExpression(options)) {
        const inner = options.getProperty('layer');
        if (inner !== undefined && Node.isPropertyAssignment(inner)) {
          const wrapped = layerCall(inner.getInitializer());
          if (wrapped !== undefined) {
            outputs.add(wrapped);
            placed.add(wrapped);
          }
        }
      }
    }
  };

  // tf.sequential({ layers: [...] }): the last trainable layer of the list.
  for (const call of sourceFile.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    if (canonical(call) !== 'sequential') continue;
    const [options] = call.getArguments();
    if (options === undefined || !Node.isObjectLiteralExpression(options)) continue;
    const property = options.getProperty('layers');
    const list = property !== undefined && Node.isPropertyAssignment(property) ? property.getInitializer() : undefined;
    if (list === undefined || !Node.isArrayLiteralExpression(list)) continue;
    const layers = list.getElements().map((e) => layerCall(e));
    for (const l of layers) if (l !== undefined) placed.add(l);
    for (let i = layers.length - 1; i >= 0; i--) {
      const l = layers[i];
      if (l === undefined) break; // something unknown at the end: cannot tell
      if (isTrainable(canonical(l) as string)) {
        markOutput(l);
        break;
      }
    }
  }

  // receiver.add(layer): an output when no trainable layer is added to the same receiver after it.
  const adds = sourceFile.getDescendantsOfKind(SyntaxKind.CallExpression).flatMap((call) => {
    const callee = call.getExpression();
    if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== 'add') return [];
    const layer = layerCall(call.getArguments()[0]);
    if (layer === undefined || call.getArguments().length !== 1) return [];
    return [{ call, layer, receiver: callee.getExpression().getText(), trainable: isTrainable(canonical(layer) as string) }];
  });
  for (const add of adds) {
    placed.add(add.layer);
    if (!add.trainable) continue;
    const later = adds.filter((other) => other !== add && other.trainable && other.receiver === add.receiver);
    if (!later.some((other) => runsAfter(tsMorph, add.call, other.call))) markOutput(add.layer);
  }

  // tf.model({ inputs, outputs }): back from each output through `.apply(...)` and weightless layers.
  const fromValue = (node: Node | undefined, depth: number, at: Node): void => {
    if (node === undefined || depth > 30) return;
    const value = unwrap(tsMorph, node);
    if (Node.isArrayLiteralExpression(value)) {
      for (const e of value.getElements()) fromValue(e, depth + 1, at);
      return;
    }
    if (Node.isIdentifier(value)) {
      fromValue(lastAssignment(tsMorph, value, value), depth + 1, at);
      return;
    }
    if (!Node.isCallExpression(value)) return;
    const callee = value.getExpression();
    if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== 'apply') return;
    const layer = layerCall(callee.getExpression());
    if (layer === undefined) return;
    placed.add(layer);
    if (isTrainable(canonical(layer) as string)) markOutput(layer);
    else fromValue(value.getArguments()[0], depth + 1, value);
  };
  for (const call of sourceFile.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    if (canonical(call) !== 'model') continue;
    const [options] = call.getArguments();
    if (options === undefined || !Node.isObjectLiteralExpression(options)) continue;
    const property = options.getProperty('outputs');
    if (property !== undefined && Node.isPropertyAssignment(property)) fromValue(property.getInitializer(), 0, call);
    else if (property !== undefined && Node.isShorthandPropertyAssignment(property)) fromValue(property.getNameNode(), 0, call);
  }
  // Every `.apply(...)` of a layer places it (an input to some model), even when no tf.model was found.
  for (const call of sourceFile.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const callee = call.getExpression();
    if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== 'apply') continue;
    const layer = layerCall(callee.getExpression());
    if (layer !== undefined && sourceFile.getDescendantsOfKind(SyntaxKind.CallExpression).some((c) => canonical(c) === 'model')) placed.add(layer);
  }
  return { outputs, placed };
}

/** The value an identifier holds at `at`: its initializer, or the last assignment to it before `at` in the same function. */
function lastAssignment(tsMorph: TsMorphModule, id: TsMorph.Identifier, at: Node): Node | undefined {
  const { Node, SyntaxKind } = tsMorph;
  const declaration = id.getSymbol()?.getDeclarations()[0];
  if (declaration === undefined || !Node.isVariableDeclaration(declaration)) return undefined;
  let value: Node | undefined = declaration.getInitializer();
  const nameNode = declaration.getNameNode();
  if (!Node.isIdentifier(nameNode)) return value;
  let references: Node[] = [];
  try {
    references = nameNode.findReferencesAsNodes();
  } catch {
    return value;
  }
  let best = declaration.getStart();
  for (const r of references) {
    const parent = r.getParent();
    if (!Node.isBinaryExpression(parent) || parent.getLeft() !== r || parent.getOperatorToken().getKind() !== SyntaxKind.EqualsToken) continue;
    // An assignment that ends before the use (not the one the use is part of: `x = f.apply(x)`).
    if (parent.getStart() > best && parent.getEnd() <= at.getStart()) {
      best = parent.getStart();
      value = parent.getRight();
    }
  }
  return value;
}

/**
 * Whether `later` may run after `first` in one run of their function: it follows `first` in the
 * same statement list, or in a list around it (not in a sibling branch of an `if` / `switch`),
 * or both are in one loop.
 */
export function runsAfter(tsMorph: TsMorphModule, first: Node, later: Node): boolean {
  const { Node } = tsMorph;
  // A callback of forEach / map runs inside its caller, once per element: like a loop body.
  const inlineCallback = (n: Node): boolean => {
    if (!(Node.isFunctionExpression(n) || Node.isArrowFunction(n))) return false;
    const call = n.getParent();
    if (!Node.isCallExpression(call)) return false;
    const callee = call.getExpression();
    return Node.isPropertyAccessExpression(callee) && LOOP_METHODS.has(callee.getName());
  };
  const boundary = (n: Node): boolean =>
    (Node.isFunctionDeclaration(n) ||
      Node.isFunctionExpression(n) ||
      Node.isArrowFunction(n) ||
      Node.isMethodDeclaration(n) ||
      Node.isConstructorDeclaration(n)) &&
    !inlineCallback(n);
  const functionOf = (n: Node): Node | undefined => n.getFirstAncestor(boundary);
  if (functionOf(first) !== functionOf(later)) return false;
  // In one loop: the loop runs `first` again after `later`, and `later` after `first`.
  for (let a: Node | undefined = first.getParent(); a !== undefined && !boundary(a); a = a.getParent()) {
    if (
      (Node.isForStatement(a) ||
        Node.isForOfStatement(a) ||
        Node.isForInStatement(a) ||
        Node.isWhileStatement(a) ||
        Node.isDoStatement(a) ||
        inlineCallback(a)) &&
      later.getAncestors().includes(a)
    ) {
      return true;
    }
  }
  if (later.getStart() <= first.getEnd()) return false;
  // `later` comes after `first` in the text: it runs after unless they are in different branches.
  for (let a: Node | undefined = first.getParent(); a !== undefined && !boundary(a); a = a.getParent()) {
    if (Node.isIfStatement(a)) {
      const then = a.getThenStatement();
      const otherwise = a.getElseStatement();
      const inThen = first.getAncestors().includes(then) || first === then;
      if (inThen && otherwise !== undefined && (later.getAncestors().includes(otherwise) || later === otherwise)) return false;
    }
    if (Node.isCaseClause(a) || Node.isDefaultClause(a)) {
      const block = a.getParent();
      const laterClause = later.getFirstAncestor((n) => (Node.isCaseClause(n) || Node.isDefaultClause(n)) && n.getParent() === block);
      // A case that ends without falling through: a later case is another branch.
      if (laterClause !== undefined && laterClause !== a) {
        const ends = a.getStatements().some((s) => Node.isBreakStatement(s) || Node.isReturnStatement(s) || Node.isThrowStatement(s));
        if (ends) return false;
      }
    }
  }
  return true;
}
