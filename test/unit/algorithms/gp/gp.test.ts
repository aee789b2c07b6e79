import { describe, expect, it } from 'vitest';
import { dnaSpec, floatv, intv, materialize, memoryStorage, oneOf, sample, search } from '../../../../src/index.js';
import type { DNA, DNASpec, TreeValue } from '../../../../src/index.js';
import type { Algorithm, HistoryEntry, Outcome } from '../../../../src/algorithms/algorithm.js';
import { gp } from '../../../../src/algorithms/gp/gp.js';
import type { GpOptions } from '../../../../src/algorithms/gp/gp.js';
import { errorOf } from '../../../support/error-of.js';

const box = { x: floatv(-5, 10), y: floatv(0, 15) };

function branin(x: number, y: number): number {
  const b = 5.1 / (4 * Math.PI ** 2);
  const c = 5 / Math.PI;
  const t = 1 / (8 * Math.PI);
  return (y - b * x * x + c * x - 6) ** 2 + 10 * (1 - t) * Math.cos(x) + 10;
}

function started(options: GpOptions, space: TreeValue, seed: number | string = 0): { algorithm: Algorithm; spec: DNASpec } {
  const algorithm = gp(options);
  const spec = dnaSpec(space);
  algorithm.setup(spec, { seed });
  return { algorithm, spec };
}

/** Runs `steps` sequential rounds, each DNA validated and given `reward(candidate)` (maximised). */
function drive(
  algorithm: Algorithm,
  spec: DNASpec,
  space: TreeValue,
  steps: number,
  reward: (c: Record<string, unknown>, t: number) => number | (Outcome & { reward: number }),
): HistoryEntry[] {
  const history: HistoryEntry[] = [];
  for (let t = 0; t < steps; t++) {
    const dna = algorithm.propose() as DNA;
    spec.validate(dna);
    const r = reward(materialize(space, dna) as Record<string, unknown>, t);
    if (typeof r === 'number') {
      algorithm.feedback(dna, r);
      history.push({ dna, reward: r });
    } else {
      const { reward: value, ...outcome } = r;
      algorithm.feedback(dna, value, outcome);
      history.push({ dna, reward: value, outcome });
    }
  }
  return history;
}

const braninReward = (c: Record<string, unknown>): number => -branin(c['x'] as number, c['y'] as number);

