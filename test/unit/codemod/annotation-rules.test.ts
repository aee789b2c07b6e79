import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { annotationRuleFileSchema, annotationRuleSchema, defaultAnnotationRules, loadAnnotationRules } from '../../../src/codemod/annotation-rules.js';
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
      'hidden-activation',
      'dropout-rate',
      'recurrent-dropout',
      'learning-rate',
      'momentum',
      'optimizer-name',
      'batch-size',
    ]);
    expect(defaultAnnotationRules()).toBe(rules);
    const width = rules[0];
    expect(width).toMatchObject({
      calls: expect.arrayContaining(['layers.dense', 'layers.conv2d', 'layers.lstm']),
      args: ['units', 'filters', 'outputDim'],
      type: 'number',
      unlessOutput: true,
      hyper: { oneOf: { times: [0.5, 1, 2] } },
    });
    expect(rules.find((r) => r.name === 'learning-rate')?.hyper).toEqual({ floatv: { times: [0.1, 10] }, scale: 'log' });
  });

  it('name only calls that exist in their canonical form', () => {
    for (const r of defaultAnnotationRules()) {
      for (const call of r.calls) expect(call, r.name).toMatch(/^(layers\.[a-zA-Z0-9]+|train\.[a-z]+|fit|compile)$/);
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
    ];
    const path = ruleFile({ name: 'all', rules: recipes.map((hyper, i) => ({ name: `r${i}`, calls: ['fit'], args: ['x'], hyper })) });
    expect(loadAnnotationRules(path).map((r) => r.hyper)).toEqual(recipes);
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
  ])('rejects %s with a schema error at its key path', (_what, content, where) => {
    const path = ruleFile(content);
    const error = errorOf(() => loadAnnotationRules(path));
    expect(error.code).toBe('schema');
    expect(error.path).toBe(where);
    expect(error.message).toContain(`the rule file ${path} is invalid: `);
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
