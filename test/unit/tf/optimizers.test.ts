import { beforeAll, describe, expect, it } from 'vitest';
import type * as Tfjs from '@tensorflow/tfjs';
import { build, dnaSpec, eq, floatv, fromJSON, iterate, materialize, oneOf, randomDNA, seededRng, toJSON } from '../../../src/index.js';
import type { TreeValue } from '../../../src/index.js';
import { loadTf } from '../../../src/tf/load-tf.js';
import { optimizerTypes, optimizers } from '../../../src/tf/optimizers.js';
import { errorOf } from '../../support/error-of.js';

beforeAll(async () => {
  await loadTf({ log: false });
});

/** Builds an optimizer node; returns its class name and config, and disposes it. */
function made(node: TreeValue): { className: string; config: Record<string, unknown> } {
  const optimizer = build(node) as Tfjs.Optimizer;
  try {
    return { className: optimizer.getClassName(), config: optimizer.getConfig() as Record<string, unknown> };
  } finally {
    optimizer.dispose();
  }
}

describe('optimizers', () => {
  it('build to the TensorFlow.js optimizer of the right class, with the arguments given', () => {
    const cases: [TreeValue, string, Record<string, unknown>][] = [
      [optimizers.sgd(0.1), 'SGD', { learningRate: 0.1 }],
      [optimizers.momentum(0.1, 0.9), 'Momentum', { learningRate: 0.1, momentum: 0.9, useNesterov: false }],
      [optimizers.momentum(0.1, 0.9, true), 'Momentum', { learningRate: 0.1, momentum: 0.9, useNesterov: true }],
      [optimizers.adam(0.01, 0.8, 0.99, 1e-6), 'Adam', { learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-6 }],
      [optimizers.rmsprop(0.01, 0.8, 0.1, 1e-6, true), 'RMSProp', { learningRate: 0.01, decay: 0.8, momentum: 0.1, epsilon: 1e-6, centered: true }],
      [optimizers.adagrad(0.2, 0.3), 'Adagrad', { learningRate: 0.2, initialAccumulatorValue: 0.3 }],
      [optimizers.adadelta(0.5, 0.9, 1e-5), 'Adadelta', { learningRate: 0.5, rho: 0.9, epsilon: 1e-5 }],
      [optimizers.adamax(0.01, 0.8, 0.99, 1e-6, 0.1), 'Adamax', { learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-6, decay: 0.1 }],
    ];
    for (const [node, className, config] of cases) {
      const got = made(node);
      expect(got.className).toBe(className);
      expect(got.config).toEqual(config);
    }
  });

  it("leave out arguments to TensorFlow.js's defaults", () => {
    expect(made(optimizers.adam()).config).toEqual({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: expect.any(Number) as unknown });
    expect(made(optimizers.adadelta()).config).toMatchObject({ learningRate: 0.001, rho: 0.95 });
    expect(made(optimizers.adam(undefined, 0.5)).config).toMatchObject({ learningRate: 0.001, beta1: 0.5 });
  });

  it('record positional arguments as named ones (only those given)', () => {
    expect(optimizers.adam(0.01, 0.8).args).toEqual({ learningRate: 0.01, beta1: 0.8 });
    expect(optimizers.adam().args).toEqual({});
    expect(eq(optimizers.adam(), optimizers.adam(undefined))).toBe(true);
    expect(optimizers.adam(undefined, 0.8).args).toEqual({ beta1: 0.8 });
    expect(optimizers.rmsprop(0.1, undefined, 0.5).args).toEqual({ learningRate: 0.1, momentum: 0.5 });
    expect(optimizers.momentum(0.1, 0.9, false).args).toEqual({ learningRate: 0.1, momentum: 0.9, useNesterov: false });
    const types: [TreeValue, keyof typeof optimizerTypes, string][] = [
      [optimizers.sgd(0.1), 'Sgd', 'tf.train.sgd'],
      [optimizers.momentum(0.1, 0.9), 'Momentum', 'tf.train.momentum'],
      [optimizers.adam(), 'Adam', 'tf.train.adam'],
      [optimizers.rmsprop(0.1), 'Rmsprop', 'tf.train.rmsprop'],
      [optimizers.adagrad(0.1), 'Adagrad', 'tf.train.adagrad'],
      [optimizers.adadelta(), 'Adadelta', 'tf.train.adadelta'],
      [optimizers.adamax(), 'Adamax', 'tf.train.adamax'],
    ];
    for (const [node, key, name] of types) {
      expect(optimizerTypes[key].is(node)).toBe(true);
      expect(optimizerTypes[key].typeName).toBe(name);
    }
  });

  it('take hyper values in any argument, which materialize and build', () => {
    const grid = [...iterate(optimizers.momentum(oneOf([0.1, 0.01]), 0.9, oneOf([false, true])))];
    expect(grid.map((node) => made(node).config)).toEqual([
      { learningRate: 0.1, momentum: 0.9, useNesterov: false },
      { learningRate: 0.1, momentum: 0.9, useNesterov: true },
      { learningRate: 0.01, momentum: 0.9, useNesterov: false },
      { learningRate: 0.01, momentum: 0.9, useNesterov: true },
    ]);
    const space = {
      optimizer: oneOf([optimizers.sgd(floatv(1e-3, 1e-1, { scale: 'log' })), optimizers.adam(floatv(1e-4, 1e-2, { scale: 'log' }), floatv(0.8, 0.95))]),
    };
    const back = fromJSON(JSON.parse(JSON.stringify(toJSON(space))) as unknown);
    expect(eq(back, space)).toBe(true);
    const rng = seededRng(3);
    const seen = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const concrete = materialize(space, randomDNA(dnaSpec(space), rng)) as { optimizer: { args: Record<string, number> } };
      const { className, config } = made(concrete.optimizer as unknown as TreeValue);
      seen.add(className);
      expect(config).toMatchObject(concrete.optimizer.args);
      expect(config.learningRate as number).toBeGreaterThanOrEqual(1e-4);
      expect(config.learningRate as number).toBeLessThanOrEqual(1e-1);
    }
    expect([...seen].sort()).toEqual(['Adam', 'SGD']);
  });

  it('reject invalid values with a PliantError naming the optimizer and the argument', () => {
    const bad: [() => unknown, string, string][] = [
      [() => optimizers.sgd(-1), 'tf.train.sgd', 'learningRate'],
      [() => optimizers.sgd(0), 'tf.train.sgd', 'learningRate'],
      [() => optimizers.sgd('0.1' as never), 'tf.train.sgd', 'learningRate'],
      [() => optimizers.momentum(0.1, -0.5), 'tf.train.momentum', 'momentum'],
      [() => optimizers.adam(0.01, 1), 'tf.train.adam', 'beta1'],
      [() => optimizers.adam(0.01, 0.9, 1.5), 'tf.train.adam', 'beta2'],
      [() => optimizers.adam(0.01, 0.9, 0.999, 0), 'tf.train.adam', 'epsilon'],
      [() => optimizers.rmsprop(0.1, 1), 'tf.train.rmsprop', 'decay'],
      [() => optimizers.rmsprop(0.1, 0.9, 0, 1e-7, 'yes' as never), 'tf.train.rmsprop', 'centered'],
      [() => optimizers.adagrad(0.1, -1), 'tf.train.adagrad', 'initialAccumulatorValue'],
      [() => optimizers.adadelta(0.1, 1), 'tf.train.adadelta', 'rho'],
      [() => optimizers.adamax(0.1, 0.9, 0.999, 1e-7, -1), 'tf.train.adamax', 'decay'],
      [() => optimizers.adam(oneOf([0.01, -1])), 'tf.train.adam', 'learningRate'],
      [() => optimizers.sgd(floatv(-1, 1)), 'tf.train.sgd', 'learningRate'],
    ];
    for (const [f, type, key] of bad) {
      const error = errorOf(f);
      expect(error.code, `${type} ${key}`).toBe('schema');
      expect(error.message).toContain(type);
      expect(error.path).toBe(key);
    }
  });
});
