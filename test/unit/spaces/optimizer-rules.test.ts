import { describe, expect, it } from 'vitest';
import { FunctionalCache, PliantError, encode, functionalHash, materialize, memoryStorage, regularizedEvolution, runProgram, sample, toSource } from 'pliant';
import type { Program } from 'pliant';
import {
  OPTIMIZER_LR,
  OPTIMIZER_STEPS,
  OPTIMIZER_WORST_FITNESS,
  adam,
  irisProblem,
  lion,
  optimizerFitness,
  optimizerProbe,
  optimizerProgram,
  optimizerSpace,
  sgd,
  sgdMomentum,
  trainWithRule,
} from '../../../spaces/optimizer-rules.js';

/** A hand-written optimizer: state and one step `w ← step(w, g, t)`. */
type Reference = (w: Float64Array, g: Float64Array, t: number) => void;

function referenceSgd(lr: number): Reference {
  return (w, g) => w.forEach((_, i) => (w[i] = (w[i] as number) - lr * (g[i] as number)));
}

/** PyTorch's SGD with momentum: buf ← μ buf + g; w ← w − lr buf. */
function referenceMomentum(lr: number, mu = 0.9): Reference {
  let buf: Float64Array | undefined;
  return (w, g) => {
    buf ??= new Float64Array(w.length);
    for (let i = 0; i < w.length; i++) {
      buf[i] = mu * (buf[i] as number) + (g[i] as number);
      w[i] = (w[i] as number) - lr * (buf[i] as number);
    }
  };
}

/** Kingma & Ba's Adam. */
function referenceAdam(lr: number, b1 = 0.9, b2 = 0.999, eps = 1e-8): Reference {
  let m: Float64Array | undefined;
  let v: Float64Array | undefined;
  return (w, g, t) => {
    m ??= new Float64Array(w.length);
    v ??= new Float64Array(w.length);
    for (let i = 0; i < w.length; i++) {
      const gi = g[i] as number;
      m[i] = b1 * (m[i] as number) + (1 - b1) * gi;
      v[i] = b2 * (v[i] as number) + (1 - b2) * gi * gi;
      const mHat = (m[i] as number) / (1 - b1 ** t);
      const vHat = (v[i] as number) / (1 - b2 ** t);
      w[i] = (w[i] as number) - (lr * mHat) / (Math.sqrt(vHat) + eps);
    }
  };
}

/** Chen et al.'s Lion (no weight decay). */
function referenceLion(lr: number, b1 = 0.9, b2 = 0.99): Reference {
  let m: Float64Array | undefined;
  return (w, g) => {
    m ??= new Float64Array(w.length);
    for (let i = 0; i < w.length; i++) {
      const gi = g[i] as number;
      const c = b1 * (m[i] as number) + (1 - b1) * gi;
      w[i] = (w[i] as number) - lr * Math.sign(c);
      m[i] = b2 * (m[i] as number) + (1 - b2) * gi;
    }
  };
}

function referenceRun(step: Reference, steps: number): Float64Array[] {
  const pb = irisProblem();
  const w = pb.initialWeights();
  const g = new Float64Array(pb.numParams);
  const out: Float64Array[] = [];
  for (let t = 1; t <= steps; t++) {
    pb.lossAndGradient(w, g);
    step(w, g, t);
    out.push(w.slice());
  }
  return out;
}

