import { describe, expect, it } from 'vitest';
import { FunctionalCache } from '../../../src/hashing/functional-cache.js';
import { PliantError } from '../../../src/base/errors.js';

describe('FunctionalCache', () => {
  it('misses, records, then serves full hits and counts the evaluations saved', () => {
    const cache = new FunctionalCache();
    expect(cache.lookup('a')).toEqual({ kind: 'miss' });
    cache.record('a', 0.5);
    expect(cache.lookup('a')).toEqual({ kind: 'hit', value: 0.5 });
    expect(cache.lookup('a')).toEqual({ kind: 'hit', value: 0.5 });
    expect(cache.lookup('b')).toEqual({ kind: 'miss' });
    expect(cache.stats).toEqual({ misses: 2, hits: 2, partialHits: 0, evaluationsSaved: 2, collisions: 0, unhashable: 0, evictions: 0, entries: 1 });
  });

  it('peek answers like lookup without counting', () => {
    const cache = new FunctionalCache();
    cache.record('a', 1);
    expect(cache.peek('a')).toEqual({ kind: 'hit', value: 1 });
    expect(cache.peek('zz')).toEqual({ kind: 'miss' });
    expect(cache.stats.hits).toBe(0);
    expect(cache.stats.misses).toBe(0);
  });

  it('maxEvaluations: re-evaluates a hash as partial hits and serves the running mean', () => {
    const cache = new FunctionalCache({ maxEvaluations: 3 });
    cache.lookup('a');
    cache.record('a', 1);
    expect(cache.lookup('a')).toEqual({ kind: 'partial', evaluations: 1 });
    cache.record('a', 2);
    expect(cache.lookup('a')).toEqual({ kind: 'partial', evaluations: 2 });
    cache.record('a', 6);
    expect(cache.lookup('a')).toEqual({ kind: 'hit', value: 3 });
    cache.record('a', 100); // an evaluation that was in flight: the mean is complete, it is ignored
    expect(cache.get('a')).toBe(3);
    expect(cache.stats).toMatchObject({ misses: 1, partialHits: 2, hits: 1, evaluationsSaved: 1 });
  });

  it('averages records metric by metric', () => {
    const cache = new FunctionalCache({ maxEvaluations: 2 });
    cache.record('a', { acc: 0.5, ms: 10 });
    cache.record('a', { acc: 0.7, ms: 20 });
    expect(cache.get('a')).toEqual({ acc: 0.6, ms: 15 });
  });

  it('forgetAfter: an entry serves that many hits, then the hash is evaluated anew', () => {
    const cache = new FunctionalCache({ forgetAfter: 2 });
    cache.record('a', 9);
    expect(cache.lookup('a').kind).toBe('hit');
    expect(cache.lookup('a').kind).toBe('hit');
    expect(cache.lookup('a').kind).toBe('miss');
    expect(cache.stats.evictions).toBe(1);
  });

  it('evictionProbability: evicts about that share of hits, the same way for the same seed', () => {
    const run = (seed: number): string[] => {
      const cache = new FunctionalCache({ evictionProbability: 0.25, seed });
      const kinds: string[] = [];
      for (let i = 0; i < 4000; i++) {
        const h = `h${i % 50}`;
        const r = cache.lookup(h);
        kinds.push(r.kind);
        if (r.kind === 'miss') cache.record(h, i);
      }
      return kinds;
    };
    const a = run(1);
    expect(run(1)).toEqual(a);
    expect(run(2)).not.toEqual(a);
    const hits = a.filter((k) => k === 'hit').length;
    const misses = a.length - hits;
    // each hit evicts with p = 0.25: about one miss per four hits after the first 50
    expect((misses - 50) / hits).toBeGreaterThan(0.2);
    expect((misses - 50) / hits).toBeLessThan(0.3);
    expect(new FunctionalCache({ evictionProbability: 1 }).stats.evictions).toBe(0);
  });

  it('maxEntries: drops the least recently used hash', () => {
    const cache = new FunctionalCache({ maxEntries: 2 });
    cache.record('a', 1);
    cache.record('b', 2);
    cache.lookup('a'); // a is now the most recent
    cache.record('c', 3); // drops b
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.stats).toMatchObject({ entries: 2, evictions: 1 });
  });

  it('counterfactual: evaluates anyway, counts collisions beyond epsilon, saves nothing', () => {
    const cache = new FunctionalCache({ counterfactual: true, epsilon: 1e-3 });
    cache.lookup('a');
    cache.record('a', 1);
    expect(cache.lookup('a')).toEqual({ kind: 'counterfactual', value: 1 });
    cache.record('a', 1.0005); // within epsilon
    expect(cache.lookup('a').kind).toBe('counterfactual');
    cache.record('a', 1.5); // a collision
    expect(cache.get('a')).toBe(1); // the entry keeps what it would have served
    cache.lookup('b');
    cache.record('b', { acc: 1, ms: 2 });
    cache.lookup('b');
    cache.record('b', { acc: 1, ms: 3 });
    cache.lookup('b');
    cache.record('b', { acc: 1 }); // a metric missing is a difference
    expect(cache.stats).toMatchObject({ hits: 4, evaluationsSaved: 0, collisions: 3, misses: 2 });
  });

  it('epsilon is relative to the magnitude of the values', () => {
    const cache = new FunctionalCache({ counterfactual: true });
    cache.record('a', 1e9);
    cache.lookup('a');
    cache.record('a', 1e9 + 1); // 1e-9 relative: not a collision at the default 1e-6
    expect(cache.stats.collisions).toBe(0);
  });

  it('never caches an unhashable candidate', () => {
    const cache = new FunctionalCache();
    expect(cache.lookup(undefined)).toEqual({ kind: 'miss' });
    cache.record(undefined, 1);
    expect(cache.lookup(undefined)).toEqual({ kind: 'miss' });
    expect(cache.stats).toMatchObject({ unhashable: 2, misses: 2, entries: 0 });
  });

  it('rejects bad options, naming the option', () => {
    expect(() => new FunctionalCache({ maxEvaluations: 0 })).toThrow('FunctionalCache: maxEvaluations must be an integer ≥ 1, found 0');
    expect(() => new FunctionalCache({ forgetAfter: 1.5 })).toThrow(/forgetAfter/);
    expect(() => new FunctionalCache({ maxEntries: -1 })).toThrow(/maxEntries/);
    expect(() => new FunctionalCache({ evictionProbability: 2 })).toThrow(/evictionProbability must be a number in \[0, 1\], found 2/);
    expect(() => new FunctionalCache({ epsilon: -1 })).toThrow(PliantError);
    expect(() => new FunctionalCache({ seed: 0.5 })).toThrow(/seed/);
  });
});
