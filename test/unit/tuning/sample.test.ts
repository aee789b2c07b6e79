import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DNA, PliantError, floatv, intv, journalStorage, memoryStorage, oneOf, random, sample, search, trace } from '../../../src/index.js';

const space = { x: floatv(-5, 5), k: intv(1, 4), act: oneOf(['relu', 'gelu']) };
const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'pliant-sample-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('sample', () => {
  it('yields materialized candidates with feedback and records them', async () => {
    const storage = memoryStorage();
    const seen: unknown[] = [];
    for await (const [candidate, feedback] of sample(space, random({ seed: 1 }), { numTrials: 5, storage, study: 's' })) {
      seen.push(candidate);
      await feedback.report(0.5, { step: 1 });
      await feedback.done(candidate.k);
      expect(feedback.ended).toBe(true);
      await expect(feedback.done(1)).rejects.toThrow(PliantError);
    }
    expect(seen).toHaveLength(5);
    const journal = await storage.open('s');
    expect(journal.events.filter((e) => e.type === 'trial')).toHaveLength(5);
    expect(journal.events.filter((e) => e.type === 'done')).toHaveLength(5);
    expect(journal.events.filter((e) => e.type === 'report')).toHaveLength(5);
  });

  it('abandons a trial the loop moves past, with a warning, and never yields it again', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const ids = new Set<string>();
    let n = 0;
    for await (const [, feedback] of sample(space, random({ seed: 2 }), { numTrials: 4 })) {
      ids.add(feedback.id);
      if (n++ % 2 === 0) await feedback.done(1);
    }
    expect(ids.size).toBe(4);
    expect(warn).toHaveBeenCalledTimes(2);
    warn.mockRestore();
  });

  it('works with traced spaces', async () => {
    const traced = trace((h) => ({ lr: h.floatv(1e-3, 1, { scale: 'log', name: 'lr' }), opt: h.oneOf(['sgd', 'adam']) }));
    const result = await search(traced, (c) => -Math.abs(Math.log10(c.lr) + 1), { numTrials: 20, seed: 3 });
    expect(result.completed).toHaveLength(20);
    expect(result.trials[0]?.candidate).toMatchObject({ _1: expect.any(String) });
  });
});

describe('search', () => {
  it('records failures and goes on; best follows the direction', async () => {
    const result = await search(
      space,
      (c) => {
        if (c.k === 4) throw new RangeError('k too big');
        return c.x * c.x;
      },
      { numTrials: 30, seed: 4, direction: 'minimize' },
    );
    expect(result.trials).toHaveLength(30);
    const failed = result.trials.filter((t) => t.state === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0]?.error).toBe('RangeError: k too big');
    const values = result.completed.map((t) => result.objective(t));
    expect(result.objective(result.best as never)).toBe(Math.min(...values));
    expect(result.best?.dna).toBeInstanceOf(DNA);
  });

  it('optimises a metric of a record', async () => {
    const result = await search(space, (c) => ({ accuracy: -c.x * c.x, latency: c.k }), { numTrials: 10, seed: 5, metric: 'accuracy' });
    expect(result.objective(result.best as never)).toBe(Math.max(...result.completed.map((t) => (t.value as { accuracy: number }).accuracy)));
    // A record without a way to tell the objective fails its trial (invalid), and the search goes on.
    const unclear = await search(space, () => ({ a: 1, b: 2 }), { numTrials: 2 });
    expect(unclear.trials.map((t) => [t.state, t.failure])).toEqual([
      ['failed', 'invalid'],
      ['failed', 'invalid'],
    ]);
    expect(unclear.trials[0]?.error).toMatch(/pass \{metric: name\}/);
    await expect(search(space, () => ({ a: 1, b: 2 }), { numTrials: 1, strict: true })).rejects.toThrow(/strict.*pass \{metric: name\}/);
  });

  it('is reproducible with a seed', async () => {
    const run = async (): Promise<string[]> => (await search(space, (c) => c.x, { numTrials: 15, seed: 9 })).trials.map((t) => t.dna.toString());
    expect(await run()).toEqual(await run());
  });
});

