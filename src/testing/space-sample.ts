import fc from 'fast-check';
import type { DNA } from '../geno/dna.js';
import { format } from '../symbolic/format.js';
import type { TreeValue } from '../symbolic/node.js';

/**
 * One concrete tree drawn from a search space together with the DNA that selects it, as drawn
 * by `arbitraryWithDNA`. It prints as both (`Dense(units=128) from DNA(3)`), so a failing
 * property's report shows the counter-example and the genome to replay it with
 * `materialize(space, sample.dna)`.
 */
export class SpaceSample<T = TreeValue> {
  /** The decisions. */
  readonly dna: DNA;
  /** The concrete tree they select. */
  readonly value: T;

  /** @internal Made by `arbitraryWithDNA`. */
  constructor(dna: DNA, value: T) {
    this.dna = dna;
    this.value = value;
    Object.freeze(this);
  }

  /** `<value> from <DNA>`, the value in pliant's compact format, the DNA in PyGlove's. */
  toString(): string {
    return `${format(this.value)} from ${this.dna.toString()}`;
  }

  /** How fast-check prints the sample in a report: as {@link SpaceSample.toString}. */
  [fc.toStringMethod](): string {
    return this.toString();
  }
}
