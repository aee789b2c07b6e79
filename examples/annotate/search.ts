/**
 * From existing code to a search space and back: annotates `model.ts` (an ordinary TensorFlow.js
 * file) into a search-space module, searches it on iris, and writes the best values back into
 * `model.ts` as a reviewable diff. Run with `npm run example:annotate` (a dry run: it prints the
 * diff); `--write` changes model.ts, `--trials N` and `--seed S` set the budget and the seed.
 *
 * The same with the command line:
 *
 *     npx pliant annotate examples/annotate/model.ts --out examples/annotate/model.space.ts
 *     (search model.space.ts's searchSpace with a study, as below)
 *     npx pliant apply <study> examples/annotate/model.ts --dry-run
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { annotateFile, annotatedModule, applyFile, loadTf, search, tpe } from 'pliant';
import type { AnnotatedExports, TreeValue } from 'pliant';
import type * as Model from './model.js';
import { irisArrays } from '../lib/iris-data.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Runs the flow; returns the diff (and writes it into model.ts when `write`). */
export async function main(options: { trials?: number; seed?: number; write?: boolean; log?: (line: string) => void } = {}): Promise<string> {
  const log = options.log ?? ((line: string) => console.log(line));
  const source = join(here, 'model.ts');
  const out = join(here, '.generated', 'model.space.ts');
  mkdirSync(dirname(out), { recursive: true });

  // 1. annotate: each tunable literal becomes a decision; the original values are a candidate.
  const annotation = await annotateFile(source, { out });
  log(`annotated ${relative(process.cwd(), source)} into ${relative(process.cwd(), out)}: ${annotation.decisions.length} decisions`);
  for (const d of annotation.decisions) log(`  ${d.key.padEnd(34)} ${d.hyper.padEnd(40)} (line ${d.line}: ${d.label})`);

  // 2. search: every candidate is the module evaluated with that candidate's values.
  await loadTf({ log: false });
  const data = irisArrays();
  const space = await annotatedModule<AnnotatedExports & typeof Model>(out);
  const result = await search(
    space.space,
    async (candidate) => {
      const { createModel, trainModel } = await space.load(candidate);
      const model = createModel();
      try {
        return await trainModel(model, data.x, data.y);
      } finally {
        model.dispose();
      }
    },
    { numTrials: options.trials ?? 12, algorithm: tpe({ seed: options.seed ?? 1 }), seed: options.seed ?? 1 },
  );
  const best = result.best;
  if (best === undefined) throw new Error('no trial completed');
  log(`best validation accuracy ${(best.value as number).toFixed(3)} (trial ${best.number} of ${result.trials.length})`);

  // 3. apply: only the chosen literals change (floats rounded to 4 significant digits, for people).
  const applied = await applyFile(source, best.candidate as TreeValue, { dryRun: options.write !== true, precision: 4 });
  log(applied.diff === '' ? 'the original values were best: nothing to change' : applied.diff);
  return applied.diff;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(name);
    return i < 0 ? undefined : process.argv[i + 1];
  };
  await main({ trials: Number(arg('--trials') ?? 12), seed: Number(arg('--seed') ?? 1), write: process.argv.includes('--write') });
}
