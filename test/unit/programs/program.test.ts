import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Instruction,
  PliantError,
  Program,
  build,
  eq,
  format,
  fromJSON,
  fromJSONString,
  hash,
  isProgram,
  makeProgram,
  parseProgram,
  programOpNames,
  programOps,
  rebind,
  runProgram,
  signatureOf,
  toJSON,
  toJSONString,
  toSource,
} from '../../../src/index.js';
import { OP } from '../../../src/programs/ops.js';
import { SCALAR_SIG, anyProgramArb, programArb } from './program-arbitrary.js';
import { errorOf } from '../../support/error-of.js';

const sig = { scalars: 4, inputs: { x: 's1' as const }, output: 's0' as const };

describe('the op table', () => {
  it('has every op with its arity, commutativity and a code matching the interpreter', () => {
    expect(programOpNames).toEqual(['add', 'sub', 'mul', 'div', 'min', 'max', 'neg', 'abs', 'sign', 'sqrt', 'square', 'exp', 'log', 'const']);
    for (const name of programOpNames) expect(programOps[name].code).toBe(OP[name]);
    expect(programOpNames.filter((n) => programOps[n].commutative)).toEqual(['add', 'mul', 'min', 'max']);
    expect(programOps.const.arity).toBe(0);
    expect(programOps.sqrt.arity).toBe(1);
    expect(programOps.div.fn(1, 0)).toBe(Infinity);
    expect(programOps.sqrt.fn(-1, 0)).toBeNaN();
  });
});

