/**
 * Step budgets (`stepBudget`: the steps a study's trials report, summed) and time budgets on
 * `sample` and `search`: real searches with objectives that report steps, pruned and unpruned,
 * inline and on worker threads, several searches sharing one study, and resumed studies.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DNA,
  PliantError,
  Pruned,
  asha,
  floatv,
  hyperband,
  intv,
  journalStorage,
  loadStudy,
  memoryStorage,
  oneOf,
  random,
  sample,
  search,
  threadExecutor,
} from '../../../src/index.js';
import type { Storage, TrialFeedback } from '../../../src/index.js';
import { whenPredictive } from '../../../src/algorithms/early-stopping/when-predictive.js';
import { TrialStates } from '../../../src/tuning/trial-states.js';
import { bullmqExecutor } from '../../../src/executors/bullmq-executor.js';
import { startQueueWorker } from '../../../src/executors/queue-worker.js';
import { startRedis } from '../../support/redis-server.js';

const work = mkdtempSync(join(tmpdir(), 'pliant-budgets-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let serial = 0;
const dir = (): string => join(work, `study-${serial++}`);

/** A space whose candidates train for 1..12 epochs. */
const space = { x: floatv(0, 1), epochs: intv(1, 12) };

/** Reports epochs 1..c.epochs (value rising to c.x), then returns c.x. */
async function train(c: { x: number; epochs: number }, trial: TrialFeedback): Promise<number> {
  for (let epoch = 1; epoch <= c.epochs; epoch++) await trial.report((c.x * epoch) / c.epochs, { step: epoch });
  return c.x;
}

interface Spent {
  readonly trials: readonly { readonly reports: readonly { readonly step?: number | undefined }[] }[];
}

/** The steps each trial of a study spent: its largest reported step (0 without reports). */
const stepsOf = (study: Spent): number[] => study.trials.map((t) => Math.max(0, ...t.reports.map((r, i) => r.step ?? i + 1)));
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

/** Checks that a study stopped at its step budget: spent ≥ budget, and before the last `last` trials it had not reached it. */
function expectStoppedAt(steps: readonly number[], budget: number, last = 1): void {
  const spent = sum(steps);
  expect(spent).toBeGreaterThanOrEqual(budget);
  expect(sum(steps.slice(0, steps.length - last))).toBeLessThan(budget);
}

