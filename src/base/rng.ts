/**
 * The seeded random generator every random choice in pliant takes.
 */
import seedrandom from 'seedrandom';
import { PliantError } from './errors.js';

/** A source of uniform numbers in [0, 1). */
export type Rng = () => number;

/**
 * A seeded generator (seedrandom's ARC4): the same seed gives the same numbers everywhere.
 *
 * @param seed - The seed.
 * @param stream - Which of the seed's independent streams (default 0: the seed itself). Processes
 *   that share a study draw from different streams of the search's seed, so they do not propose
 *   the same candidates in lockstep (see `AlgorithmContext.stream`).
 */
export function seededRng(seed: number | string, stream = 0): Rng {
  if (typeof seed !== 'number' && typeof seed !== 'string') throw new PliantError('seededRng', 'argument', 'a seed must be a number or a string');
  if (!Number.isInteger(stream) || stream < 0)
    throw new PliantError('seededRng', 'argument', `a stream must be a non-negative integer, found ${String(stream)}`);
  return seedrandom(stream === 0 ? String(seed) : `${String(seed)}#stream${stream}`);
}
