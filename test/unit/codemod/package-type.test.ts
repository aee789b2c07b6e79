import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { annotateFile } from '../../../src/codemod/annotate.js';
import { packageTypeOf } from '../../../src/codemod/package-type.js';

const root = mkdtempSync(join(tmpdir(), 'pliant-package-type-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Writes files under a fresh folder of `root`; returns the folder. */
function tree(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const SCRIPT = '// tf is a global\nfunction make() {\n  return tf.layers.dense({ units: 32, activation: "relu" });\n}\n';

describe('packageTypeOf', () => {
  it('reads the type of the nearest package.json, as Node does', async () => {
    const dir = tree('nearest', {
      'package.json': '{ "type": "module" }',
      'src/model.js': SCRIPT,
      'legacy/package.json': '{ "name": "legacy" }',
      'legacy/model.js': SCRIPT,
      'cjs/package.json': '{ "type": "commonjs" }',
      'cjs/deep/er/model.js': SCRIPT,
    });
    expect(await packageTypeOf(join(dir, 'src/model.js'))).toBe('module');
    // The nearest package.json decides, even without a type (Node then reads .js as CommonJS).
    expect(await packageTypeOf(join(dir, 'legacy/model.js'))).toBeUndefined();
    expect(await packageTypeOf(join(dir, 'cjs/deep/er/model.js'))).toBe('commonjs');
  });

  it('takes a package.json that is not JSON, or a type Node does not know, as no type', async () => {
    const dir = tree('odd', { 'a/package.json': '{ not json', 'a/m.js': SCRIPT, 'b/package.json': '{ "type": "esm" }', 'b/m.js': SCRIPT });
    expect(await packageTypeOf(join(dir, 'a/m.js'))).toBeUndefined();
    expect(await packageTypeOf(join(dir, 'b/m.js'))).toBeUndefined();
  });
});

describe('annotateFile writes a script in the module system of its package', () => {
  it('an ES module in a package of type module, CommonJS in one of type commonjs', async () => {
    const dir = tree('scripts', {
      'esm/package.json': '{ "type": "module" }',
      'esm/m.js': SCRIPT,
      'cjs/package.json': '{ "type": "commonjs" }',
      'cjs/m.js': SCRIPT,
    });
    const esm = await annotateFile(join(dir, 'esm/m.js'));
    expect(esm.code).toMatch(/^import \{ candidateValues, oneOf \} from 'pliant';$/m);
    const cjs = await annotateFile(join(dir, 'cjs/m.js'));
    expect(cjs.code).toMatch(/^const \{ candidateValues, oneOf \} = require\('pliant'\);$/m);
    // An explicit packageType wins over the package.json.
    const told = await annotateFile(join(dir, 'cjs/m.js'), { packageType: 'module' });
    expect(told.code).toBe(esm.code);
  });
});
