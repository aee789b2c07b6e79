/**
 * The codemod on code as people write it: CommonJS and global `tf`, values decided by callers,
 * settings objects and command-line defaults, loops, outputs by data flow, array arguments,
 * operator choices and layers that can be left out. Each case annotates a small real-looking
 * source, checks the decisions (and the report), and applies chosen values back.
 */
import { describe, expect, it } from 'vitest';
import { annotateSource } from '../../../src/codemod/annotate.js';
import type { AnnotateResult } from '../../../src/codemod/annotate.js';
import { applySource } from '../../../src/codemod/apply.js';
import type { TreeValue } from '../../../src/symbolic/node.js';

const js = (lines: readonly string[]): string => `${lines.join('\n')}\n`;

function annotate(text: string, fileName = 'model.js'): AnnotateResult {
  return annotateSource(text, { fileName });
}

/** The decisions as `key = original (rule)`. */
function decisions(r: AnnotateResult): string[] {
  return r.decisions.map((d) => `${d.key} = ${JSON.stringify(d.original)} (${d.rule})`);
}

/** A candidate: the original values with some keys changed. */
function chosen(r: AnnotateResult, changes: Readonly<Record<string, unknown>>): TreeValue {
  const copy = JSON.parse(JSON.stringify(r.original)) as Record<string, unknown>;
  for (const [key, value] of Object.entries(changes)) {
    const path = key.split('.');
    let node = copy;
    for (const p of path.slice(0, -1)) node = node[p] as Record<string, unknown>;
    node[path[path.length - 1] as string] = value;
  }
  return copy as TreeValue;
}

describe('how the file reaches TensorFlow.js', () => {
  const body = [
    "  return tf.sequential({ layers: [tf.layers.dense({ units: 64, activation: 'relu', inputShape: [4] }), tf.layers.dense({ units: 3, activation: 'softmax' })] });",
  ];
  it.each([
    ["const tf = require('@tensorflow/tfjs-node');"],
    ["const tf = require('@tensorflow/tfjs-node-gpu');"],
    ["const tf = require('@tensorflow/tfjs');"],
    ["var tf = require('@tensorflow/tfjs').default;"],
    ["import * as tf from '@tensorflow/tfjs-node';"],
    ["import { default as tf } from '@tensorflow/tfjs-node-gpu';"],
    ['// tf is a global: a script after the TensorFlow.js script tag'],
  ])('%s', (load) => {
    const r = annotate(js([load, 'function createModel() {', ...body, '}', 'module.exports = { createModel };']));
    expect(decisions(r)).toEqual(['createModel.dense_1.units = 64 (width)', 'createModel.dense_1.activation = "relu" (hidden-activation)']);
  });

  it('TensorFlow.js handed in as a parameter named tf (the caller picks tfjs or tfjs-node)', () => {
    const r = annotate(js(['module.exports = (tf) => {', '  const make = () => {', ...body.map((l) => `  ${l}`), '  };', '  return { make };', '};']));
    expect(decisions(r)).toEqual(['make.dense_1.units = 64 (width)', 'make.dense_1.activation = "relu" (hidden-activation)']);
    // Another parameter holding something else is not taken for it.
    const other = annotate(js(['module.exports = (lib) => lib.layers.dense({ units: 64 });']));
    expect(other.decisions).toEqual([]);
  });

  it('destructured require of layers and train', () => {
    const r = annotate(
      js([
        "const { layers, train, sequential } = require('@tensorflow/tfjs');",
        'function make() {',
        '  const model = sequential({ layers: [layers.dense({ units: 8, inputShape: [2] }), layers.dense({ units: 1 })] });',
        '  model.compile({ optimizer: train.sgd(0.1), loss: "meanSquaredError" });',
        '  return model;',
        '}',
      ]),
    );
    expect(decisions(r)).toEqual(['make.dense_1.units = 8 (width)', 'make.sgd.kind = "sgd" (optimizer-kind)', 'make.sgd.learningRate = 0.1 (learning-rate)']);
  });
});

