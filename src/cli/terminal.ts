/**
 * What the `pliant` command writes to a terminal: colour only on a terminal (never with
 * `NO_COLOR`), tables, numbers, and text from outside (study names, metric names, decision ids,
 * objectives' error messages, anything read from a journal or a user's module) made safe to show.
 */

/** Whether to colour text written to `stream`. */
export function useColour(stream: { isTTY?: boolean }): boolean {
  return stream.isTTY === true && (process.env.NO_COLOR === undefined || process.env.NO_COLOR === '') && process.env.TERM !== 'dumb';
}

/** Text painters: ANSI codes when `on`, the text as it is otherwise. */
export function painter(on: boolean): {
  bold(t: string): string;
  dim(t: string): string;
  green(t: string): string;
  red(t: string): string;
  yellow(t: string): string;
} {
  const wrap =
    (open: number, close: number) =>
    (t: string): string =>
      on ? `\u001b[${open}m${t}\u001b[${close}m` : t;
  return { bold: wrap(1, 22), dim: wrap(2, 22), green: wrap(32, 39), red: wrap(31, 39), yellow: wrap(33, 39) };
}

/** Options of {@link sanitize}. */
export interface SanitizeOptions {
  /**
   * Keep line feeds and tabs, for text whose lines are meant (a formatted candidate, a diff).
   * By default they are escaped too, so the text stays on one line (a name, a table cell, an
   * error message in a one-line report).
   */
  readonly multiline?: boolean;
}

// Characters a terminal acts on, or that change how the text around them reads: C0 controls
// (ESC starts colour, cursor and title sequences; CR and BS overwrite), DEL, C1 controls (CSI,
// OSC, ... in their one-byte form), the line and paragraph separators, bidirectional overrides,
// embeddings, isolates and marks (which reorder what is shown), and lone surrogates.
const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const UNSAFE_MULTILINE =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` safe to write to a terminal: every control character (C0, DEL, C1, so every escape
 * sequence's introducer), U+2028 and U+2029, the bidirectional controls (U+202A–U+202E,
 * U+2066–U+2069, and the marks U+061C, U+200E, U+200F) and lone surrogates are written as escapes
 * (`\x1b`, `\n`, `\u202e`); everything else is kept. Line feeds and tabs are kept only with
 * `multiline`. A study named `"\u001b]0;pwned\u0007"` prints as `\x1b]0;pwned\x07`.
 *
 * @param text - Any text from outside: a study name, a metric name, an error message, ...
 * @param options - Whether line feeds and tabs are meant.
 * @returns The text with nothing a terminal would act on.
 */
export function sanitize(text: string, options: SanitizeOptions = {}): string {
  return String(text).replace(options.multiline === true ? UNSAFE_MULTILINE : UNSAFE, escapeChar);
}

// What JSON.stringify leaves raw that a terminal acts on (it escapes C0 and lone surrogates itself).
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * `JSON.stringify(value, null, space)`, with the characters a terminal acts on that JSON leaves
 * raw (DEL, C1 controls, U+2028/U+2029, bidirectional controls) written as `\uXXXX` escapes: the
 * same JSON once parsed, safe to print.
 *
 * @param value - Any JSON value.
 * @param space - Indentation, as `JSON.stringify` takes it.
 */
export function safeJson(value: unknown, space?: number): string {
  const text = JSON.stringify(value, null, space) ?? 'null';
  return text.replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Zero-width characters: combining marks, joiners and variation selectors. */
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\u200b-\u200d\u2060\ufeff\ufe00-\ufe0f]$/u;
/** Wide characters: East Asian wide and full-width forms, and emoji. */
const WIDE =
  /^[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]$/u;

/**
 * How many terminal columns `text` takes (after {@link sanitize}): one per character, none for
 * combining marks and joiners, two for East Asian wide characters and emoji.
 */
export function displayWidth(text: string): number {
  let width = 0;
  for (const c of text) width += ZERO_WIDTH.test(c) ? 0 : WIDE.test(c) ? 2 : 1;
  return width;
}

/** `text` cut to at most `max` columns, with `...` when it was cut (never in a surrogate pair). */
export function truncate(text: string, max: number): string {
  if (displayWidth(text) <= max) return text;
  let out = '';
  let width = 0;
  for (const c of text) {
    const w = displayWidth(c);
    if (width + w > max - 3) break;
    out += c;
    width += w;
  }
  return `${out}...`;
}

function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

function padStart(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - displayWidth(text))) + text;
}

/** A number as {@link shortNumber} and `String` write it. */
const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$|^-?Infinity$/i;

/**
 * A plain-text table: columns padded to their widest cell; numbers aligned right. Every cell is
 * {@link sanitize}d (on one line), so names with control characters, tabs or line breaks keep the
 * columns aligned and never reach the terminal raw.
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const head = header.map((h) => sanitize(h));
  const body = rows.map((r) => head.map((_h, i) => sanitize(r[i] ?? '')));
  const widths = head.map((h, i) => Math.max(displayWidth(h), ...body.map((r) => displayWidth(r[i] as string))));
  const numeric = head.map((_h, i) => body.some((r) => r[i] !== '') && body.every((r) => r[i] === '' || NUMBER.test(r[i] as string)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (numeric[i] === true ? padStart(c, widths[i] as number) : padEnd(c, widths[i] as number)))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n') + '\n';
}

/** One CSV cell (RFC 4180): quoted, with its quotes doubled, when it holds `"`, `,`, CR or LF. */
export function csvCell(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV record: the cells, each {@link csvCell}, joined by commas (no line end). */
export function csvRow(cells: readonly string[]): string {
  return cells.map(csvCell).join(',');
}

/** A number for people: 4 significant digits, or as it is when it is an integer. */
export function shortNumber(n: number | undefined): string {
  if (n === undefined || Number.isNaN(n)) return '';
  if (Number.isInteger(n)) return String(n);
  return String(Number(n.toPrecision(4)));
}

/** Whether `stream` is a terminal (text for a file or a pipe is written as it is). */
export function toTerminal(stream: unknown): boolean {
  return typeof stream === 'object' && stream !== null && (stream as { isTTY?: unknown }).isTTY === true;
}
