/**
 * The projection's memory: an ended trial lets its DNA go and reads it again from the JSON form
 * its trial event holds; a running trial keeps it.
 */
import { describe, expect, it } from 'vitest';
import { DNA } from '../../../src/geno/dna.js';
import { decodeIntColumn } from '../../../src/tuning/int-column.js';
import { TrialStates } from '../../../src/tuning/trial-states.js';
import type { JournalEvent } from '../../../src/storage/storage.js';

describe('TrialStates.release', () => {
  it("lets an ended trial's DNA go and rebuilds an equal one from the event's JSON form; a running trial keeps its DNA", () => {
    const states = new TrialStates();
    const own = DNA.parse('DNA([0.25, 3, (1, [0, 2])])');
    const other = DNA.parse('DNA([0.5, 1, 0])');
    expect(states.apply({ type: 'trial', id: 'a', dna: own.toJSON(), candidate: { x: 0.25 }, time: 1, owner: 'h:1' }, own)).toBeUndefined();
    expect(states.apply({ type: 'trial', id: 'b', dna: other.toJSON(), candidate: { x: 0.5 }, time: 1, owner: 'h:1' }, other)).toBeUndefined();
    const a = states.get('a');
    const b = states.get('b');
    if (a === undefined || b === undefined) throw new Error('no trials');
    expect(a.dna).toBe(own);
    states.release(b); // running: kept
    expect(b.dna).toBe(other);
    expect(states.apply({ type: 'done', id: 'a', value: 1, time: 2 })).toBeUndefined();
    states.release(a);
    const again = a.dna;
    expect(again).not.toBe(own);
    expect(again.toString()).toBe(own.toString());
    expect(a.dna).toBe(again); // built once, then kept until released again
  });
});

