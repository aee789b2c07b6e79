/**
 * The README's tour runs as written: each ```ts snippet is a whole module (its own imports, no
 * variable of an earlier snippet), written to its own file that imports the built package, and
 * run in its own child process; every printed line the README shows in a `// comment` after
 * console.log is checked, in order. (test/e2e/tour-types.test.ts type-checks the same snippets in
 * a fresh project that installs the packed package.)
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The README's ```ts snippets, in order. */
function readmeSnippets(): string[] {
  const text = readFileSync(join(root, 'README.md'), 'utf8');
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);
}

/** What a snippet's comments say it prints: the comment after each `console.log(...);`, minus a parenthesised remark. */
function expectedLines(snippet: string): string[] {
  return snippet
    .split('\n')
    .map((l) => /console\.log\(.*\);\s*\/\/ (.*)$/.exec(l)?.[1])
    .filter((c): c is string => c !== undefined && !c.includes('32 hex digits'))
    .map((c) => c.replace(/ \(.*\)$/, ''));
}

const blocks = readmeSnippets();
// Inside the repository, so that `import ... from 'pliant'` resolves to the built package.
const dir = mkdtempSync(join(root, 'test', '.readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(index: number): Promise<string[]> {
  const file = join(dir, `tour-${String(index).padStart(2, '0')}.ts`);
  writeFileSync(file, blocks[index] as string);
  const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const { stdout } = await promisify(execFile)(process.execPath, [tsx, file], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  return stdout.split('\n');
}

describe('README tour', () => {
  it('has snippets, each a module of its own that shows what it prints', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(10);
    for (const [i, block] of blocks.entries()) {
      expect(block, `snippet ${i} has its own imports`).toMatch(/^import /m);
    }
    expect(blocks.flatMap(expectedLines).length).toBeGreaterThanOrEqual(20);
  });

  for (const [i, block] of blocks.entries()) {
    const title = (/^(?:const|let|type|interface|\/\/) .*$/m.exec(block)?.[0] ?? '').slice(0, 60);
    it(`snippet ${i} (${title}) runs on its own and prints what its comments say`, { timeout: 180_000 }, async () => {
      const out = await run(i);
      let at = 0;
      for (const e of expectedLines(block)) {
        const found = out.indexOf(e, at);
        expect(found, `README snippet ${i} says a line prints ${JSON.stringify(e)}; output was:\n${out.join('\n')}`).toBeGreaterThanOrEqual(0);
        at = found + 1;
      }
      if (i === 0) {
        expect(out).toContain('dense(64, relu) > dense(10, softmax)');
        expect(out).toContain("tour.Dense: at 'units': tour.Dense expects number to be >0, found -3");
      }
    });
  }
});
