/** One benchmark result line. */
export interface BenchLine {
  bench: string;
  n: number;
  ops_per_sec: number;
  [extra: string]: unknown;
}

/** Prints one JSON line. */
export function emit(line: BenchLine): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** Options of {@link measure}. */
export interface MeasureOptions {
  /** Timed rounds after warm-up (default 15); the median round is reported. */
  readonly rounds?: number;
  /** Warm-up time in milliseconds before the timed rounds (default 300). */
  readonly warmupMs?: number;
  /** Runs before each round, untimed (fresh inputs, for example). */
  readonly setup?: () => void;
}

/**
 * Times `body(i)` for i in 0..n-1 per round: warm-up rounds for `warmupMs`, then `rounds` timed
 * rounds; returns the median rate in operations per second (the machine is noisy: the median
 * of many short rounds is steadier than one long one).
 */
export function measure(n: number, body: (i: number) => unknown, options: MeasureOptions = {}): number {
  const rounds = options.rounds ?? 15;
  const warmupMs = options.warmupMs ?? 300;
  let sink: unknown;
  const once = (): number => {
    options.setup?.();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) sink = body(i);
    return Number(process.hrtime.bigint() - t0) / 1e9;
  };
  const warmEnd = performance.now() + warmupMs;
  do once();
  while (performance.now() < warmEnd);
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) rates.push(n / once());
  if (sink === Symbol.for('never')) process.stdout.write('');
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)] as number;
}

/** Rounds to 3 significant digits for printing. */
export function sig(x: number): number {
  return Number(x.toPrecision(3));
}

/**
 * Prints a result line; with `anchor` (the reference library's rate for the same operation),
 * adds `anchor_ops_per_sec` and the ratio `x_anchor`.
 */
export function line(bench: string, n: number, rate: number, anchor?: number, extra: Record<string, unknown> = {}): void {
  emit({
    bench,
    n,
    ops_per_sec: sig(rate),
    ...(anchor === undefined ? {} : { anchor_ops_per_sec: anchor, x_anchor: sig(rate / anchor) }),
    ...extra,
  });
}
