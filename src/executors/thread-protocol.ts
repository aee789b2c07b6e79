/**
 * The messages between the thread executor (the calling thread) and its worker threads. Both
 * sides check every incoming message against these schemas; a malformed message is reported with
 * `process.emitWarning` and ignored.
 *
 * @internal
 */
import { z } from 'zod';
import { PliantError } from '../base/errors.js';
import type { PliantErrorCode } from '../base/errors.js';

/** An error sent across threads: enough to rebuild one with the same name, message and stack. */
export interface SerializedError {
  /** The error's `name` (`Error`, `TypeError`, `Pruned`, `PliantError`, ...). */
  readonly name: string;
  /** The error's message. */
  readonly message: string;
  /** The stack trace in the thread that threw it. */
  readonly stack?: string | undefined;
  /** A `code` property, when the error has a string one (a `PliantError`'s code, `ERR_...`). */
  readonly code?: string | undefined;
  /** A `PliantError`'s API. */
  readonly api?: string | undefined;
  /** A `PliantError`'s key path. */
  readonly path?: string | undefined;
}

/** The zod schema of a {@link SerializedError} (also the error a queue run records). */
export const serializedError = z.object({
  name: z.string(),
  message: z.string(),
  stack: z.string().optional(),
  code: z.string().optional(),
  api: z.string().optional(),
  path: z.string().optional(),
});

/** What a worker thread receives as `workerData`. */
export interface WorkerInit {
  /** The objective module: a URL's `href` or a package specifier. */
  readonly objective: string;
  /** The export to use (`undefined`: `objective`, else the default export). */
  readonly export?: string | undefined;
  /** Modules to import before the objective (to register symbolic types), as URLs or specifiers. */
  readonly imports: readonly string[];
}

/** The schema of {@link WorkerInit}. */
export const workerInitSchema = z.object({
  objective: z.string().min(1),
  export: z.string().min(1).optional(),
  imports: z.array(z.string().min(1)),
});

/** The methods of a trial's feedback that a worker relays to the calling thread. */
export type FeedbackMethod = 'report' | 'done' | 'prune' | 'fail';

/**
 * A trial sent to a worker: `trial` is the executor's sequence number of the evaluation (to match
 * the answers), `number` the trial's number in the study. The candidate is its JSON form
 * (`encoding: 'json'`, rebuilt with `fromJSON`) or, when there is none, the value itself
 * (`encoding: 'raw'`, structured-cloned).
 */
export interface TrialMessage {
  readonly type: 'trial';
  readonly trial: number;
  readonly id: string;
  readonly number: number;
  readonly dna: unknown;
  readonly encoding: 'json' | 'raw';
  readonly candidate: unknown;
  readonly shouldStop: boolean;
  readonly ended: boolean;
}

/** The answer to a relayed feedback call: the feedback's state after the call, and its error if it threw. */
export interface ReplyMessage {
  readonly type: 'reply';
  readonly call: number;
  readonly ok: boolean;
  readonly message?: string | undefined;
  readonly shouldStop: boolean;
  readonly ended: boolean;
}

/** What the calling thread sends to a worker. */
export type ToWorkerMessage = TrialMessage | ReplyMessage;

/** The worker imported the objective module. */
export interface ReadyMessage {
  readonly type: 'ready';
}

/** The worker could not import the objective module (or one of the `imports`). */
export interface LoadErrorMessage {
  readonly type: 'load-error';
  readonly error: SerializedError;
}

/** A feedback call of the objective, relayed to the trial's real feedback. */
export interface CallMessage {
  readonly type: 'call';
  readonly trial: number;
  readonly call: number;
  readonly method: FeedbackMethod;
  /** The measurement of `report` and `done`. */
  readonly value?: unknown;
  /** The options of `report` and `done`. */
  readonly options?: unknown;
  /** The error of `fail`. */
  readonly error?: SerializedError | undefined;
}

/** The objective returned. */
export interface ResultMessage {
  readonly type: 'result';
  readonly trial: number;
  readonly value: unknown;
}

/** The objective threw (or its candidate could not be rebuilt). */
export interface ErrorMessage {
  readonly type: 'error';
  readonly trial: number;
  readonly error: SerializedError;
}

