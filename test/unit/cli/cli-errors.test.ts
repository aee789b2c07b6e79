/**
 * Every subcommand's mistakes: checked flags (negative and zero counts, unknown options with the
 * closest known one), missing files named on one line, no doubled prefix, and usage errors as
 * one line and a pointer to --help.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCommandLine, parseDuration } from '../../../src/cli/command.js';
import { runCli } from '../../../src/cli/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'pliant-cli-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const experiment = join(dir, 'experiment.mjs');
writeFileSync(experiment, 'export const space = { x: 1 };\nexport function objective(c) { return c.x; }\n');
const ts = join(dir, 'model.ts');
writeFileSync(ts, 'export const units = 32;\n');
const missing = (name: string): string => join(dir, 'missing', name);
mkdirSync(join(dir, 'folder.ts'));

async function pliant(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: { write: (t: string) => void (out += t) }, err: { write: (t: string) => void (err += t) } });
  return { code, out, err };
}

/** A usage error: exactly its one line, then the pointer to the command's --help; exit code 2. */
async function expectUsage(argv: readonly string[], line: string): Promise<void> {
  const r = await pliant(...argv);
  const command = argv[0] as string;
  expect({ argv: argv.join(' '), code: r.code, err: r.err, out: r.out }).toEqual({
    argv: argv.join(' '),
    code: 2,
    err: `${line}\nRun 'pliant ${command} --help' for usage.\n`,
    out: '',
  });
}

/** A failure: exactly one line; exit code 1. */
async function expectFailure(argv: readonly string[], line: string | RegExp): Promise<void> {
  const r = await pliant(...argv);
  expect(r.code, argv.join(' ')).toBe(1);
  expect(r.err.split('\n'), argv.join(' ')).toHaveLength(2);
  if (typeof line === 'string') expect(r.err).toBe(`${line}\n`);
  else expect(r.err).toMatch(line);
}

describe('counts and numbers are checked, negative ones included', () => {
  const worker = ['worker', '--redis', 'redis://127.0.0.1:1', '--study', 's', '--objective', experiment];
  const cases: [string[], string][] = [
    [['search', experiment, '--trials', '-1'], "pliant search: --trials must be a positive integer, found '-1'"],
    [['search', experiment, '--trials', '0'], "pliant search: --trials must be a positive integer, found '0'"],
    [['search', experiment, '--trials=-3'], "pliant search: --trials must be a positive integer, found '-3'"],
    [['search', experiment, '--trials', '2.5'], "pliant search: --trials must be a positive integer, found '2.5'"],
    [['search', experiment, '--trials', 'Infinity'], "pliant search: --trials must be a positive integer, found 'Infinity'"],
    [['search', experiment, '--trials', '-Infinity'], "pliant search: --trials must be a positive integer, found '-Infinity'"],
    [['search', experiment, '--trials', ''], "pliant search: --trials must be a positive integer, found ''"],
    [['search', experiment, '--concurrency', '-2'], "pliant search: --concurrency must be a positive integer, found '-2'"],
    [['search', experiment, '--threads', '0'], "pliant search: --threads must be a positive integer, found '0'"],
    [['search', experiment, '--threads', '-.5'], "pliant search: --threads must be a positive integer, found '-.5'"],
    [['search', experiment, '--seed', 'x'], "pliant search: --seed must be a number, found 'x'"],
    [
      ['search', experiment, '--timeout', '-1'],
      "pliant search: --timeout must be a positive duration such as 90s, 1500ms, 10m or 2h (a bare number is seconds), found '-1'",
    ],
    [['inspect', experiment, '--seed', 'NaN'], "pliant inspect: --seed must be a number, found 'NaN'"],
    [['serve', 's', '--port', '-1'], "pliant serve: --port must be a port number from 0 to 65535, found '-1'"],
    [['serve', 's', '--port', '65536'], "pliant serve: --port must be a port number from 0 to 65535, found '65536'"],
    [['serve', 's', '--interval', '-100'], "pliant serve: --interval must be a positive number, found '-100'"],
    [['serve', 's', '--interval', '0'], "pliant serve: --interval must be a positive number, found '0'"],
    [['apply', '{}', ts, '--precision', '-2'], "pliant apply: --precision must be an integer from 1 to 17, found '-2'"],
    [['apply', '{}', ts, '--precision', '0'], "pliant apply: --precision must be an integer from 1 to 17, found '0'"],
    [[...worker, '--concurrency', '-1'], "pliant worker: --concurrency must be a positive integer, found '-1'"],
    [
      [...worker, '--timeout', '0'],
      "pliant worker: --timeout must be a positive duration such as 90s, 1500ms, 10m or 2h (a bare number is seconds), found '0'",
    ],
    [
      [...worker, '--lock-duration', '-30000'],
      "pliant worker: --lock-duration must be a positive duration such as 90s, 1500ms, 10m or 2h (a bare number is milliseconds), found '-30000'",
    ],
    [
      [...worker, '--reply-timeout', '-1'],
      "pliant worker: --reply-timeout must be a positive duration such as 90s, 1500ms, 10m or 2h (a bare number is seconds), found '-1'",
    ],
  ];
  it.each(cases)('%j', async (argv, line) => expectUsage(argv, line));
});

