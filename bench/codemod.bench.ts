/**
 * The codemod on real TensorFlow.js code (issue 18): `annotate` and `apply` on every source file of
 * a folder, by default `../shared/corpus/tfjs-examples` (35 files of tensorflow/tfjs-examples),
 * or the folder in `PLIANT_BENCH_CODEMOD_DIR` (read in place, never copied into the repository;
 * whatever it holds: the checks below are not fitted to the corpus). Helpers independent of the
 * codemod are in `lib/codemod-corpus.ts`.
 *
 * - `useful-spaces` prints `codemod-useful-spaces` and `codemod-decisions`. A file "has something
 *   to tune" when a syntax check of our own finds a call of a tfjs layer factory, of a `tf.train`
 *   optimizer, or `compile` / `fit` / `fitDataset` (`tuneSignals`); its space is "useful" when it
 *   has at least two decisions (distinct keys) and not all of them are on the optimizer (learning
 *   rate, optimizer name or arguments: `isOptimizerDecision`). Target ≥ 90%. `n`: files with
 *   something to tune; `ops_per_sec`: files annotated per second (whole folder, median of 3
 *   passes); `failing`: each such file without a useful space, with its decision count and why.
 *   `codemod-decisions`: decisions per file with something to tune (median, total), and the
 *   places left as is grouped by the wording of their reason (`reasonKind`: parameter, computed
 *   at run time, loop, output layer, imported, single value, marked off, nothing to tune (a call
 *   with no argument a rule tunes), kind not drop-in, other).
 * - `round-trip` prints `codemod-round-trip`: for every file, `applySource(file, annotated.original)`
 *   gives the file back byte for byte, and the annotated module is still valid code of the
 *   input's kind: `.js` / `.mjs` / `.cjs` pass `node --check` (a `.js` file is checked in a folder
 *   whose package.json says `module` or `commonjs` as the original is written: `import`/`export`
 *   or not), `.ts` files parse (TypeScript's syntactic diagnostics).
 * - `end-to-end` prints `codemod-end-to-end`: the files of {@link RECIPES}, each in a child process
 *   (`lib/codemod-e2e-child.mjs`, its description says what a trial does): the file's folder copied
 *   to a temporary folder, annotated there (`<name>.space<ext>` next to the copy), a 3-trial random
 *   `search` of `annotatedModule(...).load(candidate)` with one `fit` step on random tensors of
 *   the model's shapes, then `applyFile(copy, best, {dryRun: true})`, whose diff must touch
 *   only the lines of the decisions whose best value differs from the original, and each of them
 *   (`checkApplyDiff`: a decision's lines are its statement, or the tfjs call around it when the
 *   statement holds several calls, as in `tf.sequential({layers: [...]})`). In the child,
 *   `@tensorflow/tfjs-node(-gpu)` resolves to `@tensorflow/tfjs` (wasm backend with pliant's training
 *   kernels, through `loadTf`; `PLIANT_TF_BACKEND=cpu` forces cpu), and modules the
 *   copy imports that are missing (the corpus holds one file per example, not its `data.js` /
 *   `ui.js`; packages not installed here such as `@tensorflow/tfjs-vis`) are stubs
 *   (`lib/codemod-e2e-register.mjs`). `pliant` and `@tensorflow/*` resolve through symlinks in
 *   the temporary folder's node_modules. Per-file failure reasons, by stage (annotate, import,
 *   load, build, compile, fit, apply). `ops_per_sec`: trials per second of the children's time.
 * - `speed` prints `codemod-speed-inprocess` (`annotateSource` and `applySource` of a random
 *   candidate on every file, files per second, median of 5 passes) and `codemod-speed-cli`
 *   (`node dist/cli/main.js annotate <file> --out <tmp>`, ms per file: 3 runs of each of 5 files,
 *   the median of each file's median).
 *
 * Environment: `PLIANT_BENCH_CODEMOD_DIR` (the folder), `PLIANT_BENCH_CODEMOD_RECIPES` (below),
 * `PLIANT_BENCH_CODEMOD_KEEP=1` (keep the temporary folders, to look at the generated modules),
 * `PLIANT_BENCH_CODEMOD_STRIP_TYPES=1` (a diagnostic, not the measure: strip TypeScript syntax from a
 * generated `.js` module before the end-to-end run, to see how far the rest gets).
 *
 * The end-to-end recipes (`PLIANT_BENCH_CODEMOD_RECIPES=file.json` replaces the table, for
 * another folder). `export`: the export to use (`default`: the default export, a CommonJS
 * module's `module.exports`); `call`: `call` it with `args` (default), construct it (`new`), or
 * take it as the model (`value`); `member`: the model is that property of the result; `compile`:
 * the file's own compile function, called as `fn(model, ...args)` (without it, an uncompiled
 * model gets `sgd` + mean squared error); `inputs` / `outputs`: shapes without the batch
 * dimension when the model's own cannot be read; `intInputs`: inputs are token ids below it.
 *
 * | file                               | style                                        | model from                          | compile                 | inputs             |
 * | ---------------------------------- | -------------------------------------------- | ----------------------------------- | ----------------------- | ------------------ |
 * | mnist-node/model.js                | CommonJS, `module.exports = model` at import | the default export                  | the file's              | model.inputs       |
 * | abalone-node/model.js              | CommonJS, requires `@tensorflow/tfjs-node`   | `createModel([8])` (default export) | the file's (tf.train)   | model.inputs       |
 * | quantization/model_mnist.js        | ES module, sequential CNN                    | `createModel()`                     | the file's              | model.inputs       |
 * | snake-dqn/dqn.js                   | ES module, CNN sized by parameters           | `createDeepQNetwork(13, 13, 4)` (a) | sgd + mse               | model.inputs       |
 * | cart-pole/index.js                 | ES module, class, layers in `forEach`        | `new SaveablePolicyNetwork([8, 8])` | sgd + mse               | model.inputs       |
 * |                                    | (imports `./ui`: stub)                       | `.policyNet`                        |                         |                    |
 * | lstm-text-generation/model.js      | ES module, LSTM layers in a `for` loop       | `createModel(8, 12, [16, 16])`      | `compileModel(m, 0.01)` | model.inputs       |
 * | date-conversion-attention/model.js | ES module, functional API, attention         | `createModel(13, 13, 12, 10)`       | the file's              | 2 inputs, ids < 13 |
 * | jena-weather/models.js             | ES module, GRU (imports `./data`: stub)      | `buildModel('gru', 8, 4)`           | the file's              | model.inputs       |
 *
 * (a) 13 × 13: three valid convolutions of kernel size up to 5 (a candidate of the space) still fit.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { annotateFile, annotateSource, applySource, sampleRandom } from 'pliant';
import type { AnnotateResult, TreeValue } from 'pliant';
import { line, measure, sig } from './lib/harness.js';
import { median } from './lib/stats.js';
import {
  REASON_KINDS,
  REPO,
  checkApplyDiff,
  corpusDir,
  corpusFiles,
  hasSomethingToTune,
  isOptimizerDecision,
  moduleKind,
  reasonKind,
  short,
  stripTypes,
  syntaxCheck,
  tuneSignals,
} from './lib/codemod-corpus.js';
import type { CorpusFile, ReasonKind, SyntaxCheck } from './lib/codemod-corpus.js';

/** How to build and train the model of one file end to end (see the module's description). */
export interface Recipe {
  readonly file: string;
  readonly style: string;
  readonly export: string;
  readonly call?: 'call' | 'new' | 'value';
  readonly args?: readonly unknown[];
  readonly member?: string;
  readonly compile?: { readonly export: string; readonly args?: readonly unknown[] };
  readonly inputs?: readonly (readonly number[])[];
  readonly outputs?: readonly (readonly number[])[];
  readonly intInputs?: number;
  readonly train?: 'fit' | 'trainOnBatch';
}

