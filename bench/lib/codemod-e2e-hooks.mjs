/**
 * ES module resolve/load hooks of the end-to-end child (registered by `codemod-e2e-register.mjs`,
 * which describes them): for modules imported from inside the bench's temporary folder,
 * `@tensorflow/tfjs-node(-gpu)` → `@tensorflow/tfjs`, extensionless relative imports, and stubs
 * for modules that are missing. A stub module exports the names its importer asks for (`import
 * {a, b} from`, and `ns.x` for `import * as ns from`), each a stub value.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

let root = '\0';
const TFJS_NODE = /^@tensorflow\/tfjs-node(-gpu)?(?=\/|$)/;
const NOT_FOUND = new Set(['ERR_MODULE_NOT_FOUND', 'ERR_UNSUPPORTED_DIR_IMPORT', 'MODULE_NOT_FOUND']);
const EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '/index.js', '/index.ts'];
const IDENT = /^[A-Za-z_$][\w$]*$/;
const RESERVED = new Set(
  'await break case catch class const continue debugger default delete do else enum export extends false finally for function if implements import in instanceof interface let new null package private protected public return static super switch this throw true try typeof var void while with yield'.split(
    ' ',
  ),
);
const exportable = (n) => IDENT.test(n) && !RESERVED.has(n);

export function initialize(data) {
  root = data.root;
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The names `parentUrl` takes from `specifier`. */
function importedNames(parentUrl, specifier) {
  let text;
  try {
    text = readFileSync(fileURLToPath(parentUrl.replace(/[?#].*$/, '')), 'utf8');
  } catch {
    return [];
  }
  const spec = escape(specifier);
  const names = new Set();
  for (const m of text.matchAll(new RegExp(`import\\s*(?:type\\s+)?(?:[\\w$]+\\s*,\\s*)?\\{([^}]*)\\}\\s*from\\s*['"]${spec}['"]`, 'g'))) {
    for (const part of m[1].split(',')) {
      const name = part
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)[0]
        ?.trim();
      if (name !== undefined && exportable(name)) names.add(name);
    }
  }
  for (const m of text.matchAll(new RegExp(`import\\s*(?:[\\w$]+\\s*,\\s*)?\\*\\s*as\\s+([\\w$]+)\\s+from\\s*['"]${spec}['"]`, 'g'))) {
    for (const use of text.matchAll(new RegExp(`\\b${escape(m[1])}\\.([A-Za-z_$][\\w$]*)`, 'g'))) names.add(use[1]);
  }
  return [...names].filter(exportable).sort();
}

export async function resolve(specifier, context, nextResolve) {
  const parent = context.parentURL;
  if (typeof parent !== 'string' || !parent.startsWith(root)) return nextResolve(specifier, context);
  const spec = specifier.replace(TFJS_NODE, '@tensorflow/tfjs');
  try {
    return await nextResolve(spec, context);
  } catch (error) {
    if (!NOT_FOUND.has(error?.code)) throw error;
    if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('file:')) {
      for (const ext of EXTENSIONS) {
        try {
          return await nextResolve(spec + ext, context);
        } catch {
          // next extension
        }
      }
    }
    const names = importedNames(parent, specifier);
    return { url: `pliant-stub:${encodeURIComponent(specifier)}?${names.join(',')}`, format: 'module', shortCircuit: true };
  }
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('pliant-stub:')) return nextLoad(url, context);
  const [head, query = ''] = url.slice('pliant-stub:'.length).split('?');
  const specifier = decodeURIComponent(head);
  const names = query === '' ? [] : query.split(',').filter(exportable);
  const source = [
    `const s = globalThis[Symbol.for('pliant.bench.stub')](${JSON.stringify(specifier)});`,
    'export default s;',
    ...names.map((n) => `export const ${n} = s.${n};`),
  ].join('\n');
  return { format: 'module', source, shortCircuit: true };
}
