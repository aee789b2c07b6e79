import { describe, expect, it } from 'vitest';
import { PliantError, dnaSpec, floatv, materialize, seededRng } from '../../../src/index.js';
import type { DNA, DNASpec } from '../../../src/index.js';
import type { Algorithm, HistoryEntry, Outcome } from '../../../src/algorithms/algorithm.js';
import { nsga2 } from '../../../src/algorithms/evolution/nsga2.js';
import type { Nsga2Algorithm, Nsga2Options } from '../../../src/algorithms/evolution/nsga2.js';
import { uniformMutator } from '../../../src/algorithms/evolution/mutators.js';
import type { Mutator } from '../../../src/algorithms/evolution/mutators.js';
import { uniformCrossover } from '../../../src/algorithms/evolution/recombinators.js';
import type { Recombinator } from '../../../src/algorithms/evolution/recombinators.js';
import { random } from '../../../src/algorithms/random-search.js';

/** ZDT1 over five floats in [0, 1]: minimise f1 = x1 and f2 = g·(1 − √(f1/g)), g = 1 + 9·mean(x2..x5). */
const zdtSpace = { x: Array.from({ length: 5 }, () => floatv(0, 1)) };
const zdt = dnaSpec(zdtSpace);

function zdt1(dna: DNA): [number, number] {
  const { x } = materialize(zdtSpace, dna) as unknown as { x: number[] };
  const f1 = x[0] as number;
  const g = 1 + (9 * x.slice(1).reduce((s, v) => s + v, 0)) / (x.length - 1);
  return [f1, g * (1 - Math.sqrt(f1 / g))];
}

/** A feedback as the loop gives it: both objectives negated into rewards, `reward` the first. */
interface Evaluation {
  readonly reward: number;
  readonly outcome?: Outcome;
}

function zdtFeedback(dna: DNA): Evaluation {
  const [f1, f2] = zdt1(dna);
  return { reward: -f1, outcome: { rewards: [-f1, -f2] } };
}

/** ZDT1 with a constraint: feasible when x1 ≥ 0.5 (violation 0.5 − x1 otherwise). */
function constrainedFeedback(dna: DNA): Evaluation {
  const [f1, f2] = zdt1(dna);
  return { reward: -f1, outcome: { rewards: [-f1, -f2], constraints: [0.5 - f1] } };
}

/** The 2-D hypervolume (both objectives maximised) above the reference point. */
function hypervolume(points: readonly (readonly number[])[], reference: readonly [number, number]): number {
  const [r1, r2] = reference;
  const inside = points.filter((p) => (p[0] as number) > r1 && (p[1] as number) > r2).sort((a, b) => (b[0] as number) - (a[0] as number));
  let volume = 0;
  let height = r2;
  for (const p of inside) {
    const y = p[1] as number;
    if (y > height) {
      volume += ((p[0] as number) - r1) * (y - height);
      height = y;
    }
  }
  return volume;
}

/**
 * Runs `steps` sequential rounds; `evaluate` returning `undefined` makes the trial fail (it is
 * abandoned). Returns the history as the storage records it.
 */
function drive(algorithm: Algorithm, spec: DNASpec, steps: number, evaluate: (dna: DNA, t: number) => Evaluation | undefined): HistoryEntry[] {
  const history: HistoryEntry[] = [];
  for (let t = 0; t < steps; t++) {
    const dna = algorithm.propose() as DNA;
    spec.validate(dna);
    const e = evaluate(dna, t);
    if (e === undefined) {
      algorithm.abandon?.(dna);
      history.push({ dna, reward: undefined });
    } else {
      algorithm.feedback(dna, e.reward, e.outcome);
      history.push(e.outcome === undefined ? { dna, reward: e.reward } : { dna, reward: e.reward, outcome: e.outcome });
    }
  }
  return history;
}

function started<T extends Algorithm>(algorithm: T, spec: DNASpec = zdt, objectives?: number): T {
  algorithm.setup(spec, objectives === undefined ? { seed: 'context' } : { seed: 'context', objectives });
  return algorithm;
}

