/**
 * The experiment types of ../shared/bench/PROBLEMS.md §1, with zod schemas (`./experiment-types.ts`
 * made with 'pliant'), and a seeded draw of concrete experiments (the space's hyper values replaced
 * by drawn values).
 */
import seedrandom from 'seedrandom';
import { nodeSchema, symbolize } from 'pliant';
import type { SymbolicNode } from 'pliant';
import { drawExperimentOn, experimentTypes } from './experiment-types.js';

const types = experimentTypes({ symbolize, nodeSchema });
export const { Conv, Dense, Net, Sgd, Adam, Experiment } = types;

/** One random concrete experiment from the §1 space. */
export function drawExperiment(rng: () => number, forceConv = false): SymbolicNode {
  return drawExperimentOn(types, rng, forceConv);
}

/** `count` experiments from a generator seeded with `seed`. */
export function drawExperiments(count: number, seed: number, forceConv = false): SymbolicNode[] {
  const rng = seedrandom(String(seed));
  return Array.from({ length: count }, () => drawExperiment(rng, forceConv));
}
