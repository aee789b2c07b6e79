/** Colour and tables for the `pliant` command: colour only on a terminal, and never with `NO_COLOR`. */

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

/** A plain-text table: columns padded to their widest cell; numbers aligned right. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = header.map((_h, i) => rows.length > 0 && rows.every((r) => /^-?[\d.e+-]*$/.test(r[i] ?? '')));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (numeric[i] === true ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

/** A number for people: 4 significant digits, or as it is when it is an integer. */
export function shortNumber(n: number | undefined): string {
  if (n === undefined || Number.isNaN(n)) return '';
  if (Number.isInteger(n)) return String(n);
  return String(Number(n.toPrecision(4)));
}
