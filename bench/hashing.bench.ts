/**
 * Functional hashing (issue 6): what a functional-equivalence cache saves, and what hashing costs.
 *
 * - `dedupe-nasbench201`: regularized evolution (P 50, T 10, uniform mutation) on NAS-Bench-201
 *   (PROBLEMS.md §4), seeds 0–19, budgets of 100 / 300 / 1,000 *evaluations*, three ways: no
 *   cache (a repeated cell costs an evaluation, the reference setting), an exact cache (same op
 *   tuple) and the graph-hash cache (`graphHash(edgeCellGraph(cell))`: dead edges pruned,
 *   isomorphic cells equal).
 * - `dedupe-programs`: the same comparison on the two program spaces (`spaces/`), with the
 *   functional hash of each space's probe (mantissaBits 24).
 * - `collisions-programs`: the cache in counterfactual mode on both program spaces (every
 *   proposal evaluated; a collision is a hit whose fitness differs from the cached one), at
 *   mantissaBits 24 and, to show the measurement can see collisions, at 4.
 * - `hash-cost`: the cost of each hash per candidate beside the evaluation it saves.
 */
import { edgeCellGraph, functionalHash, graphHash, memoryStorage, oneOf, regularizedEvolution, sample, search, structuralHash } from 'pliant';
import type { CacheStats, DedupeOptions, Probe, TreeValue } from 'pliant';
import { expFitness, expProbe, expSpace } from '../spaces/exp-approximation.js';
import { optimizerFitness, optimizerProbe, optimizerSpace } from '../spaces/optimizer-rules.js';
import { NB201_EDGES as EDGES } from '../spaces/nasbench201-cell.js';
import { line, measure } from './lib/harness.js';
import { cellKey, loadNasBench201 } from './lib/nasbench201.js';
import { median, quantile } from './lib/stats.js';

const sig4 = (x: number): number => Number(x.toPrecision(4));

type Cell = Readonly<Record<string, string>>;

/** The graph hash of a NAS-Bench-201 cell given as `{e0..e5: op}`. */
export function nb201GraphHash(cell: Cell): string {
  return graphHash(edgeCellGraph({ nodes: 4, edges: EDGES.map(([from, to], i) => ({ from, to, op: cell[`e${i}`] as string })) }));
}

interface RunStats {
  best: number[];
  hits: number;
  proposalsPerEval: number[];
  dupFraction: number[];
}

async function nasbenchDedupe(): Promise<void> {
  const table = loadNasBench201();
  const budgets = [100, 300, 1000];
  const seeds = 20;
  const variants: Record<string, ((c: Cell) => string) | undefined> = {
    none: undefined,
    exact: (c) => Object.values(c).join(','),
    graph: nb201GraphHash,
  };
  for (const [variant, hash] of Object.entries(variants)) {
    const stats: RunStats[] = budgets.map(() => ({ best: [], hits: 0, proposalsPerEval: [], dupFraction: [] }));
    const t0 = process.hrtime.bigint();
    let proposalsTotal = 0;
    let saved = 0;
    for (let seed = 0; seed < seeds; seed++) {
      const space: TreeValue = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`e${i}`, oneOf([...table.ops])]));
      const algorithm = regularizedEvolution({ populationSize: 50, tournamentSize: 10, seed });
      const dedupe: DedupeOptions<unknown> | undefined = hash === undefined ? undefined : { hash: (c) => hash(c as Cell), maxConsecutiveHits: 10_000 };
      let best = -Infinity;
      let bestKey = -1;
      let evaluations = 0;
      let proposals = 0;
      const seen = new Set<number>();
      let repeats = 0;
      let next = 0;
      const checkpoint = (): void => {
        while (next < budgets.length && evaluations >= (budgets[next] as number)) {
          const s = stats[next] as RunStats;
          s.best.push(best);
          if (bestKey === table.bestKey) s.hits++;
          s.proposalsPerEval.push(proposals / evaluations);
          s.dupFraction.push(repeats / proposals);
          next++;
        }
      };
      const loop = sample(space, algorithm, { numTrials: 1000, storage: memoryStorage(), seed, ...(dedupe === undefined ? {} : { dedupe }) });
      let lastCount = 0;
      for await (const [c, feedback] of loop) {
        const key = cellKey(Object.values(c as Cell).map((op) => table.ops.indexOf(op)));
        // proposals served by the cache since the last yield: the study has them
        const trials = feedback.number + 1;
        proposals = trials;
        repeats += trials - lastCount - 1; // cached ones are repeats of an earlier (equivalent) cell
        lastCount = trials;
        if (seen.has(key)) repeats++;
        seen.add(key);
        const v = table.val[key] as number;
        if (v > best) {
          best = v;
          bestKey = key;
        }
        await feedback.done(v);
        evaluations++;
        checkpoint();
      }
      // a run that stalled (every proposal cached) keeps its best for the remaining budgets
      while (next < budgets.length) {
        const s = stats[next] as RunStats;
        s.best.push(best);
        if (bestKey === table.bestKey) s.hits++;
        s.proposalsPerEval.push(proposals / Math.max(1, evaluations));
        s.dupFraction.push(repeats / Math.max(1, proposals));
        next++;
      }
      proposalsTotal += proposals;
      saved += proposals - evaluations;
    }
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    budgets.forEach((budget, i) => {
      const s = stats[i] as RunStats;
      line(`dedupe-nasbench201-evolution-${variant}-${budget}`, seeds * budget, proposalsTotal / secs, undefined, {
        cache: variant,
        evaluations: budget,
        best_val_median: sig4(median(s.best)),
        best_val_q25: sig4(quantile(s.best, 0.25)),
        best_val_q75: sig4(quantile(s.best, 0.75)),
        hits: `${s.hits}/${seeds}`,
        proposals_per_evaluation_median: sig4(median(s.proposalsPerEval)),
        duplicate_proposal_fraction_median: sig4(median(s.dupFraction)),
        table_best_val: table.bestVal,
        anchor_pyglove_evolution_hits_300_queries: '15/20',
        note: `regularized evolution P50 T10, seeds 0..${seeds - 1}; budget = evaluations (without a cache a repeated cell is an evaluation); hits = runs whose evaluated cells include the best-validation cell; ops_per_sec = proposals per second over all runs of this variant (${saved} evaluations saved in total)`,
      });
    });
  }
}

