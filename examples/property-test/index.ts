/**
 * Property-testing your own search space with pliant/testing and fast-check: every model the
 * space can produce is checked, and a property that does not hold is reported with a small
 * counter-example and the DNA that selects it. Run with `npm run example:property-test`
 * after `npm run build`.
 */
import fc from 'fast-check';
import { z } from 'zod';
import { build, floatv, intv, manyOf, materialize, nodeSchema, oneOf, symbolize } from 'pliant';
import { arbitrary, arbitraryWithDNA } from 'pliant/testing';

interface Layer {
  readonly units: number;
  readonly act: string;
}

const Dense = symbolize('example.Dense', (a: { units: number; act?: string }): Layer => ({ units: a.units, act: a.act ?? 'relu' }), {
  schema: z.object({ units: z.number().int().positive(), act: z.string().default('relu') }),
});
const Mlp = symbolize('example.Mlp', (a: { hidden: Layer[]; output: Layer; dropout: number }) => ({ layers: [...a.hidden, a.output], dropout: a.dropout }), {
  schema: z.object({ hidden: z.array(nodeSchema(Dense)), output: nodeSchema(Dense), dropout: z.number().min(0).max(1) }),
});

// Two hidden layers (repeats allowed), each a fixed-width block or a free width; a 10-way output.
const space = Mlp({
  hidden: manyOf(2, [Dense({ units: oneOf([32, 64, 128]) }), Dense({ units: intv(8, 256), act: oneOf(['relu', 'gelu']) }), Dense({ units: 16, act: 'tanh' })], {
    distinct: false,
  }),
  output: Dense({ units: 10, act: 'softmax' }),
  dropout: floatv(0, 0.5),
});

// 1. A property that holds: every model ends in a 10-way softmax, after exactly two hidden layers.
fc.assert(
  fc.property(arbitrary(space), (mlp) => {
    const net = build(mlp);
    const out = net.layers[net.layers.length - 1];
    return net.layers.length === 3 && out?.units === 10 && out.act === 'softmax' && net.dropout >= 0 && net.dropout <= 0.5;
  }),
  { numRuns: 300, seed: 1 },
);
console.log('holds: every model has a 10-unit softmax output after 2 hidden layers (300 models)');

// 2. A belief that is wrong: "no hidden layer is wider than 128". fast-check finds a model that
//    breaks it and shrinks it (first candidates, smallest numbers) before reporting it.
const run = fc.check(
  fc.property(arbitraryWithDNA(space), (sample) => build(sample.value).layers.every((l) => l.units <= 128)),
  { numRuns: 300, seed: 1 },
);
const counterexample = run.counterexample?.[0];
if (counterexample === undefined) throw new Error('expected the belief to fail');
console.log(`fails: a hidden layer can be wider than 128, e.g. ${String(counterexample)}`);
// The DNA replays the counter-example.
console.log('replayed from its DNA:', String(materialize(space, counterexample.dna)) === String(counterexample.value));

// 3. Fix some decisions and test the rest: with both hidden layers fixed to the free-width block,
//    every model still builds and its widths stay in [8, 256].
fc.assert(
  fc.property(arbitrary(space, { fixed: { hidden: [1, 1] } }), (mlp) =>
    build(mlp)
      .layers.slice(0, 2)
      .every((l) => l.units >= 8 && l.units <= 256),
  ),
  { numRuns: 100, seed: 1 },
);
console.log('holds: with hidden fixed to [1, 1], every width is in [8, 256] (100 models)');
