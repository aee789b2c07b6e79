import { z } from 'zod';
import { PliantError } from '../base/errors.js';
import { isJsonPrefix } from './json-prefix.js';
import type { DNAJson } from '../geno/dna.js';
import type { JournalEvent } from './storage.js';
import { TRUSTED } from './storage.js';

const dnaValue = z.union([z.number(), z.string()]);

const dnaJson: z.ZodType<DNAJson> = z.lazy(() => z.union([dnaValue, z.array(dnaJson), z.object({ value: dnaValue, children: z.array(dnaJson) })]));

const measurement = z.union([z.number(), z.record(z.string(), z.number())]);
const metrics = z.record(z.string(), z.number());

/**
 * The zod schema of a {@link JournalEvent}: what a journal line must hold. Unknown keys are
 * dropped, so a journal written by a newer version with extra fields still reads.
 */
export const journalEventSchema: z.ZodType<JournalEvent> = z.discriminatedUnion('type', [
  z.object({ type: z.literal('study'), study: z.string(), time: z.number(), meta: z.json().optional() }),
  z.object({
    type: z.literal('trial'),
    id: z.string(),
    dna: dnaJson,
    candidate: z.json(),
    time: z.number(),
    owner: z.string(),
    hash: z.string().nullable().optional(),
  }),
  z.object({ type: z.literal('report'), id: z.string(), value: measurement, step: z.number().optional(), metrics: metrics.optional(), time: z.number() }),
  z.object({
    type: z.literal('done'),
    id: z.string(),
    value: measurement.optional(),
    metrics: metrics.optional(),
    time: z.number(),
    cached: z.boolean().optional(),
  }),
  z.object({ type: z.literal('fail'), id: z.string(), error: z.string(), time: z.number() }),
  z.object({ type: z.literal('abandon'), id: z.string(), reason: z.string(), time: z.number() }),
  z.object({ type: z.literal('prune'), id: z.string(), time: z.number() }),
]);

/** Says why a parse failed (its first issue), or `undefined` when it succeeded. */
function problem(result: z.ZodSafeParseResult<JournalEvent>): string | undefined {
  if (result.success) return undefined;
  const issue = result.error.issues[0];
  if (issue === undefined) return 'not a journal event';
  const at = issue.path.length === 0 ? '' : ` at ${issue.path.map(String).join('.')}`;
  return `not a journal event${at}: ${issue.message}`;
}

/**
 * Checks an event given to `append` and returns the copy to record: its JSON round trip (what a
 * journal file would give back on replay). A value that is not a journal event is a
 * `PliantError` (`argument`) naming `api`.
 *
 * @param api - The public function to name in the error (`journalStorage`, `memoryStorage`).
 * @param event - The event to record.
 */
export function checkJournalEvent(api: string, event: unknown): JournalEvent {
  if (event === undefined) throw new PliantError(api, 'argument', 'not a journal event: found undefined');
  if (typeof event === 'object' && event !== null && (event as { [TRUSTED]?: boolean })[TRUSTED] === true) return event as JournalEvent;
  const result = journalEventSchema.safeParse(event);
  if (!result.success) throw new PliantError(api, 'argument', problem(result) ?? 'not a journal event');
  return result.data;
}

/**
 * Reads one journal line. A line cut short by a crash (a proper prefix of JSON, see
 * {@link isJsonPrefix}) gives `undefined`, for the caller to skip with a warning. Any other text
 * that is not JSON, and JSON that is not a journal event, is a `PliantError` (`json`) naming
 * `api`, the file (or study) and the line number.
 *
 * @param api - The public function to name in the error.
 * @param where - The file (or study) the line comes from.
 * @param lineNumber - The 1-based number of the line.
 * @param text - The line, without its newline.
 */
export function parseJournalLine(api: string, where: string, lineNumber: number, text: string): JournalEvent | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    if (isJsonPrefix(text)) return undefined;
    throw new PliantError(api, 'json', `${where}: line ${lineNumber} is not valid JSON: ${preview(text)}`, { cause });
  }
  const result = journalEventSchema.safeParse(json);
  if (!result.success) throw new PliantError(api, 'json', `${where}: line ${lineNumber}: ${problem(result) ?? 'not a journal event'}: ${preview(text)}`);
  return result.data;
}

function preview(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}...` : text);
}
