/**
 * @internal Layers TensorFlow.js lacks that search spaces need: `identity` (passes its input
 * through) and `zero` (outputs zeros of its input's shape: the "none" op of cell search spaces).
 * Their classes are made once per TensorFlow.js module and registered for serialisation.
 */
import type { TfModule } from './load-tf.js';
import type { TfLayer } from './seeds.js';
import type * as Tfjs from '@tensorflow/tfjs';

interface CustomLayerClasses {
  readonly identity: (config: Record<string, unknown>) => TfLayer;
  readonly zero: (config: Record<string, unknown>) => TfLayer;
}

const classes = new WeakMap<object, CustomLayerClasses>();

/** The constructors of pliant's own layers for this TensorFlow.js module. */
export function customLayers(tf: TfModule): CustomLayerClasses {
  let found = classes.get(tf);
  if (found !== undefined) return found;
  const Layer = tf.layers.Layer as unknown as new (config: Record<string, unknown>) => TfLayer;
  const first = (inputs: Tfjs.Tensor | Tfjs.Tensor[]): Tfjs.Tensor => (Array.isArray(inputs) ? (inputs[0] as Tfjs.Tensor) : inputs);
  /** A shape-preserving layer computing `f` of its (first) input, registered under `className`. */
  const shapePreserving = (className: string, f: (x: Tfjs.Tensor) => Tfjs.Tensor): ((config: Record<string, unknown>) => TfLayer) => {
    const Made = class extends Layer {
      static className = className;
      override computeOutputShape(shape: Tfjs.Shape | Tfjs.Shape[]): Tfjs.Shape | Tfjs.Shape[] {
        return shape;
      }
      override call(inputs: Tfjs.Tensor | Tfjs.Tensor[]): Tfjs.Tensor {
        return f(first(inputs));
      }
    };
    tf.serialization.registerClass(Made as unknown as Tfjs.serialization.SerializableConstructor<Tfjs.serialization.Serializable>);
    return (config) => new Made(config);
  };
  found = { identity: shapePreserving('PliantIdentity', (x) => tf.clone(x)), zero: shapePreserving('PliantZero', (x) => tf.zerosLike(x)) };
  classes.set(tf, found);
  return found;
}
