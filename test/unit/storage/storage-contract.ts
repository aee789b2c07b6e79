import { describe, expect, it } from 'vitest';
import { PliantError } from '../../../src/base/errors.js';
import type { JournalEvent, Storage } from '../../../src/storage/storage.js';

/** One event of every kind, with every optional field somewhere. */
export const allKinds: readonly JournalEvent[] = [
  { type: 'study', study: 's', time: 1, meta: { space: 'mlp', tags: ['a', 1, true, null], nested: { x: 1.5 } } },
  { type: 'study', study: 's', time: 2 },
  { type: 'trial', id: 't1', dna: [0, { value: 1, children: [0.25, 'abc'] }, [2, 3]], candidate: { $type: 'Mlp', units: 64 }, time: 3, owner: 'host:1' },
  { type: 'report', id: 't1', value: 0.5, step: 10, metrics: { loss: 0.7 }, time: 4 },
  { type: 'report', id: 't1', value: { acc: 0.9, latency: 3 }, time: 5 },
  { type: 'done', id: 't1', value: 0.75, metrics: { acc: 0.75 }, time: 6 },
  { type: 'done', id: 't2', time: 7 },
  { type: 'fail', id: 't3', error: 'boom\nwith a newline and "quotes" and ünïcødé 🎉', time: 8 },
  { type: 'abandon', id: 't4', reason: 'owner host:2 died', time: 9 },
  { type: 'prune', id: 't5', time: 10 },
];

/** A numbered trial event. */
export function trial(id: string, owner = 'test:0', padding = 0): JournalEvent {
  return { type: 'trial', id, dna: [1, 2], candidate: { pad: 'x'.repeat(padding) }, time: 0, owner };
}

/**
 * The behaviour every {@link Storage} shares, run against a fresh storage from `make` per test.
 */
