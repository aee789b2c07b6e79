import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { PliantError } from '../base/errors.js';
import { openJournalFile } from '../storage/journal-storage.js';
import { emitJournalWarning } from '../storage/journal.js';
import { storageFrom } from '../storage/storage-from.js';
import type { JournalEvent, JournalWarning, Storage, StudyJournal } from '../storage/storage.js';
import { checkStorage } from '../storage/storage.js';
import type { ObjectiveOptions } from './objectives.js';
import { Result } from './result.js';
import { Study } from './study.js';

/** Options of {@link loadStudy}. */
export interface LoadStudyOptions {
  /** Where the study lives (default: the journal files under `.pliant/studies`). */
  readonly storage?: Storage;
  /**
   * Where warnings about the journal go (torn or malformed lines, events out of order or
   * recorded twice, a newer format), each with its file and line: default
   * `process.emitWarning` (`PLIANT_JOURNAL`). Nothing is skipped without one.
   */
  readonly onWarning?: (warning: JournalWarning) => void;
}

const API = 'loadStudy';

/**
 * Reads a study without running anything: its trials and how they are judged (the metric,
 * directions and constraints the search recorded), as a {@link Result}. `study` is a study name
 * (in `options.storage`, default the embedded journal under `$PLIANT_HOME/studies`) or the path
 * of a journal file (`.jsonl`). Reading creates and changes nothing; what it skips (a torn
 * line, a line that is not an event, an event out of order) it reports through `onWarning`.
 *
 * ```ts
 * const result = await loadStudy('mnist');
 * result.best?.candidate;
 * ```
 */
export async function loadStudy(study: string, options: LoadStudyOptions = {}): Promise<Result> {
  if (typeof study !== 'string' || study === '')
    throw new PliantError(API, 'argument', `loadStudy takes a study name or a journal file, found ${JSON.stringify(study)}`);
  const onWarning = options.onWarning ?? ((warning: JournalWarning) => emitJournalWarning(API, warning));
  if (options.storage === undefined && (study.endsWith('.jsonl') || isFile(study))) {
    if (!isFile(study)) throw new PliantError(API, 'argument', `no journal file ${study}`);
    const journal = await openJournalFile(study, fallbackName(study), { readOnly: true, onWarning, api: API, snapshot: true });
    return resultAndClose(await Study.after(journal, fallbackName(study), onWarning), journal.where, onWarning);
  }
  const storage = options.storage ?? storageFrom();
  checkStorage(storage, API);
  if (!(await storage.exists(study))) {
    throw new PliantError(
      API,
      'argument',
      `no study named '${study}' in ${storage.description.replace(/^journal:/, '')}${options.storage === undefined ? " (pass a journal file's path, or set PLIANT_HOME)" : ''}`,
    );
  }
  return resultAndClose(await Study.open(storage, study, { api: API, readOnly: true, onWarning }), storage.description, onWarning);
}

/** The `Result` of an open study (closing it). */
async function resultAndClose(study: Study, where: string, onWarning: (warning: JournalWarning) => void): Promise<Result> {
  try {
    return judge(study, where, onWarning);
  } finally {
    await study.close();
  }
}

/**
 * The `Result` of a study as it is now. A study whose header is missing or unreadable (its trials
 * kept: see trial-states.ts) is judged as maximised, which `onWarning` is told (when given and a
 * trial has a value to judge).
 */
function judge(study: Study, where: string, onWarning?: (warning: JournalWarning) => void): Result {
  const states = study.states;
  const header = states.header;
  if (header === undefined && states.trials.length === 0) throw new PliantError(API, 'argument', `the study '${study.name}' in ${where} is empty`);
  if (header === undefined && onWarning !== undefined && states.trials.some((t) => t.value !== undefined)) {
    onWarning({
      kind: 'malformed',
      at: study.journal.where,
      message: `the study '${study.name}' has no header (its first event is missing or unreadable): its direction, metric and constraints are not known, so its trials are judged as maximised (a search resumed on the study records them again)`,
    });
  }
  const meta = header?.meta as Record<string, unknown> | undefined;
  const judged: ObjectiveOptions = {
    ...(meta?.direction === undefined ? {} : { direction: meta.direction as ObjectiveOptions['direction'] }),
    ...(meta?.metric === undefined ? {} : { metric: meta.metric as ObjectiveOptions['metric'] }),
    ...(meta?.constraints === undefined ? {} : { constraints: meta.constraints as ObjectiveOptions['constraints'] }),
  };
  return new Result(header?.study ?? study.name, states.snapshot(), judged, undefined, namesOf(meta?.decisionNames));
}

/** The decision names a header records (a record of strings; anything else is ignored). */
function namesOf(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
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

/**
 * @internal Reads a study again and again, reading only what was appended since the last time
 * (what `pliant serve` uses): `result()` refreshes and returns the study as it is now.
 */
export interface StudyReader {
  /** The study as it is now (reads what was appended since the last call). */
  result(): Promise<Result>;
  /** Closes the journal. */
  close(): Promise<void>;
}

/** @internal Opens a {@link StudyReader} on the study `study` (a name in `options.storage`, or a journal file). */
export async function openStudyReader(study: string, options: LoadStudyOptions = {}): Promise<StudyReader> {
  const onWarning = options.onWarning ?? ((warning: JournalWarning) => emitJournalWarning(API, warning));
  let opened: Study;
  let where: string;
  if (options.storage === undefined && (study.endsWith('.jsonl') || isFile(study))) {
    if (!isFile(study)) throw new PliantError(API, 'argument', `no journal file ${study}`);
    const journal = await openJournalFile(study, fallbackName(study), { readOnly: true, onWarning, api: API, snapshot: true });
    opened = await Study.after(journal, fallbackName(study), onWarning);
    where = journal.where;
  } else {
    const storage = options.storage ?? storageFrom();
    checkStorage(storage, API);
    if (!(await storage.exists(study))) throw new PliantError(API, 'argument', `no study named '${study}' in ${storage.description.replace(/^journal:/, '')}`);
    opened = await Study.open(storage, study, { api: API, readOnly: true, onWarning });
    where = storage.description;
  }
  let warned = false;
  return {
    async result(): Promise<Result> {
      await opened.refresh();
      const once = warned ? undefined : onWarning;
      if (opened.states.header === undefined && opened.states.trials.some((t) => t.value !== undefined)) warned = true;
      return judge(opened, where, once);
    },
    close: () => opened.close(),
  };
}

/** @internal The `Result` of a study's events (as `loadStudy` makes it), for a journal read elsewhere. */
export function resultOf(events: readonly JournalEvent[], name: string, where: string): Result {
  const journal: StudyJournal = {
    study: name,
    where,
    events,
    locate: () => where,
    append: () => Promise.reject(new PliantError(API, 'state', 'read-only')),
    refresh: () => Promise.resolve([]),
    close: () => Promise.resolve(),
  };
  return judge(
    Study.over(journal, name, (warning) => emitJournalWarning(API, warning)),
    where,
  );
}
