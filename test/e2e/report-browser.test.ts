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
import { reportData } from '../../src/report/report-data.js';
import { serveReport } from '../../src/report/report-server.js';
import { random } from '../../src/algorithms/random-search.js';
import { journalStorage } from '../../src/storage/journal-storage.js';
import { loadStudy } from '../../src/tuning/load-study.js';
import { search } from '../../src/tuning/search.js';
import type { TreeValue } from '../../src/symbolic/node.js';
// The spaces are written against the package: their study runs on it too (one copy of the symbolic classes).
import * as pliant from 'pliant';
import { cnnSpace } from '../../spaces/cnn.js';
import { trainCandidate } from '../../spaces/model-candidate.js';
import type { ModelCandidate } from '../../spaces/model-candidate.js';
import { mnistSubset } from '../../examples/mnist/data.js';

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

/**
 * A synthetic architecture space like the MNIST CNN search's, with 20+ decisions: 1 to 4 conv
 * blocks (a choice among whole layer lists, so each depth has its own per-block decisions),
 * a dense head and a constant softmax of 10 units, and the training's choices.
 */
function archSpace(): TreeValue {
  const block = (): TreeValue[] => [
    { type: 'conv2d', filters: oneOf([8, 16, 32]), kernelSize: oneOf([3, 5]), activation: 'relu' },
    { type: oneOf(['maxPooling2d', 'averagePooling2d']), poolSize: 2 },
  ];
  const head = (): TreeValue[] => [
    { type: 'flatten' },
    { type: 'dense', units: oneOf([64, 128, 256]), activation: 'relu' },
    { type: 'dropout', rate: floatv(0, 0.5) },
    { type: 'dense', units: 10, activation: 'softmax' },
  ];
  return {
    model: { layers: oneOf([1, 2, 3, 4].map((depth) => [...Array.from({ length: depth }, block).flat(), ...head()])) },
    optimizer: oneOf(['adam', 'rmsprop', 'sgd']),
    weightDecay: floatv(1e-6, 1e-3, { scale: 'log' }),
    warmupEpochs: intv(0, 3),
    augment: oneOf([true, false]),
    learningRate: floatv(3e-4, 3e-2, { scale: 'log' }),
    batchSize: oneOf([32, 64, 128]),
    seed: 7,
  };
}

