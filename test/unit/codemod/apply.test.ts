import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { annotateSource } from '../../../src/codemod/annotate.js';
import type { AnnotateResult } from '../../../src/codemod/annotate.js';
import type { AnnotationRule, LiteralValue } from '../../../src/codemod/annotation-rules.js';
import { applyFile, applySource, unifiedDiff } from '../../../src/codemod/apply.js';
import { DNA } from '../../../src/geno/dna.js';
import { randomDNA } from '../../../src/geno/random.js';
import { seededRng } from '../../../src/base/rng.js';
import { dnaSpec, encode, materialize } from '../../../src/geno/template.js';
import { oneOf } from '../../../src/hyper/one-of.js';
import type { TreeValue } from '../../../src/symbolic/node.js';
import { errorOf } from '../../support/error-of.js';

const FIXTURES = ['helpers', 'mnist-cnn', 'residual', 'text-lstm', 'two-models'] as const;
type Fixture = (typeof FIXTURES)[number];

function fixture(name: Fixture): string {
  return readFileSync(new URL(`../../fixtures/codemod/${name}.ts`, import.meta.url), 'utf8');
}

const annotated = new Map<Fixture, AnnotateResult>(FIXTURES.map((name) => [name, annotateSource(fixture(name), { fileName: `${name}.ts` })]));
function annotation(name: Fixture): AnnotateResult {
  return annotated.get(name) as AnnotateResult;
}

type Values = Record<string, unknown>;

/** The leaves of a nested record, by dotted key. */
function leaves(tree: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const walk = (node: unknown, at: string): void => {
    if (typeof node === 'object' && node !== null && !Array.isArray(node)) {
      for (const [k, v] of Object.entries(node as Values)) walk(v, at === '' ? k : `${at}.${k}`);
    } else out.set(at, node);
  };
  walk(tree, prefix);
  return out;
}

/** A copy of a nested record with the leaf at `key` set to `value` (or removed, for `undefined`); the records on the way are copied. */
function edit(tree: TreeValue, key: string, value: unknown): TreeValue {
  const [head, ...rest] = key.split('.') as [string, ...string[]];
  const copy: Values = { ...(tree as Values) };
  if (rest.length > 0) copy[head] = edit(copy[head] as TreeValue, rest.join('.'), value);
  else if (value === undefined) delete copy[head];
  else copy[head] = value;
  return copy as TreeValue;
}

/** A copy of a values record with the leaf at `key` set to `value`. */
function withValue(values: TreeValue, key: string, value: unknown): TreeValue {
  return edit(values, key, value);
}

/** A copy of a values record without the leaf at `key`. */
function without(values: TreeValue, key: string): TreeValue {
  return edit(values, key, undefined);
}

/** A number to 12 significant digits (apply writes float noise away at that precision). */
function digits12(v: unknown): unknown {
  return typeof v === 'number' ? Number(v.toPrecision(12)) : v;
}

describe('applySource: the original values reproduce the file', () => {
  for (const name of FIXTURES) {
    it(`${name}: byte for byte, from the values and from their DNA`, () => {
      const text = fixture(name);
      const result = annotation(name);
      const fromValues = applySource(text, result.original, { fileName: `${name}.ts` });
      expect(fromValues.code).toBe(text);
      expect(fromValues.changes).toEqual([]);
      const dna = encode(result.space, result.original);
      const fromDna = applySource(text, dna, { fileName: `${name}.ts` });
      expect(fromDna.code).toBe(text);
      expect(fromDna.changes).toEqual([]);
    });
  }

  it('keeps CRLF line ends', () => {
    const text = fixture('mnist-cnn').replace(/\n/g, '\r\n');
    expect(applySource(text, annotation('mnist-cnn').original).code).toBe(text);
    const changed = applySource(text, withValue(annotation('mnist-cnn').original, 'createModel.dense_1.units', 128)).code;
    expect(changed).toBe(text.replace('units: 64,', 'units: 128,'));
  });
});

