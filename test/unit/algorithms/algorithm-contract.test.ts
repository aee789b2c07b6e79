/**
 * The algorithm contract: the same checks for every algorithm (seeded reproducibility and seed
 * streams, recovery after a kill, failed / pruned / abandoned / foreign feedback, proposals that
 * fit the space).
 */
import { describe, expect, it } from 'vitest';
import { PliantError } from '../../../src/base/errors.js';
import { seededRng } from '../../../src/base/rng.js';
import { oneOf } from '../../../src/hyper/one-of.js';
import { floatv } from '../../../src/hyper/floatv.js';
import { intv } from '../../../src/hyper/intv.js';
import { dnaSpec } from '../../../src/geno/template.js';
import { randomDNA } from '../../../src/geno/random.js';
import type { DNA } from '../../../src/geno/dna.js';
import type { DNASpec } from '../../../src/geno/dna-spec.js';
import type { Algorithm, AlgorithmContext, HistoryEntry, Outcome } from '../../../src/algorithms/algorithm.js';
import { compareOutcomes, isFailed } from '../../../src/algorithms/ranking.js';
import { random } from '../../../src/algorithms/random-search.js';
import { grid } from '../../../src/algorithms/grid-search.js';
import { evolution } from '../../../src/algorithms/evolution/evolution.js';
import type { EvolutionAlgorithm } from '../../../src/algorithms/evolution/evolution.js';
import { regularizedEvolution } from '../../../src/algorithms/evolution/regularized-evolution.js';
import { hillClimb } from '../../../src/algorithms/evolution/hill-climb.js';
import { nsga2 } from '../../../src/algorithms/evolution/nsga2.js';
import { uniformMutator } from '../../../src/algorithms/evolution/mutators.js';
import { uniformCrossover } from '../../../src/algorithms/evolution/recombinators.js';
import { tournament } from '../../../src/algorithms/evolution/selectors.js';
import type { Member, Selector } from '../../../src/algorithms/evolution/selectors.js';
import { tpe } from '../../../src/algorithms/tpe/tpe.js';
import { gp } from '../../../src/algorithms/gp/gp.js';
import { auto } from '../../../src/algorithms/auto.js';
import { reinforce } from '../../../src/algorithms/reinforce.js';
import { sumReward } from './run-support.js';

/** A small mixed space: a conditional choice, a log float, an integer. */
const mixed = dnaSpec({
  op: oneOf(['conv', { kind: 'dense', units: intv(8, 64) }, 'skip']),
  lr: floatv(1e-4, 1e-1, { scale: 'log' }),
  depth: intv(1, 4),
  act: oneOf(['relu', 'tanh']),
});

/** A small numeric space (the GP's kind), with a categorical choice. */
const numeric = dnaSpec({
  lr: floatv(1e-4, 1e-1, { scale: 'log' }),
  x: floatv(-2, 2),
  depth: intv(1, 4),
  act: oneOf(['relu', 'tanh']),
});

/** A finite mixed space (30 points) for grid search. */
const finite = dnaSpec({
  op: oneOf(['a', { units: intv(1, 3) }, 'c']),
  depth: intv(1, 3),
  act: oneOf(['relu', 'tanh']),
});

/** What an evaluation gives the algorithm. */
interface Evaluation {
  readonly reward: number;
  readonly outcome?: Outcome;
}

interface Subject {
  readonly name: string;
  /** A fresh instance; `seed` is its own seed option (the context's seed otherwise). */
  readonly make: (seed?: number) => Algorithm;
  readonly spec: DNASpec;
  readonly objectives: number;
  /** Whether its proposals depend on the seed. */
  readonly randomised: boolean;
  /** Its population, for evolutions. */
  readonly population?: (algorithm: Algorithm) => readonly Member[];
}

const population = (algorithm: Algorithm): readonly Member[] => (algorithm as EvolutionAlgorithm).population;

