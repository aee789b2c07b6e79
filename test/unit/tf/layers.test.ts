import { beforeAll, describe, expect, it } from 'vitest';
import type * as Tfjs from '@tensorflow/tfjs';
import {
  PliantError,
  build,
  dnaSpec,
  eq,
  floatv,
  fromJSON,
  hash,
  intv,
  iterate,
  materialize,
  oneOf,
  randomDNA,
  rebind,
  seededRng,
  toJSON,
} from '../../../src/index.js';
import type { TreeValue } from '../../../src/index.js';
import { loadTf } from '../../../src/tf/load-tf.js';
import type { TfModule } from '../../../src/tf/load-tf.js';
import { layers } from '../../../src/tf/layers.js';
import { LAYER_INFO } from '../../../src/tf/seeds.js';
import type { TfLayer } from '../../../src/tf/seeds.js';
import { sequential } from '../../../src/tf/sequential.js';
import { errorOf } from '../../support/error-of.js';

let tf: TfModule;
beforeAll(async () => {
  ({ tf } = await loadTf({ log: false }));
});

const make = (name: keyof typeof layers, args: object): TreeValue => (layers[name] as unknown as (a: object) => TreeValue)(args);
const buildLayer = (name: keyof typeof layers, args: object, seed = 0): TfLayer => build(make(name, args), { seed }) as TfLayer;

interface Case {
  /** Arguments of the factory. */
  readonly args: object;
  /** Input shape(s) without the batch axis (several for merging layers). */
  readonly input: number[] | number[][];
  /** The TensorFlow.js class name. */
  readonly className: string;
  /** The output shape for a batch of 2. */
  readonly output: number[];
  /** Integer inputs (embedding). */
  readonly int?: boolean;
}

