import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DNA,
  defineDecision,
  dnaSpec,
  eq,
  evolvable,
  floatv,
  intv,
  manyOf,
  materialize,
  memoryStorage,
  oneOf,
  permutate,
  randomDNA,
  sample,
  seededRng,
  tpe,
} from '../../../../src/index.js';
import type { DNASpec, TpeOptions, TreeValue } from '../../../../src/index.js';
import type { Algorithm, HistoryEntry, Outcome } from '../../../../src/algorithms/algorithm.js';
import { random } from '../../../../src/algorithms/random-search.js';
import { ParamSpace } from '../../../../src/algorithms/tpe/params.js';
import { errorOf } from '../../../support/error-of.js';
import { spaceArbitrary } from '../../../support/space-arbitrary.js';

const program = defineDecision<string>({
  name: 'test.tpe.Program',
  first: () => 'x',
  random: (rng) => ['x', 'x*x', 'x+1', '2*x'][Math.floor(rng() * 4)] as string,
  decode: (g) => g,
  encode: (v) => String(v),
});

/** A deterministic reward from a DNA's numbers (custom genomes count by their length). */
function hashReward(dna: DNA): number {
  return dna.toNumbers().reduce<number>((s, v, i) => s + Math.sin((i + 1) * (typeof v === 'number' ? v : v.length)), 0);
}

/** What happens to a proposal in a scripted run. */
type Action = 'done' | 'abandon' | 'infeasible' | 'pruned' | 'running';

/** A feedback as the loop gives it. */
interface Evaluation {
  readonly reward: number;
  readonly outcome?: Outcome;
}

function evaluation(action: Action, dna: DNA, reward: (dna: DNA) => number, t: number): Evaluation | undefined {
  const r = reward(dna);
  if (action === 'done') return { reward: r };
  if (action === 'infeasible') return { reward: r, outcome: { constraints: [1 + (t % 3), -1] } };
  if (action === 'pruned') return { reward: r, outcome: { pruned: { step: 1 + (t % 4) } } };
  return undefined;
}

/**
 * Runs one proposal per action, validating each, and gives each its feedback at once (`running`
 * trials never get one). Returns the history as the storage would give it on resume.
 */
function drive(algorithm: Algorithm, spec: DNASpec, actions: readonly Action[], reward: (dna: DNA) => number = hashReward): HistoryEntry[] {
  const history: HistoryEntry[] = [];
  actions.forEach((action, t) => {
    const dna = algorithm.propose() as DNA;
    spec.validate(dna);
    const e = evaluation(action, dna, reward, t);
    if (e !== undefined) {
      algorithm.feedback(dna, e.reward, e.outcome);
      history.push(e.outcome === undefined ? { dna, reward: e.reward } : { dna, reward: e.reward, outcome: e.outcome });
    } else if (action === 'abandon') {
      algorithm.abandon?.(dna);
      history.push({ dna, reward: undefined });
    } else {
      history.push({ dna, reward: undefined, state: 'running' });
    }
  });
  return history;
}

function started(options: TpeOptions, spec: DNASpec, seed: number | string = 'context'): Algorithm {
  const algorithm = tpe(options);
  algorithm.setup(spec, { seed });
  return algorithm;
}

