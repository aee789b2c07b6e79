// One memory measurement of bench/growth.bench.ts (`peak-rss`), in a fresh plain `node` process
// (no TypeScript loader, so the figures are the package's and Node's own), against the pliant
// package whose `dist/index.js` is the first argument. The second is what to do:
// - `node`: nothing (Node alone, for reference; the package is not imported);
// - `import`: `import(<entry>)`;
// - `one-trial`: the import, then a 1-trial random search on Sphere-10d (memoryStorage);
// - `random-memory` / `random-journal`: the import, then a 10,000-trial (third argument) random
//   search on Sphere-10d with a free objective through `sample`, memoryStorage or the journal file
//   in a temporary folder.
// Prints one JSON line: `rss_mb` (process.memoryUsage().rss at the end, after the work, no GC
// forced), `max_rss_mb` (process.resourceUsage().maxRSS: the peak), `heap_used_mb`, `ms`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [entry, what, trialsArg] = process.argv.slice(2);
const t0 = performance.now();
let dir;
if (what !== 'node') {
  const p = await import(pathToFileURL(entry).href);
  const trials = what === 'import' ? 0 : what === 'one-trial' ? 1 : Number(trialsArg ?? 10000);
  if (trials > 0) {
    const keys = Array.from({ length: 10 }, (_, i) => `x${i}`);
    const space = Object.fromEntries(keys.map((k) => [k, p.floatv(-5, 5)]));
    if (what === 'random-journal') dir = mkdtempSync(join(tmpdir(), 'pliant-growth-rss-'));
    let n = 0;
    for await (const [c, feedback] of p.sample(space, p.random({ seed: 0 }), {
      numTrials: trials,
      storage: dir === undefined ? p.memoryStorage() : p.journalStorage(dir),
      study: 'sphere',
      direction: 'minimize',
      seed: 0,
    })) {
      let f = 0;
      for (const k of keys) f += c[k] ** 2;
      await feedback.done(f);
      n++;
    }
    if (n !== trials) throw new Error(`${what}: ${n} trials, expected ${trials}`);
  }
}
const ms = performance.now() - t0;
const mem = process.memoryUsage();
const MB = 1024 * 1024;
const out = {
  rss_mb: mem.rss / MB,
  max_rss_mb: process.resourceUsage().maxRSS / 1024,
  heap_used_mb: mem.heapUsed / MB,
  ms,
};
if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify(out)}\n`);
