import { ensureTypeScriptLoader } from '../executors/objective-module.js';
import { typeScriptImportHint } from '../executors/esm-typescript.js';
import { messageOf } from '../base/errors.js';
import { moduleHref } from '../base/module-path.js';
import { PliantError } from '../base/errors.js';
import { requireFile } from './command.js';

/**
 * Imports a user's module (a path, relative to the working directory, or a URL). A path that
 * names no file is a one-line error naming it as `what` (`the experiment module exp.ts does not
 * exist`).
 */
export async function importModule(path: string, api: string, what = 'the module'): Promise<Record<string, unknown>> {
  const href = moduleHref(path);
  if (href.startsWith('file:') && !path.startsWith('file:')) requireFile(path, what, api);
  await ensureTypeScriptLoader(href, api);
  try {
    return (await import(href)) as Record<string, unknown>;
  } catch (cause) {
    // The first line: a compiler's message goes on with a code frame (--verbose prints it all).
    const first = messageOf(cause).trim().split('\n')[0] ?? '';
    throw new PliantError(api, 'argument', `cannot import ${path}: ${first}${typeScriptImportHint(href, cause)}`, { cause });
  }
}
