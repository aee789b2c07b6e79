import { basename, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Algorithm } from '../algorithms/algorithm.js';
import { auto } from '../algorithms/auto.js';
import { gp } from '../algorithms/gp/gp.js';
import { grid } from '../algorithms/grid-search.js';
import { hillClimb } from '../algorithms/evolution/hill-climb.js';
import { nsga2 } from '../algorithms/evolution/nsga2.js';
import { regularizedEvolution } from '../algorithms/evolution/regularized-evolution.js';
import { random } from '../algorithms/random-search.js';
import { tpe } from '../algorithms/tpe/tpe.js';
import { bullmqExecutor } from '../executors/bullmq-executor.js';
import { threadExecutor } from '../executors/thread-executor.js';
import { PliantError } from '../base/errors.js';
import { closestName } from '../base/options.js';
import type { TreeValue } from '../symbolic/node.js';
import { format } from '../symbolic/format.js';
import { storageFrom } from '../storage/storage-from.js';
import { loadStudy } from '../tuning/load-study.js';
import { search } from '../tuning/search.js';
import type { SearchOptions } from '../tuning/search.js';
import type { Trial } from '../tuning/trial.js';
import { UsageError, durationOption, numberOption, parseDuration, positiveOption } from './command.js';
import type { Command } from './command.js';
import { importModule } from './experiment.js';
import { startProgress } from './progress.js';
import { storageOf } from './study-command.js';
import { painter, safeJson, sanitize, shortNumber, useColour } from './terminal.js';

const ALGORITHMS: Readonly<Record<string, (seed: number) => Algorithm>> = {
  auto: (seed) => auto({ seed }),
  random: (seed) => random({ seed }),
  grid: () => grid(),
  evolution: (seed) => regularizedEvolution({ seed }),
  'regularized-evolution': (seed) => regularizedEvolution({ seed }),
  'hill-climb': (seed) => hillClimb({ seed }),
  tpe: (seed) => tpe({ seed }),
  gp: (seed) => gp({ seed }),
  nsga2: (seed) => nsga2({ seed }),
};

