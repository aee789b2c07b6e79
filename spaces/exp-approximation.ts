/**
 * Exp approximation (AutoNumerics-Zero's task): programs over {+, −, ×, ÷} and constants that
 * approximate `exp(x)` on [0, 1]. Fitness is −(maximum relative error) on a fixed grid of 101
 * points; the functional-hash probe is the program's values on that same grid, so two programs
 * with the same probe hash have the same fitness.
 *
 * ```ts
 * import { regularizedEvolution, search } from 'pliant';
 * import { expFitness, expProbe, expSpace } from './exp-approximation.js';
 *
 * const result = await search(expSpace(), (c) => expFitness(c), {
 *   algorithm: regularizedEvolution({ populationSize: 50, tournamentSize: 10, seed: 1 }),
 *   numTrials: 1000,
 *   dedupe: { hash: 'functional', probe: expProbe },
 * });
 * ```
 */
import { arithmeticOps, compileProgram, isProgram, parseProgram, PliantError, programDecision, programProbe } from 'pliant';
import type { OpName, Placeholder, Probe, Program, ProgramDecisionOptions, ProgramSignature } from 'pliant';

/**
 * The registers of an exp program: `x` is loaded into `s1`, the result is `s0`, and `s2`, `s3`
 * are scratch registers (every register not loaded starts at 0; `s1` may be overwritten too).
 * Few registers keep the space dense: the [2/2] Padé approximant fits in them.
 */
export const EXP_SIGNATURE: ProgramSignature = Object.freeze({ scalars: 4, vectors: 0, inputs: Object.freeze({ x: 's1' }), output: 's0' });

/** The ops of the space: `add`, `sub`, `mul`, `div` and `const`. */
export const EXP_OPS: readonly OpName[] = arithmeticOps;

/** The fitness grid: 101 evenly spaced points of [0, 1] (`i / 100`). */
export const EXP_GRID: readonly number[] = Object.freeze(Array.from({ length: 101 }, (_, i) => i / 100));

/**
 * The fitness of a program whose output is NaN or infinite anywhere on the grid, and the floor
 * of every fitness (a relative error above 1000 counts as 1000).
 */
export const EXP_WORST_FITNESS = -1000;

/** A candidate of {@link expSpace}: the materialized record holding the program. */
export interface ExpCandidate {
  readonly program: Program;
}

/** The text form of an exp program with {@link EXP_SIGNATURE}: `parseProgram` with that signature. */
export function expProgram(source: string): Program {
  return parseProgram(source, EXP_SIGNATURE);
}

/** The initial program: `1 + x` (degree-1 Taylor; maximum relative error 0.264, at x = 1). */
export const expInitialProgram: Program = expProgram(`
  s2 = 1
  s0 = s1 + s2
`);

/** The degree-3 Taylor polynomial `1 + x + x²/2 + x³/6` in Horner form (maximum relative error 0.0190, at x = 1). */
export const expTaylor3: Program = expProgram(`
  s2 = 0.16666666666666666
  s2 = s1 * s2
  s3 = 0.5
  s2 = s2 + s3
  s2 = s2 * s1
  s3 = 1
  s2 = s2 + s3
  s2 = s2 * s1
  s0 = s2 + s3
`);

/** The [2/2] Padé approximant `(12 + 6x + x²) / (12 − 6x + x²)` (maximum relative error 0.00147, at x = 1). */
export const expPade22: Program = expProgram(`
  s2 = s1 * s1
  s3 = 12
  s2 = s2 + s3
  s3 = 6
  s3 = s3 * s1
  s0 = s2 + s3
  s2 = s2 - s3
  s0 = s0 / s2
`);

/** Options of {@link expSpace}: the program decision's options besides its signature and ops. */
export type ExpSpaceOptions = Partial<Omit<ProgramDecisionOptions, 'ops'>>;

/**
 * The search space: `{ program }`, a program decision over {+, −, ×, ÷, const} with
 * {@link EXP_SIGNATURE}, starting from {@link expInitialProgram}, at most 16 instructions.
 * Random genomes (the first population of evolution) are the initial program after 1 to 3
 * mutations; mutations favour rewiring (modify-arg weight 2, modify-out 1) and constants move
 * by a log-normal factor of σ 0.3. Tuned for regularized evolution with a population of 50 and
 * tournaments of 10 over 300–1,000 evaluations. Any option but `ops` can be overridden.
 */
export function expSpace(options: ExpSpaceOptions = {}): { program: Placeholder<Program> } {
  return {
    program: programDecision({
      initial: expInitialProgram,
      maxInstructions: 16,
      random: 'initial',
      randomMutations: 3,
      weights: { 'modify-arg': 2, 'modify-out': 1 },
      constantSigma: 0.3,
      constants: [1, 2, 0.5, 3, 6],
      constantRange: [0.1, 10],
      name: 'program',
      ...options,
      ops: EXP_OPS,
    }),
  };
}

function programOf(candidate: Program | ExpCandidate, api: string): Program {
  if (isProgram(candidate)) return candidate;
  const inner = typeof candidate === 'object' && candidate !== null ? (candidate as { program?: unknown }).program : undefined;
  if (isProgram(inner)) return inner;
  throw new PliantError(api, 'argument', 'expected a pliant.Program or a candidate { program } of expSpace');
}

const EXP_VALUES: readonly number[] = EXP_GRID.map(Math.exp);

/**
 * The maximum relative error `|p(x) − eˣ| / eˣ` of a program over {@link EXP_GRID} (NaN when
 * the program's output is NaN at a grid point, Infinity when it is infinite).
 */
export function expMaxRelativeError(candidate: Program | ExpCandidate): number {
  const run = compileProgram(programOf(candidate, 'expMaxRelativeError'));
  const input = { x: 0 };
  let worst = 0;
  for (let i = 0; i < EXP_GRID.length; i++) {
    input.x = EXP_GRID[i] as number;
    const y = run(input) as number;
    if (!Number.isFinite(y)) return Number.isNaN(y) ? NaN : Infinity;
    const e = EXP_VALUES[i] as number;
    const err = Math.abs(y - e) / e;
    if (err > worst) worst = err;
  }
  return worst;
}

/**
 * The fitness of a program (or of a candidate `{ program }`): −(maximum relative error over
 * {@link EXP_GRID}), higher is better, 0 is exact. A program with a NaN or infinite output on
 * the grid, or an error above 1000, gets {@link EXP_WORST_FITNESS}.
 */
export function expFitness(candidate: Program | ExpCandidate): number {
  const err = expMaxRelativeError(candidate);
  if (!(err <= -EXP_WORST_FITNESS)) return EXP_WORST_FITNESS;
  return -err;
}

const gridProbe = programProbe<Program | ExpCandidate>({
  inputs: EXP_GRID.map((x) => ({ x })),
  select: (c) => programOf(c, 'expProbe'),
});

/**
 * The functional-hash probe of the space: the program's outputs on {@link EXP_GRID}, so equal
 * hashes (at 24 mantissa bits) mean fitnesses equal to about 1e-7. Takes a program or a
 * candidate `{ program }` (so it serves as `dedupe: { hash: 'functional', probe: expProbe }`).
 * A program with a NaN or infinite output on the grid is unhashable.
 */
export const expProbe: Probe<Program | ExpCandidate> = gridProbe;
