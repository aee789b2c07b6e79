import { existsSync, statSync } from 'node:fs';
import type { ParseArgsConfig } from 'node:util';
import { PliantError } from '../base/errors.js';
import { closestName } from '../base/options.js';
import { sanitize } from './terminal.js';

/** Where the CLI writes. */
export interface CliStreams {
  readonly out: { write(text: string): unknown };
  readonly err: { write(text: string): unknown };
}

/**
 * A mistake in how the command was called: exit code 2, reported on one line with a pointer to
 * the command's `--help`. A {@link PliantError} with the code `usage`.
 */
export class UsageError extends PliantError {
  constructor(message: string) {
    super('pliant', 'usage', message);
    this.name = 'UsageError';
  }
}

/**
 * A positive number option (`--trials 20`), or undefined when absent; anything else (zero, a
 * negative number, text, an infinity; a fraction when `integer`) is a {@link UsageError} that
 * names the option and what was found: `--trials must be a positive integer, found '-1'`.
 */
export function positiveOption(values: Readonly<Record<string, unknown>>, name: string, integer: boolean): number | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  const text = String(value);
  const n = text.trim() === '' ? NaN : Number(text);
  if (!(n > 0) || !Number.isFinite(n) || (integer && !Number.isSafeInteger(n)))
    throw new UsageError(`--${name} must be a positive ${integer ? 'integer' : 'number'}, found '${text}'`);
  return n;
}

