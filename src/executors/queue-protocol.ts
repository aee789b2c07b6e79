/**
 * @internal The messages of the job-queue executor, between the controller (`bullmqExecutor`) and
 * the workers (`pliant worker`): the job of one trial, the worker's calls on the trial's handle
 * (sent as job progress), the controller's replies (a Redis list per job), and what a job returns.
 * Every message is checked with zod on arrival: a malformed or foreign one is rejected, never
 * half-read.
 */
import { z } from 'zod';
import { serializedError } from './thread-protocol.js';
import type { DNAJson } from '../geno/dna.js';
import type { Measurement } from '../base/measurement.js';

/** Marks pliant's jobs among whatever else a queue may hold. */
export const JOB_KIND = 'pliant.trial';

const dnaValue = z.union([z.number(), z.string()]);
const dnaJson: z.ZodType<DNAJson> = z.lazy(() =>
  z.union([dnaValue, z.null(), z.array(dnaJson), z.object({ value: dnaValue, children: z.array(dnaJson) })]),
) as z.ZodType<DNAJson>;
const measurement: z.ZodType<Measurement> = z.union([z.number().finite(), z.record(z.string(), z.number().finite())]);
const metrics = z.record(z.string(), z.number()).optional();

/** The data of a trial's job. */
export const trialJobSchema = z.strictObject({
  kind: z.literal(JOB_KIND),
  version: z.literal(1),
  study: z.string(),
  trial: z.strictObject({ id: z.string().min(1), number: z.number().int().nonnegative(), dna: dnaJson }),
  candidate: z.json(),
  /** The controller's objective module, for the worker's log (the worker runs its own `--objective`). */
  objective: z.string().nullable(),
  /**
   * The longest the trial may run, in ms (the evaluation's `timeout`); absent: no limit. The worker
   * enforces the shorter of this and its own `--timeout`. Optional, so jobs of an older controller
   * still read; the controller sets it only when there is a limit.
   */
  timeout: z.number().positive().finite().optional(),
});
export type TrialJob = z.infer<typeof trialJobSchema>;

/** A worker's call on a trial's handle, sent as the job's progress. */
// `seq` numbers a worker's calls on one trial; a call sent again (no answer yet: the controller
// restarted, or an event was lost) keeps its number, and the answer carries it back.
const seq = z.number().int().nonnegative();
export const trialCallSchema = z.discriminatedUnion('call', [
  z.strictObject({ call: z.literal('report'), seq, index: z.number().int().positive(), value: measurement, step: z.number().finite(), metrics }),
  z.strictObject({ call: z.literal('done'), seq, value: measurement.optional(), metrics }),
  z.strictObject({ call: z.literal('prune'), seq }),
  z.strictObject({ call: z.literal('fail'), seq, error: z.string() }),
]);
export type TrialCall = z.infer<typeof trialCallSchema>;

/** The controller's answer to a call: the state of the trial's handle after it. */
export const trialReplySchema = z.strictObject({ seq, shouldStop: z.boolean(), ended: z.boolean(), error: z.string().optional() });
export type TrialReply = z.infer<typeof trialReplySchema>;

/** What a job returns: the objective's measurement, or how the trial ended without one. */
export const jobResultSchema = z.union([measurement, z.strictObject({ pliant: z.enum(['pruned', 'ended']) })]);
export type JobResult = z.infer<typeof jobResultSchema>;

/** An error as a run's outcome records it (see {@link runOutcomeSchema}): as a thread sends it. */
const recordedError = serializedError;

/**
 * How a trial's run ended, as its worker records it in the trial's run key (`end:` and this, as
 * JSON): what the objective returned, or the error it failed with, and the worker (`host:pid`). A worker given the job again
 * (after BullMQ saw it stalled) returns this outcome instead of running the objective a second
 * time; the controller reads the error of a failed job here (its name and code), where BullMQ
 * keeps only a message.
 */
export const runOutcomeSchema = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), result: jobResultSchema, worker: z.string().optional() }),
  z.strictObject({ ok: z.literal(false), error: recordedError, worker: z.string().optional() }),
]);
/** How a trial's run ended (see {@link runOutcomeSchema}). */
export type RunOutcome = z.infer<typeof runOutcomeSchema>;

/** The value of a run key held by a live run: `run:<token>`. */
export const RUN_PREFIX = 'run:';
/** The value of a run key once its run has ended: `end:<outcome as JSON>`. */
export const END_PREFIX = 'end:';

/** The queue of a study: `pliant-<study>` (characters BullMQ cannot take are escaped). */
export function queueNameOf(study: string): string {
  return `pliant-${study.replace(/[^A-Za-z0-9_.-]/g, (c) => `~${c.codePointAt(0)?.toString(16) ?? ''}`)}`;
}

/** A trial's job id (BullMQ's custom ids cannot hold ':'). */
export function jobIdOf(trialId: string): string {
  return trialId.replace(/~/g, '~7e').replace(/:/g, '~3a');
}

/** The Redis list where the controller answers a job's calls. */
export function replyKeyOf(prefix: string, queue: string, jobId: string): string {
  return `${prefix}:${queue}:reply:${jobId}`;
}

/**
 * The Redis key that holds a trial's run: `run:<token>` while a worker runs its objective (kept
 * alive by that worker's heartbeat), `end:<outcome>` once the run has ended.
 */
export function runKeyOf(prefix: string, queue: string, jobId: string): string {
  return `${prefix}:${queue}:run:${jobId}`;
}

/** The outcome recorded in a run key's value, or `undefined` for a live run, a missing key or a malformed value. */
export function parseRunEnd(value: string | null | undefined): RunOutcome | undefined {
  if (typeof value !== 'string' || !value.startsWith(END_PREFIX)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(value.slice(END_PREFIX.length));
  } catch {
    return undefined;
  }
  const parsed = runOutcomeSchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}
