/** Every factory of src/algorithms that takes an options object rejects a misspelt option name. */
import { describe, expect, it } from 'vitest';
import { PliantError } from '../../../src/base/errors.js';
import { random } from '../../../src/algorithms/random-search.js';
import { grid } from '../../../src/algorithms/grid-search.js';
import { evolution } from '../../../src/algorithms/evolution/evolution.js';
import { regularizedEvolution } from '../../../src/algorithms/evolution/regularized-evolution.js';
import { hillClimb } from '../../../src/algorithms/evolution/hill-climb.js';
import { nsga2 } from '../../../src/algorithms/evolution/nsga2.js';
import { uniformMutator } from '../../../src/algorithms/evolution/mutators.js';
import { randomSelector, tournament } from '../../../src/algorithms/evolution/selectors.js';
import { tpe } from '../../../src/algorithms/tpe/tpe.js';
import { medianStopping, percentileStopping } from '../../../src/algorithms/early-stopping/median-stopping.js';
import { asha } from '../../../src/algorithms/early-stopping/asha.js';
import { hyperband } from '../../../src/algorithms/early-stopping/hyperband.js';

/** Builds with an options record given untyped, as a JavaScript caller (or a cast) would. */
type Factory = (options: Record<string, unknown>) => unknown;

interface Row {
  readonly api: string;
  readonly make: Factory;
  /** Options the factory accepts, every one of its option names among them where it can be. */
  readonly valid: Record<string, unknown>;
  /** A misspelt name, and the known one it should suggest. */
  readonly typo: string;
  readonly meant: string;
}

const select = tournament(2);
const mutate = uniformMutator();

const rows: Row[] = [
  { api: 'random', make: (o) => random(o as never), valid: { seed: 1 }, typo: 'sed', meant: 'seed' },
  {
    api: 'evolution',
    make: (o) => evolution(o as never),
    valid: { populationSize: 4, select, mutate, recombine: undefined, reduce: undefined, seed: 1, name: 'evolution' },
    typo: 'recombin',
    meant: 'recombine',
  },
  {
    api: 'regularizedEvolution',
    make: (o) => regularizedEvolution(o as never),
    valid: { populationSize: 10, tournamentSize: 3, mutator: mutate, seed: 1 },
    typo: 'populationSise',
    meant: 'populationSize',
  },
  { api: 'hillClimb', make: (o) => hillClimb(o as never), valid: { mutator: mutate, seed: 'x' }, typo: 'mutater', meant: 'mutator' },
  {
    api: 'tpe',
    make: (o) => tpe(o as never),
    valid: {
      seed: 1,
      startupTrials: 3,
      eiCandidates: 8,
      gamma: (n: number) => n / 2,
      priorWeight: 1,
      bandwidth: 'optuna',
      multivariate: false,
      constantLiar: false,
      skipDuplicates: false,
      orderedChoices: false,
    },
    typo: 'startupTrails',
    meant: 'startupTrials',
  },
  {
    api: 'nsga2',
    make: (o) => nsga2(o as never),
    valid: { populationSize: 4, recombine: undefined, crossoverProbability: 0.5, mutate, seed: 2 },
    typo: 'crossoverProbabilty',
    meant: 'crossoverProbability',
  },
  {
    api: 'medianStopping',
    make: (o) => medianStopping(o as never),
    valid: { startupTrials: 1, warmupSteps: 1, intervalSteps: 2, minTrials: 1 },
    typo: 'warmupStep',
    meant: 'warmupSteps',
  },
  {
    api: 'percentileStopping',
    make: (o) => percentileStopping({ percentile: 25, ...o } as never),
    valid: { startupTrials: 1, warmupSteps: 1, intervalSteps: 2, minTrials: 1 },
    typo: 'minTrial',
    meant: 'minTrials',
  },
  {
    api: 'asha',
    make: (o) => asha(o as never),
    valid: { minResource: 1, reductionFactor: 2, minEarlyStoppingRate: 0, maxResource: 16 },
    typo: 'reductionFactr',
    meant: 'reductionFactor',
  },
  {
    api: 'hyperband',
    make: (o) => hyperband({ maxResource: 27, ...o } as never),
    valid: { minResource: 1, reductionFactor: 3, seed: 4 },
    typo: 'minResourse',
    meant: 'minResource',
  },
  {
    api: 'randomSelector',
    make: (o) => randomSelector(2, o as never),
    valid: { replacement: true },
    typo: 'replacment',
    meant: 'replacement',
  },
];

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('option names are checked', () => {
  it.each(rows)('$api: a misspelt option is a PliantError naming it and the closest known one', (row) => {
    expect(() => row.make(row.valid)).not.toThrow();
    const error = thrown(() => row.make({ ...row.valid, [row.typo]: 1 }));
    expect(error).toBeInstanceOf(PliantError);
    expect((error as PliantError).api).toBe(row.api);
    expect((error as PliantError).code).toBe('argument');
    expect((error as PliantError).message).toBe(`${row.api}: unknown option '${row.typo}' (did you mean '${row.meant}'?)`);
  });

  it.each(rows)('$api: a name far from every known one lists the known names', (row) => {
    const error = thrown(() => row.make({ ...row.valid, zzzzzzzz: undefined }));
    expect(error).toBeInstanceOf(PliantError);
    expect((error as PliantError).message).toMatch(new RegExp(`^${row.api}: unknown option 'zzzzzzzz' \\(${row.api} takes '`));
    expect((error as PliantError).message).toContain(`'${row.meant}'`);
  });

  it('grid takes no options: any name given is an error, none (or an empty record) is fine', () => {
    expect(() => grid()).not.toThrow();
    expect(() => grid({})).not.toThrow();
    const error = thrown(() => grid({ seed: 1 } as never));
    expect(error).toBeInstanceOf(PliantError);
    expect((error as PliantError).message).toBe(`grid: unknown option 'seed' (grid takes no options)`);
    expect(thrown(() => grid('fast' as never))).toBeInstanceOf(PliantError);
  });

  it('an evolution names itself in the error by its name option', () => {
    const error = thrown(() => evolution({ populationSize: 2, select, mutate, name: 'myEvolution', sead: 1 } as never));
    expect((error as PliantError).message).toBe(`myEvolution: unknown option 'sead' (did you mean 'seed'?)`);
  });

  it('options that are not a record are errors too', () => {
    expect(thrown(() => random([] as never))).toBeInstanceOf(PliantError);
    expect(thrown(() => tpe(null as never))).toBeInstanceOf(PliantError);
    expect(thrown(() => medianStopping(3 as never))).toBeInstanceOf(PliantError);
    expect(thrown(() => asha('fast' as never))).toBeInstanceOf(PliantError);
  });
});
