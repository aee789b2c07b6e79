/**
 * A small convolutional network space for images (by default 28 × 28 × 1, MNIST): 1 to 3 conv
 * blocks, each a `conv2d` (filters, kernel size 3 or 5, ReLU), a 2 × 2 pooling (max or average)
 * and batch normalization on or off; then a dense head (width, dropout) and a softmax; and the
 * training: optimizer, learning rate, batch size. A candidate is `{ model, optimizer, batchSize }`
 * (see `model-candidate.ts`).
 *
 * ```ts
 * import { asha, modelProbe, regularizedEvolution, search } from 'pliant';
 * import { cnnSpace } from 'pliant/spaces/cnn';
 * import { trainCandidate } from 'pliant/spaces/model-candidate';
 *
 * const result = await search(cnnSpace(), async (c, trial) => (await trainCandidate(c, mnist, { epochs: 6, validation: 0.125, trial })).valAccuracy, {
 *   numTrials: 30, algorithm: regularizedEvolution({ populationSize: 10, tournamentSize: 3, seed: 1 }),
 *   earlyStopping: asha({ maxResource: 6 }), dedupe: { hash: 'functional', probe: modelProbe() },
 * });
 * ```
 */
import { PliantError, floatv, layers, oneOf, sequential } from 'pliant';
import type { SymbolicNode, TfLayer } from 'pliant';
import type * as Tfjs from '@tensorflow/tfjs';
import { batchSizeChoice, choice, optimizerChoice } from './model-candidate.js';
import type { ModelSpace, OptimizerName, Range, SymbolicOf } from './model-candidate.js';

/** How a conv block pools: `max` (`maxPooling2d`) or `avg` (`averagePooling2d`), 2 × 2, stride 2. */
export type CnnPooling = 'max' | 'avg';

/** Options of {@link cnnSpace}. */
export interface CnnSpaceOptions {
  /** The image shape `[height, width, channels]` (default `[28, 28, 1]`). */
  readonly inputShape?: readonly [number, number, number];
  /** The number of classes (default 10). */
  readonly classes?: number;
  /** The fewest conv blocks (default 1). */
  readonly minBlocks?: number;
  /** The most conv blocks (default 3; each halves the resolution, so at most log2 of the smaller side). */
  readonly maxBlocks?: number;
  /** The filter counts a block chooses from (default `[16, 32, 64]`). */
  readonly filters?: readonly number[];
  /** The kernel sizes a block chooses from (default `[3, 5]`). */
  readonly kernelSizes?: readonly number[];
  /** The poolings a block chooses from (default `['max', 'avg']`). */
  readonly pooling?: readonly CnnPooling[];
  /** Batch normalization after a block's pooling: on, off, or either (default `[false, true]`: a choice per block). */
  readonly batchNorm?: readonly boolean[];
  /** The dense head's widths (default `[64, 128, 256]`). */
  readonly denseUnits?: readonly number[];
  /** The dropout before the output, a float in `[min, max]` (default `[0, 0.5]`). */
  readonly dropout?: Range;
  /** The optimizers to choose from (default `['adam', 'rmsprop']`). */
  readonly optimizers?: readonly OptimizerName[];
  /** The learning rate's range, log scale (default `[3e-4, 3e-3]`). */
  readonly learningRate?: Range;
  /** The batch sizes to choose from (default `[32, 64, 128]`). */
  readonly batchSizes?: readonly number[];
}

/** The space {@link cnnSpace} returns. */
export type CnnSpace = ModelSpace<Tfjs.Sequential>;

const positiveInt = (v: unknown): boolean => Number.isInteger(v) && (v as number) > 0;

/**
 * The CNN space. The number of blocks is a choice among whole layer lists, so each depth has its
 * own per-block decisions (`model.layers[=1/3][3].filters`, ...). A block is
 * `conv2d({ filters, kernelSize, padding: 'same', activation: 'relu' })`, a pooling layer, and
 * `batchNormalization({ momentum: 0.9 })` or `identity()` (BN after the pooling costs a quarter of
 * BN before it; a momentum of 0.9 because a search trains for few steps). The head is
 * `flatten → dense(relu) → dropout → dense(softmax)`.
 *
 * @throws PliantError (`argument`, naming `cnnSpace`) for a bad shape, depth or choice list.
 */
