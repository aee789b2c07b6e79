/** The places of a source file the codemod works on (types only; no ts-morph here). */
import type { LiteralValue } from './annotation-rules.js';
import type { HyperSpec } from './hyper-spec.js';

/** One literal that becomes a decision. */
export interface Site {
  /** The decision's key path in the values record (`['createModel', 'conv2d_1', 'filters']`). */
  readonly path: readonly string[];
  /** The key path as text: `createModel.conv2d_1.filters`. */
  readonly key: string;
  /** Where the literal's text starts and ends in the file. */
  readonly start: number;
  readonly end: number;
  /** The literal as written. */
  readonly text: string;
  /** Its value. */
  readonly original: LiteralValue;
  /** The quote of a string literal. */
  readonly quote: "'" | '"' | '`';
  /** 1-based line and column of the literal. */
  readonly line: number;
  readonly column: number;
  /** The decision. */
  readonly spec: HyperSpec;
  /** The rule that chose it, or `@search` for a hand-marked literal. */
  readonly rule: string;
  /** What the literal is, for people: `filters: 8`, `LEARNING_RATE = 0.001`. */
  readonly label: string;
}

/** A place a rule matched but `annotate` left alone, and why. */
export interface SkippedSite {
  readonly line: number;
  readonly column: number;
  /** The code there. */
  readonly text: string;
  /** Why it was left alone. */
  readonly reason: string;
  /** `unsafe`: rewriting it could be wrong; `kept`: an output layer, a single value, or `@search off`. */
  readonly kind: 'unsafe' | 'kept';
}
