/**
 * Symbolic operations on the experiment space of ../shared/bench/PROBLEMS.md §1 with concrete
 * values (10,000 experiments from a seeded generator). `anchor_ops_per_sec` is PyGlove 0.5.0's
 * rate for the same operation on this machine kind (../shared/bench/ANCHORS.md) and `x_anchor`
 * our rate over it.
 */
import { fromJSON, fromJSONString, hash, rebind, toJSON, toJSONString } from 'pliant';
import type { SymbolicNode } from 'pliant';
import { drawExperiments } from './lib/experiment.js';
import { line, measure } from './lib/harness.js';

const N = 10_000;

const kernel = (i: number): number => (i % 2 === 0 ? 5 : 3);

/** The cases, each run in a fresh process by bench/run.ts. */
export const cases: Record<string, () => void> = {
  'build-tree'() {
    let seed = 0;
    const rate = measure(1, () => drawExperiments(N, seed++), { rounds: 7, warmupMs: 200 }) * N;
    line('build-tree', N, rate, 99.6, { note: 'draw and build a concrete experiment, every node validated; the anchor builds the space with hyper values' });
  },
  hash() {
    let fresh: SymbolicNode[] = [];
    let seed = 1000;
    const rate = measure(N, (i) => hash(fresh[i] as SymbolicNode), { setup: () => (fresh = drawExperiments(N, seed++)) });
    line('hash', N, rate, 25_700, { note: 'first hash of freshly built trees (nothing memoised)' });
  },
  'hash-memo'() {
    const warm = drawExperiments(N, 77);
    for (const t of warm) hash(t);
    line(
      'hash-memo',
      N,
      measure(N, (i) => hash(warm[i] as SymbolicNode)),
      25_700,
      { note: 'trees hashed before: the memoised digest' },
    );
  },
  'json-roundtrip'() {
    const trees = drawExperiments(N, 42);
    line(
      'json-roundtrip',
      N,
      measure(N, (i) => fromJSON(toJSON(trees[i] as SymbolicNode))),
      890,
      { note: 'toJSON + fromJSON (validating)' },
    );
  },
  'json-roundtrip-string'() {
    const trees = drawExperiments(N, 42);
    const bytes = trees.reduce((s, t) => s + toJSONString(t).length, 0) / N;
    line(
      'json-roundtrip-string',
      N,
      measure(N, (i) => fromJSONString(toJSONString(trees[i] as SymbolicNode))),
      856,
      {
        mean_bytes: Math.round(bytes),
      },
    );
  },
  'baseline-json-parse-stringify'() {
    const plain = drawExperiments(N, 42).map((t) => JSON.parse(toJSONString(t)) as unknown);
    line(
      'baseline-json-parse-stringify',
      N,
      measure(N, (i) => JSON.parse(JSON.stringify(plain[i]))),
      undefined,
      {
        note: 'plain JSON.parse(JSON.stringify(x)) of the same documents: the floor of any JSON round trip',
      },
    );
  },
  rebind() {
    const [start] = drawExperiments(1, 5, true) as [SymbolicNode];
    let t: SymbolicNode = start;
    line(
      'rebind',
      N,
      measure(N, (i) => (t = rebind(t, 'model.stem.kernel', kernel(i)))),
      17_000,
      {
        note: "rebind(tree, 'model.stem.kernel', 3|5), validated",
      },
    );
  },
  'rebind-recipe'() {
    const [start] = drawExperiments(1, 5, true) as [SymbolicNode];
    let u: SymbolicNode = start;
    const rate = measure(
      N,
      (i) =>
        (u = rebind(u, (d) => {
          (d.args as unknown as { model: { args: { stem: { args: { kernel: number } } } } }).model.args.stem.args.kernel = kernel(i);
        })),
    );
    line('rebind-recipe', N, rate, 17_000, { note: 'the same change through an immer recipe' });
  },
  'rebind+hash'() {
    const [start] = drawExperiments(1, 5, true) as [SymbolicNode];
    let v: SymbolicNode = start;
    line(
      'rebind+hash',
      N,
      measure(N, (i) => hash((v = rebind(v, 'model.stem.kernel', kernel(i))))),
      undefined,
      {
        note: 'rebind then hash: only the changed path is hashed again',
      },
    );
  },
  'mixed-workload'() {
    // All operations interleaved in one process (profiles shared, as in a real search).
    const trees = drawExperiments(N, 9, true);
    const rate = measure(N, (i) => {
      const t = rebind(trees[i] as SymbolicNode, 'model.stem.kernel', kernel(i));
      return hash(fromJSON(toJSON(t)));
    });
    line('mixed-workload', N, rate, undefined, { note: 'rebind + toJSON + fromJSON + hash of a fresh tree per operation' });
  },
};
