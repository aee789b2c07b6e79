/**
 * Names and values with every character that means something to a sink of the report (HTML
 * text and attributes, the page's script, vega-lite's field and expression strings): `"`, `\`,
 * `'`, `<`, `&`, `</script>`, `<!--`, control characters, U+2028/9, `.`, `[`, `]`, `$`, a lone
 * surrogate. The report renders, has exactly its own script blocks, and shows every name.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DNA, Result } from '../../../src/index.js';
import type { Trial } from '../../../src/index.js';
import { renderReport } from '../../../src/report/html-report.js';
import { reportData } from '../../../src/report/report-data.js';
import { renderSvg } from '../../../src/report/render-svg.js';
import { reportSpecs } from '../../../src/report/report-specs.js';
import { appendSegment } from '../../../src/symbolic/key-path.js';

const PIECES = ['"', '\\', "'", '<', '>', '&', '.', '[', ']', '$', '{', '}', '/', '-', '!', '`', ' ', 'a', 'é', '😀', '\ud800'];
const SPECIAL = [
  '</script>',
  '<script>',
  '<!--',
  '-->',
  '</SCRIPT ',
  '\n',
  '\r',
  '\t',
  '\0',
  '\u0001',
  '\u007f',
  '\u2028',
  '\u2029',
  'id="x"',
  'url(#a)',
  '${x}',
];

/** A name: a few pieces of the rich alphabet. */
const name = fc.array(fc.constantFrom(...PIECES, ...SPECIAL), { minLength: 1, maxLength: 6 }).map((parts) => parts.join(''));

/** The page's escaping of text (decimal character references for `& < > " '`). */
function html(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** vega's escaping of an SVG attribute value. */
function svgAttribute(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#x9;')
    .replace(/\n/g, '&#xA;')
    .replace(/\r/g, '&#xD;');
}

interface Study {
  readonly study: string;
  readonly metrics: readonly string[];
  readonly decision: string;
  readonly values: readonly string[];
}

/** Six trials (one failed with a hostile message, one served by the cache) over one nominal and one numeric decision. */
function studyOf({ study, metrics, decision, values }: Study): Result {
  const trials: Trial[] = [0, 1, 2, 3, 4, 5].map((i) => {
    const measurement = Object.fromEntries(metrics.map((m, k) => [m, ((i + 1) * (k + 2)) % 5]));
    return {
      id: `t${i}`,
      number: i,
      state: i === 5 ? 'failed' : 'completed',
      dna: new DNA(i % values.length),
      candidate: { [decision]: values[i % values.length] as string, [`${decision}#`]: i * 1.5 },
      reports: [{ value: measurement, step: 1, metrics: undefined, time: 1000 * i + 100 }],
      value: i === 5 ? undefined : measurement,
      metrics: undefined,
      error: i === 5 ? `${values[0]} ${study}` : undefined,
      started: 1000 * i,
      ended: 1000 * i + 500,
      owner: 'host:1',
      hash: undefined,
      cached: i === 4,
    };
  });
  const options = metrics.length === 1 ? { metric: metrics[0] as string } : { metric: metrics, direction: metrics.map(() => 'maximize' as const) };
  return new Result(study, trials, options);
}

const studies: fc.Arbitrary<Study> = fc.record({
  study: name,
  metrics: fc.uniqueArray(name, { minLength: 1, maxLength: 2 }),
  decision: name,
  values: fc.uniqueArray(name, { minLength: 2, maxLength: 3 }),
});

/** Every `field` a vega-lite spec names. */
function fields(spec: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'field' && typeof x === 'string') out.push(x);
        walk(x);
      }
    }
  };
  walk(spec);
  return out;
}

describe('the report with hostile names', () => {
  it('renders, has exactly its own script blocks, and shows every name escaped', async () => {
    await fc.assert(
      fc.asyncProperty(studies, fc.boolean(), name, async (s, live, title) => {
        const result = studyOf(s);
        const page = await renderReport(result, { live, title });
        // Exactly the page's own script (none without `live`): nothing a name holds opens or closes one.
        expect((page.match(/<script/gi) ?? []).length).toBe(live ? 1 : 0);
        expect((page.match(/<\/script/gi) ?? []).length).toBe(live ? 1 : 0);
        if (live) expect(page).toMatch(/<script>\n\(\(\) => \{\n {2}const source = new EventSource\('\/events'\);[^<]*<\/script>\n<\/body>/);
        expect(page).not.toContain('<!--');
        expect((page.match(/<figure\b/g) ?? []).length).toBe((page.match(/<\/figure>/g) ?? []).length);
        // Every name, escaped for where it is.
        expect(page).toContain(`<title>${html(title)}</title>`);
        expect(page).toContain(`<code>${html(s.study)}</code>`);
        for (const metric of s.metrics) expect(page).toContain(`<b>${html(metric)}</b>`);
        const path = appendSegment('', s.decision);
        expect(page).toContain(`data-plot="decision:${html(path)}"`);
        const figure = page.slice(page.indexOf(`data-plot="decision:${html(path)}"`));
        // vega-lite's accessibility description of each point names the decision exactly.
        expect(figure.slice(0, figure.indexOf('</figure>'))).toContain(`aria-label="${svgAttribute(path)}: `);
        const failed = result.trials[5] as Trial;
        expect(page).toContain(`<code>${html(failed.error as string)}</code>`);
        const best = result.trials.find((t) => t.number === reportData(result).best) ?? result.trials[0];
        if (s.metrics.length === 1) expect(page).toContain(html(JSON.stringify(best?.candidate, null, 2)));
        // vega-lite fields are ours, never a name (its field strings give `.`, `[`, `\` a meaning).
        for (const plot of reportSpecs(reportData(result))) for (const f of fields(plot.spec)) expect(f).toMatch(/^[a-z]\w*$/);
      }),
      { numRuns: 12, seed: 20250117 },
    );
  });

  it('renders every plot of a study whose names are all the special characters at once', async () => {
    const all = SPECIAL.join('') + PIECES.join('');
    const result = studyOf({ study: all, metrics: [all, `${all}2`], decision: all, values: [all, `${all}\u2028\u2028`, `x${all}`] });
    const plots = reportSpecs(reportData(result));
    expect(plots.map((p) => p.name)).toEqual([
      'history',
      'pareto',
      `decision:${appendSegment('', all)}`,
      `decision:${appendSegment('', `${all}#`)}`,
      'parallel-coordinates',
      'intermediate-values',
      'cache',
      'timeline',
    ]);
    for (const plot of plots) expect(await renderSvg(plot.spec)).toMatch(/^<svg/);
  });
});
