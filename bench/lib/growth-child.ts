/**
 * One measurement of bench/growth.bench.ts in a fresh process, against the pliant package whose
 * `dist/index.js` is given by its absolute path (the current build, or the base commit's built by
 * `baseline.ts`). Prints one JSON line with what it measured.
 *
 * Arguments: <path of the package's dist/index.js> <task as JSON>, the task's `case` one of:
 * - `tpe`: `{seed, trials, windows: [[from, to], ...]}`: TPE (defaults) on Sphere-10d with a free
 *   objective through `sample(..., {storage: memoryStorage()})`, each loop iteration timed (the
 *   `overhead-*` harness of tpe.bench.ts); mean ms per trial over each window of trials.
 * - `random`: `{seeds, trials, storage: 'journal' | 'memory'}`: random search on Sphere-10d through
 *   `sample`, the journal file in a temporary folder or memory; µs per trial over the last 10% and
 *   the whole run, median over seeds.
 * - `write-journal`: `{dir, trials}`: a finished `trials`-trial random search (seed 0) on the
 *   3-decision space of journal.bench.ts, written by this package's `search` into the journal
 *   folder `dir` (study `s`).
 * - `resume`: `{dir, trials, runs}`: `search` with `numTrials` one more than `dir` holds, on a
 *   fresh copy of it each run: ms to the first objective call and to the end; first a cold run,
 *   then a warm-up on a 200-trial journal, then `runs` runs.
 * - `load`: `{dir, trials, runs}`: `loadStudy('s', {storage: journalStorage(dir)})`, the same way.
 * - `evolution`: `{seeds, steps}`: regularized evolution (P=100, T=10) on the experiment space
 *   (PROBLEMS §1) through `sample` with the journal file (`evolutionStep` of search-loops.ts).
 * - `journal-format`: `{space, trials}`: see {@link journalFormat}.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Pliant from 'pliant';
import type { JournalWarning, TreeValue } from 'pliant';
import { experimentSpaceOf, experimentTypes } from './experiment-types.js';
import { evolutionStep, medianOf } from './search-loops.js';

type Package = typeof Pliant;

const [entry, taskJson] = process.argv.slice(2) as [string, string];
const task = JSON.parse(taskJson) as { case: string; [key: string]: unknown };
const p = (await import(pathToFileURL(entry).href)) as Package;

const ACTS = ['relu', 'gelu', 'tanh', 'elu'] as const;
const STUDY = 's';

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** CPU time of this process (user + system) in ms: less sensitive than wall time to other work on the machine. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function sphereSpace(): { keys: string[]; space: TreeValue } {
  const keys = Array.from({ length: 10 }, (_, i) => `x${i}`);
  return { keys, space: Object.fromEntries(keys.map((k) => [k, p.floatv(-5, 5)])) };
}

/**
 * A conditional space of 49 decisions: a log learning rate and 8 layers, each a convolution
 * (log filters, an ordered kernel size, an activation), a dense layer (log units, dropout) or a
 * skip; and a synthetic objective to maximise over it.
 */
function conditionalSpace(): TreeValue {
  const layer = (): TreeValue =>
    p.oneOf([
      { kind: 'conv', filters: p.intv(8, 256, { scale: 'log' }), k: p.oneOf([3, 5, 7], { ordered: true }), act: p.oneOf(['relu', 'gelu', 'tanh']) },
      { kind: 'dense', units: p.intv(16, 512, { scale: 'log' }), drop: p.floatv(0, 0.5) },
      { kind: 'skip' },
    ]);
  return { lr: p.floatv(1e-4, 1e-1, { scale: 'log' }), layers: Array.from({ length: 8 }, layer) } as TreeValue;
}

interface ConditionalLayer {
  readonly kind: string;
  readonly filters: number;
  readonly k: number;
  readonly act: string;
  readonly units: number;
  readonly drop: number;
}

function conditionalObjective(c: { lr: number; layers: ConditionalLayer[] }): number {
  let f = -((Math.log10(c.lr) + 2.5) ** 2);
  for (const l of c.layers) {
    if (l.kind === 'conv') f += Math.log2(l.filters) / 8 - (l.k - 5) ** 2 / 10 + (l.act === 'gelu' ? 0.1 : 0);
    else if (l.kind === 'dense') f += Math.log2(l.units) / 9 - l.drop;
    else f += 0.2;
  }
  return f;
}

