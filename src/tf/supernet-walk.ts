/**
 * @internal The walk of a supernet's space: the model (a `sequential`, a `graph`, a composite node
 * with a supernet expansion, or a `oneOf` of them), its layer lists (a depth `oneOf` among whole
 * lists is aligned so that lists share their first and last layers), its graph nodes and its
 * layers, with every hyper value resolved by a {@link Resolver}. What a layer computes is the
 * {@link Domain}'s business: shapes (sizing the shared weights, finding a sub-network's slices)
 * or tensors (the forward pass). Each layer occurrence gets a *key*, the identity of its weight
 * slot: candidates of a `oneOf` get their own keys (`=i`), aligned list items share one (`#j`).
 */
import { PliantError } from '../base/errors.js';
import { hyperKind } from '../hyper/hyper-value.js';
import { createNode } from '../symbolic/construct.js';
import type { KeySegment } from '../symbolic/key-path.js';
import { SymbolicNode } from '../symbolic/node.js';
import type { TreeValue } from '../symbolic/node.js';
import { expansionOf, hasExpansion } from './supernet-expansion.js';
import { OPS } from './supernet-ops.js';
import type { OpDef } from './supernet-ops.js';
import { resolveArgs, resolveValue } from './supernet-scope.js';
import type { Resolver, Scope } from './supernet-scope.js';

const API = 'supernet';
const SEQUENTIAL = 'tf.sequential';
const GRAPH = 'pliant.tf.graph';

/** A layer's resolved arguments with the weight of that alternative. */
export interface LayerAlt<W> {
  readonly args: Readonly<Record<string, unknown>>;
  readonly weight: W | undefined;
}

/** What the layers of a walk compute. */
export interface Domain<F, W> {
  /** Applies the layer `node` (its supported op, its argument alternatives) to its inputs. */
  layer(type: string, op: OpDef, alts: readonly LayerAlt<W>[], inputs: readonly F[], key: string, path: string): F;
  /** Combines the branches of a choice. */
  merge(branches: readonly { readonly flow: F; readonly weight: W | undefined }[], path: string): F;
  /** The flow of a declared input shape (one example), where the walk starts without an input. */
  declared(shape: readonly number[], path: string): F;
}

function at(path: string, segment: string | number): string {
  if (typeof segment === 'number') return `${path}[${segment}]`;
  return path === '' ? segment : `${path}.${segment}`;
}

function candidateCount(hyper: SymbolicNode): number {
  return (hyper.args as { candidates: readonly unknown[] }).candidates.length;
}

/** Arguments that size a layer or place it, not what kind of layer it is (left out of alignment signatures). */
const SIZE_ARGS = new Set(['units', 'filters', 'kernelSize', 'inputShape', 'batchInputShape', 'inputDim', 'batchSize', 'name', 'dtype', 'inputDType']);

/** What must agree for two list items to share weights: the layer type and its arguments other than sizes. */
function signature(value: TreeValue): string {
  if (hyperKind(value) === 'oneOf') return `oneOf[${(value as SymbolicNode<{ candidates: TreeValue[] }>).args.candidates.map(signature).join('|')}]`;
  if (value instanceof SymbolicNode && hyperKind(value) === undefined) {
    const args = value.args as Readonly<Record<string, TreeValue>>;
    const kept = Object.keys(args)
      .filter((k) => !SIZE_ARGS.has(k) && args[k] !== undefined)
      .sort()
      .map((k) => `${k}=${JSON.stringify(args[k])}`);
    return `${value.type.name}(${kept.join(',')})`;
  }
  return JSON.stringify(value);
}

const ALIGNMENTS = new WeakMap<SymbolicNode, readonly (readonly number[])[]>();

/**
 * For a depth choice (a `oneOf` among layer lists), the position in the longest list that each
 * item of each list shares weights with (−1: none): items align from the start while their
 * signatures match, then from the end.
 */
