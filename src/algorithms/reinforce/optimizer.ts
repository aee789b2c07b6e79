/**
 * @internal The optimizers of the REINFORCE controller's parameters: plain gradient ascent, and
 * Adam. Both are lazy: a step moves only the parameters that received a gradient since the last
 * step (the decisions present in the batch's DNAs), so a conditional decision that was absent
 * keeps its parameters, Adam moments included.
 */

/** Which optimizer the controller uses. */
export type ReinforceOptimizer = 'adam' | 'sgd';

/** @internal One ascent step on `params` along `grad` (the mean gradient of a batch). */
export interface Optimizer {
  /** Adds a step along `grad` to `params` at the entries with `touched[i]` set. */
  step(params: Float64Array, grad: Float64Array, touched: Uint8Array, learningRate: number): void;
}

/** @internal Plain stochastic gradient ascent: θ ← θ + lr·g. */
export function sgdOptimizer(): Optimizer {
  return {
    step(params, grad, touched, learningRate) {
      for (let i = 0; i < params.length; i++) if (touched[i] === 1) params[i] = (params[i] as number) + learningRate * (grad[i] as number);
    },
  };
}

/**
 * @internal Adam (Kingma and Ba 2015; β₁ 0.9, β₂ 0.999, ε 1e-8) as ascent, lazy: each entry has
 * its own step count for the bias correction, advanced only when the entry is touched.
 */
export function adamOptimizer(size: number, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8): Optimizer {
  const m = new Float64Array(size);
  const v = new Float64Array(size);
  const t = new Float64Array(size);
  return {
    step(params, grad, touched, learningRate) {
      for (let i = 0; i < params.length; i++) {
        if (touched[i] !== 1) continue;
        const g = grad[i] as number;
        const steps = (t[i] as number) + 1;
        t[i] = steps;
        const mi = beta1 * (m[i] as number) + (1 - beta1) * g;
        const vi = beta2 * (v[i] as number) + (1 - beta2) * g * g;
        m[i] = mi;
        v[i] = vi;
        const mHat = mi / (1 - beta1 ** steps);
        const vHat = vi / (1 - beta2 ** steps);
        params[i] = (params[i] as number) + (learningRate * mHat) / (Math.sqrt(vHat) + epsilon);
      }
    },
  };
}
