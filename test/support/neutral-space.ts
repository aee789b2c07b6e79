/**
 * Turns the neutral space format of ../shared/fixtures/pyglove (see its README) into pliant
 * calls, and maps PyGlove's DNA numbers to pliant's (an `intv` is an index there, the integer here).
 */
import { z } from 'zod';
import { floatv, intv, manyOf, oneOf, permutate, symbolize } from '../../src/index.js';
import type { DNASpec, DecisionPoint, SpaceSpec, SymbolicFactory, TreeValue } from '../../src/index.js';

export type Neutral = null | boolean | number | string | Neutral[] | { [key: string]: Neutral };

/** Symbolic types for the fixture's classes, fields in declaration order. */
export function makeClasses(classes: Record<string, string[]>): Map<string, SymbolicFactory<Record<string, unknown>, unknown>> {
  const out = new Map<string, SymbolicFactory<Record<string, unknown>, unknown>>();
  for (const [name, fields] of Object.entries(classes)) {
    const shape = Object.fromEntries(fields.map((f) => [f, z.unknown()]));
    out.set(
      name,
      symbolize(name, (a: Record<string, unknown>) => a, { schema: z.object(shape) }),
    );
  }
  return out;
}

/** A pliant space (or value) from its neutral form. */
export function toSpace(n: Neutral, classes: Map<string, SymbolicFactory<Record<string, unknown>, unknown>>): TreeValue {
  const rec = (x: Neutral): TreeValue => toSpace(x, classes);
  if (n === null || typeof n !== 'object') return n;
  if (Array.isArray(n)) return n.map(rec);
  const name = typeof n.name === 'string' ? n.name : undefined;
  if ('$dict' in n) return Object.fromEntries(Object.entries(n.$dict as Record<string, Neutral>).map(([k, v]) => [k, rec(v)]));
  if ('$type' in n) {
    const factory = classes.get(n.$type as string);
    if (factory === undefined) throw new Error(`unknown class ${String(n.$type)}`);
    return factory(Object.fromEntries(Object.entries(n.args as Record<string, Neutral>).map(([k, v]) => [k, rec(v)])));
  }
  if ('$oneOf' in n) return oneOf((n.$oneOf as Neutral[]).map(rec), { name });
  if ('$manyOf' in n) {
    const m = n.$manyOf as { k: number; candidates: Neutral[]; distinct: boolean; sorted: boolean };
    return manyOf(m.k, m.candidates.map(rec), { distinct: m.distinct, sorted: m.sorted, name });
  }
  if ('$permutate' in n) return permutate((n.$permutate as Neutral[]).map(rec), { name });
  if ('$floatv' in n) {
    const f = n.$floatv as { min: number; max: number; scale: 'linear' | 'log' | null };
    return floatv(f.min, f.max, { scale: f.scale ?? undefined, name });
  }
  if ('$intv' in n) {
    const i = n.$intv as { min: number; max: number };
    return intv(i.min, i.max, { name });
  }
  throw new Error(`unknown neutral form ${JSON.stringify(n)}`);
}

/**
 * Walks depth-first numbers along a spec, mapping the value of every `intv` decision; numbers that
 * do not fit (an index out of range, too few) end the walk and the rest is copied as it is, so
 * that invalid DNAs stay invalid.
 */
export function mapNumbers(spec: DNASpec, numbers: readonly (number | string)[], mapInt: (v: number, min: number) => number): number[] {
  const out: number[] = [];
  let at = 0;
  let broken = false;
  const take = (): number | undefined => (at < numbers.length ? (numbers[at++] as number) : undefined);
  const space = (s: SpaceSpec): void => {
    for (const d of s.elements) if (!broken) decision(d);
  };
  const decision = (d: DecisionPoint): void => {
    if (d.kind === 'float') {
      const v = take();
      if (v === undefined) broken = true;
      else out.push(v);
      return;
    }
    if (d.kind === 'int') {
      const v = take();
      if (v === undefined) broken = true;
      else out.push(mapInt(v, d.min));
      return;
    }
    if (d.kind === 'custom') throw new Error('the fixture has no custom decisions');
    for (let j = 0; j < d.k && !broken; j++) {
      const v = take();
      if (v === undefined) {
        broken = true;
        return;
      }
      out.push(v);
      const cand = (d.picks[j] as readonly SpaceSpec[])[v];
      if (!Number.isInteger(v) || cand === undefined) {
        broken = true;
        return;
      }
      space(cand);
    }
  };
  space(spec.root);
  while (at < numbers.length) out.push(numbers[at++] as number);
  return out;
}

/** PyGlove numbers → pliant numbers. */
export const fromPy = (spec: DNASpec, numbers: readonly (number | string)[]): number[] => mapNumbers(spec, numbers, (v, min) => v + min);
/** pliant numbers → PyGlove numbers. */
export const toPy = (spec: DNASpec, numbers: readonly (number | string)[]): number[] => mapNumbers(spec, numbers, (v, min) => v - min);

/** Whether a spec has an `intv` decision anywhere. */
export function hasInt(space: SpaceSpec): boolean {
  return space.elements.some((d) => d.kind === 'int' || (d.kind === 'choice' && d.picks.some((p) => p.some(hasInt))));
}
