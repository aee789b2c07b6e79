import { MEMO, SymbolicNode } from './node.js';
import type { TreeValue } from './node.js';
import { digestHex, murmur3Words } from './murmur3.js';
import type { Digest128 } from './murmur3.js';

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
 * in sorted order, node arguments in their canonical order, strings by their UTF-16 code units,
 * numbers by their IEEE-754 bits (−0 and 0 differ, every NaN is one NaN), and each child node by
 * its own digest. It never depends on object identity or key insertion order, so it is the same
 * in every process and on every machine. A node's digest is computed once and memoised (trees
 * are immutable), so after a `rebind` only the nodes on the changed path are hashed again.
 */
export function hash(value: TreeValue): string {
  if (value instanceof SymbolicNode) {
    const memo = value[MEMO];
    if (memo.hex !== undefined) return memo.hex;
    const d = nodeDigest(value);
    return (memo.hex = digestHex(d[0] as number, d[1] as number, d[2] as number, d[3] as number));
  }
  const start = top;
  try {
    write(value);
    murmur3Words(words, start, top, SEED, SCRATCH);
    return digestHex(SCRATCH.h1, SCRATCH.h2, SCRATCH.h3, SCRATCH.h4);
  } finally {
    top = start;
  }
}

const SCRATCH: Digest128 = { h1: 0, h2: 0, h3: 0, h4: 0 };

/** @internal The memoised digest of a node (four int32 words), computed on first use. */
export function nodeDigest(node: SymbolicNode): readonly number[] {
  const memo = node[MEMO];
  if (memo.digest !== undefined) return memo.digest;
  const start = top;
  try {
    reserve(2);
    words[top++] = T_NODE_BODY;
    writeString(node.type.name);
    const args = node.args as Readonly<Record<string, TreeValue>>;
    reserve(1);
    const countAt = top++;
    let count = 0;
    for (const key in args) {
      writeString(key);
      write(args[key] as TreeValue);
      count++;
    }
    words[countAt] = count;
    murmur3Words(words, start, top, SEED, SCRATCH);
    return (memo.digest = [SCRATCH.h1, SCRATCH.h2, SCRATCH.h3, SCRATCH.h4]);
  } finally {
    top = start;
  }
}

/** @internal Whether a node's digest has been computed already. */
export function hasDigest(node: SymbolicNode): boolean {
  return node[MEMO].digest !== undefined;
}

function writeString(s: string): void {
  const len = s.length;
  reserve(2 + (len >> 1));
  const w = words;
  let t = top;
  w[t++] = len;
  let i = 0;
  for (; i + 1 < len; i += 2) w[t++] = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16);
  if (i < len) w[t++] = s.charCodeAt(i);
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
    words[top++] = d[0] as number;
    words[top++] = d[1] as number;
    words[top++] = d[2] as number;
    words[top++] = d[3] as number;
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
