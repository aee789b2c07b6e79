/**
 * The codemod on real model files (test/fixtures/codemod/), end to end: annotate each file into a
 * module, check that the space contains the original model (same layer configs), search it on
 * tiny data with TensorFlow.js, and write the best values back; the generated module and the
 * rewritten file type-check against the built pliant.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The generated modules import the built package, so the test uses it too: a space made by one
// copy of pliant is not a space to another.
import {
  annotateSource,
  annotatedModule,
  applySource,
  dnaSpec,
  encode,
  journalStorage,
  loadTf,
  materialize,
  randomDNA,
  search,
  seededRng,
} from '../../dist/index.js';
import type { TreeValue } from '../../dist/index.js';
import { typeErrors } from '../support/typecheck.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'codemod');

type Models = Record<string, unknown>;
interface Fixture {
  /** The functions that make the file's models. */
  readonly makers: readonly string[];
  /** Trains the candidate's models one epoch on tiny data; returns the final loss. */
  train(module: Models, model: tf.LayersModel): Promise<number>;
}

const rows = 24;
function tinyData(shape: number[], classes: number, ints?: number): { xs: tf.Tensor; ys: tf.Tensor } {
  const xs = ints === undefined ? tf.randomUniform([rows, ...shape], 0, 1, 'float32', 7) : tf.randomUniform([rows, ...shape], 0, ints, 'int32', 7);
  const labels = tf.tensor1d(
    Array.from({ length: rows }, (_, i) => i % classes),
    'int32',
  );
  const ys = classes === 1 ? tf.tensor2d(Array.from({ length: rows }, (_, i) => [i % 2])) : tf.oneHot(labels, classes).toFloat();
  labels.dispose();
  return { xs, ys };
}
const lastLoss = (h: tf.History): number => (h.history.loss ?? []).at(-1) as number;
type Fn = (...args: unknown[]) => unknown;
const call = (m: Models, name: string, ...args: unknown[]): unknown => (m[name] as Fn)(...args);

const FIXTURES: Readonly<Record<string, Fixture>> = {
  'mnist-cnn': {
    makers: ['createModel'],
    async train(m, model) {
      call(m, 'compileModel', model);
      const { xs, ys } = tinyData([28, 28, 1], 10);
      return lastLoss((await call(m, 'trainModel', model, xs, ys, 1)) as tf.History);
    },
  },
  residual: {
    makers: ['createModel'],
    async train(m, model) {
      call(m, 'compileModel', model);
      const { xs, ys } = tinyData([16], 3);
      return (await call(m, 'trainModel', model, xs, ys, 1)) as number;
    },
  },
  'text-lstm': {
    makers: ['createModel'],
    async train(m, model) {
      const { xs, ys } = tinyData([20], 1, 1000);
      return lastLoss((await call(m, 'trainModel', model, xs, ys, { epochs: 1 })) as tf.History);
    },
  },
  'two-models': {
    makers: ['createTeacher', 'createStudent'],
    async train(_m, model) {
      const { xs, ys } = tinyData([8], 4);
      return lastLoss(await model.fit(xs, ys, { epochs: 1, batchSize: 8 }));
    },
  },
  helpers: {
    makers: ['createModel'],
    async train(m, model) {
      call(m, 'compileModel', model);
      const { xs, ys } = tinyData([16, 16, 1], 4);
      return lastLoss(await model.fit(xs, ys, { epochs: 1, batchSize: 8 }));
    },
  },
};

/** A layer's config without its generated name (tfjs counts layers per process). */
function config(model: tf.LayersModel): unknown[] {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>)
          .filter(([k]) => k !== 'name')
          .map(([k, v]) => [k, strip(v)]),
      );
    }
    return value;
  };
  return model.layers.map((l) => [l.getClassName(), strip(l.getConfig())]);
}

/** A model's layer configs without the identity layers (`activation: 'linear'`) a module makes for layers left out. */
function withoutIdentity(configs: unknown[]): unknown[] {
  return configs.filter((c) => {
    const [kind, cfg] = c as [string, { activation?: unknown }];
    return !(kind === 'Activation' && cfg.activation === 'linear');
  });
}

/** A copy of a nested record with the leaf at a dotted key set. */
function withValue(tree: TreeValue, key: string, value: unknown): TreeValue {
  const [head, ...rest] = key.split('.') as [string, ...string[]];
  const copy = { ...(tree as Record<string, unknown>) };
  copy[head] = rest.length === 0 ? value : withValue(copy[head] as TreeValue, rest.join('.'), value);
  return copy as TreeValue;
}