const subjects: Subject[] = [
  { name: 'random', make: (seed) => random({ seed }), spec: mixed, objectives: 1, randomised: true },
  { name: 'grid', make: () => grid(), spec: finite, objectives: 1, randomised: false },
  {
    name: 'regularizedEvolution',
    make: (seed) => regularizedEvolution({ populationSize: 6, tournamentSize: 3, seed }),
    spec: mixed,
    objectives: 1,
    randomised: true,
    population,
  },
  { name: 'hillClimb', make: (seed) => hillClimb({ seed }), spec: mixed, objectives: 1, randomised: true, population },
  {
    name: 'evolution (tournament, crossover)',
    make: (seed) => evolution({ populationSize: 5, select: tournament(3, 2), recombine: uniformCrossover(), mutate: uniformMutator(), seed }),
    spec: mixed,
    objectives: 1,
    randomised: true,
    population,
  },
  { name: 'tpe', make: (seed) => tpe({ startupTrials: 5, eiCandidates: 8, seed }), spec: mixed, objectives: 1, randomised: true },
  { name: 'gp', make: (seed) => gp({ startupTrials: 4, candidates: 32, localSearches: 2, seed }), spec: numeric, objectives: 1, randomised: true },
  {
    name: 'gp (conditional space)',
    make: (seed) => gp({ startupTrials: 4, candidates: 32, localSearches: 2, seed }),
    spec: mixed,
    objectives: 1,
    randomised: true,
  },
  {
    name: 'auto (gp, then tpe)',
    make: (seed) => auto({ gpTrials: 8, gp: { startupTrials: 4, candidates: 32, localSearches: 2 }, seed }),
    spec: numeric,
    objectives: 1,
    randomised: true,
  },
  {
    name: 'auto (gp on a conditional space)',
    make: (seed) => auto({ gp: { startupTrials: 4, candidates: 32, localSearches: 2 }, seed }),
    spec: mixed,
    objectives: 1,
    randomised: true,
  },
  { name: 'auto (nsga2)', make: (seed) => auto({ nsga2: { populationSize: 4 }, seed }), spec: mixed, objectives: 3, randomised: true },
  { name: 'nsga2 (3 objectives)', make: (seed) => nsga2({ populationSize: 4, seed }), spec: mixed, objectives: 3, randomised: true, population },
  { name: 'nsga2 (1 objective)', make: (seed) => nsga2({ populationSize: 4, seed }), spec: mixed, objectives: 1, randomised: true, population },
  { name: 'reinforce', make: (seed) => reinforce({ seed }), spec: mixed, objectives: 1, randomised: true },
];

/** A deterministic evaluation with `objectives` objectives (`reward` the first). */
function evaluate(dna: DNA, objectives: number): Evaluation {
  const sum = sumReward(dna);
  if (objectives === 1) return { reward: sum };
  const numbers = dna.toNumbers().map((v) => (typeof v === 'number' ? v : 0));
  const rewards = [sum, -Math.abs(sum - 10), ...numbers.slice(0, objectives - 2).map((v) => -v)];
  while (rewards.length < objectives) rewards.push(0);
  return { reward: sum, outcome: { rewards } };
}

/** What happens to the trial of a proposal. */
type Fate = 'completed' | 'failed' | 'pruned' | 'abandoned' | 'running';

const FAILED: Outcome = { failed: 'x' };

/**
 * Ends trial `dna` as `fate` (sequentially, right after its proposal, as `replayHistory` does) and
 * returns its history entry.
 */
function end(algorithm: Algorithm, dna: DNA, fate: Fate, objectives: number): HistoryEntry {
  switch (fate) {
    case 'completed': {
      const { reward, outcome } = evaluate(dna, objectives);
      algorithm.feedback(dna, reward, outcome);
      return outcome === undefined ? { dna, reward } : { dna, reward, outcome };
    }
    case 'failed':
      algorithm.feedback(dna, -Infinity, FAILED);
      return { dna, reward: -Infinity, outcome: FAILED };
    case 'pruned': {
      const { reward, outcome } = evaluate(dna, objectives);
      const pruned: Outcome = { ...outcome, pruned: { step: 2 } };
      algorithm.feedback(dna, reward, pruned);
      return { dna, reward, outcome: pruned };
    }
    case 'abandoned':
      algorithm.abandon?.(dna);
      return { dna, reward: undefined };
    case 'running':
      return { dna, reward: undefined, state: 'running' };
  }
}

/** The fate of proposal `t` in the runs below: every kind early on, then a failure now and then. */
function fateOf(t: number): Fate {
  const special: Record<number, Fate> = { 3: 'running', 5: 'failed', 8: 'pruned', 11: 'abandoned', 14: 'failed' };
  return special[t] ?? (t % 7 === 6 ? 'failed' : 'completed');
}

function started(subject: Subject, context: Partial<AlgorithmContext> = {}, seed?: number): Algorithm {
  const algorithm = subject.make(seed);
  algorithm.setup(subject.spec, { seed: 'contract', objectives: subject.objectives, ...context });
  return algorithm;
}

/** Runs `steps` sequential proposals with the fates of {@link fateOf}; returns the history. */
function drive(subject: Subject, algorithm: Algorithm, steps: number): HistoryEntry[] {
  const history: HistoryEntry[] = [];
  for (let t = 0; t < steps; t++) {
    const dna = algorithm.propose();
    if (dna === undefined) break;
    subject.spec.validate(dna);
    history.push(end(algorithm, dna, fateOf(t), subject.objectives));
  }
  return history;
}

const texts = (history: readonly HistoryEntry[]): string[] => history.map((h) => h.dna.toString());

