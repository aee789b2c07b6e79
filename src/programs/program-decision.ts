/**
 * The program decision point: a custom decision whose genome is a program's JSON text, so every
 * search algorithm (random search, regularized evolution, ...) can search over programs.
 */
import { defineDecision } from '../hyper/custom.js';
import type { RandomSource } from '../hyper/custom.js';
import type { HyperOptions } from '../hyper/hyper-value.js';
import { PliantError } from '../base/errors.js';
import { fromJSONString, toJSONString } from '../symbolic/json.js';
import { SymbolicNode } from '../symbolic/node.js';
import type { Placeholder, TreeValue } from '../symbolic/node.js';
import { mutateProgram, randomProgram, resolveOptions } from './mutate.js';
import type { ProgramMutationOptions, Resolved } from './mutate.js';
import { isProgram, signatureOf } from './program.js';
import type { Program } from './program.js';

/** Options of {@link programDecision}. */
export interface ProgramDecisionOptions extends ProgramMutationOptions, HyperOptions {
  /** The first program (the decision's first genome); its signature is the signature of every program of the decision. */
  readonly initial: Program;
  /**
   * How a random genome is drawn (random search, and the first population of evolution):
   * `'program'` (default): a random program of `randomLength` instructions; `'initial'`: the
   * initial program after 1 to `randomMutations` random mutations (PyGlove's `evolve` starts
   * from the initial value the same way).
   */
  readonly random?: 'program' | 'initial';
  /** The length range of random programs (default `[1, min(8, maxInstructions)]`). */
  readonly randomLength?: readonly [number, number];
  /** The most mutations of a random genome drawn with `random: 'initial'` (default 3). */
  readonly randomMutations?: number;
}

interface DecisionState {
  readonly initial: Program;
  readonly first: string;
  readonly mutation: Resolved;
  readonly options: ProgramMutationOptions;
  readonly random: 'program' | 'initial';
  readonly randomLength: readonly [number, number];
  readonly randomMutations: number;
}

const API = 'programDecision';
const STATES = new WeakMap<SymbolicNode, DecisionState>();

const CONFIG_KEYS = [
  'initial',
  'ops',
  'maxInstructions',
  'minInstructions',
  'weights',
  'constantSigma',
  'constants',
  'constantRange',
  'random',
  'randomLength',
  'randomMutations',
] as const;

/** Why `program` is not a member of the decision, or `undefined` when it is. */
function misfit(program: Program, s: DecisionState): string | undefined {
  const a = program.args;
  const want = signatureOf(s.initial);
  const have = signatureOf(program);
  if (have.scalars !== want.scalars || have.vectors !== want.vectors || have.output !== want.output) {
    return `its registers (${have.scalars} scalar, ${have.vectors} vector, output ${have.output}) differ from the decision's (${want.scalars} scalar, ${want.vectors} vector, output ${want.output})`;
  }
  const wi = Object.entries(want.inputs).sort().join(';');
  const hi = Object.entries(have.inputs).sort().join(';');
  if (wi !== hi) return `its inputs (${hi.replace(/,/g, '=')}) differ from the decision's (${wi.replace(/,/g, '=')})`;
  const n = a.instructions.length;
  if (n > s.mutation.maxInstructions || n < s.mutation.minInstructions) {
    return `it has ${n} instructions, outside the decision's [${s.mutation.minInstructions}, ${s.mutation.maxInstructions}]`;
  }
  for (let i = 0; i < n; i++) {
    const op = (a.instructions[i] as SymbolicNode<{ op: string }>).args.op;
    if (!(s.mutation.ops as readonly string[]).includes(op))
      return `instruction ${i} uses op '${op}', not one of the decision's ops (${s.mutation.ops.join(', ')})`;
  }
  return undefined;
}

function resolveConfig(config: unknown, api: string): DecisionState {
  if (typeof config !== 'object' || config === null || Array.isArray(config) || config instanceof SymbolicNode) {
    throw new PliantError(api, 'argument', 'options must be a record with an initial program');
  }
  const c = config as Record<string, unknown>;
  for (const key of Object.keys(c)) {
    if (!(CONFIG_KEYS as readonly string[]).includes(key))
      throw new PliantError(api, 'argument', `unknown option '${key}' (options: ${CONFIG_KEYS.join(', ')}, name)`, { path: key });
  }
  const initial = c.initial;
  if (!isProgram(initial))
    throw new PliantError(api, 'argument', 'options.initial must be a pliant.Program (the first program; it fixes the signature)', { path: 'initial' });
  const options = c as unknown as ProgramMutationOptions;
  const mutation = resolveOptions(options, api);
  const random = c.random ?? 'program';
  if (random !== 'program' && random !== 'initial')
    throw new PliantError(api, 'argument', `random must be 'program' or 'initial', found ${String(random)}`, { path: 'random' });
  const defaultLength: [number, number] = [Math.min(1, mutation.maxInstructions), Math.min(8, mutation.maxInstructions)];
  const randomLength = (c.randomLength ?? defaultLength) as readonly [number, number];
  if (
    !Array.isArray(randomLength) ||
    randomLength.length !== 2 ||
    !Number.isInteger(randomLength[0]) ||
    !Number.isInteger(randomLength[1]) ||
    randomLength[0] < mutation.minInstructions ||
    randomLength[1] < randomLength[0] ||
    randomLength[1] > mutation.maxInstructions
  ) {
    throw new PliantError(
      api,
      'argument',
      `randomLength must be [min, max], integers within [minInstructions, maxInstructions] = [${mutation.minInstructions}, ${mutation.maxInstructions}]`,
      { path: 'randomLength' },
    );
  }
  const randomMutations = c.randomMutations ?? 3;
  if (typeof randomMutations !== 'number' || !Number.isInteger(randomMutations) || randomMutations < 1) {
    throw new PliantError(api, 'argument', `randomMutations must be a positive integer, found ${String(randomMutations)}`, { path: 'randomMutations' });
  }
  const state: DecisionState = {
    initial,
    first: toJSONString(initial),
    mutation,
    options,
    random,
    randomLength: [randomLength[0], randomLength[1]],
    randomMutations,
  };
  const why = misfit(initial, state);
  if (why !== undefined) throw new PliantError(api, 'argument', `the initial program is not in the decision's space: ${why}`, { path: 'initial' });
  return state;
}

