/**
 * @internal The search loop's engine, shared by `sample` (one trial at a time, yielded) and
 * `search` (several at once, on an executor). It opens the study, recovers the algorithm from
 * it, and hands out trials one by one:
 *
 * 1. trials that a dead process left running are evaluated again first (same trial, same
 *    candidate: a `claim` event), so nothing in flight is lost or charged twice;
 * 2. then new proposals, while the study (not this process) has budget left: processes that
 *    share a journal stop together at `numTrials`, and one that finds, after recording its
 *    proposal, that others spent the budget first withdraws it;
 * 3. with `dedupe`, a candidate equivalent to one being evaluated (here or by another process)
 *    waits for that one's value instead of being evaluated twice, and one the cache knows is
 *    completed at once with the cached value.
 *
 * The algorithm learns every trial's end as the study applies it, this process's and others'
 * alike, in the journal's order.
 */
import type { Algorithm, AlgorithmContext, HistoryEntry } from '../algorithms/algorithm.js';
import { checkPolicy, forSearchOf } from '../algorithms/early-stopping/early-stopping.js';
import { PliantError } from '../base/errors.js';
import type { Measurement } from '../base/measurement.js';
import { fitsKnown, noteFits } from '../geno/dna.js';
import type { DNA } from '../geno/dna.js';
import type { DNASpec } from '../geno/dna-spec.js';
import { prepare } from '../geno/template.js';
import { TracedSpace } from '../geno/trace.js';
import { resolveDedupe } from '../hashing/dedupe.js';
import type { ResolvedDedupe } from '../hashing/dedupe.js';
import { toJSON } from '../symbolic/json.js';
import type { JsonValue } from '../symbolic/json.js';
import type { TreeValue } from '../symbolic/node.js';
import { memoryStorage } from '../storage/memory-storage.js';
import { storageFrom } from '../storage/storage-from.js';
import { JOURNAL_VERSION, JOURNAL_VERSION_WITHOUT_SPACE } from '../storage/storage.js';
import { recordableSpace } from './candidate-deriver.js';
import { CurveBook } from './curves.js';
import { DedupeBook } from './dedupe-book.js';
import { Feedback } from './feedback.js';
import type { TrialContext } from './feedback.js';
import { Objectives } from './objectives.js';
import { ACTIVE, ACTIVE_SESSIONS, OWNER, newId, ownerIsDead, sameHost } from './owners.js';
import { Result } from './result.js';
import type { SampleOptions } from './sample.js';
import { Study } from './study.js';
import type { StudyChange } from './study.js';
import type { TrialRecord } from './trial-states.js';
import { freezeTrial } from './trial-states.js';
import { decisionNames } from '../geno/decision-names.js';

/** How many times a trial is started before a process dying on it every time fails it instead. */
export const MAX_ATTEMPTS = 5;

let serial = 0;

/** One trial to evaluate. */
export interface Proposal {
  readonly candidate: unknown;
  /** The candidate's tree in JSON, as the journal records it. */
  readonly candidateJson: JsonValue;
  readonly feedback: Feedback;
  /** For a trial a durable executor takes up again: how many of its reports are recorded. */
  readonly reports?: number;
}

/** What the loop needs besides `SampleOptions`. */
export interface LoopOptions extends SampleOptions {
  /**
   * The search's per-trial timeout: a trial still running this long (plus {@link OVERDUE_GRACE_MS})
   * after it started is taken as lost, even when its process cannot be checked (another machine).
   */
  readonly timeout?: number;
}

/** How long past its timeout a trial of a process that cannot be checked counts as lost. */
export const OVERDUE_GRACE_MS = 60_000;

/** The default of `heartbeat`: milliseconds between a session's `beat` events while it runs trials. */
export const HEARTBEAT_MS = 30_000;