describe.each(subjects)('algorithm contract: $name', (subject) => {
  const steps = 24;

  it('same seed and feedback give the same proposals; another seed or stream 1 gives others', () => {
    const once = texts(drive(subject, started(subject), steps));
    expect(once).toHaveLength(steps);
    expect(texts(drive(subject, started(subject), steps))).toEqual(once);
    // Stream 0 is the seed itself: exactly the proposals without a stream.
    expect(texts(drive(subject, started(subject, { stream: 0 }), steps))).toEqual(once);
    const otherSeed = texts(drive(subject, started(subject, { seed: 'another' }), steps));
    const stream1 = texts(drive(subject, started(subject, { stream: 1 }), steps));
    const stream2 = texts(drive(subject, started(subject, { stream: 2 }), steps));
    if (subject.randomised) {
      expect(otherSeed).not.toEqual(once);
      expect(stream1).not.toEqual(once);
      expect(stream2).not.toEqual(stream1);
      expect(texts(drive(subject, started(subject, { stream: 1 }), steps))).toEqual(stream1);
      // The algorithm's own seed option draws on the context's stream too.
      const own = texts(drive(subject, started(subject, {}, 7), steps));
      expect(texts(drive(subject, started(subject, { seed: 'ignored' }, 7), steps))).toEqual(own);
      expect(texts(drive(subject, started(subject, { stream: 1 }, 7), steps))).not.toEqual(own);
    } else {
      expect(otherSeed).toEqual(once);
      expect(stream1).toEqual(once);
    }
  });

  it('a bad stream is a PliantError from setup', () => {
    for (const stream of [-1, 1.5, Number.NaN]) {
      const algorithm = subject.make();
      let error: unknown;
      try {
        algorithm.setup(subject.spec, { seed: 1, stream, objectives: subject.objectives });
        // grid draws no random numbers: a stream means nothing to it
      } catch (e) {
        error = e;
      }
      if (subject.randomised) {
        expect(error).toBeInstanceOf(PliantError);
        expect((error as PliantError).message).toMatch(/\.setup: context\.stream must be an integer ≥ 0/);
      } else expect(error).toBeUndefined();
    }
  });

  it('recover after a kill (running, failed, pruned and abandoned trials) then proposes what the uninterrupted instance does', () => {
    for (const killedAt of [0, 4, 12, 20]) {
      const live = started(subject);
      const history = drive(subject, live, killedAt);
      const resumed = started(subject);
      resumed.recover(history);
      // The trial left running (if any) ends after the kill, in both.
      for (const entry of history) {
        if (entry.state !== 'running') continue;
        const { reward, outcome } = evaluate(entry.dna, subject.objectives);
        live.feedback(entry.dna, reward, outcome);
        resumed.feedback(entry.dna, reward, outcome);
      }
      for (let t = killedAt; t < killedAt + 8; t++) {
        const next = live.propose();
        const again = resumed.propose();
        expect(again?.toString(), `${subject.name} killed at ${killedAt}, proposal ${t}`).toBe(next?.toString());
        if (next === undefined) break;
        subject.spec.validate(next);
        const fate = fateOf(t) === 'running' ? 'completed' : fateOf(t);
        end(live, next, fate, subject.objectives);
        end(resumed, next, fate, subject.objectives);
      }
    }
  });

  it('accepts failed and pruned feedback; failed trials rank last and never join a population', () => {
    const algorithm = started(subject);
    const outcomes: [number, Outcome | undefined][] = [];
    let failures = 0;
    for (let t = 0; t < 40; t++) {
      const dna = algorithm.propose();
      if (dna === undefined) break;
      subject.spec.validate(dna);
      const before = subject.population?.(algorithm);
      const fate: Fate = t % 3 === 1 ? 'failed' : t % 5 === 2 ? 'pruned' : 'completed';
      const entry = end(algorithm, dna, fate, subject.objectives);
      outcomes.push([entry.reward as number, entry.outcome]);
      if (fate === 'failed') {
        failures++;
        // A failure pushes no living member out: the population is the same members as before.
        if (before !== undefined) expect(subject.population?.(algorithm)).toEqual(before);
      }
      const members = subject.population?.(algorithm) ?? [];
      expect(members.some((m) => isFailed(m.outcome) || m.reward === -Infinity)).toBe(false);
    }
    expect(failures).toBeGreaterThan(5);
    for (const [r, o] of outcomes) {
      if (!isFailed(o)) expect(compareOutcomes(-Infinity, FAILED, r, o)).toBeGreaterThan(0);
    }
  });

  it('a failed trial given back on recover is accepted as well', () => {
    const algorithm = started(subject);
    const dna = algorithm.propose() as DNA;
    const resumed = started(subject);
    expect(() => resumed.recover([{ dna, reward: -Infinity, outcome: { failed: 'timeout' } }])).not.toThrow();
    subject.spec.validate(resumed.propose() as DNA);
  });

  it('accepts feedback for DNA it never proposed (another process’s trials), failed ones too', () => {
    const algorithm = started(subject);
    const other = seededRng('another process');
    for (let t = 0; t < 30; t++) {
      if (t % 2 === 0) {
        const foreign = randomDNA(subject.spec, other);
        if (t % 6 === 4) algorithm.feedback(foreign, -Infinity, FAILED);
        else {
          const { reward, outcome } = evaluate(foreign, subject.objectives);
          algorithm.feedback(foreign, reward, outcome);
        }
      }
      const dna = algorithm.propose();
      if (dna === undefined) break;
      subject.spec.validate(dna);
      end(algorithm, dna, 'completed', subject.objectives);
    }
    const members = subject.population?.(algorithm) ?? [];
    expect(members.every((m) => !isFailed(m.outcome))).toBe(true);
  });
});

