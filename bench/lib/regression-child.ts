/**
 * One measurement of bench/regression.bench.ts in a fresh process, against the pliant package
 * whose `dist/index.js` is given by its absolute path (the current build or an older commit's).
 * Prints one JSON line with what it measured.
 *
 * Arguments: <path of the package's dist/index.js> <loop-overhead-random | evolution-step>
 */
import { pathToFileURL } from 'node:url';
import type * as Pliant from 'pliant';
import { experimentSpaceOf, experimentTypes } from './experiment-types.js';
import { evolutionStep, loopOverheadRandom, medianOf } from './search-loops.js';

const [entry, which] = process.argv.slice(2) as [string, string];
const p = (await import(pathToFileURL(entry).href)) as typeof Pliant;

if (which === 'loop-overhead-random') {
  const { perRun, lastTenth } = await loopOverheadRandom(p, [0, 1, 2, 3, 4], 1000);
  process.stdout.write(`${JSON.stringify({ ms_per_trial: medianOf(perRun), ms_per_trial_last_10pct: medianOf(lastTenth) })}\n`);
} else if (which === 'evolution-step') {
  const types = experimentTypes(p);
  const { rates, bests } = await evolutionStep(p, () => experimentSpaceOf(p, types), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 2000);
  const rate = medianOf(rates);
  process.stdout.write(`${JSON.stringify({ ms_per_trial: 1000 / rate, best_reward_median: medianOf(bests) })}\n`);
} else {
  process.stderr.write(`regression-child: unknown case '${which}'\n`);
  process.exit(2);
}
