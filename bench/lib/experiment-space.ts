/**
 * The search spaces of ../shared/bench/PROBLEMS.md §1, built with pliant's hyper values on the
 * symbolic types of ./experiment.ts: the experiment space (8 top-level decisions, 4 conditional
 * ones, 15 decision ids) and the 4,860-point grid space (a `Net` with no float decision).
 */
import { floatv, intv, manyOf, oneOf } from 'pliant';
import type { SymbolicNode } from 'pliant';
import { Adam, Conv, Dense, Experiment, Net, Sgd } from './experiment.js';
import { BLOCKS, experimentSpaceOf } from './experiment-types.js';

/** The decision ids of the experiment space, in order (PROBLEMS.md §1). */
export const EXPERIMENT_SPACE_IDS: readonly string[] = [
  'model.stem',
  'model.stem[=0/2].filters',
  'model.stem[=0/2].kernel',
  'model.stem[=1/2].units',
  'model.blocks',
  'model.depth',
  'model.width',
  'model.act',
  'model.dropout',
  'optimizer',
  'optimizer[=0/2].lr',
  'optimizer[=0/2].momentum',
  'optimizer[=1/2].lr',
  'optimizer[=1/2].beta1',
  'batch_size',
];

/**
 * The first DNA of the experiment space in compact form. PyGlove's is
 * `DNA([(0, [0, 0]), [0, 1], 0, 0, 0, 0.0, (0, [0.0001, 0.0]), 0])`; pliant's `intv` DNA holds
 * the integer itself rather than its index in min..max, so depth and width read 1 (their minimum).
 */
export const EXPERIMENT_SPACE_FIRST_DNA = 'DNA([(0, [0, 0]), [0, 1], 1, 1, 0, 0.0, (0, [0.0001, 0.0]), 0])';

/** A fresh experiment space (a new tree each call: `prepare`/`dnaSpec` cache per space object). */
export function experimentSpace(): SymbolicNode {
  return experimentSpaceOf({ oneOf, manyOf, intv, floatv }, { Conv, Dense, Net, Sgd, Adam, Experiment });
}

/** Number of points of {@link gridSpace}: (3·2 + 3) stems × 5·4 block pairs × 3 depths × 3 acts × 3 dropouts. */
export const GRID_SPACE_SIZE = 4860;

/** A fresh grid space: the same `Net` with `depth: intv(1, 3)`, `width: 1`, `dropout: oneOf([0.0, 0.1, 0.3])`. */
export function gridSpace(): SymbolicNode {
  return Net({
    stem: oneOf([Conv({ filters: oneOf([16, 32, 64]), kernel: oneOf([3, 5]) }), Dense({ units: oneOf([64, 128, 256]) })]),
    blocks: manyOf(2, BLOCKS),
    depth: intv(1, 3),
    width: 1,
    act: oneOf(['relu', 'gelu', 'swish']),
    dropout: oneOf([0.0, 0.1, 0.3]),
  });
}
