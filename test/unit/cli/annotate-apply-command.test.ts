import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/run-cli.js';
import { annotateSource, applySource, journalStorage, random, search } from '../../../src/index.js';
import type { Result, Trial, TreeValue } from '../../../src/index.js';

function capture(): { out: string[]; err: string[]; streams: { out: { write(t: string): void }; err: { write(t: string): void } } } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, streams: { out: { write: (t) => void out.push(t) }, err: { write: (t) => void err.push(t) } } };
}

/** Runs `pliant ...args`; returns the exit code and what it printed. */
async function pliant(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const c = capture();
  const code = await runCli(args, c.streams);
  return { code, out: c.out.join(''), err: c.err.join('') };
}

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/codemod/${name}`, import.meta.url));
const RESIDUAL = fixture('residual.ts');
const MNIST = fixture('mnist-cnn.ts');
const TWO_MODELS = fixture('two-models.ts');
const shown = (file: string): string => relative(process.cwd(), file) || file;

/** The decisions `annotate` makes for residual.ts, as values. */
interface ResidualValues {
  createModel: { dense_1: { units: number; activation: string }; dense_2: { activation: string }; layerNormalization_1: { keep: boolean } };
  createDeepModel: { dense_2: { activation: string } };
  compileModel: { sgd: { kind: string; learningRate: number } };
  trainModel: { fit: { batchSize: number } };
}

const ORIGINAL: ResidualValues = {
  createModel: { dense_1: { units: 32, activation: 'relu' }, dense_2: { activation: 'tanh' }, layerNormalization_1: { keep: true } },
  createDeepModel: { dense_2: { activation: 'relu' } },
  compileModel: { sgd: { kind: 'sgd', learningRate: 0.05 } },
  trainModel: { fit: { batchSize: 16 } },
};

/** ORIGINAL with dense_1.units 64 (the two residual widths, tied: lines 7 and 8) and a learning rate of 0.1. */
const WIDER: ResidualValues = {
  ...ORIGINAL,
  createModel: { ...ORIGINAL.createModel, dense_1: { units: 64, activation: 'relu' } },
  compileModel: { sgd: { kind: 'sgd', learningRate: 0.1 } },
};

/** The values the literals of a file hold now (what `annotate` reads as the original values). */
function valuesIn(file: string): unknown {
  return annotateSource(readFileSync(file, 'utf8'), { fileName: file }).original;
}

/**
 * Expects `file` (a copy of residual.ts) to be the candidate written into the original: what
 * `applySource` makes of it (the kinds, the layers left out and the literals, floats exact).
 */
function expectHolds(file: string, candidate: unknown): void {
  const text = readFileSync(file, 'utf8');
  expect(text).toBe(applySource(readFileSync(RESIDUAL, 'utf8'), candidate as TreeValue, { fileName: file }).code);
  expect(text).not.toBe(readFileSync(RESIDUAL, 'utf8'));
}

/** The `-` and `+` lines of a unified diff (not its `---`/`+++` header). */
function changedLines(diff: string): { minus: string[]; plus: string[] } {
  const lines = diff.split('\n');
  return { minus: lines.filter((l) => l.startsWith('-') && !l.startsWith('---')), plus: lines.filter((l) => l.startsWith('+') && !l.startsWith('+++')) };
}

const fixtureTexts = new Map<string, string>();
for (const f of [RESIDUAL, MNIST, TWO_MODELS]) fixtureTexts.set(f, readFileSync(f, 'utf8'));

describe('pliant annotate', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pliant-cli-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    // The fixtures are only ever read.
    for (const [f, text] of fixtureTexts) expect(readFileSync(f, 'utf8')).toBe(text);
  });

  it('prints the module on stdout, the places left as is and a summary on stderr', async () => {
    const { code, out, err } = await pliant('annotate', RESIDUAL);
    expect(code).toBe(0);
    const expected = annotateSource(readFileSync(RESIDUAL, 'utf8'), { fileName: RESIDUAL });
    expect(out).toBe(expected.code);
    expect(out).toContain('export const searchSpace = {');
    expect(out).toContain('units: $.createModel.dense_1.units');
    const name = shown(RESIDUAL);
    expect(err.split('\n')).toEqual([
      `${name}:18:26: left as is: units: width: width is a parameter of createDeepModel that no call in this file passes: its callers elsewhere decide it`,
      `${name}:19:23: left as is: blocks: the loop makes a layer per turn, but its bound blocks is a parameter of createDeepModel that no call in this file passes: its callers elsewhere decide it`,
      `${name}:20:35: left as is: units: 32: layers.add merges it with an output whose width cannot be followed to a literal (a model input, another merge, a variable): the widths must stay equal`,
      `${name}: 8 decisions (1 layer or optimizer kind, 1 layer that can be left out among them), 3 places left as is (listed above), 4 kept on purpose (--verbose lists them), over 12 layer, optimizer, compile and fit calls`,
      '',
    ]);
  });

  it('prints only the summary when nothing unsafe was left, and with --verbose the output layers too', async () => {
    const name = shown(MNIST);
    const plain = await pliant('annotate', MNIST);
    expect(plain.code).toBe(0);
    const summary = `${name}: 19 decisions (5 layer or optimizer kinds, 1 layer that can be left out among them), 0 places left as is, 2 kept on purpose`;
    expect(plain.err).toBe(`${summary} (--verbose lists them), over 11 layer, optimizer, compile and fit calls\n`);
    const verbose = await pliant('annotate', MNIST, '--verbose');
    expect(verbose.code).toBe(0);
    expect(verbose.out).toBe(plain.out);
    expect(verbose.err).toBe(
      [
        `${name}:17:7: left as is: tf.layers.flatten(): nothing to tune in layers.flatten: no argument a rule tunes`,
        `${name}:20:25: left as is: units: 10: an output layer: its size and activation belong to the task`,
        `${summary}, over 11 layer, optimizer, compile and fit calls`,
        '',
      ].join('\n'),
    );
  });

  it('--out writes the module to the file and prints nothing on stdout', async () => {
    const target = join(dir, 'residual.search.ts');
    const { code, out, err } = await pliant('annotate', RESIDUAL, '--out', target);
    expect(code).toBe(0);
    expect(out).toBe('');
    expect(readFileSync(target, 'utf8')).toBe(annotateSource(readFileSync(RESIDUAL, 'utf8'), { fileName: RESIDUAL }).code);
    expect(err.trimEnd().split('\n').at(-1)).toBe(
      `${shown(RESIDUAL)}: 8 decisions (1 layer or optimizer kind, 1 layer that can be left out among them), 3 places left as is (listed above), 4 kept on purpose (--verbose lists them), over 12 layer, optimizer, compile and fit calls; wrote ${target}`,
    );
    // Annotating the module again does nothing.
    const again = await pliant('annotate', target);
    expect(again.code).toBe(0);
    expect(again.out).toBe(readFileSync(target, 'utf8'));
    expect(again.err).toBe(`${shown(target)} is annotated already: nothing to do\n`);
  });

  it('--json prints the decisions and the report', async () => {
    const { code, out, err } = await pliant('annotate', RESIDUAL, '--json');
    expect(code).toBe(0);
    expect(err).toBe('');
    const json = JSON.parse(out) as {
      file: string;
      out: string | null;
      alreadyAnnotated: boolean;
      decisions: Record<string, unknown>[];
      skipped: { kind: string; line: number }[];
    };
    expect(json.file).toBe(shown(RESIDUAL));
    expect(json.out).toBeNull();
    expect(json.alreadyAnnotated).toBe(false);
    expect(json.decisions.map((d) => d.key)).toEqual([
      'createModel.dense_1.units',
      'createModel.dense_1.activation',
      'createModel.dense_1.units',
      'createModel.dense_2.activation',
      'createModel.layerNormalization_1.keep',
      'createDeepModel.dense_2.activation',
      'compileModel.sgd.kind',
      'compileModel.sgd.learningRate',
      'trainModel.fit.batchSize',
    ]);
    expect(json.decisions[7]).toEqual({
      key: 'compileModel.sgd.learningRate',
      line: 28,
      column: 36,
      text: '0.05',
      label: 'train.sgd(0.05)',
      original: 0.05,
      hyper: "floatv(0.005, 0.5, { scale: 'log' })",
      rule: 'learning-rate',
      kind: 'value',
    });
    for (const d of json.decisions) expect(d).not.toHaveProperty('spec');
    expect(json.skipped.map((s) => `${s.line}:${s.kind}`)).toEqual(['9:kept', '11:kept', '18:unsafe', '19:unsafe', '20:unsafe', '21:kept', '23:kept']);
  });

  it('--help prints the help of each command and exits 0', async () => {
    const annotate = await pliant('annotate', '--help');
    expect(annotate.code).toBe(0);
    expect(annotate.out).toMatch(/^Usage: pliant annotate <file\.ts>/);
    expect(annotate.err).toBe('');
    const apply = await pliant('apply', '-h');
    expect(apply.code).toBe(0);
    expect(apply.out).toMatch(/^Usage: pliant apply <study-or-dna> <file\.ts>/);
    expect(apply.out).toContain('--dry-run');
    expect(apply.err).toBe('');
  });

  it('exits 2 with the usage when the file is missing, or there are two', async () => {
    const none = await pliant('annotate');
    expect(none.code).toBe(2);
    expect(none.out).toBe('');
    expect(none.err).toBe("pliant annotate: which file? (pliant annotate <file.ts>)\nRun 'pliant annotate --help' for usage.\n");
    const two = await pliant('annotate', RESIDUAL, MNIST);
    expect(two.code).toBe(2);
    expect(two.err).toContain(`one file at a time (found '${MNIST}' too)`);
  });

  it('exits 2 on an unknown option, naming the closest known one, with a pointer to --help', async () => {
    const { code, out, err } = await pliant('annotate', RESIDUAL, '--bogus');
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toBe("pliant annotate: unknown option --bogus\nRun 'pliant annotate --help' for usage.\n");
    expect((await pliant('annotate', RESIDUAL, '--rulez', 'x.json')).err).toMatch(/^pliant annotate: unknown option --rulez \(did you mean --rules\?\)\n/);
  });

  it('exits 1 on an unreadable file with a one-line error, and a stack trace with --verbose', async () => {
    const missing = join(dir, 'missing.ts');
    const { code, out, err } = await pliant('annotate', missing);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toBe(`pliant annotate: the file ${missing} does not exist\n`);
    expect(err).not.toMatch(/\n\s+at /);
    const verbose = await pliant('annotate', missing, '--verbose');
    expect(verbose.code).toBe(1);
    expect(verbose.err.split('\n')[0]).toBe(err.trimEnd());
    expect(verbose.err).toMatch(/\nPliantError: pliant annotate: the file [^\n]* does not exist\n\s+at /);
    expect(existsSync(missing)).toBe(false);
  });
});

describe('pliant apply', () => {
  let dir: string;
  let file: string;
  let original: string;
  const home = process.env.PLIANT_HOME;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pliant-cli-'));
    file = join(dir, 'residual.ts');
    copyFileSync(RESIDUAL, file);
    original = readFileSync(file, 'utf8');
  });
  afterEach(() => {
    if (home === undefined) delete process.env.PLIANT_HOME;
    else process.env.PLIANT_HOME = home;
    rmSync(dir, { recursive: true, force: true });
    for (const [f, text] of fixtureTexts) expect(readFileSync(f, 'utf8')).toBe(text);
  });

  /** Runs a real search over residual.ts's annotated space, journalled in `storageDir` (or under PLIANT_HOME). */
  async function searchResidual(study: string, storageDir?: string): Promise<Result> {
    const { space } = annotateSource(readFileSync(file, 'utf8'), { fileName: file });
    const score = (v: ResidualValues): number =>
      (v.createModel.dense_1.units === 64 ? 1 : 0) + (v.trainModel.fit.batchSize === 8 ? 1 : 0) + v.compileModel.sgd.learningRate;
    return search(space, (c) => score(c as unknown as ResidualValues), {
      numTrials: 8,
      study,
      ...(storageDir === undefined ? {} : { storage: journalStorage(storageDir) }),
      algorithm: random({ seed: 2 }),
    });
  }

  it('sanity: the residual fixture holds the values the tests assume', () => {
    expect(valuesIn(file)).toEqual(ORIGINAL);
  });

  it('--dry-run prints a unified diff of just the changed literals and writes nothing', async () => {
    const before = statSync(file).mtimeMs;
    const name = shown(file);
    const { code, out, err } = await pliant('apply', JSON.stringify(WIDER), name, '--dry-run');
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines[0]).toBe(`--- a/${name}`);
    expect(lines[1]).toBe(`+++ b/${name}`);
    const src = original.split('\n');
    expect(changedLines(out)).toEqual({
      minus: [`-${src[6]}`, `-${src[7]}`, `-${src[27]}`],
      plus: [
        `+${(src[6] as string).replace('units: 32', 'units: 64')}`,
        `+${(src[7] as string).replace('units: 32', 'units: 64')}`,
        `+${(src[27] as string).replace('sgd(0.05)', 'sgd(0.1)')}`,
      ],
    });
    expect(err).toBe(`${name}: 3 literals changed from the given values (dry run: nothing written)\n`);
    expect(readFileSync(file, 'utf8')).toBe(original);
    expect(statSync(file).mtimeMs).toBe(before);
  });

  it('writes the values into the file without --dry-run', async () => {
    const { code, out, err } = await pliant('apply', JSON.stringify(WIDER), file);
    expect(code).toBe(0);
    expect(out).toBe('');
    expect(err).toBe(`${shown(file)}: 3 literals changed from the given values; wrote ${shown(file)}\n`);
    expect(readFileSync(file, 'utf8')).toBe(
      original
        .replace("units: 32, activation: 'relu'", "units: 64, activation: 'relu'")
        .replace("units: 32, activation: 'tanh'", "units: 64, activation: 'tanh'")
        .replace('sgd(0.05)', 'sgd(0.1)'),
    );
    expect(valuesIn(file)).toEqual(WIDER);
  });

  it('--out writes the result elsewhere and leaves the file alone', async () => {
    const target = join(dir, 'tuned.ts');
    const { code, err } = await pliant('apply', JSON.stringify(WIDER), file, '--out', target);
    expect(code).toBe(0);
    expect(err).toBe(`${shown(file)}: 3 literals changed from the given values; wrote ${target}\n`);
    expect(readFileSync(file, 'utf8')).toBe(original);
    expect(valuesIn(target)).toEqual(WIDER);
  });

  it('--json prints the changes', async () => {
    const { code, out, err } = await pliant('apply', JSON.stringify(WIDER), file, '--dry-run', '--json');
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(JSON.parse(out)).toEqual({
      file: shown(file),
      from: 'the given values',
      written: null,
      changes: [
        { key: 'createModel.dense_1.units', kind: 'value', line: 7, column: 38, before: '32', after: '64' },
        { key: 'createModel.dense_1.units', kind: 'value', line: 8, column: 40, before: '32', after: '64' },
        { key: 'compileModel.sgd.learningRate', kind: 'value', line: 28, column: 36, before: '0.05', after: '0.1' },
      ],
    });
    expect(readFileSync(file, 'utf8')).toBe(original);
  });

  it('reads a candidate from a JSON file, and a trial ({"candidate": ...}) as JSON text', async () => {
    const json = join(dir, 'candidate.json');
    writeFileSync(json, JSON.stringify(WIDER));
    const fromFile = await pliant('apply', json, file, '--dry-run');
    expect(fromFile.code).toBe(0);
    expect(fromFile.err).toBe(`${shown(file)}: 3 literals changed from ${json} (dry run: nothing written)\n`);
    const asTrial = await pliant('apply', JSON.stringify({ candidate: WIDER }), file);
    expect(asTrial.code).toBe(0);
    expect(valuesIn(file)).toEqual(WIDER);
  });

  it("writes the best trial of a study's journal, or the trial --trial names", async () => {
    const studies = join(dir, 'studies');
    const result = await searchResidual('residual', studies);
    const best = result.best as Trial;
    const first = result.trials[0] as Trial;
    expect(best).toBeDefined();
    // The test means something only if the best and trial 0 differ from each other and from the file.
    expect(best.candidate).not.toEqual(ORIGINAL);
    expect(first.candidate).not.toEqual(best.candidate);
    expect(first.candidate).not.toEqual(ORIGINAL);
    const journal = join(studies, 'residual.jsonl');

    const bestRun = await pliant('apply', journal, file);
    expect(bestRun.code).toBe(0);
    expect(bestRun.err).toMatch(
      new RegExp(`^${shown(file).replace(/[.]/g, '\\.')}: \\d+ [^:;]* from the best trial \\(${best.number}\\) of 'residual'; wrote `),
    );
    expectHolds(file, best.candidate);

    writeFileSync(file, original);
    const trialRun = await pliant('apply', journal, file, '--trial', '0');
    expect(trialRun.code).toBe(0);
    expect(trialRun.err).toContain("from trial 0 of 'residual'");
    expectHolds(file, first.candidate);

    // A trial is also named by its id.
    writeFileSync(file, original);
    const byId = await pliant('apply', journal, file, '--trial', (result.trials[3] as Trial).id);
    expect(byId.code).toBe(0);
    expectHolds(file, (result.trials[3] as Trial).candidate);

    const missing = await pliant('apply', journal, file, '--trial', '99');
    expect(missing.code).toBe(1);
    expect(missing.err).toBe("pliant apply: the study 'residual' has no trial 99\n");
  });

  it('finds a study by name under $PLIANT_HOME', async () => {
    process.env.PLIANT_HOME = dir;
    const result = await searchResidual('by-name');
    expect(existsSync(join(dir, 'studies', 'by-name.jsonl'))).toBe(true);
    const { code, err } = await pliant('apply', 'by-name', file);
    expect(code).toBe(0);
    expect(err).toContain(`from the best trial (${(result.best as Trial).number}) of 'by-name'`);
    expectHolds(file, (result.best as Trial).candidate);

    writeFileSync(file, original);
    const unknown = await pliant('apply', 'no-such-study', file);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/^pliant apply: no study named 'no-such-study'[^\n]*\n$/);
    expect(readFileSync(file, 'utf8')).toBe(original);
  });

  it('writes the values of a DNA given as {"dna": ...}', async () => {
    const result = await searchResidual('dna', join(dir, 'studies'));
    const trial = result.trials[5] as Trial;
    expect(trial.candidate).not.toEqual(ORIGINAL);
    const { code, err } = await pliant('apply', JSON.stringify({ dna: trial.dna.toJSON() }), file);
    expect(code).toBe(0);
    expect(err).toMatch(/\d+ [^:;]* from the given values; wrote /);
    expectHolds(file, trial.candidate);
  });

  it('the original values change nothing: the file stays byte for byte', async () => {
    const before = statSync(file).mtimeMs;
    const { code, out, err } = await pliant('apply', JSON.stringify(ORIGINAL), file);
    expect(code).toBe(0);
    expect(out).toBe('');
    expect(err).toBe(`${shown(file)}: nothing to change (the given values: the values the file has)\n`);
    expect(readFileSync(file, 'utf8')).toBe(original);
    expect(statSync(file).mtimeMs).toBe(before);
    const dry = await pliant('apply', JSON.stringify(ORIGINAL), file, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toBe('');
  });

  it('--precision rounds the changed floats; a bad precision exits 2', async () => {
    const candidate: ResidualValues = { ...ORIGINAL, compileModel: { sgd: { kind: 'sgd', learningRate: 0.123456 } } };
    const rounded = await pliant('apply', JSON.stringify(candidate), file, '--precision', '2');
    expect(rounded.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(original.replace('sgd(0.05)', 'sgd(0.12)'));
    for (const bad of ['0', '18', '2.5', 'two']) {
      const r = await pliant('apply', JSON.stringify(WIDER), file, '--precision', bad);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`--precision must be an integer from 1 to 17, found '${bad}'`);
      expect(r.err.split('\n')).toEqual([
        `pliant apply: --precision must be an integer from 1 to 17, found '${bad}'`,
        "Run 'pliant apply --help' for usage.",
        '',
      ]);
    }
    expect(readFileSync(file, 'utf8')).toBe(original.replace('sgd(0.05)', 'sgd(0.12)'));
  });

  it('rejects a candidate made for another file, naming the key', async () => {
    const other = annotateSource(readFileSync(TWO_MODELS, 'utf8'), { fileName: TWO_MODELS }).original;
    const { code, out, err } = await pliant('apply', JSON.stringify(other), file);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err.split('\n')).toHaveLength(2);
    expect(err).toMatch(/^pliant apply: at 'createTeacher\.dense_1\.units': .*no decision of .*another file\?\n$/);
    expect(readFileSync(file, 'utf8')).toBe(original);
  });

  it('rejects a candidate missing a decision, naming it', async () => {
    const partial = { createModel: ORIGINAL.createModel, createDeepModel: ORIGINAL.createDeepModel, compileModel: WIDER.compileModel };
    const { code, err } = await pliant('apply', JSON.stringify(partial), file);
    expect(code).toBe(1);
    expect(err).toContain("no value for 'trainModel.fit.batchSize'");
    expect(readFileSync(file, 'utf8')).toBe(original);
  });

  it('exits 1 on text that is not JSON, and on an annotated module', async () => {
    const broken = await pliant('apply', '{"createModel": ', file);
    expect(broken.code).toBe(1);
    expect(broken.err).toMatch(/^pliant apply: the argument is not JSON: /);
    const module = join(dir, 'residual.search.ts');
    expect((await pliant('annotate', file, '--out', module)).code).toBe(0);
    const annotated = await pliant('apply', JSON.stringify(WIDER), module);
    expect(annotated.code).toBe(1);
    expect(annotated.err).toContain('is a module made by pliant annotate: apply writes to the original file');
  });

  it('bad usage exits 2: a missing file, an extra argument, --trial without a study, an unknown option', async () => {
    const one = await pliant('apply', JSON.stringify(WIDER));
    expect(one.code).toBe(2);
    expect(one.err).toMatch(/^pliant apply: apply needs a study \(or a DNA\) and the file/);
    const extra = await pliant('apply', JSON.stringify(WIDER), file, 'more.ts');
    expect(extra.code).toBe(2);
    expect(extra.err).toContain("unexpected argument 'more.ts'");
    const trial = await pliant('apply', JSON.stringify(WIDER), file, '--trial', '0');
    expect(trial.code).toBe(2);
    expect(trial.err).toContain('--trial goes with a study');
    const unknown = await pliant('apply', JSON.stringify(WIDER), file, '--frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toBe("pliant apply: unknown option --frobnicate\nRun 'pliant apply --help' for usage.\n");
    const missingFile = await pliant('apply', JSON.stringify(WIDER), join(dir, 'nowhere.ts'));
    expect(missingFile.code).toBe(1);
    expect(missingFile.err).toBe(`pliant apply: the file ${join(dir, 'nowhere.ts')} does not exist\n`);
    const missingValues = await pliant('apply', join(dir, 'values.json'), file);
    expect(missingValues.err).toBe(`pliant apply: the values file ${join(dir, 'values.json')} does not exist\n`);
    expect(readFileSync(file, 'utf8')).toBe(original);
  });
});