export const RECIPES: readonly Recipe[] = [
  { file: 'mnist-node/model.js', style: 'CommonJS, module.exports = model', export: 'default', call: 'value' },
  { file: 'abalone-node/model.js', style: 'CommonJS, @tensorflow/tfjs-node', export: 'default', args: [[8]] },
  { file: 'quantization/model_mnist.js', style: 'ES module, sequential CNN', export: 'createModel' },
  { file: 'snake-dqn/dqn.js', style: 'ES module, CNN shaped by parameters', export: 'createDeepQNetwork', args: [13, 13, 4] },
  {
    file: 'cart-pole/index.js',
    style: 'ES module, class, layers in forEach',
    export: 'SaveablePolicyNetwork',
    call: 'new',
    args: [[8, 8]],
    member: 'policyNet',
  },
  {
    file: 'lstm-text-generation/model.js',
    style: 'ES module, LSTM layers in a for loop',
    export: 'createModel',
    args: [8, 12, [16, 16]],
    compile: { export: 'compileModel', args: [0.01] },
  },
  { file: 'date-conversion-attention/model.js', style: 'ES module, functional API, attention', export: 'createModel', args: [13, 13, 12, 10], intInputs: 13 },
  { file: 'jena-weather/models.js', style: 'ES module, GRU', export: 'buildModel', args: ['gru', 8, 4] },
];

