import type { Direction, Trial } from '../tuning/trial.js';
import { requireOptional } from '../base/optional-dependency.js';
import type * as CliProgress from 'cli-progress';
import { safeJson, sanitize, shortNumber } from './terminal.js';

/**
 * Shows a search's progress: a bar on a terminal (cli-progress), a line per trial otherwise. What
 * comes from the objective (a failed trial's message, metric names) is {@link sanitize}d.
 */
export interface Progress {
  trialEnded(trial: Trial): void;
  stop(): void;
}

/** Starts showing progress on `stream` for a budget of `total` evaluated trials. */
export function startProgress(
  stream: { write(text: string): unknown; isTTY?: boolean },
  total: number,
  direction: Direction | readonly Direction[] | undefined,
  resumed: { readonly done: number; readonly best?: number | undefined } = { done: 0 },
): Progress {
  const started = Date.now();
  const sign = (Array.isArray(direction) ? direction[0] : direction) === 'minimize' ? -1 : 1;
  // A resumed study starts where it stood: its evaluated trials count, its best is the best.
  let best: number | undefined = resumed.best;
  let bestTrial: number | undefined;
  let done = resumed.done;
  const startedDone = resumed.done;
  let hits = 0;
  const objective = (t: Trial): number | undefined => (typeof t.value === 'number' ? t.value : undefined);
  const rate = (): number => ((done - startedDone) * 60_000) / Math.max(1, Date.now() - started);
  const update = (t: Trial): void => {
    if (t.cached) hits++;
    else done++;
    const v = objective(t);
    if (t.state === 'completed' && v !== undefined && (best === undefined || sign * v > sign * best)) {
      best = v;
      bestTrial = t.number;
    }
  };
  if (stream.isTTY === true && process.env.TERM !== 'dumb') {
    const { SingleBar, Presets } = requireOptional<typeof CliProgress>('cli-progress', 'pliant search', 'npm install cli-progress@3');
    const bar = new SingleBar(
      {
        format: '{bar} {value}/{total} trials | best {best} | {rate}/min | ETA {eta_formatted} | cache hits {hits}',
        stream: stream as unknown as NodeJS.WritableStream,
        hideCursor: true,
        etaBuffer: 20,
        noTTYOutput: false,
      },
      Presets.shades_classic,
    );
    bar.start(total, Math.min(done, total), { best: best === undefined ? '-' : shortNumber(best), rate: '0', hits: 0 });
    return {
      trialEnded(t) {
        update(t);
        bar.update(Math.min(done, total), { best: best === undefined ? '-' : `${shortNumber(best)} (#${String(bestTrial)})`, rate: shortNumber(rate()), hits });
      },
      stop: () => bar.stop(),
    };
  }
  return {
    trialEnded(t) {
      update(t);
      const what = t.cached
        ? 'served by the cache'
        : t.state === 'completed'
          ? `completed: ${typeof t.value === 'number' ? shortNumber(t.value) : safeJson(t.value)}`
          : t.state === 'failed'
            ? // The objective's message, on this one line, with nothing a terminal acts on.
              `failed: ${sanitize(t.error ?? '')}`
            : t.state;
      const took = t.ended === undefined ? '' : `, ${((t.ended - t.started) / 1000).toFixed(1)} s`;
      stream.write(`trial ${t.number} ${what}${took} | ${done}/${total} | best ${best === undefined ? '-' : shortNumber(best)}\n`);
    },
    stop: () => undefined,
  };
}
