/**
 * The study report: one self-contained HTML page (inline CSS and SVG, no network) with the
 * study's numbers, its plots and its best trials.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PliantError, describeThrown } from '../base/errors.js';
import type { Storage } from '../storage/storage.js';
import { loadStudy } from '../tuning/load-study.js';
import type { Result } from '../tuning/result.js';
import type { Trial } from '../tuning/trial.js';
import { VERSION } from '../version.js';
import { formatNumber } from './format-number.js';
import { REPORT_STATUSES, reportData } from './report-data.js';
import type { DecisionValue, ReportData, ReportDecision, ReportTrial } from './report-data.js';
import { STATUS_COLORS, TOP_DECISION_PLOTS, plottedDecisions, reportSpecs } from './report-specs.js';
import type { ReportPlot } from './report-specs.js';
import { renderSvg } from './render-svg.js';
import { readableCandidate } from '../tuning/readable-candidate.js';

/** Options of {@link renderReport}. */
export interface HtmlReportOptions {
  /** The page's title (default `Study <name>`). */
  readonly title?: string;
  /**
   * Add a small script that listens to `/events` (server-sent events) and, on each message,
   * fetches `/` and swaps in its `<main>`: for a server that pushes updates while a study runs.
   * Without it the page has no script at all.
   */
  readonly live?: boolean;
}

/** Options of {@link writeReport}. */
export interface WriteReportOptions extends HtmlReportOptions {
  /** Where the study lives (as for `loadStudy`; default the journal files under `.pliant/studies`). */
  readonly storage?: Storage;
}

/** How many trials the table of best trials lists. */
const TOP = 10;

/**
 * The study report as one HTML page that opens without network: a header (the study, trials
 * by state, the best value and its trial, the objectives), the plots of
 * {@link reportSpecs} rendered to inline SVG (each in a `<figure class="plot" data-plot="name">`),
 * and a table of the top 10 trials with their values of the decisions that matter most (the
 * candidate JSON and the DNA on demand, in a `<details>`). Every text is
 * HTML-escaped; CSS is inline; nothing is fetched. Needs vega and vega-lite (`npm install
 * vega@6 vega-lite@6`), loaded on first use.
 *
 * ```ts
 * await writeFile('report.html', await renderReport(result));
 * ```
 */
export async function renderReport(result: Result, options: HtmlReportOptions = {}): Promise<string> {
  return (await buildReport(result, options, 'renderReport')).html;
}

/**
 * Loads a study (a name, or a journal file's path, as `loadStudy` takes) and writes its report
 * ({@link renderReport}) to `out`, creating missing folders. Resolves to the number of plots.
 *
 * ```ts
 * const plots = await writeReport('mnist', 'reports/mnist.html');
 * ```
 */
export async function writeReport(study: string, out: string, options: WriteReportOptions = {}): Promise<number> {
  const api = 'writeReport';
  if (typeof out !== 'string' || out === '')
    throw new PliantError(api, 'argument', `writeReport needs the path of the file to write, found ${describeThrown(out)}`);
  const result = await loadStudy(study, options.storage === undefined ? {} : { storage: options.storage });
  const { html, plots } = await buildReport(result, options, api);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, html, 'utf8');
  return plots;
}

