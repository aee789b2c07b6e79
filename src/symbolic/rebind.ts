import { Immer } from 'immer';
import type { Draft } from 'immer';
import { createNode, replaceArg, replaceArgs } from './construct.js';
import { PliantError } from '../base/errors.js';
import { KeyPath, formatKeyPath } from './key-path.js';
import type { KeyPathLike, KeySegment } from './key-path.js';
import { SymbolicNode, isGenuineNode } from './node.js';
import type { TreeValue } from './node.js';
import { childOf, isAbsent, missingError } from './get.js';
import { describeValue, isPlainRecord, markSealed, sealValue } from './values.js';

/** Updates for {@link rebind}: key-path text → new value (or a `Map` from any key-path form). */
export type RebindUpdates = Readonly<Record<string, unknown>> | ReadonlyMap<KeyPathLike, unknown>;

/** An immer recipe over a tree: change the draft (`draft.args.units = 128`) or return a new tree. */
export type RebindRecipe<T> = (draft: Draft<T>) => void | T | Draft<T>;

const API = 'rebind';
const IMMER = new Immer({ autoFreeze: false });
const REMOVE = Symbol('remove');

interface Trie {
  set: boolean;
  value: unknown;
  kids: Map<KeySegment, Trie> | undefined;
}

/**
 * A new tree with some values replaced; the original is never changed and unchanged subtrees
 * are shared. Three forms:
 *
 * ```ts
 * rebind(tree, 'model.stem.kernel', 5);
 * rebind(tree, { 'model.stem.kernel': 5, 'optimizer.lr': 0.01 });
 * rebind(tree, (d) => { d.args.batch_size = 128; });   // an immer recipe
 * ```
 *
 * Each changed argument is validated against its type's schema. A path that does not exist is
 * rejected (a node's declared but unset optional argument may be set). Setting a record key or
 * node argument to `undefined` removes it (a node argument falls back to its default).
 */
export function rebind<T extends TreeValue>(tree: T, updates: RebindUpdates): T;
export function rebind<T extends TreeValue>(tree: T, path: KeyPathLike, value: unknown): T;
export function rebind<T extends TreeValue>(tree: T, recipe: RebindRecipe<T>): T;
export function rebind(tree: TreeValue, ...rest: unknown[]): TreeValue {
  const [first, second] = rest;
  if (typeof first === 'function') {
    if (rest.length > 1) throw new PliantError(API, 'argument', 'a recipe takes no further arguments');
    return applyRecipe(tree, first as RebindRecipe<TreeValue>);
  }
  if (rest.length >= 2) {
    if (!(typeof first === 'string' || first instanceof KeyPath || Array.isArray(first))) {
      throw new PliantError(API, 'argument', `expected a key path, found ${describeValue(first)}`);
    }
    return rebindOne(tree, KeyPath.from(first as KeyPathLike).segments, second);
  }
  const trie: Trie = { set: false, value: undefined, kids: undefined };
  if (first instanceof Map) {
    for (const [path, value] of first as ReadonlyMap<KeyPathLike, unknown>) addUpdate(trie, KeyPath.from(path), value);
  } else if (isPlainRecord(first)) {
    for (const path of Object.keys(first)) addUpdate(trie, KeyPath.parse(path), first[path]);
  } else {
    throw new PliantError(API, 'argument', `expected (tree, path, value), (tree, {path: value}) or (tree, recipe), found ${describeValue(first)}`);
  }
  if (trie.set) {
    if (trie.value === undefined) throw new PliantError(API, 'argument', 'the root cannot be removed', { path: '' });
    return sealValue(trie.value, API, []);
  }
  return apply(tree, trie, []);
}

function rebindOne(tree: TreeValue, segments: readonly KeySegment[], value: unknown): TreeValue {
  if (segments.length === 0) {
    if (value === undefined) throw new PliantError(API, 'argument', 'the root cannot be removed', { path: '' });
    return sealValue(value, API, []);
  }
  return setAt(tree, segments, 0, value, []);
}

function setAt(current: TreeValue, segments: readonly KeySegment[], i: number, value: unknown, at: KeySegment[]): TreeValue {
  const segment = segments[i] as KeySegment;
  const child = childOf(current, segment);
  const last = i === segments.length - 1;
  if (isAbsent(child) && !(last && declaresArgument(current, segment))) throw missingError(API, current, segment, at);
  at.push(segment);
  if (last && value === undefined) {
    // Removal goes through the general path, which knows about defaults and records.
    at.pop();
    const trie: Trie = { set: false, value: undefined, kids: new Map([[segment, { set: true, value: undefined, kids: undefined }]]) };
    return apply(current, trie, at);
  }
  const next = last ? sealValue(value, API, at) : setAt(child as TreeValue, segments, i + 1, value, at);
  at.pop();
  if (Object.is(next, child)) return current;
  if (current instanceof SymbolicNode) {
    if (isAbsent(child)) return replaceArgs(current, new Map([[segment as string, next]]), API, at);
    return replaceArg(current, segment as string, next, API, at);
  }
  if (Array.isArray(current)) {
    const copy = current.slice() as TreeValue[];
    copy[segment as number] = next;
    return markSealed(copy);
  }
  return markSealed({ ...(current as Readonly<Record<string, TreeValue>>), [segment]: next });
}

