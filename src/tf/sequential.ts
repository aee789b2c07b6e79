/**
 * The symbolic `tf.sequential`: a stack of symbolic layers. Building it (after `loadTf`) makes a
 * real `tf.Sequential` whose initial weights come from the build's seed and the layers' content
 * (see `build(tree, { seed })`).
 */
import { z } from 'zod';
import type { BuildContext } from '../symbolic/build.js';
import { PliantError } from '../base/errors.js';
import type { SymbolicNode } from '../symbolic/node.js';
import { symbolize } from '../symbolic/symbolize.js';
import type { SymbolicFactory } from '../symbolic/symbolize.js';
import { layerNodeSchema } from './define-layer.js';
import { loadedTf } from './load-tf.js';
import { LAYER_INFO, MODEL_SIGNATURE, SeedAssigner } from './seeds.js';
import type { TfLayer } from './seeds.js';
import type * as Tfjs from '@tensorflow/tfjs';

/** Arguments of {@link sequential}: the same as `tf.sequential`. */
export interface SequentialArgs {
  /** The layers, first to last (the first gives `inputShape`). */
  layers: TfLayer[];
  /** The model's name. */
  name?: string;
}

/**
 * A symbolic `tf.sequential({ layers: [...] })`, registered as `tf.sequential`. Hyper values go
 * in the layers' arguments, and in the list itself (`manyOf`, or `oneOf` of whole layers).
 */
export const sequential: SymbolicFactory<SequentialArgs, Tfjs.Sequential> = symbolize(
  'tf.sequential',
  (args: SequentialArgs, context?: BuildContext): Tfjs.Sequential => {
    const tf = loadedTf('build');
    const assigner = new SeedAssigner(context?.seed ?? 0);
    // The same input key as a graph input of that shape, so equal models agree in either form.
    const first = args.layers[0] as { batchInputShape?: unknown } | undefined;
    let key = `input:0:${JSON.stringify(first?.batchInputShape ?? null)}`;
    args.layers.forEach((layer, i) => {
      if (!LAYER_INFO.has(layer))
        throw new PliantError('build', 'argument', `layers[${i}] is not a symbolic layer`, {
          path: `${context?.path === '' || context === undefined ? '' : `${context.path}.`}layers[${i}]`,
        });
      key = assigner.assign(layer, [key]);
    });
    const model = tf.sequential({ layers: args.layers, ...(args.name === undefined ? {} : { name: args.name }) });
    MODEL_SIGNATURE.set(model, assigner.signature());
    return model;
  },
  { schema: z.object({ layers: z.array(layerNodeSchema as z.ZodType<SymbolicNode>), name: z.string().optional() }).strict() },
) as unknown as SymbolicFactory<SequentialArgs, Tfjs.Sequential>;
