import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { ts } from 'ts-morph';
import { afterAll, describe, expect, it } from 'vitest';
import { annotateSource } from '../../../src/codemod/annotate.js';
import type { AnnotateResult } from '../../../src/codemod/annotate.js';
import type { AnnotationRule, LiteralValue } from '../../../src/codemod/annotation-rules.js';
import { applySource } from '../../../src/codemod/apply.js';
import { candidateValues } from '../../../src/codemod/candidate-values.js';
import { seededRng } from '../../../src/base/rng.js';
import { randomDNA } from '../../../src/geno/random.js';
import { dnaSpec, encode, materialize } from '../../../src/geno/template.js';
import { floatv } from '../../../src/hyper/floatv.js';
import { intv } from '../../../src/hyper/intv.js';
import { oneOf } from '../../../src/hyper/one-of.js';
import type { TreeValue } from '../../../src/symbolic/node.js';
import { errorOf } from '../../support/error-of.js';

const FIXTURES = ['helpers', 'mnist-cnn', 'residual', 'text-lstm', 'two-models'] as const;
type Fixture = (typeof FIXTURES)[number];

function fixture(name: Fixture): string {
  return readFileSync(new URL(`../../fixtures/codemod/${name}.ts`, import.meta.url), 'utf8');
}

function annotateFixture(name: Fixture): AnnotateResult {
  return annotateSource(fixture(name), { fileName: `${name}.ts` });
}

/** The value at a dotted key of a nested record. */
function at(tree: TreeValue, key: string): unknown {
  let node: unknown = tree;
  for (const p of key.split('.')) node = (node as Record<string, unknown>)[p];
  return node;
}

/** The leaves of a nested record, by dotted key, in insertion order. */
function leaves(tree: unknown, prefix = ''): [string, unknown][] {
  if (typeof tree !== 'object' || tree === null || Array.isArray(tree)) return [[prefix, tree]];
  return Object.entries(tree as Record<string, unknown>).flatMap(([k, v]) => leaves(v, prefix === '' ? k : `${prefix}.${k}`));
}

/**
 * The input back from a generated ES module (TypeScript or JavaScript): the inserted import and
 * block removed, and each edit of the body undone:
 *
 * - `ns[$.key as 'conv2d'](` (TypeScript) or `ns[$.key](` (JavaScript), a kind, back to `ns.conv2d(`;
 * - `...($.key !== "a" && $.key !== "b" ? { arg } : {})`, an argument only some kinds take, back to `arg`;
 * - `...(($.key !== "a" ? [args] : []) as unknown as [])` (the `as` in TypeScript only), positional ones, back to `args`;
 * - `($.key ? layer : ns.activation({ activation: 'linear' }))`, a layer that can be left out, back to `layer`;
 * - an argument left to its default and read from `$` (`, { batchSize: $.key }`, `batchSize: $.key, `,
 *   `batchSize: $.key`, `$.key`), back to nothing;
 * - `$.key`, a value, back to the literal text it stands for;
 * - for a `const` imported from another file (a decision with `file`), each read of it back to the
 *   imported name (the key's last part): `NAME: $.key` after `{` or `,` (a shorthand property), and
 *   `$.key`.
 *
 * `replaced` has each decision site undone (`form key`), `dropped` the kind decision of each
 * argument wrapper undone. Whatever else differs from the input stays in `text`.
 */
