/**
 * The decisions of a study, read from its trials: the values of the candidates that vary from
 * trial to trial, each with a stable key, a short readable name and its kind, and each trial's
 * value of each. Reports, tables and exports show these instead of whole candidates or DNA.
 */
import type { JsonValue } from '../symbolic/json.js';
import type { Result } from './result.js';
import type { Trial } from './trial.js';
import { readableCandidate } from './readable-candidate.js';

/** A decision's value in one trial: a number (quantitative decisions) or a category label. */
export type DecisionValue = number | string;

/** One decision of a study: a value of the candidates that varies across its trials. */
export interface StudyDecision {
  /**
   * Stable id: the decision's key path in the candidate (`model.layers[2].filters`). In a list
   * whose length varies across trials (a choice among whole layer lists), items keep their index
   * while every trial's item there has the same shape (`layers[0]`: the first block of every
   * depth), items that close every list are keyed from the end (`layers[-2].units`: the dense
   * head before the softmax), and the items between carry the list's length (`layers[3/8]`: item
   * 3 of the 8-item lists). The list's length is the decision `model.layers.length`, and a
   * symbolic node whose type varies is the decision at its own path (valued by the type's name).
   */
  readonly key: string;
  /**
   * A short readable name: the hyper value's `name` (recorded in the study's header, see
   * `Result.decisionNames`) when no other decision has that name, else the shortest key-path
   * suffix unique among the study's decisions (`filters`, `layers[2].filters`).
   */
  readonly name: string;
  /** 'number' (quantitative) or 'category'. */
  readonly kind: 'number' | 'category';
}

/** The decisions of a study and each trial's values of them. */
export interface StudyDecisions {
  /** The decisions that VARY across the study's trials (never constants), in order of first appearance. */
  readonly decisions: readonly StudyDecision[];
  /** A trial's value of each decision, by key (a decision the trial lacks is absent). */
  valuesOf(trial: Trial): Readonly<Record<string, DecisionValue>>;
}

/** A leaf of a candidate's JSON. */
type Leaf = number | string | boolean | null;

/** A place in a candidate: its key, the segments its readable names are cut from, and its value. */
interface Place {
  readonly key: string;
  readonly segments: readonly string[];
  readonly leaf: Leaf;
  /** Whether it is a list's length. */
  readonly length?: true;
}

/** A symbolic node's value at the node's own path: the last part of its type's name. */
function typeLabel(type: string): string {
  const cut = type.split(/[./:]/);
  return cut[cut.length - 1] || type;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function keySegment(key: string): string {
  return IDENTIFIER.test(key) ? key : `[${JSON.stringify(key)}]`;
}

function join(segments: readonly string[]): string {
  let out = '';
  for (const s of segments) out = out === '' || s.startsWith('[') ? out + s : `${out}.${s}`;
  return out;
}

/**
 * The places of a candidate's JSON. Symbolic nodes contribute their arguments and, at their own
 * path, their type; lists contribute their items and, at `<path>.length`, their length; the
 * indices of the lists in `qualified` (by key) carry the list's length.
 */
function placesOf(json: JsonValue, qualified: ReadonlyMap<string, Alignment>, onList?: (key: string, list: readonly JsonValue[]) => void): Place[] {
  const out: Place[] = [];
  // Segments: a list index is glued to the key before it (`layers[2]`), so names cut at keys.
  const walk = (value: JsonValue, segments: string[], depth: number): void => {
    const key = join(segments);
    if (value === null || typeof value !== 'object') {
      out.push({ key, segments, leaf: value });
      return;
    }
    if (depth > 64) return;
    if (Array.isArray(value)) {
      const lengthSegments = [...segments, 'length'];
      out.push({ key: join(lengthSegments), segments: lengthSegments, leaf: value.length, length: true });
      onList?.(key, value);
      const align = qualified.get(key);
      const n = value.length;
      value.forEach((item, i) => {
        const index = align === undefined || i < align.head ? `[${i}]` : n - i <= align.tail ? `[-${n - i}]` : `[${i}/${n}]`;
        const last = segments[segments.length - 1];
        const next = last === undefined ? [index] : [...segments.slice(0, -1), last + index];
        walk(item, next, depth + 1);
      });
      return;
    }
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === '$number' && typeof value.$number === 'string') {
      out.push({ key, segments, leaf: value.$number });
      return;
    }
    if (keys.length === 1 && keys[0] === '$record' && value.$record !== null && typeof value.$record === 'object' && !Array.isArray(value.$record)) {
      for (const [k, v] of Object.entries(value.$record)) walk(v, [...segments, keySegment(k)], depth + 1);
      return;
    }
    if (typeof value.$type === 'string') {
      const typeSegments = segments.length === 0 ? ['$type'] : segments;
      out.push({ key: join(typeSegments), segments: typeSegments, leaf: typeLabel(value.$type) });
    }
    for (const k of keys) {
      if (k === '$type') continue;
      walk(value[k] as JsonValue, [...segments, keySegment(k)], depth + 1);
    }
  };
  walk(json, [], 0);
  return out;
}

