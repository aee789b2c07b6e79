/**
 * @internal The one loader of optional dependencies (TensorFlow.js, ts-morph, BullMQ, ioredis,
 * vega, ...), at call time, so that `import 'pliant'` never loads them. CommonJS packages come
 * through {@link requireOptional} (the user's project first, where their copy lives, then
 * pliant's own); ES-module-only packages through {@link importOptional}. A missing one is a
 * `dependency` error that says what to install.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PliantError } from './errors.js';

const cache = new Map<string, unknown>();

/**
 * `require(specifier)` from the working directory's project, else from pliant's.
 *
 * @param specifier - The package.
 * @param api - The public function that needs it (errors name it).
 * @param install - What to run to install it (`npm install ioredis@6`).
 */
export function requireOptional<T>(specifier: string, api: string, install: string): T {
  if (cache.has(specifier)) return cache.get(specifier) as T;
  let last: unknown;
  for (const require of [createRequire(join(process.cwd(), 'noop.js')), createRequire(import.meta.url)]) {
    try {
      const loaded = require(specifier) as T;
      cache.set(specifier, loaded);
      return loaded;
    } catch (error) {
      if ((error as { code?: string }).code !== 'MODULE_NOT_FOUND') throw error;
      last = error;
    }
  }
  const reason = (last as Error | undefined)?.message.split('\n')[0] ?? 'not found';
  throw new PliantError(api, 'dependency', `${api} needs ${specifier}: ${install} (${reason})`, { cause: last });
}

const imported = new Map<string, Promise<unknown>>();

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
  let promise = imported.get(specifier);
  if (promise === undefined) {
    promise = load(specifier, api, install);
    imported.set(specifier, promise);
    promise.catch(() => imported.delete(specifier));
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
