import { z } from 'zod';
import { PliantError } from '../base/errors.js';
import { MAX_JSON_DEPTH, jsonTextDepth } from '../base/json-depth.js';
import { isJsonPrefix } from './json-prefix.js';
import type { DNAJson } from '../geno/dna.js';
import type { JournalEvent, JournalEventType } from './storage.js';
import { isTrusted } from './storage.js';

const dnaValue = z.union([z.number(), z.string()]);

const dnaJson: z.ZodType<DNAJson> = z.lazy(() => z.union([dnaValue, z.array(dnaJson), z.object({ value: dnaValue, children: z.array(dnaJson) })]));

const measurement = z.union([z.number(), z.record(z.string(), z.number())]);
const metrics = z.record(z.string(), z.number());

/**
 * The zod schema of a {@link JournalEvent}: what a journal line must hold. Unknown keys are
 * dropped, so a journal written by a newer version with extra fields still reads.
 */
export const journalEventSchema: z.ZodType<JournalEvent> = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('study'),
    study: z.string(),
    time: z.number(),
    meta: z.json().optional(),
    version: z.number().int().positive().optional(),
    space: z.json().optional(),
  }),
  z.object({
    type: z.literal('session'),
    id: z.string(),
    owner: z.string(),
    time: z.number(),
    end: z.boolean().optional(),
    heartbeat: z.number().positive().optional(),
    beat: z.boolean().optional(),
  }),
  z.object({
    type: z.literal('trial'),
    id: z.string(),
    dna: dnaJson,
    candidate: z.json().optional(),
    time: z.number(),
    owner: z.string(),
    hash: z.string().nullable().optional(),
  }),
  z.object({ type: z.literal('claim'), id: z.string(), owner: z.string(), from: z.string(), time: z.number() }),
  z.object({ type: z.literal('report'), id: z.string(), value: measurement, step: z.number().optional(), metrics: metrics.optional(), time: z.number() }),
  z.object({
    type: z.literal('done'),
    id: z.string(),
    value: measurement.optional(),
    metrics: metrics.optional(),
    time: z.number(),
    cached: z.boolean().optional(),
  }),
  z.object({ type: z.literal('fail'), id: z.string(), error: z.string(), code: z.string().optional(), time: z.number() }),
  z.object({ type: z.literal('abandon'), id: z.string(), reason: z.string(), time: z.number() }),
  z.object({ type: z.literal('prune'), id: z.string(), time: z.number() }),
  z.object({ type: z.literal('withdraw'), id: z.string(), reason: z.string(), time: z.number() }),
]);

/** Every event type this version knows. */
export const EVENT_TYPES: ReadonlySet<string> = new Set<JournalEventType>([
  'study',
  'session',
  'trial',
  'claim',
  'report',
  'done',
  'fail',
  'abandon',
  'prune',
  'withdraw',
]);