/** `pliant search <experiment>`. */
export const searchCommand: Command = {
  name: 'search',
  summary: 'run the search an experiment module exports',
  help: `Usage: pliant search <experiment.ts|js> [options]

Runs the search an experiment module describes. It exports:
  space       the search space (hyper values in a symbolic tree, or a trace)
  objective   (candidate, trial) => number | record of numbers
  options     optional defaults for search (numTrials, metric, direction, earlyStopping, dedupe, ...)
The study is kept in a journal (default: .pliant/studies/<study>.jsonl): running the same
command again resumes it (a trial in flight when a run was killed is evaluated again first).
Several processes may run the same command on one study at once: --trials is the study's
budget, so they stop together, and they learn from each other's trials. A trial that throws,
returns NaN or something that is not a number, or runs past --timeout fails with the reason and
the search goes on. Progress shows as a bar on a terminal, as one line per trial otherwise; the
run ends with the command that opens the study's report (pliant report).

Options:
  --algorithm <name>    ${Object.keys(ALGORITHMS).join(', ')} (default: the module's, else auto)
  --trials <n>          evaluated trials the study should hold at the end
  --steps <n>           also stop once the study's trials have spent n steps in all (the largest
                        step each reported: epochs), so searches with and without early stopping
                        compare at equal compute
  --time <duration>     also stop proposing after this long (90s, 10m, 2h; running trials finish)
  --study <name>        the study (default: the module's options.study, else its file name)
  --storage <where>     a folder of journal files, or a Redis URL (default .pliant/studies)
  --concurrency <n>     trials at once (default 1; with --threads, the number of threads; with
                        --queue, 4)
  --threads <n>         evaluate on n worker threads (the module is loaded in each)
  --queue <redis-url>   evaluate on pliant worker processes fed by a Redis job queue; start them
                        with: pliant worker --redis <url> --study <study> --objective <module>
  --seed <s>            the seed of the algorithm (default: the module's options.seed, else 0)
  --timeout <duration>  the time limit of one trial: 90 (seconds), 90s, 1500ms, 10m or 2h; a
                        trial that runs longer fails with the reason and the search goes on
                        (default: the module's options.timeout, else no limit)
  --heartbeat <d|off>   how often this process records that it is alive while it runs trials
                        (default 30s): a process on another machine that finds it silent for
                        4 heartbeats evaluates its running trials again; off records none
  --strict              stop the search at the first failed trial (default: record the failure
                        and go on)
  --json                print the summary as JSON
  --verbose             stack traces on errors
  -h, --help            show this help
`,
  options: {
    algorithm: { type: 'string' },
    trials: { type: 'string' },
    steps: { type: 'string' },
    time: { type: 'string' },
    study: { type: 'string' },
    storage: { type: 'string' },
    concurrency: { type: 'string' },
    threads: { type: 'string' },
    queue: { type: 'string' },
    seed: { type: 'string' },
    timeout: { type: 'string' },
    heartbeat: { type: 'string' },
    strict: { type: 'boolean' },
  },
  async run(positionals, values, streams) {
    const [file, extra] = positionals;
    if (file === undefined) throw new UsageError('which experiment? (pliant search <experiment.ts>)');
    if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
    const trials = positiveOption(values, 'trials', true);
    const stepBudget = positiveOption(values, 'steps', false);
    const timeBudget = durationOption(values, 'time');
    const concurrency = positiveOption(values, 'concurrency', true);
    const threads = positiveOption(values, 'threads', true);
    const queue = values.queue as string | undefined;
    if (queue !== undefined && threads !== undefined) throw new UsageError('--threads and --queue are two places to evaluate: choose one');
    const seedFlag = numberOption(values, 'seed');
    const timeout = durationOption(values, 'timeout');
    const heartbeat = heartbeatOption(values);
    const strict = values.strict === true;
    const algorithmName = values.algorithm as string | undefined;
    if (algorithmName !== undefined && ALGORITHMS[algorithmName] === undefined) {
      const near = closestName(algorithmName, Object.keys(ALGORITHMS));
      throw new UsageError(
        `unknown algorithm '${algorithmName}' (${near === undefined ? `one of ${Object.keys(ALGORITHMS).join(', ')}` : `did you mean ${near}?`})`,
      );
    }
    if (values.study === '') throw new UsageError('--study needs a name, found an empty one');

    const module = await importModule(file, 'pliant search', 'the experiment module');
    const space = module.space;
    const objective = module.objective;
    if (space === undefined) throw new PliantError('pliant search', 'argument', `${file} exports no 'space'`);
    if (typeof objective !== 'function') throw new PliantError('pliant search', 'argument', `${file} exports no 'objective' function`);
    const defaults = (module.options ?? {}) as Partial<SearchOptions>;
    const numTrials = trials ?? defaults.numTrials;
    if (numTrials === undefined) throw new UsageError('how many trials? (--trials <n>, or options.numTrials in the module)');
    // Flags win over the module's options, which win over the defaults.
    const seed = seedFlag ?? (typeof defaults.seed === 'number' ? defaults.seed : 0);
    const study = (values.study as string | undefined) ?? defaults.study ?? basename(file, extname(file));
    const storage = values.storage !== undefined ? storageOf(values.storage as string) : (defaults.storage ?? storageOf(undefined));
    const algorithm = algorithmName !== undefined ? (ALGORITHMS[algorithmName] as (s: number) => Algorithm)(seed) : (defaults.algorithm ?? auto({ seed }));

    const json = values.json === true;
    // A resumed study: the progress starts from its evaluated trials and its best.
    let resumed: { done: number; best?: number } = { done: 0 };
    if (!json && (await storage.exists?.(study)) === true) {
      const before = await loadStudy(study, { storage });
      const best = before.metrics.length > 1 ? undefined : before.best?.value;
      resumed = { done: before.evaluated.filter((t) => t.state !== 'running').length, ...(typeof best === 'number' ? { best } : {}) };
    }
    const progress = json ? undefined : startProgress(streams.err, numTrials, defaults.direction, resumed);
    const options: SearchOptions = {
      ...defaults,
      numTrials,
      study,
      storage,
      algorithm,
      seed,
      ...(threads === undefined ? {} : { executor: threadExecutor({ size: threads }), concurrency: concurrency ?? threads }),
      ...(queue === undefined ? {} : { executor: bullmqExecutor({ connection: queue }) }),
      ...(threads === undefined && concurrency !== undefined ? { concurrency } : {}),
      ...(timeout === undefined ? {} : { timeout }),
      ...(heartbeat === undefined ? {} : { heartbeat }),
      ...(stepBudget === undefined ? {} : { stepBudget }),
      ...(timeBudget === undefined ? {} : { timeBudget }),
      ...(strict ? { strict: true } : {}),
      // This command shows its own progress (the same bar, or a line per trial off a terminal).
      progress: false,
      onTrialEnd: (trial: Trial) => {
        progress?.trialEnded(trial);
        defaults.onTrialEnd?.(trial);
      },
    };
    // Threads and workers load the objective from the module themselves.
    const objectiveSource = threads === undefined && queue === undefined ? objective : { module: pathToFileURL(resolve(file)).href, export: 'objective' };
    let result;
    try {
      result = await search(space as TreeValue, objectiveSource as Parameters<typeof search>[1], options);
    } finally {
      progress?.stop();
    }
    const multi = result.metrics.length > 1;
    const best = multi ? undefined : result.best;
    if (json) {
      streams.out.write(
        `${safeJson({
          study,
          storage: storage.description,
          trials: result.trials.length,
          completed: result.completed.length,
          failed: result.trials.filter((t) => t.state === 'failed').length,
          pruned: result.trials.filter((t) => t.state === 'pruned').length,
          cached: result.trials.filter((t) => t.cached).length,
          best: best === undefined ? null : { number: best.number, value: best.value, candidate: best.candidate, dna: best.dna.toJSON() },
          paretoFront: multi ? result.paretoFront.map((t) => ({ number: t.number, value: t.value })) : undefined,
        })}\n`,
      );
      return 0;
    }
    const paint = painter(useColour(streams.out as { isTTY?: boolean }));
    // The study's name, the metrics and the candidate come from the module or the journal.
    const failed = result.trials.filter((t) => t.state === 'failed').length;
    streams.out.write(
      `${sanitize(`study '${study}' (${storage.description}): ${result.trials.length} trials, ${result.completed.length} completed${failed > 0 ? `, ${failed} failed` : ''}`)}\n`,
    );
    if (best !== undefined) {
      streams.out.write(`best: trial ${best.number}, ${paint.bold(typeof best.value === 'number' ? shortNumber(best.value) : safeJson(best.value))}\n`);
      streams.out.write(`${sanitize(format(best.candidate as TreeValue), { multiline: true })}\n`);
    } else if (multi) {
      streams.out.write(`Pareto front: ${result.paretoFront.map((t) => `trial ${t.number} ${safeJson(t.value)}`).join('; ')}\n`);
    }
    const report = reportCommand(study, values.storage as string | undefined, storage.description);
    if (report !== undefined) streams.out.write(`${sanitize(`see the report: ${report}`)}\n`);
    return 0;
  },
};

