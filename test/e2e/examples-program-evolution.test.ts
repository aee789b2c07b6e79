/**
 * examples/program-evolution runs as users run it (`npx tsx examples/program-evolution/index.ts`
 * after `npm run build`, importing the built `pliant`), in a child process; its output is checked.
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const example = join(root, 'examples', 'program-evolution', 'index.ts');

function runExample(...args: string[]): string[] {
  return execFileSync(process.execPath, [tsx, example, ...args], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n');
}

describe('examples/program-evolution', () => {
  it('evolves an exact program for x² + x + 1, the functional cache serving most proposals', () => {
    const started = Date.now();
    const out = runExample();
    expect(Date.now() - started).toBeLessThan(30_000);
    const text = out.join('\n');
    expect(out[1], text).toBe(
      'regularized evolution (population 50, tournament 10, seed 1), 1000 evaluations, dedupe by functional hash (the outputs on the 21 points)',
    );
    expect(out.filter((l) => /^ {2}new best at trial \d+ \(evaluation \d+\): error \S+ +\S/.test(l)).length, text).toBeGreaterThan(1);

    // the best program: (nearly) exact on the sample points, printed with toSource, and right off them too
    const best = /^best program: trial \d+ \(evaluation (\d+)\), error (\S+) \(mean squared error on the 21 points\)/.exec(
      out.find((l) => l.startsWith('best program: ')) ?? '',
    );
    expect(best, text).not.toBeNull();
    expect(Number(best?.[1])).toBeLessThanOrEqual(1000);
    expect(Number(best?.[2])).toBeLessThan(1e-6);
    const header = out.indexOf('  // inputs: x=s1 · 4 scalar, 0 vector registers');
    expect(header, text).toBeGreaterThan(0);
    const returns = out.indexOf('  return s0', header);
    expect(returns - header, text).toBeGreaterThan(2); // at least two instructions between them
    expect(out, text).toContain('off the sample points: p(10) = 111, f(10) = 111; p(-7.5) = 49.75, f(-7.5) = 49.75');

    // the cache: 1000 evaluations, the rest served, split into three kinds that add up
    const cache = /^(\d+) proposals, 1000 evaluated; the functional cache served (\d+) \(\d+%\) without evaluating them:$/.exec(
      out.find((l) => l.includes('the functional cache served')) ?? '',
    );
    expect(cache, text).not.toBeNull();
    const proposals = Number(cache?.[1]);
    const served = Number(cache?.[2]);
    expect(served).toBeGreaterThan(0);
    expect(proposals - served).toBe(1000);
    const kind = (pattern: RegExp): number => Number(pattern.exec(out.find((l) => pattern.test(l)) ?? '')?.[1]);
    const same = kind(/^ {2}(\d+) were a program already evaluated, unchanged$/);
    const dataflow = kind(/^ {2}(\d+) were the same computation written differently/);
    const algebra = kind(/^ {2}(\d+) computed the same values another way/);
    expect(same + dataflow + algebra, text).toBe(served);
    expect(dataflow, text).toBeGreaterThan(0);
    expect(algebra, text).toBeGreaterThan(0);
    expect(
      out.some((l) => /^ {4}was served the error of trial \d+/.test(l)),
      text,
    ).toBe(true);
    expect(
      out.some((l) => /^done in [\d.]+ s$/.test(l)),
      text,
    ).toBe(true);
  }, 60_000);

  it('takes --trials and --seed, and is deterministic with the seed', () => {
    const run = (): string[] => runExample('--trials', '200', '--seed', '3').filter((l) => !l.startsWith('done in '));
    const first = run();
    expect(first[1]).toBe(
      'regularized evolution (population 50, tournament 10, seed 3), 200 evaluations, dedupe by functional hash (the outputs on the 21 points)',
    );
    expect(
      first.some((l) => /^\d+ proposals, 200 evaluated; the functional cache served \d+ /.test(l)),
      first.join('\n'),
    ).toBe(true);
    expect(run()).toEqual(first);
  }, 60_000);
});
