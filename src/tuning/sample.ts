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
import { resolveDedupe } from '../hashing/dedupe.js';
import type { Dedupe } from '../hashing/dedupe.js';
import type { CacheStats } from '../hashing/functional-cache.js';
import type { TreeValue } from '../symbolic/node.js';
import { journalStorage } from '../storage/journal-storage.js';
import { memoryStorage } from '../storage/memory-storage.js';
import type { JournalEvent, Storage, StudyJournal } from '../storage/storage.js';
import { trusted } from '../storage/storage.js';
import { CurveBook } from './curves.js';
import { DedupeBook } from './dedupe-book.js';
import { Feedback } from './feedback.js';
import type { TrialLoop } from './feedback.js';
import { Objectives } from './objectives.js';
import type { ObjectiveOptions } from './objectives.js';
import { ACTIVE, OWNER, StudyState, ownerIsDead } from './study-state.js';
import type { Trial } from './trial.js';

/** Options of {@link sample}; `C` is the candidate type (what a `dedupe` hash or probe receives). */
export interface SampleOptions<C = unknown> extends ObjectiveOptions {
  /**
   * Stop when the study holds this many evaluated trials (default: until the algorithm is
   * exhausted). Trials served by the `dedupe` cache are recorded but not counted: this is the
   * evaluation budget.
   */
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
  /**
   * Never evaluate the same candidate twice: `'structural'` (the canonical structural hash),
   * `{hash: 'functional', probe}` (what the candidate does on a fixed probe), or a custom hash
   * function; with cache policies (`maxEvaluations`, `forgetAfter`, `evictionProbability`,
   * `maxEntries`, `counterfactual`). A proposal whose hash is cached completes at once with the
   * cached value (marked `cached` in the journal) and is not yielded; the algorithm still gets
   * its feedback. The cache is rebuilt from the journal on resume.
   */
  readonly dedupe?: Dedupe<C>;
}

/** The directory of the default journal storage (`$PLIANT_HOME/studies`, default `.pliant/studies`). */
export function defaultStudyDir(): string {
  return `${process.env.PLIANT_HOME ?? '.pliant'}/studies`;
}

let serial = 0;

/** @internal The final study state (and cache counters) of a `sample` run, by the options object it was given (for `search`). */
export const FINAL_STATE = new WeakMap<object, { readonly state: StudyState; readonly cache: CacheStats | undefined }>();

/** What `sample` yields candidates as, for a space `S`. */
export type CandidateOf<S> = S extends TracedSpace<infer R> ? R : Concrete<S>;

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
  options: SampleOptions<CandidateOf<S>> = {},
): AsyncGenerator<[CandidateOf<S>, Feedback], void, undefined> {
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
  const dedupe = options.dedupe === undefined ? undefined : resolveDedupe(options.dedupe, api);

  let spec: DNASpec;
  let make: (dna: DNA) => unknown;
  let tree: (dna: DNA, candidate: unknown) => TreeValue;
  if (space instanceof TracedSpace) {
    const traced = space as TracedSpace<unknown>;
    const template = prepare(traced.space);
    spec = traced.spec;
    make = (dna) => traced.run(dna);
    tree = (dna) => template.materialize(dna) as TreeValue;
  } else {
    const template = prepare(space as TreeValue);
    spec = template.spec;
    make = (dna) => template.materialize(dna);
    tree = (_dna, candidate) => candidate as TreeValue;
  }

  const storage = options.storage ?? (options.study !== undefined ? journalStorage(defaultStudyDir()) : memoryStorage());
  const name = options.study ?? `study-${Date.now().toString(36)}-${(serial++).toString(36)}`;
  const journal: StudyJournal = await storage.open(name);
  const state = new StudyState();
  const book = dedupe === undefined ? undefined : new DedupeBook(dedupe.cache);
  for (const event of journal.events) {
    state.apply(event);
    book?.apply(event);
  }
  const append = async (event: JournalEvent): Promise<void> => {
    await journal.append(trusted(event));
    state.apply(event);
    book?.apply(event);
  };

  const loop: TrialLoop = {
    journal,
    state,
    dedupe: book,
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
      if (dedupe !== undefined) meta.dedupe = dedupe.kind;
      await append({ type: 'study', study: name, time: Date.now(), meta });
    }
    for (const t of [...state.trials]) {
      if (t.state === 'running' && ownerIsDead(t.owner, t.id)) {
        await append({ type: 'abandon', id: t.id, reason: `its process (${t.owner}) is gone`, time: Date.now() });
      }
    }
    algorithm.setup(spec, { seed, objectives: objectives.count });
    algorithm.recover(state.trials.map((t) => historyEntry(t, objectives)));
    let consecutiveHits = 0;
    while (state.trials.length - state.cached < numTrials) {
      const dna = algorithm.propose();
      if (dna === undefined) break;
      const candidate = make(dna);
      const id = `${OWNER}:${Date.now().toString(36)}:${(serial++).toString(36)}`;
      let treeValue: TreeValue | undefined;
      const treeOf = (): TreeValue => (treeValue ??= tree(dna, candidate));
      let hash: string | undefined;
      if (dedupe !== undefined) {
        try {
          hash = await dedupe.hashOf(candidate, treeOf);
        } catch (error) {
          throw new PliantError(api, 'argument', `dedupe could not hash the candidate of trial ${state.trials.length} (${dna.toString()}): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
        }
        if (hash !== undefined && typeof hash !== 'string') throw new PliantError(api, 'argument', `a dedupe hash function must return a string or undefined, found ${typeof hash}`);
      }
      const cached = book?.cache.peek(hash);
      const told = cached?.kind === 'hit' ? objectives.feedback(cached.value, api) : undefined;
      ACTIVE.add(id);
      await append({ type: 'trial', id, dna: dna.toJSON(), candidate: toJSON(treeOf()), time: Date.now(), owner: OWNER, ...(dedupe === undefined ? {} : { hash: hash ?? null }) });
      if (cached?.kind === 'hit') {
        // An equivalent candidate was evaluated: complete this one with its value, unevaluated.
        await append({ type: 'done', id, value: cached.value, time: Date.now(), cached: true });
        ACTIVE.delete(id);
        const t = told as NonNullable<typeof told>;
        algorithm.feedback(dna, t.reward, t.outcome);
        if (++consecutiveHits >= (dedupe as NonNullable<typeof dedupe>).maxConsecutiveHits) {
          process.emitWarning(`sample: the last ${consecutiveHits} proposals were all served by the dedupe cache: the algorithm keeps proposing candidates it has seen, so the search stops (dedupe.maxConsecutiveHits)`, { code: 'PLIANT_DEDUPE_STALLED' });
          break;
        }
        continue;
      }
      consecutiveHits = 0;
      const number = (state.get(id) as { number: number }).number;
      current = new Feedback(loop, id, number, dna);
      yield [candidate as CandidateOf<S>, current];
      if (!current.ended) {
        process.emitWarning(`sample: trial ${number} was not ended (call feedback.done or feedback.fail): it is abandoned`, { code: 'PLIANT_ABANDONED' });
        await current.abandon('the loop moved on before the trial ended');
      }
      current = undefined;
    }
  } finally {
    if (current !== undefined && !current.ended) await current.abandon('the loop was left before the trial ended');
    await journal.close();
    FINAL_STATE.set(options, { state, cache: book?.cache.stats });
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
