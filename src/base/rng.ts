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
  return seedrandom(keyOf(stream === 0 ? String(seed) : `${String(seed)}#stream${stream}`));
}

/**
 * The key seedrandom's ARC4 is keyed with. ARC4 repeats its key to fill 256 bytes (seedrandom
 * keeps the low byte of each character), so a seed that repeats a shorter one ('11', '1212',
 * 'abab') gave exactly the numbers of that one ('1', '12', 'ab'): seeds 1 and 11 made the same
 * search. Such a seed is told apart by a suffix; every other seed keeps its key, and so its
 * numbers.
 */
function keyOf(text: string): string {
  // (seedrandom folds a text of more than 256 characters differently: those are left as they are)
  if (text.length < 2 || text.length > 256) return text;
  const n = text.length;
  for (let period = 1; period <= n / 2; period++) {
    if (n % period !== 0) continue;
    let repeats = true;
    for (let i = period; i < n && repeats; i++) repeats = (text.charCodeAt(i) & 255) === (text.charCodeAt(i - period) & 255);
    if (repeats) return `${text}\u0000repeats`;
  }
  return text;
}
