/**
 * The examples run as users run them (`npx tsx examples/<name>.ts` after `npm run build`,
 * importing the built `pliant` and `pliant/testing`), in a child process; their output is checked.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');

function runExample(name: string): string[] {
  // stderr (the TensorFlow.js backend line) is not part of the checked output
  return execFileSync(process.execPath, [tsx, join(root, 'examples', name)], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n');
}

describe('examples', () => {
  it('property-test/index.ts: a holding property, a shrunk counter-example with its DNA, fixed decisions', () => {
    const out = runExample('property-test/index.ts');
    expect(out).toContain('holds: every model has a 10-unit softmax output after 2 hidden layers (300 models)');
    // shrunk to the first candidate for the first hidden layer and the smallest failing width, 129
    const fails = out.find((l) => l.startsWith('fails: a hidden layer can be wider than 128, e.g. '));
    expect(fails, out.join('\n')).toBe(
      "fails: a hidden layer can be wider than 128, e.g. example.Mlp(hidden=[example.Dense(units=32, act='relu'), example.Dense(units=129, act='relu')], " +
        "output=example.Dense(units=10, act='softmax'), dropout=0) from DNA([[(0, 0), (1, [129, 0])], 0.0])",
    );
    expect(out).toContain('replayed from its DNA: true');
    expect(out).toContain('holds: with hidden fixed to [1, 1], every width is in [8, 256] (100 models)');
  });

  it('annotate/search.ts: annotates model.ts, searches it, and prints a diff of the chosen values only, leaving model.ts as it was', () => {
    const model = join(root, 'examples', 'annotate', 'model.ts');
    const before = readFileSync(model, 'utf8');
    const out = execFileSync(process.execPath, [tsx, join(root, 'examples', 'annotate', 'search.ts'), '--trials', '4'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).split('\n');
    expect(out[0]).toBe('annotated examples/annotate/model.ts into examples/annotate/.generated/model.space.ts: 7 decisions');
    expect(out.filter((l) => /^  \S+ +(oneOf|floatv)\(/.test(l))).toHaveLength(7);
    expect(
      out.some((l) => /^best validation accuracy [01]\.\d{3} \(trial \d+ of 4\)$/.test(l)),
      out.join('\n'),
    ).toBe(true);
    const diff = out.filter((l) => /^[-+][^-+]/.test(l));
    // every changed line is one of the annotated ones: the literals, the optimizer's kind, the dropout layer (left out)
    for (const line of diff)
      expect(line, out.join('\n')).toMatch(/LEARNING_RATE =|units: \d+, activation|rate: |batchSize: |optimizer: tf\.train\.\w+\(LEARNING_RATE\)/);
    expect(readFileSync(model, 'utf8')).toBe(before);
  });

  it('cli/experiment.ts: pliant search runs it (a TypeScript module, through the built bin), then report writes its page', () => {
    const home = mkdtempSync(join(root, '.tmp-cli-home-'));
    try {
      const env = { ...process.env, PLIANT_HOME: home };
      const bin = join(root, 'dist', 'cli', 'main.js');
      const out = execFileSync(process.execPath, [bin, 'search', 'examples/cli/experiment.ts', '--algorithm', 'tpe', '--trials', '12'], {
        cwd: root,
        encoding: 'utf8',
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      expect(out).toMatch(/^study 'experiment' \(journal:.*\): 12 trials, \d+ completed\nbest: trial \d+, 0\.\d+\n\{learningRate: /);
      execFileSync(process.execPath, [bin, 'report', 'experiment', '--out', join(home, 'report.html')], { cwd: root, env, stdio: 'ignore' });
      expect(readFileSync(join(home, 'report.html'), 'utf8')).toContain('data-plot="history"');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('iris/index.ts: a whole TensorFlow.js model search in seconds, with a sane best accuracy and no tensor left', () => {
    const started = Date.now();
    const out = runExample('iris/index.ts');
    expect(Date.now() - started).toBeLessThan(30_000);
    const trials = out.filter((l) => /^trial +\d+: (validation accuracy [\d.]+ after \d+ epochs|pruned after epoch \d+)/.test(l));
    expect(trials, out.join('\n')).toHaveLength(12);
    // 12 evaluations; trials the functional cache served come on top
    const summary = out.find((l) => /^\d+ trials: \d+ completed, \d+ pruned by early stopping, \d+ served by the functional cache$/.test(l));
    expect(summary, out.join('\n')).toBeDefined();
    const best = /^best validation accuracy ([\d.]+) \(trial \d+, DNA DNA\(/.exec(out.find((l) => l.startsWith('best validation accuracy')) ?? '');
    expect(Number(best?.[1])).toBeGreaterThanOrEqual(0.9);
    expect(out).toContain('  model: tf.sequential(');
    expect(
      out.some((l) => /^done in [\d.]+ s; tensors alive: 0$/.test(l)),
      out.join('\n'),
    ).toBe(true);
  }, 60_000);

  it("resolves 'pliant/testing' through the package exports, with fast-check an optional peer", () => {
    const script = `
      import * as testing from 'pliant/testing';
      import { oneOf } from 'pliant';
      import fc from 'fast-check';
      console.log(JSON.stringify(Object.keys(testing).sort()));
      console.log(JSON.stringify(fc.sample(testing.arbitrary(oneOf([1, 2, 3])), { numRuns: 20, seed: 1 }).every((x) => [1, 2, 3].includes(x))));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' }).trim().split('\n');
    expect(out).toEqual(['["SpaceSample","arbitrary","arbitraryWithDNA","dnaArbitrary"]', 'true']);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      exports: Record<string, unknown>;
      peerDependenciesMeta: Record<string, { optional?: boolean }>;
    };
    expect(pkg.exports['./testing']).toEqual({ types: './dist/testing/index.d.ts', import: './dist/testing/index.js' });
    expect(pkg.peerDependenciesMeta['fast-check']?.optional).toBe(true);
    // (that the core entry never reaches fast-check is checked in package.test.ts: its bare imports are immer, seedrandom, zod)
  });

  it('one-shot/search.ts: trains a supernet, ranks candidates by shared weights, retrains the best standalone, leaks no tensor', () => {
    const out = execFileSync(
      process.execPath,
      [tsx, join(root, 'examples', 'one-shot', 'search.ts'), '--digits', '2400', '--epochs', '1', '--candidates', '6', '--top', '1', '--retrain-epochs', '2'],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    ).split('\n');
    expect(
      out.some((l) => /^supernet: \d+ steps/.test(l)),
      out.join('\n'),
    ).toBe(true);
    expect(
      out.some((l) => /^ranked 6 candidates/.test(l)),
      out.join('\n'),
    ).toBe(true);
    const best = out.find((l) => l.startsWith('best: rank '));
    expect(best, out.join('\n')).toMatch(/validation \d+\.\d\d%, test \d+\.\d\d%/);
    // two epochs on 2,100 digits are enough for far better than chance
    expect(Number(/test (\d+\.\d\d)%/.exec(best as string)?.[1])).toBeGreaterThan(50);
    expect(out).toContain('tensors alive at the end: 0');
  }, 300_000);
});
