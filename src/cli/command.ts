import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { PliantError } from '../base/errors.js';

/** Where the CLI writes. */
export interface CliStreams {
  readonly out: { write(text: string): unknown };
  readonly err: { write(text: string): unknown };
}

/** A mistake in how the command was called: exit code 2, with the command's usage. A {@link PliantError} with the code `usage`. */
export class UsageError extends PliantError {
  constructor(message: string) {
    super('pliant', 'usage', message);
    this.name = 'UsageError';
  }
}

/**
 * A positive number option (`--trials 20`), or undefined when absent; anything else is a
 * {@link UsageError} that names the option.
 */
export function positiveOption(values: Readonly<Record<string, unknown>>, name: string, integer: boolean): number | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(n > 0) || (integer && !Number.isInteger(n)))
    throw new UsageError(`--${name} must be a positive ${integer ? 'integer' : 'number'}, found '${String(value)}'`);
  return n;
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
  /** Runs with the parsed arguments; returns the exit code. */
  run(positionals: readonly string[], values: Readonly<Record<string, string | boolean | string[] | undefined>>, streams: CliStreams): Promise<number>;
}

const COMMON = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean' },
} as const;

/** Runs a subcommand: parses its arguments, prints `--help`, maps errors to exit codes (1 failure, 2 usage). */
export async function runCommand(command: Command, argv: readonly string[], streams: CliStreams): Promise<number> {
  let parsed: { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options: { ...command.options, ...COMMON }, allowPositionals: true, strict: true }) as typeof parsed;
  } catch (error) {
    streams.err.write(`pliant ${command.name}: ${(error as Error).message}\n\n${command.help}`);
    return 2;
  }
  if (parsed.values.help === true) {
    streams.out.write(command.help);
    return 0;
  }
  try {
    return await command.run(parsed.positionals, parsed.values, streams);
  } catch (error) {
    if (error instanceof UsageError) {
      streams.err.write(`pliant ${command.name}: ${error.detail}\n\n${command.help}`);
      return 2;
    }
    // A PliantError's message names its API already (`apply: ...`).
    const message =
      error instanceof PliantError
        ? error.api.startsWith('pliant')
          ? error.message
          : `pliant: ${error.message}`
        : error instanceof Error
          ? `pliant ${command.name}: ${error.name}: ${error.message}`
          : `pliant ${command.name}: ${String(error)}`;
    streams.err.write(`${message}\n`);
    if (parsed.values.verbose === true && error instanceof Error && error.stack !== undefined) streams.err.write(`${error.stack}\n`);
    return 1;
  }
}