describe('unknown options name the closest known one', () => {
  const cases: [string[], string][] = [
    [['search', experiment, '--trails', '3'], 'pliant search: unknown option --trails (did you mean --trials?)'],
    [['search', experiment, '--algo', 'tpe'], 'pliant search: unknown option --algo'],
    [['search', experiment, '--jsno'], 'pliant search: unknown option --jsno (did you mean --json?)'],
    [['search', experiment, '--timout', '9s'], 'pliant search: unknown option --timout (did you mean --timeout?)'],
    [['search', experiment, '-x'], 'pliant search: unknown option -x'],
    [['inspect', experiment, '--sed', '1'], 'pliant inspect: unknown option --sed (did you mean --seed?)'],
    [['study', 'list', '--storag', dir], 'pliant study: unknown option --storag (did you mean --storage?)'],
    [['study', 'export', 's', '--froce'], 'pliant study: unknown option --froce (did you mean --force?)'],
    [['report', 's', '--titel', 'x'], 'pliant report: unknown option --titel (did you mean --title?)'],
    [['serve', 's', '--prot', '80'], 'pliant serve: unknown option --prot (did you mean --port?)'],
    [['annotate', ts, '--rule', 'r.json'], 'pliant annotate: unknown option --rule (did you mean --rules?)'],
    [['apply', '{}', ts, '--dryrun'], 'pliant apply: unknown option --dryrun (did you mean --dry-run?)'],
    [['worker', '--reddis', 'redis://x'], 'pliant worker: unknown option --reddis (did you mean --redis?)'],
    [['search', experiment, '--json=1'], "pliant search: --json takes no value (found '--json=1')"],
    [['search', experiment, '--trials'], 'pliant search: --trials needs a value'],
    [
      ['search', experiment, '--study', '--json'],
      "pliant search: --study needs a value, found the option '--json' (write --study=<value> for a value that starts with '-')",
    ],
    [['search', experiment, '--algorithm', 'tep'], "pliant search: unknown algorithm 'tep' (did you mean tpe?)"],
  ];
  it.each(cases)('%j', async (argv, line) => expectUsage(argv, line));

  it('an unknown command or top-level option: one line and the pointer', async () => {
    expect(await pliant('serch')).toEqual({
      code: 2,
      out: '',
      err: "pliant: unknown command 'serch' (did you mean search?)\nRun 'pliant --help' for usage.\n",
    });
    expect(await pliant('--verison')).toEqual({
      code: 2,
      out: '',
      err: "pliant: unknown option '--verison' (did you mean --version?)\nRun 'pliant --help' for usage.\n",
    });
  });
});

describe('a missing file is one line naming it', () => {
  const cases: [string[], string][] = [
    [['search', missing('exp.ts'), '--trials', '1'], `pliant search: the experiment module ${missing('exp.ts')} does not exist`],
    [['search', join(dir, 'folder.ts'), '--trials', '1'], `pliant search: the experiment module ${join(dir, 'folder.ts')} is not a file`],
    [['inspect', missing('space.ts')], `pliant inspect: the module ${missing('space.ts')} does not exist`],
    [['inspect', missing('space.json')], `pliant inspect: the space file ${missing('space.json')} does not exist`],
    [['study', 'show', missing('s.jsonl')], `pliant study show: no journal file ${missing('s.jsonl')}`],
    [['study', 'best', missing('s.jsonl')], `pliant study best: no journal file ${missing('s.jsonl')}`],
    [['study', 'export', missing('s.jsonl'), '--out', join(dir, 'o.jsonl')], `pliant study export: the journal file ${missing('s.jsonl')} does not exist`],
    [['study', 'export', missing('s.jsonl'), '--out', join(dir, 'o.csv')], `pliant study export: no journal file ${missing('s.jsonl')}`],
    [['study', 'list', '--storage', missing('studies')], `pliant study list: the storage folder ${missing('studies')} does not exist`],
    [['report', missing('s.jsonl')], `pliant report: no journal file ${missing('s.jsonl')}`],
    [['serve', missing('s.jsonl')], `pliant serve: no journal file ${missing('s.jsonl')}`],
    [['annotate', missing('model.ts')], `pliant annotate: the file ${missing('model.ts')} does not exist`],
    [['annotate', ts, '--rules', missing('rules.json')], `pliant annotate: the rules file ${missing('rules.json')} does not exist`],
    [['apply', '{}', missing('model.ts')], `pliant apply: the file ${missing('model.ts')} does not exist`],
    [['apply', missing('values.json'), ts], `pliant apply: the values file ${missing('values.json')} does not exist`],
    [['apply', missing('s.jsonl'), ts], `pliant apply: no journal file ${missing('s.jsonl')}`],
    [['apply', '[0]', ts, '--space', missing('space.ts')], `pliant apply: the space module ${missing('space.ts')} does not exist`],
    [
      ['worker', '--redis', 'redis://127.0.0.1:1', '--study', 's', '--objective', missing('objective.js')],
      `pliant worker: the objective module ${missing('objective.js')} does not exist`,
    ],
    [
      ['worker', '--redis', 'redis://127.0.0.1:1', '--study', 's', '--objective', experiment, '--import', missing('types.js')],
      `pliant worker: the module to import ${missing('types.js')} does not exist`,
    ],
  ];
  it.each(cases)('%j', async (argv, line) => expectFailure(argv, line));
});