describe('resumable studies', () => {
  it('resumes a named study: kept trials, the same proposals as an uninterrupted run', async () => {
    const dir = tempDir();
    const storage = journalStorage(dir);
    const objective = (c: { x: number }): number => -c.x * c.x;
    const full = await search(space, objective, { numTrials: 20, seed: 7, storage: journalStorage(tempDir()), study: 'full' });
    const first = await search(space, objective, { numTrials: 8, seed: 7, storage, study: 'resumed' });
    expect(first.trials).toHaveLength(8);
    const resumed = await search(space, objective, { numTrials: 20, seed: 7, storage: journalStorage(dir), study: 'resumed' });
    expect(resumed.trials).toHaveLength(20);
    expect(resumed.trials.slice(0, 8).map((t) => t.id)).toEqual(first.trials.map((t) => t.id));
    expect(resumed.trials.map((t) => t.dna.toString())).toEqual(full.trials.map((t) => t.dna.toString()));
  });

  it('evaluates a trial a dead process left running again first, without charging the budget twice', async () => {
    const storage = memoryStorage();
    const journal = await storage.open('dead');
    await journal.append({ type: 'trial', id: 'ghost', dna: 1, candidate: { a: 2 }, time: 1, owner: `${hostname()}:999999999` });
    await journal.append({ type: 'report', id: 'ghost', value: 0.5, time: 2 });
    const seen: number[] = [];
    const result = await search(
      { a: oneOf([1, 2]) },
      (c) => {
        seen.push(c.a);
        return c.a;
      },
      { numTrials: 2, storage, study: 'dead' },
    );
    expect(seen[0]).toBe(2); // the ghost's candidate, first
    expect(result.trials).toHaveLength(2);
    expect(result.trials[0]).toMatchObject({ id: 'ghost', state: 'completed', value: 2, reports: [] });
    expect(result.trials[0]?.owner).toBe(`${hostname()}:${process.pid}`);
    const events = (await storage.open('dead')).events;
    expect(events.filter((e) => e.type === 'claim')).toEqual([expect.objectContaining({ id: 'ghost', from: `${hostname()}:999999999` })]);
  });

  it('fails a trial whose process died on it every time, instead of starting it again', async () => {
    const storage = memoryStorage();
    const journal = await storage.open('cursed');
    await journal.append({ type: 'trial', id: 'ghost', dna: 1, candidate: { a: 2 }, time: 1, owner: `${hostname()}:999999990` });
    for (let i = 1; i < 5; i++)
      await journal.append({ type: 'claim', id: 'ghost', owner: `${hostname()}:99999999${i}`, from: `${hostname()}:99999999${i - 1}`, time: 1 });
    const result = await search({ a: oneOf([1, 2]) }, (c) => c.a, { numTrials: 2, storage, study: 'cursed' });
    expect(result.trials[0]).toMatchObject({ id: 'ghost', state: 'failed', failure: 'crashed' });
    expect(result.trials[0]?.error).toMatch(/died each of the 5 times/);
    expect(result.trials[1]?.state).toBe('completed');
  });
});

describe('feedback checks', () => {
  it('rejects measurements that cannot be recorded', async () => {
    for await (const [, feedback] of sample({ a: oneOf([1]) }, random(), { numTrials: 1 })) {
      await expect(feedback.report(Number.NaN)).rejects.toThrow(/finite/);
      await expect(feedback.done(Infinity)).rejects.toThrow(/feedback.fail/);
      await expect(feedback.done({ acc: Number.NaN })).rejects.toThrow(/metric 'acc'/);
      await expect(feedback.report(1, { metrics: { x: Infinity } })).rejects.toThrow(/metric 'x'/);
      await feedback.fail(new Error('diverged'));
      expect(feedback.trial.state).toBe('failed');
    }
  });
});
