/**
 * The symbolic mirror of `tf.layers`: the same factory names and argument names, checked by zod
 * schemas, with hyper values allowed wherever an argument goes. Building a layer node (after
 * `loadTf`) makes the real TensorFlow.js layer, its random initialisers seeded from the build.
 *
 * ```ts
 * const space = sequential({ layers: [
 *   layers.dense({ inputShape: [784], units: oneOf([64, 128]), activation: oneOf(['relu', 'gelu']) }),
 *   layers.dropout({ rate: floatv(0, 0.5) }),
 *   layers.dense({ units: 10, activation: 'softmax' }),
 * ] });
 * ```
 *
 * Arguments that cannot live in a symbolic tree are left out: `weights` (tensors), `cell` and
 * `dropoutFunc` of the recurrent layers, initialiser / regularizer / constraint *objects* (give
 * their names instead). The wrappers (`bidirectional`, `timeDistributed`, `rnn`,
 * `stackedRNNCells`) and the cells (`lstmCell`, ...) are not mirrored.
 */
import { z } from 'zod';
import { activationSchema, constraintSchema, defineLayer, initializerSchema, regularizerSchema } from './define-layer.js';
import type { LayerFactory } from './define-layer.js';
import { customLayers } from './custom-layers.js';

/** An activation name of TensorFlow.js (`'relu'`, `'gelu'`, ...). */
export type ActivationName = z.infer<typeof activationSchema>;
/** An initialiser name of TensorFlow.js (`'glorotUniform'`, `'zeros'`, ...); random ones are seeded at build. */
export type InitializerName = z.infer<typeof initializerSchema>;
/** A regularizer name of TensorFlow.js. */
export type RegularizerName = z.infer<typeof regularizerSchema>;
/** A constraint name of TensorFlow.js. */
export type ConstraintName = z.infer<typeof constraintSchema>;
/** Where the channels axis is: `channelsLast` (NHWC, the default) or `channelsFirst` (NCHW). */
export type DataFormat = 'channelsFirst' | 'channelsLast';
/**
 * A padding mode. TensorFlow.js's type also names `causal`, but TensorFlow.js 4 implements it in
 * no layer (a causal `conv1d` throws when run; pooling treats it as `valid`), so it is rejected.
 */
export type PaddingMode = 'valid' | 'same';

// ---------------------------------------------------------------------------------------------
// Argument interfaces (the names of TensorFlow.js's `...LayerArgs`).
// ---------------------------------------------------------------------------------------------

/** Arguments every layer accepts (TensorFlow.js `LayerArgs`, without `weights`). */
export interface BaseLayerArgs {
  /** The shape of one input example, without the batch dimension (first layer only). */
  inputShape?: (number | null)[];
  /** The input shape with the batch dimension. */
  batchInputShape?: (number | null)[];
  /** The batch size (with `inputShape`). */
  batchSize?: number;
  /** The layer's dtype. */
  dtype?: 'float32' | 'int32' | 'bool' | 'complex64' | 'string';
  /** The layer's name (must be unique in a model). */
  name?: string;
  /** Whether the layer's weights are updated by training. */
  trainable?: boolean;
  /** The input dtype (for the input layer made from `inputShape`). */
  inputDType?: 'float32' | 'int32' | 'bool' | 'complex64' | 'string';
}

/** Arguments of {@link layers}`.dense`. */
export interface DenseArgs extends BaseLayerArgs {
  /** The output size. */
  units: number;
  /** Default `linear`. */
  activation?: ActivationName;
  /** Default `true`. */
  useBias?: boolean;
  /** Default `glorotNormal` (TensorFlow.js's default, seeded). */
  kernelInitializer?: InitializerName;
  /** Default `zeros`. */
  biasInitializer?: InitializerName;
  /** The input size, instead of `inputShape: [inputDim]`. */
  inputDim?: number;
  kernelConstraint?: ConstraintName;
  biasConstraint?: ConstraintName;
  kernelRegularizer?: RegularizerName;
  biasRegularizer?: RegularizerName;
  activityRegularizer?: RegularizerName;
}

/** Arguments of {@link layers}`.dropout`. */
export interface DropoutArgs extends BaseLayerArgs {
  /** The fraction of units dropped, in [0, 1); 0 makes the layer an identity. */
  rate: number;
  noiseShape?: number[];
  seed?: number;
}

/** Arguments of {@link layers}`.activation`. */
export interface ActivationArgs extends BaseLayerArgs {
  /** The activation; `linear` makes the layer an identity. */
  activation: ActivationName;
}

/** Arguments of {@link layers}`.flatten`. */
export interface FlattenArgs extends BaseLayerArgs {
  dataFormat?: DataFormat;
}

/** Arguments of {@link layers}`.concatenate`. */
export interface ConcatenateArgs extends BaseLayerArgs {
  /** The axis to join on (default -1). */
  axis?: number;
}

