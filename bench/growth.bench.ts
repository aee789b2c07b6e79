/**
 * How the cost grows as studies grow (issue 22), each figure beside the figure of the base commit
 * (`before`, `PLIANT_GROWTH_BASE`, default `1694a16`, built once into `.bench-base/<rev>/` by
 * `lib/baseline.ts`) measured in the same run. Every measurement runs in a fresh child process per
 * build (`lib/growth-child.ts` under tsx for times, `lib/growth-rss-child.mjs` under plain node for
 * memory), the builds alternating when a case has several rounds, so JIT state and RSS are each
 * build's own. `current` is this checkout's `dist/index.js` (`npm run bench` builds it first).
 *
 * Every line has `ops_per_sec` (current) and `before_ops_per_sec`, the case's natural unit for
 * both (`ms_per_trial` / `before_ms_per_trial`, ...), and `ratio`, always "> 1: current better"
 * (before time / current time, or before size / current size). Time figures also come as CPU time
 * of the process (`cpu_<unit>`, `before_cpu_<unit>`, `cpu_ratio`: user + system from
 * `process.cpuUsage()`), which other work on a shared machine disturbs far less than wall time;
 * `load1` is the machine's 1-minute load average when the line was printed.
 *
 * - `tpe-growth`: `tpe()` on Sphere-10d, free objective, through `sample(..., {storage:
 *   memoryStorage()})`, 5,000 trials (`PLIANT_GROWTH_TPE_TRIALS`), each iteration timed; mean ms
 *   per trial over trials 900–1,000, 1,900–2,000 and 4,900–5,000, median over seeds
 *   (`PLIANT_GROWTH_TPE_SEEDS`, default 1: seed 0; one process per seed and build). Then
 *   `tpe-conditional-500|1500`: the same on a conditional space of 49 decisions (a log learning
 *   rate and 8 layers, each a convolution, a dense layer or a skip), 1,500 trials, trials 400–500
 *   and 1,400–1,500: a study with dozens of decisions, integer and ordered ones among them.
 * - `random-journal`: random search on Sphere-10d through `sample`, 1,000 trials, with the journal
 *   file in a temporary folder and with `memoryStorage()`: µs per trial over the last 10% (and the
 *   whole run), median over seeds 0–4 in each process, median over `PLIANT_GROWTH_ROUNDS` (3)
 *   processes per build.
 * - `journal-format`: `journal-format-<space>`: a random `search` on Sphere-10d (20,000 trials),
 *   the 3-decision space (20,000) and the main job's `cnnSpace()` (3,000) writing its journal file
 *   (format 3 leaves the candidates out): bytes per trial of the journal and its snapshot, µs per
 *   trial, the closing snapshot's ms, `loadStudy`'s ms and the first read of every candidate,
 *   medians over `PLIANT_GROWTH_ROUNDS` processes per build.
 * - `journal-growth`: for each size of `PLIANT_GROWTH_SIZES` (default 1000,10000,100000) each
 *   build writes its own journal by a real random `search` on the 3-decision space of
 *   journal.bench.ts (`journal-write-<size>`: µs per trial of that search, `bytes_per_trial` of the
 *   journal folder); then `resume-<size>` (`search` with `numTrials` one more than stored, on a
 *   fresh copy: ms to the first objective call) and `load-study-<size>` (`loadStudy`), each in a
 *   fresh process: one cold run (`cold_ms`), a warm-up on a 200-trial journal, then 5 runs (3 from
 *   100,000 trials) whose median is `ms`. `load-study-<size>` also has `current_on_before_journal_ms`: the current build's
 *   `loadStudy` of the journal the before build wrote (an old journal must still open).
 * - `evolution-journal`: regularized evolution (P=100, T=10) on the experiment space (PROBLEMS §1)
 *   through `sample` with the journal file, 2,000 steps, µs per step, median over seeds 0–9 per
 *   process and over `PLIANT_GROWTH_ROUNDS` processes per build.
 * - `peak-rss`: plain `node` processes: `rss-import` (after `import` of the package), `rss-one-trial`
 *   (after a 1-trial random search), `rss-random-10k-memory` / `rss-random-10k-journal` (a
 *   10,000-trial random search on Sphere-10d, `PLIANT_GROWTH_RSS_TRIALS`): `max_rss_mb`
 *   (`process.resourceUsage().maxRSS`, the peak) and `rss_mb` at the end, median over
 *   `PLIANT_GROWTH_ROUNDS` processes; `node_max_rss_mb` is Node alone.
 *
 * Run: `npm run build && npx tsx bench/run.ts growth` (all cases, about 6 minutes), or one case:
 * `npx tsx bench/growth.bench.ts tpe-growth`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { baselineDist } from './lib/baseline.js';
import { emit as emitLine, sig } from './lib/harness.js';
import type { BenchLine } from './lib/harness.js';
import { median } from './lib/stats.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CHILD = join(root, 'bench', 'lib', 'growth-child.ts');
const RSS_CHILD = join(root, 'bench', 'lib', 'growth-rss-child.mjs');
const CURRENT = join(root, 'dist', 'index.js');
const BASE = process.env.PLIANT_GROWTH_BASE ?? '1694a16';

function envInt(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, found ${JSON.stringify(v)}`);
  return n;
}

const ROUNDS = envInt('PLIANT_GROWTH_ROUNDS', 3);
const TPE_TRIALS = envInt('PLIANT_GROWTH_TPE_TRIALS', 5000);
const TPE_SEEDS = envInt('PLIANT_GROWTH_TPE_SEEDS', 1);
const RSS_TRIALS = envInt('PLIANT_GROWTH_RSS_TRIALS', 10_000);
const SIZES = (process.env.PLIANT_GROWTH_SIZES ?? '1000,10000,100000').split(',').map((s) => {
  const n = Number(s.trim());
  if (!Number.isInteger(n) || n <= 0) throw new Error(`PLIANT_GROWTH_SIZES: bad size ${JSON.stringify(s)}`);
  return n;
});

type Build = 'current' | 'before';
type Result = Record<string, unknown>;

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

let beforeEntry: string | undefined;
async function entryOf(build: Build): Promise<string> {
  if (build === 'current') return CURRENT;
  beforeEntry ??= await baselineDist(BASE);
  return beforeEntry;
}

let rebuilt = false;
/**
 * Runs one child on `build`; the current dist is rebuilt by others now and then (`npm run build`
 * removes it first), so a failed current child is tried again after a pause, after building
 * dist ourselves if it is still missing.
 */
