import type { Algorithm, HistoryEntry } from '../algorithms/algorithm.js';
import { checkPolicy } from '../algorithms/early-stopping/early-stopping.js';
import type { EarlyStopping } from '../algorithms/early-stopping/early-stopping.js';
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
import type { JournalEvent, Storage, StudyJournal } from '../storage/storage.js';
import { trusted } from '../storage/storage.js';
import { CurveBook } from './curves.js';
import { Feedback } from './feedback.js';
import type { TrialLoop } from './feedback.js';
import { Objectives } from './objectives.js';
import type { ObjectiveOptions } from './objectives.js';
import { ACTIVE, OWNER, StudyState, ownerIsDead } from './study-state.js';
import type { Trial } from './trial.js';

/** Options of {@link sample}. */
export interface SampleOptions extends ObjectiveOptions {
  /** Stop when the study holds this many trials (default: until the algorithm is exhausted). */
  readonly numTrials?: number;
  /** The study's name: reopening a name resumes it. Default: a fresh throwaway study. */
  readonly study?: string;
  /** Where the study lives. Default: a journal file under `.pliant/studies` when a study is named, else memory. */
  readonly storage?: Storage;
  /** The seed of the algorithm (every random choice takes one; default 0). */
  readonly seed?: number | string;
  /**
   * The early-stopping policy `feedback.shouldStop()` consults (`medianStopping()`, `asha()`,
   * `hyperband({maxResource})`, `stopByValue(...)`, ...; combine with `.and` / `.or`). Single
   * objective only.
   */
  readonly earlyStopping?: EarlyStopping;
}

/** The directory of the default journal storage (`$PLIANT_HOME/studies`, default `.pliant/studies`). */
export function defaultStudyDir(): string {
  return `${process.env.PLIANT_HOME ?? '.pliant'}/studies`;
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
  const objectives = new Objectives(options, api);
  if (objectives.count > 1 && algorithm.multiObjective !== true) {
    throw new PliantError(api, 'argument', `${algorithm.name} optimises one objective, but metric names ${objectives.count}: use an algorithm for several objectives (nsga2)`);
  }
  const policy = options.earlyStopping;
  if (policy !== undefined) {
    checkPolicy(policy, api);
    if (objectives.count > 1) throw new PliantError(api, 'argument', 'early stopping compares one objective: it cannot be used with several');
  }
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

  const loop: TrialLoop = {
    journal,
    state,
    objectives,
    stopping: policy === undefined ? undefined : { policy, curves: new CurveBook(state, objectives) },
    ended(feedback, told) {
      if (told === undefined) algorithm.abandon?.(feedback.dna);
      else algorithm.feedback(feedback.dna, told.reward, told.outcome);
    },
  };
  let current: Feedback | undefined;
  try {
    if (!journal.events.some((e) => e.type === 'study')) {
      const meta: Record<string, JsonValue> = { algorithm: algorithm.name, seed, direction: objectives.count === 1 ? (objectives.directions[0] as string) : [...objectives.directions] };
      if (options.metric !== undefined) meta.metric = typeof options.metric === 'string' ? options.metric : [...options.metric];
      if (objectives.constraints.length > 0) meta.constraints = [...objectives.constraints];
      if (policy !== undefined) meta.earlyStopping = policy.name;
      await append({ type: 'study', study: name, time: Date.now(), meta });
    }
    for (const t of [...state.trials]) {
      if (t.state === 'running' && ownerIsDead(t.owner, t.id)) {
        await append({ type: 'abandon', id: t.id, reason: `its process (${t.owner}) is gone`, time: Date.now() });
      }
    }
    algorithm.setup(spec, { seed, objectives: objectives.count });
    algorithm.recover(state.trials.map((t) => historyEntry(t, objectives)));
    while (state.trials.length < numTrials) {
      const dna = algorithm.propose();
      if (dna === undefined) break;
      const candidate = make(dna);
      const id = `${OWNER}:${Date.now().toString(36)}:${(serial++).toString(36)}`;
      ACTIVE.add(id);
      await append({ type: 'trial', id, dna: dna.toJSON(), candidate: record(dna, candidate), time: Date.now(), owner: OWNER });
      const number = (state.get(id) as { number: number }).number;
      current = new Feedback(loop, id, number, dna);
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

/** What the algorithm learns of a recorded trial on resume. */
function historyEntry(t: Trial, objectives: Objectives): HistoryEntry {
  const where = `sample: trial ${t.number} of the study`;
  try {
    if (t.state === 'completed' && t.value !== undefined) {
      const { reward, outcome } = objectives.feedback(t.value, where);
      return outcome === undefined ? { dna: t.dna, reward } : { dna: t.dna, reward, outcome };
    }
    if (t.state === 'pruned' && t.reports.length > 0) {
      const last = t.reports[t.reports.length - 1] as Trial['reports'][number];
      const { reward, outcome } = objectives.feedback(last.value, where, last.step ?? t.reports.length);
      return { dna: t.dna, reward, ...(outcome === undefined ? {} : { outcome }) };
    }
  } catch (error) {
    if (error instanceof PliantError) throw new PliantError('sample', 'argument', `${where} does not fit the search's objectives: ${error.message}`, { cause: error });
    throw error;
  }
  return { dna: t.dna, reward: undefined, state: t.state === 'running' ? 'running' : 'ended' };
}
