/**
 * Guards against hostile nesting: a JSON text or value nested so deep that a recursive reader
 * (a zod schema, `DNA.fromJSON`, a walker over a tree) would exhaust the stack and die with a
 * bare `RangeError`. Readers check with these first, then recurse safely.
 */
import { PliantError } from './errors.js';

/**
 * The deepest nesting of arrays and objects pliant reads or writes as JSON (a journal line, a
 * tree's JSON form, a DNA's JSON form). A root array or object is at depth 1; `[[1]]` has depth 2.
 *
 * Real model trees and DNAs nest a few dozen levels at most, so 512 never refuses real data,
 * while recursive readers stay far from the stack limit: with Node's default stack, a recursive
 * zod schema over JSON overflows at about 1,400 levels and `JSON.stringify` at about 4,000.
 */
export const MAX_JSON_DEPTH = 512;

const OPEN_BRACKET = 0x5b; // [
const OPEN_BRACE = 0x7b; // {
const CLOSE_BRACKET = 0x5d; // ]
const CLOSE_BRACE = 0x7d; // }
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \

/**
 * The deepest nesting of `[` and `{` in JSON text (outside strings), found by one linear scan
 * without recursion, so that a caller can refuse a text before `JSON.parse` or a schema reads it:
 * `jsonTextDepth('{"a":[1]}')` is 2, `jsonTextDepth('1')` is 0. Malformed text is not an error:
 * the scan counts the brackets it sees (a closing bracket never takes the count below 0).
 *
 * @param text - The JSON text (or a part of one).
 * @returns The deepest nesting level reached.
 */
export function jsonTextDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if ((c === CLOSE_BRACKET || c === CLOSE_BRACE) && depth > 0) {
      depth--;
    }
  }
  return deepest;
}

/** One container being walked by {@link checkDepth}. */
interface Frame {
  readonly value: object;
  readonly keys: readonly string[] | undefined; // undefined: an array
  readonly length: number;
  next: number;
  /** The key of this container in its parent (`undefined` at the root). */
  readonly key: string | number | undefined;
}

/**
 * Checks that a value (typically one `JSON.parse` gave, or one about to be serialised) nests no
 * deeper than `limit` arrays and objects, by an iterative walk (no recursion, so any depth is
 * safe to check). A value too deep is a `json` {@link PliantError} naming `api` and the key path
 * of the first container below the limit:
 * `DNA.fromJSON: at '[0][0]…[0]': nesting deeper than 512 levels`. A value that contains itself
 * (a cycle: infinitely deep) is a `json` error at the path where it recurs.
 *
 * Arrays are walked by index and other objects by their own enumerable string keys; primitives,
 * functions and the like are not looked into (callers reject them as they read).
 *
 * @param value - The value to check.
 * @param api - The public function to name in the error.
 * @param limit - The deepest nesting allowed (default {@link MAX_JSON_DEPTH}).
 */
export function checkDepth(value: unknown, api: string, limit: number = MAX_JSON_DEPTH): void {
  if (!Number.isInteger(limit) || limit < 0) throw new PliantError('checkDepth', 'argument', `limit must be a non-negative integer, found ${String(limit)}`);
  if (typeof value !== 'object' || value === null) return;
  if (limit >= QUICK_DEPTH && quickShallow(value, 1, { left: QUICK_BUDGET })) return;
  const stack: Frame[] = [];
  // The containers on the current path (a cycle is a container inside itself), and for each
  // container already walked the shallowest depth it was walked from (shared subtrees are walked
  // again only from deeper, so a DAG costs at most `limit` walks per container).
  const onPath = new Set<object>();
  const walkedAt = new Map<object, number>();
  const enter = (child: object, key: string | number | undefined): void => {
    if (onPath.has(child)) throw new PliantError(api, 'json', 'a cycle: this value contains itself', { path: pathOf(stack, key) });
    if (stack.length >= limit) throw new PliantError(api, 'json', `nesting deeper than ${limit} levels`, { path: pathOf(stack, key) });
    const keys = Array.isArray(child) ? undefined : Object.keys(child);
    onPath.add(child);
    walkedAt.set(child, stack.length + 1);
    stack.push({ value: child, keys, length: keys === undefined ? (child as unknown[]).length : keys.length, next: 0, key });
  };
  enter(value, undefined);
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as Frame;
    if (top.next >= top.length) {
      stack.pop();
      onPath.delete(top.value);
      continue;
    }
    const i = top.next++;
    const key = top.keys === undefined ? i : (top.keys[i] as string);
    const child = (top.value as Record<string | number, unknown>)[key];
    if (typeof child !== 'object' || child === null) continue;
    const seen = walkedAt.get(child);
    if (seen !== undefined && seen >= stack.length + 1 && !onPath.has(child)) continue;
    enter(child, key);
  }
}

/** Nesting the quick walk of {@link checkDepth} settles on its own (a cycle always goes deeper). */
const QUICK_DEPTH = 32;
/** Containers the quick walk visits before leaving the value to the full walk (a DAG can be large). */
const QUICK_BUDGET = 4096;

/**
 * Whether `value` (a container at nesting `depth`) and everything in it nest no deeper than
 * {@link QUICK_DEPTH}, found within the visit budget: then it has no cycle and passes any limit
 * of at least that depth. `false` says only "not known": the full walk decides. It looks at the
 * same children as the full walk (array indices, own enumerable string keys).
 */
function quickShallow(value: object, depth: number, budget: { left: number }): boolean {
  if (depth > QUICK_DEPTH || --budget.left < 0) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const child: unknown = value[i];
      if (typeof child === 'object' && child !== null && !quickShallow(child, depth + 1, budget)) return false;
    }
    return true;
  }
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    const child = (value as Record<string, unknown>)[keys[i] as string];
    if (typeof child === 'object' && child !== null && !quickShallow(child, depth + 1, budget)) return false;
  }
  return true;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** The key path (`a.b[0]["c d"]`, as the symbolic layer writes them) of `key` under the stack's containers. */
function pathOf(stack: readonly Frame[], key: string | number | undefined): string {
  let out = '';
  const add = (segment: string | number | undefined): void => {
    if (segment === undefined) return;
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  };
  for (const frame of stack) add(frame.key);
  add(key);
  return out;
}
