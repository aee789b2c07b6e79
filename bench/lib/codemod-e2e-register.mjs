/**
 * Preloaded (`node --import`) by the end-to-end child of `codemod.bench.ts`, so that a corpus file
 * copied to the temporary folder `PLIANT_BENCH_CODEMOD_ROOT` runs as it would in its own project:
 *
 * - `@tensorflow/tfjs-node` and `@tensorflow/tfjs-node-gpu` (which cannot be installed here)
 *   resolve to `@tensorflow/tfjs`, for `require` (a `Module._resolveFilename` hook) and for
 *   `import` (the resolve hook of `codemod-e2e-hooks.mjs`);
 * - a module the file needs that is missing (the corpus keeps one file of each example, not its
 *   `data.js` or `ui.js`; a package not installed here, such as `@tensorflow/tfjs-vis`) becomes a
 *   stub: every property, call or `new` of it gives another stub, so code that only passes it
 *   around or calls it for display runs, and code that needs its values fails with a clear error.
 *   An extensionless relative import (`./data`, as bundlers allow) tries `.js`, `.mjs`, `.cjs`,
 *   `.ts` and `/index.js` first.
 *
 * Only modules imported by module files inside that folder are redirected; pliant's own loading
 * (ts-morph, the TensorFlow.js backend) is not touched. The modules stubbed are listed in `globalThis[Symbol.for('pliant.bench.stubbed')]`.
 */
import Module from 'node:module';
import { register } from 'node:module';
import { existsSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const root = realpathSync(process.env.PLIANT_BENCH_CODEMOD_ROOT ?? '/nonexistent-root');
const TFJS_NODE = /^@tensorflow\/tfjs-node(-gpu)?(?=\/|$)/;
const stubbed = (globalThis[Symbol.for('pliant.bench.stubbed')] ??= new Set());

/** A value that absorbs any use: property reads, calls and `new` give more of it. */
function makeStub(name) {
  const target = function stub() {};
  const handler = {
    get(_t, key) {
      if (key === 'then') return undefined; // not a promise
      if (key === Symbol.toPrimitive) return () => 0;
      if (key === Symbol.iterator) return function* empty() {};
      if (key === 'prototype') return target.prototype;
      if (key === '__esModule') return false;
      if (typeof key === 'symbol') return undefined;
      return makeStub(`${name}.${key}`);
    },
    apply: () => makeStub(`${name}()`),
    construct: () => makeStub(`new ${name}`),
  };
  return new Proxy(target, handler);
}
globalThis[Symbol.for('pliant.bench.stub')] = (specifier) => {
  stubbed.add(specifier);
  return makeStub(specifier);
};

// A module file of the folder (not a \`createRequire(cwd)\` base such as pliant's optional-dependency loader uses).
const inside = (file) => typeof file === 'string' && file.startsWith(root) && existsSync(file);
const original = Module._resolveFilename;
Module._resolveFilename = function resolveFilename(request, parent, ...rest) {
  const fromRoot = inside(parent?.filename);
  const req = fromRoot ? request.replace(TFJS_NODE, '@tensorflow/tfjs') : request;
  try {
    return original.call(this, req, parent, ...rest);
  } catch (error) {
    if (!fromRoot || error?.code !== 'MODULE_NOT_FOUND') throw error;
    const id = `${root}/\0pliant-stub/${request}`;
    if (Module._cache[id] === undefined) {
      const m = new Module(id, parent);
      m.filename = id;
      m.exports = globalThis[Symbol.for('pliant.bench.stub')](request);
      m.loaded = true;
      Module._cache[id] = m;
    }
    return id;
  }
};

register(new URL('./codemod-e2e-hooks.mjs', import.meta.url), { data: { root: pathToFileURL(root).href } });
