/**
 * Thrown by an objective to say its trial should end as pruned (early-stopped): `search` then
 * calls `feedback.prune()`, and the trial keeps its intermediate values.
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
export class Pruned extends Error {
  constructor(message = 'pruned by early stopping') {
    super(message);
    this.name = 'Pruned';
  }
}