async function child(build: Build, args: readonly string[], options: { rss?: boolean } = {}): Promise<Result> {
  const entry = await entryOf(build);
  const attempts = build === 'current' ? 4 : 1;
  let last = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (build === 'current' && !existsSync(CURRENT)) await sleep(15_000);
    if (build === 'current' && attempt === attempts && !existsSync(CURRENT) && !rebuilt) {
      rebuilt = true;
      process.stderr.write('[growth] dist/index.js missing: npm run build\n');
      spawnSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    }
    const argv = options.rss === true ? [RSS_CHILD, entry, ...args] : [...process.execArgv, CHILD, entry, ...args];
    const r = spawnSync(process.execPath, argv, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.status === 0) {
      const lines = r.stdout.trim().split('\n');
      return JSON.parse(lines[lines.length - 1] as string) as Result;
    }
    last = `${r.stderr}`.trim().split('\n').slice(-8).join('\n');
    process.stderr.write(`[growth] ${build} child failed (attempt ${attempt}/${attempts}): ${args.join(' ').slice(0, 200)}\n${last}\n`);
    if (attempt < attempts) await sleep(15_000);
  }
  throw new Error(`${build}: ${last}`);
}

/** `rounds` processes per build, alternating (current first on even rounds); each build's results. */
async function paired(rounds: number, run: (build: Build) => Promise<Result>): Promise<Record<Build, Result[]>> {
  const out: Record<Build, Result[]> = { current: [], before: [] };
  for (let r = 0; r < rounds; r++) {
    const order: Build[] = r % 2 === 0 ? ['current', 'before'] : ['before', 'current'];
    for (const build of order) out[build].push(await run(build));
  }
  return out;
}

const num = (r: Result, key: string): number => r[key] as number;
const med = (rs: readonly Result[], key: string): number => median(rs.map((r) => num(r, key)));

/** Prints a line with the base revision and the machine's 1-minute load average (other work on it makes figures noisy). */
function emit(line: BenchLine): void {
  emitLine({ ...line, before_rev: BASE, load1: sig(loadavg()[0] as number) });
}

