import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  FunctionalCache,
  PliantError,
  grid,
  intv,
  journalStorage,
  loadStudy,
  medianStopping,
  memoryStorage,
  oneOf,
  random,
  regularizedEvolution,
  sample,
  ruleSet,
  search,
  symbolize,
} from '../../../src/index.js';
import { DNA } from '../../../src/index.js';
import type { Algorithm, DNAJson, Outcome } from '../../../src/index.js';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'pliant-dedupe-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  vi.restoreAllMocks();
});

/** Random search that also remembers every feedback it was given. */
function listening(seed: number): Algorithm & { told: number[] } {
  const inner = random({ seed });
  const told: number[] = [];
  return Object.assign(Object.create(inner) as Algorithm, {
    told,
    feedback(dna: DNA, reward: number, outcome?: Outcome) {
      told.push(reward);
      inner.feedback(dna, reward, outcome);
    },
  });
}

const space = { a: intv(0, 9), b: intv(0, 9) };

describe('dedupe in the loop', () => {
  it('evaluates each hash once: hits complete unevaluated, are recorded as cached, and still reach the algorithm', async () => {
    const algorithm = listening(1);
    const calls: string[] = [];
    const result = await search(
      space,
      (c) => {
        calls.push(`${c.a + c.b}`);
        return c.a + c.b;
      },
      { numTrials: 10, algorithm, dedupe: (c) => String(c.a + c.b) },
    );
    expect(new Set(calls).size).toBe(calls.length); // never the same sum twice
    expect(calls).toHaveLength(10); // numTrials is the evaluation budget
    expect(result.evaluated).toHaveLength(10);
    const cached = result.trials.filter((t) => t.cached);
    expect(cached.length).toBeGreaterThan(0);
    expect(result.trials).toHaveLength(10 + cached.length);
    for (const t of cached) {
      expect(t.state).toBe('completed');
      expect(t.value).toBe((t.candidate as { a: number }).a + (t.candidate as { b: number }).b);
    }
    expect(algorithm.told).toHaveLength(result.trials.length);
    expect(result.cache).toMatchObject({ misses: 10, hits: cached.length, evaluationsSaved: cached.length, entries: 10 });
    expect(result.trials.every((t) => typeof t.hash === 'string')).toBe(true);
  });

  it('structural: candidates equal after the rewrite rules are evaluated once', async () => {
    const Dense = symbolize('dedupe.test.Dense', (args: { units: number }) => args);
    const Dropout = symbolize('dedupe.test.Dropout', (args: { rate: number }) => args);
    const space = {
      layers: oneOf([[Dense({ units: 8 })], [Dense({ units: 8 }), Dropout({ rate: 0 })], [Dropout({ rate: 0 }), Dense({ units: 8 })], [Dense({ units: 16 })]]),
    };
    const rules = ruleSet({ name: 't', rules: [{ name: 'drop-zero-dropout', match: { $type: 'dedupe.test.Dropout', rate: 0 }, replace: { $remove: true } }] });
    let calls = 0;
    const objective = (): number => ++calls;
    const withRules = await search(space, objective, { numTrials: 10, algorithm: grid(), dedupe: { hash: 'structural', rules } });
    expect(calls).toBe(2);
    expect(withRules.trials.map((t) => t.cached)).toEqual([false, true, true, false]);
    calls = 0;
    const plain = await search(space, objective, { numTrials: 10, algorithm: grid(), dedupe: 'structural' });
    expect(calls).toBe(4); // the default rules know nothing of these types
    expect(plain.cache?.hits).toBe(0);
  });

  it('functional: a probe that computes the same function hashes equal', async () => {
    // candidates are (w, bias) of f(x) = w·x + bias written two ways
    const calls: number[] = [];
    const result = await search(
      { w: oneOf([1, 2]), bias: oneOf([0, 1]), twice: oneOf([false, true]) },
      (c) => {
        calls.push(1);
        return c.w + c.bias;
      },
      {
        numTrials: 10,
        algorithm: grid(),
        dedupe: {
          hash: 'functional',
          probe: (c, { rng }) => [rng(), rng(), rng()].map((x) => (c.twice ? c.w * x + c.w * x : c.w * 2 * x) + c.bias),
        },
      },
    );
    expect(calls).toHaveLength(4);
    expect(result.trials).toHaveLength(8);
    expect(result.cache).toMatchObject({ hits: 4, misses: 4 });
  });

  it('survives a resume: the cache is rebuilt from the journal, hits of the first run are known', async () => {
    const storage = journalStorage(tempDir());
    const evaluated: number[] = [];
    const objective = (c: { a: number; b: number }): number => {
      evaluated.push(c.a * 10 + c.b);
      return c.a;
    };
    const dedupe = (c: { a: number; b: number }): string => String(c.a);
    const first = await search(space, objective, { numTrials: 4, study: 's', storage, seed: 2, dedupe });
    const second = await search(space, objective, { numTrials: 8, study: 's', storage, seed: 2, dedupe });
    expect(evaluated).toHaveLength(8);
    expect(new Set(evaluated.map((k) => Math.floor(k / 10))).size).toBe(8); // 8 different a's: nothing re-evaluated across the resume
    expect(second.trials.slice(0, first.trials.length).map((t) => t.id)).toEqual(first.trials.map((t) => t.id));
    expect(second.cache?.misses).toBe(8);
    expect(second.cache?.hits).toBe(second.trials.filter((t) => t.cached).length);
    const [file] = readdirSync(storage.description.replace(/^journal:/, ''));
    const lines = readFileSync(join(storage.description.replace(/^journal:/, ''), file as string), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.type === 'done' && l.cached === true)).toHaveLength(second.trials.filter((t) => t.cached).length);
    expect(lines.find((l) => l.type === 'study')).toMatchObject({ meta: { dedupe: 'custom' } });
  });

  it('maxEvaluations: a hash is evaluated that many times and later hits serve the mean', async () => {
    let noise = 0;
    const result = await search(space, (c) => c.a + (noise++ % 2 === 0 ? 0.1 : -0.1), {
      numTrials: 12,
      seed: 3,
      dedupe: { hash: (c) => String(c.a % 3), maxEvaluations: 4 },
    });
    expect(result.cache).toMatchObject({ misses: 3, partialHits: 9 });
    for (const t of result.trials.filter((x) => x.cached)) {
      const same = result.evaluated.filter((e) => e.hash === t.hash).map((e) => e.value as number);
      expect(t.value).toBeCloseTo(same.reduce((s, v) => s + v, 0) / same.length, 12);
    }
  });

  it('counterfactual: every proposal is evaluated, and a bad hash shows its collisions', async () => {
    const bad = await search(space, (c) => c.a, { numTrials: 20, seed: 4, dedupe: { hash: (c) => String(c.b % 2), counterfactual: true } });
    expect(bad.trials.filter((t) => t.cached)).toHaveLength(0);
    expect(bad.evaluated).toHaveLength(20);
    expect(bad.cache?.hits).toBe(18);
    expect(bad.cache?.collisions).toBeGreaterThan(10);
    const good = await search(space, (c) => c.a, { numTrials: 20, seed: 4, dedupe: { hash: (c) => String(c.a), counterfactual: true } });
    expect(good.cache?.hits).toBeGreaterThan(0);
    expect(good.cache?.collisions).toBe(0);
  });

  it('stops with a warning when the algorithm only proposes cached candidates', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const result = await search(space, (c) => c.a, { numTrials: 50, seed: 5, dedupe: { hash: (c) => String(c.a % 2), maxConsecutiveHits: 25 } });
    expect(result.evaluated).toHaveLength(2);
    expect(result.trials.slice(-25).every((t) => t.cached)).toBe(true);
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/the last 25 proposals were all served by the dedupe cache/),
      expect.objectContaining({ code: 'PLIANT_DEDUPE_STALLED' }),
    );
  });

  it('never caches unhashable candidates', async () => {
    const result = await search(space, (c) => c.a, { numTrials: 6, seed: 6, dedupe: () => undefined });
    expect(result.trials).toHaveLength(6);
    expect(result.cache).toMatchObject({ unhashable: 6, hits: 0, entries: 0 });
  });

  it('a failed trial is not cached: its hash is tried again', async () => {
    let n = 0;
    const result = await search(
      space,
      () => {
        if (n++ === 0) throw new Error('flaky');
        return 1;
      },
      { numTrials: 3, algorithm: grid(), dedupe: { hash: () => 'one', maxConsecutiveHits: 5 } },
    );
    expect(result.trials.slice(0, 3).map((t) => t.state)).toEqual(['failed', 'completed', 'completed']);
    expect(result.trials.slice(0, 3).map((t) => t.cached)).toEqual([false, false, true]);
  });

  it('regularized evolution learns from cached feedback like any other', async () => {
    const result = await search(space, (c) => -Math.abs(c.a - 7) - Math.abs(c.b - 2), {
      numTrials: 40,
      algorithm: regularizedEvolution({ populationSize: 10, tournamentSize: 3, seed: 1 }),
      dedupe: (c) => `${c.a},${c.b}`,
    });
    expect(result.evaluated).toHaveLength(40);
    expect(new Set(result.evaluated.map((t) => t.hash)).size).toBe(40);
    expect(result.best?.value).toBeGreaterThanOrEqual(-2);
  });

  it('works beside early stopping: cached trials have no reports and do not upset the policy', async () => {
    const result = await search(
      space,
      async (c, trial) => {
        for (let step = 1; step <= 3; step++) {
          await trial.report(c.a * step, { step });
          if (trial.shouldStop()) return trial.prune();
        }
        return c.a * 3;
      },
      { numTrials: 15, seed: 7, earlyStopping: medianStopping({ startupTrials: 2 }), dedupe: (c) => String(c.a) },
    );
    expect(result.evaluated).toHaveLength(15);
    expect(result.trials.some((t) => t.cached)).toBe(true);
    expect(result.trials.some((t) => t.state === 'pruned')).toBe(true);
  });

  it('sample: hits are not yielded; a given cache instance holds the counters', async () => {
    const cache = new FunctionalCache();
    const yielded: number[] = [];
    for await (const [c, feedback] of sample(space, random({ seed: 8 }), { numTrials: 5, dedupe: { hash: (x) => String(x.a % 5), cache } })) {
      yielded.push(c.a % 5);
      await feedback.done(c.a);
    }
    expect(new Set(yielded).size).toBe(5);
    expect(cache.stats.misses).toBe(5);
  });

  it('a hash function that throws stops the loop with an error naming the trial; nothing recorded is lost', async () => {
    const storage = memoryStorage();
    let n = 0;
    await expect(
      search(space, (c) => c.a, {
        numTrials: 10,
        storage,
        study: 'h',
        dedupe: () => {
          if (n++ === 3) throw new Error('probe broke');
          return String(n);
        },
      }),
    ).rejects.toThrow(/search: dedupe could not hash the candidate of trial 3 \(.*\): probe broke/);
    const journal = await storage.open('h');
    expect(journal.events.filter((e) => e.type === 'done')).toHaveLength(3);
  });

  it('a setup error in the hash (TensorFlow.js missing or not loaded) comes first, not as a hashing failure', async () => {
    const notLoaded = new PliantError(
      'build',
      'state',
      'TensorFlow.js is not loaded yet: `await loadTf()` first (or use the async buildModel / train, which load it)',
    );
    const missing = new PliantError('loadTf', 'dependency', 'TensorFlow.js cannot load (...): npm install @tensorflow/tfjs @tensorflow/tfjs-backend-wasm');
    for (const [thrown, message] of [
      [notLoaded, /^build: TensorFlow\.js is not loaded yet: `await loadTf\(\)` first .*\(while dedupe hashed the candidate of trial 0 \(.*\)\)$/],
      // Wrapped once more on its way (a probe that adds its own context): still found.
      [new Error('probe failed', { cause: missing }), /^loadTf: TensorFlow\.js cannot load \(\.\.\.\): npm install @tensorflow\/tfjs/],
    ] as const) {
      const error = await search(space, (c) => c.a, {
        numTrials: 2,
        dedupe: () => {
          throw thrown;
        },
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PliantError);
      expect((error as PliantError).message).toMatch(message);
      expect((error as PliantError).message).not.toContain('could not hash');
      expect((error as PliantError).cause).toBe(thrown);
    }
  });

  it('rejects bad dedupe options with clear errors', async () => {
    const run = (dedupe: unknown): Promise<unknown> => search(space, () => 1, { numTrials: 1, dedupe: dedupe as never });
    await expect(run({ hash: 'functional' })).rejects.toThrow("search: dedupe: hash: 'functional' needs a probe");
    await expect(run({ hash: 'sha1' })).rejects.toThrow("search: dedupe.hash is 'structural', 'functional' or a function, found sha1");
    await expect(run({ hash: 'structural', probe: () => 1 })).rejects.toThrow(/a probe is for hash: 'functional'/);
    await expect(run({ hash: () => 'x', maxEvaluations: 0 })).rejects.toThrow(/search: dedupe: FunctionalCache: maxEvaluations/);
    await expect(run({ hash: () => 'x', cache: new FunctionalCache(), forgetAfter: 2 })).rejects.toThrow(/gives a cache and cache options \(forgetAfter\)/);
    await expect(run({ hash: 'functional', probe: () => 1, mantissaBits: 60 })).rejects.toThrow(/mantissaBits/);
    await expect(run(() => 42)).rejects.toThrow(PliantError);
  });
});

