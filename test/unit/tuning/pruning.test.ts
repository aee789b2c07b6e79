import { describe, expect, it } from 'vitest';
import { PliantError, Pruned, earlyStopping, floatv, memoryStorage, oneOf, random, sample, search } from '../../../src/index.js';
import type { Algorithm, HistoryEntry, Outcome, TrialFeedback } from '../../../src/index.js';

const space = { x: floatv(0, 1), act: oneOf(['relu', 'gelu']) };

/** Random search that records what it is told. */
function recording(
  seed: number,
): Algorithm & { told: { reward: number; outcome: Outcome | undefined }[]; abandoned: number; history: readonly HistoryEntry[] } {
  const inner = random({ seed });
  const algorithm = {
    name: 'recording',
    told: [] as { reward: number; outcome: Outcome | undefined }[],
    abandoned: 0,
    history: [] as readonly HistoryEntry[],
    setup: inner.setup.bind(inner),
    propose: inner.propose.bind(inner),
    feedback(dna: Parameters<Algorithm['feedback']>[0], reward: number, outcome?: Outcome) {
      algorithm.told.push({ reward, outcome });
    },
    abandon() {
      algorithm.abandoned++;
    },
    recover(history: readonly HistoryEntry[]) {
      algorithm.history = history;
      inner.recover(history);
    },
  };
  return algorithm;
}

/** Stops a trial whose latest reward is below its threshold. */
const below = (threshold: number) => earlyStopping(`below(${threshold})`, (t) => (t.rewards[t.rewards.length - 1] ?? Infinity) < threshold);

describe('early stopping in the loop', () => {
  it('shouldStop consults the policy on rewards; prune keeps the reports and tells the algorithm', async () => {
    const storage = memoryStorage();
    const algorithm = recording(1);
    let pruned = 0;
    for await (const [c, feedback] of sample(space, algorithm, { numTrials: 12, storage, study: 's', direction: 'minimize', earlyStopping: below(-0.5) })) {
      expect(feedback.shouldStop()).toBe(false); // nothing reported yet
      let stopped = false;
      for (let step = 1; step <= 3; step++) {
        await feedback.report(c.x * step, { step: step * 10 });
        if (feedback.shouldStop()) {
          await feedback.prune();
          pruned++;
          stopped = true;
          break;
        }
      }
      if (!stopped) await feedback.done(c.x);
      expect(feedback.ended).toBe(true);
      await expect(feedback.prune()).rejects.toThrow(PliantError);
    }
    expect(pruned).toBeGreaterThan(0);
    const journal = await storage.open('s');
    const pruneEvents = journal.events.filter((e) => e.type === 'prune');
    expect(pruneEvents).toHaveLength(pruned);
    // every pruned trial keeps its intermediate values
    for (const e of pruneEvents) expect(journal.events.filter((r) => r.type === 'report' && r.id === e.id).length).toBeGreaterThan(0);
    const prunedTold = algorithm.told.filter((t) => t.outcome?.pruned !== undefined);
    expect(prunedTold).toHaveLength(pruned);
    // minimised: the reward is the negated last report, and the step is the reported one
    for (const t of prunedTold) {
      expect(t.reward).toBeLessThan(-0.5);
      expect([10, 20, 30]).toContain(t.outcome?.pruned?.step);
    }
    expect(algorithm.told).toHaveLength(12);
  });

  it('search prunes a trial whose objective throws Pruned, and resume tells the algorithm', async () => {
    const storage = memoryStorage();
    const objective = async (c: { x: number }, trial: TrialFeedback) => {
      await trial.report(c.x);
      if (trial.shouldStop()) throw new Pruned();
      return c.x;
    };
    const result = await search(space, objective, { numTrials: 10, storage, study: 'p', seed: 4, earlyStopping: below(0.5) });
    const prunedTrials = result.trials.filter((t) => t.state === 'pruned');
    expect(prunedTrials.length).toBeGreaterThan(0);
    for (const t of prunedTrials) {
      expect(t.value).toBe(t.reports[t.reports.length - 1]?.value);
      expect(t.value as number).toBeLessThan(0.5);
    }
    expect(result.completed.length + prunedTrials.length).toBe(10);
    expect(result.completed.every((t) => (t.value as number) >= 0.5)).toBe(true);
    // resume: the recovered history carries the pruned outcomes
    const algorithm = recording(4);
    await search(space, objective, { numTrials: 10, storage, study: 'p', algorithm, earlyStopping: below(0.5) });
    expect(algorithm.history.filter((h) => h.outcome?.pruned?.step === 1)).toHaveLength(prunedTrials.length);
  });

  it('an objective may end its trial itself; other errors still fail the trial', async () => {
    const result = await search(
      space,
      async (c, trial) => {
        if (c.x < 0.3) {
          await trial.report(c.x);
          await trial.prune();
          return undefined;
        }
        if (c.x > 0.8) throw new Error('diverged');
        await trial.done({ objective: c.x });
        return undefined;
      },
      { numTrials: 20, seed: 5 },
    );
    const states = new Set(result.trials.map((t) => t.state));
    expect(states).toEqual(new Set(['pruned', 'failed', 'completed']));
    expect(result.trials.filter((t) => t.state === 'failed').every((t) => t.error === 'Error: diverged')).toBe(true);
  });

  it('without a policy shouldStop is false; with one, reports must carry the objective', async () => {
    for await (const [, feedback] of sample(space, random({ seed: 1 }), { numTrials: 1 })) {
      await feedback.report(1);
      expect(feedback.shouldStop()).toBe(false);
      await feedback.done();
    }
    for await (const [, feedback] of sample(space, random({ seed: 1 }), { numTrials: 1, metric: 'acc', earlyStopping: below(0) })) {
      await expect(feedback.report({ loss: 1 })).rejects.toThrow(/no metric 'acc'/);
      await feedback.report({ acc: 1 });
      expect(feedback.trial.reports).toHaveLength(1);
      await feedback.done();
    }
  });

  it('rejects a bad policy and early stopping with several objectives', async () => {
    const run = async (options: Parameters<typeof sample>[2]) => {
      for await (const [, f] of sample(space, random({ seed: 1 }), options)) await f.done({ a: 1, b: 2 });
    };
    await expect(run({ numTrials: 1, earlyStopping: {} as never })).rejects.toThrow(/early-stopping policy/);
    await expect(run({ numTrials: 1, metric: ['a', 'b'], earlyStopping: below(0) })).rejects.toThrow(/one objective/);
  });
});
