import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { annotateSource } from '../../../src/codemod/annotate.js';
import type { AnnotateResult } from '../../../src/codemod/annotate.js';
import type { AnnotationRule, LiteralValue } from '../../../src/codemod/annotation-rules.js';
import { applyFile, applySource, unifiedDiff } from '../../../src/codemod/apply.js';
import { defaultAnnotationRules } from '../../../src/codemod/annotation-rules.js';
import { findSites } from '../../../src/codemod/find-sites.js';
import type { Site, TextEdit } from '../../../src/codemod/site.js';
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

/** The value at a dotted key of a nested record. */
function valueAt(values: TreeValue, key: string): LiteralValue {
  return leaves(values).get(key) as LiteralValue;
}

/** The sites `apply` writes to, as `annotate` found them: spans, dropped arguments, removals. */
const sites = new Map<Fixture, readonly Site[]>(
  FIXTURES.map((name) => [name, findSites(fixture(name), `${name}.ts`, defaultAnnotationRules(), 'apply').sites]),
);
function sitesOf(name: Fixture): readonly Site[] {
  return sites.get(name) as readonly Site[];
}

/** A literal value as code, in its site's quote (the fixtures' strings hold no quote or backslash). */
function written(value: LiteralValue, quote: string): string {
  if (Array.isArray(value)) return `[${value.map((v) => written(v, quote)).join(', ')}]`;
  if (typeof value === 'string') {
    expect(value).not.toMatch(/['"`\\]/);
    return `${quote}${value}${quote}`;
  }
  return String(value);
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** What `apply` should do with a candidate, worked out from the sites alone. */
interface Plan {
  /** The edits of the original, in file order and not overlapping: replacements (values, kinds) and deletions (merged). */
  readonly edits: readonly TextEdit[];
  /** The deletions alone: arguments a chosen kind does not take, layers left out. */
  readonly removed: readonly TextEdit[];
  /** The decisions `apply` should report, in reading order, with the text written. */
  readonly changed: readonly { readonly site: Site; readonly after: string; readonly dropped?: readonly string[] }[];
}

/**
 * The edits that write `values` into the file: a value that differs from the original replaces its
 * literal (an argument left to its default is written with the text around it, also when its call's
 * kind changes); a kind that differs replaces the method's name, and the arguments the new kind does
 * not take are deleted with their commas; a layer left out is deleted. What lies inside a deletion is
 * neither written nor reported (the layer left out is reported).
 */
function plan(text: string, all: readonly Site[], values: TreeValue): Plan {
  const writes: { site: Site; edit: TextEdit; dropped?: readonly string[] }[] = [];
  const deletions: TextEdit[] = [];
  const leftOut: Site[] = [];
  for (const site of all) {
    const value = valueAt(values, site.key);
    if (site.kind === 'value') {
      const kind = site.insert?.withKind === undefined ? undefined : all.find((s) => s.key === site.insert?.withKind);
      const kindChanged = kind !== undefined && !same(valueAt(values, kind.key), kind.original);
      if (same(value, site.original) && !kindChanged) continue;
      const literal = written(value, site.quote);
      const text = site.insert === undefined ? literal : `${site.insert.before}${literal}${site.insert.after}`;
      writes.push({ site, edit: { start: site.start, end: site.end, text } });
    } else if (site.kind === 'operator') {
      if (value === site.original) continue;
      const drops = site.drops[String(value)] ?? [];
      writes.push({
        site,
        edit: { start: site.start, end: site.end, text: String(value) },
        ...(drops.length === 0 ? {} : { dropped: drops.map((d) => text.slice(d.start, d.end)) }),
      });
      for (const d of drops) deletions.push({ start: d.removeStart, end: d.removeEnd, text: '' });
    } else if (value === false) {
      leftOut.push(site);
      deletions.push(...site.removals);
    }
  }
  const removed: TextEdit[] = [];
  for (const d of [...deletions].sort((a, b) => a.start - b.start)) {
    const last = removed[removed.length - 1];
    if (last !== undefined && d.start <= last.end) removed[removed.length - 1] = { start: last.start, end: Math.max(last.end, d.end), text: '' };
    else removed.push(d);
  }
  const inside = (e: TextEdit): boolean => removed.some((r) => r.start <= e.start && e.end <= r.end && e.start < r.end);
  const kept = writes.filter((w) => !inside(w.edit));
  const changed = [
    ...kept.map((w) => ({ site: w.site, after: w.edit.text, ...(w.dropped === undefined ? {} : { dropped: w.dropped }) })),
    ...leftOut.map((site) => ({ site, after: '(left out)' })),
  ].sort((a, b) => a.site.start - b.site.start);
  const edits = [...kept.map((w) => w.edit), ...removed].sort((a, b) => a.start - b.start);
  for (let i = 1; i < edits.length; i++) expect((edits[i] as TextEdit).start).toBeGreaterThanOrEqual((edits[i - 1] as TextEdit).end);
  return { edits, removed, changed };
}

/** `text` with non-overlapping edits of it made. */
function splice(text: string, edits: readonly TextEdit[]): string {
  let out = '';
  let at = 0;
  for (const e of [...edits].sort((a, b) => a.start - b.start)) {
    out += text.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + text.slice(at);
}

/** Where an offset of the original is after the edits (the edits before it shift it). */
function shifted(offset: number, edits: readonly TextEdit[]): number {
  let shift = 0;
  for (const e of edits) if (e.end <= offset && e.end > e.start) shift += e.text.length - (e.end - e.start);
  for (const e of edits) if (e.start === e.end && e.start < offset) shift += e.text.length;
  return offset + shift;
}

/** The `[start, end)` of each line of a text (without its line end). */
function lineSpans(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let start = 0;
  for (const line of text.split('\n')) {
    out.push({ start, end: start + line.length });
    start += line.length + 1;
  }
  return out;
}

/** `line:column` (1-based) of an offset. */
function position(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `${line}:${offset - (before.lastIndexOf('\n') + 1) + 1}`;
}

/** A random DNA's values with every layer that can be left out kept: only literals and kinds change, in place. */
function keepingLayers(result: AnnotateResult, seed: number): TreeValue {
  let values = materialize(result.space, randomDNA(dnaSpec(result.space), seededRng(seed)));
  for (const d of result.decisions) if (d.kind === 'optional') values = withValue(values, d.key, true);
  return values;
}

/** The decisions a candidate leaves in the file: a layer left out takes its own decisions (`dropout_1.rate`) with it. */
function remaining(result: AnnotateResult, values: Map<string, unknown>): AnnotateResult['decisions'] {
  const gone = result.decisions.filter((d) => d.kind === 'optional' && values.get(d.key) === false).map((d) => d.key.slice(0, -'keep'.length));
  return result.decisions.filter((d) => !gone.some((prefix) => d.key.startsWith(prefix)));
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
    it(`${name}: a random DNA changes only what its changed decisions span, and lists exactly the changed keys`, () => {
      const text = fixture(name);
      const result = annotation(name);
      const sites = sitesOf(name);
      let differing = 0;
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 1_000_000 }), (seed) => {
          const dna = randomDNA(dnaSpec(result.space), seededRng(seed));
          const values = materialize(result.space, dna);
          const applied = applySource(text, dna, { fileName: `${name}.ts` });
          const planned = plan(text, sites, values);
          differing += planned.changed.length;

          // The file is the original with exactly the planned edits: byte for byte.
          expect(applied.code).toBe(splice(text, planned.edits));
          expect(applied.changes.map((c) => [c.key, c.kind, c.line, c.column, c.before, c.after, c.dropped])).toEqual(
            planned.changed.map(({ site, after, dropped }) => [site.key, site.kind, site.line, site.column, site.text, after, dropped]),
          );
          // Every line of the original that no changed decision touches is in the output as it was.
          const lines = lineSpans(text);
          for (const { start, end } of lines) {
            if (planned.edits.some((e) => e.start <= end && e.end >= start)) continue;
            const at = shifted(start, planned.edits);
            expect(applied.code.slice(at, at + (end - start))).toBe(text.slice(start, end));
          }
        }),
        { seed: 100 + index, numRuns: 20 },
      );
      expect(differing).toBeGreaterThan(0);
    });

    it(`${name}: a random candidate that keeps every layer changes only the lines of decided literals and kinds, and lists exactly the changed keys`, () => {
      const text = fixture(name);
      const result = annotation(name);
      const chosen = keepingLayers(result, 100 + index);
      const values = leaves(chosen);
      const applied = applySource(text, chosen, { fileName: `${name}.ts` });

      const differing = result.decisions.filter((d) => values.get(d.key) !== d.original);
      expect(differing.length).toBeGreaterThan(0);
      expect(applied.changes.map((c) => c.key)).toEqual(differing.map((d) => d.key));
      applied.changes.forEach((change, i) => {
        const decision = differing[i];
        expect([change.line, change.column, change.before]).toEqual([decision?.line, decision?.column, decision?.text]);
        const value = values.get(change.key);
        // A kind is written as the method's name; a string literal keeps its quotes.
        if (decision?.kind === 'operator') expect(change.after).toBe(value);
        else if (typeof value === 'string') expect(change.after).toBe(`'${value}'`);
        else expect(Number(change.after)).toBe(value);
      });

      const before = text.split('\n');
      const after = applied.code.split('\n');
      expect(after.length).toBe(before.length);
      const changedLines = new Set(before.flatMap((line, i) => (line === after[i] ? [] : [i + 1])));
      expect(changedLines).toEqual(new Set(applied.changes.map((c) => c.line)));
      // Each changed line is the old line with the literals and kinds replaced, in place, and the
      // arguments a new kind does not take removed with their comma.
      for (const lineNo of changedLines) {
        let line = before[lineNo - 1] as string;
        const onLine = applied.changes.filter((c) => c.line === lineNo).sort((a, b) => b.column - a.column);
        for (const c of onLine) line = line.slice(0, c.column - 1) + c.after + line.slice(c.column - 1 + c.before.length);
        for (const dropped of onLine.flatMap((c) => c.dropped ?? [])) line = line.replace(`, ${dropped}`, '');
        expect(after[lineNo - 1]).toBe(line);
      }
    });
  }

  it('renames a kind, drops what the new kind does not take, and removes a layer left out (mnist-cnn)', () => {
    const text = fixture('mnist-cnn');
    let values = annotation('mnist-cnn').original;
    values = withValue(values, 'createModel.conv2d_1.kind', 'separableConv2d');
    values = withValue(values, 'createModel.maxPooling2d_2.kind', 'averagePooling2d');
    values = withValue(values, 'createModel.dropout_1.keep', false);
    values = withValue(values, 'createModel.dropout_1.rate', 0.4); // inside the layer left out: not written
    values = withValue(values, 'compileModel.adam.kind', 'sgd');
    const applied = applySource(text, values, { fileName: 'mnist-cnn.ts' });
    expect(applied.changes).toEqual([
      { key: 'createModel.conv2d_1.kind', kind: 'operator', line: 12, column: 17, before: 'conv2d', after: 'separableConv2d' },
      { key: 'createModel.maxPooling2d_2.kind', kind: 'operator', line: 16, column: 17, before: 'maxPooling2d', after: 'averagePooling2d' },
      { key: 'createModel.dropout_1.keep', kind: 'optional', line: 19, column: 7, before: 'tf.layers.dropout({ rate: 0.2 })', after: '(left out)' },
      { key: 'compileModel.adam.kind', kind: 'operator', line: 27, column: 25, before: 'adam', after: 'sgd' },
    ]);
    const lines = text.split('\n');
    const expected = [
      ...lines.slice(0, 11),
      "      tf.layers.separableConv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, activation: 'relu' }),",
      ...lines.slice(12, 15),
      '      tf.layers.averagePooling2d({ poolSize: 2, strides: 2 }),',
      ...lines.slice(16, 18),
      // line 19, the dropout, is gone
      ...lines.slice(19, 26),
      '    optimizer: tf.train.sgd(LEARNING_RATE),',
      ...lines.slice(27),
    ];
    expect(applied.code).toBe(expected.join('\n'));
  });

  it('drops the positional arguments another optimizer does not take, and writes the learning rate beside a new kind (two-models)', () => {
    const text = fixture('two-models');
    let values = annotation('two-models').original;
    values = withValue(values, 'createTeacher.adam.kind', 'rmsprop');
    values = withValue(values, 'createStudent.rmsprop.kind', 'adam');
    values = withValue(values, 'createStudent.rmsprop.learningRate', 0.02);
    const applied = applySource(text, values, { fileName: 'two-models.ts' });
    expect(applied.code).toBe(
      text
        .replace(
          "teacher.compile({ optimizer: tf.train.adam(0.002, 0.5), loss: 'categoricalCrossentropy' });",
          "teacher.compile({ optimizer: tf.train.rmsprop(0.002), loss: 'categoricalCrossentropy' });",
        )
        .replace(
          "student.compile({ optimizer: tf.train.rmsprop(0.01), loss: 'categoricalCrossentropy' });",
          "student.compile({ optimizer: tf.train.adam(0.02), loss: 'categoricalCrossentropy' });",
        ),
    );
    expect(applied.changes.map((c) => [c.key, c.before, c.after, c.dropped])).toEqual([
      ['createTeacher.adam.kind', 'adam', 'rmsprop', ['0.5']],
      ['createStudent.rmsprop.kind', 'rmsprop', 'adam', undefined],
      ['createStudent.rmsprop.learningRate', '0.01', '0.02', undefined],
    ]);
  });

  it('removes a layer from an .apply chain and from a list of layers (residual, helpers)', () => {
    const residual = fixture('residual');
    const r = applySource(residual, withValue(annotation('residual').original, 'createModel.layerNormalization_1.keep', false), { fileName: 'residual.ts' });
    expect(r.code).toBe(
      residual.replace(
        '  const normed = layers.layerNormalization({ epsilon: 1e-3 }).apply(sum) as SymbolicTensor;',
        '  const normed = sum as SymbolicTensor;',
      ),
    );
    const helpers = fixture('helpers');
    let values = annotation('helpers').original;
    values = withValue(values, 'convBlock.batchNormalization_1.keep', false);
    values = withValue(values, 'convBlock.conv2d_1.kind', 'separableConv2d');
    values = withValue(values, 'classifierHead.dropout_1.keep', false);
    const h = applySource(helpers, values, { fileName: 'helpers.ts' });
    expect(h.code).toBe(
      helpers
        .replace(
          "    tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu' }),",
          "    tf.layers.separableConv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu' }),",
        )
        .replace('    tf.layers.batchNormalization(),\n', '')
        .replace('  tf.layers.dropout({ rate: /* @search oneOf(0.1, 0.3, 0.5) */ 0.3 }),\n', ''),
    );
    expect(h.changes.map((c) => [c.key, c.line, c.after])).toEqual([
      ['convBlock.conv2d_1.kind', 7, 'separableConv2d'],
      ['convBlock.batchNormalization_1.keep', 8, '(left out)'],
      ['classifierHead.dropout_1.keep', 16, '(left out)'],
    ]);
  });

  it('changes a recurrent kind (text-lstm)', () => {
    const text = fixture('text-lstm');
    const applied = applySource(text, withValue(annotation('text-lstm').original, 'createModel.lstm_1.kind', 'simpleRNN'), { fileName: 'text-lstm.ts' });
    expect(applied.code).toBe(text.replace('tf.layers.lstm({ units: 16,', 'tf.layers.simpleRNN({ units: 16,'));
  });

  it('writes a chosen candidate at exactly its literals', () => {
    const text = fixture('mnist-cnn');
    let values = annotation('mnist-cnn').original;
    values = withValue(values, 'createModel.dense_1.units', 128);
    values = withValue(values, 'createModel.conv2d_2.activation', 'gelu');
    values = withValue(values, 'LEARNING_RATE', 0.003);
    const applied = applySource(text, values, { fileName: 'mnist-cnn.ts' });
    expect(applied.changes).toEqual([
      { key: 'LEARNING_RATE', kind: 'value', line: 7, column: 23, before: '0.001', after: '0.003' },
      { key: 'createModel.conv2d_2.activation', kind: 'value', line: 15, column: 66, before: "'relu'", after: "'gelu'" },
      { key: 'createModel.dense_1.units', kind: 'value', line: 18, column: 32, before: '64', after: '128' },
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

  it('rejects a kind that is not one of its alternatives: it would be written as the method name', () => {
    const injected = errorOf(() => applySource(text, withValue(original, 'createModel.conv2d_1.kind', 'conv2d({}); evil'), options));
    expect(injected.code).toBe('key-path');
    expect(injected.path).toBe('createModel.conv2d_1.kind');
    const unknown = errorOf(() => applySource(text, withValue(original, 'compileModel.adam.kind', 'banana'), options));
    expect(unknown.code).toBe('key-path');
    expect(unknown.path).toBe('compileModel.adam.kind');
  });

  it('rejects a record, or a list of records, for a list literal', () => {
    const conv = "import * as tf from '@tensorflow/tfjs';\nexport const m = () => tf.layers.conv2d({ filters: 8, kernelSize: [3, 3] });\n";
    const values = annotateSource(conv).original;
    expect(applySource(conv, withValue(values, 'm.conv2d_1.kernelSize', [5, 5])).code).toBe(conv.replace('[3, 3]', '[5, 5]'));
    for (const bad of [{ a: 1 }, [{ a: 1 }, 3]]) {
      const error = errorOf(() => applySource(conv, withValue(values, 'm.conv2d_1.kernelSize', bad)));
      expect(error.code, JSON.stringify(bad)).toBe('key-path');
      expect(error.path).toBe('m.conv2d_1.kernelSize');
    }
  });

  it('rejects a DNA of the wrong length', () => {
    const error = errorOf(() => applySource(text, DNA.of([0, 1]), options));
    expect(error.code).toBe('argument');
    expect(error.message).toContain("the DNA is not one of mnist-cnn.ts's search space");
    expect(error.message).toContain('expected a list of 19 decisions');
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
  it('with kinds and layers as they are: re-annotating an applied file gives the same decisions with the DNA values as originals, and the original values restore the file', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FIXTURES), fc.integer({ min: 0, max: 1_000_000 }), (name, seed) => {
        const text = fixture(name);
        const result = annotation(name);
        // A random candidate whose kinds and optional layers keep their original values: values change, nothing else.
        let values = materialize(result.space, randomDNA(dnaSpec(result.space), seededRng(seed)));
        for (const site of sitesOf(name)) if (site.kind !== 'value') values = withValue(values, site.key, site.original);
        const applied = applySource(text, values, { fileName: `${name}.ts` });

        // Only the lines of changed literals change, each in place.
        const before = text.split('\n');
        const after = applied.code.split('\n');
        expect(after.length).toBe(before.length);
        const changedLines = new Set(before.flatMap((line, i) => (line === after[i] ? [] : [i + 1])));
        expect(changedLines).toEqual(new Set(applied.changes.map((c) => c.line)));
        for (const lineNo of changedLines) {
          let line = before[lineNo - 1] as string;
          const onLine = applied.changes.filter((c) => c.line === lineNo).sort((a, b) => b.column - a.column);
          for (const c of onLine) line = line.slice(0, c.column - 1) + c.after + line.slice(c.column - 1 + c.before.length);
          expect(after[lineNo - 1]).toBe(line);
        }

        const again = annotateSource(applied.code, { fileName: `${name}.ts` });
        expect(again.decisions.map((d) => d.key)).toEqual(result.decisions.map((d) => d.key));
        const got = leaves(again.original);
        for (const [key, value] of leaves(values)) expect(digits12(got.get(key)), key).toEqual(digits12(value));
        expect(() => encode(again.space, again.original)).not.toThrow();

        expect(applySource(text, result.original, { fileName: `${name}.ts` }).code).toBe(text);
        expect(applySource(applied.code, again.original, { fileName: `${name}.ts` }).code).toBe(applied.code);
        expect(applySource(applied.code, result.original, { fileName: `${name}.ts` }).code).toBe(text);
      }),
      { seed: 20240611, numRuns: 40 },
    );
  });

  it('with everything decided at random: every decision that survives is found again at its new place with the chosen value, and nothing else is', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FIXTURES), fc.integer({ min: 0, max: 1_000_000 }), (name, seed) => {
        const text = fixture(name);
        const result = annotation(name);
        const sites = sitesOf(name);
        const values = materialize(result.space, randomDNA(dnaSpec(result.space), seededRng(seed)));
        const applied = applySource(text, values, { fileName: `${name}.ts` }).code;
        const planned = plan(text, sites, values);

        // Where each surviving decision is in the applied file, and what it holds there. A renamed kind
        // and a layer left out change the keys (`conv2d_1` is `separableConv2d_1` now; the next dropout
        // is `dropout_1`), so decisions are matched by place, not by key.
        const expected = new Map<string, [Site['kind'], unknown]>();
        for (const site of sites) {
          if (planned.removed.some((r) => r.start <= site.start && site.start < r.end)) continue;
          expect(site.kind === 'value' && site.insert !== undefined, `${site.key}: the fixtures have no default-valued arguments`).toBe(false);
          const at = position(applied, shifted(site.start, planned.edits));
          expected.set(at, [site.kind, site.kind === 'optional' ? true : digits12(valueAt(values, site.key))]);
        }
        const again = annotateSource(applied, { fileName: `${name}.ts` });
        const found = new Map(again.decisions.map((d) => [`${d.line}:${d.column}`, [d.kind, digits12(d.original)] as [Site['kind'], unknown]]));
        expect(found).toEqual(expected);

        expect(() => encode(again.space, again.original)).not.toThrow();
        expect(applySource(applied, again.original, { fileName: `${name}.ts` }).code).toBe(applied);
        expect(applySource(text, result.original, { fileName: `${name}.ts` }).code).toBe(text);
      }),
      { seed: 20240612, numRuns: 30 },
    );
  });

  it('re-annotating an applied file finds the chosen values where they were written, and the original values restore the file', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FIXTURES), fc.integer({ min: 0, max: 1_000_000 }), (name, seed) => {
        const text = fixture(name);
        const result = annotation(name);
        const dna = randomDNA(dnaSpec(result.space), seededRng(seed));
        const values = leaves(materialize(result.space, dna));
        const { code: applied, changes } = applySource(text, dna, { fileName: `${name}.ts` });

        // A kind written changes the layer's key (conv2d_1 becomes separableConv2d_1), so the
        // decisions are matched in reading order: those of the layers left in, with the chosen values.
        const left = remaining(result, values);
        const again = annotateSource(applied, { fileName: `${name}.ts` });
        expect(again.decisions.map((d) => d.kind)).toEqual(left.map((d) => d.kind));
        again.decisions.forEach((d, i) => expect(digits12(d.original), d.key).toBe(digits12(values.get((left[i] as { key: string }).key))));
        // The applied file's own values are a point of its own space, and reproduce it.
        expect(() => encode(again.space, again.original)).not.toThrow();
        expect(applySource(applied, again.original, { fileName: `${name}.ts` }).code).toBe(applied);
        expect(applySource(text, result.original, { fileName: `${name}.ts` }).code).toBe(text);
        // With every layer and argument still there, the original values written under the new keys restore the file.
        if (left.length === result.decisions.length && changes.every((c) => c.dropped === undefined)) {
          let back = again.original;
          again.decisions.forEach((d, i) => {
            back = withValue(back, d.key, (result.decisions[i] as { original: unknown }).original);
          });
          expect(applySource(applied, back, { fileName: `${name}.ts` }).code).toBe(text);
        }
      }),
      { seed: 20240611, numRuns: 40 },
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
    const candidate = { LR: 0.0010001, adam: { kind: 'adam' } };
    const applied = applySource(text, candidate, { precision: 3 });
    expect(applied.changes).toEqual([]);
    expect(applied.code).toBe(text);
    expect(applySource(text, candidate).changes).toEqual([{ key: 'LR', kind: 'value', line: 2, column: 12, before: '0.001', after: '0.0010001' }]);
  });
});
