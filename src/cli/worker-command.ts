import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startQueueWorker } from '../executors/queue-worker.js';
import { UsageError, durationOption, positiveOption, requireFile } from './command.js';
import { sanitize } from './terminal.js';
import type { Command } from './command.js';

/** `pliant worker --redis <url> --study <name> --objective <module>`. */
export const workerCommand: Command = {
  name: 'worker',
  summary: "evaluate a study's trials from its Redis job queue",
  help: `Usage: pliant worker --redis <url> --study <name> --objective <module> [options]

Pulls the trials of <study> from its job queue on Redis (the queue a search with
bullmqExecutor fills), evaluates each with the objective module, and sends the trial's reports
and result back to the controller. Run any number, on any number of machines; stop one with
Ctrl-C (it finishes its running trials first). A worker that dies mid-trial loses the trial to
another worker once its lock lapses (--lock-duration).

Options:
  --redis <url>           redis://[:password@]host:port[/db]   (or the REDIS_URL variable)
  --study <name>          the study whose trials to evaluate
  --objective <module>    the module that exports the objective (a .js file, or .ts with tsx)
  --export <name>         the objective's export (default: objective, else default)
  --import <module>       a module to import first (symbolic types of the candidates); repeatable
  --concurrency <n>       trials at once (default 1)
  --timeout <duration>    fail a trial that runs longer: 90 (seconds), 90s, 1500ms, 10m or 2h
                          (default: no limit)
  --lock-duration <ms>    how long a trial's lock lasts without renewal (default 30000; or a
                          duration: 30s)
  --run-ttl <duration>    how long a trial's run claim outlives a silent worker before another
                          worker may run the trial again (default 4 × --lock-duration; a bare
                          number is ms): a trial is never started twice while its first run lives
  --reply-timeout <s>     how long a trial's report waits for the controller (default 600, or a
                          duration: 10m): a controller restarted within it takes the trial up
                          again
  --queue <name>          the queue, when not the study's (pliant-<study>)
  -h, --help              show this help
`,
  options: {
    redis: { type: 'string' },
    study: { type: 'string' },
    objective: { type: 'string' },
    export: { type: 'string' },
    import: { type: 'string', multiple: true },
    concurrency: { type: 'string' },
    timeout: { type: 'string' },
    'lock-duration': { type: 'string' },
    'reply-timeout': { type: 'string' },
    'run-ttl': { type: 'string' },
    queue: { type: 'string' },
  },
  async run(positionals, values, streams) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0] as string}'`);
    const redis = (values.redis as string | undefined) ?? process.env.REDIS_URL;
    if (redis === undefined || redis === '') throw new UsageError('--redis <url> is required (or set REDIS_URL)');
    const study = values.study as string | undefined;
    const queue = values.queue as string | undefined;
    if ((study === undefined || study === '') && (queue === undefined || queue === '')) throw new UsageError('--study <name> is required');
    const given = values.objective as string | undefined;
    if (given === undefined || given === '') throw new UsageError('--objective <module> is required');
    const concurrency = positiveOption(values, 'concurrency', true);
    const timeout = durationOption(values, 'timeout', 's');
    const lockDuration = durationOption(values, 'lock-duration', 'ms');
    const replyTimeout = durationOption(values, 'reply-timeout', 's');
    const runTtl = durationOption(values, 'run-ttl', 'ms');
    const exportName = values.export as string | undefined;
    const imports = (values.import as string[] | undefined) ?? [];
    // A path to an existing file is a file, with or without a leading ./ (not a package name); a
    // module written as a path (./x.js, /x.js, file:) must be there before a worker waits for trials.
    const asFile = (m: string, what: string): string => {
      if (existsSync(m)) return resolve(m);
      if (m.startsWith('.') || isAbsolute(m)) requireFile(m, what, 'pliant worker');
      if (m.startsWith('file:')) {
        let path: string;
        try {
          path = fileURLToPath(m);
        } catch {
          throw new UsageError(`${what} ${m} is not a valid file URL`);
        }
        requireFile(path, what, 'pliant worker');
      }
      return m;
    };
    const objective = asFile(given, 'the objective module');
    const importPaths = imports.map((m) => asFile(m, 'the module to import'));
    const worker = await startQueueWorker({
      connection: redis,
      ...(study === undefined ? {} : { study }),
      ...(queue === undefined ? {} : { queue }),
      objective: exportName === undefined ? objective : { module: objective, export: exportName },
      imports: importPaths,
      ...(concurrency === undefined ? {} : { concurrency }),
      ...(timeout === undefined ? {} : { timeout }),
      ...(lockDuration === undefined ? {} : { lockDuration: Math.ceil(lockDuration) }),
      ...(replyTimeout === undefined ? {} : { replyTimeout }),
      ...(runTtl === undefined ? {} : { runTtl: Math.ceil(runTtl) }),
      // A worker's lines carry objectives' error messages.
      log: (line) => void streams.err.write(`${sanitize(line)}\n`),
    });
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        streams.err.write('pliant worker: stopping (finishing running trials)\n');
        void worker.close().then(resolve, resolve);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    streams.err.write(`pliant worker: stopped after ${worker.finished} trial${worker.finished === 1 ? '' : 's'}\n`);
    return 0;
  },
};
