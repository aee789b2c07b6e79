/**
 * Snapshots of a study (derived data beside its journal): used when they hold, the same Result
 * as a full replay, and ignored with a warning when torn, corrupt, stale or of another journal.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { floatv, journalStorage, loadStudy, oneOf, random, redisStorage, search } from '../../../src/index.js';
import type { JournalWarning, Result, Storage, Trial } from '../../../src/index.js';
import { FileBackend } from '../../../src/storage/file-backend.js';
import type { JournalEvent } from '../../../src/storage/storage.js';
import { SNAPSHOT_POLICY, Study } from '../../../src/tuning/study.js';
import { TrialStates } from '../../../src/tuning/trial-states.js';
import { startRedis } from '../../support/redis-server.js';
import type { RedisServer } from '../../support/redis-server.js';

const space = { x: floatv(0, 1), k: oneOf(['a', 'b', 'c']) };

/** Everything a trial keeps. */
function summary(t: Trial): unknown {
  return {
    id: t.id,
    number: t.number,
    state: t.state,
    dna: t.dna.toString(),
    candidate: t.candidate,
    value: t.value,
    metrics: t.metrics,
    error: t.error,
    failure: t.failure,
    reports: t.reports,
    started: t.started,
    ended: t.ended,
    owner: t.owner,
    hash: t.hash,
    cached: t.cached,
  };
}

function expectSame(a: Result, b: Result): void {
  expect(a.trials.map(summary)).toEqual(b.trials.map(summary));
  expect(a.best?.id).toBe(b.best?.id);
  expect(a.direction).toBe(b.direction);
}

/** A search of `n` trials with failures and reports, so the projection has every kind of field. */
async function run(storage: Storage, n: number, study = 's', onWarning?: (w: JournalWarning) => void): Promise<Result> {
  return search(
    space,
    async (c, feedback) => {
      if (c.k === 'c' && c.x > 0.7) throw new Error('boom');
      await feedback.report(c.x / 2, { step: 1 });
      return c.x + (c.k === 'a' ? 0.5 : 0);
    },
    { numTrials: n, storage, study, algorithm: random({ seed: 3 }), seed: 3, dedupe: 'structural', ...(onWarning === undefined ? {} : { onWarning }) },
  );
}

// These studies are small: snapshot them on close all the same (the default waits for 10,000 events).
const defaultPolicy = { ...SNAPSHOT_POLICY };
beforeAll(() => {
  SNAPSHOT_POLICY.onClose = 100;
});
afterAll(() => {
  Object.assign(SNAPSHOT_POLICY, defaultPolicy);
});

