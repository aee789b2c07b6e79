import { z } from 'zod';
import { createNode } from './construct.js';
import { PliantError } from '../base/errors.js';
import { SymbolicNode, SymbolicType } from './node.js';
import type { Placeholder, SelfValidator } from './node.js';
import { defaultRegistry } from './registry.js';
import { registerNodeSchema } from './validate.js';
import type { Registry } from './registry.js';
import { FORBIDDEN_KEYS, describeValue, isPlainRecord, sealValue } from './values.js';

/**
 * What a factory accepts for a value of type `T`: the value itself, a node that builds to a `T`,
 * a placeholder standing for it (a hyper value), or, for arrays and records, the same one level
 * down.
 */
export type Loose<T> =
  | T
  | SymbolicNode<object, T>
  | Placeholder<T>
  | (T extends readonly (infer E)[] ? readonly Loose<E>[] : never)
  | (T extends SymbolicNode ? never : T extends Record<string, unknown> ? { [K in keyof T]: Loose<T[K]> } : never);

/** The argument record a factory of arguments `A` accepts. */
export type ArgsInput<A> = { [K in keyof A]: Loose<A[K]> };

/** Options of {@link symbolize}. */
export interface SymbolizeOptions<A> {
  /**
   * A zod object schema of the arguments, checked at construction and on every rebind. Unknown
   * argument names are rejected unless the schema has a catchall. The schema validates; it does
   * not transform (`.default()` values are filled in, coercions and transforms are not applied).
   */
  readonly schema?: z.ZodObject;
  /** Default argument values, filled in at construction (besides the schema's `.default()`s). */
  readonly defaults?: Partial<A>;
  /** The registry to add the type to (default: {@link defaultRegistry}). */
  readonly registry?: Registry;
  /** Whether `build` calls the target or constructs it with `new`; detected when omitted. */
  readonly kind?: 'function' | 'class';
  /** A self-validation hook; see {@link SelfValidator}. Used by hyper values. */
  readonly validateAgainst?: SelfValidator;
}

/**
 * A symbolic factory: calling it records its arguments in an immutable {@link SymbolicNode}
 * instead of running the function; `build` runs it later.
 */
export interface SymbolicFactory<A, R> {
  /** Makes a node; throws a `PliantError` naming the type and key path on invalid arguments. */
  (args: ArgsInput<A>): SymbolicNode<A, R>;
  /** The symbolic type the factory makes nodes of. */
  readonly type: SymbolicType<A, R>;
  /** The registered name. */
  readonly typeName: string;
  /** Whether `value` is a node of this type. */
  is(value: unknown): value is SymbolicNode<A, R>;
}

type FirstArg<F> = F extends (args: infer A) => unknown ? (A extends object ? A : Record<string, never>) : never;
type CtorArg<C> = C extends abstract new (args: infer A) => unknown ? (A extends object ? A : Record<string, never>) : never;

/**
 * Turns a function that takes one named-arguments record into a symbolic factory.
 *
 * ```ts
 * const Dense = symbolize('Dense', (a: { units: number; act?: string }) => makeDense(a), {
 *   schema: z.object({ units: z.number().int().positive(), act: z.string().default('relu') }),
 * });
 * const d = Dense({ units: 64 });      // a node: nothing runs yet
 * d.args.units;                        // 64
 * build(d);                            // runs makeDense({units: 64, act: 'relu'})
 * ```
 *
 * Also accepts a class constructed with one options object (`build` calls `new`).
 */
export function symbolize<C extends abstract new (args: never) => unknown>(
  name: string,
  target: C,
  options?: SymbolizeOptions<CtorArg<C>>,
): SymbolicFactory<CtorArg<C>, InstanceType<C>>;
export function symbolize<F extends (args: never) => unknown>(
  name: string,
  target: F,
  options?: SymbolizeOptions<FirstArg<F>>,
): SymbolicFactory<FirstArg<F>, ReturnType<F>>;
export function symbolize(name: string, target: unknown, options: SymbolizeOptions<object> = {}): unknown {
  const api = 'symbolize';
  if (typeof name !== 'string' || name.length === 0 || name.startsWith('$') || /\s/.test(name)) {
    throw new PliantError(api, 'argument', `a symbolic type needs a non-empty name without spaces or a leading '$', found ${describeValue(name)}`);
  }
  if (typeof target !== 'function') {
    throw new PliantError(api, 'argument', `${name}: expected a function or a class, found ${describeValue(target)}`);
  }
  if (options.schema !== undefined && !(options.schema instanceof z.ZodObject)) {
    throw new PliantError(api, 'argument', `${name}: options.schema must be a zod object schema (z.object({...}))`);
  }
  if (options.defaults !== undefined && !isPlainRecord(options.defaults)) {
    throw new PliantError(api, 'argument', `${name}: options.defaults must be a record`);
  }
  const defaults: Record<string, unknown> = {};
  if (options.schema !== undefined) {
    for (const [key, field] of Object.entries(options.schema.shape as Record<string, z.ZodType>)) {
      const def = field._zod.def as { type: string; defaultValue?: unknown };
      if (def.type === 'default' || def.type === 'prefault') defaults[key] = sealValue(def.defaultValue, api, [key]);
    }
  }
  for (const [key, value] of Object.entries((options.defaults ?? {}) as Record<string, unknown>)) {
    if (value !== undefined) defaults[key] = sealValue(value, api, [key]);
  }
  const declared = [...Object.keys((options.schema?.shape ?? {}) as object), ...Object.keys(defaults)];
  for (const key of declared) {
    if (key.startsWith('$') || FORBIDDEN_KEYS.has(key)) {
      throw new PliantError(api, 'argument', `${name}: '${key}' cannot be an argument name`);
    }
  }
  const kind = options.kind ?? (/^class\b/.test(Function.prototype.toString.call(target)) ? 'class' : 'function');
  const registry = options.registry ?? defaultRegistry;
  const type = registry.register(
    new SymbolicType<Record<string, unknown>, unknown>({
      name,
      target,
      kind,
      schema: options.schema,
      defaults,
      validateAgainst: options.validateAgainst,
    }),
  );
  const factory = (args: Record<string, unknown>): SymbolicNode<Record<string, unknown>, unknown> => createNode(type, args, name, []);
  Object.defineProperty(factory, 'name', { value: name });
  Object.defineProperty(factory, 'type', { value: type, enumerable: true });
  Object.defineProperty(factory, 'typeName', { value: name, enumerable: true });
  Object.defineProperty(factory, 'is', {
    value: (value: unknown): boolean => value instanceof SymbolicNode && value.type === type,
  });
  return factory as unknown as SymbolicFactory<Record<string, unknown>, unknown>;
}

/** Any symbolic factory, whatever its argument and result types. */
export interface AnySymbolicFactory {
  (args: never): SymbolicNode<object, unknown>;
  /** The registered name. */
  readonly typeName: string;
  /** The symbolic type. */
  readonly type: object;
}

/**
 * A zod schema accepting nodes of the given symbolic types, for fields that hold other nodes:
 * `stem: nodeSchema(Conv, Dense)`.
 */
export function nodeSchema<T extends AnySymbolicFactory[]>(...factories: T): z.ZodType<ReturnType<T[number]>> {
  const types = new Set<SymbolicType>(factories.map((f) => f.type as SymbolicType));
  const names = factories.map((f) => f.typeName).join(' | ');
  const schema = z.custom<ReturnType<T[number]>>((v) => v instanceof SymbolicNode && types.has(v.type as SymbolicType), {
    message: `expected a ${names} node`,
  });
  registerNodeSchema(schema, types);
  return schema;
}
