/**
 * @internal The two things a supernet walk computes: shapes (the build pass sizing every shared
 * weight slot to the largest use, and the slices one sub-network takes) and tensors (the forward
 * pass on slices of the slots, choices mixed by their weights).
 */
import { PliantError } from '../base/errors.js';
import type { TfModule } from './load-tf.js';
import { layoutKey, padChannels, shapeOf } from './supernet-ops.js';
import type { Env, Flow, OpDef, Shape, Slot, SlotNeed } from './supernet-ops.js';
import type { Domain, LayerAlt } from './supernet-walk.js';
import type * as Tfjs from '@tensorflow/tfjs';

const API = 'supernet';

/** The shapes a flow may have: one per layout (spatial shape, flattened or not), with the most channels. */
export type ShapeSet = ReadonlyMap<string, Shape>;

function addShape(set: Map<string, Shape>, s: Shape): void {
  const key = layoutKey(s);
  const old = set.get(key);
  if (old === undefined || old.c < s.c) set.set(key, s);
}

function combinations(sets: readonly ShapeSet[]): Shape[][] {
  let out: Shape[][] = [[]];
  for (const set of sets) out = out.flatMap((prefix) => [...set.values()].map((s) => [...prefix, s]));
  return out;
}

/** One weighted layer of a sub-network: its slot and the input it sees. */
export interface SlotUse {
  /** The layer occurrence's key (its name in the sub-network is given by this key). */
  readonly key: string;
  readonly slotKey: string;
  readonly type: string;
  readonly args: Readonly<Record<string, unknown>>;
  readonly input: Shape;
}

/** Shapes: sizes the slots (every branch) or lists one sub-network's slot uses (a DNA). */
export class ShapeDomain implements Domain<ShapeSet, never> {
  /** The slots needed, by slot key (insertion order: the order met). */
  readonly needs = new Map<string, SlotNeed>();
  /** Every weighted layer applied, in order. */
  readonly uses: SlotUse[] = [];

  layer(type: string, op: OpDef, alts: readonly LayerAlt<never>[], inputs: readonly ShapeSet[], key: string, path: string): ShapeSet {
    const out = new Map<string, Shape>();
    const combos = op.merge === true ? combinations(inputs) : [...(inputs[0] as ShapeSet).values()].map((s) => [s]);
    for (const alt of alts) {
      for (const ins of combos) {
        addShape(out, op.shape(alt.args, ins, path));
        if (op.need === undefined) continue;
        const need = op.need(alt.args, ins, path);
        const slotKey = key + need.suffix;
        this.uses.push({ key, slotKey, type, args: alt.args, input: ins[0] as Shape });
        const old = this.needs.get(slotKey);
        if (old === undefined) this.needs.set(slotKey, need);
        else {
          if (old.kind !== need.kind)
            throw new PliantError(API, 'argument', `two layer types (${old.kind}, ${need.kind}) would share one weight slot`, { path });
          this.needs.set(slotKey, {
            ...old,
            dims: old.dims.map((d, i) => Math.max(d, need.dims[i] as number)),
            bias: old.bias || need.bias,
            center: old.center || need.center,
            scale: old.scale || need.scale,
          });
        }
      }
    }
    return out;
  }

  merge(branches: readonly { readonly flow: ShapeSet }[]): ShapeSet {
    const out = new Map<string, Shape>();
    for (const b of branches) for (const s of b.flow.values()) addShape(out, s);
    return out;
  }

  declared(shape: readonly number[]): ShapeSet {
    const s: Shape = { spatial: shape.slice(0, -1), c: shape[shape.length - 1] as number, flat: false };
    return new Map([[layoutKey(s), s]]);
  }
}

/** Tensors: the forward pass. */
export class TensorDomain implements Domain<Flow, Tfjs.Tensor> {
  readonly #env: Env;
  readonly #slots: ReadonlyMap<string, Slot>;

  constructor(env: Env, slots: ReadonlyMap<string, Slot>) {
    this.#env = env;
    this.#slots = slots;
  }

  layer(_type: string, op: OpDef, alts: readonly LayerAlt<Tfjs.Tensor>[], inputs: readonly Flow[], key: string, path: string): Flow {
    const branches = alts.map((alt) => {
      let slot: Slot | undefined;
      if (op.need !== undefined) {
        const slotKey = key + op.need(alt.args, inputs.map(shapeOf), path).suffix;
        slot = this.#slots.get(slotKey);
        if (slot === undefined)
          throw new PliantError(API, 'argument', `no shared weights for this layer at this input (${slotKey}): the input shape differs from the space's`, {
            path,
          });
      }
      return { flow: op.forward(this.#env, alt.args, inputs, slot), weight: alt.weight };
    });
    return branches.length === 1 && branches[0]?.weight === undefined ? (branches[0]?.flow as Flow) : this.merge(branches, path);
  }

  merge(branches: readonly { readonly flow: Flow; readonly weight: Tfjs.Tensor | undefined }[], path: string): Flow {
    const tf: TfModule = this.#env.tf;
    const shapes = branches.map((b) => shapeOf(b.flow));
    const first = shapes[0] as Shape;
    for (const s of shapes) {
      if (layoutKey(s) !== layoutKey(first)) {
        throw new PliantError(
          API,
          'argument',
          `the branches of a mixed choice have different shapes (${shapes.map(layoutKey).join(', ')}) and cannot be summed`,
          { path },
        );
      }
    }
    const c = Math.max(...shapes.map((s) => s.c));
    const terms = branches.map((b) => {
      const t = padChannels(tf, b.flow, c).t;
      return b.weight === undefined ? t : tf.mul(t, b.weight);
    });
    return { t: terms.length === 1 ? (terms[0] as Tfjs.Tensor) : tf.addN(terms), flatFrom: branches[0]?.flow.flatFrom };
  }

  declared(_shape: readonly number[], path: string): Flow {
    throw new PliantError(API, 'argument', 'no input reaches this layer', { path });
  }
}