export function storageContract(label: string, make: () => Storage | Promise<Storage>): void {
  describe(`${label}: the Storage contract`, () => {
    it('records every kind of event and reads it back the same', async () => {
      const storage = await make();
      const journal = await storage.open('round-trip');
      expect(journal.study).toBe('round-trip');
      expect(journal.events).toEqual([]);
      for (const event of allKinds) await journal.append(event);
      expect(journal.events).toEqual(allKinds);
      await journal.close();
      const again = await storage.open('round-trip');
      expect(again.events).toEqual(allKinds);
      await again.close();
    });

    it('keeps a copy, not the object given to append', async () => {
      const storage = await make();
      const journal = await storage.open('copy');
      const meta = { n: 1 };
      await journal.append({ type: 'study', study: 'copy', time: 0, meta });
      meta.n = 2;
      expect(journal.events).toEqual([{ type: 'study', study: 'copy', time: 0, meta: { n: 1 } }]);
      await journal.close();
    });

    it('replays a study when it is opened again, and appends after the replayed events', async () => {
      const storage = await make();
      const first = await storage.open('replay');
      await first.append(trial('a'));
      await first.append(trial('b'));
      await first.close();
      const second = await storage.open('replay');
      expect(second.events.map(id)).toEqual(['a', 'b']);
      expect(await second.refresh()).toEqual([]);
      await second.append(trial('c'));
      await second.close();
      const third = await storage.open('replay');
      expect(third.events.map(id)).toEqual(['a', 'b', 'c']);
      await third.close();
    });

    it('keeps studies apart', async () => {
      const storage = await make();
      const a = await storage.open('a');
      const b = await storage.open('b');
      await a.append(trial('in-a'));
      expect(await b.refresh()).toEqual([]);
      expect(b.events).toEqual([]);
      await a.close();
      await b.close();
    });

    it('accepts any non-empty name, and rejects the empty one', async () => {
      const storage = await make();
      for (const name of ['a/b', '../up', '.', '..', 'with space?#%', 'ünï 🎉', 'CON']) {
        const journal = await storage.open(name);
        await journal.append(trial(name));
        await journal.close();
        const again = await storage.open(name);
        expect(again.events.map(id)).toEqual([name]);
        await again.close();
      }
      await expect(storage.open('')).rejects.toThrow(PliantError);
    });

    it('refresh returns what other handles appended since the last read, not its own', async () => {
      const storage = await make();
      const a = await storage.open('shared');
      const b = await storage.open('shared');
      await a.append(trial('a1'));
      await a.append(trial('a2'));
      expect(b.events).toEqual([]);
      expect((await b.refresh()).map(id)).toEqual(['a1', 'a2']);
      expect(await b.refresh()).toEqual([]);
      await b.append(trial('b1'));
      expect(await b.refresh()).toEqual([]);
      expect(b.events.map(id)).toEqual(['a1', 'a2', 'b1']);
      await a.append(trial('a3'));
      expect((await a.refresh()).map(id)).toEqual(['b1']);
      // each handle's view holds every event; a fresh open gives the storage's order
      expect(new Set(a.events.map(id))).toEqual(new Set(['a1', 'a2', 'b1', 'a3']));
      expect((await b.refresh()).map(id)).toEqual(['a3']);
      expect(new Set(b.events.map(id))).toEqual(new Set(a.events.map(id)));
      await a.close();
      await b.close();
      const c = await storage.open('shared');
      expect(c.events.map(id)).toEqual(['a1', 'a2', 'b1', 'a3']);
      await c.close();
    });

    it('events of others taken in by append are still returned by the next refresh', async () => {
      const storage = await make();
      const a = await storage.open('taken-in');
      const b = await storage.open('taken-in');
      await a.append(trial('a1'));
      await b.append(trial('b1'));
      expect(b.events.map(id)).toContain('b1');
      expect((await b.refresh()).map(id)).toEqual(['a1']);
      expect(new Set(b.events.map(id))).toEqual(new Set(['a1', 'b1']));
      await a.close();
      await b.close();
    });

    it('two handles appending at once: every event once, in the same order in both', async () => {
      const storage = await make();
      const a = await storage.open('race');
      const b = await storage.open('race');
      await Promise.all(Array.from({ length: 50 }, (_, i) => [a.append(trial(`a${i}`, 'a', i * 100)), b.append(trial(`b${i}`, 'b', i * 100))]).flat());
      await a.refresh();
      await b.refresh();
      expect(a.events).toHaveLength(100);
      expect(new Set(b.events.map(id))).toEqual(new Set(a.events.map(id)));
      await a.close();
      await b.close();
      const c = await storage.open('race');
      const ids = c.events.map(id);
      expect(new Set(ids).size).toBe(100);
      // Each handle's own events keep the order it appended them in.
      expect(ids.filter((x) => x.startsWith('a'))).toEqual(Array.from({ length: 50 }, (_, i) => `a${i}`));
      expect(ids.filter((x) => x.startsWith('b'))).toEqual(Array.from({ length: 50 }, (_, i) => `b${i}`));
      await c.close();
    });

    it('rejects an event that is not a journal event, recording nothing', async () => {
      const storage = await make();
      const journal = await storage.open('bad-event');
      const bad: unknown[] = [
        { type: 'nope', time: 1 },
        { type: 'trial', id: 't', dna: [0], candidate: null, time: 'now', owner: 'o' },
        { type: 'report', id: 't', time: 1 },
        { type: 'trial', id: 't', dna: [{ value: 1 }], candidate: null, time: 1, owner: 'o' },
        null,
      ];
      for (const event of bad) {
        const error = await journal.append(event as JournalEvent).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(PliantError);
        expect((error as PliantError).code).toBe('argument');
      }
      expect(journal.events).toEqual([]);
      await journal.close();
      const again = await storage.open('bad-event');
      expect(again.events).toEqual([]);
      await again.close();
    });

    it('lists its studies, says whether one exists, and opens read-only without creating anything', async () => {
      const storage = await make();
      expect(await storage.exists('b/2')).toBe(false);
      await expect(storage.open('b/2', { readOnly: true })).rejects.toThrow(/no study named 'b\/2'/);
      expect(await storage.exists('b/2')).toBe(false);
      for (const name of ['b/2', 'a 1']) {
        const journal = await storage.open(name);
        await journal.append(trial(name));
        await journal.close();
      }
      expect(await storage.exists('b/2')).toBe(true);
      expect(await storage.list()).toEqual(['a 1', 'b/2']);
      const reader = await storage.open('b/2', { readOnly: true });
      expect(reader.events.map(id)).toEqual(['b/2']);
      expect(reader.locate(0)).toContain(reader.where);
      const refused = await reader.append(trial('x')).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(refused).toBeInstanceOf(PliantError);
      expect((refused as PliantError).code).toBe('state');
      await reader.close();
      const again = await storage.open('b/2');
      expect(again.events.map(id)).toEqual(['b/2']);
      await again.close();
    });

    it('refuses to write to a study of a newer journal format, and reads it read-only', async () => {
      const storage = await make();
      const journal = await storage.open('future');
      await journal.append({ type: 'study', study: 'future', time: 1, version: 99 });
      await journal.append(trial('t'));
      await journal.close();
      const warnings: unknown[] = [];
      const error = await storage.open('future', { onWarning: (w) => warnings.push(w) }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(PliantError);
      expect((error as PliantError).code).toBe('state');
      const reader = await storage.open('future', { readOnly: true, onWarning: (w) => warnings.push(w) });
      expect(reader.events.map(id)).toEqual(['study:future', 't']);
      await reader.close();
      expect(warnings).toContainEqual(expect.objectContaining({ kind: 'version' }));
    });

    it('keeps one order for every reader: an append after others lands after them in every view', async () => {
      const storage = await make();
      const a = await storage.open('order');
      const b = await storage.open('order');
      await a.append(trial('a1'));
      await b.append(trial('b1'));
      await a.append(trial('a2'));
      expect(a.events.map(id)).toEqual(['a1', 'b1', 'a2']);
      await b.refresh();
      expect(b.events.map(id)).toEqual(['a1', 'b1', 'a2']);
      await a.close();
      await b.close();
    });

    it('appending or refreshing after close is a PliantError; closing twice is fine', async () => {
      const storage = await make();
      const journal = await storage.open('closed');
      await journal.append(trial('x'));
      await journal.close();
      await journal.close();
      await expect(journal.append(trial('y'))).rejects.toThrow(PliantError);
      await expect(journal.append(trial('y'))).rejects.toThrow(/closed/);
      await expect(journal.refresh()).rejects.toThrow(PliantError);
      const again = await storage.open('closed');
      expect(again.events.map(id)).toEqual(['x']);
      await again.close();
    });
  });
}

function id(event: JournalEvent): string {
  return 'id' in event ? event.id : `study:${event.study}`;
}
