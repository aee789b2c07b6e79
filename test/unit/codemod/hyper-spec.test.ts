import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HyperRecipe } from '../../../src/codemod/annotation-rules.js';
import {
  hyperFromRecipe,
  hyperText,
  hyperValue,
  includeOriginal,
  literalText,
  numberText,
  specContains,
  stringText,
  tidy,
} from '../../../src/codemod/hyper-spec.js';
import type { HyperSpec } from '../../../src/codemod/hyper-spec.js';
import { DNA } from '../../../src/geno/dna.js';
import { dnaSpec, encode, materialize } from '../../../src/geno/template.js';
import { errorOf } from '../../support/error-of.js';

describe('tidy', () => {
  it('removes float noise at 12 significant digits', () => {
    expect(tidy(0.1 + 0.2)).toBe(0.3);
    expect(tidy(0.1 * 3)).toBe(0.3);
    expect(tidy(1.1 * 1.1)).toBe(1.21);
    expect(tidy(123456789.123456789)).toBe(123456789.123);
    expect(tidy(64)).toBe(64);
  });
});

describe('hyperFromRecipe: oneOf times', () => {
  it('multiplies an integer, rounding to integers of at least 1, and sorts in the original', () => {
    expect(hyperFromRecipe({ oneOf: { times: [0.5, 1, 2] } }, 64)).toEqual({ kind: 'oneOf', candidates: [32, 64, 128] });
    // 3 × 0.1 rounds to 0 → 1; 3 × 0.5 = 1.5 → 2; the original 3 is added in order.
    expect(hyperFromRecipe({ oneOf: { times: [0.1, 0.5, 2] } }, 3)).toEqual({ kind: 'oneOf', candidates: [1, 2, 3, 6] });
    // Duplicates after rounding collapse.
    expect(hyperFromRecipe({ oneOf: { times: [0.5, 1, 2] } }, 1)).toEqual({ kind: 'oneOf', candidates: [1, 2] });
    expect(hyperFromRecipe({ oneOf: { times: [0.01, 0.1] } }, 5)).toEqual({ kind: 'oneOf', candidates: [1, 5] });
  });

  it('multiplies a float without rounding, but without float noise', () => {
    expect(hyperFromRecipe({ oneOf: { times: [0.5, 1, 2] } }, 0.3)).toEqual({ kind: 'oneOf', candidates: [0.15, 0.3, 0.6] });
    expect(hyperFromRecipe({ oneOf: { times: [3] } }, 0.1)).toEqual({ kind: 'oneOf', candidates: [0.1, 0.3] });
  });

  it('needs a number', () => {
    const error = errorOf(() => hyperFromRecipe({ oneOf: { times: [2] } }, 'relu'));
    expect(error.code).toBe('argument');
    expect(error.message).toBe(`annotate: a 'times' recipe needs a number, found "relu"`);
  });
});

describe('hyperFromRecipe: a fixed oneOf list', () => {
  it('keeps a list that has the original, in its order, without duplicates', () => {
    expect(hyperFromRecipe({ oneOf: [5, 3] }, 3)).toEqual({ kind: 'oneOf', candidates: [5, 3] });
    expect(hyperFromRecipe({ oneOf: [5, 3, 3, 5] }, 5)).toEqual({ kind: 'oneOf', candidates: [5, 3] });
    expect(hyperFromRecipe({ oneOf: ['relu', 'elu'] }, 'elu')).toEqual({ kind: 'oneOf', candidates: ['relu', 'elu'] });
  });

  it('adds a missing original: numbers sorted, other values appended', () => {
    expect(hyperFromRecipe({ oneOf: [3, 5] }, 4)).toEqual({ kind: 'oneOf', candidates: [3, 4, 5] });
    expect(hyperFromRecipe({ oneOf: [3, 5] }, 7)).toEqual({ kind: 'oneOf', candidates: [3, 5, 7] });
    expect(hyperFromRecipe({ oneOf: [5, 3] }, 1)).toEqual({ kind: 'oneOf', candidates: [1, 3, 5] });
    expect(hyperFromRecipe({ oneOf: ['z', 'b'] }, 'c')).toEqual({ kind: 'oneOf', candidates: ['z', 'b', 'c'] });
    expect(hyperFromRecipe({ oneOf: [true] }, false)).toEqual({ kind: 'oneOf', candidates: [true, false] });
    expect(hyperFromRecipe({ oneOf: [2, 'x'] }, 1)).toEqual({ kind: 'oneOf', candidates: [2, 'x', 1] });
  });

  it('works for a non-number original (no number needed)', () => {
    expect(hyperFromRecipe({ oneOf: ['adam', 'sgd'] }, 'rmsprop').kind).toBe('oneOf');
  });
});

