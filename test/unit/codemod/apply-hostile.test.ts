import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../../src/base/json-depth.js';
import { PliantError } from '../../../src/base/errors.js';
import { runCli } from '../../../src/cli/run-cli.js';
import { annotateSource } from '../../../src/codemod/annotate.js';
import { applySource } from '../../../src/codemod/apply.js';
import { annotatedModule } from '../../../src/codemod/candidate-values.js';
import type { TreeValue } from '../../../src/symbolic/node.js';
import { errorOf, rejection } from '../../support/error-of.js';
import { hostileValue } from '../base/hostile-values.js';

const FIXTURE = new URL('../../fixtures/codemod/mnist-cnn.ts', import.meta.url);
const text = readFileSync(FIXTURE, 'utf8');
const original = annotateSource(text, { fileName: 'mnist-cnn.ts' }).original as Record<string, unknown>;

/** `{"a": {"a": ... 1}}`, `n` records deep. */
function nestedRecords(n: number): Record<string, unknown> {
  let v: unknown = 1;
  for (let i = 0; i < n; i++) v = { a: v };
  return v as Record<string, unknown>;
}

describe('applySource against hostile candidates', () => {
  it('refuses a candidate nested 1e3, 1e5 or 1e6 deep with a json PliantError naming apply and the key path', () => {
    for (const n of [1e3, 1e5, 1e6]) {
      const e = errorOf(() => applySource(text, { ...original, extra: nestedRecords(n) } as TreeValue));
      expect([e.api, e.code]).toEqual(['apply', 'json']);
      expect(e.path).toBe(['extra', ...Array<string>(MAX_JSON_DEPTH - 1).fill('a')].join('.'));
    }
    // 10 levels is read (and is no decision of the file).
    expect(errorOf(() => applySource(text, { ...original, extra: nestedRecords(10) } as TreeValue)).code).toBe('key-path');
  });

  it('refuses a cycle, and names a non-record clearly', () => {
    const cyclic: Record<string, unknown> = { ...original };
    cyclic.self = { back: cyclic };
    expect(errorOf(() => applySource(text, cyclic as TreeValue)).path).toBe('self.back');
    expect(errorOf(() => applySource(text, 5n as unknown as TreeValue)).message).toContain('5n');
  });

  it('on anything at a decision or beside the decisions: a result or a PliantError', () => {
    fc.assert(
      fc.property(fc.constantFrom(...leafKeys(original)), hostileValue, fc.boolean(), (key, value, beside) => {
        const candidate = beside ? { ...original, extra: value } : withValue(original, key.split('.'), value);
        try {
          applySource(text, candidate as TreeValue);
        } catch (error) {
          expect(error).toBeInstanceOf(PliantError);
        }
      }),
      { numRuns: 100 },
    );
  });
});

/** The dotted keys of the leaves of a nested record. */
function leafKeys(tree: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? leafKeys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

/** A copy of a nested record with the leaf at `path` set to `value`. */
function withValue(tree: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const [head, ...rest] = path as [string, ...string[]];
  return { ...tree, [head]: rest.length === 0 ? value : withValue(tree[head] as Record<string, unknown>, rest, value) };
}

describe('applySource with control characters in a string value', () => {
  it('writes them as escapes, so the file holds no raw control character and reads back the same string', () => {
    const hostile = 'relu\u0000\u001b[31m\u2028x\u007f';
    const candidate = withValue(original, ['createModel', 'dense_1', 'activation'], hostile);
    const { code: written } = applySource(text, candidate as TreeValue);
    // eslint-disable-next-line no-control-regex
    expect(written).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u2028]/);
    const literal = /activation: ('[^']*\\x00[^']*')/.exec(written)?.[1];
    expect(literal).toBeDefined();
    expect(new Function(`return ${literal};`)()).toBe(hostile);
  });
});

describe('pliant apply against hostile JSON', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pliant-apply-hostile-'));
    writeFileSync(join(dir, 'model.ts'), text);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function apply(json: string): Promise<{ code: number; err: string }> {
    const file = join(dir, 'decisions.json');
    writeFileSync(file, json);
    const err: string[] = [];
    const streams = { out: { write: (): void => undefined }, err: { write: (t: string): void => void err.push(t) } };
    const code = await runCli(['apply', file, join(dir, 'model.ts'), '--dry-run'], streams);
    return { code, err: err.join('') };
  }

  it('exits 1 with a message naming the path (never a RangeError) for a DNA or a candidate nested 1e3 to 1e6 deep', async () => {
    for (const n of [1e3, 1e5, 1e6]) {
      const lists = `${'['.repeat(n)}0${']'.repeat(n)}`;
      for (const json of [lists, `{"dna":${lists}}`, `{"candidate":${'{"a":'.repeat(n)}1${'}'.repeat(n)}}`, `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`]) {
        const { code, err } = await apply(json);
        expect(code).toBe(1);
        expect(err).toContain(`nesting deeper than ${MAX_JSON_DEPTH} levels`);
        expect(err).toMatch(/at '(\[0\]|a\.a)/);
        expect(err).not.toMatch(/RangeError|Maximum call stack/);
      }
    }
  });
});

describe('annotatedModule(...).load against hostile candidates', () => {
  it('refuses a candidate nested too deep, or cyclic, with a json PliantError naming annotatedModule and the key path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pliant-load-hostile-'));
    try {
      const file = join(dir, 'plain.space.mjs');
      writeFileSync(file, 'export const searchSpace = { a: 1 };\nexport const originalValues = { a: 1 };\n');
      const model = await annotatedModule(file);
      for (const n of [1e3, 1e5, 1e6]) {
        const e = await rejection(model.load(nestedRecords(n)));
        expect(e).toBeInstanceOf(PliantError);
        expect([(e as PliantError).api, (e as PliantError).code, (e as PliantError).path]).toEqual([
          'annotatedModule',
          'json',
          Array<string>(MAX_JSON_DEPTH).fill('a').join('.'),
        ]);
      }
      const cyclic: Record<string, unknown> = { a: 1 };
      cyclic.b = [cyclic];
      expect(((await rejection(model.load(cyclic))) as PliantError).path).toBe('b[0]');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
