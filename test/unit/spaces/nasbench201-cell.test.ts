import { describe, expect, it } from 'vitest';
import { PliantError, build, dnaSpec, edgeCellGraph, encode, format, functionalHash, graphHash, loadTf, materialize, modelProbe, sampleRandom } from 'pliant';
import type * as Tfjs from '@tensorflow/tfjs';
import {
  NB201_EDGES,
  NB201_NODES,
  NB201_OPS,
  nb201Arch,
  nb201Candidate,
  nb201CellGraph,
  nb201Space,
  parseNb201Arch,
} from '../../../spaces/nasbench201-cell.js';
import type { Nb201Op } from '../../../spaces/nasbench201-cell.js';
import { trainCandidate } from '../../../spaces/model-candidate.js';
import type { ModelCandidate } from '../../../spaces/model-candidate.js';
import { thrown } from '../../support/error-of.js';
import { useMnistSubset } from './mnist-subset.js';

/** Small and fast: 8 channels on a 14 × 14 map (the stem has stride 2). */
const SMALL = { channels: 8, stemStrides: 2 } as const;
const ARCH = '|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|';

const mnist = useMnistSubset(300, 100);
const errorOf = (f: () => unknown): PliantError => thrown(f) as PliantError;

const probe = modelProbe();
const probeHash = (arch: string): Promise<string | undefined> => functionalHash(nb201Candidate(arch, SMALL), probe) as Promise<string | undefined>;
const cellHash = (arch: string): string =>
  graphHash(edgeCellGraph({ nodes: NB201_NODES, edges: NB201_EDGES.map(([from, to], k) => ({ from, to, op: parseNb201Arch(arch)[k] as string })) }));

