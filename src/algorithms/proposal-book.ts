import type { DNA } from '../geno/dna.js';
import type { Algorithm, HistoryEntry } from './algorithm.js';

/** A DNA's identity for matching feedback to proposals: its JSON (its text would tell `2.0` from `2`). */
export function dnaKey(dna: DNA): string {
  return JSON.stringify(dna.toJSON());
}

/**
 * @internal The proposals of a model-based algorithm that await feedback, matched by DNA (the
 * oldest proposal of a DNA first), and, when duplicates are skipped, every DNA proposed or told.
 */
export class ProposalBook<E> {
  readonly #pending = new Map<string, E[]>();
  /** Every DNA key proposed or told, when duplicates are skipped (else `undefined`). */
  readonly seen: Set<string> | undefined;

  constructor(trackSeen: boolean) {
    this.seen = trackSeen ? new Set() : undefined;
  }

  /** Records `entry` as proposed (or told) for `dna`. */
  add(dna: DNA, entry: E): void {
    const key = dnaKey(dna);
    this.seen?.add(key);
    const list = this.#pending.get(key);
    if (list === undefined) this.#pending.set(key, [entry]);
    else list.push(entry);
  }

  /** Takes the oldest entry of `dna` that awaits feedback, or `undefined` when none does. */
  settle(dna: DNA): E | undefined {
    const key = dnaKey(dna);
    const list = this.#pending.get(key);
    const entry = list?.shift();
    if (list !== undefined && list.length === 0) this.#pending.delete(key);
    return entry;
  }

  /** Whether `dna` was proposed or told before (always `false` when duplicates are not tracked). */
  hasSeen(dna: DNA): boolean {
    return this.seen !== undefined && this.seen.has(dnaKey(dna));
  }
}

/**
 * @internal Replays a stored history through `algorithm` as `replayHistory` does, proposing once
 * per entry, except that a stored DNA which differs from the one proposed again (a history from
 * another algorithm or seed, or trials that ended out of order) replaces it: the proposal is
 * abandoned, a still-running stored trial is handed to `adoptRunning` (so its feedback finds a
 * pending entry), and an abandoned stored trial abandons nothing else. No phantom proposal stays
 * pending.
 */
export function replayProposals(algorithm: Algorithm, history: readonly HistoryEntry[], adoptRunning?: (dna: DNA) => void): void {
  for (const entry of history) {
    const proposed = algorithm.propose();
    const same = proposed !== undefined && dnaKey(proposed) === dnaKey(entry.dna);
    if (proposed !== undefined && !same) {
      algorithm.abandon?.(proposed);
      if (entry.reward === undefined && entry.state === 'running') adoptRunning?.(entry.dna);
    }
    if (entry.reward !== undefined) algorithm.feedback(entry.dna, entry.reward, entry.outcome);
    else if (entry.state !== 'running' && same) algorithm.abandon?.(entry.dna);
  }
}
