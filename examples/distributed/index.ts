/**
 * A search whose trials run in other processes: this script is the controller (it runs `search`
 * with `bullmqExecutor` and `redisStorage`, so the algorithm and the journal stay here and the
 * study lives in Redis), and two `pliant worker` processes take the trials from the Redis job
 * queue and train them (`objective.ts`: an MLP on iris with TensorFlow.js). Redis is `REDIS_URL`
 * when set, else a throwaway `redis-server` on a free port. Run with `npm run example:distributed`
 * (or `npx tsx examples/distributed/index.ts` after `npm run build`); `--trials N`, `--seed S` and
 * `--workers W` change the budget, the seed and the number of workers.
 *
 * The same by hand, the workers in other terminals (or on other machines, given a Redis they can
 * reach: see the README's "Past one machine"):
 *
 *     redis-server --port 6379
 *     REDIS_URL=redis://127.0.0.1:6379 npx tsx examples/distributed/index.ts --workers 0
 *     npx pliant worker --redis redis://127.0.0.1:6379 --study iris-distributed-seed-1 --objective ./examples/distributed/objective.ts
 *
 * (`--objective` takes a path starting with `./` or `/`: anything else is a package name.)
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bullmqExecutor, format, fromJSON, loadStudy, redisStorage, redisStudyNames, search, tpe } from 'pliant';
import type { Result, TreeValue, Trial } from 'pliant';
import { mlpSpace } from 'pliant/spaces/mlp';
import { numberFlags } from '../lib/flags.js';

/** Options of {@link main}. */
export interface DistributedOptions {
  /** Evaluated trials the study holds at the end (default 12; a resumed study only adds the missing ones). */
  readonly trials?: number;
  /** Seeds TPE; part of the study's name, so a run with the same seed resumes (default 1). */
  readonly seed?: number;
  /** `pliant worker` processes to start (default 2; 0 to use workers started elsewhere). */
  readonly workers?: number;
  /** The Redis server (default: the `REDIS_URL` variable, else a throwaway `redis-server`). */
  readonly redisUrl?: string;
  /** Where progress lines go (default `console.log`). */
  readonly log?: (line: string) => void;
}

/** What {@link main} did. */
export interface DistributedSummary {
  readonly result: Result;
  readonly study: string;
  /** The best trial's validation accuracy. */
  readonly bestAccuracy: number;
  /** Worker name (`A`, `B`, ...) → the trials it evaluated in this run, in order. */
  readonly byWorker: Readonly<Record<string, readonly number[]>>;
  /** Evaluated trials the study held before this run (0 for a new study). */
  readonly resumedFrom: number;
  readonly seconds: number;
}

const here = dirname(fileURLToPath(import.meta.url));

/** Every child process this script started, and the temporary folders: cleaned up if it exits before it does. */
const children = new Set<ChildProcess>();
const folders = new Set<string>();
process.once('exit', () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const f of folders) rmSync(f, { recursive: true, force: true });
});

/** A problem with the setup (no redis-server, say): printed without a stack trace. */
class SetupError extends Error {
  override name = 'SetupError';
}

/** `redis://:***@host:port`: a URL fit to print. */
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.href.replace(/\/$/, '');
  } catch {
    return '(an unparsable URL)';
  }
}

/** The `pliant` command of the installed package: its `bin` entry, run with this Node. */
function pliantBin(): string {
  const pkgFile = fileURLToPath(import.meta.resolve('pliant/package.json'));
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { bin: { pliant: string } };
  return join(dirname(pkgFile), pkg.bin.pliant);
}

/** A free TCP port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

function isListening(port: number): Promise<boolean> {
  return new Promise((answer) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), answer(true)));
    socket.once('error', () => answer(false));
  });
}

/** Waits for a child process to exit; SIGKILL after `ms`. */
function stopChild(child: ChildProcess, signal: NodeJS.Signals, ms: number): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      children.delete(child);
      done();
    });
    child.kill(signal);
  });
}

/** Starts a throwaway `redis-server` on a free loopback port, its data in a temporary folder, nothing persisted. */
async function startRedis(): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'pliant-example-redis-'));
  folders.add(dir);
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  children.add(child);
  let failure: Error | undefined;
  child.once('error', (error: NodeJS.ErrnoException) => {
    failure =
      error.code === 'ENOENT'
        ? new SetupError(
            'redis-server is not installed: install it (Debian/Ubuntu: apt-get install -y redis-server), or set REDIS_URL to a Redis server you have',
          )
        : error;
  });
  child.once('exit', (code) => (failure ??= new SetupError(`redis-server exited at start (code ${String(code)})`)));
  const deadline = Date.now() + 10_000;
  while (!(await isListening(port))) {
    if (failure !== undefined || Date.now() > deadline) {
      rmSync(dir, { recursive: true, force: true });
      throw failure ?? new SetupError(`redis-server did not listen on port ${port} within 10 s`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      await stopChild(child, 'SIGTERM', 5000);
      rmSync(dir, { recursive: true, force: true });
      folders.delete(dir);
    },
  };
}

