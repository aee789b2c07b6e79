import { describe, expect, it } from 'vitest';
import { erf, erfc, erfcx, logEI, logNormalCdf, normalCdf, standardLogEI } from '../../../../src/algorithms/gp/normal.js';

/** Reference values from mpmath at 40 digits: z, log Φ(z), log(z·Φ(z) + φ(z)). */
const REFERENCE: readonly (readonly [number, number, number])[] = [
  [-1000, -500007.82669481218431, -500014.73445209115845],
  [-200, -20006.217280898190402, -20011.515648259739324],
  [-60, -1805.0135606805671387, -1809.1084601822721794],
  [-40.5, -824.74584924403801836, -828.44836758372570184],
  [-39.5, -784.7208791043175772, -788.39845835065316009],
  [-30, -454.32124395634319711, -457.72465376059800405],
  [-10, -53.231285150512470578, -55.553122036122355927],
  [-5, -15.064998393988725736, -16.744301162660990143],
  [-2, -3.7831843336820319488, -4.7687835239171141569],
  [-1.0000001, -1.8410217975227952154, -2.4851212161397683908],
  [-0.9999999, -1.8410214924957399745, -2.4851208352855217139],
  [-0.5, -1.1759117615936186089, -1.6205162643873199193],
  [0, -0.69314718055994530942, -0.91893853320467274178],
  [0.7, -0.277023942277131263, -0.17093141922474072101],
  [3, -0.0013508099647481937988, 1.0987396653277077727],
  [8, -6.2209605742717860585e-16, 2.0794415416798359377],
];

/** erfcx(x) = e^(x²)·erfc(x) from mpmath. */
const ERFCX: readonly (readonly [number, number])[] = [
  [-3, 16205.988853999586625],
  [-1, 5.0089800807622834663],
  [0, 1],
  [0.5, 0.61569034419292587487],
  [1.9, 0.26650937366167265995],
  [2.1, 0.24511912334517233795],
  [5, 0.11070463773306862637],
  [30, 0.018795888861416751497],
  [1e5, 5.6418958351954680777e-6],
];

function relClose(actual: number, expected: number, rel: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(Math.abs(expected), 1e-300));
}

describe('gp normal: tails', () => {
  it('erfcx matches high-precision values on both sides of every branch', () => {
    for (const [x, v] of ERFCX) relClose(erfcx(x), v, 1e-12);
    expect(erfcx(Number.NaN)).toBeNaN();
  });

  it('erf and erfc are consistent and match known values', () => {
    expect(erf(0)).toBe(0);
    relClose(erf(0.5), 0.5204998778130465, 1e-14);
    relClose(erfc(3), 2.209049699858544e-5, 1e-12);
    relClose(erfc(-1), 1.8427007929497148, 1e-14);
    for (const x of [-3, -1.5, -0.2, 0.3, 1.99, 2.01, 4]) expect(erf(x) + erfc(x)).toBeCloseTo(1, 14);
    relClose(normalCdf(-1), 0.15865525393145707, 1e-14);
  });

  it('log Φ matches high-precision values from z = −1000 to 8', () => {
    for (const [z, v] of REFERENCE) relClose(logNormalCdf(z).value, v, 1e-12);
    expect(Math.abs(logNormalCdf(30).value)).toBeLessThan(1e-15);
  });

  it('log h(z) = log E[max(0, Z + z)] matches high-precision values, also where z·Φ + φ underflows', () => {
    for (const [z, , v] of REFERENCE) relClose(standardLogEI(z).value, v, 1e-11);
  });

  it('the derivatives of log Φ and log h agree with finite differences in every branch', () => {
    for (const z of [-300, -45, -39, -20, -3, -1.001, -0.999, 0, 2.5]) {
      const h = 1e-6 * Math.max(1, Math.abs(z));
      const dPhi = (logNormalCdf(z + h).value - logNormalCdf(z - h).value) / (2 * h);
      relClose(logNormalCdf(z).slope, dPhi, 1e-6);
      const dh = (standardLogEI(z + h).value - standardLogEI(z - h).value) / (2 * h);
      relClose(standardLogEI(z).r, dh, 1e-6);
    }
  });

  it('log EI: value and derivatives in the mean and the variance', () => {
    // EI of N(μ, σ²) over τ = σ·h((μ − τ)/σ)
    const v = logEI(1, 4, 0.5);
    relClose(v.value, Math.log(2) + standardLogEI(0.25).value, 1e-14);
    for (const [mean, variance, threshold] of [
      [0, 1, 0],
      [0.3, 0.01, 2],
      [-5, 1e-4, 3],
      [2, 9, -1],
    ] as const) {
      const e = logEI(mean, variance, threshold);
      const hm = 1e-6;
      relClose(e.dMean, (logEI(mean + hm, variance, threshold).value - logEI(mean - hm, variance, threshold).value) / (2 * hm), 1e-5);
      const hv = 1e-6 * variance;
      relClose(e.dVariance, (logEI(mean, variance + hv, threshold).value - logEI(mean, variance - hv, threshold).value) / (2 * hv), 1e-5);
      expect(Number.isFinite(e.value)).toBe(true);
    }
    // far below the threshold log EI stays finite and ordered (no underflow to −∞)
    const a = logEI(-50, 1e-6, 0);
    const b = logEI(-40, 1e-6, 0);
    expect(Number.isFinite(a.value)).toBe(true);
    expect(a.value).toBeLessThan(b.value);
  });
});
