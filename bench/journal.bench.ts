/**
 * Reading the study journal (issue "the study as the spine"): how fast a journal file opens, and
 * that a hostile line costs milliseconds, not minutes.
 *
 * - `reject-bad-line-1mb`: a small journal (10 trials) with one line of 1 MB of junk in the
 *   middle, of several shapes (the `SHAPES` table); `loadStudy` must skip it with a warning and
 *   keep every event around it. Per shape, the median of 3 opens; `ops_per_sec` is junk lines per
 *   second over all shapes, `ms_max` the slowest shape, `ms` each shape's time, `ms_clean` the
 *   same journal without the junk line.
 * - `open-journal`: journals of 1,000, 10,000 and 100,000 trials as a search writes them (study
 *   header, session, a `trial` and a `done` event per trial with a small candidate, the
 *   session's end; generated directly, seeded). Lines `load-study-<size>`: `loadStudy(name,
 *   {storage})`; `resume-<size>`: `search` with `numTrials` one more than the journal holds,
 *   from the call to its first objective call (open, replay, recover the algorithm, propose),
 *   on a fresh copy of the journal each time. `ms` is the median of 3; `ops_per_sec` trials of
 *   the journal per second of that time.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { floatv, intv, journalStorage, loadStudy, oneOf, random, search, seededRng } from 'pliant';
import type { JournalWarning } from 'pliant';
import { line, sig } from './lib/harness.js';
import { medianOf } from './lib/search-loops.js';

const MB = 1 << 20;
const ACTS = ['relu', 'gelu', 'tanh', 'elu'] as const;
const space = { x: floatv(-5, 5), k: intv(0, 9), act: oneOf([...ACTS]) };

/** A pid no process has (so the journal's owner is a dead process, as after a finished search). */
const DEAD_OWNER = `${hostname()}:4194303`;

/** The lines of a finished `trials`-trial random search on {@link space}, as `search` writes them. */
function journalLines(study: string, trials: number, seed = 1): string[] {
  const rng = seededRng(`journal-${seed}`);
  let time = 1_790_000_000_000;
  let serial = 0;
  const id = (): string => `${DEAD_OWNER}:${(time + serial).toString(36)}:${(serial++).toString(36)}`;
  const session = id();
  const lines = [
    JSON.stringify({ type: 'study', study, time, meta: { algorithm: 'random', seed: 0, direction: 'maximize' }, version: 2 }),
    JSON.stringify({ type: 'session', id: session, owner: DEAD_OWNER, time }),
  ];
  for (let i = 0; i < trials; i++) {
    const x = -5 + 10 * rng();
    const k = Math.floor(rng() * 10);
    const a = Math.floor(rng() * ACTS.length);
    const act = ACTS[a] as string;
    const trial = id();
    time += 1 + Math.floor(rng() * 3);
    lines.push(JSON.stringify({ type: 'trial', id: trial, dna: [x, k, a], candidate: { x, k, act }, time, owner: DEAD_OWNER }));
    time += 1;
    lines.push(JSON.stringify({ type: 'done', id: trial, value: -((x - 1) ** 2) + k / 3 + (act === 'gelu' ? 0.5 : 0), time }));
  }
  lines.push(JSON.stringify({ type: 'session', id: session, owner: DEAD_OWNER, time, end: true }));
  return lines;
}

function ms(t0: number): number {
  return performance.now() - t0;
}

/** Opens the study `study` in `dir` with `loadStudy`; returns the time, the trials and the warnings. */
async function timedLoad(dir: string, study: string): Promise<{ ms: number; trials: number; warnings: JournalWarning[] }> {
  const warnings: JournalWarning[] = [];
  const t0 = performance.now();
  const result = await loadStudy(study, { storage: journalStorage(dir), onWarning: (w) => warnings.push(w) });
  return { ms: ms(t0), trials: result.trials.length, warnings };
}

// ---- reject-bad-line-1mb ----------------------------------------------------------------------

/** Printable junk without newlines, seeded. */
function junk(length: number, seed: string): string {
  const rng = seededRng(seed);
  const chars = 'abcdefghijklmnopqrstuvwxyz0123456789{}[]":,. \\-+eE';
  let out = '';
  for (let i = 0; i < length; i++) out += chars[Math.floor(rng() * chars.length)];
  return out;
}

/** A trial event whose candidate is `size` characters long. */
function hugeEvent(size: number): string {
  return JSON.stringify({ type: 'trial', id: 'huge', dna: [0], candidate: { blob: 'x'.repeat(size) }, time: 1, owner: DEAD_OWNER });
}