/** A `pliant worker` process, its log lines echoed and read for the trials it evaluates. */
interface Worker {
  readonly name: string;
  readonly child: ChildProcess;
  /** Trials it finished (returned, failed or pruned), in order. */
  readonly trials: number[];
  /** Resolves once it serves the queue; rejects if it exits first. */
  readonly ready: Promise<void>;
}

function startWorker(name: string, url: string, study: string, objective: string, log: (line: string) => void): Worker {
  // The URL goes in the environment, not on the command line (where `ps` shows a password).
  const child = spawn(process.execPath, [pliantBin(), 'worker', '--study', study, '--objective', objective], {
    env: { ...process.env, REDIS_URL: url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const trials: number[] = [];
  const output: string[] = [];
  const ready = new Promise<void>((resolveReady, reject) => {
    const read = (stream: NodeJS.ReadableStream | null): void => {
      if (stream === null) return;
      createInterface({ input: stream }).on('line', (line) => {
        output.push(line);
        log(`  [worker ${name}] ${line}`);
        if (line.includes('serving queue')) resolveReady();
        const ended = /trial (\d+) (returned|failed|was pruned|ended itself)/.exec(line);
        if (ended !== null) trials.push(Number(ended[1]));
      });
    };
    read(child.stdout);
    read(child.stderr);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`worker ${name} exited (code ${String(code)}) before serving:\n${output.join('\n')}`)));
    setTimeout(() => reject(new Error(`worker ${name} did not serve within 30 s:\n${output.join('\n')}`)), 30_000).unref();
  });
  ready.catch(() => undefined); // awaited by the caller
  return { name, child, trials, ready };
}

/** `4 → 8 elu (dropout 0.12) → 3`: a trial's model, read off its candidate's JSON. */
function architecture(trial: Trial): string {
  type Layer = { type: string; args: { units?: number; activation?: string; rate?: number } };
  const layers = (fromJSON(trial.candidate) as { model: { args: { layers: Layer[] } } }).model.args.layers;
  const parts = ['4'];
  for (const l of layers) {
    if (l.args.units !== undefined) parts.push(`${l.args.units}${l.args.activation === 'softmax' ? '' : ` ${l.args.activation ?? ''}`}`);
    else if (l.args.rate !== undefined && l.args.rate > 0) parts[parts.length - 1] += ` (dropout ${l.args.rate.toFixed(2)})`;
  }
  return parts.join(' → ');
}

