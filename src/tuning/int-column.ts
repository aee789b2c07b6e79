/**
 * A column of whole numbers (or nulls) as one short ASCII string: how a snapshot of format 4 keeps
 * its integer columns (states, owners, flags, attempts, steps, and the differences of times and
 * event indices). As JSON arrays they were a third of a 100,000-trial snapshot's column line and
 * most of the time to parse it (35 of 49 ms: a million small numbers, each an array element);
 * as strings the same columns take about half the bytes, and the snapshot's reader takes their
 * entries as it makes its rows: the column line of 100,000 trials is read in 26–56 ms instead
 * of 80–108.
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

/** The entry each one-character number stands for (null for 0). */
const SINGLE: readonly (number | null)[] = Array.from({ length: 32 }, (_, v) => (v === 0 ? null : zagged(v)));

/** The entry of the number `v` > 0 (the inverse of zigzag plus 1). */
function zagged(v: number): number {
  return v % 2 === 1 ? (v - 1) / 2 : -(v / 2);
}

/**
 * A column's entries in order, one {@link IntColumnReader.next} call each, from
 * {@link encodeIntColumn}'s string or from a JSON array (formats 2 and 3). A snapshot's reader
 * takes each row's entries as it makes the row, so a string column is never made into an array
 * (a 100,000-entry array is a fresh 400 KB to allocate, and growing it cost more than decoding).
 *
 * @internal
 */
export class IntColumnReader {
  readonly #text: string;
  readonly #array: readonly (number | null)[] | undefined;
  #at = 0;

  /**
   * Checks that `column` holds `n` entries, each a number or null (an array) or in the alphabet (a
   * string); throws what is wrong otherwise (a corrupt snapshot).
   */
  constructor(column: unknown, n: number) {
    if (typeof column === 'string') {
      this.#text = column;
      this.#array = undefined;
      let count = 0;
      let last = 0;
      for (let i = 0; i < column.length; i++) {
        const code = column.charCodeAt(i);
        last = code < 128 ? (INDEX[code] as number) : -1;
        if (last < 0) throw new Error(`an integer column has a character outside its alphabet at ${i}`);
        if (last < 32) count++;
      }
      if (last >= 32) throw new Error(`an integer column has ${count} entries and a torn last one, not ${n}`);
      if (count !== n) throw new Error(`an integer column has ${count} entries, not ${n}`);
    } else if (Array.isArray(column) && column.length === n && column.every((v) => v === null || typeof v === 'number')) {
      this.#text = '';
      this.#array = column as (number | null)[];
    } else {
      throw new Error(`an integer column is neither a string nor an array of ${n} numbers`);
    }
  }

  /** The next entry (call it at most `n` times). */
  next(): number | null {
    const array = this.#array;
    if (array !== undefined) return array[this.#at++] as number | null;
    const text = this.#text;
    let d = INDEX[text.charCodeAt(this.#at++)] as number;
    if (d < 32) return SINGLE[d] as number | null;
    let v = d - 32;
    let scale = 32;
    for (;;) {
      d = INDEX[text.charCodeAt(this.#at++)] as number;
      if (d === undefined) throw new Error('an integer column was read past its end');
      if (d < 32) break;
      v += (d - 32) * scale;
      scale *= 32;
    }
    v += d * scale;
    return v === 0 ? null : zagged(v);
  }
}

/**
 * The `n` entries `text` holds, as an array ({@link encodeIntColumn}'s inverse). Throws when it
 * holds another number of entries or a character outside the alphabet.
 *
 * @internal
 */
export function decodeIntColumn(text: string, n: number): (number | null)[] {
  const reader = new IntColumnReader(text, n);
  return Array.from({ length: n }, () => reader.next());
}