export function alignment(hyper: SymbolicNode): readonly (readonly number[])[] {
  const known = ALIGNMENTS.get(hyper);
  if (known !== undefined) return known;
  const lists = (hyper.args as { candidates: readonly TreeValue[] }).candidates.map((c) => (Array.isArray(c) ? (c as readonly TreeValue[]) : undefined));
  let ref = -1;
  lists.forEach((l, i) => {
    if (l !== undefined && (ref === -1 || l.length > (lists[ref] as readonly TreeValue[]).length)) ref = i;
  });
  const refSigs = ref === -1 ? [] : (lists[ref] as readonly TreeValue[]).map(signature);
  const out = lists.map((list) => {
    if (list === undefined) return [];
    const sigs = list.map(signature);
    const pos = sigs.map(() => -1);
    let prefix = 0;
    while (prefix < sigs.length && prefix < refSigs.length && sigs[prefix] === refSigs[prefix]) {
      pos[prefix] = prefix;
      prefix++;
    }
    for (let m = 1; sigs.length - m >= prefix && refSigs.length - m >= prefix; m++) {
      if (sigs[sigs.length - m] !== refSigs[refSigs.length - m]) break;
      pos[sigs.length - m] = refSigs.length - m;
    }
    return pos;
  });
  ALIGNMENTS.set(hyper, out);
  return out;
}

/** One item of a layer list, with its weight key and key path. */
export interface ListItem {
  readonly value: TreeValue;
  readonly key: string;
  readonly path: string;
}

/** The layer lists a `sequential`'s `layers` may be (one per branch), their items keyed. */
export function layerLists<W>(
  layers: TreeValue,
  key: string,
  scope: Scope,
  path: string,
  resolver: Resolver<W>,
): { readonly items: readonly ListItem[]; readonly scope: Scope; readonly weight: W | undefined }[] {
  const kind = hyperKind(layers);
  if (kind === 'oneOf') {
    const hyper = layers as SymbolicNode;
    const align = alignment(hyper);
    const n = candidateCount(hyper);
    return resolver.choose(hyper, scope, path).map((b) => {
      const cpath = `${path}[=${b.index}/${n}]`;
      if (!Array.isArray(b.candidate)) throw new PliantError(API, 'argument', 'a choice of layers must choose among layer lists', { path: cpath });
      const pos = align[b.index] as readonly number[];
      const items = (b.candidate as readonly TreeValue[]).map((value, j) => ({
        value,
        key: (pos[j] ?? -1) >= 0 ? `${key}#${pos[j] as number}` : `${key}=${b.index}#${j}`,
        path: `${cpath}[${j}]`,
      }));
      return { items, scope: b.scope, weight: b.weight };
    });
  }
  if (kind !== undefined) {
    throw new PliantError(API, 'argument', `a ${kind} of layers is not supported: choose the depth with a oneOf among whole layer lists`, { path });
  }
  if (!Array.isArray(layers)) throw new PliantError(API, 'argument', 'layers must be a list of layers', { path });
  return [{ items: (layers as readonly TreeValue[]).map((value, j) => ({ value, key: `${key}[${j}]`, path: at(path, j) })), scope, weight: undefined }];
}

/** The declared input shape of a first layer (`inputShape`, `batchInputShape` or `inputDim`). */
function declaredShape(args: Readonly<Record<string, unknown>>, path: string): readonly number[] {
  const shape =
    (args.inputShape as readonly (number | null)[] | undefined) ??
    (args.batchInputShape as readonly (number | null)[] | undefined)?.slice(1) ??
    (typeof args.inputDim === 'number' ? [args.inputDim] : undefined);
  if (shape === undefined) throw new PliantError(API, 'argument', 'the first layer needs an inputShape', { path });
  if (!shape.every((n) => typeof n === 'number' && n > 0))
    throw new PliantError(API, 'argument', `the input shape must be fixed, found ${JSON.stringify(shape)}`, { path });
  return shape as readonly number[];
}

