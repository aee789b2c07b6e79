import { hostname } from 'node:os';
/**
 * @internal The search loop's engine, shared by `sample` (one trial at a time, yielded) and
 * `search` (several at once, on an executor): opens the study, replays its journal, recovers
 * the algorithm, and hands out new trials one by one (serving functional-cache hits itself).
 * Trials may be running side by side: the budget counts them, and a candidate equivalent to one
 * still running waits for its result instead of being evaluated twice.
 */
import type { Algorithm, HistoryEntry } from '../algorithms/algorithm.js';
import { checkPolicy } from '../algorithms/early-stopping/early-stopping.js';
import type { DNA } from '../geno/dna.js';
import type { DNASpec } from '../geno/dna-spec.js';
import { prepare } from '../geno/template.js';
import { TracedSpace } from '../geno/trace.js';
import { PliantError } from '../base/errors.js';
import { toJSON } from '../symbolic/json.js';
import type { JsonValue } from '../symbolic/json.js';
import { resolveDedupe } from '../hashing/dedupe.js';
import type { ResolvedDedupe } from '../hashing/dedupe.js';
import type { TreeValue } from '../symbolic/node.js';
import { journalStorage } from '../storage/journal-storage.js';
import { memoryStorage } from '../storage/memory-storage.js';
import type { JournalEvent, StudyJournal } from '../storage/storage.js';
import { trusted } from '../storage/storage.js';
import { CurveBook } from './curves.js';
import { DedupeBook } from './dedupe-book.js';
import { Feedback } from './feedback.js';
import type { TrialLoop } from './feedback.js';
import { Objectives } from './objectives.js';
import type { SampleOptions } from './sample.js';
import { ACTIVE, OWNER, StudyState, ownerIsDead } from './study-state.js';
import type { Trial } from './trial.js';

/** The directory of the default journal storage (`$PLIANT_HOME/studies`, default `.pliant/studies`). */
export function defaultStudyDir(): string {
  return `${process.env.PLIANT_HOME ?? '.pliant'}/studies`;
}

let serial = 0;

/** One new trial to evaluate. */
export interface Proposal {
  readonly candidate: unknown;
  /** The candidate's tree in JSON, as the journal records it. */
  readonly candidateJson: JsonValue;
  readonly feedback: Feedback;
  /** For a trial taken up again: how many of its reports are recorded. */
  readonly reports?: number;
}

/** @internal See the module comment. */
export class TrialSource {
  readonly state = new StudyState();
  readonly name: string;
  readonly book: DedupeBook | undefined;
  readonly #api: string;
  readonly #algorithm: Algorithm;
  readonly #options: SampleOptions;
  readonly #objectives: Objectives;
  readonly #dedupe: ResolvedDedupe | undefined;
  readonly #numTrials: number;
  readonly #spec: DNASpec;
  readonly #make: (dna: DNA) => unknown;
  readonly #tree: (dna: DNA, candidate: unknown) => TreeValue;
  #journal: StudyJournal | undefined;
  #loop: TrialLoop | undefined;
  #consecutiveHits = 0;
  #done = false;
  /** Trials running now, by hash: a proposal with the same hash waits for their end. */
  readonly #running = new Map<string, Promise<void>>();
  readonly #ends = new Map<string, () => void>();

  constructor(space: TreeValue | TracedSpace<unknown>, algorithm: Algorithm, options: SampleOptions, api: string) {
    this.#api = api;
    this.#algorithm = algorithm;
    this.#options = options;
    const numTrials = options.numTrials ?? Infinity;
    if (!(numTrials >= 0)) throw new PliantError(api, 'argument', `numTrials must be a non-negative number, found ${String(numTrials)}`);
    this.#numTrials = numTrials;
    const objectives = new Objectives(options, api);
    if (objectives.count > 1 && algorithm.multiObjective !== true) {
      throw new PliantError(
        api,
        'argument',
        `${algorithm.name} optimises one objective, but metric names ${objectives.count}: use an algorithm for several objectives (nsga2)`,
      );
    }
    if (options.earlyStopping !== undefined) {
      checkPolicy(options.earlyStopping, api);
      if (objectives.count > 1) throw new PliantError(api, 'argument', 'early stopping compares one objective: it cannot be used with several');
    }
    this.#objectives = objectives;
    this.#dedupe = options.dedupe === undefined ? undefined : resolveDedupe(options.dedupe, api);
    this.book = this.#dedupe === undefined ? undefined : new DedupeBook(this.#dedupe.cache);
    if (space instanceof TracedSpace) {
      const traced = space as TracedSpace<unknown>;
      const template = prepare(traced.space);
      this.#spec = traced.spec;
      this.#make = (dna) => traced.run(dna);
      this.#tree = (dna) => template.materialize(dna) as TreeValue;
    } else {
      const template = prepare(space);
      this.#spec = template.spec;
      this.#make = (dna) => template.materialize(dna);
      this.#tree = (_dna, candidate) => candidate as TreeValue;
    }
    this.name = options.study ?? `study-${Date.now().toString(36)}-${(serial++).toString(36)}`;
  }

