/**
 * Evolving a program with the functional cache: symbolic regression of f(x) = x² + x + 1 by
 * regularized evolution over a `programDecision` space (straight-line programs over +, −, ×
 * and constants), with `dedupe: { hash: 'functional', probe: programProbe(...) }` so that a
 * proposal computing the same values as a program already evaluated (the same program again,
 * dead code, other registers, commuted operands, or another formula altogether) is served its
 * error from the cache instead of being evaluated. Run with `npm run example:programs` (or
 * `npx tsx examples/program-evolution/index.ts` after `npm run build`); `--trials N` (evaluations)
 * and `--seed S` change the budget and the seed.
 */
import {
  compileProgram,
  fromJSON,
  memoryStorage,
  parseProgram,
  programDecision,
  programHash,
  programProbe,
  regularizedEvolution,
  search,
  simplifyProgram,
  toSource,
} from 'pliant';
import type { JsonValue, Program, ProgramSignature, Result, Trial } from 'pliant';
import { numberFlags, runIfMain } from '../lib/flags.js';

/** Options of {@link main}. */
export interface ProgramEvolutionOptions {
  /** Evaluations (default 1000; proposals the cache serves come on top). */
  readonly trials?: number;
  /** Seeds the evolution (default 1). */
  readonly seed?: number;
  /** Where the lines go (default `console.log`). */
  readonly log?: (line: string) => void;
}

/** What {@link main} found. */
export interface ProgramEvolutionSummary {
  readonly result: Result;
  /** The best program, dead code removed. */
  readonly best: Program;
  /** Its mean squared error on the sample points. */
  readonly error: number;
  /** Proposals served by the functional cache (not evaluated). */
  readonly served: number;
  readonly seconds: number;
}

/** The function to find. */
const target = (x: number): number => x * x + x + 1;

/** The sample points: 21 evenly spaced points of [-2, 2]. */
const points: readonly number[] = Array.from({ length: 21 }, (_, i) => -2 + i / 5);
const values: readonly number[] = points.map(target);

/** x is loaded into s1, the result is s0, s2 and s3 are scratch (registers start at 0). */
const signature: ProgramSignature = { scalars: 4, inputs: { x: 's1' }, output: 's0' };

/** The error of a program that overflows (an output that is not finite). */
const WORST = 1e9;

/** The mean squared error of a program on the sample points (lower is better, 0 is exact). */
function meanSquaredError(program: Program): number {
  const run = compileProgram(program);
  let sum = 0;
  for (let i = 0; i < points.length; i++) {
    const d = (run({ x: points[i] as number }) as number) - (values[i] as number);
    sum += d * d;
  }
  const mse = sum / points.length;
  return Number.isFinite(mse) ? Math.min(mse, WORST) : WORST;
}

/** A program on one line, dead code removed: `s2 = s1 * s1; s0 = s1 + s2`. */
function oneLine(program: Program): string {
  const text = toSource(simplifyProgram(program), { header: false, returns: false }).split('\n').join('; ');
  return text === '' ? '(no instructions: 0)' : text;
}

const number = (x: number): string => String(Number(x.toPrecision(4)));