function restore(result: AnnotateResult, eol: string, ref = '$'): { text: string; replaced: string[]; dropped: string[] } {
  const code = result.code;
  const blockStart = code.indexOf('// pliant:search-space');
  const endMark = '// pliant:end';
  const end = code.indexOf(endMark);
  expect(blockStart).toBeGreaterThan(0);
  expect(end).toBeGreaterThan(blockStart);
  // The import line, then a blank line, then the block.
  expect(code.slice(blockStart - 2 * eol.length, blockStart)).toBe(eol + eol);
  const lineStart = code.lastIndexOf(eol, blockStart - 2 * eol.length - 1) + eol.length;
  const importLine = code.slice(lineStart, blockStart - 2 * eol.length);
  expect(importLine).toMatch(/^import \{ (type Concrete(?: as \w+)?, )?candidateValues(?: as \w+)?(?:, \w+(?: as \w+)?)* \} from '[^']+';$/);
  // After the last import: `eol import eol eol block`; before the first statement of a file without imports: `import eol eol block eol eol`.
  const afterImports = /^import /m.test(code.slice(0, lineStart));
  let text = afterImports
    ? code.slice(0, lineStart - eol.length) + code.slice(end + endMark.length)
    : code.slice(0, lineStart) + code.slice(end + endMark.length + 2 * eol.length);

  const byKey = new Map(result.decisions.map((d) => [d.key, d]));
  const replaced: string[] = [];
  const dropped: string[] = [];
  const read = `${ref.replace(/\$/g, '\\$')}(?:\\.[A-Za-z_$][\\w$]*|\\["(?:[^"\\\\]|\\\\.)*"\\])+`;
  const keyOf = (access: string): string =>
    [...access.slice(ref.length).matchAll(/\.([A-Za-z_$][\w$]*)|\[("(?:[^"\\]|\\.)*")\]/g)]
      .map((m) => (m[1] !== undefined ? m[1] : (JSON.parse(m[2] as string) as string)))
      .join('.');
  const decision = (access: string, kind: string): AnnotateResult['decisions'][number] => {
    const d = byKey.get(keyOf(access));
    expect(d?.kind, `${access} is read as ${kind}`).toBe(kind);
    return d as AnnotateResult['decisions'][number];
  };
  // The kinds a wrapped argument is kept for: all comparisons read the same kind decision.
  const keeps = (condition: string): string => {
    const accesses = [...condition.matchAll(new RegExp(`(${read}) !== "[^"]*"`, 'g'))].map((m) => m[1] as string);
    expect(new Set(accesses).size, condition).toBe(1);
    return decision(accesses[0] as string, 'operator').key;
  };
  const condition = `${read} !== "[^"]*"(?: && ${read} !== "[^"]*")*`;
  text = text.replace(new RegExp(`\\.\\.\\.\\((${condition}) \\? \\{ (.*?) \\} : \\{\\}\\)`, 'g'), (_w, c: string, argument: string) => {
    dropped.push(keeps(c));
    return argument;
  });
  text = text.replace(
    new RegExp(`\\.\\.\\.\\(\\((${condition}) \\? \\[(.*?)\\] : \\[\\]\\)(?: as unknown as \\[\\])?\\)`, 'g'),
    (_w, c: string, args: string) => {
      dropped.push(keeps(c));
      return args;
    },
  );
  text = text.replace(
    new RegExp(`\\((${read}) \\? (.*?) : [\\w$.]+\\.activation\\(\\{ activation: 'linear' \\}\\)\\)`, 'g'),
    (_w, access: string, layer: string) => {
      replaced.push(`optional ${decision(access, 'optional').key}`);
      return layer;
    },
  );
  text = text.replace(new RegExp(`\\[(${read})(?: as '([\\w$]+)')?\\]`, 'g'), (whole, access: string, cast: string | undefined) => {
    const d = byKey.get(keyOf(access));
    if (d?.kind !== 'operator') return whole;
    if (cast !== undefined) expect(cast).toBe(d.original);
    replaced.push(`operator ${d.key}`);
    return `.${d.text}`;
  });
  for (const d of result.decisions.filter((x) => x.kind === 'value' && x.text === '')) {
    const access = `${ref}${d.key
      .split('.')
      .map((p) => (/^[A-Za-z_$][\w$]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`))
      .join('')}`;
    const arg = d.key.slice(d.key.lastIndexOf('.') + 1);
    // `fit(x, y)` and `fit(x, y, {})` read the same (`fit(x, y, { batchSize: $... })`): the label, which
    // starts with the call as written, tells which it was.
    const intoEmpty = /\{\s*\}\): \w+ \(its default/.test(d.label);
    const forms = intoEmpty ? [` ${arg}: ${access} `, ` ${arg}: ${access}`] : [`, { ${arg}: ${access} }`, `${arg}: ${access}, `, access];
    const form = forms.find((f) => text.includes(f));
    expect(form, `${d.key}: an argument left to its default`).toBeDefined();
    text = text.replace(form as string, '');
    replaced.push(`default ${d.key}`);
  }
  for (const d of result.decisions.filter((x) => x.file !== undefined)) {
    const access = `${ref}${d.key
      .split('.')
      .map((p) => (/^[A-Za-z_$][\w$]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`))
      .join('')}`.replace(/[$.[\]"\\]/g, '\\$&');
    const name = d.key.slice(d.key.lastIndexOf('.') + 1);
    text = text.replace(new RegExp(`(?<=[{,]\\s*)${name.replace(/\$/g, '\\$')}: ${access}(?![\\w$])`, 'g'), () => name);
    text = text.replace(new RegExp(`${access}(?![\\w$])`, 'g'), () => name);
    replaced.push(`value ${d.key}`);
  }
  text = text.replace(new RegExp(read, 'g'), (whole) => {
    const d = byKey.get(keyOf(whole));
    if (d?.kind !== 'value' || d.text === '') return whole;
    replaced.push(`value ${d.key}`);
    return d.text;
  });
  return { text, replaced, dropped };
}

/** How each decision of a result is read in its module (what `restore` undoes): `value`, `default`, `operator` or `optional`, with its key. */
function forms(result: AnnotateResult): string[] {
  return result.decisions.map((d) => `${d.kind === 'value' && d.text === '' ? 'default' : d.kind} ${d.key}`);
}

const RELU = "oneOf(['relu', 'elu', 'gelu', 'tanh'])";
const KEEP = 'oneOf([true, false])';
const CONV = "oneOf(['conv2d', 'separableConv2d'])";
const POOL = "oneOf(['maxPooling2d', 'averagePooling2d'])";
const OUTPUT = 'an output layer: its size and activation belong to the task';
const nothing = (call: string): string => `nothing to tune in ${call}: no argument a rule tunes`;

interface Expected {
  /**
   * The decisions in reading order: key, original value, hyper value. A literal tied to another's
   * decision (widths a merge keeps equal) repeats its key.
   */
  readonly decisions: readonly (readonly [key: string, original: LiteralValue, hyper: string])[];
  /** The kind decisions whose module keeps an argument for some kinds only, once per argument (list). */
  readonly dropped?: readonly string[];
  /** How many layer, optimizer, compile and fit calls the file has. */
  readonly calls: number;
  readonly skipped: readonly { line: number; text: string; reason: string; kind: 'unsafe' | 'kept' }[];
}

const EXPECTED: Record<Fixture, Expected> = {
  helpers: {
    decisions: [
      // convBlock's layers: one decision each, shared by both calls of convBlock
      ['convBlock.conv2d_1.kind', 'conv2d', CONV],
      ['convBlock.conv2d_1.kernelSize', 3, 'oneOf([3, 5])'],
      ['convBlock.conv2d_1.activation', 'relu', RELU],
      ['convBlock.batchNormalization_1.keep', true, KEEP],
      ['convBlock.maxPooling2d_1.kind', 'maxPooling2d', POOL],
      ['convBlock.maxPooling2d_1.poolSize', 2, 'oneOf([2, 3])'],
      ['classifierHead.dense_1.units', 32, 'oneOf([16, 32, 64])'],
      ['classifierHead.dense_1.activation', 'relu', RELU],
      ['classifierHead.dropout_1.keep', true, KEEP],
      ['classifierHead.dropout_1.rate', 0.3, 'oneOf([0.1, 0.3, 0.5])'], // @search
      // `filters` is convBlock's parameter: a decision at each call, convBlock(8) and convBlock(16)
      ['createModel.convBlock.filters', 8, 'oneOf([4, 8, 16])'],
      ['createModel.convBlock.filters_2', 16, 'oneOf([8, 16, 32])'],
      // `learningRate = 0.01`: a parameter no call in the file passes, decided at its default
      ['compileModel.learningRate', 0.01, "floatv(0.001, 0.1, { scale: 'log' })"],
      ['compileModel.momentum.momentum', 0.9, 'oneOf([0, 0.5, 0.9, 0.99])'],
    ],
    calls: 10,
    skipped: [
      { line: 14, text: 'tf.layers.flatten()', reason: nothing('layers.flatten'), kind: 'kept' },
      // `classes` comes from classifierHead(4): the output layer's width
      { line: 17, text: 'units: classes', reason: OUTPUT, kind: 'kept' },
      { line: 22, text: 'tf.layers.inputLayer({ inputShape: [16, 16, 1] })', reason: nothing('layers.inputLayer'), kind: 'kept' },
    ],
  },
  'mnist-cnn': {
    decisions: [
      ['LEARNING_RATE', 0.001, "floatv(0.0001, 0.01, { scale: 'log' })"],
      ['createModel.conv2d_1.kind', 'conv2d', CONV],
      ['createModel.conv2d_1.filters', 8, 'oneOf([4, 8, 16])'],
      ['createModel.conv2d_1.kernelSize', 3, 'oneOf([3, 5])'],
      ['createModel.conv2d_1.activation', 'relu', RELU],
      ['createModel.maxPooling2d_1.kind', 'maxPooling2d', POOL],
      ['createModel.maxPooling2d_1.poolSize', 2, 'oneOf([2, 3])'],
      ['createModel.conv2d_2.kind', 'conv2d', CONV],
      ['createModel.conv2d_2.filters', 16, 'oneOf([8, 16, 32])'],
      ['createModel.conv2d_2.kernelSize', 3, 'oneOf([3, 5])'],
      ['createModel.conv2d_2.activation', 'relu', RELU],
      ['createModel.maxPooling2d_2.kind', 'maxPooling2d', POOL],
      ['createModel.maxPooling2d_2.poolSize', 2, 'oneOf([2, 3])'],
      ['createModel.dense_1.units', 64, 'oneOf([32, 64, 128])'],
      ['createModel.dense_1.activation', 'relu', RELU],
      ['createModel.dropout_1.keep', true, KEEP],
      ['createModel.dropout_1.rate', 0.2, 'floatv(0, 0.5)'],
      // tf.train.adam(LEARNING_RATE): its kind here, its learning rate at the const
      ['compileModel.adam.kind', 'adam', "oneOf(['adam', 'rmsprop', 'sgd'])"],
      ['trainModel.fit.batchSize', 32, 'oneOf([16, 32, 64])'],
    ],
    calls: 11,
    skipped: [
      { line: 17, text: 'tf.layers.flatten()', reason: nothing('layers.flatten'), kind: 'kept' },
      { line: 20, text: 'units: 10', reason: OUTPUT, kind: 'kept' },
    ],
  },
  residual: {
    decisions: [
      // The two dense layers layers.add merges keep equal widths: one decision for both units.
      ['createModel.dense_1.units', 32, 'oneOf([16, 32, 64])'],
      ['createModel.dense_1.activation', 'relu', RELU],
      ['createModel.dense_1.units', 32, 'oneOf([16, 32, 64])'],
      ['createModel.dense_2.activation', 'tanh', RELU],
      ['createModel.layerNormalization_1.keep', true, KEEP],
      // the loop's layer: one activation for every block
      ['createDeepModel.dense_2.activation', 'relu', RELU],
      ['compileModel.sgd.kind', 'sgd', "oneOf(['sgd', 'adam', 'rmsprop'])"],
      ['compileModel.sgd.learningRate', 0.05, "floatv(0.005, 0.5, { scale: 'log' })"],
      ['trainModel.fit.batchSize', 16, 'oneOf([8, 16, 32])'],
    ],
    calls: 12,
    skipped: [
      { line: 9, text: 'layers.add()', reason: nothing('layers.add'), kind: 'kept' },
      { line: 11, text: 'units: 3', reason: OUTPUT, kind: 'kept' },
      {
        line: 18,
        text: 'units: width',
        reason: 'width is a parameter of createDeepModel that no call in this file passes: its callers elsewhere decide it',
        kind: 'unsafe',
      },
      {
        line: 19,
        text: 'blocks',
        reason:
          'the loop makes a layer per turn, but its bound blocks is a parameter of createDeepModel that no call in this file passes: its callers elsewhere decide it',
        kind: 'unsafe',
      },
      // the loop's dense layer is added to `h`, a variable the width parameter decides
      {
        line: 20,
        text: 'units: 32',
        reason:
          'layers.add merges it with an output whose width cannot be followed to a literal (a model input, another merge, a variable): the widths must stay equal',
        kind: 'unsafe',
      },
      { line: 21, text: 'layers.add()', reason: nothing('layers.add'), kind: 'kept' },
      { line: 23, text: 'units: 3', reason: OUTPUT, kind: 'kept' },
    ],
  },
  'text-lstm': {
    decisions: [
      ['createModel.embedding_1.outputDim', 32, 'oneOf([16, 32, 64])'],
      ['createModel.lstm_1.kind', 'lstm', "oneOf(['lstm', 'gru', 'simpleRNN'])"],
      ['createModel.lstm_1.units', 16, 'oneOf([8, 16, 32])'],
      ['createModel.lstm_1.dropout', 0.1, 'floatv(0, 0.5)'],
      ['createModel.lstm_1.recurrentDropout', 0, 'floatv(0, 0.5)'],
      ['createModel.compile.optimizer', 'adam', "oneOf(['adam', 'rmsprop', 'sgd'])"],
    ],
    calls: 5,
    skipped: [
      // the single sigmoid unit is the model's output: both its width and its activation are the task's
      { line: 14, text: 'units: 1', reason: OUTPUT, kind: 'kept' },
      { line: 14, text: "activation: 'sigmoid'", reason: OUTPUT, kind: 'kept' },
      { line: 21, text: 'batchSize: 64', reason: '...overrides after it may replace it', kind: 'unsafe' },
    ],
  },
  'two-models': {
    decisions: [
      ['createTeacher.dense_1.units', 64, 'oneOf([32, 64, 128])'],
      ['createTeacher.dense_1.activation', 'relu', RELU],
      ['createTeacher.dense_2.units', 64, 'oneOf([32, 64, 128])'],
      ['createTeacher.dense_2.activation', 'relu', RELU],
      ['createTeacher.adam.kind', 'adam', "oneOf(['adam', 'rmsprop', 'sgd'])"],
      ['createTeacher.adam.learningRate', 0.002, "floatv(0.0002, 0.02, { scale: 'log' })"],
      ['createStudent.dense_1.units', 16, 'oneOf([8, 16, 32])'],
      ['createStudent.dense_1.activation', 'elu', RELU],
      ['createStudent.rmsprop.kind', 'rmsprop', "oneOf(['rmsprop', 'adam', 'sgd'])"],
      ['createStudent.rmsprop.learningRate', 0.01, "floatv(0.001, 0.1, { scale: 'log' })"],
    ],
    // adam(0.002, 0.5): rmsprop and sgd take the learning rate only
    dropped: ['createTeacher.adam.kind'],
    calls: 9,
    skipped: [
      { line: 10, text: 'units: 4', reason: OUTPUT, kind: 'kept' },
      { line: 22, text: 'units: 4', reason: OUTPUT, kind: 'kept' },
    ],
  },
};

/** Runs a generated (or original) module with stand-ins for its imports; returns its exports. */
function evaluate(code: string, imports: Record<string, unknown>): Record<string, unknown> {
  const js = ts.transpileModule(code.replace(/import\.meta\.url/g, JSON.stringify('file:///virtual/model.ts')), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const exports: Record<string, unknown> = {};
  const run = new Function('require', 'exports', js) as (require: (id: string) => unknown, exports: Record<string, unknown>) => void;
  run((id) => {
    if (!(id in imports)) throw new Error(`unexpected import ${id}`);
    return imports[id];
  }, exports);
  return exports;
}

/** A TensorFlow.js stand-in: every layer, optimizer and model factory returns what it was given. */
const fakeTf = {
  layers: new Proxy({}, { get: (_t, name) => (config: unknown) => ({ layer: String(name), config }) }),
  train: new Proxy(
    {},
    {
      get:
        (_t, name) =>
        (...args: unknown[]) => ({ optimizer: String(name), args }),
    },
  ),
  sequential: (config: unknown) => ({ sequential: config }),
};
const pliantRuntime = { candidateValues, oneOf, floatv, intv };

describe('annotateSource on the fixtures', () => {
  for (const name of FIXTURES) {
    describe(name, () => {
      const text = fixture(name);
      const result = annotateFixture(name);
      const expected = EXPECTED[name];

      it('makes exactly the expected decisions, in reading order, with the original values and hyper values', () => {
        expect(result.decisions.map((d) => [d.key, d.original, d.hyper])).toEqual(expected.decisions);
        const original = Object.fromEntries(expected.decisions.map(([key, value]) => [key, value]));
        expect(Object.fromEntries(leaves(result.original))).toEqual(original);
        // A kind is decided at `<call>.kind`, a layer that can be left out at `<call>.keep`.
        for (const d of result.decisions) expect(d.kind, d.key).toBe(d.key.endsWith('.kind') ? 'operator' : d.key.endsWith('.keep') ? 'optional' : 'value');
        expect(result.changed).toBe(true);
        expect(result.alreadyAnnotated).toBe(false);
        expect(result.calls).toBe(expected.calls);
        const starts = result.decisions.map((d) => d.line * 10_000 + d.column);
        expect(starts).toEqual([...starts].sort((a, b) => a - b));
      });

      it('places each decision where it is written (line and column) and writes the hyper value next to its first line', () => {
        const lines = text.split('\n');
        const seen = new Set<string>();
        for (const d of result.decisions) {
          const there = (lines[d.line - 1] as string).slice(d.column - 1);
          expect(there.startsWith(d.text), d.key).toBe(true);
          if (d.kind === 'operator') {
            // the method's name, after its namespace
            expect(d.text).toBe(d.original);
            expect((lines[d.line - 1] as string)[d.column - 2]).toBe('.');
            expect(there.startsWith(`${d.text}(`)).toBe(true);
          } else if (d.kind === 'optional') {
            // the layer's call
            expect(d.original).toBe(true);
            expect(d.text).toMatch(/^(tf\.)?layers\.\w+\(.*\)$/);
          } else expect(d.text).toBe(typeof d.original === 'string' ? `'${d.original}'` : String(d.original));
          if (!seen.has(d.key)) expect(result.code).toContain(`${d.hyper}, // line ${d.line}: ${d.label}`);
          seen.add(d.key);
        }
      });

      it('makes every original value a candidate: encode(space, original) succeeds and decodes back', () => {
        const dna = encode(result.space, result.original);
        expect(materialize(result.space, dna)).toEqual(result.original);
        expect(dnaSpec(result.space).decisionIds).toEqual([...new Set(result.decisions.map((d) => d.key))]);
      });

      it('reports the places it left alone, with lines and reasons', () => {
        expect(result.skipped.map((s) => ({ line: s.line, text: s.text, reason: s.reason, kind: s.kind }))).toEqual(expected.skipped);
        const lines = text.split('\n');
        for (const s of result.skipped) expect((lines[s.line - 1] as string).slice(s.column - 1).startsWith(s.text), s.reason).toBe(true);
      });

      it('changes nothing but the decided places and the inserted import and block', () => {
        const { text: restored, replaced, dropped } = restore(result, '\n');
        expect(restored).toBe(text);
        expect(replaced.sort()).toEqual(forms(result).sort());
        expect(dropped).toEqual(expected.dropped ?? []);
      });

      it('is idempotent: annotating its output changes nothing', () => {
        const again = annotateSource(result.code, { fileName: `${name}.ts` });
        expect(again.code).toBe(result.code);
        expect(again.alreadyAnnotated).toBe(true);
        expect(again.changed).toBe(false);
        expect(again.decisions).toEqual([]);
      });

      it('generates a module whose searchSpace and originalValues are the reported space and values', () => {
        const exports = evaluate(result.code, { pliant: pliantRuntime, '@tensorflow/tfjs': fakeTf });
        expect(exports['originalValues']).toEqual(result.original);
        const space = exports['searchSpace'] as TreeValue;
        expect(dnaSpec(space).decisionIds).toEqual(dnaSpec(result.space).decisionIds);
        expect(encode(space, result.original).toString()).toBe(encode(result.space, result.original).toString());
      });

      it('writes a CRLF file back with CRLF line ends only', () => {
        const crlf = text.replace(/\n/g, '\r\n');
        const r = annotateSource(crlf, { fileName: `${name}.ts` });
        expect(r.decisions.map((d) => [d.key, d.line, d.column])).toEqual(result.decisions.map((d) => [d.key, d.line, d.column]));
        expect(r.code).not.toMatch(/[^\r]\n/);
        expect(r.code.replace(/\r\n/g, '\n')).toBe(result.code);
        expect(restore(r, '\r\n').text).toBe(crlf);
      });
    });
  }
});

describe('restore: every way a module reads a decision is undone, and nothing else changes', () => {
  const typed = [
    "import * as tf from '@tensorflow/tfjs';",
    'export function build(): tf.Sequential {',
    '  const model = tf.sequential({',
    '    layers: [',
    "      tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 8, kernelSize: [3, 3], kernelInitializer: 'heNormal', activation: 'relu' }),",
    '      tf.layers.batchNormalization(),',
    '      tf.layers.separableConv2d({ filters: 8, kernelSize: 3, depthMultiplier: 2 }),',
    '      tf.layers.maxPooling2d({ poolSize: [2, 2] }),',
    '      tf.layers.flatten(),',
    "      tf.layers.dense({ units: 16, activation: 'relu' }),",
    '      tf.layers.dropout({ rate: 0.5 }),',
    "      tf.layers.dense({ units: 3, activation: 'softmax' }),",
    '    ],',
    '  });',
    '  model.add(tf.layers.dropout({ rate: 0.1 }));',
    '  return model;',
    '}',
    'export function optimizers() {',
    '  return [tf.train.adam(), tf.train.rmsprop(0.01, 0.9, 0.5), tf.train.adam(0.001, 0.9, 0.999)];',
    '}',
    'export async function train(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor) {',
    '  await model.fit(x, y, { epochs: 2 });',
    '  await model.fit(x, y, {});',
    '  await model.fit(x, y);',
    '}',
    'export const head = (x: tf.SymbolicTensor) => tf.layers.dense({ units: 4 }).apply(tf.layers.gaussianNoise({ stddev: 0.1 }).apply(x));',
    '',
  ].join('\n');
  const plain = typed.replace(/(\w)(: tf\.\w+(\.\w+)?)(?=[,)])/g, '$1').replace('(): tf.Sequential', '()');
  const dropped = ['build.conv2d_1.kind', 'build.separableConv2d_1.kind', 'optimizers.rmsprop.kind', 'optimizers.adam_2.kind'];

  it.each([
    ['TypeScript', typed, 'forms.ts'],
    ['JavaScript', plain, 'forms.js'],
  ])('%s', (language, text, fileName) => {
    const r = annotateSource(text, { fileName });
    expect(r.decisions.map((d) => `${d.kind} ${d.key}`)).toEqual([
      'operator build.conv2d_1.kind',
      'value build.conv2d_1.filters',
      'value build.conv2d_1.kernelSize',
      'value build.conv2d_1.activation',
      'optional build.batchNormalization_1.keep',
      'operator build.separableConv2d_1.kind',
      'value build.separableConv2d_1.filters',
      'value build.separableConv2d_1.kernelSize',
      'operator build.maxPooling2d_1.kind',
      'value build.maxPooling2d_1.poolSize',
      'value build.dense_1.units',
      'value build.dense_1.activation',
      'optional build.dropout_1.keep',
      'value build.dropout_1.rate',
      'optional build.dropout_2.keep',
      'value build.dropout_2.rate',
      'operator optimizers.adam_1.kind',
      'value optimizers.adam_1.learningRate',
      'operator optimizers.rmsprop.kind',
      'value optimizers.rmsprop.learningRate',
      'value optimizers.rmsprop.momentum',
      'operator optimizers.adam_2.kind',
      'value optimizers.adam_2.learningRate',
      'value train.fit_1.batchSize',
      'value train.fit_2.batchSize',
      'value train.fit_3.batchSize',
      'value head.dense_1.units',
      'optional head.gaussianNoise_1.keep',
    ]);
    // Every form is there to undo: the kinds cast in TypeScript only, the defaults inserted in their three forms.
    const ts = language === 'TypeScript';
    expect(r.code).toContain(`tf.layers[$.build.conv2d_1.kind${ts ? " as 'conv2d'" : ''}]({ inputShape: [8, 8, 1],`);
    expect(r.code).toContain(`...($.build.conv2d_1.kind !== "separableConv2d" ? { kernelInitializer: 'heNormal' } : {})`);
    expect(r.code).toContain(
      `tf.train[$.optimizers.rmsprop.kind${ts ? " as 'rmsprop'" : ''}]($.optimizers.rmsprop.learningRate, ...(($.optimizers.rmsprop.kind !== "adam" && $.optimizers.rmsprop.kind !== "sgd" ? [0.9, $.optimizers.rmsprop.momentum] : [])${ts ? ' as unknown as []' : ''}))`,
    );
    expect(r.code).toContain(`tf.train[$.optimizers.adam_1.kind${ts ? " as 'adam'" : ''}]($.optimizers.adam_1.learningRate)`);
    expect(r.code).toContain(
      "model.add(($.build.dropout_2.keep ? tf.layers.dropout({ rate: $.build.dropout_2.rate }) : tf.layers.activation({ activation: 'linear' })));",
    );
    expect(r.code).toContain(
      ".apply(($.head.gaussianNoise_1.keep ? tf.layers.gaussianNoise({ stddev: 0.1 }) : tf.layers.activation({ activation: 'linear' })).apply(x))",
    );
    expect(r.code).toContain('  await model.fit(x, y, { batchSize: $.train.fit_1.batchSize, epochs: 2 });\n');
    expect(r.code).toContain('  await model.fit(x, y, { batchSize: $.train.fit_2.batchSize });\n');
    expect(r.code).toContain('  await model.fit(x, y, { batchSize: $.train.fit_3.batchSize });\n');

    const back = restore(r, '\n');
    expect(back.text).toBe(text);
    expect(back.replaced.sort()).toEqual(forms(r).sort());
    expect(back.dropped).toEqual(dropped);
    // CRLF too.
    const crlf = text.replace(/\n/g, '\r\n');
    expect(restore(annotateSource(crlf, { fileName }), '\r\n').text).toBe(crlf);
  });

  it('a const imported from another file: each read of its name, a shorthand property too', () => {
    const text = [
      "import * as tf from '@tensorflow/tfjs';",
      "import { WIDTH, RATE as R } from './config.js';",
      'export function build() {',
      '  const sizes = { WIDTH, double: WIDTH * 2 };',
      "  return [tf.layers.dense({ units: WIDTH, activation: 'relu' }), tf.layers.dropout({ rate: R }), tf.layers.dense({ units: 2 }), sizes];",
      '}',
      '',
    ].join('\n');
    const config = 'export const WIDTH = 32;\nexport const RATE = 0.2;\n';
    const r = annotateSource(text, { fileName: '/p/model.ts', readFile: (path) => (path === '/p/config.ts' ? config : undefined) });
    expect(r.decisions.filter((d) => d.file !== undefined).map((d) => d.key)).toEqual(['WIDTH', 'R']);
    expect(r.code).toContain('const sizes = { WIDTH: $.WIDTH, double: $.WIDTH * 2 };');
    const back = restore(r, '\n');
    expect(back.text).toBe(text);
    expect(back.replaced.sort()).toEqual(forms(r).sort());
  });
});

describe('the generated module runs as the original program', () => {
  it('builds the same model config as the original mnist-cnn', () => {
    const text = fixture('mnist-cnn');
    const original = evaluate(text, { '@tensorflow/tfjs': fakeTf });
    const annotated = evaluate(annotateFixture('mnist-cnn').code, { pliant: pliantRuntime, '@tensorflow/tfjs': fakeTf });
    const make = (m: Record<string, unknown>): unknown => (m['createModel'] as () => unknown)();
    expect(make(annotated)).toEqual(make(original));
    const compiled: unknown[] = [];
    const model = { compile: (c: unknown) => compiled.push(c) };
    (annotated['compileModel'] as (m: unknown) => void)(model);
    (original['compileModel'] as (m: unknown) => void)(model);
    expect(compiled[0]).toEqual({ optimizer: { optimizer: 'adam', args: [0.001] }, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    expect(compiled[0]).toEqual(compiled[1]);
  });
});

/**
 * A TensorFlow.js stand-in that records what a program builds: layers (with `.apply`), optimizers,
 * and models with what is added to them, compiled and fitted.
 */
function recordingTf(): Record<string, unknown> {
  const hidden = (target: object, name: string, value: unknown): void => {
    Object.defineProperty(target, name, { value, enumerable: false });
  };
  const layer =
    (name: string) =>
    (...args: unknown[]): object => {
      const made = { layer: name, args };
      hidden(made, 'apply', (input: unknown) => ({ applied: made, to: input }));
      return made;
    };
  const model = (config?: unknown): object => {
    const made = { model: config, added: [] as unknown[], compiled: [] as unknown[], fitted: [] as unknown[] };
    hidden(made, 'add', (l: unknown) => made.added.push(l));
    hidden(made, 'compile', (c: unknown) => made.compiled.push(c));
    hidden(made, 'fit', (...args: unknown[]) => {
      made.fitted.push(args);
      return Promise.resolve({ history: { loss: [1] } });
    });
    return made;
  };
  return {
    layers: new Proxy({}, { get: (_t, name) => layer(String(name)) }),
    train: new Proxy(
      {},
      {
        get:
          (_t, name) =>
          (...args: unknown[]) => ({ optimizer: String(name), args }),
      },
    ),
    sequential: model,
    model,
    input: (config: unknown) => ({ input: config }),
  };
}

/** What a fixture's program builds, compiles and fits, with the stand-in. */
async function built(module: Record<string, unknown>): Promise<unknown> {
  const out: Record<string, unknown> = {};
  for (const maker of ['createModel', 'createTeacher', 'createStudent']) {
    if (typeof module[maker] === 'function') out[maker] = (module[maker] as () => unknown)();
  }
  const target = (module['createModel'] as (() => { compiled: unknown[] }) | undefined)?.() ?? { compiled: [] };
  if (typeof module['compileModel'] === 'function') (module['compileModel'] as (m: unknown) => void)(target);
  if (typeof module['trainModel'] === 'function') await (module['trainModel'] as (...a: unknown[]) => Promise<unknown>)(target, 'xs', 'ys');
  out['trained'] = target;
  return out;
}

/** The identity layer a module builds for a layer left out, taken out (as `apply` takes the layer out of the file). */
function withoutIdentity(value: unknown): unknown {
  const identity = (v: unknown): boolean =>
    typeof v === 'object' &&
    v !== null &&
    (v as { layer?: unknown }).layer === 'activation' &&
    JSON.stringify((v as { args: unknown }).args) === '[{"activation":"linear"}]';
  if (Array.isArray(value)) return value.filter((v) => !identity(v)).map(withoutIdentity);
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  if ('applied' in record && identity(record['applied'])) return withoutIdentity(record['to']);
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, withoutIdentity(v)]));
}

describe('the generated module, loaded for a candidate, is the program apply writes for it', () => {
  for (const name of FIXTURES) {
    it(name, async () => {
      const text = fixture(name);
      const result = annotateFixture(name);
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 1_000_000 }), async (seed) => {
          const candidate = materialize(result.space, randomDNA(dnaSpec(result.space), seededRng(seed)));
          const runtime = { ...pliantRuntime, candidateValues: () => candidate };
          const module = evaluate(result.code, { pliant: runtime, '@tensorflow/tfjs': recordingTf() });
          const written = evaluate(applySource(text, candidate, { fileName: `${name}.ts` }).code, { '@tensorflow/tfjs': recordingTf() });
          expect(withoutIdentity(await built(module))).toEqual(await built(written));
        }),
        { seed: 7, numRuns: 15 },
      );
    });
  }
});

