#!/usr/bin/env node
// Run by `npm run build` after tsc. pliant's declaration files name the types of its optional
// peer dependencies (`@tensorflow/tfjs`, `ts-morph`, `bullmq`, `ioredis`, `fast-check`, ...):
// `buildModel` returns a `tf.LayersModel`, `loadTf` the tfjs module. A project that installs
// pliant without those peers and type-checks with `skipLibCheck: false` would fail on
// `Cannot find module 'ts-morph'` (TS2307) inside pliant's `.d.ts` files. tsc drops comments on
// import declarations, so this marks each `import type ... from '<optional peer>'` line of
// dist/**/*.d.ts with `// @ts-ignore`: with the peer installed the types are the peer's own (a
// real `tf.LayersModel`); without it they are `any`, and the APIs that need the peer say at run
// time how to install it. test/e2e/tour-types.test.ts checks it on the packed package.
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const optional = new Set([
  ...Object.entries(pkg.peerDependenciesMeta ?? {})
    .filter(([, meta]) => meta?.optional === true)
    .map(([name]) => name),
  ...Object.keys(pkg.optionalDependencies ?? {}),
]);
const marker = '// @ts-ignore optional peer dependency: its types are `any` when it is not installed';

function packageOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function* declarationFiles(dir) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* declarationFiles(path);
    else if (path.endsWith('.d.ts')) yield path;
  }
}

let marked = 0;
for (const file of declarationFiles(join(root, 'dist'))) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out = [];
  for (const [i, line] of lines.entries()) {
    const m = /^import\b.*\bfrom\s+['"]([^'"]+)['"];?\s*$/.exec(line);
    if (m && optional.has(packageOf(m[1])) && lines[i - 1] !== marker) {
      out.push(marker);
      marked++;
    }
    // an inline `import('<optional peer>')` type would escape the marker: refuse to ship it
    const inline = /import\(\s*['"]([^'"]+)['"]\s*\)/.exec(line.replace(/^\s*(\*|\/\/).*$/, ''));
    if (inline && optional.has(packageOf(inline[1]))) {
      throw new Error(`${file}:${i + 1}: an inline import('${inline[1]}') type of an optional peer; import its types at the top of the file instead`);
    }
    out.push(line);
  }
  writeFileSync(file, out.join('\n'));
}
console.error(`optional-peer-types: marked ${marked} import(s) of optional peers in dist/**/*.d.ts`);