/** The 3-decision space of journal.bench.ts's `open-journal`. */
function smallSpace() {
  return { x: p.floatv(-5, 5), k: p.intv(0, 9), act: p.oneOf([...ACTS]) };
}

function smallObjective(c: { x: number; k: number; act: string }): number {
  return -((c.x - 1) ** 2) + c.k / 3 + (c.act === 'gelu' ? 0.5 : 0);
}

/** Bytes of every file under `dir`. */
function bytesUnder(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path);
    total += st.isDirectory() ? bytesUnder(path) : st.size;
  }
  return total;
}

function temp(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `pliant-growth-${prefix}-`));
}

async function tpeTask(seed: number, trials: number, windows: readonly (readonly [number, number])[], conditional: boolean): Promise<unknown> {
  const { keys, space } = sphereSpace();
  const times: number[] = [];
  const cpuAt = new Map<number, number>();
  const marks = new Set(windows.flat());
  let t = process.hrtime.bigint();
  const t0 = t;
  for await (const [c, feedback] of p.sample(conditional ? conditionalSpace() : space, p.tpe({ seed }), {
    numTrials: trials,
    storage: p.memoryStorage(),
    direction: conditional ? 'maximize' : 'minimize',
    seed,
  })) {
    let f = 0;
    if (conditional) f = conditionalObjective(c as unknown as { lr: number; layers: ConditionalLayer[] });
    else for (const k of keys) f += ((c as Record<string, number>)[k] as number) ** 2;
    await feedback.done(f);
    const now = process.hrtime.bigint();
    times.push(Number(now - t) / 1e6);
    t = now;
    if (marks.has(times.length)) cpuAt.set(times.length, cpuMs());
  }
  if (times.length !== trials) throw new Error(`tpe: ${times.length} trials, expected ${trials}`);
  const windowCpu = (from: number, to: number): number => ((cpuAt.get(to) as number) - (cpuAt.get(from) as number)) / (to - from);
  return {
    windows: windows.map(([from, to]) => ({ from, to, ms_per_trial: mean(times.slice(from, to)), cpu_ms_per_trial: windowCpu(from, to) })),
    total_s: Number(t - t0) / 1e9,
  };
}

async function randomTask(seeds: readonly number[], trials: number, storage: 'journal' | 'memory'): Promise<unknown> {
  const { keys, space } = sphereSpace();
  const tail: number[] = [];
  const tailCpu: number[] = [];
  const whole: number[] = [];
  let bytes = 0;
  for (const seed of seeds) {
    const dir = storage === 'journal' ? temp('random') : undefined;
    try {
      const times: number[] = [];
      const mark = Math.floor(trials * 0.9);
      let cpuMark = cpuMs();
      let t = process.hrtime.bigint();
      for await (const [c, feedback] of p.sample(space, p.random({ seed }), {
        numTrials: trials,
        storage: dir === undefined ? p.memoryStorage() : p.journalStorage(dir),
        study: 'sphere',
        direction: 'minimize',
        seed,
      })) {
        const x = c as Record<string, number>;
        let f = 0;
        for (const k of keys) f += (x[k] as number) ** 2;
        await feedback.done(f);
        const now = process.hrtime.bigint();
        times.push(Number(now - t) / 1e3);
        t = now;
        if (times.length === mark) cpuMark = cpuMs();
      }
      tailCpu.push(((cpuMs() - cpuMark) * 1000) / (trials - mark));
      if (times.length !== trials) throw new Error(`random: ${times.length} trials, expected ${trials}`);
      tail.push(mean(times.slice(Math.floor(trials * 0.9))));
      whole.push(mean(times));
      if (dir !== undefined) bytes = bytesUnder(dir);
    } finally {
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    }
  }
  return {
    us_per_trial_last_10pct: medianOf(tail),
    cpu_us_per_trial_last_10pct: medianOf(tailCpu),
    us_per_trial: medianOf(whole),
    runs_last_10pct: tail,
    ...(storage === 'journal' ? { journal_bytes: bytes } : {}),
  };
}