describe('annotateSource: imports', () => {
  it('follows named imports of layers and train, and their aliases', () => {
    const text = [
      "import { layers as L, train as T } from '@tensorflow/tfjs';",
      'export function make() {',
      "  const d = L.dense({ units: 64, activation: 'relu' });",
      '  const o = T.adam(0.01);',
      '  return [d, o];',
      '}',
      '',
    ].join('\n');
    const r = annotateSource(text, { fileName: 'aliases.ts' });
    expect(r.decisions.map((d) => [d.key, d.original, d.rule])).toEqual([
      ['make.dense_1.units', 64, 'width'],
      ['make.dense_1.activation', 'relu', 'hidden-activation'],
      ['make.adam.kind', 'adam', 'optimizer-kind'],
      ['make.adam.learningRate', 0.01, 'learning-rate'],
    ]);
    expect(r.decisions[3]?.label).toBe('T.adam(0.01)');
    expect(r.code).toContain("  const o = T[$.make.adam.kind as 'adam']($.make.adam.learningRate);");
    expect(restore(r, '\n').text).toBe(text);
  });

  it('follows named imports without aliases, a default import, and tfjs-node', () => {
    const named = "import { layers } from '@tensorflow/tfjs';\nexport const m = () => layers.dense({ units: 8 });\n";
    expect(annotateSource(named).decisions.map((d) => d.key)).toEqual(['m.dense_1.units']);
    const node = "import * as tfn from '@tensorflow/tfjs-node';\nexport const m = () => tfn.layers.conv2d({ filters: 8, kernelSize: 5 });\n";
    expect(annotateSource(node).decisions.map((d) => [d.key, d.hyper])).toEqual([
      ['m.conv2d_1.kind', "oneOf(['conv2d', 'separableConv2d'])"],
      ['m.conv2d_1.filters', 'oneOf([4, 8, 16])'],
      ['m.conv2d_1.kernelSize', 'oneOf([3, 5])'],
    ]);
    const defaulted = "import tf from '@tensorflow/tfjs';\nexport const m = () => tf.layers.dense({ units: 8 });\n";
    expect(annotateSource(defaulted).decisions.map((d) => d.key)).toEqual(['m.dense_1.units']);
  });

  it('leaves a file without TensorFlow.js imports unchanged', () => {
    const text = [
      "import { layers } from './my-layers.js';",
      'export function make() {',
      "  return layers.dense({ units: 64, activation: 'relu' });",
      '}',
      '',
    ].join('\n');
    const r = annotateSource(text, { fileName: 'plain.ts' });
    expect(r.decisions).toEqual([]);
    expect(r.skipped).toEqual([]);
    expect(r.code).toBe(text);
    expect(r.changed).toBe(false);
    expect(r.alreadyAnnotated).toBe(false);
    expect(r.space).toEqual({});
  });

  it('takes an empty file and a file with no imports', () => {
    expect(annotateSource('').code).toBe('');
    const text = '// nothing here\nconst a = 1;\n';
    expect(annotateSource(text).code).toBe(text);
  });

  it('puts the block before the first statement of a file without imports (a hand-marked literal)', () => {
    const text = '// settings\n/* @search oneOf(1, 2, 3) */\nexport const DEPTH = 2;\n';
    const r = annotateSource(text, { fileName: 'settings.ts' });
    expect(r.decisions.map((d) => [d.key, d.original, d.hyper])).toEqual([['DEPTH', 2, 'oneOf([1, 2, 3])']]);
    expect(
      r.code.startsWith("// settings\n/* @search oneOf(1, 2, 3) */\nimport { type Concrete, candidateValues, oneOf } from 'pliant';\n\n// pliant:search-space"),
    ).toBe(true);
    expect(r.code.endsWith('// pliant:end\n\nexport const DEPTH = $.DEPTH;\n')).toBe(true);
    expect(encode(r.space, r.original).toString()).toBe('DNA(1)');
  });

  it('inserts the import and the block right after the last import', () => {
    const r = annotateFixture('residual');
    expect(r.code).toContain(
      [
        "import { input, layers, model, train } from '@tensorflow/tfjs';",
        "import type { LayersModel, SymbolicTensor, Tensor } from '@tensorflow/tfjs';",
        "import { type Concrete, candidateValues, floatv, oneOf } from 'pliant';",
        '',
        '// pliant:search-space: made by `pliant annotate residual.ts`.',
      ].join('\n'),
    );
    expect(r.code).toContain('// pliant:end\n\nexport function createModel(): LayersModel {\n');
  });

  it('imports from importFrom', () => {
    const r = annotateSource("import * as tf from '@tensorflow/tfjs';\nexport const m = () => tf.layers.dense({ units: 8 });\n", {
      importFrom: '../src/index.js',
    });
    expect(r.code).toContain("import { type Concrete, candidateValues, oneOf } from '../src/index.js';");
  });
});

