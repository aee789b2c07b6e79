/**
 * @internal TypeScript modules written with `import`/`export` load as ES modules, whatever their
 * package's type. tsx gives a `.ts` file the package's module system: in a package without
 * `"type": "module"` (npm's default) it is CommonJS, which Node 20 cannot load from an `import()`
 * of that very file ("Cannot require() ES Module ... in a cycle"), so `pliant search
 * experiment.ts` failed there for any experiment. These hooks run after tsx's: a `.ts`/`.tsx` file
 * outside `node_modules` that tsx calls CommonJS but that has `import` or `export` declarations
 * is an ES module (as TypeScript's own ESM syntax says, and as `pliant annotate` writes it). A file
 * without them (`require`, `module.exports`, `import x = require(...)`, `export =`) stays
 * CommonJS, and `.cts`/`.mts` say their module system themselves.
 */
import { readFileSync } from 'node:fs';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';

/** A line that starts an `import` or `export` declaration (not `import x = require(...)`, `export =` or `import(...)`). */
const ESM_SYNTAX =
  /^[ \t]*(?:import\s*[{*'"]|import\s+type\b|import\s+[\w$]+\s*(?:,|from\b)|export\s*[{*]|export\s+(?:default|const|let|var|function|async|class|type|interface|enum|declare|abstract|namespace)\b)/m;

/** Whether a module specifier names a TypeScript file (`.ts`, `.mts`, `.cts`, `.tsx`). */
export function isTypeScriptModule(specifier: string): boolean {
  return /\.(?:[mc]?ts|tsx)(?:[?#].*)?$/.test(specifier);
}

/** The hooks' source (a `data:` module: it needs no file, nor a TypeScript loader of its own). */
const HOOKS = `
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const TS = /\\.tsx?$/;
const ESM = new RegExp(${JSON.stringify(ESM_SYNTAX.source)}, 'm');
export async function resolve(specifier, context, next) {
  const found = await next(specifier, context);
  if (found.format !== 'commonjs' || typeof found.url !== 'string' || !found.url.startsWith('file:')) return found;
  const path = fileURLToPath(found.url);
  if (!TS.test(path) || /[\\\\/]node_modules[\\\\/]/.test(path)) return found;
  let source;
  try {
    source = readFileSync(path, 'utf8');
  } catch {
    return found;
  }
  return ESM.test(source) ? { ...found, format: 'module' } : found;
}
`;

/** @internal The hooks as a module URL (for `register`, or an `--import` module of a worker thread). */
export const ESM_TYPESCRIPT_HOOKS = `data:text/javascript,${encodeURIComponent(HOOKS)}`;

let registered = false;

/** @internal Registers the hooks in this thread, once; call it after registering tsx's (they run before tsx's, on what tsx resolved). */
export function registerEsmTypeScript(): void {
  if (registered) return;
  register(ESM_TYPESCRIPT_HOOKS);
  registered = true;
}

/**
 * @internal What to add to the message of an error importing the TypeScript module `specifier`
 * when its module system explains it (a CommonJS global in a module loaded as an ES module, or a
 * module without `import`/`export`, which is CommonJS and not compiled); '' otherwise.
 */
export function typeScriptImportHint(specifier: string, error: unknown): string {
  if (!isTypeScriptModule(specifier)) return '';
  const message = error instanceof Error ? error.message : String(error);
  const global = /\b(__dirname|__filename|require|module|exports) is not defined/.exec(message);
  if (global !== null) {
    return ` (pliant loads a TypeScript module written with import/export as an ES module, whatever its package's type: use import.meta.dirname, import.meta.filename, import or createRequire instead of ${global[1] as string})`;
  }
  if (!(error instanceof SyntaxError) || !specifier.startsWith('file:')) return '';
  let source: string;
  try {
    source = readFileSync(fileURLToPath(specifier), 'utf8');
  } catch {
    return '';
  }
  return ESM_SYNTAX.test(source)
    ? ''
    : ' (a TypeScript module without import or export declarations is CommonJS, which pliant does not compile: write it with import/export, or compile it to JavaScript)';
}