/**
 * How the items of a list whose length varies across trials are keyed: the first `head` by
 * their index (`[0]`), the last `tail` by their position from the end (`[-1]`), the others by
 * index and length (`[3/8]`).
 */
interface Alignment {
  readonly head: number;
  readonly tail: number;
}

/** The shape of a value: its keys, node types and kinds of leaves, without the leaves' values. */
function shapeOf(json: JsonValue, depth = 0): string {
  if (json === null) return 'z';
  if (typeof json !== 'object') return typeof json === 'number' ? 'n' : typeof json === 'string' ? 's' : 'b';
  if (depth > 64) return '…';
  if (Array.isArray(json)) return `[${json.map((x) => shapeOf(x, depth + 1)).join(',')}]`;
  const keys = Object.keys(json).sort();
  if (keys.length === 1 && keys[0] === '$number') return 'n';
  return `{${keys.map((k) => (k === '$type' ? `$type=${String(json[k])}` : `${JSON.stringify(k)}:${shapeOf(json[k] as JsonValue, depth + 1)}`)).join(',')}}`;
}

/**
 * The alignment of the lists (by key) whose length varies across the candidates. Items keep
 * their index from the start while every candidate's item there has the same shape (the first
 * conv block of every depth), and are keyed from the end while every candidate's item there has
 * the same shape (the head and the softmax that close every depth); the items between are keyed
 * by index and length, since item 3 of an 8-item list and of a 10-item list are different
 * places. Found level by level, since aligning an outer list renames the lists inside it.
 */
function qualifiedLists(candidates: readonly JsonValue[]): Map<string, Alignment> {
  const qualified = new Map<string, Alignment>();
  for (let round = 0; round < 64; round++) {
    const lists = new Map<string, (readonly JsonValue[])[]>();
    for (const c of candidates) {
      placesOf(c, qualified, (key, list) => {
        let seen = lists.get(key);
        if (seen === undefined) lists.set(key, (seen = []));
        seen.push(list);
      });
    }
    let grew = false;
    for (const [key, seen] of lists) {
      if (qualified.has(key) || new Set(seen.map((l) => l.length)).size < 2) continue;
      const shapes = seen.map((l) => l.map((x) => shapeOf(x)));
      const shortest = Math.min(...shapes.map((l) => l.length));
      const same = (at: (l: readonly string[]) => string | undefined): boolean => new Set(shapes.map(at)).size === 1;
      let head = 0;
      while (head < shortest && same((l) => l[head])) head++;
      let tail = 0;
      while (head + tail < shortest && same((l) => l[l.length - 1 - tail])) tail++;
      qualified.set(key, { head, tail });
      grew = true;
    }
    if (!grew) break;
  }
  return qualified;
}

function valueOf(leaf: Leaf, kind: StudyDecision['kind']): DecisionValue {
  if (kind === 'number') return leaf as number;
  return typeof leaf === 'string' ? leaf : String(leaf);
}

/**
 * The shortest suffix of each decision's segments that no other decision shares (`filters`
 * when only one decision ends in `filters`, else `layers[2].filters`, ...).
 */
function shortNames(all: readonly (readonly string[])[], lengths: ReadonlySet<number>): string[] {
  return all.map((segments, i) => {
    // A list's length is named with its list (`layers.length`), never `length` alone.
    for (let n = lengths.has(i) ? Math.min(2, segments.length) : 1; n <= segments.length; n++) {
      const suffix = join(segments.slice(-n));
      const clash = all.some((other, j) => j !== i && other.length >= n && join(other.slice(-n)) === suffix);
      if (!clash) return suffix;
    }
    return join(segments);
  });
}