describe('values decided where they are written', () => {
  it('a parameter becomes a decision at each call that passes a literal, and a default is one too', () => {
    const text = js([
      "const tf = require('@tensorflow/tfjs');",
      'function block(filters, kernelSize = 3) {',
      "  return tf.layers.conv2d({ filters, kernelSize, activation: 'relu' });",
      '}',
      'function createModel() {',
      '  return tf.sequential({ layers: [block(16), block(32, 5), tf.layers.flatten(), tf.layers.dense({ units: 10, activation: "softmax" })] });',
      '}',
    ]);
    const r = annotate(text);
    expect(decisions(r)).toEqual([
      'block.kernelSize = 3 (kernel-size)',
      'block.conv2d_1.kind = "conv2d" (convolution-kind)',
      'block.conv2d_1.activation = "relu" (hidden-activation)',
      'createModel.block.filters = 16 (width)',
      'createModel.block.filters_2 = 32 (width)',
      'createModel.block.kernelSize = 5 (kernel-size)',
    ]);
    expect(applySource(text, r.original, { fileName: 'model.js' }).code).toBe(text);
    const applied = applySource(text, chosen(r, { 'createModel.block.filters_2': 64, 'block.kernelSize': 5 }), { fileName: 'model.js' });
    expect(applied.code).toContain('block(16), block(64, 5)');
    expect(applied.code).toContain('function block(filters, kernelSize = 5) {');
  });

  it('a settings object read by property, and a command-line default (argparse, yargs, commander, parseArgs, minimist, ??)', () => {
    const text = js([
      "const tf = require('@tensorflow/tfjs');",
      "const argparse = require('argparse');",
      'const parser = new argparse.ArgumentParser();',
      "parser.addArgument('--batchSize', { type: 'int', defaultValue: 128 });",
      "parser.add_argument('--learning_rate', { type: 'float', default: 0.01 });",
      'const args = parser.parseArgs();',
      'const params = { hidden: 64, dropout: 0.2 };',
      'async function train(model, xs, ys) {',
      '  model.add(tf.layers.dense({ units: params.hidden, activation: "relu", inputShape: [4] }));',
      '  model.add(tf.layers.dropout({ rate: params.dropout }));',
      '  model.add(tf.layers.dense({ units: 1 }));',
      '  model.compile({ optimizer: tf.train.adam(args.learning_rate), loss: "meanSquaredError" });',
      '  await model.fit(xs, ys, { batchSize: args.batchSize, epochs: args.epochs ?? 10 });',
      '}',
    ]);
    const r = annotate(text);
    expect(decisions(r)).toEqual([
      'args.batchSize = 128 (batch-size)',
      'args.learning_rate = 0.01 (learning-rate)',
      'params.hidden = 64 (width)',
      'params.dropout = 0.2 (dropout-rate)',
      'train.dense_1.activation = "relu" (hidden-activation)',
      'train.dropout_1.keep = true (optional-layer)',
      'train.adam.kind = "adam" (optimizer-kind)',
    ]);
    const applied = applySource(text, chosen(r, { 'args.batchSize': 64, 'params.hidden': 128 }), { fileName: 'model.js' });
    expect(applied.code).toContain("parser.addArgument('--batchSize', { type: 'int', defaultValue: 64 });");
    expect(applied.code).toContain('const params = { hidden: 128, dropout: 0.2 };');
  });

  it('yargs, commander, node:util parseArgs and minimist defaults', () => {
    for (const [declare, read] of [
      ["const argv = require('yargs').option('batchSize', { default: 32 }).argv;", 'argv.batchSize'],
      [
        "const { program } = require('commander'); program.option('--batch-size <n>', 'the batch', parseInt, 32); const opts = program.opts();",
        'opts.batchSize',
      ],
      [
        "const { parseArgs } = require('node:util'); const { values } = parseArgs({ options: { batchSize: { type: 'string', default: '32' } } });",
        'Number(values.batchSize)',
      ],
      ["const args = require('minimist')(process.argv.slice(2), { default: { batchSize: 32 } });", 'args.batchSize'],
      ['const args = {};', 'args.batchSize || 32'],
    ] as const) {
      const r = annotate(js(["const tf = require('@tensorflow/tfjs');", declare, `function fit(m, x, y) { return m.fit(x, y, { batchSize: ${read} }); }`]));
      if (read.startsWith('Number(')) {
        // parseArgs gives strings: converted at run time, so not followed.
        expect(r.skipped.map((s) => s.reason)).toContainEqual(expect.stringMatching(/computed at run time/));
      } else {
        expect(r.decisions.map((d) => [d.original, d.rule])).toEqual([[32, 'batch-size']]);
      }
    }
  });
});

