/**
 * One measurement of bench/core-growth.bench.ts in a fresh process, against the pliant package
 * whose `dist/index.js` is given by its absolute path (the current build or an older commit's).
 * Prints one JSON line `{"us_per_op": ...}`.
 *
 * Arguments: <path of the package's dist/index.js> <case>, the case one of `hash`, `build-space`,
 * `build-space+dnaSpec`, `json-roundtrip`, `json-roundtrip-string`, `rebind`, `materialize`.
 */
import { pathToFileURL } from 'node:url';
import seedrandom from 'seedrandom';
import type * as Pliant from 'pliant';
import type { SymbolicNode } from 'pliant';
import { drawExperimentOn, experimentSpaceOf, experimentTypes } from './experiment-types.js';
import { measure } from './harness.js';

const [entry, which] = process.argv.slice(2) as [string, string];
const p = (await import(pathToFileURL(entry).href)) as typeof Pliant;
const types = experimentTypes(p);
const N = 10_000;
const N_BUILD = 1_000;

/** `count` experiments from a generator seeded with `seed`, made with this package's types. */
function drawExperiments(count: number, seed: number, forceConv = false): SymbolicNode[] {
  const rng = seedrandom(String(seed));
  return Array.from({ length: count }, () => drawExperimentOn(types, rng, forceConv));
}

const space = (): SymbolicNode => experimentSpaceOf(p, types);
let rate: number;
switch (which) {
  case 'hash': {
    let fresh: SymbolicNode[] = [];
    let seed = 1000;
    rate = measure(N, (i) => p.hash(fresh[i] as SymbolicNode), { setup: () => (fresh = drawExperiments(N, seed++)) });
    break;
  }
  case 'build-tree': {
    let seed = 0;
    rate = measure(1, () => drawExperiments(N, seed++), { rounds: 7, warmupMs: 200 }) * N;
    break;
  }
  case 'build-space':
    rate = measure(N_BUILD, () => space(), { rounds: 9 });
    break;
  case 'build-space+dnaSpec':
    rate = measure(N_BUILD, () => p.dnaSpec(space()), { rounds: 9 });
    break;
  case 'json-roundtrip': {
    const trees = drawExperiments(N, 42);
    rate = measure(N, (i) => p.fromJSON(p.toJSON(trees[i] as SymbolicNode)));
    break;
  }
  case 'json-roundtrip-string': {
    const trees = drawExperiments(N, 42);
    rate = measure(N, (i) => p.fromJSONString(p.toJSONString(trees[i] as SymbolicNode)));
    break;
  }
  case 'rebind': {
    let t = drawExperiments(1, 5, true)[0] as SymbolicNode;
    rate = measure(N, (i) => (t = p.rebind(t, 'model.stem.kernel', i % 2 === 0 ? 5 : 3)));
    break;
  }
  case 'materialize': {
    const s = space();
    const spec = p.dnaSpec(s);
    const rng = p.seededRng(1);
    const dnas = Array.from({ length: N }, () => p.randomDNA(spec, rng));
    rate = measure(N, (i) => p.materialize(s, dnas[i] as Pliant.DNA));
    break;
  }
  default:
    process.stderr.write(`core-growth-child: unknown case '${which}'\n`);
    process.exit(2);
}
process.stdout.write(`${JSON.stringify({ us_per_op: 1e6 / rate })}\n`);
