/**
 * The study as the spine: every reader builds the same trials from the journal, says what it
 * skips, and processes sharing a study share its budget, its knowledge and its dedupe book.
 */
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { floatv, intv, loadStudy, memoryStorage, oneOf, random, regularizedEvolution, search, tpe } from '../../../src/index.js';
import type { JournalEvent, JournalWarning, Storage } from '../../../src/index.js';

const space = { x: floatv(0, 1), k: intv(0, 5), act: oneOf(['a', 'b']) };
const trial = (id: string, owner = 'h:1'): JournalEvent => ({ type: 'trial', id, dna: [0.5, 1, 0], candidate: { x: 0.5, k: 1, act: 'a' }, time: 1, owner });

async function studyOf(events: readonly JournalEvent[]): Promise<{ trials: Awaited<ReturnType<typeof loadStudy>>['trials']; warnings: JournalWarning[] }> {
  const storage = memoryStorage();
  const journal = await storage.open('s');
  for (const e of events) await journal.append(e);
  await journal.close();
  const warnings: JournalWarning[] = [];
  const result = await loadStudy('s', { storage, onWarning: (w) => warnings.push(w) });
  return { trials: result.trials, warnings };
}

describe('the projection of a journal', () => {
  it('skips, with a warning naming where, events out of order, trials recorded twice, ends after ends and reports after the end', async () => {
    const { trials, warnings } = await studyOf([
      { type: 'study', study: 's', time: 0, version: 2 },
      { type: 'done', id: 'early', value: 1, time: 1 },
      trial('a'),
      trial('a'),
      { type: 'report', id: 'a', value: 0.1, time: 2 },
      { type: 'done', id: 'a', value: 0.5, time: 3 },
      { type: 'fail', id: 'a', error: 'late', time: 4 },
      { type: 'report', id: 'a', value: 0.9, time: 5 },
    ]);
    expect(trials.map((t) => [t.id, t.state, t.value, t.reports.length])).toEqual([['a', 'completed', 0.5, 1]]);
    expect(warnings.map((w) => [w.kind, w.at])).toEqual([
      ['out-of-order', 'memory study "s"[1]'],
      ['duplicate', 'memory study "s"[3]'],
      ['duplicate', 'memory study "s"[6]'],
      ['late', 'memory study "s"[7]'],
    ]);
    expect(warnings[0]?.message).toMatch(/'done' event of trial early, whose 'trial' event is not before it: skipped/);
  });

  it('gives a trial to the first of several claims from the same owner, and starts its reports over', async () => {
    const { trials, warnings } = await studyOf([
      trial('t', 'h:1'),
      { type: 'report', id: 't', value: 0.1, time: 2 },
      { type: 'claim', id: 't', owner: 'h:2', from: 'h:1', time: 3 },
      { type: 'claim', id: 't', owner: 'h:3', from: 'h:1', time: 3 },
      { type: 'report', id: 't', value: 0.2, time: 4 },
    ]);
    expect(trials[0]).toMatchObject({ owner: 'h:2', state: 'running', reports: [{ value: 0.2 }] });
    expect(warnings).toEqual([]);
  });

  it('takes a withdrawn trial out of the study, numbering those after it again', async () => {
    const { trials } = await studyOf([trial('a'), trial('b'), trial('c'), { type: 'withdraw', id: 'b', reason: 'over budget', time: 2 }]);
    expect(trials.map((t) => [t.id, t.number])).toEqual([
      ['a', 0],
      ['c', 1],
    ]);
  });
});