/** The page and how many plots it has. */
async function buildReport(result: Result, options: HtmlReportOptions, api: string): Promise<{ html: string; plots: number }> {
  if (options === null || typeof options !== 'object') throw new PliantError(api, 'argument', `options must be an object, found ${describeThrown(options)}`);
  if (options.title !== undefined && typeof options.title !== 'string')
    throw new PliantError(api, 'argument', `title must be a string, found ${describeThrown(options.title)}`);
  if (result === null || typeof result !== 'object' || !Array.isArray((result as { trials?: unknown }).trials))
    throw new PliantError(api, 'argument', `${api} takes a study's Result (as search or loadStudy give it), found ${describeThrown(result)}`);
  const data = reportData(result);
  const plots = reportSpecs(data);
  const rendered: { plot: ReportPlot; svg: string }[] = [];
  for (const [i, plot] of plots.entries()) rendered.push({ plot, svg: inlineSvg(await renderSvg(plot.spec), `p${i}-`) });
  const title = options.title ?? `Study ${data.study}`;
  const body = [header(data, result, title), ...sections(data, rendered), topTrials(data, result), failures(data)].join('\n');
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="pliant ${escapeHtml(VERSION)}">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body}
<footer>Generated by pliant ${escapeHtml(VERSION)} at ${escapeHtml(new Date().toISOString())}.</footer>
</main>${options.live === true ? `\n<script>${LIVE_SCRIPT}</script>` : ''}
</body>
</html>
`;
  return { html, plots: rendered.length };
}

/** Text safe in HTML content and in quoted attribute values. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Presentation attributes whose value may be a `url(#id)` reference (vega uses `clip-path` and `fill`). */
const URL_ATTRIBUTES: ReadonlySet<string> = new Set(['clip-path', 'fill', 'stroke', 'mask', 'filter', 'marker-start', 'marker-mid', 'marker-end']);

/**
 * An SVG document made fit to inline: no XML namespace declarations (HTML needs none), its
 * ids prefixed so that several SVGs on one page do not share clip paths or gradients. Only the
 * attributes of tags are rewritten (`id`, `href="#..."`, `url(#...)` presentation attributes),
 * never text or other attributes: a label reading `id="x"` or `url(#a)` stays as it is. (vega
 * escapes `<` and `>` in text and attribute values and `"` in attribute values, so a tag is
 * exactly a `<...>` run without `>` in it.)
 */
function inlineSvg(svg: string, prefix: string): string {
  return svg
    .replace(/^<svg\b[^>]*>/, (open) => open.replace(/\s+xmlns(?::\w+)?="[^"]*"/g, ''))
    .replace(/<[^>!?][^>]*>/g, (tag) =>
      tag.replace(/(\s)([\w:-]+)="([^"]*)"/g, (whole: string, space: string, name: string, value: string) => {
        if (name === 'id') return `${space}id="${prefix}${value}"`;
        if ((name === 'href' || name === 'xlink:href') && value.startsWith('#')) return `${space}${name}="#${prefix}${value.slice(1)}"`;
        if (URL_ATTRIBUTES.has(name)) return `${space}${name}="${value.replace(/^url\(#(.*)\)$/, (_, id: string) => `url(#${prefix}${id})`)}"`;
        return whole;
      }),
    );
}

/** A trial's candidate as indented JSON (a candidate JSON cannot write is described instead). */
function candidateJson(candidate: unknown): string {
  try {
    return JSON.stringify(candidate, null, 2) ?? 'undefined';
  } catch {
    return describeThrown(candidate);
  }
}

function swatch(status: keyof typeof STATUS_COLORS): string {
  return `<span class="swatch" style="background:${STATUS_COLORS[status]}"></span>`;
}

function header(data: ReportData, result: Result, title: string): string {
  const counts = REPORT_STATUSES.filter((s) => data.counts[s] > 0)
    .map((s) => `<li>${swatch(s)}<b>${data.counts[s]}</b> ${s}</li>`)
    .join('');
  const objectives = data.objectives.map((o) => `<b>${escapeHtml(o.name)}</b> (${o.direction})`).join(', ');
  const facts: [string, string][] = [
    ['Study', `<code>${escapeHtml(data.study)}</code>`],
    ['Trials', `${data.trials.length} <ul class="counts">${counts}</ul>`],
    [data.objectives.length === 1 ? 'Objective' : 'Objectives', objectives],
  ];
  if (data.constraints.length > 0)
    facts.push(['Constraints', `${data.constraints.map((c) => `<code>${escapeHtml(c)}</code>`).join(', ')} (feasible when ≤ 0)`]);
  if (data.objectives.length === 1) {
    const best = data.trials.find((t) => t.number === data.best);
    facts.push(['Best', best === undefined ? 'no completed trial yet' : `<b>${escapeHtml(formatNumber(best.value))}</b> at trial #${best.number}`]);
  } else {
    const front = data.front.map((n) => `#${n}`).join(', ');
    facts.push([
      'Pareto front',
      data.front.length === 0 ? 'no completed trial yet' : `${data.front.length} trial${data.front.length === 1 ? '' : 's'}: ${escapeHtml(front)}`,
    ]);
  }
  if (result.cache !== undefined)
    facts.push(['Dedupe cache', `${result.cache.hits} hits, ${result.cache.misses} misses, ${result.cache.evaluationsSaved} evaluations saved`]);
  const list = facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('\n');
  return `<header>
<h1>${escapeHtml(title)}</h1>
<dl class="facts">
${list}
</dl>
</header>`;
}

function sections(data: ReportData, rendered: readonly { plot: ReportPlot; svg: string }[]): string[] {
  if (rendered.length === 0) return ['<section><h2>Plots</h2><p class="note">No plots yet: no trial has a value.</p></section>'];
  const order: string[] = [];
  const bySection = new Map<string, { plot: ReportPlot; svg: string }[]>();
  for (const r of rendered) {
    const list = bySection.get(r.plot.section);
    if (list === undefined) {
      bySection.set(r.plot.section, [r]);
      order.push(r.plot.section);
    } else list.push(r);
  }
  return order.map((section) => {
    const items = bySection.get(section) as { plot: ReportPlot; svg: string }[];
    const figure = (r: { plot: ReportPlot; svg: string }): string => `<figure class="plot" data-plot="${escapeHtml(r.plot.name)}">${r.svg}</figure>`;
    if (section !== 'Which choices matter') {
      return `<section>
<h2>${escapeHtml(section)}</h2>
<div class="plots">
${items.map(figure).join('\n')}
</div>
</section>`;
    }
    return choicesSection(
      data,
      items.filter((r) => !r.plot.name.startsWith('decision:')).map(figure),
      items.filter((r) => r.plot.name.startsWith('decision:')).map(figure),
    );
  });
}

