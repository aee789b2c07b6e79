import type { Arbitrary } from 'fast-check';
import { prepare } from '../geno/template.js';
import type { Concrete } from '../geno/template.js';
import { TracedSpace } from '../geno/trace.js';
import type { DNA } from '../geno/dna.js';
import type { DNASpec } from '../geno/dna-spec.js';
import type { TreeValue } from '../symbolic/node.js';
import { buildDNAArbitrary } from './dna-arbitrary.js';
import type { DNAArbitraryOptions } from './dna-arbitrary.js';
import { SpaceSample } from './space-sample.js';

/** Options of {@link arbitrary} and {@link arbitraryWithDNA}: those of `dnaArbitrary`. */
export type ArbitraryOptions = DNAArbitraryOptions;

/**
 * A fast-check arbitrary of the concrete trees of a search space: each draw is a DNA from
 * `dnaArbitrary(dnaSpec(space))`, materialized. Shrinking goes toward the first candidate of
 * every choice and the minimum of every range, so a failing property reports a small tree.
 * Use {@link arbitraryWithDNA} to see the DNA of a counter-example too.
 *
 * ```ts
 * fc.assert(fc.property(arbitrary(space), (model) => build(model).outputUnits === 10));
 * ```
 *
 * A define-by-run space (`trace(fn)`) works the same way: each draw is `fn`'s result for a DNA.
 * A value that is not a valid space is a `PliantError` from `dnaSpec`; a bad `options.fixed` one
 * naming `arbitrary`.
 */
export function arbitrary<R>(space: TracedSpace<R>, options?: ArbitraryOptions): Arbitrary<R>;
export function arbitrary<T extends TreeValue>(space: T, options?: ArbitraryOptions): Arbitrary<Concrete<T>>;
export function arbitrary(space: TreeValue | TracedSpace<unknown>, options: ArbitraryOptions = {}): Arbitrary<unknown> {
  const { spec, make } = source(space);
  return buildDNAArbitrary(spec, options, 'arbitrary').map(make);
}

/**
 * Like {@link arbitrary}, but each draw is a {@link SpaceSample}: the tree and its DNA, printed
 * together in fast-check's reports (`Dense(units=128) from DNA(3)`).
 */
export function arbitraryWithDNA<R>(space: TracedSpace<R>, options?: ArbitraryOptions): Arbitrary<SpaceSample<R>>;
export function arbitraryWithDNA<T extends TreeValue>(space: T, options?: ArbitraryOptions): Arbitrary<SpaceSample<Concrete<T>>>;
export function arbitraryWithDNA(space: TreeValue | TracedSpace<unknown>, options: ArbitraryOptions = {}): Arbitrary<SpaceSample<unknown>> {
  const { spec, make } = source(space);
  return buildDNAArbitrary(spec, options, 'arbitraryWithDNA').map((dna) => new SpaceSample(dna, make(dna)));
}

/** The spec of a space and how a DNA becomes its value. */
function source(space: TreeValue | TracedSpace<unknown>): { spec: DNASpec; make: (dna: DNA) => unknown } {
  if (space instanceof TracedSpace) return { spec: space.spec, make: (dna) => space.run(dna) };
  const template = prepare(space);
  return { spec: template.spec, make: (dna) => template.materialize(dna) };
}
