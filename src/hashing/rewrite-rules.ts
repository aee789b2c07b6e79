import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { PliantError } from '../base/errors.js';
import { formatKeyPath } from '../symbolic/key-path.js';
import type { KeySegment } from '../symbolic/key-path.js';
import type { JsonValue } from '../symbolic/json.js';
import type { TreeValue } from '../symbolic/node.js';
import { FORBIDDEN_KEYS, describeValue, isPlainRecord } from '../symbolic/values.js';

/** One rewrite rule as written in a rule file (see `rewrites/README.md` for the format). */
export interface RewriteRule {
  /** The rule's name, unique in its set; errors and loop reports name it. */
  readonly name: string;
  /** What the rule does and why it keeps the meaning of the tree. */
  readonly description?: string | undefined;
  /** The pattern: which values the rule applies to, and which parts of them it binds. */
  readonly match: JsonValue;
  /** What a matched value becomes: a replacement, `{"$update": {...}}` or `{"$remove": true}`. */
  readonly replace: JsonValue;
}

/** A rule file: a named, ordered list of rewrite rules. */
export interface RuleFile {
  /** An optional JSON-schema reference for editors; ignored. */
  readonly $schema?: string | undefined;
  /** The set's name; errors name a rule as `set/rule`. */
  readonly name: string;
  /** What the set is for. */
  readonly description?: string | undefined;
  /** The rules, tried in this order (the first that changes a value wins). */
  readonly rules: readonly RewriteRule[];
}

/** The zod schema of one rule's outer shape (patterns and replacements are checked by `ruleSet`). */
export const rewriteRuleSchema: z.ZodType<RewriteRule> = z.strictObject({
  name: z.string().min(1, 'a rule needs a non-empty name'),
  description: z.string().optional(),
  match: z.json(),
  replace: z.json(),
});

/**
 * The zod schema of a rule file's outer shape. Unknown keys are rejected (a misspelt `replace`
 * is an error, not a rule that does nothing); the patterns and replacements inside are checked
 * by {@link ruleSet}.
 */
export const ruleFileSchema: z.ZodType<RuleFile> = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().min(1, 'a rule set needs a non-empty name'),
  description: z.string().optional(),
  rules: z.array(rewriteRuleSchema),
});

/**
 * A validated, compiled set of rewrite rules, made by {@link ruleSet} or {@link loadRules}.
 * Immutable; `canonicalize` memoises its work per rule set, so keep and reuse the object.
 */
export interface RuleSet {
  /** The set's name. */
  readonly name: string;
  /** The set's description, if the file has one. */
  readonly description: string | undefined;
  /** The file the set was loaded from, or `undefined` for a set made from a value. */
  readonly source: string | undefined;
  /** The rules as written, in order. */
  readonly rules: readonly RewriteRule[];
  /** The rule file form (what {@link ruleSet} accepts back). */
  toJSON(): RuleFile;
}

/** @internal A compiled pattern. */
export type Pattern =
  | { readonly kind: 'any' }
  | { readonly kind: 'var'; readonly name: string }
  | { readonly kind: 'literal'; readonly value: TreeValue }
  | { readonly kind: 'in'; readonly values: readonly TreeValue[] }
  | { readonly kind: 'node'; readonly type: string; readonly args: readonly (readonly [string, Pattern])[] }
  | { readonly kind: 'record'; readonly entries: readonly (readonly [string, Pattern])[] }
  | { readonly kind: 'array'; readonly items: readonly Pattern[] };

/** @internal A compiled replacement value. */
export type Replacement =
  | { readonly kind: 'var'; readonly name: string }
  | { readonly kind: 'literal'; readonly value: TreeValue }
  | { readonly kind: 'node'; readonly type: string; readonly args: readonly (readonly [string, Replacement])[] }
  | { readonly kind: 'sorted'; readonly of: Replacement }
  | { readonly kind: 'array'; readonly items: readonly Replacement[] }
  | { readonly kind: 'record'; readonly entries: readonly (readonly [string, Replacement])[] };