describe('annotateSource: formatting', () => {
  it('keeps comments and formatting', () => {
    const r = annotateFixture('mnist-cnn');
    expect(r.code).toContain('      // A second block, twice as wide.\n');
    expect(r.code.startsWith('/**\n * A convolutional network for MNIST digits')).toBe(true);
    expect(r.code).toContain("      tf.layers.dense({ units: 10, activation: 'softmax' }),\n");
    expect(r.code).toContain('  return model.fit(xs, ys, { epochs, batchSize: $.trainModel.fit.batchSize, validationSplit: 0.15, shuffle: true });\n');
    expect(r.code).toContain('const LEARNING_RATE = $.LEARNING_RATE;\n');
  });

  it('indents the block as the file does (tabs)', () => {
    const text = "import * as tf from '@tensorflow/tfjs';\nexport function make() {\n\treturn tf.layers.dense({ units: 8 });\n}\n";
    const r = annotateSource(text);
    expect(r.code).toContain('export const searchSpace = {\n\tmake: {\n\t\tdense_1: {\n\t\t\tunits: oneOf([4, 8, 16]), // line 3: units: 8\n\t\t},\n\t},\n};');
    expect(restore(r, '\n').text).toBe(text);
  });

  it('keeps double quotes in the generated block', () => {
    const text = 'import * as tf from "@tensorflow/tfjs";\nexport const m = () => tf.layers.dense({ units: 8, activation: "relu" });\n';
    const r = annotateSource(text);
    expect(r.code).toContain('activation: oneOf(["relu", "elu", "gelu", "tanh"]), // line 2: activation: "relu"');
    expect(r.code).toContain('      activation: "relu",\n');
    expect(restore(r, '\n').text).toBe(text);
  });

  it('writes a template literal in the block with single quotes', () => {
    const text = "import * as tf from '@tensorflow/tfjs';\nexport const m = () => tf.layers.dense({ units: 8, activation: `tanh` });\n";
    const r = annotateSource(text);
    expect(r.code).toContain("activation: oneOf(['relu', 'elu', 'gelu', 'tanh']), // line 2: activation: `tanh`");
    expect(r.decisions[1]?.original).toBe('tanh');
    expect(restore(r, '\n').text).toBe(text);
  });

  it('quotes keys that are not identifiers', () => {
    const text = "import * as tf from '@tensorflow/tfjs';\nexport function make() {\n  return tf.layers.dense({ 'max-units': 8 });\n}\n";
    const rules: AnnotationRule[] = [{ name: 'max', calls: ['layers.dense'], args: ['max-units'], hyper: { oneOf: [8, 16] } }];
    const r = annotateSource(text, { rules });
    expect(r.decisions.map((d) => d.key)).toEqual(['make.dense_1.max-units']);
    expect(r.code).toContain('"max-units": oneOf([8, 16]), // line 3:');
    expect(r.code).toContain(`return tf.layers.dense({ 'max-units': $.make.dense_1["max-units"] });`);
    expect(restore(r, '\n').text).toBe(text);
    expect(encode(r.space, r.original).toString()).toBe('DNA(0)');
  });
});

