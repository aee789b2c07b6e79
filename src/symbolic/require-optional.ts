/**
 * @internal Loads an optional dependency (TensorFlow.js, ts-morph, BullMQ, ioredis, ...) at call
 * time, so that `import 'pliant'` never loads it: from the user's project first (where their copy
 * lives), then from pliant's own dependencies. A missing one is a `dependency` error that says
 * what to install.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PliantError } from './errors.js';

const cache = new Map<string, unknown>();

/**
 * `require(specifier)` from the working directory's project, else from pliant's.
 *
 * @param specifier - The package.
 * @param api - The public function that needs it (errors name it).
 * @param install - What to run to install it (`npm install ioredis@6`).
 */
export function requireOptional<T>(specifier: string, api: string, install: string): T {
  if (cache.has(specifier)) return cache.get(specifier) as T;
  let last: unknown;
  for (const require of [createRequire(join(process.cwd(), 'noop.js')), createRequire(import.meta.url)]) {
    try {
      const loaded = require(specifier) as T;
      cache.set(specifier, loaded);
      return loaded;
    } catch (error) {
      if ((error as { code?: string }).code !== 'MODULE_NOT_FOUND') throw error;
      last = error;
    }
  }
  const reason = (last as Error | undefined)?.message.split('\n')[0] ?? 'not found';
  throw new PliantError(api, 'dependency', `${api} needs ${specifier}: ${install} (${reason})`, { cause: last });
}