describe('gp: search', () => {
  it('is deterministic for a seed, and seeds differ', () => {
    const a = started({ seed: 3, startupTrials: 5 }, box);
    const b = started({ seed: 3, startupTrials: 5 }, box);
    const c = started({ seed: 4, startupTrials: 5 }, box);
    const ha = drive(a.algorithm, a.spec, box, 12, braninReward).map((h) => h.dna.toString());
    const hb = drive(b.algorithm, b.spec, box, 12, braninReward).map((h) => h.dna.toString());
    const hc = drive(c.algorithm, c.spec, box, 12, braninReward).map((h) => h.dna.toString());
    expect(ha).toEqual(hb);
    expect(ha).not.toEqual(hc);
    // the context's seed, unless given one
    const fromContext = started({ startupTrials: 5 }, box, 3);
    expect(drive(fromContext.algorithm, fromContext.spec, box, 12, braninReward).map((h) => h.dna.toString())).toEqual(ha);
  });

  it('finds the region of a Branin optimum within 30 trials (random search rarely does)', () => {
    const { algorithm, spec } = started({ seed: 1 }, box);
    const history = drive(algorithm, spec, box, 30, braninReward);
    const best = Math.max(...history.map((h) => h.reward as number));
    expect(-best).toBeLessThan(0.45); // f* = 0.3979; random search's median after 30 trials is about 1.5
    // the model-based proposals concentrate: most of the last 10 score below 5
    expect(history.slice(-10).filter((h) => -(h.reward as number) < 5).length).toBeGreaterThanOrEqual(5);
  });

  it('respects constraints: proposals move to the feasible side and the best feasible value is near the boundary', () => {
    // maximise x + y on [0, 1]² subject to x − 0.4 ≤ 0
    const space = { x: floatv(0, 1), y: floatv(0, 1) };
    const { algorithm, spec } = started({ seed: 2, startupTrials: 8 }, space);
    const history = drive(algorithm, spec, space, 30, (c) => ({ reward: (c['x'] as number) + (c['y'] as number), constraints: [(c['x'] as number) - 0.4] }));
    const late = history.slice(-12);
    const feasible = late.filter((h) => (h.outcome?.constraints?.[0] as number) <= 0.02);
    expect(feasible.length).toBeGreaterThanOrEqual(8);
    const bestFeasible = Math.max(...history.filter((h) => (h.outcome?.constraints?.[0] as number) <= 0).map((h) => h.reward as number));
    expect(bestFeasible).toBeGreaterThan(1.3); // optimum 1.4 at (0.4, 1)
  });

  it('proposals made while others are pending differ from each other (kriging believer)', () => {
    const { algorithm, spec } = started({ seed: 5, startupTrials: 6 }, box);
    drive(algorithm, spec, box, 10, braninReward);
    const pending = [algorithm.propose(), algorithm.propose(), algorithm.propose()] as DNA[];
    const keys = pending.map((d) => d.toString());
    expect(new Set(keys).size).toBe(3);
    // once one is abandoned and the others told, the search goes on
    algorithm.abandon?.(pending[0] as DNA);
    for (const d of pending.slice(1)) algorithm.feedback(d, braninReward(materialize(box, d) as Record<string, unknown>));
    spec.validate(algorithm.propose() as DNA);
  });

  it('takes failed and pruned trials and non-finite rewards without breaking, and keeps proposing valid DNA', () => {
    const space = { x: floatv(0, 1), n: intv(1, 8), act: oneOf(['relu', 'gelu', 'swish']) };
    const { algorithm, spec } = started({ seed: 6, startupTrials: 4 }, space);
    const history = drive(algorithm, spec, space, 24, (c, t) => {
      const r = (c['x'] as number) + (c['n'] as number) / 8;
      if (t % 5 === 1) return { reward: -Infinity, failed: 'diverged' };
      if (t % 5 === 3) return { reward: r / 2, pruned: { step: 1 } };
      if (t === 7) return Infinity;
      return r;
    });
    expect(history).toHaveLength(24);
    // every trial failed: the model has nothing to fit and proposals stay random, valid
    const all = started({ seed: 6, startupTrials: 2 }, space);
    drive(all.algorithm, all.spec, space, 6, () => ({ reward: -Infinity, failed: 'boom' }));
  });

  it('in a finite space, skips candidates proposed before until the space is exhausted', () => {
    const space = { a: oneOf(['p', 'q', 'r']), b: intv(0, 3) };
    const { algorithm, spec } = started({ seed: 7, startupTrials: 3 }, space);
    const history = drive(algorithm, spec, space, 12, (c) => (c['b'] as number) + (c['a'] === 'q' ? 1 : 0));
    expect(new Set(history.map((h) => h.dna.toString())).size).toBe(12);
  });

  it('handles a conditional space: decisions under unchosen candidates are absent, proposals valid and improving', () => {
    const space = {
      optimizer: oneOf([{ name: 'adam' }, { name: 'sgd', momentum: floatv(0, 0.99) }]),
      lr: floatv(1e-5, 1, { scale: 'log' }),
      width: oneOf([16, 32, 64, 128], { ordered: true }),
    };
    const score = (c: Record<string, unknown>): number => {
      const opt = c['optimizer'] as { name: string; momentum?: number };
      const lrStar = opt.name === 'sgd' ? 0.1 : 1e-3;
      return (
        -((Math.log10(c['lr'] as number) - Math.log10(lrStar)) ** 2) -
        (opt.name === 'sgd' ? 10 * ((opt.momentum as number) - 0.9) ** 2 - 0.05 : 0) -
        Math.abs(Math.log2((c['width'] as number) / 64)) * 0.1
      );
    };
    const { algorithm, spec } = started({ seed: 8, startupTrials: 8 }, space);
    const history = drive(algorithm, spec, space, 30, score);
    const best = Math.max(...history.map((h) => h.reward as number));
    expect(best).toBeGreaterThan(0.0); // 0.05 at sgd, lr 0.1, momentum 0.9, width 64
  });

  it('recover(history) then propose equals the uninterrupted run (with pending, abandoned, failed trials)', () => {
    const steps = 16;
    const live = started({ seed: 9, startupTrials: 5 }, box);
    const history: HistoryEntry[] = [];
    for (let t = 0; t < steps; t++) {
      const dna = live.algorithm.propose() as DNA;
      const r = braninReward(materialize(box, dna) as Record<string, unknown>);
      if (t === 6) {
        live.algorithm.abandon?.(dna);
        history.push({ dna, reward: undefined });
      } else if (t === 11) history.push({ dna, reward: undefined, state: 'running' });
      else if (t === 8) {
        live.algorithm.feedback(dna, -Infinity, { failed: 'x' });
        history.push({ dna, reward: -Infinity, outcome: { failed: 'x' } });
      } else {
        live.algorithm.feedback(dna, r);
        history.push({ dna, reward: r });
      }
    }
    const resumed = started({ seed: 9, startupTrials: 5 }, box);
    resumed.algorithm.recover(history);
    for (let t = 0; t < 3; t++) {
      const a = live.algorithm.propose() as DNA;
      const b = resumed.algorithm.propose() as DNA;
      expect(b.toString()).toBe(a.toString());
      const r = braninReward(materialize(box, a) as Record<string, unknown>);
      live.algorithm.feedback(a, r);
      resumed.algorithm.feedback(b, r);
    }
  });

  it('recovers a history it did not propose (another seed) without phantom pending trials', () => {
    const other = started({ seed: 10, startupTrials: 3 }, box);
    const history = drive(other.algorithm, other.spec, box, 12, braninReward);
    const a = started({ seed: 11, startupTrials: 3 }, box);
    a.algorithm.recover(history);
    const b = started({ seed: 11, startupTrials: 3 }, box);
    for (const h of history) b.algorithm.feedback(h.dna, h.reward as number);
    // both know the same 12 finished trials and nothing pending
    for (const alg of [a, b]) {
      const next = alg.algorithm.propose() as DNA;
      alg.spec.validate(next);
      expect(history.map((h) => h.dna.toString())).not.toContain(next.toString());
    }
  });

  it('works inside sample() and search() with a real objective', async () => {
    const space = { x: floatv(-5, 10), y: floatv(0, 15) };
    let best = Infinity;
    for await (const [c, feedback] of sample(space, gp({ seed: 1, startupTrials: 5 }), {
      numTrials: 20,
      storage: memoryStorage(),
      direction: 'minimize',
      seed: 1,
    })) {
      const v = branin(c.x, c.y);
      best = Math.min(best, v);
      await feedback.done(v);
    }
    expect(best).toBeLessThan(2);
    const result = await search(space, (c) => branin(c.x, c.y), {
      numTrials: 20,
      algorithm: gp({ seed: 2, startupTrials: 5 }),
      storage: memoryStorage(),
      direction: 'minimize',
    });
    expect(result.trials).toHaveLength(20);
    expect(result.best?.value as number).toBeLessThan(2);
  });
});

