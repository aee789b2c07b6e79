/**
 * The codemod on JavaScript, end to end, with the built package: every `.js` file of the
 * tfjs-examples corpus annotates into JavaScript that `node --check` accepts in its own module
 * system; and small models in each language and module system (ES modules, CommonJS as `.js`,
 * `.cjs`, `.cts`, a script with a global `tf`) annotate into modules that type-check and that
 * `annotatedModule` loads per candidate in a plain Node process, building a different real
 * TensorFlow.js model for each candidate.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { annotateSource } from '../../dist/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const corpus = join(root, '..', 'shared', 'corpus', 'tfjs-examples');
const tsx = join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs');

let work: string;
beforeAll(() => {
  // Under the repository (for @tensorflow/tfjs), with pliant installed as a user has it: node_modules/pliant.
  work = mkdtempSync(join(root, '.tmp-codemod-js-'));
  mkdirSync(join(work, 'node_modules'));
  symlinkSync(root, join(work, 'node_modules', 'pliant'), 'dir');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Writes `files` (relative names) under a fresh folder of `work`; returns the folder. */
function folder(name: string, files: Record<string, string>): string {
  const at = join(work, name);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(at, file)), { recursive: true });
    writeFileSync(join(at, file), text);
  }
  return at;
}

function nodeCheck(file: string): { ok: boolean; stderr: string } {
  const r = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' });
  return { ok: r.status === 0, stderr: r.stderr };
}

/**
 * The module system a source is written in, judged plainly (not by the code under test): a script
 * with neither `import` nor `require` is what Node reads a `.js` file of a package without a type as.
 */