/** Runs the distributed search: Redis, workers, the controller's `search`, then the clean-up. */
export async function main(options: DistributedOptions = {}): Promise<DistributedSummary> {
  const log = options.log ?? ((line: string) => console.log(line));
  const trials = options.trials ?? 12;
  const seed = options.seed ?? 1;
  const workerCount = options.workers ?? 2;
  const started = performance.now();
  const study = `iris-distributed-seed-${seed}`;

  // 1. Redis: the queue of trials and the study's journal.
  const given = options.redisUrl ?? process.env.REDIS_URL;
  let server: { url: string; stop: () => Promise<void> } | undefined;
  if (given === undefined) {
    server = await startRedis();
    log(`REDIS_URL is not set: started a throwaway redis-server at ${server.url} (stopped at the end, with everything in it)`);
  } else log(`using the Redis server at ${safeUrl(given)} (REDIS_URL)`);
  const url = given ?? (server as { url: string }).url;
  const workers: Worker[] = [];
  try {
    // 2. Workers: separate processes (they could be on other machines), each pulling one trial at a time.
    const objective = join(here, 'objective.ts');
    const shown = `./${relative(process.cwd(), objective)}`; // as a path on the command line: './' or '/' first
    for (let i = 0; i < workerCount; i++) workers.push(startWorker(String.fromCharCode(65 + i), url, study, objective, log));
    if (workerCount > 0) {
      log(
        `started ${workerCount} worker${workerCount === 1 ? '' : 's'}: node ${relative(process.cwd(), pliantBin())} worker --study ${study} --objective ${shown}`,
      );
      await Promise.all(workers.map((w) => w.ready));
    } else log(`no workers started here: start some with  npx pliant worker --redis <url> --study ${study} --objective ${shown}`);

    // 3. The controller: the algorithm, the journal (in Redis) and the queue are here; the objective is not.
    const storage = redisStorage(url);
    const previous = (await redisStudyNames(url)).includes(study) ? await loadStudy(study, { storage }) : undefined;
    const resumedFrom = previous?.evaluated.length ?? 0;
    const earlier = previous?.trials.length ?? 0; // trials numbered below this one come from earlier runs
    log(
      resumedFrom === 0
        ? `searching: study '${study}', ${trials} trials, TPE, ${Math.max(workerCount, 1)} in flight at once`
        : `resuming study '${study}': it holds ${resumedFrom} evaluated trials already (marked 'before' below), ` +
            (trials > resumedFrom ? `${trials - resumedFrom} to go` : `none to go (raise --trials to add some)`),
    );
    const space = mlpSpace({
      inputShape: [4],
      classes: 3,
      maxDepth: 2,
      units: [4, 8, 16, 32],
      optimizers: ['adam', 'rmsprop'],
      learningRate: [1e-3, 1e-1],
      batchSizes: [8, 16, 32],
    });
    const result = await search(
      space,
      { module: pathToFileURL(objective) },
      {
        study,
        numTrials: trials,
        seed,
        algorithm: tpe({ seed }),
        metric: 'accuracy',
        storage,
        executor: bullmqExecutor({ connection: url, pollInterval: 500 }),
        concurrency: Math.max(workerCount, 1),
      },
    );

    // 4. Who evaluated what (from the workers' logs), and the best. A worker logs a trial's end
    // just before it sends the result: wait (a little) for the last lines to come through the pipes.
    const ranHere = result.trials.filter((t) => t.number >= earlier && t.state === 'completed').map((t) => t.number);
    const logged = (): boolean => ranHere.every((n) => workers.some((w) => w.trials.includes(n)));
    for (const deadline = Date.now() + 2000; workerCount > 0 && !logged() && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 20));
    const byWorker: Record<string, number[]> = {};
    const who = new Map<number, string>();
    for (const w of workers) {
      byWorker[w.name] = [...w.trials];
      for (const t of w.trials) who.set(t, w.name);
    }
    const metric = (t: Trial, name: string): number => (typeof t.value === 'object' ? (t.value[name] ?? Number.NaN) : Number.NaN);
    log(`${result.trials.length} trials, ${result.completed.length} completed${workerCount === 0 ? " (worker 'other': one not started here)" : ''}:`);
    log('  trial  worker  accuracy  reports  params  seconds  model');
    for (const t of result.trials) {
      log(
        `  ${String(t.number).padStart(5)}  ${(who.get(t.number) ?? (t.number < earlier ? 'before' : 'other')).padEnd(6)}  ${metric(t, 'accuracy').toFixed(3).padStart(8)}  ` +
          `${String(t.reports.length).padStart(7)}  ${String(metric(t, 'params')).padStart(6)}  ${metric(t, 'seconds').toFixed(2).padStart(7)}  ` +
          `${t.state === 'completed' ? '' : `(${t.state}) `}${architecture(t)}`,
      );
    }
    for (const w of workers) log(`worker ${w.name} evaluated ${w.trials.length} trial${w.trials.length === 1 ? '' : 's'}: ${w.trials.join(', ') || 'none'}`);
    const best = result.best;
    if (best === undefined) throw new Error('no trial completed');
    const bestAccuracy = result.objective(best);
    const by = who.has(best.number)
      ? `worker ${who.get(best.number) as string}`
      : best.number < earlier
        ? 'a worker of an earlier run'
        : 'a worker started elsewhere';
    log(`best validation accuracy ${bestAccuracy.toFixed(3)} (trial ${best.number}, evaluated by ${by}):`);
    log(format(fromJSON(best.candidate) as TreeValue, { indent: 2 }));
    const seconds = (performance.now() - started) / 1000;
    log(`done in ${seconds.toFixed(1)} s; stopping the workers${server === undefined ? '' : ' and the redis-server'}`);
    return { result, study, bestAccuracy, byWorker, resumedFrom, seconds };
  } finally {
    // 5. Clean up: workers finish their running trial and exit on SIGTERM; then the server.
    await Promise.all(workers.map((w) => stopChild(w.child, 'SIGTERM', 10_000)));
    await server?.stop();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const options = numberFlags(['trials', 'seed', 'workers']);
  // Ctrl-C: exit through the 'exit' handler above, which stops the workers and the server.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  main(options).catch((error: unknown) => {
    console.error(error instanceof SetupError ? error.message : error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  });
}