/** Arguments shared by the convolutions (TensorFlow.js `BaseConvLayerArgs`). */
export interface BaseConvArgs extends BaseLayerArgs {
  /** The window size: one number for every spatial axis, or one per axis. */
  kernelSize: number | number[];
  /** Default 1; one number or one per spatial axis. */
  strides?: number | number[];
  /** Default `valid`. */
  padding?: PaddingMode;
  /** Default `channelsLast`. */
  dataFormat?: DataFormat;
  /** Default 1; one number or one per spatial axis. */
  dilationRate?: number | number[];
  /** Default `linear`. */
  activation?: ActivationName;
  /** Default `true`. */
  useBias?: boolean;
  /** Default `glorotNormal` (seeded). Unused by `separableConv2d` and `depthwiseConv2d`. */
  kernelInitializer?: InitializerName;
  /** Default `zeros`. */
  biasInitializer?: InitializerName;
  kernelConstraint?: ConstraintName;
  biasConstraint?: ConstraintName;
  kernelRegularizer?: RegularizerName;
  biasRegularizer?: RegularizerName;
  activityRegularizer?: RegularizerName;
}

/** Arguments of {@link layers}`.conv1d`. */
export interface Conv1dArgs extends BaseConvArgs {
  /** The number of output channels. */
  filters: number;
}

/** Arguments of {@link layers}`.conv2d`. */
export interface Conv2dArgs extends BaseConvArgs {
  /** The number of output channels. */
  filters: number;
}

/** Arguments of {@link layers}`.conv2dTranspose`. */
export interface Conv2dTransposeArgs extends BaseConvArgs {
  /** The number of output channels. */
  filters: number;
}

/** Arguments of {@link layers}`.separableConv2d`. */
export interface SeparableConv2dArgs extends BaseConvArgs {
  /** The number of output channels. */
  filters: number;
  /** Depthwise channels per input channel (default 1). */
  depthMultiplier?: number;
  /** Default `glorotUniform` (seeded). */
  depthwiseInitializer?: InitializerName;
  /** Default `glorotUniform` (seeded). */
  pointwiseInitializer?: InitializerName;
  depthwiseRegularizer?: RegularizerName;
  pointwiseRegularizer?: RegularizerName;
  depthwiseConstraint?: ConstraintName;
  pointwiseConstraint?: ConstraintName;
}

/** Arguments of {@link layers}`.depthwiseConv2d`. */
export interface DepthwiseConv2dArgs extends BaseConvArgs {
  /** Output channels per input channel (default 1). */
  depthMultiplier?: number;
  /** Default `glorotNormal` (seeded). */
  depthwiseInitializer?: InitializerName;
  depthwiseConstraint?: ConstraintName;
  depthwiseRegularizer?: RegularizerName;
}

/** Arguments of {@link layers}`.maxPooling1d` and `averagePooling1d`. */
export interface Pooling1dArgs extends BaseLayerArgs {
  /** Default 2. */
  poolSize?: number | number[];
  /** Default `poolSize`. */
  strides?: number | number[];
  /** Default `valid`. */
  padding?: PaddingMode;
}

/** Arguments of {@link layers}`.maxPooling2d` and `averagePooling2d`. */
export interface Pooling2dArgs extends BaseLayerArgs {
  /** Default `[2, 2]`; one number or one per spatial axis. */
  poolSize?: number | number[];
  /** Default `poolSize`. */
  strides?: number | number[];
  /** Default `valid`. */
  padding?: PaddingMode;
  dataFormat?: DataFormat;
}

/** Arguments of {@link layers}`.globalAveragePooling2d` and `globalMaxPooling2d`. */
export interface GlobalPooling2dArgs extends BaseLayerArgs {
  dataFormat?: DataFormat;
}

/** Arguments of {@link layers}`.batchNormalization`. */
export interface BatchNormalizationArgs extends BaseLayerArgs {
  /** The features axis (default -1). */
  axis?: number;
  /** The moving averages' momentum, in [0, 1] (default 0.99). */
  momentum?: number;
  /** Default 1e-3. */
  epsilon?: number;
  /** Whether to add `beta` (default `true`). */
  center?: boolean;
  /** Whether to multiply by `gamma` (default `true`). */
  scale?: boolean;
  /** Default `zeros`. */
  betaInitializer?: InitializerName;
  /** Default `ones`. */
  gammaInitializer?: InitializerName;
  /** Default `zeros`. */
  movingMeanInitializer?: InitializerName;
  /** Default `ones`. */
  movingVarianceInitializer?: InitializerName;
  betaConstraint?: ConstraintName;
  gammaConstraint?: ConstraintName;
  betaRegularizer?: RegularizerName;
  gammaRegularizer?: RegularizerName;
}

/** Arguments of {@link layers}`.layerNormalization`. */
export interface LayerNormalizationArgs extends BaseLayerArgs {
  /** The axis or axes normalised (default -1). */
  axis?: number | number[];
  /** Default 1e-3. */
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  /** Default `zeros`. */
  betaInitializer?: InitializerName;
  /** Default `ones`. */
  gammaInitializer?: InitializerName;
  betaRegularizer?: RegularizerName;
  gammaRegularizer?: RegularizerName;
}

