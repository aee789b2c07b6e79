/**
 * serveReport answers only requests addressed to it (DNS rebinding): real HTTP requests with
 * forged Host headers, to the page and to the event stream; and `pliant serve --allowed-host`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/run-cli.js';
import { PliantError } from '../../../src/base/errors.js';
import { floatv } from '../../../src/hyper/floatv.js';
import { serveReport } from '../../../src/report/report-server.js';
import type { ReportServer } from '../../../src/report/report-server.js';
import { journalStorage } from '../../../src/storage/journal-storage.js';
import { memoryStorage } from '../../../src/storage/memory-storage.js';
import type { Result } from '../../../src/tuning/result.js';
import { search } from '../../../src/tuning/search.js';

/** A study name that only the report itself contains: its absence shows no study data left. */
const SECRET = 'secret-study-7f3a';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * GET `path` from 127.0.0.1:`port` with the Host header `host` (none when null). For the event
 * stream, resolves with what came within `wait` ms of the headers, then drops the connection.
 */
function get(port: number, path: string, host: string | null, wait = 0, address = '127.0.0.1'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: address, port, path, method: 'GET', agent: false, setHost: host !== null, headers: host === null ? {} : { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      const done = (): void => resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      res.on('end', done);
      if (wait > 0)
        setTimeout(() => {
          done();
          req.destroy();
        }, wait);
    });
    req.on('error', reject);
    req.end();
  });
}

let result: Result;
let server: ReportServer;
let port: number;

beforeAll(async () => {
  result = await search({ x: floatv(0, 1) }, (c) => c.x, { numTrials: 3, study: SECRET, storage: memoryStorage(), seed: 1 });
  server = await serveReport(async () => result, { interval: 50 });
  port = Number(new URL(server.url).port);
});
afterAll(() => server.close());

describe('serveReport: Host check', () => {
  it('answers its own loopback names with its port', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]) {
      const page = await get(port, '/', host);
      expect(page.status, host).toBe(200);
      expect(page.body).toContain(SECRET);
    }
    const events = await get(port, '/events', `127.0.0.1:${port}`, 150);
    expect(events.status).toBe(200);
    expect(events.headers['content-type']).toBe('text/event-stream');
    expect(events.body).toContain(': connected');
  });

  it('a forged Host gets 421 with one line and no study data: the page, the event stream, any path', async () => {
    for (const host of [
      'evil.example',
      `evil.example:${port}`,
      'localhost',
      `localhost:${port + 1}`,
      `127.0.0.1:${port}.evil.example`,
      `127.0.0.2:${port}`,
      `evil.example:${port}@127.0.0.1:${port}`,
      `127.0.0.1:${port} evil`,
    ]) {
      for (const path of ['/', '/index.html', '/events', '/favicon.ico', '/nothing']) {
        const reply = await get(port, path, host, path === '/events' ? 150 : 0);
        expect(reply.status, `${host} ${path}`).toBe(421);
        expect(reply.headers['content-type']).toMatch(/^text\/plain/);
        expect(reply.body).not.toContain(SECRET);
        expect(reply.body).not.toContain('connected');
        expect(reply.body.trimEnd().split('\n')).toHaveLength(1);
        expect(reply.body).toMatch(/^421 Misdirected Request/);
      }
    }
  });

  it('a request without a Host header gets no answer but an error (400 from node, or 421)', async () => {
    const reply = await get(port, '/', null);
    expect([400, 421]).toContain(reply.status);
    expect(reply.body).not.toContain(SECRET);
  });

  it('a rejected event stream is not kept open, and gets no updates', async () => {
    const reply = await get(port, '/events', 'evil.example', 300);
    expect(reply.status).toBe(421);
    expect(reply.body).not.toContain('data:');
  });

  it('answers the names in allowedHosts: a name alone with any port, a name:port with that port only', async () => {
    const other = await serveReport(async () => result, { allowedHosts: ['Report.Example.', 'proxy.example:8443'] });
    try {
      const p = Number(new URL(other.url).port);
      for (const host of ['report.example', `report.example:${p}`, 'report.example:443', 'REPORT.EXAMPLE', 'proxy.example:8443', `localhost:${p}`]) {
        const reply = await get(p, '/', host);
        expect(reply.status, host).toBe(200);
        expect(reply.body).toContain(SECRET);
      }
      for (const host of ['proxy.example', 'proxy.example:80', 'sub.report.example', 'evil.example']) {
        const reply = await get(p, '/', host);
        expect(reply.status, host).toBe(421);
        expect(reply.body).not.toContain(SECRET);
      }
    } finally {
      await other.close();
    }
  });

  it('a host name to listen on is a name it answers to', async () => {
    const other = await serveReport(async () => result, { host: 'localhost' });
    try {
      const url = new URL(other.url);
      const p = Number(url.port);
      const address = url.hostname.replace(/^\[|\]$/g, '');
      expect(['127.0.0.1', '::1']).toContain(address);
      expect((await get(p, '/', `localhost:${p}`, 0, address)).status).toBe(200);
      expect((await get(p, '/', `${url.hostname}:${p}`, 0, address)).status).toBe(200);
      expect((await get(p, '/', `evil.example:${p}`, 0, address)).status).toBe(421);
    } finally {
      await other.close();
    }
  });

  it('rejects allowedHosts that are not host names', async () => {
    for (const bad of ['', 'http://x.example/', 'a b', 'x.example:port']) {
      await expect(serveReport(async () => result, { allowedHosts: [bad] })).rejects.toThrow(PliantError);
    }
  });
});

