/**
 * The seeded random generator every random choice in pliant takes.
 */
import seedrandom from 'seedrandom';
import { PliantError } from './errors.js';

/** A source of uniform numbers in [0, 1). */
export type Rng = () => number;

/** A seeded generator (seedrandom's ARC4): the same seed gives the same numbers everywhere. */
export function seededRng(seed: number | string): Rng {
  if (typeof seed !== 'number' && typeof seed !== 'string') throw new PliantError('seededRng', 'argument', 'a seed must be a number or a string');
  return seedrandom(String(seed));
}