describe('TrialStates.fromSnapshot', () => {
  it('reads each trial’s DNA and candidate from the payload’s bytes, multi-byte UTF-8 included, as a string or a buffer', () => {
    const states = new TrialStates();
    const names = ['plain', 'héllo — 日本語', '🙂 emoji\u2028sep', ''];
    names.forEach((name, i) => {
      const dna = DNA.parse(`DNA([${i}, 0.5])`);
      states.apply({ type: 'trial', id: `t${i}`, dna: dna.toJSON(), candidate: { name, i }, time: 10 + i, owner: 'h:1' }, dna);
      if (i % 2 === 0) states.apply({ type: 'done', id: `t${i}`, value: i, time: 20 + i });
    });
    const payload = states.toSnapshot();
    for (const restored of [TrialStates.fromSnapshot(payload), TrialStates.fromSnapshot(Buffer.from(payload, 'utf8'))]) {
      expect(restored.trials.map((t) => [t.id, t.state, t.dna.toString(), t.candidate])).toEqual(
        names.map((name, i) => [`t${i}`, i % 2 === 0 ? 'completed' : 'running', `DNA([${i}, 0.5])`, { name, i }]),
      );
      expect(restored.toSnapshot()).toBe(payload); // texts read back byte for byte
    }
  });

  it('passes a restored trial’s texts on to the next snapshot as the bytes they were, one part per run of trials', () => {
    const events = (from: number, to: number): [JournalEvent, DNA][] =>
      Array.from({ length: to - from }, (_, k) => {
        const i = from + k;
        const dna = DNA.parse(`DNA([${i % 3}, ${i / 7}])`);
        return [{ type: 'trial', id: `t${i}`, dna: dna.toJSON(), candidate: { name: `é${i}`, x: i / 7 }, time: 10 + i, owner: 'h:1' }, dna];
      });
    const live = new TrialStates();
    for (const [event, dna] of events(0, 6)) live.apply(event, dna);
    const restored = TrialStates.fromSnapshot(Buffer.from(live.toSnapshot(), 'utf8'));
    expect(restored.trials[2]?.candidate).toEqual({ name: 'é2', x: 2 / 7 }); // parsed: its bytes still pass on
    for (const [event, dna] of events(6, 9)) {
      live.apply(event, dna);
      restored.apply(event, dna);
    }
    const parts = restored.toSnapshotLines();
    // the columns, the 6 restored trials' 12 lines as they were, then the new trials' 6 lines made into one part
    expect(parts.map((part) => (typeof part === 'string' ? 'text' : 'bytes'))).toEqual(['text', 'bytes', 'bytes']);
    expect((parts[2] as Buffer).toString('utf8').split('\n')).toHaveLength(6);
    expect(restored.toSnapshot()).toBe(live.toSnapshot());
    // and again from that snapshot: still byte for byte, with every trial's texts in one run
    const again = TrialStates.fromSnapshot(Buffer.from(restored.toSnapshot(), 'utf8'));
    expect(again.toSnapshotLines().filter((part) => typeof part !== 'string')).toHaveLength(1);
    expect(again.toSnapshot()).toBe(live.toSnapshot());
    expect(again.trials.map((t) => t.candidate)).toEqual(live.trials.map((t) => t.candidate));
  });

  it('takes the texts of the first trials from `reuse` as they are, and makes only the others', () => {
    const states = new TrialStates();
    for (let i = 0; i < 5; i++) {
      const dna = DNA.parse(`DNA(${i})`);
      states.apply({ type: 'trial', id: `t${i}`, dna: dna.toJSON(), candidate: { i }, time: i, owner: 'h:1' }, dna);
    }
    const made = states.toSnapshot().split('\n');
    // bytes standing for the first 3 trials' 6 lines (a marker here, to see that they are used as given)
    const marker = Buffer.from(['a', 'b', 'c', 'd', 'e', 'f'].join('\n'));
    const parts = states.toSnapshotLines({ rows: 3, bytes: marker });
    expect(parts[1]).toBe(marker);
    const lines = parts
      .map((part) => (typeof part === 'string' ? part : part.toString('utf8')))
      .join('\n')
      .split('\n');
    expect(lines).toEqual([made[0], 'a', 'b', 'c', 'd', 'e', 'f', ...made.slice(7)]);
    // more rows than there are trials, or none: not used
    expect(states.toSnapshotLines({ rows: 6, bytes: marker }).join('\n')).toBe(states.toSnapshot());
    expect(states.toSnapshotLines({ rows: 0, bytes: marker }).join('\n')).toBe(states.toSnapshot());
  });

  it('refuses a payload with a line too many or too few', () => {
    const states = new TrialStates();
    const dna = DNA.parse('DNA(1)');
    states.apply({ type: 'trial', id: 'a', dna: dna.toJSON(), candidate: { x: 1 }, time: 1, owner: 'h:1' }, dna);
    const payload = states.toSnapshot();
    expect(() => TrialStates.fromSnapshot(`${payload}\n{}`)).toThrow(/one row per trial/);
    expect(() => TrialStates.fromSnapshot(payload.slice(0, payload.lastIndexOf('\n')))).toThrow(/one row per trial/);
  });
});

