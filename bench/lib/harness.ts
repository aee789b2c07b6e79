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

/**
 * Times `body(i)` for i in 0..n-1, `rounds` times after one warm-up round, and returns the
 * median rate. `setup` runs before each round, untimed.
 */
export function measure(n: number, body: (i: number) => unknown, options: { rounds?: number; setup?: () => void } = {}): number {
  const rounds = options.rounds ?? 5;
  const rates: number[] = [];
  let sink: unknown;
  for (let r = 0; r <= rounds; r++) {
    options.setup?.();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) sink = body(i);
    const dt = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r > 0) rates.push(n / dt);
  }
  if (sink === Symbol.for('never')) process.stdout.write('');
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)] as number;
}

/** Rounds to 3 significant digits for printing. */
export function sig(x: number): number {
  return Number(x.toPrecision(3));
}
