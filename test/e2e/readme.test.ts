/**
 * The README's tour runs as written: its ```ts snippets, joined in order into one module that
 * imports the built package, run in a child process; every printed line the README shows in a
 * `// comment` after console.log is checked.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function snippets(): string[] {
  const text = readFileSync(join(root, 'README.md'), 'utf8');
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);
}

describe('README tour', () => {
  it('runs and prints what its comments say', () => {
    const blocks = snippets();
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    // hoist imports so the joined module is valid
    const lines = blocks.join('\n').split('\n');
    const imports = lines.filter((l) => l.startsWith('import '));
    const body = lines.filter((l) => !l.startsWith('import '));
    const dir = mkdtempSync(join(root, 'test', '.readme-'));
    try {
      const file = join(dir, 'tour.ts');
      writeFileSync(file, [...imports, ...body].join('\n'));
      const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
      const out = execFileSync(process.execPath, [tsx, file], { cwd: root, encoding: 'utf8' }).split('\n');
      // each commented console.log prints exactly its comment (minus a parenthesised remark)
      const expected = body
        .map((l) => /console\.log\(.*\);\s*\/\/ (.*)$/.exec(l)?.[1])
        .filter((c): c is string => c !== undefined && !c.includes('32 hex digits'))
        .map((c) => c.replace(/ \(.*\)$/, ''));
      expect(expected.length).toBeGreaterThanOrEqual(6);
      let at = 0;
      for (const e of expected) {
        const found = out.indexOf(e, at);
        expect(found, `README says a line prints ${JSON.stringify(e)}; output was:\n${out.join('\n')}`).toBeGreaterThanOrEqual(0);
        at = found + 1;
      }
      expect(out).toContain('dense(64, relu) > dense(10, softmax)');
      expect(out).toContain("tour.Dense: at 'units': tour.Dense expects number to be >0, found -3");
      expect(out).toContain('64 128');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
