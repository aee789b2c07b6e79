/**
 * A column of whole numbers (or nulls) as one short ASCII string: how a snapshot of format 4 keeps
 * its integer columns (states, owners, flags, attempts, steps, and the differences of times and
 * event indices). As JSON arrays they were a third of a 100,000-trial snapshot's column line and
 * most of the time to parse it (35 of 49 ms: a million small numbers, each an array element);
 * as strings the same columns take about half the bytes, and decode in a few milliseconds.
 *
 * Each entry is a variable-length number in the base64url alphabet (`A-Z a-z 0-9 - _`, nothing
 * JSON escapes): 5 bits a character, least significant first, the sixth bit set on every
 * character but the last. The number is 0 for null, else the entry zigzagged plus 1 (0, -1, 1,
 * -2, ... as 1, 2, 3, 4, ...), so the small differences of a typical column take one character.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** The alphabet's index of each character code below 128, -1 for the others. */
const INDEX = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) INDEX[ALPHABET.charCodeAt(i)] = i;
/** Past this magnitude an entry is not encoded (its zigzag would lose precision). */
const LIMIT = 2 ** 51;

/**
 * `values` as one string, or `undefined` when an entry is neither null nor an integer within
 * ±2^51 (the column then stays a JSON array).
 *
 * @internal
 */
export function encodeIntColumn(values: readonly (number | null)[]): string | undefined {
  let out = '';
  for (const value of values) {
    let v: number;
    if (value === null) v = 0;
    else if (Number.isInteger(value) && value > -LIMIT && value < LIMIT) v = (value >= 0 ? 2 * value : -2 * value - 1) + 1;
    else return undefined;
    while (v >= 32) {
      out += ALPHABET[32 + (v % 32)];
      v = Math.floor(v / 32);
    }
    out += ALPHABET[v];
  }
  return out;
}

/**
 * The `n` entries `text` holds ({@link encodeIntColumn}'s inverse). Throws when it holds another
 * number of entries or a character outside the alphabet (a corrupt snapshot).
 *
 * @internal
 */
export function decodeIntColumn(text: string, n: number): (number | null)[] {
  const out = new Array<number | null>(n);
  let count = 0;
  let v = 0;
  let scale = 1;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const d = code < 128 ? (INDEX[code] as number) : -1;
    if (d < 0 || count === n) throw new Error(`an integer column has ${d < 0 ? `a character outside its alphabet at ${i}` : `more than ${n} entries`}`);
    if (d >= 32) {
      v += (d - 32) * scale;
      scale *= 32;
      continue;
    }
    v += d * scale;
    out[count++] = v === 0 ? null : v % 2 === 0 ? -(v / 2) : (v - 1) / 2;
    v = 0;
    scale = 1;
  }
  if (count !== n || scale !== 1) throw new Error(`an integer column has ${count} entries${scale !== 1 ? ' and a torn last one' : ''}, not ${n}`);
  return out;
}
