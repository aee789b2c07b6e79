import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureTypeScriptLoader, messageOf } from '../executors/objective-module.js';
import { PliantError } from '../symbolic/errors.js';

/** Imports a user's module (a path, relative to the working directory, or a URL). */
export async function importModule(path: string, api: string): Promise<Record<string, unknown>> {
  const href = /^[a-z][a-z\d+.-]*:/i.test(path) && !/^[a-z]:[\\/]/i.test(path) ? path : pathToFileURL(resolve(path)).href;
  await ensureTypeScriptLoader(href, api);
  try {
    return (await import(href)) as Record<string, unknown>;
  } catch (cause) {
    throw new PliantError(api, 'argument', `cannot import ${path}: ${messageOf(cause)}`, { cause });
  }
}
