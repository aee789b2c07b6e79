/**
 * pliant/testing: fast-check arbitraries over search spaces, for property tests of a space (every
 * model it can produce has some property) and of search algorithms (they accept every DNA of a
 * space). Needs the optional peer dependency `fast-check` 4; the core `pliant` entry never loads it.
 *
 * ```ts
 * import fc from 'fast-check';
 * import { arbitrary } from 'pliant/testing';
 *
 * fc.assert(fc.property(arbitrary(space), (model) => check(model)));
 * ```
 *
 * @packageDocumentation
 */

export { arbitrary, arbitraryWithDNA } from './arbitrary.js';
export type { ArbitraryOptions } from './arbitrary.js';
export { dnaArbitrary } from './dna-arbitrary.js';
export type { DNAArbitraryOptions } from './dna-arbitrary.js';
export { SpaceSample } from './space-sample.js';
