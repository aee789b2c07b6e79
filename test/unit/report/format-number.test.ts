import { describe, expect, it } from 'vitest';
import { formatNumber } from '../../../src/report/format-number.js';

describe('formatNumber', () => {
  it('shows at most 4 significant digits, exponents for extreme magnitudes, integers whole', () => {
    expect(formatNumber(0.921234)).toBe('0.9212');
    expect(formatNumber(12.5)).toBe('12.5');
    expect(formatNumber(42)).toBe('42');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(0.000123456)).toBe('1.23e-4');
    expect(formatNumber(1e-4)).toBe('1e-4');
    expect(formatNumber(1234567.8)).toBe('1.23e+6');
    expect(formatNumber(-3.14159)).toBe('-3.142');
    expect(formatNumber(undefined)).toBe('—');
    expect(formatNumber(Number.NaN)).toBe('NaN');
  });
});