  /**
   * Opens the study: replays the journal, records the study, abandons dead trials (or, with
   * `keepRunning`, keeps every trial still running, for a durable executor to take up again),
   * recovers the algorithm.
   */
  async open(keepRunning = false): Promise<void> {
    const options = this.#options;
    const storage = options.storage ?? (options.study !== undefined ? journalStorage(defaultStudyDir()) : memoryStorage());
    const journal = await storage.open(this.name);
    this.#journal = journal;
    const { state, book } = this;
    for (const event of journal.events) {
      state.apply(event);
      book?.apply(event);
    }
    const policy = options.earlyStopping;
    this.#loop = {
      journal,
      state,
      dedupe: book,
      objectives: this.#objectives,
      stopping: policy === undefined ? undefined : { policy, curves: new CurveBook(state, this.#objectives) },
      ended: (feedback, told) => {
        if (told === undefined) this.#algorithm.abandon?.(feedback.dna);
        else this.#algorithm.feedback(feedback.dna, told.reward, told.outcome);
        this.#ends.get(feedback.id)?.();
        this.#tellEnd(feedback.id);
      },
    };
    const objectives = this.#objectives;
    const seed = options.seed ?? 0;
    if (!journal.events.some((e) => e.type === 'study')) {
      const meta: Record<string, JsonValue> = {
        algorithm: this.#algorithm.name,
        seed,
        direction: objectives.count === 1 ? (objectives.directions[0] as string) : [...objectives.directions],
      };
      if (options.metric !== undefined) meta.metric = typeof options.metric === 'string' ? options.metric : [...options.metric];
      if (objectives.constraints.length > 0) meta.constraints = [...objectives.constraints];
      if (policy !== undefined) meta.earlyStopping = policy.name;
      if (this.#dedupe !== undefined) meta.dedupe = this.#dedupe.kind;
      await this.#append({ type: 'study', study: this.name, time: Date.now(), meta });
    }
    for (const t of [...state.trials]) {
      if (t.state === 'running' && !keepRunning && ownerIsDead(t.owner, t.id)) {
        await this.#append({ type: 'abandon', id: t.id, reason: `its process (${t.owner}) is gone`, time: Date.now() });
      }
    }
    this.#algorithm.setup(this.#spec, { seed, objectives: objectives.count });
    this.#algorithm.recover(state.trials.map((t) => historyEntry(t, objectives)));
  }

  /** Tells `options.onTrialEnd` that a trial ended (a throwing listener is reported, not propagated). */
  #tellEnd(id: string): void {
    const listener = this.#options.onTrialEnd;
    const trial = this.state.get(id);
    if (listener === undefined || trial === undefined) return;
    try {
      listener(Object.freeze({ ...trial, reports: Object.freeze([...trial.reports]) }));
    } catch (error) {
      process.emitWarning(`${this.#api}: onTrialEnd threw: ${error instanceof Error ? error.message : String(error)}`, { code: 'PLIANT_LISTENER_THREW' });
    }
  }

  async #append(event: JournalEvent): Promise<void> {
    await (this.#journal as StudyJournal).append(trusted(event));
    this.state.apply(event);
    this.book?.apply(event);
  }

  /**
   * The next trial to evaluate, or `undefined` when the budget is spent (running trials count),
   * the algorithm is exhausted, or the cache has served too many proposals in a row. Not
   * re-entrant: callers serialise their calls.
   */
  async next(): Promise<Proposal | undefined> {
    const api = this.#api;
    const state = this.state;
    const dedupe = this.#dedupe;
    const book = this.book;
    while (!this.#done && state.trials.length - state.cached < this.#numTrials) {
      const dna = this.#algorithm.propose();
      if (dna === undefined) break;
      const candidate = this.#make(dna);
      const id = `${OWNER}:${Date.now().toString(36)}:${(serial++).toString(36)}`;
      let treeValue: TreeValue | undefined;
      const treeOf = (): TreeValue => (treeValue ??= this.#tree(dna, candidate));
      let hash: string | undefined;
      if (dedupe !== undefined) {
        try {
          hash = await dedupe.hashOf(candidate, treeOf);
        } catch (error) {
          throw new PliantError(
            api,
            'argument',
            `dedupe could not hash the candidate of trial ${state.trials.length} (${dna.toString()}): ${error instanceof Error ? error.message : String(error)}`,
            { cause: error },
          );
        }
        if (hash !== undefined && typeof hash !== 'string')
          throw new PliantError(api, 'argument', `a dedupe hash function must return a string or undefined, found ${typeof hash}`);
        // An equivalent candidate is being evaluated right now: wait for its value.
        const running = hash === undefined ? undefined : this.#running.get(hash);
        if (running !== undefined) await running;
      }
      const cached = book?.cache.peek(hash);
      const told = cached?.kind === 'hit' ? this.#objectives.feedback(cached.value, api) : undefined;
      ACTIVE.add(id);
      const candidateJson = toJSON(treeOf());
      await this.#append({
        type: 'trial',
        id,
        dna: dna.toJSON(),
        candidate: candidateJson,
        time: Date.now(),
        owner: OWNER,
        ...(dedupe === undefined ? {} : { hash: hash ?? null }),
      });
      if (cached?.kind === 'hit') {
        // An equivalent candidate was evaluated: complete this one with its value, unevaluated.
        await this.#append({ type: 'done', id, value: cached.value, time: Date.now(), cached: true });
        ACTIVE.delete(id);
        this.#tellEnd(id);
        const t = told as NonNullable<typeof told>;
        this.#algorithm.feedback(dna, t.reward, t.outcome);
        if (++this.#consecutiveHits >= (dedupe as NonNullable<typeof dedupe>).maxConsecutiveHits) {
          process.emitWarning(
            `${api}: the last ${this.#consecutiveHits} proposals were all served by the dedupe cache: the algorithm keeps proposing candidates it has seen, so the search stops (dedupe.maxConsecutiveHits)`,
            { code: 'PLIANT_DEDUPE_STALLED' },
          );
          this.#done = true;
          break;
        }
        continue;
      }
      this.#consecutiveHits = 0;
      if (hash !== undefined) {
        const key = hash;
        this.#running.set(
          key,
          new Promise<void>((resolve) => {
            this.#ends.set(id, () => {
              this.#ends.delete(id);
              this.#running.delete(key);
              resolve();
            });
          }),
        );
      }
      const number = (state.get(id) as { number: number }).number;
      return { candidate, candidateJson, feedback: new Feedback(this.#loop as TrialLoop, id, number, dna) };
    }
    return undefined;
  }

  /**
   * The trials of earlier runs of the study that are still running, as proposals to evaluate
   * again (a durable executor finds each one's job, finished or not).
   */
  resumable(): Proposal[] {
    // Not those of a controller still alive on this machine (one controller per study).
    return this.state.trials
      .filter((t) => t.state === 'running' && !ACTIVE.has(t.id) && (ownerIsDead(t.owner, t.id) || !sameHost(t.owner)))
      .map((t) => {
        ACTIVE.add(t.id);
        return {
          candidate: this.#make(t.dna),
          candidateJson: t.candidate,
          feedback: new Feedback(this.#loop as TrialLoop, t.id, t.number, t.dna),
          reports: t.reports.length,
        };
      });
  }

  /** Closes the journal. */
  async close(): Promise<void> {
    await this.#journal?.close();
  }
}

/** Whether a trial owner (`host:pid`) is a process of this machine. */
function sameHost(owner: string): boolean {
  return owner.slice(0, owner.lastIndexOf(':')) === hostname();
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
    if (error instanceof PliantError)
      throw new PliantError('sample', 'argument', `${where} does not fit the search's objectives: ${error.message}`, { cause: error });
    throw error;
  }
  return { dna: t.dna, reward: undefined, state: t.state === 'running' ? 'running' : 'ended' };
}
