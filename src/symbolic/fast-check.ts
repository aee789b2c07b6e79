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
  /** Set where the schema is itself a check (zod 4's `z.int()`, `z.int32()`, `z.email()`, ...). */
  readonly check?: string;
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
  /** A number bound (`greater_than` / `less_than`). */
  readonly value?: unknown;
  readonly inclusive?: boolean;
}

/**
 * The checks of a schema: those in `checks`, and the schema's own where it is a format schema
 * (`z.int()` is a number schema whose definition is its safe-integer check; `z.email()` a string
 * schema whose definition is its email check). `undefined` entries: checks of an unknown shape.
 * Not reading the schema's own check made `z.int()` accept 1.5 and `z.email()` any string.
 */
function checksOf(def: Def): (CheckDef | undefined)[] {
  const checks = (def.checks ?? []).map((c) => c._zod?.def);
  // A custom schema's definition is its check too: `nodeSchema` fields are recognised by identity.
  if (def.check !== undefined && def.type !== 'custom') checks.unshift(def as unknown as CheckDef);
  return checks;
}

/** What a number schema's checks ask: a safe integer, and bounds (`±Infinity` where none). */
interface NumberChecks {
  readonly safeint: boolean;
  readonly lo: number;
  readonly loInclusive: boolean;
  readonly hi: number;
  readonly hiInclusive: boolean;
}

/**
 * The checks of a number schema as bounds, or `undefined` where it has another check (a
 * multiple, another format) or a bound that is not a number (NaN included): those go to zod.
 * Several bounds on one side keep the tightest (at a tie, the exclusive one).
 */
function numberChecks(checks: readonly CheckDef[]): NumberChecks | undefined {
  let safeint = false;
  let lo = -Infinity;
  let loInclusive = true;
  let hi = Infinity;
  let hiInclusive = true;
  for (const c of checks) {
    if (c.check === 'number_format' && c.format === 'safeint') {
      safeint = true;
      continue;
    }
    const value = c.value;
    if (typeof value !== 'number' || Number.isNaN(value) || typeof c.inclusive !== 'boolean') return undefined;
    if (c.check === 'greater_than') {
      if (value > lo || (value === lo && !c.inclusive)) {
        loInclusive = value === lo ? loInclusive && c.inclusive : c.inclusive;
        lo = value;
      }
    } else if (c.check === 'less_than') {
      if (value < hi || (value === hi && !c.inclusive)) {
        hiInclusive = value === hi ? hiInclusive && c.inclusive : c.inclusive;
        hi = value;
      }
    } else {
      return undefined;
    }
  }
  return { safeint, lo, loInclusive, hi, hiInclusive };
}

/**
 * The fast predicate of a field schema, or `undefined` when the schema is not one of the plain
 * kinds it knows (number, safe integer, string, boolean, array, enum, literal, optional,
 * default, unknown, any, and `nodeSchema` fields given by `nodeTypes`), with no checks beyond a
 * safe-integer format, number bounds (`min`, `max`, `positive`, `lt`, ...) and minimum lengths.
 */
export function compileAccepts(schema: z.ZodType, nodeTypes: (schema: z.ZodType) => ReadonlySet<SymbolicType> | undefined): Accepts | undefined {
  const def = schema._zod.def as unknown as Def;
  const checks = checksOf(def);
  if (checks.some((c) => c === undefined)) return undefined;
  const only = (allowed: (c: CheckDef) => boolean): boolean => (checks as CheckDef[]).every(allowed);
  switch (def.type) {
    case 'number': {
      if (checks.length === 0) return (v) => typeof v === 'number' && Number.isFinite(v);
      const n = numberChecks(checks as CheckDef[]);
      if (n === undefined) return undefined;
      const { safeint, lo, loInclusive, hi, hiInclusive } = n;
      if (lo === -Infinity && hi === Infinity) {
        return safeint ? (v) => typeof v === 'number' && Number.isSafeInteger(v) : (v) => typeof v === 'number' && Number.isFinite(v);
      }
      return (v) =>
        typeof v === 'number' &&
        (safeint ? Number.isSafeInteger(v) : Number.isFinite(v)) &&
        (loInclusive ? v >= lo : v > lo) &&
        (hiInclusive ? v <= hi : v < hi);
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
  const checks = checksOf(def) as CheckDef[];
  const constant = (x: unknown): string => `env[${env.push(x) - 1}]`;
  switch (def.type) {
    case 'number': {
      const n = numberChecks(checks);
      if (n === undefined) return undefined;
      const parts = [n.safeint ? `Number.isSafeInteger(${v})` : `(typeof ${v} === 'number' && Number.isFinite(${v}))`];
      if (n.lo !== -Infinity) parts.push(`${v} ${n.loInclusive ? '>=' : '>'} ${constant(n.lo)}`);
      if (n.hi !== Infinity) parts.push(`${v} ${n.hiInclusive ? '<=' : '<'} ${constant(n.hi)}`);
      return `(${parts.join(' && ')})`;
    }
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
