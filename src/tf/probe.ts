/**
 * Model probes for the functional hash: what a candidate model computes, so equivalent
 * architectures are recognised before anyone trains them twice.
 */
import type { AsyncProbe, ProbeOutput } from '../hashing/functional-hash.js';
import { PliantError } from '../base/errors.js';
import { hash } from '../symbolic/hash.js';
import { SymbolicNode } from '../symbolic/node.js';
import type { TreeValue } from '../symbolic/node.js';
import { build } from '../symbolic/build.js';
import { graph } from './graph.js';
import { loadTf } from './load-tf.js';
import { MODEL_SIGNATURE, deriveSeed } from './seeds.js';
import { sequential } from './sequential.js';
import type * as Tfjs from '@tensorflow/tfjs';

/** Options of {@link modelProbe}. */
export interface ModelProbeOptions<C> {
  /**
   * Splits a candidate into its model (a `sequential` or `graph` tree) and the rest (training
   * hyper-parameters, hashed as they are). Default: the candidate itself when it is a model, else
   * its `model` field and the other fields.
   */
  readonly split?: (candidate: C) => { readonly model: TreeValue; readonly rest?: TreeValue };
  /** Examples in the probe batch (default 8). */
  readonly batch?: number;
  /** The shape of one input example (default: the model's input shape; needed when it has free dimensions). */
  readonly inputShape?: readonly number[];
  /** Makes the probe input (default: standard normal values, seeded): for integer inputs such as token ids. */
  readonly input?: (shape: readonly number[], seed: number) => Tfjs.Tensor;
}

function defaultSplit(candidate: unknown): { model: TreeValue; rest?: TreeValue } {
  if (sequential.is(candidate) || graph.is(candidate)) return { model: candidate as TreeValue };
  if (typeof candidate === 'object' && candidate !== null && !(candidate instanceof SymbolicNode) && !Array.isArray(candidate) && 'model' in candidate) {
    const { model, ...rest } = candidate as Record<string, TreeValue>;
    return { model: model as TreeValue, rest: rest as TreeValue };
  }
  throw new PliantError(
    'modelProbe',
    'argument',
    'the candidate is not a model (sequential / graph) nor a record with a `model` field: give modelProbe a `split` option',
  );
}

/**
 * A functional-hash probe for model candidates: builds the model with the probe's seed (so
 * equivalent graphs get equal weights), runs a fixed seeded input batch through it at inference,
 * and returns its outputs, together with what inference cannot show: the places and settings of
 * weightless layers such as dropout (order-free, so two routes to one graph agree) and the rest of
 * the candidate (optimizer, batch size, ...). Use it as
 * `dedupe: { hash: 'functional', probe: modelProbe() }`: a dropout of 0, an identity layer, node
 * names and order, or the order of a sum's terms do not change the hash; a different width,
 * activation or wiring does. Costs one build and one forward pass (milliseconds, against seconds
 * for training).
 */
export function modelProbe<C = unknown>(options: ModelProbeOptions<C> = {}): AsyncProbe<C> {
  const batch = options.batch ?? 8;
  if (!Number.isInteger(batch) || batch < 1) throw new PliantError('modelProbe', 'argument', `batch must be a positive integer, found ${String(batch)}`);
  return async (candidate, context): Promise<ProbeOutput> => {
    const { tf } = await loadTf();
    const { model: tree, rest } = (options.split ?? (defaultSplit as (c: C) => { model: TreeValue; rest?: TreeValue }))(candidate);
    const model = build(tree, { seed: context.seed }) as unknown;
    if (!(model instanceof tf.LayersModel))
      throw new PliantError('modelProbe', 'argument', 'the model part of the candidate does not build to a tf.LayersModel');
    const made: Tfjs.Tensor[] = [];
    try {
      const inputs = model.inputs.map((symbolic, i) => {
        const shape = i === 0 && options.inputShape !== undefined ? [...options.inputShape] : symbolic.shape.slice(1);
        if (shape.some((d) => d === null))
          throw new PliantError('modelProbe', 'argument', `input ${i} has a free dimension (${JSON.stringify(symbolic.shape)}): give the probe an inputShape`);
        const full = [batch, ...(shape as number[])];
        const seed = deriveSeed(context.seed, 'probe input', i);
        const t = options.input !== undefined ? options.input(full, seed) : tf.randomNormal(full, 0, 1, 'float32', seed);
        made.push(t);
        return t;
      });
      const out = model.predict(inputs.length === 1 ? (inputs[0] as Tfjs.Tensor) : inputs);
      const outs = Array.isArray(out) ? out : [out];
      made.push(...outs);
      const values: ProbeOutput[] = [];
      for (const t of outs) values.push(Float64Array.from(await t.data<'float32'>()));
      return { outputs: values, weightless: MODEL_SIGNATURE.get(model) ?? '', rest: rest === undefined ? '' : hash(rest) };
    } finally {
      tf.dispose(made);
      model.dispose();
    }
  };
}
