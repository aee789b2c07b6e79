/**
 * The generated module's header and block (src/codemod/module-block.ts): the language follows the
 * file's extension, the module system follows its source, and every JavaScript module it writes
 * passes `node --check` as a real file with the right extension.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { annotateSource, splice } from '../../../src/codemod/annotate.js';
import type { LiteralValue } from '../../../src/codemod/annotation-rules.js';
import type { HyperSpec } from '../../../src/codemod/hyper-spec.js';
import { COMMONJS_MARK, languageOf, moduleBlock, moduleSystemOf } from '../../../src/codemod/module-block.js';
import type { ModuleBlock, ModuleBlockInput } from '../../../src/codemod/module-block.js';
import type { Site } from '../../../src/codemod/site.js';

const dir = mkdtempSync(join(tmpdir(), 'pliant-module-block-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `node --check` on `code` written to a real file named `name` (in a folder of its own when `type` is given, with that package type). */
function nodeCheck(name: string, code: string, type?: 'module' | 'commonjs'): { ok: boolean; stderr: string } {
  const folder = mkdtempSync(join(dir, 'check-'));
  if (type !== undefined) writeFileSync(join(folder, 'package.json'), JSON.stringify({ type }));
  const file = join(folder, name);
  writeFileSync(file, code);
  const r = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' });
  return { ok: r.status === 0, stderr: r.stderr };
}

