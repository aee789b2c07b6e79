import { z } from 'zod';
import { PliantError } from '../base/errors.js';
import type { KeyPath } from '../symbolic/key-path.js';
import { SymbolicNode } from '../symbolic/node.js';
import type { Placeholder, SymbolicType, TreeValue } from '../symbolic/node.js';
import { fromJSONString, toJSONString } from '../symbolic/json.js';
import { checkCandidates, hyperType, nameField } from './hyper-value.js';
import type { HyperOptions } from './hyper-value.js';

/** A source of uniform numbers in [0, 1) (a seeded generator). */
export type RandomSource = () => number;

/**
 * How a custom decision point works: for values no fixed grammar describes (programs, graphs).
 * Its DNA value is a genome string. Every function receives the decision's node (its arguments
 * hold the options the decision was created with).
 */
export interface DecisionDefinition<T extends TreeValue> {
  /** The registered type name of the decision's nodes (`'my.Program'`). */
  readonly name: string;
  /** The genome of the first point (used by `firstDNA` and as the start of evolution). */
  first(node: SymbolicNode): string;
  /** A random genome. */
  random(rng: RandomSource, node: SymbolicNode): string;
  /** A mutated genome (evolution's step); defaults to a fresh random genome. */
  mutate?(genome: string, rng: RandomSource, node: SymbolicNode): string;
  /** The value a genome stands for (a tree value: it is placed in the materialized tree). */
  decode(genome: string, node: SymbolicNode): T;
  /** The genome of a value (`encode` of a materialized tree); throw a `PliantError` when impossible. */
  encode(value: TreeValue, node: SymbolicNode): string;
}

/** Arguments of a custom decision node. */
export interface CustomArgs {
  /** Free options of the decision, available to its definition. */
  readonly config?: TreeValue;
  readonly name?: string;
}

const DEFINITIONS = new Map<SymbolicType, DecisionDefinition<TreeValue>>();

/** The definition of a custom decision node, or `undefined` for any other value. */
export function decisionDefinition(value: unknown): DecisionDefinition<TreeValue> | undefined {
  return value instanceof SymbolicNode ? DEFINITIONS.get(value.type as SymbolicType) : undefined;
}

/** Options of a custom decision: a name and free configuration. */
export interface CustomOptions extends HyperOptions {
  readonly config?: TreeValue;
}

/**
 * Defines a custom decision point and returns its factory. Example: a decision over short
 * programs whose genome is the program text.
 *
 * ```ts
 * const program = defineDecision<string>({
 *   name: 'demo.Program',
 *   first: () => 'x',
 *   random: (rng) => (rng() < 0.5 ? 'x' : 'x*x'),
 *   mutate: (g, rng) => (rng() < 0.5 ? `(${g})+x` : g),
 *   decode: (g) => g,
 *   encode: (v) => String(v),
 * });
 * const space = Model({ formula: program({ name: 'formula' }) });
 * ```
 *
 * The space's size is then −1 (not enumerable); random search calls `random`, evolution `mutate`.
 */
export function defineDecision<T extends TreeValue>(definition: DecisionDefinition<T>): (options?: CustomOptions) => Placeholder<T> {
  for (const fn of ['first', 'random', 'decode', 'encode'] as const) {
    if (typeof definition[fn] !== 'function') throw new PliantError('defineDecision', 'argument', `${definition.name}: '${fn}' must be a function`);
  }
  const factory = hyperType<CustomArgs>(
    definition.name,
    'custom',
    z.object({ config: z.unknown().optional(), name: nameField }),
    (node, schema, path: KeyPath, api) => {
      const def = DEFINITIONS.get(node.type as SymbolicType) as DecisionDefinition<TreeValue>;
      checkCandidates(definition.name, [def.decode(def.first(node), node)], schema, path, api);
    },
  );
  DEFINITIONS.set(factory.type as unknown as SymbolicType, definition as unknown as DecisionDefinition<TreeValue>);
  return (options: CustomOptions = {}) => factory({ config: options.config, name: options.name }) as SymbolicNode as Placeholder<T>;
}

/** A mutation of an evolvable value: a new tree from the old one. */
export type Mutation<T extends TreeValue> = (value: T, rng: RandomSource) => T;

const MUTATIONS = new WeakMap<SymbolicNode, Mutation<TreeValue>>();

const evolvableDecision = defineDecision<TreeValue>({
  name: 'pliant.evolvable',
  first: (node) => toJSONString((node.args as { config?: TreeValue }).config ?? null),
  random: (_rng, node) => toJSONString((node.args as { config?: TreeValue }).config ?? null),
  mutate(genome, rng, node) {
    const mutation = MUTATIONS.get(node);
    if (mutation === undefined) {
      throw new PliantError(
        'evolvable',
        'argument',
        'this evolvable value has no mutation function (it was revived from JSON or rebuilt by hand): create it with evolvable(initial, mutate)',
      );
    }
    return toJSONString(mutation(fromJSONString(genome), rng));
  },
  decode: (genome) => fromJSONString(genome),
  encode: (value) => toJSONString(value),
});

/**
 * A value evolved by a mutation function rather than chosen from a grammar (PyGlove's
 * `pg.evolve`): its genome is the value's JSON; random search keeps the initial value, evolution
 * applies `mutate`. The function lives with the node: a space revived from JSON keeps the value
 * but must be given its mutation again.
 */
export function evolvable<T extends TreeValue>(initial: T, mutate: Mutation<T>, options: HyperOptions = {}): Placeholder<T> {
  if (typeof mutate !== 'function') throw new PliantError('evolvable', 'argument', 'mutate must be a function (value, rng) => value');
  const node = evolvableDecision({ config: initial, name: options.name }) as SymbolicNode;
  MUTATIONS.set(node, mutate as unknown as Mutation<TreeValue>);
  return node as Placeholder<T>;
}