/** A cheap stand-in for accuracy: the learning rate near 3e-3 and wide filters help. */
function archObjective(c: { learningRate: number; model: { layers: { filters?: number }[] } }): number {
  const filters = c.model.layers.reduce((s, l) => s + (l.filters ?? 0), 0);
  return 0.9 - Math.abs(Math.log10(c.learningRate) + 2.5) / 10 + filters / 2000;
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

  it('on a study with 20+ decisions: at most 8 parallel axes, panels only for decisions that vary, no raw DNA, readable labels', async () => {
    const studies = join(dir, 'arch');
    const storage = journalStorage(studies);
    const result = await search(archSpace(), (c) => archObjective(c as Parameters<typeof archObjective>[0]), {
      numTrials: 40,
      study: 'arch',
      storage,
      algorithm: random({ seed: 5 }),
    });
    const data = reportData(result);
    expect(data.decisions.length).toBeGreaterThanOrEqual(20);
    const varying = new Set(data.decisions.map((d) => d.path));
    const out = join(dir, 'arch.html');
    const streams = { out: { write: () => undefined }, err: { write: () => undefined } };
    expect(await runCli(['report', join(studies, 'arch.jsonl'), '--out', out], streams)).toBe(0);
    errors.length = 0;
    const page = await open(pathToFileURL(out).href);
    const found = await plots(page);
    expect(found.withMarks).toBe(found.figures);
    // No axis or label anywhere reads like `16.000000`.
    const svgText = await page.locator('figure.plot svg text').allTextContents();
    expect(svgText.filter((t) => /\d\.\d*0{4,}\b/.test(t))).toEqual([]);
    // Importance panels: one per decision that varies, never a constant (the softmax's units, the seed).
    const panels = found.names.filter((n) => n.startsWith('decision:')).map((n) => n.slice('decision:'.length));
    expect(panels.length).toBeGreaterThan(0);
    for (const key of panels) expect(varying.has(key), key).toBe(true);
    expect(panels.some((k) => /units/.test(k) && data.trials.every((t) => t.decisions[k] === undefined || t.decisions[k] === 10))).toBe(false);
    expect(panels.some((k) => k === 'seed')).toBe(false);
    // The top ones shown, the rest folded.
    const shown = await page.locator('figure.plot[data-plot^="decision:"]:visible').count();
    expect(shown).toBeLessThanOrEqual(6);
    expect(await page.locator('details.more > summary').innerText()).toMatch(/^\d+ more decisions$/);
    // Parallel coordinates: at most 8 axes (decisions and the objective).
    const parallel = page.locator('figure.plot[data-plot="parallel-coordinates"]');
    const axes = await parallel.locator('g[class~="axes_marks"] line').count();
    expect(axes).toBeGreaterThan(1);
    expect(axes).toBeLessThanOrEqual(8);
    const labels = await parallel.locator('g[class~="labels_marks"] text').allTextContents();
    expect(labels.length).toBeGreaterThan(0);
    for (const label of labels) expect(label).not.toMatch(/\d\.0{4,}|\(none\)/);
    // No raw DNA anywhere a reader sees; the top trials name decisions and values.
    const text = await page.locator('body').innerText();
    expect(text).not.toContain('DNA(');
    expect(text).not.toContain('(none)');
    expect(await page.locator('table ul.decisions li').count()).toBeGreaterThan(0);
    expect(text).toContain('learningRate = ');
    await page.screenshot({ path: join(shots, 'report-many-decisions.png'), fullPage: true });
    console.log(
      JSON.stringify({ decisions: data.decisions.length, panels: panels.length, shownPanels: shown, parallelAxes: axes, dnaOnPage: text.includes('DNA(') }),
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it("on a real MNIST study (the main job's space, trained one epoch on a small subset): the same checks", async () => {
    const { tf } = await pliant.loadTf({ log: false });
    const data = await mnistSubset(512, 128);
    const studies = join(dir, 'mnist');
    const storage = pliant.journalStorage(studies);
    try {
      // The main job's whole space (1 to 3 conv blocks, each its filters, kernel, pooling and batch norm; head; optimizer).
      const result = await pliant.search(
        cnnSpace(),
        (c) => trainCandidate(c as ModelCandidate, data.train, { epochs: 1, validation: 0.25, test: data.test, seed: 1 }),
        { numTrials: 8, study: 'mnist', storage, metric: 'valAccuracy', algorithm: pliant.random({ seed: 4 }) },
      );
      expect(result.completed.length).toBe(8);
      const loaded = await loadStudy('mnist', { storage: journalStorage(studies) });
      const data2 = reportData(loaded);
      const varying = new Set(data2.decisions.map((d) => d.path));
      expect(varying.size).toBeGreaterThanOrEqual(12);
      const out = join(dir, 'mnist.html');
      const streams = { out: { write: () => undefined }, err: { write: () => undefined } };
      expect(await runCli(['report', join(studies, 'mnist.jsonl'), '--out', out], streams)).toBe(0);
      errors.length = 0;
      const page = await open(pathToFileURL(out).href);
      const found = await plots(page);
      expect(found.withMarks).toBe(found.figures);
      const panels = found.names.filter((n) => n.startsWith('decision:')).map((n) => n.slice('decision:'.length));
      expect(panels.length).toBeGreaterThan(0);
      for (const key of panels) expect(varying.has(key), key).toBe(true);
      // The softmax's 10 units are a constant, never a panel.
      expect(panels.filter((k) => /units$/.test(k) && data2.trials.every((t) => t.decisions[k] === undefined || t.decisions[k] === 10))).toEqual([]);
      const parallel = page.locator('figure.plot[data-plot="parallel-coordinates"]');
      const axes = await parallel.locator('g[class~="axes_marks"] line').count();
      expect(axes).toBeGreaterThan(1);
      expect(axes).toBeLessThanOrEqual(8);
      const svgText = await page.locator('figure.plot svg text').allTextContents();
      expect(svgText.filter((t) => /\d\.\d*0{4,}\b|\(none\)/.test(t))).toEqual([]);
      const text = await page.locator('body').innerText();
      expect(text).not.toContain('DNA(');
      expect(await page.locator('table ul.decisions li').count()).toBeGreaterThan(0);
      await page.screenshot({ path: join(shots, 'report-mnist.png'), fullPage: true });
      console.log(JSON.stringify({ study: 'mnist', decisions: varying.size, panels: panels.length, parallelAxes: axes, dnaOnPage: text.includes('DNA(') }));
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      tf.dispose([data.train.x, data.train.y, data.test.x, data.test.y]);
    }
  }, 240_000);
});