/** Arguments of {@link layers}`.embedding`. */
export interface EmbeddingArgs extends BaseLayerArgs {
  /** The vocabulary size (largest index + 1). */
  inputDim: number;
  /** The embedding size. */
  outputDim: number;
  /** Default `randomUniform` (seeded). */
  embeddingsInitializer?: InitializerName;
  embeddingsRegularizer?: RegularizerName;
  activityRegularizer?: RegularizerName;
  embeddingsConstraint?: ConstraintName;
  /** Whether index 0 is padding (masked). */
  maskZero?: boolean;
  /** The length of the input sequences, when fixed. */
  inputLength?: number | number[];
}

/** Arguments shared by the recurrent layers (TensorFlow.js `SimpleRNNLayerArgs` without `cell`, `dropoutFunc`). */
export interface BaseRecurrentArgs extends BaseLayerArgs {
  /** The state size. */
  units: number;
  /** Default `tanh`. */
  activation?: ActivationName;
  /** Default `true`. */
  useBias?: boolean;
  /** Default `glorotNormal` (seeded). */
  kernelInitializer?: InitializerName;
  /** Default `orthogonal` (seeded). */
  recurrentInitializer?: InitializerName;
  /** Default `zeros`. */
  biasInitializer?: InitializerName;
  kernelRegularizer?: RegularizerName;
  recurrentRegularizer?: RegularizerName;
  biasRegularizer?: RegularizerName;
  kernelConstraint?: ConstraintName;
  recurrentConstraint?: ConstraintName;
  biasConstraint?: ConstraintName;
  /** The dropout of the inputs, in [0, 1). */
  dropout?: number;
  /** The dropout of the recurrent state, in [0, 1). */
  recurrentDropout?: number;
  /** Whether to return the whole sequence (default: the last output only). */
  returnSequences?: boolean;
  /** Whether to return the last state besides the output. */
  returnState?: boolean;
  /** Whether to process the sequence backwards. */
  goBackwards?: boolean;
  stateful?: boolean;
  unroll?: boolean;
  /** The input size, instead of `inputShape`. */
  inputDim?: number;
  /** The sequence length, instead of `inputShape`. */
  inputLength?: number;
}

/** Arguments of {@link layers}`.simpleRNN`. */
export interface SimpleRNNArgs extends BaseRecurrentArgs {}

/** Arguments of {@link layers}`.gru`. */
export interface GRUArgs extends BaseRecurrentArgs {
  /** Default `hardSigmoid`. */
  recurrentActivation?: ActivationName;
  /** 1 or 2 (TensorFlow.js computes the same either way). */
  implementation?: 1 | 2;
}

/** Arguments of {@link layers}`.lstm`. */
export interface LSTMArgs extends BaseRecurrentArgs {
  /** Default `hardSigmoid`. */
  recurrentActivation?: ActivationName;
  /** Whether the forget gate's bias starts at 1. */
  unitForgetBias?: boolean;
  /** 1 or 2 (TensorFlow.js computes the same either way). */
  implementation?: 1 | 2;
}

/** Arguments of {@link layers}`.reshape`. */
export interface ReshapeArgs extends BaseLayerArgs {
  /** The output shape without the batch dimension; one `null` (or -1) is inferred. */
  targetShape: (number | null)[];
}

/** Arguments of {@link layers}`.permute`. */
export interface PermuteArgs extends BaseLayerArgs {
  /** A permutation of `1..n` (the batch axis is not counted); `[1, 2, ..., n]` is an identity. */
  dims: number[];
}

/** Arguments of {@link layers}`.repeatVector`. */
export interface RepeatVectorArgs extends BaseLayerArgs {
  /** The number of repetitions. */
  n: number;
}

/** Arguments of {@link layers}`.zeroPadding2d`. */
export interface ZeroPadding2dArgs extends BaseLayerArgs {
  /** Default 1: one number, `[rows, columns]`, or `[[top, bottom], [left, right]]`; all zeros is an identity. */
  padding?: number | [number, number] | [[number, number], [number, number]];
  dataFormat?: DataFormat;
}

/** Arguments of {@link layers}`.upSampling2d`. */
export interface UpSampling2dArgs extends BaseLayerArgs {
  /** `[rows, columns]` factors (default `[2, 2]`); `[1, 1]` is an identity. */
  size?: number[];
  dataFormat?: DataFormat;
  /** Default `nearest`. */
  interpolation?: 'nearest' | 'bilinear';
}

/** Arguments of {@link layers}`.cropping2D`. */
export interface Cropping2DArgs extends BaseLayerArgs {
  /** One number, `[rows, columns]`, or `[[top, bottom], [left, right]]`; all zeros is an identity. */
  cropping: number | [number, number] | [[number, number], [number, number]];
  dataFormat?: DataFormat;
}

/** Arguments of {@link layers}`.spatialDropout1d`. */
export interface SpatialDropout1dArgs extends BaseLayerArgs {
  /** The fraction of channels dropped, in [0, 1); 0 is an identity. */
  rate: number;
  seed?: number;
}

/** Arguments of {@link layers}`.gaussianNoise`. */
export interface GaussianNoiseArgs extends BaseLayerArgs {
  /** The noise's standard deviation (training only); 0 is an identity. */
  stddev: number;
}

/** Arguments of {@link layers}`.gaussianDropout`. */
export interface GaussianDropoutArgs extends BaseLayerArgs {
  /** The drop probability, in [0, 1); 0 is an identity. */
  rate: number;
}

