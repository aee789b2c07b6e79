/**
 * The experiment types and the experiment space of ../shared/bench/PROBLEMS.md §1, made with the
 * functions of a given pliant package rather than an import of 'pliant', so a benchmark can build
 * them against another build of pliant (bench/regression.bench.ts loads the package of an older
 * commit by its path). `./experiment.ts` and `./experiment-space.ts` are these made with 'pliant'.
 */
import { z } from 'zod';
import type * as Pliant from 'pliant';
import type { SymbolicNode } from 'pliant';

/** What the types need of a pliant package. */
export type TypesPackage = Pick<typeof Pliant, 'symbolize' | 'nodeSchema'>;

/** What the space needs of a pliant package. */
export type SpacePackage = Pick<typeof Pliant, 'oneOf' | 'manyOf' | 'intv' | 'floatv'>;

/** The symbolic types of PROBLEMS.md §1 (`bench.Conv`, `bench.Dense`, ...), registered in `p`. */
export function experimentTypes(p: TypesPackage) {
  const Conv = p.symbolize('bench.Conv', (a: { filters: number; kernel: number; act?: string }) => ({ conv: a }), {
    schema: z.object({ filters: z.number().int(), kernel: z.number().int(), act: z.string().default('relu') }),
  });
  const Dense = p.symbolize('bench.Dense', (a: { units: number; act?: string }) => ({ dense: a }), {
    schema: z.object({ units: z.number().int(), act: z.string().default('relu') }),
  });
  const Net = p.symbolize(
    'bench.Net',
    (a: { stem: SymbolicNode; blocks: string[]; depth: number; width: number; act: string; dropout: number }) => ({ net: a }),
    {
      schema: z.object({
        stem: p.nodeSchema(Conv, Dense),
        blocks: z.array(z.string()),
        depth: z.number().int(),
        width: z.number().int(),
        act: z.string(),
        dropout: z.number(),
      }),
    },
  );
  const Sgd = p.symbolize('bench.Sgd', (a: { lr: number; momentum: number }) => ({ sgd: a }), {
    schema: z.object({ lr: z.number(), momentum: z.number() }),
  });
  const Adam = p.symbolize('bench.Adam', (a: { lr: number; beta1: number }) => ({ adam: a }), {
    schema: z.object({ lr: z.number(), beta1: z.number() }),
  });
  const Experiment = p.symbolize('bench.Experiment', (a: { model: SymbolicNode; optimizer: SymbolicNode; batch_size: number }) => ({ experiment: a }), {
    schema: z.object({ model: p.nodeSchema(Net), optimizer: p.nodeSchema(Sgd, Adam), batch_size: z.number().int() }),
  });
  return { Conv, Dense, Net, Sgd, Adam, Experiment };
}

/** The types {@link experimentTypes} makes. */
export type ExperimentTypes = ReturnType<typeof experimentTypes>;

/** The blocks a `Net` chooses two of. */
export const BLOCKS = ['conv3x3', 'conv5x5', 'maxpool', 'avgpool', 'identity'] as const;

/** A fresh experiment space (PROBLEMS.md §1) made with `p`'s hyper values on the types `t`. */
export function experimentSpaceOf(p: SpacePackage, t: ExperimentTypes): SymbolicNode {
  return t.Experiment({
    model: t.Net({
      stem: p.oneOf([t.Conv({ filters: p.oneOf([16, 32, 64]), kernel: p.oneOf([3, 5]) }), t.Dense({ units: p.oneOf([64, 128, 256]) })]),
      blocks: p.manyOf(2, BLOCKS), // distinct, unsorted (the defaults)
      depth: p.intv(1, 8),
      width: p.intv(1, 4),
      act: p.oneOf(['relu', 'gelu', 'swish']),
      dropout: p.floatv(0.0, 0.5),
    }),
    optimizer: p.oneOf([
      t.Sgd({ lr: p.floatv(1e-4, 1e-1, { scale: 'log' }), momentum: p.floatv(0.0, 0.99) }),
      t.Adam({ lr: p.floatv(1e-4, 1e-1, { scale: 'log' }), beta1: p.oneOf([0.9, 0.95]) }),
    ]),
    batch_size: p.oneOf([32, 64, 128, 256]),
  });
}

/** One random concrete experiment from the §1 space, made with the types `t` (of whichever package built them). */
export function drawExperimentOn(t: ExperimentTypes, rng: () => number, forceConv = false): SymbolicNode {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)] as T;
  const stem = forceConv || rng() < 0.5 ? t.Conv({ filters: pick([16, 32, 64]), kernel: pick([3, 5]) }) : t.Dense({ units: pick([64, 128, 256]) });
  const first = pick(BLOCKS);
  const second = pick(BLOCKS.filter((b) => b !== first));
  const logUniform = (lo: number, hi: number): number => Math.exp(Math.log(lo) + rng() * (Math.log(hi) - Math.log(lo)));
  const optimizer =
    rng() < 0.5 ? t.Sgd({ lr: logUniform(1e-4, 1e-1), momentum: rng() * 0.99 }) : t.Adam({ lr: logUniform(1e-4, 1e-1), beta1: pick([0.9, 0.95]) });
  return t.Experiment({
    model: t.Net({
      stem,
      blocks: [first, second],
      depth: 1 + Math.floor(rng() * 8),
      width: 1 + Math.floor(rng() * 4),
      act: pick(['relu', 'gelu', 'swish']),
      dropout: rng() * 0.5,
    }),
    optimizer,
    batch_size: pick([32, 64, 128, 256]),
  });
}
