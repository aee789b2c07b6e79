/**
 * The run-time side of an annotated module (src/codemod/candidate-values.ts): `candidateValues`
 * and `annotatedModule`, on real module files. ES modules load here through `src`; CommonJS
 * modules `require` pliant natively (the built package), so their per-candidate loading runs in a
 * plain Node process in test/e2e/codemod-js.test.ts; here, what needs no pliant inside the module.
 */
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PliantError } from '../../../src/base/errors.js';
import { annotateSource } from '../../../src/codemod/annotate.js';
import { annotatedModule, candidateValues } from '../../../src/codemod/candidate-values.js';
import { DNA } from '../../../src/geno/dna.js';
import { encode } from '../../../src/geno/template.js';
import { oneOf } from '../../../src/hyper/one-of.js';
import { errorOf, rejection } from '../../support/error-of.js';

const dir = mkdtempSync(join(tmpdir(), 'pliant-candidate-values-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SRC = pathToFileURL(join(import.meta.dirname, '..', '..', '..', 'src', 'index.ts')).href;

/** A model file whose `make` returns the values it was built with. */
const MODEL = [
  "import * as tf from '@tensorflow/tfjs';",
  '/* @search oneOf(16, 32, 64) */',
  'export const WIDTH = 32;',
  "/* @search oneOf('relu', 'tanh') */",
  "export const ACTIVATION = 'relu';",
  'export const made = [];',
  'export function make() {',
  '  made.push(WIDTH);',
  '  return { width: WIDTH, activation: ACTIVATION, tf: typeof tf };',
  '}',
  '',
].join('\n');

function write(name: string, code: string): string {
  const file = join(dir, name);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, code);
  return file;
}

interface Model {
  readonly searchSpace: never;
  readonly originalValues: { WIDTH: number; ACTIVATION: string };
  readonly WIDTH: number;
  readonly made: number[];
  make(): { width: number; activation: string; tf: string };
}

describe('candidateValues', () => {
  const space = { a: oneOf([1, 2, 3]) };

  it('gives the original values when no load is under way', () => {
    expect(candidateValues('file:///somewhere/model.js', space, { a: 2 })).toEqual({ a: 2 });
  });

  it('rejects original values that are not a point of the space, naming the module', () => {
    const error = errorOf(() => candidateValues('file:///somewhere/model.js', space, { a: 4 } as never));
    expect([error.api, error.code]).toEqual(['candidateValues', 'argument']);
    expect(error.message).toContain('file:///somewhere/model.js: originalValues is not a point of searchSpace');
  });
});

describe('annotatedModule: an ES module', async () => {
  const annotated = annotateSource(MODEL, { fileName: 'model.mjs', importFrom: SRC });
  const file = write('esm/model.space.mjs', annotated.code);
  const model = await annotatedModule<Model & { searchSpace: never }>(file);

  it('is generated as JavaScript and loads as the original program', () => {
    expect(annotated.code).toContain(`import { candidateValues, oneOf } from '${SRC}';`);
    expect(model.moduleSystem).toBe('esm');
    expect(model.url).toBe(pathToFileURL(file).href);
    expect(model.original).toEqual({ WIDTH: 32, ACTIVATION: 'relu' });
    expect(model.module.make()).toEqual({ width: 32, activation: 'relu', tf: 'object' });
  });

  it('builds each candidate with its own values; the same candidate twice is the same instance', async () => {
    const wide = await model.load({ WIDTH: 64, ACTIVATION: 'tanh' });
    const narrow = await model.load(encode(model.space, { WIDTH: 16, ACTIVATION: 'relu' }));
    expect(wide.make()).toEqual({ width: 64, activation: 'tanh', tf: 'object' });
    expect(narrow.make()).toEqual({ width: 16, activation: 'relu', tf: 'object' });
    expect(await model.load({ WIDTH: 64, ACTIVATION: 'tanh' })).toBe(wide);
    expect(model.module.make().width).toBe(32);
  });

  it('serialises concurrent loads: each gets its own values', async () => {
    const candidates = [16, 32, 64, 16, 64].map((WIDTH, i) => ({ WIDTH, ACTIVATION: i % 2 === 0 ? 'relu' : 'tanh' }));
    const loaded = await Promise.all(candidates.map((c) => model.load(c)));
    expect(loaded.map((m) => [m.WIDTH, m.make().activation])).toEqual(candidates.map((c) => [c.WIDTH, c.ACTIVATION]));
  });

  it('rejects a candidate outside the space, naming the key path', async () => {
    const error = await rejection(model.load({ WIDTH: 48, ACTIVATION: 'relu' }));
    expect(error).toBeInstanceOf(PliantError);
    expect(error.message).toContain("'s searchSpace");
    expect(error.message).toContain('WIDTH');
    await expect(model.load(new DNA(undefined, [new DNA(9), new DNA(0)]))).rejects.toThrow(/is not a point of/);
  });

  it('loads through a symbolic link (the module sees its real path)', async () => {
    const link = join(dir, 'linked');
    symlinkSync(join(dir, 'esm'), link, 'dir');
    const linked = await annotatedModule<Model & { searchSpace: never }>(join(link, 'model.space.mjs'));
    expect((await linked.load({ WIDTH: 16, ACTIVATION: 'tanh' })).make()).toEqual({ width: 16, activation: 'tanh', tf: 'object' });
  });

  it('says so when the module does not take its candidate (no candidateValues call)', async () => {
    const plain = write(
      'esm/plain.mjs',
      `import { oneOf } from '${SRC}';\nexport const searchSpace = { a: oneOf([1, 2]) };\nexport const originalValues = { a: 1 };\n`,
    );
    const m = await annotatedModule(plain);
    const error = await rejection(m.load({ a: 2 }));
    expect(error.message).toMatch(
      /did not take its candidate: its generated block \(candidateValues\(import\.meta\.url, \.\.\.\)\) must run when it is imported/,
    );
  });
});

describe('annotatedModule: a CommonJS module (what needs no pliant inside it)', () => {
  const marker = '// pliant:search-space commonjs: made by `pliant annotate model.js`.\n';

  it('is required, not imported, when its block is marked commonjs', async () => {
    const file = write('cjs/constant.cjs', `${marker}module.exports = { searchSpace: { a: 1 }, originalValues: { a: 1 }, made: {} };\n`);
    const m = await annotatedModule(file);
    expect(m.moduleSystem).toBe('commonjs');
    expect(m.module).toBe(createRequire(file)(file));
    // It never calls candidateValues: a load says so, and leaves the plain module cached.
    const error = await rejection(m.load({ a: 1 }));
    expect(error.message).toContain(
      "did not take its candidate: its generated block (candidateValues(require('node:url').pathToFileURL(__filename).href, ...)) must run when it is required",
    );
    expect(createRequire(file)(file)).toBe(m.module);
  });

  it('a .js file marked commonjs in a folder without a package type is CommonJS too', async () => {
    const file = write('cjs-js/model.space.js', `${marker}exports.searchSpace = {};\nexports.originalValues = {};\nexports.kind = typeof module;\n`);
    const m = await annotatedModule(file);
    expect([m.moduleSystem, m.module['kind']]).toEqual(['commonjs', 'object']);
  });

  it('an unmarked CommonJS file is imported (as an ES module would be)', async () => {
    const file = write('cjs/unmarked.cjs', 'module.exports = { searchSpace: {}, originalValues: {} };\n');
    expect((await annotatedModule(file)).moduleSystem).toBe('esm');
  });

  it('names the module when requiring it fails, or when it exports no space', async () => {
    const broken = write('cjs/broken.cjs', `${marker}throw new Error('broken on purpose');\n`);
    const error = await rejection(annotatedModule(broken));
    expect(error).toBeInstanceOf(PliantError);
    expect(error.message).toContain(`cannot require ${pathToFileURL(broken).href}: broken on purpose`);
    const empty = write('cjs/empty.cjs', `${marker}module.exports = {};\n`);
    expect((await rejection(annotatedModule(empty))).message).toContain('exports no searchSpace and originalValues');
  });
});