describe('hyperFromRecipe: floatv', () => {
  it('takes a fixed range and widens it to reach the original', () => {
    expect(hyperFromRecipe({ floatv: [0, 0.5] }, 0.2)).toEqual({ kind: 'floatv', min: 0, max: 0.5 });
    expect(hyperFromRecipe({ floatv: [0.2, 0.5] }, 0.7)).toEqual({ kind: 'floatv', min: 0.2, max: 0.7 });
    expect(hyperFromRecipe({ floatv: [0.2, 0.5] }, -0.1)).toEqual({ kind: 'floatv', min: -0.1, max: 0.5 });
  });

  it('takes a range relative to the original, without noise', () => {
    expect(hyperFromRecipe({ floatv: { times: [0.1, 10] }, scale: 'log' }, 0.001)).toEqual({ kind: 'floatv', min: 0.0001, max: 0.01, scale: 'log' });
    expect(hyperFromRecipe({ floatv: { times: [0.5, 3] } }, 0.1)).toEqual({ kind: 'floatv', min: 0.05, max: 0.3 });
  });

  it('keeps a log range positive: a min of 0 or below becomes a tenth of the original', () => {
    expect(hyperFromRecipe({ floatv: [0, 1], scale: 'log' }, 0.5)).toEqual({ kind: 'floatv', min: 0.05, max: 1, scale: 'log' });
    expect(hyperFromRecipe({ floatv: [-1, 1], scale: 'log' }, 0.3)).toEqual({ kind: 'floatv', min: 0.03, max: 1, scale: 'log' });
    // A linear range may start at 0.
    expect(hyperFromRecipe({ floatv: [0, 1], scale: 'linear' }, 0.5)).toEqual({ kind: 'floatv', min: 0, max: 1 });
    expect(hyperFromRecipe({ floatv: [0.1, 1], scale: 'rlog' }, 0.5)).toEqual({ kind: 'floatv', min: 0.1, max: 1, scale: 'rlog' });
  });

  it('needs a number', () => {
    const error = errorOf(() => hyperFromRecipe({ floatv: [0, 1] }, true));
    expect(error.code).toBe('argument');
    expect(error.message).toBe('annotate: a range needs a number, found true');
  });
});

describe('hyperFromRecipe: intv', () => {
  it('takes a fixed range and widens it to reach the original', () => {
    expect(hyperFromRecipe({ intv: [2, 8] }, 4)).toEqual({ kind: 'intv', min: 2, max: 8 });
    expect(hyperFromRecipe({ intv: [2, 8] }, 10)).toEqual({ kind: 'intv', min: 2, max: 10 });
    expect(hyperFromRecipe({ intv: [2, 8] }, 1)).toEqual({ kind: 'intv', min: 1, max: 8 });
  });

  it('rounds a relative range outwards to integers', () => {
    expect(hyperFromRecipe({ intv: { times: [0.5, 2] } }, 3)).toEqual({ kind: 'intv', min: 1, max: 6 });
    expect(hyperFromRecipe({ intv: { times: [0.3, 1.5] } }, 5)).toEqual({ kind: 'intv', min: 1, max: 8 });
    expect(hyperFromRecipe({ intv: [1.5, 4.2] }, 3)).toEqual({ kind: 'intv', min: 1, max: 5 });
  });

  it('needs a number', () => {
    expect(errorOf(() => hyperFromRecipe({ intv: [1, 2] }, 'x')).code).toBe('argument');
  });
});

describe('hyperFromRecipe: the original is a candidate of the pliant hyper value', () => {
  const cases: [HyperRecipe, number | string | boolean][] = [
    [{ oneOf: { times: [0.5, 1, 2] } }, 64],
    [{ oneOf: { times: [0.1, 0.5, 2] } }, 3],
    [{ oneOf: [3, 5] }, 4],
    [{ oneOf: ['a', 'b'] }, 'c'],
    [{ floatv: [0, 0.5] }, 0.7],
    [{ floatv: { times: [0.1, 10] }, scale: 'log' }, 0.002],
    [{ floatv: [0, 1], scale: 'log' }, 0.5],
    [{ intv: { times: [0.5, 2] } }, 7],
    [{ intv: [2, 8] }, 12],
  ];
  it.each(cases)('%j with %j', (recipe, original) => {
    const spec = hyperFromRecipe(recipe, original);
    expect(specContains(spec, original)).toBe(true);
    const value = hyperValue(spec);
    expect(materialize(value, encode(value, original))).toBe(original);
  });
});

