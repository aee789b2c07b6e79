import { hostname } from 'node:os';
import { DNA } from '../geno/dna.js';
import type { JournalEvent } from '../storage/storage.js';
import type { Report, Trial, TrialState } from './trial.js';

/** @internal This process as a trial owner. */
export const OWNER = `${hostname()}:${process.pid}`;

interface MutableTrial {
  id: string;
  number: number;
  state: TrialState;
  dna: DNA;
  candidate: Trial['candidate'];
  reports: Report[];
  value: Trial['value'];
  metrics: Trial['metrics'];
  error: string | undefined;
  started: number;
  ended: number | undefined;
  owner: string;
  hash: string | undefined;
  cached: boolean;
}

/** @internal The trials of a study, rebuilt from its journal events. */
export class StudyState {
  readonly trials: MutableTrial[] = [];
  readonly #byId = new Map<string, MutableTrial>();
  /** How many trials were served by the functional cache (they are not evaluations). */
  cached = 0;

  apply(event: JournalEvent): void {
    if (event.type === 'study') return;
    if (event.type === 'trial') {
      if (this.#byId.has(event.id)) return;
      const t: MutableTrial = {
        id: event.id,
        number: this.trials.length,
        state: 'running',
        dna: DNA.fromJSON(event.dna),
        candidate: event.candidate,
        reports: [],
        value: undefined,
        metrics: undefined,
        error: undefined,
        started: event.time,
        ended: undefined,
        owner: event.owner,
        hash: event.hash ?? undefined,
        cached: false,
      };
      this.trials.push(t);
      this.#byId.set(event.id, t);
      return;
    }
    const t = this.#byId.get(event.id);
    if (t === undefined || t.state !== 'running') return; // a later end of an ended trial changes nothing
    if (event.type === 'report') {
      t.reports.push({ value: event.value, step: event.step, metrics: event.metrics, time: event.time });
    } else if (event.type === 'done') {
      t.state = 'completed';
      t.value = event.value;
      t.metrics = event.metrics;
      t.ended = event.time;
      if (event.cached === true) {
        t.cached = true;
        this.cached++;
      }
    } else if (event.type === 'prune') {
      t.state = 'pruned';
      t.value = t.reports[t.reports.length - 1]?.value;
      t.ended = event.time;
    } else if (event.type === 'fail') {
      t.state = 'failed';
      t.error = event.error;
      t.ended = event.time;
    } else {
      t.state = 'abandoned';
      t.error = event.reason;
      t.ended = event.time;
    }
  }

  get(id: string): MutableTrial | undefined {
    return this.#byId.get(id);
  }

  snapshot(): Trial[] {
    return this.trials.map((t) => Object.freeze({ ...t, reports: Object.freeze([...t.reports]) }));
  }
}

/** @internal Trials this process is running now. */
export const ACTIVE = new Set<string>();

/** @internal Whether the owner (`host:pid`) of a running trial is certainly gone. */
export function ownerIsDead(owner: string, id: string): boolean {
  if (owner === OWNER) return !ACTIVE.has(id); // our pid, but not ours: a dead process had it
  const colon = owner.lastIndexOf(':');
  if (owner.slice(0, colon) !== hostname()) return false; // another machine: cannot tell
  const pid = Number(owner.slice(colon + 1));
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
