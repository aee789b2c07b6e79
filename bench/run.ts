/**
 * Runs benchmarks: `npm run bench -- symbolic` runs bench/symbolic.bench.ts; no name runs all.
 * Each benchmark prints JSON lines `{"bench", "n", "ops_per_sec", ...}`.
 */
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length))
  .sort();
const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!available.includes(name)) {
    process.stderr.write(`bench: no benchmark '${name}' (available: ${available.join(', ')})\n`);
    process.exit(2);
  }
}
for (const name of wanted.length > 0 ? wanted : available) {
  const mod = (await import(pathToFileURL(`${here}/${name}.bench.ts`).href)) as { run: () => Promise<void> | void };
  await mod.run();
}
