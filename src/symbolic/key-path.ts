import { PliantError } from '../base/errors.js';

/** One step of a {@link KeyPath}: a record key or argument name, or an array index. */
export type KeySegment = string | number;

/** Anything accepted where a key path is expected: its text, a `KeyPath`, or its segments. */
export type KeyPathLike = string | KeyPath | readonly KeySegment[];

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const PARSE_CACHE = new Map<string, KeyPath>();
const PARSE_CACHE_LIMIT = 4096;

/**
 * The address of a value in a symbolic tree, such as `model.layers[2].units`.
 *
 * Argument names and record keys that are identifiers are written `.key`; array indices
 * `[i]`; any other key is quoted: `layers["conv-1"]`, `a["x.y"]`. The root is the empty path `''`.
 */
export class KeyPath {
  /** The empty path: the root of a tree. */
  static readonly root: KeyPath = new KeyPath([]);

  /** The steps from the root, in order. */
  readonly segments: readonly KeySegment[];
  #text: string | undefined;

  /** `owned`: `segments` is a fresh array nobody else holds, kept as it is instead of copied. */
  private constructor(segments: readonly KeySegment[], owned = false) {
    this.segments = Object.freeze(owned ? segments : segments.slice());
  }

  /** Parses `a.b[0]["c d"]`; throws a `PliantError` naming the position of a syntax error. */
  static parse(text: string): KeyPath {
    const cached = PARSE_CACHE.get(text);
    if (cached !== undefined) return cached;
    const parsed = new KeyPath(parseSegments(text));
    parsed.#text = text;
    if (PARSE_CACHE.size >= PARSE_CACHE_LIMIT) PARSE_CACHE.clear();
    PARSE_CACHE.set(text, parsed);
    return parsed;
  }

  /**
   * @internal The path of `key` under `base`, segments the caller has already checked (a node's
   * own argument names, under the path of a tree being built): one array, no checks.
   */
  static child(base: readonly KeySegment[], key: KeySegment): KeyPath {
    const n = base.length;
    const segments = new Array<KeySegment>(n + 1);
    for (let i = 0; i < n; i++) segments[i] = base[i] as KeySegment;
    segments[n] = key;
    return new KeyPath(segments, true);
  }

  /** A `KeyPath` from its text, its segments, or itself. */
  static from(path: KeyPathLike): KeyPath {
    if (path instanceof KeyPath) return path;
    if (typeof path === 'string') return KeyPath.parse(path);
    if (!Array.isArray(path)) {
      throw new PliantError('KeyPath.from', 'argument', `expected a string, a KeyPath or an array of segments, found ${typeof path}`);
    }
    for (const s of path) checkSegment(s);
    return new KeyPath(path);
  }

  /** The number of steps. */
  get length(): number {
    return this.segments.length;
  }

  /** Whether this is the root path. */
  get isRoot(): boolean {
    return this.segments.length === 0;
  }

  /** The last step, or `undefined` at the root. */
  get key(): KeySegment | undefined {
    return this.segments[this.segments.length - 1];
  }

  /** The path one step up, or `undefined` at the root. */
  get parent(): KeyPath | undefined {
    return this.isRoot ? undefined : new KeyPath(this.segments.slice(0, -1));
  }

  /** This path extended by one or more steps. */
  child(...segments: KeySegment[]): KeyPath {
    for (const s of segments) checkSegment(s);
    return new KeyPath([...this.segments, ...segments]);
  }

  /** Whether both paths have the same steps. */
  equals(other: KeyPathLike): boolean {
    const o = KeyPath.from(other).segments;
    return o.length === this.segments.length && o.every((s, i) => s === this.segments[i]);
  }

  /** Whether `other` is this path or lies under it. */
  isPrefixOf(other: KeyPathLike): boolean {
    const o = KeyPath.from(other).segments;
    return o.length >= this.segments.length && this.segments.every((s, i) => s === o[i]);
  }

  /** The text form, parseable by {@link KeyPath.parse}. */
  toString(): string {
    if (this.#text === undefined) this.#text = formatKeyPath(this.segments);
    return this.#text;
  }

  /** JSON form: the text. */
  toJSON(): string {
    return this.toString();
  }
}

/** Formats segments as key-path text (`a.b[0]["c d"]`). */
export function formatKeyPath(segments: readonly KeySegment[]): string {
  let out = '';
  for (let i = 0; i < segments.length; i++) out = appendSegment(out, segments[i] as KeySegment, i === 0);
  return out;
}

/** Appends one segment to key-path text; `first` says whether `text` is the root. */
export function appendSegment(text: string, segment: KeySegment, first = text === ''): string {
  if (typeof segment === 'number') return `${text}[${segment}]`;
  if (IDENTIFIER.test(segment)) return first ? segment : `${text}.${segment}`;
  return `${text}[${JSON.stringify(segment)}]`;
}

function checkSegment(s: unknown): void {
  if (typeof s === 'string') return;
  if (typeof s === 'number' && Number.isInteger(s) && s >= 0) return;
  throw new PliantError('KeyPath', 'argument', `a key-path segment must be a string or a non-negative integer, found ${String(s)}`);
}

function parseSegments(text: string): KeySegment[] {
  if (typeof text !== 'string') {
    throw new PliantError('KeyPath.parse', 'argument', `expected a string, found ${typeof text}`);
  }
  const out: KeySegment[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new PliantError('KeyPath.parse', 'key-path', `cannot parse key path ${JSON.stringify(text)} at position ${i}: ${why}`);
  };
  const readIdentifier = (): void => {
    const start = i;
    while (i < text.length && /[A-Za-z0-9_$]/.test(text[i] as string)) i++;
    const id = text.slice(start, i);
    if (!IDENTIFIER.test(id)) fail('expected a name (quote other keys: ["my key"])');
    out.push(id);
  };
  const readBracket = (): void => {
    i++; // '['
    const c = text[i];
    if (c === '"' || c === "'") {
      const quote = c;
      let j = i + 1;
      let raw = '';
      while (j < text.length && text[j] !== quote) {
        if (text[j] === '\\') {
          raw += text.slice(j, j + 2);
          j += 2;
        } else {
          raw += text[j];
          j++;
        }
      }
      if (j >= text.length) fail('unterminated quoted key');
      const body = quote === '"' ? raw : raw.replace(/\\'/g, "'").replace(/"/g, '\\"');
      let key: string;
      try {
        key = JSON.parse(`"${body}"`) as string;
      } catch {
        return fail('invalid escape in quoted key');
      }
      out.push(key);
      i = j + 1;
    } else {
      const start = i;
      while (i < text.length && text[i] !== ']') i++;
      const digits = text.slice(start, i);
      if (!/^(0|[1-9][0-9]*)$/.test(digits)) fail('expected an index or a quoted key inside [ ]');
      out.push(Number(digits));
    }
    if (text[i] !== ']') fail("expected ']'");
    i++;
  };
  if (text.length === 0) return out;
  if (text[0] === '[') readBracket();
  else readIdentifier();
  while (i < text.length) {
    const c = text[i];
    if (c === '.') {
      i++;
      readIdentifier();
    } else if (c === '[') {
      readBracket();
    } else {
      fail(`unexpected character ${JSON.stringify(c)}`);
    }
  }
  return out;
}