/** Arguments of {@link layers}`.alphaDropout`. */
export interface AlphaDropoutArgs extends BaseLayerArgs {
  /** The drop probability, in [0, 1); 0 is an identity. */
  rate: number;
  noiseShape?: (number | null)[];
}

/** Arguments of {@link layers}`.leakyReLU`. */
export interface LeakyReLUArgs extends BaseLayerArgs {
  /** The negative slope, ≥ 0 (default 0.3); 1 is an identity. */
  alpha?: number;
}

/** Arguments of {@link layers}`.reLU`. */
export interface ReLUArgs extends BaseLayerArgs {
  /** The largest output, ≥ 0 (default: none). */
  maxValue?: number;
}

/** Arguments of {@link layers}`.elu`. */
export interface ELUArgs extends BaseLayerArgs {
  /** Only 1, the default: the ELU layer of TensorFlow.js supports no other value. */
  alpha?: number;
}

/** Arguments of {@link layers}`.softmax`. */
export interface SoftmaxArgs extends BaseLayerArgs {
  /** The axis or axes normalised (default -1). */
  axis?: number | number[];
}

/** Arguments of {@link layers}`.prelu`. */
export interface PReLUArgs extends BaseLayerArgs {
  /** Default `zeros`. */
  alphaInitializer?: InitializerName;
  alphaRegularizer?: RegularizerName;
  alphaConstraint?: ConstraintName;
  /** Axes (counted from 1) that share one slope. */
  sharedAxes?: number | number[];
}

/** Arguments of {@link layers}`.thresholdedReLU`. */
export interface ThresholdedReLUArgs extends BaseLayerArgs {
  /** The threshold, ≥ 0 (default 1). */
  theta?: number;
}

/** Arguments of {@link layers}`.masking`. */
export interface MaskingArgs extends BaseLayerArgs {
  /** Time steps whose features all equal it are masked (default 0). */
  maskValue?: number;
}

/** Arguments of {@link layers}`.rescaling`. */
export interface RescalingArgs extends BaseLayerArgs {
  /** The factor; `scale: 1` with no offset is an identity. */
  scale: number;
  /** Added after scaling (default 0). */
  offset?: number;
}

// ---------------------------------------------------------------------------------------------
// Schema pieces.
// ---------------------------------------------------------------------------------------------

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().min(0);
const dropRate = z.number().min(0).lt(1);
const dataFormat = z.enum(['channelsFirst', 'channelsLast']);
const validSame = z.enum(['valid', 'same'], {
  error: (issue) => (issue.input === 'causal' ? "expected 'valid' or 'same' (TensorFlow.js does not implement 'causal' padding)" : undefined),
});
/** One positive int, or one per spatial axis. */
const sizes = (rank: number) => z.union([positiveInt, z.array(positiveInt).length(rank)]);
/** One int or several (axes). */
const axes = z.union([z.number().int(), z.array(z.number().int()).min(1)]);
/** Padding or cropping amounts: `n`, `[rows, cols]` or `[[top, bottom], [left, right]]`. */
const pad2d = z.union([
  nonNegativeInt,
  z.tuple([nonNegativeInt, nonNegativeInt]),
  z.tuple([z.tuple([nonNegativeInt, nonNegativeInt]), z.tuple([nonNegativeInt, nonNegativeInt])]),
]);

const kernelArgs = {
  kernelInitializer: initializerSchema.optional(),
  biasInitializer: initializerSchema.optional(),
  kernelConstraint: constraintSchema.optional(),
  biasConstraint: constraintSchema.optional(),
  kernelRegularizer: regularizerSchema.optional(),
  biasRegularizer: regularizerSchema.optional(),
};

/** The arguments of `BaseConvLayerArgs` for a convolution over `rank` spatial axes. */
function convArgs(rank: number) {
  return {
    kernelSize: sizes(rank),
    strides: sizes(rank).optional(),
    padding: validSame.optional(),
    dataFormat: dataFormat.optional(),
    dilationRate: sizes(rank).optional(),
    activation: activationSchema.optional(),
    useBias: z.boolean().optional(),
    ...kernelArgs,
    activityRegularizer: regularizerSchema.optional(),
  };
}

const recurrentArgs = {
  units: positiveInt,
  activation: activationSchema.optional(),
  useBias: z.boolean().optional(),
  recurrentInitializer: initializerSchema.optional(),
  recurrentRegularizer: regularizerSchema.optional(),
  recurrentConstraint: constraintSchema.optional(),
  ...kernelArgs,
  dropout: dropRate.optional(),
  recurrentDropout: dropRate.optional(),
  returnSequences: z.boolean().optional(),
  returnState: z.boolean().optional(),
  goBackwards: z.boolean().optional(),
  stateful: z.boolean().optional(),
  unroll: z.boolean().optional(),
  inputDim: positiveInt.optional(),
  inputLength: positiveInt.optional(),
};

/** TensorFlow.js's default initialisers of a kernel and bias. */
const kernelInit = { kernelInitializer: 'glorotNormal', biasInitializer: 'zeros' } as const;
const recurrentInit = { kernelInitializer: 'glorotNormal', recurrentInitializer: 'orthogonal', biasInitializer: 'zeros' } as const;

