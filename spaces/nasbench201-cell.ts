/**
 * The NAS-Bench-201 cell (Dong & Yang, 2020) as a real, trainable TensorFlow.js `graph`: 4 nodes
 * (node 0 the cell's input, node 3 its output), 6 edges i → j (i < j), each one of 5 ops, and each
 * node the sum of its incoming edges. The ops, by their canonical names and in the canonical order
 * (the op index is the DNA value and NAS-Bench-201's encoding):
 *
 * | op | layer |
 * |---|---|
 * | `none` | `layers.zero()`: the edge is absent (a `graph` drops zero terms from sums) |
 * | `skip_connect` | `layers.identity()` |
 * | `nor_conv_1x1` | ReLU → 1 × 1 conv (no bias) → batch norm (`reluConvBn`) |
 * | `nor_conv_3x3` | ReLU → 3 × 3 conv (no bias) → batch norm (`reluConvBn`) |
 * | `avg_pool_3x3` | `layers.averagePooling2d({ poolSize: 3, strides: 1, padding: 'same' })` |
 *
 * The edges, in the canonical order of NAS-Bench-201's arch strings
 * (`|op~0|+|op~0|op~1|+|op~0|op~1|op~2|`), are {@link NB201_EDGES}. A tiny network wraps the
 * cell for any image input (`nb201Network`: stem conv + BN, the cell repeated `cells` times with
 * the same ops in each of `stages` stages with a residual reduction block between two, BN + ReLU,
 * global average pooling, a dense softmax); `nb201Space()` is the search
 * space (six `oneOf(NB201_OPS)` decisions, `model.ops[0]` … `model.ops[5]`), and
 * `nb201Candidate(arch)` the candidate of an arch string.
 *
 * ```ts
 * import { modelProbe, regularizedEvolution, search } from 'pliant';
 * import { nb201Candidate, nb201Space } from 'pliant/spaces/nasbench201-cell';
 *
 * const space = nb201Space({ inputShape: [28, 28, 1], classes: 10, channels: 8, stemStrides: 2 });
 * const result = await search(space, objective, { numTrials: 50, algorithm: regularizedEvolution({ seed: 1 }),
 *   dedupe: { hash: 'functional', probe: modelProbe() } }); // equivalent cells are trained once
 * const resnetLike = nb201Candidate('|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|none~2|');
 * ```
 */
import { z } from 'zod';
import { PliantError, build, defineLayer, defineSupernetExpansion, graph, input, layers, oneOf, optimizers, symbolize } from 'pliant';
import type { BuildContext, GraphArgs, LayerFactory, SupernetExpansionTools, SymbolicFactory, SymbolicNode, TfLayer, TfModule, TreeValue } from 'pliant';
import type * as Tfjs from '@tensorflow/tfjs';
import { batchSizeChoice, optimizerChoice } from './model-candidate.js';
import type { ModelCandidate, ModelSpace, OptimizerName, OptimizerNode, Range, SymbolicOf } from './model-candidate.js';

/** The NAS-Bench-201 ops, in the canonical order (index = op code). */
export const NB201_OPS = Object.freeze(['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'] as const);

/** A NAS-Bench-201 op name. */
export type Nb201Op = (typeof NB201_OPS)[number];

/** The number of nodes of the cell (input and output included). */
export const NB201_NODES = 4;

/**
 * The edges `[from, to]` of the cell in NAS-Bench-201's canonical order, the order of the arch
 * string's groups (`|0→1|+|0→2|1→2|+|0→3|1→3|2→3|`): `ops[k]` is the op on edge `NB201_EDGES[k]`.
 * `edgeCellGraph({ nodes: NB201_NODES, edges: NB201_EDGES.map(([from, to], k) => ({ from, to, op: ops[k] })) })`
 * is the cell's graph for `graphHash`.
 */
export const NB201_EDGES: readonly (readonly [from: number, to: number])[] = Object.freeze(
  [
    [0, 1],
    [0, 2],
    [1, 2],
    [0, 3],
    [1, 3],
    [2, 3],
  ].map((e) => Object.freeze(e as [number, number])),
);

