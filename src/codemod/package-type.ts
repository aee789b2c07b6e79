/**
 * The `type` of the package a file is in, as Node finds it: the `type` field of the nearest
 * `package.json` above the file.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { PackageType } from './module-block.js';

/**
 * The `type` field (`module` or `commonjs`) of the nearest `package.json` above `file`, or
 * `undefined` when there is none, it has no such field, or it cannot be read as JSON (Node then
 * reads a `.js` file as CommonJS, or fails on its own).
 */
export async function packageTypeOf(file: string): Promise<PackageType | undefined> {
  for (let dir = dirname(resolve(file)); ; dir = dirname(dir)) {
    let text: string | undefined;
    try {
      text = await readFile(join(dir, 'package.json'), 'utf8');
    } catch {
      text = undefined;
    }
    if (text !== undefined) {
      try {
        const type = (JSON.parse(text) as { type?: unknown }).type;
        return type === 'module' || type === 'commonjs' ? type : undefined;
      } catch {
        return undefined;
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}
