/**
 * The built package as users get it: `import 'pliant'` through package exports, the `pliant`
 * bin, and hashes that agree across processes. Needs `npm run build` first (`npm test` does it).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as source from '../../src/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };

function node(script: string): string {
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
}

describe('the built package', () => {
  it('has been built (run `npm run build`)', () => {
    expect(existsSync(join(root, 'dist', 'index.js'))).toBe(true);
    expect(existsSync(join(root, 'dist', 'index.d.ts'))).toBe(true);
  });

  it("resolves `import * as pliant from 'pliant'` to dist with the same export list as src", () => {
    const names = JSON.parse(node("import * as p from 'pliant'; console.log(JSON.stringify(Object.keys(p).sort()))")) as string[];
    expect(names).toEqual(Object.keys(source).sort());
    expect(names).toContain('symbolize');
  });

  it('reaches only light dependencies from the public surface (no tfjs, bullmq, ts-morph)', () => {
    const bare = new Set<string>();
    const seen = new Set<string>();
    const queue = [join(root, 'dist', 'index.js')];
    while (queue.length > 0) {
      const file = queue.pop() as string;
      if (seen.has(file)) continue;
      seen.add(file);
      // Block comments (TSDoc) may quote `import('...')`: only code counts.
      const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
      for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
        const spec = (m[1] ?? m[2]) as string;
        if (spec.startsWith('.')) queue.push(join(dirname(file), spec));
        else bare.add(spec.startsWith('node:') ? 'node:' : spec);
      }
    }
    expect(seen.size).toBeGreaterThan(10);
    expect([...bare].sort()).toEqual(['immer', 'node:', 'seedrandom', 'zod']);
  });

  it('loads no TensorFlow.js on import, and building a layer before loadTf says what to do', () => {
    const out = node(`
      import { createRequire } from 'node:module';
      import { build, layers } from 'pliant';
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('@tensorflow'));
      let message = '';
      try { build(layers.dense({ units: 2 })); } catch (e) { message = e.message; }
      console.log(JSON.stringify({ loaded, message }));`).trim();
    const { loaded, message } = JSON.parse(out) as { loaded: string[]; message: string };
    expect(loaded).toEqual([]);
    expect(message).toMatch(/TensorFlow\.js is not loaded yet: `await loadTf\(\)` first/);
  });

  it("resolves the ready spaces as 'pliant/spaces/<name>', sharing the package's registry", () => {
    const out = node(`
      import { isProgram, materialize, DNA, functionalHash } from 'pliant';
      import { expSpace, expFitness, expProbe, expTaylor3 } from 'pliant/spaces/exp-approximation';
      const space = expSpace();
      console.log(isProgram(expTaylor3), expFitness(expTaylor3).toFixed(4), typeof functionalHash(expTaylor3, expProbe));`).trim();
    expect(out).toBe('true -0.0190 string');
    expect(existsSync(join(root, 'dist', 'spaces', 'optimizer-rules.d.ts'))).toBe(true);
  });

  it('finds the default rewrite rules (rewrites/canonical.json) from the built package', () => {
    const out = node(`
      import { structuralHash, layers } from 'pliant';
      console.log(structuralHash([1, layers.dropout({ rate: 0 })]) === structuralHash([1]), structuralHash([1, layers.dropout({ rate: 0.5 })]) === structuralHash([1]));`).trim();
    expect(out).toBe('true false');
  });

  it('computes the same hash in another process', () => {
    const script = `
      import { symbolize, hash, rebind } from 'pliant';
      const Conv = symbolize('e2e.Conv', (a) => a);
      const t = rebind(Conv({ filters: 32, kernel: 3, tags: { b: [1.5, -0, NaN], a: 'x' } }), 'kernel', 5);
      console.log(hash(t));`;
    const h1 = node(script).trim();
    const Conv = source.symbolize('e2e.Conv', (a: Record<string, unknown>) => a);
    const t = source.rebind(Conv({ tags: { a: 'x', b: [1.5, -0, NaN] }, kernel: 3, filters: 32 }), 'kernel', 5);
    expect(h1).toMatch(/^[0-9a-f]{32}$/);
    expect(source.hash(t)).toBe(h1);
  });

  it('ships the pliant bin', () => {
    const bin = join(root, pkg.bin.pliant as string);
    expect(execFileSync(process.execPath, [bin, '--version'], { encoding: 'utf8' }).trim()).toBe(pkg.version);
    expect(execFileSync(process.execPath, [bin, '--help'], { encoding: 'utf8' })).toContain('Usage: pliant');
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node')).toBe(true);
  });

  it('keeps VERSION equal to package.json', () => {
    expect(source.VERSION).toBe(pkg.version);
  });
});