// ---------------------------------------------------------------------------------------------
// ReLU → conv → BN as one layer (the nor_conv ops).
// ---------------------------------------------------------------------------------------------

/** Arguments of {@link reluConvBn}. */
export interface ReluConvBnArgs {
  /** Output channels. */
  filters: number;
  /** The (square) kernel size: 1 or 3 in NAS-Bench-201. */
  kernelSize: number;
  /** The stride (default 1). */
  strides?: number;
  /** The batch norm's momentum (default 0.9: searches train for few steps). */
  momentum?: number;
  /** The batch norm's epsilon (default 1e-5, as PyTorch's). */
  epsilon?: number;
  /** The conv kernel's initialiser (default `heNormal`; seeded when built). */
  kernelInitializer?: string;
  name?: string;
  inputShape?: (number | null)[];
}

type LayerClass = new (config: Record<string, unknown>) => TfLayer;
const reluConvBnClasses = new WeakMap<object, LayerClass>();

/** The TensorFlow.js layer class of {@link reluConvBn} for this TensorFlow.js module (made once, registered for serialisation). */
function reluConvBnClass(tf: TfModule): LayerClass {
  let made = reluConvBnClasses.get(tf);
  if (made !== undefined) return made;
  const Layer = tf.layers.Layer as unknown as LayerClass;
  class PliantReluConvBn extends Layer {
    static className = 'PliantReluConvBn';
    readonly conv: TfLayer;
    readonly norm: TfLayer;
    readonly settings: Record<string, unknown>;
    constructor(config: Record<string, unknown>) {
      const { filters, kernelSize, strides, momentum, epsilon, kernelInitializer, ...base } = config;
      super(base);
      this.settings = { filters, kernelSize, strides: strides ?? 1, momentum: momentum ?? 0.9, epsilon: epsilon ?? 1e-5 };
      this.conv = tf.layers.conv2d({
        filters: filters as number,
        kernelSize: kernelSize as number,
        strides: (strides as number | undefined) ?? 1,
        padding: 'same',
        useBias: false,
        ...(kernelInitializer === undefined ? {} : { kernelInitializer: kernelInitializer as 'heNormal' }),
      });
      this.norm = tf.layers.batchNormalization({
        axis: -1,
        momentum: (momentum as number | undefined) ?? 0.9,
        epsilon: (epsilon as number | undefined) ?? 1e-5,
      });
    }
    override build(inputShape: Tfjs.Shape | Tfjs.Shape[]): void {
      this.conv.build(inputShape);
      this.norm.build(this.conv.computeOutputShape(inputShape));
      // This layer owns the inner layers' weights (TensorFlow.js does not track sub-layers).
      this.trainableWeights = [...this.conv.trainableWeights, ...this.norm.trainableWeights];
      this.nonTrainableWeights = [...this.norm.nonTrainableWeights];
      this.built = true;
    }
    override computeOutputShape(inputShape: Tfjs.Shape | Tfjs.Shape[]): Tfjs.Shape | Tfjs.Shape[] {
      return this.conv.computeOutputShape(inputShape);
    }
    override call(inputs: Tfjs.Tensor | Tfjs.Tensor[], kwargs: Record<string, unknown>): Tfjs.Tensor {
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? (inputs[0] as Tfjs.Tensor) : inputs;
        const y = this.conv.call(tf.relu(x), {}) as Tfjs.Tensor;
        return this.norm.call(y, kwargs) as Tfjs.Tensor;
      });
    }
    override getConfig(): Tfjs.serialization.ConfigDict {
      return { ...super.getConfig(), ...(this.settings as Tfjs.serialization.ConfigDict) };
    }
  }
  tf.serialization.registerClass(PliantReluConvBn as unknown as Tfjs.serialization.SerializableConstructor<Tfjs.serialization.Serializable>);
  made = PliantReluConvBn;
  reluConvBnClasses.set(tf, made);
  return made;
}

