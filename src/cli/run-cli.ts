import '../builtin-types.js';
import { VERSION } from '../version.js';
import { annotateCommand } from './annotate-command.js';
import { applyCommand } from './apply-command.js';
import { helpPointer, runCommand } from './command.js';
import { inspectCommand } from './inspect-command.js';
import { reportCommand, serveCommand } from './report-command.js';
import { searchCommand } from './search-command.js';
import { studyCommand } from './study-command.js';
import { workerCommand } from './worker-command.js';
import { closestName } from '../base/options.js';
import { sanitize } from './terminal.js';
import type { CliStreams, Command } from './command.js';

export type { CliStreams } from './command.js';

const COMMANDS: readonly Command[] = [searchCommand, inspectCommand, studyCommand, reportCommand, serveCommand, annotateCommand, applyCommand, workerCommand];

const HELP = `pliant ${VERSION}: symbolic AutoML for TypeScript

Usage: pliant <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n')}

Options:
  -h, --help       show this help (pliant <command> --help for a command's)
  -v, --version    print the version

Exit codes: 0 done, 1 failed, 2 bad usage.
`;

/** Runs the `pliant` command with `argv` (without `node` and the script); returns the exit code. */
export async function runCli(argv: readonly string[], streams: CliStreams): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    streams.out.write(HELP);
    return first === undefined ? 1 : 0;
  }
  if (first === '-v' || first === '--version' || first === 'version') {
    streams.out.write(`${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === first);
  if (command === undefined) {
    const what = first.startsWith('-') ? 'option' : 'command';
    const near = closestName(first, what === 'option' ? ['--help', '--version'] : COMMANDS.map((c) => c.name));
    streams.err.write(`${sanitize(`pliant: unknown ${what} '${first}'${near === undefined ? '' : ` (did you mean ${near}?)`}`)}\n${helpPointer(undefined)}\n`);
    return 2;
  }
  return runCommand(command, rest, streams);
}