describe('loops that make layers', () => {
  it('a literal bound is a depth decision, and literals inside the loop are one decision shared by every turn', () => {
    const text = js([
      "const tf = require('@tensorflow/tfjs');",
      'function createModel() {',
      '  const model = tf.sequential();',
      "  model.add(tf.layers.dense({ units: 32, activation: 'relu', inputShape: [8] }));",
      '  for (let i = 0; i < 3; i++) {',
      "    model.add(tf.layers.dense({ units: 32, activation: 'relu' }));",
      '  }',
      "  model.add(tf.layers.dense({ units: 2, activation: 'softmax' }));",
      '  return model;',
      '}',
    ]);
    const r = annotate(text);
    expect(decisions(r)).toEqual([
      'createModel.dense_1.units = 32 (width)',
      'createModel.dense_1.activation = "relu" (hidden-activation)',
      'createModel.i_layers = 3 (layer-count)',
      'createModel.dense_2.units = 32 (width)',
      'createModel.dense_2.activation = "relu" (hidden-activation)',
    ]);
    expect(r.decisions.find((d) => d.key === 'createModel.i_layers')?.hyper).toBe('intv(1, 6)');
    const applied = applySource(text, chosen(r, { 'createModel.i_layers': 5 }), { fileName: 'model.js' });
    expect(applied.code).toContain('  for (let i = 0; i < 5; i++) {');
  });

  it('a literal list of widths a loop walks is one list decision; a fit inside a loop is not a layer made several times', () => {
    const text = js([
      "const tf = require('@tensorflow/tfjs');",
      'const HIDDEN = [128, 64];',
      'async function run(xs, ys) {',
      '  const model = tf.sequential();',
      "  HIDDEN.forEach((units, i) => model.add(tf.layers.dense({ units, activation: 'relu', inputShape: i === 0 ? [8] : undefined })));",
      "  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));",
      "  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });",
      '  for (let epoch = 0; epoch < 5; epoch++) await model.fit(xs, ys, { batchSize: 16, epochs: 1 });',
      '}',
    ]);
    const r = annotate(text);
    expect(decisions(r)).toEqual([
      'HIDDEN = [128,64] (layer-list)',
      'run.dense_1.activation = "relu" (hidden-activation)',
      'run.compile.optimizer = "adam" (optimizer-name)',
      'run.fit.batchSize = 16 (batch-size)',
    ]);
    expect(r.decisions[0]?.hyper).toBe('oneOf([[64], [128], [256], [64, 32], [128, 64], [256, 128], [64, 32, 32], [128, 64, 64], [256, 128, 128]])');
    const applied = applySource(text, chosen(r, { HIDDEN: [256, 128, 128] }), { fileName: 'model.js' });
    expect(applied.code).toContain('const HIDDEN = [256, 128, 128];');
  });
});

describe('output layers by data flow', () => {
  it('a hidden sigmoid layer is tunable; the last trainable layer before the output is not, whatever its activation', () => {
    const r = annotate(
      js([
        "const tf = require('@tensorflow/tfjs');",
        'const model = tf.sequential();',
        "model.add(tf.layers.dense({ units: 50, activation: 'sigmoid', inputShape: [13] }));",
        "model.add(tf.layers.dense({ units: 50, activation: 'sigmoid' }));",
        'model.add(tf.layers.dense({ units: 1 }));',
        'model.add(tf.layers.activation({ activation: "linear" }));',
      ]),
    );
    expect(decisions(r)).toEqual([
      'dense_1.units = 50 (width)',
      'dense_1.activation = "sigmoid" (hidden-activation)',
      'dense_2.units = 50 (width)',
      'dense_2.activation = "sigmoid" (hidden-activation)',
    ]);
    expect(r.skipped.filter((s) => s.line === 5).map((s) => s.reason)).toEqual(['an output layer: its size and activation belong to the task']);
  });

  it('branches: each branch’s layer is hidden when a layer is added after the branch', () => {
    const r = annotate(
      js([
        "const tf = require('@tensorflow/tfjs');",
        'function build(deep) {',
        '  const model = tf.sequential();',
        '  if (deep) {',
        "    model.add(tf.layers.dense({ units: 64, activation: 'relu', inputShape: [4] }));",
        '  } else {',
        "    model.add(tf.layers.dense({ units: 16, activation: 'relu', inputShape: [4] }));",
        '  }',
        "  model.add(tf.layers.dense({ units: 3, activation: 'softmax' }));",
        '  return model;',
        '}',
      ]),
    );
    expect(r.decisions.map((d) => d.key)).toEqual(['build.dense_1.units', 'build.dense_1.activation', 'build.dense_2.units', 'build.dense_2.activation']);
  });

  it('the functional API: back from tf.model outputs through layers without weights', () => {
    const r = annotate(
      js([
        "import * as tf from '@tensorflow/tfjs';",
        'export function build() {',
        '  const input = tf.input({ shape: [10] });',
        "  let x = tf.layers.dense({ units: 32, activation: 'relu' }).apply(input);",
        "  x = tf.layers.dense({ units: 8, activation: 'tanh' }).apply(x);",
        '  x = tf.layers.dropout({ rate: 0.1 }).apply(x);',
        '  return tf.model({ inputs: input, outputs: x });',
        '}',
      ]),
    );
    expect(r.decisions.map((d) => d.key)).toEqual(['build.dense_1.units', 'build.dense_1.activation', 'build.dropout_1.keep', 'build.dropout_1.rate']);
    expect(r.skipped.map((s) => [s.line, s.reason])).toContainEqual([5, 'an output layer: its size and activation belong to the task']);
  });
});

