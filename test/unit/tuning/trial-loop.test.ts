/**
 * What an algorithm is told on resume: history entries that read like plain objects (their DNA is
 * built when read, but an entry spreads and serialises with it), and only the trials that fit the
 * search (a study recorded with another space, corrupt events).
 */
import { hostname } from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DNA, floatv, inlineExecutor, intv, memoryStorage, oneOf, random, regularizedEvolution, search, tpe } from '../../../src/index.js';
import type { Algorithm, Executor, HistoryEntry } from '../../../src/index.js';

describe('the history a resumed search gives its algorithm', () => {
  it('spreads with its DNA, so an algorithm that wraps another can copy entries', async () => {
    const storage = memoryStorage();
    const space = { x: floatv(0, 1), k: intv(0, 4) };
    const objective = (c: { x: number; k: number }): number => {
      if (c.k === 4) throw new Error('k = 4 fails');
      return c.x + c.k;
    };
    await search(space, objective, { numTrials: 6, algorithm: regularizedEvolution({ populationSize: 3, tournamentSize: 2, seed: 1 }), storage, study: 's' });

    const copies: HistoryEntry[] = [];
    const inner = regularizedEvolution({ populationSize: 3, tournamentSize: 2, seed: 1 });
    const wrapper: Algorithm = {
      name: 'wrapper',
      setup: (spec, context) => inner.setup(spec, context),
      propose: () => inner.propose(),
      feedback: (dna, reward, outcome) => inner.feedback(dna, reward, outcome),
      recover(history) {
        copies.push(...history.map((h) => ({ ...h })));
        inner.recover(copies);
      },
    };
    const resumed = await search(space, objective, { numTrials: 8, algorithm: wrapper, storage, study: 's' });
    expect(copies).toHaveLength(6);
    for (const copy of copies) {
      expect(copy.dna).toBeInstanceOf(DNA);
      expect(Object.keys(copy).slice(0, 2)).toEqual(['dna', 'reward']);
    }
    expect(copies.map((c) => c.dna.toString())).toEqual(resumed.trials.slice(0, 6).map((t) => t.dna.toString()));
    expect(JSON.parse(JSON.stringify(copies[0]))).toHaveProperty('dna');
  });
});

