import { SymbolicNode, memo } from './node.js';
import type { SymbolicType, TreeValue } from './node.js';
import { digestHex, murmur3Words } from '../base/murmur3.js';
import type { Digest128 } from '../base/murmur3.js';

const SEED = 0x706c6961; // "plia"

const T_NULL = 1;
const T_FALSE = 2;
const T_TRUE = 3;
const T_INT = 4;
const T_FLOAT = 5;
const T_NAN = 6;
const T_STRING = 7;
const T_ARRAY = 8;
const T_RECORD = 9;
const T_NODE = 10;
const T_NODE_BODY = 11;
const T_TYPE = 12;

// The canonical word stream is written into one growing buffer used as a stack: a node whose
// digest is needed while its parent is being written hashes its own words above the parent's.
let words = new Int32Array(4096);
let top = 0;
const F64 = new Float64Array(1);
const I32 = new Int32Array(F64.buffer);

function reserve(n: number): void {
  if (top + n <= words.length) return;
  let size = words.length * 2;
  while (size < top + n) size *= 2;
  const next = new Int32Array(size);
  next.set(words.subarray(0, top));
  words = next;
}

/**
 * A stable 128-bit hash of a tree (32 hex digits), consistent with `eq`: equal trees have equal
 * hashes. It is MurmurHash3 (x86, 128-bit) of a canonical word stream of the tree: record keys
 * in sorted order; strings by their characters (four Latin-1 characters or two UTF-16 code
 * units to a word, after a header with the length); numbers by their IEEE-754 bits (−0 and 0
 * differ, every NaN is one NaN); a node by the digest of its type (name and declared argument
 * names), then its arguments in canonical order, a declared one named by its position; and each
 * child node by its own digest. It never depends on object identity or key insertion order, so
 * it is the same in every process and on every machine for the same type definitions. A node's
 * digest is computed once and memoised (trees are immutable), so after a `rebind` only the nodes
 * on the changed path are hashed again.
 */
export function hash(value: TreeValue): string {
  if (value instanceof SymbolicNode) {
    const genuine = memo.genuine(value);
    if (genuine) {
      const known = memo.hex(value);
      if (known !== undefined) return known;
    }
    const d = nodeDigest(value);
    const hex = digestHex(d.h1, d.h2, d.h3, d.h4);
    if (genuine) memo.setHex(value, hex);
    return hex;
  }
  const start = top;
  try {
    write(value);
    const d = murmur3Words(words, start, top, SEED, SCRATCH);
    return digestHex(d.h1, d.h2, d.h3, d.h4);
  } finally {
    top = start;
  }
}

/** Where digests are written; read at once, before the next digest is computed. */
const SCRATCH: Digest128 = { h1: 0, h2: 0, h3: 0, h4: 0 };

/**
 * The digest of a node, computed on first use and kept in the node's memo (a copy made by immer
 * has none: its digest is computed each time). Returned in a scratch object shared by every
 * call: read it before computing another digest.
 */
function nodeDigest(node: SymbolicNode): Readonly<Digest128> {
  const genuine = memo.genuine(node);
  if (genuine) {
    const d1 = memo.d1(node);
    const d2 = memo.d2(node);
    const d3 = memo.d3(node);
    const d4 = memo.d4(node);
    if ((d1 | d2 | d3 | d4) !== 0) {
      SCRATCH.h1 = d1;
      SCRATCH.h2 = d2;
      SCRATCH.h3 = d3;
      SCRATCH.h4 = d4;
      return SCRATCH;
    }
  }
  const start = top;
  try {
    const type = node.type;
    const prefix = type.internal.digest ?? typeDigest(type);
    reserve(6);
    words[top++] = T_NODE_BODY;
    words[top++] = prefix[0] as number;
    words[top++] = prefix[1] as number;
    words[top++] = prefix[2] as number;
    words[top++] = prefix[3] as number;
    const args = node.args as Readonly<Record<string, TreeValue>>;
    const countAt = top++;
    let count = 0;
    // Arguments are stored declared ones first, in declared order, then the others sorted; a
    // declared argument is written as its position (the type digest covers the names).
    const declared = type.declaredKeys;
    const nDeclared = declared.length;
    if (genuine && memo.full(node)) {
      // Exactly the declared arguments, in declared order: the same words without the key walk,
      // read by code made for the type (monomorphic property reads).
      const hashArgs = type.internal.hashArgs ?? compileHashArgs(type);
      if (hashArgs !== null) {
        hashArgs(args);
      } else {
        for (let i = 0; i < nDeclared; i++) writeArg(i, args[declared[i] as string] as TreeValue);
      }
      count = nDeclared;
    } else {
      let p = 0;
      for (const key in args) {
        while (p < nDeclared && declared[p] !== key) p++;
        reserve(1);
        if (p < nDeclared) {
          words[top++] = p;
        } else {
          words[top++] = -1;
          writeString(key);
        }
        write(args[key] as TreeValue);
        count++;
      }
    }
    words[countAt] = count;
    const d = murmur3Words(words, start, top, SEED, SCRATCH);
    if (genuine) memo.setDigest(node, d.h1, d.h2, d.h3, d.h4);
    return d;
  } finally {
    top = start;
  }
}