function addUpdate(trie: Trie, path: KeyPath, value: unknown): void {
  let t = trie;
  for (const segment of path.segments) {
    if (t.set) break;
    t.kids ??= new Map();
    let next = t.kids.get(segment);
    if (next === undefined) {
      next = { set: false, value: undefined, kids: undefined };
      t.kids.set(segment, next);
    }
    t = next;
  }
  if (t.set || t.kids !== undefined) {
    throw new PliantError(API, 'argument', `the key path '${path.toString()}' overlaps another key path of the same rebind`, {
      path: path.toString(),
    });
  }
  t.set = true;
  t.value = value;
}

function apply(current: TreeValue, trie: Trie, at: KeySegment[]): TreeValue {
  const changes = new Map<KeySegment, TreeValue | typeof REMOVE>();
  for (const [segment, kid] of trie.kids ?? []) {
    const child = childOf(current, segment);
    if (isAbsent(child)) {
      if (!(kid.set && declaresArgument(current, segment))) throw missingError(API, current, segment, at);
    }
    at.push(segment);
    let next: TreeValue | typeof REMOVE;
    if (kid.set) {
      next = kid.value === undefined ? REMOVE : sealValue(kid.value, API, at);
    } else {
      next = apply(child as TreeValue, kid, at);
    }
    at.pop();
    if (!Object.is(next, child)) changes.set(segment, next);
  }
  if (changes.size === 0) return current;
  if (current instanceof SymbolicNode) {
    const defaults = current.type.defaults as Readonly<Record<string, TreeValue>>;
    const argChanges = new Map<string, TreeValue | undefined>();
    for (const [key, value] of changes) argChanges.set(key as string, value === REMOVE ? defaults[key as string] : value);
    return replaceArgs(current, argChanges, API, at);
  }
  if (Array.isArray(current)) {
    const copy = current.slice() as TreeValue[];
    for (const [index, value] of changes) {
      if (value === REMOVE) {
        throw new PliantError(API, 'argument', 'an array element cannot be removed; rebind the whole array instead', {
          path: formatKeyPath([...at, index]),
        });
      }
      copy[index as number] = value;
    }
    return markSealed(copy);
  }
  const copy: Record<string, TreeValue> = { ...(current as Readonly<Record<string, TreeValue>>) };
  for (const [key, value] of changes) {
    if (value === REMOVE) delete copy[key as string];
    else copy[key as string] = value;
  }
  return markSealed(copy);
}

function declaresArgument(parent: TreeValue, segment: KeySegment): boolean {
  return parent instanceof SymbolicNode && typeof segment === 'string' && parent.type.keyRank.has(segment);
}

function applyRecipe(tree: TreeValue, recipe: RebindRecipe<TreeValue>): TreeValue {
  let produced: unknown;
  try {
    produced = IMMER.produce(tree, recipe as (draft: unknown) => void);
  } catch (error) {
    if (error instanceof PliantError) throw error;
    throw new PliantError(API, 'argument', `the recipe threw: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return reconcile(tree, produced, [], new Set());
}

/** Turns immer's result into a valid tree: real nodes, sealed containers, shared where unchanged. */
function reconcile(old: unknown, neu: unknown, at: KeySegment[], stack: Set<object>): TreeValue {
  // immer never changes its base: what it returns unchanged is the old, valid subtree.
  if (old === neu && (typeof neu !== 'object' || neu === null || !(neu instanceof SymbolicNode) || isGenuineNode(neu))) {
    return neu as TreeValue;
  }
  if (typeof neu !== 'object' || neu === null) return sealValue(neu, API, at);
  if (neu instanceof SymbolicNode && isGenuineNode(neu)) return neu;
  if (stack.has(neu)) throw new PliantError(API, 'invalid-value', 'a cycle: this value contains itself', { path: formatKeyPath(at) });
  stack.add(neu);
  let result: TreeValue;
  if (neu instanceof SymbolicNode) {
    const oldArgs = old instanceof SymbolicNode && old.type === neu.type ? (old.args as Record<string, unknown>) : undefined;
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(neu.args as Record<string, unknown>)) {
      at.push(key);
      raw[key] = value === undefined ? undefined : reconcile(oldArgs?.[key], value, at, stack);
      at.pop();
    }
    result = createNode(neu.type, raw, API, at);
  } else if (Array.isArray(neu) && Object.getPrototypeOf(neu) === Array.prototype) {
    const oldArr = Array.isArray(old) ? (old as readonly unknown[]) : undefined;
    const out: TreeValue[] = [];
    for (let i = 0; i < neu.length; i++) {
      at.push(i);
      out.push(reconcile(oldArr?.[i], (neu as unknown[])[i], at, stack));
      at.pop();
    }
    result = markSealed(out);
  } else if (isPlainRecord(neu)) {
    const oldRec = isPlainRecord(old) ? old : undefined;
    const out: Record<string, TreeValue> = {};
    for (const key of Object.keys(neu)) {
      const value = neu[key];
      if (value === undefined) continue;
      at.push(key);
      out[key] = reconcile(oldRec?.[key], value, at, stack);
      at.pop();
    }
    result = sealValue(out, API, at);
  } else {
    result = sealValue(neu, API, at);
  }
  stack.delete(neu);
  return result;
}