/** Runs the search and prints what it does, the best program and what the cache served. */
export async function main(options: ProgramEvolutionOptions = {}): Promise<ProgramEvolutionSummary> {
  const log = options.log ?? ((line: string) => console.log(line));
  const trials = options.trials ?? 1000;
  const seed = options.seed ?? 1;
  const started = performance.now();

  // The space: one program, starting from the empty program (it returns 0); the first population
  // is the empty program after 1 to 3 random mutations. Mutations insert, delete or rewire
  // instructions, and perturb constants.
  const space = {
    program: programDecision({
      initial: parseProgram('', signature),
      ops: ['add', 'sub', 'mul', 'const'],
      maxInstructions: 12,
      random: 'initial',
      weights: { 'modify-arg': 2, 'modify-out': 1 },
      constants: [1, 2, 0.5, -1],
      constantSigma: 0.3,
      name: 'program',
    }),
  };
  // The probe runs a program on the sample points: two programs with the same outputs there have
  // the same error, so the second one need not be evaluated.
  const probe = programProbe<{ program: Program }>({ inputs: points.map((x) => ({ x })), select: (c) => c.program });

  log(
    `target: f(x) = x² + x + 1 on ${points.length} points of [-2, 2]; programs over +, −, × and constants: 4 registers (x in s1, the others start at 0, the result is s0), at most 12 instructions`,
  );
  log(
    `regularized evolution (population 50, tournament 10, seed ${seed}), ${trials} evaluations, dedupe by functional hash (the outputs on the ${points.length} points)`,
  );
  let evaluations = 0;
  let bestSoFar = Infinity;
  const result = await search(
    space,
    ({ program }, trial) => {
      evaluations++;
      const error = meanSquaredError(program);
      if (error < bestSoFar) {
        bestSoFar = error;
        log(`  new best at trial ${trial.number} (evaluation ${evaluations}): error ${number(error).padEnd(9)} ${oneLine(program)}`);
      }
      return error;
    },
    {
      numTrials: trials,
      direction: 'minimize',
      seed,
      algorithm: regularizedEvolution({ populationSize: 50, tournamentSize: 10, seed }),
      // a converged population proposes little that is new: let long runs of hits go on (default: stop after 1,000)
      dedupe: { hash: 'functional', probe, maxConsecutiveHits: 100_000 },
      storage: memoryStorage(),
    },
  );

  const bestTrial = result.best;
  if (bestTrial === undefined) throw new Error('no trial completed');
  const decoded = new Map<string, Program>();
  const programOf = (trial: Trial): Program => {
    const key = JSON.stringify(trial.candidate);
    let p = decoded.get(key);
    if (p === undefined) {
      p = (fromJSON(trial.candidate as JsonValue) as unknown as { program: Program }).program;
      decoded.set(key, p);
    }
    return p;
  };
  const evolved = programOf(bestTrial);
  const best = simplifyProgram(evolved);
  const error = result.objective(bestTrial);
  const dead = evolved.args.instructions.length - best.args.instructions.length;
  log(
    `best program: trial ${bestTrial.number} (evaluation ${result.evaluated.indexOf(bestTrial) + 1}), error ${number(error)} (mean squared error on the ${points.length} points)${dead > 0 ? `; ${dead} dead instruction${dead === 1 ? '' : 's'} removed by simplifyProgram` : ''}:`,
  );
  for (const line of toSource(best).split('\n')) log(`  ${line}`);
  const twins = result.trials.filter((t) => t.cached && t.hash === bestTrial.hash).length;
  log(`  (${twins} later proposal${twins === 1 ? '' : 's'} computed the same values and ${twins === 1 ? 'was' : 'were'} served this error from the cache)`);
  const run = compileProgram(best);
  log(
    `off the sample points: p(10) = ${number(run({ x: 10 }) as number)}, f(10) = ${number(target(10))}; p(-7.5) = ${number(run({ x: -7.5 }) as number)}, f(-7.5) = ${number(target(-7.5))}`,
  );

  // What the cache served: each cached trial against the evaluated trial whose value it was given.
  const stats = result.cache;
  if (stats === undefined) throw new Error('the search had no cache');
  const firstOf = new Map<string, Trial>();
  for (const t of result.evaluated) if (t.hash !== undefined && !firstOf.has(t.hash)) firstOf.set(t.hash, t);
  let same = 0;
  let dataflow = 0;
  let algebra = 0;
  let example: { served: Trial; source: Trial; rank: readonly [number, number] } | undefined;
  for (const t of result.trials) {
    if (!t.cached || t.hash === undefined) continue;
    const source = firstOf.get(t.hash) as Trial;
    if (JSON.stringify(t.candidate) === JSON.stringify(source.candidate)) same++;
    else if (programHash(programOf(t)) === programHash(programOf(source))) dataflow++;
    else {
      algebra++;
      // the example: preferably another program with the best's values, the shortest, the first on ties
      const rank = [source === bestTrial ? 0 : 1, simplifyProgram(programOf(t)).args.instructions.length] as const;
      if (example === undefined || rank[0] < example.rank[0] || (rank[0] === example.rank[0] && rank[1] < example.rank[1]))
        example = { served: t, source, rank };
    }
  }
  const share = Math.round((100 * stats.hits) / result.trials.length);
  log(
    `${result.trials.length} proposals, ${result.evaluated.length} evaluated; the functional cache served ${stats.hits} (${share}%) without evaluating them:`,
  );
  log(`  ${same} were a program already evaluated, unchanged`);
  log(`  ${dataflow} were the same computation written differently (dead code, other registers, another order, commuted operands: equal programHash)`);
  log(`  ${algebra} computed the same values another way (a different programHash)${example === undefined ? '' : ', e.g.'}`);
  if (example !== undefined) {
    const { served, source } = example;
    log(`    trial ${served.number}: ${oneLine(programOf(served))}`);
    log(
      source === bestTrial
        ? `    was served the error of trial ${source.number}, the best program above`
        : `    was served the error of trial ${source.number}: ${oneLine(programOf(source))}  (error ${number(source.value as number)})`,
    );
  }
  const seconds = (performance.now() - started) / 1000;
  log(`done in ${seconds.toFixed(1)} s`);
  return { result, best, error, served: stats.hits, seconds };
}

runIfMain(import.meta.url, () => main(numberFlags(['trials', 'seed'])));
