import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PliantError, Result, journalStorage, search } from '../../../src/index.js';
import { renderReport, writeReport } from '../../../src/report/html-report.js';
import { rejection } from '../../support/error-of.js';
import { EVIL, cachedStudy, multiStudy, runSingle, singleStudy, space, symbolicStudy } from './studies.js';

/** The inner HTML of the figure of plot `name` (`undefined` when the page has none). */
function figure(html: string, name: string): string | undefined {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/"/g, '&#34;');
  return new RegExp(`<figure class="plot" data-plot="${escaped}">(.*?)</figure>`, 's').exec(html)?.[1];
}

/** The plot names of a page, in order. */
function plotNames(html: string): string[] {
  return [...html.matchAll(/<figure class="plot" data-plot="([^"]*)">/g)].map((m) => m[1] as string);
}

/**
 * How many items the SVG groups of mark `name` hold (symbols, lines, rules...; a mark drawn per
 * group, as lines with a `detail`, has one SVG group per line).
 */
function marks(svg: string | undefined, name: string): number {
  let n = 0;
  for (const m of (svg ?? '').matchAll(new RegExp(`<g class="mark-\\w+ role-mark ${name}_marks"[^>]*>(.*?)</g>`, 'gs'))) {
    n += ((m[1] as string).match(/<(path|line|rect|text)\b/g) ?? []).length;
  }
  return n;
}

let single: string;
let multi: string;
let cached: string;

beforeAll(async () => {
  [single, multi, cached] = await Promise.all([
    singleStudy().then((r) => renderReport(r)),
    multiStudy().then((r) => renderReport(r, { title: 'Two <objectives> & "more"' })),
    cachedStudy().then((r) => renderReport(r, { live: true })),
  ]);
});