/** One line: a time per operation for both builds (`unit` e.g. `ms_per_trial`, scaled by `perSec` to a rate). */
function timeLine(
  bench: string,
  n: number,
  unit: string,
  perSec: number,
  current: number,
  before: number,
  cpu: readonly [number, number] | undefined,
  extra: Record<string, unknown> = {},
): void {
  emit({
    bench,
    n,
    ops_per_sec: sig(perSec / current),
    before_ops_per_sec: sig(perSec / before),
    [unit]: sig(current),
    [`before_${unit}`]: sig(before),
    ratio: sig(before / current),
    ...(cpu === undefined ? {} : { [`cpu_${unit}`]: sig(cpu[0]), [`before_cpu_${unit}`]: sig(cpu[1]), cpu_ratio: sig(cpu[1] / cpu[0]) }),
    ...extra,
  });
}

// ---- tpe-growth -------------------------------------------------------------------------------

const WINDOWS: readonly (readonly [number, number])[] = [
  [900, 1000],
  [1900, 2000],
  [4900, 5000],
];

async function tpeGrowth(): Promise<void> {
  await tpeWindows('sphere', 'tpe-growth', TPE_TRIALS, WINDOWS, 'tpe() on Sphere-10d, free objective');
  await tpeWindows(
    'conditional',
    'tpe-conditional',
    CONDITIONAL_TRIALS,
    CONDITIONAL_WINDOWS,
    'tpe() on a conditional space of 49 decisions (8 layers of 3 kinds: conv, dense, skip), free objective',
  );
}

/** The trials of the conditional space's TPE runs, and the windows measured. */
const CONDITIONAL_TRIALS = 1500;
const CONDITIONAL_WINDOWS: readonly (readonly [number, number])[] = [
  [400, 500],
  [1400, 1500],
];

/** One line per window, `<prefix>-<to>`: the mean ms per trial of TPE runs on `space`, each build, one process per seed. */
async function tpeWindows(
  space: 'sphere' | 'conditional',
  prefix: string,
  trials: number,
  all: readonly (readonly [number, number])[],
  what: string,
): Promise<void> {
  const windows = all.filter(([, to]) => to <= trials);
  const perBuild: Record<Build, Result[]> = { current: [], before: [] };
  for (let seed = 0; seed < TPE_SEEDS; seed++) {
    const got = await paired(1, (build) => child(build, [JSON.stringify({ case: 'tpe', seed, trials, windows, space })]));
    perBuild.current.push(...got.current);
    perBuild.before.push(...got.before);
  }
  const windowMs = (rs: Result[], i: number, key = 'ms_per_trial'): number[] => rs.map((r) => (r.windows as Record<string, number>[])[i]?.[key] as number);
  windows.forEach(([from, to], i) => {
    const c = windowMs(perBuild.current, i);
    const b = windowMs(perBuild.before, i);
    const cpu = [median(windowMs(perBuild.current, i, 'cpu_ms_per_trial')), median(windowMs(perBuild.before, i, 'cpu_ms_per_trial'))] as const;
    timeLine(`${prefix}-${to}`, to, 'ms_per_trial', 1000, median(c), median(b), cpu, {
      window: [from, to],
      runs_ms: c.map(sig),
      before_runs_ms: b.map(sig),
      note: `${what}, sample() with memoryStorage(), ${trials} trials; mean ms per loop iteration over trials ${from}-${to}, median over ${TPE_SEEDS} seed(s), one process per seed and build`,
    });
  });
}

// ---- random-journal ---------------------------------------------------------------------------

async function randomJournal(): Promise<void> {
  const trials = 1000;
  for (const storage of ['journal', 'memory'] as const) {
    const got = await paired(ROUNDS, (build) => child(build, [JSON.stringify({ case: 'random', seeds: [0, 1, 2, 3, 4], trials, storage })]));
    const c = med(got.current, 'us_per_trial_last_10pct');
    const b = med(got.before, 'us_per_trial_last_10pct');
    const cpu = [med(got.current, 'cpu_us_per_trial_last_10pct'), med(got.before, 'cpu_us_per_trial_last_10pct')] as const;
    timeLine(`random-${storage}`, trials, 'us_per_trial_last_10pct', 1e6, c, b, cpu, {
      us_per_trial: sig(med(got.current, 'us_per_trial')),
      before_us_per_trial: sig(med(got.before, 'us_per_trial')),
      runs_us: got.current.map((r) => sig(num(r, 'us_per_trial_last_10pct'))),
      before_runs_us: got.before.map((r) => sig(num(r, 'us_per_trial_last_10pct'))),
      ...(storage === 'journal'
        ? {
            journal_bytes_per_trial: sig(med(got.current, 'journal_bytes') / trials),
            before_journal_bytes_per_trial: sig(med(got.before, 'journal_bytes') / trials),
          }
        : {}),
      note: `random search on Sphere-10d through sample() with ${storage === 'journal' ? 'the journal file in a temporary folder' : 'memoryStorage()'}, ${trials} trials; µs per loop iteration over the last 10% (us_per_trial: whole run), median over seeds 0-4 per process, median over ${ROUNDS} processes per build`,
    });
  }
}

