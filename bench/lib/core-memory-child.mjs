// One start-up memory measurement of bench/core-growth.bench.ts, in a fresh plain `node` process
// (no TypeScript loader): the pliant package given by the path of its dist/index.js is imported,
// then (with `search`) a one-trial random search runs on Sphere-10d through the journal file.
// Prints one JSON line: RSS and heap after the import and after the search (MB, after a GC) and the
// import time; or (third argument `modules`) the modules loaded (ours, and each package's file count).
import { mkdtempSync, rmSync } from 'node:fs';
import { register } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel } from 'node:worker_threads';

const [entry, what = 'import', listing = 'memory'] = process.argv.slice(2);
const loaded = [];
// The module list comes from a loader hook, whose thread costs memory of its own: a run lists
// modules (`modules`) or measures memory (`memory`), not both.
if (listing === 'modules') {
  const { port1, port2 } = new MessageChannel();
  port1.on('message', (url) => loaded.push(url));
  port1.unref();
  register(
    `data:text/javascript,${encodeURIComponent(
      'let port; export function initialize(d) { port = d.port; } export async function load(url, context, next) { const r = await next(url, context); if (!url.startsWith("node:")) port.postMessage(url); return r; }',
    )}`,
    { data: { port: port2 }, transferList: [port2] },
  );
}
const mb = (x) => Number((x / 2 ** 20).toFixed(1));
const snapshot = async () => {
  await new Promise((r) => setTimeout(r, 20));
  globalThis.gc?.();
  const m = process.memoryUsage();
  const packages = {};
  let ours = 0;
  for (const url of loaded) {
    const at = url.lastIndexOf('/node_modules/');
    if (at < 0) {
      ours++;
      continue;
    }
    const rest = url.slice(at + '/node_modules/'.length).split('/');
    const name = rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
    packages[name] = (packages[name] ?? 0) + 1;
  }
  if (listing === 'modules') return { modules_ours: ours, modules_packages: packages };
  return { rss_mb: mb(m.rss), heap_mb: mb(m.heapUsed) };
};
const bare = process.memoryUsage();
const t0 = performance.now();
const p = await import(pathToFileURL(entry).href);
const importMs = performance.now() - t0;
const out = { bare_rss_mb: mb(bare.rss), import_ms: Number(importMs.toFixed(1)), import: await snapshot() };
if (what === 'search') {
  const dir = mkdtempSync(join(tmpdir(), 'pliant-core-mem-'));
  try {
    const space = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`x${i}`, p.floatv(-5, 5)]));
    for await (const [c, feedback] of p.sample(space, p.random({ seed: 0 }), {
      numTrials: 1,
      storage: p.journalStorage(dir),
      study: 'sphere',
      direction: 'minimize',
    })) {
      let f = 0;
      for (const v of Object.values(c)) f += v * v;
      await feedback.done(f);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  out.search = await snapshot();
}
process.stdout.write(`${JSON.stringify(out)}\n`);
