/**
 * What a search space is made of, as an algorithm chooser sees it: how many decisions of each
 * kind, whether some exist only under a choice (a conditional space), and how big it is.
 */
import type { DNASpec, DecisionPoint, SpaceSpec } from '../geno/dna-spec.js';

/** The make-up of a space (every decision point counted once, those under candidates included). */
export interface SpaceProfile {
  /** Decision points in all (a `manyOf` counts once per pick). */
  readonly decisions: number;
  /** Floats (linear or log). */
  readonly floats: number;
  /** Integers (`intv`). */
  readonly ints: number;
  /** Choices whose candidates are ordered (`oneOf(values, { ordered: true })`). */
  readonly ordered: number;
  /** Other choices (categorical), one per pick. */
  readonly categorical: number;
  /** Custom decisions (`defineDecision`, `evolvable`): no model knows them. */
  readonly custom: number;
  /** Whether some decisions exist only under a candidate of a choice. */
  readonly conditional: boolean;
  /** The number of distinct DNAs (−1 when a float decision makes it infinite). */
  readonly size: number;
}

/** Reads the make-up of a space off its DNASpec. */
export function spaceProfile(spec: DNASpec): SpaceProfile {
  const counts = { decisions: 0, floats: 0, ints: 0, ordered: 0, categorical: 0, custom: 0 };
  let conditional = false;
  const visit = (space: SpaceSpec, nested: boolean): void => {
    for (const d of space.elements) {
      if (nested) conditional = true;
      count(d);
      if (d.kind === 'choice') for (const pick of d.picks) for (const candidate of pick) visit(candidate, true);
    }
  };
  const count = (d: DecisionPoint): void => {
    if (d.kind === 'float') {
      if (d.min !== d.max) {
        counts.decisions++;
        counts.floats++;
      }
    } else if (d.kind === 'int') {
      if (d.min !== d.max) {
        counts.decisions++;
        counts.ints++;
      }
    } else if (d.kind === 'custom') {
      counts.decisions++;
      counts.custom++;
    } else if (d.candidates.length > 1) {
      counts.decisions += d.k;
      if ((d as { readonly ordered?: boolean }).ordered === true) counts.ordered += d.k;
      else counts.categorical += d.k;
    }
  };
  visit(spec.root, false);
  return { ...counts, conditional, size: spec.spaceSize };
}
