import { ensureTypeScriptLoader } from '../executors/objective-module.js';
import { messageOf } from '../base/errors.js';
import { moduleHref } from '../base/module-path.js';
import { PliantError } from '../base/errors.js';

/** Imports a user's module (a path, relative to the working directory, or a URL). */
export async function importModule(path: string, api: string): Promise<Record<string, unknown>> {
  const href = moduleHref(path);
  await ensureTypeScriptLoader(href, api);
  try {
    return (await import(href)) as Record<string, unknown>;
  } catch (cause) {
    throw new PliantError(api, 'argument', `cannot import ${path}: ${messageOf(cause)}`, { cause });
  }
}
