import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eq, liveInstructions, parseProgram, runProgram, simplifyProgram, toSource } from '../../../src/index.js';
import type { Program } from '../../../src/index.js';
import { makeInstruction, withInstructions } from '../../../src/programs/program.js';
import { SCALAR_SIG, VECTOR_SIG, anyProgramArb, inputsArb, programArb, sameOutput } from './program-arbitrary.js';

const sig = { scalars: 4, inputs: { x: 's1' as const }, output: 's0' as const };

describe('simplifyProgram', () => {
  it('removes exactly the dead instructions of a known program', () => {
    const p = parseProgram(
      `
      s2 = 5          // dead: overwritten before it is read
      s3 = s1 * s1    // dead: s3 is never read
      s2 = 2          // live
      s3 = s1 + s2    // live: read by the next line
      s0 = s3 * s2    // dead: s0 is overwritten below
      s0 = s3 / s2    // live
      s2 = sqrt(s0)   // dead: after the last write of the output
    `,
      sig,
    );
    expect(liveInstructions(p)).toEqual([false, false, true, true, false, true, false]);
    const q = simplifyProgram(p);
    expect(toSource(q, { header: false })).toBe('s2 = 2\ns3 = s1 + s2\ns0 = s3 / s2\nreturn s0');
    expect(runProgram(q, { x: 4 })).toBe(3);
    expect(simplifyProgram(q)).toBe(q); // nothing left to remove: the same node
  });

  it('keeps instructions reading a register before its rewrite and inputs read in place', () => {
    const p = parseProgram('s1 = s1 * s1; s0 = s1 + s1; s1 = 3', sig);
    expect(liveInstructions(p)).toEqual([true, true, false]);
    expect(runProgram(simplifyProgram(p), { x: 3 })).toBe(18);
    // A program that never writes its output is all dead.
    expect(simplifyProgram(parseProgram('s2 = 1; s3 = s2 + s1', sig)).args.instructions).toHaveLength(0);
  });

  it('gives the same outputs, keeps a subsequence and is idempotent (property)', () => {
    for (const sigma of [SCALAR_SIG, VECTOR_SIG]) {
      fc.assert(
        fc.property(
          programArb(sigma, { max: 16 }).chain((p) => fc.tuple(fc.constant(p), fc.array(inputsArb(sigma), { minLength: 1, maxLength: 4 }))),
          ([p, inputs]) => {
            const q = simplifyProgram(p);
            for (const input of inputs) expect(sameOutput(runProgram(q, input), runProgram(p, input))).toBe(true);
            const live = liveInstructions(p);
            expect(q.args.instructions).toEqual(p.args.instructions.filter((_, i) => live[i]));
            expect(eq(simplifyProgram(q), q)).toBe(true);
          },
        ),
        { numRuns: 300 },
      );
    }
  });

  it('removes only dead code: replacing a removed instruction changes nothing, and each kept one is read (property)', () => {
    fc.assert(
      fc.property(
        anyProgramArb.chain((p) => fc.tuple(fc.constant(p), inputsArb(p.args.vectors === 0 ? SCALAR_SIG : VECTOR_SIG))),
        ([p, input]) => {
          const live = liveInstructions(p);
          const list = p.args.instructions;
          // Every removed instruction: replacing it by another value leaves the output alone.
          const scrambled = withInstructions(
            p,
            list.map((ins, i) => (live[i] ? ins : makeInstruction('const', ins.args.out, [], 12345.678))),
          );
          expect(sameOutput(runProgram(scrambled, input), runProgram(p, input))).toBe(true);
          // Every kept instruction is read by a later kept one before a kept rewrite, or is the last write of the output.
          list.forEach((ins, i) => {
            if (!live[i]) return;
            const r = ins.args.out;
            let used = false;
            let rewritten = false;
            for (let j = i + 1; j < list.length && !used && !rewritten; j++) {
              if (!live[j]) continue;
              const later = list[j] as Program['args']['instructions'][number];
              if (later.args.args.includes(r)) used = true;
              else if (later.args.out === r) rewritten = true;
            }
            expect(used || (!rewritten && r === p.args.output)).toBe(true);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
