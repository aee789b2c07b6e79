import { describe, expect, it } from 'vitest';
import { isLogLike } from '../../../src/report/log-scale.js';

describe('isLogLike', () => {
  it('is true for positive values over decades crowded at the low end, as log-uniform samples are', () => {
    const logUniform = Array.from({ length: 30 }, (_, i) => 10 ** (-4 + (3 * i) / 29));
    expect(isLogLike(logUniform)).toBe(true);
    expect(isLogLike(logUniform, 3)).toBe(true);
    expect(isLogLike(logUniform, 4)).toBe(false);
  });

  it('is false for uniform values, values with zero or negatives, a narrow span, or too few values', () => {
    const uniform = Array.from({ length: 30 }, (_, i) => 0.001 + i / 29);
    expect(isLogLike(uniform)).toBe(false);
    expect(isLogLike([0, 0.001, 1])).toBe(false);
    expect(isLogLike([-1, 0.001, 100])).toBe(false);
    expect(isLogLike([1, 2, 50])).toBe(false);
    expect(isLogLike([0.001])).toBe(false);
  });
});
