/**
 * `pliant serve`: the study report on localhost, updating live while a search runs. The page is
 * the same self-contained report as `pliant report` writes, with a small script that listens to
 * server-sent events (`/events`) and reloads the page's main part when the study changes.
 *
 * The server answers only requests addressed to it by a Host it knows (see
 * {@link ReportServerOptions.allowedHosts}): a web page that points a name of its own at this
 * machine (DNS rebinding) gets `421 Misdirected Request`, never the study.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { PliantError } from '../base/errors.js';
import type { Result } from '../tuning/result.js';
import { renderReport } from './html-report.js';

/** Options of {@link serveReport}. */
export interface ReportServerOptions {
  /** The port (default 0: a free one). */
  readonly port?: number;
  /**
   * The address to listen on (default `127.0.0.1`: this machine only). A name given here (not an
   * address) is also allowed as a request's Host.
   */
  readonly host?: string;
  /**
   * Host names (or `name:port`) the server answers to besides its own address: a name behind a
   * reverse proxy, the machine's name on a network. Without a port, a name is allowed with any
   * port. The server always answers to the address it listens on with its port: for a loopback
   * listener `127.0.0.1:<port>`, `localhost:<port>` and `[::1]:<port>`; for one on every
   * interface (`0.0.0.0`, `::`), those and each interface's address. A request with any other
   * `Host` header (or none) gets `421 Misdirected Request` with a one-line body and no study
   * data; this keeps pages of other sites from reading the report through a name of theirs that
   * resolves here (DNS rebinding).
   */
  readonly allowedHosts?: readonly string[];
  /** Milliseconds between reads of the study (default 1000). */
  readonly interval?: number;
  /** The page's title (default: the study's name). */
  readonly title?: string;
}

/** A running report server. */
export interface ReportServer {
  /** `http://127.0.0.1:<port>/` (a Host this server answers to). */
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

/** A Host header (or an allowed host) split into its lower-case name (brackets kept for IPv6) and port. */
function splitHost(text: string): { name: string; port: number | undefined } | undefined {
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9_.-]+)(?::(\d{1,5}))?$/.exec(text.trim().toLowerCase());
  if (match === null || match[1] === '') return undefined;
  return { name: (match[1] as string).replace(/\.$/, ''), port: match[2] === undefined ? undefined : Number(match[2]) };
}

/** An address as it appears in a Host header: an IPv6 one in brackets. */
function hostForm(address: string): string {
  return isIP(address) === 6 ? `[${address.toLowerCase()}]` : address.toLowerCase();
}

function isLoopback(address: string): boolean {
  return address === 'localhost' || address === '::1' || address.startsWith('127.') || address === '::ffff:127.0.0.1';
}

/** The Host names (without ports) a server listening on `address` (and asked for `requested`) answers to. */
function ownHosts(address: string, requested: string | undefined): Set<string> {
  const hosts = new Set<string>([hostForm(address)]);
  const everywhere = address === '0.0.0.0' || address === '::';
  if (isLoopback(address) || everywhere || (requested !== undefined && isLoopback(requested))) {
    for (const h of ['127.0.0.1', 'localhost', '[::1]']) hosts.add(h);
  }
  if (everywhere) {
    for (const list of Object.values(networkInterfaces())) for (const i of list ?? []) hosts.add(hostForm(i.address.replace(/%.*$/, '')));
  }
  // A name to listen on (`--host myhost.local`) is a name to be reached by.
  if (requested !== undefined && isIP(requested) === 0) hosts.add(requested.toLowerCase().replace(/\.$/, ''));
  return hosts;
}

/**
 * Serves the report of the study `load` reads (call it with `() => loadStudy(name)`), re-reading
 * it every `interval` and pushing an update to open pages when it changed.
 *
 * Only requests whose `Host` header names this server get an answer: its own address with its
 * port (`127.0.0.1:<port>`, `localhost:<port>` or `[::1]:<port>` when it listens on loopback), the
 * `host` it was asked to listen on, or one of `allowedHosts`. Any other request, the event
 * stream's included, gets `421 Misdirected Request` and no study data (a defence against DNS
 * rebinding: a page of another site reaching the report through a name of its own).
 */
export async function serveReport(load: () => Promise<Result>, options: ReportServerOptions = {}): Promise<ReportServer> {
  const api = 'serveReport';
  const interval = options.interval ?? 1000;
  if (!(interval > 0)) throw new PliantError(api, 'argument', `interval must be positive, found ${String(options.interval)}`);
  const extraHosts = (options.allowedHosts ?? []).map((h) => {
    const split = typeof h === 'string' ? splitHost(h) : undefined;
    if (split === undefined) throw new PliantError(api, 'argument', `allowedHosts takes host names (with a port or without), found ${JSON.stringify(h)}`);
    return split;
  });
  let own = new Set<string>();
  let listening = 0;
  const allowed = (req: IncomingMessage): boolean => {
    const host = req.headers.host;
    if (typeof host !== 'string') return false;
    const split = splitHost(host);
    if (split === undefined) return false;
    const port = split.port ?? 80;
    if (own.has(split.name) && port === listening) return true;
    return extraHosts.some((h) => h.name === split.name && (h.port === undefined || h.port === port));
  };
  let result = await load();
  let html = await renderReport(result, { live: true, ...(options.title === undefined ? {} : { title: options.title }) });
  let renders = 1;
  let last = signature(result);
  const clients = new Set<ServerResponse>();
  let busy = false;
  const server = createServer((req, res) => {
    if (!allowed(req)) {
      res
        .writeHead(421, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', connection: 'close' })
        .end('421 Misdirected Request: this report server does not answer to that Host (pliant serve --allowed-host <name> adds one)\n');
      return;
    }
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
  own = ownHosts(address.address, options.host);
  listening = address.port;
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
