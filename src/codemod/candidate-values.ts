/**
 * The run-time side of a module made by `annotate`: {@link candidateValues}, which the module's
 * generated block calls for the values it runs with, and {@link annotatedModule}, which loads the
 * module once per candidate. ES modules and CommonJS modules alike: an ES module is imported
 * again under a per-candidate query string; a CommonJS module (its block is marked
 * `// pliant:search-space commonjs`) is required again after its entry is taken out of
 * `require.cache`.
 */
import { readFile, realpath } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { moduleHref } from '../base/module-path.js';
import { PliantError } from '../base/errors.js';
import { checkDepth } from '../base/json-depth.js';
import { hash } from '../symbolic/hash.js';
import { fromJSON } from '../symbolic/json.js';
import type { TreeValue } from '../symbolic/node.js';
import { DNA } from '../geno/dna.js';
import { encode, materialize } from '../geno/template.js';
import type { Concrete } from '../geno/template.js';

interface Pending {
  /** The module's URL without a query, as given and with symbolic links resolved (a module sees the latter). */
  readonly base: string;
  readonly realBase: string;
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
 * module's generated block: `const $ = candidateValues(import.meta.url, searchSpace, originalValues)`
 * in an ES module, `candidateValues(require('node:url').pathToFileURL(__filename).href, ...)` in a
 * CommonJS one.
 *
 * @param moduleUrl - The module's URL: its `import.meta.url`, or its file's URL.
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
  if (pending !== undefined && !pending.claimed && (pending.base === base || pending.realBase === base) && (token === undefined || token === pending.token)) {
    pending.claimed = true;
    return pending.values as Concrete<S>;
  }
  return original;
}

/** A module made by `annotate`, loaded by {@link annotatedModule}. */
export interface AnnotatedModule<M extends AnnotatedExports = AnnotatedExports> {
  /** The module's URL. */
  readonly url: string;
  /** How it is loaded: `esm` (`import()`) or `commonjs` (`require`; its block is marked `commonjs`). */
  readonly moduleSystem: 'esm' | 'commonjs';
  /** Its search space (`searchSpace`): search this. */
  readonly space: M['searchSpace'];
  /** The original file's values (`originalValues`). */
  readonly original: M['originalValues'];
  /** The module as imported (or required) plainly: the original program. */
  readonly module: M;
  /**
   * The module's instance for a candidate: a concrete value of `space` (what `search` gives the
   * objective) or a DNA of `space`. The candidate is checked against the space first; a bad one
   * is an error that names its key path. Loads run one at a time, in the order asked.
   */
  load(candidate: M['originalValues'] | DNA): Promise<M>;
}

/** The exports every annotated module has. */
export interface AnnotatedExports {
  readonly searchSpace: TreeValue;
  readonly originalValues: unknown;
}

/** The first line of a CommonJS module's generated block (see `module-block.ts`). */
const COMMONJS_BLOCK = /^\/\/ pliant:search-space commonjs\b/m;

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
 * An ES module is imported once per distinct candidate (under the query `?pliant-candidate=<hash>`)
 * and Node keeps each instance for the life of the process; loading the same candidate again gives
 * the same instance. A CommonJS module (made from a CommonJS source) is required afresh for each
 * load: its entry is taken out of `require.cache` first and put back after, so a plain
 * `require` of it still gives the original program, and no candidate's instance is kept. Only the
 * annotated file itself is evaluated again: the modules it requires (your other files, tfjs) are
 * shared by all candidates, as they are cached. A CommonJS module needs a Node that can `require`
 * pliant, an ES module package (Node 20.19 or 22.12 and later), and, for TypeScript (`.cts`), a
 * `require` that loads TypeScript (run under `tsx`).
 *
 * @param url - The module: a file URL, or a path (relative to the working directory).
 */
export async function annotatedModule<M extends AnnotatedExports = AnnotatedExports & Record<string, unknown>>(url: string | URL): Promise<AnnotatedModule<M>> {
  const api = 'annotatedModule';
  const href = moduleHref(url);
  const base = split(href).base;
  const file = base.startsWith('file:') ? fileURLToPath(base) : undefined;
  const realBase =
    file === undefined
      ? base
      : await realpath(file).then(
          (real) => pathToFileURL(real).href,
          () => base,
        );
  const commonjs = file !== undefined && COMMONJS_BLOCK.test(await readFile(file, 'utf8').catch(() => ''));
  const requireFresh = (): unknown => {
    // Each load from a new require function, so that no module keeps a list of every instance as its children.
    const require = createRequire(fileURLToPath(realBase));
    const id = require.resolve(fileURLToPath(realBase));
    const previous = require.cache[id];
    delete require.cache[id];
    try {
      return require(id) as unknown;
    } finally {
      if (previous === undefined) delete require.cache[id];
      else require.cache[id] = previous;
    }
  };
  let module: M;
  try {
    module = (commonjs ? (createRequire(fileURLToPath(realBase))(fileURLToPath(realBase)) as M) : ((await import(href)) as M)) ?? ({} as M);
  } catch (cause) {
    throw new PliantError(api, 'argument', `cannot ${commonjs ? 'require' : 'import'} ${href}: ${(cause as Error).message}`, { cause });
  }
  if (module.searchSpace === undefined || module.originalValues === undefined) {
    throw new PliantError(api, 'argument', `${href} exports no searchSpace and originalValues: is it a module made by pliant annotate?`);
  }
  const space = ownSpace(module.searchSpace, module.originalValues);
  return Object.freeze({
    url: href,
    moduleSystem: commonjs ? 'commonjs' : 'esm',
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
      const notTaken = (): PliantError =>
        new PliantError(
          api,
          'argument',
          `${href} did not take its candidate: its generated block (candidateValues(${commonjs ? "require('node:url').pathToFileURL(__filename).href" : 'import.meta.url'}, ...)) must run when it is ${commonjs ? 'required' : 'imported'}`,
        );
      const run = async (): Promise<M> => {
        const key = `${base}?${token}`;
        const pending: Pending = { base, realBase, token, values, claimed: false };
        state.pending = pending;
        try {
          if (commonjs) {
            let instance: M;
            try {
              instance = requireFresh() as M;
            } catch (cause) {
              throw new PliantError(api, 'argument', `cannot require ${href} for a candidate: ${(cause as Error).message}`, { cause });
            }
            if (!pending.claimed) throw notTaken();
            return instance;
          }
          const instance = (await import(`${base}?${QUERY}=${token}`)) as M;
          if (!pending.claimed && !state.loaded.has(key)) throw notTaken();
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

/**
 * The module's space as this copy of pliant reads it. A module can get a copy of pliant of its
 * own: a CommonJS module run under a loader that compiles the ES package for `require` (tsx)
 * does, and a space's hyper values from another copy are not this copy's nodes. Such a space is
 * rebuilt here from its JSON form (its hyper values are registered types), so that `search` and
 * `load` read it; a space this copy reads already is returned as it is.
 */
function ownSpace(space: TreeValue, original: unknown): TreeValue {
  const reads = (s: TreeValue): boolean => {
    try {
      encode(s, original as TreeValue);
      return true;
    } catch {
      return false;
    }
  };
  if (reads(space)) return space;
  let rebuilt: TreeValue;
  try {
    rebuilt = fromJSON(JSON.parse(JSON.stringify(space)) as unknown);
  } catch {
    return space;
  }
  return reads(rebuilt) ? rebuilt : space;
}
