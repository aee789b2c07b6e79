/**
 * Typed arrays cut from shared slabs. In Node 20, `new Float64Array(n)` over 64 bytes allocates
 * a backing store of its own outside the heap: about 1–4 µs each on this project's machines
 * (a C++ allocation, zeroing, and external-memory accounting), against about 0.06 µs for a view
 * of an existing buffer. Code that makes many short-lived arrays per operation (TPE makes about
 * a hundred per proposal, and one per candidate) takes them from here instead.
 *
 * An array given out is fresh: zeroed and never given out again (a slab is never reused; a new
 * one is made when it is full, and an old one is freed by the garbage collector once no array
 * cut from it is alive). The cost of that is memory: an array kept for long keeps its whole slab
 * ({@link SLAB_BYTES}) alive, so long-lived or growing storage should allocate its own.
 *
 * @internal
 */

/**
 * The size of a slab: under glibc's default threshold for allocating by `mmap` (128 KiB), so a
 * slab comes from the heap's free memory rather than a fresh mapping. A new slab cost about
 * 9 µs in a loop of nothing else and about 20 µs inside TPE's proposals (zeroing, page faults).
 */
export const SLAB_BYTES = 64 * 1024;

/** Requests above this many bytes get a buffer of their own (a slab would be left mostly unused). */
const LARGEST = SLAB_BYTES / 4;

let slab = new ArrayBuffer(SLAB_BYTES);
/** The next free byte of {@link slab}, a multiple of 8. */
let next = 0;

/**
 * Makes room for `bytes` (a multiple of 8, at most {@link LARGEST}) in {@link slab} (a new slab
 * when the current one is full) and returns where they start. Read `slab` after calling this.
 */
function take(bytes: number): number {
  if (next + bytes > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    next = 0;
  }
  const at = next;
  next += bytes;
  return at;
}

/** A zeroed `Float64Array` of length `n` (a non-negative integer). @internal */
export function slabFloat64(n: number): Float64Array {
  const bytes = n * 8;
  if (bytes > LARGEST) return new Float64Array(n);
  const at = take(bytes);
  return new Float64Array(slab, at, n);
}

/** A zeroed `Int32Array` of length `n` (a non-negative integer). @internal */
export function slabInt32(n: number): Int32Array {
  const bytes = (n * 4 + 7) & ~7;
  if (bytes > LARGEST) return new Int32Array(n);
  const at = take(bytes);
  return new Int32Array(slab, at, n);
}
