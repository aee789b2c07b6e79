import { PliantError } from '../base/errors.js';

/**
 * @internal A study's name as storages key it: `encodeURIComponent(name)`, so any name makes a
 * safe file name or Redis key. An empty or non-string name, or one that is not well-formed
 * Unicode, is a `PliantError` (`argument`) from `api`.
 *
 * @param api - The storage to name in the error.
 * @param name - The study's name.
 */
export function encodeStudyName(api: string, name: unknown): string {
  if (typeof name !== 'string' || name === '') {
    throw new PliantError(api, 'argument', `a study name must be a non-empty string, found ${JSON.stringify(name)}`);
  }
  try {
    return encodeURIComponent(name);
  } catch (cause) {
    throw new PliantError(api, 'argument', `the study name ${JSON.stringify(name)} is not well-formed Unicode`, { cause });
  }
}

/** @internal The name a storage key or file name stands for (itself when it does not decode). */
export function decodeStudyName(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
}
