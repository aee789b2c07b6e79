/**
 * Whether `text` is a proper prefix of some JSON text: JSON cut short, as a write interrupted by
 * a crash leaves it (trailing NUL bytes, which some file systems leave after a power loss, are
 * ignored). Complete JSON, and text with a character no JSON could have there, are not.
 *
 * One pass over the text with an explicit stack, no recursion and no backtracking: time linear in
 * the length and any nesting depth, so a journal line of megabytes (whatever it holds) is decided
 * in milliseconds.
 *
 * @param text - The text to check.
 */
export function isJsonPrefix(text: string): boolean {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === NUL) end--;
  return scan(text, end);
}

const NUL = 0x00;
const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

/** What the scanner expects next: a value. */
const VALUE = 0;
/** A value or `]` (just after `[`). */
const VALUE_OR_CLOSE = 1;
/** A key (after `,` in an object). */
const KEY = 2;
/** A key or `}` (just after `{`). */
const KEY_OR_CLOSE = 3;
/** `:` after a key. */
const COLON_NEXT = 4;
/** `,` or the container's close, after a value. */
const AFTER = 5;

/** A container on the stack. */
const ARRAY = 0;
const OBJECT = 1;

/** A scanned token ran past the end of the text. */
const END = -1;
/** A scanned token holds a character no JSON has there. */
const BAD = -2;

/** `true` when the text ends before its JSON does; `false` when it is complete or has a bad character. */
function scan(text: string, end: number): boolean {
  let stack = new Uint8Array(64); // the open containers, outermost first
  let depth = 0;
  let expect = VALUE;
  let i = 0;
  for (;;) {
    while (i < end && isSpace(text.charCodeAt(i))) i++;
    if (i >= end) return true;
    const c = text.charCodeAt(i);
    let next: number; // where the value that starts at `i` ends, when one does here
    if (expect === VALUE || expect === VALUE_OR_CLOSE) {
      if (c === OPEN_BRACKET || c === OPEN_BRACE) {
        if (depth === stack.length) stack = grow(stack);
        stack[depth++] = c === OPEN_BRACKET ? ARRAY : OBJECT;
        expect = c === OPEN_BRACKET ? VALUE_OR_CLOSE : KEY_OR_CLOSE;
        i++;
        continue;
      }
      if (expect === VALUE_OR_CLOSE && c === CLOSE_BRACKET) {
        depth--;
        next = i + 1;
      } else {
        next = scalar(text, end, i, c);
      }
    } else if (expect === KEY || expect === KEY_OR_CLOSE) {
      if (expect === KEY_OR_CLOSE && c === CLOSE_BRACE) {
        depth--;
        next = i + 1;
      } else {
        if (c !== QUOTE) return false;
        next = string(text, end, i);
        if (next === END) return true;
        if (next === BAD) return false;
        expect = COLON_NEXT;
        i = next;
        continue;
      }
    } else if (expect === COLON_NEXT) {
      if (c !== COLON) return false;
      expect = VALUE;
      i++;
      continue;
    } else {
      // AFTER a value in a container: `,` or the container's close.
      const array = stack[depth - 1] === ARRAY;
      if (c === COMMA) {
        expect = array ? VALUE : KEY;
        i++;
        continue;
      }
      if (c !== (array ? CLOSE_BRACKET : CLOSE_BRACE)) return false;
      depth--;
      next = i + 1;
    }
    // A value (a scalar, or a container's close) ended at `next`.
    if (next === END) return true;
    if (next === BAD) return false;
    if (depth === 0) return false; // the top-level value is complete: not a cut-short text
    expect = AFTER;
    i = next;
  }
}

/** `stack`, twice as long. */
function grow(stack: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const bigger = new Uint8Array(stack.length * 2);
  bigger.set(stack);
  return bigger;
}

function isSpace(c: number): boolean {
  return c === SPACE || c === TAB || c === LF || c === CR;
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

/** The end of the string, number or literal that starts at `i` with `c` (or {@link END} / {@link BAD}). */
function scalar(text: string, end: number, i: number, c: number): number {
  if (c === QUOTE) return string(text, end, i);
  if (c === MINUS || isDigit(c)) return number(text, end, i);
  if (c === 0x74 /* t */) return word(text, end, i, 'true');
  if (c === 0x66 /* f */) return word(text, end, i, 'false');
  if (c === 0x6e /* n */) return word(text, end, i, 'null');
  return BAD;
}

function word(text: string, end: number, i: number, expected: string): number {
  for (let k = 0; k < expected.length; k++, i++) {
    if (i >= end) return END;
    if (text.charCodeAt(i) !== expected.charCodeAt(k)) return BAD;
  }
  return i;
}

/** A number (loosely: a digit, then any run of digits, `.`, `e`, `E`, `+`, `-`). */
function number(text: string, end: number, i: number): number {
  if (text.charCodeAt(i) === MINUS) i++;
  if (i >= end) return END;
  if (!isDigit(text.charCodeAt(i))) return BAD;
  for (;;) {
    if (i >= end) return i;
    const c = text.charCodeAt(i);
    if (!(isDigit(c) || c === DOT || c === LOWER_E || c === UPPER_E || c === PLUS || c === MINUS)) return i;
    i++;
  }
}

/** A string starting with its quote at `i`. */
function string(text: string, end: number, i: number): number {
  i++; // the opening quote
  for (;;) {
    if (i >= end) return END;
    const c = text.charCodeAt(i++);
    if (c === QUOTE) return i;
    if (c < SPACE) return BAD;
    if (c !== BACKSLASH) continue;
    if (i >= end) return END;
    const e = text.charCodeAt(i++);
    if (e === 0x75 /* u */) {
      for (let k = 0; k < 4; k++, i++) {
        if (i >= end) return END;
        if (!isHex(text.charCodeAt(i))) return BAD;
      }
    } else if (!ESCAPES.has(e)) return BAD;
  }
}

/** The characters that may follow a backslash in a JSON string (besides `u`). */
const ESCAPES: ReadonlySet<number> = new Set([...'"\\/bfnrt'].map((ch) => ch.charCodeAt(0)));

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}