/**
 * ReLU → conv2d (square kernel, `same` padding, no bias) → batch normalization as one symbolic
 * layer, registered as `tf.layers.reluConvBn`: NAS-Bench-201's `ReLUConvBN`, its `nor_conv_1x1`
 * and `nor_conv_3x3` ops. It has weights (the kernel, the BN's scale and offset, and the moving
 * statistics), so it gets its own seeded initial weights in a `graph`.
 */
export const reluConvBn: LayerFactory<ReluConvBnArgs> = defineLayer<ReluConvBnArgs>('reluConvBn', {
  args: {
    filters: z.number().int().positive(),
    kernelSize: z.number().int().positive(),
    strides: z.number().int().positive().optional(),
    momentum: z.number().min(0).max(1).optional(),
    epsilon: z.number().positive().optional(),
    kernelInitializer: z.string().optional(),
  },
  initializers: { kernelInitializer: 'heNormal' },
  make: (tf, config) => new (reluConvBnClass(tf))(config),
});

// ---------------------------------------------------------------------------------------------
// Arch strings.
// ---------------------------------------------------------------------------------------------

function isOp(value: unknown): value is Nb201Op {
  return typeof value === 'string' && (NB201_OPS as readonly string[]).includes(value);
}

function checkOps(ops: readonly unknown[], api: string, path = 'ops'): asserts ops is readonly Nb201Op[] {
  if (!Array.isArray(ops) || ops.length !== NB201_EDGES.length) {
    throw new PliantError(api, 'argument', `a cell has ${NB201_EDGES.length} edge ops, found ${Array.isArray(ops) ? ops.length : JSON.stringify(ops)}`, {
      path,
    });
  }
  ops.forEach((op, k) => {
    if (!isOp(op))
      throw new PliantError(api, 'argument', `unknown op ${JSON.stringify(op)}: expected one of ${NB201_OPS.join(', ')}`, { path: `${path}[${k}]` });
  });
}

/**
 * The ops of a NAS-Bench-201 arch string, in {@link NB201_EDGES} order:
 * `'|nor_conv_3x3~0|+|none~0|avg_pool_3x3~1|+|skip_connect~0|none~1|nor_conv_1x1~2|'` →
 * `['nor_conv_3x3', 'none', 'avg_pool_3x3', 'skip_connect', 'none', 'nor_conv_1x1']`.
 *
 * @throws PliantError (`argument`, naming `parseNb201Arch`) when the string is not of that form.
 */
export function parseNb201Arch(arch: string): Nb201Op[] {
  const api = 'parseNb201Arch';
  const fail = (why: string): never => {
    throw new PliantError(api, 'argument', `${why} in ${JSON.stringify(arch)} (expected the form |op~0|+|op~0|op~1|+|op~0|op~1|op~2|)`);
  };
  if (typeof arch !== 'string') return fail('not a string');
  const groups = arch.trim().split('+');
  if (groups.length !== NB201_NODES - 1) fail(`${groups.length} node group(s) instead of ${NB201_NODES - 1}`);
  const ops: Nb201Op[] = [];
  groups.forEach((group, g) => {
    const to = g + 1;
    const m = /^\|(.*)\|$/.exec(group.trim());
    if (m === null) fail(`node ${to}'s group ${JSON.stringify(group)} is not |...|`);
    const tokens = (m as RegExpExecArray)[1]?.split('|') ?? [];
    if (tokens.length !== to) fail(`node ${to} has ${tokens.length} input(s) instead of ${to}`);
    tokens.forEach((token, from) => {
      const [op, source, ...more] = token.split('~');
      if (more.length > 0 || source !== String(from)) fail(`node ${to}'s input ${JSON.stringify(token)} should come from node ${from}`);
      if (!isOp(op)) fail(`unknown op ${JSON.stringify(op)} (expected one of ${NB201_OPS.join(', ')})`);
      ops.push(op as Nb201Op);
    });
  });
  return ops;
}