/**
 * The decisions of a study: the places of its candidates whose value differs among the trials
 * that have them (constants never count), in order of first appearance, each with a short
 * unique name, and each trial's values.
 *
 * Places are matched across trials by key path, made sound for conditional structure: the
 * items of a list whose length varies are aligned by shape from the start and from the end, and
 * the unaligned ones carry the list's length (see {@link StudyDecision.key}), so the softmax
 * that closes a 7-layer list is never compared with whatever layer 6 of a 10-layer list is;
 * the list's length is a decision of its own (`model.layers.length`), and so is the type of a
 * symbolic node when it varies (`model.layers[2]`: `batchNormalization` or `identity`). A place
 * a trial lacks is absent from that trial's values, never a value. A decision is named by its
 * hyper value's `name` where the study's header records one for its key path, else by the
 * shortest key-path suffix unique among the decisions (annotated spaces' keys, such as
 * `createModel.dense_1.units`, shorten the same way).
 *
 * ```ts
 * const { decisions, valuesOf } = studyDecisions(await loadStudy('mnist'));
 * decisions.map((d) => d.name); // ['layers.length', 'layers[0].filters', 'units', 'lr', ...]
 * valuesOf(result.trials[0]!);  // { 'model.layers.length': 7, 'model.layers[0].filters': 16, ... }
 * ```
 */
export function studyDecisions(result: Result): StudyDecisions {
  // (a trial whose candidate cannot be made has no places)
  const candidates = result.trials.map(jsonOf).filter((c) => c !== undefined);
  const qualified = qualifiedLists(candidates);
  const order: string[] = [];
  const seen = new Map<string, { segments: readonly string[]; values: Set<string>; numbers: boolean; length: boolean }>();
  for (const c of candidates) {
    for (const p of placesOf(c, qualified)) {
      let entry = seen.get(p.key);
      if (entry === undefined) {
        entry = { segments: p.segments, values: new Set(), numbers: true, length: p.length === true };
        seen.set(p.key, entry);
        order.push(p.key);
      }
      entry.values.add(JSON.stringify(p.leaf));
      if (typeof p.leaf !== 'number' || !Number.isFinite(p.leaf)) entry.numbers = false;
    }
  }
  const varying = order.filter((key) => (seen.get(key)?.values.size ?? 0) > 1);
  const lengthAt = new Set(varying.flatMap((key, i) => (seen.get(key)?.length === true ? [i] : [])));
  const derived = shortNames(
    varying.map((key) => seen.get(key)?.segments ?? [key]),
    lengthAt,
  );
  // A hyper value's own name wins where it is unique among the decisions' names.
  const given = varying.map((key) => (Object.hasOwn(result.decisionNames, key) ? result.decisionNames[key] : undefined));
  const counts = new Map<string, number>();
  for (const name of [...given, ...derived.filter((_, i) => given[i] === undefined)]) if (name !== undefined) counts.set(name, (counts.get(name) ?? 0) + 1);
  const names = varying.map((_, i) => {
    const name = given[i];
    return name !== undefined && counts.get(name) === 1 ? name : (derived[i] as string);
  });
  const decisions: StudyDecision[] = varying.map((key, i) =>
    Object.freeze({ key, name: names[i] as string, kind: seen.get(key)?.numbers === true ? ('number' as const) : ('category' as const) }),
  );
  const byKey = new Map(decisions.map((d) => [d.key, d]));
  const cache = new WeakMap<Trial, Readonly<Record<string, DecisionValue>>>();
  const valuesOf = (trial: Trial): Readonly<Record<string, DecisionValue>> => {
    const hit = cache.get(trial);
    if (hit !== undefined) return hit;
    // Entries, not assignments: a key may be `__proto__`.
    const entries: [string, DecisionValue][] = [];
    const json = jsonOf(trial);
    for (const p of json === undefined ? [] : placesOf(json, qualified)) {
      const d = byKey.get(p.key);
      if (d !== undefined) entries.push([p.key, valueOf(p.leaf, d.kind)]);
    }
    const out = Object.freeze(Object.fromEntries(entries)) as Readonly<Record<string, DecisionValue>>;
    cache.set(trial, out);
    return out;
  };
  return Object.freeze({ decisions: Object.freeze(decisions), valuesOf });
}

/** A trial's candidate as JSON, or `undefined` when it cannot be made. */
function jsonOf(trial: Trial): JsonValue | undefined {
  const read = readableCandidate(trial);
  return read.ok ? (read.candidate as JsonValue) : undefined;
}
