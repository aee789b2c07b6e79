/**
 * @internal Whether values read better on a log scale: all positive, spanning at least
 * `decades` decades, and crowded at the low end (the median within the lowest tenth of the
 * range), as values sampled log-uniformly are.
 */
export function isLogLike(values: readonly number[], decades = 2): boolean {
  if (values.length < 2) return false;
  const sorted = [...values].sort((a, b) => a - b);
  const min = sorted[0] as number;
  const max = sorted[sorted.length - 1] as number;
  if (!(min > 0) || !Number.isFinite(max) || max / min < 10 ** decades) return false;
  const median = sorted[Math.floor(sorted.length / 2)] as number;
  return median - min < (max - min) / 10;
}