let work: string;
beforeAll(async () => {
  await loadTf({ log: false });
  // Under the repository, so that the generated modules import the built `pliant` and tfjs.
  work = mkdtempSync(join(root, '.tmp-codemod-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.each(Object.entries(FIXTURES))('codemod on %s.ts', (name, fixture) => {
  const file = join(fixtures, `${name}.ts`);
  const text = readFileSync(file, 'utf8');
  const annotated = annotateSource(text, { fileName: `${name}.ts` });
  const modulePath = (): string => join(work, `${name}.space.ts`);

  it('annotates into a module that type-checks, and whose space contains the original model', async () => {
    expect(annotated.decisions.length).toBeGreaterThan(2);
    expect(annotateSource(annotated.code, { fileName: `${name}.space.ts` }).code).toBe(annotated.code);
    writeFileSync(modulePath(), annotated.code);
    copyFileSync(file, join(work, `${name}.ts`));
    expect(typeErrors([modulePath(), join(work, `${name}.ts`)])).toEqual([]);

    const space = await annotatedModule(modulePath());
    const dna = encode(space.space, space.original as TreeValue);
    expect(dnaSpec(space.space).validate(dna)).toBeUndefined();
    const original = (await import(file)) as Models;
    const again = await space.load(dna);
    for (const maker of fixture.makers) {
      const want = call(original, maker) as tf.LayersModel;
      const got = call(again, maker) as tf.LayersModel;
      expect(config(got)).toEqual(config(want));
      want.dispose();
      got.dispose();
    }
  });

  it('searches the space on tiny data, and writes the best values back as a minimal diff that type-checks', async () => {
    const space = await annotatedModule(modulePath());
    const result = await search(
      space.space,
      async (candidate) => {
        const m = (await space.load(candidate as never)) as Models;
        let loss = 0;
        for (const maker of fixture.makers) {
          const model = call(m, maker) as tf.LayersModel;
          try {
            loss += await fixture.train(m, model);
          } finally {
            model.dispose();
          }
        }
        return Number.isFinite(loss) ? -loss : -1e9;
      },
      { numTrials: 3, seed: 11 },
    );
    expect(result.completed, result.trials.map((t) => t.error).join('\n')).toHaveLength(3);
    expect(new Set(result.trials.map((t) => JSON.stringify(t.candidate))).size).toBeGreaterThan(1);

    // The original values write the file back byte for byte.
    expect(applySource(text, space.original as TreeValue, { fileName: `${name}.ts` }).code).toBe(text);
    expect(applySource(text, encode(space.space, space.original as TreeValue), { fileName: `${name}.ts` }).code).toBe(text);

    // Another candidate: the best (or a random one, if the best is the original program).
    const best = result.best?.candidate as TreeValue;
    const chosen =
      JSON.stringify(best) === JSON.stringify(space.original) ? (materialize(space.space, randomDNA(dnaSpec(space.space), seededRng(5))) as TreeValue) : best;
    const applied = applySource(text, chosen, { fileName: `${name}.ts` });
    expect(applied.changes.length).toBeGreaterThan(0);
    const out = join(work, `${name}.best.ts`);
    writeFileSync(out, applied.code);
    expect(typeErrors([out])).toEqual([]);
    // The file apply writes is the program the module runs for that candidate: the same models,
    // but for the identity layer the module stands in for a layer left out.
    const written = (await import(out)) as Models;
    const loaded = await space.load(chosen as never);
    for (const maker of fixture.makers) {
      const want = call(written, maker) as tf.LayersModel;
      const got = call(loaded, maker) as tf.LayersModel;
      expect(withoutIdentity(config(got))).toEqual(config(want));
      want.dispose();
      got.dispose();
    }
    // Annotated again, the written file's own values give it back.
    const again = annotateSource(applied.code, { fileName: `${name}.best.ts` });
    expect(applySource(applied.code, again.original as TreeValue, { fileName: `${name}.best.ts` }).code).toBe(applied.code);

    // With the kinds and layers of the original, only the chosen literals change, each on its line.
    let values = chosen;
    for (const d of annotated.decisions) if (d.kind !== 'value') values = withValue(values, d.key, d.original);
    for (let seed = 6; JSON.stringify(values) === JSON.stringify(space.original); seed++) {
      values = materialize(space.space, randomDNA(dnaSpec(space.space), seededRng(seed))) as TreeValue;
      for (const d of annotated.decisions) if (d.kind !== 'value') values = withValue(values, d.key, d.original);
    }
    const literals = applySource(text, values, { fileName: `${name}.ts` });
    expect(literals.changes.length).toBeGreaterThan(0);
    expect(literals.changes.every((c) => c.kind === 'value')).toBe(true);
    const before = text.split('\n');
    const after = literals.code.split('\n');
    expect(after).toHaveLength(before.length);
    const changedLines = new Set(literals.changes.map((c) => c.line));
    before.forEach((line, i) => {
      if (!changedLines.has(i + 1)) expect(after[i]).toBe(line);
    });
    // Each changed line differs only where its literals were.
    for (const c of literals.changes) expect(after[c.line - 1]).toContain(c.after);
    const valuesOut = join(work, `${name}.values.ts`);
    writeFileSync(valuesOut, literals.code);
    expect(typeErrors([valuesOut])).toEqual([]);
    // And the rewritten file, annotated again, has the chosen values as its original ones.
    expect(annotateSource(literals.code, { fileName: `${name}.values.ts` }).original).toEqual(values);
  });
});

describe('the pliant command (the built bin, in a child process)', () => {
  const bin = join(root, 'dist', 'cli', 'main.js');
  const run = (...args: string[]): { status: number | null; stdout: string; stderr: string } =>
    spawnSync(process.execPath, [bin, ...args], { cwd: work, encoding: 'utf8' });

  it('annotate, a search journalled to a study, then apply --dry-run and apply from the study', async () => {
    copyFileSync(join(fixtures, 'two-models.ts'), join(work, 'cli-model.ts'));
    const annotated = run('annotate', 'cli-model.ts', '--out', 'cli-model.space.ts');
    expect(annotated.status, annotated.stderr).toBe(0);
    expect(annotated.stderr).toContain(
      'cli-model.ts: 10 decisions (2 layer or optimizer kinds among them), 0 places left as is, 2 kept on purpose (--verbose lists them), over 9 layer, optimizer, compile and fit calls; wrote cli-model.space.ts',
    );
    expect(run('annotate', 'cli-model.space.ts').stderr).toContain('is annotated already: nothing to do');

    // a search over the module's values, journalled as the study 'cli' (the objective prefers wide
    // students); its kinds are kept as written, so that the original values fit the rewritten file
    // too (a kind written renames its decision: `createTeacher.adam.kind` would be `createTeacher.rmsprop.kind`)
    const space = await annotatedModule(join(work, 'cli-model.space.ts'));
    let values = space.space;
    for (const d of annotateSource(readFileSync(join(work, 'cli-model.ts'), 'utf8')).decisions)
      if (d.kind !== 'value') values = withValue(values, d.key, d.original);
    const studies = join(work, 'studies');
    await search(values, (c) => (c as { createStudent: { dense_1: { units: number } } }).createStudent.dense_1.units, {
      numTrials: 6,
      seed: 2,
      study: 'cli',
      storage: journalStorage(studies),
    });
    const journal = join('studies', 'cli.jsonl');

    const before = readFileSync(join(work, 'cli-model.ts'), 'utf8');
    const dry = run('apply', journal, 'cli-model.ts', '--dry-run');
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/^--- a\/cli-model\.ts\n\+\+\+ b\/cli-model\.ts\n@@ /);
    expect(dry.stdout).toContain('+      tf.layers.dense({ inputShape: [8], units: 32, activation: ');
    expect(readFileSync(join(work, 'cli-model.ts'), 'utf8')).toBe(before);

    const wet = run('apply', journal, 'cli-model.ts');
    expect(wet.status, wet.stderr).toBe(0);
    expect(wet.stderr).toMatch(/cli-model\.ts: \d+ [^:;]* from the best trial \(\d\) of 'cli'; wrote cli-model\.ts/);
    const after = readFileSync(join(work, 'cli-model.ts'), 'utf8');
    expect(after).toContain('units: 32, activation:');
    expect(typeErrors([join(work, 'cli-model.ts')])).toEqual([]);

    // the original values put the file back as it was
    writeFileSync(join(work, 'original.json'), JSON.stringify(space.original));
    expect(run('apply', 'original.json', 'cli-model.ts').status).toBe(0);
    expect(readFileSync(join(work, 'cli-model.ts'), 'utf8')).toBe(before);

    // a kind: the call renamed, and the argument the new kind does not take dropped
    const renamed = run('apply', JSON.stringify(withValue(space.original as TreeValue, 'createTeacher.adam.kind', 'sgd')), 'cli-model.ts');
    expect(renamed.status, renamed.stderr).toBe(0);
    expect(readFileSync(join(work, 'cli-model.ts'), 'utf8')).toBe(before.replace('tf.train.adam(0.002, 0.5)', 'tf.train.sgd(0.002)'));
    expect(typeErrors([join(work, 'cli-model.ts')])).toEqual([]);

    const bad = run('apply', '{"createStudent":{"dense_1":{"units":"wide"}}}', 'cli-model.ts');
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});
