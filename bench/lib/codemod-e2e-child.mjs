/**
 * One end-to-end run of `codemod.bench.ts`, in its own process (plain `node`, preloaded with
 * `codemod-e2e-register.mjs`; through tsx as well for a TypeScript file): a small search of an
 * annotated corpus file, then `apply` of the best candidate.
 *
 *   node --import ./codemod-e2e-register.mjs codemod-e2e-child.mjs <job.json>
 *
 * The job (written by the bench): `{ dir, copy, space, recipe, trials, seed, result }`: the
 * temporary folder, the copy of the corpus file in it, the annotated module written next to it,
 * the file's recipe (see `RECIPES` in `codemod.bench.ts`), the trial count and seed, and where to
 * write the result (JSON). Every failure is reported with the stage it happened in; the process
 * itself only fails when something outside the measure breaks.
 *
 * Each trial: `annotatedModule(space).load(candidate)`, the recipe's export called (or
 * constructed) with its arguments, the file's own compile function if the recipe names one, else
 * `compile({optimizer: 'sgd', loss: 'meanSquaredError'})` when the model is not compiled yet, and
 * one `fit` step (or `trainOnBatch`) of batch 2 on random inputs of the model's input shapes
 * (a free dimension other than the batch is 4) against random targets of its output shapes. The
 * objective is the loss (minimized; random search). A trial that needs a kernel the wasm backend
 * lacks (the gradient of a depthwise convolution) runs again on cpu (`cpu_fallback`). Then
 * `applyFile(copy, best, {dryRun: true})`: its diff goes back to the bench, which checks it
 * against the decisions. TensorFlow.js: `@tensorflow/tfjs` through
 * pliant's `loadTf` (the wasm backend with pliant's training kernels, else cpu;
 * `PLIANT_TF_BACKEND=cpu` forces cpu), run from the copy's folder so that it is the same module
 * instance the annotated module imports.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { annotatedModule, applyFile, loadTf, search } from 'pliant';

const BATCH = 2;
const FREE_DIM = 4;
const job = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const { recipe } = job;
const out = { stage: 'start', trials: [], stubbed: [] };
const stubbed = () => [...(globalThis[Symbol.for('pliant.bench.stubbed')] ?? [])].sort();

const short = (error, max = 300) => {
  const text = (error instanceof Error ? error.message : String(error)).replaceAll(job.dir, '<tmp>');
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
};
const finish = (extra = {}) => {
  Object.assign(out, extra, { stubbed: stubbed() });
  writeFileSync(job.result, JSON.stringify(out));
};

/**
 * An export of what `load` gave: a module namespace, or (for CommonJS) possibly `module.exports`
 * itself; `default` is then that value.
 */
function exported(mod, name) {
  const namespace = mod !== null && typeof mod === 'object' && mod[Symbol.toStringTag] === 'Module';
  if (name === 'default' && !namespace) return mod;
  const direct = name === 'default' ? mod.default : mod[name];
  if (direct !== undefined) return direct;
  const fallback = mod.default !== null && (typeof mod.default === 'object' || typeof mod.default === 'function') ? mod.default[name] : undefined;
  if (fallback !== undefined) return fallback;
  throw new Error(`the module exports no '${name}' (its exports: ${Object.keys(mod).join(', ') || 'none'})`);
}

