/**
 * The entry of a worker thread of `threadExecutor`: imports the `imports` modules and the
 * objective module, says `ready`, then runs one trial at a time as the calling thread sends them.
 * A trial's candidate is rebuilt from its JSON form with `fromJSON`, its DNA from the DNA's JSON
 * form, and the objective gets a proxy {@link TrialFeedback} that relays every call to the
 * trial's real feedback in the calling thread.
 *
 * Not meant to be imported: `threadExecutor` starts it as `new Worker(new URL('./thread-worker.js',
 * import.meta.url))`.
 *
 * @packageDocumentation
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { DNA } from '../geno/dna.js';
import type { Measurement } from '../base/measurement.js';
import { PliantError } from '../base/errors.js';
import { fromJSON } from '../symbolic/json.js';
import type { ObjectiveFunction, TrialFeedback, TrialReportOptions } from './executor.js';
import { loadObjective } from './objective-module.js';
import { messageOf } from '../base/errors.js';
import { parseToWorker, serializeError, workerInitSchema } from './thread-protocol.js';
import type { CallMessage, FromWorkerMessage, ReplyMessage, TrialMessage, WorkerInit } from './thread-protocol.js';

const API = 'threadExecutor';

/** The latest state of one trial's real feedback, as the calling thread last replied it. */
interface FeedbackState {
  shouldStop: boolean;
  ended: boolean;
}

interface PendingCall {
  readonly state: FeedbackState;
  resolve(): void;
  reject(error: Error): void;
}

const port: MessagePort = workerPort();

function workerPort(): MessagePort {
  if (parentPort === null) {
    throw new PliantError(API, 'argument', 'thread-worker is the entry of the worker threads of threadExecutor, not a module to import');
  }
  return parentPort;
}

const pending = new Map<number, PendingCall>();
let nextCall = 0;

function post(message: FromWorkerMessage): void {
  port.postMessage(message);
}

async function load(init: WorkerInit): Promise<ObjectiveFunction> {
  for (const specifier of init.imports) {
    try {
      await import(specifier);
    } catch (error) {
      throw new PliantError(API, 'argument', `cannot import the module '${specifier}' given in imports: ${messageOf(error)}`, { cause: error });
    }
  }
  return await loadObjective({ module: init.objective, ...(init.export === undefined ? {} : { export: init.export }) }, API);
}

function relay(trial: number, state: FeedbackState, call: Omit<CallMessage, 'type' | 'trial' | 'call'>): Promise<void> {
  const id = nextCall++;
  return new Promise<void>((resolve, reject) => {
    try {
      post({ type: 'call', trial, call: id, ...call });
    } catch (error) {
      reject(new PliantError(API, 'argument', `cannot send trial.${call.method}(...) to the calling thread: ${messageOf(error)}`, { cause: error }));
      return;
    }
    pending.set(id, { state, resolve, reject });
  });
}

function onReply(reply: ReplyMessage): void {
  const call = pending.get(reply.call);
  if (call === undefined) return;
  pending.delete(reply.call);
  call.state.shouldStop = reply.shouldStop;
  call.state.ended = reply.ended;
  if (reply.ok) call.resolve();
  else call.reject(new Error(reply.message ?? 'the feedback call failed in the calling thread'));
}

function proxyFeedback(message: TrialMessage, dna: DNA): TrialFeedback {
  const state: FeedbackState = { shouldStop: message.shouldStop, ended: message.ended };
  const trial = message.trial;
  return Object.freeze({
    id: message.id,
    number: message.number,
    dna,
    get ended(): boolean {
      return state.ended;
    },
    shouldStop(): boolean {
      return state.shouldStop;
    },
    report(value: Measurement, options?: TrialReportOptions): Promise<void> {
      return relay(trial, state, { method: 'report', value, options });
    },
    done(value?: Measurement, options?: { metrics?: Readonly<Record<string, number>> }): Promise<void> {
      return relay(trial, state, { method: 'done', value, options });
    },
    prune(): Promise<void> {
      return relay(trial, state, { method: 'prune' });
    },
    fail(error: unknown): Promise<void> {
      return relay(trial, state, { method: 'fail', error: serializeError(error) });
    },
  });
}

function rebuild(message: TrialMessage): { candidate: unknown; dna: DNA } {
  let candidate: unknown;
  if (message.encoding === 'raw') {
    candidate = message.candidate;
  } else {
    try {
      candidate = fromJSON(message.candidate);
    } catch (error) {
      throw new PliantError(
        API,
        'json',
        `cannot rebuild the candidate of trial ${message.number} in the worker thread: ${messageOf(error)} (symbolic types are registered in a worker by importing their modules: threadExecutor({ imports: [...] }))`,
        { cause: error },
      );
    }
  }
  const dna = message.dna === null || message.dna === undefined ? new DNA(undefined) : DNA.fromJSON(message.dna);
  return { candidate, dna };
}

async function runTrial(objective: ObjectiveFunction, message: TrialMessage): Promise<void> {
  let value: unknown;
  try {
    const { candidate, dna } = rebuild(message);
    value = await objective(candidate, proxyFeedback(message, dna));
  } catch (error) {
    post({ type: 'error', trial: message.trial, error: serializeError(error) });
    return;
  }
  try {
    post({ type: 'result', trial: message.trial, value });
  } catch (error) {
    const failure = new PliantError(
      API,
      'argument',
      `the objective of trial ${message.number} returned a value that cannot be sent back from its worker thread: ${messageOf(error)}`,
    );
    post({ type: 'error', trial: message.trial, error: serializeError(failure) });
  }
}

/** Reports a load failure and waits to be terminated (so the report is read before the thread exits). */
function loadFailed(error: unknown): void {
  port.on('message', () => undefined);
  post({ type: 'load-error', error: serializeError(error) });
}

async function main(): Promise<void> {
  const init = workerInitSchema.safeParse(workerData);
  if (!init.success) {
    loadFailed(new PliantError(API, 'argument', `malformed worker data: ${init.error.message}`));
    return;
  }
  let objective: ObjectiveFunction;
  try {
    objective = await load(init.data);
  } catch (error) {
    loadFailed(error);
    return;
  }
  port.on('message', (raw: unknown) => {
    const message = parseToWorker(raw);
    if (message === undefined) return;
    if (message.type === 'reply') onReply(message);
    else void runTrial(objective, message);
  });
  post({ type: 'ready' });
}

void main();
