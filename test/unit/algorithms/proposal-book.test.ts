import { describe, expect, it } from 'vitest';
import { DNA } from '../../../src/geno/dna.js';
import { ProposalBook, dnaKey } from '../../../src/algorithms/proposal-book.js';

const pair = (a: number, b: number): DNA => new DNA(undefined, [new DNA(a), new DNA(b)]);

describe('ProposalBook', () => {
  it('settles the oldest entry of a DNA first, and nothing once all are settled', () => {
    const book = new ProposalBook<string>(false);
    const a = pair(1, 2);
    book.add(a, 'first');
    book.add(pair(1, 2), 'second');
    book.add(pair(2, 1), 'other');
    expect(book.settle(pair(1, 2))).toBe('first');
    expect(book.settle(a)).toBe('second');
    expect(book.settle(a)).toBeUndefined();
    expect(book.settle(pair(2, 1))).toBe('other');
    expect(book.hasSeen(a)).toBe(false);
  });

  it('remembers every DNA it was given when asked to, settled or not; keyed by JSON (a float 2.0 is the int 2)', () => {
    const book = new ProposalBook<number>(true);
    book.add(new DNA(2), 0);
    book.settle(new DNA(2));
    expect(book.hasSeen(new DNA(2))).toBe(true);
    expect(book.hasSeen(new DNA(3))).toBe(false);
    expect(dnaKey(new DNA(2, undefined, true))).toBe(dnaKey(new DNA(2)));
    expect(dnaKey(pair(1, 2))).not.toBe(dnaKey(pair(2, 1)));
  });
});
