import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dnaSpec, eq, fromJSON, hash, intv, manyOf, oneOf, toJSON } from '../../../src/index.js';
import type { ChoiceDecision, IntDecision } from '../../../src/geno/dna-spec.js';
import { errorOf } from '../../support/error-of.js';

function choiceOf(space: Parameters<typeof dnaSpec>[0]): ChoiceDecision {
  return dnaSpec(space).root.elements[0] as ChoiceDecision;
}

describe('oneOf(values, { ordered })', () => {
  it('flags the choice as ordered in its DNASpec; unflagged choices and manyOf are not', () => {
    expect(choiceOf({ u: oneOf([16, 32, 64], { ordered: true }) }).ordered).toBe(true);
    expect(choiceOf({ u: oneOf(['small', 'medium', 'large'], { ordered: true }) }).ordered).toBe(true);
    expect(choiceOf({ u: oneOf([512, 128, 32], { ordered: true }) }).ordered).toBe(true);
    expect(choiceOf({ u: oneOf([16, 32, 64]) }).ordered).toBe(false);
    expect(choiceOf({ u: oneOf([16, 32, 64], { ordered: false }) }).ordered).toBe(false);
    expect(choiceOf({ u: manyOf(2, [16, 32, 64]) }).ordered).toBe(false);
  });

  it('rejects numbers out of order, non-finite numbers and a non-boolean flag, naming the API and the candidates', () => {
    const e = errorOf(() => oneOf([1, 3, 2], { ordered: true }));
    expect(e.api).toBe('oneOf');
    expect(e.code).toBe('argument');
    expect(e.message).toMatch(/strictly increasing or strictly decreasing, found 3 then 2 \(candidates 1 and 2\)/);
    expect(errorOf(() => oneOf([1, 1, 2], { ordered: true })).message).toMatch(/found 1 then 1/);
    expect(errorOf(() => oneOf([1, Number.NaN], { ordered: true })).message).toMatch(/finite numbers, found NaN at candidate 1/);
    expect(errorOf(() => oneOf([1, 2], { ordered: 'yes' as unknown as boolean })).message).toMatch(/ordered must be a boolean, found "yes"/);
    // out-of-order numbers are fine for a categorical choice
    expect(choiceOf({ u: oneOf([3, 1, 2]) }).ordered).toBe(false);
  });

  it('keeps the JSON and hash of an unordered choice unchanged (the flag is stored only when true)', () => {
    const plain = oneOf([16, 32, 64]);
    const off = oneOf([16, 32, 64], { ordered: false });
    const on = oneOf([16, 32, 64], { ordered: true });
    expect(JSON.stringify(toJSON(plain))).not.toMatch(/ordered/);
    expect(toJSON(off)).toEqual(toJSON(plain));
    expect(hash(off)).toBe(hash(plain));
    expect(hash(on)).not.toBe(hash(plain));
    expect(toJSON(on)).toMatchObject({ $type: 'pliant.oneOf', ordered: true });
  });

  it('round-trips through JSON, and fromJSON validates the flag as the factory does', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: -1000, max: 1000 }), { minLength: 2, maxLength: 8 }), fc.boolean(), (xs, down) => {
        const sorted = [...xs].sort((a, b) => (down ? b - a : a - b));
        const space = { u: oneOf(sorted, { ordered: true, name: 'u' }) };
        const back = fromJSON(toJSON(space));
        expect(eq(back, space)).toBe(true);
        expect(hash(back)).toBe(hash(space));
        expect(choiceOf(back).ordered).toBe(true);
      }),
    );
    const e = errorOf(() => fromJSON({ $type: 'pliant.oneOf', candidates: [1, 3, 2], ordered: true }));
    expect(e.code).toBe('schema');
    expect(e.message).toMatch(/strictly increasing/);
    expect(errorOf(() => fromJSON({ $type: 'pliant.oneOf', candidates: [1, 2], ordered: 'no' })).code).toBe('schema');
  });
});

describe('intv(min, max, { scale })', () => {
  it('carries its scale into the DNASpec', () => {
    const d = (space: Parameters<typeof dnaSpec>[0]): IntDecision => dnaSpec(space).root.elements[0] as IntDecision;
    expect(d({ b: intv(16, 1024, { scale: 'log' }) }).scale).toBe('log');
    expect(d({ b: intv(1, 9, { scale: 'rlog' }) }).scale).toBe('rlog');
    expect(d({ b: intv(1, 9) }).scale).toBeUndefined();
    expect(d({ b: intv(1, 9, { scale: 'linear' }) }).scale).toBe('linear');
  });

  it('rejects a log scale below 1 and an unknown scale, naming the API', () => {
    const e = errorOf(() => intv(0, 8, { scale: 'log' }));
    expect(e.api).toBe('intv');
    expect(e.message).toMatch(/a log scale needs min ≥ 1, found min 0/);
    expect(errorOf(() => intv(-3, 8, { scale: 'rlog' })).message).toMatch(/rlog scale needs min ≥ 1/);
    expect(errorOf(() => intv(1, 8, { scale: 'exp' as 'log' })).message).toMatch(/scale is 'linear', 'log' or 'rlog', found "exp"/);
    expect(errorOf(() => fromJSON({ $type: 'pliant.intv', min: 0, max: 8, scale: 'log' })).code).toBe('schema');
  });

  it('keeps the JSON and hash of a linear intv unchanged, and round-trips a log one', () => {
    expect(JSON.stringify(toJSON(intv(1, 9)))).not.toMatch(/scale/);
    const log = { b: intv(16, 1024, { scale: 'log', name: 'batch' }) };
    expect(toJSON(log.b)).toMatchObject({ $type: 'pliant.intv', min: 16, max: 1024, scale: 'log' });
    const back = fromJSON(toJSON(log));
    expect(eq(back, log)).toBe(true);
    expect(hash(back)).toBe(hash(log));
    expect(hash(log)).not.toBe(hash({ b: intv(16, 1024, { name: 'batch' }) }));
    expect((dnaSpec(back).root.elements[0] as IntDecision).scale).toBe('log');
  });
});
