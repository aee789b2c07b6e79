/**
 * The experiment types of ../shared/bench/PROBLEMS.md §1, with zod schemas (`./experiment-types.ts`
 * made with 'pliant'), and a seeded draw of concrete experiments (the space's hyper values replaced
 * by drawn values).
 */
import seedrandom from 'seedrandom';
import { nodeSchema, symbolize } from 'pliant';
import type { SymbolicNode } from 'pliant';
import { experimentTypes } from './experiment-types.js';

const types = experimentTypes({ symbolize, nodeSchema });
export const { Conv, Dense, Net, Sgd, Adam, Experiment } = types;

const BLOCKS = ['conv3x3', 'conv5x5', 'maxpool', 'avgpool', 'identity'];

/** One random concrete experiment from the §1 space. */
export function drawExperiment(rng: () => number, forceConv = false): SymbolicNode {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)] as T;
  const stem = forceConv || rng() < 0.5 ? Conv({ filters: pick([16, 32, 64]), kernel: pick([3, 5]) }) : Dense({ units: pick([64, 128, 256]) });
  const first = pick(BLOCKS);
  const second = pick(BLOCKS.filter((b) => b !== first));
  const logUniform = (lo: number, hi: number): number => Math.exp(Math.log(lo) + rng() * (Math.log(hi) - Math.log(lo)));
  const optimizer = rng() < 0.5 ? Sgd({ lr: logUniform(1e-4, 1e-1), momentum: rng() * 0.99 }) : Adam({ lr: logUniform(1e-4, 1e-1), beta1: pick([0.9, 0.95]) });
  return Experiment({
    model: Net({
      stem,
      blocks: [first, second],
      depth: 1 + Math.floor(rng() * 8),
      width: 1 + Math.floor(rng() * 4),
      act: pick(['relu', 'gelu', 'swish']),
      dropout: rng() * 0.5,
    }),
    optimizer,
    batch_size: pick([32, 64, 128, 256]),
  });
}

/** `count` experiments from a generator seeded with `seed`. */
export function drawExperiments(count: number, seed: number, forceConv = false): SymbolicNode[] {
  const rng = seedrandom(String(seed));
  return Array.from({ length: count }, () => drawExperiment(rng, forceConv));
}