async function writeJournal(dir: string, trials: number): Promise<unknown> {
  const stamps: number[] = [];
  const from = Math.max(1, Math.floor(trials * 0.9));
  let cpuFrom = 0;
  const cpu0 = cpuMs();
  const t0 = performance.now();
  const objective = (c: { x: number; k: number; act: string }): number => {
    stamps.push(performance.now());
    if (stamps.length === from) cpuFrom = cpuMs();
    return smallObjective(c);
  };
  const result = await p.search(smallSpace(), objective, {
    numTrials: trials,
    storage: p.journalStorage(dir),
    study: STUDY,
    algorithm: p.random({ seed: 0 }),
    seed: 0,
  });
  const ms = performance.now() - t0;
  const cpuEnd = cpuMs();
  if (result.trials.length !== trials) throw new Error(`write-journal: ${result.trials.length} trials, expected ${trials}`);
  const bytes = bytesUnder(dir);
  // µs between consecutive objective calls over the last 10% of the trials
  const tail = ((stamps[stamps.length - 1] as number) - (stamps[from - 1] as number)) / (stamps.length - from);
  return {
    ms,
    cpu_ms: cpuEnd - cpu0,
    bytes,
    bytes_per_trial: bytes / trials,
    us_per_trial_last_10pct: tail * 1000,
    cpu_us_per_trial_last_10pct: ((cpuEnd - cpuFrom) * 1000) / (trials - from + 1),
  };
}

