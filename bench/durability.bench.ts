/**
 * Kill -9 durability of the study journal (issue "the study as the spine"): a 1,500-trial search
 * on the journal file (random search, regularized evolution), killed with SIGKILL at 50 random
 * moments and run again after each kill, then run to the end, against the same search run once
 * without interruption; grid, hill climbing, TPE and NSGA-II (two objectives) the same way with
 * 500 trials and 20 kills each. The search is
 * `lib/durability-child.mjs` (the e2e kill fixture without diverging trials, with a side file of
 * evaluations started). Uses the built package (`npm run bench` builds it).
 *
 * One line per algorithm, `kill-durability-<algo>`: `completed` (trials completed at the end),
 * `lost` (trials seen ended in the journal after some kill but not ended with the same outcome at
 * the end), `recorded_twice` (trials with more than one end event in the journal), `reruns`
 * (`claim` events: trials a restarted run evaluated again because a kill caught them in flight),
 * `abandoned`, `equal_to_uninterrupted` (numbers, states, failures, candidates and values the
 * same as the uninterrupted run's) and `journal_warnings` (what loading the killed journal warns
 * about). `ops_per_sec` is trials per second over the killed run's whole wall time, restarts and
 * waits included.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { journalStorage, loadStudy, seededRng } from 'pliant';
import type { JournalWarning } from 'pliant';
import { line, sig } from './lib/harness.js';
import { medianOf } from './lib/search-loops.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CHILD = join(root, 'bench', 'lib', 'durability-child.mjs');
/** The study of random search and regularized evolution: 1,500 trials, 50 kills (the measure). */
const TRIALS = 1500;
const KILLS = 50;
/** The other algorithms: 500 trials, 20 kills each. */
const OTHER_TRIALS = 500;
const OTHER_KILLS = 20;
/** Busy time of one evaluation in the child (ms); a trial takes about 1 ms in all. */
const BUSY_MS = 0.3;
/**
 * How far apart the kills fall. After a child's first new write, the bench waits a seeded uniform
 * draw in [0, 2·m) ms and kills it, where m is the wait that should let the child end
 * `SPREAD` × (trials left) / (kills left + 1) trials, at the rate (trials per ms of wait) the
 * killed runs so far showed: so the 50 kills land all along the study, whatever the machine's
 * speed, and the last run, not a kill, finishes it.
 */
const SPREAD = 0.6;
/** The rate assumed before any run was killed (trials per ms of wait; a guess, corrected by the first kill). */
const FIRST_RATE = 1;
const END_TYPES: ReadonlySet<string> = new Set(['done', 'fail', 'prune', 'abandon', 'withdraw']);

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly err: string;
}

function start(dir: string, side: string, algorithm: string, seed: number, trials: number): { exited: Promise<Exit>; kill: () => void } {
  const proc = spawn(process.execPath, [CHILD, dir, 'study', algorithm, String(trials), String(seed), String(BUSY_MS), side], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<Exit>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal, err })));
  return { exited, kill: () => proc.kill('SIGKILL') };
}

const sizeOf = (file: string): number => (existsSync(file) ? statSync(file).size : 0);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The journal's lines that parse as JSON objects (a torn line is left out). */
function rawEvents(file: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const text of readFileSync(file, 'utf8').split('\n')) {
    if (text.trim() === '') continue;
    try {
      out.push(JSON.parse(text) as Record<string, unknown>);
    } catch {
      // a torn line: loadStudy's warnings count it
    }
  }
  return out;
}

/** How many `session` events with `end: true` the journal holds (one per run that finished its search). */
function sessionEnds(file: string): number {
  return existsSync(file) ? rawEvents(file).filter((e) => e.type === 'session' && e.end === true).length : 0;
}

/** Trial id → its first end (type and value) in the journal as it is now. */
function endsNow(file: string): Map<string, string> {
  const ends = new Map<string, string>();
  for (const e of rawEvents(file)) {
    if (typeof e.type === 'string' && END_TYPES.has(e.type) && !ends.has(e.id as string)) ends.set(e.id as string, JSON.stringify([e.type, e.value ?? null]));
  }
  return ends;
}

async function trialsOf(dir: string, onWarning: (w: JournalWarning) => void = () => undefined) {
  const result = await loadStudy('study', { storage: journalStorage(dir), onWarning });
  return result.trials;
}

const comparable = (trials: Awaited<ReturnType<typeof trialsOf>>): unknown[] =>
  trials.map((t) => ({ number: t.number, state: t.state, failure: t.failure, candidate: t.candidate, value: t.value }));

