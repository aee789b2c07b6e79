import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { startQueueWorker } from '../executors/queue-worker.js';
import { UsageError, positiveOption } from './command.js';
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
  --timeout <seconds>     fail a trial that runs longer (default: no limit)
  --lock-duration <ms>    how long a trial's lock lasts without renewal (default 30000)
  --reply-timeout <s>     how long a trial's report waits for the controller (default 600): a
                          controller restarted within it takes the trial up again
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
    queue: { type: 'string' },
  },
  async run(positionals, values, streams) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0] as string}'`);
    const redis = (values.redis as string | undefined) ?? process.env.REDIS_URL;
    if (redis === undefined) throw new UsageError('--redis <url> is required (or set REDIS_URL)');
    const study = values.study as string | undefined;
    const queue = values.queue as string | undefined;
    if (study === undefined && queue === undefined) throw new UsageError('--study <name> is required');
    // A path to an existing file is a file, with or without a leading ./ (not a package name).
    const asFile = (m: string): string => (existsSync(m) ? resolve(m) : m);
    const given = values.objective as string | undefined;
    if (given === undefined) throw new UsageError('--objective <module> is required');
    const objective = asFile(given);
    const concurrency = positiveOption(values, 'concurrency', true);
    const timeout = positiveOption(values, 'timeout', false);
    const lockDuration = positiveOption(values, 'lock-duration', true);
    const replyTimeout = positiveOption(values, 'reply-timeout', false);
    const exportName = values.export as string | undefined;
    const worker = await startQueueWorker({
      connection: redis,
      ...(study === undefined ? {} : { study }),
      ...(queue === undefined ? {} : { queue }),
      objective: exportName === undefined ? objective : { module: objective, export: exportName },
      imports: ((values.import as unknown as string[] | undefined) ?? []).map(asFile),
      ...(concurrency === undefined ? {} : { concurrency }),
      ...(timeout === undefined ? {} : { timeout: timeout * 1000 }),
      ...(lockDuration === undefined ? {} : { lockDuration }),
      ...(replyTimeout === undefined ? {} : { replyTimeout: replyTimeout * 1000 }),
      log: (line) => void streams.err.write(`${line}\n`),
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
