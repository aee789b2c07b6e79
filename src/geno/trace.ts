import { PliantError } from '../base/errors.js';
import type { TreeValue } from '../symbolic/node.js';
import { sealValue } from '../symbolic/values.js';
import { floatv as floatvValue } from '../hyper/floatv.js';
import type { FloatvOptions } from '../hyper/floatv.js';
import { hyperKind } from '../hyper/hyper-value.js';
import type { HyperOptions } from '../hyper/hyper-value.js';
import { intv as intvValue } from '../hyper/intv.js';
import type { IntvOptions } from '../hyper/intv.js';
import { manyOf as manyOfValue, permutate as permutateValue } from '../hyper/many-of.js';
import type { ManyOfOptions } from '../hyper/many-of.js';
import { oneOf as oneOfValue } from '../hyper/one-of.js';
import type { OneOfOptions } from '../hyper/one-of.js';
import { DNA } from './dna.js';
import { candidateElements, elementDNAs } from './dna-spec.js';
import type { ChoiceDecision, DNASpec, DecisionPoint, SpaceSpec } from './dna-spec.js';
import { prepare } from './template.js';

/** A candidate of a traced choice: a value, or a function that runs (and may decide more) when chosen. */
export type TracedCandidate<T> = T | (() => T);

/**
 * The decision calls available inside a traced function. Each returns the decided value; a
 * function candidate runs when chosen, and the decisions it makes are conditional on it.
 */
export interface TraceContext {
  /** One of the candidates. */
  oneOf<T>(candidates: readonly TracedCandidate<T>[], options?: OneOfOptions): T;
  /** `k` of the candidates (see `manyOf`). */
  manyOf<T>(k: number, candidates: readonly TracedCandidate<T>[], options?: ManyOfOptions): T[];
  /** An order of all the candidates. */
  permutate<T>(candidates: readonly TracedCandidate<T>[], options?: HyperOptions): T[];
  /** A float in `[min, max]`. */
  floatv(min: number, max: number, options?: FloatvOptions): number;
  /** An integer in `[min, max]` (`{scale: 'log'}` for batch sizes and widths). */
  intv(min: number, max: number, options?: IntvOptions): number;
}

const FUNCTION_MARK = '<fn>';

interface Scope {
  /** Collect mode: the decisions made so far in this scope, by key. */
  readonly collected: Record<string, TreeValue> | undefined;
  /** Replay mode: this scope's decision points and their DNAs. */
  readonly elements: readonly DecisionPoint[] | undefined;
  readonly dnas: readonly DNA[] | undefined;
  index: number;
}

/**
 * A search space defined by running code (define-by-run, like Optuna): made by {@link trace}.
 * Its `spec` can be searched like any other; `run(dna)` re-runs the function with the DNA's
 * decisions.
 */
export class TracedSpace<R> {
  /** The decisions as a symbolic space: a record of the top-level decisions (sub-decisions inside function candidates). */
  readonly space: TreeValue;
  /** The decision points. */
  readonly spec: DNASpec;
  readonly #fn: (h: TraceContext) => R;

  /** @internal Use `trace(fn)`. */
  constructor(fn: (h: TraceContext) => R, space: TreeValue, spec: DNASpec) {
    this.#fn = fn;
    this.space = space;
    this.spec = spec;
    Object.freeze(this);
  }

  /** Runs the function with the decisions of `decisions` (a DNA or a record of id/name → value). */
  run(decisions: DNA | Readonly<Record<string, unknown>>): R {
    const dna = decisions instanceof DNA ? decisions : this.spec.fromRecord(decisions as Readonly<Record<string, unknown>>, 'trace');
    this.spec.validate(dna);
    const root: Scope = { collected: undefined, elements: this.spec.root.elements, dnas: elementDNAs(this.spec.root, dna, 'trace'), index: 0 };
    const result = this.#fn(context(root));
    finish(root);
    return result;
  }
}

/**
 * Traces a function that makes decisions inline (`h.oneOf(...)`, `h.floatv(...)`) into a search
 * space. The function runs once to collect the decisions: each call returns its first candidate
 * (or the minimum), and every function candidate runs once to collect the decisions it makes.
 * Conditional decisions therefore go inside function candidates:
 *
 * ```ts
 * const space = trace((h) => {
 *   const opt = h.oneOf([() => ({ kind: 'sgd', momentum: h.floatv(0, 0.99) }), () => ({ kind: 'adam' })], { name: 'opt' });
 *   return { opt, lr: h.floatv(1e-4, 1e-1, { scale: 'log', name: 'lr' }) };
 * });
 * space.spec.decisionIds; // ['opt', 'opt[=0/2]._0', 'lr']
 * space.run(randomDNA(space.spec, seededRng(0)));
 * ```
 *
 * The function must make the same decisions in the same order on every run (given the same
 * choices); an unnamed decision is keyed by its position in its scope (`_0`, `_1`, ...).
 */
export function trace<R>(fn: (h: TraceContext) => R): TracedSpace<R> {
  if (typeof fn !== 'function') throw new PliantError('trace', 'argument', 'trace takes a function (h) => result');
  const root: Scope = { collected: {}, elements: undefined, dnas: undefined, index: 0 };
  fn(context(root));
  const space = sealValue(root.collected, 'trace');
  return new TracedSpace(fn, space, prepare(space).spec);
}

