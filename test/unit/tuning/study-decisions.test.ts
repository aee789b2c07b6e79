import { describe, expect, it } from 'vitest';
import { floatv, intv, journalStorage, loadStudy, manyOf, oneOf, search, symbolize } from '../../../src/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Result, TreeValue } from '../../../src/index.js';
import { studyDecisions } from '../../../src/tuning/study-decisions.js';

const Conv = symbolize('study-decisions.test.Conv', (args: { filters: number; kernel: number }) => args);
const Dense = symbolize('study-decisions.test.Dense', (args: { units: number; act: string }) => args);
const Flatten = symbolize('study-decisions.test.Flatten', (args: { keep: boolean }) => args);

/** A conditional list of layers: 1 or 2 conv blocks, then a dense head and a fixed softmax. */
function convSpace(): TreeValue {
  const head = [Flatten({ keep: true }), Dense({ units: oneOf([64, 128]), act: 'relu' }), Dense({ units: 10, act: 'softmax' })];
  return {
    model: {
      layers: oneOf([
        [Conv({ filters: oneOf([8, 16, 32]), kernel: oneOf([3, 5]) }), ...head],
        [Conv({ filters: oneOf([8, 16, 32]), kernel: oneOf([3, 5]) }), Conv({ filters: oneOf([8, 16, 32]), kernel: 3 }), ...head],
      ]),
    },
    lr: floatv(1e-4, 1e-1, { scale: 'log' }),
    batch: 64,
  };
}

async function convStudy(): Promise<Result> {
  return search(convSpace(), () => Math.random(), { numTrials: 40, seed: 7 });
}

