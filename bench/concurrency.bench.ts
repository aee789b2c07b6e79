/**
 * Several processes on one study (issue "the study as the spine"): four `pliant search` processes
 * (the built command line, `dist/cli/main.js`) share one study of 300 trials in a journal file,
 * running the experiment module `lib/concurrency-experiment.ts` (a 2,000-point space searched by
 * the default algorithm, `auto`, which picks GP there; an objective that sleeps 10 ms and appends each candidate it evaluates to a side file). Cases:
 * with and without `dedupe: 'structural'`, with the same seed in all four and with seeds 1–4.
 *
 * Lines `concurrency-<dedupe|no-dedupe>-<same|different>-seed`: `trials_at_end` (the study's
 * trials: evaluated ones plus those the dedupe cache served), `evaluated_trials` (trials that
 * count toward the budget: must be 300), `completed`, `cached`, `withdrawn` (proposals made when
 * others had spent the budget), `evaluations` (objective calls, from the side file),
 * `evaluated_twice` (candidates the objective ran more than once, over all processes: 0 with
 * dedupe), `per_process` (trials each process ran, from the journal's owners). `ops_per_sec` is
 * evaluated trials per second of wall time from the first spawn to the last exit (process start
 * and the TypeScript loader included); `study_ops_per_sec` over the study's own span (first
 * trial to last end).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { journalStorage, loadStudy } from 'pliant';
import { line, sig } from './lib/harness.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(root, 'dist', 'cli', 'main.js');
const EXPERIMENT = join(root, 'bench', 'lib', 'concurrency-experiment.ts');
const TRIALS = 300;
const PROCESSES = 4;
const MS_PER_TRIAL = 10;

interface Run {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

function searchProcess(dir: string, side: string, seed: number, dedupe: boolean): Promise<Run> {
  return new Promise((resolve) => {
    const proc = spawn(
      process.execPath,
      [CLI, 'search', EXPERIMENT, '--trials', String(TRIALS), '--storage', dir, '--study', 's', '--seed', String(seed), '--json'],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, PLIANT_BENCH_EVALUATIONS: side, PLIANT_BENCH_DEDUPE: dedupe ? '1' : '0', PLIANT_BENCH_MS: String(MS_PER_TRIAL) },
      },
    );
    let out = '';
    let err = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    proc.on('exit', (code) => resolve({ code, out, err }));
  });
}

async function concurrency(dedupe: boolean, sameSeed: boolean): Promise<void> {
  const name = `concurrency-${dedupe ? 'dedupe' : 'no-dedupe'}-${sameSeed ? 'same' : 'different'}-seed`;
  const work = mkdtempSync(join(tmpdir(), 'pliant-concurrency-'));
  try {
    const dir = join(work, 'studies');
    const side = join(work, 'evaluations.txt');
    const seeds = Array.from({ length: PROCESSES }, (_, i) => (sameSeed ? 1 : i + 1));
    const t0 = performance.now();
    const runs = await Promise.all(seeds.map((seed) => searchProcess(dir, side, seed, dedupe)));
    const seconds = (performance.now() - t0) / 1000;
    const failed = runs.filter((r) => r.code !== 0);
    if (failed.length > 0)
      throw new Error(`${failed.length} of ${PROCESSES} processes failed: ${failed.map((r) => `exit ${String(r.code)}: ${r.err}`).join('\n')}`);

    const warnings: string[] = [];
    const result = await loadStudy('s', { storage: journalStorage(dir), onWarning: (w) => warnings.push(`${w.kind}: ${w.message}`) });
    const evaluations = readFileSync(side, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.split('\t') as [string, string]);
    const counts = new Map<string, number>();
    for (const [candidate] of evaluations) counts.set(candidate, (counts.get(candidate) ?? 0) + 1);
    const byOwner = new Map<string, number>();
    for (const t of result.evaluated) byOwner.set(t.owner, (byOwner.get(t.owner) ?? 0) + 1);
    const journal = readFileSync(join(dir, 's.jsonl'), 'utf8');
    const withdrawn = journal.split('\n').filter((l) => l.startsWith('{"type":"withdraw"')).length;
    const starts = result.trials.map((t) => t.started);
    const ends = result.trials.map((t) => t.ended ?? t.started);
    const span = (Math.max(...ends) - Math.min(...starts)) / 1000;
    line(name, TRIALS, result.evaluated.length / seconds, undefined, {
      trials_at_end: result.trials.length,
      evaluated_trials: result.evaluated.length,
      completed: result.completed.length,
      cached: result.trials.filter((t) => t.cached).length,
      withdrawn,
      evaluations: evaluations.length,
      evaluated_twice: [...counts.values()].filter((c) => c > 1).length,
      extra_evaluations: evaluations.length - counts.size,
      per_process: [...byOwner.values()],
      processes_that_ran_trials: byOwner.size,
      journal_warnings: warnings.length,
      seeds,
      seconds: sig(seconds),
      study_ops_per_sec: sig(result.evaluated.length / span),
      ideal_ops_per_sec: (PROCESSES * 1000) / MS_PER_TRIAL,
      note: `${PROCESSES} pliant search processes, one study of ${TRIALS} trials in a journal file, the default algorithm (auto: GP on this space), ${MS_PER_TRIAL} ms per evaluation${dedupe ? ", dedupe: 'structural'" : ''}; evaluated_twice: candidates the objective ran more than once over all processes`,
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export const cases: Record<string, () => Promise<void>> = {
  'concurrency-dedupe-same-seed': () => concurrency(true, true),
  'concurrency-dedupe-different-seed': () => concurrency(true, false),
  'concurrency-no-dedupe-same-seed': () => concurrency(false, true),
  'concurrency-no-dedupe-different-seed': () => concurrency(false, false),
};
