/**
 * A first search in seconds, without TensorFlow.js: a small model space, searched by regularized
 * evolution against a synthetic objective; every trial goes to the study's journal file under
 * `.pliant/studies`, so running it again resumes the study (and finds it done). Run with
 * `npm run example:quickstart`. (The README's main job, `npm start`, is `examples/mnist`.)
 */
import { z } from 'zod';
import { floatv, format, fromJSON, get, intv, manyOf, nodeSchema, oneOf, regularizedEvolution, search, symbolize } from 'pliant';
import type { TreeValue } from 'pliant';

const Conv = symbolize('demo.Conv', (a: { filters: number; kernel: number }) => a, {
  schema: z.object({ filters: z.number().int().positive(), kernel: z.number().int().positive() }),
});
const Net = symbolize('demo.Net', (a: { stem: unknown; blocks: string[]; depth: number; dropout: number }) => a, {
  schema: z.object({ stem: nodeSchema(Conv), blocks: z.array(z.string()), depth: z.number().int(), dropout: z.number().min(0).max(1) }),
});
const Adam = symbolize('demo.Adam', (a: { lr: number }) => a, { schema: z.object({ lr: z.number().positive() }) });
const Experiment = symbolize('demo.Experiment', (a: { model: unknown; optimizer: unknown; batchSize: number }) => a, {
  schema: z.object({ model: nodeSchema(Net), optimizer: nodeSchema(Adam), batchSize: z.number().int() }),
});

const space = Experiment({
  model: Net({
    stem: Conv({ filters: oneOf([16, 32, 64]), kernel: oneOf([3, 5]) }),
    blocks: manyOf(2, ['conv3x3', 'conv5x5', 'maxpool', 'identity']),
    depth: intv(1, 8),
    dropout: floatv(0, 0.5),
  }),
  optimizer: Adam({ lr: floatv(1e-4, 1e-1, { scale: 'log', name: 'lr' }) }),
  batchSize: oneOf([32, 64, 128, 256]),
});

// A stand-in for training: best at filters 64, kernel 3, conv3x3 first, depth 8, no dropout, lr 3e-3, batch 128.
function objective(e: TreeValue): number {
  const at = <T>(path: string): T => get(e, path) as T;
  return (
    at<number>('model.stem.filters') / 64 +
    (at<number>('model.stem.kernel') === 3 ? 0.2 : 0) +
    (at<string[]>('model.blocks')[0] === 'conv3x3' ? 0.25 : 0) +
    at<number>('model.depth') / 8 -
    at<number>('model.dropout') -
    Math.abs(Math.log10(at<number>('optimizer.lr')) + 2.5) -
    Math.abs(Math.log2(at<number>('batchSize')) - 7) / 10
  );
}

const study = process.argv[2] ?? 'quickstart';
const started = Date.now();
const result = await search(space, (candidate) => objective(candidate), {
  numTrials: 500,
  study,
  seed: 1,
  algorithm: regularizedEvolution({ populationSize: 50, tournamentSize: 10, seed: 1 }),
});
const best = result.best;
console.log(`study '${result.study}': ${result.trials.length} trials (${result.completed.length} completed) in ${Date.now() - started} ms`);
if (best !== undefined) {
  console.log(`best objective ${result.objective(best).toFixed(4)} (maximum 2.45) at trial ${best.number}, DNA ${best.dna.toString()}`);
  console.log(format(fromJSON(best.candidate), { indent: 2 }));
}
console.log('run again to resume the study: completed trials are kept, nothing is re-run');