/** Walks a space's model with a resolver and a domain. */
export class Walker<F, W> {
  readonly #resolver: Resolver<W>;
  readonly #domain: Domain<F, W>;

  constructor(resolver: Resolver<W>, domain: Domain<F, W>) {
    this.#resolver = resolver;
    this.#domain = domain;
  }

  #choice(hyper: SymbolicNode, key: string, scope: Scope, path: string, run: (candidate: TreeValue, key: string, scope: Scope, path: string) => F): F {
    const n = candidateCount(hyper);
    const branches = this.#resolver.choose(hyper, scope, path).map((b) => ({
      flow: run(b.candidate, `${key}=${b.index}`, b.scope, `${path}[=${b.index}/${n}]`),
      weight: b.weight,
    }));
    return branches.length === 1 && branches[0]?.weight === undefined ? (branches[0]?.flow as F) : this.#domain.merge(branches, path);
  }

  /** The output of the model found at `follow` under `value` (a candidate, or the model itself). */
  model(value: TreeValue, key: string, scope: Scope, path: string, follow: readonly KeySegment[], input: F | undefined): F {
    const kind = hyperKind(value);
    if (kind === 'oneOf') return this.#choice(value as SymbolicNode, key, scope, path, (c, k, s, p) => this.model(c, k, s, p, follow, input));
    if (kind !== undefined) throw new PliantError(API, 'argument', `a ${kind} cannot stand for a model`, { path });
    if (follow.length > 0) {
      const [head, ...rest] = follow as [KeySegment, ...KeySegment[]];
      const holder = value instanceof SymbolicNode ? (value.args as Readonly<Record<string, TreeValue>>) : value;
      const next = typeof holder === 'object' && holder !== null ? (holder as Readonly<Record<string | number, TreeValue>>)[head] : undefined;
      if (next === undefined) throw new PliantError(API, 'argument', `the candidate has no '${String(head)}' (the model's key path)`, { path: at(path, head) });
      return this.model(next, key, scope, at(path, head), rest, input);
    }
    if (!(value instanceof SymbolicNode))
      throw new PliantError(API, 'argument', 'the model must be a symbolic sequential, graph or a node with a supernet expansion', { path });
    if (value.type.name === SEQUENTIAL) return this.#sequential(value, key, scope, path, input);
    if (value.type.name === GRAPH) return this.#graph(value, key, scope, path, input);
    if (hasExpansion(value)) return this.model(expansionOf(value, path), key, scope, path, [], input);
    throw new PliantError(
      API,
      'argument',
      `${value.type.name} is not a model the supernet can run (a sequential, a graph, or a type with defineSupernetExpansion)`,
      { path },
    );
  }

  #sequential(node: SymbolicNode, key: string, scope: Scope, path: string, input: F | undefined): F {
    const lists = layerLists((node.args as { layers: TreeValue }).layers, `${key}.layers`, scope, at(path, 'layers'), this.#resolver);
    const branches = lists.map((list) => {
      let flow = input;
      if (list.items.length === 0) throw new PliantError(API, 'argument', 'a sequential needs at least one layer', { path: at(path, 'layers') });
      for (const item of list.items) flow = this.layer(item.value, item.key, list.scope, item.path, [flow]);
      return { flow: flow as F, weight: list.weight };
    });
    return branches.length === 1 && branches[0]?.weight === undefined ? (branches[0]?.flow as F) : this.#domain.merge(branches, path);
  }

  #graph(node: SymbolicNode, key: string, scope: Scope, path: string, input: F | undefined): F {
    const args = node.args as Readonly<{ inputs: Readonly<Record<string, TreeValue>>; nodes: Readonly<Record<string, TreeValue>>; outputs: TreeValue }>;
    const inputNames = Object.keys(args.inputs);
    if (inputNames.length !== 1)
      throw new PliantError(API, 'argument', `a supernet takes one input, the graph has ${inputNames.length}`, { path: at(path, 'inputs') });
    const inputName = inputNames[0] as string;
    const inputNode = args.inputs[inputName] as SymbolicNode;
    const inputFlow = input ?? this.#domain.declared(declaredShape({ inputShape: (inputNode.args as { shape: number[] }).shape }, at(path, 'inputs')), path);
    const memo = new Map<string, F>();
    const visiting = new Set<string>();
    const resolve = (name: string, where: string): F => {
      if (name === inputName) return inputFlow;
      const known = memo.get(name);
      if (known !== undefined) return known;
      if (!Object.hasOwn(args.nodes, name)) throw new PliantError(API, 'argument', `'${name}' is not an input or a node of the graph`, { path: where });
      if (visiting.has(name)) throw new PliantError(API, 'argument', `the graph has a cycle through '${name}'`, { path: where });
      visiting.add(name);
      const npath = at(at(path, 'nodes'), name);
      const spec = args.nodes[name] as Readonly<{ layer: TreeValue; inputs: TreeValue }>;
      const branches = resolveValue(spec.inputs, scope, this.#resolver, at(npath, 'inputs')).map((alt) => {
        const names = typeof alt.value === 'string' ? [alt.value] : (alt.value as readonly string[]);
        const flows = names.map((n, j) => resolve(n, typeof alt.value === 'string' ? at(npath, 'inputs') : at(at(npath, 'inputs'), j)));
        return { flow: this.layer(spec.layer, `${key}.${name}`, scope, at(npath, 'layer'), flows), weight: alt.weight };
      });
      const out = branches.length === 1 && branches[0]?.weight === undefined ? (branches[0]?.flow as F) : this.#domain.merge(branches, npath);
      visiting.delete(name);
      memo.set(name, out);
      return out;
    };
    const outs = resolveValue(args.outputs, scope, this.#resolver, at(path, 'outputs')).map((alt) => {
      const names = typeof alt.value === 'string' ? [alt.value] : (alt.value as readonly string[]);
      if (names.length !== 1) throw new PliantError(API, 'argument', `a supernet has one output, the graph has ${names.length}`, { path: at(path, 'outputs') });
      return { flow: resolve(names[0] as string, at(path, 'outputs')), weight: alt.weight };
    });
    return outs.length === 1 && outs[0]?.weight === undefined ? (outs[0]?.flow as F) : this.#domain.merge(outs, path);
  }

  /** Applies the layer `value` (a layer, or a `oneOf` of layers) to `inputs` (`undefined`: its declared input). */
  layer(value: TreeValue, key: string, scope: Scope, path: string, inputs: readonly (F | undefined)[]): F {
    const kind = hyperKind(value);
    if (kind === 'oneOf') return this.#choice(value as SymbolicNode, key, scope, path, (c, k, s, p) => this.layer(c, k, s, p, inputs));
    if (kind !== undefined) throw new PliantError(API, 'argument', `a ${kind} cannot stand for a layer`, { path });
    if (!(value instanceof SymbolicNode)) throw new PliantError(API, 'argument', `expected a symbolic layer, found ${JSON.stringify(value)}`, { path });
    const op = OPS.get(value.type.name);
    if (op === undefined) {
      throw new PliantError(
        API,
        'argument',
        `layer type ${value.type.name} is not supported by the supernet (supported: ${[...OPS.keys()].map((t) => t.replace('tf.layers.', '')).join(', ')})`,
        {
          path,
        },
      );
    }
    const alts = resolveArgs(value, scope, this.#resolver, path);
    const flows = inputs.map((f) => f ?? this.#domain.declared(declaredShape((alts[0] as LayerAlt<W>).args, path), path));
    return this.#domain.layer(value.type.name, op, alts, flows, key, path);
  }
}

// ---------------------------------------------------------------------------------------------
// The concrete model of one DNA (for `subnet`): the same walk, rebuilding the tree.

/** Rebuilds the concrete model a DNA resolver selects; `name` gives each weighted layer (by key) its layer name. */
export function concreteModel(
  value: TreeValue,
  key: string,
  scope: Scope,
  path: string,
  follow: readonly KeySegment[],
  resolver: Resolver<never>,
  name: (key: string, given: unknown) => string,
): SymbolicNode {
  const kind = hyperKind(value);
  if (kind === 'oneOf') {
    const b = resolver.choose(value as SymbolicNode, scope, path)[0];
    if (b === undefined) throw new PliantError(API, 'argument', 'a choice without candidates', { path });
    return concreteModel(b.candidate, `${key}=${b.index}`, b.scope, path, follow, resolver, name);
  }
  if (follow.length > 0) {
    const [head, ...rest] = follow as [KeySegment, ...KeySegment[]];
    const holder = value instanceof SymbolicNode ? (value.args as Readonly<Record<string, TreeValue>>) : value;
    return concreteModel((holder as Readonly<Record<string | number, TreeValue>>)[head] as TreeValue, key, scope, at(path, head), rest, resolver, name);
  }
  const node = value as SymbolicNode;
  const layer = (v: TreeValue, k: string, s: Scope, p: string): TreeValue => {
    if (hyperKind(v) === 'oneOf') {
      const b = resolver.choose(v as SymbolicNode, s, p)[0];
      if (b === undefined) throw new PliantError(API, 'argument', 'a choice without candidates', { path: p });
      return layer(b.candidate, `${k}=${b.index}`, b.scope, p);
    }
    const layerNode = v as SymbolicNode;
    const args = { ...(resolveArgs(layerNode, s, resolver, p)[0]?.args ?? {}) };
    if (OPS.get(layerNode.type.name)?.slot !== undefined) args.name = name(k, args.name);
    return createNode(layerNode.type, args, API, []) as SymbolicNode;
  };
  const one = (v: TreeValue, p: string): TreeValue => resolveValue(v, scope, resolver, p)[0]?.value as TreeValue;
  if (node.type.name === SEQUENTIAL) {
    const args = node.args as Readonly<{ layers: TreeValue; name?: TreeValue }>;
    const list = layerLists(args.layers, `${key}.layers`, scope, at(path, 'layers'), resolver)[0];
    if (list === undefined) throw new PliantError(API, 'argument', 'no layer list', { path });
    const layers = list.items.map((item) => layer(item.value, item.key, list.scope, item.path));
    return createNode(node.type, { layers, ...(args.name === undefined ? {} : { name: one(args.name, at(path, 'name')) }) }, API, []) as SymbolicNode;
  }
  if (node.type.name === GRAPH) {
    const args = node.args as Readonly<{
      inputs: TreeValue;
      nodes: Readonly<Record<string, Readonly<{ layer: TreeValue; inputs: TreeValue }>>>;
      outputs: TreeValue;
      name?: TreeValue;
    }>;
    const nodes: Record<string, TreeValue> = {};
    for (const [n, spec] of Object.entries(args.nodes)) {
      const npath = at(at(path, 'nodes'), n);
      nodes[n] = { layer: layer(spec.layer, `${key}.${n}`, scope, at(npath, 'layer')), inputs: one(spec.inputs, at(npath, 'inputs')) };
    }
    return createNode(
      node.type,
      {
        inputs: one(args.inputs, at(path, 'inputs')),
        nodes,
        outputs: one(args.outputs, at(path, 'outputs')),
        ...(args.name === undefined ? {} : { name: one(args.name, at(path, 'name')) }),
      },
      API,
      [],
    ) as SymbolicNode;
  }
  if (hasExpansion(node)) return concreteModel(expansionOf(node, path), key, scope, path, [], resolver, name);
  throw new PliantError(API, 'argument', `${node.type.name} is not a model the supernet can run`, { path });
}
