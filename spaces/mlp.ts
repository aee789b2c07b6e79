/**
 * A multi-layer perceptron space over TensorFlow.js layers: how many hidden layers, and for each
 * its width, activation and dropout, then the optimizer, its learning rate and the batch size.
 * A candidate is `{ model, optimizer, batchSize }` (see `model-candidate.ts`): `model` a
 * `sequential` of dense layers ending in a softmax over the classes.
 *
 * ```ts
 * import { asha, modelProbe, search, tpe } from 'pliant';
 * import { mlpSpace } from 'pliant/spaces/mlp';
 * import { trainCandidate } from 'pliant/spaces/model-candidate';
 *
 * const space = mlpSpace({ inputShape: [4], classes: 3 });
 * const result = await search(space, async (c, trial) => (await trainCandidate(c, data, { epochs: 30, validation: 0.2, trial })).valAccuracy, {
 *   numTrials: 20, algorithm: tpe({ seed: 1 }), earlyStopping: asha({ maxResource: 30 }),
 *   dedupe: { hash: 'functional', probe: modelProbe() },
 * });
 * ```
 */
import { PliantError, floatv, layers, oneOf, sequential } from 'pliant';
import type { ActivationName, Placeholder, SymbolicNode, TfLayer } from 'pliant';
import type * as Tfjs from '@tensorflow/tfjs';
import { batchSizeChoice, choice, optimizerChoice } from './model-candidate.js';
import type { ModelSpace, OptimizerName, Range, SymbolicOf } from './model-candidate.js';

/** Options of {@link mlpSpace}. */
export interface MlpSpaceOptions {
  /** The shape of one example, without the batch axis: `[4]` for iris; `[28, 28, 1]` images are flattened first. */
  readonly inputShape: readonly number[];
  /** The number of classes (the softmax output's width). */
  readonly classes: number;
  /** The fewest hidden layers (default 1). */
  readonly minDepth?: number;
  /** The most hidden layers (default 3): the depth is a `oneOf` over whole layer lists. */
  readonly maxDepth?: number;
  /** The widths a hidden layer chooses from (default `[16, 32, 64, 128]`). */
  readonly units?: readonly number[];
  /** The activations a hidden layer chooses from (default `['relu', 'tanh', 'elu']`). */
  readonly activations?: readonly ActivationName[];
  /** The dropout rate after each hidden layer, a float in `[min, max]` (default `[0, 0.5]`); `false` for none. */
  readonly dropout?: Range | false;
  /** The optimizers to choose from (default `['adam', 'rmsprop', 'momentum']`). */
  readonly optimizers?: readonly OptimizerName[];
  /** The learning rate's range, log scale (default `[1e-4, 1e-1]`). */
  readonly learningRate?: Range;
  /** The batch sizes to choose from (default `[16, 32, 64]`). */
  readonly batchSizes?: readonly number[];
}

/** The space {@link mlpSpace} returns. */
export type MlpSpace = ModelSpace<Tfjs.Sequential>;

const positiveInt = (v: unknown): boolean => Number.isInteger(v) && (v as number) > 0;

/**
 * The MLP space. The depth is a choice among whole layer lists (1 to `maxDepth` hidden layers),
 * so each depth has its own width, activation and dropout decisions (a conditional space, as in
 * PyGlove); decision ids read `model.layers[=1/3][0].units`. A dropout rate of 0 is an identity,
 * so candidates that differ only there hash equal under `modelProbe`.
 *
 * @throws PliantError (`argument`, naming `mlpSpace`) for a bad shape, class count or range.
 */
export function mlpSpace(options: MlpSpaceOptions): MlpSpace {
  const api = 'mlpSpace';
  const { inputShape, classes } = options;
  if (!Array.isArray(inputShape) || inputShape.length === 0 || !inputShape.every(positiveInt)) {
    throw new PliantError(api, 'argument', `inputShape must be a non-empty list of positive integers, found ${JSON.stringify(inputShape)}`);
  }
  if (!positiveInt(classes) || classes < 2) throw new PliantError(api, 'argument', `classes must be an integer ≥ 2, found ${String(classes)}`);
  const minDepth = options.minDepth ?? 1;
  const maxDepth = options.maxDepth ?? 3;
  if (!positiveInt(minDepth) || !positiveInt(maxDepth) || maxDepth < minDepth) {
    throw new PliantError(
      api,
      'argument',
      `minDepth and maxDepth must be positive integers with minDepth ≤ maxDepth, found ${String(minDepth)} and ${String(maxDepth)}`,
    );
  }
  const units = options.units ?? [16, 32, 64, 128];
  if (!units.every(positiveInt)) throw new PliantError(api, 'argument', `units must be positive integers, found ${JSON.stringify(units)}`);
  const activations = options.activations ?? ['relu', 'tanh', 'elu'];
  const dropout = options.dropout ?? [0, 0.5];
  if (dropout !== false && !(dropout[0] >= 0 && dropout[1] >= dropout[0] && dropout[1] < 1)) {
    throw new PliantError(api, 'argument', `dropout must be [min, max] with 0 ≤ min ≤ max < 1, or false, found ${JSON.stringify(dropout)}`);
  }
  const shape = [...inputShape];
  const flat = shape.length > 1;

  const hidden = (first: boolean): (SymbolicNode<object, TfLayer> | Placeholder<unknown>)[] => {
    const out: SymbolicNode<object, TfLayer>[] = [
      layers.dense({
        units: choice(units, 'units', api),
        activation: choice(activations, 'activations', api),
        ...(first && !flat ? { inputShape: shape } : {}),
      }),
    ];
    if (dropout !== false) out.push(layers.dropout({ rate: dropout[0] === dropout[1] ? dropout[0] : floatv(dropout[0], dropout[1]) }));
    return out;
  };
  const stack = (depth: number): SymbolicNode<object, TfLayer>[] => [
    ...(flat ? [layers.flatten({ inputShape: shape })] : []),
    ...(Array.from({ length: depth }, (_v, i) => hidden(i === 0)).flat() as SymbolicNode<object, TfLayer>[]),
    layers.dense({ units: classes, activation: 'softmax' }),
  ];
  const depths = Array.from({ length: maxDepth - minDepth + 1 }, (_v, i) => stack(minDepth + i));
  const model: SymbolicOf<Tfjs.Sequential> = sequential({ layers: (depths.length === 1 ? depths[0] : oneOf(depths)) as unknown as TfLayer[] });
  return {
    model,
    optimizer: optimizerChoice(options.optimizers ?? ['adam', 'rmsprop', 'momentum'], options.learningRate ?? [1e-4, 1e-1]),
    batchSize: batchSizeChoice(options.batchSizes ?? [16, 32, 64]),
  };
}
