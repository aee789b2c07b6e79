/**
 * What a TensorFlow.js user has before pliant: an ordinary model file. A small CNN for 28 × 28
 * grey digits, its optimizer and batch size, written with plain `@tensorflow/tfjs`. The search in
 * `search.ts` turns every choice made here (how many conv blocks, their filters, kernel sizes and
 * pooling, batch normalization, the dense head's width and dropout, the optimizer, the learning
 * rate, the batch size) into a decision: that space is `cnnSpace()` of `pliant/spaces/cnn`, and
 * this model is one of its points (`search.ts --baseline` trains it for comparison).
 */
import * as tf from '@tensorflow/tfjs';

/** The hand-written architecture: two conv blocks (32 and 64 filters, 3 × 3, max pooling), a 128-unit head. */
export function createModel(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 128, activation: 'relu' }),
      tf.layers.dropout({ rate: 0.25 }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

/** Compiles the model with the hand-picked optimizer: adam at 0.001. */
export function compileModel(model: tf.LayersModel): void {
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
}

/** The hand-picked batch size. */
export const BATCH_SIZE = 64;

/** The hand-picked number of epochs. */
export const EPOCHS = 8;