export function cnnSpace(options: CnnSpaceOptions = {}): CnnSpace {
  const api = 'cnnSpace';
  const inputShape = options.inputShape ?? [28, 28, 1];
  if (!Array.isArray(inputShape) || inputShape.length !== 3 || !inputShape.every(positiveInt)) {
    throw new PliantError(api, 'argument', `inputShape must be [height, width, channels] of positive integers, found ${JSON.stringify(inputShape)}`);
  }
  const classes = options.classes ?? 10;
  if (!positiveInt(classes) || classes < 2) throw new PliantError(api, 'argument', `classes must be an integer ≥ 2, found ${String(classes)}`);
  const minBlocks = options.minBlocks ?? 1;
  const maxBlocks = options.maxBlocks ?? 3;
  const deepest = Math.floor(Math.log2(Math.min(inputShape[0], inputShape[1])));
  if (!positiveInt(minBlocks) || !positiveInt(maxBlocks) || maxBlocks < minBlocks || maxBlocks > deepest) {
    throw new PliantError(
      api,
      'argument',
      `minBlocks and maxBlocks must be integers with 1 ≤ minBlocks ≤ maxBlocks ≤ ${deepest} (each block halves the ${inputShape[0]} × ${inputShape[1]} input), found ${String(minBlocks)} and ${String(maxBlocks)}`,
    );
  }
  const filters = options.filters ?? [16, 32, 64];
  const kernelSizes = options.kernelSizes ?? [3, 5];
  const denseUnits = options.denseUnits ?? [64, 128, 256];
  for (const [name, list] of [
    ['filters', filters],
    ['kernelSizes', kernelSizes],
    ['denseUnits', denseUnits],
  ] as const) {
    if (list.length === 0 || !list.every(positiveInt))
      throw new PliantError(api, 'argument', `${name} must be a non-empty list of positive integers, found ${JSON.stringify(list)}`);
  }
  const pooling = options.pooling ?? ['max', 'avg'];
  if (pooling.length === 0 || !pooling.every((p) => p === 'max' || p === 'avg'))
    throw new PliantError(api, 'argument', `pooling must list 'max' and/or 'avg', found ${JSON.stringify(pooling)}`);
  const batchNorm = options.batchNorm ?? [false, true];
  const dropout = options.dropout ?? [0, 0.5];
  if (!(dropout[0] >= 0 && dropout[1] >= dropout[0] && dropout[1] < 1))
    throw new PliantError(api, 'argument', `dropout must be [min, max] with 0 ≤ min ≤ max < 1, found ${JSON.stringify(dropout)}`);
  const shape = [...inputShape];

  const poolLayer = (p: CnnPooling): SymbolicNode<object, TfLayer> =>
    p === 'max' ? layers.maxPooling2d({ poolSize: 2 }) : layers.averagePooling2d({ poolSize: 2 });
  const normLayer = (on: boolean): SymbolicNode<object, TfLayer> => (on ? layers.batchNormalization({ momentum: 0.9 }) : layers.identity({}));
  const block = (first: boolean): SymbolicNode<object, TfLayer>[] => [
    layers.conv2d({
      filters: choice(filters, 'filters', api),
      kernelSize: choice(kernelSizes, 'kernelSizes', api),
      padding: 'same',
      activation: 'relu',
      ...(first ? { inputShape: shape } : {}),
    }),
    choice(pooling.map(poolLayer), 'pooling', api) as SymbolicNode<object, TfLayer>,
    choice(batchNorm.map(normLayer), 'batchNorm', api) as SymbolicNode<object, TfLayer>,
  ];
  const stack = (blocks: number): SymbolicNode<object, TfLayer>[] => [
    ...Array.from({ length: blocks }, (_v, i) => block(i === 0)).flat(),
    layers.flatten({}),
    layers.dense({ units: choice(denseUnits, 'denseUnits', api), activation: 'relu' }),
    layers.dropout({ rate: dropout[0] === dropout[1] ? dropout[0] : floatv(dropout[0], dropout[1]) }),
    layers.dense({ units: classes, activation: 'softmax' }),
  ];
  const depths = Array.from({ length: maxBlocks - minBlocks + 1 }, (_v, i) => stack(minBlocks + i));
  const model: SymbolicOf<Tfjs.Sequential> = sequential({ layers: (depths.length === 1 ? depths[0] : oneOf(depths)) as unknown as TfLayer[] });
  return {
    model,
    optimizer: optimizerChoice(options.optimizers ?? ['adam', 'rmsprop'], options.learningRate ?? [3e-4, 3e-3]),
    batchSize: batchSizeChoice(options.batchSizes ?? [32, 64, 128]),
  };
}