describe('arrays, operators and layers that can be left out', () => {
  const text = js([
    "const tf = require('@tensorflow/tfjs');",
    'function createModel() {',
    '  const model = tf.sequential();',
    "  model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: [4, 2], kernelInitializer: 'heNormal', activation: 'relu' }));",
    '  model.add(tf.layers.maxPooling2d({ poolSize: [2, 2] }));',
    '  model.add(tf.layers.dropout({ rate: 0.25 }));',
    '  model.add(tf.layers.flatten());',
    "  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));",
    "  model.compile({ optimizer: tf.train.adam(0.001, 0.9, 0.999), loss: 'categoricalCrossentropy' });",
    '  return model;',
    '}',
  ]);
  const r = annotate(text);

  it('makes decisions of array arguments, kinds and optional layers; the output layer and flatten are reported', () => {
    expect(decisions(r)).toEqual([
      'createModel.conv2d_1.kind = "conv2d" (convolution-kind)',
      'createModel.conv2d_1.filters = 8 (width)',
      'createModel.conv2d_1.kernelSize = [4,2] (kernel-size-pair)',
      'createModel.conv2d_1.activation = "relu" (hidden-activation)',
      'createModel.maxPooling2d_1.kind = "maxPooling2d" (pooling-kind)',
      'createModel.maxPooling2d_1.poolSize = [2,2] (pool-size-pair)',
      'createModel.dropout_1.keep = true (optional-layer)',
      'createModel.dropout_1.rate = 0.25 (dropout-rate)',
      'createModel.adam.kind = "adam" (optimizer-kind)',
      'createModel.adam.learningRate = 0.001 (learning-rate)',
    ]);
    expect(r.skipped.map((s) => [s.line, s.kind, s.reason])).toEqual([
      [7, 'kept', 'nothing to tune in layers.flatten: no argument a rule tunes'],
      [8, 'kept', 'an output layer: its size and activation belong to the task'],
    ]);
  });

  it('apply renames a kind, drops the arguments the new kind does not take, and removes a layer left out, as a minimal diff', () => {
    expect(applySource(text, r.original, { fileName: 'model.js' }).code).toBe(text);
    const applied = applySource(
      text,
      chosen(r, {
        'createModel.conv2d_1.kind': 'separableConv2d',
        'createModel.conv2d_1.kernelSize': [5, 5],
        'createModel.maxPooling2d_1.kind': 'averagePooling2d',
        'createModel.dropout_1.keep': false,
        'createModel.adam.kind': 'sgd',
      }),
      { fileName: 'model.js' },
    );
    const lines = applied.code.split('\n');
    expect(lines[3]).toBe("  model.add(tf.layers.separableConv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: [5, 5], activation: 'relu' }));");
    expect(lines[4]).toBe('  model.add(tf.layers.averagePooling2d({ poolSize: [2, 2] }));');
    expect(lines[5]).toBe('  model.add(tf.layers.flatten());');
    expect(lines[7]).toBe("  model.compile({ optimizer: tf.train.sgd(0.001), loss: 'categoricalCrossentropy' });");
    expect(applied.code.split('\n')).toHaveLength(text.split('\n').length - 1);
    expect(applied.changes.map((c) => [c.key, c.after])).toEqual([
      ['createModel.conv2d_1.kind', 'separableConv2d'],
      ['createModel.conv2d_1.kernelSize', '[5, 5]'],
      ['createModel.maxPooling2d_1.kind', 'averagePooling2d'],
      ['createModel.dropout_1.keep', '(left out)'],
      ['createModel.adam.kind', 'sgd'],
    ]);
  });

  it('the module calls the chosen kind, passes what it does not take only to the original, and stands an identity layer in for a layer left out', () => {
    expect(r.code).toContain(
      'model.add(tf.layers[$.createModel.conv2d_1.kind]({ inputShape: [28, 28, 1], filters: $.createModel.conv2d_1.filters, kernelSize: $.createModel.conv2d_1.kernelSize, ...($.createModel.conv2d_1.kind !== "separableConv2d" ? { kernelInitializer: \'heNormal\' } : {}), activation: $.createModel.conv2d_1.activation }));',
    );
    expect(r.code).toContain(
      "model.add(($.createModel.dropout_1.keep ? tf.layers.dropout({ rate: $.createModel.dropout_1.rate }) : tf.layers.activation({ activation: 'linear' })));",
    );
    expect(r.code).toContain(
      'optimizer: tf.train[$.createModel.adam.kind]($.createModel.adam.learningRate, ...(($.createModel.adam.kind !== "rmsprop" && $.createModel.adam.kind !== "sgd" ? [0.9, 0.999] : []))),',
    );
  });

  it('a layer left out of a list loses its comma; one left out of an .apply chain passes its input through', () => {
    const listed = js([
      "import * as tf from '@tensorflow/tfjs';",
      'export const m = () => tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [2] }), tf.layers.batchNormalization(), tf.layers.dense({ units: 1 })] });',
      'export const f = (x) => tf.layers.dense({ units: 1 }).apply(tf.layers.dropout({ rate: 0.5 }).apply(x));',
    ]);
    const rr = annotate(listed);
    const applied = applySource(listed, chosen(rr, { 'm.batchNormalization_1.keep': false, 'f.dropout_1.keep': false }), { fileName: 'model.js' });
    expect(applied.code.split('\n')[1]).toBe(
      'export const m = () => tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [2] }), tf.layers.dense({ units: 1 })] });',
    );
    expect(applied.code.split('\n')[2]).toBe('export const f = (x) => tf.layers.dense({ units: 1 }).apply(x);');
  });

  it('an LSTM whose states feed another layer keeps its kind (an LSTM has two states, a GRU one)', () => {
    const rr = annotate(
      js([
        "import * as tf from '@tensorflow/tfjs';",
        'export function build(x, h) {',
        '  const y = tf.layers.lstm({ units: 16, returnSequences: true }).apply(x, { initialState: [h, h] });',
        '  return tf.layers.gru({ units: 16 }).apply(y);',
        '}',
      ]),
    );
    // (the GRU's output is returned, not known to be a model's: it is a hidden layer)
    expect(rr.decisions.map((d) => d.key)).toEqual(['build.lstm_1.units', 'build.gru_1.kind', 'build.gru_1.units']);
    expect(rr.skipped.map((s) => s.reason)).toContain("its kind is kept: with initialState, the alternatives of rule 'recurrent-kind' are not drop-in");
  });
});

