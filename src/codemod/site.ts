/** The places of a source file the codemod works on (types only; no ts-morph here). */
import type { LiteralValue } from './annotation-rules.js';
import type { HyperSpec } from './hyper-spec.js';

/** A span of the original file to change: `[start, end)` replaced by `text` (an insertion when start = end). */
export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** What every decision has. */
interface SiteBase {
  /** The decision's key path in the values record (`['createModel', 'conv2d_1', 'filters']`). */
  readonly path: readonly string[];
  /** The key path as text: `createModel.conv2d_1.filters`. */
  readonly key: string;
  /** Where the site starts and ends in the file (the literal; the method name; the layer call). */
  readonly start: number;
  readonly end: number;
  /** The site's text as written. */
  readonly text: string;
  /** The original value. */
  readonly original: LiteralValue;
  /** The quote of a string literal (of the candidates, for other sites). */
  readonly quote: "'" | '"' | '`';
  /** 1-based line and column of the site. */
  readonly line: number;
  readonly column: number;
  /** The decision. */
  readonly spec: HyperSpec;
  /** The rule that chose it, or `@search` for a hand-marked site. */
  readonly rule: string;
  /** What the site is, for people: `filters: 8`, `LEARNING_RATE = 0.001`, `conv2d (layer kind)`. */
  readonly label: string;
}

/**
 * A value written in the file (a number, string, boolean, or an array literal of them): the
 * module reads it from `$`, `apply` writes the chosen value in its place. With `insert`, the value
 * is not written (an argument left to its default, `tf.train.adam()`): the module passes `$`'s
 * value there, and `apply` writes it only when it differs from the default.
 */
export interface ValueSite extends SiteBase {
  readonly kind: 'value';
  /**
   * For a default-valued argument: the text to write before and after the value when it is
   * written (`''`, or `', '`), and the key of the call's kind decision, if any: when another kind
   * is chosen the value is written even if it is the default (the other kind may have none).
   */
  readonly insert?: { readonly before: string; readonly after: string; readonly withKind?: string };
  /**
   * The literal is written in another file of the project (a `const` the file imports): `start`,
   * `end`, `text`, `line` and `column` are that file's. The module reads the decision where the file
   * reads the imported name; `apply` writes the value into that file.
   */
  readonly imported?: ImportedLiteral;
}

/** Where a {@link ValueSite}'s literal is when another file of the project holds it, and where the annotated file reads it. */
export interface ImportedLiteral {
  /** The file, relative to the annotated file's folder (`./config.ts`, `../shared/sizes.js`). */
  readonly file: string;
  /** Its absolute path, as it was read. */
  readonly path: string;
  /** Its text. */
  readonly text: string;
  /** The places of the annotated file that read the imported name (all but its import), in reading order. */
  readonly reads: readonly ImportedRead[];
}

/** A place of the annotated file that reads an imported name: `start`-`end` is the name. */
export interface ImportedRead {
  readonly start: number;
  readonly end: number;
  /** The name as written. */
  readonly name: string;
  /** The name is a shorthand property (`{ WIDTH }`): the module writes `WIDTH: $.WIDTH` in its place. */
  readonly shorthand: boolean;
}

/**
 * The kind of a layer or optimizer (`tf.layers.conv2d` / `separableConv2d`, `tf.train.adam` /
 * `rmsprop` / `sgd`): `start`-`end` is the method name. The module calls the chosen method; `apply`
 * renames the call and drops the arguments the chosen one does not take.
 */
export interface OperatorSite extends SiteBase {
  readonly kind: 'operator';
  /** Where the name's `.` is (the module writes `[$...]` in place of `.name`). */
  readonly dot: number;
  /** For each candidate other than the original: the spans of the call's arguments it does not take (removed by `apply`, left out by the module). */
  readonly drops: Readonly<Record<string, readonly DroppedArgument[]>>;
}

/** An argument of an operator's call that another operator does not take. */
export interface DroppedArgument {
  /** The argument's span in the file, and the span `apply` removes (with its comma). */
  readonly start: number;
  readonly end: number;
  readonly removeStart: number;
  readonly removeEnd: number;
  /** `property`: a property of the options object; `positional`: a positional argument. */
  readonly form: 'property' | 'positional';
}

/**
 * A layer that can be left out (`dropout`, `batchNormalization`): `start`-`end` is the layer's
 * call. The module makes an identity layer in its place when it is left out; `apply` removes it
 * (`removals`).
 */
export interface OptionalSite extends SiteBase {
  readonly kind: 'optional';
  /** The namespace expression the call's method hangs off (`tf.layers`), for the identity layer. */
  readonly namespace: string;
  /** How `apply` removes the layer: these deletions (a list element with its comma; the `model.add(...)` line; `.apply(` and `)` around the input). */
  readonly removals: readonly TextEdit[];
}

/** One decision of a file. */
export type Site = ValueSite | OperatorSite | OptionalSite;

/** A place a rule matched but `annotate` left alone, and why. */
export interface SkippedSite {
  readonly line: number;
  readonly column: number;
  /** The code there. */
  readonly text: string;
  /** Why it was left alone. */
  readonly reason: string;
  /**
   * `unsafe`: rewriting it could be wrong, or its value is decided where the codemod cannot see;
   * `kept`: an output layer, a single value, `@search off`, or a call with nothing to tune.
   */
  readonly kind: 'unsafe' | 'kept';
}
