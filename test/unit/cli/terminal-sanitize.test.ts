/**
 * Text from journals and modules never reaches a terminal raw: the sanitiser, tables and CSV
 * (fuzzed over names with fast-check), and the commands that print study names, metric names,
 * candidates and objectives' error messages.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProgress } from '../../../src/cli/progress.js';
import { runCli } from '../../../src/cli/run-cli.js';
import { csvRow, displayWidth, safeJson, sanitize, table } from '../../../src/cli/terminal.js';
import { DNA } from '../../../src/geno/dna.js';
import { oneOf } from '../../../src/hyper/one-of.js';
import { journalStorage } from '../../../src/storage/journal-storage.js';
import { search } from '../../../src/tuning/search.js';
import type { Trial } from '../../../src/tuning/trial.js';

/** Everything a terminal acts on, or that reorders what it shows. */
const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSAFE_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const TITLE = '\u001b]0;pwned\u0007';
const CSI = '\u001b[2J\u001b[31mred';
const C1 = '\u009b31m\u0085';
const BIDI = 'abc\u202eexe.txt\u2066x\u2069';

/** Names made of a few printable characters and many that are not: controls, C1, bidi, separators, lone surrogates. */
const nasty = fc.constantFrom(
  'a',
  'Z',
  ' ',
  '"',
  ',',
  '\\',
  '\u001b',
  '\u0007',
  '\u0000',
  '\b',
  '\t',
  '\n',
  '\r',
  '\u007f',
  '\u0085',
  '\u009b',
  '\u009d',
  '\u2028',
  '\u2029',
  '\u202a',
  '\u202e',
  '\u2066',
  '\u2069',
  '\u200f',
  '\ud800',
  '\udfff',
  'é',
  'e\u0301',
  '漢',
  '😀',
  '[',
  ']',
  ';',
);
const nastyName = fc.oneof(
  fc.array(nasty, { maxLength: 12 }).map((a) => a.join('')),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ maxLength: 12 }),
);