async function evaluate(tf, am, candidate) {
  let stage = 'load';
  const made = [];
  try {
    const mod = await am.load(candidate);
    stage = 'build';
    const target = exported(mod, recipe.export);
    const how = recipe.call ?? 'call';
    const args = recipe.args ?? [];
    let value = how === 'value' ? target : how === 'new' ? new target(...args) : await target(...args);
    if (recipe.member !== undefined) value = value?.[recipe.member];
    const model = value;
    if (model === null || typeof model !== 'object' || !Array.isArray(model.inputs)) throw new Error(`the recipe did not give a model (got ${typeof model})`);
    made.push(model);
    stage = 'compile';
    if (recipe.compile !== undefined) exported(mod, recipe.compile.export)(model, ...(recipe.compile.args ?? []));
    if (model.optimizer == null) model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    stage = 'data';
    const concrete = (shape) => shape.map((d, i) => d ?? (i === 0 ? BATCH : FREE_DIM));
    const inShapes = recipe.inputs !== undefined ? recipe.inputs.map((s) => [BATCH, ...s]) : model.inputs.map((t) => concrete(t.shape));
    const outShapes = recipe.outputs !== undefined ? recipe.outputs.map((s) => [BATCH, ...s]) : model.outputs.map((t) => concrete(t.shape));
    const xs = inShapes.map((s) => (recipe.intInputs !== undefined ? tf.floor(tf.randomUniform(s, 0, recipe.intInputs)) : tf.randomUniform(s)));
    const ys = outShapes.map((s) => tf.randomUniform(s));
    made.push(...xs, ...ys);
    const x = xs.length === 1 ? xs[0] : xs;
    const y = ys.length === 1 ? ys[0] : ys;
    stage = recipe.train ?? 'fit';
    let loss;
    if (recipe.train === 'trainOnBatch') {
      const r = await model.trainOnBatch(x, y);
      loss = Array.isArray(r) ? r[0] : r;
    } else {
      const h = await model.fit(x, y, { epochs: 1, batchSize: BATCH, verbose: 0 });
      loss = h.history.loss?.[0];
    }
    if (typeof loss !== 'number') throw new Error(`training gave no loss (${JSON.stringify(loss)})`);
    return { loss };
  } catch (error) {
    throw new Error(`${stage}: ${short(error)}`);
  } finally {
    for (const m of made) {
      try {
        m.dispose();
      } catch {
        // disposed already
      }
    }
  }
}

try {
  out.stage = 'tfjs';
  // pliant's loader, from the copy's folder: the same @tensorflow/tfjs the module imports.
  const { tf, backend } = await loadTf({ log: false });
  out.backend = backend;

  out.stage = 'import';
  let am;
  try {
    am = await annotatedModule(pathToFileURL(job.space));
  } catch (error) {
    finish({ error: `import: ${short(error)}` });
    process.exit(0);
  }

  out.stage = 'search';
  const errors = [];
  const result = await search(
    am.space,
    async (candidate) => {
      const t0 = performance.now();
      try {
        let fallback = false;
        let result;
        try {
          result = await evaluate(tf, am, candidate);
        } catch (error) {
          // A kernel the wasm backend lacks (the gradient of a depthwise convolution): the
          // environment's limit, not the codemod's; the trial runs again on cpu.
          if (!/not registered for backend/.test(error.message) || tf.getBackend() === 'cpu') throw error;
          fallback = true;
          const previous = tf.getBackend();
          await tf.setBackend('cpu');
          try {
            result = await evaluate(tf, am, candidate);
          } finally {
            await tf.setBackend(previous);
          }
        }
        out.trials.push({ ok: true, loss: result.loss, ms: Math.round(performance.now() - t0), ...(fallback ? { cpu_fallback: true } : {}) });
        return result.loss;
      } catch (error) {
        errors.push(error.message);
        out.trials.push({ ok: false, error: error.message, ms: Math.round(performance.now() - t0) });
        throw error;
      }
    },
    { numTrials: job.trials, seed: job.seed, direction: 'minimize' },
  );
  out.states = result.trials.map((t) => t.state);
  out.succeeded = result.trials.filter((t) => t.state === 'completed').length;
  const best = result.best;
  if (best === undefined) {
    finish({ stage: 'search', error: `no trial succeeded: ${errors[0] ?? result.trials[0]?.error ?? 'no trials'}` });
    process.exit(0);
  }

  out.stage = 'apply';
  const applied = await applyFile(job.copy, best.candidate, { dryRun: true });
  // The bench checks the diff against the decisions (lib/codemod-corpus.ts: checkApplyDiff).
  finish({ stage: 'done', best: best.candidate, changes: applied.changes.length, diff: applied.diff.replaceAll(job.dir, '<tmp>') });
  process.exit(0);
} catch (error) {
  finish({ error: `${out.stage}: ${short(error)}` });
  process.exit(0);
}
