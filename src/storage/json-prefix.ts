/**
 * Whether `text` is a proper prefix of some JSON text: JSON cut short, as a write interrupted by
 * a crash leaves it (trailing NUL bytes, which some file systems leave after a power loss, are
 * ignored). Complete JSON, and text with a character no JSON could have there, are not.
 *
 * @param text - The text to check.
 */
export function isJsonPrefix(text: string): boolean {
  const trimmed = text.replace(/\0+$/, '');
  const scanner = new PrefixScanner(trimmed);
  try {
    scanner.value();
    scanner.space();
    return false; // complete JSON (or complete and followed by junk): not a cut-short text
  } catch (signal) {
    if (signal === END) return true;
    if (signal === BAD) return false;
    throw signal;
  }
}

const END = Symbol('end');
const BAD = Symbol('bad');

class PrefixScanner {
  private pos = 0;
  constructor(private readonly text: string) {}

  private peek(): string {
    if (this.pos >= this.text.length) throw END;
    return this.text[this.pos] as string;
  }

  private take(): string {
    const c = this.peek();
    this.pos++;
    return c;
  }

  space(): void {
    while (this.pos < this.text.length && ' \t\r\n'.includes(this.text[this.pos] as string)) this.pos++;
    if (this.pos < this.text.length) throw BAD;
  }

  private skipSpace(): void {
    while (' \t\r\n'.includes(this.peek())) this.pos++;
  }

  value(): void {
    this.skipSpace();
    const c = this.peek();
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    for (const word of ['true', 'false', 'null']) if (c === word[0]) return this.word(word);
    throw BAD;
  }

  private word(word: string): void {
    for (const expected of word) if (this.take() !== expected) throw BAD;
  }

  private number(): void {
    if (this.peek() === '-') this.pos++;
    if (!/[0-9]/.test(this.peek())) throw BAD;
    while (this.pos < this.text.length && /[0-9.eE+-]/.test(this.text[this.pos] as string)) this.pos++;
  }

  private string(): void {
    this.take(); // the opening quote
    for (;;) {
      const c = this.take();
      if (c === '"') return;
      if (c < ' ') throw BAD;
      if (c === '\\') {
        const e = this.take();
        if (e === 'u') {
          for (let i = 0; i < 4; i++) if (!/[0-9a-fA-F]/.test(this.take())) throw BAD;
        } else if (!'"\\/bfnrt'.includes(e)) throw BAD;
      }
    }
  }

  private object(): void {
    this.take();
    this.skipSpace();
    if (this.peek() === '}') {
      this.pos++;
      return;
    }
    for (;;) {
      this.skipSpace();
      if (this.peek() !== '"') throw BAD;
      this.string();
      this.skipSpace();
      if (this.take() !== ':') throw BAD;
      this.value();
      this.skipSpace();
      const c = this.take();
      if (c === '}') return;
      if (c !== ',') throw BAD;
    }
  }

  private array(): void {
    this.take();
    this.skipSpace();
    if (this.peek() === ']') {
      this.pos++;
      return;
    }
    for (;;) {
      this.value();
      this.skipSpace();
      const c = this.take();
      if (c === ']') return;
      if (c !== ',') throw BAD;
    }
  }
}