describe('stepBudget', () => {
  it('search stops proposing once the trials have spent the budget: at it or just past it', async () => {
    for (const budget of [1, 40, 97]) {
      const result = await search(space, train, { stepBudget: budget, algorithm: random({ seed: budget }) });
      const steps = stepsOf(result);
      expectStoppedAt(steps, budget);
      expect(steps.every((s, i) => s === (result.trials[i]?.candidate as { epochs: number }).epochs)).toBe(true);
      expect(result.trials.every((t) => t.state === 'completed')).toBe(true);
    }
  });

  it('is the first rule reached, with numTrials', async () => {
    const byTrials = await search(space, train, { stepBudget: 1000, numTrials: 5, seed: 2 });
    expect(byTrials.trials).toHaveLength(5);
    const bySteps = await search(space, train, { stepBudget: 20, numTrials: 1000, seed: 2 });
    expect(bySteps.trials.length).toBeLessThan(1000);
    expectStoppedAt(stepsOf(bySteps), 20);
  });

  it('counts pruned trials’ steps up to the prune, so pruning buys more trials in the same budget', async () => {
    // 30 epochs per trial; the value at every epoch ranks the trials as their final values.
    const long = { x: floatv(0, 1) };
    const curve = async (c: { x: number }, trial: TrialFeedback): Promise<number> => {
      for (let epoch = 1; epoch <= 30; epoch++) {
        await trial.report(c.x * (epoch / 30), { step: epoch });
        if (epoch < 30 && trial.shouldStop()) throw new Pruned();
      }
      return c.x;
    };
    const budget = 600;
    const plain = await search(long, curve, { stepBudget: budget, direction: 'maximize', algorithm: random({ seed: 4 }) });
    const pruned = await search(long, curve, {
      stepBudget: budget,
      direction: 'maximize',
      algorithm: random({ seed: 4 }),
      earlyStopping: asha({ minResource: 1, reductionFactor: 3, maxResource: 30 }),
    });
    expect(plain.trials).toHaveLength(budget / 30);
    expectStoppedAt(stepsOf(plain), budget);
    expectStoppedAt(stepsOf(pruned), budget);
    const prunedTrials = pruned.trials.filter((t) => t.state === 'pruned');
    expect(prunedTrials.length).toBeGreaterThan(0);
    for (const t of prunedTrials) expect(stepsOf({ trials: [t] })[0]).toBeLessThan(30);
    expect(pruned.trials.length).toBeGreaterThan(plain.trials.length);
  });

  it('counts a report without a step at its position, and a trial by its largest step', async () => {
    const unstepped = async (c: { epochs: number }, trial: TrialFeedback): Promise<number> => {
      for (let i = 0; i < c.epochs; i++) await trial.report(i);
      return c.epochs;
    };
    const a = await search({ epochs: intv(1, 6) }, unstepped, { stepBudget: 25, seed: 3 });
    expectStoppedAt(
      a.trials.map((t) => (t.candidate as { epochs: number }).epochs),
      25,
    );
    // steps 10, 20, 30: the trial spent 30, not 3
    const tens = async (_c: unknown, trial: TrialFeedback): Promise<number> => {
      for (const step of [10, 20, 30]) await trial.report(step, { step });
      return 1;
    };
    expect((await search({ x: floatv(0, 1) }, tens, { stepBudget: 61, seed: 3 })).trials).toHaveLength(3);
    expect((await search({ x: floatv(0, 1) }, tens, { stepBudget: 60, seed: 3 })).trials).toHaveLength(2);
  });

  it('bounds sample too, and a trial that reports nothing spends nothing', async () => {
    const seen: number[] = [];
    for await (const [c, feedback] of sample(space, random({ seed: 9 }), { stepBudget: 30 })) {
      seen.push(c.epochs);
      for (let epoch = 1; epoch <= c.epochs; epoch++) await feedback.report(c.x, { step: epoch });
      await feedback.done(c.x);
    }
    expectStoppedAt(seen, 30);
    // without reports, steps stay at 0: numTrials is what stops it
    const quiet = await search(space, (c) => c.x, { stepBudget: 1, numTrials: 7, seed: 1 });
    expect(quiet.trials).toHaveLength(7);
  });

  it('is the study’s: two searches sharing a study count each other’s steps and stop together', async () => {
    const path = dir();
    const budget = 120;
    const ran: [number, number] = [0, 0];
    const slow =
      (who: 0 | 1) =>
      async (c: { x: number; epochs: number }, trial: TrialFeedback): Promise<number> => {
        ran[who]++;
        for (let epoch = 1; epoch <= c.epochs; epoch++) {
          await new Promise((resolve) => setTimeout(resolve, 1));
          await trial.report(c.x, { step: epoch });
        }
        return c.x;
      };
    // Two controllers, each with its own storage handle on one journal file, as two processes have.
    const run = (who: 0 | 1) => search(space, slow(who), { stepBudget: budget, storage: journalStorage(path), study: 'shared', seed: who + 1 });
    const [a, b] = await Promise.all([run(0), run(1)]);
    const study = await loadStudy('shared', { storage: journalStorage(path) });
    const steps = stepsOf(study);
    // Both ran trials, and both stopped at the study's budget: past it by less than the trials in
    // flight when it was reached (one per search). Which trials those were depends on timing (a
    // long trial of one search may end after shorter later ones of the other), so the bound is
    // the two longest trials, not the last two by number.
    expect(ran[0]).toBeGreaterThan(0);
    expect(ran[1]).toBeGreaterThan(0);
    expect(ran[0] + ran[1]).toBe(study.trials.length);
    const spent = sum(steps);
    const longest = [...steps].sort((x, y) => y - x);
    expect(spent).toBeGreaterThanOrEqual(budget);
    expect(spent).toBeLessThan(budget + (longest[0] ?? 0) + (longest[1] ?? 0));
    expect(a.trials.length).toBe(study.trials.length);
    expect(b.trials.length).toBe(study.trials.length);
  });

  it('a resumed study counts the steps recorded before: a spent budget proposes nothing, a larger one goes on', async () => {
    const storage = journalStorage(dir());
    const first = await search(space, train, { stepBudget: 50, storage, study: 'r', seed: 5 });
    expectStoppedAt(stepsOf(first), 50);
    const again = await search(space, train, { stepBudget: 50, storage, study: 'r', seed: 5 });
    expect(again.trials).toHaveLength(first.trials.length);
    const more = await search(space, train, { stepBudget: 100, storage, study: 'r', seed: 5 });
    expect(more.trials.slice(0, first.trials.length).map((t) => t.id)).toEqual(first.trials.map((t) => t.id));
    expectStoppedAt(stepsOf(more), 100);
    // the same trials as one uninterrupted search of 100 steps
    const straight = await search(space, train, { stepBudget: 100, seed: 5 });
    expect(more.trials.map((t) => t.dna.toString())).toEqual(straight.trials.map((t) => t.dna.toString()));
  });

  it('a trial a dead process left running counts only the steps of its new evaluation', async () => {
    const storage: Storage = memoryStorage();
    const journal = await storage.open('ghost');
    await journal.append({ type: 'trial', id: 'lost', dna: [0.5, 4], candidate: { x: 0.5, epochs: 4 }, time: 1, owner: `${hostname()}:999999999` });
    for (const step of [1, 2, 3]) await journal.append({ type: 'report', id: 'lost', value: 0.1, step, time: 2 });
    await journal.close();
    // The ghost's 3 steps are not counted: its new evaluation spends 4, so a budget of 5 runs one more trial.
    const result = await search(space, train, { stepBudget: 5, storage, study: 'ghost', seed: 1 });
    expect(result.trials[0]).toMatchObject({ id: 'lost', state: 'completed' });
    expect(result.trials[0]?.reports.map((r) => r.step)).toEqual([1, 2, 3, 4]);
    expect(result.trials.length).toBeGreaterThanOrEqual(2); // with the ghost's 3 old steps counted, 4 + 3 ≥ 5 would have stopped it
    expectStoppedAt(stepsOf(result), 5);
  });

  it('works on worker threads: the reports come back to the controller, which counts them', async () => {
    const module = new URL('../../fixtures/search/objectives.ts', import.meta.url);
    // The fixture reports steps 1, 2, 3 (x in [0.1, 0.8]: no failures).
    const result = await search(
      { x: floatv(0.1, 0.8), act: oneOf(['relu', 'gelu']) },
      { module },
      { stepBudget: 20, seed: 2, metric: 'value', executor: threadExecutor({ size: 2 }) },
    );
    const steps = stepsOf(result);
    expect(steps.every((s) => s === 3)).toBe(true);
    expectStoppedAt(steps, 20, 2);
  }, 30_000);

  it('works on BullMQ workers (a real Redis): the reports travel back to the controller, which counts them', async () => {
    const redis = await startRedis();
    const queue = `budgets-${process.pid}`;
    const objective = { module: new URL('../../fixtures/search/objectives.ts', import.meta.url), export: 'objective' };
    const worker = await startQueueWorker({ connection: redis.url, queue, objective, concurrency: 2 });
    try {
      const result = await search({ x: floatv(0.1, 0.8), act: oneOf(['relu', 'gelu']) }, objective, {
        stepBudget: 14,
        seed: 4,
        metric: 'value',
        executor: bullmqExecutor({ connection: redis.url, queue, pollInterval: 100 }),
        concurrency: 2,
      });
      const steps = stepsOf(result);
      expect(steps.every((s) => s === 3)).toBe(true);
      expectStoppedAt(steps, 14, 2);
    } finally {
      await worker.close();
      await redis.dispose();
    }
  }, 60_000);

  it('rejects a bad budget with a PliantError naming the API and the option', async () => {
    for (const bad of [0, -3, Number.NaN, '10' as unknown as number]) {
      await expect(search(space, train, { stepBudget: bad })).rejects.toThrow(/^search: stepBudget must be a positive number of steps/);
      const it = sample(space, random({ seed: 1 }), { stepBudget: bad });
      await expect(it.next()).rejects.toThrow(/^sample: stepBudget must be a positive number of steps/);
    }
    await expect(search(space, train, { timeBudget: -1 })).rejects.toThrow(/^search: timeBudget must be a positive number of milliseconds/);
    await expect(search(space, train, {})).rejects.toThrow(/^search: a search needs a stopping rule: numTrials .* stepBudget .* timeBudget/);
    await expect(search(space, train, { stepBudjet: 5 } as never)).rejects.toThrow(PliantError);
  });
});