describe('applySource: other values', () => {
  for (const [index, name] of FIXTURES.entries()) {
    it(`${name}: a random DNA changes only the lines of decided literals, and lists exactly the changed keys`, () => {
      const text = fixture(name);
      const result = annotation(name);
      const dna = randomDNA(dnaSpec(result.space), seededRng(100 + index));
      const values = leaves(materialize(result.space, dna));
      const applied = applySource(text, dna, { fileName: `${name}.ts` });

      const differing = result.decisions.filter((d) => values.get(d.key) !== d.original);
      expect(differing.length).toBeGreaterThan(0);
      expect(applied.changes.map((c) => c.key)).toEqual(differing.map((d) => d.key));
      applied.changes.forEach((change, i) => {
        const decision = differing[i];
        expect([change.line, change.column, change.before]).toEqual([decision?.line, decision?.column, decision?.text]);
        const value = values.get(change.key);
        if (typeof value === 'string') expect(change.after).toBe(`'${value}'`);
        else expect(Number(change.after)).toBe(value);
      });

      const before = text.split('\n');
      const after = applied.code.split('\n');
      expect(after.length).toBe(before.length);
      const changedLines = new Set(before.flatMap((line, i) => (line === after[i] ? [] : [i + 1])));
      expect(changedLines).toEqual(new Set(applied.changes.map((c) => c.line)));
      // Each changed line is the old line with the literals replaced, in place.
      for (const lineNo of changedLines) {
        let line = before[lineNo - 1] as string;
        const onLine = applied.changes.filter((c) => c.line === lineNo).sort((a, b) => b.column - a.column);
        for (const c of onLine) line = line.slice(0, c.column - 1) + c.after + line.slice(c.column - 1 + c.before.length);
        expect(after[lineNo - 1]).toBe(line);
      }
    });
  }

  it('writes a chosen candidate at exactly its literals', () => {
    const text = fixture('mnist-cnn');
    let values = annotation('mnist-cnn').original;
    values = withValue(values, 'createModel.dense_1.units', 128);
    values = withValue(values, 'createModel.conv2d_2.activation', 'gelu');
    values = withValue(values, 'LEARNING_RATE', 0.003);
    const applied = applySource(text, values, { fileName: 'mnist-cnn.ts' });
    expect(applied.changes).toEqual([
      { key: 'LEARNING_RATE', line: 7, column: 23, before: '0.001', after: '0.003' },
      { key: 'createModel.conv2d_2.activation', line: 15, column: 66, before: "'relu'", after: "'gelu'" },
      { key: 'createModel.dense_1.units', line: 18, column: 32, before: '64', after: '128' },
    ]);
    const expected = text
      .replace('const LEARNING_RATE = 0.001;', 'const LEARNING_RATE = 0.003;')
      .replace("tf.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu' })", "tf.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'gelu' })")
      .replace("tf.layers.dense({ units: 64, activation: 'relu' })", "tf.layers.dense({ units: 128, activation: 'relu' })");
    expect(applied.code).toBe(expected);
  });

  it('writes into a file with named imports and a hand-marked literal', () => {
    const text = fixture('helpers');
    const applied = applySource(text, withValue(annotation('helpers').original, 'classifierHead.dropout_1.rate', 0.5));
    expect(applied.code).toBe(text.replace('/* @search oneOf(0.1, 0.3, 0.5) */ 0.3 })', '/* @search oneOf(0.1, 0.3, 0.5) */ 0.5 })'));
    const residual = fixture('residual');
    const r = applySource(residual, withValue(annotation('residual').original, 'compileModel.sgd.learningRate', 0.1));
    expect(r.code).toBe(residual.replace('train.sgd(0.05)', 'train.sgd(0.1)'));
  });

  it('keeps the quote style of strings', () => {
    const double = 'import * as tf from "@tensorflow/tfjs";\nexport const m = () => tf.layers.dense({ units: 8, activation: "relu" });\n';
    const values = annotateSource(double).original;
    expect(applySource(double, withValue(values, 'm.dense_1.activation', 'tanh')).code).toBe(double.replace('"relu"', '"tanh"'));
    const template = "import * as tf from '@tensorflow/tfjs';\nexport const m = () => tf.layers.dense({ units: 8, activation: `relu` });\n";
    expect(applySource(template, withValue(values, 'm.dense_1.activation', 'elu')).code).toBe(template.replace('`relu`', '`elu`'));
  });

  it('escapes quotes inside a string', () => {
    const rules: AnnotationRule[] = [{ name: 'name', calls: ['layers.dense'], args: ['name'], type: 'string', hyper: { oneOf: ["it's", 'say "hi"', 'x'] } }];
    const single = "import * as tf from '@tensorflow/tfjs';\nexport const m = () => tf.layers.dense({ units: 8, name: 'x' });\n";
    expect(applySource(single, { m: { dense_1: { name: "it's" } } }, { rules }).code).toBe(single.replace("'x'", "'it\\'s'"));
    const double = single.replace("'x'", '"x"');
    expect(applySource(double, { m: { dense_1: { name: "it's" } } }, { rules }).code).toBe(double.replace('"x"', '"it\'s"'));
    expect(applySource(double, { m: { dense_1: { name: 'say "hi"' } } }, { rules }).code).toBe(double.replace('"x"', '"say \\"hi\\""'));
  });

  it('writes booleans and negative numbers', () => {
    const rules: AnnotationRule[] = [
      { name: 'bias', calls: ['layers.dense'], args: ['useBias'], hyper: { oneOf: [true, false] } },
      { name: 'shift', calls: ['layers.dense'], args: ['units'], hyper: { intv: [-8, 8] } },
    ];
    const text = "import * as tf from '@tensorflow/tfjs';\nexport const m = () => tf.layers.dense({ units: -2, useBias: true });\n";
    const r = annotateSource(text, { rules });
    expect(r.original).toEqual({ m: { dense_1: { units: -2, useBias: true } } });
    expect(applySource(text, r.original, { rules }).code).toBe(text);
    const applied = applySource(text, { m: { dense_1: { units: -5, useBias: false } } }, { rules });
    expect(applied.code).toBe(text.replace('units: -2, useBias: true', 'units: -5, useBias: false'));
    expect(applied.changes.map((c) => [c.before, c.after])).toEqual([
      ['-2', '-5'],
      ['true', 'false'],
    ]);
  });

  it('rounds changed floats to `precision` significant digits, and only floats that changed', () => {
    const text = fixture('mnist-cnn');
    let values = withValue(annotation('mnist-cnn').original, 'LEARNING_RATE', 0.00123456789);
    values = withValue(values, 'createModel.dropout_1.rate', 0.333333333);
    values = withValue(values, 'trainModel.fit.batchSize', 64);
    const rounded = applySource(text, values, { precision: 3 });
    expect(rounded.changes.map((c) => [c.key, c.after])).toEqual([
      ['LEARNING_RATE', '0.00123'],
      ['createModel.dropout_1.rate', '0.333'],
      ['trainModel.fit.batchSize', '64'],
    ]);
    const exact = applySource(text, values);
    expect(exact.changes.map((c) => c.after)).toEqual(['0.00123456789', '0.333333333', '64']);
  });

  it('writes floats exactly by default, as the shortest text that reads back', () => {
    const text = fixture('mnist-cnn');
    const value = 0.1 * 0.03;
    const exact = applySource(text, withValue(annotation('mnist-cnn').original, 'LEARNING_RATE', value));
    expect(exact.changes.map((c) => c.after)).toEqual([String(value)]);
    expect(Number(exact.changes[0]?.after)).toBe(value);
    const rounded = applySource(text, withValue(annotation('mnist-cnn').original, 'LEARNING_RATE', value), { precision: 12 });
    expect(rounded.changes.map((c) => c.after)).toEqual(['0.003']);
  });

  it('reads a DNA of an edited space given as `space`', () => {
    const text = fixture('two-models');
    const result = annotation('two-models');
    const space = withValue(result.space, 'createStudent.dense_1.units', oneOf([8, 16, 32, 256]));
    const values = withValue(result.original, 'createStudent.dense_1.units', 256);
    const dna = encode(space, values);
    const applied = applySource(text, dna, { space });
    expect(applied.changes.map((c) => [c.key, c.after])).toEqual([['createStudent.dense_1.units', '256']]);
    // Without the edited space, the same DNA means something else or nothing.
    const error = errorOf(() => applySource(text, dna, { fileName: 'two-models.ts' }));
    expect(error.code).toBe('argument');
    expect(error.message).toContain("the DNA is not one of two-models.ts's search space");
    // A candidate outside the given space is rejected.
    const outside = errorOf(() => applySource(text, withValue(result.original, 'createStudent.dense_1.units', 512), { space }));
    expect(outside.code).toBe('argument');
    expect(outside.message).toContain('the candidate is not a point of the given space');
  });
});

