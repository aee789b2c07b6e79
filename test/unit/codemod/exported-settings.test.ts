import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { annotateSource } from '../../../src/codemod/annotate.js';
import { settingName } from '../../../src/codemod/find-sites.js';
import { encode } from '../../../src/geno/template.js';

describe('annotate: settings a module exports for other files', () => {
  it('names: BATCH_SIZE, batch_size and batchSize are batchSize', () => {
    expect(settingName('BATCH_SIZE')).toBe('batchSize');
    expect(settingName('batch_size')).toBe('batchSize');
    expect(settingName('batchSize')).toBe('batchSize');
    expect(settingName('LEARNING_RATE')).toBe('learningRate');
    expect(settingName('EPOCHS')).toBe('epochs');
  });

  it("examples/mnist/model.ts: BATCH_SIZE (read by fit in search.ts) is the batch-size rule's decision; EPOCHS is left alone", () => {
    const text = readFileSync(new URL('../../../examples/mnist/model.ts', import.meta.url), 'utf8');
    const r = annotateSource(text, { fileName: 'model.ts' });
    const batch = r.decisions.find((d) => d.key === 'BATCH_SIZE');
    expect(batch).toMatchObject({ original: 64, rule: 'batch-size', hyper: 'oneOf([32, 64, 128])', label: 'BATCH_SIZE = 64 (exported)' });
    expect(r.decisions.some((d) => d.key.includes('EPOCHS'))).toBe(false);
    expect(r.code).toContain('export const BATCH_SIZE = $.BATCH_SIZE;\n');
    expect(r.code).toContain('export const EPOCHS = 8;\n');
    // The original model is still a point of the space.
    expect(() => encode(r.space, r.original)).not.toThrow();
  });

  it('only exported literal consts that this file does not read, and only names a rule tunes', () => {
    const text = [
      "import * as tf from '@tensorflow/tfjs';",
      'export const LEARNING_RATE = 0.01;',
      'export const batch_size = 32;',
      'const BATCH_SIZE = 16;',
      'export let LR_BATCH_SIZE = 8;',
      'export const UNITS = 10;',
      'export const SEED = 7;',
      'export function build(): tf.Sequential {',
      '  return tf.sequential({ layers: [tf.layers.dense({ units: UNITS, activation: "softmax", inputShape: [4] })] });',
      '}',
      '',
    ].join('\n');
    const r = annotateSource(text, { fileName: 'settings.ts' });
    expect(r.decisions.map((d) => [d.key, d.rule, d.original])).toEqual([
      ['LEARNING_RATE', 'learning-rate', 0.01],
      ['batch_size', 'batch-size', 32],
    ]);
    // UNITS is read here, by an output layer: kept there, not made a decision by its name.
    expect(r.skipped.some((s) => s.text.includes('units: UNITS'))).toBe(true);
  });
});