describe('gp: options and errors', () => {
  it('rejects unknown and malformed options with a PliantError naming gp', () => {
    const bad: unknown[] = [
      { seeds: 1 },
      { startupTrials: -1 },
      { startupTrials: 1.5 },
      { candidates: 0 },
      { localSearches: 'many' },
      { refitGrowth: -0.1 },
      { refitGrowth: Number.NaN },
      { deterministic: 'yes' },
      { skipDuplicates: 1 },
      { orderedChoices: true },
      { orderedChoices: 'auto' },
    ];
    for (const options of bad) {
      const error = errorOf(() => gp(options as GpOptions));
      expect(error.api).toBe('gp');
    }
    expect(errorOf(() => gp({ startupTrals: 3 } as GpOptions)).message).toContain('startupTrials');
    expect(errorOf(() => gp(null as unknown as GpOptions)).api).toBe('gp');
    expect(gp({ orderedChoices: 'infer', deterministic: true, skipDuplicates: false, refitGrowth: 0 }).name).toBe('gp');
  });

  it('refuses to propose before setup, and a DNA of another space', () => {
    const algorithm = gp();
    expect(errorOf(() => algorithm.propose()).api).toBe('gp.propose');
    const { algorithm: a } = started({}, box);
    const foreign = dnaSpec({ z: intv(0, 3) });
    const dna = started({}, { z: intv(0, 3) }).algorithm.propose() as DNA;
    void foreign;
    expect(errorOf(() => a.feedback(dna, 1)).api).toBe('gp.feedback');
  });

  it('orderedChoices: explicit by default (increasing numbers stay categorical), infer on request', () => {
    const space = { id: oneOf([0, 1, 2, 3, 4, 5]) };
    // reward peaks at ids 0 and 5: an ordered model would believe the middle is between them
    for (const orderedChoices of ['explicit', 'infer'] as const) {
      const { algorithm, spec } = started({ seed: 12, startupTrials: 3, orderedChoices }, space);
      const history = drive(algorithm, spec, space, 6, (c) => ((c['id'] as number) % 5 === 0 ? 1 : 0));
      expect(history).toHaveLength(6);
    }
  });
});