describe('dedupe across processes', () => {
  it('serves the value of an equivalent candidate another process ended while this one was proposing (learned by the append, not before)', async () => {
    const space = { x: oneOf([1, 2, 3]) };
    // The hash an equivalent of {x: 2} gets, from a study of its own.
    const probe = tempDir();
    await search(space, (c) => c.x, { numTrials: 3, algorithm: grid(), dedupe: 'structural', storage: journalStorage(probe), study: 'probe' });
    // (the journal leaves the candidates out: they are made from the DNAs by a reader)
    const probed = (await loadStudy('probe', { storage: journalStorage(probe) })).trials.find((t) => (t.candidate as { x: number }).x === 2);
    const two = probed === undefined ? undefined : { dna: probed.dna.toJSON(), hash: probed.hash };
    if (two?.hash === undefined) throw new Error('no hash for {x: 2}');

    // This process proposes {x: 2}; while it does (after its last read of the journal), a process
    // of another machine records that it evaluated {x: 2}: 42.
    const dir = tempDir();
    const file = join(dir, 's.jsonl');
    let proposed = 0;
    const slowProposer: Algorithm = {
      name: 'slow',
      setup() {},
      propose() {
        if (proposed++ === 0) {
          appendFileSync(
            file,
            `${JSON.stringify({ type: 'trial', id: 'far:1:a:0', dna: two.dna, candidate: { x: 2 }, time: Date.now(), owner: 'far:1', hash: two.hash })}\n`,
          );
          appendFileSync(file, `${JSON.stringify({ type: 'done', id: 'far:1:a:0', value: 42, time: Date.now() })}\n`);
        }
        return two.dna === undefined ? undefined : DNA.fromJSON(two.dna as DNAJson);
      },
      feedback() {},
      recover() {},
    };
    const evaluated: number[] = [];
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined); // the cache then serves every proposal: the search stops, saying so
    const result = await search(
      space,
      (c) => {
        evaluated.push(c.x);
        return c.x;
      },
      { numTrials: 2, algorithm: slowProposer, dedupe: { hash: 'structural', maxConsecutiveHits: 1 }, storage: journalStorage(dir), study: 's' },
    );
    expect(evaluated).toEqual([]);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/served by the dedupe cache/);
    const mine = result.trials.find((t) => t.owner !== 'far:1');
    expect(mine).toMatchObject({ cached: true, value: 42, state: 'completed' });
  });
});