/** A program space of `spaces/` with its fitness (maximised) and functional-hash probe. */
interface ProgramProblem {
  readonly name: string;
  readonly space: () => TreeValue;
  readonly fitness: (candidate: unknown) => number;
  readonly probe: Probe<unknown>;
  /** The evaluation budget of one run. */
  readonly budget: number;
}

const PROGRAM_PROBLEMS: readonly ProgramProblem[] = [
  { name: 'exp', space: () => expSpace() as TreeValue, fitness: (c) => expFitness(c as never), probe: expProbe as Probe<unknown>, budget: 1000 },
  {
    name: 'optimizer',
    space: () => optimizerSpace() as TreeValue,
    fitness: (c) => optimizerFitness(c as never),
    probe: optimizerProbe as Probe<unknown>,
    budget: 300,
  },
];

const evolution = (seed: number) => regularizedEvolution({ populationSize: 50, tournamentSize: 10, seed });

async function programsDedupe(): Promise<void> {
  const seeds = 20;
  for (const problem of PROGRAM_PROBLEMS) {
    for (const cached of [false, true]) {
      const best: number[] = [];
      const perEval: number[] = [];
      const dup: number[] = [];
      let proposals = 0;
      const t0 = process.hrtime.bigint();
      for (let seed = 0; seed < seeds; seed++) {
        // without a cache, count the proposals a functional hash would have recognised (each still costs an evaluation)
        const seen = new Set<string>();
        let repeats = 0;
        const objective = (c: unknown): number => {
          if (!cached) {
            const h = functionalHash(c, problem.probe);
            if (h !== undefined && seen.has(h)) repeats++;
            if (h !== undefined) seen.add(h);
          }
          return problem.fitness(c);
        };
        const result = await search(problem.space(), objective, {
          numTrials: problem.budget,
          algorithm: evolution(seed),
          storage: memoryStorage(),
          ...(cached ? { dedupe: { hash: 'functional' as const, probe: problem.probe, maxConsecutiveHits: 10_000 } } : {}),
        });
        best.push(result.objective(result.best!));
        perEval.push(result.trials.length / result.evaluated.length);
        proposals += result.trials.length;
        dup.push((cached ? (result.cache as CacheStats).hits : repeats) / result.trials.length);
      }
      const secs = Number(process.hrtime.bigint() - t0) / 1e9;
      line(`dedupe-${problem.name}-evolution-${cached ? 'functional' : 'none'}-${problem.budget}`, seeds * problem.budget, proposals / secs, undefined, {
        cache: cached ? 'functional (mantissaBits 24)' : 'none',
        evaluations: problem.budget,
        best_fitness_median: sig4(median(best)),
        best_fitness_q25: sig4(quantile(best, 0.25)),
        best_fitness_q75: sig4(quantile(best, 0.75)),
        proposals_per_evaluation_median: sig4(median(perEval)),
        duplicate_proposal_fraction_median: sig4(median(dup)),
        note: `regularized evolution P50 T10, seeds 0..${seeds - 1}; fitness higher is better; without a cache, duplicate_proposal_fraction counts the proposals whose functional hash repeats an earlier one (each still cost an evaluation); ops_per_sec = proposals per second, evaluation included`,
      });
    }
  }
}

