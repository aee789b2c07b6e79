import type { Rng } from '../../base/rng.js';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** erfc(x) for x ≥ 0 (Abramowitz–Stegun 7.1.26). */
function erfcPositive(x: number): number {
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return poly * Math.exp(-x * x);
}

/** The standard normal CDF Φ(z). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) * Math.SQRT1_2;
  const tail = 0.5 * erfcPositive(x);
  return z >= 0 ? 1 - tail : tail;
}

/** Φ(b) − Φ(a) for a ≤ b, computed on the side of the tails that keeps precision. */
export function normalMass(a: number, b: number): number {
  if (a >= 0) return 0.5 * (erfcPositive(a * Math.SQRT1_2) - erfcPositive(b * Math.SQRT1_2));
  if (b <= 0) return 0.5 * (erfcPositive(-b * Math.SQRT1_2) - erfcPositive(-a * Math.SQRT1_2));
  return 1 - 0.5 * (erfcPositive(-a * Math.SQRT1_2) + erfcPositive(b * Math.SQRT1_2));
}

/** The log density of N(mu, sigma) at x, without the truncation term. */
export function normalLogPdf(x: number, mu: number, sigma: number): number {
  const z = (x - mu) / sigma;
  return -0.5 * z * z - Math.log(sigma) - LOG_SQRT_2PI;
}

/** log(Φ((hi − mu)/sigma) − Φ((lo − mu)/sigma)): the log mass N(mu, sigma) keeps in [lo, hi]. */
export function logTruncation(lo: number, hi: number, mu: number, sigma: number): number {
  const a = (lo - mu) / sigma;
  const b = (hi - mu) / sigma;
  if (a < -8 && b > 8) return 0;
  return Math.log(Math.max(normalMass(a, b), 1e-300));
}

/** A standard normal draw (Box–Muller). */
export function normalDraw(rng: Rng): number {
  const u = 1 - rng(); // (0, 1]
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * A draw of N(mu, sigma) truncated to [lo, hi] by rejection (the centre lies in the interval and
 * sigma is at most its width, so at least about a third of the draws are accepted); after 100
 * rejections, a uniform draw.
 */
export function truncatedNormalDraw(mu: number, sigma: number, lo: number, hi: number, rng: Rng): number {
  for (let i = 0; i < 100; i++) {
    const x = mu + sigma * normalDraw(rng);
    if (x >= lo && x <= hi) return x;
  }
  return lo + rng() * (hi - lo);
}

/** log Σ exp(xᵢ) over the first `n` entries. */
export function logSumExp(xs: Float64Array, n: number): number {
  let max = -Infinity;
  for (let i = 0; i < n; i++) if ((xs[i] as number) > max) max = xs[i] as number;
  return logSumExpFrom(xs, n, max);
}

/** {@link logSumExp} given `max`, the largest of the first `n` entries (−∞ if none is larger). */
export function logSumExpFrom(xs: Float64Array, n: number, max: number): number {
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = (xs[i] as number) - max;
    // exp is exactly 0 below −745.14: skipping those terms changes no bit of the sum
    if (d > -745.5) sum += Math.exp(d);
  }
  return max + Math.log(sum);
}