type Args = Readonly<Record<string, unknown>>;
const flat = (v: unknown): unknown[] => (Array.isArray(v) ? v.flatMap(flat) : [v]);
/** Whether every number in `v` (a number or nested arrays) equals `n`. */
const all = (v: unknown, n: number): boolean => flat(v).every((x) => x === n);
/** A pooling window of 1 with a stride of 1 passes its input through. */
const unitPool = (a: Args): boolean => a.poolSize !== undefined && all(a.poolSize, 1) && (a.strides === undefined || all(a.strides, 1));
const isPermutation = (dims: readonly number[]): boolean => [...dims].sort((x, y) => x - y).every((d, i) => d === i + 1);

// ---------------------------------------------------------------------------------------------
// Core.
// ---------------------------------------------------------------------------------------------

const dense: LayerFactory<DenseArgs> = defineLayer<DenseArgs>('dense', {
  args: {
    units: positiveInt,
    activation: activationSchema.optional(),
    useBias: z.boolean().optional(),
    inputDim: positiveInt.optional(),
    ...kernelArgs,
    activityRegularizer: regularizerSchema.optional(),
  },
  initializers: kernelInit,
});

const dropout: LayerFactory<DropoutArgs> = defineLayer<DropoutArgs>('dropout', {
  args: { rate: dropRate, noiseShape: z.array(positiveInt).optional(), seed: z.number().int().optional() },
  weightless: true,
  identity: (a) => a.rate === 0,
});

const activation: LayerFactory<ActivationArgs> = defineLayer<ActivationArgs>('activation', {
  args: { activation: activationSchema },
  weightless: true,
  identity: (a) => a.activation === 'linear',
});

const flatten: LayerFactory<FlattenArgs> = defineLayer<FlattenArgs>('flatten', {
  args: { dataFormat: dataFormat.optional() },
  weightless: true,
});

const reshape: LayerFactory<ReshapeArgs> = defineLayer<ReshapeArgs>('reshape', {
  args: { targetShape: z.array(z.union([positiveInt, z.literal(-1), z.null()])).min(1) },
  weightless: true,
});

const permute: LayerFactory<PermuteArgs> = defineLayer<PermuteArgs>('permute', {
  args: { dims: z.array(positiveInt).min(1).refine(isPermutation, { error: 'expected a permutation of 1..n (dims count from 1, the batch axis excluded)' }) },
  weightless: true,
  identity: (a) => (a.dims as number[]).every((d, i) => d === i + 1),
});

const repeatVector: LayerFactory<RepeatVectorArgs> = defineLayer<RepeatVectorArgs>('repeatVector', {
  args: { n: positiveInt },
  weightless: true,
});

const masking: LayerFactory<MaskingArgs> = defineLayer<MaskingArgs>('masking', {
  args: { maskValue: z.number().optional() },
  // Not an identity even when nothing is masked: the mask it makes changes the layers after it.
  weightless: true,
});

const rescaling: LayerFactory<RescalingArgs> = defineLayer<RescalingArgs>('rescaling', {
  args: { scale: z.number(), offset: z.number().optional() },
  weightless: true,
  identity: (a) => a.scale === 1 && (a.offset === undefined || a.offset === 0),
});

// ---------------------------------------------------------------------------------------------
// Convolutions.
// ---------------------------------------------------------------------------------------------

const conv1d: LayerFactory<Conv1dArgs> = defineLayer<Conv1dArgs>('conv1d', {
  args: { filters: positiveInt, ...convArgs(1) },
  initializers: kernelInit,
});

const conv2d: LayerFactory<Conv2dArgs> = defineLayer<Conv2dArgs>('conv2d', {
  args: { filters: positiveInt, ...convArgs(2) },
  initializers: kernelInit,
});

const conv2dTranspose: LayerFactory<Conv2dTransposeArgs> = defineLayer<Conv2dTransposeArgs>('conv2dTranspose', {
  args: { filters: positiveInt, ...convArgs(2) },
  initializers: kernelInit,
});

const separableConv2d: LayerFactory<SeparableConv2dArgs> = defineLayer<SeparableConv2dArgs>('separableConv2d', {
  args: {
    filters: positiveInt,
    ...convArgs(2),
    depthMultiplier: positiveInt.optional(),
    depthwiseInitializer: initializerSchema.optional(),
    pointwiseInitializer: initializerSchema.optional(),
    depthwiseRegularizer: regularizerSchema.optional(),
    pointwiseRegularizer: regularizerSchema.optional(),
    depthwiseConstraint: constraintSchema.optional(),
    pointwiseConstraint: constraintSchema.optional(),
  },
  initializers: { depthwiseInitializer: 'glorotUniform', pointwiseInitializer: 'glorotUniform', biasInitializer: 'zeros' },
});

const depthwiseConv2d: LayerFactory<DepthwiseConv2dArgs> = defineLayer<DepthwiseConv2dArgs>('depthwiseConv2d', {
  args: {
    ...convArgs(2),
    depthMultiplier: positiveInt.optional(),
    depthwiseInitializer: initializerSchema.optional(),
    depthwiseConstraint: constraintSchema.optional(),
    depthwiseRegularizer: regularizerSchema.optional(),
  },
  initializers: { depthwiseInitializer: 'glorotNormal', biasInitializer: 'zeros' },
});