describe('renderReport', () => {
  it('is one HTML page: header with the study, counts by state, the best trial, the objective', async () => {
    const result = await singleStudy();
    expect(single.startsWith('<!doctype html>')).toBe(true);
    expect(single).toContain(`<title>Study ${result.study}</title>`);
    const header = /<header>(.*?)<\/header>/s.exec(single)?.[1] ?? '';
    expect(header).toContain(`<code>${result.study}</code>`);
    for (const state of ['completed', 'pruned', 'failed']) {
      const n = result.trials.filter((t) => t.state === state).length;
      expect(header).toContain(`<b>${n}</b> ${state}`);
    }
    expect(header).toMatch(new RegExp(`at trial #${result.best?.number}\\b`));
    expect(header).toContain('<b>objective</b> (maximize)');
    expect((single.match(/<main>/g) ?? []).length).toBe(1);
  });

  it('renders each plot to inline SVG with data marks', async () => {
    const result = await singleStudy();
    const names = plotNames(single);
    expect(names.filter((n) => !n.startsWith('decision:'))).toEqual(['history', 'importance', 'parallel-coordinates', 'intermediate-values', 'timeline']);
    expect(names.filter((n) => n.startsWith('decision:')).sort()).toEqual(['decision:act', 'decision:lr', 'decision:width']);
    const withValue = result.trials.filter((t) => t.state === 'completed' || t.state === 'pruned').length;
    const completed = result.completed.length;
    expect(marks(figure(single, 'history'), 'trials')).toBe(withValue);
    expect(marks(figure(single, 'history'), 'best')).toBe(1);
    expect(marks(figure(single, 'decision:lr'), 'trials')).toBe(completed);
    const categories = new Set(result.completed.map((t) => (t.candidate as { act: string }).act)).size;
    expect(marks(figure(single, 'decision:act'), 'means')).toBe(categories);
    expect(marks(figure(single, 'parallel-coordinates'), 'lines')).toBe(completed);
    expect(marks(figure(single, 'intermediate-values'), 'curves')).toBe(result.trials.filter((t) => t.reports.length > 0).length);
    expect(marks(figure(single, 'intermediate-values'), 'stops')).toBe(result.trials.filter((t) => t.state === 'pruned').length);
    expect(marks(figure(single, 'timeline'), 'runs')).toBe(result.trials.length);
    for (const name of plotNames(single)) {
      const svg = figure(single, name) as string;
      expect(svg.startsWith('<svg')).toBe(true);
      expect((svg.match(/class="mark-\w+ role-mark/g) ?? []).length).toBeGreaterThan(0);
    }
  });

  it('names the varying decisions in their plots by their short names, symbolic key paths included', async () => {
    for (const path of ['lr', 'act', 'width']) expect(figure(single, `decision:${path}`)).toContain(`>${path}</text>`);
    const html = await renderReport(await symbolicStudy());
    for (const [path, name] of [
      ['model.layers[0].units', 'units'],
      ['model.layers[0].act', 'act'],
    ] as const) {
      const svg = figure(html, `decision:${path}`);
      expect(svg).toContain(`>${name}</text>`);
      expect(svg).not.toContain(`>${path}</text>`);
      expect(marks(svg, 'trials')).toBe(12);
    }
    expect(html).not.toContain('decision:$type');
    // The softmax layer's constant units are no decision.
    expect(html).not.toContain('decision:model.layers[1]');
  });

  it('ranks the decisions (the one that drives the objective first) and folds the rest beyond the top ones', async () => {
    const section = /<h2>Which choices matter<\/h2>(.*?)<\/section>/s.exec(single)?.[1] ?? '';
    expect(section).toContain('ranked by PED-ANOVA importance');
    // `lr` drives the learning curve most; `width` adds at most 0.1.
    const first = /data-plot="decision:([^"]+)"/.exec(section)?.[1];
    expect(first).toBe('lr');
    expect(section).not.toContain('<details class="more">');
    expect(figure(single, 'importance')).toContain('>lr</text>');
  });

  it('shows the Pareto front of two objectives: a symbol per completed trial, the front connected', async () => {
    const result = await multiStudy();
    const svg = figure(multi, 'pareto');
    expect(marks(svg, 'trials')).toBe(result.completed.length);
    expect(marks(svg, 'front')).toBe(1);
    expect(multi).toContain(`${result.paretoFront.length} trials: #`);
    expect(marks(figure(multi, 'history'), 'trials')).toBe(result.trials.length);
    expect(marks(figure(multi, 'history'), 'trials_1')).toBe(result.trials.length);
    expect(figure(multi, 'intermediate-values')).toBeUndefined();
  });

  it('shows the cache at work when trials were served by it', async () => {
    const result = await cachedStudy();
    expect(marks(figure(cached, 'cache'), 'counts')).toBe(2);
    expect(cached).toContain(`${result.cache?.hits} hits`);
    expect(figure(single, 'cache')).toBeUndefined();
  });

  it('says when too few trials completed to rank the decisions, and shows them unranked', async () => {
    const few = await renderReport(await search(space, (c) => c.lr, { numTrials: 6, seed: 1 }));
    const section = /<h2>Which choices matter<\/h2>(.*?)<\/section>/s.exec(few)?.[1] ?? '';
    expect(section).toContain('Too few trials to rank decisions (n &#60; 10: 6 completed)');
    expect(plotNames(few)).not.toContain('importance');
    expect(plotNames(few).filter((n) => n.startsWith('decision:'))).toEqual(['decision:lr', 'decision:act', 'decision:width']);
  });

  it('lists the top 10 trials: number, value, state, duration, decisions, candidate JSON and DNA on demand', async () => {
    const result = await singleStudy();
    const table = /<table>(.*?)<\/table>/s.exec(single)?.[1] ?? '';
    const rows = table.match(/<tr><td/g) ?? [];
    expect(rows).toHaveLength(10);
    const best = result.best!;
    const first = /<tbody>\s*<tr>(.*?)<\/tr>/s.exec(table)?.[1] ?? '';
    expect(first).toMatch(new RegExp(`^<td class="num">${best.number} <span class="tag">best</span>`));
    expect(first).toContain('completed');
    const c = best.candidate as { lr: number; act: string; width: number };
    expect(first).toContain(`<span class="dname">width</span> = <b>${c.width}</b>`);
    expect(first).toContain(`<span class="dname">act</span> = <b>${c.act}</b>`);
    // The DNA only inside the folded candidate.
    expect(first).toMatch(
      new RegExp(`<details><summary>JSON</summary>.*<code class="dna">${best.dna.toString().replace(/[()[\].]/g, '\\$&')}</code></p></details>`, 's'),
    );
    expect(first).toMatch(/<td class="num">[\d.e-]+ (ms|s|min|h)<\/td>/);
    expect(first).toContain('<details><summary>JSON</summary><pre>{\n  &#34;lr&#34;:');
  });

  it('escapes every text: a candidate, an error message or a title cannot break out', async () => {
    const result = await singleStudy();
    expect(result.trials.some((t) => (t.candidate as { act: string }).act === EVIL)).toBe(true);
    for (const html of [single, multi, cached]) {
      expect(html).not.toContain('<img');
      expect(html).not.toContain('onerror=alert(1)>');
    }
    expect(single).not.toContain('</script>');
    expect(single).not.toContain('<b>boom</b>');
    expect(single).toContain('&#60;/script&#62;&#60;img src=x onerror=alert(1)&#62;');
    expect(single).toContain('&#60;/pre&#62;&#60;b&#62;boom&#60;/b&#62;'); // the failure's message
    expect(multi).toContain('<title>Two &#60;objectives&#62; &#38; &#34;more&#34;</title>');
  });

  it('is self-contained: inline CSS, no script, nothing fetched, no URL', () => {
    for (const html of [single, multi]) {
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/<link\b|@import|\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
      expect(html).not.toMatch(/https?:\/\//);
      expect(html).toMatch(/<style>[^<]+<\/style>/);
    }
  });

  it('gives each SVG its own ids, so that clip paths do not clash across plots', () => {
    const ids = [...single.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const m of single.matchAll(/url\(#([^)]+)\)/g)) expect(ids).toContain(m[1]);
  });

  it("with live, adds one small script that swaps <main> for the server's on each event", async () => {
    const scripts = [...cached.matchAll(/<script>(.*?)<\/script>/gs)].map((m) => m[1] as string);
    expect(scripts).toHaveLength(1);
    const script = scripts[0] as string;
    expect(script).toContain("new EventSource('/events')");
    // Run it against a stand-in of the browser's APIs.
    const sources: { url: string; onmessage?: () => void }[] = [];
    const main = { innerHTML: 'old' };
    const fetched: string[] = [];
    runInNewContext(script, {
      EventSource: class {
        onmessage?: () => void;
        constructor(readonly url: string) {
          sources.push(this);
        }
      },
      fetch: async (url: string) => {
        fetched.push(url);
        return { text: async () => '<html><main>new</main></html>' };
      },
      DOMParser: class {
        parseFromString(text: string) {
          return { querySelector: (s: string) => (s === 'main' ? { innerHTML: /<main>(.*)<\/main>/.exec(text)?.[1] } : null) };
        }
      },
      document: { querySelector: (s: string) => (s === 'main' ? main : null) },
      console,
    });
    expect(sources.map((s) => s.url)).toEqual(['/events']);
    sources[0]?.onmessage?.();
    await expect.poll(() => main.innerHTML).toBe('new');
    expect(fetched).toEqual(['/']);
  });

  it('says so when there is nothing to plot yet', async () => {
    const html = await renderReport(new Result('fresh', []));
    expect(plotNames(html)).toEqual([]);
    expect(html).toContain('No plots yet');
    expect(html).toContain('No completed trial yet');
  });

  it('rejects bad options', async () => {
    const result = await singleStudy();
    const e = await rejection(renderReport(result, { title: 3 as unknown as string }));
    expect(e).toBeInstanceOf(PliantError);
    expect((e as PliantError).code).toBe('argument');
  });
});

describe('writeReport', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pliant-report-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads a study by journal file or by name and writes its report, creating folders; returns the number of plots', async () => {
    const storage = journalStorage(join(dir, 'studies'));
    await runSingle({ storage, study: 'written' });
    const out = join(dir, 'deep', 'er', 'report.html');
    const plots = await writeReport(join(dir, 'studies', 'written.jsonl'), out, { title: 'Written' });
    expect(existsSync(out)).toBe(true);
    const html = readFileSync(out, 'utf8');
    expect(plotNames(html)).toHaveLength(plots);
    expect(plots).toBe(8);
    expect(html).toContain('<title>Written</title>');
    expect(html).toContain('<code>written</code>');
    const byName = join(dir, 'by-name.html');
    expect(await writeReport('written', byName, { storage })).toBe(8);
    expect(readFileSync(byName, 'utf8')).toContain('<title>Study written</title>');
  });

  it('rejects a missing study and a missing output path', async () => {
    expect(await rejection(writeReport(join(dir, 'nope.jsonl'), join(dir, 'x.html')))).toBeInstanceOf(PliantError);
    expect(await rejection(writeReport('written', ''))).toBeInstanceOf(PliantError);
    expect(existsSync(join(dir, 'x.html'))).toBe(false);
  });
});
