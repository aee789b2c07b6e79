/**
 * Annotation rules: which literals of TensorFlow.js code `annotate` turns into hyper values, and
 * which hyper value each becomes. Rules are data (`rewrites/annotate.json` is the default set);
 * see `rewrites/README.md` for the format.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { PliantError } from '../base/errors.js';

/** A scalar literal: a number, a string or a boolean. */
export type LiteralScalar = number | string | boolean;

/** A literal value a rule can match: a scalar, or an array literal of scalars (`kernelSize: [3, 3]`). */
export type LiteralValue = LiteralScalar | readonly LiteralScalar[];

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
 * - `{ layers: { widths: [0.5, 1, 2], depths: [-1, 0, 1] } }`: for a literal list of layer
 *   widths (`[128, 64]`): lists with each width scaled by a factor, and with one layer fewer or
 *   more (the last width repeated), at least one layer.
 */
export type HyperRecipe =
  | { readonly oneOf: readonly LiteralValue[] | { readonly times: readonly number[] } }
  | { readonly floatv: readonly [number, number] | { readonly times: readonly [number, number] }; readonly scale?: 'linear' | 'log' | 'rlog' }
  | { readonly intv: readonly [number, number] | { readonly times: readonly [number, number] } }
  | { readonly layers: { readonly widths: readonly number[]; readonly depths: readonly number[] } };

/**
 * One annotation rule: a {@link ValueRule} (literals of some arguments become hyper values), an
 * {@link OperatorRule} (the kind of a layer or optimizer becomes a choice among drop-in
 * alternatives) or an {@link OptionalRule} (layers that can be left out).
 */
export type AnnotationRule = ValueRule | OperatorRule | OptionalRule;

/** Which literals become decisions, and the hyper value each becomes. */
export interface ValueRule {
  /** The rule's name (reports name it). */
  readonly name: string;
  /** What the rule is for. */
  readonly description?: string | undefined;
  /**
   * The calls it looks in, by canonical name: `layers.dense`, `train.adam`, `sequential`, or the
   * methods `fit` and `compile` (of any model); `loop` for the bound of a loop that makes layers,
   * and `layer-list` for a literal list that decides how many layers a loop makes.
   */
  readonly calls: readonly string[];
  /** The argument names it matches (positional arguments of `tf.train.*` have names too: `learningRate`, `momentum`, ...). */
  readonly args: readonly string[];
  /** The type of literal it matches (default: any scalar); `array` for an array literal. */
  readonly type?: 'number' | 'string' | 'boolean' | 'array' | undefined;
  /** Only when the original value is one of these. */
  readonly in?: readonly LiteralValue[] | undefined;
  /** Not for an output layer (a layer whose output reaches a model output with no trainable layer in between). */
  readonly unlessOutput?: boolean | undefined;
  /** The hyper value to make. */
  readonly hyper: HyperRecipe;
}

/**
 * The kind of a layer or optimizer as a choice among drop-in alternatives of compatible shape
 * (`layers.conv2d` / `layers.separableConv2d`; `train.adam` / `train.rmsprop` / `train.sgd`). A
 * call of one of `calls` gets the others as alternatives. `pliant apply` renames the call and
 * drops the arguments the chosen kind does not take (`without`, or for positional arguments, all
 * after the first `positional`).
 */
export interface OperatorRule {
  readonly name: string;
  readonly description?: string | undefined;
  /** The interchangeable calls, by canonical name. */
  readonly calls: readonly string[];
  readonly operator: {
    /** For a call name: the argument names it does not take (left out when it is chosen). */
    readonly without?: Readonly<Record<string, readonly string[]>> | undefined;
    /** Positional calls (`tf.train.*`): how many leading arguments mean the same in every alternative (default: all). */
    readonly positional?: number | undefined;
    /** Not for an output layer. */
    readonly unlessOutput?: boolean | undefined;
    /**
     * Not when the call (or the `.apply(...)` of its layer) has one of these arguments: where the
     * kinds are not drop-in (an LSTM's two states against a GRU's one: `returnState`, `initialState`).
     */
    readonly unlessArgs?: readonly string[] | undefined;
  };
}

/** Layers that can be left out (a dropout, a batch normalization): each becomes a yes/no decision. */
export interface OptionalRule {
  readonly name: string;
  readonly description?: string | undefined;
  /** The layer calls, by canonical name. */
  readonly calls: readonly string[];
  readonly optional: true;
}

