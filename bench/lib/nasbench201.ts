/** The NAS-Bench-201 12-epoch table of ../shared/data (PROBLEMS.md §4), read at bench time. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export interface NasBench201 {
  readonly ops: readonly string[];
  /** cifar10-val and cifar10-test accuracy by the cell's op indices (base-5 number, edge 0 most significant). */
  readonly val: Float64Array;
  readonly test: Float64Array;
  /** The key of the best-validation cell. */
  readonly bestKey: number;
  readonly bestVal: number;
}

/** Cell key of six op indices. */
export function cellKey(ops: readonly number[]): number {
  return ops.reduce((k, o) => k * 5 + o, 0);
}

export function loadNasBench201(): NasBench201 {
  const here = dirname(fileURLToPath(import.meta.url));
  const file = join(here, '..', '..', '..', 'shared', 'data', 'nasbench201-12ep.json.gz');
  const table = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as {
    encoding: { ops: string[] };
    columns: string[];
    rows: unknown[][];
  };
  const col = (name: string): number => table.columns.indexOf(name);
  const [opsCol, valCol, testCol] = [col('ops'), col('cifar10-val'), col('cifar10-test')];
  const val = new Float64Array(5 ** 6).fill(Number.NaN);
  const test = new Float64Array(5 ** 6).fill(Number.NaN);
  let bestKey = -1;
  let bestVal = -Infinity;
  for (const row of table.rows) {
    const key = cellKey(row[opsCol] as number[]);
    val[key] = row[valCol] as number;
    test[key] = row[testCol] as number;
    if ((row[valCol] as number) > bestVal) {
      bestVal = row[valCol] as number;
      bestKey = key;
    }
  }
  return { ops: table.encoding.ops, val, test, bestKey, bestVal };
}
