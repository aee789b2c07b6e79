// A search run as its own process, for bench/durability.bench.ts to kill at random moments and
// run again: test/fixtures/search/kill-child.mjs without its diverging trials (every trial
// completes, so a run to the end has `numTrials` completed trials), and with a side file that
// gets one line per evaluation started (the candidate's JSON), so the bench can count how many
// evaluations a killed run started. Uses the built package.
// Arguments: <journal dir> <study> <algorithm: random|evolution> <numTrials> <seed> <busy ms per trial> <side file>
import { appendFileSync } from 'node:fs';
import { floatv, grid, hillClimb, intv, journalStorage, nsga2, oneOf, random, regularizedEvolution, search, tpe } from 'pliant';

const [dir, study, name, numTrials, seed, busy, side] = process.argv.slice(2);
// Grid search needs a finite space (600 points); the others search a float too.
const space =
  name === 'grid'
    ? { w: oneOf([1, 2, 3, 4, 5]), k: intv(0, 9), act: oneOf(['relu', 'gelu', 'tanh', 'elu']), depth: intv(1, 3) }
    : { x: floatv(-5, 5), k: intv(0, 9), act: oneOf(['relu', 'gelu', 'tanh', 'elu']) };
const algorithms = {
  random: () => random(),
  evolution: () => regularizedEvolution({ populationSize: 12, tournamentSize: 4 }),
  grid: () => grid(),
  'hill-climb': () => hillClimb(),
  tpe: () => tpe({ startupTrials: 10 }),
  nsga2: () => nsga2({ populationSize: 12 }),
};
const multi = name === 'nsga2';
if (algorithms[name] === undefined) throw new Error(`durability-child: unknown algorithm '${name}'`);

/** Deterministic and a little slow (a busy wait, then a turn of the event loop). */
async function objective(c) {
  appendFileSync(side, `${JSON.stringify(c)}\n`);
  const until = performance.now() + Number(busy);
  while (performance.now() < until);
  await new Promise((resolve) => setImmediate(resolve));
  const x = c.x ?? c.w - c.depth;
  const a = -((x - 1) ** 2) + c.k / 3 + (c.act === 'gelu' ? 0.5 : 0);
  return multi ? { a, b: -Math.abs(x) - c.k / 5 } : a;
}

const result = await search(space, objective, {
  numTrials: Number(numTrials),
  seed: Number(seed),
  storage: journalStorage(dir),
  study,
  algorithm: algorithms[name](),
  ...(multi ? { metric: ['a', 'b'] } : {}),
});
process.stdout.write(`${JSON.stringify({ trials: result.trials.length })}\n`);
