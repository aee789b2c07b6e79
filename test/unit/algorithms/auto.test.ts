import { describe, expect, it } from 'vitest';
import { PliantError, auto, autoPlan, defineDecision, dnaSpec, floatv, intv, manyOf, memoryStorage, oneOf, search, spaceProfile } from '../../../src/index.js';
import type { DNASpec } from '../../../src/index.js';
import type { Algorithm } from '../../../src/algorithms/algorithm.js';
import { gp } from '../../../src/algorithms/gp/gp.js';
import { tpe } from '../../../src/algorithms/tpe/tpe.js';
import { sumReward } from './run-support.js';

const program = defineDecision<string>({
  name: 'test.auto.Program',
  first: () => 'x',
  random: (rng) => ['x', 'x*x', 'x+1'][Math.floor(rng() * 3)] as string,
  decode: (g) => g,
  encode: (v) => String(v),
});

const braninSpace = { x1: floatv(-5, 10), x2: floatv(0, 15) };
const branin = dnaSpec(braninSpace);
const mixedNumeric = dnaSpec({
  lr: floatv(1e-4, 1e-1, { scale: 'log' }),
  layers: intv(1, 4),
  width: oneOf([16, 32, 64], { ordered: true }),
  act: oneOf(['relu', 'tanh']),
});
const categorical = dnaSpec({ a: oneOf(['x', 'y', 'z']), b: oneOf(['u', 'v']), c: oneOf([1, 2, 3]), lr: floatv(0, 1) });
const conditionalSpace = { op: oneOf(['conv', { kind: 'dense', units: intv(8, 64) }]), lr: floatv(0, 1) };
const conditional = dnaSpec(conditionalSpace);
const wide = dnaSpec(Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`x${i}`, i % 2 === 0 ? floatv(0, 1) : oneOf(['a', 'b'])])));
const custom = dnaSpec({ p: program(), lr: floatv(0, 1) });

describe('spaceProfile', () => {
  it('counts decisions by kind, a manyOf once per pick, and sees conditional decisions', () => {
    expect(spaceProfile(mixedNumeric)).toEqual({ decisions: 4, floats: 1, ints: 1, ordered: 1, categorical: 1, custom: 0, conditional: false, size: -1 });
    expect(spaceProfile(conditional)).toMatchObject({ decisions: 3, ints: 1, categorical: 1, floats: 1, conditional: true });
    expect(spaceProfile(dnaSpec({ m: manyOf(2, ['a', 'b', 'c']), k: intv(3, 3) }))).toMatchObject({ decisions: 2, categorical: 2, ints: 0, size: 6 });
    expect(spaceProfile(custom)).toMatchObject({ custom: 1, decisions: 2 });
  });
});

describe('autoPlan', () => {
  const plan = (spec: DNASpec, objectives = 1, numTrials?: number, gpTrials?: number) =>
    autoPlan(spec, { objectives, ...(numTrials === undefined ? {} : { numTrials }) }, gpTrials);

  it('several objectives: NSGA-II', () => {
    expect(plan(branin, 2).algorithm).toBe('nsga2');
  });

  it('custom decisions: regularized evolution (it mutates genomes)', () => {
    expect(plan(custom)).toMatchObject({ algorithm: 'regularizedEvolution', reason: expect.stringMatching(/custom/) });
  });

  it('more than 8 numeric decisions and no categorical one: TPE', () => {
    const rosenbrock = dnaSpec(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`x${i}`, floatv(-5, 10)])));
    expect(plan(rosenbrock, 1, 100)).toEqual({ algorithm: 'tpe', reason: '10 numeric decisions and no categorical one (the GP takes at most 8 such)' });
    const hartmann = dnaSpec(Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`x${i}`, floatv(0, 1)])));
    expect(plan(hartmann, 1, 100).algorithm).toBe('gp');
    // past gpTrials (or with no trial budget), TPE from the start
    expect(plan(hartmann, 1, 300)).toMatchObject({
      algorithm: 'tpe',
      reason: expect.stringMatching(/^6 numeric decisions and a budget past 100 trials \(300\)/),
    });
    expect(plan(hartmann)).toMatchObject({ algorithm: 'tpe', reason: expect.stringMatching(/none given/) });
    expect(plan(hartmann, 1, 300, 400).algorithm).toBe('gp');
  });

  it('more than 64 decisions: TPE', () => {
    expect(plan(wide)).toMatchObject({ algorithm: 'tpe', reason: '65 decisions (the GP takes at most 64)' });
  });

  it('otherwise the GP (categorical and conditional spaces too), then TPE past gpTrials unless the budget ends first', () => {
    expect(plan(branin)).toEqual({ algorithm: 'gp', switchTo: { algorithm: 'tpe', after: 100 }, reason: '2 decisions (2 numeric, 0 categorical)' });
    expect(plan(mixedNumeric, 1, 100)).toEqual({ algorithm: 'gp', reason: '4 decisions (3 numeric, 1 categorical)' });
    expect(plan(mixedNumeric, 1, 80)).toEqual({ algorithm: 'gp', reason: '4 decisions (3 numeric, 1 categorical)' });
    expect(plan(categorical, 1, 100)).toEqual({ algorithm: 'gp', reason: '4 decisions (1 numeric, 3 categorical)' });
    expect(plan(conditional, 1, 100)).toEqual({ algorithm: 'gp', reason: '3 decisions (2 numeric, 1 categorical, conditional)' });
    expect(plan(branin, 1, 500, 50)).toMatchObject({ switchTo: { algorithm: 'tpe', after: 50 } });
  });
});

