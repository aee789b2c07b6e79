import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isJsonPrefix } from '../../../src/storage/json-prefix.js';

/**
 * The former, recursive scanner: the reference semantics of `isJsonPrefix` (for shallow input).
 * Numbers are read loosely (a digit, then any run of digits, `.`, `e`, `E`, `+`, `-`).
 */
function reference(text: string): boolean {
  const END = Symbol('end');
  const BAD = Symbol('bad');
  let end = text.length;
  while (end > 0 && text[end - 1] === '\0') end--;
  const s = text.slice(0, end);
  let pos = 0;
  const peek = (): string => {
    if (pos >= s.length) throw END;
    return s[pos] as string;
  };
  const take = (): string => {
    const c = peek();
    pos++;
    return c;
  };
  const skipSpace = (): void => {
    while (' \t\r\n'.includes(peek())) pos++;
  };
  const string = (): void => {
    take();
    for (;;) {
      const c = take();
      if (c === '"') return;
      if (c < ' ') throw BAD;
      if (c === '\\') {
        const e = take();
        if (e === 'u') {
          for (let i = 0; i < 4; i++) if (!/[0-9a-fA-F]/.test(take())) throw BAD;
        } else if (!'"\\/bfnrt'.includes(e)) throw BAD;
      }
    }
  };
  const value = (): void => {
    skipSpace();
    const c = peek();
    if (c === '{') {
      take();
      skipSpace();
      if (peek() === '}') return void pos++;
      for (;;) {
        skipSpace();
        if (peek() !== '"') throw BAD;
        string();
        skipSpace();
        if (take() !== ':') throw BAD;
        value();
        skipSpace();
        const d = take();
        if (d === '}') return;
        if (d !== ',') throw BAD;
      }
    }
    if (c === '[') {
      take();
      skipSpace();
      if (peek() === ']') return void pos++;
      for (;;) {
        value();
        skipSpace();
        const d = take();
        if (d === ']') return;
        if (d !== ',') throw BAD;
      }
    }
    if (c === '"') return string();
    if (c === '-' || (c >= '0' && c <= '9')) {
      if (peek() === '-') pos++;
      if (!/[0-9]/.test(peek())) throw BAD;
      while (pos < s.length && /[0-9.eE+-]/.test(s[pos] as string)) pos++;
      return;
    }
    for (const word of ['true', 'false', 'null']) {
      if (c === word[0]) {
        for (const expected of word) if (take() !== expected) throw BAD;
        return;
      }
    }
    throw BAD;
  };
  try {
    value();
    while (pos < s.length && ' \t\r\n'.includes(s[pos] as string)) pos++;
    return false;
  } catch (signal) {
    if (signal === END) return true;
    if (signal === BAD) return false;
    throw signal;
  }
}

/** Characters JSON text is made of, and some it is not. */
const JSONISH = fc
  .array(fc.constantFrom(...'{}[]":,\\ \t\n-+.0123456789eEtrufalsn\0xu"/bA', '\\u00e9', 'true', 'null', '{"a":', '\u2028', '\u0001'), { maxLength: 40 })
  .map((parts) => parts.join(''));

const MB = 1 << 20;

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

  it('decides as the former recursive scanner did, on any text made of JSON characters', () => {
    fc.assert(
      fc.property(JSONISH, (text) => {
        expect(isJsonPrefix(text)).toBe(reference(text));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(), JSONISH, (value, cut, tail) => {
        const text = JSON.stringify(value, null, cut % 3);
        const mangled = text.slice(0, cut % (text.length + 1)) + tail;
        expect(isJsonPrefix(mangled)).toBe(reference(mangled));
      }),
      { numRuns: 1000 },
    );
  });

  it('decides nesting of any depth without recursion', () => {
    for (const n of [10, 1e3, 1e5, 1e6]) {
      expect(isJsonPrefix('['.repeat(n))).toBe(true);
      expect(isJsonPrefix(`${'['.repeat(n)}1${']'.repeat(n - 1)}`)).toBe(true);
      expect(isJsonPrefix(`${'['.repeat(n)}1${']'.repeat(n)}`)).toBe(false);
      expect(isJsonPrefix('{"a":'.repeat(n))).toBe(true);
      expect(isJsonPrefix(`${'{"a":['.repeat(n)}x`)).toBe(false);
    }
  });

  it('decides megabyte lines of adversarial content (linear, no backtracking)', () => {
    expect(isJsonPrefix(`${'\0'.repeat(MB)}a`)).toBe(false); // a long NUL run, not at the end
    expect(isJsonPrefix(`{"a":${'\0'.repeat(MB)}1`)).toBe(false);
    expect(isJsonPrefix(`{"a":1${'\0'.repeat(MB)}`)).toBe(true); // trailing NULs are ignored
    expect(isJsonPrefix('\0'.repeat(MB))).toBe(true);
    expect(isJsonPrefix(`{"a":"${'x'.repeat(MB)}`)).toBe(true); // an unterminated string
    expect(isJsonPrefix(`{"a":"${'\\\\'.repeat(MB / 2)}`)).toBe(true);
    expect(isJsonPrefix(`{"a":"${'\\u00e9'.repeat(MB / 6)}\\u00`)).toBe(true);
    expect(isJsonPrefix(`[${'1,'.repeat(MB / 2)}`)).toBe(true);
    expect(isJsonPrefix(`[${'1,'.repeat(MB / 2)}]`)).toBe(false); // a trailing comma
    expect(isJsonPrefix(`${' '.repeat(MB)}{`)).toBe(true);
    expect(isJsonPrefix(`{"a":1}${' '.repeat(MB)}x`)).toBe(false);
    expect(isJsonPrefix(`[${'-'.repeat(MB)}`)).toBe(false);
    expect(isJsonPrefix(`[1${'e+-.'.repeat(MB / 4)}`)).toBe(true); // loose numbers, as before
  });
});