describe('sanitize', () => {
  it('escapes a terminal title sequence, CSI, C1 controls and bidi overrides', () => {
    expect(sanitize(TITLE)).toBe('\\x1b]0;pwned\\x07');
    expect(sanitize(CSI)).toBe('\\x1b[2J\\x1b[31mred');
    expect(sanitize(C1)).toBe('\\x9b31m\\x85');
    expect(sanitize(BIDI)).toBe('abc\\u202eexe.txt\\u2066x\\u2069');
    expect(sanitize('a\r\nb\tc\u2028d\u007f')).toBe('a\\r\\nb\\tc\\u2028d\\x7f');
    expect(sanitize('a\r\nb\tc', { multiline: true })).toBe('a\\r\nb\tc');
    expect(sanitize('lone \ud800 and pair \ud83d\ude00')).toBe('lone \\ud800 and pair \ud83d\ude00');
    expect(sanitize('plain text: é 漢 😀 ok')).toBe('plain text: é 漢 😀 ok');
  });

  it('fuzz: leaves nothing a terminal acts on, keeps safe text as it is, and keeps only meant line breaks', () => {
    fc.assert(
      fc.property(nastyName, (name) => {
        const one = sanitize(name);
        expect(one).not.toMatch(UNSAFE);
        const lines = sanitize(name, { multiline: true });
        expect(lines).not.toMatch(UNSAFE_BUT_LINES);
        expect(lines.split('\n')).toHaveLength(name.split('\n').length);
        if (!UNSAFE.test(name)) expect(one).toBe(name);
      }),
      { numRuns: 2000 },
    );
  });

  it('fuzz: safeJson is the same JSON, with nothing a terminal acts on', () => {
    fc.assert(
      fc.property(fc.dictionary(nastyName, fc.oneof(nastyName, fc.double({ noNaN: true, noDefaultInfinity: true }))), (value) => {
        const text = safeJson(value, 2);
        expect(text.replace(/\n/g, '')).not.toMatch(UNSAFE);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 500 },
    );
  });
});

/** `text` without its zero-width characters (combining marks take no column of their own). */
const visible = (text: string): string => [...text].filter((c) => displayWidth(c) > 0).join('');

/**
 * A table line cut at display columns: each cell's `width` columns (a wide character takes two;
 * zero-width ones are left out), with the two-space gaps between cells checked and left out. The line is
 * first padded to the table's whole width (the last cell's padding is trimmed off).
 */
function cellsOf(line: string, widths: readonly number[]): string[] {
  const total = widths.reduce((sum, w) => sum + w, 0) + 2 * (widths.length - 1);
  expect(displayWidth(line)).toBeLessThanOrEqual(total);
  const chars: string[] = []; // one entry per column: a character, or '' for the second column of a wide one
  for (const c of line + ' '.repeat(total - displayWidth(line))) {
    const w = displayWidth(c);
    if (w > 0) chars.push(c, ...(w === 2 ? [''] : []));
  }
  expect(chars).toHaveLength(total);
  const cells: string[] = [];
  let at = 0;
  widths.forEach((w, i) => {
    cells.push(chars.slice(at, at + w).join(''));
    at += w;
    if (i < widths.length - 1) {
      expect(chars.slice(at, at + 2).join('')).toBe('  ');
      at += 2;
    }
  });
  return cells;
}

describe('table', () => {
  it('keeps columns aligned with names holding escapes, tabs, line breaks and wide characters', () => {
    const text = table(
      ['study', 'trials'],
      [
        [TITLE, '3'],
        ['a\tb\nc', '10'],
        ['漢字', '7'],
      ],
    );
    expect(text).toBe(
      ['study             trials', '----------------  ------', '\\x1b]0;pwned\\x07       3', 'a\\tb\\nc               10', '漢字                   7', ''].join(
        '\n',
      ),
    );
  });

  it('fuzz: one line per row, nothing a terminal acts on, every column starts at the same place on every line', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(nastyName, nastyName, fc.nat(1000)), { minLength: 1, maxLength: 6 }), (rows) => {
        const text = table(
          ['name', 'metric', 'n'],
          rows.map(([a, b, n]) => [a, b, String(n)]),
        );
        expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
        const lines = text.split('\n');
        expect(lines).toHaveLength(rows.length + 3);
        expect(lines.at(-1)).toBe('');
        // The rule line under the header gives each column's width; every line has each cell
        // in its columns, padded on the right (text) or on the left (numbers).
        const widths = (lines[1] as string).split('  ').map((d) => d.length);
        expect(widths).toHaveLength(3);
        [['name', 'metric', 'n'], ...rows.map(([a, b, n]) => [a, b, String(n)])].forEach((row, i) => {
          const cells = cellsOf(lines[i === 0 ? 0 : i + 1] as string, widths);
          row.forEach((cell, k) => {
            const text = sanitize(cell);
            const pad = ' '.repeat((widths[k] as number) - displayWidth(text));
            expect([`${visible(text)}${pad}`, `${pad}${visible(text)}`]).toContain(cells[k]);
          });
        });
      }),
      { numRuns: 1000 },
    );
  });
});

