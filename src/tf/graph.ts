/**
 * The functional-graph form of a model, for what `sequential` cannot say (residual blocks, cells,
 * several inputs or outputs): named inputs, named nodes that each apply a symbolic layer to other
 * nodes, and the outputs. Because nodes refer to each other by name, the wiring is data: a hyper
 * value can choose a node's layer or its inputs.
 *
 * ```ts
 * const block = graph({
 *   inputs: { x: input({ shape: [32] }) },
 *   nodes: {
 *     h: { layer: layers.dense({ units: 32, activation: 'relu' }), inputs: 'x' },
 *     sum: { layer: layers.add({}), inputs: ['x', 'h'] },          // a residual connection
 *     out: { layer: layers.dense({ units: 10, activation: 'softmax' }), inputs: 'sum' },
 *   },
 *   outputs: 'out',
 * });
 * ```
 */
import { z } from 'zod';
import type { BuildContext } from '../symbolic/build.js';
import { PliantError } from '../base/errors.js';
import type { SymbolicNode } from '../symbolic/node.js';
import { nodeSchema, symbolize } from '../symbolic/symbolize.js';
import type { SymbolicFactory } from '../symbolic/symbolize.js';
import { customLayers } from './custom-layers.js';
import { layerNodeSchema } from './define-layer.js';
import { loadedTf } from './load-tf.js';
import type { TfModule } from './load-tf.js';
import { LAYER_INFO, MODEL_SIGNATURE, SeedAssigner } from './seeds.js';
import type { TfLayer } from './seeds.js';
import type * as Tfjs from '@tensorflow/tfjs';

/** Arguments of {@link input}: the same as `tf.input`. */
export interface InputArgs {
  /** The shape of one example, without the batch dimension (`null` for a free size). */
  shape: (number | null)[];
  dtype?: 'float32' | 'int32' | 'bool' | 'complex64' | 'string';
  name?: string;
}

/** A symbolic `tf.input({ shape })`: an input of a {@link graph}. */
export const input: SymbolicFactory<InputArgs, Tfjs.SymbolicTensor> = symbolize(
  'tf.input',
  (args: InputArgs): Tfjs.SymbolicTensor =>
    loadedTf('build').input({
      shape: args.shape,
      ...(args.dtype === undefined ? {} : { dtype: args.dtype }),
      ...(args.name === undefined ? {} : { name: args.name }),
    }),
  {
    schema: z
      .object({
        shape: z.array(z.number().int().positive().nullable()),
        dtype: z.enum(['float32', 'int32', 'bool', 'complex64', 'string']).optional(),
        name: z.string().optional(),
      })
      .strict(),
  },
) as unknown as SymbolicFactory<InputArgs, Tfjs.SymbolicTensor>;

/**
 * One node of a {@link graph}: a layer applied to other nodes or inputs, by name. (A type alias,
 * not an interface, so that `Loose` maps it and a symbolic layer or a hyper value can stand for
 * `layer` in the factory's arguments.)
 */
export type GraphNode = {
  /** The layer (a symbolic layer, possibly chosen by a hyper value). */
  layer: TfLayer;
  /** The names of its inputs: one name, or several for merging layers (`add`, `concatenate`). */
  inputs: string | string[];
};

/** Arguments of {@link graph}. */
export interface GraphArgs {
  /** The model's inputs by name. */
  inputs: Record<string, Tfjs.SymbolicTensor>;
  /** The nodes by name. */
  nodes: Record<string, GraphNode>;
  /** The name(s) of the output node(s). */
  outputs: string | string[];
  /** The model's name. */
  name?: string;
}

const names = z.union([z.string(), z.array(z.string()).min(1)]);

/** A value flowing in the graph while it is built. */
type Flow =
  { readonly tensor: Tfjs.SymbolicTensor; readonly key: string; readonly zero?: undefined } | { readonly zero: true; readonly like: Tfjs.SymbolicTensor };

/**
 * A symbolic functional model, registered as `pliant.tf.graph`. Building it (after `loadTf`)
 * applies the layers reachable from the outputs, inputs first, and gives a real
 * `tf.LayersModel`; nodes the outputs do not reach are left out. A `layers.zero()` node is the
 * "none" op: an `add` drops zero terms (an all-zero sum is zero), and a zero that reaches another
 * layer or an output becomes a real zero tensor. Layers that pass their input through
 * (`layers.identity()`, a dropout of 0, a linear activation) are skipped. Initial weights depend
 * on the build's seed and on the graph's content, not on how it is written (node names, their
 * order, the order of a sum's terms), so equivalent graphs build to equal models.
 *
 * Errors name the key path: an unknown input name, a cycle, a node that is not a layer.
 */
export const graph: SymbolicFactory<GraphArgs, Tfjs.LayersModel> = symbolize(
  'pliant.tf.graph',
  (args: GraphArgs, context?: BuildContext): Tfjs.LayersModel => buildGraph(loadedTf('build'), args, context),
  {
    schema: z
      .object({
        inputs: z.record(z.string(), nodeSchema(input) as z.ZodType<SymbolicNode>),
        nodes: z.record(z.string(), z.object({ layer: layerNodeSchema as z.ZodType<SymbolicNode>, inputs: names }).strict()),
        outputs: names,
        name: z.string().optional(),
      })
      .strict(),
  },
) as unknown as SymbolicFactory<GraphArgs, Tfjs.LayersModel>;

