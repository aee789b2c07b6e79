import type { z } from 'zod';
import { SymbolicNode } from './node.js';
import type { SymbolicType } from './node.js';

/**
 * @internal A predicate that says, without running zod, that a value passes a schema. It is
 * conservative: `true` only where `schema.safeParse(value)` succeeds; `false` means "ask zod",
 * which then reports exactly what it always reported.
 */
export type Accepts = (value: unknown) => boolean;

interface Def {
  readonly type: string;
  readonly checks?: readonly { readonly _zod?: { readonly def?: CheckDef } }[];
  readonly innerType?: z.ZodType;
  readonly element?: z.ZodType;
  readonly entries?: Readonly<Record<string, unknown>>;
  readonly values?: readonly unknown[];
}

interface CheckDef {
  readonly check: string;
  readonly format?: string;
  readonly minimum?: number;
}

/**
 * The fast predicate of a field schema, or `undefined` when the schema is not one of the plain
 * kinds it knows (number, safe integer, string, boolean, array, enum, literal, optional,
 * default, unknown, any, and `nodeSchema` fields given by `nodeTypes`), with no checks beyond a
 * safe-integer format and minimum lengths.
 */
export function compileAccepts(schema: z.ZodType, nodeTypes: (schema: z.ZodType) => ReadonlySet<SymbolicType> | undefined): Accepts | undefined {
  const def = schema._zod.def as unknown as Def;
  const checks = (def.checks ?? []).map((c) => c._zod?.def);
  if (checks.some((c) => c === undefined)) return undefined;
  const only = (allowed: (c: CheckDef) => boolean): boolean => (checks as CheckDef[]).every(allowed);
  switch (def.type) {
    case 'number': {
      if (checks.length === 0) return (v) => typeof v === 'number' && Number.isFinite(v);
      if (checks.length === 1 && only((c) => c.check === 'number_format' && c.format === 'safeint')) {
        return (v) => typeof v === 'number' && Number.isSafeInteger(v);
      }
      return undefined;
    }
    case 'string': {
      if (!only((c) => c.check === 'min_length' && typeof c.minimum === 'number')) return undefined;
      const min = Math.max(0, ...(checks as CheckDef[]).map((c) => c.minimum as number));
      return (v) => typeof v === 'string' && v.length >= min;
    }
    case 'boolean':
      return checks.length === 0 ? (v) => typeof v === 'boolean' : undefined;
    case 'unknown':
    case 'any':
      return checks.length === 0 ? () => true : undefined;
    case 'enum': {
      if (checks.length !== 0 || def.entries === undefined) return undefined;
      const values = new Set(Object.values(def.entries));
      return (v) => (typeof v === 'string' || typeof v === 'number') && values.has(v);
    }
    case 'literal': {
      if (checks.length !== 0 || def.values === undefined) return undefined;
      const values = def.values.filter((x) => typeof x === 'string' || typeof x === 'boolean' || (typeof x === 'number' && !Number.isNaN(x)));
      if (values.length !== def.values.length) return undefined;
      return (v) => values.includes(v);
    }
    case 'array': {
      if (def.element === undefined || !only((c) => c.check === 'min_length' && typeof c.minimum === 'number')) return undefined;
      const element = compileAccepts(def.element, nodeTypes);
      if (element === undefined) return undefined;
      const min = Math.max(0, ...(checks as CheckDef[]).map((c) => c.minimum as number));
      return (v) => {
        if (!Array.isArray(v) || v.length < min) return false;
        for (let i = 0; i < v.length; i++) if (!(i in v) || !element(v[i])) return false;
        return true;
      };
    }
    case 'optional':
    case 'default': {
      if (checks.length !== 0 || def.innerType === undefined) return undefined;
      const inner = compileAccepts(def.innerType, nodeTypes);
      return inner === undefined ? undefined : (v) => v === undefined || inner(v);
    }
    case 'custom': {
      const types = checks.length === 0 ? nodeTypes(schema) : undefined;
      return types === undefined ? undefined : (v) => v instanceof SymbolicNode && types.has(v.type as SymbolicType);
    }
    default:
      return undefined;
  }
}

/**
 * The JavaScript expression of {@link compileAccepts} for the value in the variable `v`, for
 * generated code: constants it needs are appended to `env` and read as `env[i]`. `undefined`
 * where {@link compileAccepts} gives none.
 */
export function acceptsExpression(
  schema: z.ZodType,
  nodeTypes: (schema: z.ZodType) => ReadonlySet<SymbolicType> | undefined,
  v: string,
  env: unknown[],
): string | undefined {
  const accepts = compileAccepts(schema, nodeTypes);
  if (accepts === undefined) return undefined;
  const def = schema._zod.def as unknown as Def;
  const checks = (def.checks ?? []).map((c) => c._zod?.def as CheckDef);
  const constant = (x: unknown): string => `env[${env.push(x) - 1}]`;
  switch (def.type) {
    case 'number':
      return checks.length === 0 ? `(typeof ${v} === 'number' && Number.isFinite(${v}))` : `Number.isSafeInteger(${v})`;
    case 'string':
      return `(typeof ${v} === 'string' && ${v}.length >= ${Math.max(0, ...checks.map((c) => c.minimum as number))})`;
    case 'boolean':
      return `(typeof ${v} === 'boolean')`;
    case 'unknown':
    case 'any':
      return 'true';
    case 'optional':
    case 'default': {
      const inner = acceptsExpression(def.innerType as z.ZodType, nodeTypes, v, env);
      return inner === undefined ? undefined : `(${v} === undefined || ${inner})`;
    }
    case 'custom':
      return `(${v} instanceof ${constant(SymbolicNode)} && ${constant(nodeTypes(schema))}.has(${v}.type))`;
    default:
      return `${constant(accepts)}(${v})`;
  }
}
