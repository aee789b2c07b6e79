/** Command-line flags for the examples: `--trials 20 --seed 3`. */

/** The value after `--name`, or undefined when the flag is absent. */
export function stringFlag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}

/** A number after `--name` (an error when it is not one), or undefined. */
export function numberFlag(name: string): number | undefined {
  const text = stringFlag(name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new Error(`--${name} takes a number`);
  return value;
}

/** The number flags among `names` that were given, as options. */
export function numberFlags<N extends string>(names: readonly N[]): Partial<Record<N, number>> {
  const options: Partial<Record<N, number>> = {};
  for (const name of names) {
    const value = numberFlag(name);
    if (value !== undefined) options[name] = value;
  }
  return options;
}

/** Runs `main` when `moduleUrl` is the script node was started with; prints an error and exits 1 on failure. */
export function runIfMain(moduleUrl: string, main: () => Promise<unknown>): void {
  const script = process.argv[1];
  if (script === undefined) return;
  const scriptUrl = new URL(`file://${script.startsWith('/') ? '' : `${process.cwd()}/`}${script}`).href;
  if (moduleUrl !== scriptUrl) return;
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  });
}