describe('arguments left to their defaults', () => {
  const text = js([
    "const tf = require('@tensorflow/tfjs');",
    'async function train(model, xs, ys) {',
    "  model.compile({ optimizer: tf.train.adam(), loss: 'meanSquaredError' });",
    '  await model.fit(xs, ys, { epochs: 5 });',
    '  await model.fit(xs, ys);',
    '}',
  ]);
  const r = annotate(text);

  it('the batch size fit uses when none is given and the learning rate adam uses are decisions, written only when they change', () => {
    expect(decisions(r)).toEqual([
      'train.adam.kind = "adam" (optimizer-kind)',
      'train.adam.learningRate = 0.001 (learning-rate)',
      'train.fit_1.batchSize = 32 (batch-size)',
      'train.fit_2.batchSize = 32 (batch-size)',
    ]);
    expect(r.code).toContain('optimizer: tf.train[$.train.adam.kind]($.train.adam.learningRate)');
    expect(r.code).toContain('await model.fit(xs, ys, { batchSize: $.train.fit_1.batchSize, epochs: 5 });');
    expect(r.code).toContain('await model.fit(xs, ys, { batchSize: $.train.fit_2.batchSize });');
    expect(applySource(text, r.original, { fileName: 'model.js' }).code).toBe(text);
    const applied = applySource(text, chosen(r, { 'train.fit_1.batchSize': 64, 'train.adam.kind': 'sgd' }), { fileName: 'model.js' });
    expect(applied.code).toContain('optimizer: tf.train.sgd(0.001), loss'); // sgd has no default learning rate: written
    expect(applied.code).toContain('await model.fit(xs, ys, { batchSize: 64, epochs: 5 });');
    expect(applied.code).toContain('  await model.fit(xs, ys);\n');
  });
});

