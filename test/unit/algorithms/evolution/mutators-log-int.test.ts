import { describe, expect, it } from 'vitest';
import { DNA, dnaSpec, intv, seededRng } from '../../../../src/index.js';
import { uniformMutator } from '../../../../src/algorithms/evolution/mutators.js';

describe('uniformMutator on a log intv', () => {
  it('gives a different integer in range, drawn on the log scale', () => {
    const spec = dnaSpec(intv(1, 1024, { scale: 'log' }));
    const linear = dnaSpec(intv(1, 1024));
    const mutate = uniformMutator();
    const rng = seededRng('mutate-log-int');
    let small = 0;
    let smallLinear = 0;
    const n = 2000;
    for (let i = 0; i < n; i++) {
      const from = new DNA(1 + (i % 1024));
      const next = mutate(from, spec, rng);
      const v = next.value as number;
      expect(spec.isValid(next)).toBe(true);
      expect(v).not.toBe(from.value);
      if (v <= 32) small++;
      if ((mutate(from, linear, rng).value as number) <= 32) smallLinear++;
    }
    // log-uniform puts about 55% of the mass on 1..32, uniform about 3%
    expect(small / n).toBeGreaterThan(0.45);
    expect(smallLinear / n).toBeLessThan(0.06);
  });

  it('still changes a two-value log intv', () => {
    const spec = dnaSpec(intv(1, 2, { scale: 'log' }));
    const rng = seededRng(3);
    for (let i = 0; i < 50; i++) expect(uniformMutator()(new DNA(1), spec, rng).value).toBe(2);
  });
});
