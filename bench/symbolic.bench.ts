/**
 * Symbolic operations on the experiment space of ../shared/bench/PROBLEMS.md §1 with concrete
 * values (10,000 experiments from a seeded generator). Prints JSON lines; `anchor_ops_per_sec`
 * is PyGlove 0.5.0's rate from ../shared/bench/ANCHORS.md and `x_anchor` our rate over it.
 */
import { fromJSON, fromJSONString, hash, rebind, toJSON, toJSONString } from '../src/index.js';
import type { SymbolicNode } from '../src/index.js';
import { drawExperiments } from './lib/experiment.js';
import { emit, measure, sig } from './lib/harness.js';

const N = 10_000;

function line(bench: string, n: number, rate: number, anchor?: number, extra: Record<string, unknown> = {}): void {
  emit({
    bench,
    n,
    ops_per_sec: sig(rate),
    ...(anchor === undefined ? {} : { anchor_ops_per_sec: anchor, x_anchor: sig(rate / anchor) }),
    ...extra,
  });
}

export function run(): void {
  // Build 10,000 concrete experiments (every node validated by its zod schema).
  let seed = 0;
  const buildRate = measure(1, () => drawExperiments(N, seed++), { rounds: 5 }) * N;
  line('build-tree', N, buildRate, 99.6, { note: 'concrete experiment tree; the anchor builds the space with hyper values' });

  // Hash fresh (never hashed) trees, then the same trees again (memoised).
  let fresh: SymbolicNode[] = [];
  const hashRate = measure(N, (i) => hash(fresh[i] as SymbolicNode), { setup: () => (fresh = drawExperiments(N, 1000 + seed++)) });
  line('hash', N, hashRate, 25_700, { note: 'first hash of freshly built trees' });
  const warm = drawExperiments(N, 77);
  for (const t of warm) hash(t);
  line('hash-memo', N, measure(N, (i) => hash(warm[i] as SymbolicNode)), 25_700, { note: 'trees hashed before' });

  const trees = drawExperiments(N, 42);
  line('json-roundtrip', N, measure(N, (i) => fromJSON(toJSON(trees[i] as SymbolicNode))), 890);
  const bytes = trees.reduce((s, t) => s + toJSONString(t).length, 0) / N;
  line('json-roundtrip-string', N, measure(N, (i) => fromJSONString(toJSONString(trees[i] as SymbolicNode))), 856, {
    mean_bytes: Math.round(bytes),
  });
  const plain = trees.map((t) => JSON.parse(toJSONString(t)) as unknown);
  line('baseline-json-parse-stringify', N, measure(N, (i) => JSON.parse(JSON.stringify(plain[i]))), undefined, {
    note: 'plain JSON.parse(JSON.stringify(x)) of the same documents: the floor of any JSON round trip',
  });

  const [start] = drawExperiments(1, 5, true) as [SymbolicNode];
  let t: SymbolicNode = start;
  line('rebind', N, measure(N, (i) => (t = rebind(t, 'model.stem.kernel', i % 2 === 0 ? 5 : 3))), 17_000, {
    note: "rebind(tree, 'model.stem.kernel', 3|5), validated",
  });
  let u: SymbolicNode = start;
  line('rebind-recipe', N, measure(N, (i) => (u = rebind(u, (d) => {
    (d.args as unknown as { model: { args: { stem: { args: { kernel: number } } } } }).model.args.stem.args.kernel = i % 2 === 0 ? 5 : 3;
  }))), 17_000, { note: 'the same change through an immer recipe' });
  let v: SymbolicNode = start;
  line('rebind+hash', N, measure(N, (i) => hash((v = rebind(v, 'model.stem.kernel', i % 2 === 0 ? 5 : 3)))), undefined, {
    note: 'rebind then hash: only the changed path is hashed again',
  });
}