describe('@search comments on calls', () => {
  it('off keeps a call as it is; optional and required say whether a layer can be left out; oneOf names the kinds', () => {
    const r = annotate(
      js([
        "const tf = require('@tensorflow/tfjs');",
        'const model = tf.sequential();',
        '// @search off',
        "model.add(tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, activation: 'relu' }));",
        "model.add(/* @search oneOf('maxPooling2d', 'averagePooling2d', 'globalAveragePooling2d') */ tf.layers.maxPooling2d({ poolSize: 2 }));",
        '/* @search required */',
        'model.add(tf.layers.dropout({ rate: 0.5 }));',
        '/* @search optional */',
        'model.add(tf.layers.activation({ activation: "relu" }));',
        'model.add(tf.layers.flatten());',
        'model.add(tf.layers.dense({ units: 1 }));',
      ]),
    );
    expect(decisions(r)).toEqual([
      'conv2d_1.filters = 4 (width)',
      'conv2d_1.kernelSize = 3 (kernel-size)',
      'conv2d_1.activation = "relu" (hidden-activation)',
      'maxPooling2d_1.kind = "maxPooling2d" (@search)',
      'maxPooling2d_1.poolSize = 2 (pool-size)',
      'dropout_1.rate = 0.5 (dropout-rate)',
      'activation_1.keep = true (@search)',
      'activation_1.activation = "relu" (hidden-activation)',
    ]);
    expect(r.decisions[3]?.hyper).toBe("oneOf(['maxPooling2d', 'averagePooling2d', 'globalAveragePooling2d'])");
  });
});

describe('the report', () => {
  it('every layer, optimizer, compile and fit call is a decision or in the report', () => {
    const r = annotate(
      js([
        "const tf = require('@tensorflow/tfjs');",
        'function createModel(inputs) {',
        '  const model = tf.sequential();',
        '  model.add(tf.layers.flatten({ inputShape: inputs }));',
        '  model.add(tf.layers.dense({ units: getUnits() }));',
        '  model.add(tf.layers.dense({ units: 1 }));',
        "  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });",
        '  return model;',
        '}',
      ]),
    );
    expect(r.decisions.map((d) => d.key)).toEqual(['createModel.compile.optimizer']);
    expect(r.skipped.map((s) => [s.line, s.reason])).toEqual([
      [4, 'nothing to tune in layers.flatten: no argument a rule tunes'],
      [5, 'getUnits() is computed at run time (the value of a call)'],
      [6, 'an output layer: its size and activation belong to the task'],
    ]);
  });
});

describe('merges and imported values', () => {
  it('the heads a concatenate merges into a model output are outputs', () => {
    const r = annotate(
      js([
        "const tf = require('@tensorflow/tfjs');",
        'function actor() {',
        '  const input = tf.input({ shape: [8] });',
        "  const hidden = tf.layers.dense({ units: 32, activation: 'relu' }).apply(input);",
        "  const move = tf.layers.dense({ units: 4, activation: 'softmax' }).apply(hidden);",
        "  const turn = tf.layers.dense({ units: 5, activation: 'tanh' }).apply(hidden);",
        '  const both = tf.layers.concatenate().apply([move, turn]);',
        '  return tf.model({ inputs: input, outputs: both });',
        '}',
      ]),
    );
    expect(decisions(r)).toEqual(['actor.dense_1.units = 32 (width)', 'actor.dense_1.activation = "relu" (hidden-activation)']);
    expect(r.skipped.filter((s) => s.reason.startsWith('an output layer')).map((s) => [s.line, s.text])).toEqual([
      [5, 'units: 4'],
      [6, 'units: 5'],
      [6, "activation: 'tanh'"],
    ]);
  });

  it('a value destructured from a required module of the project is reported as imported', () => {
    const r = annotate(
      js(["const tf = require('@tensorflow/tfjs');", "const { WIDTH } = require('./constants');", 'const make = () => tf.layers.dense({ units: WIDTH });']),
    );
    expect(r.skipped.map((s) => s.reason)).toEqual(['WIDTH is imported from another module']);
  });
});