describe('applySource: errors', () => {
  const text = fixture('mnist-cnn');
  const original = annotation('mnist-cnn').original;
  const options = { fileName: 'mnist-cnn.ts' };

  it('rejects a value at a key that is no decision (a candidate for another file)', () => {
    const extra = errorOf(() => applySource(text, { ...(original as Values), extra: 1 } as TreeValue, options));
    expect(extra.code).toBe('key-path');
    expect(extra.path).toBe('extra');
    expect(extra.message).toContain("the candidate has a value at 'extra', which is no decision of mnist-cnn.ts");
    const nested = errorOf(() => applySource(text, withValue(original, 'createModel.dense_9', { units: 3 }), options));
    expect(nested.code).toBe('key-path');
    expect(nested.path).toBe('createModel.dense_9.units');
    const other = errorOf(() => applySource(text, annotation('two-models').original, options));
    expect(other.code).toBe('key-path');
    expect(other.path).toBe('createTeacher.dense_1.units');
    expect(other.message).toContain('was it made for another file?');
  });

  it('rejects a candidate without a value for a decision', () => {
    const error = errorOf(() => applySource(text, without(original, 'LEARNING_RATE'), options));
    expect(error.code).toBe('key-path');
    expect(error.path).toBe('LEARNING_RATE');
    expect(error.message).toContain("the candidate has no value for 'LEARNING_RATE' (mnist-cnn.ts:7: LEARNING_RATE = 0.001)");
    const deep = errorOf(() => applySource(text, without(original, 'trainModel.fit.batchSize'), options));
    expect(deep.path).toBe('trainModel.fit.batchSize');
    expect(deep.message).toContain('mnist-cnn.ts:34: batchSize: 32');
  });

  it('rejects a value of the wrong type', () => {
    const error = errorOf(() => applySource(text, withValue(original, 'LEARNING_RATE', 'fast'), options));
    expect(error.code).toBe('key-path');
    expect(error.path).toBe('LEARNING_RATE');
    expect(error.message).toContain('mnist-cnn.ts:7 holds a number (0.001), the candidate gives "fast"');
    const str = errorOf(() => applySource(text, withValue(original, 'createModel.dense_1.activation', 3), options));
    expect(str.path).toBe('createModel.dense_1.activation');
    expect(str.message).toContain("holds a string ('relu'), the candidate gives 3");
    const infinite = errorOf(() => applySource(text, withValue(original, 'createModel.dense_1.units', Number.POSITIVE_INFINITY), options));
    expect(infinite.code).toBe('key-path');
    expect(infinite.path).toBe('createModel.dense_1.units');
    const record = errorOf(() => applySource(text, withValue(original, 'createModel.dense_1.units', { units: 3 }), options));
    expect(record.code).toBe('key-path');
  });

  it('rejects a DNA of the wrong length', () => {
    const error = errorOf(() => applySource(text, DNA.of([0, 1]), options));
    expect(error.code).toBe('argument');
    expect(error.message).toContain("the DNA is not one of mnist-cnn.ts's search space");
    expect(error.message).toContain('expected a list of 11 decisions');
    const numbers = encode(annotation('mnist-cnn').space, original).toNumbers();
    const longer = errorOf(() => applySource(text, DNA.of([...numbers, 0] as number[]), options));
    expect(longer.code).toBe('argument');
  });

  it('rejects a module made by annotate', () => {
    const error = errorOf(() => applySource(annotation('mnist-cnn').code, original, options));
    expect(error.code).toBe('argument');
    expect(error.message).toBe('apply: mnist-cnn.ts is a module made by pliant annotate: apply writes to the original file');
  });

  it('rejects a candidate that is not a record', () => {
    const error = errorOf(() => applySource(text, [1, 2] as TreeValue, options));
    expect(error.code).toBe('argument');
    expect(error.message).toContain('apply takes a candidate (a record of values');
  });
});

