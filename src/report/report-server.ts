/**
 * `pliant serve`: the study report on localhost, updating live while a search runs. The page is
 * the same self-contained report as `pliant report` writes, with a small script that listens to
 * server-sent events (`/events`) and reloads the page's main part when the study changes.
 */
import { createServer } from 'node:http';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PliantError } from '../base/errors.js';
import type { Result } from '../tuning/result.js';
import { renderReport } from './html-report.js';

/** Options of {@link serveReport}. */
export interface ReportServerOptions {
  /** The port (default 0: a free one). */
  readonly port?: number;
  /** The address to listen on (default `127.0.0.1`: this machine only). */
  readonly host?: string;
  /** Milliseconds between reads of the study (default 1000). */
  readonly interval?: number;
  /** The page's title (default: the study's name). */
  readonly title?: string;
}

/** A running report server. */
export interface ReportServer {
  /** `http://127.0.0.1:<port>/`. */
  readonly url: string;
  /** How many times the page has been rendered (the first time, then on each change). */
  readonly renders: number;
  /** Stops the server and closes the event streams. */
  close(): Promise<void>;
}

/** What tells one state of a study from the next: its trials and their ends and reports. */
function signature(result: Result): string {
  return result.trials.map((t) => `${t.state}:${t.reports.length}:${t.cached ? 1 : 0}`).join(',');
}

/**
 * Serves the report of the study `load` reads (call it with `() => loadStudy(name)`), re-reading
 * it every `interval` and pushing an update to open pages when it changed.
 */
export async function serveReport(load: () => Promise<Result>, options: ReportServerOptions = {}): Promise<ReportServer> {
  const api = 'serveReport';
  const interval = options.interval ?? 1000;
  if (!(interval > 0)) throw new PliantError(api, 'argument', `interval must be positive, found ${String(options.interval)}`);
  let result = await load();
  let html = await renderReport(result, { live: true, ...(options.title === undefined ? {} : { title: options.title }) });
  let renders = 1;
  let last = signature(result);
  const clients = new Set<ServerResponse>();
  let busy = false;
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
      return;
    }
    if (path === '/' || path === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
      return;
    }
    if (path === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(': connected\n\n');
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }
    if (path === '/favicon.ico') {
      res.writeHead(204).end(); // browsers ask; the report has none
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(new PliantError(api, 'argument', `cannot listen on ${options.host ?? '127.0.0.1'}:${options.port ?? 0}: ${error.message}`, { cause: error })),
    );
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  // The timers start once the server listens (a port in use must not leave them running).
  const poll = setInterval(() => {
    if (busy) return;
    busy = true;
    void (async () => {
      try {
        const next = await load();
        const sig = signature(next);
        if (sig === last) return;
        result = next;
        html = await renderReport(result, { live: true, ...(options.title === undefined ? {} : { title: options.title }) });
        renders++;
        last = sig;
        for (const client of clients) client.write(`data: ${JSON.stringify({ trials: result.trials.length })}\n\n`);
      } catch {
        // the study is being written, or storage is away: the next poll tries again
      } finally {
        busy = false;
      }
    })();
  }, interval);
  const ping = setInterval(() => {
    for (const client of clients) client.write(': ping\n\n');
  }, 15_000);
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}/`,
    get renders() {
      return renders;
    },
    async close() {
      clearInterval(poll);
      clearInterval(ping);
      for (const client of clients) client.end();
      clients.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