describe('timeBudget', () => {
  it('stops a search and a sample on time alone', async () => {
    const result = await search(space, train, { timeBudget: 30, seed: 1 });
    expect(result.trials.length).toBeGreaterThan(0);
    let n = 0;
    for await (const [c, feedback] of sample(space, random({ seed: 1 }), { timeBudget: 30 })) {
      n++;
      await feedback.done(c.x);
    }
    expect(n).toBeGreaterThan(0);
  });
});

describe('TrialStates.steps', () => {
  const event = (type: string, rest: Record<string, unknown>) => ({ type, time: 1, ...rest }) as never;
  it('sums each trial’s largest step, resets a claimed trial, and drops a withdrawn one', () => {
    const s = new TrialStates();
    s.apply(event('trial', { id: 'a', dna: 1, candidate: 1, owner: 'o' }), DNA.of(1));
    s.apply(event('trial', { id: 'b', dna: 2, candidate: 2, owner: 'o' }), DNA.of(2));
    s.apply(event('report', { id: 'a', value: 1, step: 5 }));
    s.apply(event('report', { id: 'a', value: 1, step: 3 })); // not past 5
    s.apply(event('report', { id: 'b', value: 1 })); // position 1
    s.apply(event('report', { id: 'b', value: 1 })); // position 2
    expect(s.steps).toBe(7);
    s.apply(event('report', { id: 'b', value: 1, step: -4 }));
    expect(s.steps).toBe(7);
    s.apply(event('prune', { id: 'a' }));
    expect(s.steps).toBe(7); // pruned trials keep their steps
    s.apply(event('claim', { id: 'b', owner: 'p', from: 'o' }));
    expect(s.steps).toBe(5);
    s.apply(event('report', { id: 'b', value: 1, step: 2.5 }));
    expect(s.steps).toBe(7.5);
    s.apply(event('withdraw', { id: 'b', reason: 'x' }));
    expect(s.steps).toBe(5);
    s.apply(event('report', { id: 'a', value: 1, step: 50 })); // late: skipped
    expect(s.steps).toBe(5);
  });
});

