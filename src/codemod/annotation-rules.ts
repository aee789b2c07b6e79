/**
 * Annotation rules: which literals of TensorFlow.js code `annotate` turns into hyper values, and
 * which hyper value each becomes. Rules are data (`rewrites/annotate.json` is the default set);
 * see `rewrites/README.md` for the format.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { PliantError } from '../base/errors.js';

/** A literal value a rule can match: a number, a string or a boolean. */
export type LiteralValue = number | string | boolean;

/**
 * How a rule makes a hyper value from the original literal. The original is always among the
 * candidates (added to a list that lacks it; a range is widened to reach it).
 *
 * - `{ oneOf: [v1, v2, ...] }`: these candidates.
 * - `{ oneOf: { times: [0.5, 1, 2] } }`: multiples of the original (rounded to integers, at
 *   least 1, when the original is an integer).
 * - `{ floatv: [min, max], scale? }` or `{ floatv: { times: [0.1, 10] }, scale? }`: a float range,
 *   fixed or relative to the original.
 * - `{ intv: [min, max] }` or `{ intv: { times: [0.5, 2] } }`: an integer range.
 */
export type HyperRecipe =
  | { readonly oneOf: readonly LiteralValue[] | { readonly times: readonly number[] } }
  | { readonly floatv: readonly [number, number] | { readonly times: readonly [number, number] }; readonly scale?: 'linear' | 'log' | 'rlog' }
  | { readonly intv: readonly [number, number] | { readonly times: readonly [number, number] } };

/** One annotation rule. */
export interface AnnotationRule {
  /** The rule's name (reports name it). */
  readonly name: string;
  /** What the rule is for. */
  readonly description?: string | undefined;
  /**
   * The calls it looks in, by canonical name: `layers.dense`, `train.adam`, `sequential`, or the
   * methods `fit` and `compile` (of any model).
   */
  readonly calls: readonly string[];
  /** The argument names it matches (positional arguments of `tf.train.*` have names too: `learningRate`, `momentum`, ...). */
  readonly args: readonly string[];
  /** The type of literal it matches (default: any). */
  readonly type?: 'number' | 'string' | 'boolean' | undefined;
  /** Only when the original value is one of these. */
  readonly in?: readonly LiteralValue[] | undefined;
  /** Not for an output layer (a layer with a softmax or sigmoid activation, a single unit, or the last of a `tf.sequential` list). */
  readonly unlessOutput?: boolean | undefined;
  /** The hyper value to make. */
  readonly hyper: HyperRecipe;
}

/** A file of annotation rules. */
export interface AnnotationRuleFile {
  /** The set's name. */
  readonly name: string;
  /** What the set is for. */
  readonly description?: string | undefined;
  /** Set to `"default"` to try the default rules after these. */
  readonly extends?: 'default' | undefined;
  /** The rules: the first that matches a literal wins. */
  readonly rules: readonly AnnotationRule[];
}

const literal = z.union([z.number().finite(), z.string(), z.boolean()]);
const pair = z.tuple([z.number().finite(), z.number().finite()]);
const times = z.strictObject({ times: pair });
const recipe = z.union([
  z.strictObject({ oneOf: z.union([z.array(literal).min(1), z.strictObject({ times: z.array(z.number().finite().positive()).min(1) })]) }),
  z.strictObject({ floatv: z.union([pair, times]), scale: z.enum(['linear', 'log', 'rlog']).optional() }),
  z.strictObject({ intv: z.union([pair, times]) }),
]);

/** The zod schema of one annotation rule. */
export const annotationRuleSchema: z.ZodType<AnnotationRule> = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  calls: z.array(z.string().min(1)).min(1),
  args: z.array(z.string().min(1)).min(1),
  type: z.enum(['number', 'string', 'boolean']).optional(),
  in: z.array(literal).optional(),
  unlessOutput: z.boolean().optional(),
  hyper: recipe,
}) as z.ZodType<AnnotationRule>;

/** The zod schema of an annotation rule file. */
export const annotationRuleFileSchema: z.ZodType<AnnotationRuleFile> = z.strictObject({
  $comment: z.string().optional(),
  $schema: z.string().optional(),
  name: z.string().min(1),
  description: z.string().optional(),
  extends: z.literal('default').optional(),
  rules: z.array(annotationRuleSchema),
}) as z.ZodType<AnnotationRuleFile>;

const DEFAULT_URL = new URL('../../rewrites/annotate.json', import.meta.url);
let defaults: readonly AnnotationRule[] | undefined;

/** The default annotation rules (`rewrites/annotate.json` of the package). */
export function defaultAnnotationRules(): readonly AnnotationRule[] {
  return (defaults ??= parseRuleFile(readFileSync(DEFAULT_URL, 'utf8'), DEFAULT_URL.pathname, 'annotate').rules);
}

/**
 * Reads an annotation rule file; returns the rules to use (the file's, then the defaults' when it
 * says `"extends": "default"`). Errors name the file and the key path of the bad entry.
 */
export function loadAnnotationRules(path: string, api = 'annotate'): readonly AnnotationRule[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new PliantError(api, 'io', `cannot read the rule file ${path}: ${(cause as Error).message}`, { cause });
  }
  const file = parseRuleFile(text, path, api);
  return file.extends === 'default' ? [...file.rules, ...defaultAnnotationRules()] : file.rules;
}

function parseRuleFile(text: string, path: string, api: string): AnnotationRuleFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new PliantError(api, 'json', `the rule file ${path} is not JSON: ${(cause as Error).message}`, { cause });
  }
  const parsed = annotationRuleFileSchema.safeParse(json);
  if (!parsed.success) {
    const at = (issue: z.core.$ZodIssue): string =>
      issue.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
        .join('')
        .replace(/^\./, '');
    const issues = parsed.error.issues.slice(0, 3);
    const first = at(issues[0] as z.core.$ZodIssue);
    // The first issue's path is the error's key path; the others are named in the message.
    const rest = issues
      .slice(1)
      .map((i) => `; at '${at(i)}': ${i.message}`)
      .join('');
    throw new PliantError(api, 'schema', `the rule file ${path} is invalid: ${(issues[0] as z.core.$ZodIssue).message}${rest}`, { path: first });
  }
  return parsed.data;
}
