/**
 * `builtin-types.ts` must register every symbolic type the whole package registers: a reader that
 * loads only it (the `pliant` command) has to know every type a format-3 journal's recorded space
 * may hold. Each side runs in a fresh process, on the built package.
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist');

/** The registry's names and the types marked as pliant's own, after importing `entry` in a fresh process. */
function typesAfter(entry: string): { names: string[]; recordable: boolean } {
  const registry = pathToFileURL(join(dist, 'symbolic', 'registry.js')).href;
  const deriver = pathToFileURL(join(dist, 'tuning', 'candidate-deriver.js')).href;
  const sequential = pathToFileURL(join(dist, 'tf', 'sequential.js')).href;
  const layers = pathToFileURL(join(dist, 'tf', 'layers.js')).href;
  const oneOf = pathToFileURL(join(dist, 'hyper', 'one-of.js')).href;
  const script = `
    await import(${JSON.stringify(pathToFileURL(join(dist, entry)).href)});
    const { defaultRegistry } = await import(${JSON.stringify(registry)});
    const { recordableSpace } = await import(${JSON.stringify(deriver)});
    const { sequential } = await import(${JSON.stringify(sequential)});
    const { layers } = await import(${JSON.stringify(layers)});
    const { oneOf } = await import(${JSON.stringify(oneOf)});
    const space = { model: sequential({ layers: [layers.dense({ units: oneOf([4, 8]) })] }) };
    console.log(JSON.stringify({ names: defaultRegistry.names(), recordable: recordableSpace(space) !== undefined }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop() as string) as { names: string[]; recordable: boolean };
}

describe('builtin-types', () => {
  it('registers every type the package registers, and marks them as pliant’s own', () => {
    const whole = typesAfter('index.js');
    const cli = typesAfter(join('cli', 'run-cli.js'));
    const alone = typesAfter('builtin-types.js');
    expect(whole.names.length).toBeGreaterThan(60);
    expect(alone.names).toEqual(whole.names);
    expect(cli.names).toEqual(whole.names);
    expect([whole.recordable, cli.recordable, alone.recordable]).toEqual([true, true, true]);
  });
});