/** The NAS-Bench-201 arch string of a cell's ops (in {@link NB201_EDGES} order). */
export function nb201Arch(ops: readonly Nb201Op[]): string {
  checkOps(ops, 'nb201Arch');
  const groups: string[] = [];
  NB201_EDGES.forEach(([from, to], k) => {
    groups[to - 1] = `${groups[to - 1] ?? '|'}${ops[k] as string}~${from}|`;
  });
  return groups.join('+');
}

// ---------------------------------------------------------------------------------------------
// The cell and the network as graphs.
// ---------------------------------------------------------------------------------------------

/** The symbolic layer of one op at `channels` channels. */
export function nb201OpLayer(op: Nb201Op, channels: number): SymbolicNode<object, TfLayer> {
  switch (op) {
    case 'none':
      return layers.zero({});
    case 'skip_connect':
      return layers.identity({});
    case 'nor_conv_1x1':
      return reluConvBn({ filters: channels, kernelSize: 1 });
    case 'nor_conv_3x3':
      return reluConvBn({ filters: channels, kernelSize: 3 });
    case 'avg_pool_3x3':
      return layers.averagePooling2d({ poolSize: 3, strides: 1, padding: 'same' });
    default:
      throw new PliantError('nb201OpLayer', 'argument', `unknown op ${JSON.stringify(op)}: expected one of ${NB201_OPS.join(', ')}`);
  }
}

/** A node of a symbolic `graph`: a symbolic layer and the names of its inputs. */
export interface SymbolicGraphNode {
  layer: SymbolicNode<object, TfLayer>;
  inputs: string | string[];
}

/** Options of {@link nb201CellNodes}. */
export interface Nb201CellNodesOptions {
  /** The name of the graph input or node the cell reads (its node 0). */
  readonly input: string;
  /** The cell's channels (its input must have them too: the ops keep the shape). */
  readonly channels: number;
  /** Prefix of the cell's node names (default `''`), so several cells can share a graph. */
  readonly prefix?: string;
}

/**
 * The graph nodes of one cell: an edge node `e<i><j>` per edge (the op's layer on node i), and
 * node j the sum (`layers.add`) of the edges into it; node 1 is its single edge `e01`. Returns
 * the nodes and the name of the cell's output (node 3, `n3`).
 */
export function nb201CellNodes(ops: readonly Nb201Op[], options: Nb201CellNodesOptions): { nodes: Record<string, SymbolicGraphNode>; output: string } {
  checkOps(ops, 'nb201CellNodes');
  const prefix = options.prefix ?? '';
  const nodes: Record<string, SymbolicGraphNode> = {};
  const nodeName = (i: number): string => (i === 0 ? options.input : i === 1 ? `${prefix}e01` : `${prefix}n${i}`);
  const into = new Map<number, string[]>();
  NB201_EDGES.forEach(([from, to], k) => {
    const name = `${prefix}e${from}${to}`;
    nodes[name] = { layer: nb201OpLayer(ops[k] as Nb201Op, options.channels), inputs: nodeName(from) };
    into.set(to, [...(into.get(to) ?? []), name]);
  });
  for (let j = 2; j < NB201_NODES; j++) nodes[`${prefix}n${j}`] = { layer: layers.add({}), inputs: into.get(j) as string[] };
  return { nodes, output: nodeName(NB201_NODES - 1) };
}

/** Options of {@link nb201CellGraph}. */
export interface Nb201CellGraphOptions {
  /** The cell's input shape `[height, width, channels]` (default `[8, 8, 16]`); the cell keeps it. */
  readonly inputShape?: readonly [number, number, number];
}

/** One cell as a whole `graph` (input `x` → the cell → its node 3): the cell on its own. */
export function nb201CellGraph(ops: readonly Nb201Op[], options: Nb201CellGraphOptions = {}): SymbolicOf<Tfjs.LayersModel> {
  const shape = [...(options.inputShape ?? [8, 8, 16])];
  const { nodes, output } = nb201CellNodes(ops, { input: 'x', channels: shape[2] as number });
  return graph({ inputs: { x: input({ shape }) }, nodes: nodes as unknown as GraphArgs['nodes'], outputs: output });
}