describe('a resumed study whose trials do not fit the search', () => {
  const A = { x: floatv(0, 1), k: intv(0, 4) };
  const B = { x: floatv(0, 1), k: intv(0, 4), act: oneOf(['relu', 'tanh']) };
  const objective = (c: { x: number; k: number }): number => c.x + c.k;

  /** Spies on process warnings for the test's duration; returns the messages with their codes. */
  function warnings(): { code: string | undefined; message: string }[] {
    const seen: { code: string | undefined; message: string }[] = [];
    vi.spyOn(process, 'emitWarning').mockImplementation(((message: string | Error, options?: { code?: string }) => {
      seen.push({ code: options?.code, message: String(message) });
    }) as typeof process.emitWarning);
    return seen;
  }
  afterEach(() => vi.restoreAllMocks());

  /** An algorithm that counts what it is given on resume, around `inner`. */
  function counting(inner: Algorithm): Algorithm & { recovered: number[] } {
    const recovered: number[] = [];
    return {
      name: inner.name,
      recovered,
      setup: (spec, context) => inner.setup(spec, context),
      propose: () => inner.propose(),
      feedback: (dna, reward, outcome) => inner.feedback(dna, reward, outcome),
      recover(history) {
        recovered.push(history.length);
        inner.recover(history);
      },
    };
  }

  it.each([
    ['tpe', () => tpe({ seed: 1 })],
    ['regularizedEvolution', () => regularizedEvolution({ populationSize: 4, tournamentSize: 2, seed: 1 })],
    ['random', () => random({ seed: 1 })],
  ])('recorded with another space (%s): goes on with a warning, learning from none of them, and keeps them all', async (_, algorithm) => {
    const storage = memoryStorage();
    await search(A, objective, { numTrials: 6, algorithm: algorithm(), storage, study: 's' });
    const seen = warnings();
    const wrapped = counting(algorithm());
    const resumed = await search(B, objective, { numTrials: 10, algorithm: wrapped, storage, study: 's' });
    expect(wrapped.recovered).toEqual([0]);
    expect(seen).toEqual([
      {
        code: 'PLIANT_SPACE_MISMATCH',
        message: expect.stringMatching(
          /^search: the study 's' was recorded with another search space than this search's: 6 of its 6 trials do not fit this one \(trial 0: validate: expected a list of 3 decisions \(x, k, act\), found DNA\(.*\)\); the algorithm learns from the 0 that do/,
        ),
      },
    ]);
    expect(resumed.trials).toHaveLength(10);
    expect(resumed.trials.slice(0, 6).every((t) => !('act' in (t.candidate as object)))).toBe(true);
    expect(resumed.trials.slice(6).every((t) => 'act' in (t.candidate as object))).toBe(true);
  });

  it('recorded with a space its trials still fit (a range made wider): learns from all of them, and says the space changed', async () => {
    const storage = memoryStorage();
    await search(A, objective, { numTrials: 5, algorithm: tpe({ seed: 1 }), storage, study: 's' });
    const seen = warnings();
    const wrapped = counting(tpe({ seed: 1 }));
    await search({ x: floatv(0, 2), k: intv(0, 4) }, objective, { numTrials: 7, algorithm: wrapped, storage, study: 's' });
    expect(wrapped.recovered).toEqual([5]);
    expect(seen.map((w) => w.message)).toEqual([
      expect.stringMatching(/another search space than this search's: 0 of its 5 trials do not fit this one; the algorithm learns from the 5 that do/),
    ]);
  });

  it('with a corrupt trial event (a DNA that fits no space): the algorithm is set up again without it, and the search goes on', async () => {
    const storage = memoryStorage();
    await search(A, objective, { numTrials: 4, algorithm: tpe({ seed: 1 }), storage, study: 's' });
    const journal = await storage.open('s');
    await journal.append({ type: 'trial', id: 'bad', dna: [0.5, 99], time: 1, owner: 'elsewhere:1' });
    await journal.append({ type: 'done', id: 'bad', value: 100, time: 2 });
    await journal.close();
    const seen = warnings();
    const wrapped = counting(tpe({ seed: 1 }));
    const resumed = await search(A, objective, { numTrials: 8, algorithm: wrapped, storage, study: 's' });
    // TPE refused the corrupt trial: set up again and given the 4 others
    expect(wrapped.recovered).toEqual([5, 4]);
    expect(seen).toEqual([
      {
        code: 'PLIANT_SPACE_MISMATCH',
        message: expect.stringMatching(
          /^search: 1 of the 5 trials of the study 's' have a DNA that does not fit the search space \(trial 4: validate: .*99.*\): the algorithm does not learn from them$/,
        ),
      },
    ]);
    expect(resumed.trials).toHaveLength(8);
    expect(resumed.trials[4]).toMatchObject({ id: 'bad', state: 'completed', value: 100 });
  });

  it('fails a trial a dead process left running whose DNA does not fit, instead of evaluating it', async () => {
    const storage = memoryStorage();
    await search(A, objective, { numTrials: 2, algorithm: random({ seed: 1 }), storage, study: 's' });
    const journal = await storage.open('s');
    await journal.append({ type: 'trial', id: 'ghost', dna: [0.5, 2, 1], time: 1, owner: `${hostname()}:999999999` });
    await journal.close();
    warnings();
    const evaluated: unknown[] = [];
    const resumed = await search(
      A,
      (c) => {
        evaluated.push(c);
        return objective(c);
      },
      { numTrials: 4, algorithm: random({ seed: 1 }), storage, study: 's' },
    );
    expect(resumed.trials[2]).toMatchObject({ id: 'ghost', state: 'failed', failure: 'invalid' });
    expect(resumed.trials[2]?.error).toMatch(
      /^left running by .*:999999999, which is gone; its DNA does not fit this search's space \(validate: .*\): not evaluated again$/,
    );
    expect(evaluated).toHaveLength(1); // the fourth trial only: the ghost counts, failed
    expect(resumed.trials).toHaveLength(4);
  });

  it('with a durable executor (trials outlive the controller): takes up a trial left running that fits, and fails one that does not', async () => {
    const storage = memoryStorage();
    await search(A, objective, { numTrials: 2, algorithm: random({ seed: 1 }), storage, study: 's' });
    const journal = await storage.open('s');
    await journal.append({ type: 'trial', id: 'fits', dna: [0.25, 3], time: 1, owner: `${hostname()}:999999998` });
    await journal.append({ type: 'trial', id: 'misfit', dna: [0.5, 2, 1], time: 1, owner: `${hostname()}:999999999` });
    await journal.close();
    warnings();
    const durable: Executor = { ...inlineExecutor(), name: 'durable-inline', durable: true };
    const evaluated: unknown[] = [];
    const resumed = await search(
      A,
      (c) => {
        evaluated.push(c);
        return objective(c);
      },
      { numTrials: 5, algorithm: random({ seed: 1 }), storage, study: 's', executor: durable },
    );
    expect(resumed.trials.map((t) => [t.id, t.state])).toEqual([
      [resumed.trials[0]?.id, 'completed'],
      [resumed.trials[1]?.id, 'completed'],
      ['fits', 'completed'],
      ['misfit', 'failed'],
      [resumed.trials[4]?.id, 'completed'],
    ]);
    expect(resumed.trials[3]).toMatchObject({ failure: 'invalid', error: expect.stringMatching(/its DNA does not fit this search's space/) });
    expect(evaluated[0]).toEqual({ x: 0.25, k: 3 });
    expect(evaluated).toHaveLength(2);
  });

  it('takes a recorded value that does not fit the objectives as abandoned when others fit, and refuses the study when none does', async () => {
    const storage = memoryStorage();
    const metrics = (c: { x: number; k: number }): Record<string, number> => ({ acc: c.x, loss: c.k });
    await search(A, metrics, { numTrials: 4, metric: 'acc', algorithm: tpe({ seed: 1 }), storage, study: 's' });
    const journal = await storage.open('s');
    await journal.append({ type: 'trial', id: 'odd', dna: [0.5, 2], time: 1, owner: 'elsewhere:1' });
    await journal.append({ type: 'done', id: 'odd', value: {}, time: 2 });
    await journal.close();
    const seen = warnings();
    const resumed = await search(A, metrics, { numTrials: 6, metric: 'acc', algorithm: tpe({ seed: 1 }), storage, study: 's' });
    expect(resumed.trials).toHaveLength(6);
    expect(seen).toEqual([
      {
        code: 'PLIANT_OBJECTIVE_MISMATCH',
        message: expect.stringMatching(
          /^search: 1 of the 5 recorded values of the study 's' do not fit the search's objectives \(trial 4: .*the measurement has no metric 'acc' \(it has none\)\): the algorithm takes those trials as abandoned$/,
        ),
      },
    ]);
    // a search set up for other objectives than the study's: no recorded value fits
    await expect(search(A, metrics, { numTrials: 8, metric: 'f1', algorithm: tpe({ seed: 1 }), storage, study: 's' })).rejects.toThrow(
      /^search: trial 0 of the study does not fit the search's objectives: .*no metric 'f1'/,
    );
  });
});

describe('two searches in different spaces sharing a study at the same time', () => {
  afterEach(() => vi.restoreAllMocks());

  it('each learns only from the trials in its own space, and together they spend the study budget', async () => {
    vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const storage = memoryStorage();
    const A = { x: floatv(0, 1), k: intv(0, 4) };
    const B = { x: floatv(0, 1), k: intv(0, 4), act: oneOf(['relu', 'tanh']) };
    const told: string[][] = [[], []];
    const spy = (inner: Algorithm, i: number): Algorithm => ({
      name: inner.name,
      setup: (spec, context) => inner.setup(spec, context),
      propose: () => inner.propose(),
      feedback: (dna, reward, outcome) => {
        (told[i] as string[]).push(dna.toString());
        inner.feedback(dna, reward, outcome);
      },
      recover: (history) => inner.recover(history),
    });
    const slow = async (c: { x: number; k: number }): Promise<number> => {
      await new Promise((done) => setTimeout(done, 1));
      return c.x + c.k;
    };
    const [a, b] = await Promise.all([
      search(A, slow, { numTrials: 16, algorithm: spy(tpe({ seed: 1 }), 0), storage, study: 'shared' }),
      search(B, slow, { numTrials: 16, algorithm: spy(regularizedEvolution({ populationSize: 3, tournamentSize: 2, seed: 2 }), 1), storage, study: 'shared' }),
    ]);
    expect(a.trials).toHaveLength(16);
    expect(b.trials).toHaveLength(16);
    const inA = new Set(a.trials.filter((t) => !('act' in (t.candidate as object))).map((t) => t.dna.toString()));
    expect(inA.size).toBeGreaterThan(0);
    expect(inA.size).toBeLessThan(16);
    // each algorithm heard of its own space's trials only (a DNA of A has 2 decisions, of B 3)
    expect(told[0]?.every((d) => d.split(',').length === 2)).toBe(true);
    expect(told[1]?.every((d) => d.split(',').length >= 3)).toBe(true);
    expect((told[0]?.length ?? 0) + (told[1]?.length ?? 0)).toBe(16);
  });
});
