/**
 * The progress bar of a search (cli-progress): trials done of the budget, the best value so far,
 * the rate and the ETA, and the cache hits. `search()` shows it on standard error when that is a
 * terminal; `pliant search` shows the same bar (and a line per trial off a terminal).
 */
import { requireOptional } from '../base/optional-dependency.js';
import type * as CliProgress from 'cli-progress';
import type { Measurement } from '../base/measurement.js';
import type { Direction, Trial } from './trial.js';

/** Where progress is written: standard error, or any stream-like object (`isTTY` tells a terminal). */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** A progress display of a search: told each trial that ends, stopped at the end. */
export interface Progress {
  /** Counts a trial that ended (completed, failed, pruned, or served by the cache). */
  trialEnded(trial: Trial): void;
  /** Stops the display (a bar is drawn a last time, then cleared or left, as it was started). */
  stop(): void;
}

/** Where a search stood when its progress started (a resumed study counts from there). */
export interface ProgressStart {
  /** Evaluated trials already in the study (not counting those the cache served). */
  readonly done: number;
  /** The best objective value so far. */
  readonly best?: number | undefined;
}

/**
 * The objective value of a measurement: the number, or in a record the `metric`, else its
 * `objective`, else its only metric; `undefined` when none is.
 */
export function objectiveValue(value: Measurement | undefined, metric?: string): number | undefined {
  if (typeof value === 'number') return value;
  if (value === undefined || value === null || typeof value !== 'object') return undefined;
  const keys = Object.keys(value);
  const key = metric ?? ('objective' in value ? 'objective' : keys.length === 1 ? keys[0] : undefined);
  const v = key === undefined ? undefined : value[key];
  return typeof v === 'number' ? v : undefined;
}

/**
 * Whether to draw a progress bar on `stream`: `true` forces it, `false` never; by default only
 * when `stream` is a terminal, `CI` is unset (or empty) and `TERM` is not `dumb`, so a pipe, a
 * file or a CI log never receives one.
 *
 * @param stream - Where the bar would be drawn.
 * @param option - The `progress` option (`undefined`: decide from the stream and environment).
 * @param env - The environment (default `process.env`).
 */
export function progressWanted(stream: ProgressStream, option?: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  if (option !== undefined) return option;
  return stream.isTTY === true && (env.CI === undefined || env.CI === '') && env.TERM !== 'dumb';
}

/** Up to 4 significant digits, integers as they are. */
function short(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return String(Number(n.toPrecision(4)));
}

/** @internal The running counts behind a progress display: trials done, cache hits, the best, the rate. */
export class ProgressTally {
  readonly #sign: number;
  readonly #started = Date.now();
  readonly #startedDone: number;
  readonly #metric: string | undefined;
  /** Evaluated trials (a resumed study's included). */
  done: number;
  /** Trials the dedupe cache served. */
  hits = 0;
  /** The best objective value so far (by the direction). */
  best: number | undefined;
  /** The number of the trial that reached {@link best} in this run. */
  bestTrial: number | undefined;

  constructor(direction: Direction | readonly Direction[] | undefined, start: ProgressStart, metric?: string) {
    this.#metric = metric;
    this.#sign = (Array.isArray(direction) ? direction[0] : direction) === 'minimize' ? -1 : 1;
    this.done = start.done;
    this.#startedDone = start.done;
    this.best = start.best;
  }

