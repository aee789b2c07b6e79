import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/run-cli.js';

function capture(): { out: () => string; err: () => string; streams: { out: { write(t: string): void }; err: { write(t: string): void } } } {
  let out = '';
  let err = '';
  return { out: () => out, err: () => err, streams: { out: { write: (t) => void (out += t) }, err: { write: (t) => void (err += t) } } };
}

const srcIndex = new URL('../../../src/index.ts', import.meta.url).href;
let dir: string;
let annotated: string;
let other: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pliant-cli-inspect-'));
  // What `pliant annotate` writes: the space as `searchSpace`, beside the module's own functions.
  annotated = join(dir, 'annotated.mjs');
  writeFileSync(
    annotated,
    `import { oneOf } from ${JSON.stringify(srcIndex)};
export const searchSpace = { createModel: { units: oneOf([32, 64, 128]) } };
export function createModel() { return 1; }
`,
  );
  other = join(dir, 'other.mjs');
  writeFileSync(
    other,
    `import { intv } from ${JSON.stringify(srcIndex)};
export function train() { return 1; }
export const mySpace = { width: intv(1, 4) };
export const EPOCHS = 3;
`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pliant inspect: which export', () => {
  it("finds an annotated module's searchSpace without --export", async () => {
    const c = capture();
    expect(await runCli(['inspect', annotated], c.streams)).toBe(0);
    expect(c.out()).toContain('createModel.units');
  });

  it('a wrong --export lists the exports and suggests --export <name> with the likely space', async () => {
    const c = capture();
    expect(await runCli(['inspect', annotated, '--export', 'space'], c.streams)).toBe(1);
    expect(c.err()).toContain("exports no 'space'; its exports are 'searchSpace', 'createModel': pass --export searchSpace");
  });

  it('a module without space, searchSpace or default names the export that is a record', async () => {
    const c = capture();
    expect(await runCli(['inspect', other], c.streams)).toBe(1);
    expect(c.err()).toContain("exports none of 'space', 'searchSpace', 'default'; its exports are 'mySpace', ");
    expect(c.err()).toContain('pass --export mySpace');
    const ok = capture();
    expect(await runCli(['inspect', other, '--export', 'mySpace'], ok.streams)).toBe(0);
    expect(ok.out()).toContain('width');
  });
});
