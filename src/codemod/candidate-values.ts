import { moduleHref } from '../base/module-path.js';
import { PliantError } from '../base/errors.js';
import { checkDepth } from '../base/json-depth.js';
import { hash } from '../symbolic/hash.js';
import type { TreeValue } from '../symbolic/node.js';
import { DNA } from '../geno/dna.js';
import { encode, materialize } from '../geno/template.js';
import type { Concrete } from '../geno/template.js';

interface Pending {
  readonly base: string;
  readonly token: string;
  readonly values: TreeValue;
  claimed: boolean;
}

interface Shared {
  pending: Pending | undefined;
  chain: Promise<unknown>;
  loaded: Set<string>;
}

// Shared through the global object, so that two copies of pliant (a bundled one and the
// project's) agree on which load is under way.
const SHARED_KEY = Symbol.for('pliant.annotatedModule');
function shared(): Shared {
  const g = globalThis as unknown as Record<symbol, Shared | undefined>;
  return (g[SHARED_KEY] ??= { pending: undefined, chain: Promise.resolve(), loaded: new Set() });
}

const QUERY = 'pliant-candidate';

function split(url: string): { base: string; token: string | undefined } {
  const at = url.indexOf('?');
  if (at < 0) return { base: url, token: undefined };
  const token = new URLSearchParams(url.slice(at + 1)).get(QUERY) ?? undefined;
  return { base: url.slice(0, at), token };
}

/**
 * The values an annotated module runs with: `original` when the module is imported as it is, or
 * the candidate `annotatedModule(url).load(candidate)` is loading it for. Called once, by the
 * module's generated block: `const $ = candidateValues(import.meta.url, searchSpace, originalValues)`.
 *
 * @param moduleUrl - The module's `import.meta.url`.
 * @param space - The module's `searchSpace`.
 * @param original - The module's `originalValues`; it must be a point of `space`.
 */
export function candidateValues<S extends TreeValue>(moduleUrl: string, space: S, original: Concrete<S>): Concrete<S> {
  const api = 'candidateValues';
  try {
    encode(space, original as TreeValue);
  } catch (cause) {
    throw new PliantError(
      api,
      'argument',
      `${moduleUrl}: originalValues is not a point of searchSpace (were its candidates edited?): ${(cause as Error).message}`,
      { cause },
    );
  }
  const state = shared();
  const pending = state.pending;
  const { base, token } = split(moduleUrl);
  if (pending !== undefined && !pending.claimed && pending.base === base && (token === undefined || token === pending.token)) {
    pending.claimed = true;
    return pending.values as Concrete<S>;
  }
  return original;
}

/** A module made by `annotate`, loaded by {@link annotatedModule}. */
export interface AnnotatedModule<M extends AnnotatedExports = AnnotatedExports> {
  /** The module's URL. */
  readonly url: string;
  /** Its search space (`searchSpace`): search this. */
  readonly space: M['searchSpace'];
  /** The original file's values (`originalValues`). */
  readonly original: M['originalValues'];
  /** The module as imported plainly: the original program. */
  readonly module: M;
  /**
   * The module's instance for a candidate: a concrete value of `space` (what `search` gives the
   * objective) or a DNA of `space`. The candidate is checked against the space first; a bad one
   * is an error that names its key path.
   */
  load(candidate: M['originalValues'] | DNA): Promise<M>;
}

/** The exports every annotated module has. */
export interface AnnotatedExports {
  readonly searchSpace: TreeValue;
  readonly originalValues: unknown;
}

/**
 * Loads a module made by `pliant annotate`, to search it:
 *
 * ```ts
 * // import type * as Model from './model.js';  (the original file: the module has its exports)
 * const model = await annotatedModule<AnnotatedExports & typeof Model>(new URL('./model.space.js', import.meta.url));
 * const result = await search(model.space, async (candidate) => {
 *   const { createModel } = await model.load(candidate);
 *   ...
 * });
 * ```
 *
 * @param url - The module: a file URL, or a path (relative to the working directory).
 */
export async function annotatedModule<M extends AnnotatedExports = AnnotatedExports & Record<string, unknown>>(url: string | URL): Promise<AnnotatedModule<M>> {
  const api = 'annotatedModule';
  const href = moduleHref(url);
  let module: M;
  try {
    module = (await import(href)) as M;
  } catch (cause) {
    throw new PliantError(api, 'argument', `cannot import ${href}: ${(cause as Error).message}`, { cause });
  }
  if (module.searchSpace === undefined || module.originalValues === undefined) {
    throw new PliantError(api, 'argument', `${href} exports no searchSpace and originalValues: is it a module made by pliant annotate?`);
  }
  const space = module.searchSpace;
  const base = split(href).base;
  return Object.freeze({
    url: href,
    space,
    original: module.originalValues as M['originalValues'],
    module,
    load: async (candidate: M['originalValues'] | DNA): Promise<M> => {
      let values: TreeValue;
      if (!(candidate instanceof DNA)) checkDepth(candidate, api);
      try {
        values =
          candidate instanceof DNA ? (materialize(space, candidate) as TreeValue) : (materialize(space, encode(space, candidate as TreeValue)) as TreeValue);
      } catch (cause) {
        throw new PliantError(api, 'argument', `the candidate is not a point of ${href}'s searchSpace: ${(cause as Error).message}`, { cause });
      }
      const token = hash(values);
      const state = shared();
      const run = async (): Promise<M> => {
        const key = `${base}?${token}`;
        state.pending = { base, token, values, claimed: false };
        try {
          const instance = (await import(`${base}?${QUERY}=${token}`)) as M;
          if (!state.pending.claimed && !state.loaded.has(key)) {
            throw new PliantError(
              api,
              'argument',
              `${href} did not take its candidate: its generated block (candidateValues(import.meta.url, ...)) must run when it is imported`,
            );
          }
          state.loaded.add(key);
          return instance;
        } finally {
          state.pending = undefined;
        }
      };
      const next = state.chain.then(run, run);
      state.chain = next.catch(() => undefined);
      return next;
    },
  });
}