describe('study snapshots (journal file)', () => {
  let dir: string;
  let warnings: JournalWarning[];
  const onWarning = (w: JournalWarning): void => void warnings.push(w);
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pliant-snapshot-'));
    warnings = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const file = (): string => join(dir, 's.jsonl');
  const snap = (): string => `${file()}.snapshot`;
  const full = async (): Promise<Result> => {
    // the journal alone: what a reader without the snapshot makes of it
    const copy = join(dir, 'copy');
    rmSync(copy, { recursive: true, force: true });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(copy);
    copyFileSync(file(), join(copy, 's.jsonl'));
    return loadStudy('s', { storage: journalStorage(copy), onWarning: () => undefined });
  };

  /** What loadStudy reads (through the snapshot) is what the search had, and what the journal alone gives. */
  const expectReadBack = async (ran: Result): Promise<void> => {
    expectSame(await loadStudy('s', { storage: journalStorage(dir), onWarning }), ran);
    expectSame(await loadStudy('s', { storage: journalStorage(dir), onWarning }), await full());
    expect(warnings).toEqual([]);
  };

  /** Runs `body` with snapshots made while a search runs once `every` events came (then doubling). */
  const snapshottingEvery = async (every: number, body: () => Promise<void>): Promise<void> => {
    const before = SNAPSHOT_POLICY.every;
    SNAPSHOT_POLICY.every = every;
    try {
      await body();
    } finally {
      SNAPSHOT_POLICY.every = before;
    }
  };

  it('is written when a search closes, used by loadStudy and a resume, and gives the full replay', async () => {
    const ran = await run(journalStorage(dir), 50);
    expect(existsSync(snap())).toBe(true);
    const study = await Study.open(journalStorage(dir), 's', { api: 'test', readOnly: true, onWarning });
    expect(study.restored).toBe(true);
    expect(study.journal.events).toHaveLength(0); // nothing after it
    await study.close();

    const loaded = await loadStudy('s', { storage: journalStorage(dir), onWarning });
    expectSame(loaded, ran);
    expectSame(loaded, await full());
    expect(JSON.parse(JSON.stringify(loaded.trials[0]))).toMatchObject({ dna: loaded.trials[0]?.dna.toJSON(), candidate: loaded.trials[0]?.candidate });

    // a resume from the snapshot proposes what an uninterrupted run does
    const resumed = await run(journalStorage(dir), 80);
    const other = mkdtempSync(join(tmpdir(), 'pliant-snapshot-'));
    try {
      const straight = await run(journalStorage(other), 80);
      expect(resumed.trials.map((t) => [t.candidate, t.value, t.state])).toEqual(straight.trials.map((t) => [t.candidate, t.value, t.state]));
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
    expectSame(await loadStudy('s', { storage: journalStorage(dir), onWarning }), await full());
    expect(warnings).toEqual([]);
  });

  it('written after a resume, passes the restored trials on as their bytes, and reads back as a full read does', async () => {
    await run(journalStorage(dir), 50);
    const first = readFileSync(snap());
    // a resume that adds more than 100 events snapshots again on close, from the restored projection
    await run(journalStorage(dir), 130);
    const second = readFileSync(snap());
    expect(second.equals(first)).toBe(false);
    const envelope = JSON.parse(second.toString('utf8', 0, second.indexOf(0x0a))) as { events: number; sha1?: string };
    expect(envelope.sha1).toBeUndefined();
    const study = await Study.open(journalStorage(dir), 's', { api: 'test', readOnly: true, onWarning });
    expect(study.restored).toBe(true);
    expect(study.journal.events).toHaveLength(0); // the second snapshot covers all of it
    await study.close();
    expectSame(await loadStudy('s', { storage: journalStorage(dir), onWarning }), await full());
    // the first 50 trials' texts are the first snapshot's bytes, unchanged
    const textsOf = (data: Buffer): string[] => data.toString('utf8').split('\n').slice(3);
    expect(textsOf(second).slice(0, 100)).toEqual(textsOf(first).slice(0, 100));
    expect(warnings).toEqual([]);
  });

  it('made again while a search runs, takes the texts of the trials it repeats from the last one this process wrote', async () => {
    const read = vi.spyOn(FileBackend.prototype, 'readOwnSnapshot');
    const make = vi.spyOn(TrialStates.prototype, 'toSnapshotLines');
    // snapshots at 30, 60, 120, 240 events, and on closing
    await snapshottingEvery(30, async () => {
      const ran = await run(journalStorage(dir), 140);
      const got = read.mock.results.map((r) => (r.type === 'return' && r.value instanceof Buffer ? 'bytes' : String(r.value)));
      expect(got.length).toBeGreaterThanOrEqual(3);
      expect(got.every((g) => g === 'bytes')).toBe(true);
      // every snapshot after the first was given the texts of all the trials the one before held
      const rows = make.mock.calls.map(([reuse]) => reuse?.rows ?? 0);
      expect(rows[0]).toBe(0);
      expect(rows.slice(1).every((n, i) => n > 0 && n > (rows[i] as number))).toBe(true);
      await expectReadBack(ran);
    }).finally(() => {
      read.mockRestore();
      make.mockRestore();
    });
  });

  it('reads back its own last snapshot only while no other process replaced it, and only bytes that match their CRC-32', async () => {
    const a = await FileBackend.open(file(), { readOnly: false, fsync: false, api: 'test' });
    const b = await FileBackend.open(file(), { readOnly: false, fsync: false, api: 'test' });
    try {
      expect(a.readOwnSnapshot(0, 3)).toBeUndefined(); // none written yet
      await a.writeSnapshot({ head: 'head\n', lines: ['abc', Buffer.from('def')] });
      expect(a.readOwnSnapshot(5, 7)?.toString()).toBe('abc\ndef');
      expect(a.readOwnSnapshot(5, 8)).toBeUndefined(); // past its end
      expect(b.readOwnSnapshot(5, 3)).toBeUndefined(); // b wrote none
      await b.writeSnapshot({ head: 'head\n', lines: ['abc', 'xyz'] });
      expect(a.readOwnSnapshot(5, 3)).toBeUndefined(); // replaced by b's
      expect(b.readOwnSnapshot(9, 3)?.toString()).toBe('xyz');
    } finally {
      await a.close();
      await b.close();
    }
    // a study whose own last snapshot was changed on disk makes the texts again (the CRC-32 differs);
    // a fault put in: the read gives bytes of the right length but not those written
    const read = vi.spyOn(FileBackend.prototype, 'readOwnSnapshot').mockImplementation((_offset: number, length: number) => Buffer.alloc(length, 0x20));
    await snapshottingEvery(30, async () => {
      const ran = await run(journalStorage(dir), 100);
      expect(read).toHaveBeenCalled();
      await expectReadBack(ran);
    }).finally(() => read.mockRestore());
  });

  it('reads only what came after it, and still sees other writers', async () => {
    await run(journalStorage(dir), 50);
    // another process appends a trial after the snapshot
    const journal = await journalStorage(dir).open('s');
    await journal.append({ type: 'trial', id: 'late', dna: [0.5, 0], candidate: { x: 0.5, k: 'a' }, time: 1, owner: 'elsewhere:1' });
    await journal.append({ type: 'done', id: 'late', value: 9, time: 2 });
    await journal.close();
    const study = await Study.open(journalStorage(dir), 's', { api: 'test', readOnly: true, onWarning });
    expect(study.restored).toBe(true);
    expect(study.journal.events).toHaveLength(2);
    expect(study.states.get('late')?.value).toBe(9);
    await study.close();
    const loaded = await loadStudy('s', { storage: journalStorage(dir), onWarning });
    expect(loaded.best?.id).toBe('late');
    expectSame(loaded, await full());
  });

  const broken: Record<string, () => void> = {
    torn: () => truncateSync(snap(), Math.floor(readFileSync(snap()).length / 2)),
    'torn envelope': () => truncateSync(snap(), 20),
    corrupt: () => {
      const data = readFileSync(snap());
      const at = data.length - 10;
      data[at] = data[at] === 0x31 ? 0x32 : 0x31;
      writeFileSync(snap(), data);
    },
    'not JSON': () => writeFileSync(snap(), 'garbage\nmore garbage'),
    'journal shorter than it': () => {
      const lines = readFileSync(file(), 'utf8').split('\n');
      writeFileSync(file(), `${lines.slice(0, lines.length - 6).join('\n')}\n`);
    },
  };
  for (const [name, breakIt] of Object.entries(broken)) {
    it(`is ignored with a warning when ${name}: the journal is read from its start`, async () => {
      await run(journalStorage(dir), 50);
      breakIt();
      const loaded = await loadStudy('s', { storage: journalStorage(dir), onWarning });
      expect(warnings.map((w) => w.kind)).toEqual(['snapshot']);
      expect(warnings[0]?.message).toMatch(/snapshot is ignored/);
      expect(warnings[0]?.at).toMatch(/\.jsonl \(its snapshot\)$/);
      expectSame(loaded, await full());
      // a search goes on, and writes a good one again
      warnings = [];
      await run(journalStorage(dir), 60, 's', onWarning);
      expect(warnings.map((w) => w.kind)).toEqual(['snapshot']);
      warnings = [];
      expectSame(await loadStudy('s', { storage: journalStorage(dir), onWarning }), await full());
      expect(warnings).toEqual([]);
    });
  }

  /** The snapshot as written before its envelope had a CRC-32 (the SHA-1 of the payload alone). */
  const withoutCrc = (): void => {
    const data = readFileSync(snap());
    const newline = data.indexOf(0x0a);
    const envelope = JSON.parse(data.toString('utf8', 0, newline)) as Record<string, unknown>;
    expect(typeof envelope.crc32).toBe('number');
    expect(envelope.sha1).toBeUndefined(); // no longer written
    delete envelope.crc32;
    envelope.sha1 = createHash('sha1')
      .update(data.subarray(newline + 1))
      .digest('hex');
    writeFileSync(snap(), Buffer.concat([Buffer.from(JSON.stringify(envelope)), data.subarray(newline)]));
  };

  it('written before it had a CRC-32, is still used: its SHA-1 is checked', async () => {
    await run(journalStorage(dir), 50);
    withoutCrc();
    const study = await Study.open(journalStorage(dir), 's', { api: 'test', readOnly: true, onWarning });
    expect(study.restored).toBe(true);
    await study.close();
    expectSame(await loadStudy('s', { storage: journalStorage(dir), onWarning }), await full());
    expect(warnings).toEqual([]);
  });

  it('written before it had a CRC-32 and corrupt, is ignored with a warning (its SHA-1 does not match)', async () => {
    await run(journalStorage(dir), 50);
    withoutCrc();
    const data = readFileSync(snap());
    const at = data.length - 10;
    data[at] = data[at] === 0x31 ? 0x32 : 0x31;
    writeFileSync(snap(), data);
    const loaded = await loadStudy('s', { storage: journalStorage(dir), onWarning });
    expect(warnings.map((w) => w.message)).toEqual([expect.stringMatching(/corrupt/)]);
    expectSame(loaded, await full());
  });

  it("is ignored with a warning when it is another journal's", async () => {
    await run(journalStorage(dir), 50);
    const other = mkdtempSync(join(tmpdir(), 'pliant-snapshot-'));
    try {
      await run(journalStorage(other), 45, 's');
      copyFileSync(join(other, 's.jsonl.snapshot'), snap());
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
    const loaded = await loadStudy('s', { storage: journalStorage(dir), onWarning });
    expect(warnings.map((w) => w.kind)).toEqual(['snapshot']);
    expect(warnings[0]?.message).toMatch(/not made of this journal/);
    expectSame(loaded, await full());
  });

  it('a crash while writing a snapshot loses nothing: a leftover temporary file is never read', async () => {
    await run(journalStorage(dir), 50);
    const good = readFileSync(snap());
    // the crash: a half-written temporary file beside the snapshot, which was never renamed
    writeFileSync(`${snap()}.999999.tmp`, good.subarray(0, good.length >> 1));
    expectSame(await loadStudy('s', { storage: journalStorage(dir), onWarning }), await full());
    expect(warnings).toEqual([]);
    expect(await journalStorage(dir).list()).toEqual(['s']);
  });

  it('warns again about the lines it covers that a full read warns about', async () => {
    await run(journalStorage(dir), 40);
    const text = readFileSync(file(), 'utf8');
    const lines = text.split('\n');
    // a torn line and an end before its trial, in the middle
    lines.splice(10, 0, '{"type":"trial","id":"cut', '{"type":"done","id":"nobody","value":1,"time":1}');
    writeFileSync(file(), lines.join('\n'));
    rmSync(snap());
    const expected = (await loadStudy('s', { storage: journalStorage(dir), onWarning })).trials.map(summary);
    const first = warnings.map((w) => [w.kind, w.at]);
    expect(first.map((w) => w[0]).sort()).toEqual(['out-of-order', 'torn']);
    await run(journalStorage(dir), 45); // writes a snapshot over those lines
    warnings = [];
    const study = await Study.open(journalStorage(dir), 's', { api: 'test', readOnly: true, onWarning });
    expect(study.restored).toBe(true);
    await study.close();
    expect(warnings.map((w) => [w.kind, w.at])).toEqual(first);
    expect((await loadStudy('s', { storage: journalStorage(dir), onWarning: () => undefined })).trials.slice(0, expected.length).map(summary)).toEqual(
      expected,
    );
  });

  it('opens a journal of format 1 (no version), and snapshots it', async () => {
    copyFileSync(join(import.meta.dirname, '../storage/fixtures/format-1.jsonl'), file());
    const before = await loadStudy('s', { storage: journalStorage(dir), onWarning });
    expect(before.trials.length).toBeGreaterThan(0);
    expect(existsSync(snap())).toBe(false); // reading writes nothing
    const study = await Study.open(journalStorage(dir), 's', { api: 'test', onWarning });
    await study.snapshot(true, true);
    await study.close();
    expect(existsSync(snap())).toBe(true);
    expectSame(await loadStudy('s', { storage: journalStorage(dir), onWarning }), before);
    expect(warnings).toEqual([]);
  });
});

describe('study snapshots (Redis)', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('are kept in <prefix>:snapshot:<name>, used, and ignored with a warning when corrupt', async () => {
    const storage = redisStorage({ url: server.url, prefix: 'snaptest' });
    const ran = await run(storage, 45, 'r s');
    const raw = new Redis(server.url);
    try {
      expect(await raw.exists('snaptest:snapshot:r%20s')).toBe(1);
      const warnings: JournalWarning[] = [];
      const study = await Study.open(storage, 'r s', { api: 'test', readOnly: true, onWarning: (w) => warnings.push(w) });
      expect(study.restored).toBe(true);
      await study.close();
      const loaded = await loadStudy('r s', { storage, onWarning: (w) => warnings.push(w) });
      expectSame(loaded, ran);
      const plain = await Study.open(storage, 'r s', { api: 'test', readOnly: true, snapshot: false, onWarning: (w) => warnings.push(w) });
      expect(plain.restored).toBe(false);
      expect(plain.states.snapshot().map(summary)).toEqual(loaded.trials.map(summary));
      await plain.close();
      expect(warnings).toEqual([]);

      // a resume snapshots again from the restored projection: one value, the restored trials' bytes passed on
      const before = await raw.getBuffer('snaptest:snapshot:r%20s');
      const more = await run(storage, 110, 'r s');
      expect((await raw.getBuffer('snaptest:snapshot:r%20s'))?.equals(before as Buffer)).toBe(false);
      const reopened = await Study.open(storage, 'r s', { api: 'test', readOnly: true, onWarning: (w) => warnings.push(w) });
      expect(reopened.restored).toBe(true);
      expect(reopened.journal.events).toHaveLength(0);
      await reopened.close();
      expectSame(await loadStudy('r s', { storage, onWarning: (w) => warnings.push(w) }), more);
      expect(warnings).toEqual([]);

      const data = await raw.getBuffer('snaptest:snapshot:r%20s');
      await raw.set('snaptest:snapshot:r%20s', (data as Buffer).subarray(0, 100));
      const again = await loadStudy('r s', { storage, onWarning: (w) => warnings.push(w) });
      expect(warnings.map((w) => w.kind)).toEqual(['snapshot']);
      expectSame(again, more);
      expect(again.trials.slice(0, ran.trials.length).map(summary)).toEqual(ran.trials.map(summary));
    } finally {
      raw.disconnect();
    }
  });
});

describe('TrialStates snapshots (property)', () => {
  const ids = ['a', 'b', 'c', 'd'];
  const event = fc.oneof(
    fc.record({
      type: fc.constant('trial' as const),
      id: fc.constantFrom(...ids),
      dna: fc.tuple(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.nat(3)),
      candidate: fc.jsonValue(),
      time: fc.nat(),
      owner: fc.constantFrom('h:1', 'h:2'),
      hash: fc.option(fc.constantFrom('x', 'y'), { nil: undefined }),
    }),
    fc.record({
      type: fc.constant('report' as const),
      id: fc.constantFrom(...ids),
      value: fc.double({ noNaN: true, noDefaultInfinity: true }),
      step: fc.option(fc.nat(9), { nil: undefined }),
      time: fc.nat(),
    }),
    fc.record({
      type: fc.constant('done' as const),
      id: fc.constantFrom(...ids),
      value: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: undefined }),
      time: fc.nat(),
      cached: fc.option(fc.boolean(), { nil: undefined }),
    }),
    fc.record({
      type: fc.constant('fail' as const),
      id: fc.constantFrom(...ids),
      // any text, not only ASCII: a snapshot's columns are decoded as Latin-1 only when all ASCII
      error: fc.string({ unit: 'grapheme' }),
      code: fc.option(fc.string({ unit: 'grapheme' }), { nil: undefined }),
      time: fc.nat(),
    }),
    fc.record({ type: fc.constant('prune' as const), id: fc.constantFrom(...ids), time: fc.nat() }),
    fc.record({ type: fc.constant('abandon' as const), id: fc.constantFrom(...ids), reason: fc.string({ unit: 'grapheme' }), time: fc.nat() }),
    fc.record({ type: fc.constant('withdraw' as const), id: fc.constantFrom(...ids), reason: fc.string(), time: fc.nat() }),
    fc.record({
      type: fc.constant('claim' as const),
      id: fc.constantFrom(...ids),
      owner: fc.constantFrom('h:1', 'h:2'),
      from: fc.constantFrom('h:1', 'h:2'),
      time: fc.nat(),
    }),
    fc.record({
      type: fc.constant('session' as const),
      id: fc.constantFrom('s1', 's2'),
      owner: fc.constantFrom('h:1', 'h:2'),
      time: fc.nat({ max: 20_000 }),
      end: fc.option(fc.boolean(), { nil: undefined }),
      heartbeat: fc.option(fc.integer({ min: 1, max: 1000 }), { nil: undefined }),
      beat: fc.option(fc.boolean(), { nil: undefined }),
    }),
  );
  /** Events as a journal gives them back (their JSON round trip: no undefined keys, -0 as 0). */
  const events = fc.array(event, { maxLength: 30 }).map((list) => list.map((e) => JSON.parse(JSON.stringify(e)) as JournalEvent));
  const view = (s: TrialStates): unknown => ({
    trials: s.snapshot().map(summary),
    proposals: s.proposals.map((t) => [t.id, t.withdrawn, t.state, t.attempts, t.steps, t.hashed, t.seq, t.endSeq]),
    running: [...s.running].map((t) => t.id),
    sessions: s.sessions.map((x) => ({ ...x })),
    counted: s.counted,
    cached: s.cached,
    steps: s.steps,
    events: s.events,
    // liveness: which owners are silent at a few moments
    silent: ['h:1', 'h:2'].flatMap((owner) => [0, 5_000, 20_000, 1e7].map((now) => s.silent(owner, now))),
  });

  it('restoring a snapshot gives the projection, and events after it apply the same', () => {
    fc.assert(
      fc.property(events, events, (before, after) => {
        const live = new TrialStates();
        for (const e of before) live.apply(e);
        const restored = TrialStates.fromSnapshot(live.toSnapshot());
        expect(view(restored)).toEqual(view(live));
        for (const e of after) expect(restored.apply(e)).toEqual(live.apply(e));
        expect(view(restored)).toEqual(view(live));
      }),
      { numRuns: 300 },
    );
  });
});
