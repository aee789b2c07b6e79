/**
 * @internal How a symbolic layer is declared: the TensorFlow.js factory it mirrors, a zod schema
 * of its arguments (the same names as `tf.layers.<factory>`), which arguments are initialisers
 * (seeded at build) and whether it has weights.
 */
import { z } from 'zod';
import type { BuildContext } from '../symbolic/build.js';
import { PliantError } from '../base/errors.js';
import { hash } from '../symbolic/hash.js';
import type { TreeValue } from '../symbolic/node.js';
import { SymbolicNode } from '../symbolic/node.js';
import type { SymbolicType } from '../symbolic/node.js';
import { symbolize } from '../symbolic/symbolize.js';
import { registerNodeSchema } from '../symbolic/validate.js';
import type { SymbolicFactory } from '../symbolic/symbolize.js';
import { loadedTf } from './load-tf.js';
import type { TfModule } from './load-tf.js';
import { LAYER_INFO, seedSlot, seededInitializer } from './seeds.js';
import type { TfLayer } from './seeds.js';

/** The arguments every layer accepts (TensorFlow.js `LayerArgs`). */
export const layerArgs = {
  /** The shape of one input example (first layer only), without the batch dimension. */
  inputShape: z.array(z.number().int().positive().nullable()).optional(),
  /** The input shape with the batch dimension. */
  batchInputShape: z.array(z.number().int().positive().nullable()).optional(),
  batchSize: z.number().int().positive().optional(),
  dtype: z.enum(['float32', 'int32', 'bool', 'complex64', 'string']).optional(),
  name: z.string().optional(),
  trainable: z.boolean().optional(),
  inputDType: z.enum(['float32', 'int32', 'bool', 'complex64', 'string']).optional(),
};

/** The activation names of TensorFlow.js. */
export const activationSchema = z.enum([
  'elu',
  'hardSigmoid',
  'linear',
  'relu',
  'relu6',
  'selu',
  'sigmoid',
  'softmax',
  'softplus',
  'softsign',
  'tanh',
  'swish',
  'mish',
  'gelu',
  'gelu_new',
]);

/** The initialiser names of TensorFlow.js (by name: they are seeded when the layer is built). */
export const initializerSchema = z.enum([
  'constant',
  'glorotNormal',
  'glorotUniform',
  'heNormal',
  'heUniform',
  'identity',
  'leCunNormal',
  'leCunUniform',
  'ones',
  'orthogonal',
  'randomNormal',
  'randomUniform',
  'truncatedNormal',
  'varianceScaling',
  'zeros',
]);

/** The regularizer names of TensorFlow.js (`l1l2` with its defaults). */
export const regularizerSchema = z.enum(['l1l2']);
/** The constraint names of TensorFlow.js. */
export const constraintSchema = z.enum(['maxNorm', 'minMaxNorm', 'nonNeg', 'unitNorm']);

/** How a symbolic layer is declared. */
export interface LayerDeclaration {
  /** The arguments' schema (the names of `tf.layers.<factory>`); `layerArgs` are added. */
  readonly args: z.ZodRawShape;
  /** The initialiser arguments and the default initialiser of each (`{ kernelInitializer: 'glorotUniform' }`). */
  readonly initializers?: Readonly<Record<string, string>>;
  /** Whether the layer has no weights (seeds pass through it). */
  readonly weightless?: boolean;
  /** Whether the layer merges several inputs order-free (add, multiply, ...). */
  readonly commutative?: boolean;
  /** When the layer passes its input through unchanged (dropout 0, linear activation). */
  readonly identity?: (args: Readonly<Record<string, unknown>>) => boolean;
  /** Builds the real layer (default: `tf.layers[factory](config)`). */
  readonly make?: (tf: TfModule, config: Record<string, unknown>) => TfLayer;
}

const LAYER_TYPES = new Set<SymbolicType>();

/** A zod schema accepting a node of any symbolic layer (for `sequential`'s `layers`, `graph`'s nodes). */
export const layerNodeSchema: z.ZodType<SymbolicNode> = z.custom<SymbolicNode>((v) => v instanceof SymbolicNode && LAYER_TYPES.has(v.type as SymbolicType), {
  message: 'expected a symbolic layer (layers.dense(...), ...)',
});
registerNodeSchema(layerNodeSchema, LAYER_TYPES);

/** A symbolic layer factory: `layers.dense({ units: oneOf([32, 64]) })`. */
export type LayerFactory<A> = SymbolicFactory<A, TfLayer>;

/**
 * Declares the symbolic counterpart of `tf.layers.<factory>`, registered as `tf.layers.<factory>`
 * (the name the canonical rewrite rules use). Building it (after `loadTf`) makes the real layer,
 * with its random initialisers seeded from the build.
 */
export function defineLayer<A extends object>(factory: string, declaration: LayerDeclaration): LayerFactory<A> {
  const name = `tf.layers.${factory}`;
  const schema = z.object({ ...layerArgs, ...declaration.args }).strict();
  const initializers = declaration.initializers ?? {};
  const target = (args: Record<string, unknown>, context?: BuildContext): TfLayer => {
    const tf = loadedTf('build');
    const slot = seedSlot(context);
    const config: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(args)) if (value !== undefined) config[key] = value;
    for (const [key, fallback] of Object.entries(initializers)) {
      config[key] = seededInitializer(tf, (config[key] as string | undefined) ?? fallback, slot);
    }
    let layer: TfLayer;
    if (declaration.make !== undefined) layer = declaration.make(tf, config);
    else {
      const make = (tf.layers as unknown as Record<string, ((c: unknown) => TfLayer) | undefined>)[factory];
      if (make === undefined) throw new PliantError('build', 'dependency', `this TensorFlow.js has no tf.layers.${factory}`);
      layer = make(config);
    }
    LAYER_INFO.set(layer, {
      type: name,
      config: configHash(name, args),
      weightless: declaration.weightless === true,
      identity: declaration.identity?.(args) === true,
      commutative: declaration.commutative === true,
      zero: factory === 'zero',
      slot,
    });
    return layer;
  };
  const made = symbolize(name, target as (args: A, context?: BuildContext) => TfLayer, { schema }) as unknown as LayerFactory<A>;
  LAYER_TYPES.add(made.type as unknown as SymbolicType);
  return made;
}

/** Arguments that say where a layer sits, not what it computes. */
const NOT_CONFIG = new Set(['name', 'inputShape', 'batchInputShape', 'batchSize', 'inputDType']);

/** A hash of a layer's configuration (its plain arguments; wrapped layers by their own info). */
function configHash(name: string, args: Record<string, unknown>): string {
  const plain: Record<string, TreeValue> = {};
  for (const [key, value] of Object.entries(args)) {
    if (value === undefined || NOT_CONFIG.has(key)) continue;
    const info = typeof value === 'object' && value !== null ? LAYER_INFO.get(value) : undefined;
    plain[key] = info !== undefined ? info.config : (value as TreeValue);
  }
  try {
    return hash({ type: name, args: plain });
  } catch {
    return hash({ type: name, args: JSON.stringify(plain) });
  }
}