async function durability(algorithm: string, seed: number, total: number, maxKills: number): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'pliant-durability-'));
  try {
    // The uninterrupted run.
    const reference = join(work, 'reference');
    const r0 = performance.now();
    const ran = await start(reference, join(work, 'reference-evaluations.txt'), algorithm, seed, total).exited;
    const referenceSeconds = (performance.now() - r0) / 1000;
    if (ran.code !== 0) throw new Error(`the uninterrupted run failed (${String(ran.code)}): ${ran.err}`);

    // The killed run: start, wait for something new in the journal, kill a random moment later.
    const dir = join(work, 'killed');
    const file = join(dir, 'study.jsonl');
    const side = join(work, 'killed-evaluations.txt');
    const rng = seededRng(`durability-${algorithm}-${seed}`);
    const seenEnded = new Map<string, string>();
    const killedAt: number[] = []; // trials ended in the journal at each kill
    let kills = 0;
    let runs = 0;
    let lateKills = 0; // kills that landed after the child had finished its search (not counted)
    const delays: number[] = [];
    let waited = 0; // ms waited before the kills so far
    let gained = 0; // trials those runs ended
    const t0 = performance.now();
    while (kills < maxKills) {
      const before = sizeOf(file);
      const sessionsEndedBefore = sessionEnds(file);
      const run = start(dir, side, algorithm, seed, total);
      runs++;
      const wrote = await Promise.race([
        (async () => {
          while (sizeOf(file) <= before) await sleep(1);
          return true;
        })(),
        run.exited.then(() => false),
      ]);
      if (!wrote) {
        const end = await run.exited;
        if (end.code !== 0) throw new Error(`a run exited with ${String(end.code)} before writing: ${end.err}`);
        break;
      }
      const endedBefore = endsNow(file).size;
      const rate = waited > 0 && gained > 0 ? gained / waited : FIRST_RATE;
      const mean = (SPREAD * Math.max(0, total - endedBefore)) / (maxKills - kills + 1) / rate;
      const delay = Math.floor(rng() * 2 * mean);
      delays.push(delay);
      await sleep(delay);
      run.kill();
      const end = await run.exited;
      if (end.signal === 'SIGKILL' && sessionEnds(file) > sessionsEndedBefore) {
        // killed on its way out: its search had finished (its session's end is in the journal)
        lateKills++;
        break;
      } else if (end.signal === 'SIGKILL') {
        kills++;
        const ends = endsNow(file);
        killedAt.push(ends.size);
        waited += delay;
        gained += ends.size - endedBefore;
        for (const [id, outcome] of ends) if (!seenEnded.has(id)) seenEnded.set(id, outcome);
      } else if (end.code === 0) {
        // it finished before the kill landed: not a kill, and the study is done
        lateKills++;
        break;
      } else {
        throw new Error(`a run exited with ${String(end.code)}: ${end.err}`);
      }
    }
    // Run to the end (a study already finished is left as it is: one more session).
    const last = await start(dir, side, algorithm, seed, total).exited;
    runs++;
    if (last.code !== 0) throw new Error(`the last run failed (${String(last.code)}): ${last.err}`);
    const seconds = (performance.now() - t0) / 1000;

    const warnings: JournalWarning[] = [];
    const killed = await trialsOf(dir, (w) => warnings.push(w));
    const uninterrupted = await trialsOf(reference);
    const final = new Map(killed.map((t) => [t.id, t]));
    const events = rawEvents(file);
    const endCount = new Map<string, number>();
    for (const e of events) if (typeof e.type === 'string' && END_TYPES.has(e.type)) endCount.set(e.id as string, (endCount.get(e.id as string) ?? 0) + 1);
    const finalEnds = endsNow(file);
    let lost = 0;
    for (const [id, outcome] of seenEnded) {
      const t = final.get(id);
      if (t === undefined || t.state === 'running' || finalEnds.get(id) !== outcome) lost++;
    }
    const evaluations = readFileSync(side, 'utf8')
      .split('\n')
      .filter((l) => l !== '').length;
    const sortedKills = [...killedAt].sort((a, b) => a - b);
    line(`kill-durability-${algorithm}`, total, total / seconds, undefined, {
      kills,
      completed: killed.filter((t) => t.state === 'completed').length,
      trials_at_end: killed.length,
      lost,
      recorded_twice: [...endCount.values()].filter((c) => c > 1).length,
      reruns: events.filter((e) => e.type === 'claim').length,
      rerun_trials: new Set(events.filter((e) => e.type === 'claim').map((e) => e.id)).size,
      abandoned: killed.filter((t) => t.state === 'abandoned').length,
      withdrawn: events.filter((e) => e.type === 'withdraw').length,
      equal_to_uninterrupted: isDeepStrictEqual(comparable(killed), comparable(uninterrupted)),
      journal_warnings: warnings.length,
      journal_events: Object.fromEntries([...new Set(events.map((e) => String(e.type)))].map((type) => [type, events.filter((e) => e.type === type).length])),
      sessions_ended: events.filter((e) => e.type === 'session' && e.end === true).length,
      ...(warnings.length === 0 ? {} : { journal_warning_kinds: [...new Set(warnings.map((w) => w.kind))] }),
      evaluations_started: evaluations,
      runs,
      late_kills: lateKills,
      kill_points: {
        min: sortedKills[0] ?? null,
        median: sortedKills.length === 0 ? null : medianOf(sortedKills),
        max: sortedKills[sortedKills.length - 1] ?? null,
      },
      seconds: sig(seconds),
      uninterrupted_seconds: sig(referenceSeconds),
      uninterrupted_ops_per_sec: sig(total / referenceSeconds),
      delay_ms: { min: Math.min(...delays), median: medianOf(delays), max: Math.max(...delays) },
      note: `${total} trials, SIGKILL ${maxKills} times (a seeded random wait after the child's first new write), restarted each time, then run to the end; kill_points: trials ended in the journal at each kill; evaluations_started counts objective calls (${total} + those a kill interrupted)`,
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export const cases: Record<string, () => Promise<void>> = {
  async 'kill-durability-random'() {
    await durability('random', 11, TRIALS, KILLS);
  },
  async 'kill-durability-evolution'() {
    await durability('evolution', 11, TRIALS, KILLS);
  },
  async 'kill-durability-grid'() {
    await durability('grid', 11, OTHER_TRIALS, OTHER_KILLS);
  },
  async 'kill-durability-hill-climb'() {
    await durability('hill-climb', 11, OTHER_TRIALS, OTHER_KILLS);
  },
  async 'kill-durability-tpe'() {
    await durability('tpe', 11, OTHER_TRIALS, OTHER_KILLS);
  },
  async 'kill-durability-nsga2'() {
    await durability('nsga2', 11, OTHER_TRIALS, OTHER_KILLS);
  },
};
