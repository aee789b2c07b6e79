import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ts } from 'ts-morph';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { annotateFile, annotateSource } from '../../../src/codemod/annotate.js';
import type { AnnotateResult } from '../../../src/codemod/annotate.js';
import { applyFile, applySource } from '../../../src/codemod/apply.js';
import { candidateValues } from '../../../src/codemod/candidate-values.js';
import { runCli } from '../../../src/cli/run-cli.js';
import { floatv } from '../../../src/hyper/floatv.js';
import { intv } from '../../../src/hyper/intv.js';
import { oneOf } from '../../../src/hyper/one-of.js';
import type { TreeValue } from '../../../src/symbolic/node.js';
import { errorOf } from '../../support/error-of.js';

/** The project the tests annotate in: its files by absolute path. */
const ROOT = resolve('/project/src');
const at = (name: string): string => join(ROOT, name);

/** A `readFile` over a map of files (relative to ROOT); it records what it was asked. */
function reader(files: Record<string, string>): ((path: string) => string | undefined) & { asked: string[] } {
  const byPath = new Map(Object.entries(files).map(([k, v]) => [at(k), v]));
  const asked: string[] = [];
  return Object.assign(
    (path: string): string | undefined => {
      asked.push(path);
      return byPath.get(path);
    },
    { asked },
  );
}

function annotate(text: string, files: Record<string, string>, fileName = 'model.ts'): AnnotateResult {
  return annotateSource(text, { fileName: at(fileName), readFile: reader(files) });
}

