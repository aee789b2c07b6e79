/**
 * ts-morph, reached only from `src/codemod` and only when a codemod runs: `import 'pliant'` does
 * not load it. Looked up from the user's project first, then from pliant's own dependencies.
 */
import { requireOptional } from '../base/optional-dependency.js';
import type * as TsMorph from 'ts-morph';

/** The ts-morph module. */
export type TsMorphModule = typeof TsMorph;

/** Loads ts-morph, or throws a `dependency` error that says how to install it. */
export function loadTsMorph(api: string): TsMorphModule {
  return requireOptional<TsMorphModule>('ts-morph', api, 'npm install --save-dev ts-morph@28');
}