describe('annotateSource: skipped places', () => {
  it('names each reason with its line', () => {
    const text = [
      "import * as tf from '@tensorflow/tfjs';", // 1
      "import { WIDTH } from './config.js';", // 2
      'let units = 32; units *= 2;', // 3
      'export function make(opts: tf.layers.DenseLayerArgs, n: number) {', // 4
      '  const a = tf.layers.dense(opts);', // 5
      '  const b = tf.layers.dense({ units: WIDTH });', // 6
      '  const c = tf.layers.dense({ units });', // 7
      '  const d = tf.layers.dense({ units: n * 2 });', // 8
      '  const e = [1, 2].map(() => tf.layers.dense({ units: 16 }));', // 9: one width for the layers the loop makes
      "  const f = tf.layers.dense({ units: 8, activation: 'relu', ...opts });", // 10
      '  const g = tf.layers.dense({ units: /* @search off */ 64 });', // 11
      '  return [a, b, c, d, e, f, g];', // 12
      '}', // 13
      '',
    ].join('\n');
    const r = annotateSource(text, { fileName: 'skips.ts' });
    expect(r.decisions.map((d) => [d.line, d.key, d.original])).toEqual([[9, 'make.dense_5.units', 16]]);
    expect(r.skipped.map((s) => [s.line, s.reason, s.kind])).toEqual([
      [5, 'the options of layers.dense are not an object literal: their values are computed at run time', 'unsafe'],
      [6, 'WIDTH is imported from another module', 'unsafe'],
      [7, 'units is a variable that is assigned again', 'unsafe'],
      [8, 'n * 2 is computed at run time', 'unsafe'],
      [10, '...opts after it may replace it', 'unsafe'],
      [10, '...opts after it may replace it', 'unsafe'],
      [11, 'marked @search off', 'kept'],
    ]);
    expect(r.skipped[0]?.text).toBe('tf.layers.dense(opts)');
  });

  it('keeps output layers: the last of a layers list or of an add chain, and outside a model a softmax or a single unit', () => {
    const text = [
      "import * as tf from '@tensorflow/tfjs';",
      'export function make() {',
      "  const a = tf.layers.dense({ units: 8, activation: 'softmax' });",
      '  const b = tf.layers.dense({ units: 1 });',
      '  const list = tf.sequential({ layers: [tf.layers.dense({ units: 16 }), tf.layers.dense({ units: 4 })] });',
      '  const m = tf.sequential();',
      "  m.add(tf.layers.dense({ units: 32, activation: 'sigmoid' }));",
      "  m.add(tf.layers.dense({ units: 6, activation: 'sigmoid' }));",
      '  return [a, b, list, m];',
      '}',
      '',
    ].join('\n');
    const r = annotateSource(text);
    expect(r.decisions.map((d) => [d.key, d.original])).toEqual([
      ['make.dense_3.units', 16],
      ['make.dense_5.units', 32],
      ['make.dense_5.activation', 'sigmoid'],
    ]);
    expect(r.skipped.map((s) => [s.line, s.text, s.kind])).toEqual([
      [3, 'units: 8', 'kept'],
      [4, 'units: 1', 'kept'],
      [5, 'units: 4', 'kept'],
      [8, 'units: 6', 'kept'],
      [8, "activation: 'sigmoid'", 'kept'],
    ]);
  });

  it('skips a rule that leaves a single value', () => {
    const text = "import * as tf from '@tensorflow/tfjs';\nexport const m = () => tf.layers.dense({ units: 8 });\n";
    const rules: AnnotationRule[] = [{ name: 'same', calls: ['layers.dense'], args: ['units'], hyper: { oneOf: { times: [1] } } }];
    const r = annotateSource(text, { rules });
    expect(r.decisions).toEqual([]);
    expect(r.skipped.map((s) => [s.line, s.reason, s.kind])).toEqual([[2, "rule 'same' leaves a single value", 'kept']]);
  });

  it('reports a @search comment on something that is not a literal', () => {
    const text = "import * as tf from '@tensorflow/tfjs';\n/* @search oneOf(1, 2, 3) */\nconst K = 1 + 1;\nexport const m = () => K;\n";
    const r = annotateSource(text);
    expect(r.decisions).toEqual([]);
    expect(r.skipped.map((s) => [s.line, s.reason])).toEqual([[3, 'a @search comment must mark a literal; 1 + 1 is not one']]);
  });
});