describe('the snapshot columns', () => {
  const build = (times: readonly number[]): TrialStates => {
    const states = new TrialStates();
    times.forEach((time, i) => {
      const dna = DNA.parse(`DNA(${i})`);
      states.apply({ type: 'trial', id: `t${i}`, dna: dna.toJSON(), candidate: { i }, time, owner: 'h:1' }, dna);
      if (i !== 1) states.apply({ type: 'done', id: `t${i}`, value: i / 3, time: time + 7 });
    });
    states.apply({ type: 'claim', id: 't1', owner: 'h:2', from: 'h:1', time: 1_796_000_000_500 });
    return states;
  };
  const rows = (s: TrialStates): unknown[] => s.trials.map((t) => [t.id, t.state, t.started, t.ended, t.since, t.seq, t.endSeq, t.owner, t.value]);

  const INT_COLUMNS = ['state', 'started', 'ended', 'owner', 'flags', 'attempts', 'since', 'steps', 'seq', 'endSeq'];
  const columnsOf = (payload: string): Record<string, unknown> => JSON.parse(payload.slice(0, payload.indexOf('\n'))) as Record<string, unknown>;
  /** `payload` with its columns replaced by `columns`. */
  const withColumns = (payload: string, columns: Record<string, unknown>): string => `${JSON.stringify(columns)}${payload.slice(payload.indexOf('\n'))}`;

  it('keep times and event indices as differences, and integer columns as strings (format 4), and read them back whole', () => {
    const live = build([1_796_000_000_000, 1_796_000_000_040, 1_796_000_000_041, 1_795_999_999_000]);
    const payload = live.toSnapshot();
    const columns = columnsOf(payload);
    expect(columns.states).toBe(4);
    for (const name of INT_COLUMNS) expect(typeof columns[name], name).toBe('string');
    expect(decodeIntColumn(columns.started as string, 4)).toEqual([1_796_000_000_000, 40, 1, -1_041]);
    expect(decodeIntColumn(columns.endSeq as string, 4)).toEqual([1, null, 1, 1]);
    expect(rows(TrialStates.fromSnapshot(payload))).toEqual(rows(live));
  });

  it('of format 3 (integer columns as arrays, written before format 4) are still read', () => {
    const live = build([1_796_000_000_000, 1_796_000_000_040, 1_796_000_000_041, 1_795_999_999_000]);
    const payload = live.toSnapshot();
    const columns = columnsOf(payload);
    for (const name of INT_COLUMNS) columns[name] = decodeIntColumn(columns[name] as string, 4);
    columns.states = 3;
    expect(columns.started).toEqual([1_796_000_000_000, 40, 1, -1_041]);
    const old = withColumns(payload, columns);
    expect(rows(TrialStates.fromSnapshot(old))).toEqual(rows(live));
    // a string column is format 4's only
    expect(() => TrialStates.fromSnapshot(withColumns(payload, { ...columns, steps: 'AAAA' }))).toThrow(/one row per trial/);
  });

  it('of format 4 with a corrupt integer column are refused with what is wrong', () => {
    const live = build([1_796_000_000_000, 1_796_000_000_040, 1_796_000_000_041, 1_795_999_999_000]);
    const payload = live.toSnapshot();
    const columns = columnsOf(payload);
    expect(() => TrialStates.fromSnapshot(withColumns(payload, { ...columns, flags: 'AAA' }))).toThrow('an integer column has 3 entries, not 4');
    expect(() => TrialStates.fromSnapshot(withColumns(payload, { ...columns, flags: 'AA*A' }))).toThrow(
      'an integer column has a character outside its alphabet at 2',
    );
    expect(() => TrialStates.fromSnapshot(withColumns(payload, { ...columns, flags: 12 }))).toThrow(
      'an integer column is neither a string nor an array of 4 numbers',
    );
    expect(() => TrialStates.fromSnapshot(withColumns(payload, { ...columns, flags: [0, 0, 'x', 0] }))).toThrow(
      'an integer column is neither a string nor an array of 4 numbers',
    );
  });

  it('keep whole values (format 2, which is still read) when a time is not a safe integer', () => {
    const live = build([1.5, 2.25, 3, 4]);
    const payload = live.toSnapshot();
    expect((JSON.parse(payload.slice(0, payload.indexOf('\n'))) as { states: number }).states).toBe(2);
    expect(rows(TrialStates.fromSnapshot(payload))).toEqual(rows(live));
  });
});