function finish(scope: Scope): void {
  const expected = scope.elements?.length ?? 0;
  if (scope.index !== expected) {
    const missing = scope.elements?.[scope.index];
    throw new PliantError(
      'trace',
      'argument',
      `the function made ${scope.index} decision(s) where the traced space has ${expected}${missing === undefined ? '' : ` (next: '${missing.id}')`}: it must decide the same way on every run`,
    );
  }
}

function keyOf(scope: Scope, options: HyperOptions | undefined): string {
  const key = options?.name ?? `_${scope.index}`;
  if (scope.collected !== undefined && Object.prototype.hasOwnProperty.call(scope.collected, key)) {
    throw new PliantError('trace', 'argument', `two decisions in one scope are keyed '${key}'`);
  }
  return key;
}

function context(root: Scope): TraceContext {
  // Function candidates call the same `h` as their parent: each call goes to the innermost scope.
  const stack: Scope[] = [root];
  const top = (): Scope => stack[stack.length - 1] as Scope;
  const runIn = <T>(scope: Scope, fn: () => T): T => {
    stack.push(scope);
    try {
      return fn();
    } finally {
      stack.pop();
    }
  };

  const collectCandidates = <T>(candidates: readonly TracedCandidate<T>[]): { values: TreeValue[]; results: T[] } => {
    const values: TreeValue[] = [];
    const results: T[] = [];
    for (const c of candidates) {
      if (typeof c === 'function') {
        const child: Scope = { collected: {}, elements: undefined, dnas: undefined, index: 0 };
        results.push(runIn(child, c as () => T));
        values.push(Object.keys(child.collected as object).length > 0 ? (child.collected as TreeValue) : FUNCTION_MARK);
      } else {
        results.push(c);
        values.push(sealValue(c, 'trace'));
      }
    }
    return { values, results };
  };

  const next = (scope: Scope, kind: string): { d: DecisionPoint; dna: DNA } => {
    const d = scope.elements?.[scope.index];
    const dna = scope.dnas?.[scope.index];
    if (d === undefined || dna === undefined) {
      throw new PliantError('trace', 'argument', `the function made more decisions than the traced space has (a ${kind} after ${scope.index})`);
    }
    const want = d.kind === 'choice' ? (hyperKind(d.hyper) as string) : d.kind === 'float' ? 'floatv' : d.kind === 'int' ? 'intv' : 'custom';
    if (want !== kind) throw new PliantError('trace', 'argument', `the function asked for a ${kind} where the traced space has the ${want} '${d.id}'`);
    scope.index++;
    return { d, dna };
  };

  const replayPick = <T>(d: ChoiceDecision, j: number, pick: DNA, candidates: readonly TracedCandidate<T>[]): T => {
    const index = pick.value as number;
    const c = candidates[index];
    if (typeof c !== 'function') return c as T;
    const cand = (d.picks[j] as readonly SpaceSpec[])[index] as SpaceSpec;
    const child: Scope = { collected: undefined, elements: cand.elements, dnas: candidateElements(cand, pick.children, 'trace', d, index), index: 0 };
    const result = runIn(child, c as () => T);
    finish(child);
    return result;
  };

  const choose = <T>(
    kind: 'oneOf' | 'manyOf' | 'permutate',
    k: number,
    candidates: readonly TracedCandidate<T>[],
    options: (ManyOfOptions & OneOfOptions) | undefined,
  ): T[] => {
    const scope = top();
    if (scope.collected !== undefined) {
      const key = keyOf(scope, options);
      const { values, results } = collectCandidates(candidates);
      const name = options?.name;
      scope.collected[key] =
        kind === 'oneOf'
          ? oneOfValue(values, { name, ...(options?.ordered === true ? { ordered: true } : {}) })
          : kind === 'permutate'
            ? permutateValue(values, { name })
            : manyOfValue(k, values, { ...options, name });
      scope.index++;
      const distinct = kind !== 'manyOf' || options?.distinct !== false;
      return Array.from({ length: k }, (_, j) => results[distinct ? j : 0] as T);
    }
    const { d, dna } = next(scope, kind);
    const choice = d as ChoiceDecision;
    if (choice.candidates.length !== candidates.length) {
      throw new PliantError('trace', 'argument', `decision '${d.id}' has ${choice.candidates.length} candidates in the traced space, ${candidates.length} now`);
    }
    const picks = choice.k === 1 ? [dna] : dna.children;
    return picks.map((pick, j) => replayPick(choice, j, pick, candidates));
  };

  const range = (kind: 'floatv' | 'intv', min: number, max: number, options: (FloatvOptions & IntvOptions) | undefined): number => {
    const scope = top();
    if (scope.collected !== undefined) {
      const key = keyOf(scope, options);
      scope.collected[key] = kind === 'floatv' ? floatvValue(min, max, options) : intvValue(min, max, options);
      scope.index++;
      return min;
    }
    return next(scope, kind).dna.value as number;
  };

  return {
    oneOf: (candidates, options) => choose('oneOf', 1, candidates, options)[0] as never,
    manyOf: (k, candidates, options) => choose('manyOf', k, candidates, options),
    permutate: (candidates, options) => choose('permutate', candidates.length, candidates, options),
    floatv: (min, max, options) => range('floatv', min, max, options),
    intv: (min, max, options) => range('intv', min, max, options),
  };
}