describe('evolution parents', () => {
  /** A selector that records every population it is given. */
  function spying(inner: Selector, seen: (readonly Member[])[]): Selector {
    return (members, rng) => {
      seen.push(members.slice());
      return inner(members, rng);
    };
  }

  it('a failed trial is never offered to the selector, so never a parent', () => {
    const seen: (readonly Member[])[] = [];
    const algorithm = evolution({ populationSize: 4, select: spying(tournament(2, 2), seen), recombine: uniformCrossover(), mutate: uniformMutator() });
    algorithm.setup(mixed, { seed: 3 });
    for (let t = 0; t < 60; t++) {
      const dna = algorithm.propose() as DNA;
      // Most trials fail; their rewards would be the best if they counted.
      if (t % 3 !== 0) algorithm.feedback(dna, -Infinity, { failed: 'boom' });
      else algorithm.feedback(dna, sumReward(dna));
    }
    expect(seen.length).toBeGreaterThan(30);
    for (const members of seen) {
      expect(members.length).toBeGreaterThan(0);
      expect(members.every((m) => !isFailed(m.outcome) && m.reward > -Infinity)).toBe(true);
    }
  });

  it('regularized evolution: a failure kills no member; hill climbing keeps its incumbent', () => {
    const re = regularizedEvolution({ populationSize: 3, tournamentSize: 2, seed: 1 });
    re.setup(mixed, { seed: 0 });
    const dnas = Array.from({ length: 4 }, () => re.propose() as DNA);
    for (const dna of dnas.slice(0, 3)) re.feedback(dna, 1);
    const full = re.population;
    re.feedback(dnas[3] as DNA, -Infinity, { failed: 'nan' });
    expect(re.population).toHaveLength(3);
    full.forEach((m, i) => expect(re.population[i]).toBe(m));

    const parents: DNA[] = [];
    const mutate = uniformMutator();
    const climb = hillClimb({ seed: 1, mutator: (dna, spec, rng) => (parents.push(dna), mutate(dna, spec, rng)) });
    climb.setup(mixed, { seed: 0 });
    const first = climb.propose() as DNA;
    climb.feedback(first, 0);
    const incumbent = climb.population[0];
    const second = climb.propose() as DNA;
    climb.feedback(second, -Infinity, { failed: 'threw' });
    expect(climb.population).toEqual([incumbent]);
    // The next proposal mutates the incumbent, not the failed newcomer.
    mixed.validate(climb.propose() as DNA);
    expect(parents.map((p) => p.toString())).toEqual([first.toString(), first.toString()]);
  });

  it('while only failures arrived, evolution keeps proposing at random', () => {
    const algorithm = regularizedEvolution({ populationSize: 2, tournamentSize: 1, seed: 5 });
    algorithm.setup(mixed, { seed: 0 });
    const plain = random({ seed: 5 });
    plain.setup(mixed, { seed: 0 });
    for (let t = 0; t < 10; t++) {
      const dna = algorithm.propose() as DNA;
      expect(dna.toString()).toBe(plain.propose()?.toString());
      algorithm.feedback(dna, -Infinity, { failed: 'always' });
    }
    expect(algorithm.population).toEqual([]);
  });
});

describe('seed streams', () => {
  it('random search: stream 0 is the seed as before, stream k is seededRng(seed, k)', () => {
    for (const stream of [0, 1, 3]) {
      const algorithm = random();
      algorithm.setup(mixed, { seed: 11, stream });
      const rng = seededRng(11, stream);
      for (let t = 0; t < 20; t++) expect(algorithm.propose()?.toString()).toBe(randomDNA(mixed, rng).toString());
    }
    const plain = random();
    plain.setup(mixed, { seed: 11 });
    const rng = seededRng(11);
    for (let t = 0; t < 20; t++) expect(plain.propose()?.toString()).toBe(randomDNA(mixed, rng).toString());
  });
});
