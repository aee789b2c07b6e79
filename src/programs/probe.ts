import type { Rng } from '../base/rng.js';
import type { Probe, ProbeContext } from '../hashing/functional-hash.js';
import { PliantError } from '../base/errors.js';
import { compileProgram, compiled } from './run.js';
import type { ProgramInputs, ProgramOutput } from './compile.js';
import { isProgram } from './program.js';
import type { Program } from './program.js';

/** Options of {@link programProbe}; `C` is the candidate type (default: a program). */
export interface ProgramProbeOptions<C = Program> {
  /** Fixed input records to run the program on (then nothing is drawn). */
  readonly inputs?: readonly ProgramInputs[];
  /**
   * Draws one input record from the probe's seeded generator: called `count` times (index 0,
   * 1, ...) with the generator the probe context gives, once per seed: the records are kept and
   * reused for every program probed with that seed, so a draw must depend only on the generator
   * and the index. Default: every scalar input a standard normal deviate, every vector input
   * `vectorLength` of them (for the inputs of the program probed).
   */
  readonly draw?: (rng: Rng, index: number) => ProgramInputs;
  /** How many input records are drawn (default 16). */
  readonly count?: number;
  /** The length of vector inputs of the default draw (default 8). */
  readonly vectorLength?: number;
  /** The program of a candidate that is not itself a program (`(c) => c.program`). */
  readonly select?: (candidate: C) => Program;
}

function normal(rng: Rng): number {
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/**
 * A `Probe` for `functionalHash` (and the `dedupe` option of `search`): runs the program on each
 * input record (given, or drawn from the probe context's seeded generator) and returns all its
 * outputs in one `Float64Array` (vector outputs laid end to end). Programs that compute the same
 * function on those inputs (`s0 = s1 * 2` and `s0 = s1 + s1`) hash equal; a program with a NaN
 * or infinite output is unhashable (`functionalHash` gives `undefined`). Choose the inputs where
 * the programs will be used (the fitness grid, gradient scales, ...) so that equal outputs mean
 * equal fitness. Drawn inputs never hit a single point: programs that differ only there hash
 * equal (`sign(x * x)` and `exp(0)` differ at x = 0 alone), so give `inputs` that include the
 * points where the fitness looks (0, the grid's ends).
 *
 * ```ts
 * const probe = programProbe({ inputs: grid.map((x) => ({ x })) });
 * functionalHash(program, probe); // 32 hex digits, or undefined
 * ```
 */
export function programProbe<C = Program>(options: ProgramProbeOptions<C> = {}): Probe<C | Program> {
  const api = 'programProbe';
  if (typeof options !== 'object' || options === null) throw new PliantError(api, 'argument', 'options must be a record');
  const fixed = options.inputs;
  if (fixed !== undefined) {
    if (!Array.isArray(fixed) || fixed.length === 0)
      throw new PliantError(api, 'argument', 'inputs must be a non-empty list of input records', { path: 'inputs' });
    if (options.draw !== undefined) throw new PliantError(api, 'argument', 'give inputs or draw, not both', { path: 'draw' });
  }
  if (options.draw !== undefined && typeof options.draw !== 'function')
    throw new PliantError(api, 'argument', 'draw must be a function (rng, index, program) => inputs', { path: 'draw' });
  const count = options.count ?? 16;
  if (!Number.isInteger(count) || count < 1)
    throw new PliantError(api, 'argument', `count must be a positive integer, found ${String(count)}`, { path: 'count' });
  const vectorLength = options.vectorLength ?? 8;
  if (!Number.isInteger(vectorLength) || vectorLength < 1)
    throw new PliantError(api, 'argument', `vectorLength must be a positive integer, found ${String(vectorLength)}`, { path: 'vectorLength' });
  const select = options.select;
  if (select !== undefined && typeof select !== 'function')
    throw new PliantError(api, 'argument', 'select must be a function (candidate) => program', { path: 'select' });
  const defaultDraw =
    (slots: readonly { name: string; vector: boolean }[]) =>
    (rng: Rng): ProgramInputs => {
      const out: Record<string, number | Float64Array> = {};
      for (const slot of slots) {
        if (slot.vector) {
          const v = new Float64Array(vectorLength);
          for (let i = 0; i < vectorLength; i++) v[i] = normal(rng);
          out[slot.name] = v;
        } else {
          out[slot.name] = normal(rng);
        }
      }
      return out;
    };
  // Drawn records by seed (and, for the default draw, by the inputs drawn): drawing costs more
  // than running a program, and the same seed always gives the same records.
  const drawn = new Map<string, readonly ProgramInputs[]>();
  const recordsFor = (program: Program, context: ProbeContext): readonly ProgramInputs[] => {
    if (fixed !== undefined) return fixed;
    const slots = options.draw === undefined ? compiled(program).inputs : undefined;
    const key = slots === undefined ? String(context.seed) : `${context.seed}|${slots.map((s) => `${s.name}:${s.vector ? 'v' : 's'}`).join(',')}`;
    let records = drawn.get(key);
    if (records === undefined) {
      const draw = options.draw ?? defaultDraw(slots ?? []);
      records = Object.freeze(Array.from({ length: count }, (_, i) => draw(context.rng, i)));
      if (drawn.size >= 64) drawn.delete(drawn.keys().next().value as string);
      drawn.set(key, records);
    }
    return records;
  };
  return (candidate: C | Program, context: ProbeContext): Float64Array => {
    const program = isProgram(candidate) ? candidate : select !== undefined ? select(candidate as C) : undefined;
    if (!isProgram(program)) throw new PliantError(api, 'argument', 'the candidate is not a pliant.Program: give select: (candidate) => program');
    const run = compileProgram(program);
    const records = recordsFor(program, context);
    const outputs: ProgramOutput[] = [];
    let total = 0;
    for (const record of records) {
      const y = run(record);
      outputs.push(y);
      total += typeof y === 'number' ? 1 : y.length;
    }
    const flat = new Float64Array(total);
    let at = 0;
    for (const y of outputs) {
      if (typeof y === 'number') flat[at++] = y;
      else {
        flat.set(y, at);
        at += y.length;
      }
    }
    return flat;
  };
}