/** `n` sequential trials with immediate feedback; the proposals in order. */
function sequential(algorithm: Algorithm, spec: DNASpec, n: number, reward: (dna: DNA) => number): DNA[] {
  return drive(algorithm, spec, Array<Action>(n).fill('done'), reward).map((h) => h.dna);
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

const script: Action[] = Array.from(
  { length: 45 },
  (_, t) => (['done', 'done', 'infeasible', 'done', 'abandon', 'pruned', 'done', 'running'] as const)[t % 8] as Action,
);

const mixedSpace = {
  a: oneOf([{ x: intv(0, 4), y: floatv(0, 1) }, 'b', manyOf(2, [1, 2, 3], { sorted: true })]),
  p: permutate(['u', 'v', 'w']),
  m: manyOf(2, ['c0', 'c1', 'c2', 'c3'], { distinct: true, sorted: true }),
  lr: floatv(1e-4, 1e-1, { scale: 'log' }),
  mom: floatv(0.5, 0.999, { scale: 'rlog' }),
  units: oneOf([16, 32, 64, 128]),
  width: oneOf([8, 16, 32], { ordered: true }),
  batch: intv(8, 512, { scale: 'log' }),
  depth: intv(1, 40, { scale: 'rlog' }),
  prog: program(),
  ops: evolvable(['add'], (v, rng) => [...v, rng() < 0.5 ? 'add' : 'mul']),
};
const mixed = dnaSpec(mixedSpace);

describe('tpe: valid proposals', () => {
  it('never proposes an invalid DNA on random conditional spaces, whatever the feedback (property)', () => {
    const actionArb = fc.constantFrom<Action | 'later'>('done', 'done', 'done', 'abandon', 'infeasible', 'pruned', 'running', 'later');
    const spaceArb = fc.tuple(spaceArbitrary(), fc.constantFrom('plain', 'program', 'evolvable')).map(([s, extra]): TreeValue => {
      if (extra === 'program') return { s, prog: program() };
      if (extra === 'evolvable') return { s, ops: evolvable([1], (v) => [...v, v.length]) };
      return s;
    });
    const optionsArb = fc.record({
      multivariate: fc.boolean(),
      constantLiar: fc.boolean(),
      orderedChoices: fc.constantFrom<TpeOptions['orderedChoices']>('explicit', 'infer', 'never', true, false),
      prunedTrials: fc.constantFrom<TpeOptions['prunedTrials']>('bad', 'rank', 'ignore'),
      bandwidth: fc.constantFrom<TpeOptions['bandwidth']>('scott', 'optuna', 'neighbours'),
      priorWeight: fc.constantFrom(0.1, 1, 5),
    });
    fc.assert(
      fc.property(spaceArb, fc.array(actionArb, { minLength: 40, maxLength: 40 }), optionsArb, fc.integer(), (value, actions, options, seed) => {
        const spec = dnaSpec(value);
        const algorithm = tpe({ ...options, seed, startupTrials: 3, eiCandidates: 8 });
        algorithm.setup(spec, { seed: 0 });
        const later: DNA[] = [];
        actions.forEach((action, t) => {
          const dna = algorithm.propose();
          expect(dna).toBeInstanceOf(DNA);
          if (!(dna instanceof DNA)) return;
          spec.validate(dna);
          materialize(value, dna);
          if (action === 'later') later.push(dna);
          else if (action === 'abandon') algorithm.abandon?.(dna);
          else if (action !== 'running') {
            const e = evaluation(action, dna, hashReward, t) as Evaluation;
            algorithm.feedback(dna, e.reward, e.outcome);
          }
          // late feedback, out of order
          if (t % 3 === 2 && later.length > 0) {
            const late = later.splice(t % later.length, 1)[0] as DNA;
            algorithm.feedback(late, hashReward(late));
          }
        });
      }),
      { numRuns: 60 },
    );
  });

  it('manyOf distinct/sorted, intv, log/rlog floats, ordered choices and custom decisions give valid proposals', () => {
    for (const orderedChoices of ['explicit', 'infer', 'never', true, false] as const) {
      const algorithm = started({ seed: 4, startupTrials: 5, orderedChoices }, mixed);
      const proposals = drive(algorithm, mixed, script.concat(script)).map((h) => h.dna);
      for (const dna of proposals) {
        const value = materialize(mixedSpace, dna) as unknown as {
          m: string[];
          lr: number;
          mom: number;
          units: number;
          width: number;
          batch: number;
          depth: number;
          prog: string;
          ops: string[];
        };
        expect([8, 16, 32]).toContain(value.width);
        expect(Number.isInteger(value.batch) && value.batch >= 8 && value.batch <= 512).toBe(true);
        expect(Number.isInteger(value.depth) && value.depth >= 1 && value.depth <= 40).toBe(true);
        expect(new Set(value.m).size).toBe(2);
        expect([...value.m].sort()).toEqual(value.m);
        expect(value.lr).toBeGreaterThanOrEqual(1e-4);
        expect(value.lr).toBeLessThanOrEqual(1e-1);
        expect(value.mom).toBeGreaterThanOrEqual(0.5);
        expect(value.mom).toBeLessThanOrEqual(0.999);
        expect([16, 32, 64, 128]).toContain(value.units);
        expect(['x', 'x*x', 'x+1', '2*x']).toContain(value.prog);
        expect(value.ops).toEqual(['add']);
      }
      // custom decisions are drawn at random: more than one genome appears
      expect(new Set(proposals.map((d) => (materialize(mixedSpace, d) as unknown as { prog: string }).prog)).size).toBeGreaterThan(1);
    }
  });

  // BUG (src/algorithms/tpe/params.ts, `build`, int branch): `Math.round` of a value in (−0.5, 0)
  // is −0, and `Math.min(d.max, Math.max(d.min, −0))` keeps it when min < 0 ≤ max, so TPE
  // proposes DNA(−0) for an `intv` that spans 0 (17 of 60 proposals on intv(−3, 3), seed 1).
  // The materialized value is −0: `eq(candidate, {n: 0})` is false, `toJSON` writes
  // {"$number": "-0"}, and the DNA is not `equals` to DNA(0). Random search never gives −0.

  it('never proposes −0 for an intv that spans 0', () => {
    for (const value of [{ n: intv(-3, 3) }, { n: intv(-5, 0) }]) {
      const spec = dnaSpec(value);
      const proposals = sequential(started({ seed: 1, startupTrials: 3 }, spec), spec, 60, (d) => -Math.abs((d.value as number) + 0.2));
      const zeros = proposals.filter((d) => d.value === 0);
      expect(zeros.length).toBeGreaterThan(0);
      for (const dna of zeros) {
        expect(Object.is(dna.value, -0), `${JSON.stringify(value)}: ${dna.toString()}`).toBe(false);
        expect(eq(materialize(value, dna), { n: 0 })).toBe(true);
      }
    }
  });

  it('a space of one point, and a space with only custom decisions, are proposed without error', () => {
    const point = dnaSpec({ a: 1, b: floatv(2, 2), n: intv(3, 3) });
    const customOnly = dnaSpec({ prog: program() });
    for (const spec of [point, customOnly]) {
      const proposals = sequential(started({ seed: 1, startupTrials: 2 }, spec), spec, 12, hashReward);
      expect(proposals).toHaveLength(12);
    }
  });
});

describe('tpe: reproducibility and recovery', () => {
  it('the same seed and feedback give the same proposals; another seed does not', () => {
    const once = drive(started({ seed: 42, startupTrials: 4 }, mixed), mixed, script).map((h) => h.dna.toString());
    const twice = drive(started({ seed: 42, startupTrials: 4 }, mixed), mixed, script).map((h) => h.dna.toString());
    const other = drive(started({ seed: 43, startupTrials: 4 }, mixed), mixed, script).map((h) => h.dna.toString());
    expect(twice).toEqual(once);
    expect(other).not.toEqual(once);
    // model-based proposals differ too, not just the random start
    expect(other.slice(10)).not.toEqual(once.slice(10));
  });

  it('takes the search seed from the context unless given one', () => {
    const fromContext = drive(started({ startupTrials: 4 }, mixed, 42), mixed, script).map((h) => h.dna.toString());
    const own = drive(started({ seed: 42, startupTrials: 4 }, mixed, 'ignored'), mixed, script).map((h) => h.dna.toString());
    expect(fromContext).toEqual(own);
  });

  it('recover(history) then propose equals the uninterrupted run (abandoned, infeasible, pruned and running trials)', () => {
    for (const steps of [0, 3, 12, 45]) {
      const live = started({ seed: 5, startupTrials: 4 }, mixed);
      const history = drive(live, mixed, script.slice(0, steps));
      const resumed = started({ seed: 5, startupTrials: 4 }, mixed);
      resumed.recover(history);
      for (let t = 0; t < 8; t++) {
        const next = live.propose() as DNA;
        expect(resumed.propose()?.toString(), `after ${steps}, proposal ${t}`).toBe(next.toString());
        live.feedback(next, hashReward(next));
        resumed.feedback(next, hashReward(next));
      }
    }
  });

  it('recovers from a history read back from JSON (as the storage gives it)', () => {
    const spec = dnaSpec({ x: floatv(0, 1), c: oneOf(['a', 'b', 'c']), n: intv(0, 5) });
    const live = started({ seed: 1, startupTrials: 3 }, spec);
    const history = drive(live, spec, script.slice(0, 20)).map((h) => ({ ...h, dna: DNA.fromJSON(h.dna.toJSON()) }));
    const resumed = started({ seed: 1, startupTrials: 3 }, spec);
    resumed.recover(history);
    for (let t = 0; t < 6; t++) {
      const next = live.propose() as DNA;
      expect(resumed.propose()?.toString()).toBe(next.toString());
      live.feedback(next, hashReward(next));
      resumed.feedback(next, hashReward(next));
    }
  });

  // BUG (src/algorithms/tpe/tpe.ts, `track`/`settle`): pending proposals are keyed by
  // `dna.toString()`, which carries the float printing hint. A float whose value is an integer
  // (`floatv(2, 2)`, or a float clamped to an integral bound) prints `2.0` when TPE proposes it
  // but `2` once read back from JSON (`DNA.fromJSON`, as `sample` does on resume). During
  // `recover`, each replayed proposal then stays pending forever (a phantom "bad" trial for the
  // constant liar) and the feedback is stored as a second observation, so the resumed search
  // diverges from the uninterrupted one.
  it('recovers from JSON history when a float has an integral value (floatv(2, 2))', () => {
    const spec = dnaSpec({ x: floatv(0, 1), k: floatv(2, 2), c: oneOf(['a', 'b', 'c']) });
    const reward = (dna: DNA): number => -(((dna.children[0]?.value as number) - 0.3) ** 2);
    const live = started({ seed: 1, startupTrials: 3 }, spec);
    const history = drive(live, spec, Array<Action>(20).fill('done'), reward).map((h) => ({ ...h, dna: DNA.fromJSON(h.dna.toJSON()) }));
    const resumed = started({ seed: 1, startupTrials: 3 }, spec);
    resumed.recover(history);
    for (let t = 0; t < 5; t++) {
      const next = live.propose() as DNA;
      expect(resumed.propose()?.toString(), `proposal ${t} after resuming`).toBe(next.toString());
      live.feedback(next, reward(next));
      resumed.feedback(next, reward(next));
    }
  });

  // BUG (src/algorithms/tpe/tpe.ts, `recover` via `replayHistory`): the replay calls `propose()`
  // for every stored trial and then gives the feedback to the stored DNA. When the two differ
  // (a history from another algorithm or seed, parallel workers whose trials ended out of
  // order, or the JSON case above), the replayed proposal is never settled: it stays pending
  // forever and the constant liar counts it among the bad trials. Here 30 trials of random
  // search are recovered; no trial is pending, so the liar must change nothing, yet the next
  // proposals differ with `constantLiar: true` and `false`.
  it('recovering a history it did not propose leaves no phantom pending proposal', () => {
    const spec = dnaSpec({ x: floatv(0, 1), c: oneOf(['a', 'b', 'c']) });
    const reward = (dna: DNA): number => -(((dna.children[0]?.value as number) - 0.3) ** 2);
    const other = random({ seed: 1 });
    other.setup(spec, { seed: 0 });
    const history = drive(other, spec, Array<Action>(30).fill('done'), reward);
    const next = (constantLiar: boolean): string[] => {
      const algorithm = started({ seed: 2, constantLiar }, spec);
      algorithm.recover(history);
      return sequential(algorithm, spec, 5, reward).map(String);
    };
    expect(next(true)).toEqual(next(false));
  });

  /** The x of each candidate of a `sample` run of 25 trials, uninterrupted and stopped after 15 then resumed. */
  async function resumedStudy(space: { x: TreeValue; k?: TreeValue }): Promise<{ uninterrupted: number[]; resumed: number[] }> {
    const collect = async (storage: ReturnType<typeof memoryStorage>, numTrials: number, out: number[]): Promise<void> => {
      for await (const [candidate, feedback] of sample(space, tpe({ seed: 1, startupTrials: 3 }), { storage, study: 's', numTrials })) {
        const { x } = candidate as { x: number };
        out.push(x);
        await feedback.done(-((x - 0.3) ** 2));
      }
    };
    const uninterrupted: number[] = [];
    await collect(memoryStorage(), 25, uninterrupted);
    const storage = memoryStorage();
    const resumed: number[] = [];
    await collect(storage, 15, resumed);
    await collect(storage, 25, resumed);
    return { uninterrupted, resumed };
  }

  it('sample: a resumed study proposes what the uninterrupted one would have', async () => {
    const { uninterrupted, resumed } = await resumedStudy({ x: floatv(0, 1) });
    expect(resumed).toHaveLength(25);
    expect(resumed).toEqual(uninterrupted);
  });

  // The same bug through the loop: a study resumed from its journal proposes differently.
  it('sample: a resumed study proposes what the uninterrupted one would have (space with floatv(1, 1))', async () => {
    const { uninterrupted, resumed } = await resumedStudy({ x: floatv(0, 1), k: floatv(1, 1) });
    expect(resumed).toEqual(uninterrupted);
  });
});

describe('tpe: learning', () => {
  const space = { x: floatv(0, 1), y: floatv(0, 1), act: oneOf(['a', 'b', 'c']) };
  const spec = dnaSpec(space);
  const reward = (dna: DNA): number => {
    const v = materialize(space, dna) as { x: number; y: number; act: string };
    return -((v.x - 0.3) ** 2) - (v.y - 0.7) ** 2 + (v.act === 'b' ? 0.1 : 0);
  };
  const distance = (dna: DNA): number => {
    const v = materialize(space, dna) as { x: number; y: number };
    return Math.hypot(v.x - 0.3, v.y - 0.7);
  };
  const best = (proposals: readonly DNA[]): number => Math.max(...proposals.map(reward));

  // `scott` concentrates in every seed; the default `neighbours` bandwidth (with its history
  // floor) exploits harder and, on this toy, stalls short of the optimum in some seeds.
  for (const [multivariate, bandwidth, converged] of [
    [true, undefined, 2],
    [false, undefined, 3],
    [true, 'scott', 5],
    [false, 'scott', 5],
  ] as const) {
    it(`beats random search in 80 trials and concentrates near the optimum (multivariate: ${String(multivariate)}, bandwidth: ${bandwidth ?? 'default'})`, () => {
      let wins = 0;
      let near = 0;
      for (const seed of [1, 2, 3, 4, 5]) {
        const t = sequential(started({ seed, multivariate, bandwidth }, spec), spec, 80, reward);
        const rs = random({ seed });
        rs.setup(spec, { seed: 0 });
        const randomProposals = sequential(rs, spec, 80, reward);
        if (best(t) > best(randomProposals)) wins++;
        const early = median(t.slice(0, 20).map(distance));
        const late = median(t.slice(-20).map(distance));
        expect(late, `seed ${seed}`).toBeLessThan(early);
        if (late < 0.12 && late < early / 2) near++;
        expect(t.slice(-20).filter((d) => (materialize(space, d) as { act: string }).act === 'b').length, `seed ${seed}`).toBeGreaterThanOrEqual(9);
      }
      expect(near).toBeGreaterThanOrEqual(converged);
      expect(wins).toBeGreaterThanOrEqual(4);
    });
  }

  it('learns a branch and the float that exists only under it', () => {
    const value = { b: oneOf(['none', { x: floatv(0, 1) }, 'other']) };
    const conditional = dnaSpec(value);
    const score = (dna: DNA): number => {
      const b = (materialize(value, dna) as { b: string | { x: number } }).b;
      if (typeof b !== 'string') return 0.6 - Math.abs(b.x - 0.8);
      return b === 'none' ? 0.3 : 0.2;
    };
    for (const seed of [1, 2, 3, 4, 5]) {
      const late = sequential(started({ seed }, conditional), conditional, 80, score).slice(-20);
      const branch1 = late.filter((d) => d.value === 1);
      expect(branch1.length, `seed ${seed}`).toBeGreaterThanOrEqual(14);
      expect(median(branch1.map((d) => Math.abs((d.children[0]?.value as number) - 0.8))), `seed ${seed}`).toBeLessThan(0.08);
    }
  });

  it('learns an ordered choice: late proposals sit next to the best value', () => {
    const value = { u: oneOf([8, 16, 32, 64, 128, 256, 512], { ordered: true }) };
    const ordered = dnaSpec(value);
    expect(new ParamSpace(ordered, 'explicit').params[0]?.kind).toBe('discrete');
    for (const seed of [1, 2, 3]) {
      const late = sequential(started({ seed }, ordered), ordered, 40, (d) => -Math.abs((d.value as number) - 3)).slice(-20);
      expect(late.filter((d) => Math.abs((d.value as number) - 3) <= 1).length, `seed ${seed}`).toBeGreaterThanOrEqual(15);
    }
  });

  it('warm start: feedback for DNAs it never proposed is learnt from', () => {
    const rng = seededRng('warm');
    let closer = 0;
    for (const seed of [1, 2, 3, 4, 5]) {
      const algorithm = started({ seed }, spec);
      for (let i = 0; i < 40; i++) {
        const dna = randomDNA(spec, rng);
        algorithm.feedback(dna, reward(dna));
      }
      const next = Array.from({ length: 10 }, () => algorithm.propose() as DNA);
      const rs = random({ seed });
      rs.setup(spec, { seed: 0 });
      const baseline = Array.from({ length: 10 }, () => rs.propose() as DNA);
      if (median(next.map(distance)) < median(baseline.map(distance))) closer++;
    }
    expect(closer).toBeGreaterThanOrEqual(4);
  });
});

describe('tpe: ranking of infeasible and pruned trials', () => {
  const value = { c: oneOf([{ x: floatv(0, 1) }, { x: floatv(0, 1) }, { x: floatv(0, 1) }]) };
  const spec = dnaSpec(value);
  const rewards = [1, 0.5, 0];

  /** How often each candidate appears among the last 30 of 80 proposals. */
  function lateCounts(seed: number, evaluate: (i: number) => Evaluation): number[] {
    const algorithm = started({ seed }, spec);
    const picks: number[] = [];
    for (let t = 0; t < 80; t++) {
      const dna = algorithm.propose() as DNA;
      const e = evaluate(dna.value as number);
      algorithm.feedback(dna, e.reward, e.outcome);
      picks.push(dna.value as number);
    }
    return [0, 1, 2].map((i) => picks.slice(-30).filter((p) => p === i).length);
  }

  it('the best-rewarded candidate is abandoned when it is always infeasible', () => {
    for (const seed of [1, 2, 3]) {
      // control: on rewards alone, candidate 0 wins
      const plain = lateCounts(seed, (i) => ({ reward: rewards[i] as number }));
      expect(plain[0], `seed ${seed}: ${plain.join()}`).toBeGreaterThanOrEqual(18);
      const constrained = lateCounts(seed, (i) => ({ reward: rewards[i] as number, outcome: { constraints: [i === 0 ? 1 : -1] } }));
      expect(constrained[1], `seed ${seed}: ${constrained.join()}`).toBeGreaterThanOrEqual(18);
      expect(constrained[0], `seed ${seed}: ${constrained.join()}`).toBeLessThanOrEqual(6);
    }
  });

  it('pruned trials with high rewards rank after completed ones', () => {
    for (const seed of [1, 2, 3]) {
      const pruned = lateCounts(seed, (i) => (i === 0 ? { reward: 1, outcome: { pruned: { step: 3 } } } : { reward: rewards[i] as number }));
      // (candidate 0 alone would be picked 18 or more times of 30, as the control above shows)
      expect(pruned[1], `seed ${seed}: ${pruned.join()}`).toBeGreaterThanOrEqual(15);
      expect(pruned[0], `seed ${seed}: ${pruned.join()}`).toBeLessThanOrEqual(9);
      expect(pruned[1], `seed ${seed}: ${pruned.join()}`).toBeGreaterThanOrEqual(2 * (pruned[0] as number));
    }
  });

  it('feasible trials come first: reward x with x ≤ 0.2 required settles at 0.2, not at 1', () => {
    const line = dnaSpec(floatv(0, 1));
    for (const seed of [1, 2, 3]) {
      for (const constrained of [true, false]) {
        const algorithm = started({ seed }, line);
        const xs: number[] = [];
        for (let t = 0; t < 60; t++) {
          const dna = algorithm.propose() as DNA;
          const x = dna.value as number;
          algorithm.feedback(dna, x, constrained ? { constraints: [x - 0.2] } : undefined);
          xs.push(x);
        }
        const late = median(xs.slice(-20));
        if (constrained) expect(Math.abs(late - 0.2), `seed ${seed}`).toBeLessThan(0.1);
        else expect(late, `seed ${seed} (control)`).toBeGreaterThan(0.8);
      }
    }
  });

  it('infeasible trials rank by violation and pruned ones by step, not by reward', () => {
    const line = dnaSpec(floatv(0, 1));
    for (const seed of [1, 2, 3]) {
      for (const kind of ['infeasible', 'pruned'] as const) {
        const algorithm = started({ seed, prunedTrials: 'rank' }, line);
        const xs: number[] = [];
        for (let t = 0; t < 60; t++) {
          const dna = algorithm.propose() as DNA;
          const x = dna.value as number;
          // the reward pulls to 0; the violation (step) is smallest (largest) at 0.7
          const outcome: Outcome =
            kind === 'infeasible' ? { constraints: [Math.abs(x - 0.7) + 0.01] } : { pruned: { step: Math.round(100 * (1 - Math.abs(x - 0.7))) } };
          // (Optuna's rule for pruned trials: ranked by step; the default never counts them good)
          algorithm.feedback(dna, -x, outcome);
          xs.push(x);
        }
        expect(Math.abs(median(xs.slice(-20)) - 0.7), `${kind}, seed ${seed}`).toBeLessThan(0.1);
      }
    }
  });
});

describe('tpe: constant liar', () => {
  const value = { a: oneOf(['p', 'q', 'r', 's']), b: oneOf(['p', 'q', 'r', 's']), x: floatv(0, 1) };
  const spec = dnaSpec(value);
  const reward = (dna: DNA): number => {
    const [a, b, x] = dna.toNumbers() as [number, number, number];
    return (a === 1 ? 1 : 0) + (b === 2 ? 1 : 0) - Math.abs(x - 0.5);
  };

  it('with no pending proposal, the liar changes nothing', () => {
    const withLiar = sequential(started({ seed: 3, constantLiar: true }, spec), spec, 40, reward).map(String);
    const without = sequential(started({ seed: 3, constantLiar: false }, spec), spec, 40, reward).map(String);
    expect(withLiar).toEqual(without);
  });

  it('pending proposals count as bad: parallel proposals spread out', () => {
    let spreadWith = 0;
    let spreadWithout = 0;
    for (const seed of [1, 2, 3]) {
      for (const constantLiar of [true, false]) {
        const algorithm = started({ seed, constantLiar }, spec);
        sequential(algorithm, spec, 30, reward);
        const pending = Array.from({ length: 8 }, () => algorithm.propose() as DNA);
        pending.forEach((d) => spec.validate(d));
        expect(new Set(pending.map(String)).size).toBeGreaterThan(1);
        const combos = new Set(pending.map((d) => d.toNumbers().slice(0, 2).join())).size;
        if (constantLiar) spreadWith += combos;
        else spreadWithout += combos;
      }
    }
    expect(spreadWith).toBeGreaterThan(spreadWithout);
  });

  it('abandon(dna) forgets a pending proposal; without it the pending one keeps weighing', () => {
    const after = (constantLiar: boolean, forget: 'abandon' | 'keep' | 'none'): string[] => {
      const algorithm = started({ seed: 9, constantLiar }, spec);
      sequential(algorithm, spec, 15, reward);
      const lost = algorithm.propose() as DNA;
      if (forget === 'abandon') algorithm.abandon?.(lost);
      return sequential(algorithm, spec, 10, reward).map(String);
    };
    const reference = after(false, 'keep');
    // with the liar off, pending proposals do not matter
    expect(after(false, 'abandon')).toEqual(reference);
    // with the liar on, an abandoned proposal is forgotten ...
    expect(after(true, 'abandon')).toEqual(reference);
    // ... while one left pending changes what comes next
    expect(after(true, 'keep')).not.toEqual(reference);
  });

  it('feedback settles a pending proposal, abandon of an unknown DNA is ignored', () => {
    const run = (extra: (a: Algorithm, d: DNA) => void): string[] => {
      const algorithm = started({ seed: 2 }, spec);
      sequential(algorithm, spec, 12, reward);
      const d = algorithm.propose() as DNA;
      extra(algorithm, d);
      algorithm.feedback(d, reward(d));
      // d is settled: abandoning it again (or something never proposed) changes nothing
      return sequential(algorithm, spec, 8, reward).map(String);
    };
    const plain = run(() => undefined);
    expect(run((a) => a.abandon?.(randomDNA(spec, seededRng(0))))).toEqual(plain);
  });
});

describe('tpe: options and argument checks', () => {
  const spec = dnaSpec({ x: floatv(0, 1), c: oneOf(['a', 'b']) });

  it('rejects bad options with a PliantError from tpe', () => {
    const bad: unknown[] = [
      { startupTrials: -1 },
      { startupTrials: 1.5 },
      { startupTrials: '3' },
      { eiCandidates: 0 },
      { eiCandidates: 2.5 },
      { priorWeight: 0 },
      { priorWeight: -1 },
      { priorWeight: Number.NaN },
      { priorWeight: Infinity },
      { priorWeight: '1' },
      { bandwidth: 'silverman' },
      { gamma: 3 },
      { gamma: 'top10' },
      { orderedChoices: 'sometimes' },
      { orderedChoices: 1 },
      { prunedTrials: 'drop' },
      { bandwidthFloor: 'all' },
    ];
    for (const options of bad) {
      const error = errorOf(() => tpe(options as TpeOptions));
      expect(error.api, JSON.stringify(options)).toBe('tpe');
      expect(error.message, JSON.stringify(options)).toMatch(new RegExp(Object.keys(options as object)[0] as string));
    }
    expect(errorOf(() => tpe(null as unknown as TpeOptions)).api).toBe('tpe');
    expect(errorOf(() => tpe(5 as unknown as TpeOptions)).api).toBe('tpe');
    expect(() => tpe({ startupTrials: 0, eiCandidates: 1, priorWeight: 0.01, bandwidth: 'optuna', gamma: () => 2 })).not.toThrow();
  });

  it('a gamma that gives no number is reported when the model is first used', () => {
    for (const gamma of [() => Number.NaN, () => Infinity, () => 'x' as unknown as number, () => undefined as unknown as number]) {
      const algorithm = started({ seed: 1, startupTrials: 2, gamma }, spec);
      sequential(algorithm, spec, 2, () => 1);
      const error = errorOf(() => algorithm.propose());
      expect(error.api).toBe('tpe.propose');
      expect(error.message).toMatch(/gamma\(2\)/);
    }
  });

  it('any finite gamma works: 0 or negative means one good trial, a huge one means all', () => {
    for (const gamma of [() => 0, () => -5, () => 1e9, (n: number) => n / 2]) {
      const algorithm = started({ seed: 1, startupTrials: 2, gamma }, spec);
      expect(sequential(algorithm, spec, 15, hashReward)).toHaveLength(15);
    }
  });

  it('multivariate, bandwidth, priorWeight and eiCandidates reach the model: same startup, other proposals after it', () => {
    const base = sequential(started({ seed: 8, startupTrials: 6 }, mixed), mixed, 30, hashReward).map(String);
    for (const options of [
      { multivariate: false },
      { bandwidth: 'optuna' as const },
      { priorWeight: 4 },
      { eiCandidates: 5 },
      { gamma: (n: number) => n / 2 },
    ]) {
      const other = sequential(started({ seed: 8, startupTrials: 6, ...options }, mixed), mixed, 30, hashReward).map(String);
      expect(other.slice(0, 6), JSON.stringify(options)).toEqual(base.slice(0, 6));
      expect(other.slice(6), JSON.stringify(options)).not.toEqual(base.slice(6));
    }
  });

  it('startupTrials 0 starts at random, then uses the model', () => {
    const algorithm = started({ seed: 1, startupTrials: 0 }, spec);
    expect(sequential(algorithm, spec, 10, hashReward)).toHaveLength(10);
  });

  it('rejects use before setup', () => {
    const algorithm = tpe();
    const dna = randomDNA(spec, seededRng(0));
    expect(errorOf(() => algorithm.propose()).api).toBe('tpe.propose');
    expect(errorOf(() => algorithm.feedback(dna, 1)).api).toBe('tpe.feedback');
    expect(errorOf(() => algorithm.abandon?.(dna)).api).toBe('tpe.abandon');
    expect(errorOf(() => algorithm.recover([])).api).toBe('tpe.recover');
  });

  it('rejects a feedback whose DNA does not fit, a NaN reward, a malformed outcome', () => {
    const algorithm = started({ seed: 1 }, spec);
    const dna = algorithm.propose() as DNA;
    const misfit = errorOf(() => algorithm.feedback(new DNA(7), 1));
    expect(misfit.api).toBe('tpe.feedback');
    expect(misfit.message).toMatch(/does not fit the search space/);
    expect(errorOf(() => algorithm.feedback(DNA.of([0.5, 5]), 1)).api).toBe('tpe.feedback');
    expect(errorOf(() => algorithm.feedback('DNA(0)' as unknown as DNA, 1)).api).toBe('tpe.feedback');
    expect(errorOf(() => algorithm.feedback(dna, Number.NaN)).message).toMatch(/reward must be a number/);
    expect(errorOf(() => algorithm.feedback(dna, 1, { constraints: ['x'] } as unknown as Outcome)).api).toBe('tpe.feedback');
    expect(errorOf(() => algorithm.feedback(dna, 1, { pruned: {} } as unknown as Outcome)).api).toBe('tpe.feedback');
    expect(() => algorithm.feedback(dna, 1)).not.toThrow();
  });
});

describe('tpe: ordered choices', () => {
  it("orders only flagged choices by default; 'infer' also orders increasing numbers, 'never' none", () => {
    const spec = dnaSpec({ ids: oneOf([0, 1, 2, 3, 4, 5, 6, 7, 8]), width: oneOf([16, 32, 64], { ordered: true }), act: oneOf(['a', 'b']) });
    const kinds = (mode: 'explicit' | 'infer' | 'never' | boolean): string[] => new ParamSpace(spec, mode).params.map((p) => p.kind);
    expect(kinds('explicit')).toEqual(['categorical', 'discrete', 'categorical']);
    expect(kinds('infer')).toEqual(['discrete', 'discrete', 'categorical']);
    expect(kinds('never')).toEqual(['categorical', 'categorical', 'categorical']);
    expect(kinds(true)).toEqual(kinds('infer'));
    expect(kinds(false)).toEqual(kinds('explicit'));
  });

  it('keeps categorical ids categorical: the best id is learnt even when its neighbours are the worst', () => {
    // ids 0..8; id 4 is best and its neighbours 3 and 5 are the worst: an ordinal kernel blurs them
    const spec = dnaSpec({ id: oneOf([0, 1, 2, 3, 4, 5, 6, 7, 8]) });
    const score = (d: DNA): number => ({ 3: 0, 4: 1, 5: 0 })[d.value as number] ?? 0.5;
    let hits = 0;
    for (const seed of [1, 2, 3, 4, 5]) {
      const late = sequential(started({ seed, skipDuplicates: false }, spec), spec, 60, score).slice(-20);
      hits += late.filter((d) => d.value === 4).length;
    }
    expect(hits / 100).toBeGreaterThan(0.5);
  });
});

describe('tpe: pruned trials', () => {
  const line = dnaSpec(floatv(0, 1));
  const at = (x: number): DNA => new DNA(x, undefined, true);

  /** The share of `n` proposals (no feedback, no constant liar) that fall in [lo, hi]. */
  function share(algorithm: Algorithm, lo: number, hi: number, n = 40): number {
    let k = 0;
    for (let i = 0; i < n; i++) {
      const x = (algorithm.propose() as DNA).value as number;
      if (x >= lo && x <= hi) k++;
    }
    return k / n;
  }

  it('are never good by default: one completed trial is the whole good set, however many were pruned', () => {
    for (const seed of [1, 2, 3]) {
      const shares: Record<string, number> = {};
      for (const prunedTrials of ['bad', 'rank'] as const) {
        const algorithm = started({ seed, prunedTrials, constantLiar: false }, line);
        const rng = seededRng(seed);
        // 29 trials pruned late in [0.6, 1] (with a high last value), one completed at 0.1
        for (let i = 0; i < 29; i++) algorithm.feedback(at(0.6 + 0.4 * rng()), 1, { pruned: { step: 50 } });
        algorithm.feedback(at(0.1), 0);
        shares[prunedTrials] = share(algorithm, 0, 0.3);
      }
      expect(shares.bad, `seed ${seed}`).toBeGreaterThan(0.6);
      // Optuna's rule fills the good set (3 of 30) with the latest-pruned trials
      expect(shares.rank, `seed ${seed}`).toBeLessThan(shares.bad as number);
    }
  });

  it('weigh by the step they reached: trials cut at the first step count little as bad', () => {
    for (const seed of [1, 2, 3]) {
      const shares: Record<string, number> = {};
      for (const prunedTrials of ['bad', 'rank', 'ignore'] as const) {
        const algorithm = started({ seed, prunedTrials, constantLiar: false }, line);
        const rng = seededRng(`w${seed}`);
        // completed trials over the line, best at 0.5; slow starters near 0.5 cut at step 1; one
        // trial cut at step 81 far away
        for (let i = 0; i < 20; i++) {
          const x = (i + 0.5) / 20;
          algorithm.feedback(at(x), -Math.abs(x - 0.5));
        }
        for (let i = 0; i < 30; i++) algorithm.feedback(at(0.4 + 0.2 * rng()), 0.1, { pruned: { step: 1 } });
        algorithm.feedback(at(0.9), 0.5, { pruned: { step: 81 } });
        shares[prunedTrials] = share(algorithm, 0.4, 0.6);
      }
      // at full weight (Optuna's rule) the 30 early cuts drive every proposal away from the best
      // completed trials; at 1/81 each they push little; ignored, not at all
      expect(shares.rank, `seed ${seed}`).toBeLessThan(0.05);
      expect(shares.bad, `seed ${seed}`).toBeGreaterThan(0.8);
      expect(shares.ignore, `seed ${seed}`).toBeGreaterThanOrEqual(shares.bad as number);
    }
  });

  it('count toward startupTrials and are seen by skipDuplicates, also when ignored', () => {
    const spec = dnaSpec({ c: oneOf(['a', 'b', 'c']) });
    const algorithm = started({ seed: 1, prunedTrials: 'ignore', startupTrials: 2 }, spec);
    const proposed = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const dna = algorithm.propose() as DNA;
      expect(proposed.has(dna.toString())).toBe(false);
      proposed.add(dna.toString());
      algorithm.feedback(dna, 0, { pruned: { step: 1 } });
    }
  });
});