/** Arguments of {@link nb201Network}. */
export interface Nb201NetworkArgs {
  /** The cell's six ops, in {@link NB201_EDGES} order (hyper values in a space). */
  ops: Nb201Op[];
  /** The image shape `[height, width, channels]`. */
  inputShape: number[];
  /** The number of classes. */
  classes: number;
  /** The channels of the stem and the first stage's cells (default 16, NAS-Bench-201's first stage). */
  channels?: number;
  /** How many cells each stage has, one after the other, all with the same ops (default 1; NAS-Bench-201 has 5). */
  cells?: number;
  /**
   * How many stages (default 1; NAS-Bench-201 has 3). Between two stages a residual reduction
   * block halves the resolution and doubles the channels, so a later cell sees a wider part of the
   * image: without it, a cell's receptive field is a few pixels and the global pooling after it
   * leaves little to rank on a task like MNIST.
   */
  stages?: number;
  /** The stem conv's stride (default 1; 2 halves the resolution, four times cheaper). */
  stemStrides?: number;
}

/**
 * NAS-Bench-201's reduction block (its `ResNetBasicblock` with stride 2) as graph nodes named
 * `${prefix}a`, `b`, `pool`, `proj` and `out`: ReLU-conv(3 × 3, stride 2)-BN → ReLU-conv(3 × 3)-BN,
 * plus the shortcut average pool (2 × 2, stride 2) → 1 × 1 conv, summed; `channels` out.
 */
function reductionNodes(input: string, channels: number, prefix: string): { nodes: Record<string, SymbolicGraphNode>; output: string } {
  return {
    nodes: {
      [`${prefix}a`]: { layer: reluConvBn({ filters: channels, kernelSize: 3, strides: 2 }), inputs: input },
      [`${prefix}b`]: { layer: reluConvBn({ filters: channels, kernelSize: 3 }), inputs: `${prefix}a` },
      [`${prefix}pool`]: { layer: layers.averagePooling2d({ poolSize: 2, strides: 2, padding: 'same' }), inputs: input },
      [`${prefix}proj`]: { layer: layers.conv2d({ filters: channels, kernelSize: 1, padding: 'same', useBias: false }), inputs: `${prefix}pool` },
      [`${prefix}out`]: { layer: layers.add({}), inputs: [`${prefix}proj`, `${prefix}b`] },
    },
    output: `${prefix}out`,
  };
}

/** The cells of a network, in order: each one's node-name prefix and channels (`c1_`, `c2_`, … across the stages). */
function cellsOf(args: Readonly<Nb201NetworkArgs>): { prefix: string; channels: number; stage: number }[] {
  const out: { prefix: string; channels: number; stage: number }[] = [];
  const cells = args.cells ?? 1;
  for (let s = 0; s < (args.stages ?? 1); s++) {
    for (let c = 0; c < cells; c++) out.push({ prefix: `c${s * cells + c + 1}_`, channels: (args.channels ?? 16) * 2 ** s, stage: s });
  }
  return out;
}

/**
 * The graph of the network around the cell: stem (3 × 3 conv, no bias, + BN), then `stages`
 * stages of `cells` cells each (`c1_…`, `c2_…`, numbered across the stages), a reduction block
 * (`r1_…`, `r2_…`) between two stages that halves the resolution and doubles the channels, then
 * BN + ReLU, global average pooling, dense softmax: NAS-Bench-201's macro skeleton (which has 3
 * stages of 5 cells at 16, 32 and 64 channels). One stage (the default) has no reduction block.
 */
