/**
 * The experiment module of bench/concurrency.bench.ts, run by `pliant search` in several processes
 * on one study. A finite space of 2,000 points (so a search repeats candidates now and then even
 * with different seeds: the default algorithm, GP here, more than random search would), an objective that sleeps a little and appends each candidate it
 * evaluates to a side file, and dedupe from the environment:
 *
 * - `PLIANT_BENCH_EVALUATIONS`: the side file (one line per evaluation: the candidate's JSON, a
 *   tab, the process id); none: nothing is written.
 * - `PLIANT_BENCH_DEDUPE=1`: `options.dedupe = 'structural'`.
 * - `PLIANT_BENCH_MS`: how long one evaluation sleeps (default 10 ms).
 */
import { appendFileSync } from 'node:fs';
import { intv, oneOf } from 'pliant';
import type { SearchOptions } from 'pliant';

export const space = {
  k: intv(0, 49),
  act: oneOf(['relu', 'gelu', 'tanh', 'elu']),
  width: oneOf([8, 16, 24, 32, 48, 64, 96, 128, 192, 256]),
};

const side = process.env.PLIANT_BENCH_EVALUATIONS;
const ms = Number(process.env.PLIANT_BENCH_MS ?? '10');

export async function objective(c: { k: number; act: string; width: number }): Promise<number> {
  if (side !== undefined && side !== '') appendFileSync(side, `${JSON.stringify(c)}\t${process.pid}\n`);
  await new Promise((resolve) => setTimeout(resolve, ms));
  return -Math.abs(c.k - 31) / 10 + (c.act === 'gelu' ? 0.3 : 0) - Math.abs(Math.log2(c.width) - 6) / 4;
}

export const options: Pick<SearchOptions, 'dedupe'> & { dedupe?: 'structural' } = {};
if (process.env.PLIANT_BENCH_DEDUPE === '1') options.dedupe = 'structural';