const TRIALS = 3;
const SEED = 1;
const CHILD_TIMEOUT_MS = 300_000;
const here = dirname(fileURLToPath(import.meta.url));
/** `PLIANT_BENCH_CODEMOD_STRIP_TYPES=1`: a diagnostic, see `stripTypes`; the default measure loads the module as written. */
const stripTypesOption = process.env.PLIANT_BENCH_CODEMOD_STRIP_TYPES === '1';

function recipes(): readonly Recipe[] {
  const file = process.env.PLIANT_BENCH_CODEMOD_RECIPES;
  return file === undefined || file === '' ? RECIPES : (JSON.parse(readFileSync(file, 'utf8')) as Recipe[]);
}

/** A temporary folder for the case, removed at the end unless `PLIANT_BENCH_CODEMOD_KEEP=1`. */
async function withTemp<T>(body: (dir: string) => Promise<T> | T): Promise<T> {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'pliant-codemod-bench-')));
  try {
    return await body(dir);
  } finally {
    if (process.env.PLIANT_BENCH_CODEMOD_KEEP === '1') process.stderr.write(`codemod bench: kept ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

interface Annotated {
  readonly file: CorpusFile;
  readonly text: string;
  readonly result?: AnnotateResult;
  readonly error?: string;
}

function annotateAll(files: readonly CorpusFile[]): Annotated[] {
  return files.map((file) => {
    const text = readFileSync(file.path, 'utf8');
    try {
      return { file, text, result: annotateSource(text, { fileName: file.rel }) };
    } catch (error) {
      return { file, text, error: short(error) };
    }
  });
}

/** Files annotated per second over the whole folder (median of `rounds` passes). */
function annotateRate(all: readonly Annotated[], rounds: number): number {
  return measure(
    all.length,
    (i) => {
      const a = all[i] as Annotated;
      try {
        return annotateSource(a.text, { fileName: a.file.rel });
      } catch {
        return undefined;
      }
    },
    { rounds, warmupMs: 300 },
  );
}

const uniqueKeys = (r: AnnotateResult | undefined): number => new Set(r?.decisions.map((d) => d.key) ?? []).size;

async function usefulSpaces(): Promise<void> {
  const dir = corpusDir();
  const files = corpusFiles(dir);
  const all = annotateAll(files);
  const rate = annotateRate(all, 3);
  const rows = all.map((a) => {
    const signals = tuneSignals(a.text, a.file.rel);
    const decisions = uniqueKeys(a.result);
    const byKey = new Map((a.result?.decisions ?? []).map((d) => [d.key, d]));
    const nonOptimizer = [...byKey.values()].filter((d) => !isOptimizerDecision(d, signals)).length;
    const useful = decisions >= 2 && nonOptimizer > 0;
    const why =
      a.error !== undefined
        ? `annotate threw: ${a.error}`
        : decisions === 0
          ? 'no decisions'
          : decisions === 1
            ? 'one decision'
            : nonOptimizer === 0
              ? 'only optimizer decisions'
              : undefined;
    return { a, signals, tunable: hasSomethingToTune(signals), decisions, nonOptimizer, useful, why };
  });
  const tunable = rows.filter((r) => r.tunable);
  const useful = tunable.filter((r) => r.useful);
  line('codemod-useful-spaces', tunable.length, rate, undefined, {
    folder: dir,
    files: files.length,
    with_something_to_tune: tunable.length,
    useful: useful.length,
    fraction: sig(tunable.length === 0 ? 0 : useful.length / tunable.length),
    target: 0.9,
    failing: tunable
      .filter((r) => !r.useful)
      .map((r) => ({
        file: r.a.file.rel,
        decisions: r.decisions,
        non_optimizer: r.nonOptimizer,
        why: r.why,
        calls: { layers: r.signals.layers, optimizers: r.signals.optimizers, compile_fit: r.signals.training },
      })),
    nothing_to_tune: rows.filter((r) => !r.tunable).map((r) => r.a.file.rel),
    useful_files: useful.map((r) => r.a.file.rel),
  });

  const counts = tunable.map((r) => r.decisions);
  const byKind = Object.fromEntries(REASON_KINDS.map((k) => [k, 0])) as Record<ReasonKind, number>;
  const others = new Set<string>();
  let skippedTotal = 0;
  for (const r of rows) {
    for (const s of r.a.result?.skipped ?? []) {
      const kind = reasonKind(s.reason);
      byKind[kind]++;
      skippedTotal++;
      if (kind === 'other') others.add(s.reason.length > 120 ? `${s.reason.slice(0, 117)}...` : s.reason);
    }
  }
  line('codemod-decisions', tunable.length, rate, undefined, {
    median: counts.length === 0 ? 0 : median(counts),
    total: counts.reduce((s, c) => s + c, 0),
    total_all_files: rows.reduce((s, r) => s + r.decisions, 0),
    min: counts.length === 0 ? 0 : Math.min(...counts),
    max: counts.length === 0 ? 0 : Math.max(...counts),
    per_file: Object.fromEntries(tunable.map((r) => [r.a.file.rel, r.decisions])),
    skipped_total: skippedTotal,
    skipped_by_kind: byKind,
    other_reasons: [...others].slice(0, 20),
    annotate_errors: rows.filter((r) => r.a.error !== undefined).map((r) => ({ file: r.a.file.rel, error: r.a.error })),
  });
}

async function roundTrip(): Promise<void> {
  const dir = corpusDir();
  const files = corpusFiles(dir);
  await withTemp(async (tmp) => {
    const t0 = performance.now();
    const failures: { file: string; stage: string; error: string }[] = [];
    let identical = 0;
    let checked = 0;
    let passed = 0;
    let changed = 0;
    let changedPassed = 0;
    const how: Record<string, number> = {};
    files.forEach((file, i) => {
      const text = readFileSync(file.path, 'utf8');
      let result: AnnotateResult;
      try {
        result = annotateSource(text, { fileName: file.rel });
      } catch (error) {
        failures.push({ file: file.rel, stage: 'annotate', error: short(error) });
        return;
      }
      try {
        const back = applySource(text, result.original, { fileName: file.rel }).code;
        if (back === text) identical++;
        else failures.push({ file: file.rel, stage: 'apply original', error: firstDifference(text, back) });
      } catch (error) {
        failures.push({ file: file.rel, stage: 'apply original', error: short(error) });
      }
      const kind = moduleKind(text, file.rel);
      let check: SyntaxCheck;
      try {
        check = syntaxCheck(result.code, file.rel, kind, join(tmp, String(i)));
      } catch (error) {
        check = { ok: false, how: 'node --check', error: short(error) };
      }
      checked++;
      how[check.how] = (how[check.how] ?? 0) + 1;
      if (result.changed) changed++;
      if (check.ok) {
        passed++;
        if (result.changed) changedPassed++;
      } else {
        // Is the original itself valid? If not, the check says nothing about the codemod.
        const originalCheck = syntaxCheck(text, file.rel, kind, join(tmp, `${i}-original`));
        failures.push({
          file: file.rel,
          stage: `${check.how} (${kind})`,
          error: `${check.error ?? 'failed'}${originalCheck.ok ? '' : ' (the original fails too)'}`,
        });
      }
    });
    const seconds = (performance.now() - t0) / 1000;
    line('codemod-round-trip', files.length, files.length / seconds, undefined, {
      files: files.length,
      byte_identical: identical,
      byte_identical_fraction: sig(identical / Math.max(1, files.length)),
      checked,
      check_passed: passed,
      check_passed_fraction: sig(passed / Math.max(1, checked)),
      changed,
      changed_check_passed: changedPassed,
      checked_by: how,
      failures,
    });
  });
}

/** Where two texts first differ, for a report. */
function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const lineNo = a.slice(0, i).split('\n').length;
  return `differs from line ${lineNo}: ${JSON.stringify(a.slice(i, i + 40))} became ${JSON.stringify(b.slice(i, i + 40))}`;
}

interface ChildResult {
  stage: string;
  backend?: string;
  error?: string;
  trials: { ok: boolean; loss?: number; error?: string; ms: number; cpu_fallback?: boolean }[];
  succeeded?: number;
  best?: unknown;
  changes?: number;
  diff?: string;
  stubbed: string[];
}

const SKIP_COPY = new Set(['node_modules', '.git']);
function countFiles(dir: string, limit: number): number {
  let n = 0;
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      if (n > limit || SKIP_COPY.has(name)) continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else n++;
    }
  };
  walk(dir);
  return n;
}

async function endToEnd(): Promise<void> {
  const dir = corpusDir();
  const list = recipes();
  await withTemp(async (root) => {
    mkdirSync(join(root, 'node_modules'));
    symlinkSync(REPO, join(root, 'node_modules', 'pliant'), 'dir');
    symlinkSync(join(REPO, 'node_modules', '@tensorflow'), join(root, 'node_modules', '@tensorflow'), 'dir');
    const register = join(here, 'lib', 'codemod-e2e-register.mjs');
    const child = join(here, 'lib', 'codemod-e2e-child.mjs');
    const tsx = join(REPO, 'node_modules', 'tsx', 'dist', 'loader.mjs');
    const perFile: Record<string, unknown>[] = [];
    let childMs = 0;
    let trialsRun = 0;
    for (const recipe of list) {
      const t0 = performance.now();
      const src = join(dir, recipe.file);
      const row: Record<string, unknown> = { file: recipe.file, style: recipe.style };
      perFile.push(row);
      if (!existsSync(src)) {
        Object.assign(row, { ok: false, stage: 'missing', error: `not in ${dir}` });
        continue;
      }
      // The file's folder, copied so its local imports resolve (only the file when the folder is large).
      const work = join(root, recipe.file.replace(/[^\w.-]+/g, '_'));
      if (countFiles(dirname(src), 300) <= 300) cpSync(dirname(src), work, { recursive: true, filter: (p) => !SKIP_COPY.has(basename(p)) });
      else {
        mkdirSync(work, { recursive: true });
        cpSync(src, join(work, basename(src)));
      }
      const text = readFileSync(src, 'utf8');
      const kind = moduleKind(text, recipe.file);
      writeFileSync(join(work, 'package.json'), `${JSON.stringify({ private: true, type: kind })}\n`);
      const copy = join(work, basename(src));
      const ext = extname(src);
      const space = join(work, `${basename(src, ext)}.space${ext}`);
      row.module = kind;
      let annotated: AnnotateResult;
      try {
        annotated = await annotateFile(copy, { out: space });
      } catch (error) {
        Object.assign(row, { ok: false, stage: 'annotate', error: short(error) });
        continue;
      }
      row.decisions = uniqueKeys(annotated);
      if (annotated.decisions.length === 0) {
        Object.assign(row, { ok: false, stage: 'annotate', error: 'annotate found no decisions: nothing to search' });
        continue;
      }
      if (stripTypesOption && /\.[mc]?js$/.test(ext)) {
        writeFileSync(space, stripTypes(annotated.code, space));
        row.stripped_types = true;
      }
      const jobFile = join(work, 'job.json');
      const resultFile = join(work, 'result.json');
      writeFileSync(jobFile, JSON.stringify({ dir: root, copy, space, recipe, trials: TRIALS, seed: SEED, result: resultFile }));
      const args = [...(/\.[mc]?ts$/.test(ext) ? ['--import', tsx] : []), '--import', register, child, jobFile];
      const r = spawnSync(process.execPath, args, {
        cwd: work,
        env: { ...process.env, PLIANT_BENCH_CODEMOD_ROOT: root },
        encoding: 'utf8',
        timeout: CHILD_TIMEOUT_MS,
        maxBuffer: 64 << 20,
      });
      const ms = performance.now() - t0;
      childMs += ms;
      row.ms = Math.round(ms);
      if (!existsSync(resultFile)) {
        const why = r.error !== undefined ? r.error.message : lastError(`${r.stderr}`.replaceAll(root, '<tmp>'));
        Object.assign(row, { ok: false, stage: 'child', error: `the child ended without a result (exit ${r.status}, ${r.signal ?? 'no signal'}): ${why}` });
        continue;
      }
      const res = JSON.parse(readFileSync(resultFile, 'utf8')) as ChildResult;
      trialsRun += res.trials.length;
      const succeeded = res.trials.filter((t) => t.ok).length;
      const trialErrors = [...new Set(res.trials.filter((t) => !t.ok).map((t) => t.error))];
      const check = res.diff === undefined ? undefined : checkApplyDiff(text, recipe.file, annotated.decisions, res.best, res.diff);
      const error =
        res.error ??
        (check !== undefined && !check.ok
          ? `apply: the diff touches lines ${JSON.stringify(check.outside)} outside the changed decisions${
              check.untouched.length > 0 ? ` and leaves ${check.untouched.join(', ')} as they were` : ''
            }`
          : undefined);
      Object.assign(row, {
        ok: res.stage === 'done' && check?.ok === true && succeeded === TRIALS,
        stage: res.stage,
        ...(res.backend !== undefined ? { backend: res.backend } : {}),
        trials: res.trials.length,
        succeeded,
        ...(res.trials.length > 0 ? { trial_ms: res.trials.map((t) => t.ms) } : {}),
        ...(res.trials.some((t) => t.cpu_fallback === true) ? { cpu_fallbacks: res.trials.filter((t) => t.cpu_fallback === true).length } : {}),
        ...(check !== undefined
          ? { changed_decisions: check.changed.length, changed_sites: res.changes, touched_lines: check.touched, diff_ok: check.ok }
          : {}),
        ...(error !== undefined ? { error } : {}),
        ...(trialErrors.length > 0 ? { trial_errors: trialErrors } : {}),
        ...(res.stubbed.length > 0 ? { stubbed: res.stubbed } : {}),
      });
    }
    const tried = perFile.filter((r) => r.stage !== 'missing');
    line('codemod-end-to-end', tried.length, childMs === 0 ? 0 : trialsRun / (childMs / 1000), undefined, {
      trials_per_file: TRIALS,
      ...(stripTypesOption ? { stripped_types: true } : {}),
      files_ok: perFile.filter((r) => r.ok === true).length,
      files_with_a_successful_trial: perFile.filter((r) => typeof r.succeeded === 'number' && r.succeeded > 0).length,
      trials_run: trialsRun,
      trials_succeeded: perFile.reduce((s, r) => s + (typeof r.succeeded === 'number' ? r.succeeded : 0), 0),
      trials_planned: tried.length * TRIALS,
      diff_ok: perFile.filter((r) => r.diff_ok === true).length,
      seconds: sig(childMs / 1000),
      per_file: perFile,
    });
  });
}

/** The last error line of a child's stderr. */
function lastError(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '' && !/^\s+at /.test(l) && !/^Node\.js v/.test(l));
  const error = [...lines].reverse().find((l) => /Error\b|error:/i.test(l));
  return short(error ?? lines[lines.length - 1] ?? 'no output');
}

async function speed(): Promise<void> {
  const dir = corpusDir();
  const files = corpusFiles(dir);
  const all = annotateAll(files);
  const candidates = all.map((a) => {
    const r = a.result;
    if (r === undefined || r.decisions.length === 0) return r?.original ?? {};
    return (sampleRandom(r.space, { seed: SEED })[0] ?? r.original) as TreeValue;
  });
  const annotateOps = measure(
    all.length,
    (i) => {
      const a = all[i] as Annotated;
      try {
        return annotateSource(a.text, { fileName: a.file.rel });
      } catch {
        return undefined;
      }
    },
    { rounds: 5, warmupMs: 500 },
  );
  const applyOps = measure(
    all.length,
    (i) => {
      const a = all[i] as Annotated;
      try {
        return applySource(a.text, candidates[i] as TreeValue, { fileName: a.file.rel });
      } catch {
        return undefined;
      }
    },
    { rounds: 5, warmupMs: 500 },
  );
  line('codemod-speed-inprocess', all.length, annotateOps, undefined, {
    annotate_ops_per_sec: sig(annotateOps),
    apply_ops_per_sec: sig(applyOps),
    annotate_ms_per_file: sig(1000 / annotateOps),
    apply_ms_per_file: sig(1000 / applyOps),
    bytes_per_file: Math.round(all.reduce((s, a) => s + a.text.length, 0) / Math.max(1, all.length)),
  });

  // The CLI: 5 files with something to tune, spread over the sorted list; 3 runs each.
  const tunable = all.filter((a) => a.result !== undefined && a.result.decisions.length > 0);
  const pick = (tunable.length > 0 ? tunable : all).filter((_, i, arr) => arr.length <= 5 || i % Math.ceil(arr.length / 5) === 0).slice(0, 5);
  const cli = join(REPO, 'dist', 'cli', 'main.js');
  await withTemp((tmp) => {
    const perFile: Record<string, number> = {};
    const failures: { file: string; error: string }[] = [];
    pick.forEach((a, i) => {
      const runs: number[] = [];
      for (let k = 0; k < 3; k++) {
        const out = join(tmp, `${i}-${k}${a.file.ext}`);
        const t0 = performance.now();
        const r = spawnSync(process.execPath, [cli, 'annotate', a.file.path, '--out', out], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
        const ms = performance.now() - t0;
        if (r.status !== 0) {
          failures.push({ file: a.file.rel, error: lastError(`${r.stderr}`) });
          break;
        }
        runs.push(ms);
      }
      if (runs.length > 0) perFile[a.file.rel] = sig(median(runs));
    });
    const medians = Object.values(perFile);
    const ms = medians.length === 0 ? Number.NaN : median(medians);
    line('codemod-speed-cli', medians.length, 1000 / ms, undefined, { ms_per_file: sig(ms), runs_per_file: 3, per_file_ms: perFile, failures });
  });
}

export const cases = {
  'useful-spaces': usefulSpaces,
  'round-trip': roundTrip,
  'end-to-end': endToEnd,
  speed,
};
