import { VERSION } from '../version.js';

/** Where the CLI writes. */
export interface CliStreams {
  readonly out: { write(text: string): unknown };
  readonly err: { write(text: string): unknown };
}

const HELP = `pliant ${VERSION}: symbolic AutoML for TypeScript

Usage: pliant <command> [options]

Options:
  -h, --help       show this help
  -v, --version    print the version

Commands arrive with the search loop (search, resume, report), the codemod (annotate,
apply) and the job queue (worker); see the README.
`;

/** Runs the `pliant` command with `argv` (without `node` and the script); returns the exit code. */
export async function runCli(argv: readonly string[], streams: CliStreams): Promise<number> {
  const [first] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    streams.out.write(HELP);
    return first === undefined ? 1 : 0;
  }
  if (first === '-v' || first === '--version' || first === 'version') {
    streams.out.write(`${VERSION}\n`);
    return 0;
  }
  streams.err.write(`pliant: unknown command '${first}'\n\n${HELP}`);
  return 2;
}