describe('optimizer update rules space', () => {
  it('expresses SGD, SGD with momentum, Adam and Lion (encode succeeds)', () => {
    const space = optimizerSpace();
    for (const program of [sgd, sgdMomentum, adam, lion]) {
      const dna = encode(space, { program });
      expect((materialize(space, dna) as { program: Program }).program.toJSON()).toEqual(program.toJSON());
    }
    expect(toSource(adam, { header: false })).toBe(
      ['v5 = v2 / s1', 'v5 = sqrt(v5)', 's2 = 1e-8', 'v5 = v5 + s2', 'v0 = v1 / s0', 'v0 = v0 / v5', 'return v0'].join('\n'),
    );
  });

  it('each built-in rule matches a hand-written reference implementation step by step', () => {
    const cases: [string, Program, Reference][] = [
      ['sgd', sgd, referenceSgd(OPTIMIZER_LR)],
      ['momentum', sgdMomentum, referenceMomentum(OPTIMIZER_LR)],
      ['adam', adam, referenceAdam(OPTIMIZER_LR)],
      ['lion', lion, referenceLion(OPTIMIZER_LR)],
    ];
    for (const [name, program, reference] of cases) {
      const ours = trainWithRule(program, { steps: 5 }).weights;
      const theirs = referenceRun(reference, 5);
      expect(ours, name).toHaveLength(5);
      ours.forEach((w, t) => w.forEach((x, i) => expect(Math.abs(x - (theirs[t]?.[i] as number)), `${name} step ${t + 1} weight ${i}`).toBeLessThan(1e-12)));
    }
    // The references differ from one another, so the comparison can fail.
    const adamW = referenceRun(referenceAdam(OPTIMIZER_LR), 3)[2] as Float64Array;
    const lionW = referenceRun(referenceLion(OPTIMIZER_LR), 3)[2] as Float64Array;
    expect(Math.max(...adamW.map((x, i) => Math.abs(x - (lionW[i] as number))))).toBeGreaterThan(1e-3);
  });

  it('Adam, Lion and momentum train better than plain SGD at the space learning rate', () => {
    const f = { sgd: optimizerFitness(sgd), momentum: optimizerFitness(sgdMomentum), adam: optimizerFitness(adam), lion: optimizerFitness(lion) };
    expect(f.sgd).toBeCloseTo(-0.3271, 3);
    expect(f.momentum).toBeGreaterThan(f.sgd);
    expect(f.adam).toBeGreaterThan(f.sgd);
    expect(f.lion).toBeGreaterThan(f.adam);
    const losses = trainWithRule(adam).losses;
    expect(losses).toHaveLength(OPTIMIZER_STEPS + 1);
    expect(losses[0]).toBeGreaterThan(1); // about ln 3
    expect(losses[OPTIMIZER_STEPS]).toBeCloseTo(-f.adam, 12);
  });

  it('the iris gradient matches finite differences', () => {
    const pb = irisProblem();
    expect([pb.samples, pb.classes, pb.features, pb.numParams]).toEqual([150, 3, 5, 15]);
    const w = pb.initialWeights().map((x, i) => x + 0.1 * Math.sin(i));
    const g = new Float64Array(15);
    pb.lossAndGradient(w, g);
    for (let i = 0; i < 15; i++) {
      const h = 1e-6;
      const up = w.slice();
      const down = w.slice();
      up[i] = (up[i] as number) + h;
      down[i] = (down[i] as number) - h;
      expect((pb.lossAndGradient(up) - pb.lossAndGradient(down)) / (2 * h)).toBeCloseTo(g[i] as number, 6);
    }
  });

  it('gives the worst fitness to diverging rules', () => {
    expect(optimizerFitness(optimizerProgram('v0 = v0 / v3'))).toBe(OPTIMIZER_WORST_FITNESS); // u = 0 at step 1: g / 0
    expect(optimizerFitness(optimizerProgram('s2 = -1000; v0 = s2 * v0'))).toBe(OPTIMIZER_WORST_FITNESS); // ascent
    expect(trainWithRule(optimizerProgram('v0 = sqrt(v0)')).diverged).toBe(true);
    expect(() => optimizerFitness({} as never)).toThrow(PliantError);
  });

  it('its probe equates rewritings of a rule and tells rules apart', () => {
    // m / (bc1 · (ε + sqrt(v / bc2))): Adam with other registers, order and rounding, and dead code.
    const adam2 = optimizerProgram(`
      s3 = 1e-8
      v5 = v2 / s1
      v5 = sqrt(v5)
      v5 = s3 + v5
      v5 = v5 * s0
      v0 = v1 / v5
      v4 = v4 * v4   // dead
    `);
    expect(functionalHash(adam2, optimizerProbe)).toBe(functionalHash(adam, optimizerProbe));
    expect(functionalHash({ program: adam2 }, optimizerProbe)).toBe(functionalHash(adam, optimizerProbe));
    expect(optimizerFitness(adam2)).toBeCloseTo(optimizerFitness(adam), 12);
    const hashes = [sgd, sgdMomentum, adam, lion].map((p) => functionalHash(p, optimizerProbe));
    expect(new Set(hashes).size).toBe(4);
    expect(hashes.every((h) => typeof h === 'string')).toBe(true);
    // Adam with a larger ε is another function (seen on the probe's small second moments).
    expect(functionalHash(optimizerProgram(toSource(adam).replace('1e-8', '1e-3')), optimizerProbe)).not.toBe(hashes[2]);
    // The probe includes training's first step, where u is exactly 0: a rule dividing by u is
    // NaN there (training diverges) even though it is 0 wherever u ≠ 0, like a zero update.
    const zero = optimizerProgram('v0 = -v5');
    const byU = optimizerProgram('v0 = s2 / v3');
    expect(optimizerFitness(zero)).not.toBe(optimizerFitness(byU));
    expect(functionalHash(byU, optimizerProbe)).not.toBe(functionalHash(zero, optimizerProbe));
    // sign(m) and sign(v + m) agree while |m| ≫ v, but not late in training, when m is small and
    // v remembers early gradients: the probe's decaying histories and recorded states see that.
    const signM = optimizerProgram('v0 = sign(v1)');
    const signVM = optimizerProgram('v5 = v2 + v1; v0 = sign(v5)');
    expect(Math.abs(optimizerFitness(signM) - optimizerFitness(signVM))).toBeGreaterThan(1e-5);
    expect(functionalHash(signVM, optimizerProbe)).not.toBe(functionalHash(signM, optimizerProbe));
    expect(runProgram(sgd, { g: [1, 2], m: [0, 0], v: [0, 0], u: [0, 0], w: [0, 0], bc1: 1, bc2: 1 })).toEqual(new Float64Array([1, 2]));
  });

  it('has no functional-hash collisions over an evolution run, and many duplicates', async () => {
    const cache = new FunctionalCache({ counterfactual: true, epsilon: 1e-9 });
    let evaluations = 0;
    for await (const [c, feedback] of sample(optimizerSpace(), regularizedEvolution({ populationSize: 30, tournamentSize: 5, seed: 2 }), {
      numTrials: 250,
      storage: memoryStorage(),
      dedupe: { hash: 'functional', probe: optimizerProbe, cache },
    })) {
      evaluations++;
      await feedback.done(optimizerFitness(c));
    }
    expect(evaluations).toBe(250);
    expect(cache.stats.hits).toBeGreaterThan(125);
    expect(cache.stats.collisions).toBe(0);
  });
});
