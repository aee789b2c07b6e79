import type { Direction, Trial } from '../tuning/trial.js';
import { ProgressTally, progressWanted, startProgressBar } from '../tuning/progress-bar.js';
import type { Progress, ProgressStream } from '../tuning/progress-bar.js';
import { safeJson, sanitize, shortNumber } from './terminal.js';

export type { Progress } from '../tuning/progress-bar.js';

/**
 * Shows a search's progress on `stream` for a budget of `total` evaluated trials: the bar of
 * `search()` (cli-progress, {@link startProgressBar}) on a terminal (not under `CI` nor with
 * `TERM=dumb`), a line per trial otherwise. What comes from the objective (a failed trial's
 * message, metric names) is {@link sanitize}d.
 */
export function startProgress(
  stream: ProgressStream,
  total: number,
  direction: Direction | readonly Direction[] | undefined,
  resumed: { readonly done: number; readonly best?: number | undefined } = { done: 0 },
): Progress {
  // A resumed study starts where it stood: its evaluated trials count, its best is the best.
  if (progressWanted(stream)) return startProgressBar(stream, total, { direction, start: resumed, clear: false });
  const tally = new ProgressTally(direction, resumed);
  return {
    trialEnded(t: Trial) {
      tally.add(t);
      const what = t.cached
        ? 'served by the cache'
        : t.state === 'completed'
          ? `completed: ${typeof t.value === 'number' ? shortNumber(t.value) : safeJson(t.value)}`
          : t.state === 'failed'
            ? // The objective's message, on this one line, with nothing a terminal acts on.
              `failed: ${sanitize(t.error ?? '')}`
            : t.state;
      const took = t.ended === undefined ? '' : `, ${((t.ended - t.started) / 1000).toFixed(1)} s`;
      stream.write(`trial ${t.number} ${what}${took} | ${tally.done}/${total} | best ${tally.best === undefined ? '-' : shortNumber(tally.best)}\n`);
    },
    stop: () => undefined,
  };
}
