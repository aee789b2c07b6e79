/**
 * An ordinary TensorFlow.js model file, as it was before pliant: a small network for the iris
 * flowers, its optimizer and its training call, every choice a literal in the code.
 * `pliant annotate` turns this file into a search space and `pliant apply` writes the best
 * values found back into it (see search.ts).
 */
import * as tf from '@tensorflow/tfjs';

const LEARNING_RATE = 0.01;

export function createModel(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [4], units: 8, activation: 'tanh' }));
  model.add(tf.layers.dropout({ rate: 0.1 }));
  model.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(LEARNING_RATE), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** Trains on `x` and one-hot `y`, holding out the last 20%; returns the final validation accuracy. */
export async function trainModel(model: tf.LayersModel, x: number[][], y: number[][], epochs = 20): Promise<number> {
  const xs = tf.tensor2d(x);
  const ys = tf.tensor2d(y);
  try {
    const history = await model.fit(xs, ys, { epochs, batchSize: 32, validationSplit: 0.2, verbose: 0 });
    const accuracy = history.history.val_acc ?? history.history.val_accuracy ?? [];
    return Number(accuracy[accuracy.length - 1]);
  } finally {
    xs.dispose();
    ys.dispose();
  }
}
