/**
 * Checks of option records: a misspelt option name is an error that names the closest known one,
 * instead of being ignored (`numTrails` would otherwise run a search without a budget).
 */
import { PliantError } from './errors.js';

/**
 * The known name closest to `name` (by edit distance, case-insensitively; a transposition counts
 * as one edit), when it is close enough to be a likely misspelling; otherwise `undefined`.
 *
 * @param name - The unknown name.
 * @param known - The names it may have meant.
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = name.toLowerCase();
  for (const candidate of known) {
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best === undefined) return undefined;
  // Close enough: at most a third of the longer name (at least 1, at most 3 edits).
  const allowed = Math.min(3, Math.max(1, Math.floor(Math.max(name.length, best.length) / 3)));
  return bestDistance <= allowed ? best : undefined;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions. */
function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((d[(i - 1) * cols + j] as number) + 1, (d[i * cols + j - 1] as number) + 1, (d[(i - 1) * cols + j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, (d[(i - 2) * cols + j - 2] as number) + 1);
      d[i * cols + j] = v;
    }
  }
  return d[rows * cols - 1] as number;
}

/**
 * Checks that `options` is a plain object (or `undefined`) whose keys are all among `known`; an
 * unknown key is a `PliantError` (`argument`) from `api` naming it and the closest known name:
 * `search: unknown option 'numTrails' (did you mean 'numTrials'?)`. Keys whose value is
 * `undefined` are checked too (a misspelt name is a mistake whatever its value).
 *
 * @param api - The public function to name in the error.
 * @param options - The options given.
 * @param known - Every option name the function takes.
 */
export function checkOptions(api: string, options: unknown, known: readonly string[]): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new PliantError(
      api,
      'argument',
      `options must be an object, found ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}`,
    );
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const near = closestName(key, known);
    const hint =
      near === undefined ? ` (${api} takes ${known.length === 0 ? 'no options' : known.map((k) => `'${k}'`).join(', ')})` : ` (did you mean '${near}'?)`;
    throw new PliantError(api, 'argument', `unknown option '${key}'${hint}`);
  }
}
