import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PliantError, symbolize } from '../../../src/index.js';
import { canonicalize } from '../../../src/hashing/canonicalize.js';
import { isRuleSet, loadRules, ruleFileSchema, ruleSet } from '../../../src/hashing/rewrite-rules.js';
import type { RuleFile } from '../../../src/hashing/rewrite-rules.js';
import { errorOf } from '../../support/error-of.js';

const dir = mkdtempSync(join(tmpdir(), 'pliant-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A one-rule file. */
function one(match: unknown, replace: unknown, name = 'r'): unknown {
  return { name: 'test', rules: [{ name, match, replace }] };
}

/** The message of the error `ruleSet(json)` throws. */
function messageOf(json: unknown): string {
  return errorOf(() => ruleSet(json)).message;
}

describe('ruleSet', () => {
  it('compiles a valid file into an immutable rule set that round-trips', () => {
    const file: RuleFile = {
      name: 'demo',
      description: 'demo rules',
      rules: [
        { name: 'unwrap', description: 'identity', match: { $type: 'rr.Identity', x: '$x' }, replace: '$x' },
        { name: 'sort', match: { $type: 'rr.Add', terms: '$t' }, replace: { $update: { terms: { $sorted: '$t' } } } },
        { name: 'drop', match: { $type: 'rr.Dropout', rate: 0 }, replace: { $remove: true } },
      ],
    };
    const set = ruleSet(file);
    expect(isRuleSet(set)).toBe(true);
    expect(isRuleSet({ ...set })).toBe(false);
    expect(set.name).toBe('demo');
    expect(set.description).toBe('demo rules');
    expect(set.source).toBeUndefined();
    expect(set.rules.map((r) => r.name)).toEqual(['unwrap', 'sort', 'drop']);
    expect(Object.isFrozen(set)).toBe(true);
    expect(Object.isFrozen(set.rules[0]?.match)).toBe(true);
    expect(JSON.parse(JSON.stringify(set))).toEqual(file);
    expect(isRuleSet(ruleSet(JSON.parse(JSON.stringify(set))))).toBe(true);
    expect(ruleFileSchema.safeParse(file).success).toBe(true);
  });

  it('does not share the caller’s objects (changing them later changes nothing)', () => {
    const file = { name: 'x', rules: [{ name: 'r', match: { $type: 'rr.T', a: 1 }, replace: { $remove: true } }] };
    const set = ruleSet(file);
    (file.rules[0] as { match: { a: number } }).match.a = 2;
    expect(set.rules[0]?.match).toEqual({ $type: 'rr.T', a: 1 });
  });

  it('accepts rules about types that are not registered (yet)', () => {
    const set = ruleSet(one({ $type: 'rr.NotYetRegistered', x: '$x' }, '$x'));
    expect(set.rules).toHaveLength(1);
    // ...and such a rule never matches until the type exists
    const Holder = symbolize('rr.Holder', (a: { v: unknown }) => a);
    const tree = Holder({ v: [1, 2] });
    expect(canonicalize(tree, set)).toBe(tree);
  });

  it('accepts an empty rule list and a $schema key', () => {
    expect(ruleSet({ $schema: './rules.schema.json', name: 'empty', rules: [] }).rules).toEqual([]);
  });

  describe('rejects malformed files, naming the rule and the JSON path', () => {
    it('the outer shape', () => {
      expect(messageOf('not an object')).toMatch(/^ruleSet: at \(root\): not a valid rule file: /);
      expect(messageOf({ rules: [] })).toMatch(/^ruleSet: at 'name': not a valid rule file/);
      expect(messageOf({ name: '', rules: [] })).toMatch(/^ruleSet: at 'name': .*non-empty name/);
      expect(messageOf({ name: 'x', rules: [], extra: 1 })).toMatch(/^ruleSet: at \(root\): not a valid rule file: .*"extra"/);
      expect(messageOf({ name: 'x', rules: {} })).toMatch(/^ruleSet: at 'rules': not a valid rule file/);
      expect(messageOf({ name: 'x', rules: [{ name: 'a', match: 1 }] })).toMatch(/^ruleSet: at 'rules\[0\]\.replace': rule 'a': not a valid rule file/);
      expect(messageOf({ name: 'x', rules: [{ name: 'a', match: 1, replacement: 2, replace: 3 }] })).toMatch(
        /^ruleSet: at 'rules\[0\]': rule 'a': not a valid rule file: .*"replacement"/,
      );
      expect(messageOf({ name: 'x', rules: [{ match: 1, replace: 2 }] })).toMatch(/^ruleSet: at 'rules\[0\]\.name': not a valid rule file/);
      const e = errorOf(() => ruleSet({ rules: [] }));
      expect(e).toBeInstanceOf(PliantError);
      expect(e.api).toBe('ruleSet');
      expect(e.code).toBe('json');
      expect(e.path).toBe('name');
    });

    it('a rule name used twice', () => {
      const file = {
        name: 'x',
        rules: [
          { name: 'a', match: 1, replace: 2 },
          { name: 'a', match: 3, replace: 4 },
        ],
      };
      expect(messageOf(file)).toBe("ruleSet: at 'rules[1].name': rule 'a': the rule name 'a' is used twice in the set 'x'");
    });

    it('unknown $ keywords', () => {
      expect(messageOf(one({ $tpye: 'rr.Add' }, 1))).toBe(
        "ruleSet: at 'rules[0].match.$tpye': rule 'r': unknown keyword '$tpye' in a pattern (known: $type, $in, $literal, $number; a record key starting with '$' cannot be matched or built)",
      );
      expect(messageOf(one({ $type: 'rr.Add', $as: '$n' }, 1))).toMatch(
        /^ruleSet: at 'rules\[0\]\.match\.\$as': rule 'r': unknown keyword '\$as' in a \$type pattern/,
      );
      expect(messageOf(one('$x', { $sort: '$x' }))).toMatch(
        /^ruleSet: at 'rules\[0\]\.replace\.\$sort': rule 'r': unknown keyword '\$sort' in a replacement \(known: \$type, \$update, \$sorted, \$remove, \$literal, \$number/,
      );
      expect(messageOf(one({ $type: 'rr.A', x: '$x' }, { $type: 'rr.B', $update: {} }))).toMatch(
        /at 'rules\[0\]\.replace\.\$update': rule 'r': unknown keyword '\$update' in a \$type replacement/,
      );
      expect(messageOf(one({ $in: [1], extra: 2 }, 1))).toBe(
        `ruleSet: at 'rules[0].match.extra': rule 'r': "$in" must be alone in its object, found also 'extra'`,
      );
    });

    it('strings starting with $ that are not variables', () => {
      expect(messageOf(one('$1x', 1))).toBe(
        `ruleSet: at 'rules[0].match': rule 'r': "$1x" is neither a variable ("$name": a letter or '_', then letters, digits, '_') nor the wildcard "$_"; write {"$literal": "$1x"} for the string itself`,
      );
      expect(messageOf(one('$x', '$'))).toMatch(/^ruleSet: at 'rules\[0\]\.replace': rule 'r': "\$" is neither a variable/);
    });

    it('$update outside a $type match, or not as the whole replacement', () => {
      expect(messageOf(one('$x', { $update: { a: 1 } }))).toBe(
        `ruleSet: at 'rules[0].replace.$update': rule 'r': "$update" changes arguments of the matched node, so the match must be a {"$type": ...} pattern`,
      );
      expect(messageOf(one({ a: '$x' }, { $update: { a: 1 } }))).toMatch(/must be a \{"\$type": \.\.\.\} pattern/);
      expect(messageOf(one({ $type: 'rr.A', x: '$x' }, { $type: 'rr.B', y: { $update: { x: 1 } } }))).toBe(
        `ruleSet: at 'rules[0].replace.y.$update': rule 'r': "$update" can only be the whole replacement of a rule, not part of one`,
      );
      expect(messageOf(one({ $type: 'rr.A' }, { $update: {} }))).toMatch(/at 'rules\[0\]\.replace\.\$update': rule 'r': "\$update" takes a non-empty record/);
      expect(messageOf(one({ $type: 'rr.A' }, { $update: [1] }))).toMatch(/"\$update" takes a non-empty record/);
      expect(messageOf(one({ $type: 'rr.A' }, { $update: { $x: 1 } }))).toMatch(
        /at 'rules\[0\]\.replace\.\$update\.\$x': rule 'r': '\$x' cannot be an argument name/,
      );
    });

    it('$remove that is not `true` or not the whole replacement', () => {
      expect(messageOf(one('$x', { $remove: false }))).toBe(`ruleSet: at 'rules[0].replace.$remove': rule 'r': "$remove" takes the value true, found false`);
      expect(messageOf(one('$x', [{ $remove: true }]))).toBe(
        `ruleSet: at 'rules[0].replace[0].$remove': rule 'r': "$remove" can only be the whole replacement of a rule, not part of one`,
      );
      expect(messageOf(one('$x', { $remove: true, also: 1 }))).toMatch(/"\$remove" must be alone in its object, found also 'also'/);
    });

    it('unbound variables and the wildcard in a replacement', () => {
      expect(messageOf(one({ $type: 'rr.Add', terms: '$t' }, { $update: { terms: { $sorted: '$y' } } }))).toBe(
        "ruleSet: at 'rules[0].replace.$update.terms.$sorted': rule 'r': unbound variable '$y' (the match binds $t)",
      );
      expect(messageOf(one({ $type: 'rr.Add' }, '$y'))).toBe("ruleSet: at 'rules[0].replace': rule 'r': unbound variable '$y' (the match binds no variables)");
      expect(messageOf(one({ $type: 'rr.Add', terms: '$_' }, '$_'))).toBe(
        `ruleSet: at 'rules[0].replace': rule 'r': "$_" matches without binding, so a replacement cannot use it; bind a variable ("$x") instead`,
      );
      // variables bound by the match of another rule do not count
      const file = {
        name: 'x',
        rules: [
          { name: 'a', match: '$x', replace: '$x' },
          { name: 'b', match: 1, replace: '$x' },
        ],
      };
      expect(messageOf(file)).toBe("ruleSet: at 'rules[1].replace': rule 'b': unbound variable '$x' (the match binds no variables)");
    });

    it('malformed $type, $in, $number and forbidden keys', () => {
      expect(messageOf(one({ $type: 3 }, 1))).toMatch(/^ruleSet: at 'rules\[0\]\.match\.\$type': rule 'r': "\$type" must be a symbolic type name .*found 3/);
      expect(messageOf(one({ $type: 'has space' }, 1))).toMatch(/"\$type" must be a symbolic type name/);
      expect(messageOf(one({ $type: 'rr.A' }, { $type: '' }))).toMatch(/at 'rules\[0\]\.replace\.\$type'.*"\$type" must be a symbolic type name/);
      expect(messageOf(one({ $in: [] }, 1))).toBe(`ruleSet: at 'rules[0].match.$in': rule 'r': "$in" takes a non-empty array of literal values, found []`);
      expect(messageOf(one({ $in: [1, '$x'] }, 1))).toBe(
        `ruleSet: at 'rules[0].match.$in[1]': rule 'r': "$in" lists literal values, not variables; write {"$literal": "$x"} for the string itself`,
      );
      expect(messageOf(one({ $in: [{ $type: 'rr.A' }] }, 1))).toMatch(/at 'rules\[0\]\.match\.\$in\[0\]': rule 'r': "\$in" lists literal values only/);
      expect(messageOf(one({ $number: 'nan' }, 1))).toBe(
        `ruleSet: at 'rules[0].match.$number': rule 'r': "$number" must be one of "NaN", "Infinity", "-Infinity", "-0", found "nan"`,
      );
      const hostile = JSON.parse('{"name":"x","rules":[{"name":"r","match":{"__proto__":{"a":1}},"replace":1}]}') as unknown;
      expect(messageOf(hostile)).toBe("ruleSet: at 'rules[0].match.__proto__': rule 'r': the key '__proto__' is not allowed");
    });
  });
});

describe('loadRules', () => {
  it('loads the default rule file of the package', () => {
    const set = loadRules(new URL('../../../rewrites/canonical.json', import.meta.url));
    expect(set.name).toBe('pliant-canonical');
    expect(set.source).toMatch(/rewrites[/\\]canonical\.json$/);
    expect(set.rules.map((r) => r.name)).toEqual([
      'drop-zero-dropout',
      'drop-linear-activation',
      'drop-identity',
      'drop-zero-spatial-dropout',
      'drop-zero-gaussian-dropout',
      'drop-zero-alpha-dropout',
      'drop-zero-gaussian-noise',
    ]);
  });

  it('loads a user file from a path, and its rules work', () => {
    const Wrap = symbolize('rr.Wrap', (a: { x: unknown }) => a.x, { schema: z.object({ x: z.unknown() }) });
    const file = join(dir, 'mine.json');
    writeFileSync(file, JSON.stringify({ name: 'mine', rules: [{ name: 'unwrap', match: { $type: 'rr.Wrap', x: '$x' }, replace: '$x' }] }));
    const set = loadRules(file);
    expect(set.source).toBe(file);
    expect(canonicalize([Wrap({ x: Wrap({ x: 7 }) })], set)).toEqual([7]);
  });

  it('names the file when it cannot be read or is not JSON', () => {
    const missing = join(dir, 'missing.json');
    const e1 = errorOf(() => loadRules(missing));
    expect(e1.message).toMatch(/^loadRules: cannot read the rule file .*missing\.json: ENOENT/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ "name": "x", "rules": [ }');
    const e2 = errorOf(() => loadRules(bad));
    expect(e2.code).toBe('json');
    expect(e2.message.startsWith(`loadRules: ${bad}: malformed JSON: `)).toBe(true);
    expect(errorOf(() => loadRules(42 as unknown as string)).message).toBe('loadRules: expected a file path or a file: URL, found 42');
  });

  it('names the file, the rule and the JSON path of a malformed rule', () => {
    const file = join(dir, 'malformed.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'm',
        rules: [
          { name: 'ok', match: 1, replace: 2 },
          { name: 'broken', match: '$x', replace: '$y' },
        ],
      }),
    );
    const e = errorOf(() => loadRules(file));
    expect(e.message).toBe(`loadRules: at 'rules[1].replace': ${file}: rule 'broken': unbound variable '$y' (the match binds $x)`);
    expect(e.path).toBe('rules[1].replace');
  });
});