/** Writes a declared argument: its position, then its value. */
function writeArg(position: number, value: TreeValue): void {
  reserve(1);
  words[top++] = position;
  write(value);
}

/**
 * Generates, once per type, a function writing the words of full arguments (each declared one,
 * in order, through {@link writeArg}) with a property read by name per argument; records
 * `null` where code generation is not allowed (a strict CSP), and the loop is used.
 */
function compileHashArgs(type: SymbolicType): ((args: object) => void) | null {
  let fn: ((args: object) => void) | null = null;
  try {
    const body = type.declaredKeys.map((k, i) => `writeArg(${i}, args[${JSON.stringify(k)}]);`).join(' ');
    fn = (new Function('writeArg', `return function (args) { ${body} };`) as (w: typeof writeArg) => (args: object) => void)(writeArg);
  } catch {
    fn = null;
  }
  type.internal.hashArgs = fn;
  return fn;
}

/** The digest of a type's name and declared argument names, in order. */
function typeDigest(type: SymbolicType): number[] {
  const start = top;
  try {
    reserve(2);
    words[top++] = T_TYPE;
    writeString(type.name);
    words[top++] = type.declaredKeys.length;
    for (const key of type.declaredKeys) writeString(key);
    const d = murmur3Words(words, start, top, SEED, SCRATCH);
    return (type.internal.digest = [d.h1, d.h2, d.h3, d.h4]);
  } finally {
    top = start;
  }
}

/**
 * Writes a string: a header word (length × 2, plus 1 when the string is Latin-1), then its
 * characters four to a word (Latin-1) or its UTF-16 code units two to a word.
 */
function writeString(s: string): void {
  const len = s.length;
  reserve(2 + (len >> 1));
  const w = words;
  const head = top;
  let t = head + 1;
  let i = 0;
  let latin1 = true;
  for (; i + 3 < len; i += 4) {
    const a = s.charCodeAt(i);
    const b = s.charCodeAt(i + 1);
    const c = s.charCodeAt(i + 2);
    const d = s.charCodeAt(i + 3);
    if ((a | b | c | d) > 255) {
      latin1 = false;
      break;
    }
    w[t++] = a | (b << 8) | (c << 16) | (d << 24);
  }
  if (latin1) {
    if (i < len) {
      let last = 0;
      for (let k = 0; i + k < len; k++) {
        const ch = s.charCodeAt(i + k);
        if (ch > 255) {
          latin1 = false;
          break;
        }
        last |= ch << (8 * k);
      }
      if (latin1) w[t++] = last;
    }
  }
  if (!latin1) {
    t = head + 1;
    for (i = 0; i + 1 < len; i += 2) w[t++] = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16);
    if (i < len) w[t++] = s.charCodeAt(i);
  }
  w[head] = len * 2 + (latin1 ? 1 : 0);
  top = t;
}

function write(v: TreeValue): void {
  switch (typeof v) {
    case 'number':
      reserve(3);
      if ((v | 0) === v && (v !== 0 || 1 / v > 0)) {
        words[top++] = T_INT;
        words[top++] = v;
      } else if (v !== v) {
        words[top++] = T_NAN;
      } else {
        F64[0] = v;
        words[top++] = T_FLOAT;
        words[top++] = I32[0] as number;
        words[top++] = I32[1] as number;
      }
      return;
    case 'string':
      reserve(1);
      words[top++] = T_STRING;
      writeString(v);
      return;
    case 'boolean':
      reserve(1);
      words[top++] = v ? T_TRUE : T_FALSE;
      return;
    default:
      break;
  }
  if (v === null) {
    reserve(1);
    words[top++] = T_NULL;
  } else if (v instanceof SymbolicNode) {
    const d = nodeDigest(v);
    reserve(5);
    words[top++] = T_NODE;
    words[top++] = d.h1;
    words[top++] = d.h2;
    words[top++] = d.h3;
    words[top++] = d.h4;
  } else if (Array.isArray(v)) {
    const arr = v as readonly TreeValue[];
    reserve(2);
    words[top++] = T_ARRAY;
    words[top++] = arr.length;
    for (let i = 0; i < arr.length; i++) write(arr[i] as TreeValue);
  } else {
    const rec = v as Readonly<Record<string, TreeValue>>;
    const keys = Object.keys(rec).sort();
    reserve(2);
    words[top++] = T_RECORD;
    words[top++] = keys.length;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      writeString(key);
      write(rec[key] as TreeValue);
    }
  }
}
