/**
 * Module paths of the user's own files: what `import()` needs from a path, a URL or a package
 * specifier given on the command line or in options.
 */
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PliantError, describeThrown } from './errors.js';

/**
 * Resolves a module reference (a path, a `file:` URL, a URL object or a package specifier) the
 * way {@link loadObjective} does: a string starting with `.` or `/` (or an absolute path of the
 * platform) is a file path resolved against `process.cwd()`; a string starting with `file:` is a
 * URL; any other string is a package specifier, passed to `import()` unchanged.
 *
 * @param module - The module reference.
 * @param api - The public API to name in an error.
 * @returns A URL's `href`, or the package specifier.
 */
export function resolveModuleSpecifier(module: string | URL, api: string): string {
  if (module instanceof URL) return module.href;
  if (typeof module !== 'string' || module === '') {
    throw new PliantError(api, 'argument', `a module must be a file path, a URL or a package specifier, found ${describeThrown(module)}`);
  }
  if (module.startsWith('file:')) {
    try {
      return new URL(module).href;
    } catch (error) {
      throw new PliantError(api, 'argument', `not a valid file URL: ${JSON.stringify(module)}`, { cause: error });
    }
  }
  if (module.startsWith('.') || module.startsWith('/') || isAbsolute(module)) return pathToFileURL(resolvePath(process.cwd(), module)).href;
  return module;
}

/**
 * The `href` of a module given as a file path (relative to the working directory, with or
 * without a leading `./`) or a URL: for `import()` of a user's own file.
 */
export function moduleHref(path: string | URL): string {
  if (path instanceof URL) return path.href;
  return /^[a-z][a-z\d+.-]*:/i.test(path) && !/^[a-z]:[\\/]/i.test(path) ? path : pathToFileURL(resolvePath(process.cwd(), path)).href;
}