/** A decision at the `occurrence`-th `literal` of `text` (a value site, as find-sites makes them). */
function site(text: string, literal: string, key: string, spec: HyperSpec, occurrence = 1): Site {
  let start = -1;
  for (let i = 0; i < occurrence; i++) start = text.indexOf(literal, start + 1);
  if (start < 0) throw new Error(`no ${literal} in the text`);
  const before = text.slice(0, start).split('\n');
  const original: LiteralValue = /^['"`]/.test(literal)
    ? literal.slice(1, -1)
    : literal === 'true' || literal === 'false'
      ? literal === 'true'
      : Number(literal);
  const quote = (/^['"`]/.test(literal) ? literal[0] : "'") as Site['quote'];
  return {
    kind: 'value',
    path: key.split('.'),
    key,
    start,
    end: start + literal.length,
    text: literal,
    original,
    quote,
    line: before.length,
    column: (before[before.length - 1] as string).length + 1,
    spec,
    rule: 'test',
    label: `${key.split('.').at(-1) as string}: ${literal}`,
  };
}

/** The module for `text`: the block's edits and each site read from `$`. */
function generate(input: Omit<ModuleBlockInput, 'eol' | 'indent' | 'taken' | 'importFrom'> & Partial<ModuleBlockInput>): { code: string; block: ModuleBlock } {
  const eol = input.eol ?? (input.text.includes('\r\n') ? '\r\n' : '\n');
  const taken = input.taken ?? new Set(input.text.match(/[A-Za-z_$][\w$]*/g) ?? []);
  const block = moduleBlock({ eol, indent: '  ', importFrom: 'pliant', ...input, taken });
  const edits = [...input.sites.map((s) => ({ start: s.start, end: s.end, text: `${block.ref}.${s.key}` })), ...block.edits];
  return { code: splice(input.text, edits), block };
}

const units: HyperSpec = { kind: 'oneOf', candidates: [16, 32, 64] };
const rate: HyperSpec = { kind: 'floatv', min: 0, max: 0.5 };

const CJS = [
  "'use strict';",
  '// the model',
  "const tf = require('@tensorflow/tfjs');",
  "const { join } = require('node:path');",
  "require('@tensorflow/tfjs-node');",
  '',
  'function createModel() {',
  '  return tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 32 }), tf.layers.dropout({ rate: 0.25 })] });',
  '}',
  'module.exports = { createModel, join };',
  '',
].join('\n');
const cjsSites = (text: string): Site[] => [site(text, '32', 'createModel.dense_1.units', units), site(text, '0.25', 'createModel.dropout_1.rate', rate)];

const ESM = [
  "import * as tf from '@tensorflow/tfjs';",
  '',
  'export function createModel() {',
  '  return tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 32 }), tf.layers.dropout({ rate: 0.25 })] });',
  '}',
  '',
].join('\n');

describe('languageOf and moduleSystemOf', () => {
  it('takes the language from the extension', () => {
    for (const name of ['m.ts', 'm.mts', 'm.cts', 'm.tsx', 'dir.js/m.ts', 'model']) expect(languageOf(name), name).toBe('typescript');
    for (const name of ['m.js', 'm.mjs', 'm.cjs', 'm.jsx', 'M.JS']) expect(languageOf(name), name).toBe('javascript');
  });

  it.each([
    ['import declarations', "import * as tf from '@tensorflow/tfjs';\nconst x = require('y');\n", 'm.js', 'esm'],
    ['an export only', 'export const a = 1;\n', 'm.js', 'esm'],
    ['export default', 'export default 1;\n', 'm.js', 'esm'],
    ['import.meta', 'const here = import.meta.url;\n', 'm.js', 'esm'],
    ['require', "const tf = require('@tensorflow/tfjs');\n", 'm.js', 'commonjs'],
    ['a require deep inside', "function f() { return require('x'); }\n", 'm.js', 'commonjs'],
    ['module.exports', 'module.exports = { a: 1 };\n', 'm.js', 'commonjs'],
    ['exports.name =', 'exports.a = 1;\n', 'm.js', 'commonjs'],
    ["TypeScript's import = require", "import tf = require('@tensorflow/tfjs');\n", 'm.ts', 'commonjs'],
    ["TypeScript's export =", 'const a = 1;\nexport = a;\n', 'm.ts', 'commonjs'],
    ['neither (a global tf), .js: as Node reads it', 'const model = tf.sequential();\n', 'm.js', 'commonjs'],
    ['neither (a global tf), .ts', 'const model = tf.sequential();\n', 'm.ts', 'esm'],
    ['a dynamic import only', "const tf = await import('@tensorflow/tfjs');\n", 'm.js', 'esm'],
    ['an .mjs name, whatever it holds', "const tf = require('@tensorflow/tfjs');\n", 'm.mjs', 'esm'],
    ['an .mts name, whatever it holds', "const tf = require('@tensorflow/tfjs');\n", 'm.mts', 'esm'],
    ['a .cjs name, whatever it holds', 'export const a = 1;\n', 'm.cjs', 'commonjs'],
    ['a .cts name, whatever it holds', "import * as tf from '@tensorflow/tfjs';\n", 'm.cts', 'commonjs'],
    ['a require in a comment or string only (a script)', '// require(\'x\')\nconst s = "module.exports";\n', 'm.js', 'commonjs'],
    ['a require in a comment or string only, .ts', '// require(\'x\')\nconst s = "module.exports";\n', 'm.ts', 'esm'],
  ])('%s', (_what, text, name, system) => {
    expect(moduleSystemOf(text, name)).toBe(system);
  });

  it('reads a .js script as its package type says, and nothing else', () => {
    const script = 'const model = tf.sequential();\n';
    expect(moduleSystemOf(script, 'm.js', 'module')).toBe('esm');
    expect(moduleSystemOf(script, 'm.js', 'commonjs')).toBe('commonjs');
    expect(moduleSystemOf(script, 'm.cjs', 'module')).toBe('commonjs');
    // A file that says what it is keeps it, whatever the package says.
    expect(moduleSystemOf("const tf = require('@tensorflow/tfjs');\n", 'm.js', 'module')).toBe('commonjs');
    expect(moduleSystemOf("import * as tf from '@tensorflow/tfjs';\n", 'm.js', 'commonjs')).toBe('esm');
  });
});

describe('moduleBlock: TypeScript ES module (as before)', () => {
  it('imports Concrete as a type, annotates originalValues, and reads import.meta.url', () => {
    const sites = [site(ESM, '32', 'createModel.dense_1.units', units), site(ESM, '0.25', 'createModel.dropout_1.rate', rate)];
    const { code, block } = generate({ sites, text: ESM, fileName: 'model.ts' });
    expect([block.language, block.moduleSystem, block.ref]).toEqual(['typescript', 'esm', '$']);
    expect(code).toBe(
      [
        "import * as tf from '@tensorflow/tfjs';",
        "import { type Concrete, candidateValues, floatv, oneOf } from 'pliant';",
        '',
        '// pliant:search-space: made by `pliant annotate model.ts`. One decision per tunable literal (its line',
        '// in model.ts on the right); the original value is always a candidate. Edit the candidates freely:',
        '// `pliant apply` writes a chosen value back into the original file.',
        'export const searchSpace = {',
        '  createModel: {',
        '    dense_1: {',
        '      units: oneOf([16, 32, 64]), // line 4: units: 32',
        '    },',
        '    dropout_1: {',
        '      rate: floatv(0, 0.5), // line 4: rate: 0.25',
        '    },',
        '  },',
        '};',
        '',
        "/** The values of model.ts as written: `encode(searchSpace, originalValues)` is the original program's DNA. */",
        'export const originalValues: Concrete<typeof searchSpace> = {',
        '  createModel: {',
        '    dense_1: {',
        '      units: 32,',
        '    },',
        '    dropout_1: {',
        '      rate: 0.25,',
        '    },',
        '  },',
        '};',
        '',
        "/** The values this module runs with: `originalValues`, or a candidate's when loaded by `annotatedModule(url).load(candidate)`. */",
        'const $ = candidateValues(import.meta.url, searchSpace, originalValues);',
        '// pliant:end',
        '',
        'export function createModel() {',
        '  return tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: $.createModel.dense_1.units }), tf.layers.dropout({ rate: $.createModel.dropout_1.rate })] });',
        '}',
        '',
      ].join('\n'),
    );
  });
});

describe('moduleBlock: JavaScript ES module', () => {
  for (const name of ['model.js', 'model.mjs', 'model.jsx']) {
    it(`${name}: no TypeScript, the type of originalValues as JSDoc`, () => {
      const sites = [site(ESM, '32', 'createModel.dense_1.units', units)];
      const { code, block } = generate({ sites, text: ESM, fileName: name });
      expect([block.language, block.moduleSystem]).toEqual(['javascript', 'esm']);
      expect(code).toContain("import * as tf from '@tensorflow/tfjs';\nimport { candidateValues, oneOf } from 'pliant';\n\n// pliant:search-space: made by");
      expect(code).toContain(
        [
          '/**',
          ` * The values of ${name} as written: \`encode(searchSpace, originalValues)\` is the original program's DNA.`,
          " * @type {import('pliant').Concrete<typeof searchSpace>}",
          ' */',
          'export const originalValues = {',
        ].join('\n'),
      );
      expect(code).toContain('const $ = candidateValues(import.meta.url, searchSpace, originalValues);\n// pliant:end\n');
      expect(code).not.toMatch(/\btype Concrete\b|: Concrete</);
      if (name !== 'model.jsx') {
        const check = nodeCheck(name, code, 'module');
        expect(check.ok, check.stderr).toBe(true);
      }
    });
  }

  it('a .js script with a global tf (no import, no require) becomes CommonJS, as Node reads it: the require before its first statement', () => {
    const text =
      '// Tiny example: tf is a global.\nasync function run() {\n  const model = tf.sequential();\n  model.add(tf.layers.dense({ units: 8, inputShape: [1] }));\n}\nrun();\n';
    const { code, block } = generate({ sites: [site(text, '8', 'run.dense_1.units', units)], text, fileName: 'index.js' });
    expect(block.moduleSystem).toBe('commonjs');
    expect(
      code.startsWith("// Tiny example: tf is a global.\nconst { candidateValues, oneOf } = require('pliant');\n\n// pliant:search-space commonjs: made by"),
    ).toBe(true);
    expect(code).toContain('// pliant:end\n\nasync function run() {');
    expect(code).toContain('module.exports.searchSpace = searchSpace;');
    expect(nodeCheck('index.js', code, 'commonjs').ok).toBe(true);
  });

  it('honours importFrom in the import and in the JSDoc type', () => {
    const sites = [site(ESM, '32', 'createModel.dense_1.units', units)];
    const { code } = generate({ sites, text: ESM, fileName: 'model.mjs', importFrom: '../dist/index.js' });
    expect(code).toContain("import { candidateValues, oneOf } from '../dist/index.js';");
    expect(code).toContain(" * @type {import('../dist/index.js').Concrete<typeof searchSpace>}");
  });
});

describe('moduleBlock: CommonJS', () => {
  it('requires pliant after the directives and requires, declares plain consts, and exports at the end', () => {
    const { code, block } = generate({ sites: cjsSites(CJS), text: CJS, fileName: 'model.js' });
    expect([block.language, block.moduleSystem, block.ref]).toEqual(['javascript', 'commonjs', '$']);
    expect(code).toBe(
      [
        "'use strict';",
        '// the model',
        "const tf = require('@tensorflow/tfjs');",
        "const { join } = require('node:path');",
        "require('@tensorflow/tfjs-node');",
        "const { candidateValues, floatv, oneOf } = require('pliant');",
        '',
        `// pliant:search-space ${COMMONJS_MARK}: made by \`pliant annotate model.js\`. One decision per tunable literal (its line`,
        '// in model.js on the right); the original value is always a candidate. Edit the candidates freely:',
        '// `pliant apply` writes a chosen value back into the original file.',
        'const searchSpace = {',
        '  createModel: {',
        '    dense_1: {',
        '      units: oneOf([16, 32, 64]), // line 8: units: 32',
        '    },',
        '    dropout_1: {',
        '      rate: floatv(0, 0.5), // line 8: rate: 0.25',
        '    },',
        '  },',
        '};',
        '',
        '/**',
        " * The values of model.js as written: `encode(searchSpace, originalValues)` is the original program's DNA.",
        " * @type {import('pliant').Concrete<typeof searchSpace>}",
        ' */',
        'const originalValues = {',
        '  createModel: {',
        '    dense_1: {',
        '      units: 32,',
        '    },',
        '    dropout_1: {',
        '      rate: 0.25,',
        '    },',
        '  },',
        '};',
        '',
        "/** The values this module runs with: `originalValues`, or a candidate's when loaded by `annotatedModule(url).load(candidate)`. */",
        "const $ = candidateValues(require('node:url').pathToFileURL(__filename).href, searchSpace, originalValues);",
        '// pliant:end',
        '',
        'function createModel() {',
        '  return tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: $.createModel.dense_1.units }), tf.layers.dropout({ rate: $.createModel.dropout_1.rate })] });',
        '}',
        'module.exports = { createModel, join };',
        '',
        '// pliant:exports: added last, so that a `module.exports = ...` above does not drop them.',
        'module.exports.searchSpace = searchSpace;',
        'module.exports.originalValues = originalValues;',
        '',
      ].join('\n'),
    );
    for (const [name, type] of [
      ['model.cjs', undefined],
      ['model.js', 'commonjs'],
    ] as const) {
      const check = nodeCheck(name, code, type);
      expect(check.ok, check.stderr).toBe(true);
    }
    // The check can fail: an import declaration is no CommonJS.
    expect(nodeCheck('model.cjs', `${code}\nimport * as tf2 from '@tensorflow/tfjs';\n`).ok).toBe(false);
  });

  it('keeps a leading use strict a directive even without requires', () => {
    const text = "'use strict';\nconst model = tf.sequential();\nmodel.add(tf.layers.dense({ units: 32 }));\nmodule.exports = model;\n";
    const { code } = generate({ sites: [site(text, '32', 'dense_1.units', units)], text, fileName: 'model.cjs' });
    expect(code.startsWith("'use strict';\nconst { candidateValues, oneOf } = require('pliant');\n\n// pliant:search-space commonjs:")).toBe(true);
    expect(nodeCheck('model.cjs', code).ok).toBe(true);
  });

  it('puts the block before the first statement when the file does not start with requires', () => {
    const text = '/** A model. */\nfunction make(tf) {\n  return tf.layers.dense({ units: 32 });\n}\nexports.make = make;\n';
    const { code } = generate({ sites: [site(text, '32', 'make.dense_1.units', units)], text, fileName: 'model.js' });
    expect(code.startsWith("/** A model. */\nconst { candidateValues, oneOf } = require('pliant');\n\n")).toBe(true);
    expect(code).toContain('// pliant:end\n\nfunction make(tf) {');
    expect(nodeCheck('model.cjs', code).ok).toBe(true);
  });

  it('stops the leading run at a statement that holds a decision', () => {
    const text = "const tf = require('@tensorflow/tfjs');\nconst layer = require('./layer')(32);\nconst other = require('./other');\nmodule.exports = layer;\n";
    const { code } = generate({ sites: [site(text, '32', 'layer', units)], text, fileName: 'model.js' });
    const blockAt = code.indexOf('// pliant:search-space');
    expect(code.indexOf("const tf = require('@tensorflow/tfjs');")).toBeLessThan(blockAt);
    expect(code.indexOf("const layer = require('./layer')($.layer);")).toBeGreaterThan(code.indexOf('// pliant:end'));
    expect(nodeCheck('model.cjs', code).ok).toBe(true);
  });

  it('appends the exports after a file without a final line end, and to a file that replaces module.exports', () => {
    const text = "const tf = require('@tensorflow/tfjs');\nmodule.exports = { make: () => tf.layers.dense({ units: 32 }) };";
    const { code } = generate({ sites: [site(text, '32', 'make.dense_1.units', units)], text, fileName: 'model.cjs' });
    expect(
      code.endsWith(
        '};\n\n// pliant:exports: added last, so that a `module.exports = ...` above does not drop them.\nmodule.exports.searchSpace = searchSpace;\nmodule.exports.originalValues = originalValues;\n',
      ),
    ).toBe(true);
    expect(nodeCheck('model.cjs', code).ok).toBe(true);
  });

  it('renames around the names the file uses; the exports keep their names', () => {
    const text = [
      "const tf = require('@tensorflow/tfjs');",
      'const $ = 1, oneOf = 2, candidateValues = 3, searchSpace = 4, originalValues = 5;',
      'module.exports = () => tf.layers.dense({ units: 32 + $ + oneOf + candidateValues + searchSpace + originalValues });',
      '',
    ].join('\n');
    const { code, block } = generate({ sites: [site(text, '32', 'dense_1.units', units)], text, fileName: 'clash.cjs' });
    expect(block.ref).toBe('$_');
    expect(code).toContain("const { candidateValues: candidateValues_, oneOf: oneOf_ } = require('pliant');");
    expect(code).toContain('const searchSpace_ = {\n  dense_1: {\n    units: oneOf_([16, 32, 64]),');
    expect(code).toContain(" * @type {import('pliant').Concrete<typeof searchSpace_>}\n */\nconst originalValues_ = {");
    expect(code).toContain("const $_ = candidateValues_(require('node:url').pathToFileURL(__filename).href, searchSpace_, originalValues_);");
    expect(code).toContain('module.exports.searchSpace = searchSpace_;\nmodule.exports.originalValues = originalValues_;\n');
    expect(nodeCheck('clash.cjs', code).ok).toBe(true);
  });

  it('writes a CRLF file with CRLF line ends only', () => {
    const crlf = CJS.replace(/\n/g, '\r\n');
    const { code } = generate({ sites: cjsSites(crlf), text: crlf, fileName: 'model.cjs' });
    expect(code).not.toMatch(/[^\r]\n/);
    expect(code.replace(/\r\n/g, '\n')).toBe(generate({ sites: cjsSites(CJS), text: CJS, fileName: 'model.cjs' }).code);
    expect(nodeCheck('model.cjs', code).ok).toBe(true);
  });

  it('in TypeScript (.cts, or a .ts source with requires), types the require and originalValues without an import declaration', () => {
    for (const name of ['model.cts', 'model.ts']) {
      const { code, block } = generate({ sites: cjsSites(CJS), text: CJS, fileName: name });
      expect([block.language, block.moduleSystem]).toEqual(['typescript', 'commonjs']);
      expect(code).toContain("const { candidateValues, floatv, oneOf }: typeof import('pliant') = require('pliant');");
      expect(code).toContain(
        `/** The values of ${name} as written: \`encode(searchSpace, originalValues)\` is the original program's DNA. */\nconst originalValues: import('pliant').Concrete<typeof searchSpace> = {`,
      );
      expect(code).not.toMatch(/^import /m);
      expect(code).toContain("const $ = candidateValues(require('node:url').pathToFileURL(__filename).href, searchSpace, originalValues);");
    }
  });
});

describe('annotateSource writes the language of the file name', () => {
  const marked = (head: string, tail: string): string => `${head}/* @search oneOf(1, 2, 3) */\nconst DEPTH = 2;\n${tail}`;

  it.each([
    ['model.js', "const tf = require('@tensorflow/tfjs');\n", 'module.exports = { DEPTH };\n', 'commonjs', 'commonjs'],
    ['model.cjs', "'use strict';\nconst tf = require('@tensorflow/tfjs');\n", 'exports.DEPTH = DEPTH;\n', undefined, 'commonjs'],
    ['model.js', "import * as tf from '@tensorflow/tfjs';\n", 'export { DEPTH };\n', 'module', 'esm'],
    ['model.mjs', "import * as tf from '@tensorflow/tfjs';\n", 'export { DEPTH };\n', undefined, 'esm'],
    ['model.js', '// tf is a global\n', 'console.log(DEPTH);\n', 'commonjs', 'commonjs'],
  ] as const)('%s (%s...): valid JavaScript of its module system', (name, head, tail, type, system) => {
    const text = marked(head, tail);
    const r = annotateSource(text, { fileName: name });
    expect(r.decisions.map((d) => d.key)).toEqual(['DEPTH']);
    expect(r.code).not.toMatch(/\btype Concrete\b|: Concrete</);
    expect(r.code.includes(`// pliant:search-space ${COMMONJS_MARK}:`)).toBe(system === 'commonjs');
    expect(r.code.includes("= require('pliant');")).toBe(system === 'commonjs');
    expect(r.code.includes("from 'pliant';")).toBe(system === 'esm');
    const check = nodeCheck(name, r.code, type);
    expect(check.ok, check.stderr).toBe(true);
    // Annotated already: nothing to do.
    const again = annotateSource(r.code, { fileName: name });
    expect([again.alreadyAnnotated, again.code === r.code]).toEqual([true, true]);
  });
});