describe('specContains', () => {
  it('checks membership, range and integrality', () => {
    expect(specContains({ kind: 'oneOf', candidates: [1, 'a'] }, 'a')).toBe(true);
    expect(specContains({ kind: 'oneOf', candidates: [1, 'a'] }, '1')).toBe(false);
    expect(specContains({ kind: 'floatv', min: 0, max: 1 }, 1)).toBe(true);
    expect(specContains({ kind: 'floatv', min: 0, max: 1 }, 1.01)).toBe(false);
    expect(specContains({ kind: 'floatv', min: 0, max: 1 }, 'x')).toBe(false);
    expect(specContains({ kind: 'intv', min: 0, max: 4 }, 2)).toBe(true);
    expect(specContains({ kind: 'intv', min: 0, max: 4 }, 2.5)).toBe(false);
    expect(specContains({ kind: 'intv', min: 0, max: 4 }, -1)).toBe(false);
  });
});

describe('includeOriginal', () => {
  it('returns a spec that has the original as it is', () => {
    const oneOfSpec: HyperSpec = { kind: 'oneOf', candidates: [32, 64, 128] };
    expect(includeOriginal(oneOfSpec, 64)).toBe(oneOfSpec);
    const range: HyperSpec = { kind: 'floatv', min: 0.1, max: 0.5, scale: 'log' };
    expect(includeOriginal(range, 0.3)).toBe(range);
  });

  it('adds a missing candidate, sorted among numbers', () => {
    expect(includeOriginal({ kind: 'oneOf', candidates: [32, 64, 128] }, 16)).toEqual({ kind: 'oneOf', candidates: [16, 32, 64, 128] });
    expect(includeOriginal({ kind: 'oneOf', candidates: [32, 128] }, 64)).toEqual({ kind: 'oneOf', candidates: [32, 64, 128] });
    expect(includeOriginal({ kind: 'oneOf', candidates: ['tanh', 'elu'] }, 'relu')).toEqual({ kind: 'oneOf', candidates: ['tanh', 'elu', 'relu'] });
  });

  it('widens a range, keeping its scale', () => {
    expect(includeOriginal({ kind: 'floatv', min: 0.0001, max: 0.01, scale: 'log' }, 0.05)).toEqual({ kind: 'floatv', min: 0.0001, max: 0.05, scale: 'log' });
    expect(includeOriginal({ kind: 'floatv', min: 0.2, max: 0.5 }, 0.1)).toEqual({ kind: 'floatv', min: 0.1, max: 0.5 });
    expect(includeOriginal({ kind: 'intv', min: 2, max: 4 }, 9)).toEqual({ kind: 'intv', min: 2, max: 9 });
    expect(includeOriginal({ kind: 'intv', min: 2, max: 4 }, 0)).toEqual({ kind: 'intv', min: 0, max: 4 });
  });
});