/** Runs a module (TypeScript or JavaScript, ES or CommonJS) with `modules` for its imports (texts are run too); returns its exports. */
function evaluate(code: string, modules: Record<string, unknown>): Record<string, unknown> {
  const js = ts.transpileModule(code.replace(/import\.meta\.url/g, JSON.stringify('file:///virtual/model.ts')), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const module = { exports: {} as Record<string, unknown> };
  const run = new Function('require', 'exports', 'module', '__filename', js) as (
    require: (id: string) => unknown,
    exports: Record<string, unknown>,
    module: { exports: Record<string, unknown> },
    filename: string,
  ) => void;
  run(
    (id) => {
      if (!(id in modules)) throw new Error(`unexpected import ${id}`);
      const found = modules[id];
      return typeof found === 'string' ? evaluate(found, modules) : found;
    },
    module.exports,
    module,
    '/virtual/model.js',
  );
  return module.exports;
}

/** A TensorFlow.js stand-in: each layer is what it was given. */
const fakeTf = {
  layers: new Proxy({}, { get: (_t, name) => (config: unknown) => ({ layer: String(name), config }) }),
  sequential: (config: unknown) => ({ sequential: config }),
};
const runtime = (candidate?: TreeValue): Record<string, unknown> => ({
  candidateValues: candidate === undefined ? candidateValues : () => candidate,
  oneOf,
  floatv,
  intv,
});

const MODEL_TS = [
  "import * as tf from '@tensorflow/tfjs';", // 1
  "import { WIDTH } from './config.js';", // 2
  '', // 3
  'export function createModel() {', // 4
  '  return tf.sequential({', // 5
  '    layers: [', // 6
  "      tf.layers.dense({ inputShape: [4], units: WIDTH, activation: 'relu' }),", // 7
  '      tf.layers.dense({ units: WIDTH }),', // 8
  "      tf.layers.dense({ units: 3, activation: 'softmax' }),", // 9
  '    ],', // 10
  '  });', // 11
  '}', // 12
  '', // 13
  'export const settings = { WIDTH, double: WIDTH * 2 };', // 14
  '',
].join('\n');
const CONFIG_TS = ['// sizes', 'export const WIDTH = 32;', "export const NAME = 'x';", ''].join('\n');

describe('a const imported from a module of the project is a decision where it is written', () => {
  it('ES module, TypeScript: one decision at the literal of ./config.ts, read wherever the file reads the name', () => {
    const r = annotate(MODEL_TS, { 'config.ts': CONFIG_TS });
    const width = r.decisions.find((d) => d.key === 'WIDTH');
    expect(width).toMatchObject({
      key: 'WIDTH',
      file: './config.ts',
      line: 2,
      column: 22,
      text: '32',
      label: 'WIDTH = 32 (in ./config.ts)',
      original: 32,
      hyper: 'oneOf([16, 32, 64])',
      rule: 'width',
      kind: 'value',
    });
    // One literal, one decision, however many places read it.
    expect(r.decisions.filter((d) => d.key.startsWith('WIDTH'))).toHaveLength(1);
    expect(r.decisions.filter((d) => d.key !== 'WIDTH').every((d) => d.file === undefined)).toBe(true);
    expect(r.skipped.map((s) => s.reason)).not.toContain('WIDTH is imported from another module');
    // The import stays; each read of WIDTH reads $.WIDTH, the shorthand property too.
    expect(r.code).toContain("import { WIDTH } from './config.js';\n");
    expect(r.code).toContain('tf.layers.dense({ inputShape: [4], units: $.WIDTH, activation: $.createModel.dense_1.activation }),\n');
    expect(r.code).toContain('      tf.layers.dense({ units: $.WIDTH }),\n');
    expect(r.code).toContain('export const settings = { WIDTH: $.WIDTH, double: $.WIDTH * 2 };\n');
    expect(r.code).toContain('  WIDTH: oneOf([16, 32, 64]), // line 2: WIDTH = 32 (in ./config.ts)\n');
    expect(r.original).toMatchObject({ WIDTH: 32 });
  });

  it('gets the hyper value a const of the file itself would get', () => {
    const local = annotateSource(MODEL_TS.replace("import { WIDTH } from './config.js';", 'const WIDTH = 32;'), { fileName: at('model.ts') });
    const imported = annotate(MODEL_TS, { 'config.ts': CONFIG_TS });
    const strip = (r: AnnotateResult): unknown[] => r.decisions.map(({ key, spec, rule, hyper, original }) => ({ key, spec, rule, hyper, original }));
    expect(strip(imported)).toEqual(strip(local));
    expect(imported.space).toEqual(local.space);
  });

  it('runs: the module as it is is the original program, and for a candidate reads its value at every read', () => {
    const r = annotate(MODEL_TS, { 'config.ts': CONFIG_TS });
    const modules = { '@tensorflow/tfjs': fakeTf, './config.js': CONFIG_TS };
    const original = evaluate(MODEL_TS, modules);
    const annotated = evaluate(r.code, { ...modules, pliant: runtime() });
    expect((annotated['createModel'] as () => unknown)()).toEqual((original['createModel'] as () => unknown)());
    expect(annotated['settings']).toEqual({ WIDTH: 32, double: 64 });
    const candidate = { ...(r.original as Record<string, unknown>), WIDTH: 64 } as TreeValue;
    const tuned = evaluate(r.code, { ...modules, pliant: runtime(candidate) });
    expect(tuned['settings']).toEqual({ WIDTH: 64, double: 128 });
    const model = (tuned['createModel'] as () => { sequential: { layers: { config: { units: number } }[] } })();
    expect(model.sequential.layers.map((l) => l.config.units)).toEqual([64, 64, 3]);
    // ... which is the program apply writes for it.
    const applied = applySource(MODEL_TS, candidate, { fileName: at('model.ts'), readFile: reader({ 'config.ts': CONFIG_TS }) });
    expect(applied.code).toBe(MODEL_TS);
    const written = applied.files?.[0]?.code as string;
    expect(evaluate(MODEL_TS, { ...modules, './config.js': written })['settings']).toEqual(tuned['settings']);
  });

  it('ES module, JavaScript: ./config.js as written', () => {
    const model = [
      "import * as tf from '@tensorflow/tfjs';",
      "import { WIDTH } from './config.js';",
      'export const createModel = () => tf.sequential({ layers: [tf.layers.dense({ units: WIDTH }), tf.layers.dense({ units: 2 })] });',
      '',
    ].join('\n');
    const config = 'export const WIDTH = 16;\n';
    const r = annotate(model, { 'config.js': config, 'config.ts': 'export const WIDTH = 99;\n' }, 'model.js');
    expect(r.decisions.map((d) => [d.key, d.file, d.original])).toEqual([['WIDTH', './config.js', 16]]);
    expect(r.code).toContain('tf.layers.dense({ units: $.WIDTH })');
    const candidate = { WIDTH: 8 } as TreeValue;
    const out = evaluate(r.code, { '@tensorflow/tfjs': fakeTf, './config.js': config, pliant: runtime(candidate) });
    expect(JSON.stringify((out['createModel'] as () => unknown)())).toContain('"units":8');
  });

  it('a TypeScript file importing ./config.js reads ./config.ts first (as TypeScript resolves it)', () => {
    const r = annotate(MODEL_TS, { 'config.ts': CONFIG_TS, 'config.js': 'export const WIDTH = 99;\n' });
    expect(r.decisions.find((d) => d.key === 'WIDTH')).toMatchObject({ file: './config.ts', original: 32 });
  });

  it('CommonJS: const { WIDTH } = require(...) of module.exports = { ... }, exports.X = and module.exports.X =', () => {
    const model = [
      "const tf = require('@tensorflow/tfjs');",
      "const { WIDTH, RATE: R, DEPTH } = require('./config');",
      'function createModel() {',
      '  const layers = [];',
      '  for (let i = 0; i < DEPTH; i++) layers.push(tf.layers.dense({ units: WIDTH }));',
      '  layers.push(tf.layers.dropout({ rate: R }));',
      '  layers.push(tf.layers.dense({ units: 2 }));',
      '  return tf.sequential({ layers });',
      '}',
      'module.exports = { createModel };',
      '',
    ].join('\n');
    const config = ['module.exports = { WIDTH: 32, DEPTH: 2 };', 'module.exports.RATE = 0.25;', ''].join('\n');
    const r = annotate(model, { 'config.js': config }, 'model.js');
    expect(r.decisions.filter((d) => d.file !== undefined).map((d) => [d.key, d.file, d.line, d.text, d.label])).toEqual([
      ['DEPTH', './config.js', 1, '2', 'DEPTH: 2 (in ./config.js)'],
      ['WIDTH', './config.js', 1, '32', 'WIDTH: 32 (in ./config.js)'],
      ['R', './config.js', 2, '0.25', 'module.exports.RATE = 0.25 (in ./config.js)'],
    ]);
    expect(r.code).toContain("const { WIDTH, RATE: R, DEPTH } = require('./config');");
    expect(r.code).toContain('for (let i = 0; i < $.DEPTH; i++) layers.push(tf.layers.dense({ units: $.WIDTH }));');
    expect(r.code).toContain('tf.layers.dropout({ rate: $.R })');
    const candidate = { ...(r.original as Record<string, unknown>), DEPTH: 3, WIDTH: 8 } as TreeValue;
    const out = evaluate(r.code, {
      '@tensorflow/tfjs': fakeTf,
      './config': config,
      pliant: runtime(candidate),
      'node:url': { pathToFileURL: () => ({ href: 'file:///m.js' }) },
    });
    const built = (out['createModel'] as () => { sequential: { layers: { layer: string; config: { units?: number } }[] } })();
    expect(built.sequential.layers.map((l) => l.config.units ?? l.layer)).toEqual([8, 8, 8, 'dropout', 2]);

    const exportsForm = annotate(model, { 'config.js': ['exports.WIDTH = 32;', 'exports.DEPTH = 2;', 'exports.RATE = 0.25;', ''].join('\n') }, 'model.js');
    expect(exportsForm.decisions.filter((d) => d.file !== undefined).map((d) => [d.key, d.line, d.label])).toEqual([
      ['DEPTH', 2, 'exports.DEPTH = 2 (in ./config.js)'],
      ['WIDTH', 1, 'exports.WIDTH = 32 (in ./config.js)'],
      ['R', 3, 'exports.RATE = 0.25 (in ./config.js)'],
    ]);
  });

  it('an aliased import: the key is the name the file uses', () => {
    const r = annotate(
      MODEL_TS.replace("import { WIDTH } from './config.js';", "import { WIDTH as W } from './config.js';").replace(/\bWIDTH\b(?!.*from)/g, 'W'),
      {
        'config.ts': CONFIG_TS,
      },
    );
    expect(r.decisions.find((d) => d.file !== undefined)).toMatchObject({ key: 'W', label: 'WIDTH = 32 (in ./config.ts)', line: 2 });
    expect(r.code).toContain("import { WIDTH as W } from './config.js';");
    expect(r.code).toContain('export const settings = { W: $.W, double: $.W * 2 };');
  });

  it('export { X }, export { X as Y }, and a const set from another const of that file', () => {
    const exported = annotate(MODEL_TS, { 'config.ts': ['const base = 64;', 'const WIDTH = base;', 'export { WIDTH };', ''].join('\n') });
    expect(exported.decisions.find((d) => d.file !== undefined)).toMatchObject({ key: 'WIDTH', line: 1, text: '64', label: 'base = 64 (in ./config.ts)' });
    const renamed = annotate(MODEL_TS, { 'config.ts': ['const size = 16;', 'export { size as WIDTH };', ''].join('\n') });
    expect(renamed.decisions.find((d) => d.file !== undefined)).toMatchObject({ key: 'WIDTH', line: 1, original: 16, label: 'size = 16 (in ./config.ts)' });
  });

  it('a re-export (export { X } from, export * from), an index module and a module up the tree', () => {
    const viaIndex = annotate(MODEL_TS.replace("'./config.js'", "'./config'"), {
      'config/index.ts': "export { WIDTH } from './sizes.js';\n",
      'config/sizes.ts': 'export const WIDTH = 48;\n',
    });
    expect(viaIndex.decisions.find((d) => d.file !== undefined)).toMatchObject({ key: 'WIDTH', file: './config/sizes.ts', original: 48 });
    const star = annotate(MODEL_TS, {
      'config.ts': "export * from './other.js';\nexport * from './sizes.js';\n",
      'sizes.ts': 'export const WIDTH = 24;\n',
      'other.ts': 'export const X = 1;\n',
    });
    expect(star.decisions.find((d) => d.file !== undefined)).toMatchObject({ file: './sizes.ts', original: 24 });
    const up = annotateSource(MODEL_TS.replace("'./config.js'", "'../shared/config.js'"), {
      fileName: at('models/model.ts'),
      readFile: reader({ 'shared/config.ts': CONFIG_TS }),
    });
    expect(up.decisions.find((d) => d.file !== undefined)).toMatchObject({ file: '../shared/config.ts', label: 'WIDTH = 32 (in ../shared/config.ts)' });
  });

  it('two names for one literal are one decision, read at both', () => {
    const model = MODEL_TS.replace("import { WIDTH } from './config.js';", "import { WIDTH } from './config.js';\nimport { SIZE } from './alias.js';").replace(
      '      tf.layers.dense({ units: WIDTH }),',
      '      tf.layers.dense({ units: SIZE }),',
    );
    const r = annotate(model, { 'config.ts': CONFIG_TS, 'alias.ts': "export { WIDTH as SIZE } from './config.js';\n" });
    expect(r.decisions.filter((d) => d.file !== undefined).map((d) => d.key)).toEqual(['WIDTH']);
    expect(r.code).toContain('tf.layers.dense({ units: $.WIDTH }),');
  });

  it('a list a loop walks, imported: one list decision in the other file', () => {
    const model = [
      "import * as tf from '@tensorflow/tfjs';",
      "import { SIZES } from './config.js';",
      'export function createModel() {',
      '  const model = tf.sequential();',
      '  for (const units of SIZES) model.add(tf.layers.dense({ units }));',
      '  model.add(tf.layers.dense({ units: 2 }));',
      '  return model;',
      '}',
      '',
    ].join('\n');
    const r = annotate(model, { 'config.ts': 'export const SIZES = [64, 32];\n' });
    expect(r.decisions.map((d) => [d.key, d.file, d.original, d.label])).toEqual([
      ['SIZES', './config.ts', [64, 32], 'SIZES = [64, 32] (in ./config.ts) (how many layers, and their widths)'],
    ]);
    expect(r.code).toContain('for (const units of $.SIZES) model.add(tf.layers.dense({ units }));');
  });

  it('without readFile (annotateSource reads no files) an import is reported as imported, as before', () => {
    const r = annotateSource(MODEL_TS, { fileName: 'model.ts' });
    expect(r.decisions.some((d) => d.file !== undefined)).toBe(false);
    expect(r.skipped.map((s) => s.reason)).toContain('WIDTH is imported from another module');
  });
});

describe('what is not followed is reported, naming the file', () => {
  const reasons = (files: Record<string, string>, model = MODEL_TS): string[] =>
    annotate(model, files)
      .skipped.filter((s) => s.kind === 'unsafe')
      .map((s) => s.reason);

  it('a value computed at run time, an export that is not a const or not there, a module not found', () => {
    expect(reasons({ 'config.ts': 'export const WIDTH = 16 * 2;\n' })).toEqual([
      'WIDTH is imported from ./config.ts, where 16 * 2 is computed at run time',
      'WIDTH is imported from ./config.ts, where 16 * 2 is computed at run time',
    ]);
    expect(reasons({ 'config.ts': 'export function WIDTH() { return 3; }\n' })[0]).toBe('WIDTH is exported by ./config.ts, but not as a const');
    expect(reasons({ 'config.ts': 'export const HEIGHT = 3;\n' })[0]).toBe('WIDTH is imported from ./config.ts, which exports no const WIDTH');
    expect(reasons({})[0]).toBe('WIDTH is imported from ./config.js, which is not found');
    expect(reasons({ 'config.ts': 'export let WIDTH = 3;\nWIDTH = 4;\n' })[0]).toBe(
      'WIDTH is imported from ./config.ts, where WIDTH is a variable that is assigned again',
    );
    expect(reasons({ 'config.ts': 'exports.WIDTH = 3;\nexports.WIDTH = 4;\n' })[0]).toBe('WIDTH is exported more than once by ./config.ts');
    // A package is another module, as before.
    expect(reasons({}, MODEL_TS.replace("'./config.js'", "'some-package'"))[0]).toBe('WIDTH is imported from another module');
  });

  it('a readFile that throws, and a module that does not parse', () => {
    const throwing = annotateSource(MODEL_TS, {
      fileName: at('model.ts'),
      readFile: () => {
        throw new Error('EACCES: permission denied');
      },
    });
    expect(throwing.skipped.find((s) => s.kind === 'unsafe')?.reason).toBe(
      'WIDTH is imported from ./config.ts, which cannot be read: EACCES: permission denied',
    );
    expect(throwing.decisions.some((d) => d.file !== undefined)).toBe(false);
    expect(reasons({ 'config.ts': 'export const WIDTH = (32;\n' })[0]).toMatch(
      /^WIDTH is imported from \.\/config\.ts, which does not parse \(line 1: '\)' expected\.\)$/,
    );
    // A reader that throws ENOENT for a missing file (readFileSync) just means there is none.
    const enoent = annotateSource(MODEL_TS, {
      fileName: at('model.ts'),
      readFile: (path) => {
        if (path === at('config.js')) return 'export const WIDTH = 8;\n';
        throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      },
    });
    expect(enoent.decisions.find((d) => d.file !== undefined)).toMatchObject({ file: './config.js', original: 8 });
  });

  it('a cycle does not loop: a imports b imports a, and b imports c imports b', () => {
    const back = reasons({ 'config.ts': "export { WIDTH } from './model.js';\n" });
    expect(back[0]).toBe('WIDTH is imported from ./config.ts, where WIDTH is imported from ./model.ts, the annotated file itself: an import cycle');
    const viaConst = reasons({ 'config.ts': "import { X } from './model.js';\nexport const WIDTH = X;\n" });
    expect(viaConst[0]).toBe('WIDTH is imported from ./config.ts, where X is imported from ./model.ts, the annotated file itself: an import cycle');
    const loop = reasons({ 'config.ts': "export { WIDTH } from './sizes.js';\n", 'sizes.ts': "export { WIDTH } from './config.js';\n" });
    expect(loop[0]).toMatch(/^WIDTH is imported from \.\/config\.ts, where .*in a cycle/);
    const stars = reasons({ 'config.ts': "export * from './sizes.js';\n", 'sizes.ts': "export * from './config.js';\n" });
    expect(stars[0]).toMatch(/^WIDTH is imported from \.\/config\.ts/);
  });

  it('a name the file exports again is left alone (the module could not make its export read the decision)', () => {
    const r = annotate(`${MODEL_TS}export { WIDTH };\n`, { 'config.ts': CONFIG_TS });
    expect(r.decisions.some((d) => d.file !== undefined)).toBe(false);
    expect(r.skipped.find((s) => s.kind === 'unsafe')?.reason).toMatch(/^WIDTH is exported again by this file/);
  });
});

describe('apply writes the literal where it is written', () => {
  const files = { 'config.ts': CONFIG_TS };

  it('applySource: the other file in files, each change with its file; the original values change nothing', () => {
    const r = annotate(MODEL_TS, files);
    const candidate = { ...(r.original as Record<string, unknown>), WIDTH: 64 } as TreeValue;
    const applied = applySource(MODEL_TS, candidate, { fileName: at('model.ts'), readFile: reader(files) });
    expect(applied.code).toBe(MODEL_TS);
    expect(applied.files).toEqual([{ file: './config.ts', code: CONFIG_TS.replace('= 32', '= 64') }]);
    expect(applied.changes).toEqual([{ key: 'WIDTH', kind: 'value', line: 2, column: 22, before: '32', after: '64', file: './config.ts' }]);
    const same = applySource(MODEL_TS, r.original, { fileName: at('model.ts'), readFile: reader(files) });
    expect(same).toEqual({ code: MODEL_TS, changes: [] });
  });

  it('applySource without readFile refuses a candidate with an imported decision, naming its key', () => {
    const r = annotate(MODEL_TS, files);
    const e = errorOf(() => applySource(MODEL_TS, r.original, { fileName: 'model.ts' }));
    expect(e.code).toBe('key-path');
    expect(e.message).toContain("'WIDTH'");
  });

  it('a candidate that gives the wrong type names the other file', () => {
    const r = annotate(MODEL_TS, files);
    const e = errorOf(() =>
      applySource(MODEL_TS, { ...(r.original as Record<string, unknown>), WIDTH: 'wide' } as TreeValue, { fileName: at('model.ts'), readFile: reader(files) }),
    );
    expect(e.message).toContain('./config.ts:2 holds a number (32)');
  });
});

describe('the file APIs read and write the project on disk', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pliant-imported-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function project(): { model: string; config: string } {
    mkdirSync(join(dir, 'src'));
    const model = join(dir, 'src', 'model.ts');
    const config = join(dir, 'src', 'config.ts');
    writeFileSync(model, MODEL_TS);
    writeFileSync(config, CONFIG_TS);
    return { model, config };
  }

  it('annotateFile follows the import on disk, and applyFile writes both files with a minimal diff', async () => {
    const { model, config } = project();
    const r = await annotateFile(model, { out: join(dir, 'model.space.ts') });
    expect(r.decisions.find((d) => d.key === 'WIDTH')).toMatchObject({ file: './config.ts', line: 2 });
    expect(readFileSync(config, 'utf8')).toBe(CONFIG_TS);

    const original = r.original as Record<string, unknown>;
    const candidate = { ...original, WIDTH: 128, createModel: { ...(original['createModel'] as Record<string, unknown>), dense_1: { activation: 'tanh' } } };
    const dry = await applyFile(model, candidate as TreeValue, { dryRun: true });
    expect(readFileSync(model, 'utf8')).toBe(MODEL_TS);
    expect(readFileSync(config, 'utf8')).toBe(CONFIG_TS);
    // One unified diff per changed file, the literal's line only.
    const changed = dry.diff.split('\n').filter((l) => /^[-+](?![-+])/.test(l));
    expect(changed).toEqual([
      "-      tf.layers.dense({ inputShape: [4], units: WIDTH, activation: 'relu' }),",
      "+      tf.layers.dense({ inputShape: [4], units: WIDTH, activation: 'tanh' }),",
      '-export const WIDTH = 32;',
      '+export const WIDTH = 128;',
    ]);
    expect(dry.diff.match(/^\+\+\+ b\/.*$/gm)?.map((l) => l.slice(l.lastIndexOf('/') + 1))).toEqual(['model.ts', 'config.ts']);

    const wet = await applyFile(model, candidate as TreeValue);
    expect(wet.diff).toBe(dry.diff);
    expect(readFileSync(config, 'utf8')).toBe(CONFIG_TS.replace('= 32', '= 128'));
    expect(readFileSync(model, 'utf8')).toBe(MODEL_TS.replace("activation: 'relu' }", "activation: 'tanh' }"));
    // The original values give every file back byte for byte.
    const back = await applyFile(model, r.original);
    expect(back.changes.map((c) => [c.key, c.file])).toEqual([
      ['WIDTH', './config.ts'],
      ['createModel.dense_1.activation', undefined],
    ]);
    expect(readFileSync(config, 'utf8')).toBe(CONFIG_TS);
    expect(readFileSync(model, 'utf8')).toBe(MODEL_TS);
  });

  it('only the imported literal changes: the applied file itself is not rewritten', async () => {
    const { model, config } = project();
    const r = await annotateFile(model);
    writeFileSync(model, MODEL_TS); // mtime aside, the content is what counts
    const result = await applyFile(model, { ...(r.original as Record<string, unknown>), WIDTH: 16 } as TreeValue);
    expect(result.code).toBe(MODEL_TS);
    expect(result.files).toEqual([{ file: './config.ts', code: CONFIG_TS.replace('= 32', '= 16') }]);
    expect(readFileSync(config, 'utf8')).toBe(CONFIG_TS.replace('= 32', '= 16'));
  });

  it('with out, the other files go next to it (where its imports find them) and the originals stay', async () => {
    const { model, config } = project();
    const r = await annotateFile(model);
    const out = join(dir, 'tuned', 'model.ts');
    await applyFile(model, { ...(r.original as Record<string, unknown>), WIDTH: 16 } as TreeValue, { out });
    expect(readFileSync(out, 'utf8')).toBe(MODEL_TS);
    expect(readFileSync(join(dir, 'tuned', 'config.ts'), 'utf8')).toBe(CONFIG_TS.replace('= 32', '= 16'));
    expect(readFileSync(config, 'utf8')).toBe(CONFIG_TS);
    expect(readFileSync(model, 'utf8')).toBe(MODEL_TS);
  });

  it('a model file reached through a symbolic link reads and writes the modules next to the real file', async () => {
    const { model, config } = project();
    mkdirSync(join(dir, 'elsewhere'));
    const link = join(dir, 'elsewhere', 'model.ts');
    symlinkSync(model, link);
    const r = await annotateFile(link);
    expect(r.decisions.find((d) => d.key === 'WIDTH')).toMatchObject({ file: './config.ts', original: 32 });
    await applyFile(link, { ...(r.original as Record<string, unknown>), WIDTH: 64 } as TreeValue);
    expect(readFileSync(config, 'utf8')).toBe(CONFIG_TS.replace('= 32', '= 64'));
    expect(existsSync(join(dir, 'elsewhere', 'config.ts'))).toBe(false);
  });

  it('pliant apply prints and writes every changed file', async () => {
    const { model, config } = project();
    const r = await annotateFile(model);
    const values = JSON.stringify({ ...(r.original as Record<string, unknown>), WIDTH: 64 });
    const out: string[] = [];
    const err: string[] = [];
    const streams = { out: { write: (t: string) => void out.push(t) }, err: { write: (t: string) => void err.push(t) } };
    expect(await runCli(['apply', values, model, '--dry-run'], streams)).toBe(0);
    expect(out.join('')).toContain('+export const WIDTH = 64;');
    expect(err.join('')).toMatch(/: 1 literal changed from the given values \(dry run: nothing written\)\n$/);
    err.length = 0;
    expect(await runCli(['apply', values, model], streams)).toBe(0);
    expect(err.join('')).toMatch(/; wrote .*config\.ts\n$/);
    expect(err.join('')).not.toMatch(/wrote .*model\.ts/);
    expect(readFileSync(config, 'utf8')).toBe(CONFIG_TS.replace('= 32', '= 64'));
    out.length = 0;
    expect(await runCli(['apply', JSON.stringify(r.original), model, '--json'], streams)).toBe(0);
    const json = JSON.parse(out.join('')) as { files?: string[]; changes: { file?: string }[] };
    expect(json.files?.map((f) => f.slice(f.lastIndexOf('/') + 1))).toEqual(['config.ts']);
    expect(json.changes.map((c) => c.file)).toEqual(['./config.ts']);
    expect(dirname(config)).toBe(dirname(model));
  });
});
