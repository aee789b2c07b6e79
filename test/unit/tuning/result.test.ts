import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Result, floatv, random, regularizedEvolution, search } from '../../../src/index.js';
import type { Trial } from '../../../src/index.js';
import { errorOf } from '../../support/error-of.js';

const space = { x: floatv(0, 1), y: floatv(0, 1) };

function trialOf(number: number, value: Trial['value'], state: Trial['state'] = 'completed'): Trial {
  return {
    id: `t${number}`,
    number,
    state,
    dna: undefined as never,
    candidate: null,
    reports: [],
    value,
    metrics: undefined,
    error: undefined,
    started: 0,
    ended: 1,
    owner: 'x:1',
    hash: undefined,
    cached: false,
  };
}

describe('Result', () => {
  it('paretoFront is exactly the non-dominated feasible completed trials (brute force)', () => {
    const point = fc.record({ a: fc.integer({ min: 0, max: 6 }), b: fc.integer({ min: 0, max: 6 }), c: fc.integer({ min: -2, max: 1 }) });
    fc.assert(
      fc.property(fc.array(point, { maxLength: 30 }), fc.constantFrom<'maximize' | 'minimize'>('maximize', 'minimize'), (points, dirB) => {
        const trials = points.map((p, i) => trialOf(i, p));
        const result = new Result('s', trials, { metric: ['a', 'b'], direction: ['maximize', dirB], constraints: ['c'] });
        const sb = dirB === 'maximize' ? 1 : -1;
        const feasible = points.map((p, i) => ({ p, i })).filter(({ p }) => p.c <= 0);
        const expected = feasible
          .filter(({ p }) => !feasible.some(({ p: q }) => q.a >= p.a && sb * q.b >= sb * p.b && (q.a > p.a || sb * q.b > sb * p.b)))
          .map(({ i }) => i);
        expect(result.paretoFront.map((t) => t.number)).toEqual(expected);
      }),
    );
  });

  it('best is the best feasible trial; several objectives have no single best', () => {
    const trials = [
      trialOf(0, { acc: 0.9, over: 1 }),
      trialOf(1, { acc: 0.7, over: 0 }),
      trialOf(2, { acc: 0.8, over: -1 }),
      trialOf(3, { acc: 0.95 }, 'pruned'),
    ];
    const result = new Result('s', trials, { constraints: ['over'] });
    expect(result.best?.number).toBe(2);
    expect(result.feasible.map((t) => t.number)).toEqual([1, 2]);
    expect(result.isFeasible(trials[0] as Trial)).toBe(false);
    const multi = new Result('s', trials, { metric: ['acc', 'over'] });
    expect(errorOf(() => multi.best).message).toMatch(/paretoFront/);
  });

  it('a multi-objective search needs an algorithm for several objectives', async () => {
    await expect(
      search(space, (c) => ({ f1: c.x, f2: c.y }), {
        numTrials: 3,
        metric: ['f1', 'f2'],
        algorithm: regularizedEvolution({ populationSize: 2, tournamentSize: 1 }),
      }),
    ).rejects.toThrow(/optimises one objective.*nsga2/);
    const result = await search(space, (c) => ({ f1: c.x, f2: 1 - c.x * c.y }), {
      numTrials: 30,
      metric: ['f1', 'f2'],
      direction: 'minimize',
      algorithm: random({ seed: 1 }),
    });
    expect(result.paretoFront.length).toBeGreaterThan(0);
    expect(result.directions).toEqual(['minimize', 'minimize']);
  });
});