/** What a worker sends to the calling thread. */
export type FromWorkerMessage = ReadyMessage | LoadErrorMessage | CallMessage | ResultMessage | ErrorMessage;

const count = z.number().int().nonnegative();

const toWorker = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('trial'),
    trial: count,
    id: z.string(),
    number: z.number(),
    dna: z.unknown(),
    encoding: z.enum(['json', 'raw']),
    candidate: z.unknown(),
    shouldStop: z.boolean(),
    ended: z.boolean(),
  }),
  z.object({
    type: z.literal('reply'),
    call: count,
    ok: z.boolean(),
    message: z.string().optional(),
    shouldStop: z.boolean(),
    ended: z.boolean(),
  }),
]);

const fromWorker = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('load-error'), error: serializedError }),
  z.object({
    type: z.literal('call'),
    trial: count,
    call: count,
    method: z.enum(['report', 'done', 'prune', 'fail']),
    value: z.unknown().optional(),
    options: z.unknown().optional(),
    error: serializedError.optional(),
  }),
  z.object({ type: z.literal('result'), trial: count, value: z.unknown().optional() }),
  z.object({ type: z.literal('error'), trial: count, error: serializedError }),
]);

/** Checks a message sent to a worker; `undefined` (after a warning) when it is malformed. */
export function parseToWorker(message: unknown): ToWorkerMessage | undefined {
  const parsed = toWorker.safeParse(message);
  if (parsed.success) return parsed.data as ToWorkerMessage;
  warnMalformed('a worker thread of threadExecutor', message, parsed.error);
  return undefined;
}

/** Checks a message sent by a worker; `undefined` (after a warning) when it is malformed. */
export function parseFromWorker(message: unknown): FromWorkerMessage | undefined {
  const parsed = fromWorker.safeParse(message);
  if (parsed.success) return parsed.data as FromWorkerMessage;
  warnMalformed('threadExecutor', message, parsed.error);
  return undefined;
}

function warnMalformed(who: string, message: unknown, error: z.ZodError): void {
  let text: string;
  try {
    text = JSON.stringify(message)?.slice(0, 200) ?? String(message);
  } catch {
    text = String(message);
  }
  const issue = error.issues[0];
  const why = issue === undefined ? error.message : `${issue.path.join('.') || '(root)'}: ${issue.message}`;
  process.emitWarning(`${who}: ignored a malformed message ${text} (${why})`, { code: 'PLIANT_THREAD_MESSAGE' });
}

/** An error (or any thrown value) as a {@link SerializedError}. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    const code: unknown = (error as { code?: unknown }).code;
    const out: { -readonly [K in keyof SerializedError]: SerializedError[K] } = { name: error.name, message: error.message };
    if (typeof error.stack === 'string') out.stack = error.stack;
    if (typeof code === 'string') out.code = code;
    if (error instanceof PliantError) {
      out.api = error.api;
      if (error.path !== undefined) out.path = error.path;
    }
    return out;
  }
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    const name: unknown = (error as { name?: unknown }).name;
    return { name: typeof name === 'string' ? name : 'Error', message: (error as { message: string }).message };
  }
  let message: string;
  try {
    message = typeof error === 'string' ? error : (JSON.stringify(error) ?? String(error));
  } catch {
    message = String(error);
  }
  return { name: 'Error', message };
}

/**
 * The error a {@link SerializedError} stands for, in this thread: the same `name`, `message`,
 * `code` and stack (the stack of the thread that threw it). A `PliantError` comes back as a
 * `PliantError` with its API, code and key path.
 */
export function reviveError(serialized: SerializedError): Error {
  let error: Error;
  if (serialized.name === 'PliantError' && serialized.api !== undefined && serialized.code !== undefined) {
    error = new PliantError(serialized.api, serialized.code as PliantErrorCode, '', serialized.path === undefined ? {} : { path: serialized.path });
    error.message = serialized.message;
  } else {
    error = new Error(serialized.message);
    error.name = serialized.name;
    if (serialized.code !== undefined) Object.defineProperty(error, 'code', { value: serialized.code, enumerable: true, writable: true, configurable: true });
  }
  if (serialized.stack !== undefined) error.stack = serialized.stack;
  return error;
}