function buildGraph(tf: TfModule, args: GraphArgs, context: BuildContext | undefined): Tfjs.LayersModel {
  const base = context === undefined || context.path === '' ? '' : `${context.path}.`;
  const fail = (path: string, message: string): never => {
    throw new PliantError('graph', 'argument', message, { path: `${base}${path}` });
  };
  const assigner = new SeedAssigner(context?.seed ?? 0);
  // Layers on dead branches (whose values reach the outputs only through a zero layer, which takes
  // just their shape) are applied with a throwaway assigner, so they count neither in the seeds nor
  // in the signature, and their weights are disposed once the model is made without them.
  const deadAssigner = new SeedAssigner(0);
  const dead: TfLayer[] = [];
  const live = new Set<string>();
  const outputNames = typeof args.outputs === 'string' ? [args.outputs] : args.outputs;
  const markLive = (name: string): void => {
    if (live.has(name) || !Object.hasOwn(args.nodes, name)) return;
    live.add(name);
    const node = args.nodes[name] as GraphNode;
    if (LAYER_INFO.get(node.layer)?.zero === true) return;
    for (const n of typeof node.inputs === 'string' ? [node.inputs] : node.inputs) markLive(n);
  };
  outputNames.forEach(markLive);
  const values = new Map<string, Flow>();
  const inputTensors: Tfjs.SymbolicTensor[] = [];
  Object.entries(args.inputs).forEach(([name, tensor], i) => {
    if (Object.hasOwn(args.nodes, name)) fail(`nodes.${name}`, `'${name}' names both an input and a node`);
    inputTensors.push(tensor);
    values.set(name, { tensor, key: `input:${i}:${JSON.stringify(tensor.shape)}` });
  });
  if (inputTensors.length === 0) fail('inputs', 'a graph needs at least one input');
  const materialize = (flow: Flow): { tensor: Tfjs.SymbolicTensor; key: string } =>
    flow.zero === true ? { tensor: customLayers(tf).zero({}).apply(flow.like) as Tfjs.SymbolicTensor, key: 'zero' } : flow;
  const visiting = new Set<string>();
  const resolve = (name: string, path: string): Flow => {
    const known = values.get(name);
    if (known !== undefined) return known;
    if (!Object.hasOwn(args.nodes, name))
      return fail(path, `'${name}' is not an input or a node of the graph (known: ${[...Object.keys(args.inputs), ...Object.keys(args.nodes)].join(', ')})`);
    if (visiting.has(name)) return fail(path, `the graph has a cycle through '${name}'`);
    visiting.add(name);
    const node = args.nodes[name] as GraphNode;
    const list = typeof node.inputs === 'string' ? [node.inputs] : node.inputs;
    const ins = list.map((n, j) => resolve(n, typeof node.inputs === 'string' ? `nodes.${name}.inputs` : `nodes.${name}.inputs[${j}]`));
    const info = LAYER_INFO.get(node.layer);
    if (info === undefined) return fail(`nodes.${name}.layer`, 'is not a symbolic layer');
    let out: Flow;
    if (info.zero) {
      const first = ins[0] as Flow;
      out = { zero: true, like: first.zero === true ? first.like : first.tensor };
    } else if (info.type === 'tf.layers.add' && ins.some((f) => f.zero === true)) {
      const terms = ins.filter((f) => f.zero !== true);
      if (terms.length === 0) out = ins[0] as Flow;
      else if (terms.length === 1) out = terms[0] as Flow;
      else out = apply(name, node.layer, terms.map(materialize));
    } else if (info.identity && ins.length === 1) {
      out = ins[0] as Flow;
    } else {
      out = apply(name, node.layer, ins.map(materialize));
    }
    visiting.delete(name);
    values.set(name, out);
    return out;
  };
  const apply = (name: string, layer: TfLayer, ins: { tensor: Tfjs.SymbolicTensor; key: string }[]): Flow => {
    const isLive = live.has(name);
    if (!isLive) dead.push(layer);
    const key = (isLive ? assigner : deadAssigner).assign(
      layer,
      ins.map((f) => f.key),
    );
    // The same tensor twice in one layer's inputs (`add([x, x])`, when the layers between were
    // skipped) makes TensorFlow.js dispose it after its first use: later uses get a clone.
    const seen = new Set<Tfjs.SymbolicTensor>();
    const tensors = ins.map((f) => {
      if (!seen.has(f.tensor)) {
        seen.add(f.tensor);
        return f.tensor;
      }
      return customLayers(tf).identity({}).apply(f.tensor) as Tfjs.SymbolicTensor;
    });
    const tensor = layer.apply(tensors.length === 1 ? (tensors[0] as Tfjs.SymbolicTensor) : tensors) as Tfjs.SymbolicTensor;
    return { tensor, key };
  };
  const outs = outputNames.map((n, i) => materialize(resolve(n, typeof args.outputs === 'string' ? 'outputs' : `outputs[${i}]`)).tensor);
  const model = tf.model({
    inputs: inputTensors.length === 1 ? (inputTensors[0] as Tfjs.SymbolicTensor) : inputTensors,
    outputs: outs.length === 1 ? (outs[0] as Tfjs.SymbolicTensor) : outs,
    ...(args.name === undefined ? {} : { name: args.name }),
  });
  MODEL_SIGNATURE.set(model, assigner.signature());
  const kept = new Set<object>(model.layers);
  for (const layer of dead) if (!kept.has(layer)) for (const weight of layer.weights) weight.dispose();
  return model;
}