// ---- journal-format ---------------------------------------------------------------------------

/** The spaces of `journal-format` and their trials: Sphere-10d, the 3-decision space, the main job's `cnnSpace()`. */
const FORMAT_SPACES: readonly [space: string, trials: number][] = [
  ['sphere', 20_000],
  ['small', 20_000],
  ['cnn', 3_000],
];

async function journalFormat(): Promise<void> {
  for (const [space, trials] of FORMAT_SPACES) {
    const got = await paired(ROUNDS, (build) => child(build, [JSON.stringify({ case: 'journal-format', space, trials })]));
    const pair = (key: string): [number, number] => [med(got.current, key), med(got.before, key)];
    const [journal, journalBefore] = pair('journal_bytes');
    const [snapshot, snapshotBefore] = pair('snapshot_bytes');
    const [us, usBefore] = pair('us_per_trial');
    const [close, closeBefore] = pair('close_ms');
    const [load, loadBefore] = pair('load_ms');
    const [candidates, candidatesBefore] = pair('candidates_ms');
    emit({
      bench: `journal-format-${space}`,
      n: trials,
      ops_per_sec: sig(1e6 / us),
      before_ops_per_sec: sig(1e6 / usBefore),
      journal_bytes_per_trial: sig(journal / trials),
      before_journal_bytes_per_trial: sig(journalBefore / trials),
      snapshot_bytes_per_trial: sig(snapshot / trials),
      before_snapshot_bytes_per_trial: sig(snapshotBefore / trials),
      bytes_ratio: sig((journalBefore + snapshotBefore) / (journal + snapshot)),
      us_per_trial: sig(us),
      before_us_per_trial: sig(usBefore),
      close_ms: sig(close),
      before_close_ms: sig(closeBefore),
      load_ms: sig(load),
      before_load_ms: sig(loadBefore),
      candidates_us_per_trial: sig((candidates * 1000) / trials),
      before_candidates_us_per_trial: sig((candidatesBefore * 1000) / trials),
      note: `a ${trials}-trial random search (seed 0, free objective) on ${space === 'sphere' ? 'Sphere-10d' : space === 'small' ? 'the 3-decision space' : "the main job's cnnSpace()"} writing its journal file; bytes per trial of the journal and its snapshot (bytes_ratio = before / current, both together), µs per trial of the whole search, close_ms from the last objective call to the search's return (the closing snapshot), load_ms of loadStudy, candidates_us_per_trial: the first read of each trial's candidate after it; medians over ${ROUNDS} processes per build`,
    });
  }
}

// ---- journal-growth ---------------------------------------------------------------------------

function label(n: number): string {
  return n % 1000 === 0 ? `${n / 1000}k` : String(n);
}

/** Timed runs per process: 5, or 3 from 100,000 trials. */
function runsFor(size: number): number {
  return size >= 100_000 ? 3 : 5;
}