describe('annotateSource: widths a merge ties', () => {
  it('makes the widths of the layers layers.add merges one decision', () => {
    const r = annotateFixture('residual');
    const units = r.decisions.filter((d) => d.key === 'createModel.dense_1.units');
    expect(units.map((d) => [d.line, d.column, d.text])).toEqual([
      [7, 38, '32'],
      [8, 40, '32'],
    ]);
    expect(units[0]?.label).toBe('units: 32 (with line 8: layers.add needs equal widths)');
    expect(r.code).toContain('const stem = layers.dense({ units: $.createModel.dense_1.units, activation: $.createModel.dense_1.activation })');
    expect(r.code).toContain('const hidden = layers.dense({ units: $.createModel.dense_1.units, activation: $.createModel.dense_2.activation })');
    expect(at(r.space, 'createModel.dense_2')).toEqual({ activation: at(r.space, 'createModel.dense_2.activation') });
  });

  it('leaves widths merged with an output it cannot follow (a model input), and says why', () => {
    const text = [
      "import * as tf from '@tensorflow/tfjs';",
      'export function make(x: tf.SymbolicTensor) {',
      '  const a = tf.layers.dense({ units: 16 }).apply(x) as tf.SymbolicTensor;',
      '  return tf.layers.add().apply([x, a]);',
      '}',
      '',
    ].join('\n');
    const r = annotateSource(text);
    expect(r.decisions).toEqual([]);
    expect(r.skipped.map((s) => [s.line, s.text, s.reason, s.kind])).toEqual([
      [
        3,
        'units: 16',
        'layers.add merges it with an output whose width cannot be followed to a literal (a model input, another merge, a variable): the widths must stay equal',
        'unsafe',
      ],
      [4, 'tf.layers.add()', 'nothing to tune in layers.add: no argument a rule tunes', 'kept'],
    ]);
  });
});