/** Says why a parse failed (its first issue). */
function problem(result: z.ZodSafeParseResult<JournalEvent>): string {
  const issue = result.error?.issues[0];
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
  if (typeof event === 'object' && event !== null && isTrusted(event)) return event as JournalEvent;
  let copy: unknown;
  try {
    const text = JSON.stringify(event);
    if (text === undefined || (text.length > MAX_JSON_DEPTH && jsonTextDepth(text) > MAX_JSON_DEPTH))
      throw new Error(text === undefined ? 'not JSON' : `nested deeper than ${MAX_JSON_DEPTH} levels`);
    copy = JSON.parse(text) as unknown;
  } catch (cause) {
    throw new PliantError(api, 'argument', `not a journal event: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  const fast =
    typeof copy === 'object' && copy !== null && !Array.isArray(copy)
      ? conformingEvent(copy as Record<string, unknown>, (copy as { type?: unknown }).type)
      : undefined;
  if (fast !== undefined) return fast;
  const result = journalEventSchema.safeParse(copy);
  if (!result.success) throw new PliantError(api, 'argument', problem(result));
  return result.data;
}

/** What one journal line holds. */
export type ParsedLine =
  /** A whole journal event. */
  | { readonly kind: 'event'; readonly event: JournalEvent; readonly text: string }
  /**
   * A write cut short by a crash, then a whole event appended after it on the same line (the
   * writer did not know the file ended mid-line): the event is kept, `text` is its part.
   */
  | { readonly kind: 'glued'; readonly event: JournalEvent; readonly text: string }
  /** A proper prefix of JSON: a write cut short by a crash. */
  | { readonly kind: 'torn' }
  /** A JSON object whose `type` this version does not know (a newer format's event). */
  | { readonly kind: 'unknown'; readonly type: string }
  /** Anything else: `reason` says what is wrong. */
  | { readonly kind: 'malformed'; readonly reason: string };

/** How many places a glued event is looked for in one line (bounds the work on a hostile line). */
const GLUE_ATTEMPTS = 8;
const EVENT_START = '{"type":"';

/**
 * Reads one journal line, in time linear in its length whatever it holds (a megabyte of junk
 * is decided in milliseconds): a whole event, a torn write, a torn write followed by a whole
 * event, an event of an unknown type, or a malformed line (with the reason).
 *
 * @param text - The line, without its newline.
 */
export function parseJournalLine(text: string): ParsedLine {
  const whole = parseEvent(text);
  if (whole.kind !== 'not-json') return whole.kind === 'event' ? { kind: 'event', event: whole.event, text } : whole;
  if (isJsonPrefix(text)) return { kind: 'torn' };
  // A torn write with a whole event glued after it: the event starts at one of the first few
  // `{"type":"` after the start, and what precedes it is a prefix of JSON.
  let attempts = 0;
  for (let i = text.indexOf(EVENT_START, 1); i > 0 && attempts < GLUE_ATTEMPTS; i = text.indexOf(EVENT_START, i + 1), attempts++) {
    const rest = text.slice(i);
    const parsed = parseEvent(rest);
    if (parsed.kind === 'event' && isJsonPrefix(text.slice(0, i))) return { kind: 'glued', event: parsed.event, text: rest };
  }
  return { kind: 'malformed', reason: `not valid JSON (${whole.reason})` };
}

type EventParse =
  | { readonly kind: 'event'; readonly event: JournalEvent }
  | { readonly kind: 'unknown'; readonly type: string }
  | { readonly kind: 'malformed'; readonly reason: string }
  | { readonly kind: 'not-json'; readonly reason: string };

function parseEvent(text: string): EventParse {
  // A text no longer than the limit cannot nest deeper than it: the scan is for long lines.
  if (text.length > MAX_JSON_DEPTH && jsonTextDepth(text) > MAX_JSON_DEPTH) return { kind: 'malformed', reason: `nested deeper than ${MAX_JSON_DEPTH} levels` };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { kind: 'not-json', reason: error instanceof Error ? error.message : String(error) };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { kind: 'malformed', reason: 'not a journal event: not a JSON object' };
  const type = (json as { type?: unknown }).type;
  if (typeof type !== 'string') return { kind: 'malformed', reason: 'not a journal event: no type' };
  if (!EVENT_TYPES.has(type)) return { kind: 'unknown', type };
  const fast = conformingEvent(json as Record<string, unknown>, type);
  if (fast !== undefined) return { kind: 'event', event: fast };
  const result = journalEventSchema.safeParse(json);
  if (!result.success) return { kind: 'malformed', reason: problem(result) };
  return { kind: 'event', event: result.data };
}

// ---- the fast path: an event exactly as the schema wants it ----------------------------------

const isNum = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): boolean => typeof v === 'string';
const optNum = (v: unknown): boolean => v === undefined || isNum(v);
const optBool = (v: unknown): boolean => v === undefined || typeof v === 'boolean';

/** A record of finite numbers (a metrics record). */
function isMetrics(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  for (const key in v) if (!isNum((v as Record<string, unknown>)[key])) return false;
  return true;
}

/** A measurement: a finite number or a record of finite numbers. */
const isMeasurement = (v: unknown): boolean => isNum(v) || isMetrics(v);

/**
 * @internal Whether `v` is a DNA's JSON form as `DNA.fromJSON` reads it (numbers, strings, arrays of
 * DNA, `{value, children}` with no other key); its depth must have been bounded by the caller.
 */
export function isDnaJson(v: unknown): boolean {
  if (isNum(v) || typeof v === 'string') return true;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (!isDnaJson(v[i])) return false;
    return true;
  }
  if (typeof v !== 'object' || v === null) return false;
  let keys = 0;
  for (const _ in v) keys++;
  const { value, children } = v as { value?: unknown; children?: unknown };
  return keys === 2 && (isNum(value) || typeof value === 'string') && Array.isArray(children) && isDnaJson(children);
}

/** The keys each event type may have (the schema's: an event with any other key takes zod's path, which drops it). */
const KEYS: Readonly<Record<JournalEventType, ReadonlySet<string>>> = {
  study: new Set(['type', 'study', 'time', 'meta', 'version', 'space']),
  session: new Set(['type', 'id', 'owner', 'time', 'end', 'heartbeat', 'beat']),
  trial: new Set(['type', 'id', 'dna', 'candidate', 'time', 'owner', 'hash']),
  claim: new Set(['type', 'id', 'owner', 'from', 'time']),
  report: new Set(['type', 'id', 'value', 'step', 'metrics', 'time']),
  done: new Set(['type', 'id', 'value', 'metrics', 'time', 'cached']),
  fail: new Set(['type', 'id', 'error', 'code', 'time']),
  abandon: new Set(['type', 'id', 'reason', 'time']),
  prune: new Set(['type', 'id', 'time']),
  withdraw: new Set(['type', 'id', 'reason', 'time']),
};

/**
 * `json` itself when it is exactly what {@link journalEventSchema} accepts and gives back unchanged
 * (every field of the right type, no key the schema would drop), else `undefined` (then the schema
 * decides, and says why). A JSON value from `JSON.parse` is JSON all the way down, so `candidate`
 * and `meta` need no walk. The schema stays the definition; this only spares the common case its
 * cost (it was half of reading a journal).
 */
function conformingEvent(json: Record<string, unknown>, type: unknown): JournalEvent | undefined {
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(KEYS, type)) return undefined;
  const allowed = KEYS[type as JournalEventType];
  for (const key in json) if (!allowed.has(key)) return undefined;
  const j = json;
  if (!isNum(j.time)) return undefined;
  let ok: boolean;
  switch (type as JournalEventType) {
    case 'study':
      ok =
        isStr(j.study) &&
        (j.version === undefined || (Number.isSafeInteger(j.version) && (j.version as number) > 0)) &&
        ('meta' in j ? j.meta !== undefined : true) &&
        ('space' in j ? j.space !== undefined : true);
      break;
    case 'session':
      ok =
        isStr(j.id) &&
        isStr(j.owner) &&
        optBool(j.end) &&
        optBool(j.beat) &&
        (j.heartbeat === undefined || (isNum(j.heartbeat) && (j.heartbeat as number) > 0));
      break;
    case 'trial':
      ok =
        isStr(j.id) &&
        isStr(j.owner) &&
        ('candidate' in j ? j.candidate !== undefined : true) &&
        (j.hash === undefined || j.hash === null || isStr(j.hash)) &&
        isDnaJson(j.dna);
      break;
    case 'claim':
      ok = isStr(j.id) && isStr(j.owner) && isStr(j.from);
      break;
    case 'report':
      ok = isStr(j.id) && isMeasurement(j.value) && optNum(j.step) && (j.metrics === undefined || isMetrics(j.metrics));
      break;
    case 'done':
      ok = isStr(j.id) && (j.value === undefined || isMeasurement(j.value)) && (j.metrics === undefined || isMetrics(j.metrics)) && optBool(j.cached);
      break;
    case 'fail':
      ok = isStr(j.id) && isStr(j.error) && (j.code === undefined || isStr(j.code));
      break;
    case 'abandon':
    case 'withdraw':
      ok = isStr(j.id) && isStr(j.reason);
      break;
    case 'prune':
      ok = isStr(j.id);
      break;
  }
  return ok ? (json as unknown as JournalEvent) : undefined;
}

/** A line as messages quote it: at most 80 characters, JSON-escaped (no control characters reach a terminal). */
export function preview(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}...` : text);
}
