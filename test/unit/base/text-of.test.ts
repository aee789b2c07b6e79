import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { textOf } from '../../../src/base/text-of.js';

describe('textOf', () => {
  it("is the bytes' UTF-8 text, ASCII or not, whole or a range (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme-ascii' }), fc.nat(), fc.nat(), (other, ascii, a, b) => {
        for (const text of [other, ascii, ascii + other + ascii]) {
          const bytes = Buffer.from(text, 'utf8');
          expect(textOf(bytes)).toBe(bytes.toString('utf8'));
          const start = Math.min(a, bytes.length);
          const end = Math.max(start, Math.min(b, bytes.length));
          expect(textOf(bytes, start, end)).toBe(bytes.toString('utf8', start, end));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('reads text that is not ASCII as UTF-8, not as Latin-1', () => {
    const bytes = Buffer.from('{"error":"déjà vu 🚀"}', 'utf8');
    expect(textOf(bytes)).toBe('{"error":"déjà vu 🚀"}');
    expect(JSON.parse(textOf(bytes, 0, bytes.length))).toEqual({ error: 'déjà vu 🚀' });
  });
});
