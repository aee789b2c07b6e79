import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRng } from '../../../src/base/rng.js';
import { randomDNA, skipRandomDNA } from '../../../src/geno/random.js';
import { dnaSpec } from '../../../src/geno/template.js';
import { floatv } from '../../../src/hyper/floatv.js';
import { intv } from '../../../src/hyper/intv.js';
import { manyOf } from '../../../src/hyper/many-of.js';
import { oneOf } from '../../../src/hyper/one-of.js';
import type { TreeValue } from '../../../src/symbolic/node.js';

const spaces: Record<string, TreeValue> = {
  flat: { x: floatv(-5, 5), lr: floatv(1e-4, 1, { scale: 'log' }), k: intv(1, 64, { scale: 'log' }), act: oneOf(['relu', 'tanh']), fixed: floatv(2, 2) },
  conditional: { block: oneOf([{ conv: intv(1, 3) }, { dense: oneOf([16, 32]) }, 'none']), x: floatv(0, 1) },
  lists: { picks: manyOf(2, ['a', 'b', 'c', 'd']), y: intv(0, 9) },
} as unknown as Record<string, TreeValue>;

describe('skipRandomDNA', () => {
  it.each(Object.keys(spaces))('%s: leaves the generator where that many randomDNA calls would', (name) => {
    const spec = dnaSpec(spaces[name] as TreeValue);
    fc.assert(
      fc.property(fc.nat({ max: 50 }), fc.integer(), (count, seed) => {
        const skipped = seededRng(seed);
        const drawn = seededRng(seed);
        skipRandomDNA(spec, skipped, count);
        for (let i = 0; i < count; i++) randomDNA(spec, drawn);
        expect(randomDNA(spec, skipped).toString()).toBe(randomDNA(spec, drawn).toString());
      }),
      { numRuns: 50, seed: 21 },
    );
  });
});