const CASES: Record<keyof typeof layers, Case> = {
  dense: { args: { units: 3 }, input: [4], className: 'Dense', output: [2, 3] },
  dropout: { args: { rate: 0.5 }, input: [4], className: 'Dropout', output: [2, 4] },
  activation: { args: { activation: 'relu' }, input: [4], className: 'Activation', output: [2, 4] },
  flatten: { args: {}, input: [3, 2], className: 'Flatten', output: [2, 6] },
  reshape: { args: { targetShape: [3, -1] }, input: [6], className: 'Reshape', output: [2, 3, 2] },
  permute: { args: { dims: [2, 1] }, input: [3, 4], className: 'Permute', output: [2, 4, 3] },
  repeatVector: { args: { n: 3 }, input: [4], className: 'RepeatVector', output: [2, 3, 4] },
  masking: { args: {}, input: [3, 4], className: 'Masking', output: [2, 3, 4] },
  rescaling: { args: { scale: 0.5, offset: 1 }, input: [4], className: 'Rescaling', output: [2, 4] },
  conv1d: { args: { filters: 3, kernelSize: 2, padding: 'same' }, input: [5, 2], className: 'Conv1D', output: [2, 5, 3] },
  conv2d: { args: { filters: 3, kernelSize: [3, 1], padding: 'same' }, input: [5, 5, 2], className: 'Conv2D', output: [2, 5, 5, 3] },
  conv2dTranspose: { args: { filters: 3, kernelSize: 2, strides: 2 }, input: [3, 3, 2], className: 'Conv2DTranspose', output: [2, 6, 6, 3] },
  separableConv2d: { args: { filters: 4, kernelSize: 3 }, input: [5, 5, 2], className: 'SeparableConv2D', output: [2, 3, 3, 4] },
  depthwiseConv2d: { args: { kernelSize: 3, depthMultiplier: 2 }, input: [5, 5, 2], className: 'DepthwiseConv2D', output: [2, 3, 3, 4] },
  maxPooling1d: { args: { poolSize: 2 }, input: [6, 3], className: 'MaxPooling1D', output: [2, 3, 3] },
  maxPooling2d: { args: { poolSize: 2 }, input: [4, 4, 3], className: 'MaxPooling2D', output: [2, 2, 2, 3] },
  averagePooling1d: { args: { poolSize: 3, strides: 1 }, input: [6, 3], className: 'AveragePooling1D', output: [2, 4, 3] },
  averagePooling2d: { args: { poolSize: [2, 1] }, input: [4, 4, 3], className: 'AveragePooling2D', output: [2, 2, 4, 3] },
  globalAveragePooling1d: { args: {}, input: [6, 3], className: 'GlobalAveragePooling1D', output: [2, 3] },
  globalAveragePooling2d: { args: {}, input: [4, 4, 3], className: 'GlobalAveragePooling2D', output: [2, 3] },
  globalMaxPooling1d: { args: {}, input: [6, 3], className: 'GlobalMaxPooling1D', output: [2, 3] },
  globalMaxPooling2d: { args: {}, input: [4, 4, 3], className: 'GlobalMaxPooling2D', output: [2, 3] },
  batchNormalization: { args: {}, input: [4], className: 'BatchNormalization', output: [2, 4] },
  layerNormalization: { args: {}, input: [4], className: 'LayerNormalization', output: [2, 4] },
  embedding: { args: { inputDim: 10, outputDim: 3 }, input: [5], className: 'Embedding', output: [2, 5, 3], int: true },
  simpleRNN: { args: { units: 3 }, input: [5, 2], className: 'SimpleRNN', output: [2, 3] },
  gru: { args: { units: 3, returnSequences: true }, input: [5, 2], className: 'GRU', output: [2, 5, 3] },
  lstm: { args: { units: 3 }, input: [5, 2], className: 'LSTM', output: [2, 3] },
  zeroPadding2d: { args: { padding: [1, 2] }, input: [4, 4, 3], className: 'ZeroPadding2D', output: [2, 6, 8, 3] },
  cropping2D: {
    args: {
      cropping: [
        [1, 0],
        [0, 2],
      ],
    },
    input: [4, 4, 3],
    className: 'Cropping2D',
    output: [2, 3, 2, 3],
  },
  upSampling2d: { args: { size: [2, 3] }, input: [2, 2, 3], className: 'UpSampling2D', output: [2, 4, 6, 3] },
  spatialDropout1d: { args: { rate: 0.5 }, input: [5, 3], className: 'SpatialDropout1D', output: [2, 5, 3] },
  gaussianNoise: { args: { stddev: 0.1 }, input: [4], className: 'GaussianNoise', output: [2, 4] },
  gaussianDropout: { args: { rate: 0.2 }, input: [4], className: 'GaussianDropout', output: [2, 4] },
  alphaDropout: { args: { rate: 0.2 }, input: [4], className: 'AlphaDropout', output: [2, 4] },
  leakyReLU: { args: { alpha: 0.1 }, input: [4], className: 'LeakyReLU', output: [2, 4] },
  reLU: { args: { maxValue: 6 }, input: [4], className: 'ReLU', output: [2, 4] },
  elu: { args: {}, input: [4], className: 'ELU', output: [2, 4] },
  softmax: { args: {}, input: [4], className: 'Softmax', output: [2, 4] },
  prelu: { args: {}, input: [4], className: 'PReLU', output: [2, 4] },
  thresholdedReLU: { args: { theta: 0.5 }, input: [4], className: 'ThresholdedReLU', output: [2, 4] },
  add: { args: {}, input: [[4], [4]], className: 'Add', output: [2, 4] },
  multiply: { args: {}, input: [[4], [4]], className: 'Multiply', output: [2, 4] },
  average: { args: {}, input: [[4], [4], [4]], className: 'Average', output: [2, 4] },
  maximum: { args: {}, input: [[4], [4]], className: 'Maximum', output: [2, 4] },
  minimum: { args: {}, input: [[4], [4]], className: 'Minimum', output: [2, 4] },
  concatenate: { args: {}, input: [[4], [3]], className: 'Concatenate', output: [2, 7] },
  identity: { args: {}, input: [4], className: 'PliantIdentity', output: [2, 4] },
  zero: { args: {}, input: [4], className: 'PliantZero', output: [2, 4] },
};

const COMMUTATIVE = ['add', 'multiply', 'average', 'maximum', 'minimum'];
/** Layers whose default initialisers draw random numbers (so the build's seed matters). */
const RANDOM_INIT = ['dense', 'conv1d', 'conv2d', 'conv2dTranspose', 'separableConv2d', 'depthwiseConv2d', 'embedding', 'simpleRNN', 'gru', 'lstm'];

function inputsOf(c: Case): Tfjs.Tensor[] {
  const shapes = Array.isArray(c.input[0]) ? (c.input as number[][]) : [c.input as number[]];
  return shapes.map((s, i) => (c.int === true ? tf.randomUniform([2, ...s], 0, 10, 'int32', 7 + i) : tf.randomNormal([2, ...s], 0, 1, 'float32', 7 + i)));
}

