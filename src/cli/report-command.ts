import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { renderReport } from '../report/html-report.js';
import { serveReport } from '../report/report-server.js';
import { UsageError, positiveOption } from './command.js';
import { safeJson, sanitize } from './terminal.js';
import type { Command } from './command.js';
import { storageOf, studyResult } from './study-command.js';
import { openStudyReader } from '../tuning/load-study.js';
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
    if (out === '') throw new UsageError('--out needs a file name, found an empty one');
    const result = await studyResult(study, values.storage as string | undefined);
    const title = values.title as string | undefined;
    const html = await renderReport(result, title === undefined ? {} : { title });
    await mkdir(dirname(resolve(out)), { recursive: true });
    await writeFile(out, html);
    if (values.json === true) streams.out.write(`${safeJson({ study: result.study, out, bytes: Buffer.byteLength(html) })}\n`);
    else streams.err.write(`${sanitize(`pliant report: wrote ${out} (${result.trials.length} trials, ${(Buffer.byteLength(html) / 1024).toFixed(0)} kB)`)}\n`);
    return 0;
  },
};

/** A Host header's form: a name or an IPv4 address, or a bracketed IPv6 address, with an optional port. */
const HOST_NAME = /^(?:[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?)*\.?|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/** `pliant serve <study> [--port]`. */
export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve a study report on localhost, live while the search runs',
  help: `Usage: pliant serve <study> [--port <n>] [--storage <where>]

Serves the study's report on http://127.0.0.1:<port>/ and updates open pages (server-sent events)
as trials end. Stop it with Ctrl-C.

It answers only requests addressed to it: the Host header must be the address it listens on
(127.0.0.1:<port>, localhost:<port> or [::1]:<port> on this machine), the --host name, or a name
given with --allowed-host; any other gets 421 Misdirected Request and no study data. This keeps
a web page from reading the report through a name of its own that points here (DNS rebinding).

Options:
  --port <n>               the port (default 0: a free one, printed)
  --host <address>         the address (or name) to listen on (default 127.0.0.1: this machine
                           only); the name is allowed as a Host
  --allowed-host <name>    another Host to answer (a name behind a proxy, a machine's name:
                           report.example.org, or with its port: myhost:8080); repeatable
  --storage <where>        a folder of journal files or a Redis URL (default .pliant/studies)
  --interval <ms>          how often to read the study (default 1000)
  -h, --help               show this help
`,
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'allowed-host': { type: 'string', multiple: true },
    storage: { type: 'string' },
    interval: { type: 'string' },
  },
  async run(positionals, values, streams) {
    const [study, extra] = positionals;
    if (study === undefined) throw new UsageError('which study? (pliant serve <study>)');
    if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
    const portText = values.port as string | undefined;
    const port = portText === undefined ? 0 : portText.trim() === '' ? NaN : Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError(`--port must be a port number from 0 to 65535, found '${String(values.port)}'`);
    const interval = positiveOption(values, 'interval', false) ?? 1000;
    const host = values.host as string | undefined;
    if (host === '') throw new UsageError('--host needs an address, found an empty one');
    const allowedHosts = (values['allowed-host'] as string[] | undefined) ?? [];
    for (const name of allowedHosts) {
      if (!HOST_NAME.test(name))
        throw new UsageError(`--allowed-host takes a host name, with a port or without (myhost, myhost:8080, [::1]:8080), found '${name}'`);
    }
    const storage = values.storage as string | undefined;
    // One journal open for the whole session, reading only what was appended since the last read.
    const reader = await openStudyReader(study, storage === undefined ? {} : { storage: storageOf(storage) });
    const load = (): Promise<Result> => reader.result();
    const server = await serveReport(load, { port, interval, allowedHosts, ...(host === undefined ? {} : { host }) });
    if (values.json === true) streams.out.write(`${safeJson({ url: server.url })}\n`);
    streams.err.write(`${sanitize(`pliant serve: the report of '${study}' is at ${server.url} (Ctrl-C to stop)`)}\n`);
    await new Promise<void>((resolveStop) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void server
          .close()
          .then(() => reader.close())
          .then(resolveStop, resolveStop);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    return 0;
  },
};