  /** Counts a trial that ended. */
  add(t: Trial): void {
    if (t.cached) this.hits++;
    else this.done++;
    const v = objectiveValue(t.value, this.#metric);
    if (t.state === 'completed' && v !== undefined && (this.best === undefined || this.#sign * v > this.#sign * this.best)) {
      this.best = v;
      this.bestTrial = t.number;
    }
  }

  /** Evaluated trials a minute in this run. */
  rate(): number {
    return ((this.done - this.#startedDone) * 60_000) / Math.max(1, Date.now() - this.#started);
  }

  /** The best so far as the bar shows it: `0.9703 (#12)`, or `-`. */
  bestText(): string {
    if (this.best === undefined) return '-';
    return this.bestTrial === undefined ? short(this.best) : `${short(this.best)} (#${String(this.bestTrial)})`;
  }
}

/** Options of {@link startProgressBar}. */
export interface ProgressBarOptions {
  /** The study's direction (which value is best; default maximize). */
  readonly direction?: Direction | readonly Direction[] | undefined;
  /** Where a resumed study stands. */
  readonly start?: ProgressStart;
  /** The objective metric, when measurements are records (see {@link objectiveValue}). */
  readonly metric?: string | undefined;
  /** Clear the bar when it stops (default true); false leaves it and ends its line. */
  readonly clear?: boolean;
}

/**
 * Draws a progress bar (cli-progress) on `stream` for a budget of `total` evaluated trials
 * (`undefined`: no budget in trials, the bar shows the count without a total): trials done, the
 * best value and its trial, trials a minute, the ETA and the cache hits. The bar redraws on
 * its own (its timer never keeps the process alive), and is stopped by {@link Progress.stop}.
 * It draws whatever the stream is; decide with {@link progressWanted} first.
 *
 * @param stream - Where to draw (standard error, usually).
 * @param total - The budget in evaluated trials.
 */
export function startProgressBar(stream: ProgressStream, total: number | undefined, options: ProgressBarOptions = {}): Progress {
  const tally = new ProgressTally(options.direction, options.start ?? { done: 0 }, options.metric);
  const startedDone = tally.done;
  const { SingleBar, Presets, Format } = requireOptional<typeof CliProgress>('cli-progress', 'search', 'npm install cli-progress@3');
  // cli-progress redraws on a timer; an unreferenced one, so that a bar never keeps the event loop
  // alive (search notices an objective that awaits forever by the loop emptying).
  class Bar extends SingleBar {
    override render(): void {
      super.render();
      (this as unknown as { timer?: { unref?: () => void } | null }).timer?.unref?.();
    }
    /** Draws the bar again even if its text did not change (after a line was printed over it). */
    redraw(): void {
      (this as unknown as { lastDrawnString: string }).lastDrawnString = '';
      this.render();
    }
  }
  const bounded = total !== undefined && Number.isFinite(total);
  const bar = new Bar(
    {
      format: bounded
        ? '{bar} {value}/{total} trials | best {best} | {rate}/min | ETA {eta_formatted} | cache hits {hits}'
        : '{value} trials | best {best} | {rate}/min | cache hits {hits}',
      stream: stream as unknown as NodeJS.WritableStream,
      hideCursor: true,
      etaBuffer: 20,
      noTTYOutput: stream.isTTY !== true,
      clearOnComplete: options.clear ?? true,
      gracefulExit: false,
      etaAsynchronousUpdate: true,
      // Before a trial has ended there is no rate: no ETA (cli-progress would say `0s` or `INF`).
      formatTime: (t, options, round) => (typeof t === 'number' && Number.isFinite(t) && tally.done > startedDone ? Format.TimeFormat(t, options, round) : '-'),
    },
    Presets.shades_classic,
  );
  const value = (): number => (bounded ? Math.min(tally.done, total) : tally.done);
  bar.start(bounded ? total : 0, value(), { best: tally.bestText(), rate: '0', hits: tally.hits });
  let stopped = false;
  const release = holdStdout(stream, bar);
  return {
    trialEnded(t) {
      tally.add(t);
      if (stopped) return;
      bar.update(value(), { best: tally.bestText(), rate: short(tally.rate()), hits: tally.hits });
    },
    stop() {
      if (stopped) return;
      stopped = true;
      release();
      bar.stop();
    },
  };
}

/**
 * While a bar is drawn on a terminal, lines that the program prints on standard output (when
 * that is the same kind of terminal: a trial's log, say) go above the bar: its line is cleared
 * first and the bar is drawn again after. Returns what puts `process.stdout.write` back.
 */
function holdStdout(stream: ProgressStream, bar: { redraw(): void }): () => void {
  const stdout = process.stdout as NodeJS.WriteStream | undefined;
  if (stream.isTTY !== true || stdout?.isTTY !== true || (stream as unknown) === stdout) return () => undefined;
  const original = stdout.write;
  const held = function (this: NodeJS.WriteStream, ...args: Parameters<NodeJS.WriteStream['write']>): boolean {
    stream.write('\r\u001b[2K');
    const written = original.apply(this, args);
    bar.redraw();
    return written;
  } as NodeJS.WriteStream['write'];
  stdout.write = held;
  return () => {
    // Put back only what this bar put there (someone may have wrapped it since).
    if (stdout.write === held) stdout.write = original;
  };
}
