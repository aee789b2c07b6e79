import { seededRng } from '../base/rng.js';
import type { BuildContext } from '../symbolic/build.js';
import type { TfModule } from './load-tf.js';
import type * as Tfjs from '@tensorflow/tfjs';

/** A TensorFlow.js layer. */
export type TfLayer = Tfjs.layers.Layer;

/** Where a layer's initialisers read their seed. */
export interface SeedSlot {
  /** The seed set by `sequential` / `graph` before the layer is applied. */
  seed: number | undefined;
  /** How many weights have drawn from this slot. */
  drawn: number;
  /** The build's fallback stream, for layers applied by hand. */
  readonly fallback: () => number;
}

/** What the symbolic layers record about each real layer they made. */
export interface LayerInfo {
  /** The symbolic type's name (`tf.layers.dense`). */
  readonly type: string;
  /** A hash of the layer's configuration. */
  readonly config: string;
  /** Whether the layer has no weights. */
  readonly weightless: boolean;
  /** Whether the layer passes its (single) input through unchanged at inference and in training (dropout 0, identity, linear activation). */
  readonly identity: boolean;
  /** Whether the layer merges its inputs order-free (add, multiply, average, maximum, minimum). */
  readonly commutative: boolean;
  /** Whether the layer is the zero op (`layers.zero`). */
  readonly zero: boolean;
  /** The seed slot of its initialisers. */
  readonly slot: SeedSlot;
}

/** The info of each layer made by a symbolic layer's build. */
export const LAYER_INFO = new WeakMap<object, LayerInfo>();

/** A positive 31-bit seed from any parts (never 0: TensorFlow.js takes a seed of 0 as no seed). */
export function deriveSeed(...parts: readonly (string | number)[]): number {
  return 1 + Math.floor(seededRng(parts.join('\u0000'))() * 2147483646);
}

const COUNTER = Symbol('pliant.tf.weightCounter');

/** A new seed slot whose fallback draws from the build's counter. */
export function seedSlot(context: BuildContext | undefined): SeedSlot {
  const scratch = context?.scratch;
  const seed = context?.seed ?? 0;
  return {
    seed: undefined,
    drawn: 0,
    fallback: () => {
      const n = ((scratch?.get(COUNTER) as number | undefined) ?? 0) + 1;
      scratch?.set(COUNTER, n);
      return deriveSeed(seed, 'counter', n);
    },
  };
}

/** A TensorFlow.js initialiser (its base class is not exported by name). */
type Initializer = ReturnType<TfModule['initializers']['glorotUniform']>;
type InitializerClass = new () => Initializer;
const seededClasses = new WeakMap<object, (base: string, slot: SeedSlot) => Initializer>();

/** @internal Initialisers that take a seed (the others are deterministic and used as they are). */
export const RANDOM_INITIALIZERS = new Set([
  'glorotNormal',
  'glorotUniform',
  'heNormal',
  'heUniform',
  'leCunNormal',
  'leCunUniform',
  'orthogonal',
  'randomNormal',
  'randomUniform',
  'truncatedNormal',
  'varianceScaling',
]);

/**
 * An initialiser that draws `base` (an initialiser name such as `glorotUniform`) with the seed of
 * `slot` when weights are made; a deterministic `base` (`zeros`, `ones`) is returned as it is.
 */
export function seededInitializer(tf: TfModule, base: string, slot: SeedSlot): Initializer | string {
  if (!RANDOM_INITIALIZERS.has(base)) return base;
  let make = seededClasses.get(tf);
  if (make === undefined) {
    // TensorFlow.js does not export its Initializer base class; reach it through a subclass.
    const Base = Object.getPrototypeOf(Object.getPrototypeOf(tf.initializers.zeros())).constructor as InitializerClass;
    const inits = tf.initializers as unknown as Record<string, (a: { seed: number }) => Initializer>;
    class PliantSeeded extends Base {
      static className = 'PliantSeeded';
      readonly base: string;
      readonly slot: SeedSlot;
      constructor(b: string, s: SeedSlot) {
        super();
        this.base = b;
        this.slot = s;
      }
      override apply(shape: number[], dtype?: Tfjs.DataType): Tfjs.Tensor {
        const slot = this.slot;
        const seed = slot.seed === undefined ? slot.fallback() : deriveSeed(slot.seed, slot.drawn);
        slot.drawn += 1;
        const factory = inits[this.base] as (a: { seed: number }) => Initializer;
        return factory({ seed }).apply(shape, dtype);
      }
      override getConfig(): Tfjs.serialization.ConfigDict {
        return { base: this.base };
      }
    }
    make = (b, s) => new PliantSeeded(b, s);
    seededClasses.set(tf, make);
  }
  return make(base, slot);
}

/**
 * Gives each layer of a model, in the order they are applied, the seed of its content key, and
 * returns the key of its output: a weightless single-input layer passes its input's key through;
 * a commutative merge sorts its inputs' keys; identical layers on identical inputs are told apart
 * by their order of occurrence.
 */
export class SeedAssigner {
  readonly #seed: number;
  readonly #occurrences = new Map<string, number>();
  readonly #weightless: string[] = [];
  #raw = 0;

  constructor(seed: number) {
    this.#seed = seed;
  }

  /** Sets `layer`'s seed from its inputs' keys; returns its output's key. */
  assign(layer: object, inputKeys: readonly string[]): string {
    const info = LAYER_INFO.get(layer);
    if (info === undefined) return `raw:${++this.#raw}`;
    const keys = info.commutative ? [...inputKeys].sort() : [...inputKeys];
    if (info.weightless && !info.identity) this.#weightless.push(`${keys.join(',')}>${info.config}`);
    if (info.weightless && keys.length === 1) {
      info.slot.seed = deriveSeed(this.#seed, keys[0] as string);
      return keys[0] as string;
    }
    const key = String(deriveSeed(info.config, ...keys));
    const occurrence = this.#occurrences.get(key) ?? 0;
    this.#occurrences.set(key, occurrence + 1);
    info.slot.seed = deriveSeed(this.#seed, key, occurrence);
    info.slot.drawn = 0;
    return `${key}#${occurrence}`;
  }

  /**
   * The weightless layers (other than pass-throughs) with their places in the model, sorted: what
   * a model probe at inference cannot see of them (a dropout's rate) is told by this.
   */
  signature(): string {
    return [...this.#weightless].sort().join('|');
  }
}

/** The {@link SeedAssigner.signature} of each model built by `sequential` / `graph`. */
export const MODEL_SIGNATURE = new WeakMap<object, string>();
