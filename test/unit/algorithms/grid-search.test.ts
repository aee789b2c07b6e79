import { describe, expect, it } from 'vitest';
import { grid } from '../../../src/algorithms/grid-search.js';
import { DNA } from '../../../src/geno/dna.js';
import { iterateDNA } from '../../../src/geno/iterate.js';
import { dnaSpec } from '../../../src/geno/template.js';
import { intv } from '../../../src/hyper/intv.js';
import { oneOf } from '../../../src/hyper/one-of.js';
import { errorOf } from '../../support/error-of.js';

const space = { a: oneOf([1, 2, 3]), b: intv(0, 3) };
const spec = dnaSpec(space);
const all = [...iterateDNA(spec)].map((d) => d.toString());

function proposeAll(g: ReturnType<typeof grid>): string[] {
  const out: string[] = [];
  for (let d = g.propose(); d !== undefined; d = g.propose()) out.push(d.toString());
  return out;
}

describe('grid', () => {
  it('proposes every point once, in grid order', () => {
    const g = grid();
    g.setup(spec, { seed: 0 });
    expect(proposeAll(g)).toEqual(all);
    expect(all).toHaveLength(12);
  });

  it('skips points another process started (observe) or ended (feedback)', () => {
    const g = grid();
    g.setup(spec, { seed: 0 });
    g.observe?.(DNA.parse(all[0] as string));
    g.feedback(DNA.parse(all[2] as string), 1);
    g.feedback(DNA.parse(all[5] as string), -Infinity, { failed: 'diverged' });
    expect(proposeAll(g)).toEqual(all.filter((_, i) => i !== 0 && i !== 2 && i !== 5));
  });

  it('recovers from a history with other processes’ trials interleaved: every recorded point is skipped, none is missed', () => {
    // Two processes that both started at the first points: 0, 0, 1, 1, 3 (out of order).
    const history = [0, 0, 1, 1, 3].map((i) => ({ dna: DNA.parse(all[i] as string), reward: 1 }));
    const g = grid();
    g.setup(spec, { seed: 0 });
    g.recover(history);
    expect(proposeAll(g)).toEqual(all.filter((_, i) => ![0, 1, 3].includes(i)));
  });

  it('recovers a single process’s run where the uninterrupted one would be', () => {
    const g = grid();
    g.setup(spec, { seed: 0 });
    g.recover(all.slice(0, 4).map((s) => ({ dna: DNA.parse(s), reward: undefined })));
    expect(g.propose()?.toString()).toBe(all[4]);
  });

  it('refuses a DNA of another space in observe and recover, naming the API', () => {
    const g = grid();
    g.setup(spec, { seed: 0 });
    expect(errorOf(() => g.observe?.(DNA.parse('[7, 0]'))).api).toBe('grid.observe');
    expect(errorOf(() => g.recover([{ dna: DNA.parse('[0]'), reward: 1 }])).api).toBe('grid.recover');
  });
});