describe('processes sharing a study', () => {
  it('two searches at once on one study stop together at its budget, each learning from the other', async () => {
    const storage = memoryStorage();
    const objective = async (c: { x: number; k: number }): Promise<number> => {
      await new Promise((r) => setTimeout(r, 1));
      return c.x + c.k;
    };
    const [a, b] = await Promise.all([
      search(space, objective, { numTrials: 30, storage, study: 'shared', algorithm: tpe({ seed: 1, startupTrials: 4 }) }),
      search(space, objective, { numTrials: 30, storage, study: 'shared', algorithm: tpe({ seed: 1, startupTrials: 4 }) }),
    ]);
    const study = await loadStudy('shared', { storage });
    expect(study.trials).toHaveLength(30);
    expect(study.completed).toHaveLength(30);
    // The same seed, but different streams: they did not propose the same candidates.
    const candidates = study.trials.map((t) => JSON.stringify(t.candidate));
    expect(new Set(candidates).size).toBe(30);
    expect(a.trials).toHaveLength(30);
    expect(b.trials).toHaveLength(30);
    const journal = await storage.open('shared');
    const sessions = journal.events.filter((e) => e.type === 'session' && e.end !== true);
    expect(sessions).toHaveLength(2);
  });

  it('with dedupe, a candidate the other process is evaluating is waited for, not evaluated again', async () => {
    const storage = memoryStorage();
    const evaluated: string[] = [];
    const tiny = { act: oneOf(['a', 'b', 'c']) };
    const objective = async (c: { act: string }): Promise<number> => {
      evaluated.push(c.act);
      await new Promise((r) => setTimeout(r, 5));
      return c.act.charCodeAt(0);
    };
    const options = { numTrials: 3, storage, study: 'dd', dedupe: 'structural' as const, seed: 3, algorithm: random({ seed: 3 }) };
    await Promise.all([search(tiny, objective, options), search(tiny, objective, options), search(tiny, objective, options)]);
    expect([...evaluated].sort()).toEqual([...new Set(evaluated)].sort());
    const study = await loadStudy('dd', { storage });
    expect(study.evaluated).toHaveLength(3);
  });

  it('a resumed seeded study is the uninterrupted one, whatever the algorithm', async () => {
    for (const make of [
      () => random({ seed: 2 }),
      () => regularizedEvolution({ populationSize: 5, tournamentSize: 2, seed: 2 }),
      () => tpe({ seed: 2, startupTrials: 5 }),
    ]) {
      const storage = memoryStorage();
      const objective = (c: { x: number; k: number }): number => (c.k === 4 ? Number.NaN : c.x - c.k);
      await search(space, objective, { numTrials: 9, storage, study: 'r', algorithm: make() });
      const resumed = await search(space, objective, { numTrials: 25, storage, study: 'r', algorithm: make() });
      const straight = await search(space, objective, { numTrials: 25, algorithm: make() });
      expect(resumed.trials.map((t) => [t.candidate, t.state, t.value])).toEqual(straight.trials.map((t) => [t.candidate, t.state, t.value]));
    }
  });

  it('a trial of another machine is taken over once it has run past the timeout and a grace, not before', async () => {
    const storage = memoryStorage();
    const journal = await storage.open('remote');
    await journal.append({ ...trial('stale', 'elsewhere.example:42'), time: Date.now() - 120_000 });
    await journal.append({ ...trial('fresh', 'elsewhere.example:43'), time: Date.now() });
    const result = await search(space, () => 1, { numTrials: 4, storage, study: 'remote', timeout: 1000 });
    expect(result.trials.find((t) => t.id === 'stale')).toMatchObject({ state: 'completed', owner: `${hostname()}:${process.pid}` });
    expect(result.trials.find((t) => t.id === 'fresh')?.state).toBe('running');
    // without a timeout, nothing says the other machine's trial is lost
    const untimed = memoryStorage();
    const other = await untimed.open('remote');
    await other.append({ ...trial('stale', 'elsewhere.example:42'), time: 1 });
    const kept = await search(space, () => 1, { numTrials: 2, storage: untimed, study: 'remote' });
    expect(kept.trials.find((t) => t.id === 'stale')?.state).toBe('running');
  });

  it('a trial of another machine whose session promised a heartbeat is taken over once it fell silent for 4 beats, without a timeout', async () => {
    const storage = memoryStorage();
    const journal = await storage.open('beats');
    const now = Date.now();
    // Both promised a beat every 100 ms: 'silent' last beat 1 s ago, 'beating' 10 ms ago.
    await journal.append({ type: 'session', id: 's1', owner: 'elsewhere.example:1', time: now - 5_000, heartbeat: 100 });
    await journal.append({ ...trial('silent', 'elsewhere.example:1'), time: now - 4_000 });
    await journal.append({ type: 'session', id: 's1', owner: 'elsewhere.example:1', time: now - 1_000, beat: true });
    await journal.append({ type: 'session', id: 's2', owner: 'elsewhere.example:2', time: now - 5_000, heartbeat: 100 });
    await journal.append({ ...trial('beating', 'elsewhere.example:2'), time: now - 4_000 });
    await journal.append({ type: 'session', id: 's2', owner: 'elsewhere.example:2', time: now - 10, beat: true });
    // The beating process goes on beating while this search runs.
    const beats = setInterval(() => void journal.append({ type: 'session', id: 's2', owner: 'elsewhere.example:2', time: Date.now(), beat: true }), 20);
    try {
      const result = await search(
        space,
        async () => {
          await new Promise((done) => setTimeout(done, 30));
          return 1;
        },
        { numTrials: 6, storage, study: 'beats' },
      );
      expect(result.trials.find((t) => t.id === 'silent')).toMatchObject({ state: 'completed', owner: `${hostname()}:${process.pid}` });
      expect(result.trials.find((t) => t.id === 'beating')?.state).toBe('running');
      expect((await loadStudy('beats', { storage })).trials).toHaveLength(6);
    } finally {
      clearInterval(beats);
    }
  });

  it('a search promises its heartbeat and beats while it runs trials, and stops beating when it ends', async () => {
    const storage = memoryStorage();
    await search(
      space,
      async () => {
        await new Promise((done) => setTimeout(done, 120));
        return 1;
      },
      { numTrials: 2, storage, study: 'beat', heartbeat: 25 },
    );
    const journal = await storage.open('beat');
    const sessions = journal.events.filter((e) => e.type === 'session');
    expect(sessions[0]).toMatchObject({ heartbeat: 25 });
    const beats = sessions.filter((e) => e.type === 'session' && e.beat === true).length;
    expect(beats).toBeGreaterThanOrEqual(4);
    await new Promise((done) => setTimeout(done, 100));
    await journal.refresh();
    expect(journal.events.filter((e) => e.type === 'session' && e.beat === true)).toHaveLength(beats);
    // heartbeat: false promises none and appends none
    await search(space, () => 1, { numTrials: 2, storage, study: 'quiet', heartbeat: false });
    const quiet = (await storage.open('quiet')).events.filter((e) => e.type === 'session');
    expect(quiet.some((e) => e.type === 'session' && (e.heartbeat !== undefined || e.beat === true))).toBe(false);
  });

  it('refuses a heartbeat that is not a positive number of milliseconds or false', async () => {
    await expect(search(space, () => 1, { numTrials: 1, heartbeat: 0 })).rejects.toThrow(
      /search: heartbeat must be a positive number of milliseconds or false, found 0/,
    );
  });

  it('a proposal that finds the budget spent by another process just before it is withdrawn, not evaluated', async () => {
    const inner = memoryStorage();
    const racer = await inner.open('race');
    let raced = false;
    // A storage whose journals let "another process" record a trial just before this one's 5th.
    const storage: Storage = {
      ...inner,
      async open(name, options) {
        const journal = await inner.open(name, options);
        return {
          get study() {
            return journal.study;
          },
          get where() {
            return journal.where;
          },
          get events() {
            return journal.events;
          },
          locate: (i) => journal.locate(i),
          refresh: () => journal.refresh(),
          close: () => journal.close(),
          async append(event) {
            if (event.type === 'trial' && !raced && journal.events.filter((e) => e.type === 'trial').length === 4) {
              raced = true;
              await racer.append({ ...trial('theirs', `${hostname()}:${process.ppid}`), time: Date.now() });
            }
            await journal.append(event);
          },
        };
      },
    };
    let evaluated = 0;
    const result = await search(
      space,
      () => {
        evaluated++;
        return 1;
      },
      { numTrials: 5, storage, study: 'race' },
    );
    expect(raced).toBe(true);
    expect(evaluated).toBe(4);
    expect(result.trials.map((t) => t.id)).toContain('theirs');
    expect(result.trials).toHaveLength(5);
    const journal = await inner.open('race');
    expect(journal.events.filter((e) => e.type === 'withdraw')).toEqual([expect.objectContaining({ reason: expect.stringMatching(/had its 5 trials/) })]);
  });

  it('a trial left running by a process that is alive is not taken over', async () => {
    const storage = memoryStorage();
    const journal = await storage.open('alive');
    // this very process's parent is alive: a trial it "runs" stays its own
    await journal.append({ ...trial('theirs', `${hostname()}:${process.ppid}`) });
    const result = await search(space, () => 1, { numTrials: 3, storage, study: 'alive' });
    expect(result.trials.find((t) => t.id === 'theirs')?.state).toBe('running');
    expect(result.trials).toHaveLength(3);
  });

  it('a storage that is not a Storage (a `{ dir }` options object) is refused by name, not with a TypeError', async () => {
    const wrong = { dir: '/tmp/nowhere' } as unknown as Storage;
    await expect(search(space, () => 1, { numTrials: 1, storage: wrong })).rejects.toThrow(
      /search: at 'storage': storage must be a Storage .*found an object with keys \["dir"\]/,
    );
    await expect(loadStudy('s', { storage: wrong })).rejects.toThrow(/loadStudy.*storage must be a Storage/);
  });
});
