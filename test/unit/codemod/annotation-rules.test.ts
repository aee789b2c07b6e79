import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import {
  annotationRuleFileSchema,
  annotationRuleSchema,
  defaultAnnotationRules,
  isOperatorRule,
  isOptionalRule,
  isValueRule,
  loadAnnotationRules,
} from '../../../src/codemod/annotation-rules.js';
import type { AnnotationRule } from '../../../src/codemod/annotation-rules.js';
import { errorOf } from '../../support/error-of.js';

const defaultFile = new URL('../../../rewrites/annotate.json', import.meta.url);

const dir = mkdtempSync(join(tmpdir(), 'pliant-rules-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
/** Writes `content` (JSON-encoded unless a string) to a fresh file and returns its path. */
function ruleFile(content: unknown): string {
  const path = join(dir, `rules-${++files}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const rule: AnnotationRule = { name: 'bias', calls: ['layers.dense'], args: ['useBias'], type: 'boolean', hyper: { oneOf: [true, false] } };
const operatorRule = { name: 'conv', calls: ['layers.conv2d', 'layers.separableConv2d'], operator: {} };
const optionalRule = { name: 'drop', calls: ['layers.dropout'], optional: true };

describe('the default rules', () => {
  it('validate against the rule file schema', () => {
    const json: unknown = JSON.parse(readFileSync(defaultFile, 'utf8'));
    const parsed = annotationRuleFileSchema.safeParse(json);
    expect(parsed.success).toBe(true);
    expect(parsed.data?.name).toBe('tfjs');
    for (const r of parsed.data?.rules ?? []) expect(annotationRuleSchema.safeParse(r).success, r.name).toBe(true);
  });

  it('are the rules of rewrites/annotate.json, read once', () => {
    const rules = defaultAnnotationRules();
    expect(rules.map((r) => r.name)).toEqual([
      'width',
      'kernel-size',
      'kernel-size-pair',
      'pool-size',
      'pool-size-pair',
      'hidden-activation',
      'dropout-rate',
      'recurrent-dropout',
      'learning-rate',
      'momentum',
      'optimizer-name',
      'batch-size',
      'layer-count',
      'layer-list',
      'convolution-kind',
      'pooling-kind',
      'pooling-1d-kind',
      'pooling-3d-kind',
      'global-pooling-kind',
      'global-pooling-1d-kind',
      'recurrent-kind',
      'optimizer-kind',
      'optional-layer',
    ]);
    expect(rules.filter(isOperatorRule).map((r) => r.name)).toEqual([
      'convolution-kind',
      'pooling-kind',
      'pooling-1d-kind',
      'pooling-3d-kind',
      'global-pooling-kind',
      'global-pooling-1d-kind',
      'recurrent-kind',
      'optimizer-kind',
    ]);
    expect(rules.filter(isOptionalRule).map((r) => r.name)).toEqual(['optional-layer']);
    expect(defaultAnnotationRules()).toBe(rules);
    const width = rules[0];
    expect(width).toMatchObject({
      calls: expect.arrayContaining(['layers.dense', 'layers.conv2d', 'layers.lstm']),
      args: ['units', 'filters', 'outputDim'],
      type: 'number',
      unlessOutput: true,
      hyper: { oneOf: { times: [0.5, 1, 2] } },
    });
    expect(rules.filter(isValueRule).find((r) => r.name === 'learning-rate')?.hyper).toEqual({ floatv: { times: [0.1, 10] }, scale: 'log' });
  });

  it('name only calls that exist in their canonical form', () => {
    const pseudo = new Set(['fit', 'compile', 'loop', 'layer-list']);
    for (const r of defaultAnnotationRules()) {
      for (const call of r.calls) {
        if (pseudo.has(call)) continue;
        const [namespace, name] = call.split('.') as [string, string];
        expect(['layers', 'train'], `${r.name}: ${call}`).toContain(namespace);
        const api = namespace === 'layers' ? tf.layers : tf.train;
        expect(typeof (api as unknown as Record<string, unknown>)[name], `${r.name}: ${call} is a function of tf.${namespace}`).toBe('function');
      }
    }
  });
});

describe('loadAnnotationRules', () => {
  it('reads a file of rules', () => {
    const path = ruleFile({ name: 'mine', description: 'mine', rules: [rule] });
    expect(loadAnnotationRules(path)).toEqual([rule]);
  });

  it('puts the defaults after the file’s rules when it extends them', () => {
    const path = ruleFile({ $schema: 'x', $comment: 'y', name: 'mine', extends: 'default', rules: [rule] });
    const rules = loadAnnotationRules(path);
    expect(rules[0]).toEqual(rule);
    expect(rules.slice(1)).toEqual([...defaultAnnotationRules()]);
  });

  it('accepts every kind of recipe', () => {
    const recipes = [
      { oneOf: [1, 'a', true] },
      { oneOf: { times: [0.5, 2] } },
      { floatv: [0, 1] },
      { floatv: { times: [0.1, 10] }, scale: 'log' },
      { floatv: [0.1, 1], scale: 'rlog' },
      { intv: [1, 4] },
      { intv: { times: [0.5, 2] } },
      { oneOf: [[3, 3], [5, 5], 7] },
      { layers: { widths: [0.5, 1, 2], depths: [-1, 0, 1] } },
    ];
    const path = ruleFile({ name: 'all', rules: recipes.map((hyper, i) => ({ name: `r${i}`, calls: ['fit'], args: ['x'], hyper })) });
    const rules = loadAnnotationRules(path);
    expect(rules.map((r) => (isValueRule(r) ? r.hyper : undefined))).toEqual(recipes);
  });

  it('accepts array literals as a type and in an in-list', () => {
    const pair = {
      name: 'pair',
      calls: ['layers.conv2d'],
      args: ['kernelSize'],
      type: 'array',
      in: [
        [3, 3],
        [1, 'a', true],
      ],
      hyper: { oneOf: [[3, 3]] },
    };
    expect(loadAnnotationRules(ruleFile({ name: 'x', rules: [pair] }))).toEqual([pair]);
  });

  it('reads the three kinds of rule: value, operator and optional', () => {
    const operator = {
      name: 'conv',
      description: 'plain or separable',
      calls: ['layers.conv2d', 'layers.separableConv2d'],
      operator: { without: { 'layers.separableConv2d': ['kernelInitializer'] }, unlessOutput: true, unlessArgs: ['returnState'] },
    };
    const positional = { name: 'opt', calls: ['train.adam', 'train.sgd'], operator: { positional: 1 } };
    const bare = { name: 'pool', calls: ['layers.maxPooling2d', 'layers.averagePooling2d'], operator: {} };
    const optional = { name: 'drop', calls: ['layers.dropout'], optional: true };
    const rules = loadAnnotationRules(ruleFile({ name: 'kinds', rules: [rule, operator, positional, bare, optional] }));
    expect(rules).toEqual([rule, operator, positional, bare, optional]);
    expect(rules.map((r) => [isValueRule(r), isOperatorRule(r), isOptionalRule(r)])).toEqual([
      [true, false, false],
      [false, true, false],
      [false, true, false],
      [false, true, false],
      [false, false, true],
    ]);
  });

  it('rejects a file it cannot read', () => {
    const path = join(dir, 'missing.json');
    const error = errorOf(() => loadAnnotationRules(path));
    expect(error.code).toBe('io');
    expect(error.api).toBe('annotate');
    expect(error.message).toContain(`annotate: cannot read the rule file ${path}: ENOENT`);
  });

  it('rejects a file that is not JSON, under the api it is given', () => {
    const path = ruleFile('{ "name": "x", "rules": [');
    const error = errorOf(() => loadAnnotationRules(path, 'apply'));
    expect(error.code).toBe('json');
    expect(error.api).toBe('apply');
    expect(error.message).toContain(`apply: the rule file ${path} is not JSON:`);
  });

  it.each<[string, unknown, string]>([
    ['an unknown key in a recipe', { name: 'x', rules: [{ ...rule, hyper: { oneOf: [1], extra: 1 } }] }, 'rules[0].hyper'],
    ['an unknown key in a rule', { name: 'x', rules: [rule, { ...rule, bogus: 1 }] }, 'rules[1]'],
    ['an unknown key at the top', { name: 'x', rules: [], rule: [] }, ''],
    ['a misspelt hyper', { name: 'x', rules: [{ name: 'a', calls: ['fit'], args: ['batchSize'], hyperr: { oneOf: [1] } }] }, 'rules[0].hyper'],
    ['no calls', { name: 'x', rules: [{ ...rule, calls: [] }] }, 'rules[0].calls'],
    ['an empty argument name', { name: 'x', rules: [{ ...rule, args: ['units', ''] }] }, 'rules[0].args[1]'],
    ['a bad type', { name: 'x', rules: [{ ...rule, type: 'float' }] }, 'rules[0].type'],
    ['a factor of 0', { name: 'x', rules: [{ ...rule, hyper: { oneOf: { times: [0, 1] } } }] }, 'rules[0].hyper.oneOf.times[0]'],
    ['extends something else', { name: 'x', extends: 'other', rules: [] }, 'extends'],
    ['no name', { rules: [] }, 'name'],
    ['rules that are not a list', { name: 'x', rules: {} }, 'rules'],
    ['a rule that is not a record', { name: 'x', rules: [3] }, 'rules[0]'],
    ['an empty list in an in-list', { name: 'x', rules: [{ ...rule, in: [[]] }] }, 'rules[0].in[0]'],
    ['a layers recipe without widths', { name: 'x', rules: [{ ...rule, hyper: { layers: { widths: [], depths: [0] } } }] }, 'rules[0].hyper.layers.widths'],
    [
      'a depth that is not an integer',
      { name: 'x', rules: [{ ...rule, hyper: { layers: { widths: [1], depths: [0.5] } } }] },
      'rules[0].hyper.layers.depths[0]',
    ],
    ['a candidate list nested twice', { name: 'x', rules: [{ ...rule, hyper: { oneOf: [1, [[2]]] } }] }, 'rules[0].hyper.oneOf[1]'],
    ['a range of one bound', { name: 'x', rules: [{ ...rule, hyper: { floatv: [1] } }] }, 'rules[0].hyper.floatv'],
    ['a recipe of no known kind', { name: 'x', rules: [{ ...rule, hyper: { bogus: [1] } }] }, 'rules[0].hyper'],
    [
      'an unknown key in a layers recipe',
      { name: 'x', rules: [{ ...rule, hyper: { layers: { widths: [1], depths: [0], extra: 1 } } }] },
      'rules[0].hyper.layers',
    ],
    // operator rules
    ['an operator rule with one call', { name: 'x', rules: [{ ...operatorRule, calls: ['layers.conv2d'] }] }, 'rules[0].calls'],
    ['an operator that is not a record', { name: 'x', rules: [{ ...operatorRule, operator: true }] }, 'rules[0].operator'],
    ['an unknown key in an operator', { name: 'x', rules: [{ ...operatorRule, operator: { bogus: 1 } }] }, 'rules[0].operator'],
    ['a positional count of 0', { name: 'x', rules: [{ ...operatorRule, operator: { positional: 0 } }] }, 'rules[0].operator.positional'],
    ['a positional count that is not an integer', { name: 'x', rules: [{ ...operatorRule, operator: { positional: 1.5 } }] }, 'rules[0].operator.positional'],
    [
      'a without that is not a list',
      { name: 'x', rules: [{ ...operatorRule, operator: { without: { conv: 'kernelInitializer' } } }] },
      'rules[0].operator.without.conv',
    ],
    [
      'an empty name in a without list',
      { name: 'x', rules: [{ ...operatorRule, operator: { without: { conv: ['a', ''] } } }] },
      'rules[0].operator.without.conv[1]',
    ],
    [
      'a bad name under a dotted kind, quoted in the path',
      { name: 'x', rules: [{ ...operatorRule, operator: { without: { 'layers.conv2d': [1] } } }] },
      'rules[0].operator.without["layers.conv2d"][0]',
    ],
    ['an unlessOutput that is not a boolean', { name: 'x', rules: [{ ...operatorRule, operator: { unlessOutput: 'yes' } }] }, 'rules[0].operator.unlessOutput'],
    ['an empty name in unlessArgs', { name: 'x', rules: [{ ...operatorRule, operator: { unlessArgs: [''] } }] }, 'rules[0].operator.unlessArgs[0]'],
    ['an operator rule with a hyper value', { name: 'x', rules: [{ ...operatorRule, hyper: { oneOf: [1] } }] }, 'rules[0]'],
    ['an operator rule with args', { name: 'x', rules: [{ ...operatorRule, args: ['units'] }] }, 'rules[0]'],
    // optional rules
    ['optional: false', { name: 'x', rules: [{ ...optionalRule, optional: false }] }, 'rules[0].optional'],
    ["optional: 'true'", { name: 'x', rules: [{ ...optionalRule, optional: 'true' }] }, 'rules[0].optional'],
    ['an optional rule without calls', { name: 'x', rules: [{ ...optionalRule, calls: [] }] }, 'rules[0].calls'],
    ['an optional rule with a hyper value', { name: 'x', rules: [{ ...optionalRule, hyper: { oneOf: [1] } }] }, 'rules[0]'],
    ['a rule both operator and optional', { name: 'x', rules: [{ ...operatorRule, optional: true }] }, 'rules[0]'],
  ])('rejects %s with a schema error at its key path', (_what, content, where) => {
    const path = ruleFile(content);
    const error = errorOf(() => loadAnnotationRules(path));
    expect(error.code).toBe('schema');
    expect(error.path).toBe(where);
    expect(error.message).toContain(`the rule file ${path} is invalid: `);
  });

  it('names what is wrong in an operator or optional rule', () => {
    const hyper = errorOf(() => loadAnnotationRules(ruleFile({ name: 'x', rules: [{ ...operatorRule, hyper: { oneOf: [1] } }] })));
    expect(hyper.message).toContain('"hyper"');
    const both = errorOf(() => loadAnnotationRules(ruleFile({ name: 'x', rules: [{ ...operatorRule, optional: true }] })));
    expect(both.message).toContain('"optional"');
    const notTrue = errorOf(() => loadAnnotationRules(ruleFile({ name: 'x', rules: [rule, { ...optionalRule, optional: false }] })));
    expect(notTrue.path).toBe('rules[1].optional');
    expect(notTrue.message).toContain('expected true');
  });

  it('names the unknown key', () => {
    const error = errorOf(() => loadAnnotationRules(ruleFile({ name: 'x', rules: [{ ...rule, hyper: { oneOf: [1], extra: 1 } }] })));
    expect(error.message).toContain('extra');
    const inRule = errorOf(() => loadAnnotationRules(ruleFile({ name: 'x', rules: [{ ...rule, unlessOuput: true }] })));
    expect(inRule.path).toBe('rules[0]');
    expect(inRule.message).toContain('unlessOuput');
  });
});

describe('annotationRuleSchema', () => {
  it('accepts a minimal rule and rejects a range with a non-finite bound', () => {
    expect(annotationRuleSchema.safeParse({ name: 'r', calls: ['fit'], args: ['batchSize'], hyper: { intv: [1, 4] } }).success).toBe(true);
    expect(annotationRuleSchema.safeParse({ name: 'r', calls: ['fit'], args: ['batchSize'], hyper: { intv: [1, Number.POSITIVE_INFINITY] } }).success).toBe(
      false,
    );
    expect(annotationRuleSchema.safeParse({ name: '', calls: ['fit'], args: ['batchSize'], hyper: { intv: [1, 4] } }).success).toBe(false);
    expect(annotationRuleSchema.safeParse({ name: 'r', calls: ['fit'], args: ['batchSize'], hyper: { oneOf: [] } }).success).toBe(false);
    expect(annotationRuleSchema.safeParse({ name: 'r', calls: ['fit'], args: ['batchSize'], hyper: { floatv: [0, 1], scale: 'cubic' } }).success).toBe(false);
  });
});

describe('annotationRuleSchema: the three kinds', () => {
  it('tells the kinds by their keys and checks each as its kind', () => {
    expect(annotationRuleSchema.safeParse(operatorRule).success).toBe(true);
    expect(annotationRuleSchema.safeParse(optionalRule).success).toBe(true);
    expect(
      annotationRuleSchema.safeParse({ name: 'r', calls: ['layers.conv2d'], args: ['kernelSize'], type: 'array', hyper: { oneOf: [[3, 3]] } }).success,
    ).toBe(true);
    // A rule with neither hyper, operator nor optional is read as a value rule, and lacks args and hyper.
    const none = annotationRuleSchema.safeParse({ name: 'r', calls: ['fit'] });
    expect(none.success).toBe(false);
    expect(none.error?.issues.map((i) => i.path.join('.'))).toEqual(['args', 'hyper']);
    expect(annotationRuleSchema.safeParse({ ...operatorRule, calls: ['layers.conv2d'] }).success).toBe(false);
    expect(annotationRuleSchema.safeParse({ ...optionalRule, optional: false }).success).toBe(false);
    expect(annotationRuleSchema.safeParse({ ...optionalRule, operator: {} }).success).toBe(false);
  });
});