describe('numberText, stringText, literalText', () => {
  it('writes numbers as the shortest text that reads back', () => {
    expect(numberText(64)).toBe('64');
    expect(numberText(0.001)).toBe('0.001');
    expect(numberText(1e-7)).toBe('1e-7');
    expect(numberText(1e21)).toBe('1e+21');
    expect(numberText(-2.5)).toBe('-2.5');
    expect(numberText(-0)).toBe('-0');
    expect(numberText(0)).toBe('0');
    for (const n of [0.1 + 0.2, 1 / 3, 123456.789e-30, -0]) expect(Object.is(Number(numberText(n)), n)).toBe(true);
  });

  it('escapes strings in each quote style', () => {
    expect(stringText('relu', "'")).toBe("'relu'");
    expect(stringText('relu', '"')).toBe('"relu"');
    expect(stringText("it's", "'")).toBe("'it\\'s'");
    expect(stringText("it's", '"')).toBe('"it\'s"');
    expect(stringText('say "hi"', '"')).toBe('"say \\"hi\\""');
    expect(stringText('say "hi"', "'")).toBe('\'say "hi"\'');
    expect(stringText('a\\b', "'")).toBe("'a\\\\b'");
    expect(stringText('line\nnext\ttab\rcr', "'")).toBe("'line\\nnext\\ttab\\rcr'");
    expect(stringText('a`b${c}', '`')).toBe('`a\\`b\\${c}`');
    expect(stringText('it\'s "x"', '`')).toBe('`it\'s "x"`');
  });

  it('writes strings that JavaScript reads back as the same string', () => {
    const samples = ["it's", 'say "hi"', 'a\\b', 'x\ny', 'tab\there', '${not} `a template`', "\\'", '\\"'];
    for (const s of samples) {
      for (const q of ["'", '"', '`'] as const) {
        const read = new Function(`return ${stringText(s, q)};`) as () => unknown;
        expect(read(), `${q}${s}${q}`).toBe(s);
      }
    }
  });

  it('writes control characters, separators and lone surrogates as escapes, and they read back', () => {
    expect(stringText('a\u0000b\u001bc\u007f\u2028', "'")).toBe("'a\\x00b\\x1bc\\x7f\\u2028'");
    expect(stringText('\ud800x', '"')).toBe('"\\ud800x"');
    expect(stringText('\ud83d\ude00', "'")).toBe("'\ud83d\ude00'");
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.constantFrom("'", '"', '`'), (s, q) => {
        const text = stringText(s, q as "'" | '"' | '`');
        // eslint-disable-next-line no-control-regex
        expect(text).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
        const read = new Function(`return ${text};`) as () => unknown;
        expect(read()).toBe(s);
      }),
      { seed: 17, numRuns: 500 },
    );
  });

  it('writes any literal', () => {
    expect(literalText(3)).toBe('3');
    expect(literalText('relu')).toBe("'relu'");
    expect(literalText('relu', '"')).toBe('"relu"');
    expect(literalText('relu', '`')).toBe('`relu`');
    expect(literalText(true)).toBe('true');
    expect(literalText(false, '"')).toBe('false');
  });
});

describe('hyperText', () => {
  it('writes oneOf with literals in the quote style', () => {
    expect(hyperText({ kind: 'oneOf', candidates: [16, 32, 64] })).toBe('oneOf([16, 32, 64])');
    expect(hyperText({ kind: 'oneOf', candidates: ['relu', "it's"] })).toBe("oneOf(['relu', 'it\\'s'])");
    expect(hyperText({ kind: 'oneOf', candidates: ['a', 1, true] }, '"')).toBe('oneOf(["a", 1, true])');
  });

  it('writes ranges, with a scale when it is not linear', () => {
    expect(hyperText({ kind: 'floatv', min: 0, max: 0.5 })).toBe('floatv(0, 0.5)');
    expect(hyperText({ kind: 'floatv', min: 0.0001, max: 0.01, scale: 'log' })).toBe("floatv(0.0001, 0.01, { scale: 'log' })");
    expect(hyperText({ kind: 'floatv', min: 0.0001, max: 0.01, scale: 'rlog' }, '"')).toBe('floatv(0.0001, 0.01, { scale: "rlog" })');
    expect(hyperText({ kind: 'floatv', min: 1e-7, max: 1, scale: 'log' }, '`')).toBe("floatv(1e-7, 1, { scale: 'log' })");
    expect(hyperText({ kind: 'intv', min: -2, max: 4 })).toBe('intv(-2, 4)');
  });
});

describe('hyperValue', () => {
  it('makes pliant hyper values with the same candidates and ranges', () => {
    const choice = hyperValue({ kind: 'oneOf', candidates: [16, 'x', true] });
    expect(materialize(choice, DNA.of(1))).toBe('x');
    expect(materialize(choice, DNA.of(2))).toBe(true);
    const float = dnaSpec(hyperValue({ kind: 'floatv', min: 0.0001, max: 0.01, scale: 'log' })).root.elements[0];
    expect(float).toMatchObject({ kind: 'float', min: 0.0001, max: 0.01, scale: 'log' });
    const linear = dnaSpec(hyperValue({ kind: 'floatv', min: 0, max: 0.5 })).root.elements[0];
    expect(linear).toMatchObject({ kind: 'float', min: 0, max: 0.5 });
    expect(linear?.kind === 'float' ? (linear.scale ?? 'linear') : 'not a float').toBe('linear');
    const int = dnaSpec(hyperValue({ kind: 'intv', min: 1, max: 4 })).root.elements[0];
    expect(int).toMatchObject({ kind: 'int', min: 1, max: 4 });
  });
});
