/**
 * Which names of a source file reach TensorFlow.js, however it is loaded: ES imports
 * (`import * as tf`, `import tf from`, `import { layers, train }`), CommonJS `require` (plain or
 * destructured), a global `tf` (a script loaded after TensorFlow.js's own script tag), or a
 * parameter named `tf` whose `layers`, `train`, ... the file uses (TensorFlow.js handed in).
 */
import type { TsMorphModule } from './load-ts-morph.js';
import type * as TsMorph from 'ts-morph';

/** The TensorFlow.js packages whose API the codemod knows. */
export const TFJS = /^@tensorflow\/tfjs(-node(-gpu)?|-layers|-core)?$/;

/** The members of TensorFlow.js that say a parameter named `tf` is it. */
const TF_MEMBERS = new Set(['layers', 'train', 'sequential', 'model', 'input']);

/** What reaches TensorFlow.js in a file. */
export interface TfNames {
  /** Names bound to the whole module (`tf`). */
  readonly namespaces: ReadonlySet<string>;
  /** Names bound to its `layers` namespace. */
  readonly layers: ReadonlySet<string>;
  /** Names bound to its `train` namespace. */
  readonly train: ReadonlySet<string>;
  /** Names bound to `sequential` and `model`. */
  readonly sequential: ReadonlySet<string>;
  readonly model: ReadonlySet<string>;
  /** How the file loads TensorFlow.js. */
  readonly loadedBy: 'import' | 'require' | 'global' | 'parameter' | 'none';
}

/** The names of `sourceFile` that reach TensorFlow.js. */
export function tfNames(tsMorph: TsMorphModule, sourceFile: TsMorph.SourceFile): TfNames {
  const { Node, SyntaxKind } = tsMorph;
  const namespaces = new Set<string>();
  const layers = new Set<string>();
  const train = new Set<string>();
  const sequential = new Set<string>();
  const model = new Set<string>();
  let loadedBy: TfNames['loadedBy'] = 'none';
  const member = (name: string, local: string): void => {
    if (name === 'layers') layers.add(local);
    else if (name === 'train') train.add(local);
    else if (name === 'sequential') sequential.add(local);
    else if (name === 'model') model.add(local);
  };

  for (const decl of sourceFile.getImportDeclarations()) {
    if (!TFJS.test(decl.getModuleSpecifierValue())) continue;
    loadedBy = 'import';
    const ns = decl.getNamespaceImport()?.getText() ?? decl.getDefaultImport()?.getText();
    if (ns !== undefined) namespaces.add(ns);
    for (const named of decl.getNamedImports()) {
      const local = named.getAliasNode()?.getText() ?? named.getName();
      // `import { default as tf } from '@tensorflow/tfjs-node'` is the default import by another name.
      if (named.getName() === 'default') namespaces.add(local);
      else member(named.getName(), local);
    }
  }

  // `const tf = require('@tensorflow/tfjs-node')`, `const { layers, train: t } = require(...)`,
  // and `const tf = require(...).default` / `await import(...)`.
  for (const declaration of sourceFile.getDescendantsOfKind(SyntaxKind.VariableDeclaration)) {
    const init = unwrapLoad(tsMorph, declaration.getInitializer());
    if (init === undefined) continue;
    loadedBy = loadedBy === 'import' ? 'import' : 'require';
    const name = declaration.getNameNode();
    if (Node.isIdentifier(name)) namespaces.add(name.getText());
    else if (Node.isObjectBindingPattern(name)) {
      for (const element of name.getElements()) {
        const property = element.getPropertyNameNode()?.getText() ?? element.getName();
        member(property, element.getName());
      }
    }
  }

  // A global `tf`: used, never declared (a script after TensorFlow.js's script tag); or handed in
  // as a parameter named `tf` (`module.exports = (tf) => ...`, so the caller picks tfjs-node or tfjs).
  if (namespaces.size === 0 && layers.size === 0 && train.size === 0) {
    const uses = sourceFile.getDescendantsOfKind(SyntaxKind.Identifier).filter((id) => id.getText() === 'tf' && isUse(tsMorph, id));
    const free = uses.find((id) => (id.getSymbol()?.getDeclarations().length ?? 0) === 0);
    const handed = uses.find((id) => {
      const declarations = id.getSymbol()?.getDeclarations() ?? [];
      const parent = id.getParent();
      return (
        declarations.length > 0 &&
        declarations.every((d) => Node.isParameterDeclaration(d)) &&
        Node.isPropertyAccessExpression(parent) &&
        TF_MEMBERS.has(parent.getName())
      );
    });
    if (free !== undefined || handed !== undefined) {
      namespaces.add('tf');
      loadedBy = free !== undefined ? 'global' : 'parameter';
    }
  }
  return { namespaces, layers, train, sequential, model, loadedBy };
}

/** The `require(...)` or `import(...)` of TensorFlow.js an initializer is (through `await`, `.default`, parentheses), if it is one. */
function unwrapLoad(tsMorph: TsMorphModule, node: TsMorph.Node | undefined): TsMorph.CallExpression | undefined {
  const { Node, SyntaxKind } = tsMorph;
  let current = node;
  for (let i = 0; i < 4 && current !== undefined; i++) {
    if (Node.isAwaitExpression(current) || Node.isParenthesizedExpression(current)) current = current.getExpression();
    else if (Node.isPropertyAccessExpression(current) && current.getName() === 'default') current = current.getExpression();
    else break;
  }
  if (current === undefined || !Node.isCallExpression(current)) return undefined;
  const callee = current.getExpression();
  const isRequire = Node.isIdentifier(callee) && callee.getText() === 'require';
  const isImport = callee.getKind() === SyntaxKind.ImportKeyword;
  if (!isRequire && !isImport) return undefined;
  const [specifier] = current.getArguments();
  if (specifier === undefined || !(Node.isStringLiteral(specifier) || Node.isNoSubstitutionTemplateLiteral(specifier))) return undefined;
  return TFJS.test(specifier.getLiteralValue()) ? current : undefined;
}

/** Whether an identifier is used as a value (`tf.layers`), not as a property name or a declaration. */
function isUse(tsMorph: TsMorphModule, id: TsMorph.Identifier): boolean {
  const { Node } = tsMorph;
  const parent = id.getParent();
  if (Node.isPropertyAccessExpression(parent)) return parent.getExpression() === id;
  return !Node.isPropertyAssignment(parent) && !Node.isPropertySignature(parent);
}