/** @internal What a compiled rule does to a matched value. */
export type Action =
  | { readonly kind: 'replace'; readonly value: Replacement }
  | { readonly kind: 'update'; readonly args: readonly (readonly [string, Replacement])[] }
  | { readonly kind: 'remove' };

/** @internal A compiled rule. */
export interface CompiledRule {
  /** `set/rule`, for messages. */
  readonly label: string;
  readonly name: string;
  readonly set: string;
  readonly pattern: Pattern;
  readonly action: Action;
}

const COMPILED = new WeakMap<RuleSet, readonly CompiledRule[]>();

/** @internal The compiled rules of a set made by `ruleSet`/`loadRules`, or `undefined` for anything else. */
export function compiledRules(set: unknown): readonly CompiledRule[] | undefined {
  return typeof set === 'object' && set !== null ? COMPILED.get(set as RuleSet) : undefined;
}

/** Whether `value` is a rule set made by {@link ruleSet} or {@link loadRules}. */
export function isRuleSet(value: unknown): value is RuleSet {
  return compiledRules(value) !== undefined;
}

/**
 * Validates and compiles a rule file given as a value (parsed JSON). A malformed file or rule
 * (a missing field, an unknown `$` keyword, `$update` outside a `$type` match, a variable the
 * replacement uses but the match does not bind, ...) is a `PliantError` naming the rule and the
 * JSON path inside the file. Type names in rules need not be registered yet: a rule whose type
 * is never registered simply never matches.
 *
 * ```ts
 * const mine = ruleSet({
 *   name: 'my-rules',
 *   rules: [{ name: 'unwrap-identity', match: { $type: 'demo.Identity', x: '$x' }, replace: '$x' }],
 * });
 * structuralHash(tree, { rules: [defaultRules(), mine] });
 * ```
 */
export function ruleSet(json: unknown): RuleSet {
  return compileRuleFile(json, 'ruleSet', undefined);
}

/**
 * Reads, validates and compiles a rule file (JSON text) from a path or `file:` URL, as
 * {@link ruleSet} does. An unreadable file or malformed JSON is a `PliantError` naming the file;
 * a malformed rule names the file, the rule and the JSON path.
 */