/** Applies a layer to real tensors; returns the output's shape and values. */
function run(layer: TfLayer, c: Case, training = false): { shape: number[]; values: Float32Array | Int32Array | Uint8Array } {
  return tf.tidy(() => {
    const ins = inputsOf(c);
    const out = layer.apply(ins.length === 1 ? (ins[0] as Tfjs.Tensor) : ins, { training }) as Tfjs.Tensor;
    return { shape: out.shape, values: out.dataSync() as Float32Array };
  });
}

function weightsOf(layer: TfLayer): number[][] {
  return layer.getWeights().map((w) => Array.from(w.dataSync()));
}

describe('layers', () => {
  it('covers every factory in this test table, and is frozen', () => {
    expect(Object.keys(CASES).sort()).toEqual(Object.keys(layers).sort());
    expect(Object.isFrozen(layers)).toBe(true);
    for (const [name, factory] of Object.entries(layers)) expect((factory as unknown as { typeName: string }).typeName).toBe(`tf.layers.${name}`);
  });

  for (const [name, c] of Object.entries(CASES) as [keyof typeof layers, Case][]) {
    it(`${name} builds to ${c.className} and runs`, () => {
      const before = tf.memory().numTensors;
      const layer = buildLayer(name, c.args);
      expect(layer.getClassName()).toBe(c.className);
      const { shape, values } = run(layer, c);
      expect(shape).toEqual(c.output);
      expect(values.every((v) => Number.isFinite(v))).toBe(true);
      if (name === 'zero') expect(values.every((v) => v === 0)).toBe(true);
      const info = LAYER_INFO.get(layer);
      expect(info?.type).toBe(`tf.layers.${name}`);
      expect(info?.weightless).toBe(layer.weights.length === 0);
      expect(info?.commutative).toBe(COMMUTATIVE.includes(name));
      expect(info?.zero).toBe(name === 'zero');
      expect(info?.identity).toBe(name === 'identity');
      layer.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('seeds random initialisers from the build: same seed same weights, another seed others', () => {
    for (const name of Object.keys(CASES) as (keyof typeof layers)[]) {
      const c = CASES[name];
      if (!RANDOM_INIT.includes(name)) continue;
      const a = buildLayer(name, c.args, 3);
      const b = buildLayer(name, c.args, 3);
      const d = buildLayer(name, c.args, 4);
      for (const l of [a, b, d]) run(l, c);
      expect(weightsOf(a), name).toEqual(weightsOf(b));
      expect(weightsOf(a), name).not.toEqual(weightsOf(d));
      for (const l of [a, b, d]) l.dispose();
    }
  });

  it('uses the initialisers given by name (deterministic ones as they are)', () => {
    const layer = buildLayer('dense', { units: 2, kernelInitializer: 'ones', biasInitializer: 'ones' });
    const { values } = tf.tidy(() => {
      const out = layer.apply(tf.tensor2d([[1, 2, 3]])) as Tfjs.Tensor;
      return { values: Array.from(out.dataSync()) };
    });
    expect(values).toEqual([7, 7]);
    const lstm = buildLayer('lstm', { units: 2, recurrentInitializer: 'zeros', kernelInitializer: 'zeros' });
    run(lstm, CASES.lstm);
    expect(
      weightsOf(lstm)
        .slice(0, 2)
        .flat()
        .every((v) => v === 0),
    ).toBe(true);
    layer.dispose();
    lstm.dispose();
  });

  it('flags the arguments that make a layer an identity, and those layers do pass their input through', () => {
    const x = [4];
    const identities: [keyof typeof layers, object, number[]][] = [
      ['dropout', { rate: 0 }, x],
      ['spatialDropout1d', { rate: 0 }, [5, 3]],
      ['gaussianNoise', { stddev: 0 }, x],
      ['gaussianDropout', { rate: 0 }, x],
      ['alphaDropout', { rate: 0 }, x],
      ['activation', { activation: 'linear' }, x],
      ['leakyReLU', { alpha: 1 }, x],
      ['rescaling', { scale: 1 }, x],
      ['rescaling', { scale: 1, offset: 0 }, x],
      ['permute', { dims: [1, 2] }, [3, 4]],
      [
        'zeroPadding2d',
        {
          padding: [
            [0, 0],
            [0, 0],
          ],
        },
        [3, 3, 2],
      ],
      ['cropping2D', { cropping: 0 }, [3, 3, 2]],
      ['upSampling2d', { size: [1, 1] }, [3, 3, 2]],
      ['maxPooling1d', { poolSize: 1 }, [5, 3]],
      ['averagePooling2d', { poolSize: [1, 1], strides: 1 }, [3, 3, 2]],
      ['identity', {}, x],
    ];
    for (const [name, args, shape] of identities) {
      const layer = buildLayer(name, args);
      expect(LAYER_INFO.get(layer)?.identity, `${name} ${JSON.stringify(args)}`).toBe(true);
      tf.tidy(() => {
        const input = tf.randomNormal([2, ...shape], 0, 1, 'float32', 1);
        const out = layer.apply(input, { training: true }) as Tfjs.Tensor;
        expect(Array.from(out.dataSync()), name).toEqual(Array.from(input.dataSync()));
      });
    }
    const others: [keyof typeof layers, object][] = [
      ['dropout', { rate: 0.1 }],
      ['activation', { activation: 'relu' }],
      ['leakyReLU', {}],
      ['rescaling', { scale: 1, offset: 1 }],
      ['permute', { dims: [2, 1] }],
      ['zeroPadding2d', {}],
      ['upSampling2d', {}],
      ['maxPooling1d', { poolSize: 1, strides: 2 }],
      ['masking', { maskValue: 0 }],
    ];
    for (const [name, args] of others) expect(LAYER_INFO.get(buildLayer(name, args))?.identity, `${name} ${JSON.stringify(args)}`).toBe(false);
  });
});

describe('layer schemas', () => {
  it('reject wrong values and unknown names with a PliantError naming the type and the key path', () => {
    const e1 = errorOf(() => layers.dense({ units: -1 }));
    expect(e1.code).toBe('schema');
    expect(e1.path).toBe('units');
    expect(e1.message).toContain('tf.layers.dense');
    expect(e1.message).toContain("'units'");
    const e2 = errorOf(() => layers.dense({ units: 8, unit: 8 } as never));
    expect(e2.message).toContain('tf.layers.dense');
    expect(e2.message).toContain('Unrecognized key: "unit"');
    expect(errorOf(() => layers.dense({ unit: 8 } as never)).path).toBe('units');
    const e3 = errorOf(() => layers.conv2d({ filters: 4, kernelSize: [3, 3], strides: [1, 0] }));
    expect(e3.path).toBe('strides[1]');
    expect(e3.message).toContain('tf.layers.conv2d');
  });

  it('check each argument the way TensorFlow.js would', () => {
    const bad: [keyof typeof layers, object, string][] = [
      ['dense', { units: 2.5 }, 'units'],
      ['dense', { units: 2, activation: 'relux' }, 'activation'],
      ['dense', { units: 2, kernelInitializer: 'glorot' }, 'kernelInitializer'],
      ['dense', { units: 2, kernelRegularizer: 'l3' }, 'kernelRegularizer'],
      ['dropout', { rate: 1 }, 'rate'],
      ['conv2d', { filters: 2, kernelSize: [3] }, 'kernelSize'],
      ['conv2d', { filters: 2, kernelSize: 3, padding: 'causal' }, 'padding'],
      ['conv2d', { filters: 0, kernelSize: 3 }, 'filters'],
      ['conv2d', { filters: 2, kernelSize: 3, dataFormat: 'nhwc' }, 'dataFormat'],
      ['conv1d', { filters: 2, kernelSize: [3, 3] }, 'kernelSize'],
      ['conv1d', { filters: 2, kernelSize: 3, padding: 'causal' }, "does not implement 'causal'"],
      ['separableConv2d', { filters: 2, kernelSize: 3, padding: 'causal' }, 'padding'],
      ['depthwiseConv2d', { kernelSize: 3, depthMultiplier: 0 }, 'depthMultiplier'],
      ['maxPooling2d', { poolSize: [2, 2, 2] }, 'poolSize'],
      ['averagePooling1d', { padding: 'causal' }, 'padding'],
      ['batchNormalization', { momentum: 1.5 }, 'momentum'],
      ['embedding', { inputDim: 10 }, 'outputDim'],
      ['lstm', { units: 4, recurrentInitializer: 'orthogonl' }, 'recurrentInitializer'],
      ['gru', { units: 4, implementation: 3 }, 'implementation'],
      ['simpleRNN', { units: 4, recurrentDropout: -0.1 }, 'recurrentDropout'],
      ['lstm', { units: 4, resetAfter: true }, 'resetAfter'],
      ['permute', { dims: [0, 1] }, 'dims[0]'],
      ['permute', { dims: [1, 1] }, 'dims'],
      ['repeatVector', { n: 0 }, 'n'],
      ['reshape', { targetShape: [0, 2] }, 'targetShape[0]'],
      ['zeroPadding2d', { padding: [1, 2, 3] }, 'padding'],
      ['cropping2D', { cropping: -1 }, 'cropping'],
      ['upSampling2d', { size: 2 }, 'size'],
      ['upSampling2d', { size: [2, 2], interpolation: 'bicubic' }, 'interpolation'],
      ['gaussianNoise', { stddev: -1 }, 'stddev'],
      ['elu', { alpha: 0.5 }, 'alpha'],
      ['leakyReLU', { alpha: -0.1 }, 'alpha'],
      ['rescaling', {}, 'scale'],
      ['add', { axis: 1 }, 'axis'],
      ['identity', { units: 1 }, 'units'],
    ];
    for (const [name, args, path] of bad) {
      const error = errorOf(() => make(name, args));
      expect(error.message, `${name} ${JSON.stringify(args)}`).toContain(`tf.layers.${name}`);
      expect(`${error.path ?? ''} ${error.message}`, `${name} ${JSON.stringify(args)}`).toContain(path);
    }
    expect(() => layers.conv1d({ filters: 2, kernelSize: [3], padding: 'same', dilationRate: [2] })).not.toThrow();
    expect(() => layers.elu({ alpha: 1 })).not.toThrow();
  });

  it('name the full key path when a bad value is rebound inside a model', () => {
    const model = sequential({ layers: [layers.dense({ inputShape: [4], units: 8 }), layers.dense({ units: 2 })] });
    const error = errorOf(() => rebind(model, 'layers[1].units', 0));
    expect(error.path).toBe('layers[1].units');
    expect(error.message).toContain('tf.layers.dense');
  });
});

describe('hyper values in layer arguments', () => {
  it('are accepted and checked against the schema', () => {
    expect(() => layers.dense({ inputShape: [4], units: oneOf([8, 16]), activation: oneOf(['relu', 'tanh']) })).not.toThrow();
    expect(() => layers.conv2d({ filters: intv(1, 8), kernelSize: oneOf([1, [3, 1]]), padding: oneOf(['same', 'valid']) })).not.toThrow();
    expect(() => layers.dropout({ rate: floatv(0, 0.5) })).not.toThrow();
    expect(errorOf(() => layers.dense({ units: oneOf([8, -1]) })).message).toContain('tf.layers.dense');
    expect(errorOf(() => layers.conv2d({ filters: 2, kernelSize: 3, padding: oneOf(['same', 'causal'] as never[]) })).message).toContain('tf.layers.conv2d');
    expect(() => layers.dense({ units: floatv(1, 8) })).toThrow(PliantError);
  });

  it('materialize to buildable layers', () => {
    const space = sequential({ layers: [layers.dense({ inputShape: [4], units: oneOf([8, 16]) }), layers.dense({ units: oneOf([1, 2]) })] });
    const shapes = [...iterate(space)].map((candidate) => {
      const model = build(candidate, { seed: 1 });
      const shape = tf.tidy(() => (model.predict(tf.ones([3, 4])) as Tfjs.Tensor).shape);
      const units = (model.layers[0]?.getConfig() as { units: number }).units;
      model.dispose();
      return [units, ...shape];
    });
    expect(shapes).toEqual([
      [8, 3, 1],
      [8, 3, 2],
      [16, 3, 1],
      [16, 3, 2],
    ]);
  });

  it('a sequential space survives toJSON / fromJSON, and its candidates build the same', () => {
    const space = sequential({
      layers: [
        layers.conv1d({ inputShape: [6, 2], filters: oneOf([2, 4]), kernelSize: oneOf([1, [3]]), padding: 'same' }),
        layers.maxPooling1d({ poolSize: 2 }),
        layers.lstm({ units: 3, recurrentInitializer: oneOf(['orthogonal', 'glorotUniform']) }),
        layers.dropout({ rate: floatv(0, 0.5) }),
        layers.dense({ units: 2, activation: 'softmax' }),
      ],
    });
    const back = fromJSON(JSON.parse(JSON.stringify(toJSON(space))) as unknown);
    expect(eq(back, space)).toBe(true);
    expect(hash(back)).toBe(hash(space));
    const dna = randomDNA(dnaSpec(space), seededRng(5));
    const predict = (tree: TreeValue): number[] => {
      const model = build(materialize(tree, dna), { seed: 2 }) as Tfjs.Sequential;
      const out = tf.tidy(() => Array.from((model.predict(tf.randomNormal([2, 6, 2], 0, 1, 'float32', 3)) as Tfjs.Tensor).dataSync()));
      model.dispose();
      return out;
    };
    const a = predict(space);
    expect(a).toHaveLength(4);
    expect(predict(back)).toEqual(a);
  });
});
