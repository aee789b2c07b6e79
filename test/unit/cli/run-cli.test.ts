import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/run-cli.js';
import { VERSION } from '../../../src/version.js';

function capture(): { out: string[]; err: string[]; streams: { out: { write(t: string): void }; err: { write(t: string): void } } } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, streams: { out: { write: (t) => void out.push(t) }, err: { write: (t) => void err.push(t) } } };
}

describe('pliant command', () => {
  it('prints the version', async () => {
    const c = capture();
    expect(await runCli(['--version'], c.streams)).toBe(0);
    expect(c.out.join('')).toBe(`${VERSION}\n`);
  });

  it('prints help, and fails without a command', async () => {
    const c = capture();
    expect(await runCli(['--help'], c.streams)).toBe(0);
    expect(c.out.join('')).toContain('Usage: pliant <command>');
    expect(await runCli([], capture().streams)).toBe(1);
  });

  it('rejects an unknown command with exit code 2', async () => {
    const c = capture();
    expect(await runCli(['frobnicate'], c.streams)).toBe(2);
    expect(c.err.join('')).toContain("unknown command 'frobnicate'");
  });
});
