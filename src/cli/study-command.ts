import { resolve } from 'node:path';
import { exportStudy } from '../storage/export-journal.js';
import { journalStorage } from '../storage/journal-storage.js';
import { redisStorage } from '../storage/redis-storage.js';
import type { Storage } from '../storage/storage.js';
import { defaultStudyDir } from '../tuning/trial-source.js';
import { UsageError } from './command.js';
import type { Command } from './command.js';

/** The storage a `--storage` option names: a Redis URL, or a folder of journal files (default `.pliant/studies`). */
export function storageOf(value: string | undefined): Storage {
  if (value === undefined) return journalStorage(defaultStudyDir());
  if (/^rediss?:\/\//.test(value)) return redisStorage(value);
  return journalStorage(resolve(value));
}

/** `pliant study export <study> --out <file.jsonl> [--storage <dir|redis-url>]`. */
export const studyCommand: Command = {
  name: 'study',
  summary: 'work with a study: export it to a journal file',
  help: `Usage: pliant study export <study> --out <file.jsonl> [--storage <folder|redis-url>] [--force]

export   writes every event of <study> as a journal file (JSON lines, the format of the
         embedded storage): a study kept in Redis becomes a file that loadStudy, pliant apply
         and journalStorage read, and that a search can resume from.

Options:
  --storage <where>   a Redis URL (redis://[:password@]host:port) or a folder of journal files
                      (default: .pliant/studies, or $PLIANT_HOME/studies)
  --out <file>        the journal file to write
  --force             overwrite <file> if it exists
  -h, --help          show this help
`,
  options: { storage: { type: 'string' }, out: { type: 'string', short: 'o' }, force: { type: 'boolean' } },
  async run(positionals, values, streams) {
    const [action, study, extra] = positionals;
    if (action !== 'export') throw new UsageError(action === undefined ? 'which action? (pliant study export <study> --out <file>)' : `unknown action '${action}' (this version has: export)`);
    if (study === undefined) throw new UsageError('which study? (pliant study export <study> --out <file>)');
    if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
    const out = values.out as string | undefined;
    if (out === undefined) throw new UsageError('--out <file.jsonl> is required');
    const events = await exportStudy(storageOf(values.storage as string | undefined), study, out, { overwrite: values.force === true });
    if (values.json === true) streams.out.write(`${JSON.stringify({ study, out, events })}\n`);
    else streams.err.write(`pliant study export: wrote ${events} events of '${study}' to ${out}\n`);
    return 0;
  },
};