/** The shapes of junk: name → the line's bytes (about 1 MB, no newline) and the trials the journal keeps. */
const SHAPES: Record<string, () => { bytes: Buffer; extraTrials?: number }> = {
  // valid JSON that is not an event
  'json-not-an-event': () => ({ bytes: Buffer.from(`{"payload":[${Array.from({ length: Math.floor((MB - 13) / 4) }, () => '0.5').join(',')}]}`) }),
  // an event of a known type whose fields are wrong, with a big array for the schema to walk
  'event-failing-schema': () => ({
    bytes: Buffer.from(
      `{"type":"trial","id":"bad","dna":[${Array.from({ length: MB / 2 - 64 }, () => '1').join(',')}],"candidate":null,"time":"never","owner":"o"}`,
    ),
  }),
  // deeply nested, balanced brackets (valid JSON, far deeper than any reader's stack)
  'deep-brackets': () => ({ bytes: Buffer.from(`${'['.repeat(MB / 2)}${']'.repeat(MB / 2)}`) }),
  // deeply nested, never closed (a prefix of JSON: looks like a torn write)
  'open-brackets': () => ({ bytes: Buffer.from('{"a":['.repeat(Math.floor(MB / 6))) }),
  // a long run of event starts (bait for the search of an event glued after a torn write)
  'type-fragments': () => ({ bytes: Buffer.from('{"type":"'.repeat(Math.floor(MB / 9))) }),
  // NUL bytes (what a power loss can leave), then junk
  'nul-then-junk': () => ({ bytes: Buffer.concat([Buffer.alloc(MB / 2, 0), Buffer.from(junk(MB / 2, 'nul'))]) }),
  // random bytes (invalid UTF-8 too), no newline
  'random-bytes': () => {
    const rng = seededRng('bytes');
    const bytes = Buffer.alloc(MB);
    for (let i = 0; i < MB; i++) {
      const b = Math.floor(rng() * 256);
      bytes[i] = b === 0x0a ? 0x20 : b;
    }
    return { bytes };
  },
  // a huge event cut short (a torn write)
  'truncated-huge-event': () => ({ bytes: Buffer.from(hugeEvent(MB + 100).slice(0, MB)) }),
  // a huge event cut short, then a whole event on the same line (the event is kept)
  'truncated-then-event': () => {
    const glued = JSON.stringify({ type: 'trial', id: 'glued', dna: [0.5, 1, 0], candidate: { x: 0.5, k: 1, act: 'relu' }, time: 2, owner: DEAD_OWNER });
    return { bytes: Buffer.from(`${hugeEvent(MB + 100).slice(0, MB - glued.length)}${glued}`), extraTrials: 1 };
  },
};

/** A 10-trial journal with `bad` after its 3rd trial, or without it. */
function journalWithJunk(file: string, bad: Buffer | undefined, extraDone: boolean): void {
  const lines = journalLines('s', 10, 7);
  const head = lines.slice(0, 8).map((l) => Buffer.from(`${l}\n`));
  const tail = lines.slice(8).map((l) => Buffer.from(`${l}\n`));
  const parts: Buffer[] = [...head];
  if (bad !== undefined) parts.push(bad, Buffer.from('\n'));
  if (extraDone) parts.push(Buffer.from(`${JSON.stringify({ type: 'done', id: 'glued', value: 0, time: 3 })}\n`));
  parts.push(...tail);
  writeFileSync(file, Buffer.concat(parts));
}

