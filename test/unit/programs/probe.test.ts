import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PliantError,
  functionalHash,
  makeProgram,
  memoryStorage,
  parseProgram,
  programDecision,
  programHash,
  programProbe,
  regularizedEvolution,
  runProgram,
  sample,
  seededRng,
} from '../../../src/index.js';
import type { Program } from '../../../src/index.js';
import { VECTOR_SIG, programArb, sameOutput } from './program-arbitrary.js';

const sig = { scalars: 4, inputs: { x: 's1' as const }, output: 's0' as const };
const p = (source: string): Program => parseProgram(source, sig);
const vsig = { scalars: 3, vectors: 3, inputs: { a: 's1' as const, g: 'v0' as const }, output: 'v1' as const };

describe('programProbe', () => {
  it('equates programs that compute the same function and tells others apart', () => {
    const probe = programProbe();
    const twice = p('s2 = 2; s0 = s1 * s2');
    const sum = p('s0 = s1 + s1');
    expect(programHash(twice)).not.toBe(programHash(sum)); // different dataflow...
    expect(functionalHash(twice, probe)).toBe(functionalHash(sum, probe)); // ...same function
    expect(functionalHash(p('s3 = 3; s0 = s1 * s3; s0 = s0 - s1'), probe)).toBe(functionalHash(sum, probe)); // 3x − x
    expect(functionalHash(p('s0 = s1 * s1'), probe)).not.toBe(functionalHash(sum, probe));
    expect(functionalHash(p('s2 = 2.001; s0 = s1 * s2'), probe)).not.toBe(functionalHash(sum, probe));
    expect(functionalHash(p('s0 = s1 + s1'), probe, { seed: 1 })).not.toBe(functionalHash(sum, probe)); // another seed, other inputs
    expect(functionalHash(p('s0 = s1 / s3'), probe)).toBeUndefined(); // x / 0: infinite, unhashable
  });

  it('takes fixed inputs, runs vector programs, and selects the program of a candidate', () => {
    const grid = programProbe({ inputs: [{ x: 0 }, { x: 1 }, { x: 2 }] });
    expect(Array.from(grid(p('s0 = s1 * s1'), { seed: 0, rng: seededRng(0) }) as Float64Array)).toEqual([0, 1, 4]);
    const vprobe = programProbe({ count: 3, vectorLength: 4 });
    const out = vprobe(parseProgram('v1 = v0 + s1', vsig), { seed: 0, rng: seededRng(0) }) as Float64Array;
    expect(out.length).toBe(12);
    const wrapped = programProbe<{ f: Program }>({ select: (c) => c.f });
    expect(functionalHash({ f: p('s0 = s1 + s1') }, wrapped)).toBe(functionalHash(p('s0 = s1 + s1'), programProbe()));
    expect(() => programProbe()(3 as never, { seed: 0, rng: seededRng(0) })).toThrow(/not a pliant.Program/);
    expect(() => programProbe({ inputs: [] })).toThrow(PliantError);
    expect(() => programProbe({ count: 0 })).toThrow(/count must be a positive integer/);
  });

  it('draws the same inputs for every program of a seed (custom draw)', () => {
    let calls = 0;
    const probe = programProbe({
      draw: (rng) => {
        calls++;
        return { x: rng() * 10 };
      },
      count: 5,
    });
    const a = functionalHash(p('s0 = s1 + s1'), probe);
    const b = functionalHash(p('s2 = 2; s0 = s2 * s1'), probe);
    expect(a).toBe(b);
    expect(calls).toBe(5); // drawn once for seed 0, then reused
    functionalHash(p('s0 = s1 * s1'), probe, { seed: 3 });
    expect(calls).toBe(10);
  });

  it('hash equality implies equal outputs on other inputs drawn as the probe draws, for random vector programs (property)', () => {
    const probe = programProbe({ vectorLength: 3 });
    // Inputs as the default draw makes them (normal deviates): two programs may differ on a set
    // that no draw hits (`sign(x * x)` and 1 at x = 0, see the next test), which equal hashes cannot see.
    const normal = fc
      .tuple(fc.double({ min: 1e-9, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }))
      .map(([u, v]) => Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
    const drawnInputs = fc.record({ x: normal, g: fc.array(normal, { minLength: 3, maxLength: 3 }), m: fc.array(normal, { minLength: 3, maxLength: 3 }) });
    fc.assert(
      fc.property(programArb(VECTOR_SIG, { max: 6 }), programArb(VECTOR_SIG, { max: 6 }), drawnInputs, (a, b, input) => {
        const ha = functionalHash(a, probe);
        if (ha !== undefined && ha === functionalHash(b, probe)) {
          const ya = runProgram(a, input) as Float64Array;
          const yb = runProgram(b, input) as Float64Array;
          ya.forEach((y, i) => {
            const z = yb[i] as number;
            if (Number.isFinite(y) && Number.isFinite(z)) expect(Math.abs(y - z)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(y)));
          });
        }
        // A program and its copy always hash equal.
        expect(functionalHash(a, probe)).toBe(functionalHash(makeProgram(VECTOR_SIG, a.args.instructions), probe));
        expect(sameOutput(runProgram(a, input), runProgram(a, input))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('drawn inputs miss single points; fixed inputs that hold them tell such programs apart', () => {
    const one = p('s2 = 0; s0 = exp(s2)'); // 1 everywhere
    const signSquare = p('s2 = s1 * s1; s0 = sign(s2)'); // 1 except at x = 0
    expect(functionalHash(one, programProbe())).toBe(functionalHash(signSquare, programProbe()));
    const withZero = programProbe({ inputs: [{ x: 0 }, { x: 0.5 }, { x: -2 }] });
    expect(functionalHash(one, withZero)).not.toBe(functionalHash(signSquare, withZero));
  });

  it('serves as the dedupe probe of sample: functional duplicates are not evaluated', async () => {
    const space = { f: programDecision({ initial: p('s2 = 1; s0 = s1 + s2'), ops: ['add', 'mul', 'const'], maxInstructions: 8, random: 'initial' }) };
    const probe = programProbe<{ f: Program }>({ select: (c) => c.f });
    const loop = sample(space, regularizedEvolution({ populationSize: 10, tournamentSize: 3, seed: 1 }), {
      numTrials: 60,
      storage: memoryStorage(),
      dedupe: { hash: 'functional', probe },
    });
    const seen = new Set<string>();
    let proposals = 0;
    for await (const [c, feedback] of loop) {
      proposals = feedback.number + 1;
      const h = functionalHash(c.f, probe);
      if (h !== undefined) {
        expect(seen.has(h)).toBe(false); // never evaluated twice
        seen.add(h);
      }
      await feedback.done(-Math.abs((runProgram(c.f, { x: 1 }) as number) - 5));
    }
    expect(proposals / 60).toBeGreaterThan(1.5);
  });
});
