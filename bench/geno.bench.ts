/**
 * Search-space operations on the experiment space of ../shared/bench/PROBLEMS.md §1 with hyper
 * values (bench/lib/experiment-space.ts): build the space, its DNASpec, random candidates,
 * decoding fixed DNAs, and iterating the 4,860-point grid space. `anchor_ops_per_sec` is
 * PyGlove 0.5.0's rate for the same operation on this machine kind (../shared/bench/ANCHORS.md)
 * and `x_anchor` our rate over it.
 */
import { DNA, dnaSpec, eq, iterate, materialize, prepare, randomDNA, seededRng } from 'pliant';
import type { SymbolicNode } from 'pliant';
import { EXPERIMENT_SPACE_FIRST_DNA, EXPERIMENT_SPACE_IDS, GRID_SPACE_SIZE, experimentSpace, gridSpace } from './lib/experiment-space.js';
import { line, measure } from './lib/harness.js';

const N_BUILD = 1_000;
const N = 10_000;

/** `count` random DNAs of the experiment space from a generator seeded with `seed`. */
function drawDNAs(space: SymbolicNode, count: number, seed: number): DNA[] {
  const spec = dnaSpec(space);
  const rng = seededRng(seed);
  return Array.from({ length: count }, () => randomDNA(spec, rng));
}

/** Throws unless the experiment space's decision ids and first DNA are those of PROBLEMS.md §1. */
function checkSpec(space: SymbolicNode): { first: string; ids: readonly string[] } {
  const spec = dnaSpec(space);
  const ids = spec.decisionIds;
  if (ids.length !== EXPERIMENT_SPACE_IDS.length || ids.some((id, i) => id !== EXPERIMENT_SPACE_IDS[i])) {
    throw new Error(`decision ids differ from PROBLEMS.md §1:\n  found    ${ids.join(', ')}\n  expected ${EXPERIMENT_SPACE_IDS.join(', ')}`);
  }
  const first = spec.firstDNA().toString();
  if (first !== EXPERIMENT_SPACE_FIRST_DNA) {
    throw new Error(`first DNA differs from PROBLEMS.md §1:\n  found    ${first}\n  expected ${EXPERIMENT_SPACE_FIRST_DNA}`);
  }
  return { first, ids };
}

/** The cases, each run in a fresh process by bench/run.ts. */
export const cases: Record<string, () => void> = {
  'build-space'() {
    line(
      'build-space',
      N_BUILD,
      measure(N_BUILD, () => experimentSpace(), { rounds: 9 }),
      99.6,
      {
        note: 'construct the space tree (hyper values and nodes validated)',
      },
    );
  },
  'build-space+dnaSpec'() {
    const { first, ids } = checkSpec(experimentSpace());
    line(
      'build-space+dnaSpec',
      N_BUILD,
      measure(N_BUILD, () => dnaSpec(experimentSpace()), { rounds: 9 }),
      23.6,
      {
        note: `construct a new space + dnaSpec (prepare caches per space object); first DNA ${first}; decision ids (${ids.length}): ${ids.join(', ')}`,
      },
    );
  },
  'random-materialize'() {
    const space = experimentSpace();
    const spec = dnaSpec(space);
    let seed = 0;
    let rng = seededRng(seed);
    const rate = measure(N, () => materialize(space, randomDNA(spec, rng)), { setup: () => (rng = seededRng(seed++)) });
    line('random-materialize', N, rate, 33.9, { note: 'randomDNA(spec, seededRng) + materialize(space, dna)' });
  },
  decode() {
    const space = experimentSpace();
    const dnas = drawDNAs(space, N, 1);
    const template = prepare(space);
    if (!eq(template.materialize(dnas[0] as DNA), materialize(space, dnas[0] as DNA))) throw new Error('decode and materialize disagree');
    line(
      'decode',
      N,
      measure(N, (i) => template.materialize(dnas[i] as DNA)),
      64.3,
      {
        note: '10,000 pre-drawn DNAs decoded with a prepared template: prepare(space).materialize(dna)',
      },
    );
  },
  materialize() {
    const space = experimentSpace();
    const dnas = drawDNAs(space, N, 1);
    line(
      'materialize',
      N,
      measure(N, (i) => materialize(space, dnas[i] as DNA)),
      63.9,
      {
        note: 'the same 10,000 DNAs through the top-level materialize(space, dna)',
      },
    );
  },
  'iterate-grid'() {
    const space = gridSpace();
    const rate = measure(
      1,
      () => {
        let count = 0;
        for (const tree of iterate(space)) if (tree !== undefined) count++;
        if (count !== GRID_SPACE_SIZE) throw new Error(`the grid space yielded ${count} points, expected ${GRID_SPACE_SIZE}`);
        return count;
      },
      { rounds: 9 },
    );
    line('iterate-grid', GRID_SPACE_SIZE, rate * GRID_SPACE_SIZE, 72.4, {
      note: 'iterate(space) over the whole grid space, materialized trees; rate per point',
    });
  },
};