function systemOfSource(text: string): 'esm' | 'commonjs' {
  if (/^\s*(import\s*[\w*{'"]|export\s)/m.test(text)) return 'esm';
  return 'commonjs';
}

describe('the tfjs-examples corpus: every .js file annotates into JavaScript of its own module system', () => {
  const files = existsSync(corpus)
    ? readdirSync(corpus, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .flatMap((d) =>
          readdirSync(join(corpus, d.name))
            .filter((f) => f.endsWith('.js'))
            .map((f) => join(d.name, f)),
        )
        .sort()
    : [];

  it('has the corpus', () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
  });

  const results = new Map<string, { system: 'esm' | 'commonjs'; changed: boolean; decisions: number }>();
  for (const file of files) {
    it(file, () => {
      const text = readFileSync(join(corpus, file), 'utf8');
      const system = systemOfSource(text);
      const r = annotateSource(text, { fileName: basename(file) });
      results.set(file, { system, changed: r.changed, decisions: new Set(r.decisions.map((d) => d.key)).size });
      // In a folder whose package type is the source's module system, as the example's own package would be.
      const at = folder(`corpus/${file.replace(/[/.]/g, '_')}`, {
        'package.json': JSON.stringify({ type: system === 'esm' ? 'module' : 'commonjs' }),
        [basename(file)]: r.code,
      });
      const check = nodeCheck(join(at, basename(file)));
      expect(check.ok, check.stderr).toBe(true);
      expect(r.code).not.toMatch(/import \{ type Concrete|: Concrete</);
      if (!r.changed) return;
      expect(r.code.includes('// pliant:search-space commonjs:'), 'the block says commonjs exactly for a CommonJS source').toBe(system === 'commonjs');
      expect(r.code).toContain(" * @type {import('pliant').Concrete<typeof searchSpace>}");
      if (system === 'commonjs') {
        expect(r.code).toMatch(/^const \{ candidateValues(, \w+)* \} = require\('pliant'\);$/m);
        expect(r.code).toContain("const $ = candidateValues(require('node:url').pathToFileURL(__filename).href, searchSpace, originalValues);");
        expect(r.code.endsWith('module.exports.searchSpace = searchSpace;\nmodule.exports.originalValues = originalValues;\n')).toBe(true);
      } else {
        expect(r.code).toMatch(/^import \{ candidateValues(, \w+)* \} from 'pliant';$/m);
        expect(r.code).toContain('export const searchSpace = {');
      }
      const again = annotateSource(r.code, { fileName: basename(file) });
      expect([again.alreadyAnnotated || !r.changed, again.code === r.code]).toEqual([true, true]);
    });
  }

  it('annotates the ES modules that import TensorFlow.js', () => {
    const esm = [...results].filter(([file, r]) => r.system === 'esm' && /from '@tensorflow\/tfjs(-node)?'/.test(readFileSync(join(corpus, file), 'utf8')));
    expect(esm.length).toBeGreaterThan(15);
    expect(esm.filter(([, r]) => r.changed).length, JSON.stringify(esm)).toBeGreaterThan(esm.length / 2);
  });

  it('annotates the CommonJS files that require TensorFlow.js', () => {
    const cjs = [...results].filter(
      ([file, r]) => r.system === 'commonjs' && /require\('@tensorflow\/tfjs(-node(-gpu)?)?'\)/.test(readFileSync(join(corpus, file), 'utf8')),
    );
    expect(cjs.length).toBeGreaterThanOrEqual(8);
    expect(cjs.filter(([, r]) => r.changed).length, JSON.stringify(cjs)).toBeGreaterThan(cjs.length / 2);
  });
});

/** The body of the small model: two hand-marked constants, a real tfjs model built from them. */
const BODY = [
  '/* @search oneOf(16, 32, 64) */',
  'const WIDTH = 32;',
  "/* @search oneOf('relu', 'tanh') */",
  "const ACTIVATION = 'relu';",
  '',
  'function createModel() {',
  '  const model = tf.sequential();',
  '  model.add(tf.layers.dense({ inputShape: [4], units: WIDTH, activation: ACTIVATION }));',
  "  model.add(tf.layers.dense({ units: 3, activation: 'softmax' }));",
  '  return model;',
  '}',
  '',
].join('\n');

const SOURCES = {
  'ES module (.js, package type module)': {
    dir: 'esm-js',
    file: 'model.js',
    type: 'module',
    text: `import * as tf from '@tensorflow/tfjs';\n\n${BODY}export { createModel, WIDTH };\n`,
  },
  'ES module (.mjs)': {
    dir: 'esm-mjs',
    file: 'model.mjs',
    type: undefined,
    text: `import * as tf from '@tensorflow/tfjs';\n\n${BODY}export { createModel, WIDTH };\n`,
  },
  'CommonJS (.js, package type commonjs)': {
    dir: 'cjs-js',
    file: 'model.js',
    type: 'commonjs',
    text: `'use strict';\n\nconst tf = require('@tensorflow/tfjs');\n\n${BODY}module.exports = { createModel, WIDTH };\n`,
  },
  'CommonJS (.cjs, destructured require, exports.name)': {
    dir: 'cjs-cjs',
    file: 'model.cjs',
    type: undefined,
    text: `const { sequential, layers } = require('@tensorflow/tfjs');\nconst tf = { sequential, layers };\n\n${BODY}exports.createModel = createModel;\nexports.WIDTH = WIDTH;\n`,
  },
  'a script with a global tf (.js, package type module)': {
    dir: 'global-js',
    file: 'model.js',
    type: 'module',
    text: `// tf is a global here, as in a page that loads tfjs with a script tag.\n${BODY}globalThis.built.push(createModel());\n`,
  },
  'a script with a global tf (.js, a package without a type)': {
    dir: 'global-untyped-js',
    file: 'model.js',
    type: undefined,
    text: `// tf is a global here, as in a page that loads tfjs with a script tag.\n${BODY}globalThis.built.push(createModel());\n`,
  },
} as const;

interface Report {
  readonly system: string;
  readonly original: Record<string, unknown>;
  readonly plain: [number, string];
  readonly loaded: [number, string][];
  readonly dna: [number, string];
  readonly same: boolean;
  readonly plainAfter: boolean | null;
  readonly searched: number[];
}

/** Loads an annotated module with the built pliant in a plain Node process (`node driver.mjs <module> [global]`). */
const DRIVER = `
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { annotatedModule, encode, search } from 'pliant';
const [file, global] = process.argv.slice(2);
if (global) { globalThis.tf = tf; globalThis.built = []; }
const m = await annotatedModule(file);
const config = (mod) => {
  const model = global ? globalThis.built.at(-1) : mod.createModel();
  const c = model.layers[0].getConfig();
  return [c.units, c.activation];
};
const plain = config(m.module);
const candidates = [{ ...m.original, WIDTH: 16, ACTIVATION: 'tanh' }, { ...m.original, WIDTH: 64 }, { ...m.original, WIDTH: 16, ACTIVATION: 'tanh' }];
const loaded = [];
for (const c of candidates) loaded.push(await m.load(c));
const configs = global ? globalThis.built.slice(1).map((model) => [model.layers[0].getConfig().units, model.layers[0].getConfig().activation]) : loaded.map(config);
// Concurrent loads (serialised inside) each get their own values.
const together = await Promise.all(candidates.map((c) => m.load(c)));
const dna = config(await m.load(encode(m.space, candidates[1])));
const plainAfter = m.moduleSystem === 'commonjs' ? createRequire(import.meta.url)(createRequire(import.meta.url).resolve(file)) === m.module : null;
const result = await search(m.space, async (c) => { const mod = await m.load(c); return config(mod)[0]; }, { numTrials: 4, seed: 3 });
console.log('REPORT ' + JSON.stringify({
  system: m.moduleSystem, original: m.original, plain, loaded: configs, dna,
  same: loaded[0] === loaded[2], together: global ? null : together.map(config), plainAfter,
  searched: result.completed.map((t) => t.candidate.WIDTH),
}));
`;

function drive(module: string, options: { global?: boolean; tsx?: boolean } = {}): Report & { together: [number, string][] | null } {
  writeFileSync(join(work, 'driver.mjs'), DRIVER);
  const args = [...(options.tsx === true ? ['--import', tsx] : []), join(work, 'driver.mjs'), module, ...(options.global === true ? ['global'] : [])];
  const r = spawnSync(process.execPath, args, { cwd: work, encoding: 'utf8' });
  const line = r.stdout.split('\n').find((l) => l.startsWith('REPORT '));
  if (line === undefined) throw new Error(`the driver failed (${String(r.status)}):\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(line.slice('REPORT '.length)) as Report & { together: [number, string][] | null };
}

/** Type errors of files, TypeScript and JavaScript (JSDoc) alike, as a user's strict NodeNext project sees them. */
function typeErrors(files: readonly string[]): string[] {
  const program = ts.createProgram([...files], {
    strict: true,
    noEmit: true,
    allowJs: true,
    checkJs: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: ['node'],
    skipLibCheck: true,
  });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file === undefined || files.includes(d.file.fileName))
    .map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe.each(Object.entries(SOURCES))('a model as %s', (_what, source) => {
  const annotated = annotateSource(source.text, { fileName: source.file, ...(source.type === undefined ? {} : { packageType: source.type }) });
  // A script is read as its package says: CommonJS unless the package type is module.
  const commonjs = source.dir.startsWith('cjs') || source.dir === 'global-untyped-js';
  const global = source.dir.startsWith('global');
  const spaceFile = source.file.replace(/\.(c|m)?js$/, '.space.$1js');
  let at: string;
  beforeAll(() => {
    at = folder(source.dir, {
      // A package.json of its own, so the repository's (type module) does not decide for it.
      'package.json': JSON.stringify(source.type === undefined ? {} : { type: source.type }),
      [source.file]: source.text,
      [spaceFile]: annotated.code,
    });
  });

  it('annotates into JavaScript of its module system that node --check accepts, and whose JSDoc types check', () => {
    expect(annotated.decisions.map((d) => d.key)).toEqual(expect.arrayContaining(['WIDTH', 'ACTIVATION']));
    expect(annotated.code.includes('// pliant:search-space commonjs:')).toBe(commonjs);
    expect(annotated.code).not.toMatch(/import \{ type Concrete|: Concrete</);
    const check = nodeCheck(join(at, spaceFile));
    expect(check.ok, check.stderr).toBe(true);
    if (!global) expect(typeErrors([join(at, spaceFile)])).toEqual([]);
    // The JSDoc type is checked: a value outside the space is a type error.
    const wrong = join(at, `wrong.${spaceFile}`);
    writeFileSync(wrong, annotated.code.replace(/(const originalValues = \{\n(?:.*\n)*?\s*WIDTH: )32,/, '$1"wide",'));
    expect(readFileSync(wrong, 'utf8')).toContain('WIDTH: "wide",');
    expect(typeErrors([wrong]).join('\n')).toMatch(
      /Type '"wide"' is not assignable to type '16 \| 32 \| 64'|Type 'string' is not assignable to type '16 \| 32 \| 64'/,
    );
  });

  it('loads per candidate with the built pliant in a plain Node process, building a different model for each', () => {
    const report = drive(join(at, spaceFile), { global });
    expect(report.system).toBe(commonjs ? 'commonjs' : 'esm');
    expect(report.original).toMatchObject({ WIDTH: 32, ACTIVATION: 'relu' });
    expect(report.plain).toEqual([32, 'relu']);
    // A script exports nothing but the space: the models it builds as it runs, one per evaluation (an ES module is evaluated once per distinct candidate, CommonJS on every load).
    expect(report.loaded).toEqual(
      global && !commonjs
        ? [
            [16, 'tanh'],
            [64, 'relu'],
          ]
        : [
            [16, 'tanh'],
            [64, 'relu'],
            [16, 'tanh'],
          ],
    );
    expect(report.dna).toEqual([64, 'relu']);
    if (report.together !== null)
      expect(report.together).toEqual([
        [16, 'tanh'],
        [64, 'relu'],
        [16, 'tanh'],
      ]);
    // An ES module instance is kept per candidate; a CommonJS module is required afresh, and its plain entry stays cached.
    expect(report.same).toBe(!commonjs);
    expect(report.plainAfter).toBe(commonjs ? true : null);
    expect(report.searched).toHaveLength(4);
    for (const w of report.searched) expect([16, 32, 64]).toContain(w);
  });
});

describe('CommonJS, more', () => {
  it('loads through a symbolic link to its folder (require sees the real path)', () => {
    const source = SOURCES['CommonJS (.js, package type commonjs)'];
    const code = annotateSource(source.text, { fileName: source.file }).code;
    const at = folder('cjs-linked-real', { 'package.json': JSON.stringify({ type: 'commonjs' }), 'model.space.js': code });
    symlinkSync(at, join(work, 'cjs-linked'), 'dir');
    const report = drive(join(work, 'cjs-linked', 'model.space.js'));
    expect(report.loaded).toEqual([
      [16, 'tanh'],
      [64, 'relu'],
      [16, 'tanh'],
    ]);
  });

  it('TypeScript CommonJS (.cts): typed require and originalValues, type-checks, and loads under tsx', () => {
    const text = `const tf = require('@tensorflow/tfjs');\n\n${BODY}module.exports = { createModel, WIDTH };\n`;
    const r = annotateSource(text, { fileName: 'model.cts' });
    expect(r.code).toMatch(/^const \{ candidateValues, oneOf \}: typeof import\('pliant'\) = require\('pliant'\);$/m);
    expect(r.code).toContain("const originalValues: import('pliant').Concrete<typeof searchSpace> = {");
    const at = folder('cts', { 'model.space.cts': r.code });
    expect(typeErrors([join(at, 'model.space.cts')])).toEqual([]);
    const report = drive(join(at, 'model.space.cts'), { tsx: true });
    expect([report.system, report.plain, report.loaded]).toEqual([
      'commonjs',
      [32, 'relu'],
      [
        [16, 'tanh'],
        [64, 'relu'],
        [16, 'tanh'],
      ],
    ]);
  });

  it('a CommonJS module written where Node takes .js as an ES module fails to load with Node’s reason', () => {
    const source = SOURCES['CommonJS (.js, package type commonjs)'];
    const code = annotateSource(source.text, { fileName: source.file }).code;
    const at = folder('cjs-in-esm-package', { 'package.json': JSON.stringify({ type: 'module' }), 'model.space.js': code });
    expect(() => drive(join(at, 'model.space.js'))).toThrow(/cannot require .*model\.space\.js/);
  });
});