describe('no doubled prefix', () => {
  it('library errors speak with the command name only', async () => {
    const argvs: string[][] = [
      ['study', 'show', 'no-such-study', '--storage', dir],
      ['report', missing('s.jsonl')],
      ['apply', '{"createModel": ', ts],
      ['search', experiment, '--storage', join(dir, 'studies')],
      ['inspect', experiment, '--export', 'nothing'],
      ['worker', '--redis', 'redis://127.0.0.1:1', '--study', 's', '--objective', experiment],
    ];
    for (const argv of argvs) {
      const r = await pliant(...argv);
      expect(r.code, argv.join(' ')).toBeGreaterThan(0);
      expect(r.err, argv.join(' ')).toMatch(/^pliant [a-z]+( [a-z]+)?: /);
      expect(r.err, argv.join(' ')).not.toMatch(/^pliant[^:\n]*: (pliant|loadStudy|apply|annotate|search|serveReport|fromJSON)\b/m);
      expect(r.err.trimEnd().split('\n'), argv.join(' ')).toHaveLength(argv[0] === 'search' ? 2 : 1);
    }
  });
});

describe('parseCommandLine', () => {
  const options = {
    trials: { type: 'string' },
    out: { type: 'string', short: 'o' },
    force: { type: 'boolean', short: 'f' },
    help: { type: 'boolean', short: 'h' },
    import: { type: 'string', multiple: true },
  } as const;

  it('takes negative numbers as values and as positionals, never as options', () => {
    expect(parseCommandLine(['--trials', '-1', '-o', '-2.5', '-1', 'x'], options)).toEqual({ values: { trials: '-1', out: '-2.5' }, positionals: ['-1', 'x'] });
    expect(parseCommandLine(['--trials=-1', '-o-3'], options)).toEqual({ values: { trials: '-1', out: '-3' }, positionals: [] });
  });

  it('clusters short flags, repeats multiple options, and stops at --', () => {
    expect(parseCommandLine(['-fh', '-ofile', '--import', 'a', '--import=b', '--', '--trials', '-x'], options)).toEqual({
      values: { force: true, help: true, out: 'file', import: ['a', 'b'] },
      positionals: ['--trials', '-x'],
    });
    expect(parseCommandLine(['-fo', 'file', '-'], options)).toEqual({ values: { force: true, out: 'file' }, positionals: ['-'] });
  });

  it('each mistake is one line', () => {
    expect(() => parseCommandLine(['--trails', '3'], options)).toThrow(/^pliant: unknown option --trails \(did you mean --trials\?\)$/);
    expect(() => parseCommandLine(['-fz'], options)).toThrow("unknown option -z (in '-fz')");
    expect(() => parseCommandLine(['-o'], options)).toThrow('-o needs a value');
    expect(() => parseCommandLine(['--out', '--force'], options)).toThrow("--out needs a value, found the option '--force'");
    expect(() => parseCommandLine(['--force=no'], options)).toThrow("--force takes no value (found '--force=no')");
    expect(() => parseCommandLine(['--constructor'], options)).toThrow('unknown option --constructor');
  });
});

describe('parseDuration', () => {
  it('reads seconds by default, and ms, s, m, h', () => {
    expect(['90', '90s', '1500ms', '10m', '2h', '.5', '0.5m'].map((t) => parseDuration(t))).toEqual([90_000, 90_000, 1500, 600_000, 7_200_000, 500, 30_000]);
    expect(parseDuration('250', 'ms')).toBe(250);
    for (const bad of ['', '0', '0ms', '-1', '1d', 's', '1 s', '1S', '1e3', 'Infinity', '1.', '1..2s']) expect(parseDuration(bad), bad).toBeUndefined();
  });
});