describe('pliant serve', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pliant-serve-'));
    await search({ x: floatv(0, 1) }, (c) => c.x, { numTrials: 2, study: SECRET, storage: journalStorage(dir), seed: 2 });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says in its help which hosts it answers, and takes --allowed-host (repeatable) and --host', async () => {
    let help = '';
    expect(await runCli(['serve', '--help'], { out: { write: (t: string) => void (help += t) }, err: { write: () => undefined } })).toBe(0);
    expect(help).toContain('--allowed-host <name>');
    expect(help).toContain('421 Misdirected Request');
    expect(help).toMatch(/DNS rebinding/);

    let out = '';
    let err = '';
    const running = runCli(['serve', SECRET, '--storage', dir, '--allowed-host', 'a.example', '--allowed-host', 'b.example:9000', '--json'], {
      out: { write: (t: string) => void (out += t) },
      err: { write: (t: string) => void (err += t) },
    });
    try {
      for (let i = 0; i < 100 && out === ''; i++) await new Promise((r) => setTimeout(r, 20));
      const url = new URL((JSON.parse(out) as { url: string }).url);
      const p = Number(url.port);
      expect(err).toContain(`the report of '${SECRET}' is at ${url.href}`);
      expect((await get(p, '/', `127.0.0.1:${p}`)).status).toBe(200);
      expect((await get(p, '/', 'a.example')).status).toBe(200);
      expect((await get(p, '/', 'b.example:9000')).status).toBe(200);
      const forged = await get(p, '/', 'evil.example');
      expect(forged.status).toBe(421);
      expect(forged.body).not.toContain(SECRET);
      const events = await get(p, '/events', `evil.example:${p}`, 150);
      expect(events.status).toBe(421);
    } finally {
      process.emit('SIGINT');
      expect(await running).toBe(0);
    }
  });

  it('a bad --allowed-host or --port is a usage error on one line', async () => {
    for (const [argv, message] of [
      [
        ['serve', SECRET, '--allowed-host', 'http://x/'],
        "--allowed-host takes a host name, with a port or without (myhost, myhost:8080, [::1]:8080), found 'http://x/'",
      ],
      [['serve', SECRET, '--port', '-1'], "--port must be a port number from 0 to 65535, found '-1'"],
      [['serve', SECRET, '--interval', '0'], "--interval must be a positive number, found '0'"],
      [['serve', SECRET, '--alowed-host', 'x'], 'unknown option --alowed-host (did you mean --allowed-host?)'],
    ] as const) {
      let err = '';
      expect(await runCli([...argv], { out: { write: () => undefined }, err: { write: (t: string) => void (err += t) } })).toBe(2);
      expect(err).toBe(`pliant serve: ${message}\nRun 'pliant serve --help' for usage.\n`);
    }
  });
});
