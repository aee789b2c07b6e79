/**
 * Real studies for the report tests, made by running `search`: one objective with reports,
 * pruned and failed trials; two objectives (nsga2); dedupe with cached trials; symbolic
 * candidates. Each is run once per test file.
 */
import { Pruned, earlyStopping, floatv, intv, nsga2, oneOf, search, symbolize } from '../../../src/index.js';
import type { Result, SearchOptions, TrialFeedback } from '../../../src/index.js';

/** A category no report may let out of its escaping. */
export const EVIL = '</script><img src=x onerror=alert(1)>';

/** The space of the single-objective study. */
export const space = { lr: floatv(1e-4, 1e-1, { scale: 'log' }), act: oneOf(['relu', 'tanh', EVIL]), width: intv(8, 64) };

/** Stops a trial whose latest reward is below 0.3 from its second report on. */
const lowStopper = earlyStopping('report.test.low', (t) => t.rewards.length >= 2 && (t.rewards[t.rewards.length - 1] as number) < 0.3);

/** 4 steps of a learning curve; fails when width > 60 (after reporting). */
async function learn(c: { lr: number; act: string; width: number }, trial: TrialFeedback): Promise<number> {
  let v = 0;
  for (let step = 1; step <= 4; step++) {
    v = (1 - Math.abs(Math.log10(c.lr) + 2.5) / 3) * (c.act === 'relu' ? 1 : 0.8) * (step / 4) + c.width / 640;
    await trial.report(v, { step });
    if (trial.shouldStop()) throw new Pruned();
  }
  if (c.width > 60) throw new Error('out of memory </pre><b>boom</b>');
  return v;
}

const cache = new Map<string, Promise<Result>>();
function once(key: string, run: () => Promise<Result>): Promise<Result> {
  let r = cache.get(key);
  if (r === undefined) {
    r = run();
    cache.set(key, r);
  }
  return r;
}

/** One objective (maximised), 30 evaluated trials reporting 4 steps; some pruned, some failed. */
export function singleStudy(): Promise<Result> {
  return once('single', () => search(space, learn, { numTrials: 30, seed: 1, earlyStopping: lowStopper }));
}

/** The single-objective study's search, into `options.storage` / `options.study` (for journal files). */
export function runSingle(options: Pick<SearchOptions, 'storage' | 'study'>): Promise<Result> {
  return search(space, learn, { numTrials: 30, seed: 1, earlyStopping: lowStopper, ...options });
}

/** Two objectives: acc (maximise) and latency (minimise), nsga2, 40 trials, no reports. */
export function multiStudy(): Promise<Result> {
  return once('multi', () =>
    search({ x: floatv(0, 1), k: oneOf(['a', 'b']), n: intv(1, 4) }, (c) => ({ acc: c.x * (c.k === 'a' ? 1 : 0.9), latency: c.x * c.x * c.n + 0.1 }), {
      numTrials: 40,
      metric: ['acc', 'latency'],
      direction: ['maximize', 'minimize'],
      algorithm: nsga2({ seed: 1, populationSize: 10 }),
    }),
  );
}

/** Dedupe by product: 15 evaluated trials and many served by the cache (minimised). */
export function cachedStudy(): Promise<Result> {
  return once('cached', () =>
    search({ a: intv(0, 5), b: intv(0, 5) }, (c) => c.a * c.b, { numTrials: 15, seed: 2, direction: 'minimize', dedupe: (c) => String(c.a * c.b) }),
  );
}

const Dense = symbolize('report.test.Dense', (args: { units: number; act: string }) => args);

/** Symbolic candidates: a list of layers whose first one's units and activation vary. */
export function symbolicStudy(): Promise<Result> {
  return once('symbolic', () =>
    search(
      { model: { layers: [Dense({ units: intv(8, 64), act: oneOf(['relu', 'tanh']) }), Dense({ units: 10, act: 'softmax' })] }, lr: 0.1 },
      (c) => {
        const first = (c.model.layers[0] as unknown as { args: { units: number; act: string } }).args;
        return first.units / 64 + (first.act === 'relu' ? 0.5 : 0);
      },
      { numTrials: 12, seed: 3 },
    ),
  );
}
