/**
 * The symbolic core at its limit (issue 22), before and after in the same run: each operation of
 * symbolic.bench.ts and geno.bench.ts that the issue names, timed on the current build
 * (`dist/index.js`) and on the package of commit 1694a16, or of `PLIANT_CORE_BASE` when set
 * (`lib/baseline.ts`: a worktree under `.bench-base/`, built once), each in fresh processes (`lib/core-growth-child.ts`), baseline and
 * current alternating, three each; medians reported.
 *
 * - `core-<op>` for `hash` (first hash of freshly built experiment trees), `build-tree`,
 *   `build-space`, `build-space+dnaSpec`, `json-roundtrip`, `json-roundtrip-string`, `rebind`
 *   and `materialize`: `us_per_op` (current), `baseline_us_per_op`, `speedup` (baseline /
 *   current), `pyglove_us_per_op` and `x_anchor` (PyGlove's time over ours, ../shared/bench/ANCHORS.md),
 *   `runs` / `baseline_runs` (each process's figure). `ops_per_sec` is the current rate.
 * - `core-start-up-memory`: `import` of the package and a first one-trial random search through
 *   the journal file, in plain `node --expose-gc` (`lib/core-memory-child.mjs`): RSS and heap
 *   after a GC (medians of three), import time, and the modules each loads (ours, and files per
 *   package), for both builds.
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { baselineDist } from './lib/baseline.js';
import { line, sig } from './lib/harness.js';
import { medianOf } from './lib/search-loops.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The commit measured as `baseline`: 1694a16 (before issue 22), or `PLIANT_CORE_BASE`. */
const BASE_COMMIT = process.env.PLIANT_CORE_BASE ?? '1694a16';
const CHILD = join(root, 'bench', 'lib', 'core-growth-child.ts');
const MEMORY_CHILD = join(root, 'bench', 'lib', 'core-memory-child.mjs');
/** The current build: `dist/index.js` (`npm run bench` builds it), or the entry in `PLIANT_BENCH_CURRENT`. */
const CURRENT = process.env.PLIANT_BENCH_CURRENT ?? join(root, 'dist', 'index.js');
const ROUNDS = 3;

/** PyGlove 0.5.0's time per operation on this machine kind, µs (ANCHORS.md); `undefined` where it has none. */
const PYGLOVE_US: Record<string, number | undefined> = {
  hash: 1e6 / 25_700,
  'build-tree': undefined,
  'build-space': 1e6 / 99.6,
  'build-space+dnaSpec': 1e6 / 23.6,
  'json-roundtrip': 1e6 / 890,
  'json-roundtrip-string': 1e6 / 856,
  rebind: 1e6 / 17_000,
  materialize: 1e6 / 63.9,
};

function child(entry: string, op: string): number {
  const out = execFileSync(process.execPath, [...process.execArgv, CHILD, entry, op], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return (JSON.parse(out.trim().split('\n').pop() as string) as { us_per_op: number }).us_per_op;
}

async function op(name: string): Promise<void> {
  const base = await baselineDist(BASE_COMMIT);
  const runs: number[] = [];
  const baselineRuns: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    baselineRuns.push(child(base, name));
    runs.push(child(CURRENT, name));
  }
  const us = medianOf(runs);
  const before = medianOf(baselineRuns);
  const anchor = PYGLOVE_US[name];
  line(`core-${name}`, ROUNDS, 1e6 / us, undefined, {
    us_per_op: sig(us),
    baseline_us_per_op: sig(before),
    speedup: sig(before / us),
    ...(anchor === undefined ? {} : { pyglove_us_per_op: sig(anchor), x_anchor: sig(anchor / us), baseline_x_anchor: sig(anchor / before) }),
    runs: runs.map(sig),
    baseline_runs: baselineRuns.map(sig),
  });
}

interface MemoryRun {
  readonly import_ms: number;
  readonly import: { readonly rss_mb?: number; readonly heap_mb?: number; readonly modules_ours?: number; readonly modules_packages?: Record<string, number> };
  readonly search: MemoryRun['import'];
}

function memoryChild(entry: string, listing: 'memory' | 'modules'): MemoryRun {
  const out = execFileSync(process.execPath, ['--expose-gc', MEMORY_CHILD, entry, 'search', listing], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.trim().split('\n').pop() as string) as MemoryRun;
}

function memorySummary(runs: readonly MemoryRun[], modules: MemoryRun): Record<string, unknown> {
  const med = (f: (r: MemoryRun) => number | undefined): number => medianOf(runs.map((r) => f(r) ?? NaN));
  return {
    import_rss_mb: med((r) => r.import.rss_mb),
    import_heap_mb: med((r) => r.import.heap_mb),
    import_ms: med((r) => r.import_ms),
    search_rss_mb: med((r) => r.search.rss_mb),
    search_heap_mb: med((r) => r.search.heap_mb),
    import_modules: { ours: modules.import.modules_ours, packages: modules.import.modules_packages },
    search_modules: { ours: modules.search.modules_ours, packages: modules.search.modules_packages },
  };
}

/** The cases, each run in a fresh process by bench/run.ts. */
export const cases: Record<string, () => Promise<void>> = {
  ...Object.fromEntries(Object.keys(PYGLOVE_US).map((name) => [name, () => op(name)])),
  async 'start-up-memory'() {
    const base = await baselineDist(BASE_COMMIT);
    const current: MemoryRun[] = [];
    const baseline: MemoryRun[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      baseline.push(memoryChild(base, 'memory'));
      current.push(memoryChild(CURRENT, 'memory'));
    }
    const now = memorySummary(current, memoryChild(CURRENT, 'modules'));
    line('core-start-up-memory', ROUNDS, 0, undefined, { current: now, baseline: memorySummary(baseline, memoryChild(base, 'modules')) });
  },
};
