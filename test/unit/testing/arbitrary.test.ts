/**
 * arbitrary / arbitraryWithDNA: concrete trees from a space, small counter-examples that show
 * their DNA, and errors naming the API.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DNA, dnaSpec, eq, floatv, intv, manyOf, materialize, oneOf, trace } from '../../../src/index.js';
import type { SymbolicNode } from '../../../src/index.js';
import { SpaceSample, arbitrary, arbitraryWithDNA } from '../../../src/testing/index.js';
import { errorOf } from '../../support/error-of.js';
import { Conv, Dense, Net } from '../../support/model-types.js';

describe('arbitrary', () => {
  it('shrinks a property failing for units > 64 to the smallest failing candidate, 128', () => {
    const out = fc.check(
      fc.property(arbitrary(oneOf([16, 32, 64, 128, 256])), (units) => units <= 64),
      { seed: 2024 },
    );
    expect(out.failed).toBe(true);
    expect(out.counterexample).toEqual([128]);
    for (let seed = 0; seed < 20; seed++) {
      const again = fc.check(
        fc.property(arbitrary(oneOf([16, 32, 64, 128, 256])), (units) => units <= 64),
        { seed },
      );
      expect(again.counterexample).toEqual([128]);
    }
  });

  it('shrinks inside nodes too, and the report shows the DNA with arbitraryWithDNA', () => {
    const space = Dense({ units: oneOf([16, 32, 64, 128, 256]), act: oneOf(['relu', 'gelu']) });
    const plain = fc.check(
      fc.property(arbitrary(space), (d) => (d.args.units as number) <= 64),
      { seed: 7 },
    );
    expect(plain.counterexample?.[0]).toBeDefined();
    expect(eq(plain.counterexample?.[0], Dense({ units: 128, act: 'relu' }))).toBe(true);

    const withDNA = fc.check(
      fc.property(arbitraryWithDNA(space), (s) => (s.value.args.units as number) <= 64),
      { seed: 7 },
    );
    const sample = withDNA.counterexample?.[0] as SpaceSample<SymbolicNode>;
    expect(sample).toBeInstanceOf(SpaceSample);
    expect(sample.dna.toString()).toBe('DNA([3, 0])');
    expect(eq(sample.value, Dense({ units: 128, act: 'relu' }))).toBe(true);
    expect(String(sample)).toBe("test.Dense(units=128, act='relu') from DNA([3, 0])");
    const report = fc.defaultReportMessage(withDNA) ?? '';
    expect(report).toContain("Counterexample: [test.Dense(units=128, act='relu') from DNA([3, 0])]");
  });

  it('draws trees of the space: each is what its DNA materializes to, and types are concrete', () => {
    const space = Net({
      stem: oneOf([Conv({ filters: intv(8, 64), kernel: oneOf([3, 5]) }), Dense({ units: 10 })]),
      blocks: manyOf(2, ['conv3x3', 'conv5x5', 'maxpool'], { sorted: true }),
      depth: intv(1, 4),
      dropout: floatv(0, 0.5),
    });
    fc.assert(
      fc.property(arbitraryWithDNA(space), (s) => {
        expect(eq(materialize(space, s.dna), s.value)).toBe(true);
        const args = s.value.args as { blocks: string[]; depth: number; dropout: number };
        expect(args.blocks).toHaveLength(2);
        expect((args.blocks[0] as string) < (args.blocks[1] as string)).toBe(true);
        expect(args.dropout).toBeGreaterThanOrEqual(0);
        expect(args.dropout).toBeLessThanOrEqual(0.5);
      }),
      { numRuns: 100 },
    );
    // an always-failing property ends on the first point of the space
    const first = fc.check(
      fc.property(arbitrary(space), () => false),
      { seed: 3 },
    );
    expect(eq(first.counterexample?.[0], materialize(space, dnaSpec(space).firstDNA()))).toBe(true);
    // Concrete<T>: a placeholder's type is the type it stands for
    const units: number[] = fc.sample(arbitrary(oneOf([1, 2, 3])), { numRuns: 10, seed: 1 });
    expect(units.every((u) => [1, 2, 3].includes(u))).toBe(true);
  });

  it('draws from a define-by-run space (trace), shrinking its decisions too', () => {
    const traced = trace((h) => {
      const opt = h.oneOf([() => ({ kind: 'adam' }), () => ({ kind: 'sgd', momentum: h.floatv(0, 0.99) })], { name: 'opt' });
      return { opt, width: h.intv(1, 512, { name: 'width' }), lr: h.floatv(1e-4, 1e-1, { scale: 'log', name: 'lr' }) };
    });
    fc.assert(
      fc.property(arbitrary(traced), (r) => {
        expect(['adam', 'sgd']).toContain(r.opt.kind);
        expect(r.width).toBeGreaterThanOrEqual(1);
        expect(r.width).toBeLessThanOrEqual(512);
      }),
      { numRuns: 100 },
    );
    const out = fc.check(
      fc.property(arbitraryWithDNA(traced), (s) => s.value.width < 300),
      { seed: 5 },
    );
    const sample = out.counterexample?.[0];
    expect(sample?.value).toEqual({ opt: { kind: 'adam' }, width: 300, lr: 1e-4 });
    expect(sample?.dna.toString()).toBe('DNA([0, 300, 0.0001])');
    expect(fc.sample(arbitrary(traced, { fixed: { opt: 1 } }), { numRuns: 10, seed: 1 }).every((r) => r.opt.kind === 'sgd')).toBe(true);
  });

  it('takes fixed decisions', () => {
    const space = Dense({ units: oneOf([16, 32, 64], { name: 'units' }), act: oneOf(['relu', 'gelu']) });
    const drawn = fc.sample(arbitrary(space, { fixed: { units: 2 } }), { numRuns: 30, seed: 1 });
    expect(drawn.every((d) => d.args.units === 64)).toBe(true);
    expect(new Set(drawn.map((d) => d.args.act))).toEqual(new Set(['relu', 'gelu']));
  });

  it('names the API in errors', () => {
    const space = oneOf([1, 2]);
    expect(errorOf(() => arbitrary(space, { fixed: { x: 1 } })).message).toMatch(/^arbitrary: options.fixed: 'x' is neither/);
    expect(errorOf(() => arbitraryWithDNA(space, { fixed: { x: 1 } })).message).toMatch(/^arbitraryWithDNA: options.fixed: 'x' is neither/);
    expect(errorOf(() => arbitrary(space, null as unknown as object)).message).toMatch(/^arbitrary: options must be an object/);
  });

  it('prints a sample as its value and its DNA', () => {
    const s = new SpaceSample(DNA.of([1, 0.5]), { a: [1, 'x'] });
    expect(s.toString()).toBe("{a: [1, 'x']} from DNA([1, 0.5])");
    expect(fc.stringify(s)).toBe(s.toString());
    expect(Object.isFrozen(s)).toBe(true);
  });
});
