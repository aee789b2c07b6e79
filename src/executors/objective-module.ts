/**
 * Loading an objective from a module reference: the one place that turns an
 * {@link ObjectiveSource} into an {@link ObjectiveFunction}, used by the inline executor in the
 * calling thread and by the worker threads of the thread executor.
 */
import { fileURLToPath } from 'node:url';
import { PliantError, messageOf } from '../base/errors.js';
import { resolveModuleSpecifier } from '../base/module-path.js';
import { describeValue } from '../symbolic/values.js';
import { isTypeScriptModule, registerEsmTypeScript, typeScriptImportHint } from './esm-typescript.js';
import type { ObjectiveFunction, ObjectiveSource } from './executor.js';

/**
 * A module reference resolved in the calling thread: `specifier` is either a URL's `href` (a file
 * path resolved against `process.cwd()` becomes a `file:` URL) or a package specifier, left for
 * `import()` to resolve.
 */
export interface ResolvedObjectiveModule {
  /** A URL (`file:...`, `data:...`) or a package specifier (`my-objectives`, `node:path`). */
  readonly specifier: string;
  /** The export to use as given (`undefined`: `objective`, else the default export). */
  readonly export: string | undefined;
}

/**
 * Resolves an objective given as a module reference (not as a function) to its specifier and
 * export name, checking its shape.
 *
 * @param source - A path string, a URL, or `{ module, export? }`.
 * @param api - The public API to name in an error.
 * @throws {PliantError} For a function (use {@link loadObjective}) or a malformed reference.
 */
export function resolveObjectiveModule(source: ObjectiveSource, api: string): ResolvedObjectiveModule {
  if (typeof source === 'string' || source instanceof URL) return { specifier: resolveModuleSpecifier(source, api), export: undefined };
  if (typeof source === 'object' && source !== null && !Array.isArray(source) && 'module' in source) {
    const name: unknown = (source as { export?: unknown }).export;
    if (name !== undefined && (typeof name !== 'string' || name === '')) {
      throw new PliantError(api, 'argument', `the objective's export must be a non-empty string, found ${describeValue(name)}`);
    }
    return { specifier: resolveModuleSpecifier(source.module, api), export: name };
  }
  throw new PliantError(api, 'argument', `an objective is a function, a module path, a URL or { module, export? }, found ${describeValue(source)}`);
}

/** How a module is named in messages: a file path for `file:` URLs, the specifier otherwise. */
export function displayModule(specifier: string): string {
  if (specifier.startsWith('file:')) {
    try {
      return `'${fileURLToPath(specifier)}'`;
    } catch {
      // not a path of this platform: show the URL
    }
  }
  return `'${specifier}'`;
}

export { isTypeScriptModule } from './esm-typescript.js';

const cache = new Map<string, ObjectiveFunction>();

/** The key of a package specifier in the cache: the URL it resolves to, when it can be known. */
function cacheKey(specifier: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(specifier) && !/^[a-z]:[\\/]/i.test(specifier)) return specifier;
  try {
    return import.meta.resolve(specifier);
  } catch {
    return specifier;
  }
}

/**
 * Loads an objective. A function is returned as is. A module reference — a path string (absolute,
 * or starting with `.`, resolved against `process.cwd()`), a `file:` URL (string or `URL`), a
 * package specifier, or `{ module, export? }` — is imported, and its export named `export`
 * (default: `objective`, else the default export) is returned. Loaded objectives are cached per
 * resolved URL and export.
 *
 * @param source - The objective.
 * @param api - The public API to name in an error (`inlineExecutor`, `threadExecutor`, ...).
 * @returns The objective function.
 * @throws {PliantError} Naming `api` and the module, when the module cannot be imported, lacks
 * the export, or the export is not a function.
 */
export async function loadObjective<C = unknown>(source: ObjectiveSource<C>, api: string): Promise<ObjectiveFunction<C>> {
  if (typeof source === 'function') return source;
  const resolved = resolveObjectiveModule(source as ObjectiveSource, api);
  const key = `${cacheKey(resolved.specifier)}#${resolved.export ?? ''}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit as ObjectiveFunction<C>;
  const where = displayModule(resolved.specifier);
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(resolved.specifier)) as Record<string, unknown>;
  } catch (error) {
    throw new PliantError(
      api,
      'argument',
      `cannot import the objective module ${where}: ${messageOf(error)}${typeScriptImportHint(resolved.specifier, error)}`,
      {
        cause: error,
      },
    );
  }
  let name: string;
  if (resolved.export !== undefined) {
    name = resolved.export;
    if (!(name in namespace)) {
      throw new PliantError(api, 'argument', `the objective module ${where} has no export '${name}' (it exports ${listExports(namespace)})`);
    }
  } else if ('objective' in namespace) {
    name = 'objective';
  } else if ('default' in namespace) {
    name = 'default';
  } else {
    throw new PliantError(
      api,
      'argument',
      `the objective module ${where} exports neither 'objective' nor a default export (it exports ${listExports(namespace)}); name the export with { module, export }`,
    );
  }
  const value = namespace[name];
  if (typeof value !== 'function') {
    throw new PliantError(api, 'argument', `export '${name}' of the objective module ${where} is not a function, found ${describeValue(value)}`);
  }
  const objective = value as ObjectiveFunction;
  cache.set(key, objective);
  return objective as ObjectiveFunction<C>;
}

function listExports(namespace: Record<string, unknown>): string {
  const names = Object.keys(namespace);
  return names.length === 0 ? 'nothing' : names.map((n) => `'${n}'`).join(', ');
}

let tsxRegistered = false;

/**
 * Makes `import()` of a `.ts` module work in this process: registers tsx's loader once, unless a
 * TypeScript loader is there already (tsx, or Node's type stripping).
 */
export async function ensureTypeScriptLoader(specifier: string, api: string): Promise<void> {
  if (!isTypeScriptModule(specifier) || tsxRegistered) return;
  const loaded =
    process.execArgv.some((a) => /tsx|strip-types/.test(a)) || (process as { features?: { typescript?: unknown } }).features?.typescript !== undefined;
  if (!loaded) {
    // The ESM entry of tsx's API (its CommonJS one cannot register ESM hooks); a variable
    // specifier keeps it out of the package's static imports.
    const name = 'tsx/esm/api';
    let tsx: { register: () => unknown };
    try {
      tsx = (await import(name)) as { register: () => unknown };
    } catch (cause) {
      throw new PliantError(api, 'dependency', `${api} needs tsx to load a TypeScript module: npm install --save-dev tsx (${messageOf(cause)})`, { cause });
    }
    tsx.register();
    // a .ts file with import/export is an ES module in a CommonJS package too (see esm-typescript.ts)
    registerEsmTypeScript();
  }
  tsxRegistered = true;
}