describe('auto', () => {
  it('rejects unknown or bad options with a PliantError naming auto', () => {
    expect(() => auto({ gpTrial: 3 } as never)).toThrow(PliantError);
    expect(() => auto({ gpTrial: 3 } as never)).toThrow(/auto/);
    expect(() => auto({ gpTrials: 0 })).toThrow(/gpTrials/);
  });

  it('proposes what its plan says: the GP first, then TPE, which has learnt every trial', () => {
    const gpTrials = 6;
    const options = { startupTrials: 3, candidates: 32, localSearches: 2 };
    const a = auto({ seed: 5, gpTrials, gp: options });
    a.setup(branin, { seed: 0 });
    // the same run, by hand
    const g = gp({ ...options, seed: 5 });
    const t = tpe({ seed: 5 });
    g.setup(branin, { seed: 0 });
    t.setup(branin, { seed: 0 });
    for (let i = 0; i < 12; i++) {
      const fromAuto = a.propose();
      const active: Algorithm = i < gpTrials ? g : t;
      const byHand = active.propose();
      expect(fromAuto?.toString(), `proposal ${i}`).toBe(byHand?.toString());
      if (fromAuto === undefined) break;
      const reward = sumReward(fromAuto);
      a.feedback(fromAuto, reward);
      if (i < gpTrials) g.feedback(fromAuto, reward);
      t.feedback(fromAuto, reward);
    }
  });

  it('search() uses it by default and records the plan in the study meta', async () => {
    const storage = memoryStorage();
    const result = await search(braninSpace, (c) => (c.x1 - 1) ** 2 + (c.x2 - 2) ** 2, {
      numTrials: 14,
      storage,
      study: 'auto',
      seed: 3,
      direction: 'minimize',
    });
    expect(result.trials.filter((t) => t.state === 'completed')).toHaveLength(14);
    const journal = await storage.open('auto', { readOnly: true });
    const header = journal.events.find((e) => e.type === 'study') as { meta: Record<string, unknown> } | undefined;
    expect(header?.meta.algorithm).toBe('auto');
    expect(header?.meta.algorithmPlan).toEqual({ algorithm: 'gp', reason: '2 decisions (2 numeric, 0 categorical)' });
    await journal.close();
    // seeded: the same search gives the same trials
    const again = await search(braninSpace, (c) => (c.x1 - 1) ** 2 + (c.x2 - 2) ** 2, { numTrials: 14, seed: 3, direction: 'minimize' });
    expect(again.trials.map((t) => JSON.stringify(t.candidate))).toEqual(result.trials.map((t) => JSON.stringify(t.candidate)));
  });

  it('a conditional space: the GP, then TPE past gpTrials, and the meta says so', async () => {
    const storage = memoryStorage();
    await search(conditionalSpace, (c) => c.lr, { numTrials: 5, storage, study: 'c', seed: 1, algorithm: auto({ gpTrials: 3 }) });
    const journal = await storage.open('c', { readOnly: true });
    const header = journal.events.find((e) => e.type === 'study') as { meta: Record<string, unknown> } | undefined;
    expect(header?.meta.algorithmPlan).toEqual({ algorithm: 'gp', switchTo: 'tpe', after: 3, reason: '3 decisions (2 numeric, 1 categorical, conditional)' });
    await journal.close();
  });

  it('a space with a custom decision is evolved: proposals mutate genomes by the definition', async () => {
    const storage = memoryStorage();
    const result = await search({ p: program(), lr: floatv(0, 1) }, (c) => c.p.length + c.lr, {
      numTrials: 8,
      storage,
      study: 'custom',
      seed: 2,
      algorithm: auto({ evolution: { populationSize: 4, tournamentSize: 2 } }),
    });
    expect(result.trials).toHaveLength(8);
    const journal = await storage.open('custom', { readOnly: true });
    const header = journal.events.find((e) => e.type === 'study') as { meta: Record<string, unknown> } | undefined;
    expect(header?.meta.algorithmPlan).toMatchObject({ algorithm: 'regularizedEvolution' });
    await journal.close();
  });
});