/** `search` on a copy of `source` with one trial more than it holds. */
async function resumeOnce(source: string, trials: number): Promise<{ first: number; total: number; cpu: number }> {
  const dir = temp('resume');
  try {
    cpSync(source, dir, { recursive: true });
    let first = Number.NaN;
    let cpu = Number.NaN;
    const warnings: JournalWarning[] = [];
    const cpu0 = cpuMs();
    const t0 = performance.now();
    const result = await p.search(
      smallSpace(),
      (c) => {
        if (Number.isNaN(first)) {
          first = performance.now() - t0;
          cpu = cpuMs() - cpu0;
        }
        return smallObjective(c);
      },
      { numTrials: trials + 1, storage: p.journalStorage(dir), study: STUDY, algorithm: p.random({ seed: 0 }), seed: 0, onWarning: (w) => warnings.push(w) },
    );
    const total = performance.now() - t0;
    if (result.trials.length !== trials + 1) throw new Error(`resume of ${trials}: ${result.trials.length} trials at the end, expected ${trials + 1}`);
    if (warnings.length > 0) throw new Error(`resume of ${trials}: ${warnings.length} journal warnings, first: ${warnings[0]?.message ?? ''}`);
    return { first, total, cpu };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function loadOnce(dir: string, trials: number): Promise<{ ms: number; cpu: number }> {
  const warnings: JournalWarning[] = [];
  const cpu0 = cpuMs();
  const t0 = performance.now();
  const result = await p.loadStudy(STUDY, { storage: p.journalStorage(dir), onWarning: (w) => warnings.push(w) });
  const ms = performance.now() - t0;
  const cpu = cpuMs() - cpu0;
  if (result.trials.length !== trials) throw new Error(`loadStudy of ${trials}: ${result.trials.length} trials`);
  if (warnings.length > 0) throw new Error(`loadStudy of ${trials}: ${warnings.length} journal warnings, first: ${warnings[0]?.message ?? ''}`);
  return { ms, cpu };
}

/** A cold run, a warm-up on a 200-trial journal, then `runs` runs: ms (wall and CPU) of each. */
async function coldThenWarm(
  dir: string,
  trials: number,
  runs: number,
  once: (dir: string, trials: number) => Promise<{ ms: number; cpu: number }>,
): Promise<unknown> {
  const cold = await once(dir, trials);
  const warm = temp('warm');
  try {
    await writeJournal(warm, 200);
    for (let i = 0; i < 3; i++) await once(warm, 200);
  } finally {
    rmSync(warm, { recursive: true, force: true });
  }
  const times: { ms: number; cpu: number }[] = [];
  for (let r = 0; r < runs; r++) times.push(await once(dir, trials));
  return {
    ms: medianOf(times.map((x) => x.ms)),
    cpu_ms: medianOf(times.map((x) => x.cpu)),
    runs_ms: times.map((x) => x.ms),
    cold_ms: cold.ms,
    cold_cpu_ms: cold.cpu,
  };
}

/**
 * The journal a `trials`-trial random search (seed 0, free objective) writes for one space:
 * `sphere` (Sphere-10d), `small` (the 3-decision space) or `cnn` (the main job's `cnnSpace()` of
 * this package's `spaces/cnn.js`): bytes of the journal file and of its snapshot, µs per trial of
 * the whole search, ms from the last objective call to the search's return (the closing
 * snapshot), then `loadStudy` and the first read of every trial's candidate.
 */
async function journalFormat(spaceName: string, trials: number): Promise<unknown> {
  let space: TreeValue;
  if (spaceName === 'sphere') space = sphereSpace().space;
  else if (spaceName === 'small') space = smallSpace() as unknown as TreeValue;
  else if (spaceName === 'cnn') {
    const cnn = (await import(pathToFileURL(entry.replace(/index\.js$/, join('spaces', 'cnn.js'))).href)) as { cnnSpace: () => TreeValue };
    space = cnn.cnnSpace();
  } else throw new Error(`journal-format: unknown space ${spaceName}`);
  const dir = temp('format');
  try {
    let last = 0;
    const t0 = performance.now();
    await p.search(
      space,
      () => {
        last = performance.now();
        return Math.random();
      },
      { numTrials: trials, storage: p.journalStorage(dir), study: STUDY, algorithm: p.random({ seed: 0 }), seed: 0 },
    );
    const end = performance.now();
    const size = (name: string): number => (existsSync(join(dir, name)) ? statSync(join(dir, name)).size : 0);
    const t1 = performance.now();
    const result = await p.loadStudy(STUDY, { storage: p.journalStorage(dir) });
    const t2 = performance.now();
    let read = 0;
    for (const t of result.trials) if (t.candidate !== undefined) read++;
    const t3 = performance.now();
    if (read !== trials) throw new Error(`journal-format: ${read} candidates read, expected ${trials}`);
    return {
      journal_bytes: size(`${STUDY}.jsonl`),
      snapshot_bytes: size(`${STUDY}.jsonl.snapshot`),
      us_per_trial: ((end - t0) * 1000) / trials,
      close_ms: end - last,
      load_ms: t2 - t1,
      candidates_ms: t3 - t2,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let out: unknown;
switch (task.case) {
  case 'journal-format':
    out = await journalFormat(task.space as string, task.trials as number);
    break;
  case 'tpe':
    out = await tpeTask(task.seed as number, task.trials as number, task.windows as [number, number][], task.space === 'conditional');
    break;
  case 'random':
    out = await randomTask(task.seeds as number[], task.trials as number, task.storage as 'journal' | 'memory');
    break;
  case 'write-journal':
    out = await writeJournal(task.dir as string, task.trials as number);
    break;
  case 'resume': {
    let total = 0;
    out = await coldThenWarm(task.dir as string, task.trials as number, task.runs as number, async (dir, trials) => {
      const r = await resumeOnce(dir, trials);
      total = r.total;
      return { ms: r.first, cpu: r.cpu };
    });
    out = { ...(out as object), ms_to_end_last: total };
    break;
  }
  case 'load':
    out = await coldThenWarm(task.dir as string, task.trials as number, task.runs as number, loadOnce);
    break;
  case 'evolution': {
    const types = experimentTypes(p);
    const seeds = task.seeds as number[];
    const steps = task.steps as number;
    const cpu0 = cpuMs();
    const { rates } = await evolutionStep(p, () => experimentSpaceOf(p, types), seeds, steps);
    // CPU: the mean over all seeds (evolutionStep times each seed's wall time only)
    out = { us_per_step: 1e6 / medianOf(rates), cpu_us_per_step: ((cpuMs() - cpu0) * 1000) / (seeds.length * steps), runs_us: rates.map((r) => 1e6 / r) };
    break;
  }
  default:
    process.stderr.write(`growth-child: unknown case '${task.case}'\n`);
    process.exit(2);
}
process.stdout.write(`${JSON.stringify(out)}\n`);
