import { z } from 'zod';
import { PliantError } from '../base/errors.js';
import type { KeyPath } from '../symbolic/key-path.js';
import { SymbolicNode } from '../symbolic/node.js';
import type { Placeholder, SymbolicType } from '../symbolic/node.js';
import { symbolize } from '../symbolic/symbolize.js';
import type { SymbolicFactory } from '../symbolic/symbolize.js';
import { registerObjectChecks, schemaAt, validateValue } from '../symbolic/validate.js';
import { describeValue } from '../symbolic/values.js';

/** The kinds of built-in hyper values. */
export type HyperKind = 'oneOf' | 'manyOf' | 'permutate' | 'floatv' | 'intv' | 'custom';

/** The value type a placeholder stands for (the type itself for anything else). */
export type ValueOf<X> = X extends Placeholder<infer T> ? T : X;

const KINDS = new Map<SymbolicType, HyperKind>();

/** Whether `value` is a hyper value (a decision point of a search space). */
export function isHyper(value: unknown): value is SymbolicNode {
  return value instanceof SymbolicNode && KINDS.has(value.type as SymbolicType);
}

/** The kind of a hyper value, or `undefined` for anything else. */
export function hyperKind(value: unknown): HyperKind | undefined {
  return value instanceof SymbolicNode ? KINDS.get(value.type as SymbolicType) : undefined;
}

/** @internal Registers a symbolic type as a hyper value of `kind`. */
export function registerHyperType(type: SymbolicType, kind: HyperKind): void {
  KINDS.set(type, kind);
}

/** Options every hyper value takes. */
export interface HyperOptions {
  /** A name for the decision: a stable handle in DNA records, results and plots. */
  readonly name?: string;
}

/** @internal The optional-name field of hyper schemas. */
export const nameField = z.string().min(1).optional();

/** @internal A hyper value cannot be built: it must be materialized first. */
export function notBuildable(kind: string): () => never {
  return () => {
    throw new PliantError('build', 'build', `a ${kind} is a decision, not a value: materialize the search space with a DNA first`);
  };
}

/**
 * @internal Checks that every candidate is accepted by the field schema where the hyper value
 * stands (candidates that are hyper values or contain them check themselves the same way).
 */
export function checkCandidates(kind: string, candidates: readonly unknown[], schema: z.ZodType, path: KeyPath, api: string): void {
  const segments = path.segments;
  let i = 0;
  try {
    for (; i < candidates.length; i++) validateValue(schema, candidates[i], kind, api, segments);
  } catch (error) {
    if (!(error instanceof PliantError)) throw error;
    const why = error.message.replace(/^[^:]*: (at [^:]*: )?/, '');
    throw new PliantError(api, 'schema', `${kind} candidate ${i} (${describeValue(candidates[i])}) is not accepted here: ${why}`, {
      path: path.toString(),
      cause: error,
    });
  }
}

/** @internal The element schema of a list field, for manyOf/permutate. */
export function elementSchema(kind: string, schema: z.ZodType, path: KeyPath, api: string): z.ZodType {
  const element = schemaAt(schema, [0]);
  if (element === undefined) {
    throw new PliantError(api, 'schema', `a ${kind} produces a list, but this field does not take a list`, { path: path.toString() });
  }
  return element;
}

/**
 * @internal Wraps `symbolize` for hyper types: registered, marked, never buildable. `passes`
 * restates the schema's object-level refinement (`true` only where it passes), so hyper values
 * are made without running zod when their arguments are plainly valid.
 */
export function hyperType<A extends object>(
  name: string,
  kind: HyperKind,
  schema: z.ZodObject,
  validateAgainst: (node: SymbolicNode, schema: z.ZodType, path: KeyPath, api: string) => void,
  passes?: (args: A) => boolean,
): SymbolicFactory<A, never> {
  const factory = symbolize(name, notBuildable(kind) as unknown as (a: A) => never, { schema, validateAgainst });
  registerHyperType(factory.type as unknown as SymbolicType, kind);
  if (passes !== undefined)
    registerObjectChecks(factory.type as unknown as SymbolicType, passes as unknown as (args: Readonly<Record<string, unknown>>) => boolean);
  return factory as unknown as SymbolicFactory<A, never>;
}
