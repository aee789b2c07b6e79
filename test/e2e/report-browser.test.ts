/**
 * The report in a real browser: headless Chromium (Debian's `chromium`, driven by playwright-core
 * through its `executablePath`) opens the file `pliant report` writes, and the live page
 * `serveReport` serves while a search runs; the plots must have rendered (SVG with data marks)
 * with no console error, and a screenshot of each goes to test-results/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { medianStopping } from '../../src/algorithms/early-stopping/median-stopping.js';
import { floatv } from '../../src/hyper/floatv.js';
import { intv } from '../../src/hyper/intv.js';
import { oneOf } from '../../src/hyper/one-of.js';
import { serveReport } from '../../src/report/report-server.js';
import { journalStorage } from '../../src/storage/journal-storage.js';
import { loadStudy } from '../../src/tuning/load-study.js';
import { search } from '../../src/tuning/search.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const shots = join(root, 'test-results');

function chromiumPath(): string {
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      return execFileSync('which', [name], { encoding: 'utf8' }).trim();
    } catch {
      // next
    }
  }
  throw new Error('no chromium: npm test installs it (scripts/ensure-system-deps.sh), or apt-get install -y chromium');
}

const space = { lr: floatv(1e-4, 1e-1, { scale: 'log' }), act: oneOf(['relu', 'tanh', 'gelu']), width: intv(8, 64) };
async function objective(
  c: { lr: number; act: string; width: number },
  trial: { report(v: number): Promise<void>; shouldStop(): boolean },
  delay = 0,
): Promise<number> {
  let v = 0;
  for (let step = 1; step <= 4; step++) {
    v = (1 - Math.abs(Math.log10(c.lr) + 2) / 3) * (1 - 1 / (step + 1)) + (c.act === 'relu' ? 0.05 : 0) + c.width / 2000;
    await trial.report(v);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    if (trial.shouldStop()) {
      const pruned = new Error('pruned');
      pruned.name = 'Pruned';
      throw pruned;
    }
  }
  return v;
}

/** Plots on the page, and how many have data marks. */
async function plots(page: Page): Promise<{ figures: number; withMarks: number; names: string[] }> {
  // Runs in the page (the DOM's types are not in this project's lib).
  return page.evaluate(() => {
    const doc = (
      globalThis as unknown as {
        document: { querySelectorAll(s: string): ArrayLike<{ querySelectorAll(s: string): ArrayLike<unknown>; getAttribute(n: string): string | null }> };
      }
    ).document;
    const figures = Array.from(doc.querySelectorAll('figure.plot'));
    const withMarks = figures.filter(
      (f) => f.querySelectorAll('svg g[class*="mark-"] path, svg g[class*="mark-"] line, svg g[class*="mark-"] rect').length > 0,
    ).length;
    return { figures: figures.length, withMarks, names: figures.map((f) => f.getAttribute('data-plot') ?? '') };
  });
}

let browser: Browser;
let dir: string;
const errors: string[] = [];

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
  dir = mkdtempSync(join(tmpdir(), 'pliant-report-'));
  mkdirSync(shots, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function open(url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  // A self-contained page: any request but its own is a failure.
  page.on('request', (r) => {
    if (!r.url().startsWith(url.replace(/\/[^/]*$/, '')) && !r.url().startsWith('data:')) errors.push(`request to ${r.url()}`);
  });
  await page.goto(url);
  return page;
}

describe('the report in Chromium', () => {
  it('the file pliant report writes renders every plot with data marks, with no console error and nothing fetched', async () => {
    const studies = join(dir, 'studies');
    await search(space, (c, t) => objective(c, t), {
      numTrials: 16,
      study: 'browser',
      storage: journalStorage(studies),
      seed: 2,
      earlyStopping: medianStopping({ minTrials: 3 }),
    });
    const out = join(dir, 'report.html');
    const streams = { out: { write: () => undefined }, err: { write: () => undefined } };
    expect(await runCli(['report', join(studies, 'browser.jsonl'), '--out', out], streams)).toBe(0);
    errors.length = 0;
    const page = await open(pathToFileURL(out).href);
    const found = await plots(page);
    expect(found.names).toEqual(expect.arrayContaining(['history', 'parallel-coordinates', 'intermediate-values']));
    expect(found.figures).toBeGreaterThanOrEqual(5);
    expect(found.withMarks).toBe(found.figures);
    expect(await page.locator('table').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(shots, 'report.png'), fullPage: true });
    expect(existsSync(join(shots, 'report.png'))).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the live page updates while a search runs', async () => {
    const studies = join(dir, 'live');
    const storage = journalStorage(studies);
    await search(space, (c, t) => objective(c, t), { numTrials: 3, study: 'live', storage, seed: 3 });
    const server = await serveReport(() => loadStudy('live', { storage }), { interval: 200 });
    try {
      errors.length = 0;
      const page = await open(server.url);
      const trialsShown = (): Promise<string> => page.locator('header').innerText();
      const before = await trialsShown();
      expect((await plots(page)).withMarks).toBeGreaterThan(0);
      // more trials, slowly, while the page is open
      await search(space, (c, t) => objective(c, t, 40), { numTrials: 9, study: 'live', storage, seed: 3 });
      await expect.poll(trialsShown, { timeout: 15_000, interval: 200 }).not.toBe(before);
      await expect.poll(async () => (await trialsShown()).includes('9'), { timeout: 15_000, interval: 200 }).toBe(true);
      const after = await plots(page);
      expect(after.withMarks).toBe(after.figures);
      expect(server.renders).toBeGreaterThan(1);
      await page.screenshot({ path: join(shots, 'report-live.png'), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await server.close();
    }
  });
});
