/**
 * The same search behaviour on every storage (memory, a journal file, Redis): a resumed seeded
 * search is the uninterrupted one, failed and pruned trials are recorded and recovered, a trial a
 * dead process left running is evaluated again first, and two searches on one study share its
 * budget.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Pruned,
  floatv,
  intv,
  journalStorage,
  loadStudy,
  medianStopping,
  memoryStorage,
  redisStorage,
  regularizedEvolution,
  search,
} from '../../../src/index.js';
import type { Storage, TrialFeedback } from '../../../src/index.js';
import { startRedis } from '../../support/redis-server.js';
import type { RedisServer } from '../../support/redis-server.js';

const work = mkdtempSync(join(tmpdir(), 'pliant-search-contract-'));
let redis: RedisServer;
let serial = 0;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.dispose();
  rmSync(work, { recursive: true, force: true });
});

const space = { x: floatv(0, 1), k: intv(0, 4) };

/** Diverges on k = 4, is pruned on k = 3 after two reports, else completes. */
async function objective(c: { x: number; k: number }, trial: TrialFeedback): Promise<number> {
  if (c.k === 4) return Number.NaN;
  await trial.report(c.x / 2, { step: 1 });
  if (c.k === 3) {
    await trial.report(c.x / 3, { step: 2 });
    throw new Pruned();
  }
  return c.x + c.k;
}

const evolution = () => regularizedEvolution({ populationSize: 6, tournamentSize: 3, seed: 5 });
const shape = (trials: readonly { candidate: unknown; state: string; value: unknown; failure?: string | undefined; reports: readonly unknown[] }[]) =>
  trials.map((t) => [t.candidate, t.state, t.value, t.failure, t.reports.length]);

describe.each([
  ['memory', (): Storage => memoryStorage()],
  ['a journal file', (): Storage => journalStorage(join(work, `file-${serial++}`))],
  ['Redis', (): Storage => redisStorage({ url: redis.url, prefix: `contract-${serial++}` })],
])('search on %s', (_, make) => {
  it('records failed and pruned trials, and a resumed seeded search is the uninterrupted one', async () => {
    const storage = make();
    const first = await search(space, objective, { numTrials: 10, storage, study: 's', algorithm: evolution() });
    expect(first.trials.some((t) => t.state === 'failed' && t.failure === 'diverged')).toBe(true);
    expect(first.trials.some((t) => t.state === 'pruned')).toBe(true);
    const resumed = await search(space, objective, { numTrials: 24, storage, study: 's', algorithm: evolution() });
    const straight = await search(space, objective, { numTrials: 24, algorithm: evolution() });
    expect(shape(resumed.trials)).toEqual(shape(straight.trials));
    expect(shape((await loadStudy('s', { storage })).trials)).toEqual(shape(straight.trials));
  });

  it('evaluates a trial a dead process left running again first, from its first step', async () => {
    const storage = make();
    const journal = await storage.open('orphan');
    await journal.append({ type: 'trial', id: 'lost', dna: [0.25, 1], candidate: { x: 0.25, k: 1 }, time: 1, owner: `${hostname()}:999999999` });
    await journal.append({ type: 'report', id: 'lost', value: 0.9, step: 1, time: 2 });
    await journal.close();
    const result = await search(space, objective, { numTrials: 3, storage, study: 'orphan', earlyStopping: medianStopping() });
    expect(result.trials).toHaveLength(3);
    expect(result.trials[0]).toMatchObject({ id: 'lost', state: 'completed', value: 1.25 });
    expect(result.trials[0]?.reports.map((r) => r.value)).toEqual([0.125]);
  });

  it('two searches on one study at once stop together at its budget', async () => {
    const storage = make();
    const run = () =>
      search(
        space,
        async (c) => {
          await new Promise((r) => setTimeout(r, 2));
          return c.x;
        },
        { numTrials: 16, storage, study: 'pair', seed: 1 },
      );
    await Promise.all([run(), run()]);
    const study = await loadStudy('pair', { storage });
    expect(study.trials).toHaveLength(16);
    expect(study.completed).toHaveLength(16);
  });
});
