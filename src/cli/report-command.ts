import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { renderReport } from '../report/html-report.js';
import { serveReport } from '../report/report-server.js';
import { UsageError, positiveOption } from './command.js';
import type { Command } from './command.js';
import { storageOf, studyResult } from './study-command.js';
import { PliantError } from '../base/errors.js';
import type { StudyJournal } from '../storage/storage.js';
import { resultOf } from '../tuning/load-study.js';
import type { Result } from '../tuning/result.js';

/** `pliant report <study> [--out report.html]`. */
export const reportCommand: Command = {
  name: 'report',
  summary: 'write a study report: one self-contained HTML file with plots',
  help: `Usage: pliant report <study> [--out report.html] [--storage <where>]

Writes the study's report: one HTML file that opens with no network, with plots rendered to SVG
(every trial's value and the best so far, each decision against the objective, parallel
coordinates, the Pareto front for several objectives, intermediate values of early-stopped
trials, the cache's hits) and a table of the top trials with their candidates and DNA.
<study> is a name in the storage, or the path of a journal file.

Options:
  --out <file>        the file to write (default: report.html)
  --storage <where>   a folder of journal files or a Redis URL (default .pliant/studies)
  --title <text>      the page's title (default: the study's name)
  -h, --help          show this help
`,
  options: { out: { type: 'string', short: 'o' }, storage: { type: 'string' }, title: { type: 'string' } },
  async run(positionals, values, streams) {
    const [study, extra] = positionals;
    if (study === undefined) throw new UsageError('which study? (pliant report <study>)');
    if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
    const out = (values.out as string | undefined) ?? 'report.html';
    const result = await studyResult(study, values.storage as string | undefined);
    const title = values.title as string | undefined;
    const html = await renderReport(result, title === undefined ? {} : { title });
    await mkdir(dirname(resolve(out)), { recursive: true });
    await writeFile(out, html);
    if (values.json === true) streams.out.write(`${JSON.stringify({ study: result.study, out, bytes: Buffer.byteLength(html) })}\n`);
    else streams.err.write(`pliant report: wrote ${out} (${result.trials.length} trials, ${(Buffer.byteLength(html) / 1024).toFixed(0)} kB)\n`);
    return 0;
  },
};

/** `pliant serve <study> [--port]`. */
export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve a study report on localhost, live while the search runs',
  help: `Usage: pliant serve <study> [--port <n>] [--storage <where>]

Serves the study's report on http://127.0.0.1:<port>/ and updates open pages (server-sent events)
as trials end. Stop it with Ctrl-C.

Options:
  --port <n>          the port (default 0: a free one, printed)
  --host <address>    the address to listen on (default 127.0.0.1: this machine only)
  --storage <where>   a folder of journal files or a Redis URL (default .pliant/studies)
  --interval <ms>     how often to read the study (default 1000)
  -h, --help          show this help
`,
  options: { port: { type: 'string' }, host: { type: 'string' }, storage: { type: 'string' }, interval: { type: 'string' } },
  async run(positionals, values, streams) {
    const [study, extra] = positionals;
    if (study === undefined) throw new UsageError('which study? (pliant serve <study>)');
    if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, found '${String(values.port)}'`);
    const interval = positiveOption(values, 'interval', false) ?? 1000;
    const storage = values.storage as string | undefined;
    let load = (): Promise<Result> => studyResult(study, storage);
    let journal: StudyJournal | undefined;
    if (storage !== undefined && /^rediss?:\/\//.test(storage)) {
      // Redis: one connection for the whole session, reading only what was appended since.
      const redis = storageOf(storage);
      if (!(await redis.exists?.(study))) throw new PliantError('pliant serve', 'argument', `no study named '${study}' in ${redis.description}`);
      const opened = await redis.open(study);
      journal = opened;
      load = async () => {
        await opened.refresh();
        return resultOf(opened.events, study, redis.description);
      };
    }
    const server = await serveReport(load, { port, interval, ...(values.host === undefined ? {} : { host: values.host as string }) });
    if (values.json === true) streams.out.write(`${JSON.stringify({ url: server.url })}\n`);
    streams.err.write(`pliant serve: the report of '${study}' is at ${server.url} (Ctrl-C to stop)\n`);
    await new Promise<void>((resolveStop) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void server
          .close()
          .then(() => journal?.close())
          .then(resolveStop, resolveStop);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    return 0;
  },
};