/** Whether a rule is a {@link ValueRule}. */
export function isValueRule(rule: AnnotationRule): rule is ValueRule {
  return 'hyper' in rule;
}

/** Whether a rule is an {@link OperatorRule}. */
export function isOperatorRule(rule: AnnotationRule): rule is OperatorRule {
  return 'operator' in rule;
}

/** Whether a rule is an {@link OptionalRule}. */
export function isOptionalRule(rule: AnnotationRule): rule is OptionalRule {
  return 'optional' in rule;
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

const scalar = z.union([z.number().finite(), z.string(), z.boolean()]);
const literal = z.union([scalar, z.array(scalar).min(1)]);
const pair = z.tuple([z.number().finite(), z.number().finite()]);
const times = z.strictObject({ times: pair });
/**
 * A union whose member is picked by the keys of the value (the first key `pick` finds), so a bad
 * value is reported at the key path inside that member (`rules[0].hyper.oneOf[1]`), not as "no
 * member matched" at the union.
 */
function keyed<T>(pick: (value: object) => z.ZodType<T>, otherwise: z.ZodType<T>): z.ZodType<T> {
  return z.unknown().transform((value, ctx) => {
    const schema = typeof value === 'object' && value !== null && !Array.isArray(value) ? pick(value) : otherwise;
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, input: undefined } as Parameters<typeof ctx.addIssue>[0]);
    return z.NEVER;
  }) as unknown as z.ZodType<T>;
}

/** A list, or `{ times: [...] }` (factors of the original value): chosen by the value's shape. */
function listOrTimes<T>(list: z.ZodType<T>, factors: z.ZodType<T>): z.ZodType<T> {
  return keyed<T>(() => factors, list);
}
const recipes = {
  oneOf: z.strictObject({ oneOf: listOrTimes<unknown>(z.array(literal).min(1), z.strictObject({ times: z.array(z.number().finite().positive()).min(1) })) }),
  floatv: z.strictObject({ floatv: listOrTimes<unknown>(pair, times), scale: z.enum(['linear', 'log', 'rlog']).optional() }),
  intv: z.strictObject({ intv: listOrTimes<unknown>(pair, times) }),
  layers: z.strictObject({ layers: z.strictObject({ widths: z.array(z.number().finite().positive()).min(1), depths: z.array(z.number().int()).min(1) }) }),
};
const noRecipe = z.custom<never>(() => false, { message: 'a recipe is an object with one of oneOf, floatv, intv or layers' });
const recipeKinds = Object.keys(recipes) as (keyof typeof recipes)[];
const recipe: z.ZodType<HyperRecipe> = keyed<HyperRecipe>(
  (value) => {
    const kind = recipeKinds.find((k) => k in value);
    return (kind === undefined ? noRecipe : recipes[kind]) as unknown as z.ZodType<HyperRecipe>;
  },
  noRecipe as unknown as z.ZodType<HyperRecipe>,
);

const valueRule = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  calls: z.array(z.string().min(1)).min(1),
  args: z.array(z.string().min(1)).min(1),
  type: z.enum(['number', 'string', 'boolean', 'array']).optional(),
  in: z.array(literal).optional(),
  unlessOutput: z.boolean().optional(),
  hyper: recipe,
});

const operatorRule = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  calls: z.array(z.string().min(1)).min(2),
  operator: z.strictObject({
    without: z.record(z.string(), z.array(z.string().min(1))).optional(),
    positional: z.number().int().positive().optional(),
    unlessOutput: z.boolean().optional(),
    unlessArgs: z.array(z.string().min(1)).optional(),
  }),
});

const optionalRule = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  calls: z.array(z.string().min(1)).min(1),
  optional: z.literal(true),
});

/**
 * The zod schema of one annotation rule. The rule's keys pick its kind first (`operator`,
 * `optional`, else a value rule), so an error names the key path inside that kind
 * (`rules[0].hyper`), not only the rule.
 */
export const annotationRuleSchema: z.ZodType<AnnotationRule> = keyed<AnnotationRule>(
  (value) => ('operator' in value ? operatorRule : 'optional' in value ? optionalRule : valueRule) as unknown as z.ZodType<AnnotationRule>,
  valueRule as unknown as z.ZodType<AnnotationRule>,
);

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
        .map((p) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z_$][\w$-]*$/.test(String(p)) ? `.${String(p)}` : `[${JSON.stringify(String(p))}]`))
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
