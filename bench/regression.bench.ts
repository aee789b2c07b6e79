/**
 * Before and after in the same run: the search loop of the current build against the package of
 * git commit adf9f57 (before the study journal was rebuilt, issue "the study as the spine"), on
 * this machine at this moment. The baseline is built once into `.bench-out/baseline-adf9f57/`
 * (`git archive` of its src and configs, the repo's node_modules linked, compiled with the repo's
 * tsc) and reused while its `dist/index.js` and build marker are there.
 *
 * Each case runs `lib/regression-child.ts` in fresh processes, alternating baseline and current,
 * three times each (`PLIANT_BENCH_ROUNDS`), and reports medians:
 *
 * - `regression-loop-overhead-random`: the `loop-overhead-random` case of search.bench.ts
 *   (random search through `sample` with the journal file on Sphere-10d, free objective, 1,000
 *   trials, mean ms per trial, median over seeds 0–4).
 * - `regression-evolution-step`: the `evolution-step` case (regularized evolution P=100, T=10
 *   through `sample` with the journal file on the experiment space, 2,000 steps, median over
 *   seeds 0–9).
 *
 * - `regression-loop-inprocess-journal` / `-memory`: both packages imported into one process,
 *   30 alternating runs of 1,000 random-search trials each (Sphere-10d, free objective; the
 *   journal file or memoryStorage), after 4 warm-up runs of each: the same machine state for both,
 *   so the ratio of the minima is the steadiest figure this bench has on a noisy machine.
 *
 * `ops_per_sec` is the current code's rate, `baseline_ops_per_sec` the baseline's, `ratio` current
 * / baseline (≥ 0.9 is the target), `ms_per_trial` / `baseline_ms_per_trial` their medians, `runs`
 * and `baseline_runs` each process's figure. With `PLIANT_BENCH_CPU_PROF=1`, each child also
 * runs under `node --cpu-prof` and the line carries the top frames (self and total time) of the
 * last current and baseline runs (`profile_current`, `profile_baseline`); the profiles are kept in
 * `.bench-out/regression-profiles/`.
 */
import { execFileSync, execSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as Pliant from 'pliant';
import { topFrames } from './lib/cpu-profile.js';
import { line, sig } from './lib/harness.js';
import { medianOf } from './lib/search-loops.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BASELINE_COMMIT = 'adf9f57';
const BASELINE = join(root, '.bench-out', `baseline-${BASELINE_COMMIT}`);
const MARKER = join(BASELINE, '.built');
const CHILD = join(root, 'bench', 'lib', 'regression-child.ts');
const CURRENT_ENTRY = join(root, 'dist', 'index.js');
const BASELINE_ENTRY = join(BASELINE, 'dist', 'index.js');
/** Alternations of baseline and current (`PLIANT_BENCH_ROUNDS`, default 3): more give a steadier median on a noisy machine. */
const ROUNDS = Math.max(1, Number(process.env.PLIANT_BENCH_ROUNDS ?? '3'));
const PROFILE_DIR = join(root, '.bench-out', 'regression-profiles');

/** Builds the baseline package unless it is built already. */
function ensureBaseline(): void {
  if (existsSync(MARKER) && existsSync(BASELINE_ENTRY)) return;
  rmSync(BASELINE, { recursive: true, force: true });
  mkdirSync(BASELINE, { recursive: true });
  execSync(`git archive ${BASELINE_COMMIT} src tsconfig.json tsconfig.build.json package.json | tar -x -C "${BASELINE}"`, { cwd: root, stdio: 'inherit' });
  symlinkSync(join(root, 'node_modules'), join(BASELINE, 'node_modules'), 'dir');
  execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], { cwd: BASELINE, stdio: 'inherit' });
  writeFileSync(MARKER, `${BASELINE_COMMIT}\n`);
}

interface ChildResult {
  readonly ms_per_trial: number;
  readonly [key: string]: unknown;
}