describe('TrialStates from a snapshot: the indexes by id and by hash', () => {
  /** A projection with dedupe hashes (two trials share one), a withdrawn trial and a running one. */
  function live(): TrialStates {
    const states = new TrialStates();
    const hashes = ['h0', 'h1', 'h0', null, 'h2', 'h1'];
    hashes.forEach((hash, i) => {
      const dna = DNA.parse(`DNA([${i}])`);
      states.apply({ type: 'trial', id: `t${i}`, dna: dna.toJSON(), candidate: { i }, time: i, owner: 'h:1', hash }, dna);
    });
    states.apply({ type: 'withdraw', id: 't4', reason: 'over the budget', time: 9 });
    for (const i of [0, 1, 2, 3]) states.apply({ type: 'done', id: `t${i}`, value: i, time: 10 + i });
    return states;
  }
  const ids = (ts: readonly { id: string }[]): string[] => ts.map((t) => t.id);

  it('answers by id (withdrawn trials too) and by hash (in order) as the live projection does', () => {
    const original = live();
    const restored = TrialStates.fromSnapshot(original.toSnapshot());
    for (const id of ['t0', 't1', 't2', 't3', 't4', 't5']) {
      expect(restored.get(id)?.number).toBe(original.get(id)?.number);
      expect(restored.get(id)?.withdrawn).toBe(original.get(id)?.withdrawn);
    }
    expect(restored.get('t9')).toBeUndefined();
    for (const hash of ['h0', 'h1', 'h2', 'none']) expect(ids(restored.withHash(hash))).toEqual(ids(original.withHash(hash)));
    expect(ids(restored.withHash('h0'))).toEqual(['t0', 't2']);
    expect(restored.withHash('h2')).toEqual([]); // withdrawn: not one of the study's trials
  });

  it('after a snapshot, a trial recorded again is a duplicate, and a withdrawal leaves the hash index', () => {
    for (const askFirst of [false, true]) {
      const restored = TrialStates.fromSnapshot(live().toSnapshot());
      // indexed before or after the next events: the same answers
      if (askFirst) expect(ids(restored.withHash('h1'))).toEqual(['t1', 't5']);
      // another process's trial event (read from the journal, no DNA given) of an id the snapshot holds
      expect(restored.apply({ type: 'trial', id: 't0', dna: [0], candidate: { i: 0 }, time: 20, owner: 'h:2', hash: 'h0' })).toMatchObject({
        kind: 'duplicate',
      });
      expect(restored.apply({ type: 'withdraw', id: 't5', reason: 'over the budget', time: 21 })).toBeUndefined();
      const fresh = DNA.parse('DNA([7])');
      expect(restored.apply({ type: 'trial', id: 't7', dna: fresh.toJSON(), candidate: { i: 7 }, time: 22, owner: 'h:2', hash: 'h1' }, fresh)).toBeUndefined();
      expect(ids(restored.withHash('h1'))).toEqual(['t1', 't7']);
      expect(ids(restored.withHash('h0'))).toEqual(['t0', 't2']);
      expect(restored.get('t7')?.number).toBe(4); // t4 and t5 withdrawn
      // the loop's own trial recorded twice after the snapshot is a duplicate too
      expect(restored.apply({ type: 'trial', id: 't7', dna: fresh.toJSON(), candidate: { i: 7 }, time: 23, owner: 'h:2' }, fresh)).toMatchObject({
        kind: 'duplicate',
      });
      expect(restored.apply({ type: 'done', id: 't7', value: 7, time: 24 })).toBeUndefined();
      expect(restored.get('t7')?.value).toBe(7);
      expect(restored.get('t1')?.value).toBe(1);
    }
  });
  it("a resumed search's own trials are found, and their duplicates caught, before the snapshot's trials are indexed", () => {
    const restored = TrialStates.fromSnapshot(live().toSnapshot());
    const dna = DNA.parse('DNA([8])');
    const own = { type: 'trial', id: 'own:1', dna: dna.toJSON(), candidate: { i: 8 }, time: 30, owner: 'h:3' } as const;
    expect(restored.apply(own, dna)).toBeUndefined();
    expect(restored.apply(own, dna)).toMatchObject({ kind: 'duplicate' });
    expect(restored.apply({ type: 'report', id: 'own:1', value: 0.5, step: 1, time: 31 })).toBeUndefined();
    expect(restored.apply({ type: 'done', id: 'own:1', value: 8, time: 32 })).toBeUndefined();
    expect(restored.get('own:1')).toMatchObject({ value: 8, number: 5, state: 'completed' });
    expect(restored.trials.map((t) => t.id)).toEqual(['t0', 't1', 't2', 't3', 't5', 'own:1']);
    // then a snapshot trial: the whole index, the own trial in it
    expect(restored.get('t4')?.withdrawn).toBe(true);
    expect(restored.get('own:1')?.value).toBe(8);
    expect(restored.apply({ type: 'done', id: 't5', value: 5, time: 33 })).toBeUndefined();
    expect(restored.get('t5')?.value).toBe(5);
  });
});