describe('policies in a search', () => {
  /** Epochs 1..20 whose value at each epoch ranks candidates as the final one does (`predictive`) or backwards. */
  const curves =
    (predictive: boolean) =>
    async (c: { x: number }, trial: TrialFeedback): Promise<number> => {
      for (let epoch = 1; epoch <= 20; epoch++) {
        const early = predictive ? c.x : 1 - c.x;
        await trial.report(epoch === 20 ? c.x : (early * epoch) / 40, { step: epoch });
        if (epoch < 20 && trial.shouldStop()) throw new Pruned();
      }
      return c.x;
    };
  const policy = () => whenPredictive(asha({ minResource: 1, reductionFactor: 3, maxResource: 20 }), { minTrials: 5, minCorrelation: 0.8 });

  it('whenPredictive prunes where early values rank trials as their final values, and never where they rank them backwards', async () => {
    const options = { stepBudget: 1000, direction: 'maximize' as const, algorithm: random({ seed: 6 }) };
    const good = await search({ x: floatv(0, 1) }, curves(true), { ...options, earlyStopping: policy() });
    expect(good.trials.filter((t) => t.state === 'pruned').length).toBeGreaterThan(good.trials.length / 2);
    expect(good.trials.length).toBeGreaterThan(1000 / 20);
    const bad = await search({ x: floatv(0, 1) }, curves(false), { ...options, algorithm: random({ seed: 6 }), earlyStopping: policy() });
    expect(bad.trials.filter((t) => t.state === 'pruned')).toHaveLength(0);
    expect(bad.trials).toHaveLength(1000 / 20);
    // asha alone cuts the best trials there
    const blind = await search({ x: floatv(0, 1) }, curves(false), {
      ...options,
      algorithm: random({ seed: 6 }),
      earlyStopping: asha({ minResource: 1, reductionFactor: 3, maxResource: 20 }),
    });
    expect(blind.trials.filter((t) => t.state === 'pruned').length).toBeGreaterThan(0);
    expect(blind.best?.value as number).toBeLessThan(bad.best?.value as number);
  });

  it('hyperband’s brackets follow the search’s seed unless given one: the same study as with that seed given', async () => {
    const run = (seed: number, policySeed?: number) =>
      search({ x: floatv(0, 1) }, curves(true), {
        numTrials: 40,
        direction: 'maximize',
        seed,
        algorithm: random({ seed: 1 }),
        earlyStopping: hyperband({ minResource: 1, maxResource: 20, ...(policySeed === undefined ? {} : { seed: policySeed }) }),
      });
    const shape = (r: Awaited<ReturnType<typeof run>>) => r.trials.map((t) => [t.state, t.reports.length]);
    expect(shape(await run(7))).toEqual(shape(await run(0, 7)));
    expect(shape(await run(7, 3))).toEqual(shape(await run(0, 3)));
    expect(shape(await run(7))).not.toEqual(shape(await run(8)));
  });
});