describe('annotateSource: @search comments', () => {
  const dense = (marker: string, units = '16'): string =>
    `import * as tf from '@tensorflow/tfjs';\nexport function make() {\n  return tf.layers.dense({\n    units: ${marker} ${units},\n    activation: 'relu',\n  });\n}\n`;

  it('takes precedence over the rules and adds the original when missing', () => {
    const r = annotateSource(dense('/* @search oneOf(32, 64, 128) */'));
    expect(r.decisions.map((d) => [d.key, d.hyper, d.rule])).toEqual([
      ['make.dense_1.units', 'oneOf([16, 32, 64, 128])', '@search'],
      ['make.dense_1.activation', "oneOf(['relu', 'elu', 'gelu', 'tanh'])", 'hidden-activation'],
    ]);
    expect(r.decisions[0]?.spec).toEqual({ kind: 'oneOf', candidates: [16, 32, 64, 128] });
    expect(r.code).toContain('    units: /* @search oneOf(32, 64, 128) */ $.make.dense_1.units,\n');
    expect(encode(r.space, r.original).toString()).toBe('DNA([0, 0])');
  });

  it('reads a list argument and keeps a candidate list that has the original', () => {
    const r = annotateSource(dense('/* @search oneOf([64, 16, 8]) */'));
    expect(r.decisions[0]?.hyper).toBe('oneOf([64, 16, 8])');
  });

  it('reads intv and a line comment', () => {
    const r = annotateSource(dense('/* @search intv(4, 64) */'));
    expect(r.decisions[0]?.spec).toEqual({ kind: 'intv', min: 4, max: 64 });
    const text = "import * as tf from '@tensorflow/tfjs';\n// @search oneOf(1, 2, 3)\nconst K = 2;\nexport const m = () => tf.layers.dense({ units: K });\n";
    const line = annotateSource(text);
    expect(line.decisions.map((d) => [d.key, d.hyper, d.rule, d.label])).toEqual([['K', 'oneOf([1, 2, 3])', '@search', 'K = 2']]);
  });

  it('marks a literal no rule reaches', () => {
    const text =
      "import * as tf from '@tensorflow/tfjs';\nexport function make() {\n  return tf.layers.maxPooling2d({ poolSize: /* @search oneOf(2, 3) */ 2 });\n}\n";
    const r = annotateSource(text);
    expect(r.decisions.map((d) => [d.key, d.hyper, d.rule])).toEqual([
      ['make.maxPooling2d_1.kind', "oneOf(['maxPooling2d', 'averagePooling2d'])", 'pooling-kind'],
      ['make.maxPooling2d_1.poolSize', 'oneOf([2, 3])', '@search'],
    ]);
  });

  it('takes floatv with a log scale on a top-level const and widens it to the original', () => {
    const text = "import * as tf from '@tensorflow/tfjs';\n/* @search floatv(1e-4, 1e-2, { scale: 'log' }) */\nexport const RATE = 0.05;\n";
    const r = annotateSource(text, { fileName: 'rate.ts' });
    expect(r.decisions.map((d) => [d.key, d.original, d.hyper, d.label, d.line])).toEqual([
      ['RATE', 0.05, "floatv(0.0001, 0.05, { scale: 'log' })", 'RATE = 0.05', 3],
    ]);
    expect(r.decisions[0]?.spec).toEqual({ kind: 'floatv', min: 0.0001, max: 0.05, scale: 'log' });
    expect(r.code).toContain("/* @search floatv(1e-4, 1e-2, { scale: 'log' }) */\nexport const RATE = $.RATE;\n");
    expect(encode(r.space, r.original).toString()).toBe('DNA(0.05)');
  });

  it('overrides the learning-rate rule on a const an optimizer reads', () => {
    const text =
      "import * as tf from '@tensorflow/tfjs';\n/* @search floatv(1e-5, 1e-1, { scale: 'log' }) */\nconst RATE = 0.001;\nexport const opt = () => tf.train.adam(RATE);\n";
    const r = annotateSource(text);
    expect(r.decisions.map((d) => [d.key, d.hyper, d.rule])).toEqual([
      ['RATE', "floatv(0.00001, 0.1, { scale: 'log' })", '@search'],
      ['opt.adam.kind', "oneOf(['adam', 'rmsprop', 'sgd'])", 'optimizer-kind'],
    ]);
    expect(r.decisions[0]?.spec).toEqual({ kind: 'floatv', min: 1e-5, max: 0.1, scale: 'log' });
  });

  it('keeps a literal marked @search off', () => {
    const r = annotateSource(dense('/* @search off */', '64'));
    expect(r.decisions.map((d) => d.key)).toEqual(['make.dense_1.activation']);
    expect(r.skipped).toEqual([{ line: 4, column: 5, text: 'units: /* @search off */ 64', reason: 'marked @search off', kind: 'kept' }]);
    expect(r.code).toContain('    units: /* @search off */ 64,\n');
  });

  it('rejects a malformed marker, naming file:line', () => {
    const open = errorOf(() => annotateSource(dense('/* @search oneOf( */'), { fileName: 'bad.ts' }));
    expect(open.code).toBe('argument');
    expect(open.message).toContain("bad.ts:4: cannot read the comment '@search oneOf('");
    const banana = errorOf(() => annotateSource(dense('/* @search banana(1) */'), { fileName: 'bad.ts' }));
    expect(banana.code).toBe('argument');
    expect(banana.message).toContain("bad.ts:4: cannot read the comment '@search banana(1)': unknown hyper value 'banana'");
  });

  it.each([
    ['floatv(0.5, 0.1)', 'it needs two numbers, min < max'],
    ["floatv(0.1, 0.5, { scale: 'cubic' })", "scale must be 'linear', 'log' or 'rlog'"],
    ['floatv(0.1, 0.5, 3)', 'the third argument must be { scale }'],
    ['oneOf(x, 2)', 'x is not a literal'],
    ['oneOf()', 'no candidates'],
    ['42', 'not a call'],
  ])('rejects @search %s', (marker, why) => {
    const error = errorOf(() => annotateSource(dense(`/* @search ${marker} */`), { fileName: 'm.ts' }));
    expect(error.message).toContain(`m.ts:4: cannot read the comment '@search ${marker}': ${why}`);
  });

  it('gives repeated keys a suffix', () => {
    const text =
      "import * as tf from '@tensorflow/tfjs';\nexport function make() {\n  const a = tf.layers.dense({ units: /* @search oneOf(1, 2) */ 1 });\n  return { a, cfg: { units: /* @search oneOf(3, 4) */ 3 } };\n}\n";
    const r = annotateSource(text);
    expect(r.decisions.map((d) => d.key)).toEqual(['make.dense_1.units', 'make.units']);
  });

  it('rejects a decision that is also a scope of another', () => {
    const text = [
      "import * as tf from '@tensorflow/tfjs';",
      '/* @search oneOf(1, 2) */',
      'const make = 1;',
      'export function f() {',
      '  const make = () => tf.layers.dense({ units: 8 });',
      '  return make;',
      '}',
      '',
    ].join('\n');
    const error = errorOf(() => annotateSource(text, { fileName: 'scope.ts' }));
    expect(error.code).toBe('argument');
    expect(error.path).toBe('make');
    expect(error.message).toContain("scope.ts: the decision 'make' is also a scope of 'make.dense_1.units'");
  });
});