describe('spaces/nasbench201-cell', () => {
  it('has the canonical ops and edges, and reads and writes arch strings', () => {
    expect(NB201_OPS).toEqual(['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3']);
    // the order of bench/hashing.bench.ts and test/unit/hashing/graph-hash.test.ts: node by node, by source
    expect(NB201_EDGES).toEqual([
      [0, 1],
      [0, 2],
      [1, 2],
      [0, 3],
      [1, 3],
      [2, 3],
    ]);
    expect(parseNb201Arch(ARCH)).toEqual(['nor_conv_3x3', 'nor_conv_1x1', 'avg_pool_3x3', 'skip_connect', 'nor_conv_3x3', 'skip_connect']);
    expect(nb201Arch(parseNb201Arch(ARCH))).toBe(ARCH);
    expect(errorOf(() => parseNb201Arch('|nor_conv_3x3~0|+|none~0|')).message).toMatch(/^parseNb201Arch: 2 node group\(s\) instead of 3/);
    expect(errorOf(() => parseNb201Arch('|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|')).message).toMatch(/unknown op "conv"/);
    expect(errorOf(() => parseNb201Arch('|none~0|+|none~1|none~0|+|none~0|none~1|none~2|')).message).toMatch(/node 2's input "none~1" should come from node 0/);
    expect(errorOf(() => nb201Candidate(['none'] as Nb201Op[])).message).toMatch(/^nb201Candidate: at 'ops': a cell has 6 edge ops, found 1/);
  });

  it('is six oneOf(NB201_OPS) decisions whose DNA is the op encoding; an arch string gives the same candidate', () => {
    const space = nb201Space(SMALL);
    const spec = dnaSpec(space);
    expect(spec.decisionIds).toEqual(['model.ops[0]', 'model.ops[1]', 'model.ops[2]', 'model.ops[3]', 'model.ops[4]', 'model.ops[5]']);
    expect(spec.spaceSize).toBe(5 ** 6);
    const candidate = nb201Candidate(ARCH, SMALL);
    expect(encode(space, candidate).toString()).toBe('DNA([3, 2, 4, 1, 3, 1])');
    expect(
      format(materialize(space, { 'model.ops[0]': 3, 'model.ops[1]': 2, 'model.ops[2]': 4, 'model.ops[3]': 1, 'model.ops[4]': 3, 'model.ops[5]': 1 })),
    ).toBe(format(candidate));
    expect(format(candidate.model)).toBe(
      "pliant.spaces.nb201Network(ops=['nor_conv_3x3', 'nor_conv_1x1', 'avg_pool_3x3', 'skip_connect', 'nor_conv_3x3', 'skip_connect'], inputShape=[28, 28, 1], classes=10, channels=8, stemStrides=2)",
    );
  });

  it('builds the cell as a graph that keeps its input shape, with the ops as layers', async () => {
    const { tf } = await loadTf({ log: false });
    const cell = build(nb201CellGraph(parseNb201Arch(ARCH), { inputShape: [6, 6, 4] }), { seed: 1 });
    try {
      expect(cell.outputs[0]?.shape).toEqual([null, 6, 6, 4]);
      const classes = cell.layers.map((l) => l.getClassName()).sort();
      expect(classes).toEqual(['Add', 'Add', 'AveragePooling2D', 'InputLayer', 'PliantReluConvBn', 'PliantReluConvBn', 'PliantReluConvBn']);
      // conv 3x3 (4·4·9) and 1x1 (4·4) kernels, each with a BN's γ, β, mean, variance (4·4)
      expect(cell.countParams()).toBe(2 * (144 + 16) + (16 + 16));
    } finally {
      cell.dispose();
    }
    const none = build(nb201CellGraph(parseNb201Arch('|none~0|+|none~0|none~1|+|none~0|none~1|none~2|'), { inputShape: [4, 4, 2] }));
    const x = tf.ones([1, 4, 4, 2]);
    const y = none.predict(x) as Tfjs.Tensor;
    expect(Array.from(await y.data()).every((v) => v === 0)).toBe(true);
    tf.dispose([x, y]);
    none.dispose();
  });

  it('trains a random candidate and a fixed one for an epoch on real MNIST digits', async () => {
    const { tf } = await loadTf({ log: false });
    const [random] = sampleRandom(nb201Space(SMALL), { seed: 5, n: 1 });
    const metrics = await trainCandidate(random as ModelCandidate, mnist().train, { epochs: 1, validation: 0.2, test: mnist().test, seed: 1 });
    expect(metrics.epochs).toBe(1);
    expect(metrics.testAccuracy).toBeGreaterThanOrEqual(0);
    // a cell with no dead node leaves no tensor behind (one with a dead node leaks the dead layers'
    // weights today: `graph` applies the layers into a dead node, then leaves them out of the model)
    const before = tf.memory().numTensors;
    const losses: number[] = [];
    const fixed = await trainCandidate(nb201Candidate(ARCH, SMALL), mnist().train, {
      epochs: 3,
      validation: 0.2,
      test: mnist().test,
      seed: 1,
      onEpoch: (m) => void losses.push(m.loss),
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(fixed.params).toBe(1538);
    // it learns (slowly: a one-cell, 8-channel network behind global pooling; 74% after 5 epochs on 2,000 digits at 16 channels)
    expect(losses[2]).toBeLessThan(losses[0] as number);
  }, 120_000);

  it('stacks stages with reduction blocks that halve the resolution and double the channels', async () => {
    const { tf } = await loadTf({ log: false });
    const ops = parseNb201Arch(ARCH);
    const model = build(nb201Candidate(ops, { ...SMALL, stages: 3 }).model, { seed: 1 });
    const one = build(nb201Candidate(ops, SMALL).model, { seed: 1 });
    try {
      // The sums (cell nodes 2 and 3, the reduction blocks' outputs) in order: 14 × 14 × 8, then 7 × 7 × 16, then 4 × 4 × 32.
      const sums = model.layers.filter((l) => l.getClassName() === 'Add').map((l) => (l.outputShape as number[]).slice(1).join('x'));
      expect(sums).toEqual(['14x14x8', '14x14x8', '7x7x16', '7x7x16', '7x7x16', '4x4x32', '4x4x32', '4x4x32']);
      expect(model.outputs[0]?.shape).toEqual([null, 10]);
      // one stage: no reduction block, the network of before
      expect(one.layers.filter((l) => l.getClassName() === 'Add').length).toBe(2);
      expect(one.countParams()).toBe(1538);
      const x = tf.ones([2, 28, 28, 1]);
      const y = model.predict(x) as Tfjs.Tensor;
      expect(y.shape).toEqual([2, 10]);
      tf.dispose([x, y]);
    } finally {
      model.dispose();
      one.dispose();
    }
    expect(errorOf(() => nb201Candidate(ARCH, { ...SMALL, stages: 0 }).model).message).toMatch(/stages/);
  });

  it('hashes cells that differ only in pruned edges alike under modelProbe, and different cells apart', async () => {
    // node 1 is dead (no edge out of it): the op into it does not matter
    const deadA = '|nor_conv_1x1~0|+|nor_conv_3x3~0|none~1|+|skip_connect~0|none~1|nor_conv_3x3~2|';
    const deadB = '|none~0|+|nor_conv_3x3~0|none~1|+|skip_connect~0|none~1|nor_conv_3x3~2|';
    const deadC = '|skip_connect~0|+|nor_conv_3x3~0|none~1|+|skip_connect~0|none~1|nor_conv_3x3~2|';
    // node 1 is unreachable (no edge into it): a skip out of it carries nothing
    const unreachable = '|none~0|+|nor_conv_3x3~0|skip_connect~1|+|skip_connect~0|skip_connect~1|nor_conv_3x3~2|';
    for (const arch of [deadA, deadC, unreachable]) {
      expect(cellHash(arch)).toBe(cellHash(deadB)); // NAS-Bench-101's graph hash agrees
      expect(await probeHash(arch), arch).toBe(await probeHash(deadB));
    }
    const others = [
      '|none~0|+|nor_conv_3x3~0|none~1|+|skip_connect~0|none~1|nor_conv_1x1~2|', // another op on a live edge
      '|none~0|+|nor_conv_3x3~0|none~1|+|avg_pool_3x3~0|none~1|nor_conv_3x3~2|',
      '|none~0|+|nor_conv_3x3~0|none~1|+|none~0|none~1|nor_conv_3x3~2|', // an edge removed
      '|nor_conv_3x3~0|+|nor_conv_3x3~0|none~1|+|skip_connect~0|skip_connect~1|nor_conv_3x3~2|', // node 1 made live
      ARCH,
    ];
    const hashes = await Promise.all([deadB, ...others].map(probeHash));
    expect(new Set(hashes).size).toBe(hashes.length);
    for (const arch of others) expect(cellHash(arch)).not.toBe(cellHash(deadB));
  });
});
