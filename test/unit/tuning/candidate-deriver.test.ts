/**
 * Journal format 3: a space of plain values and pliant's hyper values is recorded in the study's
 * header, trial events leave their candidates out, and readers make them from the DNAs: the same
 * candidates the objective was given, through every reader (loadStudy, a snapshot, a resume).
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  JOURNAL_VERSION,
  dnaSpec,
  floatv,
  intv,
  journalStorage,
  loadStudy,
  manyOf,
  materialize,
  memoryStorage,
  oneOf,
  random,
  randomDNA,
  search,
  symbolize,
  toJSON,
} from '../../../src/index.js';
import type { JournalWarning, Storage, TreeValue } from '../../../src/index.js';
import { CandidateDeriver, recordableSpace } from '../../../src/tuning/candidate-deriver.js';
import * as pkg from 'pliant';
import { recordableSpace as pkgRecordable } from '../../../dist/tuning/candidate-deriver.js';
import { cnnSpace } from '../../../spaces/cnn.js';

const plain = {
  lr: floatv(1e-4, 1, { scale: 'log' }),
  layers: intv(1, 6),
  act: oneOf(['relu', 'gelu', 'tanh']),
  blocks: manyOf(2, ['conv', 'pool', 'skip', 'dense']),
  head: oneOf([{ kind: 'linear' }, { kind: 'mlp', width: oneOf([64, 128, 256]), drop: floatv(0, 0.5) }]),
  tags: ['fixed', { nested: [1, null, true] }],
};

const Block = symbolize('test.deriver.Block', (a: { width: number }) => a, { schema: z.object({ width: z.number() }) });

describe('recordableSpace', () => {
  it("is the JSON form of a space of plain values and pliant's hyper values, and undefined for one with a user's type", () => {
    expect(recordableSpace(plain)).toEqual(toJSON(plain));
    expect(recordableSpace({ x: floatv(0, 1) })).toEqual({ x: { $type: 'pliant.floatv', min: 0, max: 1 } });
    expect(recordableSpace({ block: Block({ width: oneOf([1, 2]) }) })).toBeUndefined();
    expect(recordableSpace({ pick: oneOf([Block({ width: 1 }), 2]) })).toBeUndefined();
  });
});

describe('CandidateDeriver', () => {
  it('makes the candidate the space materializes for any DNA, from the JSON form alone (property)', () => {
    const json = recordableSpace(plain);
    if (json === undefined) throw new Error('plain space not recordable');
    const deriver = new CandidateDeriver(JSON.parse(JSON.stringify(json)) as typeof json);
    expect(deriver.problem()).toBeUndefined();
    const spec = dnaSpec(plain);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        let s = seed;
        const rng = (): number => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
        const dna = randomDNA(spec, rng);
        expect(deriver.derive(dna, 't')).toEqual(toJSON(materialize(plain, dna) as TreeValue));
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it('says why when the recorded space cannot be read, or a DNA does not fit it, naming the trial', () => {
    const unreadable = new CandidateDeriver({ x: { $type: 'nobody.knows', a: 1 } });
    expect(unreadable.problem()).toMatch(/^the study's recorded space cannot be read \(.*nobody\.knows/);
    expect(() =>
      unreadable.derive(
        randomDNA(dnaSpec({ x: floatv(0, 1) }), () => 0.5),
        'h:1:a:0',
        'loadStudy',
      ),
    ).toThrow(/^loadStudy: trial h:1:a:0 has no candidate, and the study's recorded space cannot be read/);
    const deriver = new CandidateDeriver({ x: { $type: 'pliant.oneOf', candidates: [1, 2] } });
    expect(() =>
      deriver.derive(
        randomDNA(dnaSpec({ x: oneOf([1, 2, 3, 4, 5]) }), () => 0.99),
        'h:1:a:1',
      ),
    ).toThrow(/^trial\.candidate: trial h:1:a:1: its DNA does not fit the study's recorded space/);
  });
});

describe('journal format 3', () => {
  let dir: string;
  let warnings: JournalWarning[];
  const onWarning = (w: JournalWarning): void => void warnings.push(w);
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pliant-format3-'));
    warnings = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const events = (): Record<string, unknown>[] =>
    readFileSync(join(dir, 's.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  /** A search that keeps the candidates its objective was given (as JSON). */
  async function run(space: TreeValue, n: number, storage: Storage, seed = 1): Promise<unknown[]> {
    const seen: unknown[] = [];
    await search(
      space,
      (c) => {
        seen.push(toJSON(c as TreeValue));
        return Math.random();
      },
      { numTrials: n, storage, study: 's', algorithm: random({ seed }), seed, onWarning },
    );
    return seen;
  }

  it('records the space in the header, leaves the candidates out of the trial events, and every reader makes them again', async () => {
    const seen = await run(plain, 30, journalStorage(dir));
    const [header, ...rest] = events();
    expect(header).toMatchObject({ type: 'study', version: JOURNAL_VERSION, space: toJSON(plain) });
    expect(JOURNAL_VERSION).toBe(3);
    const trials = rest.filter((e) => e.type === 'trial');
    expect(trials).toHaveLength(30);
    expect(trials.every((e) => !('candidate' in e))).toBe(true);
    const loaded = await loadStudy('s', { storage: journalStorage(dir), onWarning });
    expect(loaded.trials.map((t) => t.candidate)).toEqual(seen);
    // from the journal alone (no snapshot), too
    rmSync(join(dir, 's.jsonl.snapshot'), { force: true });
    expect((await loadStudy('s', { storage: journalStorage(dir), onWarning })).trials.map((t) => t.candidate)).toEqual(seen);
    // a resume goes on leaving them out, and reads back the same
    const more = await run(plain, 45, journalStorage(dir), 2);
    expect(events().filter((e) => e.type === 'trial' && 'candidate' in e)).toEqual([]);
    expect((await loadStudy('s', { storage: journalStorage(dir), onWarning })).trials.map((t) => t.candidate)).toEqual([...seen, ...more]);
    expect(warnings).toEqual([]);
  });

  it("keeps the candidates of a space with a user's type, and of a process whose space is not the recorded one", async () => {
    const typed = { block: Block({ width: oneOf([1, 2, 3]) }) };
    const other = mkdtempSync(join(tmpdir(), 'pliant-format3-'));
    try {
      await run(typed, 5, journalStorage(other));
      const lines = readFileSync(join(other, 's.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines[0]).not.toHaveProperty('space');
      expect(lines[0]).toMatchObject({ type: 'study', version: 2 }); // format 2's events: an older pliant appends to it too
      expect(lines.filter((e) => e.type === 'trial').every((e) => 'candidate' in e)).toBe(true);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
    // the space changed between two runs: the second writes its candidates, and each trial reads back its own
    const first = await run({ x: floatv(0, 1), k: oneOf(['a', 'b']) }, 10, journalStorage(dir));
    const second = await run({ x: floatv(0, 10), k: oneOf(['a', 'b']) }, 20, journalStorage(dir), 2);
    const trials = events().filter((e) => e.type === 'trial');
    expect(trials.map((e) => 'candidate' in e)).toEqual([...Array<boolean>(10).fill(false), ...Array<boolean>(10).fill(true)]);
    expect((await loadStudy('s', { storage: journalStorage(dir), onWarning })).trials.map((t) => t.candidate)).toEqual([...first, ...second]);
    expect(warnings).toEqual([]);
  });

  it('keeps, with one warning, the trials without a candidate in a journal whose header records no space: their candidates say why they cannot be made', async () => {
    const file = join(dir, 's.jsonl');
    appendFileSync(file, `${JSON.stringify({ type: 'study', study: 's', time: 0, meta: { direction: 'maximize' }, version: 3 })}\n`);
    appendFileSync(file, `${JSON.stringify({ type: 'trial', id: 'h:1:a:0', dna: [0.5], time: 1, owner: 'h:1' })}\n`);
    appendFileSync(file, `${JSON.stringify({ type: 'done', id: 'h:1:a:0', value: 3, time: 2 })}\n`);
    appendFileSync(file, `${JSON.stringify({ type: 'trial', id: 'h:1:a:1', dna: [0.25], candidate: { x: 0.25 }, time: 2, owner: 'h:1' })}\n`);
    appendFileSync(file, `${JSON.stringify({ type: 'trial', id: 'h:1:a:2', dna: [0.75], time: 3, owner: 'h:1' })}\n`);
    const loaded = await loadStudy('s', { storage: journalStorage(dir), onWarning });
    expect(loaded.trials.map((t) => [t.id, t.state, t.value, t.dna.toString()])).toEqual([
      ['h:1:a:0', 'completed', 3, 'DNA([0.5])'],
      ['h:1:a:1', 'running', undefined, 'DNA([0.25])'],
      ['h:1:a:2', 'running', undefined, 'DNA([0.75])'],
    ]);
    expect(loaded.trials[1]?.candidate).toEqual({ x: 0.25 });
    expect(() => loaded.trials[0]?.candidate).toThrow(
      /^trial\.candidate: trial h:1:a:0 has no candidate, and no header of the study records the space to make it from \(.*\); its DNA is DNA\(\[0\.5\]\)$/,
    );
    expect(warnings.map((w) => [w.kind, w.at])).toEqual([['malformed', `${file}:2`]]);
    expect(warnings[0]?.message).toMatch(
      /^trial h:1:a:0 has no candidate, and no header before it records the space to make it from: kept with its DNA and outcome, as is every such trial of the study \(said once\)/,
    );
  });

  it('keeps, with one warning, the trials without a candidate when the recorded space cannot be read', async () => {
    const file = join(dir, 's.jsonl');
    const header = { type: 'study', study: 's', time: 0, meta: { direction: 'maximize' }, version: 3, space: { x: { $type: 'nobody.knows' } } };
    appendFileSync(file, `${JSON.stringify(header)}\n`);
    appendFileSync(file, `${JSON.stringify({ type: 'trial', id: 'h:1:a:0', dna: [0.5], time: 1, owner: 'h:1' })}\n`);
    appendFileSync(file, `${JSON.stringify({ type: 'trial', id: 'h:1:a:1', dna: [0.25], candidate: { x: 0.25 }, time: 2, owner: 'h:1' })}\n`);
    const loaded = await loadStudy('s', { storage: journalStorage(dir), onWarning });
    expect(loaded.trials).toHaveLength(2);
    expect(loaded.trials[1]?.candidate).toEqual({ x: 0.25 });
    expect(() => loaded.trials[0]?.candidate).toThrow(/trial h:1:a:0 has no candidate, and the study's recorded space cannot be read/);
    expect(warnings.map((w) => [w.kind, w.at])).toEqual([['malformed', `${file}:2`]]);
    expect(warnings[0]?.message).toMatch(/trial h:1:a:0 has no candidate, and the study's recorded space cannot be read \(.*\): kept with its DNA and outcome/);
  });

  it('a study whose first line is corrupt loses no trial, and a search resumed on it makes their candidates again from the header it writes', async () => {
    const seen = await run(plain, 12, journalStorage(dir));
    const file = join(dir, 's.jsonl');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[0] = (lines[0] as string).replace('"$type":"pliant.floatv"', '"$type":pliant.floatv"'); // one byte gone: not JSON
    writeFileSync(file, lines.join('\n'));
    rmSync(`${file}.snapshot`, { force: true });
    const loaded = await loadStudy('s', { storage: journalStorage(dir), onWarning });
    expect(loaded.trials).toHaveLength(12);
    expect(loaded.trials.every((t) => t.state === 'completed')).toBe(true);
    expect(() => loaded.trials[0]?.candidate).toThrow(/no header of the study records the space/);
    expect(warnings.map((w) => [w.kind, w.at])).toEqual([
      ['malformed', `${file}:1`],
      ['malformed', `${file}:3`],
      ['malformed', file], // no header: judged as maximised (see load-study.test.ts)
    ]);
    const more = await run(plain, 15, journalStorage(dir), 2);
    const resumed = await loadStudy('s', { storage: journalStorage(dir), onWarning: () => undefined });
    expect(resumed.trials.map((t) => t.candidate)).toEqual([...seen, ...more]);
  });

  it('works the same in memory', async () => {
    const storage = memoryStorage();
    const seen = await run(plain, 12, storage);
    expect((await loadStudy('s', { storage, onWarning })).trials.map((t) => t.candidate)).toEqual(seen);
  });
});

describe("journal format 3 on the main job's space (the built package)", () => {
  it("leaves the candidates out for cnnSpace() (pliant's own TensorFlow.js types), and loadStudy makes the ones the objective was given", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pliant-format3-'));
    try {
      const seen: unknown[] = [];
      await pkg.search(
        cnnSpace(),
        (c) => {
          seen.push(pkg.toJSON(c as unknown as Parameters<typeof pkg.toJSON>[0]));
          return seen.length % 7;
        },
        {
          numTrials: 25,
          storage: pkg.journalStorage(dir),
          study: 'cnn',
          algorithm: pkg.regularizedEvolution({ populationSize: 8, tournamentSize: 3, seed: 3 }),
          seed: 3,
        },
      );
      const lines = readFileSync(join(dir, 'cnn.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines[0]).toHaveProperty('space');
      const trials = lines.filter((e) => e.type === 'trial');
      expect(trials).toHaveLength(25);
      expect(trials.some((e) => 'candidate' in e)).toBe(false);
      const warnings: unknown[] = [];
      const loaded = await pkg.loadStudy('cnn', { storage: pkg.journalStorage(dir), onWarning: (w) => warnings.push(w) });
      expect(loaded.trials.map((t) => t.candidate)).toEqual(seen);
      expect(warnings).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the candidates of a space with a layer the user defined', () => {
    const custom = pkg.defineLayer<{ units: number }>('format3TestLayer', { args: { units: z.number().int() } });
    const space = pkg.sequential({ layers: [pkg.layers.dense({ units: pkg.oneOf([4, 8]) }), custom({ units: pkg.oneOf([2, 3]) })] });
    expect(pkgRecordable(space)).toBeUndefined();
    expect(pkgRecordable(pkg.sequential({ layers: [pkg.layers.dense({ units: pkg.oneOf([4, 8]) })] }))).toBeDefined();
  });
});