/** A CSV reader (RFC 4180), to read back what csvRow writes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  return rows;
}

describe('CSV', () => {
  it('quotes cells with quotes, commas, CR or LF', () => {
    expect(csvRow(['a', 'b,c', 'say "hi"', 'x\ny', 'x\r', ''])).toBe('a,"b,c","say ""hi""","x\ny","x\r",');
  });

  it('fuzz: any cells read back as they were', () => {
    fc.assert(
      fc.property(fc.array(fc.array(nastyName, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 5 }), (rows) => {
        const width = rows[0]?.length ?? 1;
        const square = rows.map((r) => Array.from({ length: width }, (_x, i) => r[i] ?? ''));
        const text = square.map((r) => `${csvRow(r)}\n`).join('');
        expect(parseCsv(text)).toEqual(square);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('progress', () => {
  it("a failed trial's message is escaped on its one line", () => {
    let text = '';
    const p = startProgress({ write: (t: string) => (text += t) }, 2, 'maximize');
    p.trialEnded({
      id: 't0',
      number: 0,
      state: 'failed',
      dna: new DNA(0),
      candidate: {},
      reports: [],
      value: undefined,
      metrics: undefined,
      error: `Error: boom ${TITLE}\nsecond line ${BIDI}`,
      started: 0,
      ended: 1000,
      owner: 'x',
      hash: undefined,
      cached: false,
    } as unknown as Trial);
    p.trialEnded({
      id: 't1',
      number: 1,
      state: 'completed',
      dna: new DNA(0),
      candidate: {},
      reports: [],
      value: { [CSI]: 1 },
      started: 0,
      ended: 1000,
      cached: false,
    } as unknown as Trial);
    expect(text).toBe(
      [
        'trial 0 failed: Error: boom \\x1b]0;pwned\\x07\\nsecond line abc\\u202eexe.txt\\u2066x\\u2069, 1.0 s | 1/2 | best -',
        // A record of one metric: that metric is the objective (as search reads it), so it is the best.
        'trial 1 completed: {"\\u001b[2J\\u001b[31mred":1}, 1.0 s | 2/2 | best 1',
        '',
      ].join('\n'),
    );
  });
});

describe('commands print journal text escaped', () => {
  let dir: string;
  let studies: string;
  const srcIndex = new URL('../../../src/index.ts', import.meta.url).href;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pliant-cli-sanitize-'));
    studies = join(dir, 'studies');
    const storage = journalStorage(studies);
    // A single-objective study with a hostile name, candidates and error messages.
    await search(
      { act: oneOf([TITLE, BIDI, 'relu']) },
      (c) => {
        if (c.act === BIDI) throw new Error(`bad ${CSI}\nline 2 ${C1}`);
        return c.act === TITLE ? 2 : 1;
      },
      { numTrials: 6, study: TITLE, storage, seed: 4 },
    );
    // Two objectives whose metric names are hostile.
    await search({ act: oneOf(['a', 'b']) }, (c) => ({ [CSI]: c.act === 'a' ? 1 : 0, 'b,"c"': 1 }), {
      numTrials: 2,
      study: BIDI,
      storage,
      seed: 1,
      metric: [CSI, 'b,"c"'],
      direction: ['maximize', 'maximize'],
    } as never);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function pliant(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await runCli(args, { out: { write: (t: string) => void (out += t) }, err: { write: (t: string) => void (err += t) } });
    return { code, out, err };
  }

  /** Nothing a terminal acts on (line feeds end lines). */
  const expectClean = (text: string): void => {
    expect(text).not.toMatch(UNSAFE_BUT_LINES);
    expect(text).not.toContain('\t');
  };

  it('study list: names escaped, columns aligned', async () => {
    const { code, out, err } = await pliant('study', 'list', '--storage', studies);
    expect(code, err).toBe(0);
    expectClean(out);
    expect(out).toContain('\\x1b]0;pwned\\x07');
    expect(out).toContain('abc\\u202eexe.txt\\u2066x\\u2069');
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    const trialsEnd = (lines[0] as string).indexOf('trials') + 'trials'.length;
    for (const line of lines.slice(2)) expect(line.slice(0, trialsEnd)).toMatch(/ \d+$/);
    const json = await pliant('study', 'list', '--storage', studies, '--json');
    expectClean(json.out);
    expect((JSON.parse(json.out) as { study: string }[]).map((r) => r.study).sort()).toEqual([TITLE, BIDI].sort());
  });

  it('study show, best: candidates, metric names and the study name escaped; JSON still parses to the same', async () => {
    const show = await pliant('study', 'show', TITLE, '--storage', studies);
    expect(show.code, show.err).toBe(0);
    expectClean(show.out);
    // the candidate as its decisions, labels escaped
    expect(show.out).toContain('act=\\x1b]0;pwned\\x07');
    expect(show.out).toContain('act=abc\\u202eexe.txt\\u2066x\\u2069');
    expect(show.out.trimEnd().split('\n')).toHaveLength(2 + 6);
    const multi = await pliant('study', 'show', BIDI, '--storage', studies, '--wide');
    expectClean(multi.out);
    // metric names are column titles, escaped, with their direction
    expect(multi.out).toContain('\\x1b[2J\\x1b[31mred ↑');
    expect(multi.out).toContain('b,"c" ↑');
    const narrow = await pliant('study', 'show', BIDI, '--storage', studies);
    expectClean(narrow.out);
    expectClean(narrow.err);
    const best = await pliant('study', 'best', TITLE, '--storage', studies);
    expect(best.code).toBe(0);
    expectClean(best.out);
    expectClean(best.err);
    expect(JSON.parse(best.out)).toEqual({ act: TITLE });
    expect(best.err).toMatch(/^best of '\\x1b\]0;pwned\\x07': trial \d+, value ↑ 2\n  decisions  act=\\x1b\]0;pwned\\x07\n$/);
    const front = await pliant('study', 'best', BIDI, '--storage', studies);
    expectClean(front.out);
    expect(front.out).toContain('"\\u001b[2J\\u001b[31mred": ');
    expectClean(front.err);
  });

  it('study export --format csv: metric names, candidates and errors quoted, read back the same', async () => {
    const out = join(dir, 'multi.csv');
    const r = await pliant('study', 'export', BIDI, '--storage', studies, '--out', out);
    expect(r.code, r.err).toBe(0);
    expectClean(r.err);
    const rows = parseCsv(readFileSync(out, 'utf8'));
    // `act` is the same in both trials: no decision column
    expect(rows[0]).toEqual(['trial', 'state', CSI, 'b,"c"', 'cached', 'duration_s', 'reports', 'error']);
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row).toHaveLength(8);
    const single = join(dir, 'single.csv');
    expect((await pliant('study', 'export', TITLE, '--storage', studies, '--out', single)).code).toBe(0);
    const [header, ...body] = parseCsv(readFileSync(single, 'utf8'));
    const errors = body.map((row) => row[(header as string[]).indexOf('error')] as string).filter((e) => e !== '');
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) expect(e).toContain(`bad ${CSI}\nline 2 ${C1}`);
  });

  it('search: the summary, the progress lines and the failure messages escaped', async () => {
    const experiment = join(dir, 'hostile.mjs');
    writeFileSync(
      experiment,
      `import { oneOf } from ${JSON.stringify(srcIndex)};
export const space = { act: oneOf([${JSON.stringify(TITLE)}, ${JSON.stringify(BIDI)}]) };
export function objective(c) { if (c.act === ${JSON.stringify(BIDI)}) throw new Error(${JSON.stringify(`oops ${CSI}\n${C1}`)}); return 1; }
export const options = { numTrials: 4, study: ${JSON.stringify(`${TITLE}-search`)} };
`,
    );
    const r = await pliant('search', experiment, '--storage', studies, '--seed', '2');
    expect(r.code, r.err).toBe(0);
    expectClean(r.out);
    expectClean(r.err);
    expect(r.out).toContain("study '\\x1b]0;pwned\\x07-search'");
    expect(r.err).toMatch(/^trial \d+ failed: Error: oops \\x1b\[2J\\x1b\[31mred\\n\\x9b31m\\x85, /m);
    expect(r.err.trimEnd().split('\n')).toHaveLength(4);
  });

  it('apply --dry-run: the diff is escaped on a terminal, and left as it is for a pipe (patch tools)', async () => {
    const file = join(dir, 'residual.ts');
    writeFileSync(file, readFileSync(new URL('../../fixtures/codemod/residual.ts', import.meta.url), 'utf8'));
    const candidate = {
      createModel: { dense_1: { units: 32, activation: `relu${BIDI}${CSI}` }, dense_2: { activation: 'tanh' }, layerNormalization_1: { keep: true } },
      createDeepModel: { dense_2: { activation: 'relu' } },
      compileModel: { sgd: { kind: 'sgd', learningRate: 0.05 } },
      trainModel: { fit: { batchSize: 16 } },
    };
    for (const isTTY of [true, false]) {
      let out = '';
      let err = '';
      const code = await runCli(['apply', JSON.stringify(candidate), file, '--dry-run'], {
        out: { isTTY, write: (t: string) => void (out += t) } as { write(t: string): void },
        err: { write: (t: string) => void (err += t) },
      });
      expect(code, err).toBe(0);
      expectClean(err);
      if (isTTY) {
        expectClean(out);
        expect(out).toContain('\\u202eexe.txt');
      } else expect(out).toContain(BIDI);
    }
  });

  it('an error naming a hostile study is one escaped line', async () => {
    const r = await pliant('study', 'show', `${TITLE}-nothing`, '--storage', studies);
    expect(r.code).toBe(1);
    expectClean(r.err);
    expect(r.err).toMatch(/^pliant study show: no study named '\\x1b\]0;pwned\\x07-nothing' in /);
    expect(r.err.split('\n')).toHaveLength(2);
  });
});
