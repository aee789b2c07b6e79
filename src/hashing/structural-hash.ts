import { hash } from '../symbolic/hash.js';
import type { TreeValue } from '../symbolic/node.js';
import { canonicalize } from './canonicalize.js';
import type { CanonicalizeOptions, RuleSets } from './canonicalize.js';
import { loadRules } from './rewrite-rules.js';
import type { RuleSet } from './rewrite-rules.js';

/** Options of {@link structuralHash}: the rule sets, and the options of `canonicalize`. */
export interface StructuralHashOptions extends CanonicalizeOptions {
  /** The rule set(s) that bring a tree to its normal form (default: {@link defaultRules}). */
  readonly rules?: RuleSets;
}

/** Where the default rule set lives: the package's `rewrites/` folder (from `src/hashing/` and from `dist/hashing/` alike). */
const DEFAULT_RULES_URL = new URL('../../rewrites/canonical.json', import.meta.url);
let defaults: RuleSet | undefined;

/**
 * The default canonicalisation rules: `rewrites/canonical.json` of the package, loaded and
 * compiled once. They remove layers that do nothing from layer lists (a `tf.layers.dropout`
 * with rate 0, a `tf.layers.activation` with activation `'linear'`); the TensorFlow.js layers
 * add more as they arrive. Compose with your own: `{ rules: [defaultRules(), mine] }`.
 */
export function defaultRules(): RuleSet {
  return (defaults ??= loadRules(DEFAULT_RULES_URL));
}

/**
 * The canonical structural hash of a tree: the stable `hash` of its normal form under rewrite
 * rules, `hash(canonicalize(tree, rules))`. Trees that differ only in ways the rules normalise
 * away (the order of a commutative op's terms, identity wrappers, a zero dropout) hash equal;
 * any other difference gives a different hash. Stable across processes and machines, like
 * `hash`, as long as the rules are the same.
 *
 * ```ts
 * structuralHash(model);                                   // the default rules
 * structuralHash(model, { rules: [defaultRules(), mine] });
 * ```
 */
export function structuralHash(tree: TreeValue, options: StructuralHashOptions = {}): string {
  return hash(canonicalize(tree, options.rules ?? defaultRules(), options));
}
