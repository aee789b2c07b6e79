import { PliantError } from './errors.js';

/**
 * Thrown by an objective to say its trial should end as pruned (early-stopped): `search` then
 * calls `feedback.prune()`, and the trial keeps its intermediate values. A {@link PliantError}
 * with the code `pruned`.
 *
 * ```ts
 * await search(space, async (model, trial) => {
 *   for (let epoch = 1; epoch <= 20; epoch++) {
 *     await trial.report(await trainOneEpoch(model), { step: epoch });
 *     if (trial.shouldStop()) throw new Pruned();
 *   }
 *   return evaluate(model);
 * }, { numTrials: 50, earlyStopping: asha() });
 * ```
 */
export class Pruned extends PliantError {
  /** @param message - Why (default `pruned by early stopping`); the message reads `trial: <message>`. */
  constructor(message = 'pruned by early stopping') {
    super('trial', 'pruned', message);
    this.name = 'Pruned';
  }
}

/** Whether a thrown value asks for pruning: a {@link Pruned}, or any error named `Pruned` (one rebuilt from another thread or process). */
export function isPruned(error: unknown): boolean {
  return error instanceof Pruned || (error instanceof Error && error.name === 'Pruned');
}
