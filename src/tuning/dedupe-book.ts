import type { FunctionalCache } from '../hashing/functional-cache.js';
import type { JournalEvent } from '../storage/storage.js';
import type { TrialRecord } from './trial-states.js';

/**
 * @internal Keeps a study's functional cache in step with its journal: a trial event with a
 * hash is a cache lookup, a completed (not cached) trial records its value. Replaying the
 * journal through it on open rebuilds the cache, counters included, as the live loop left it.
 */
export class DedupeBook {
  readonly cache: FunctionalCache;
  readonly #pending = new Map<string, string | undefined>();
  readonly #seen = new Set<string>();

  constructor(cache: FunctionalCache) {
    this.cache = cache;
  }

  /**
   * Rebuilds the book from a study restored from a snapshot: the lookups and records its trial
   * and end events made, in the order of those events (as applying them would have).
   */
  restore(proposals: readonly TrialRecord[]): void {
    const steps: { seq: number; t: TrialRecord; end: boolean }[] = [];
    for (const t of proposals) {
      if (!t.hashed || this.#seen.has(t.id)) continue;
      steps.push({ seq: t.seq, t, end: false });
      if (t.endSeq >= 0) steps.push({ seq: t.endSeq, t, end: true });
    }
    steps.sort((a, b) => a.seq - b.seq);
    for (const { t, end } of steps) {
      if (!end) {
        this.#seen.add(t.id);
        this.cache.lookup(t.hash);
        this.#pending.set(t.id, t.hash);
        continue;
      }
      this.#pending.delete(t.id);
      if (t.state === 'completed' && !t.cached && t.value !== undefined) this.cache.record(t.hash, t.value);
    }
  }

  apply(event: JournalEvent): void {
    if (event.type === 'study' || event.type === 'session' || event.type === 'claim' || event.type === 'report') return;
    if (event.type === 'trial') {
      if (event.hash === undefined || this.#seen.has(event.id)) return; // recorded without dedupe, or seen
      this.#seen.add(event.id);
      const hash = event.hash ?? undefined;
      this.cache.lookup(hash);
      this.#pending.set(event.id, hash);
      return;
    }
    if (!this.#pending.has(event.id)) return;
    const hash = this.#pending.get(event.id);
    this.#pending.delete(event.id);
    if (event.type === 'done' && event.cached !== true && event.value !== undefined) this.cache.record(hash, event.value);
  }
}
