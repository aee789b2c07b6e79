/**
 * What kind of mistake a {@link PliantError} reports.
 *
 * - `invalid-value`: a value that cannot live in a symbolic tree (a function, a `Map`, a cycle, ...).
 * - `schema`: an argument rejected by a symbolic type's schema.
 * - `key-path`: a key path that cannot be parsed or does not exist in the tree.
 * - `json`: malformed or unsafe JSON given to `fromJSON`.
 * - `registry`: a clash or a miss in the registry of symbolic types.
 * - `argument`: a wrong argument to a pliant function itself.
 * - `build`: a symbolic function or constructor threw while `build` ran it.
 * - `dependency`: an optional dependency (TensorFlow.js, Redis, ts-morph) is missing or not ready.
 */
export type PliantErrorCode =
  | 'invalid-value'
  | 'schema'
  | 'key-path'
  | 'json'
  | 'registry'
  | 'argument'
  | 'build'
  | 'dependency';

/** Options of the {@link PliantError} constructor. */
export interface PliantErrorOptions {
  /** The key path (already formatted) of the value the error is about. */
  readonly path?: string;
  /** The underlying error, if any. */
  readonly cause?: unknown;
}

/**
 * The one error type pliant throws for bad input. Its message names the API that rejected the
 * input and, where there is one, the key path of the offending value:
 * `rebind: at 'model.stem.kernel': Conv expects number, found "3"`.
 */
export class PliantError extends Error {
  /** The public function that raised the error (`rebind`, `fromJSON`, `Conv`, ...). */
  readonly api: string;
  /** The kind of mistake. */
  readonly code: PliantErrorCode;
  /** The key path of the offending value, when the error is about one value in a tree. */
  readonly path: string | undefined;

  constructor(api: string, code: PliantErrorCode, message: string, options: PliantErrorOptions = {}) {
    const where = options.path === undefined ? '' : `at ${quotePath(options.path)}: `;
    super(`${api}: ${where}${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PliantError';
    this.api = api;
    this.code = code;
    this.path = options.path;
  }
}

function quotePath(path: string): string {
  return path === '' ? '(root)' : `'${path}'`;
}
