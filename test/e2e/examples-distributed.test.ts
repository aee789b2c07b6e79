/**
 * examples/distributed runs as users run it (`npx tsx examples/distributed/index.ts` after
 * `npm run build`), in a child process without REDIS_URL: it starts its own redis-server and two
 * `pliant worker` processes, searches, and stops them all. Needs `redis-server`
 * (`apt-get install -y redis-server`; `npm test` installs it when missing).
 */
import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');

function isListening(port: number): Promise<boolean> {
  return new Promise((answer) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), answer(true)));
    socket.once('error', () => answer(false));
  });
}

describe('examples/distributed', () => {
  it('two pliant workers on a throwaway redis-server: every trial completed, both workers took trials, everything stopped at the end', async () => {
    const env = { ...process.env };
    delete env.REDIS_URL;
    const started = Date.now();
    // stdout and the workers' echoed log lines; stderr is not part of the checked output
    const out = execFileSync(process.execPath, [tsx, join(root, 'examples', 'distributed', 'index.ts')], {
      cwd: root,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).split('\n');
    const text = out.join('\n');
    expect(Date.now() - started, text).toBeLessThan(30_000);

    const server = /^REDIS_URL is not set: started a throwaway redis-server at redis:\/\/127\.0\.0\.1:(\d+) /.exec(out[0] ?? '');
    expect(server, text).not.toBeNull();
    expect(out).toContain('started 2 workers: node dist/cli/main.js worker --study iris-distributed-seed-1 --objective ./examples/distributed/objective.ts');
    expect(
      out.filter((l) =>
        /^ {2}\[worker [AB]\] pliant worker: serving queue 'pliant-iris-distributed-seed-1' on redis:\/\/127\.0\.0\.1:\d+ \(concurrency 1\)$/.test(l),
      ),
    ).toHaveLength(2);
    expect(out).toContain("searching: study 'iris-distributed-seed-1', 12 trials, TPE, 2 in flight at once");

    // the table: every trial completed, with its 10 per-epoch reports relayed to the journal, and the worker that ran it
    expect(out, text).toContain('12 trials, 12 completed:');
    const rows = out
      .map((l) => /^ +(\d+) {2}([AB]) +([01]\.\d{3}) +(\d+) +(\d+) +[\d.]+ {2}4( → \d+ \w+( \(dropout 0\.\d\d\))?)+ → 3$/.exec(l))
      .filter((m) => m !== null);
    expect(
      rows.map((m) => Number(m[1])),
      text,
    ).toEqual([...Array(12).keys()]);
    for (const m of rows) expect(Number(m[4]), text).toBe(10);

    // both workers took trials, every trial was run by exactly one, as the table says
    const took = (name: string): number[] => {
      const line = out.find((l) => l.startsWith(`worker ${name} evaluated `)) ?? '';
      const m = /^worker [AB] evaluated (\d+) trials?: ([\d, ]+)$/.exec(line);
      expect(m, text).not.toBeNull();
      const trials = (m?.[2] ?? '').split(', ').map(Number);
      expect(trials).toHaveLength(Number(m?.[1]));
      return trials;
    };
    const a = took('A');
    const b = took('B');
    expect(a.length, text).toBeGreaterThan(0);
    expect(b.length, text).toBeGreaterThan(0);
    expect([...a, ...b].sort((x, y) => x - y)).toEqual([...Array(12).keys()]);
    for (const m of rows) expect((m[2] === 'A' ? a : b).includes(Number(m[1]))).toBe(true);
    for (const t of a) expect(out.some((l) => new RegExp(`^ {2}\\[worker A\\] pliant worker: trial ${t} returned \\{"accuracy":`).test(l))).toBe(true);

    const best = /^best validation accuracy ([\d.]+) \(trial (\d+), evaluated by worker ([AB])\):$/.exec(
      out.find((l) => l.startsWith('best validation accuracy')) ?? '',
    );
    expect(best, text).not.toBeNull();
    expect(Number(best?.[1])).toBeGreaterThanOrEqual(0.9);
    expect(out).toContain('  model: tf.sequential(');

    // the workers stopped cleanly, and so did the server
    expect(out.filter((l) => /^ {2}\[worker [AB]\] pliant worker: stopped after \d+ trials?$/.test(l))).toHaveLength(2);
    expect(await isListening(Number(server?.[1]))).toBe(false);
  }, 60_000);
});
