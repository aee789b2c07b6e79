/**
 * `pliant search` on a TypeScript experiment in a package without `"type": "module"` (npm's
 * default, as most TypeScript projects are): the experiment, written with import/export, loads as
 * an ES module (tsx alone makes it CommonJS, which Node 20 cannot import: "Cannot require() ES
 * Module ... in a cycle", for any such file), on the controller and on worker threads, with an
 * extensionless import of a sibling module and `import ... from 'pliant'`. A CommonJS global in
 * it, or a TypeScript module without import/export, is an error that says what to do. Runs the
 * built bin in a real folder (needs `npm run build`).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'dist', 'cli', 'main.js');

describe('pliant search in a CommonJS package', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pliant-cjs-project-'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'user-project', version: '1.0.0' }));
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(root, join(dir, 'node_modules', 'pliant'), 'dir');
    writeFileSync(join(dir, 'score.ts'), "export function score(k: number, act: string): number {\n  return -Math.abs(k - 3) + (act === 'gelu' ? 1 : 0);\n}\n");
    writeFileSync(
      join(dir, 'experiment.ts'),
      "import { intv, oneOf } from 'pliant';\nimport { score } from './score';\n\nexport const space = { k: intv(0, 9), act: oneOf(['relu', 'gelu']) };\nexport function objective(c: { k: number; act: string }): number {\n  return score(c.k, c.act);\n}\n",
    );
    writeFileSync(
      join(dir, 'uses-dirname.ts'),
      "import { intv } from 'pliant';\nexport const space = { k: intv(0, 9) };\nexport const here = __dirname;\nexport const objective = (c: { k: number }): number => c.k;\n",
    );
    writeFileSync(
      join(dir, 'commonjs.ts'),
      "const { intv } = require('pliant');\nmodule.exports = { space: { k: intv(0, 9) }, objective: (c: { k: number }): number => c.k };\n",
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs `pliant search <file> ...` in the project; its exit code and output. */
  function search(file: string, ...args: string[]): { code: number; out: string; err: string } {
    try {
      const out = execFileSync(process.execPath, [bin, 'search', file, '--storage', 'studies', '--seed', '1', '--json', ...args], {
        cwd: dir,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      return { code: 0, out, err: '' };
    } catch (error) {
      const e = error as { status: number; stdout: string; stderr: string };
      return { code: e.status, out: e.stdout, err: e.stderr };
    }
  }

  it('loads the experiment as an ES module and searches it, inline and on worker threads', () => {
    for (const [study, extra] of [
      ['inline', []],
      ['threads', ['--threads', '2']],
    ] as const) {
      const run = search('experiment.ts', '--trials', '4', '--study', study, ...extra);
      expect(run.err).toBe('');
      expect(run.code).toBe(0);
      const summary = JSON.parse(run.out.trim().split('\n').pop() as string) as { trials: number; completed: number; best: { candidate: { k: number } } };
      expect(summary).toMatchObject({ trials: 4, completed: 4 });
      expect(summary.best.candidate.k).toBeGreaterThanOrEqual(0);
    }
  });

  it('says what to do when the module uses a CommonJS global, or is CommonJS itself', () => {
    const dirnameRun = search('uses-dirname.ts', '--trials', '1', '--study', 'd');
    expect(dirnameRun.code).not.toBe(0);
    expect(dirnameRun.err).toMatch(
      /cannot import uses-dirname\.ts: __dirname is not defined in ES module scope \(pliant loads a TypeScript module written with import\/export as an ES module, whatever its package's type: use import\.meta\.dirname/,
    );
    const commonjsRun = search('commonjs.ts', '--trials', '1', '--study', 'c');
    expect(commonjsRun.code).not.toBe(0);
    expect(commonjsRun.err).toMatch(
      /cannot import commonjs\.ts: .*\(a TypeScript module without import or export declarations is CommonJS, which pliant does not compile/,
    );
  });
});