export function nb201NetworkGraph(args: Nb201NetworkArgs): SymbolicOf<Tfjs.LayersModel> {
  const api = 'nb201Network';
  checkOps(args.ops, api);
  const channels = args.channels ?? 16;
  const nodes: Record<string, SymbolicGraphNode> = {
    stem: { layer: layers.conv2d({ filters: channels, kernelSize: 3, strides: args.stemStrides ?? 1, padding: 'same', useBias: false }), inputs: 'image' },
    stem_bn: { layer: layers.batchNormalization({ momentum: 0.9 }), inputs: 'stem' },
  };
  let last = 'stem_bn';
  let stage = 0;
  for (const { prefix, channels: width, stage: s } of cellsOf(args)) {
    if (s !== stage) {
      const reduction = reductionNodes(last, width, `r${s}_`);
      Object.assign(nodes, reduction.nodes);
      last = reduction.output;
      stage = s;
    }
    const cell = nb201CellNodes(args.ops, { input: last, channels: width, prefix });
    Object.assign(nodes, cell.nodes);
    last = cell.output;
  }
  nodes.last_bn = { layer: layers.batchNormalization({ momentum: 0.9 }), inputs: last };
  nodes.last_relu = { layer: layers.activation({ activation: 'relu' }), inputs: 'last_bn' };
  nodes.pool = { layer: layers.globalAveragePooling2d({}), inputs: 'last_relu' };
  nodes.classifier = { layer: layers.dense({ units: args.classes, activation: 'softmax' }), inputs: 'pool' };
  return graph({ inputs: { image: input({ shape: [...args.inputShape] }) }, nodes: nodes as unknown as GraphArgs['nodes'], outputs: 'classifier' });
}

/**
 * The tiny network as one symbolic node, registered as `pliant.spaces.nb201Network`: its arguments
 * are the cell's op *names* (so a space puts `oneOf(NB201_OPS)` on each edge, the DNA is
 * NAS-Bench-201's op encoding, and stacked cells share their ops), and building it builds
 * {@link nb201NetworkGraph} with the same seed: a `tf.LayersModel`.
 */
export const nb201Network: SymbolicFactory<Nb201NetworkArgs, Tfjs.LayersModel> = symbolize(
  'pliant.spaces.nb201Network',
  (args: Nb201NetworkArgs, context?: BuildContext): Tfjs.LayersModel => build(nb201NetworkGraph(args), { seed: context?.seed ?? 0 }),
  {
    schema: z
      .object({
        ops: z.array(z.enum(NB201_OPS)).length(NB201_EDGES.length),
        inputShape: z.array(z.number().int().positive()).length(3),
        classes: z.number().int().min(2),
        channels: z.number().int().positive().optional(),
        cells: z.number().int().positive().optional(),
        stages: z.number().int().positive().optional(),
        stemStrides: z.number().int().positive().optional(),
      })
      .strict(),
  },
);

/**
 * The supernet form of {@link nb201Network}: the same graph (the same node names, so the same
 * seeds), with each edge's layer a choice among the five op layers that the supernet resolves by
 * that edge's decision `ops[k]`, in every cell: one decision per edge, its own weights per op and
 * per cell.
 */
function nb201SupernetGraph(args: Readonly<Nb201NetworkArgs>, { select }: SupernetExpansionTools): TreeValue {
  const skeleton = nb201NetworkGraph({ ...args, ops: NB201_EDGES.map((): Nb201Op => 'none') });
  const skeletonArgs = skeleton.args as unknown as GraphArgs & { nodes: Record<string, SymbolicGraphNode> };
  const nodes: Record<string, unknown> = { ...skeletonArgs.nodes };
  for (const { prefix, channels } of cellsOf(args)) {
    NB201_EDGES.forEach(([from, to], k) => {
      const name = `${prefix}e${from}${to}`;
      const edge = skeletonArgs.nodes[name] as SymbolicGraphNode;
      nodes[name] = { layer: select(args.ops[k], (op) => nb201OpLayer(op as Nb201Op, channels) as unknown as TreeValue), inputs: edge.inputs };
    });
  }
  return graph({ ...skeletonArgs, nodes: nodes as unknown as GraphArgs['nodes'] }) as unknown as TreeValue;
}