export function loadRules(path: string | URL): RuleSet {
  const api = 'loadRules';
  if (typeof path !== 'string' && !(path instanceof URL)) {
    throw new PliantError(api, 'argument', `expected a file path or a file: URL, found ${describeValue(path)}`);
  }
  const file = path instanceof URL ? fileURLToPath(path) : path;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new PliantError(api, 'io', `cannot read the rule file ${file}: ${(error as Error).message}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new PliantError(api, 'json', `${file}: malformed JSON: ${(error as Error).message}`, { cause: error });
  }
  return compileRuleFile(parsed, api, file);
}

// ---------------------------------------------------------------------------------------------
// Compilation

const VARIABLE = /^\$[A-Za-z_][A-Za-z0-9_]*$/;
const TYPE_NAME = /^[^\s$][^\s]*$/;
const SPECIAL_NUMBERS: Readonly<Record<string, number>> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 };
const PATTERN_KEYWORDS = ['$type', '$in', '$literal', '$number'];
const REPLACEMENT_KEYWORDS = ['$type', '$update', '$sorted', '$remove', '$literal', '$number'];

interface Context {
  readonly api: string;
  readonly source: string | undefined;
  readonly rule: string | undefined;
  /** Variables the match binds. */
  readonly vars: Set<string>;
}

function fail(ctx: Context, path: readonly KeySegment[], message: string): never {
  const where = `${ctx.source === undefined ? '' : `${ctx.source}: `}${ctx.rule === undefined ? '' : `rule '${ctx.rule}': `}`;
  throw new PliantError(ctx.api, 'json', `${where}${message}`, { path: formatKeyPath(path) });
}

function compileRuleFile(json: unknown, api: string, source: string | undefined): RuleSet {
  const top: Context = { api, source, rule: undefined, vars: new Set() };
  const parsed = ruleFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = (issue?.path ?? []).filter((k): k is KeySegment => typeof k !== 'symbol');
    const ruleIndex = path[0] === 'rules' && typeof path[1] === 'number' ? path[1] : undefined;
    const ruleName = ruleIndex === undefined ? undefined : nameAt(json, ruleIndex);
    fail({ ...top, rule: ruleName }, path, `not a valid rule file: ${issue?.message ?? 'invalid'}`);
  }
  // zod's output is a copy that drops keys such as '__proto__'; compile the checked input itself.
  const file = json as RuleFile;
  const compiled: CompiledRule[] = [];
  const seen = new Set<string>();
  file.rules.forEach((rule, i) => {
    const ctx: Context = { api, source, rule: rule.name, vars: new Set() };
    if (seen.has(rule.name)) fail(ctx, ['rules', i, 'name'], `the rule name '${rule.name}' is used twice in the set '${file.name}'`);
    seen.add(rule.name);
    compiled.push(compileRule(file.name, rule, ['rules', i], ctx));
  });
  const rules = Object.freeze(file.rules.map((r) => deepFreeze(structuredClone(r))));
  const set: RuleSet = Object.freeze({
    name: file.name,
    description: file.description,
    source,
    rules,
    toJSON(): RuleFile {
      return file.description === undefined ? { name: file.name, rules } : { name: file.name, description: file.description, rules };
    },
  });
  COMPILED.set(set, Object.freeze(compiled));
  return set;
}

function nameAt(json: unknown, index: number): string | undefined {
  if (!isPlainRecord(json) || !Array.isArray(json.rules)) return undefined;
  const rule: unknown = json.rules[index];
  return isPlainRecord(rule) && typeof rule.name === 'string' && rule.name.length > 0 ? rule.name : undefined;
}

function compileRule(set: string, rule: RewriteRule, at: readonly KeySegment[], ctx: Context): CompiledRule {
  const pattern = compilePattern(rule.match, [...at, 'match'], ctx);
  const action = compileAction(rule.replace, [...at, 'replace'], pattern, ctx);
  return Object.freeze({ label: `${set}/${rule.name}`, name: rule.name, set, pattern, action });
}

function compilePattern(json: JsonValue, path: KeySegment[], ctx: Context): Pattern {
  if (typeof json === 'string' && json.startsWith('$')) {
    if (json === '$_') return { kind: 'any' };
    if (!VARIABLE.test(json)) fail(ctx, path, badDollarString(json));
    ctx.vars.add(json);
    return { kind: 'var', name: json };
  }
  if (json === null || typeof json !== 'object') return { kind: 'literal', value: json };
  if (Array.isArray(json)) return { kind: 'array', items: json.map((item, i) => compilePattern(item, [...path, i], ctx)) };
  const keys = Object.keys(json);
  checkKeys(json, path, ctx);
  if (keys.includes('$type')) {
    const type = typeName(json.$type, [...path, '$type'], ctx);
    const args: (readonly [string, Pattern])[] = [];
    for (const key of keys) {
      if (key === '$type') continue;
      if (key.startsWith('$')) fail(ctx, [...path, key], unknownKeyword(key, 'a $type pattern', ['$type']));
      args.push([key, compilePattern(json[key] as JsonValue, [...path, key], ctx)]);
    }
    return { kind: 'node', type, args };
  }
  const keyword = soleKeyword(keys, path, ctx, PATTERN_KEYWORDS, 'a pattern');
  switch (keyword) {
    case undefined:
      return { kind: 'record', entries: keys.map((key) => [key, compilePattern(json[key] as JsonValue, [...path, key], ctx)] as const) };
    case '$in': {
      const list = json.$in;
      if (!Array.isArray(list) || list.length === 0)
        fail(ctx, [...path, '$in'], `"$in" takes a non-empty array of literal values, found ${describeValue(list)}`);
      return { kind: 'in', values: list.map((item, i) => constant(item, [...path, '$in', i], ctx)) };
    }
    case '$literal':
      return { kind: 'literal', value: verbatim(json.$literal as JsonValue, [...path, '$literal'], ctx) };
    default:
      return { kind: 'literal', value: specialNumber(json.$number, [...path, '$number'], ctx) };
  }
}

function compileAction(json: JsonValue, path: KeySegment[], pattern: Pattern, ctx: Context): Action {
  if (isPlainRecord(json) && !Object.prototype.hasOwnProperty.call(json, '$type')) {
    if (Object.prototype.hasOwnProperty.call(json, '$remove')) {
      soleKeyword(Object.keys(json), path, ctx, REPLACEMENT_KEYWORDS, 'a replacement');
      if (json.$remove !== true) fail(ctx, [...path, '$remove'], `"$remove" takes the value true, found ${describeValue(json.$remove)}`);
      return { kind: 'remove' };
    }
    if (Object.prototype.hasOwnProperty.call(json, '$update')) {
      soleKeyword(Object.keys(json), path, ctx, REPLACEMENT_KEYWORDS, 'a replacement');
      if (pattern.kind !== 'node') {
        fail(ctx, [...path, '$update'], '"$update" changes arguments of the matched node, so the match must be a {"$type": ...} pattern');
      }
      const updates = json.$update;
      if (!isPlainRecord(updates) || Object.keys(updates).length === 0) {
        fail(ctx, [...path, '$update'], `"$update" takes a non-empty record of argument name → replacement, found ${describeValue(updates)}`);
      }
      checkKeys(updates, [...path, '$update'], ctx);
      const args: (readonly [string, Replacement])[] = [];
      for (const key of Object.keys(updates)) {
        const at = [...path, '$update', key];
        if (key.startsWith('$')) fail(ctx, at, `'${key}' cannot be an argument name (arguments cannot start with '$')`);
        args.push([key, compileReplacement(updates[key] as JsonValue, at, ctx)]);
      }
      return { kind: 'update', args };
    }
  }
  return { kind: 'replace', value: compileReplacement(json, path, ctx) };
}

function compileReplacement(json: JsonValue, path: KeySegment[], ctx: Context): Replacement {
  if (typeof json === 'string' && json.startsWith('$')) {
    if (json === '$_') fail(ctx, path, `"$_" matches without binding, so a replacement cannot use it; bind a variable ("$x") instead`);
    if (!VARIABLE.test(json)) fail(ctx, path, badDollarString(json));
    if (!ctx.vars.has(json)) {
      const bound = [...ctx.vars].join(', ');
      fail(ctx, path, `unbound variable '${json}' (the match binds ${bound === '' ? 'no variables' : bound})`);
    }
    return { kind: 'var', name: json };
  }
  if (json === null || typeof json !== 'object') return { kind: 'literal', value: json };
  if (Array.isArray(json)) {
    const items = json.map((item, i) => compileReplacement(item, [...path, i], ctx));
    return fold({ kind: 'array', items });
  }
  const keys = Object.keys(json);
  checkKeys(json, path, ctx);
  if (keys.includes('$type')) {
    const type = typeName(json.$type, [...path, '$type'], ctx);
    const args: (readonly [string, Replacement])[] = [];
    for (const key of keys) {
      if (key === '$type') continue;
      if (key.startsWith('$')) fail(ctx, [...path, key], unknownKeyword(key, 'a $type replacement', ['$type']));
      args.push([key, compileReplacement(json[key] as JsonValue, [...path, key], ctx)]);
    }
    return { kind: 'node', type, args };
  }
  const keyword = soleKeyword(keys, path, ctx, REPLACEMENT_KEYWORDS, 'a replacement');
  switch (keyword) {
    case undefined:
      return fold({ kind: 'record', entries: keys.map((key) => [key, compileReplacement(json[key] as JsonValue, [...path, key], ctx)] as const) });
    case '$sorted':
      return { kind: 'sorted', of: compileReplacement(json.$sorted as JsonValue, [...path, '$sorted'], ctx) };
    case '$literal':
      return { kind: 'literal', value: verbatim(json.$literal as JsonValue, [...path, '$literal'], ctx) };
    case '$number':
      return { kind: 'literal', value: specialNumber(json.$number, [...path, '$number'], ctx) };
    default:
      // $update and $remove act on the matched value as a whole: only the entire replacement can be one.
      return fail(ctx, [...path, keyword], `"${keyword}" can only be the whole replacement of a rule, not part of one`);
  }
}

/** An array or record replacement made only of literals becomes one frozen literal. */
function fold(r: Replacement): Replacement {
  if (r.kind === 'array' && r.items.every((i) => i.kind === 'literal')) {
    return { kind: 'literal', value: Object.freeze(r.items.map((i) => (i as { value: TreeValue }).value)) };
  }
  if (r.kind === 'record' && r.entries.every(([, v]) => v.kind === 'literal')) {
    const out: Record<string, TreeValue> = {};
    for (const [k, v] of r.entries) out[k] = (v as { value: TreeValue }).value;
    return { kind: 'literal', value: Object.freeze(out) };
  }
  return r;
}

/** A literal value of `$in`: written like a replacement, with no variables or node types. */
function constant(json: JsonValue, path: KeySegment[], ctx: Context): TreeValue {
  if (typeof json === 'string' && json.startsWith('$')) {
    fail(ctx, path, `"$in" lists literal values, not variables; write {"$literal": ${JSON.stringify(json)}} for the string itself`);
  }
  const r = compileReplacement(json, path, { ...ctx, vars: new Set() });
  if (r.kind !== 'literal') fail(ctx, path, `"$in" lists literal values only, found ${describeValue(json)}`);
  return r.value;
}

/** `$literal`'s value, taken as it is (strings starting with '$' and '$' keys included). */
function verbatim(json: JsonValue, path: KeySegment[], ctx: Context): TreeValue {
  if (json === null || typeof json !== 'object') return json;
  if (Array.isArray(json)) return Object.freeze(json.map((item, i) => verbatim(item, [...path, i], ctx)));
  const out: Record<string, TreeValue> = {};
  for (const key of Object.keys(json)) {
    if (FORBIDDEN_KEYS.has(key)) fail(ctx, [...path, key], `the key '${key}' is not allowed`);
    out[key] = verbatim(json[key] as JsonValue, [...path, key], ctx);
  }
  return Object.freeze(out);
}

function specialNumber(text: unknown, path: KeySegment[], ctx: Context): number {
  if (typeof text !== 'string' || !Object.prototype.hasOwnProperty.call(SPECIAL_NUMBERS, text)) {
    fail(ctx, path, `"$number" must be one of "NaN", "Infinity", "-Infinity", "-0", found ${describeValue(text)}`);
  }
  return SPECIAL_NUMBERS[text] as number;
}

function typeName(name: unknown, path: KeySegment[], ctx: Context): string {
  if (typeof name !== 'string' || !TYPE_NAME.test(name)) {
    fail(ctx, path, `"$type" must be a symbolic type name (non-empty, no spaces, no leading '$'), found ${describeValue(name)}`);
  }
  return name;
}

function checkKeys(json: Readonly<Record<string, unknown>>, path: KeySegment[], ctx: Context): void {
  for (const key of Object.keys(json)) {
    if (FORBIDDEN_KEYS.has(key)) fail(ctx, [...path, key], `the key '${key}' is not allowed`);
  }
}

/**
 * The `$` keyword of an object that is not a `$type` form: `undefined` when it has none (a plain
 * record). A keyword must be alone in its object and be one of `known`.
 */
function soleKeyword(keys: readonly string[], path: KeySegment[], ctx: Context, known: readonly string[], where: string): string | undefined {
  const dollar = keys.filter((k) => k.startsWith('$'));
  const first = dollar[0];
  if (first === undefined) return undefined;
  for (const key of dollar) if (!known.includes(key)) fail(ctx, [...path, key], unknownKeyword(key, where, known));
  if (keys.length > 1) {
    const other = keys.find((k) => k !== first) as string;
    fail(ctx, [...path, other], `"${first}" must be alone in its object, found also '${other}'`);
  }
  return first;
}

function unknownKeyword(key: string, where: string, known: readonly string[]): string {
  return `unknown keyword '${key}' in ${where} (known: ${known.join(', ')}; a record key starting with '$' cannot be matched or built)`;
}

function badDollarString(text: string): string {
  return `${JSON.stringify(text)} is neither a variable ("$name": a letter or '_', then letters, digits, '_') nor the wildcard "$_"; write {"$literal": ${JSON.stringify(text)}} for the string itself`;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
