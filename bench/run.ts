/**
 * Runs benchmarks: `npm run bench -- symbolic` runs bench/symbolic.bench.ts; no name runs all.
 * Each benchmark module exports `cases`, a record of named cases; like JMH's forks, every case
 * runs in a fresh Node process, so one case's JIT profile does not slow or speed another. Each
 * case prints JSON lines `{"bench", "n", "ops_per_sec", ...}`.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type Cases = Record<string, () => void | Promise<void>>;

const here = dirname(fileURLToPath(import.meta.url));
const self = fileURLToPath(import.meta.url);
const args = process.argv.slice(2);

async function load(name: string): Promise<Cases> {
  const mod = (await import(pathToFileURL(join(here, `${name}.bench.ts`)).href)) as { cases: Cases };
  return mod.cases;
}

if (args[0] === '--case') {
  // child: run one case of one benchmark
  const [, name, caseName] = args as [string, string, string];
  const cases = await load(name);
  await (cases[caseName] as () => void | Promise<void>)();
} else {
  const available = readdirSync(here)
    .filter((f) => f.endsWith('.bench.ts'))
    .map((f) => f.slice(0, -'.bench.ts'.length))
    .sort();
  for (const name of args) {
    if (!available.includes(name)) {
      process.stderr.write(`bench: no benchmark '${name}' (available: ${available.join(', ')})\n`);
      process.exit(2);
    }
  }
  for (const name of args.length > 0 ? args : available) {
    for (const caseName of Object.keys(await load(name))) {
      const out = execFileSync(process.execPath, [...process.execArgv, self, '--case', name, caseName], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      process.stdout.write(out);
    }
  }
}