/** Runs one measurement in a fresh process; with profiling, returns the profile written too. */
function runChild(entry: string, which: string, profileTag: string | undefined): { result: ChildResult; profile: string | undefined } {
  let profileArgs: string[] = [];
  let profileDir: string | undefined;
  if (profileTag !== undefined) {
    profileDir = join(PROFILE_DIR, profileTag);
    rmSync(profileDir, { recursive: true, force: true });
    mkdirSync(profileDir, { recursive: true });
    profileArgs = ['--cpu-prof', `--cpu-prof-dir=${profileDir}`];
  }
  const out = execFileSync(process.execPath, [...profileArgs, ...process.execArgv, CHILD, entry, which], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const result = JSON.parse(out.trim().split('\n').pop() as string) as ChildResult;
  const profile = profileDir === undefined ? undefined : readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
  return { result, profile: profile === undefined || profileDir === undefined ? undefined : join(profileDir, profile) };
}

async function regression(which: 'loop-overhead-random' | 'evolution-step', n: number, note: string): Promise<void> {
  ensureBaseline();
  const profiling = process.env.PLIANT_BENCH_CPU_PROF === '1';
  const current: ChildResult[] = [];
  const baseline: ChildResult[] = [];
  let profiles: { current?: string; baseline?: string } = {};
  for (let round = 0; round < ROUNDS; round++) {
    const last = round === ROUNDS - 1 && profiling;
    const b = runChild(BASELINE_ENTRY, which, last ? `${which}-baseline` : undefined);
    baseline.push(b.result);
    const c = runChild(CURRENT_ENTRY, which, last ? `${which}-current` : undefined);
    current.push(c.result);
    if (last) profiles = { ...(c.profile === undefined ? {} : { current: c.profile }), ...(b.profile === undefined ? {} : { baseline: b.profile }) };
  }
  const ms = medianOf(current.map((r) => r.ms_per_trial));
  const baselineMs = medianOf(baseline.map((r) => r.ms_per_trial));
  const top = (file: string | undefined): unknown => {
    if (file === undefined) return undefined;
    const frames = topFrames(file, 12);
    return { file: file.slice(root.length + 1), profile_ms: frames.ms, self: frames.self, total: frames.total };
  };
  line(`regression-${which}`, n, 1000 / ms, undefined, {
    baseline_ops_per_sec: sig(1000 / baselineMs),
    ratio: sig(baselineMs / ms),
    ms_per_trial: sig(ms),
    baseline_ms_per_trial: sig(baselineMs),
    runs: current.map((r) => sig(r.ms_per_trial)),
    baseline_runs: baseline.map((r) => sig(r.ms_per_trial)),
    baseline_commit: BASELINE_COMMIT,
    ...(profiling ? { profile_current: top(profiles.current), profile_baseline: top(profiles.baseline) } : {}),
    note,
  });
}

/** One run of 1,000 random-search trials through `sample` with package `p`: microseconds per trial. */
async function loopRun(p: typeof Pliant, storage: 'journal' | 'memory', seed: number): Promise<number> {
  const space = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`x${i}`, p.floatv(-5, 5)]));
  const dir = mkdtempSync(join(tmpdir(), 'pliant-regression-'));
  try {
    const t0 = performance.now();
    for await (const [c, feedback] of p.sample(space, p.random({ seed }), {
      numTrials: 1000,
      storage: storage === 'journal' ? p.journalStorage(dir) : p.memoryStorage(),
      study: 'sphere',
      direction: 'minimize',
    })) {
      let f = 0;
      for (const v of Object.values(c as Record<string, number>)) f += v * v;
      await feedback.done(f);
    }
    return performance.now() - t0; // ms per 1,000 trials = µs per trial
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function inProcess(storage: 'journal' | 'memory'): Promise<void> {
  ensureBaseline();
  const current = (await import(pathToFileURL(CURRENT_ENTRY).href)) as typeof Pliant;
  const baseline = (await import(pathToFileURL(BASELINE_ENTRY).href)) as typeof Pliant;
  for (let i = 0; i < 4; i++) {
    await loopRun(baseline, storage, i);
    await loopRun(current, storage, i);
  }
  const b: number[] = [];
  const c: number[] = [];
  for (let i = 0; i < 30; i++) {
    b.push(await loopRun(baseline, storage, i));
    c.push(await loopRun(current, storage, i));
  }
  const cMin = Math.min(...c);
  const bMin = Math.min(...b);
  line(`regression-loop-inprocess-${storage}`, 30_000, 1e6 / cMin, undefined, {
    baseline_ops_per_sec: sig(1e6 / bMin),
    ratio: sig(bMin / cMin),
    ratio_median: sig(medianOf(b) / medianOf(c)),
    us_per_trial_min: sig(cMin),
    baseline_us_per_trial_min: sig(bMin),
    us_per_trial_median: sig(medianOf(c)),
    baseline_us_per_trial_median: sig(medianOf(b)),
    baseline_commit: BASELINE_COMMIT,
    note: `random search through sample() on Sphere-10d, free objective, ${storage === 'journal' ? 'the journal file' : 'memoryStorage()'}; both builds in one process, 30 alternating runs of 1,000 trials after 4 warm-ups each; ratio = baseline min / current min (>= 1: current faster)`,
  });
}

export const cases: Record<string, () => Promise<void>> = {
  'regression-loop-inprocess-journal': () => inProcess('journal'),
  'regression-loop-inprocess-memory': () => inProcess('memory'),
  'regression-loop-overhead-random': () =>
    regression(
      'loop-overhead-random',
      1000,
      `random search through sample() with the journal file on Sphere-10d, free objective, 1,000 trials (mean ms per trial, median over seeds 0-4 in each process); ${ROUNDS} processes per build, alternating; ratio = current rate / baseline rate`,
    ),
  'regression-evolution-step': () =>
    regression(
      'evolution-step',
      2000,
      `regularized evolution (P=100, T=10) through sample() with the journal file on the experiment space, 2,000 steps (median over seeds 0-9 in each process); ${ROUNDS} processes per build, alternating; ratio = current rate / baseline rate`,
    ),
};