// ---------------------------------------------------------------------------------------------
// Pooling.
// ---------------------------------------------------------------------------------------------

const pooling1d = { poolSize: sizes(1).optional(), strides: sizes(1).optional(), padding: validSame.optional() };
const pooling2d = { poolSize: sizes(2).optional(), strides: sizes(2).optional(), padding: validSame.optional(), dataFormat: dataFormat.optional() };

const maxPooling1d: LayerFactory<Pooling1dArgs> = defineLayer<Pooling1dArgs>('maxPooling1d', { args: pooling1d, weightless: true, identity: unitPool });
const maxPooling2d: LayerFactory<Pooling2dArgs> = defineLayer<Pooling2dArgs>('maxPooling2d', { args: pooling2d, weightless: true, identity: unitPool });
const averagePooling1d: LayerFactory<Pooling1dArgs> = defineLayer<Pooling1dArgs>('averagePooling1d', { args: pooling1d, weightless: true, identity: unitPool });
const averagePooling2d: LayerFactory<Pooling2dArgs> = defineLayer<Pooling2dArgs>('averagePooling2d', { args: pooling2d, weightless: true, identity: unitPool });
const globalAveragePooling1d: LayerFactory<BaseLayerArgs> = defineLayer<BaseLayerArgs>('globalAveragePooling1d', { args: {}, weightless: true });
const globalAveragePooling2d: LayerFactory<GlobalPooling2dArgs> = defineLayer<GlobalPooling2dArgs>('globalAveragePooling2d', {
  args: { dataFormat: dataFormat.optional() },
  weightless: true,
});
const globalMaxPooling1d: LayerFactory<BaseLayerArgs> = defineLayer<BaseLayerArgs>('globalMaxPooling1d', { args: {}, weightless: true });
const globalMaxPooling2d: LayerFactory<GlobalPooling2dArgs> = defineLayer<GlobalPooling2dArgs>('globalMaxPooling2d', {
  args: { dataFormat: dataFormat.optional() },
  weightless: true,
});

// ---------------------------------------------------------------------------------------------
// Normalization, embedding, recurrent.
// ---------------------------------------------------------------------------------------------

const batchNormalization: LayerFactory<BatchNormalizationArgs> = defineLayer<BatchNormalizationArgs>('batchNormalization', {
  args: {
    axis: z.number().int().optional(),
    momentum: z.number().min(0).max(1).optional(),
    epsilon: z.number().positive().optional(),
    center: z.boolean().optional(),
    scale: z.boolean().optional(),
    betaInitializer: initializerSchema.optional(),
    gammaInitializer: initializerSchema.optional(),
    movingMeanInitializer: initializerSchema.optional(),
    movingVarianceInitializer: initializerSchema.optional(),
    betaConstraint: constraintSchema.optional(),
    gammaConstraint: constraintSchema.optional(),
    betaRegularizer: regularizerSchema.optional(),
    gammaRegularizer: regularizerSchema.optional(),
  },
  initializers: { betaInitializer: 'zeros', gammaInitializer: 'ones', movingMeanInitializer: 'zeros', movingVarianceInitializer: 'ones' },
});

const layerNormalization: LayerFactory<LayerNormalizationArgs> = defineLayer<LayerNormalizationArgs>('layerNormalization', {
  args: {
    axis: axes.optional(),
    epsilon: z.number().positive().optional(),
    center: z.boolean().optional(),
    scale: z.boolean().optional(),
    betaInitializer: initializerSchema.optional(),
    gammaInitializer: initializerSchema.optional(),
    betaRegularizer: regularizerSchema.optional(),
    gammaRegularizer: regularizerSchema.optional(),
  },
  initializers: { betaInitializer: 'zeros', gammaInitializer: 'ones' },
});

const embedding: LayerFactory<EmbeddingArgs> = defineLayer<EmbeddingArgs>('embedding', {
  args: {
    inputDim: positiveInt,
    outputDim: positiveInt,
    embeddingsInitializer: initializerSchema.optional(),
    embeddingsRegularizer: regularizerSchema.optional(),
    activityRegularizer: regularizerSchema.optional(),
    embeddingsConstraint: constraintSchema.optional(),
    maskZero: z.boolean().optional(),
    inputLength: z.union([positiveInt, z.array(positiveInt).min(1)]).optional(),
  },
  initializers: { embeddingsInitializer: 'randomUniform' },
});

const simpleRNN: LayerFactory<SimpleRNNArgs> = defineLayer<SimpleRNNArgs>('simpleRNN', {
  args: recurrentArgs,
  initializers: recurrentInit,
});

const gru: LayerFactory<GRUArgs> = defineLayer<GRUArgs>('gru', {
  args: { ...recurrentArgs, recurrentActivation: activationSchema.optional(), implementation: z.literal([1, 2]).optional() },
  initializers: recurrentInit,
});

