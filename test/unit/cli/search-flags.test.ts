/**
 * What `pliant search` passes to `search` for --timeout and --strict (search itself is replaced
 * by a recorder here: these are the command's own checks and conversions).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';

const calls = vi.hoisted(() => [] as Record<string, unknown>[]);
vi.mock('../../../src/tuning/search.js', () => ({
  search: (_space: unknown, _objective: unknown, options: Record<string, unknown>) => {
    calls.push(options);
    return Promise.resolve({ metrics: ['value'], best: undefined, trials: [], completed: [], paretoFront: [] });
  },
}));

const { runCli } = await import('../../../src/cli/run-cli.js');

const dir = mkdtempSync(join(tmpdir(), 'pliant-cli-flags-'));
const experiment = join(dir, 'experiment.mjs');
writeFileSync(
  experiment,
  'export const space = { x: 1 };\nexport function objective(c) { return c.x; }\nexport const options = { numTrials: 2, timeout: 5000 };\n',
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => void calls.splice(0));

async function pliant(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: { write: (t: string) => void (out += t) }, err: { write: (t: string) => void (err += t) } });
  return { code, out, err };
}

describe('pliant search --timeout and --strict', () => {
  it('passes --timeout to search in milliseconds: seconds by default, or ms, s, m, h', async () => {
    for (const [text, ms] of [
      ['90', 90_000],
      ['90s', 90_000],
      ['1500ms', 1500],
      ['10m', 600_000],
      ['2h', 7_200_000],
      ['1.5s', 1500],
      ['0.25', 250],
    ] as const) {
      const r = await pliant('search', experiment, '--storage', join(dir, 'studies'), '--timeout', text, '--json');
      expect(r.code, `${text}: ${r.err}`).toBe(0);
      expect(calls.at(-1)?.timeout, text).toBe(ms);
      expect(calls.at(-1)?.strict, text).toBeUndefined();
    }
  });

  it("without --timeout, the module's options.timeout stands; --strict passes strict: true", async () => {
    expect((await pliant('search', experiment, '--storage', join(dir, 'studies'), '--json')).code).toBe(0);
    expect(calls.at(-1)?.timeout).toBe(5000);
    expect((await pliant('search', experiment, '--storage', join(dir, 'studies'), '--strict', '--timeout=2m', '--json')).code).toBe(0);
    expect(calls.at(-1)?.strict).toBe(true);
    expect(calls.at(-1)?.timeout).toBe(120_000);
  });

  it('anything else is a usage error on one line, and search is not called', async () => {
    for (const bad of ['0', '0s', '-5', '-1s', 'soon', '5 s', '5sec', '1d', 'ms', '', '1e3', 'Infinity', '.s']) {
      const r = await pliant('search', experiment, '--timeout', bad);
      expect(r.code, bad).toBe(2);
      expect(r.err).toBe(
        `pliant search: --timeout must be a positive duration such as 90s, 1500ms, 10m or 2h (a bare number is seconds), found '${bad}'\nRun 'pliant search --help' for usage.\n`,
      );
    }
    expect((await pliant('search', experiment, '--strict=yes')).err).toBe(
      "pliant search: --strict takes no value (found '--strict=yes')\nRun 'pliant search --help' for usage.\n",
    );
    expect(calls).toHaveLength(0);
  });

  it('documents both in its help', async () => {
    const { out } = await pliant('search', '--help');
    expect(out).toMatch(/--timeout <duration> +the time limit of one trial: 90 \(seconds\), 90s, 1500ms, 10m or 2h/);
    expect(out).toMatch(/--strict +stop the search at the first failed trial/);
  });
});

describe('pliant search --steps, --time and the default algorithm', () => {
  it('passes --steps as stepBudget and --time as timeBudget (ms); without them neither is set', async () => {
    expect((await pliant('search', experiment, '--storage', join(dir, 'studies'), '--steps', '5200', '--time', '10m', '--json')).code).toBe(0);
    expect(calls.at(-1)?.stepBudget).toBe(5200);
    expect(calls.at(-1)?.timeBudget).toBe(600_000);
    expect((await pliant('search', experiment, '--storage', join(dir, 'studies'), '--json')).code).toBe(0);
    expect(calls.at(-1)?.stepBudget).toBeUndefined();
    expect(calls.at(-1)?.timeBudget).toBeUndefined();
  });

  it('rejects a bad --steps or --time as usage errors', async () => {
    expect((await pliant('search', experiment, '--steps', '-3')).err).toMatch(/--steps must be a positive number, found '-3'/);
    expect((await pliant('search', experiment, '--time', 'soon')).err).toMatch(/--time must be a positive duration/);
    expect(calls).toHaveLength(0);
  });

  it("uses auto unless --algorithm or the module's options name one; gp is one of the names", async () => {
    expect((await pliant('search', experiment, '--storage', join(dir, 'studies'), '--json')).code).toBe(0);
    expect((calls.at(-1)?.algorithm as { name: string }).name).toBe('auto');
    expect((await pliant('search', experiment, '--storage', join(dir, 'studies'), '--algorithm', 'gp', '--json')).code).toBe(0);
    expect((calls.at(-1)?.algorithm as { name: string }).name).toBe('gp');
    const { out } = await pliant('search', '--help');
    expect(out).toMatch(/--steps <n> +also stop once the study's trials have spent n steps/);
  });
});
