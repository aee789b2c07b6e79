import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MockInstance } from 'vitest';
import { journalStorage } from '../../../src/storage/journal-storage.js';
import { journalEventSchema } from '../../../src/storage/journal-event-schema.js';
import { PliantError } from '../../../src/base/errors.js';
import type { JournalEvent } from '../../../src/storage/storage.js';
import { allKinds, storageContract, trial } from './storage-contract.js';

const root = mkdtempSync(join(tmpdir(), 'pliant-journal-'));
let counter = 0;
function tempDir(): string {
  return join(root, `d${counter++}`, 'nested');
}
afterAll(() => rmSync(root, { recursive: true, force: true }));

storageContract('journalStorage', () => journalStorage(tempDir()));

const line = (event: JournalEvent): string => `${JSON.stringify(event)}\n`;

describe('journalStorage', () => {
  let warnings: MockInstance<typeof process.emitWarning>;
  beforeEach(() => {
    warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  });
  afterEach(() => warnings.mockRestore());

  const warned = (): string[] => warnings.mock.calls.map((call) => String(call[0]));

  it('keeps a study in <dir>/<encoded name>.jsonl, one JSON line per event, creating dir', async () => {
    const dir = tempDir();
    const storage = journalStorage(dir);
    expect(storage.description).toBe(`journal:${dir}`);
    expect(existsSync(dir)).toBe(false);
    const journal = await storage.open('my study/1');
    for (const event of allKinds) await journal.append(event);
    await journal.close();
    expect(readdirSync(dir)).toEqual(['my%20study%2F1.jsonl']);
    const text = readFileSync(join(dir, 'my%20study%2F1.jsonl'), 'utf8');
    expect(text).toBe(allKinds.map(line).join(''));
    expect(warned()).toEqual([]);
  });

  it('rejects an empty folder', () => {
    expect(() => journalStorage('')).toThrow(PliantError);
  });

  it('skips a torn last line with a warning, leaves it, and appends on a fresh line', async () => {
    const dir = tempDir();
    const file = join(dir, 'torn.jsonl');
    const a = trial('a');
    const torn = line(trial('b')).slice(0, 25);
    await (await journalStorage(dir).open('torn')).close();
    writeFileSync(file, line(a) + torn);

    const journal = await journalStorage(dir).open('torn');
    expect(journal.events).toEqual([a]);
    expect(warned()).toHaveLength(1);
    expect(warned()[0]).toContain(file);
    expect(warned()[0]).toContain(`${file}:2: the last line has no newline`);
    expect(readFileSync(file, 'utf8')).toBe(line(a) + torn);

    const c = trial('c');
    await journal.append(c);
    expect(journal.events).toEqual([a, c]);
    expect(await journal.refresh()).toEqual([]);
    expect(warned()).toHaveLength(1); // not warned again for the line it warned about on open
    await journal.close();
    expect(readFileSync(file, 'utf8')).toBe(`${line(a)}${torn}\n${line(c)}`);

    const again = await journalStorage(dir).open('torn');
    expect(again.events).toEqual([a, c]);
    expect(warned()).toHaveLength(2);
    expect(warned()[1]).toContain(`${file}:2: a write cut short by a crash`);
    const d = trial('d');
    await again.append(d);
    await again.close();
    expect(readFileSync(file, 'utf8')).toBe(`${line(a)}${torn}\n${line(c)}${line(d)}`);
  });

  it('a torn line left by another writer after open is cut off by the next append', async () => {
    const dir = tempDir();
    const file = join(dir, 'late-tear.jsonl');
    const journal = await journalStorage(dir).open('late-tear');
    await journal.append(trial('a'));
    appendFileSync(file, '{"type":"trial","id":"b","dn');
    await journal.append(trial('c'));
    expect(journal.events.map((e) => ('id' in e ? e.id : ''))).toEqual(['a', 'c']);
    await journal.close();
    // c was glued to the torn fragment: the append read its line back and kept the event, and so
    // does every later reader, each with a warning
    const again = await journalStorage(dir).open('late-tear');
    expect(again.events).toEqual(journal.events);
    await again.close();
    expect(warned()).toHaveLength(2);
    for (const w of warned()) expect(w).toContain(`${file}:2: starts with a write cut short by a crash`);
  });

  it('leaves a trailing line without its newline for a later refresh', async () => {
    const dir = tempDir();
    const file = join(dir, 'partial.jsonl');
    const journal = await journalStorage(dir).open('partial');
    const text = line(trial('p', 'other', 10_000));
    appendFileSync(file, text.slice(0, 5000));
    expect(await journal.refresh()).toEqual([]);
    appendFileSync(file, text.slice(5000));
    expect(await journal.refresh()).toEqual([trial('p', 'other', 10_000)]);
    expect(warned()).toEqual([]);
    await journal.close();
  });

  it('skips blank lines', async () => {
    const dir = tempDir();
    await (await journalStorage(dir).open('blank')).close();
    writeFileSync(join(dir, 'blank.jsonl'), `\n${line(trial('a'))}\n  \n${line(trial('b'))}`);
    const journal = await journalStorage(dir).open('blank');
    expect(journal.events).toEqual([trial('a'), trial('b')]);
    expect(warned()).toEqual([]);
    await journal.close();
  });

  it.each([
    ['not JSON', 'not json at all', /:2: not valid JSON/],
    ['complete JSON followed by junk', '{"type":"done","id":"x","time":1}}', /:2: not valid JSON/],
    ['JSON that is not an event', '{"type":"trial","id":1}', /:2: not a journal event at id/],
    ['an unknown event type', '{"type":"launch","time":1}', /:2: an unknown event type 'launch': skipped/],
    ['nested too deep', `{"type":"study","study":"s","time":1,"meta":${'['.repeat(100_000)}${']'.repeat(100_000)}}`, /:2: nested deeper than/],
  ])('a corrupt middle line (%s) is skipped with a warning naming the file and line; the rest is read, nothing is modified', async (_, bad, message) => {
    const dir = tempDir();
    const file = join(dir, 'corrupt.jsonl');
    await (await journalStorage(dir).open('corrupt')).close();
    const content = `${line(trial('a'))}${bad}\n${line(trial('b'))}`;
    writeFileSync(file, content);
    const journal = await journalStorage(dir).open('corrupt');
    expect(journal.events).toEqual([trial('a'), trial('b')]);
    expect(journal.locate(1)).toBe(`${file}:3`);
    await journal.close();
    expect(warned()).toHaveLength(1);
    expect(warned()[0]).toContain(file);
    expect(warned()[0]).toMatch(message);
    expect(readFileSync(file, 'utf8')).toBe(content);
  });

  it('a corrupt line found by refresh is skipped with a warning; the events around it are read', async () => {
    const dir = tempDir();
    const file = join(dir, 'corrupt-later.jsonl');
    const journal = await journalStorage(dir).open('corrupt-later');
    await journal.append(trial('a'));
    appendFileSync(file, `${line(trial('b'))}{oops}\n${line(trial('c'))}`);
    expect(await journal.refresh()).toEqual([trial('b'), trial('c')]);
    expect(journal.events).toEqual([trial('a'), trial('b'), trial('c')]);
    expect(warned()).toEqual([expect.stringMatching(/corrupt-later\.jsonl:3: not valid JSON/)]);
    await journal.close();
  });

  it('a torn write followed by a whole event on one line keeps the event, with a warning', async () => {
    const dir = tempDir();
    const file = join(dir, 'glued.jsonl');
    await (await journalStorage(dir).open('glued')).close();
    writeFileSync(file, `${line(trial('a'))}${line(trial('b')).slice(0, 30)}${line(trial('c'))}`);
    const journal = await journalStorage(dir).open('glued');
    expect(journal.events).toEqual([trial('a'), trial('c')]);
    expect(warned()).toEqual([expect.stringContaining(`${file}:2: starts with a write cut short by a crash`)]);
    await journal.close();
  });

  it('a 1 MB line of junk is rejected with a warning, and a huge valid event is read', async () => {
    const dir = tempDir();
    const file = join(dir, 'big.jsonl');
    await (await journalStorage(dir).open('big')).close();
    const junk = `{"type":"trial",${'{"type":"x",'.repeat(90_000)}`;
    const big = trial('big', 'o', 1_000_000);
    writeFileSync(file, `${junk}\n${line(big)}`);
    const journal = await journalStorage(dir).open('big');
    expect(journal.events).toEqual([big]);
    expect(warned()).toHaveLength(1);
    expect(warned()[0]).toMatch(/big\.jsonl:1: nested deeper than \d+ levels: skipped/);
    await journal.close();
  });

  it('refuses to add to a journal of a newer format, and reads it with a warning when read-only', async () => {
    const dir = tempDir();
    const file = join(dir, 'future.jsonl');
    await (await journalStorage(dir).open('future')).close();
    writeFileSync(file, `{"type":"study","study":"future","time":1,"version":99}\n${line(trial('a'))}{"type":"teleport","time":2}\n`);
    const error = await journalStorage(dir)
      .open('future')
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(PliantError);
    expect((error as PliantError).code).toBe('state');
    expect((error as PliantError).message).toMatch(/newer pliant \(journal format 99/);
    const reader = await journalStorage(dir).open('future', { readOnly: true });
    expect(reader.events.map((e) => e.type)).toEqual(['study', 'trial']);
    await expect(reader.append(trial('b'))).rejects.toThrow(/read-only/);
    await reader.close();
    expect(warned().some((w) => /future\.jsonl:1: written by a newer pliant/.test(w))).toBe(true);
    expect(warned().some((w) => /future\.jsonl:3: an event of a newer journal format \('teleport'\)/.test(w))).toBe(true);
  });

  it('opening read-only creates nothing, and a missing study is an error', async () => {
    const dir = tempDir();
    await expect(journalStorage(dir).open('nope', { readOnly: true })).rejects.toThrow(/no study named 'nope'/);
    expect(existsSync(dir)).toBe(false);
    expect(await journalStorage(dir).list()).toEqual([]);
    await (await journalStorage(dir).open('b/1')).close();
    await (await journalStorage(dir).open('a')).close();
    expect(await journalStorage(dir).list()).toEqual(['a', 'b/1']);
  });

  it('hands warnings to onWarning instead of process warnings', async () => {
    const dir = tempDir();
    const file = join(dir, 'sink.jsonl');
    await (await journalStorage(dir).open('sink')).close();
    writeFileSync(file, `junk\n${line(trial('a'))}`);
    const got: unknown[] = [];
    const journal = await journalStorage(dir).open('sink', { onWarning: (w) => got.push(w) });
    await journal.close();
    expect(got).toEqual([{ kind: 'malformed', at: `${file}:1`, message: expect.stringMatching(/^not valid JSON/) }]);
    expect(warned()).toEqual([]);
  });

  it('another process appending 200 events while this one appends 200: 400 whole lines', async () => {
    const dir = tempDir();
    const storage = journalStorage(dir);
    const mine = await storage.open('two-processes');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./fixtures/append-child.ts', import.meta.url)), dir, 'two-processes', '200'],
      {
        cwd: fileURLToPath(new URL('../../..', import.meta.url)),
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    await vi.waitFor(() => expect(out, err).toContain('ready'), { timeout: 30_000, interval: 20 });
    child.stdin.write('go\n');
    for (let i = 0; i < 200; i++) await mine.append(trial(`parent-${i}`, `parent:${process.pid}`, (i * 1_231) % 20_000));
    expect(await exited, err).toBe(0);
    expect(out).toContain('done');

    const text = readFileSync(join(dir, 'two-processes.jsonl'), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.slice(0, -1).split('\n');
    expect(lines).toHaveLength(400);
    const ids = lines.map((l) => {
      const event = journalEventSchema.parse(JSON.parse(l));
      expect(event.type).toBe('trial');
      return 'id' in event ? event.id : '';
    });
    expect(ids.filter((x) => x.startsWith('parent-'))).toEqual(Array.from({ length: 200 }, (_, i) => `parent-${i}`));
    const switches = ids.filter((x, i) => i > 0 && x.startsWith('child-') !== ids[i - 1]?.startsWith('child-')).length;
    expect(switches, 'the two processes did not write at the same time').toBeGreaterThan(0);
    expect(ids.filter((x) => x.startsWith('child-'))).toEqual(Array.from({ length: 200 }, (_, i) => `child-${i}`));

    const fresh = await mine.refresh();
    expect(fresh.map((e) => ('id' in e ? e.id : ''))).toEqual(ids.filter((x) => x.startsWith('child-')));
    expect(new Set(mine.events.map((e) => ('id' in e ? e.id : '')))).toEqual(new Set(ids));
    await mine.close();
    const replay = await storage.open('two-processes');
    expect(replay.events.map((e) => ('id' in e ? e.id : ''))).toEqual(ids);
    await replay.close();
    expect(warned()).toEqual([]);
  });
});
