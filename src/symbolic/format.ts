import { SymbolicNode } from './node.js';

/** Options of {@link format}. */
export interface FormatOptions {
  /**
   * Spaces per level for a multi-line form; containers that fit in `width` stay on one line.
   * Omit (or 0) for the one-line compact form.
   */
  readonly indent?: number;
  /** Line width for the multi-line form (default 80). */
  readonly width?: number;
}

/**
 * Text form of a tree in PyGlove's style: `Experiment(model=Net(stem=Conv(filters=32, ...)), ...)`.
 * Strings are single-quoted, records print as `{key: value}`, arrays as `[a, b]`.
 */
export function format(value: unknown, options: FormatOptions = {}): string {
  const indent = options.indent ?? 0;
  if (indent <= 0) return compact(value);
  return pretty(value, 0, indent, options.width ?? 80);
}

function scalar(value: unknown): string | undefined {
  switch (typeof value) {
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'string':
      return `'${JSON.stringify(value).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return 'undefined';
    default:
      return value === null ? 'null' : undefined;
  }
}

function keyText(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : (scalar(key) as string);
}

interface Parts {
  open: string;
  close: string;
  items: [string | undefined, unknown][];
  sep: string;
}

function parts(value: object): Parts | undefined {
  if (value instanceof SymbolicNode) {
    return { open: `${value.type.name}(`, close: ')', items: Object.entries(value.args as object), sep: '=' };
  }
  if (Array.isArray(value)) return { open: '[', close: ']', items: value.map((v) => [undefined, v]), sep: '' };
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto === Object.prototype || proto === null) return { open: '{', close: '}', items: Object.entries(value), sep: ': ' };
  return undefined;
}

function compact(value: unknown): string {
  const s = scalar(value);
  if (s !== undefined) return s;
  if (typeof value !== 'object' || value === null) return `<${typeof value}>`;
  const p = parts(value);
  if (p === undefined) return `<${(value as { constructor?: { name?: string } }).constructor?.name ?? 'object'}>`;
  const body = p.items.map(([k, v]) => (k === undefined ? compact(v) : `${keyText(k)}${p.sep}${compact(v)}`)).join(', ');
  return `${p.open}${body}${p.close}`;
}

function pretty(value: unknown, level: number, indent: number, width: number): string {
  const flat = compact(value);
  if (typeof value !== 'object' || value === null || flat.length + level * indent <= width) return flat;
  const p = parts(value);
  if (p === undefined || p.items.length === 0) return flat;
  const pad = ' '.repeat((level + 1) * indent);
  const lines = p.items.map(([k, v]) => {
    const inner = pretty(v, level + 1, indent, width);
    return `${pad}${k === undefined ? '' : `${keyText(k)}${p.sep}`}${inner}`;
  });
  return `${p.open}\n${lines.join(',\n')}\n${' '.repeat(level * indent)}${p.close}`;
}