async function rejectBadLine(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'pliant-journal-junk-'));
  try {
    // warm-up and the clean journal
    const clean = join(work, 'clean');
    mkdirSync(clean);
    journalWithJunk(join(clean, 's.jsonl'), undefined, false);
    for (let i = 0; i < 3; i++) await timedLoad(clean, 's');
    const cleanMs = medianOf(await Promise.all([0, 1, 2].map(async () => (await timedLoad(clean, 's')).ms)));

    const perShape: Record<string, number> = {};
    const warned: Record<string, string> = {};
    const problems: string[] = [];
    for (const [name, make] of Object.entries(SHAPES)) {
      const dir = join(work, name);
      mkdirSync(dir);
      const { bytes, extraTrials = 0 } = make();
      journalWithJunk(join(dir, 's.jsonl'), bytes, extraTrials > 0);
      const times: number[] = [];
      for (let r = 0; r < 3; r++) {
        const got = await timedLoad(dir, 's');
        times.push(got.ms);
        if (r > 0) continue;
        warned[name] = [...new Set(got.warnings.map((w) => w.kind))].join('+') || 'none';
        if (got.trials !== 10 + extraTrials) problems.push(`${name}: ${got.trials} trials, expected ${10 + extraTrials}`);
        if (got.warnings.length === 0) problems.push(`${name}: no warning`);
      }
      perShape[name] = sig(medianOf(times));
    }
    const values = Object.values(perShape);
    const total = values.reduce((a, b) => a + b, 0);
    line('reject-bad-line-1mb', values.length, values.length / (total / 1000), undefined, {
      ms_max: Math.max(...values),
      ms: perShape,
      ms_clean: sig(cleanMs),
      warnings: warned,
      ok: problems.length === 0,
      ...(problems.length === 0 ? {} : { problems }),
      note: 'loadStudy of a 10-trial journal with one 1 MB junk line in the middle, median of 3 per shape; warnings: the kinds loadStudy reported; ok: every shape warned and every event around the junk was kept',
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// ---- open-journal -----------------------------------------------------------------------------

const SIZES: readonly [string, number][] = [
  ['1k', 1_000],
  ['10k', 10_000],
  ['100k', 100_000],
];

/** `search` on a copy of `file` with one trial more than it holds: ms to the first objective call, and in all. */
async function timedResume(file: string, work: string, trials: number, round: number): Promise<{ first: number; total: number }> {
  const dir = join(work, `resume-${trials}-${round}`);
  mkdirSync(dir);
  copyFileSync(file, join(dir, 's.jsonl'));
  let first = Number.NaN;
  const warnings: JournalWarning[] = [];
  const t0 = performance.now();
  const result = await search(
    space,
    (c) => {
      if (Number.isNaN(first)) first = ms(t0);
      return -((c.x - 1) ** 2) + c.k / 3;
    },
    { numTrials: trials + 1, storage: journalStorage(dir), study: 's', algorithm: random({ seed: 0 }), seed: 0, onWarning: (w) => warnings.push(w) },
  );
  const total = ms(t0);
  if (result.trials.length !== trials + 1) throw new Error(`resume of ${trials}: ${result.trials.length} trials at the end, expected ${trials + 1}`);
  if (warnings.length > 0) throw new Error(`resume of ${trials}: ${warnings.length} journal warnings, first: ${warnings[0]?.message ?? ''}`);
  rmSync(dir, { recursive: true, force: true });
  return { first, total };
}

async function openJournal(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'pliant-journal-open-'));
  try {
    // warm-up: a small journal, loaded and resumed
    const warm = join(work, 'warm');
    mkdirSync(warm);
    writeFileSync(join(warm, 's.jsonl'), `${journalLines('s', 200).join('\n')}\n`);
    for (let i = 0; i < 3; i++) {
      await timedLoad(warm, 's');
      await timedResume(join(warm, 's.jsonl'), work, 200, i);
    }
    for (const [label, trials] of SIZES) {
      const dir = join(work, label);
      mkdirSync(dir);
      const file = join(dir, 's.jsonl');
      const g0 = performance.now();
      writeFileSync(file, `${journalLines('s', trials).join('\n')}\n`);
      const generateMs = ms(g0);
      const mb = statSync(file).size / MB;

      const loads: number[] = [];
      for (let r = 0; r < 3; r++) {
        const got = await timedLoad(dir, 's');
        if (got.trials !== trials || got.warnings.length > 0) throw new Error(`load of ${trials}: ${got.trials} trials, ${got.warnings.length} warnings`);
        loads.push(got.ms);
      }
      const load = medianOf(loads);
      line(`load-study-${label}`, trials, trials / (load / 1000), undefined, {
        ms: sig(load),
        runs_ms: loads.map(sig),
        ms_per_1k_trials: sig(load / (trials / 1000)),
        journal_mb: sig(mb),
        generate_ms: sig(generateMs),
        note: `loadStudy of a finished ${trials}-trial random search's journal (2 events a trial), median of 3`,
      });

      const resumes: { first: number; total: number }[] = [];
      for (let r = 0; r < 3; r++) resumes.push(await timedResume(file, work, trials, r));
      const first = medianOf(resumes.map((r) => r.first));
      line(`resume-${label}`, trials, trials / (first / 1000), undefined, {
        ms: sig(first),
        runs_ms: resumes.map((r) => sig(r.first)),
        ms_per_1k_trials: sig(first / (trials / 1000)),
        ms_to_end: sig(medianOf(resumes.map((r) => r.total))),
        journal_mb: sig(mb),
        note: `search(numTrials ${trials + 1}) on a copy of the journal: ms from the call to its first objective call (open, replay, recover random search, propose), median of 3; ms_to_end: until search returned`,
      });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export const cases: Record<string, () => Promise<void>> = {
  'reject-bad-line-1mb': rejectBadLine,
  'open-journal': openJournal,
};