/** @internal See the module comment. */
export class TrialLoop {
  readonly name: string;
  readonly #api: string;
  readonly #algorithm: Algorithm;
  readonly #options: LoopOptions;
  readonly #objectives: Objectives;
  readonly #dedupe: ResolvedDedupe | undefined;
  readonly #numTrials: number;
  readonly #deadline: number;
  readonly #stepBudget: number;
  readonly #spec: DNASpec;
  /** The space's named decisions, by key path in a candidate (recorded in the header). */
  get #decisionNames(): Record<string, string> {
    return (this.#names ??= decisionNames(this.#spec));
  }
  #names: Record<string, string> | undefined;
  readonly #make: (dna: DNA) => unknown;
  readonly #tree: (dna: DNA, candidate: unknown) => TreeValue;
  /** The space's JSON form when readers can make candidates from DNAs in it (see candidate-deriver.ts). */
  readonly #spaceRecord: JsonValue | undefined;
  /** Trial events leave their candidates out: the study's header records this loop's space. */
  #derivable = false;
  #study: Study | undefined;
  #book: DedupeBook | undefined;
  #context: TrialContext | undefined;
  #session: string | undefined;
  #durable = false;
  readonly #timeout: number | undefined;
  readonly #heartbeat: number | undefined;
  #beating: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  #consecutiveHits = 0;
  /** When the journal was last read for what others appended (`performance.now()`). */
  #refreshed = -Infinity;
  #stopped = false;
  /** For an algorithm that observes others' trials (grid): the DNAs other processes started, as text, with the first one's place in the journal. */
  readonly #observed = new Map<string, number>();
  /** Trials this loop handed out (proposed or taken up), until they end: their end waiters. */
  readonly #mine = new Map<string, { readonly ended: Promise<void>; readonly resolve: () => void }>();
  /**
   * The study's trials whose DNA does not fit this search's space (a study recorded with another
   * space, or a corrupt trial event), by id, with why: the algorithm is not told of them, and
   * those left running are failed instead of evaluated again.
   */
  readonly #unfit = new Map<string, string>();
  /** Trials left running that a durable executor cannot take up (their DNA does not fit): failed by the next {@link next}. */
  #unfitRunning: TrialRecord[] = [];

  constructor(space: TreeValue | TracedSpace<unknown>, algorithm: Algorithm, options: LoopOptions, api: string) {
    this.#api = api;
    this.#algorithm = algorithm;
    this.#options = options;
    const numTrials = options.numTrials ?? Infinity;
    if (typeof numTrials !== 'number' || !(numTrials >= 0))
      throw new PliantError(api, 'argument', `numTrials must be a non-negative number, found ${String(numTrials)}`);
    this.#numTrials = numTrials;
    const timeBudget = options.timeBudget;
    if (timeBudget !== undefined && (typeof timeBudget !== 'number' || !(timeBudget > 0))) {
      throw new PliantError(api, 'argument', `timeBudget must be a positive number of milliseconds, found ${String(timeBudget)}`);
    }
    this.#deadline = timeBudget === undefined ? Infinity : Date.now() + timeBudget;
    const stepBudget = options.stepBudget ?? Infinity;
    if (typeof stepBudget !== 'number' || !(stepBudget > 0))
      throw new PliantError(api, 'argument', `stepBudget must be a positive number of steps, found ${String(options.stepBudget)}`);
    this.#stepBudget = stepBudget;
    this.#timeout = options.timeout;
    const heartbeat = options.heartbeat ?? HEARTBEAT_MS;
    if (heartbeat !== false && (typeof heartbeat !== 'number' || !Number.isFinite(heartbeat) || !(heartbeat > 0)))
      throw new PliantError(api, 'argument', `heartbeat must be a positive number of milliseconds or false, found ${String(options.heartbeat)}`);
    this.#heartbeat = heartbeat === false ? undefined : heartbeat;
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
    if (space instanceof TracedSpace) {
      const traced = space as TracedSpace<unknown>;
      const template = prepare(traced.space);
      this.#spec = traced.spec;
      this.#make = (dna) => traced.run(dna);
      this.#tree = (dna) => template.materialize(dna) as TreeValue;
      this.#spaceRecord = undefined;
    } else {
      const template = prepare(space);
      this.#spec = template.spec;
      this.#make = (dna) => template.materialize(dna);
      this.#tree = (_dna, candidate) => candidate as TreeValue;
      this.#spaceRecord = recordableSpace(space);
    }
    this.name = options.study ?? `study-${Date.now().toString(36)}-${(serial++).toString(36)}`;
  }

