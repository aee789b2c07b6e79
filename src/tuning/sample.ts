import type { Algorithm } from '../algorithms/algorithm.js';
import type { DNA } from '../geno/dna.js';
import type { DNASpec } from '../geno/dna-spec.js';
import { prepare } from '../geno/template.js';
import type { Concrete } from '../geno/template.js';
import { TracedSpace } from '../geno/trace.js';
import { PliantError } from '../symbolic/errors.js';
import { toJSON } from '../symbolic/json.js';
import type { JsonValue } from '../symbolic/json.js';
import type { TreeValue } from '../symbolic/node.js';
import { journalStorage } from '../storage/journal-storage.js';
import { memoryStorage } from '../storage/memory-storage.js';
import type { JournalEvent, Measurement, Storage, StudyJournal } from '../storage/storage.js';
import { trusted } from '../storage/storage.js';
import { Feedback } from './feedback.js';
import { ACTIVE, OWNER, StudyState, ownerIsDead } from './study-state.js';
import type { Direction } from './trial.js';

/** Options of {@link sample}. */
export interface SampleOptions {
  /** Stop when the study holds this many trials (default: until the algorithm is exhausted). */
  readonly numTrials?: number;
  /** The study's name: reopening a name resumes it. Default: a fresh throwaway study. */
  readonly study?: string;
  /** Where the study lives. Default: a journal file under `.pliant/studies` when a study is named, else memory. */
  readonly storage?: Storage;
  /** The seed of the algorithm (every random choice takes one; default 0). */
  readonly seed?: number | string;
  /** Whether higher (`maximize`, the default) or lower values are better. */
  readonly direction?: Direction;
  /** For measurements that are records: the metric to optimise (default `objective`, or the only key). */
  readonly metric?: string;
}

/** The directory of the default journal storage (`$PLIANT_HOME/studies`, default `.pliant/studies`). */
export function defaultStudyDir(): string {
  return `${process.env.PLIANT_HOME ?? '.pliant'}/studies`;
}

/** @internal The number a measurement contributes to the objective. */
export function objectiveOf(value: Measurement, metric: string | undefined, api: string): number {
  if (typeof value === 'number') return value;
  const key = metric ?? ('objective' in value ? 'objective' : Object.keys(value).length === 1 ? (Object.keys(value)[0] as string) : undefined);
  const v = key === undefined ? undefined : value[key];
  if (typeof v !== 'number') {
    throw new PliantError(api, 'argument', `cannot tell the objective among the metrics ${Object.keys(value).join(', ')}: pass {metric: name}`);
  }
  return v;
}

let serial = 0;

/** @internal The final study state of a `sample` run, by the options object it was given (for `search`). */
export const FINAL_STATE = new WeakMap<SampleOptions, StudyState>();

/**
 * The search loop: an async iterable of `[candidate, feedback]`. Each candidate is the
 * materialized DNA the algorithm proposed; end each trial with `feedback.done(value)` (or
 * `feedback.fail(error)`). Moving on without ending a trial abandons it, with a warning; a trial
 * is never yielded twice. Every trial and measurement is in the study's journal before the call
 * that made it returns, so reopening the study (same `study` name and storage) resumes it:
 * completed trials are kept, trials of dead processes are marked abandoned, and the algorithm is
 * recovered from the history.
 *
 * ```ts
 * for await (const [model, feedback] of sample(space, regularizedEvolution({ seed: 1 }), { numTrials: 100 })) {
 *   await feedback.done(evaluate(model));
 * }
 * ```
 */
export async function* sample<S extends TreeValue | TracedSpace<unknown>>(
  space: S,
  algorithm: Algorithm,
  options: SampleOptions = {},
): AsyncGenerator<[S extends TracedSpace<infer R> ? R : Concrete<S>, Feedback], void, undefined> {
  const api = 'sample';
  const numTrials = options.numTrials ?? Infinity;
  if (!(numTrials >= 0)) throw new PliantError(api, 'argument', `numTrials must be a non-negative number, found ${String(numTrials)}`);
  const direction = options.direction ?? 'maximize';
  if (direction !== 'maximize' && direction !== 'minimize') throw new PliantError(api, 'argument', `direction is 'maximize' or 'minimize', found ${String(direction)}`);
  const sign = direction === 'maximize' ? 1 : -1;
  const seed = options.seed ?? 0;

  let spec: DNASpec;
  let make: (dna: DNA) => unknown;
  let record: (dna: DNA, candidate: unknown) => JsonValue;
  if (space instanceof TracedSpace) {
    const traced = space as TracedSpace<unknown>;
    const template = prepare(traced.space);
    spec = traced.spec;
    make = (dna) => traced.run(dna);
    record = (dna) => toJSON(template.materialize(dna));
  } else {
    const template = prepare(space as TreeValue);
    spec = template.spec;
    make = (dna) => template.materialize(dna);
    record = (_dna, candidate) => toJSON(candidate as TreeValue);
  }

  const storage = options.storage ?? (options.study !== undefined ? journalStorage(defaultStudyDir()) : memoryStorage());
  const name = options.study ?? `study-${Date.now().toString(36)}-${(serial++).toString(36)}`;
  const journal: StudyJournal = await storage.open(name);
  const state = new StudyState();
  for (const event of journal.events) state.apply(event);
  const append = async (event: JournalEvent): Promise<void> => {
    await journal.append(trusted(event));
    state.apply(event);
  };

  let current: Feedback | undefined;
  try {
    if (!journal.events.some((e) => e.type === 'study')) {
      await append({ type: 'study', study: name, time: Date.now(), meta: { algorithm: algorithm.name, seed, direction } });
    }
    for (const t of [...state.trials]) {
      if (t.state === 'running' && ownerIsDead(t.owner, t.id)) {
        await append({ type: 'abandon', id: t.id, reason: `its process (${t.owner}) is gone`, time: Date.now() });
      }
    }
    algorithm.setup(spec, { seed });
    algorithm.recover(
      state.trials.map((t) => ({
        dna: t.dna,
        reward: t.state === 'completed' && t.value !== undefined ? sign * objectiveOf(t.value, options.metric, api) : undefined,
      })),
    );
    while (state.trials.length < numTrials) {
      const dna = algorithm.propose();
      if (dna === undefined) break;
      const candidate = make(dna);
      const id = `${OWNER}:${Date.now().toString(36)}:${(serial++).toString(36)}`;
      ACTIVE.add(id);
      await append({ type: 'trial', id, dna: dna.toJSON(), candidate: record(dna, candidate), time: Date.now(), owner: OWNER });
      const number = (state.get(id) as { number: number }).number;
      current = new Feedback(journal, state, id, number, dna, (_f, value) => {
        if (value !== undefined) algorithm.feedback(dna, sign * objectiveOf(value, options.metric, 'feedback.done'));
      });
      yield [candidate as S extends TracedSpace<infer R> ? R : Concrete<S>, current];
      if (!current.ended) {
        process.emitWarning(`sample: trial ${number} was not ended (call feedback.done or feedback.fail): it is abandoned`, { code: 'PLIANT_ABANDONED' });
        await current.abandon('the loop moved on before the trial ended');
      }
      current = undefined;
    }
  } finally {
    if (current !== undefined && !current.ended) await current.abandon('the loop was left before the trial ended');
    await journal.close();
    FINAL_STATE.set(options, state);
  }
}