describe('applySource: round trips (property)', () => {
  it('re-annotating an applied file gives the DNA values as its originals, and the original values restore the file', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FIXTURES), fc.integer({ min: 0, max: 1_000_000 }), (name, seed) => {
        const text = fixture(name);
        const result = annotation(name);
        const dna = randomDNA(dnaSpec(result.space), seededRng(seed));
        const expected = leaves(materialize(result.space, dna));
        const applied = applySource(text, dna, { fileName: `${name}.ts` }).code;

        const again = annotateSource(applied, { fileName: `${name}.ts` });
        expect(again.decisions.map((d) => d.key)).toEqual(result.decisions.map((d) => d.key));
        const got = leaves(again.original);
        for (const [key, value] of expected) expect(digits12(got.get(key)), key).toBe(digits12(value));
        // The applied file's own values are a point of its own space.
        expect(() => encode(again.space, again.original)).not.toThrow();

        expect(applySource(text, result.original, { fileName: `${name}.ts` }).code).toBe(text);
        expect(applySource(applied, again.original, { fileName: `${name}.ts` }).code).toBe(applied);
        expect(applySource(applied, result.original, { fileName: `${name}.ts` }).code).toBe(text);
      }),
      { seed: 20240611, numRuns: 30 },
    );
  });
});