const texts = (history: readonly HistoryEntry[]): string[] => history.map((h) => h.dna.toString());

/** Feeds the next proposal with fixed rewards (and constraints); returns its DNA. */
function give(algorithm: Algorithm, rewards: number[], constraints?: number[]): DNA {
  const dna = algorithm.propose() as DNA;
  algorithm.feedback(dna, rewards[0] as number, constraints === undefined ? { rewards } : { rewards, constraints });
  return dna;
}

describe('nsga2', () => {
  it('is a multi-objective algorithm named nsga2', () => {
    const algorithm = nsga2();
    expect(algorithm.name).toBe('nsga2');
    expect(algorithm.multiObjective).toBe(true);
    expect(algorithm.population).toEqual([]);
  });

  it('the hypervolume helper is right on hand-checked sets', () => {
    expect(hypervolume([[1, 1]], [0, 0])).toBe(1);
    expect(
      hypervolume(
        [
          [2, 1],
          [1, 2],
        ],
        [0, 0],
      ),
    ).toBe(3);
    expect(
      hypervolume(
        [
          [2, 1],
          [1, 2],
          [1, 1],
          [0.5, 0.5],
        ],
        [0, 0],
      ),
    ).toBe(3);
    expect(
      hypervolume(
        [
          [2, 1],
          [-1, 5],
        ],
        [0, 0],
      ),
    ).toBe(2);
  });

  it('on ZDT1 its population reaches a clearly larger hypervolume than random search with the same budget', () => {
    const budget = 600;
    const reference: [number, number] = [-1.1, -1.1];
    for (const seed of [1, 2, 3]) {
      const algorithm = started(nsga2({ populationSize: 30, seed }));
      drive(algorithm, zdt, budget, zdtFeedback);
      const evolved = hypervolume(
        algorithm.population.map((m) => m.rewards),
        reference,
      );
      const baseline = started(random({ seed }));
      const sampled = drive(baseline, zdt, budget, zdtFeedback).map((h) => h.outcome?.rewards as readonly number[]);
      const chance = hypervolume(sampled, reference);
      expect(algorithm.generation).toBeGreaterThanOrEqual(budget / 30);
      // The optimum is 1.1² − 1/3 ≈ 0.877; random search on five variables stays far from it.
      expect(evolved, `seed ${seed}`).toBeGreaterThan(chance + 0.3);
      expect(evolved, `seed ${seed}`).toBeGreaterThan(2 * chance);
      expect(evolved).toBeLessThan(1.1 * 1.1 - 1 / 3 + 1e-9);
    }
  });

  it('seeded runs reproduce exactly; another seed does not', () => {
    const once = texts(drive(started(nsga2({ populationSize: 12, seed: 7 })), zdt, 200, constrainedFeedback));
    const twice = texts(drive(started(nsga2({ populationSize: 12, seed: 7 })), zdt, 200, constrainedFeedback));
    const other = texts(drive(started(nsga2({ populationSize: 12, seed: 8 })), zdt, 200, constrainedFeedback));
    const context = texts(drive(started(nsga2({ populationSize: 12 })), zdt, 200, constrainedFeedback));
    expect(once).toHaveLength(200);
    expect(twice).toEqual(once);
    expect(other).not.toEqual(once);
    // Without its own seed it takes the context's.
    const contextAgain = texts(drive(started(nsga2({ populationSize: 12 })), zdt, 200, constrainedFeedback));
    expect(contextAgain).toEqual(context);
    expect(context).not.toEqual(once);
  });

  it('recover(history) then propose equals the uninterrupted run (failures and pruned trials included)', () => {
    const evaluate = (dna: DNA, t: number): Evaluation | undefined => {
      if (t % 7 === 3) return undefined;
      const e = constrainedFeedback(dna);
      return t % 11 === 5 ? { reward: e.reward, outcome: { rewards: e.outcome?.rewards as number[], pruned: { step: 2 } } } : e;
    };
    for (const steps of [0, 5, 10, 37, 120]) {
      const live = started(nsga2({ populationSize: 8, seed: 3 }));
      const history = drive(live, zdt, steps, evaluate);
      const resumed = started(nsga2({ populationSize: 8, seed: 3 }));
      resumed.recover(history);
      expect(resumed.generation).toBe(live.generation);
      expect(resumed.population.map((m) => m.dna.toString())).toEqual(live.population.map((m) => m.dna.toString()));
      for (let t = 0; t < 30; t++) {
        const next = live.propose() as DNA;
        expect(resumed.propose()?.toString(), `after ${steps}, step ${t}`).toBe(next.toString());
        const e = zdtFeedback(next);
        live.feedback(next, e.reward, e.outcome);
        resumed.feedback(next, e.reward, e.outcome);
      }
    }
  });

  it('a generation completes at populationSize feedbacks of its proposals; failures, pruning and stragglers never stall it', () => {
    const algorithm = started(nsga2({ populationSize: 4, seed: 1 }));
    // Generation 0: six proposals; two fail, one is pruned, one waits.
    const g0 = Array.from({ length: 6 }, () => algorithm.propose() as DNA);
    algorithm.abandon(g0[0] as DNA);
    algorithm.feedback(g0[1] as DNA, 0, { rewards: [0, 0], pruned: { step: 1 } });
    algorithm.feedback(g0[2] as DNA, 0, { rewards: [0, 1] });
    algorithm.feedback(g0[3] as DNA, 1, { rewards: [1, 0] });
    expect(algorithm.generation).toBe(0);
    const more = [algorithm.propose() as DNA, algorithm.propose() as DNA];
    algorithm.feedback(more[0] as DNA, 0.5, { rewards: [0.5, 0.5] });
    expect(algorithm.generation).toBe(0);
    expect(algorithm.population).toEqual([]);
    algorithm.feedback(more[1] as DNA, 0.2, { rewards: [0.2, 0.2] });
    expect(algorithm.generation).toBe(1);
    expect(algorithm.population.map((m) => m.dna.toString())).toEqual([g0[2], g0[3], more[0], more[1]].map((d) => (d as DNA).toString()));
    // A straggler of generation 0 does not count for generation 1 but joins its survival.
    const g1 = Array.from({ length: 4 }, () => algorithm.propose() as DNA);
    algorithm.feedback(g0[5] as DNA, 9, { rewards: [9, 9] });
    algorithm.abandon(g0[4] as DNA);
    for (const dna of g1.slice(0, 3)) algorithm.feedback(dna, -5, { rewards: [-5, -5] });
    expect(algorithm.generation).toBe(1);
    algorithm.feedback(g1[3] as DNA, -5, { rewards: [-5, -5] });
    expect(algorithm.generation).toBe(2);
    const population = algorithm.population.map((m) => m.dna.toString());
    expect(population).toContain((g0[5] as DNA).toString());
    expect(population).not.toContain((g1[0] as DNA).toString());
    expect(algorithm.population.find((m) => m.reward === 9)?.rank).toBe(0);
    // Once survived, a straggler is a parent like any other: it is not counted twice later.
    for (let t = 0; t < 4; t++) give(algorithm, [-6, -6]);
    expect(algorithm.generation).toBe(3);
    const later = algorithm.population.map((m) => m.dna.toString());
    expect(later.filter((d) => d === (g0[5] as DNA).toString())).toHaveLength(1);
    expect(new Set(later).size).toBe(4);
  });

  it('elitist survival: whole fronts, the last cut by crowding distance', () => {
    const algorithm = started(nsga2({ populationSize: 4, seed: 5 }));
    const a = [
      [0, 0],
      [1, 1],
      [2, 0],
      [0, 2],
    ].map((r) => give(algorithm, r));
    expect(algorithm.population.map((m) => [m.rank, m.crowdingDistance])).toEqual([
      [1, Infinity],
      [0, 2],
      [0, Infinity],
      [0, Infinity],
    ]);
    const b = [
      [3, 3],
      [0.5, 0.5],
      [1, 1],
      [2.5, 0],
    ].map((r) => give(algorithm, r));
    // Front 0: b0. Front 1: a1, a3, b2, b3, crowding a1 0.9, b2 1.1, a3 and b3 Infinity: a1 is cut.
    expect(algorithm.population.map((m) => m.dna.toString())).toEqual([a[3], b[0], b[2], b[3]].map((d) => (d as DNA).toString()));
    expect(algorithm.population.map((m) => m.rank)).toEqual([1, 0, 1, 1]);
    expect(algorithm.population[2]?.crowdingDistance).toBeCloseTo(1.1, 12);
  });

  it('ties in crowding distance go to the earlier feedback', () => {
    const algorithm = started(nsga2({ populationSize: 4, seed: 5 }));
    const first = Array.from({ length: 4 }, () => give(algorithm, [1, 1]));
    Array.from({ length: 4 }, () => give(algorithm, [1, 1]));
    expect(algorithm.population.map((m) => m.dna.toString())).toEqual(first.map((d) => d.toString()));
  });

  it('infeasible members never survive over feasible ones; among infeasible, the smaller violation survives', () => {
    const algorithm = started(nsga2({ populationSize: 4, seed: 2 }));
    [3, 1, 2, 5].forEach((v) => give(algorithm, [100, 100], [v]));
    const feasible = give(algorithm, [-100, -100], [0]);
    const infeasible = [0.5, 4, 2.5].map((v) => give(algorithm, [1000, 1000], [v, -3]));
    expect(algorithm.population.map((m) => m.violation).sort((x, y) => x - y)).toEqual([0, 0.5, 1, 2]);
    expect(algorithm.population.map((m) => m.dna.toString())).toContain(feasible.toString());
    expect(algorithm.population.map((m) => m.dna.toString())).toContain((infeasible[0] as DNA).toString());

    // On constrained ZDT1 the feasible parents grow to min(N, feasible so far) and never shrink.
    const n = 10;
    const constrained = started(nsga2({ populationSize: n, seed: 4 }));
    let feasibleParents = 0;
    let newFeasible = 0;
    let generation = 0;
    let sawMixed = false;
    for (let t = 0; t < 400; t++) {
      const dna = constrained.propose() as DNA;
      const e = constrainedFeedback(dna);
      constrained.feedback(dna, e.reward, e.outcome);
      if ((e.outcome?.constraints?.[0] as number) <= 0) newFeasible++;
      if (constrained.generation !== generation) {
        generation = constrained.generation;
        const now = constrained.population.filter((m) => m.violation === 0).length;
        expect(now).toBe(Math.min(n, feasibleParents + newFeasible));
        if (now < n && now > 0) sawMixed = true;
        // Every feasible parent ranks before every infeasible one.
        const ranks = constrained.population.map((m) => ({ feasible: m.violation === 0, rank: m.rank }));
        const worstFeasible = Math.max(-1, ...ranks.filter((r) => r.feasible).map((r) => r.rank));
        const bestInfeasible = Math.min(Infinity, ...ranks.filter((r) => !r.feasible).map((r) => r.rank));
        expect(worstFeasible).toBeLessThan(bestInfeasible);
        feasibleParents = now;
        newFeasible = 0;
      }
    }
    expect(generation).toBeGreaterThan(30);
    expect(feasibleParents).toBe(n);
    expect(constrained.population.every((m) => (m.rewards[0] as number) <= -0.5)).toBe(true);
    // The case that matters was met: some survival had fewer feasible members than places.
    expect(sawMixed).toBe(true);
  });

  it('binary tournament: the lower rank wins, then the larger crowding distance; parents distinct; every proposal mutated', () => {
    const pairs: [string, string][] = [];
    const recombine: Recombinator = (a, b, spec, rng) => {
      pairs.push([a.toString(), b.toString()]);
      return uniformCrossover()(a, b, spec, rng);
    };
    const mutated: [string, string][] = [];
    const mutate: Mutator = (dna, spec, rng) => {
      const out = uniformMutator()(dna, spec, rng);
      mutated.push([dna.toString(), out.toString()]);
      return out;
    };
    // One parent dominates the other two: it wins every tournament it enters, so it is in every
    // pair (at random, a third of the pairs would miss it).
    const algorithm = started(nsga2({ populationSize: 3, crossoverProbability: 1, recombine, mutate, seed: 6 }));
    give(algorithm, [1, 0]);
    const best = give(algorithm, [2, 2]);
    give(algorithm, [0, 1]);
    for (let t = 0; t < 40; t++) algorithm.abandon(algorithm.propose() as DNA);
    expect(pairs).toHaveLength(40);
    for (const [a, b] of pairs) {
      expect([a, b]).toContain(best.toString());
      expect(a).not.toBe(b);
    }
    // The first parent is the best unless both others were drawn (one time in three).
    const firsts = pairs.map(([a]) => a);
    expect(firsts.filter((a) => a === best.toString()).length).toBeGreaterThan(15);
    expect(firsts.filter((a) => a !== best.toString()).length).toBeGreaterThan(3);
    expect(mutated).toHaveLength(40);
    for (const [input, output] of mutated) expect(output).not.toBe(input);

    // One front: crowding distances Infinity, 1, 1.5, Infinity; the least crowded loses every tournament.
    pairs.length = 0;
    const crowded = started(nsga2({ populationSize: 4, crossoverProbability: 1, recombine, seed: 6 }));
    const members = [
      [0, 4],
      [1, 3],
      [2, 2],
      [4, 0],
    ].map((r) => give(crowded, r).toString());
    for (let t = 0; t < 60; t++) crowded.abandon(crowded.propose() as DNA);
    const picked = new Set(pairs.flat());
    expect(picked).toEqual(new Set([members[0], members[2], members[3]]));

    // With probability 0 there is no crossover: the first parent is copied, then mutated.
    pairs.length = 0;
    mutated.length = 0;
    const never = started(nsga2({ populationSize: 2, crossoverProbability: 0, recombine, mutate, seed: 6 }));
    const parents = [give(never, [1, 0]).toString(), give(never, [0, 1]).toString()];
    for (let t = 0; t < 20; t++) never.propose();
    expect(pairs).toHaveLength(0);
    expect(mutated.filter(([input]) => parents.includes(input))).toHaveLength(20);
  });

  it('the default crossover probability 0.9 recombines about nine proposals in ten', () => {
    let crossings = 0;
    const recombine: Recombinator = (a, b, spec, rng) => {
      crossings++;
      return uniformCrossover()(a, b, spec, rng);
    };
    const algorithm = started(nsga2({ populationSize: 10, recombine, seed: 9 }));
    drive(algorithm, zdt, 1010, zdtFeedback);
    expect(crossings).toBeGreaterThan(850);
    expect(crossings).toBeLessThan(950);
  });

  it('single-objective feedback means rewards = [reward]', () => {
    const algorithm = started(nsga2({ populationSize: 6, seed: 1 }));
    drive(algorithm, zdt, 100, (dna) => ({ reward: -(zdt1(dna)[1] as number) }));
    expect(algorithm.population).toHaveLength(6);
    for (const m of algorithm.population) expect(m.rewards).toEqual([m.reward]);
    // One objective: a single front is a chain, so the ranks are 0..5 for distinct rewards.
    expect(new Set(algorithm.population.map((m) => m.rank)).size).toBe(new Set(algorithm.population.map((m) => m.reward)).size);
  });

  it('rejects bad options and bad feedback with a PliantError naming nsga2', () => {
    const bad: unknown[] = [
      { populationSize: 1 },
      { populationSize: 2.5 },
      { populationSize: '10' },
      { crossoverProbability: 1.5 },
      { crossoverProbability: Number.NaN },
      { mutate: 'no' },
      { recombine: 3 },
      { seed: {} },
      null,
    ];
    for (const options of bad) {
      expect(() => nsga2(options as Nsga2Options), JSON.stringify(options)).toThrow(PliantError);
      expect(() => nsga2(options as Nsga2Options)).toThrow(/^nsga2: /);
    }
    expect(() => nsga2().propose()).toThrow(/nsga2.propose: call setup/);
    expect(() => started(nsga2(), zdt, 0)).toThrow(/nsga2.setup: context.objectives/);

    const algorithm: Nsga2Algorithm = started(nsga2({ populationSize: 4 }));
    const dna = algorithm.propose() as DNA;
    const rejects = (reward: unknown, outcome: unknown, message: RegExp): void => {
      expect(() => algorithm.feedback(dna, reward as number, outcome as Outcome)).toThrow(PliantError);
      expect(() => algorithm.feedback(dna, reward as number, outcome as Outcome)).toThrow(message);
    };
    rejects(Number.NaN, undefined, /nsga2.feedback: a reward must be a number/);
    rejects(1, { rewards: [1, 'x'] }, /nsga2.feedback: outcome.rewards must be an array of numbers/);
    rejects(1, { rewards: [] }, /nsga2.feedback: outcome.rewards must hold at least one/);
    rejects(1, { rewards: [2, 1] }, /nsga2.feedback: reward \(1\) must be the first/);
    rejects(1, { constraints: 'x' }, /nsga2.feedback: outcome.constraints/);
    expect(() => algorithm.feedback(dnaSpec([floatv(0, 1)]).firstDNA(), 1)).toThrow(/nsga2.feedback: .*does not fit/);
    expect(() => algorithm.abandon('x' as unknown as DNA)).toThrow(/nsga2.abandon: expects a DNA/);
    algorithm.feedback(dna, 1, { rewards: [1, 2] });
    rejects(1, { rewards: [1, 2, 3] }, /nsga2.feedback: expects 2 objectives in every feedback, found 3/);
    rejects(1, undefined, /nsga2.feedback: expects 2 objectives in every feedback, found 1/);

    // The context's number of objectives holds from the first feedback on.
    const declared = started(nsga2({ populationSize: 4 }), zdt, 2);
    const first = declared.propose() as DNA;
    expect(() => declared.feedback(first, 1)).toThrow(/nsga2.feedback: expects 2 objectives/);
    declared.feedback(first, 1, { rewards: [1, 0] });
  });

  it('interleaved proposals, feedback, failures and pruning keep generations advancing, reproducibly', () => {
    const once = (seed: number): { trace: string[]; generations: number } => {
      const algorithm = started(nsga2({ populationSize: 10, seed }));
      const rng = seededRng(seed);
      const pending: DNA[] = [];
      const trace: string[] = [];
      for (let t = 0; t < 1500; t++) {
        if (pending.length === 0 || rng() < 0.5) {
          const dna = algorithm.propose() as DNA;
          trace.push(dna.toString());
          pending.push(dna);
        } else {
          const [dna] = pending.splice(Math.floor(rng() * pending.length), 1) as [DNA];
          const u = rng();
          const e = constrainedFeedback(dna);
          if (u < 0.1) algorithm.abandon(dna);
          else if (u < 0.2) algorithm.feedback(dna, e.reward, { rewards: e.outcome?.rewards as number[], pruned: { step: 1 } });
          else algorithm.feedback(dna, e.reward, e.outcome);
        }
        expect(algorithm.population.length === 0 || algorithm.population.length === 10).toBe(true);
      }
      return { trace, generations: algorithm.generation };
    };
    const a = once(11);
    expect(a.generations).toBeGreaterThan(25);
    expect(once(11)).toEqual(a);
  });
});