const lstm: LayerFactory<LSTMArgs> = defineLayer<LSTMArgs>('lstm', {
  args: {
    ...recurrentArgs,
    recurrentActivation: activationSchema.optional(),
    unitForgetBias: z.boolean().optional(),
    implementation: z.literal([1, 2]).optional(),
  },
  initializers: recurrentInit,
});

// ---------------------------------------------------------------------------------------------
// Padding, cropping, upsampling.
// ---------------------------------------------------------------------------------------------

const zeroPadding2d: LayerFactory<ZeroPadding2dArgs> = defineLayer<ZeroPadding2dArgs>('zeroPadding2d', {
  args: { padding: pad2d.optional(), dataFormat: dataFormat.optional() },
  weightless: true,
  identity: (a) => a.padding !== undefined && all(a.padding, 0),
});

const cropping2D: LayerFactory<Cropping2DArgs> = defineLayer<Cropping2DArgs>('cropping2D', {
  args: { cropping: pad2d, dataFormat: dataFormat.optional() },
  weightless: true,
  identity: (a) => all(a.cropping, 0),
});

const upSampling2d: LayerFactory<UpSampling2dArgs> = defineLayer<UpSampling2dArgs>('upSampling2d', {
  args: { size: z.array(positiveInt).length(2).optional(), dataFormat: dataFormat.optional(), interpolation: z.enum(['nearest', 'bilinear']).optional() },
  weightless: true,
  identity: (a) => a.size !== undefined && all(a.size, 1),
});

// ---------------------------------------------------------------------------------------------
// Noise and dropout.
// ---------------------------------------------------------------------------------------------

const spatialDropout1d: LayerFactory<SpatialDropout1dArgs> = defineLayer<SpatialDropout1dArgs>('spatialDropout1d', {
  args: { rate: dropRate, seed: z.number().int().optional() },
  weightless: true,
  identity: (a) => a.rate === 0,
});

const gaussianNoise: LayerFactory<GaussianNoiseArgs> = defineLayer<GaussianNoiseArgs>('gaussianNoise', {
  args: { stddev: z.number().min(0) },
  weightless: true,
  identity: (a) => a.stddev === 0,
});

const gaussianDropout: LayerFactory<GaussianDropoutArgs> = defineLayer<GaussianDropoutArgs>('gaussianDropout', {
  args: { rate: dropRate },
  weightless: true,
  identity: (a) => a.rate === 0,
});

const alphaDropout: LayerFactory<AlphaDropoutArgs> = defineLayer<AlphaDropoutArgs>('alphaDropout', {
  args: { rate: dropRate, noiseShape: z.array(positiveInt.nullable()).optional() },
  weightless: true,
  identity: (a) => a.rate === 0,
});

// ---------------------------------------------------------------------------------------------
// Advanced activations.
// ---------------------------------------------------------------------------------------------

const leakyReLU: LayerFactory<LeakyReLUArgs> = defineLayer<LeakyReLUArgs>('leakyReLU', {
  args: { alpha: z.number().min(0).optional() },
  weightless: true,
  identity: (a) => a.alpha === 1,
});

const reLU: LayerFactory<ReLUArgs> = defineLayer<ReLUArgs>('reLU', {
  args: { maxValue: z.number().min(0).optional() },
  weightless: true,
});

const elu: LayerFactory<ELUArgs> = defineLayer<ELUArgs>('elu', {
  args: { alpha: z.literal(1, { error: 'expected 1 (the ELU layer of TensorFlow.js supports no other alpha)' }).optional() },
  weightless: true,
});

const softmax: LayerFactory<SoftmaxArgs> = defineLayer<SoftmaxArgs>('softmax', {
  args: { axis: axes.optional() },
  weightless: true,
});

const prelu: LayerFactory<PReLUArgs> = defineLayer<PReLUArgs>('prelu', {
  args: {
    alphaInitializer: initializerSchema.optional(),
    alphaRegularizer: regularizerSchema.optional(),
    alphaConstraint: constraintSchema.optional(),
    sharedAxes: z.union([positiveInt, z.array(positiveInt).min(1)]).optional(),
  },
  initializers: { alphaInitializer: 'zeros' },
});

const thresholdedReLU: LayerFactory<ThresholdedReLUArgs> = defineLayer<ThresholdedReLUArgs>('thresholdedReLU', {
  args: { theta: z.number().min(0).optional() },
  weightless: true,
});

// ---------------------------------------------------------------------------------------------
// Merging.
// ---------------------------------------------------------------------------------------------

const merge = (factory: string): LayerFactory<BaseLayerArgs> => defineLayer<BaseLayerArgs>(factory, { args: {}, weightless: true, commutative: true });
const add = merge('add');
const multiply = merge('multiply');
const average = merge('average');
const maximum = merge('maximum');
const minimum = merge('minimum');

const concatenate: LayerFactory<ConcatenateArgs> = defineLayer<ConcatenateArgs>('concatenate', {
  args: { axis: z.number().int().optional() },
  weightless: true,
});

// ---------------------------------------------------------------------------------------------
// pliant's own.
// ---------------------------------------------------------------------------------------------

const identity: LayerFactory<BaseLayerArgs> = defineLayer<BaseLayerArgs>('identity', {
  args: {},
  weightless: true,
  identity: () => true,
  make: (tf, config) => customLayers(tf).identity(config),
});