function stateOf(node: SymbolicNode): DecisionState {
  let s = STATES.get(node);
  if (s === undefined) {
    s = resolveConfig((node.args as { config?: TreeValue }).config, API);
    STATES.set(node, s);
  }
  return s;
}

// Decoded genomes, most recent last: a genome seen again gives the same program node, so the
// memoised compilation and hashes of that node are reused.
const DECODED = new Map<string, Program>();
const DECODED_MAX = 4096;

function parse(genome: string): Program {
  const hit = DECODED.get(genome);
  if (hit !== undefined) {
    DECODED.delete(genome);
    DECODED.set(genome, hit);
    return hit;
  }
  if (typeof genome !== 'string') throw new PliantError(API, 'argument', `a program genome is a JSON string, found ${typeof genome}`);
  let value: TreeValue;
  try {
    value = fromJSONString(genome);
  } catch (error) {
    if (error instanceof PliantError) throw new PliantError(API, error.code, `cannot decode the genome: ${error.message}`, { path: error.path, cause: error });
    throw error;
  }
  if (!isProgram(value)) throw new PliantError(API, 'argument', 'the genome is not the JSON of a pliant.Program');
  remember(genome, value);
  return value;
}

function member(program: Program, s: DecisionState, what: string): Program {
  const why = misfit(program, s);
  if (why !== undefined) throw new PliantError(API, 'argument', `${what} is not a program of this decision: ${why}`);
  return program;
}

function remember(genome: string, program: Program): void {
  DECODED.set(genome, program);
  if (DECODED.size > DECODED_MAX) DECODED.delete(DECODED.keys().next().value as string);
}

/** The genome of a program; the program is remembered as its decoding (no JSON parse when it comes back). */
function genomeOf(program: Program): string {
  const genome = toJSONString(program);
  if (!DECODED.has(genome)) remember(genome, program);
  return genome;
}

const definition = defineDecision<Program>({
  name: 'pliant.ProgramDecision',
  first: (node) => stateOf(node).first,
  random(rng: RandomSource, node) {
    const s = stateOf(node);
    if (s.random === 'initial') {
      const k = 1 + Math.floor(rng() * s.randomMutations);
      let p = s.initial;
      for (let i = 0; i < k; i++) p = mutateProgram(p, rng, s.options);
      return genomeOf(p);
    }
    const a = signatureOf(s.initial);
    return genomeOf(randomProgram({ ...s.options, ...a, length: s.randomLength }, rng));
  },
  mutate(genome, rng, node) {
    const s = stateOf(node);
    const program = member(parse(genome), s, 'the genome to mutate');
    return genomeOf(mutateProgram(program, rng, s.options));
  },
  decode(genome, node) {
    return member(parse(genome), stateOf(node), 'the genome');
  },
  encode(value, node) {
    if (!isProgram(value))
      throw new PliantError(API, 'argument', `expected a pliant.Program, found ${value instanceof SymbolicNode ? `a ${value.typeName} node` : typeof value}`);
    return genomeOf(member(value, stateOf(node), 'the value'));
  },
});

/**
 * A decision point over programs: a custom decision (see `defineDecision`) whose genome is the
 * program's JSON text. Its first genome is `initial`; random search draws random programs (or
 * mutated initial programs, `random: 'initial'`); evolution mutates genomes with
 * `mutateProgram` (insert, delete, modify an instruction, perturb a constant), so regularized
 * evolution evolves programs AutoML-Zero style. Every program of the decision has the initial
 * program's signature, only `ops`, and `minInstructions` to `maxInstructions` instructions;
 * `encode` rejects any other with a `PliantError`.
 *
 * ```ts
 * const space = { f: programDecision({ initial: parseProgram('s0 = s1', sig), ops: ['add', 'mul', 'const'], maxInstructions: 12 }) };
 * await search(space, ({ f }) => fitness(f), { algorithm: regularizedEvolution({ populationSize: 50, tournamentSize: 10 }), numTrials: 500 });
 * ```
 */
export function programDecision(options: ProgramDecisionOptions): Placeholder<Program> {
  if (typeof options !== 'object' || options === null) throw new PliantError(API, 'argument', 'options must be a record with an initial program');
  const { name, ...rest } = options;
  const config: Record<string, TreeValue> = {};
  for (const [key, value] of Object.entries(rest)) if (value !== undefined) config[key] = value as TreeValue;
  const state = resolveConfig(config, API);
  const node = definition(name === undefined ? { config } : { config, name }) as unknown as SymbolicNode;
  STATES.set(node, state);
  return node as unknown as Placeholder<Program>;
}

/** Whether `value` is a program decision (a node made by {@link programDecision}). */
export function isProgramDecision(value: unknown): value is Placeholder<Program> {
  return value instanceof SymbolicNode && value.typeName === 'pliant.ProgramDecision';
}