describe('annotateSource: name clashes', () => {
  it('aliases $, oneOf and candidateValues when the file declares them, and the module still runs', () => {
    const text = [
      "import * as tf from '@tensorflow/tfjs';",
      'const $ = 1;',
      'function oneOf(x: number): number {',
      '  return x;',
      '}',
      'function candidateValues(): void {}',
      'export function make() {',
      "  return tf.layers.dense({ units: 64 + $ + oneOf(2), activation: 'relu' });",
      '}',
      'export const other = candidateValues;',
      '',
    ].join('\n');
    const r = annotateSource(text, { fileName: 'clash.ts' });
    expect(r.decisions.map((d) => d.key)).toEqual(['make.dense_1.activation']);
    expect(r.code).toContain("import { type Concrete, candidateValues as candidateValues_, oneOf as oneOf_ } from 'pliant';");
    expect(r.code).toContain("activation: oneOf_(['relu', 'elu', 'gelu', 'tanh']),");
    expect(r.code).toContain('const $_ = candidateValues_(import.meta.url, searchSpace, originalValues);');
    expect(r.code).toContain('units: 64 + $ + oneOf(2), activation: $_.make.dense_1.activation });');
    expect(restore(r, '\n', '$_').text).toBe(text);
    const exports = evaluate(r.code, { pliant: pliantRuntime, '@tensorflow/tfjs': fakeTf });
    expect((exports['make'] as () => unknown)()).toEqual({ layer: 'dense', config: { units: 67, activation: 'relu' } });
    expect(exports['originalValues']).toEqual({ make: { dense_1: { activation: 'relu' } } });
  });

  it('aliases searchSpace, originalValues, Concrete and floatv too', () => {
    const text = [
      "import * as tf from '@tensorflow/tfjs';",
      'type Concrete = number;',
      'const searchSpace: Concrete = 1, originalValues = 2, floatv = 3;',
      'export const m = () => tf.layers.dropout({ rate: 0.25, seed: searchSpace + originalValues + floatv });',
      '',
    ].join('\n');
    const r = annotateSource(text);
    expect(r.code).toContain("import { type Concrete as Concrete_, candidateValues, floatv as floatv_ } from 'pliant';");
    expect(r.code).toContain('export const searchSpace_ = {');
    expect(r.code).toContain('rate: floatv_(0, 0.5), // line 4: rate: 0.25');
    expect(r.code).toContain('export const originalValues_: Concrete_<typeof searchSpace_> = {');
    expect(r.code).toContain('const $ = candidateValues(import.meta.url, searchSpace_, originalValues_);');
    expect(restore(r, '\n').text).toBe(text);
  });
});

describe('annotateSource: rules', () => {
  const text =
    "import * as tf from '@tensorflow/tfjs';\nexport function make() {\n  return tf.layers.dense({ units: 64, activation: 'relu', useBias: true });\n}\n";
  const bias: AnnotationRule = { name: 'bias', calls: ['layers.dense'], args: ['useBias'], type: 'boolean', hyper: { oneOf: [true, false] } };
  const dir = mkdtempSync(join(tmpdir(), 'pliant-annotate-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('uses the defaults when no rules are given', () => {
    expect(annotateSource(text).decisions.map((d) => d.key)).toEqual(['make.dense_1.units', 'make.dense_1.activation']);
  });

  it('replaces the defaults with a list of rules', () => {
    const r = annotateSource(text, { rules: [bias] });
    expect(r.decisions.map((d) => [d.key, d.hyper, d.rule])).toEqual([['make.dense_1.useBias', 'oneOf([true, false])', 'bias']]);
    expect(r.code).toContain("units: 64, activation: 'relu', useBias: $.make.dense_1.useBias });");
    expect(annotateSource(text, { rules: [] }).decisions).toEqual([]);
  });

  it('honours a rule type and in-list', () => {
    const only: AnnotationRule[] = [
      { name: 'act', calls: ['layers.dense'], args: ['activation', 'units'], type: 'string', in: ['tanh'], hyper: { oneOf: ['tanh', 'relu'] } },
    ];
    expect(annotateSource(text, { rules: only }).decisions).toEqual([]);
    const relu: AnnotationRule[] = [{ ...only[0]!, in: ['relu'] }];
    expect(annotateSource(text, { rules: relu }).decisions.map((d) => [d.key, d.hyper])).toEqual([['make.dense_1.activation', "oneOf(['tanh', 'relu'])"]]);
  });

  it('reads a rule file that extends the defaults; its own rules come first', () => {
    const file = join(dir, 'rules.json');
    const wide: AnnotationRule = { name: 'wide', calls: ['layers.dense'], args: ['units'], hyper: { oneOf: [64, 256] } };
    writeFileSync(file, JSON.stringify({ name: 'mine', extends: 'default', rules: [bias, wide] }));
    const r = annotateSource(text, { rules: file });
    expect(r.decisions.map((d) => [d.key, d.hyper, d.rule])).toEqual([
      ['make.dense_1.units', 'oneOf([64, 256])', 'wide'],
      ['make.dense_1.activation', "oneOf(['relu', 'elu', 'gelu', 'tanh'])", 'hidden-activation'],
      ['make.dense_1.useBias', 'oneOf([true, false])', 'bias'],
    ]);
  });

  it('reads a rule file without extends as the only rules', () => {
    const file = join(dir, 'alone.json');
    writeFileSync(file, JSON.stringify({ name: 'alone', rules: [bias] }));
    expect(annotateSource(text, { rules: file }).decisions.map((d) => d.key)).toEqual(['make.dense_1.useBias']);
  });

  it('rejects a missing rule file and a bad argument', () => {
    const error = errorOf(() => annotateSource(text, { rules: join(dir, 'none.json') }));
    expect(error.code).toBe('io');
    expect(error.message).toContain('cannot read the rule file');
    const bad = errorOf(() => annotateSource(42 as unknown as string));
    expect(bad.code).toBe('argument');
    expect(bad.message).toBe('annotate: annotateSource takes the source text');
  });
});

describe('annotate: hyper values that cannot hold the original', () => {
  const head = "import * as tf from '@tensorflow/tfjs';\n";
  it('a @search comment that cannot hold its literal is an error naming file:line', () => {
    const fraction = errorOf(() => annotateSource(`${head}const d = tf.layers.dropout({ rate: /* @search intv(1, 4) */ 2.5 });\n`, { fileName: 'm.ts' }));
    expect(fraction.message).toContain("m.ts:2: the comment '@search intv(1, 4)' cannot hold the literal 2.5: an integer range cannot hold 2.5");
    const zero = errorOf(() =>
      annotateSource(`${head}const d = tf.layers.dropout({ rate: /* @search floatv(0.1, 1, { scale: 'log' }) */ 0 });\n`, { fileName: 'm.ts' }),
    );
    expect(zero.message).toContain('m.ts:2:');
    expect(zero.message).toContain('a log range needs values above 0, and the value is 0');
  });

  it('a rule that cannot hold a literal leaves it, and says why', () => {
    const rules: AnnotationRule[] = [{ name: 'int-rate', calls: ['layers.dropout'], args: ['rate'], hyper: { intv: [1, 4] } }];
    const result = annotateSource(`${head}const d = tf.layers.dropout({ rate: 2.5 });\n`, { fileName: 'm.ts', rules });
    expect(result.decisions).toEqual([]);
    expect(result.skipped).toEqual([
      { line: 2, column: 31, text: 'rate: 2.5', reason: "rule 'int-rate' cannot make a decision of it: an integer range cannot hold 2.5", kind: 'unsafe' },
    ]);
  });
});

describe('annotateSource: merged widths through shape-preserving layers', () => {
  it("ties a residual block's widths through a batch normalization, so every candidate builds", () => {
    const text = [
      "import * as tf from '@tensorflow/tfjs';",
      'export function block(x: tf.SymbolicTensor) {',
      "  const stem = tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same' }).apply(x) as tf.SymbolicTensor;",
      "  const y = tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same' }).apply(stem) as tf.SymbolicTensor;",
      '  const yn = tf.layers.batchNormalization().apply(y) as tf.SymbolicTensor;',
      '  return tf.layers.add().apply([stem, yn]);',
      '}',
      '',
    ].join('\n');
    const r = annotateSource(text);
    expect(r.decisions.filter((d) => d.key.endsWith('.filters')).map((d) => [d.key, d.line])).toEqual([
      ['block.conv2d_1.filters', 3],
      ['block.conv2d_1.filters', 4],
    ]);
    expect(r.code).toContain(
      "tf.layers[$.block.conv2d_2.kind as 'conv2d']({ filters: $.block.conv2d_1.filters, kernelSize: $.block.conv2d_2.kernelSize, padding: 'same' }).apply(stem)",
    );
  });
});