async function journalGrowth(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'pliant-growth-journals-'));
  try {
    for (const size of SIZES) {
      const dirs: Record<Build, string> = { current: join(work, `current-${size}`), before: join(work, `before-${size}`) };
      const written = await paired(1, async (build) => {
        mkdirSync(dirs[build]);
        return child(build, [JSON.stringify({ case: 'write-journal', dir: dirs[build], trials: size })]);
      });
      const wc = written.current[0] as Result;
      const wb = written.before[0] as Result;
      timeLine(
        `journal-write-${label(size)}`,
        size,
        'us_per_trial',
        1e6,
        (num(wc, 'ms') * 1000) / size,
        (num(wb, 'ms') * 1000) / size,
        [(num(wc, 'cpu_ms') * 1000) / size, (num(wb, 'cpu_ms') * 1000) / size],
        {
          us_per_trial_last_10pct: sig(num(wc, 'us_per_trial_last_10pct')),
          before_us_per_trial_last_10pct: sig(num(wb, 'us_per_trial_last_10pct')),
          cpu_us_per_trial_last_10pct: sig(num(wc, 'cpu_us_per_trial_last_10pct')),
          before_cpu_us_per_trial_last_10pct: sig(num(wb, 'cpu_us_per_trial_last_10pct')),
          bytes_per_trial: sig(num(wc, 'bytes_per_trial')),
          before_bytes_per_trial: sig(num(wb, 'bytes_per_trial')),
          bytes_ratio: sig(num(wb, 'bytes') / num(wc, 'bytes')),
          journal_mb: sig(num(wc, 'bytes') / 2 ** 20),
          before_journal_mb: sig(num(wb, 'bytes') / 2 ** 20),
          note: `a ${size}-trial random search (search(), 3-decision space of journal.bench.ts, free objective) writing its journal file in one fresh process; us_per_trial: the whole search, process start excluded; us_per_trial_last_10pct: between objective calls over its last 10%; bytes_per_trial: the journal folder's bytes / trials; bytes_ratio = before / current`,
        },
      );

      const resumed = await paired(1, (build) => child(build, [JSON.stringify({ case: 'resume', dir: dirs[build], trials: size, runs: runsFor(size) })]));
      const rc = resumed.current[0] as Result;
      const rb = resumed.before[0] as Result;
      timeLine(`resume-${label(size)}`, size, 'ms', 1000 * size, num(rc, 'ms'), num(rb, 'ms'), [num(rc, 'cpu_ms'), num(rb, 'cpu_ms')], {
        cold_ms: sig(num(rc, 'cold_ms')),
        before_cold_ms: sig(num(rb, 'cold_ms')),
        cold_cpu_ms: sig(num(rc, 'cold_cpu_ms')),
        before_cold_cpu_ms: sig(num(rb, 'cold_cpu_ms')),
        runs_ms: (rc.runs_ms as number[]).map(sig),
        before_runs_ms: (rb.runs_ms as number[]).map(sig),
        ms_to_end: sig(num(rc, 'ms_to_end_last')),
        before_ms_to_end: sig(num(rb, 'ms_to_end_last')),
        note: `search(numTrials ${size + 1}) on a fresh copy of the ${size}-trial journal its own build wrote: ms from the call to the first objective call (open, replay, recover, propose); one process per build: a cold run (cold_ms), a warm-up on a 200-trial journal, then ${runsFor(size)} runs (median: ms); ms_to_end: the last run until search returned; ops_per_sec: stored trials per second`,
      });

      const loaded = await paired(1, (build) => child(build, [JSON.stringify({ case: 'load', dir: dirs[build], trials: size, runs: runsFor(size) })]));
      const lc = loaded.current[0] as Result;
      const lb = loaded.before[0] as Result;
      let crossMs: number | string;
      try {
        crossMs = sig(num(await child('current', [JSON.stringify({ case: 'load', dir: dirs.before, trials: size, runs: 1 })]), 'ms'));
      } catch (error) {
        crossMs = `failed: ${(error as Error).message.split('\n').slice(-1)[0] ?? ''}`;
      }
      timeLine(`load-study-${label(size)}`, size, 'ms', 1000 * size, num(lc, 'ms'), num(lb, 'ms'), [num(lc, 'cpu_ms'), num(lb, 'cpu_ms')], {
        cold_ms: sig(num(lc, 'cold_ms')),
        before_cold_ms: sig(num(lb, 'cold_ms')),
        cold_cpu_ms: sig(num(lc, 'cold_cpu_ms')),
        before_cold_cpu_ms: sig(num(lb, 'cold_cpu_ms')),
        runs_ms: (lc.runs_ms as number[]).map(sig),
        before_runs_ms: (lb.runs_ms as number[]).map(sig),
        current_on_before_journal_ms: crossMs,
        note: `loadStudy of the ${size}-trial journal its own build wrote; one process per build: a cold run (cold_ms), a warm-up on a 200-trial journal, then ${runsFor(size)} runs (median: ms); current_on_before_journal_ms: the current build's loadStudy of the before build's journal (warm, one run); ops_per_sec: stored trials per second`,
      });
      rmSync(dirs.current, { recursive: true, force: true });
      rmSync(dirs.before, { recursive: true, force: true });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// ---- evolution-journal ------------------------------------------------------------------------

async function evolutionJournal(): Promise<void> {
  const steps = 2000;
  const got = await paired(ROUNDS, (build) => child(build, [JSON.stringify({ case: 'evolution', seeds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], steps })]));
  timeLine(
    'evolution-journal',
    steps,
    'us_per_step',
    1e6,
    med(got.current, 'us_per_step'),
    med(got.before, 'us_per_step'),
    [med(got.current, 'cpu_us_per_step'), med(got.before, 'cpu_us_per_step')],
    {
      runs_us: got.current.map((r) => sig(num(r, 'us_per_step'))),
      before_runs_us: got.before.map((r) => sig(num(r, 'us_per_step'))),
      note: `regularized evolution (P=100, T=10) on the experiment space of PROBLEMS §1 through sample() with the journal file, ${steps} steps (population included); µs per step, median over seeds 0-9 per process, median over ${ROUNDS} processes per build`,
    },
  );
}

// ---- peak-rss ---------------------------------------------------------------------------------

async function peakRss(): Promise<void> {
  const nodeOnly = await paired(ROUNDS, (build) => child(build, ['node'], { rss: true }));
  const nodeMax = sig(med([...nodeOnly.current, ...nodeOnly.before], 'max_rss_mb'));
  const cases: [string, string, number][] = [
    ['rss-import', 'import', 1],
    ['rss-one-trial', 'one-trial', 1],
    [`rss-random-${label(RSS_TRIALS)}-memory`, 'random-memory', RSS_TRIALS],
    [`rss-random-${label(RSS_TRIALS)}-journal`, 'random-journal', RSS_TRIALS],
  ];
  for (const [bench, what, n] of cases) {
    const got = await paired(ROUNDS, (build) => child(build, [what, String(RSS_TRIALS)], { rss: true }));
    const c = med(got.current, 'max_rss_mb');
    const b = med(got.before, 'max_rss_mb');
    emit({
      bench,
      n,
      ops_per_sec: sig((1000 * n) / med(got.current, 'ms')),
      before_ops_per_sec: sig((1000 * n) / med(got.before, 'ms')),
      max_rss_mb: sig(c),
      before_max_rss_mb: sig(b),
      ratio: sig(b / c),
      rss_mb: sig(med(got.current, 'rss_mb')),
      before_rss_mb: sig(med(got.before, 'rss_mb')),
      heap_used_mb: sig(med(got.current, 'heap_used_mb')),
      before_heap_used_mb: sig(med(got.before, 'heap_used_mb')),
      node_max_rss_mb: nodeMax,
      runs_max_rss_mb: got.current.map((r) => sig(num(r, 'max_rss_mb'))),
      before_runs_max_rss_mb: got.before.map((r) => sig(num(r, 'max_rss_mb'))),
      note: `plain node process per run (no TypeScript loader): ${what === 'import' ? 'import of the package' : what === 'one-trial' ? 'import, then a 1-trial random search (memoryStorage)' : `import, then a ${n}-trial random search on Sphere-10d through sample() with ${what === 'random-memory' ? 'memoryStorage()' : 'the journal file'}`}; max_rss_mb: process.resourceUsage().maxRSS (peak), rss_mb: RSS at the end, median over ${ROUNDS} processes per build; ratio = before / current; node_max_rss_mb: Node alone; ops_per_sec: trials (or imports) per second of the process's work`,
    });
  }
}

export const cases: Record<string, () => Promise<void>> = {
  'tpe-growth': tpeGrowth,
  'random-journal': randomJournal,
  'journal-format': journalFormat,
  'journal-growth': journalGrowth,
  'evolution-journal': evolutionJournal,
  'peak-rss': peakRss,
};

// `tsx bench/growth.bench.ts [case ...]` runs the cases named (all without names) in this process.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const names = process.argv.slice(2);
  for (const name of names) if (!(name in cases)) throw new Error(`growth: no case '${name}' (cases: ${Object.keys(cases).join(', ')})`);
  for (const name of names.length > 0 ? names : Object.keys(cases)) await (cases[name] as () => Promise<void>)();
}
