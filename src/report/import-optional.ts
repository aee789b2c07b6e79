/**
 * @internal Loads an optional ES-module dependency (vega, vega-lite) at call time, so that
 * `import 'pliant'` never loads it and the built package names it in no static import: from
 * pliant's own dependencies first, then from the working directory's project. A missing one is a
 * `dependency` error that says what to install.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PliantError } from '../symbolic/errors.js';

const loaded = new Map<string, Promise<unknown>>();

const NOT_FOUND = new Set(['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND', 'ERR_PACKAGE_PATH_NOT_EXPORTED']);

/** Whether `error` says that `specifier` itself (not something it imports) cannot be found. */
function missing(error: unknown, specifier: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !NOT_FOUND.has(code)) return false;
  const message = error instanceof Error ? error.message : '';
  return message.includes(`'${specifier}'`) || message.includes(`"${specifier}"`) || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED';
}

/**
 * `import(specifier)`, from pliant's dependencies or else the working directory's project.
 *
 * @param specifier - The package.
 * @param api - The public function that needs it (errors name it).
 * @param install - What to run to install it (`npm install vega@6 vega-lite@6`).
 */
export function importOptional<T>(specifier: string, api: string, install: string): Promise<T> {
  let promise = loaded.get(specifier);
  if (promise === undefined) {
    promise = load(specifier, api, install);
    loaded.set(specifier, promise);
    promise.catch(() => loaded.delete(specifier));
  }
  return promise as Promise<T>;
}

async function load(specifier: string, api: string, install: string): Promise<unknown> {
  let last: unknown;
  try {
    // A variable, not a literal: bundlers and the package's import scan leave it alone.
    const name = specifier;
    return await import(name);
  } catch (error) {
    if (!missing(error, specifier)) throw error;
    last = error;
  }
  try {
    const resolved = createRequire(join(process.cwd(), 'noop.js')).resolve(specifier);
    return await import(pathToFileURL(resolved).href);
  } catch (error) {
    if (!missing(error, specifier)) throw error;
  }
  const reason = (last as Error | undefined)?.message.split('\n')[0] ?? 'not found';
  throw new PliantError(api, 'dependency', `${api} needs ${specifier}: ${install} (${reason})`, { cause: last });
}
