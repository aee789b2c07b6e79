import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EMPTY_GRAPH_HASH, edgeCellGraph, graphHash, nasbench101Hash, pruneGraph } from '../../../src/hashing/graph-hash.js';
import type { CellEdge, CellGraph, EdgeCell, GraphLabel } from '../../../src/hashing/graph-hash.js';
import { PliantError } from '../../../src/base/errors.js';
import { errorOf } from '../../support/error-of.js';

interface FixtureRecord {
  readonly hash: string;
  readonly adjacency: number[][];
  readonly ops: string[];
}
interface Fixture {
  readonly availableOps: string[];
  readonly records: FixtureRecord[];
}

const fixture = JSON.parse(readFileSync(new URL('../../../../shared/data/nasbench101-fixture.json', import.meta.url), 'utf8')) as Fixture;
const { availableOps, records } = fixture;

const md5 = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex');

/** The NAS-Bench-101 labelling of a record as a generic cell graph. */
function labelled(record: FixtureRecord): CellGraph {
  const labels = record.ops.map((op, v) => (v === 0 ? -1 : v === record.ops.length - 1 ? -2 : availableOps.indexOf(op)));
  return { adjacency: record.adjacency, labels };
}

/** The graph with vertex `order[p]` moved to position p (matrix and labels permuted together). */
function permute(graph: CellGraph, order: readonly number[]): CellGraph {
  return {
    adjacency: order.map((i) => order.map((j) => (graph.adjacency[i] as readonly number[])[j] as number)),
    labels: order.map((i) => graph.labels[i] as GraphLabel),
  };
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const recordIndex = fc.integer({ min: 0, max: records.length - 1 });
const rec = (i: number): FixtureRecord => records[i] as FixtureRecord;

describe('nasbench101Hash', () => {
  it('reproduces the official NAS-Bench-101 key of all 30 fixture records', () => {
    expect(records).toHaveLength(30);
    for (const record of records) {
      expect(nasbench101Hash(record.adjacency, record.ops, availableOps)).toBe(record.hash);
      expect(graphHash(labelled(record))).toBe(record.hash);
      // The stored matrices are already pruned, so pruning changes nothing.
      expect(graphHash(labelled(record), { prune: false })).toBe(record.hash);
    }
  });

  it('does not read the first and last ops, and rejects unknown ops and malformed input', () => {
    const r = rec(0);
    const ops = ['in', ...r.ops.slice(1, -1), 'out'];
    expect(nasbench101Hash(r.adjacency, ops, availableOps)).toBe(r.hash);
    const badOp = r.ops.slice();
    badOp[3] = 'conv5x5';
    expect(errorOf(() => nasbench101Hash(r.adjacency, badOp, availableOps)).message).toBe(
      `nasbench101Hash: at 'ops[3]': "conv5x5" is not one of availableOps ["conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3"]`,
    );
    expect(errorOf(() => nasbench101Hash(r.adjacency, r.ops.slice(1), availableOps)).path).toBe('ops');
    const badEntry = r.adjacency.map((row) => row.slice());
    (badEntry[2] as number[])[5] = 2;
    const e = errorOf(() => nasbench101Hash(badEntry, r.ops, availableOps));
    expect(e.api).toBe('nasbench101Hash');
    expect(e.path).toBe('adjacency[2][5]');
  });
});

describe('graphHash: isomorphism invariance', () => {
  it('is unchanged by any relabelling of the internal vertices (input first, output last)', () => {
    fc.assert(
      fc.property(
        recordIndex.chain((i) => {
          const n = rec(i).ops.length;
          return fc.tuple(fc.constant(i), fc.shuffledSubarray(range(n - 2), { minLength: n - 2, maxLength: n - 2 }));
        }),
        ([i, inner]) => {
          const r = rec(i);
          const n = r.ops.length;
          const order = [0, ...inner.map((v) => v + 1), n - 1];
          const g = permute(labelled(r), order);
          expect(graphHash(g)).toBe(r.hash);
          // The same through the NAS-Bench-101 entry point, and with op names as string labels.
          const ops = order.map((v) => r.ops[v] as string);
          expect(nasbench101Hash(g.adjacency, ops, availableOps)).toBe(r.hash);
          const named = { adjacency: g.adjacency, labels: ops };
          expect(graphHash(named)).toBe(graphHash({ adjacency: r.adjacency, labels: r.ops }));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('with {prune: false}, is unchanged by any permutation, input and output included', () => {
    fc.assert(
      fc.property(
        recordIndex.chain((i) => {
          const n = rec(i).ops.length;
          return fc.tuple(fc.constant(i), fc.shuffledSubarray(range(n), { minLength: n, maxLength: n }));
        }),
        ([i, order]) => {
          const r = rec(i);
          expect(graphHash(permute(labelled(r), order), { prune: false })).toBe(r.hash);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('graphHash: pruning', () => {
  /**
   * A record with `extra` dead vertices inserted at the given internal positions: each is a
   * `source` (edges out to some live vertices, never reached from the input) or a `sink` (edges in
   * from some live vertices, reaches no output), and sources may also feed sinks.
   */
  const deadArb = recordIndex.chain((i) => {
    const n = rec(i).ops.length;
    const dead = fc.record({
      kind: fc.constantFrom('source', 'sink'),
      label: fc.integer({ min: 0, max: 2 }),
      links: fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: n }),
      toSinks: fc.boolean(),
      position: fc.integer({ min: 1, max: n - 1 }),
    });
    return fc.tuple(fc.constant(i), fc.array(dead, { minLength: 1, maxLength: 4 }));
  });

  function withDead(
    i: number,
    extras: readonly { kind: string; label: number; links: number[]; toSinks: boolean; position: number }[],
  ): { graph: CellGraph; original: CellGraph } {
    const original = labelled(rec(i));
    const n = original.labels.length;
    const total = n + extras.length;
    // Build in the index space [original vertices..., extras...], then reorder.
    const adj = range(total).map(() => new Array<number>(total).fill(0));
    const labels: GraphLabel[] = [...original.labels];
    original.adjacency.forEach((row, a) => row.forEach((x, b) => ((adj[a] as number[])[b] = x)));
    extras.forEach((e, k) => {
      const v = n + k;
      labels.push(e.label);
      for (const u of e.links) {
        if (e.kind === 'source') (adj[v] as number[])[u] = 1;
        else (adj[u] as number[])[v] = 1;
      }
      if (e.kind === 'source' && e.toSinks) {
        extras.forEach((f, m) => {
          if (f.kind === 'sink') (adj[v] as number[])[n + m] = 1;
        });
      }
    });
    // Insert each extra before original vertex `position` (input stays first, output last).
    const order: number[] = [];
    for (let v = 0; v < n; v++) {
      extras.forEach((e, k) => {
        if (e.position === v) order.push(n + k);
      });
      order.push(v);
    }
    return { graph: permute({ adjacency: adj, labels }, order), original };
  }

  it('ignores dangling vertices (unreachable from the input, or not reaching the output)', () => {
    fc.assert(
      fc.property(deadArb, ([i, extras]) => {
        const { graph, original } = withDead(i, extras);
        expect(graphHash(graph)).toBe(rec(i).hash);
        // pruneGraph keeps the vertex order, so it gives back exactly the original cell.
        const pruned = pruneGraph(graph);
        expect(pruned).toEqual({ adjacency: original.adjacency, labels: original.labels });
        // Without pruning, the dead vertices count.
        expect(graphHash(graph, { prune: false })).not.toBe(rec(i).hash);
      }),
      { numRuns: 200 },
    );
  });

  it('gives the documented empty-graph value, md5("[]"), when the output is unreachable', () => {
    expect(EMPTY_GRAPH_HASH).toBe(md5('[]'));
    for (const r of records) {
      const adjacency = r.adjacency.map((row) => row.slice());
      const out = adjacency.length - 1;
      for (const row of adjacency) row[out] = 0;
      const g: CellGraph = { adjacency, labels: labelled(r).labels };
      expect(pruneGraph(g)).toBeUndefined();
      expect(graphHash(g)).toBe(EMPTY_GRAPH_HASH);
      expect(nasbench101Hash(adjacency, r.ops, availableOps)).toBe(EMPTY_GRAPH_HASH);
      expect(graphHash(g, { prune: false })).not.toBe(EMPTY_GRAPH_HASH);
    }
    expect(
      graphHash({
        adjacency: [
          [0, 0],
          [0, 0],
        ],
        labels: ['input', 'output'],
      }),
    ).toBe(EMPTY_GRAPH_HASH);
  });

  it('needs a DAG to prune, and names the cycle', () => {
    const adjacency = [
      [0, 1, 0, 0],
      [0, 0, 1, 0],
      [0, 1, 0, 1],
      [0, 0, 0, 0],
    ];
    const g: CellGraph = { adjacency, labels: [-1, 0, 1, -2] };
    const e = errorOf(() => graphHash(g));
    expect(e.api).toBe('graphHash');
    expect(e.path).toBe('adjacency');
    expect(e.message).toContain('1 → 2 → 1');
    expect(errorOf(() => pruneGraph(g)).api).toBe('pruneGraph');
    expect(
      errorOf(() =>
        graphHash({
          adjacency: [
            [0, 1, 0],
            [0, 1, 1],
            [0, 0, 0],
          ],
          labels: [-1, 0, -2],
        }),
      ).message,
    ).toContain('1 → 1');
    // Without pruning, hash_module is defined for any graph.
    expect(graphHash(g, { prune: false })).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('graphHash: different cells differ', () => {
  it('no two distinct fixture records collide', () => {
    const hashes = records.map((r) => graphHash(labelled(r)));
    expect(new Set(hashes).size).toBe(records.length);
  });

  it('changing one op, or removing one edge, changes the hash', () => {
    for (const r of records) {
      const g = labelled(r);
      const n = g.labels.length;
      for (let v = 1; v < n - 1; v++) {
        for (let op = 0; op < availableOps.length; op++) {
          if (op === g.labels[v]) continue;
          const labels = g.labels.slice();
          labels[v] = op;
          expect(graphHash({ adjacency: g.adjacency, labels })).not.toBe(r.hash);
        }
      }
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          if ((g.adjacency[i] as number[])[j] !== 1) continue;
          const adjacency = g.adjacency.map((row) => row.slice());
          (adjacency[i] as number[])[j] = 0;
          expect(graphHash({ adjacency, labels: g.labels })).not.toBe(r.hash);
        }
      }
    }
  });

  it('property: relabelled copies of two different records never share a hash', () => {
    const pair = fc.tuple(recordIndex, recordIndex).chain(([a, b]) => {
      const n = rec(b).ops.length;
      return fc.tuple(fc.constant(a), fc.constant(b), fc.shuffledSubarray(range(n - 2), { minLength: n - 2, maxLength: n - 2 }));
    });
    fc.assert(
      fc.property(pair, ([a, b, inner]) => {
        fc.pre(a !== b);
        const n = rec(b).ops.length;
        const moved = permute(labelled(rec(b)), [0, ...inner.map((v) => v + 1), n - 1]);
        expect(graphHash(moved)).not.toBe(graphHash(labelled(rec(a))));
      }),
      { numRuns: 200 },
    );
  });
});

describe('graphHash: labels enter as Python reprs', () => {
  it('hashes a string label with a quote exactly as Python would', () => {
    // input "it's" → output -2, one edge. Python: repr("it's") == '"it\'s"' (double quotes,
    // because the text holds a single quote and no double quote).
    const g: CellGraph = {
      adjacency: [
        [0, 1],
        [0, 0],
      ],
      labels: ["it's", -2],
    };
    let h0 = md5(`(1, 0, "it's")`); // str((out_degree, in_degree, label)) of vertex 0
    let h1 = md5('(0, 1, -2)');
    for (let round = 0; round < 2; round++) {
      // ''.join(sorted(in)) + '|' + ''.join(sorted(out)) + '|' + h
      [h0, h1] = [md5(`|${h1}|${h0}`), md5(`${h0}||${h1}`)];
    }
    const [a, b] = [h0, h1].sort();
    expect(graphHash(g, { prune: false })).toBe(md5(`['${a}', '${b}']`));
    expect(graphHash(g)).toBe(md5(`['${a}', '${b}']`));
  });

  it('uses single quotes otherwise, and escapes like Python', () => {
    const single = (label: GraphLabel, repr: string): void => {
      // A one-edge graph whose first vertex carries `label`: its initial hash is md5 of the tuple repr.
      const g: CellGraph = {
        adjacency: [
          [0, 1],
          [0, 0],
        ],
        labels: [label, 'out'],
      };
      let h0 = md5(`(1, 0, ${repr})`);
      let h1 = md5(`(0, 1, 'out')`);
      for (let round = 0; round < 2; round++) [h0, h1] = [md5(`|${h1}|${h0}`), md5(`${h0}||${h1}`)];
      expect(graphHash(g, { prune: false })).toBe(
        md5(
          `[${[h0, h1]
            .sort()
            .map((h) => `'${h}'`)
            .join(', ')}]`,
        ),
      );
    };
    single('conv', `'conv'`);
    single('a"b', `'a"b'`);
    single(`x'y"z`, `'x\\'y"z'`);
    single('back\\slash', `'back\\\\slash'`);
    single('tab\tnl\ncr\r', `'tab\\tnl\\ncr\\r'`);
    single('bell\u0007del\u007f', `'bell\\x07del\\x7f'`);
    single('nbsp\u00a0zwsp\u200bé😀', `'nbsp\\xa0zwsp\\u200bé😀'`);
    single(-7, '-7');
    single(-0, '0');
  });

  it('rejects labels Python would not print as an int or a str', () => {
    const g = (label: unknown): CellGraph => ({
      adjacency: [
        [0, 1],
        [0, 0],
      ],
      labels: [label as GraphLabel, -2],
    });
    for (const bad of [1.5, Number.NaN, 2 ** 60, true, null, {}]) {
      const e = errorOf(() => graphHash(g(bad)));
      expect(e.api).toBe('graphHash');
      expect(e.path).toBe('labels[0]');
    }
  });
});

describe('graphHash: validation', () => {
  it('names the API and the key path', () => {
    const labels = [-1, 0, -2];
    const check = (graph: unknown, path: string | undefined): void => {
      const e = errorOf(() => graphHash(graph as CellGraph));
      expect(e.api).toBe('graphHash');
      expect(e.code).toBe('argument');
      expect(e.path).toBe(path);
    };
    check(null, undefined);
    check({ labels }, 'adjacency');
    check({ adjacency: [[0]], labels: [0] }, 'adjacency');
    check(
      {
        adjacency: [
          [0, 1, 0],
          [0, 0, 1],
        ],
        labels,
      },
      'adjacency[0]',
    );
    check(
      {
        adjacency: [
          [0, 1, 0],
          [0, 0, 1],
          [0, 0],
        ],
        labels,
      },
      'adjacency[2]',
    );
    check(
      {
        adjacency: [
          [0, 1, 0],
          [0, 0, true],
          [0, 0, 0],
        ],
        labels,
      },
      'adjacency[1][2]',
    );
    check(
      {
        adjacency: [
          [0, 1, 0],
          [0, 0, 1],
          [0, 0, 0],
        ],
        labels: [-1, -2],
      },
      'labels',
    );
    check(
      {
        adjacency: [
          [0, 1, 0],
          [0, 0, 1],
          [0, 0, 0],
        ],
        labels: [-1, 0.5, -2],
      },
      'labels[1]',
    );
    const big = range(6).map(() => new Array<number>(6).fill(0));
    (big[2] as number[])[5] = 0.5;
    expect(errorOf(() => graphHash({ adjacency: big, labels: range(6) })).message).toBe(
      `graphHash: at 'adjacency[2][5]': an adjacency entry must be 0 or 1, found 0.5`,
    );
    expect(
      errorOf(() =>
        graphHash(
          {
            adjacency: [
              [0, 1],
              [0, 0],
            ],
            labels: [-1, -2],
          },
          { prune: 'yes' as unknown as boolean },
        ),
      ).path,
    ).toBe('prune');
  });
});

// ----------------------------------------------------------------------------------------------
// Edge-labelled cells (NAS-Bench-201)

const NB201_OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'] as const;
const NB201_EDGES = [
  [0, 1],
  [0, 2],
  [1, 2],
  [0, 3],
  [1, 3],
  [2, 3],
] as const;

/** The NAS-Bench-201 cell with these 6 ops, in edge order (0→1),(0→2),(1→2),(0→3),(1→3),(2→3). */
function nb201(ops: readonly string[]): EdgeCell {
  return { nodes: 4, edges: NB201_EDGES.map(([from, to], k) => ({ from, to, op: ops[k] as string })) };
}
const nb201Hash = (ops: readonly string[]): string => graphHash(edgeCellGraph(nb201(ops)));
const nb201Op = fc.constantFrom(...NB201_OPS);

describe('edgeCellGraph', () => {
  it('builds the vertex-labelled cell in topological order, input first and output last', () => {
    // |nor_conv_3x3~0|+|none~0|avg_pool_3x3~1|+|skip_connect~0|none~1|nor_conv_1x1~2|
    const g = edgeCellGraph(nb201(['nor_conv_3x3', 'none', 'avg_pool_3x3', 'skip_connect', 'none', 'nor_conv_1x1']));
    expect(g.labels).toEqual(['input', 'nor_conv_3x3', 'sum', 'avg_pool_3x3', 'sum', 'skip_connect', 'nor_conv_1x1', 'output']);
    const edges: [number, number][] = [];
    g.adjacency.forEach((row, i) => row.forEach((x, j) => x === 1 && edges.push([i, j])));
    expect(edges).toEqual([
      [0, 1], // input → nor_conv_3x3
      [0, 5], // input → skip_connect
      [1, 2], // nor_conv_3x3 → node 1
      [2, 3], // node 1 → avg_pool_3x3
      [3, 4], // avg_pool_3x3 → node 2
      [4, 6], // node 2 → nor_conv_1x1
      [5, 7], // skip_connect → output
      [6, 7], // nor_conv_1x1 → output
    ]);
    for (const [i, j] of edges) expect(i).toBeLessThan(j);
    const custom = edgeCellGraph(nb201(['nor_conv_3x3', 'none', 'avg_pool_3x3', 'skip_connect', 'none', 'nor_conv_1x1']), {
      inputLabel: -1,
      outputLabel: -2,
      sumLabel: 'add',
      zero: ['none'],
    });
    expect(custom.labels).toEqual([-1, 'nor_conv_3x3', 'add', 'avg_pool_3x3', 'add', 'skip_connect', 'nor_conv_1x1', -2]);
  });

  it('hashes cells that differ only in dead edges equal', () => {
    fc.assert(
      fc.property(fc.array(nb201Op, { minLength: 6, maxLength: 6 }), nb201Op, nb201Op, (ops, a, b) => {
        // Node 1 gets no input: edges 1→2 and 1→3 are dead, whatever their ops.
        const cut = ops.slice();
        cut[0] = 'none';
        const other = cut.slice();
        other[2] = a;
        other[4] = b;
        expect(nb201Hash(other)).toBe(nb201Hash(cut));
        // Node 2 feeds nothing: edges 0→2 and 1→2 are dead.
        const sink = ops.slice();
        sink[5] = 'none';
        const other2 = sink.slice();
        other2[1] = a;
        other2[2] = b;
        expect(nb201Hash(other2)).toBe(nb201Hash(sink));
      }),
      { numRuns: 300 },
    );
  });

  it('hashes cells that differ by a swap of the two intermediate nodes equal', () => {
    fc.assert(
      fc.property(fc.array(nb201Op, { minLength: 6, maxLength: 6 }), (ops) => {
        // With no edge 1→2, nodes 1 and 2 are interchangeable: swap (0→1)↔(0→2) and (1→3)↔(2→3).
        const [e01, e02, , e03, e13, e23] = ops as [string, string, string, string, string, string];
        const cell = [e01, e02, 'none', e03, e13, e23];
        const swapped = [e02, e01, 'none', e03, e23, e13];
        expect(nb201Hash(swapped)).toBe(nb201Hash(cell));
      }),
      { numRuns: 300 },
    );
    // And the edge order given does not matter.
    const cell = nb201(['nor_conv_3x3', 'skip_connect', 'avg_pool_3x3', 'nor_conv_1x1', 'none', 'skip_connect']);
    const reversed: EdgeCell = { nodes: 4, edges: cell.edges.slice().reverse() };
    expect(graphHash(edgeCellGraph(reversed))).toBe(graphHash(edgeCellGraph(cell)));
  });

  it('keeps different live cells apart (a live op changed)', () => {
    const base = ['nor_conv_3x3', 'nor_conv_3x3', 'nor_conv_3x3', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3'];
    for (let k = 0; k < 6; k++) {
      for (const op of NB201_OPS) {
        if (op === base[k]) continue;
        const ops = base.slice();
        ops[k] = op;
        expect(nb201Hash(ops)).not.toBe(nb201Hash(base));
      }
    }
  });

  it("the NAS-Bench-201 best cell's graph hash is unique among all 5^6 op tuples", () => {
    // |nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|
    const best = ['nor_conv_3x3', 'nor_conv_3x3', 'nor_conv_3x3', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3'];
    const target = nb201Hash(best);
    const classes = new Map<string, number>();
    const same: string[][] = [];
    for (let code = 0; code < 5 ** 6; code++) {
      const ops: string[] = [];
      for (let k = 0, x = code; k < 6; k++, x = Math.floor(x / 5)) ops.push(NB201_OPS[x % 5] as string);
      const h = nb201Hash(ops);
      classes.set(h, (classes.get(h) ?? 0) + 1);
      if (h === target) same.push(ops);
    }
    expect(same).toEqual([best]);
    // Our number of graph-hash classes of the 15,625 tuples (the NB201 paper's 6,466 "unique
    // topologies" come from a different, coarser equivalence); 341 tuples compute nothing.
    expect(classes.size).toBe(8765);
    expect(classes.get(EMPTY_GRAPH_HASH)).toBe(341);
  });

  it('rejects malformed cells, naming edgeCellGraph and the key path', () => {
    const edges: CellEdge[] = nb201(['skip_connect', 'skip_connect', 'skip_connect', 'skip_connect', 'skip_connect', 'skip_connect']).edges.slice();
    const check = (cell: unknown, path: string | undefined, options?: unknown): PliantError => {
      const e = errorOf(() => edgeCellGraph(cell as EdgeCell, options as object));
      expect(e.api).toBe('edgeCellGraph');
      expect(e.code).toBe('argument');
      expect(e.path).toBe(path);
      return e;
    };
    const withEdge = (k: number, edge: unknown): EdgeCell => {
      const list: unknown[] = edges.slice();
      list[k] = edge;
      return { nodes: 4, edges: list as CellEdge[] };
    };
    check(undefined, undefined);
    check({ nodes: 1, edges: [] }, 'nodes');
    check({ nodes: 2.5, edges: [] }, 'nodes');
    check({ nodes: 4 }, 'edges');
    check(withEdge(3, null), 'edges[3]');
    expect(check(withEdge(3, { from: 2, to: 1, op: 'skip_connect' }), 'edges[3].to').message).toBe(
      `edgeCellGraph: at 'edges[3].to': an edge must go forward (from < to), found 2 → 1`,
    );
    check(withEdge(3, { from: 0, to: 4, op: 'skip_connect' }), 'edges[3].to');
    check(withEdge(3, { from: 1, to: 1, op: 'skip_connect' }), 'edges[3].to');
    check(withEdge(3, { from: -1, to: 3, op: 'skip_connect' }), 'edges[3].from');
    check(withEdge(3, { from: 3, to: 3, op: 'skip_connect' }), 'edges[3].from');
    check(withEdge(3, { from: 0, to: 3, op: 1.5 }), 'edges[3].op');
    check(withEdge(3, { from: 0, to: 3 }), 'edges[3].op');
    check(withEdge(3, { from: 0, to: 3, op: 'sum' }), 'edges[3].op');
    check({ nodes: 4, edges }, 'zero', { zero: 'none' });
    check({ nodes: 4, edges }, 'zero[0]', { zero: [null] });
    // A zero op that is also a structural label is fine: zero edges make no vertex.
    expect(edgeCellGraph({ nodes: 2, edges: [{ from: 0, to: 1, op: 'sum' }] }, { zero: ['sum'] }).labels).toEqual(['input', 'output']);
  });

  it('supports parallel edges and integer op labels', () => {
    const g = edgeCellGraph(
      {
        nodes: 2,
        edges: [
          { from: 0, to: 1, op: 3 },
          { from: 0, to: 1, op: 2 },
          { from: 0, to: 1, op: 0 },
        ],
      },
      { zero: [0] },
    );
    expect(g.labels).toEqual(['input', 3, 2, 'output']);
    const swapped = edgeCellGraph({
      nodes: 2,
      edges: [
        { from: 0, to: 1, op: 2 },
        { from: 0, to: 1, op: 3 },
      ],
    });
    expect(graphHash(swapped)).toBe(graphHash(g));
  });
});