// `supernet(nb201Space())` runs the cell through this expansion.
defineSupernetExpansion<Nb201NetworkArgs>(nb201Network, nb201SupernetGraph);

// ---------------------------------------------------------------------------------------------
// The space and candidates.
// ---------------------------------------------------------------------------------------------

/** Options of {@link nb201Space} and {@link nb201Candidate}. */
export interface Nb201SpaceOptions {
  /** The image shape (default `[28, 28, 1]`). */
  readonly inputShape?: readonly [number, number, number];
  /** The number of classes (default 10). */
  readonly classes?: number;
  /** Channels (default 16). */
  readonly channels?: number;
  /** Cells per stage (default 1). */
  readonly cells?: number;
  /** Stages, with a reduction block between two (default 1; see {@link Nb201NetworkArgs.stages}). */
  readonly stages?: number;
  /** The stem's stride (default 1). */
  readonly stemStrides?: number;
  /** The optimizers to choose from (default `['adam']`: the cell is what is searched). */
  readonly optimizers?: readonly OptimizerName[];
  /** The learning rate's range (default `[1e-3, 1e-3]`: fixed). */
  readonly learningRate?: Range;
  /** The batch sizes (default `[64]`). */
  readonly batchSizes?: readonly number[];
}

/** The space {@link nb201Space} returns. */
export type Nb201Space = ModelSpace<Tfjs.LayersModel>;

function networkArgs(options: Nb201SpaceOptions): Omit<Nb201NetworkArgs, 'ops'> {
  return {
    inputShape: [...(options.inputShape ?? [28, 28, 1])],
    classes: options.classes ?? 10,
    ...(options.channels === undefined ? {} : { channels: options.channels }),
    ...(options.cells === undefined ? {} : { cells: options.cells }),
    ...(options.stages === undefined ? {} : { stages: options.stages }),
    ...(options.stemStrides === undefined ? {} : { stemStrides: options.stemStrides }),
  };
}

/**
 * The NAS-Bench-201 search space on a tiny network: `{ model: nb201Network({ ops: six
 * oneOf(NB201_OPS) }), optimizer, batchSize }`; 5⁶ = 15,625 cells, decision `model.ops[k]` for
 * the edge `NB201_EDGES[k]`. Training is fixed by default (adam 1e-3, batch 64).
 */
export function nb201Space(options: Nb201SpaceOptions = {}): Nb201Space {
  return {
    model: nb201Network({ ...networkArgs(options), ops: NB201_EDGES.map(() => oneOf(NB201_OPS)) }),
    optimizer: optimizerChoice(options.optimizers ?? ['adam'], options.learningRate ?? [1e-3, 1e-3]),
    batchSize: batchSizeChoice(options.batchSizes ?? [64]),
  };
}

/** Options of {@link nb201Candidate}: the network's, and how to train. */
export interface Nb201CandidateOptions extends Omit<Nb201SpaceOptions, 'optimizers' | 'learningRate' | 'batchSizes'> {
  /** The optimizer (default `optimizers.adam(1e-3)`, the space's default). */
  readonly optimizer?: OptimizerNode;
  /** The batch size (default 64). */
  readonly batchSize?: number;
}

/**
 * The candidate of a cell: from a NAS-Bench-201 arch string or its six ops. With the default
 * options it is the candidate `nb201Space()` materializes for that cell (`encode(nb201Space(),
 * nb201Candidate(arch))` is its DNA, the ops' indices).
 */
export function nb201Candidate(arch: string | readonly Nb201Op[], options: Nb201CandidateOptions = {}): ModelCandidate {
  const ops = typeof arch === 'string' ? parseNb201Arch(arch) : [...arch];
  checkOps(ops, 'nb201Candidate');
  return {
    model: nb201Network({ ...networkArgs(options), ops }),
    optimizer: options.optimizer ?? optimizers.adam(1e-3),
    batchSize: options.batchSize ?? 64,
  };
}