/** `text` as one shell word (quoted when it holds anything but safe characters). */
function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command that opens a study's report: `npx pliant report <study>`, with `--storage` when the
 * study is not in the default folder (the flag as given, else the module's storage); `undefined`
 * for a study in memory, which no report can read.
 */
export function reportCommand(study: string, storageFlag: string | undefined, description: string): string | undefined {
  const base = `npx pliant report ${shellWord(study)}`;
  if (storageFlag !== undefined) return `${base} --storage ${shellWord(storageFlag)}`;
  if (description === storageFrom().description) return base;
  const where = /^journal:/.test(description)
    ? description.slice('journal:'.length)
    : /^redis:/.test(description)
      ? description.slice('redis:'.length)
      : undefined;
  return where === undefined ? undefined : `${base} --storage ${shellWord(where)}`;
}

/** `--heartbeat`: a duration, or `off` (no heartbeat); `undefined` when not given. */
function heartbeatOption(values: Readonly<Record<string, unknown>>): number | false | undefined {
  const value = values.heartbeat;
  if (value === undefined) return undefined;
  if (value === 'off') return false;
  const ms = parseDuration(String(value));
  if (ms === undefined)
    throw new UsageError(`--heartbeat must be a positive duration such as 30s, 1500ms or 2m (a bare number is seconds), or off, found '${String(value)}'`);
  return ms;
}
