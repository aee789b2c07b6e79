/**
 * examples/multi-objective runs as users run it (`npx tsx examples/multi-objective/index.ts` after
 * `npm run build`, importing the built `pliant`), in a child process; its Pareto front is checked.
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');

interface Point {
  readonly trial: number;
  readonly accuracy: number;
  readonly latency: number;
  readonly params: number;
}

function run(...args: string[]): string[] {
  // stderr (the TensorFlow.js backend line) is not part of the checked output
  return execFileSync(process.execPath, [tsx, join(root, 'examples', 'multi-objective', 'index.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).split('\n');
}

/** The rows of the printed Pareto front: `  trial  accuracy  latency (ms)  params  architecture`. */
function front(out: readonly string[]): Point[] {
  const header = out.indexOf('  trial  accuracy  latency (ms)  params  architecture');
  expect(header, out.join('\n')).toBeGreaterThan(0);
  const rows: Point[] = [];
  for (const line of out.slice(header + 1)) {
    const m = /^ +(\d+) +([01]\.\d{3}) +(\d+\.\d{3}) +(\d+)  4( → \d+ (relu|tanh))+ → 3$/.exec(line);
    if (m === null) break;
    rows.push({ trial: Number(m[1]), accuracy: Number(m[2]), latency: Number(m[3]), params: Number(m[4]) });
  }
  return rows;
}

/**
 * Whether `p` dominates `q` (maximising accuracy, minimising `cost`). Accuracies are multiples of
 * 1/30, exact at three decimals; latencies are rounded to the microsecond, so two latencies
 * printed equal are in an unknown order and count as neither better nor worse.
 */
function dominates(p: Point, q: Point, cost: 'latency' | 'params'): boolean {
  if (cost === 'params') return p.accuracy >= q.accuracy && p.params <= q.params && (p.accuracy > q.accuracy || p.params < q.params);
  return p.accuracy >= q.accuracy && p.latency < q.latency;
}

function checkFront(out: readonly string[], cost: 'latency' | 'params', trials: number): Point[] {
  const points = front(out);
  expect(points.length, out.join('\n')).toBeGreaterThan(0);
  for (const p of points) for (const q of points) expect(dominates(p, q, cost), `trial ${p.trial} dominates trial ${q.trial}:\n${out.join('\n')}`).toBe(false);
  // every point is a trial that was evaluated (not a cached repeat), printed once
  expect(new Set(points.map((p) => p.trial)).size).toBe(points.length);
  const lines = out.filter((l) => /^trial +\d+: accuracy [01]\.\d{3}, latency \d+\.\d{3} ms, +\d+ params  4 → /.test(l));
  const evaluated = lines.filter((l) => !l.endsWith('from the cache)'));
  expect(evaluated, out.join('\n')).toHaveLength(trials);
  for (const p of points) expect(evaluated.some((l) => l.startsWith(`trial ${String(p.trial).padStart(2)}: accuracy ${p.accuracy.toFixed(3)}`))).toBe(true);
  const summary = new RegExp(
    `^${lines.length} trials: ${trials} evaluated, ${lines.length - trials} repeated architectures served by the dedupe cache; NSGA-II completed \\d+ generations of \\d+ \\(the first one random\\)$`,
  );
  expect(
    out.some((l) => summary.test(l)),
    out.join('\n'),
  ).toBe(true);
  // iris is easy: the most accurate point of the front is right on most flowers
  expect(Math.max(...points.map((p) => p.accuracy))).toBeGreaterThan(0.8);
  expect(
    out.some((l) => /^done in [\d.]+ s; tensors alive: 0$/.test(l)),
    out.join('\n'),
  ).toBe(true);
  return points;
}

describe('examples/multi-objective', () => {
  it('accuracy against latency: a Pareto front of points that do not dominate each other, fastest first, within a minute', () => {
    const started = Date.now();
    const out = run();
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(out[0]).toBe(
      'searching 40 MLPs for iris with NSGA-II (population 10, 4 epochs each): validation accuracy up, latency (ms per batch of 256 flowers) down',
    );
    const points = checkFront(out, 'latency', 40);
    const latencies = points.map((p) => p.latency);
    expect(latencies).toEqual([...latencies].sort((a, b) => a - b));
  }, 90_000);

  it('--minimize params: accuracy against the parameter count, an exact front', () => {
    const out = run('--minimize', 'params', '--trials', '20', '--seed', '2');
    expect(out[0]).toBe('searching 20 MLPs for iris with NSGA-II (population 10, 4 epochs each): validation accuracy up, parameter count down');
    const points = checkFront(out, 'params', 20);
    // smallest first, and along the front more weights buy more accuracy
    for (let i = 1; i < points.length; i++) {
      const [a, b] = [points[i - 1] as Point, points[i] as Point];
      expect(a.params < b.params ? a.accuracy < b.accuracy : a.params === b.params && a.accuracy === b.accuracy, out.join('\n')).toBe(true);
    }
  }, 90_000);
});