/** A number option that may be negative (`--seed -3`), or undefined when absent. */
export function numberOption(values: Readonly<Record<string, unknown>>, name: string): number | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  const text = String(value);
  const n = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, found '${text}'`);
  return n;
}

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A duration in milliseconds from `90` (in `unit`, seconds by default), `90s`, `1500ms`, `10m`,
 * `2h` (fractions allowed: `1.5s`); undefined for anything else, zero included.
 */
export function parseDuration(text: string, unit: 'ms' | 's' = 's'): number | undefined {
  const match = /^(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h)?$/.exec(text.trim());
  if (match === null) return undefined;
  const ms = Number(match[1]) * (UNITS[match[2] ?? unit] as number);
  return ms > 0 && Number.isFinite(ms) ? ms : undefined;
}

/**
 * A duration option (`--timeout 90s`) in milliseconds, or undefined when absent; anything but a
 * positive duration is a {@link UsageError}. A bare number is in `unit`.
 */
export function durationOption(values: Readonly<Record<string, unknown>>, name: string, unit: 'ms' | 's' = 's'): number | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  const ms = parseDuration(String(value), unit);
  if (ms === undefined)
    throw new UsageError(
      `--${name} must be a positive duration such as 90s, 1500ms, 10m or 2h (a bare number is ${unit === 's' ? 'seconds' : 'milliseconds'}), found '${String(value)}'`,
    );
  return ms;
}

/**
 * Checks that `path` is an existing file; otherwise a one-line error (exit code 1) naming it as
 * `what`: `pliant search: the experiment module exp.ts does not exist`.
 */
export function requireFile(path: string, what: string, api: string): void {
  if (!existsSync(path)) throw new PliantError(api, 'io', `${what} ${path} does not exist`);
  if (!statSync(path).isFile()) throw new PliantError(api, 'io', `${what} ${path} is not a file`);
}

/** One subcommand of `pliant`. */
export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The full `--help` text. */
  readonly help: string;
  /** The options, as `node:util` `parseArgs` takes them (`help`, `json` and `verbose` are added). */
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** The name errors start with, when it is more than the command's (`study show`). */
  label?(positionals: readonly string[]): string;
  /** Runs with the parsed arguments; returns the exit code. */
  run(positionals: readonly string[], values: Readonly<Record<string, string | boolean | string[] | undefined>>, streams: CliStreams): Promise<number>;
}

const COMMON = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean' },
} as const;

type OptionSpec = NonNullable<ParseArgsConfig['options']>[string];
type Values = Record<string, string | boolean | string[] | undefined>;

/** A negative number: the value of an option (`--seed -1`), or a positional (a DNA `-1`), never an option. */
const NEGATIVE_NUMBER = /^-(\d|\.\d|Infinity$)/;

/**
 * Parses a command line the way `node:util` `parseArgs` does in strict mode (long options with
 * `--name value` or `--name=value`, short ones, clustered short flags, `multiple`, `--` ending the
 * options), with two differences: a negative number is a value (`--trials -1` gives `'-1'`, for
 * the option's own check to reject) or a positional, and every mistake is a {@link UsageError} on
 * one line: `unknown option --trails (did you mean --trials?)`.
 */
export function parseCommandLine(argv: readonly string[], options: NonNullable<ParseArgsConfig['options']>): { values: Values; positionals: string[] } {
  const values: Values = {};
  const positionals: string[] = [];
  const longNames = Object.keys(options);
  const byShort = new Map<string, string>();
  for (const [name, spec] of Object.entries(options)) if (spec.short !== undefined) byShort.set(spec.short, name);
  const set = (name: string, spec: OptionSpec, value: string | boolean): void => {
    if (spec.multiple === true) values[name] = [...((values[name] as string[] | undefined) ?? []), String(value)];
    else values[name] = value;
  };
  // The value of a string option given without `=`: the next argument, unless that is an option.
  const valueAfter = (i: number, shown: string): string => {
    const next = argv[i + 1];
    if (next === undefined) throw new UsageError(`${shown} needs a value`);
    if (next.startsWith('-') && next !== '-' && !NEGATIVE_NUMBER.test(next))
      throw new UsageError(`${shown} needs a value, found the option '${next}' (write ${shown}=<value> for a value that starts with '-')`);
    return next;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const spec = Object.hasOwn(options, name) ? options[name] : undefined;
      if (spec === undefined) {
        const near = closestName(name, longNames);
        throw new UsageError(`unknown option --${name}${near === undefined ? '' : ` (did you mean --${near}?)`}`);
      }
      if (spec.type === 'boolean') {
        if (eq >= 0) throw new UsageError(`--${name} takes no value (found '${arg}')`);
        set(name, spec, true);
      } else if (eq >= 0) set(name, spec, arg.slice(eq + 1));
      else set(name, spec, valueAfter(i++, `--${name}`));
      continue;
    }
    if (arg.startsWith('-') && arg !== '-' && !NEGATIVE_NUMBER.test(arg)) {
      // Short options, clustered (`-hv`); a string option takes the rest of the argument or the next.
      for (let j = 1; j < arg.length; j++) {
        const letter = arg[j] as string;
        const name = byShort.get(letter);
        if (name === undefined) throw new UsageError(`unknown option -${letter}${arg.length > 2 ? ` (in '${arg}')` : ''}`);
        const spec = options[name] as OptionSpec;
        if (spec.type === 'boolean') {
          set(name, spec, true);
          continue;
        }
        const rest = arg.slice(j + 1);
        set(name, spec, rest !== '' ? rest.replace(/^=/, '') : valueAfter(i++, `-${letter}`));
        break;
      }
      continue;
    }
    positionals.push(arg);
  }
  return { values, positionals };
}

/**
 * The one line an error gets: `pliant <command>: <what went wrong>`, never with a doubled prefix
 * (a library error's own API name gives way to the command's), and {@link sanitize}d: an error
 * message may carry text from a journal or an objective.
 */
export function errorLine(command: string, error: unknown): string {
  let message: string;
  if (error instanceof PliantError) {
    // `pliant search: ...` raised by the command itself names it already.
    message = error.api.startsWith('pliant ') ? `${error.api}: ${error.detail}` : `pliant ${command}: ${error.detail}`;
  } else if (error instanceof Error) {
    message = `pliant ${command}: ${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`;
  } else message = `pliant ${command}: ${String(error)}`;
  return sanitize(message);
}

/** The short line after a usage error: where the whole usage is. */
export function helpPointer(command: string | undefined): string {
  return `Run 'pliant ${command === undefined ? '' : `${command} `}--help' for usage.`;
}

/** Runs a subcommand: parses its arguments, prints `--help`, maps errors to exit codes (1 failure, 2 usage). */
export async function runCommand(command: Command, argv: readonly string[], streams: CliStreams): Promise<number> {
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseCommandLine(argv, { ...command.options, ...COMMON });
  } catch (error) {
    streams.err.write(`${errorLine(command.name, error)}\n${helpPointer(command.name)}\n`);
    return 2;
  }
  if (parsed.values.help === true) {
    streams.out.write(command.help);
    return 0;
  }
  try {
    return await command.run(parsed.positionals, parsed.values, streams);
  } catch (error) {
    const label = command.label?.(parsed.positionals) ?? command.name;
    if (error instanceof PliantError && error.code === 'usage') {
      streams.err.write(`${errorLine(label, error)}\n${helpPointer(command.name)}\n`);
      return 2;
    }
    streams.err.write(`${errorLine(label, error)}\n`);
    if (parsed.values.verbose === true) {
      // The stack, and those of the causes (a compiler's whole message, a server's error).
      for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++)
        streams.err.write(`${depth === 0 ? '' : 'caused by: '}${sanitize(e.stack ?? `${e.name}: ${e.message}`, { multiline: true })}\n`);
    }
    return 1;
  }
}
