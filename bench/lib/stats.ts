/**
 * Summary statistics for benchmark lines. `quantile` interpolates linearly between order
 * statistics (NumPy's default `percentile` method, which the Optuna reference figures of
 * ANCHORS.md use), so the median of an even count is the mean of the two middle values.
 */

/** The q-quantile (q in [0, 1]) of `xs`, interpolating linearly between order statistics. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) throw new RangeError('quantile of no values');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile q must be in [0, 1], found ${q}`);
  const s = [...xs].sort((a, b) => a - b);
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, s.length - 1);
  const a = s[lo] as number;
  const b = s[hi] as number;
  return a + (b - a) * (pos - lo);
}

/** The median of `xs` (mean of the two middle values for an even count). */
export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

/** The p-th percentile (p in [0, 100]) of `xs`, linear interpolation. */
export function percentile(xs: readonly number[], p: number): number {
  return quantile(xs, p / 100);
}

/** The arithmetic mean of `xs`. */
export function mean(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('mean of no values');
  let sum = 0;
  for (const x of xs) sum += x;
  return sum / xs.length;
}

/**
 * Kendall's τ-b between two paired samples: (concordant − discordant) pairs over the geometric
 * mean of the pairs not tied in each sample; 1 for the same order, −1 for the reverse.
 */
export function kendallTau(xs: readonly number[], ys: readonly number[]): number {
  if (xs.length !== ys.length) throw new RangeError(`kendallTau needs paired samples, found ${xs.length} and ${ys.length} values`);
  let concordant = 0;
  let discordant = 0;
  let tiedX = 0;
  let tiedY = 0;
  for (let i = 0; i < xs.length; i++) {
    for (let j = i + 1; j < xs.length; j++) {
      const dx = Math.sign((xs[i] as number) - (xs[j] as number));
      const dy = Math.sign((ys[i] as number) - (ys[j] as number));
      if (dx === 0 && dy === 0) continue;
      if (dx === 0) tiedX++;
      else if (dy === 0) tiedY++;
      else if (dx === dy) concordant++;
      else discordant++;
    }
  }
  const denominator = Math.sqrt((concordant + discordant + tiedX) * (concordant + discordant + tiedY));
  return denominator === 0 ? Number.NaN : (concordant - discordant) / denominator;
}