describe('studyDecisions', () => {
  it('keeps only what varies: no constant (the softmax units, a fixed kernel, the batch size) is a decision', async () => {
    const result = await convStudy();
    const { decisions } = studyDecisions(result);
    const keys = decisions.map((d) => d.key);
    // Both depths occurred, so the list's length varies: the first conv block of both depths
    // is `[0]`, the head that closes both is keyed from the end (`[-2]` the dense layer, `[-1]`
    // the softmax), the second conv block of the deeper lists is `[1/5]` (item 1 of 5).
    expect([...keys].sort()).toEqual(
      ['model.layers.length', 'model.layers[0].filters', 'model.layers[0].kernel', 'model.layers[1/5].filters', 'model.layers[-2].units', 'lr'].sort(),
    );
    // Constants never: the softmax's units and activation, a fixed kernel, the flatten flag, the batch size.
    for (const key of keys) {
      expect(key).not.toMatch(/\[-1\]|\.act$|\[1\/5\]\.kernel|keep|batch/);
    }
    // Every decision takes at least two values across the trials.
    for (const d of decisions) {
      const values = new Set(result.trials.map((t) => studyDecisions(result).valuesOf(t)[d.key]).filter((v) => v !== undefined));
      expect(values.size, d.key).toBeGreaterThanOrEqual(2);
    }
  });

  it('the old index alignment would have mistaken the softmax for a decision (the case of the issue)', async () => {
    const result = await convStudy();
    // Without the length, `model.layers[3].units` is the softmax (10) in 4-layer lists and the
    // dense head (64/128) in 5-layer lists; with it, the softmax place is constant.
    const { decisions, valuesOf } = studyDecisions(result);
    expect(decisions.some((d) => d.key === 'model.layers[3].units')).toBe(false);
    const short = result.trials.filter((t) => valuesOf(t)['model.layers.length'] === 4);
    expect(short.length).toBeGreaterThan(0);
    // The dense head is one decision across depths, with its own value in every trial.
    for (const t of result.trials) {
      const layers = (t.candidate as { model: { layers: { units?: number }[] } }).model.layers;
      expect(valuesOf(t)['model.layers[-2].units']).toBe(layers[layers.length - 2]?.units);
    }
  });

  it('names are short and unique, and kinds follow the values', async () => {
    const result = await convStudy();
    const { decisions } = studyDecisions(result);
    const names = decisions.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    const byKey = new Map(decisions.map((d) => [d.key, d]));
    expect(byKey.get('lr')?.name).toBe('lr');
    expect(byKey.get('model.layers.length')?.name).toBe('layers.length');
    expect(byKey.get('model.layers[0].filters')?.name).toBe('layers[0].filters');
    expect(byKey.get('model.layers[1/5].filters')?.name).toBe('layers[1/5].filters');
    expect(byKey.get('model.layers[0].kernel')?.name).toBe('kernel');
    expect(byKey.get('model.layers[-2].units')?.name).toBe('units');
    expect(byKey.get('lr')?.kind).toBe('number');
    expect(byKey.get('model.layers[0].filters')?.kind).toBe('number');
    for (const d of decisions) expect(d.name.length).toBeLessThanOrEqual(d.key.length);
  });

  it('valuesOf gives each trial its values and leaves out the decisions it lacks', async () => {
    const result = await convStudy();
    const { valuesOf } = studyDecisions(result);
    for (const t of result.trials) {
      const v = valuesOf(t);
      const c = t.candidate as { lr: number };
      expect(v.lr).toBe(c.lr);
      const depth = v['model.layers.length'];
      expect([4, 5]).toContain(depth);
      expect(Object.keys(v).some((k) => k.includes('/5]'))).toBe(depth === 5);
    }
  });

  it('a node whose type varies is a category decision at its own path; strings and booleans are categories', async () => {
    const result = await search(
      { layer: oneOf([Dense({ units: 10, act: 'relu' }), Flatten({ keep: oneOf([true, false]) })]), act: oneOf(['relu', 'tanh']), n: intv(1, 3) },
      () => 1,
      { numTrials: 30, seed: 2 },
    );
    const { decisions, valuesOf } = studyDecisions(result);
    const byKey = new Map(decisions.map((d) => [d.key, d]));
    expect(byKey.get('layer')?.kind).toBe('category');
    expect(byKey.get('layer.keep')?.kind).toBe('category');
    expect(byKey.get('act')?.kind).toBe('category');
    expect(byKey.get('n')?.kind).toBe('number');
    // The dense layer's arguments are constant where present: not decisions.
    expect(byKey.has('layer.units')).toBe(false);
    const labels = new Set(result.trials.map((t) => valuesOf(t).layer));
    expect([...labels].sort()).toEqual(['Dense', 'Flatten']);
    expect(new Set(result.trials.map((t) => valuesOf(t)['layer.keep']).filter((x) => x !== undefined))).toEqual(new Set(['true', 'false']));
  });

  it('a study whose trials all agree has no decisions', async () => {
    const result = await search({ a: oneOf([1]), b: 'x' }, () => 1, { numTrials: 3, seed: 1 });
    expect(studyDecisions(result).decisions).toEqual([]);
  });

  it("names decisions by their hyper value's `name`, also for a study loaded from its journal", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pliant-names-'));
    try {
      const space = {
        model: {
          layers: oneOf([
            [Conv({ filters: oneOf([8, 16, 32], { name: 'width' }), kernel: 3 }), Dense({ units: 10, act: 'softmax' })],
            [Conv({ filters: oneOf([8, 16]), kernel: 5 }), Conv({ filters: 4, kernel: 3 }), Dense({ units: 10, act: 'softmax' })],
          ]),
          // A name inside a manyOf's candidate lands at one path per pick: a name two decisions share names neither.
          acts: manyOf(2, [oneOf(['relu', 'tanh'], { name: 'act' }), 'gelu'], { distinct: false }),
        },
        lr: floatv(1e-4, 1e-1, { scale: 'log', name: 'learning rate' }),
        other: { lr: floatv(0, 1) },
      };
      const result = await search(space, () => Math.random(), { numTrials: 30, seed: 3, storage: journalStorage(dir), study: 'named' });
      for (const r of [result, await loadStudy('named', { storage: journalStorage(dir) })]) {
        const names = Object.fromEntries(studyDecisions(r).decisions.map((d) => [d.key, d.name]));
        expect(names['lr']).toBe('learning rate');
        // `other.lr` is unnamed: its derived name is unique among the others.
        expect(names['other.lr']).toBe('other.lr');
        expect(names['model.layers[0].filters']).toBe('width');
        expect(names['model.acts[0]']).toBe('acts[0]');
        expect(names['model.acts[1]']).toBe('acts[1]');
        expect(r.decisionNames['lr']).toBe('learning rate');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