  /** The study (after `open`). */
  get study(): Study {
    if (this.#study === undefined) throw new PliantError(this.#api, 'state', 'the study is not open');
    return this.#study;
  }

  /** The dedupe book, when the loop dedupes. */
  get book(): DedupeBook | undefined {
    return this.#book;
  }

  /** The objectives the study's measurements are judged by. */
  get objectives(): Objectives {
    return this.#objectives;
  }

  /**
   * Opens the study: replays its journal, records the study's header (once) and this process's
   * session, and recovers the algorithm from the trials. With `durable` (an executor whose
   * trials outlive this process), trials left running are taken up by {@link resumable} instead
   * of being evaluated again by {@link next}.
   */
  async open(durable = false): Promise<void> {
    this.#durable = durable;
    const options = this.#options;
    const storage = options.storage ?? (options.study !== undefined ? storageFrom() : memoryStorage());
    const study = await Study.open(storage, this.name, { api: this.#api, ...(options.onWarning === undefined ? {} : { onWarning: options.onWarning }) });
    this.#study = study;
    try {
      await this.#start(study);
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  async #start(study: Study): Promise<void> {
    const options = this.#options;
    const objectives = this.#objectives;
    if (this.#dedupe !== undefined) {
      const book = new DedupeBook(this.#dedupe.cache);
      if (study.restored) book.restore(study.states.proposals);
      for (const event of study.journal.events) book.apply(event);
      this.#book = book;
      study.listen((event) => book.apply(event));
    }
    // The policy as this search uses it (hyperband's brackets follow the search's seed).
    const policy = options.earlyStopping === undefined ? undefined : forSearchOf(options.earlyStopping, { seed: options.seed ?? 0 });
    this.#context = { study, objectives, stopping: policy === undefined ? undefined : { policy, curves: new CurveBook(study.states, objectives) } };
    const seed = options.seed ?? 0;
    const numTrials = Number.isFinite(this.#numTrials) ? this.#numTrials : undefined;
    const context = (stream: number): AlgorithmContext => ({ seed, objectives: objectives.count, stream, ...(numTrials === undefined ? {} : { numTrials }) });
    if (study.states.header === undefined) {
      const meta: Record<string, JsonValue> = {
        algorithm: this.#algorithm.name,
        seed,
        direction: objectives.count === 1 ? (objectives.directions[0] as string) : [...objectives.directions],
      };
      const plan = this.#algorithm.describe?.(this.#spec, context(0));
      if (plan !== undefined) meta.algorithmPlan = plan;
      if (options.metric !== undefined) meta.metric = typeof options.metric === 'string' ? options.metric : [...options.metric];
      if (objectives.constraints.length > 0) meta.constraints = [...objectives.constraints];
      if (policy !== undefined) meta.earlyStopping = policy.name;
      if (this.#dedupe !== undefined) meta.dedupe = this.#dedupe.kind;
      if (Object.keys(this.#decisionNames).length > 0) meta.decisionNames = { ...this.#decisionNames };
      const space = this.#spaceRecord;
      // format 3 only when it records the space: otherwise its events are format 2's, and a reader of
      // format 2 (an older pliant) appends to it too
      await study.append(
        space === undefined
          ? { type: 'study', study: this.name, time: Date.now(), meta, version: JOURNAL_VERSION_WITHOUT_SPACE }
          : { type: 'study', study: this.name, time: Date.now(), meta, version: JOURNAL_VERSION, space },
      );
    }
    // The candidates go unwritten when the header (the first, if several processes raced to write
    // one) records this very space: readers make them from the DNAs.
    const recorded = study.states.header?.space;
    this.#derivable = this.#spaceRecord !== undefined && recorded !== undefined && JSON.stringify(recorded) === JSON.stringify(this.#spaceRecord);
    const session = newId();
    this.#session = session;
    ACTIVE_SESSIONS.add(session);
    const heartbeat = this.#heartbeat;
    await study.append({ type: 'session', id: session, owner: OWNER, time: Date.now(), ...(heartbeat === undefined ? {} : { heartbeat }) });
    if (heartbeat !== undefined) {
      // Beats while this loop runs trials (an idle session has nothing to prove); a failed append
      // (the journal away for a moment) is tried again at the next beat.
      this.#beating = setInterval(() => {
        if (this.#mine.size === 0 || this.#closed) return;
        study.append({ type: 'session', id: session, owner: OWNER, time: Date.now(), beat: true }).catch(() => undefined);
      }, heartbeat);
      this.#beating.unref();
    }
    this.#recover(study, context(this.#stream(study, session)));
    study.listen((event, change) => this.#onEvent(event.type, change));
  }

  /**
   * Sets the algorithm up and gives it the study's trials. Those whose DNA does not fit this
   * search's space (the study was recorded with another space, or a trial event is corrupt) are
   * left out, with a warning: a study's space is checked against the one its header records
   * (cheap); without a difference there, the trials are checked only when the algorithm refuses
   * one, and it is then set up again and given the others.
   */
  #recover(study: Study, context: AlgorithmContext): void {
    const records = study.states.proposals;
    const recorded = study.states.header?.space;
    const changed = this.#spaceRecord !== undefined && recorded !== undefined && !this.#derivable;
    this.#algorithm.setup(this.#spec, context);
    let fitting: TrialRecord[] | undefined;
    if (!changed) {
      try {
        this.#algorithm.recover(this.#history(records));
        return;
      } catch (error) {
        if (!(error instanceof PliantError)) throw error;
        fitting = records.filter((t) => this.#fits(t));
        if (fitting.length === records.length) throw error;
        this.#algorithm.setup(this.#spec, context);
      }
    }
    fitting ??= records.filter((t) => this.#fits(t));
    this.#algorithm.recover(this.#history(fitting));
    const unfit = records.filter((t) => this.#unfit.has(t.id));
    if (!changed && unfit.length === 0) return;
    const first = unfit[0];
    const which = first === undefined ? '' : ` (trial ${first.number}: ${this.#unfit.get(first.id) ?? ''})`;
    process.emitWarning(
      changed
        ? `${this.#api}: the study '${this.name}' was recorded with another search space than this search's: ${unfit.length} of its ${records.length} trials do not fit this one${which}; the algorithm learns from the ${records.length - unfit.length} that do, and the study keeps them all (a new study name keeps two searches apart)`
        : `${this.#api}: ${unfit.length} of the ${records.length} trials of the study '${this.name}' have a DNA that does not fit the search space${which}: the algorithm does not learn from them`,
      { code: 'PLIANT_SPACE_MISMATCH' },
    );
  }

  /** Whether the DNA of the study's trial `t` fits this search's space (why not is kept in {@link #unfit}). */
  #fits(t: TrialRecord): boolean {
    if (this.#unfit.has(t.id)) return false;
    try {
      const dna = t.dna;
      if (fitsKnown(dna, this.#spec)) return true;
      this.#spec.validate(dna);
      noteFits(dna, this.#spec);
      return true;
    } catch (error) {
      if (!(error instanceof PliantError)) throw error;
      this.#unfit.set(t.id, error.message);
      return false;
    }
  }

  /** Fails a trial left running whose DNA does not fit this search's space: it cannot be evaluated again here. */
  async #failUnfit(t: TrialRecord): Promise<void> {
    await this.study.append({
      type: 'fail',
      id: t.id,
      error: `left running by ${t.owner}, which is gone; its DNA does not fit this search's space (${this.#unfit.get(t.id) ?? ''}): not evaluated again`,
      code: 'invalid',
      time: Date.now(),
    });
  }

  /**
   * This process's stream of the seed: 0 when no other session of the study is running (the
   * first process, or one resuming the study alone, which so proposes what an uninterrupted run
   * would have); else the session's place among the study's sessions, unique to it.
   */
  #stream(study: Study, session: string): number {
    const sessions = study.states.sessions;
    const mine = sessions.find((s) => s.id === session);
    if (mine === undefined) return 0;
    const othersLive = sessions.some(
      (s) => s.index < mine.index && !s.ended && !ownerIsDead(s.owner, s.id) && (sameHost(s.owner) || !study.states.silent(s.owner)),
    );
    return othersLive ? mine.index : 0;
  }

  /** What the algorithm learns of a recorded trial on resume (a value that does not fit the objectives goes to `misfits`). */
  #historyEntry(t: TrialRecord, misfits: Misfits): HistoryEntry {
    if (t.withdrawn) return new HistoryOf(t, undefined);
    if (t.state === 'running') return new HistoryOf(t, undefined, undefined, 'running');
    const told = this.#told(t, misfits);
    if (told === undefined) return new HistoryOf(t, undefined);
    return new HistoryOf(t, told.reward, told.outcome);
  }

  /**
   * The study's trials as the algorithm learns them on resume. A recorded value that does not fit
   * the search's objectives (a metric record without the objective's metric) is an error when no
   * value fits (the search is set up for other objectives than the study's); when only some do
   * not (a corrupt event, objectives that changed along the study), those trials are taken as
   * abandoned, with a warning.
   */
  #history(records: readonly TrialRecord[]): HistoryEntry[] {
    const misfits: Misfits = { errors: [], valued: 0 };
    const entries = records.map((t) => this.#historyEntry(t, misfits));
    const first = misfits.errors[0];
    if (first === undefined) return entries;
    const [t, error] = first;
    if (misfits.errors.length === misfits.valued) {
      throw new PliantError(this.#api, 'argument', `trial ${t.number} of the study does not fit the search's objectives: ${error.message}`, { cause: error });
    }
    process.emitWarning(
      `${this.#api}: ${misfits.errors.length} of the ${misfits.valued} recorded values of the study '${this.name}' do not fit the search's objectives (trial ${t.number}: ${error.message}): the algorithm takes those trials as abandoned`,
      { code: 'PLIANT_OBJECTIVE_MISMATCH' },
    );
    return entries;
  }

  /**
   * What the algorithm is told of an ended trial: its reward and outcome, or `undefined` when it
   * ended without one (abandoned). A value that does not fit the objectives is taken as
   * abandoned; on resume it is also noted in `misfits` (see {@link #history}).
   */
  #told(t: TrialRecord, misfits?: Misfits): { reward: number; outcome: HistoryEntry['outcome'] } | undefined {
    const where = `${this.#api}: trial ${t.number} of the study`;
    try {
      if (t.state === 'completed' && t.value !== undefined) {
        if (misfits !== undefined) misfits.valued++;
        return this.#objectives.feedback(t.value, where);
      }
      if (t.state === 'pruned' && t.reports.length > 0) {
        if (misfits !== undefined) misfits.valued++;
        const last = t.reports[t.reports.length - 1] as TrialRecord['reports'][number];
        return this.#objectives.feedback(last.value, where, last.step ?? t.reports.length);
      }
      if (t.state === 'failed') return { reward: -Infinity, outcome: { failed: t.error ?? 'failed' } };
    } catch (error) {
      if (misfits === undefined) return undefined;
      if (!(error instanceof PliantError)) throw error;
      misfits.errors.push([t, error]);
    }
    return undefined;
  }

  /** The study applied an event: tell the algorithm of ends, and settle this loop's own trials. */
  #onEvent(type: string, change: StudyChange): void {
    const t = change.trial;
    if (t === undefined) return;
    if (!change.ended) {
      // Another process's new trial (this process's own are ACTIVE before they are appended).
      if (type === 'trial' && !ACTIVE.has(t.id) && this.#algorithm.observe !== undefined && this.#fits(t)) {
        this.#algorithm.observe(t.dna);
        const key = t.dna.toString();
        if (!this.#observed.has(key)) this.#observed.set(key, t.seq);
      }
      return;
    }
    const mine = this.#mine.get(t.id);
    // (of another search's trial in another space, or of a corrupt event, nothing can be learnt)
    if (type === 'withdraw') {
      if (mine !== undefined) this.#algorithm.abandon?.(t.dna);
    } else if (mine !== undefined || this.#fits(t)) {
      const told = this.#told(t);
      if (told === undefined) this.#algorithm.abandon?.(t.dna);
      else this.#algorithm.feedback(t.dna, told.reward, told.outcome);
    }
    if (mine === undefined) return;
    this.#mine.delete(t.id);
    ACTIVE.delete(t.id);
    mine.resolve();
    if (type !== 'withdraw') this.#tellEnd(t);
  }

  /** Tells `options.onTrialEnd` that a trial of this process ended (a throwing listener is reported, not propagated). */
  #tellEnd(t: TrialRecord): void {
    const listener = this.#options.onTrialEnd;
    if (listener === undefined) return;
    try {
      listener(freezeTrial(t));
    } catch (error) {
      process.emitWarning(`${this.#api}: onTrialEnd threw: ${error instanceof Error ? error.message : String(error)}`, { code: 'PLIANT_LISTENER_THREW' });
    }
  }

  /** Stops handing out new trials (those running go on). */
  stop(): void {
    this.#stopped = true;
  }

  /** Takes `t` as this loop's trial: its handle, and a waiter of its end. */
  #adopt(t: TrialRecord): Feedback {
    let resolve = (): void => undefined;
    const ended = new Promise<void>((done) => (resolve = done));
    this.#mine.set(t.id, { ended, resolve });
    ACTIVE.add(t.id);
    return new Feedback(this.#context as TrialContext, t.id, t.dna);
  }

  /**
   * The next trial to evaluate, or `undefined` when the study's budget is spent (running trials
   * count), its step budget is spent, the time budget is over, the algorithm is exhausted, or the cache has served too many
   * proposals in a row. Not re-entrant: callers serialise their calls.
   */
  async next(): Promise<Proposal | undefined> {
    const study = this.study;
    const states = study.states;
    for (;;) {
      if (this.#stopped) return undefined;
      // What other processes appended (at most once a millisecond: a proposal's own append reads
      // anything that landed before it, and the budget and dedupe are checked after it).
      const now = performance.now();
      if (now - this.#refreshed >= 1) {
        await study.refresh();
        this.#refreshed = now;
        await study.snapshot(false);
      }

      // 1. Trials a dead process left running: evaluated again first (failed when they cannot be).
      const unfit = this.#unfitRunning.pop();
      if (unfit !== undefined) {
        if (unfit.state === 'running') await this.#failUnfit(unfit);
        continue;
      }
      const orphan = this.#orphan();
      if (orphan !== undefined) {
        if (!this.#fits(orphan)) {
          await this.#failUnfit(orphan);
          continue;
        }
        if (orphan.attempts >= MAX_ATTEMPTS) {
          await study.append({
            type: 'fail',
            id: orphan.id,
            error: `its process died each of the ${orphan.attempts} times it was evaluated (last: ${orphan.owner}): not started again`,
            code: 'crashed',
            time: Date.now(),
          });
          continue;
        }
        ACTIVE.add(orphan.id);
        await study.append({ type: 'claim', id: orphan.id, owner: OWNER, from: orphan.owner, time: Date.now() });
        if (orphan.owner !== OWNER || orphan.state !== 'running') {
          ACTIVE.delete(orphan.id); // another process claimed it first
          continue;
        }
        const feedback = this.#adopt(orphan);
        return { candidate: this.#make(orphan.dna), candidateJson: orphan.candidate, feedback };
      }

      // 2. The study's budgets (every process's trials count: trials and steps), and this process's time.
      if (states.counted >= this.#numTrials || states.steps >= this.#stepBudget || Date.now() >= this.#deadline) return undefined;

      // 3. A new proposal.
      const dna = this.#algorithm.propose();
      if (dna === undefined) return undefined;
      const candidate = this.#make(dna);
      let treeValue: TreeValue | undefined;
      const treeOf = (): TreeValue => (treeValue ??= this.#tree(dna, candidate));
      const hash = await this.#hash(dna, candidate, treeOf);
      // An equivalent candidate is being evaluated: wait for its value.
      if (hash !== undefined) await this.#waitWhileRunning(hash, undefined);
      const book = this.#book;
      const cached = book?.cache.peek(hash);
      const id = newId();
      const candidateJson = toJSON(treeOf());
      ACTIVE.add(id);
      await study.append(
        {
          type: 'trial',
          id,
          dna: dna.toJSON(),
          ...(this.#derivable ? {} : { candidate: candidateJson }),
          time: Date.now(),
          owner: OWNER,
          ...(this.#dedupe === undefined ? {} : { hash: hash ?? null }),
        },
        dna,
      );
      const t = states.get(id) as TrialRecord;
      const feedback = this.#adopt(t);
      if (cached?.kind === 'hit') {
        // An equivalent candidate was evaluated: complete this one with its value, unevaluated.
        if (await this.#serveCached(t, cached.value)) return undefined;
        continue;
      }
      // Others may have spent the budget, or started the same candidate, just before.
      if (states.countedBefore(t) >= this.#numTrials) {
        await study.append({
          type: 'withdraw',
          id,
          reason: `the study had its ${this.#numTrials} trials when it was proposed (other processes share it)`,
          time: Date.now(),
        });
        return undefined;
      }
      // An algorithm that proposes each point once (grid) gives way to another process that
      // started the same DNA just before (the earlier trial event wins: the append may also have
      // read events after this one) and proposes again.
      const before = this.#observed.size === 0 ? undefined : this.#observed.get(dna.toString());
      if (before !== undefined && before < t.seq) {
        await study.append({ type: 'withdraw', id, reason: 'another process started the same candidate just before', time: Date.now() });
        continue;
      }
      // An equivalent candidate another process started before this one: running (wait for its
      // value), or ended after the look-up above (the append read its end: a proposal can take
      // long, as a model-based algorithm's does, and others go on meanwhile). Either way, its value.
      if (hash !== undefined && book !== undefined) {
        await this.#waitWhileRunning(hash, t);
        const now = book.cache.peek(hash);
        if (now.kind === 'hit' && t.state === 'running') {
          if (await this.#serveCached(t, now.value)) return undefined;
          continue;
        }
      }
      this.#consecutiveHits = 0;
      return { candidate, candidateJson, feedback };
    }
  }

  /**
   * Completes `t` with a cached value (an equivalent candidate's), unevaluated; returns whether the
   * search should stop because the cache served too many proposals in a row.
   */
  async #serveCached(t: TrialRecord, value: Measurement): Promise<boolean> {
    await this.study.append({ type: 'done', id: t.id, value, time: Date.now(), cached: true });
    if (++this.#consecutiveHits < (this.#dedupe as ResolvedDedupe).maxConsecutiveHits) return false;
    process.emitWarning(
      `${this.#api}: the last ${this.#consecutiveHits} proposals were all served by the dedupe cache: the algorithm keeps proposing candidates it has seen, so the search stops (dedupe.maxConsecutiveHits)`,
      { code: 'PLIANT_DEDUPE_STALLED' },
    );
    this.#stopped = true;
    return true;
  }

  /** The candidate's dedupe hash (`undefined`: no dedupe, or unhashable). */
  async #hash(dna: DNA, candidate: unknown, treeOf: () => TreeValue): Promise<string | undefined> {
    const dedupe = this.#dedupe;
    if (dedupe === undefined) return undefined;
    let hash: string | undefined;
    try {
      hash = await dedupe.hashOf(candidate, treeOf);
    } catch (error) {
      const where = `the candidate of trial ${this.study.states.trials.length} (${dna.toString()})`;
      // A missing dependency (TensorFlow.js not installed, or not loaded yet) is not the hash's
      // fault: its own message comes first, with what it happened in after.
      const setup = setupError(error);
      if (setup !== undefined) throw new PliantError(setup.api, setup.code, `${setup.detail} (while dedupe hashed ${where})`, { cause: error });
      throw new PliantError(this.#api, 'argument', `dedupe could not hash ${where}: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
    if (hash !== undefined && typeof hash !== 'string')
      throw new PliantError(this.#api, 'argument', `a dedupe hash function must return a string or undefined, found ${typeof hash}`);
    return hash;
  }

  /**
   * Waits while a trial with the hash `hash` (before `mine`, when given) is running: one of this
   * process's until it ends; another process's by reading the journal now and then, until it
   * ends or its process is gone. Returns whether it waited.
   */
  async #waitWhileRunning(hash: string, mine: TrialRecord | undefined): Promise<boolean> {
    const study = this.study;
    let delay = 5;
    let waited = false;
    const started = Date.now();
    let warned = false;
    for (;;) {
      const running = study.states.withHash(hash).find((t) => t.state === 'running' && t !== mine && (mine === undefined || t.number < mine.number));
      if (running === undefined) return waited;
      waited = true;
      const own = this.#mine.get(running.id);
      if (own !== undefined) {
        await own.ended;
        continue;
      }
      if (this.#lost(running)) return waited;
      if (!warned && Date.now() - started > 60_000) {
        warned = true;
        process.emitWarning(
          `${this.#api}: waiting for trial ${running.number}, an equivalent candidate that ${running.owner} is evaluating (a trial of a process on another machine is given up after 4 missed heartbeats, or past the timeout for a process of an earlier version)`,
          { code: 'PLIANT_DEDUPE_WAITING' },
        );
      }
      await new Promise((done) => setTimeout(done, delay));
      delay = Math.min(delay * 2, 250);
      await study.refresh();
    }
  }

  /**
   * Whether a running trial of another process is lost: its process is gone, or (for a process
   * that cannot be checked, on another machine) it has run past the search's timeout and a grace.
   */
  #lost(t: TrialRecord): boolean {
    if (ownerIsDead(t.owner, t.id)) return true;
    if (t.owner === OWNER) return false;
    // A process of this machine is checked by its pid (a blocked event loop cannot beat, but lives).
    if (!sameHost(t.owner) && this.study.states.silent(t.owner)) return true;
    return this.#timeout !== undefined && Date.now() > t.since + this.#timeout + OVERDUE_GRACE_MS;
  }

  /** A trial left running by a process that is gone, the oldest first (none with a durable executor). */
  #orphan(): TrialRecord | undefined {
    if (this.#durable) return undefined;
    for (const t of this.study.states.running) if (!ACTIVE.has(t.id) && this.#lost(t)) return t;
    return undefined;
  }

  /**
   * The trials of earlier runs of the study that are still running, as proposals to evaluate
   * again (a durable executor finds each one's job, finished or not).
   */
  resumable(): Proposal[] {
    // Not those of a controller still alive on this machine (one controller per study).
    const left = [...this.study.states.running].filter((t) => !ACTIVE.has(t.id) && (ownerIsDead(t.owner, t.id) || !sameHost(t.owner)));
    this.#unfitRunning = left.filter((t) => !this.#fits(t));
    return left
      .filter((t) => !this.#unfit.has(t.id))
      .map((t) => ({ candidate: this.#make(t.dna), candidateJson: t.candidate, feedback: this.#adopt(t), reports: t.reports.length }));
  }

  /** Everything the study holds now, as a {@link Result}. */
  result(): Result {
    return new Result(this.name, this.study.states.snapshot(), this.#options, this.#book?.cache.stats, this.#decisionNames);
  }

  /** Records the end of this process's session and closes the journal. */
  async close(): Promise<void> {
    const study = this.#study;
    const session = this.#session;
    this.#closed = true;
    if (this.#beating !== undefined) clearInterval(this.#beating);
    if (study === undefined) return;
    try {
      if (session !== undefined) await study.append({ type: 'session', id: session, owner: OWNER, time: Date.now(), end: true });
      await study.snapshot(true);
    } catch {
      // the journal may be gone (Redis away): the session ends anyway
    } finally {
      if (session !== undefined) ACTIVE_SESSIONS.delete(session);
      await study.close();
    }
  }
}

/** The recorded values that did not fit the objectives on resume, of how many (see `#history`). */
interface Misfits {
  readonly errors: [TrialRecord, PliantError][];
  valued: number;
}

/** The record behind a {@link HistoryOf} (set by its static block). */
let recordOfEntry: (entry: HistoryOf) => TrialRecord;
const HISTORY_DNA: PropertyDescriptor = {
  get(this: HistoryOf): DNA {
    return recordOfEntry(this).dna;
  },
  enumerable: true,
};

/**
 * A history entry whose DNA is the record's, built only when the algorithm reads it (random search
 * never does). `dna` is an own enumerable getter, so the entry spreads and serialises as a plain
 * `{ dna, reward, outcome?, state? }` does (an algorithm that wraps another may copy entries).
 */
class HistoryOf implements HistoryEntry {
  readonly #record: TrialRecord;
  declare readonly dna: DNA;
  declare readonly reward: number | undefined;
  declare readonly outcome?: HistoryEntry['outcome'];
  declare readonly state?: 'running';

  static {
    recordOfEntry = (entry) => entry.#record;
  }

  constructor(record: TrialRecord, reward: number | undefined, outcome?: HistoryEntry['outcome'], state?: 'running') {
    this.#record = record;
    Object.defineProperty(this, 'dna', HISTORY_DNA);
    const self = this as { reward: number | undefined; outcome?: HistoryEntry['outcome']; state?: 'running' };
    self.reward = reward;
    if (outcome !== undefined) self.outcome = outcome;
    if (state !== undefined) self.state = state;
  }
}

/**
 * The error about the setup (a missing optional dependency, TensorFlow.js not loaded yet) that
 * `error` is or was caused by, if any: what the user must fix, whatever code ran into it.
 */
function setupError(error: unknown): PliantError | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (e instanceof PliantError && (e.code === 'dependency' || (e.code === 'state' && /TensorFlow\.js is not loaded/.test(e.detail)))) return e;
  }
  return undefined;
}
