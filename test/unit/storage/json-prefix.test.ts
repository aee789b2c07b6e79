import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isJsonPrefix } from '../../../src/storage/json-prefix.js';

describe('isJsonPrefix', () => {
  it('holds for every proper prefix of a JSON object, not for the whole', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (value) => {
        const text = JSON.stringify(value);
        for (let i = 0; i < text.length; i++) expect(isJsonPrefix(text.slice(0, i))).toBe(true);
        expect(isJsonPrefix(text)).toBe(false);
      }),
    );
  });

  it('ignores trailing NUL bytes', () => {
    expect(isJsonPrefix('{"a":1\0\0\0')).toBe(true);
    expect(isJsonPrefix('\0\0')).toBe(true);
  });

  it.each(['not json', '{"a" 1', '{"a":1}}', '{a:1', '{"a":tru}', '{"a":"\\x"', '{"a":[1,,', '{"a":1}\n{'])('is false for %j', (text) => {
    expect(isJsonPrefix(text)).toBe(false);
  });
});