describe('applyFile and unifiedDiff', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pliant-apply-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const text = fixture('mnist-cnn');
  const values = withValue(annotation('mnist-cnn').original, 'createModel.dense_1.units', 128);

  it('prints a diff and writes nothing on a dry run', async () => {
    const file = join(dir, 'dry.ts');
    writeFileSync(file, text);
    const result = await applyFile(file, values, { dryRun: true });
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect(result.changes.map((c) => c.key)).toEqual(['createModel.dense_1.units']);
    expect(result.diff).toContain("-      tf.layers.dense({ units: 64, activation: 'relu' }),");
    expect(result.diff).toContain("+      tf.layers.dense({ units: 128, activation: 'relu' }),");
    expect(result.diff).toContain(`--- a/${relative(process.cwd(), file)}`);
  });

  it('writes the file in place, or to `out`', async () => {
    const file = join(dir, 'inplace.ts');
    writeFileSync(file, text);
    await applyFile(file, values);
    expect(readFileSync(file, 'utf8')).toBe(text.replace('units: 64,', 'units: 128,'));
    const source = join(dir, 'source.ts');
    const out = join(dir, 'out.ts');
    writeFileSync(source, text);
    const unchanged = await applyFile(source, annotation('mnist-cnn').original, { out });
    expect(unchanged.diff).toBe('');
    expect(readFileSync(out, 'utf8')).toBe(text);
    expect(readFileSync(source, 'utf8')).toBe(text);
  });

  it('rejects a file it cannot read', async () => {
    const missing = join(dir, 'missing.ts');
    await expect(applyFile(missing, values)).rejects.toThrow(`apply: cannot read ${missing}`);
    expect(existsSync(missing)).toBe(false);
  });

  it('unifiedDiff is empty for equal texts', () => {
    expect(unifiedDiff('a\n', 'a\n', 'f.ts')).toBe('');
    const diff = unifiedDiff('a\nb\n', 'a\nc\n', 'f.ts');
    expect(diff).toContain('-b\n+c');
  });
});

describe('applySource with rules', () => {
  it('uses the rules the file was annotated with', () => {
    const text = "import * as tf from '@tensorflow/tfjs';\nexport const m = () => tf.layers.dense({ units: 8, useBias: true });\n";
    const rules: AnnotationRule[] = [{ name: 'bias', calls: ['layers.dense'], args: ['useBias'], hyper: { oneOf: [true, false] } }];
    const values: Record<string, Record<string, Record<string, LiteralValue>>> = { m: { dense_1: { useBias: false } } };
    expect(applySource(text, values, { rules }).code).toBe(text.replace('useBias: true', 'useBias: false'));
    // With the default rules the same candidate names no decision of the file.
    const error = errorOf(() => applySource(text, values));
    expect(error.code).toBe('key-path');
    expect(error.path).toBe('m.dense_1.useBias');
  });
});

describe('apply with precision: a value that rounds back to the original', () => {
  it('is no change', () => {
    const text = "import * as tf from '@tensorflow/tfjs';\nconst LR = 0.001;\nexport const o = tf.train.adam(LR);\n";
    const applied = applySource(text, { LR: 0.0010001 }, { precision: 3 });
    expect(applied.changes).toEqual([]);
    expect(applied.code).toBe(text);
    expect(applySource(text, { LR: 0.0010001 }).changes).toEqual([{ key: 'LR', line: 2, column: 12, before: '0.001', after: '0.0010001' }]);
  });
});