async function programCollisions(): Promise<void> {
  const seeds = 5;
  for (const problem of PROGRAM_PROBLEMS) {
    for (const mantissaBits of [24, 8, 2]) {
      let hits = 0;
      let collisions = 0;
      let trials = 0;
      let unhashable = 0;
      const t0 = process.hrtime.bigint();
      for (let seed = 0; seed < seeds; seed++) {
        const result = await search(problem.space(), problem.fitness, {
          numTrials: problem.budget,
          algorithm: evolution(seed),
          storage: memoryStorage(),
          dedupe: { hash: 'functional', probe: problem.probe, mantissaBits, counterfactual: true, epsilon: 1e-6 },
        });
        const stats = result.cache as CacheStats;
        hits += stats.hits;
        collisions += stats.collisions;
        unhashable += stats.unhashable;
        trials += result.trials.length;
      }
      const secs = Number(process.hrtime.bigint() - t0) / 1e9;
      line(`collisions-${problem.name}-bits${mantissaBits}`, trials, trials / secs, undefined, {
        mantissa_bits: mantissaBits,
        evaluations: trials,
        counterfactual_hits: hits,
        collisions,
        collision_rate: hits === 0 ? 0 : sig4(collisions / hits),
        unhashable,
        note: `counterfactual mode: every proposal evaluated; a collision is a hit whose fitness differs from the cached one by more than 1e-6 relative; regularized evolution P50 T10, seeds 0..${seeds - 1}, ${problem.budget} evaluations each`,
      });
    }
  }
}

export const cases: Record<string, () => Promise<void>> = {
  'dedupe-nasbench201': nasbenchDedupe,
  'dedupe-programs': programsDedupe,
  'collisions-programs': programCollisions,
  async 'hash-cost'() {
    const table = loadNasBench201();
    const cells: Cell[] = Array.from({ length: 1000 }, (_, k) =>
      Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`e${i}`, table.ops[Math.floor(k / 5 ** i) % 5] as string])),
    );
    const rate = measure(1000, (i) => nb201GraphHash(cells[i] as Cell), { rounds: 9 });
    line('hash-cost-nasbench201-graph-hash', 1000, rate, undefined, {
      us_per_hash: sig4(1e6 / rate),
      note: 'edgeCellGraph + graphHash (md5 fingerprint) per NAS-Bench-201 cell; a table query costs nothing here, a real NAS-Bench-201 training run hours',
    });
    for (const problem of PROGRAM_PROBLEMS) {
      // candidates as evolution proposes them: the first 200 of a short search
      const candidates: unknown[] = [];
      await search(problem.space(), (c) => (candidates.push(c), problem.fitness(c)), { numTrials: 200, algorithm: evolution(0), storage: memoryStorage() });
      const n = candidates.length;
      const probeRate = measure(n, (i) => functionalHash(candidates[i], problem.probe), { rounds: 9 });
      const structuralRate = measure(n, (i) => structuralHash(candidates[i] as TreeValue), { rounds: 9 });
      const evalRate = measure(n, (i) => problem.fitness(candidates[i]), { rounds: 5 });
      line(`hash-cost-${problem.name}-functional-hash`, n, probeRate, undefined, {
        us_per_hash: sig4(1e6 / probeRate),
        us_per_evaluation: sig4(1e6 / evalRate),
        hash_cost_over_evaluation_cost: sig4(evalRate / probeRate),
        us_per_structural_hash: sig4(1e6 / structuralRate),
        note: 'per candidate, over 200 candidates of a regularized-evolution run: the probe + quantised hash, beside one fitness evaluation and the structural hash of the same candidate',
      });
    }
  },
};
