import type { DNA } from '../geno/dna.js';

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