describe('Program and Instruction', () => {
  it('are symbolic values: JSON round trip, format, hash, rebind, build', () => {
    const p = parseProgram('s2 = 0.5\ns0 = s1 * s2\ns0 = max(s0, s2)', sig);
    expect(isProgram(p)).toBe(true);
    expect(p.args.instructions).toHaveLength(3);
    expect(format(p)).toBe(
      "pliant.Program(scalars=4, vectors=0, inputs={x: 's1'}, output='s0', instructions=[pliant.Instruction(op='const', out='s2', args=[], value=0.5), pliant.Instruction(op='mul', out='s0', args=['s1', 's2']), pliant.Instruction(op='max', out='s0', args=['s0', 's2'])])",
    );
    const json = toJSON(p);
    expect(json).toMatchObject({ $type: 'pliant.Program', scalars: 4, output: 's0' });
    const back = fromJSON(json);
    expect(eq(back, p)).toBe(true);
    expect(hash(back)).toBe(hash(p));
    const changed = rebind(p, { 'instructions[0].value': 2 }) as Program;
    expect(runProgram(changed, { x: 3 })).toBe(6);
    expect(runProgram(p, { x: 3 })).toBe(1.5);
    const f = build(p);
    expect(f({ x: 4 })).toBe(2);
  });

  it('round-trip through JSON for random programs (property)', () => {
    fc.assert(
      fc.property(anyProgramArb, (p) => {
        const back = fromJSONString(toJSONString(p));
        expect(eq(back, p)).toBe(true);
        expect(toJSONString(back)).toBe(toJSONString(p));
      }),
      { numRuns: 200 },
    );
  });

  it('text form: toSource prints each instruction and parseProgram reads it back (property)', () => {
    const p = parseProgram('s2 = -1.5e-3; s3 = s1 / s2; s3 = -s3; s0 = sqrt(s3); s0 = min(s0, s1)', sig);
    expect(toSource(p)).toBe(
      ['// inputs: x=s1 · 4 scalar, 0 vector registers', 's2 = -0.0015', 's3 = s1 / s2', 's3 = -s3', 's0 = sqrt(s3)', 's0 = min(s0, s1)', 'return s0'].join(
        '\n',
      ),
    );
    fc.assert(
      fc.property(anyProgramArb, (q) => {
        const again = parseProgram(toSource(q), signatureOf(q));
        expect(eq(again, q)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('makeProgram takes instruction tuples', () => {
    const p = makeProgram(sig, [
      ['const', 's2', 3],
      ['mul', 's0', 's1', 's2'],
    ]);
    expect(runProgram(p, { x: 2 })).toBe(6);
  });
});

describe('bad programs', () => {
  it('an unknown op names the API and the key path', () => {
    const e = errorOf(() => Instruction({ op: 'pow' as never, out: 's0', args: ['s1', 's2'] }));
    expect(e.api).toBe('pliant.Instruction');
    expect(e.path).toBe('op');
    expect(e.message).toMatch(/unknown op 'pow'/);
  });

  it('a wrong number of operands names the args', () => {
    const e = errorOf(() => Instruction({ op: 'add', out: 's0', args: ['s1'] }));
    expect(e.path).toBe('args');
    expect(e.message).toMatch(/add takes 2 operands, not 1/);
    expect(errorOf(() => Instruction({ op: 'const', out: 's0', args: [] })).message).toMatch(/needs a finite value/);
    expect(errorOf(() => Instruction({ op: 'const', out: 's0', args: [], value: Infinity })).path).toBe('value');
    expect(errorOf(() => Instruction({ op: 'neg', out: 's0', args: ['s1'], value: 1 })).message).toMatch(/only a const instruction has a value/);
    expect(errorOf(() => Instruction({ op: 'neg', out: 'r0' as never, args: ['s1'] })).path).toBe('out');
    expect(errorOf(() => Instruction({ op: 'neg', out: 's0', args: ['s01' as never] })).path).toBe('args[0]');
  });

  it('a register out of range names the instruction and operand', () => {
    const e = errorOf(() => makeProgram(sig, [['add', 's0', 's1', 's7']]));
    expect(e.api).toBe('makeProgram');
    expect(e.path).toBe('instructions[0].args[1]');
    expect(e.message).toMatch(/register s7 is out of range: the program has 4 scalar registers/);
    const direct = errorOf(() => Program({ ...sig, instructions: [Instruction({ op: 'neg', out: 'v0', args: ['s1'] })] }));
    expect(direct.api).toBe('pliant.Program');
    expect(direct.path).toBe('instructions[0].out');
  });

  it('a scalar computed from a vector, bad inputs and bad outputs are rejected', () => {
    const vsig = { scalars: 2, vectors: 2, inputs: { g: 'v0' as const }, output: 'v1' as const };
    const e = errorOf(() => makeProgram(vsig, [['add', 's0', 's1', 'v0']]));
    expect(e.path).toBe('instructions[0].args[1]');
    expect(e.message).toMatch(/cannot be computed from a vector/);
    expect(errorOf(() => makeProgram({ ...vsig, output: 'v2' }, [])).path).toBe('output');
    expect(errorOf(() => makeProgram({ ...vsig, inputs: { g: 'v0', h: 'v0' } }, [])).message).toMatch(/both loaded into v0/);
    expect(errorOf(() => makeProgram({ ...vsig, inputs: { '1x': 's0' } }, [])).path).toBe('inputs["1x"]');
    expect(errorOf(() => makeProgram({ scalars: 0, inputs: {}, output: 's0' }, [])).message).toMatch(/at least one register|out of range/);
  });

  it('fromJSON of a corrupted program names the key path', () => {
    const json = toJSON(parseProgram('s0 = s1 + s1', sig)) as { instructions: { op: string }[] };
    (json.instructions[0] as { op: string }).op = 'pow';
    const e = errorOf(() => fromJSON(json));
    expect(e.api).toBe('fromJSON');
    expect(e.path).toBe('instructions[0].op');
  });

  it('parseProgram names the line', () => {
    expect(errorOf(() => parseProgram('s0 = s1 + s1\ns0 = pow(s1)', sig)).message).toMatch(/line 2: unknown function 'pow'/);
    expect(errorOf(() => parseProgram('s0 = s1 ^ s1', sig)).message).toMatch(/line 1: cannot read/);
    expect(errorOf(() => parseProgram('s0 = 1\ns9 = s1 + s0', sig)).message).toMatch(/line 2: register s9 is out of range/);
    expect(errorOf(() => parseProgram('s0 = 1\nreturn s2', sig)).message).toMatch(/returns s0/);
    expect(errorOf(() => parseProgram('s0 = max(s1)', sig)).message).toMatch(/max takes 2/);
  });

  it('a generated program is valid under the Program schema (property)', () => {
    fc.assert(
      fc.property(programArb(SCALAR_SIG), (p) => {
        expect(() => Program(p.args)).not.toThrow();
      }),
      { numRuns: 50 },
    );
  });
});
