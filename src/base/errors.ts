/**
 * What kind of failure a {@link PliantError} reports, so code can tell them apart without reading
 * messages.
 *
 * Bad input:
 * - `argument`: a wrong argument to a pliant function itself (an unknown option, a bad number).
 * - `invalid-value`: a value that cannot live in a symbolic tree (a function, a `Map`, a cycle, ...).
 * - `schema`: an argument rejected by a symbolic type's schema.
 * - `key-path`: a key path that cannot be parsed or does not exist in the tree.
 * - `json`: malformed or unsafe JSON (a journal line, `fromJSON`, `DNA.parse`), or nesting too deep.
 * - `registry`: a clash or a miss in the registry of symbolic types.
 * - `usage`: a command line the `pliant` command cannot run (exit code 2).
 *
 * Everything else:
 * - `state`: a call at the wrong moment (a closed journal, an ended trial, an algorithm before
 *   `setup`, a study written by a newer pliant).
 * - `io`: a file or folder could not be read or written.
 * - `remote`: a server or another process failed or went away (Redis, a queue worker, a thread).
 * - `timeout`: something ran past its time (a trial past `timeout`, a server that did not answer).
 * - `build`: a symbolic function or constructor threw while `build` ran it.
 * - `dependency`: an optional dependency (TensorFlow.js, Redis, ts-morph) is missing or not ready.
 * - `pruned`: not a failure: an objective ends its trial as pruned ({@link Pruned}).
 */
export type PliantErrorCode =
  | 'argument'
  | 'invalid-value'
  | 'schema'
  | 'key-path'
  | 'json'
  | 'registry'
  | 'usage'
  | 'state'
  | 'io'
  | 'remote'
  | 'timeout'
  | 'build'
  | 'dependency'
  | 'pruned';

/** Options of the {@link PliantError} constructor. */
export interface PliantErrorOptions {
  /** The key path (already formatted) of the value the error is about. */
  readonly path?: string;
  /** The underlying error, if any. */
  readonly cause?: unknown;
}

/**
 * The one error type pliant throws. Its message names the API that raised it and, where there is
 * one, the key path of the offending value: `rebind: at 'model.stem.kernel': Conv expects number,
 * found "3"`; its `code` says what kind of failure it is.
 */
export class PliantError extends Error {
  /** The public function that raised the error (`rebind`, `fromJSON`, `Conv`, ...). */
  readonly api: string;
  /** The kind of failure. */
  readonly code: PliantErrorCode;
  /** The key path of the offending value, when the error is about one value in a tree. */
  readonly path: string | undefined;
  /** The message without the API's name in front (with the key path, if any). */
  readonly detail: string;

  constructor(api: string, code: PliantErrorCode, message: string, options: PliantErrorOptions = {}) {
    const where = options.path === undefined ? '' : `at ${quotePath(options.path)}: `;
    super(`${api}: ${where}${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PliantError';
    this.api = api;
    this.code = code;
    this.path = options.path;
    this.detail = `${where}${message}`;
  }
}

function quotePath(path: string): string {
  return path === '' ? '(root)' : `'${path}'`;
}

/** A short description of any value, for messages (a string quoted, other values as JSON where they can be). */
export function describeThrown(value: unknown, limit = 60): string {
  let text: string;
  if (value === undefined) text = 'undefined';
  else if (typeof value === 'string') text = JSON.stringify(value);
  else if (typeof value === 'bigint') text = `${value}n`;
  else if (typeof value === 'function') text = `function ${(value as { name?: string }).name || 'anonymous'}`;
  else if (typeof value === 'symbol') text = value.toString();
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = Object.prototype.toString.call(value);
    }
  }
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

/** The message of a thrown value. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : describeThrown(error);
}
