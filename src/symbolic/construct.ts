import { PliantError } from '../base/errors.js';
import { formatKeyPath } from './key-path.js';
import type { KeySegment } from './key-path.js';
import { SymbolicNode, memo } from './node.js';
import type { SymbolicType, TreeValue } from './node.js';
import { validateArgs, validateField } from './validate.js';
import { FORBIDDEN_KEYS, describeValue, isPlainRecord, sealValue } from './values.js';

/**
 * @internal Makes a node of `type` from a raw argument record: fills defaults, checks names,
 * seals values, orders keys canonically and validates against the schema. `base` is the key
 * path of the node in the tree being built (for messages).
 */
export function createNode<A, R>(type: SymbolicType<A, R>, raw: unknown, api: string, base: KeySegment[]): SymbolicNode<A, R> {
  if (raw === undefined) raw = {};
  if (!isPlainRecord(raw)) {
    throw new PliantError(api, 'argument', `${type.name} takes one record of named arguments, found ${describeValue(raw)}`, {
      path: formatKeyPath(base),
    });
  }
  const defaults = type.defaults as Readonly<Record<string, unknown>>;
  const args: Record<string, TreeValue> = {};
  const t = type as unknown as SymbolicType;
  let count = 0;
  for (const key of t.declaredKeys) {
    const given = raw[key];
    const value = given !== undefined ? given : defaults[key];
    if (value === undefined) continue;
    count++;
    const kind = typeof value;
    if (kind === 'number' || kind === 'string' || kind === 'boolean' || value instanceof SymbolicNode) {
      // Already tree values as they are (what sealValue returns for them), without the path bookkeeping.
      args[key] = value as TreeValue;
      continue;
    }
    base.push(key);
    args[key] = sealValue(value, api, base);
    base.pop();
  }
  let extras: string[] | undefined;
  // `for...in` rather than `Object.keys` (no array made); a key inherited from a polluted
  // `Object.prototype` is not an argument.
  for (const key in raw) {
    if (t.keyRank.has(key) || raw[key] === undefined || !Object.hasOwn(raw, key)) continue;
    checkKey(t, key, api, base);
    (extras ??= []).push(key);
  }
  if (extras !== undefined) {
    extras.sort();
    for (const key of extras) {
      base.push(key);
      args[key] = sealValue(raw[key], api, base);
      base.pop();
    }
  }
  Object.freeze(args);
  validateArgs(t, args, api, base);
  return new SymbolicNode(type, args as unknown as Readonly<A>, extras === undefined && count === t.declaredKeys.length);
}

/**
 * @internal A copy of `node` with some arguments replaced (an `undefined` replacement removes the
 * argument). Values must already be sealed. Only the changed arguments are validated.
 */
export function replaceArgs(node: SymbolicNode, changes: ReadonlyMap<string, TreeValue | undefined>, api: string, base: KeySegment[]): SymbolicNode {
  const type = node.type;
  const old = node.args as Readonly<Record<string, TreeValue>>;
  let reorder = false;
  for (const [key, value] of changes) {
    if (!(key in old) && value !== undefined) {
      checkKey(type, key, api, base);
      reorder = true;
    }
  }
  let args: Record<string, TreeValue> = {};
  for (const key in old) {
    const change = changes.get(key);
    if (change === undefined && changes.has(key)) continue;
    args[key] = change !== undefined ? change : (old[key] as TreeValue);
  }
  if (reorder) {
    for (const [key, value] of changes) if (!(key in old) && value !== undefined) args[key] = value;
    args = ordered(type, args);
  }
  Object.freeze(args);
  for (const key of changes.keys()) validateField(type, args, key, api, base);
  return new SymbolicNode(type, args, isFull(type, args));
}

function isFull(type: SymbolicType, args: Readonly<Record<string, TreeValue>>): boolean {
  let n = 0;
  for (const key in args) {
    if (type.declaredKeys[n] !== key) return false;
    n++;
  }
  return n === type.declaredKeys.length;
}

/**
 * @internal A copy of `node` with one existing argument replaced by an already sealed value;
 * the fast path of a single-path rebind.
 */
export function replaceArg(node: SymbolicNode, key: string, value: TreeValue, api: string, base: KeySegment[]): SymbolicNode {
  const type = node.type;
  const full = memo.genuine(node) && memo.full(node);
  const copyWith = full ? (type.internal.copyWith ?? compileCopyWith(type)) : null;
  const args = Object.freeze(
    copyWith !== null ? copyWith(node.args, key, value) : { ...(node.args as Readonly<Record<string, TreeValue>>), [key]: value },
  ) as Readonly<Record<string, TreeValue>>;
  validateField(type, args, key, api, base);
  return new SymbolicNode(type, args, full);
}

/**
 * Generates, once per type, a function that copies a full argument record with one argument
 * replaced, as one object literal (several times faster than a spread). Where code generation
 * is not allowed (a strict CSP), records it as unavailable and the spread is used.
 */
function compileCopyWith(type: SymbolicType): ((src: object, key: string, value: unknown) => object) | null {
  let fn: ((src: object, key: string, value: unknown) => object) | null = null;
  try {
    const fields = type.declaredKeys.map((k) => `${JSON.stringify(k)}: key === ${JSON.stringify(k)} ? value : src[${JSON.stringify(k)}]`);
    fn = new Function('src', 'key', 'value', `return { ${fields.join(', ')} };`) as (src: object, key: string, value: unknown) => object;
  } catch {
    fn = null;
  }
  type.internal.copyWith = fn;
  return fn;
}

function ordered(type: SymbolicType, args: Record<string, TreeValue>): Record<string, TreeValue> {
  const out: Record<string, TreeValue> = {};
  for (const key of type.declaredKeys) if (key in args) out[key] = args[key] as TreeValue;
  const extras = Object.keys(args)
    .filter((k) => !type.keyRank.has(k))
    .sort();
  for (const key of extras) out[key] = args[key] as TreeValue;
  return out;
}

function checkKey(type: SymbolicType, key: string, api: string, base: KeySegment[]): void {
  if (key.startsWith('$') || FORBIDDEN_KEYS.has(key)) {
    throw new PliantError(api, 'invalid-value', `'${key}' cannot be an argument name of ${type.name}`, { path: formatKeyPath([...base, key]) });
  }
  if (type.closed && !type.keyRank.has(key)) {
    const known = type.declaredKeys.join(', ');
    throw new PliantError(api, 'schema', `${type.name} has no argument '${key}' (its arguments: ${known || 'none'})`, {
      path: formatKeyPath([...base, key]),
    });
  }
}
