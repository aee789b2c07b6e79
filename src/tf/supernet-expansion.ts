/**
 * How a composite symbolic model type (one node that builds a whole network internally, such as
 * NAS-Bench-201's `nb201Network`) takes part in a supernet: it registers an *expansion*, a
 * function from its arguments (which may hold hyper values) to the `graph` / `sequential` space
 * tree it stands for. The expansion reuses the argument's hyper values, so one decision used in
 * many places of the expanded tree (the same edge op in every cell) stays one decision.
 *
 * ```ts
 * defineSupernetExpansion(nb201Network, (args, { select }) =>
 *   graph({ ..., nodes: { e01: { layer: select(args.ops[0], (op) => opLayer(op)), inputs: 'x' }, ... } }));
 * ```
 *
 * This module loads no TensorFlow.js: registering an expansion costs nothing until a supernet is built.
 */
import { PliantError } from '../base/errors.js';
import { hyperKind } from '../hyper/hyper-value.js';
import { oneOf } from '../hyper/one-of.js';
import { SymbolicNode } from '../symbolic/node.js';
import type { TreeValue } from '../symbolic/node.js';

/** What an expansion receives besides the node's arguments. */
export interface SupernetExpansionTools {
  /**
   * The tree that stands for `map(value)`: when `value` is a `oneOf`, a choice (over
   * `candidates.map(map)`) that the supernet resolves by `value`'s own decision, so the same hyper
   * value selected at several places is one decision; otherwise `map(value)` itself.
   */
  select(value: unknown, map: (candidate: TreeValue) => TreeValue): TreeValue;
}

/** An expansion: the node's arguments (hyper values inside) to the space tree of its model. */
export type SupernetExpansion<A = Record<string, unknown>> = (args: Readonly<A>, tools: SupernetExpansionTools) => TreeValue;

/** A symbolic factory or type, or a registered type name. */
export type SymbolicTypeRef = string | { readonly typeName: string } | { readonly name: string };

const EXPANSIONS = new Map<string, SupernetExpansion>();
/** Each `select` choice → the hyper value whose decision settles it. */
const ALIASES = new WeakMap<SymbolicNode, SymbolicNode>();
/** Each composite node → its expansion (made once: the aliases inside must stay the same objects). */
const EXPANDED = new WeakMap<SymbolicNode, TreeValue>();

function typeNameOf(type: SymbolicTypeRef): string {
  if (typeof type === 'string') return type;
  if ('typeName' in type && typeof type.typeName === 'string') return type.typeName;
  if ('name' in type && typeof type.name === 'string') return type.name;
  throw new PliantError('defineSupernetExpansion', 'argument', 'expected a symbolic factory, a symbolic type or a type name');
}

/**
 * Registers how nodes of a composite symbolic type expand into a `graph` or `sequential` space
 * tree for `supernet` (a later registration of the same type replaces the earlier one). The
 * expansion runs once per node, with the node's arguments as given (hyper values inside); it
 * should use `tools.select` wherever a hyper value chooses among parts of the network.
 *
 * @throws PliantError (`argument`, naming `defineSupernetExpansion`) for a bad type or function.
 */
export function defineSupernetExpansion<A = Record<string, unknown>>(type: SymbolicTypeRef, expand: SupernetExpansion<A>): void {
  const name = typeNameOf(type);
  if (typeof expand !== 'function') throw new PliantError('defineSupernetExpansion', 'argument', `the expansion of ${name} must be a function`);
  EXPANSIONS.set(name, expand as SupernetExpansion);
}

/** @internal Whether nodes of this type have an expansion. */
export function hasExpansion(node: SymbolicNode): boolean {
  return EXPANSIONS.has(node.type.name);
}

const tools: SupernetExpansionTools = {
  select(value, map) {
    if (hyperKind(value) !== 'oneOf') return map(value as TreeValue);
    const hyper = value as SymbolicNode;
    const candidates = (hyper.args as { candidates: readonly TreeValue[] }).candidates;
    const alias = oneOf(candidates.map((c) => map(c))) as unknown as SymbolicNode;
    ALIASES.set(alias, ALIASES.get(hyper) ?? hyper);
    return alias;
  },
};

/** @internal The expanded tree of a composite node (made once per node). */
export function expansionOf(node: SymbolicNode, path: string): TreeValue {
  const known = EXPANDED.get(node);
  if (known !== undefined) return known;
  const expand = EXPANSIONS.get(node.type.name);
  if (expand === undefined) throw new PliantError('supernet', 'argument', `${node.type.name} has no supernet expansion`, { path });
  let tree: TreeValue;
  try {
    tree = expand(node.args as Readonly<Record<string, unknown>>, tools);
  } catch (error) {
    if (error instanceof PliantError) throw error;
    throw new PliantError('supernet', 'build', `the supernet expansion of ${node.type.name} threw: ${(error as Error).message}`, { path, cause: error });
  }
  if (!(tree instanceof SymbolicNode)) {
    throw new PliantError('supernet', 'argument', `the supernet expansion of ${node.type.name} must return a symbolic model (graph or sequential)`, { path });
  }
  EXPANDED.set(node, tree);
  return tree;
}

/** @internal The hyper value whose decision settles `hyper` (itself, unless made by `select`). */
export function decisionHyper(hyper: SymbolicNode): SymbolicNode {
  return ALIASES.get(hyper) ?? hyper;
}
