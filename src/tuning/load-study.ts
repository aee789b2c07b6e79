import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { PliantError } from '../base/errors.js';
import { readJournalFile } from '../storage/journal-storage.js';
import type { JournalEvent, Storage } from '../storage/storage.js';
import type { ObjectiveOptions } from './objectives.js';
import { Result } from './result.js';
import { StudyState } from './study-state.js';
import { defaultStudyDir } from './trial-source.js';

/** Options of {@link loadStudy}. */
export interface LoadStudyOptions {
  /** Where the study lives (default: the journal files under `.pliant/studies`). */
  readonly storage?: Storage;
}

const API = 'loadStudy';

/**
 * Reads a study without running anything: its trials and how they are judged (the metric,
 * directions and constraints the search recorded), as a {@link Result}. `study` is a study name
 * (in `options.storage`, default the embedded journal under `$PLIANT_HOME/studies`) or the path
 * of a journal file (`.jsonl`). Reading creates and changes nothing.
 *
 * ```ts
 * const result = await loadStudy('mnist');
 * result.best?.candidate;
 * ```
 */
export async function loadStudy(study: string, options: LoadStudyOptions = {}): Promise<Result> {
  if (typeof study !== 'string' || study === '')
    throw new PliantError(API, 'argument', `loadStudy takes a study name or a journal file, found ${JSON.stringify(study)}`);
  const storage = options.storage;
  if (storage === undefined && (study.endsWith('.jsonl') || isFile(study))) {
    if (!isFile(study)) throw new PliantError(API, 'argument', `no journal file ${study}`);
    return resultOf(await readJournalFile(study), fallbackName(study), study);
  }
  if (storage === undefined || storage.description.startsWith('journal:')) {
    const dir = storage === undefined ? defaultStudyDir() : storage.description.slice('journal:'.length);
    const file = join(dir, `${encodeURIComponent(study)}.jsonl`);
    if (!isFile(file))
      throw new PliantError(
        API,
        'argument',
        `no study named '${study}' in ${dir} (pass a journal file's path${storage === undefined ? ', or set PLIANT_HOME' : ''})`,
      );
    return resultOf(await readJournalFile(file), study, file);
  }
  if (storage.exists !== undefined && !(await storage.exists(study)))
    throw new PliantError(API, 'argument', `no study named '${study}' in ${storage.description}`);
  const journal = await storage.open(study);
  try {
    return resultOf(journal.events, study, storage.description);
  } finally {
    await journal.close();
  }
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

function fallbackName(file: string): string {
  const name = basename(file, '.jsonl');
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/** @internal A study's `Result` from its journal events (what `loadStudy` returns). */
export function resultOf(events: readonly JournalEvent[], name: string, where: string): Result {
  const state = new StudyState();
  for (const event of events) state.apply(event);
  const header = events.find((e) => e.type === 'study');
  if (header === undefined && state.trials.length === 0) throw new PliantError(API, 'argument', `the study '${name}' in ${where} is empty`);
  const meta = (header?.type === 'study' ? header.meta : undefined) as Record<string, unknown> | undefined;
  const judged: ObjectiveOptions = {
    ...(meta?.direction === undefined ? {} : { direction: meta.direction as ObjectiveOptions['direction'] }),
    ...(meta?.metric === undefined ? {} : { metric: meta.metric as ObjectiveOptions['metric'] }),
    ...(meta?.constraints === undefined ? {} : { constraints: meta.constraints as ObjectiveOptions['constraints'] }),
  };
  return new Result(header?.type === 'study' ? header.study : name, state.snapshot(), judged);
}
