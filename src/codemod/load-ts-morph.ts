/**
 * ts-morph, reached only from `src/codemod` and only when a codemod runs: `import 'pliant'` does
 * not load it. Looked up from the user's project first, then from pliant's own dependencies.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PliantError } from '../symbolic/errors.js';
import type * as TsMorph from 'ts-morph';

/** The ts-morph module. */
export type TsMorphModule = typeof TsMorph;

let cached: TsMorphModule | undefined;

/** Loads ts-morph, or throws a `dependency` error that says how to install it. */
export function loadTsMorph(api: string): TsMorphModule {
  if (cached !== undefined) return cached;
  const attempts = [createRequire(join(process.cwd(), 'noop.js')), createRequire(import.meta.url)];
  let last: unknown;
  for (const require of attempts) {
    try {
      cached = require('ts-morph') as TsMorphModule;
      return cached;
    } catch (error) {
      last = error;
    }
  }
  throw new PliantError(api, 'dependency', `${api} needs ts-morph: npm install --save-dev ts-morph@28 (${(last as Error).message.split('\n')[0]})`, { cause: last });
}
