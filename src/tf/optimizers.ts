/**
 * The symbolic mirror of `tf.train`'s optimizers, with the same positional arguments
 * (`optimizers.adam(0.001, 0.9, 0.999)` like `tf.train.adam(0.001, 0.9, 0.999)`), recorded as
 * named arguments so hyper values can go in any of them:
 * `optimizers.adam(floatv(1e-4, 1e-2, { scale: 'log' }))`.
 */
import { z } from 'zod';
import { loadedTf } from './load-tf.js';
import { symbolize } from '../symbolic/symbolize.js';
import type { Loose, SymbolicFactory } from '../symbolic/symbolize.js';
import type { SymbolicNode } from '../symbolic/node.js';
import type * as Tfjs from '@tensorflow/tfjs';

const rate = z.number().positive();
const unit = z.number().min(0).lt(1);
const positive = z.number().positive();

/** Arguments of the `sgd` optimizer node. */
export interface SgdArgs {
  learningRate: number;
}
/** Arguments of the `momentum` optimizer node. */
export interface MomentumArgs {
  learningRate: number;
  momentum: number;
  useNesterov?: boolean;
}
/** Arguments of the `adam` optimizer node. */
export interface AdamArgs {
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}
/** Arguments of the `rmsprop` optimizer node. */
export interface RmspropArgs {
  learningRate: number;
  decay?: number;
  momentum?: number;
  epsilon?: number;
  centered?: boolean;
}
/** Arguments of the `adagrad` optimizer node. */
export interface AdagradArgs {
  learningRate: number;
  initialAccumulatorValue?: number;
}
/** Arguments of the `adadelta` optimizer node. */
export interface AdadeltaArgs {
  learningRate?: number;
  rho?: number;
  epsilon?: number;
}
/** Arguments of the `adamax` optimizer node. */
export interface AdamaxArgs {
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  decay?: number;
}

type Train = Record<string, (...a: unknown[]) => Tfjs.Optimizer>;
const train = (): Train => loadedTf('build').train as unknown as Train;

const Sgd = symbolize('tf.train.sgd', (a: SgdArgs) => train().sgd?.(a.learningRate) as Tfjs.Optimizer, { schema: z.object({ learningRate: rate }).strict() });
const Momentum = symbolize('tf.train.momentum', (a: MomentumArgs) => train().momentum?.(a.learningRate, a.momentum, a.useNesterov) as Tfjs.Optimizer, {
  schema: z.object({ learningRate: rate, momentum: z.number().min(0), useNesterov: z.boolean().optional() }).strict(),
});
const Adam = symbolize('tf.train.adam', (a: AdamArgs) => train().adam?.(a.learningRate, a.beta1, a.beta2, a.epsilon) as Tfjs.Optimizer, {
  schema: z.object({ learningRate: rate.optional(), beta1: unit.optional(), beta2: unit.optional(), epsilon: positive.optional() }).strict(),
});
const Rmsprop = symbolize(
  'tf.train.rmsprop',
  (a: RmspropArgs) => train().rmsprop?.(a.learningRate, a.decay, a.momentum, a.epsilon, a.centered) as Tfjs.Optimizer,
  {
    schema: z
      .object({
        learningRate: rate,
        decay: unit.optional(),
        momentum: z.number().min(0).optional(),
        epsilon: positive.optional(),
        centered: z.boolean().optional(),
      })
      .strict(),
  },
);
const Adagrad = symbolize('tf.train.adagrad', (a: AdagradArgs) => train().adagrad?.(a.learningRate, a.initialAccumulatorValue) as Tfjs.Optimizer, {
  schema: z.object({ learningRate: rate, initialAccumulatorValue: z.number().positive().optional() }).strict(),
});
const Adadelta = symbolize('tf.train.adadelta', (a: AdadeltaArgs) => train().adadelta?.(a.learningRate, a.rho, a.epsilon) as Tfjs.Optimizer, {
  schema: z.object({ learningRate: rate.optional(), rho: unit.optional(), epsilon: positive.optional() }).strict(),
});
const Adamax = symbolize('tf.train.adamax', (a: AdamaxArgs) => train().adamax?.(a.learningRate, a.beta1, a.beta2, a.epsilon, a.decay) as Tfjs.Optimizer, {
  schema: z
    .object({
      learningRate: rate.optional(),
      beta1: unit.optional(),
      beta2: unit.optional(),
      epsilon: positive.optional(),
      decay: z.number().min(0).optional(),
    })
    .strict(),
});

/** An optimizer node (its args type keeps it a `TreeValue`, so `build(optimizers.adam())` type-checks). */
type Node<A> = SymbolicNode<A, Tfjs.Optimizer>;
type L<T> = Loose<T>;

/** Records only the arguments given (so `adam()` and `adam(undefined)` are the same node). */
function given<T extends object>(record: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) if (v !== undefined) out[k] = v;
  return out as T;
}

/**
 * The symbolic optimizers, by their `tf.train` names and positional arguments. Each builds (after
 * `loadTf`) to the real `tf.Optimizer`.
 */
export const optimizers = Object.freeze({
  /** `tf.train.sgd(learningRate)`. */
  sgd: (learningRate: L<number>): Node<SgdArgs> => Sgd(given({ learningRate })),
  /** `tf.train.momentum(learningRate, momentum, useNesterov?)`. */
  momentum: (learningRate: L<number>, momentum: L<number>, useNesterov?: L<boolean>): Node<MomentumArgs> =>
    Momentum(given({ learningRate, momentum, useNesterov })),
  /** `tf.train.adam(learningRate?, beta1?, beta2?, epsilon?)`. */
  adam: (learningRate?: L<number>, beta1?: L<number>, beta2?: L<number>, epsilon?: L<number>): Node<AdamArgs> =>
    Adam(given({ learningRate, beta1, beta2, epsilon })),
  /** `tf.train.rmsprop(learningRate, decay?, momentum?, epsilon?, centered?)`. */
  rmsprop: (learningRate: L<number>, decay?: L<number>, momentum?: L<number>, epsilon?: L<number>, centered?: L<boolean>): Node<RmspropArgs> =>
    Rmsprop(given({ learningRate, decay, momentum, epsilon, centered })),
  /** `tf.train.adagrad(learningRate, initialAccumulatorValue?)`. */
  adagrad: (learningRate: L<number>, initialAccumulatorValue?: L<number>): Node<AdagradArgs> => Adagrad(given({ learningRate, initialAccumulatorValue })),
  /** `tf.train.adadelta(learningRate?, rho?, epsilon?)`. */
  adadelta: (learningRate?: L<number>, rho?: L<number>, epsilon?: L<number>): Node<AdadeltaArgs> => Adadelta(given({ learningRate, rho, epsilon })),
  /** `tf.train.adamax(learningRate?, beta1?, beta2?, epsilon?, decay?)`. */
  adamax: (learningRate?: L<number>, beta1?: L<number>, beta2?: L<number>, epsilon?: L<number>, decay?: L<number>): Node<AdamaxArgs> =>
    Adamax(given({ learningRate, beta1, beta2, epsilon, decay })),
});

/** The symbolic optimizer types (for `query`, `is`, and JSON). */
export const optimizerTypes = Object.freeze({ Sgd, Momentum, Adam, Rmsprop, Adagrad, Adadelta, Adamax });