const zero: LayerFactory<BaseLayerArgs> = defineLayer<BaseLayerArgs>('zero', {
  args: {},
  weightless: true,
  make: (tf, config) => customLayers(tf).zero(config),
});

/**
 * The symbolic layers, by their `tf.layers` names and argument names, plus `identity` (passes
 * its input through) and `zero` (the "none" op of cell spaces: outputs zeros, and a `graph` drops
 * it from sums). Each is registered as `tf.layers.<name>`. Grouped as in the TensorFlow.js API
 * reference: core, convolutional, pooling, normalization, embedding, recurrent, padding and
 * resizing, noise, advanced activations, merge, then pliant's own.
 */
export const layers = Object.freeze({
  // Core.
  /** `tf.layers.dense`: a fully connected layer. */
  dense,
  /** `tf.layers.dropout`: drops units in training (`rate: 0` is an identity). */
  dropout,
  /** `tf.layers.activation`: applies an activation (`linear` is an identity). */
  activation,
  /** `tf.layers.flatten`: flattens all but the batch axis. */
  flatten,
  /** `tf.layers.reshape`: reshapes all but the batch axis. */
  reshape,
  /** `tf.layers.permute`: permutes the non-batch axes. */
  permute,
  /** `tf.layers.repeatVector`: `[batch, d]` to `[batch, n, d]`. */
  repeatVector,
  /** `tf.layers.masking`: masks time steps equal to `maskValue`. */
  masking,
  /** `tf.layers.rescaling`: `x * scale + offset`. */
  rescaling,
  // Convolutional.
  /** `tf.layers.conv1d`: a temporal convolution. */
  conv1d,
  /** `tf.layers.conv2d`: a spatial convolution. */
  conv2d,
  /** `tf.layers.conv2dTranspose`: a transposed (de-)convolution. */
  conv2dTranspose,
  /** `tf.layers.separableConv2d`: a depthwise then pointwise convolution. */
  separableConv2d,
  /** `tf.layers.depthwiseConv2d`: a per-channel convolution. */
  depthwiseConv2d,
  // Pooling.
  /** `tf.layers.maxPooling1d`. */
  maxPooling1d,
  /** `tf.layers.maxPooling2d`. */
  maxPooling2d,
  /** `tf.layers.averagePooling1d`. */
  averagePooling1d,
  /** `tf.layers.averagePooling2d`. */
  averagePooling2d,
  /** `tf.layers.globalAveragePooling1d`. */
  globalAveragePooling1d,
  /** `tf.layers.globalAveragePooling2d`. */
  globalAveragePooling2d,
  /** `tf.layers.globalMaxPooling1d`. */
  globalMaxPooling1d,
  /** `tf.layers.globalMaxPooling2d`. */
  globalMaxPooling2d,
  // Normalization.
  /** `tf.layers.batchNormalization`. */
  batchNormalization,
  /** `tf.layers.layerNormalization`. */
  layerNormalization,
  // Embedding.
  /** `tf.layers.embedding`: integer indices to dense vectors. */
  embedding,
  // Recurrent.
  /** `tf.layers.simpleRNN`. */
  simpleRNN,
  /** `tf.layers.gru`. */
  gru,
  /** `tf.layers.lstm`. */
  lstm,
  // Padding, cropping, resizing.
  /** `tf.layers.zeroPadding2d`. */
  zeroPadding2d,
  /** `tf.layers.cropping2D`. */
  cropping2D,
  /** `tf.layers.upSampling2d`. */
  upSampling2d,
  // Noise.
  /** `tf.layers.spatialDropout1d`: drops whole channels in training. */
  spatialDropout1d,
  /** `tf.layers.gaussianNoise`: adds noise in training. */
  gaussianNoise,
  /** `tf.layers.gaussianDropout`: multiplicative noise in training. */
  gaussianDropout,
  /** `tf.layers.alphaDropout`: dropout that keeps SELU's mean and variance. */
  alphaDropout,
  // Advanced activations.
  /** `tf.layers.leakyReLU`. */
  leakyReLU,
  /** `tf.layers.reLU`. */
  reLU,
  /** `tf.layers.elu`. */
  elu,
  /** `tf.layers.softmax`. */
  softmax,
  /** `tf.layers.prelu`: a ReLU with learned slopes. */
  prelu,
  /** `tf.layers.thresholdedReLU`. */
  thresholdedReLU,
  // Merge.
  /** `tf.layers.add`: the sum of its inputs (order-free). */
  add,
  /** `tf.layers.multiply`: the product of its inputs (order-free). */
  multiply,
  /** `tf.layers.average`: the mean of its inputs (order-free). */
  average,
  /** `tf.layers.maximum`: the element-wise maximum (order-free). */
  maximum,
  /** `tf.layers.minimum`: the element-wise minimum (order-free). */
  minimum,
  /** `tf.layers.concatenate`: joins its inputs along `axis`. */
  concatenate,
  // pliant's own.
  /** Passes its input through (a no-op candidate in a space). */
  identity,
  /** Outputs zeros of its input's shape: the "none" op of cell spaces. */
  zero,
});