/**
 * "Which choices matter": the importance ranking, then a plot per decision, the most important
 * {@link TOP_DECISION_PLOTS} first and the rest folded in a `<details>`; when too few trials
 * completed to rank, it says so.
 */
function choicesSection(data: ReportData, ranking: readonly string[], panels: readonly string[]): string {
  const plotted = new Set(plottedDecisions(data).map((d) => d.path));
  const unplotted = data.decisions.filter((d) => !plotted.has(d.path));
  const reason = data.importance.reason;
  const intro =
    reason === undefined
      ? `${data.decisions.length} decision${data.decisions.length === 1 ? ' varies' : 's vary'} across the trials, ranked by PED-ANOVA importance (as Optuna computes it): how strongly a decision's values set the best ${data.importance.top} of the ${data.importance.trials} completed trials apart from the rest. Each plot shows every completed trial's value against that decision.`
      : `${escapeHtml(capitalize(reason))}: the ${data.decisions.length} decision${data.decisions.length === 1 ? '' : 's'} that vary are shown in the order they appear, unranked.`;
  const shown = panels.slice(0, TOP_DECISION_PLOTS);
  const folded = panels.slice(TOP_DECISION_PLOTS);
  const more = folded.length + unplotted.length;
  const foldedHtml =
    more === 0
      ? ''
      : `\n<details class="more"><summary>${more} more decision${more === 1 ? '' : 's'}</summary>
<div class="plots small">
${folded.join('\n')}
</div>${unplotted.length === 0 ? '' : `\n<p class="note">Not plotted (too many distinct labels, or beyond the first ${plotted.size}): ${escapeHtml(unplotted.map((d) => d.name).join(', '))}.</p>`}
</details>`;
  return `<section>
<h2>Which choices matter</h2><p class="note">${intro}</p>${ranking.length === 0 ? '' : `\n<div class="plots">\n${ranking.join('\n')}\n</div>`}
<div class="plots small">
${shown.join('\n')}
</div>${foldedHtml}
</section>`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The best trials first: by the first objective (for several: the Pareto front first). */
function ranked(data: ReportData): ReportTrial[] {
  const o = data.objectives[0];
  const sign = o?.direction === 'minimize' ? 1 : -1;
  const front = new Set(data.front);
  return data.trials
    .filter((t) => t.state === 'completed' && t.value !== undefined)
    .sort(
      (a, b) =>
        Number(front.has(b.number)) - Number(front.has(a.number)) ||
        Number(b.feasible) - Number(a.feasible) ||
        sign * ((a.value as number) - (b.value as number)) ||
        a.number - b.number,
    )
    .slice(0, TOP);
}

function topTrials(data: ReportData, result: Result): string {
  const rows = ranked(data);
  const byNumber = new Map(result.trials.map((t) => [t.number, t]));
  if (rows.length === 0) return '<section><h2>Top trials</h2><p class="note">No completed trial yet.</p></section>';
  const several = data.objectives.length > 1;
  const heads = [
    '#',
    ...data.objectives.map((o) => `${escapeHtml(o.name)} <span class="dir">${o.direction === 'maximize' ? '↑' : '↓'}</span>`),
    'state',
    'duration',
    'decisions',
    'candidate',
  ];
  const shownDecisions = tableDecisions(data);
  const body = rows.map((t) => {
    const trial = byNumber.get(t.number) as Trial;
    const read = readableCandidate(trial);
    const json = read.ok ? candidateJson(read.candidate) : `(cannot be made: ${read.why})`;
    const values = t.values.map((v) => `<td class="num">${escapeHtml(formatNumber(v))}</td>`).join('');
    const mark =
      several && data.front.includes(t.number) ? ' <span class="tag">front</span>' : !several && data.best === t.number ? ' <span class="tag">best</span>' : '';
    const infeasible = t.feasible ? '' : ' <span class="tag warn">infeasible</span>';
    return `<tr><td class="num">${t.number}${mark}${infeasible}</td>${values}<td>${swatch(t.status)}${t.status}</td><td class="num">${duration(t.duration)}</td><td>${decisionList(shownDecisions, t)}</td><td><details><summary>JSON</summary><pre>${escapeHtml(json)}</pre><p class="note">DNA: <code class="dna">${escapeHtml(t.dna)}</code></p></details></td></tr>`;
  });
  return `<section>
<h2>Top trials</h2>
<table>
<thead><tr>${heads.map((h) => `<th>${h}</th>`).join('')}</tr></thead>
<tbody>
${body.join('\n')}
</tbody>
</table>
</section>`;
}

/** The decisions the top-trials table may show, the most important (or first) first. */
function tableDecisions(data: ReportData): ReportDecision[] {
  return plottedDecisions(data);
}

/** How many decisions a row of the top-trials table shows. */
const ROW_DECISIONS = 6;

/** A trial's values of the first {@link ROW_DECISIONS} of `decisions` it has, as `name = value` items. */
function decisionList(decisions: readonly ReportDecision[], t: ReportTrial): string {
  const items = decisions
    .filter((d) => t.decisions[d.path] !== undefined)
    .slice(0, ROW_DECISIONS)
    .map((d) => {
      const v = t.decisions[d.path] as DecisionValue;
      const text = typeof v === 'number' ? formatNumber(v) : v;
      return `<li><span class="dname">${escapeHtml(d.name)}</span> = <b>${escapeHtml(text)}</b></li>`;
    });
  return items.length === 0 ? '—' : `<ul class="decisions">${items.join('')}</ul>`;
}

/** A duration in seconds as `850 ms`, `12.5 s`, `3.2 min` or `1.5 h`. */
function duration(seconds: number | undefined): string {
  if (seconds === undefined) return '—';
  if (seconds < 1) return `${escapeHtml(formatNumber(Math.round(seconds * 1000)))} ms`;
  if (seconds < 120) return `${escapeHtml(formatNumber(seconds))} s`;
  if (seconds < 7200) return `${escapeHtml(formatNumber(seconds / 60))} min`;
  return `${escapeHtml(formatNumber(seconds / 3600))} h`;
}

function failures(data: ReportData): string {
  const failed = data.trials.filter((t) => t.error !== undefined);
  if (failed.length === 0) return '';
  const items = failed.slice(0, TOP).map((t) => `<li>#${t.number} (${t.status}): <code>${escapeHtml(t.error as string)}</code></li>`);
  const more = failed.length > TOP ? `<p class="note">and ${failed.length - TOP} more.</p>` : '';
  return `<section>
<h2>Failures</h2>
<ul class="errors">${items.join('')}</ul>${more}
</section>`;
}

const CSS = `
:root{color-scheme:light;--fg:#1d1d1f;--muted:#5f6368;--line:#e3e3e3;--bg:#fff;--soft:#f6f7f9}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:1180px;margin:0 auto;padding:24px 28px 48px}
h1{font-size:24px;margin:0 0 12px}
h2{font-size:18px;margin:32px 0 8px;padding-bottom:4px;border-bottom:1px solid var(--line)}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}
.facts dt{color:var(--muted)}
.facts dd{margin:0}
.counts{display:inline-flex;flex-wrap:wrap;gap:4px 14px;list-style:none;margin:0 0 0 10px;padding:0}
.swatch{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:5px;vertical-align:baseline}
.note{color:var(--muted);margin:4px 0 8px}
.plots{display:flex;flex-direction:column;gap:16px}
.plots.small{flex-direction:row;flex-wrap:wrap}
figure.plot{margin:0;overflow-x:auto}
figure.plot svg{max-width:100%;height:auto;display:block}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid var(--line)}
th{background:var(--soft);font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.dir{color:var(--muted)}
.dna{word-break:break-all}
.decisions{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:0 12px}
.dname{color:var(--muted)}
details.more{margin-top:12px}
details.more>summary{margin-bottom:8px}
.tag{display:inline-block;font-size:11px;padding:0 5px;border-radius:8px;background:#e8f0fe;color:#1a56c4}
.tag.warn{background:#fdecea;color:#b3261e}
details summary{cursor:pointer;color:#1a56c4}
pre{background:var(--soft);padding:8px;border-radius:4px;max-height:360px;overflow:auto;white-space:pre-wrap;word-break:break-word;margin:6px 0 0}
.errors code{white-space:pre-wrap}
footer{margin-top:40px;color:var(--muted);font-size:12px}
`;

/** Refreshes `<main>` from `/` whenever the server sends an event (one fetch at a time, the last event wins). */
const LIVE_SCRIPT = `
(() => {
  const source = new EventSource('/events');
  let busy = false;
  let again = false;
  const refresh = async () => {
    if (busy) { again = true; return; }
    busy = true;
    try {
      const response = await fetch('/', { cache: 'no-store' });
      const page = new DOMParser().parseFromString(await response.text(), 'text/html');
      const next = page.querySelector('main');
      const main = document.querySelector('main');
      if (next !== null && main !== null) main.innerHTML = next.innerHTML;
    } catch (error) {
      console.warn('pliant report: refresh failed', error);
    } finally {
      busy = false;
      if (again) { again = false; void refresh(); }
    }
  };
  source.onmessage = () => { void refresh(); };
})();
`;
