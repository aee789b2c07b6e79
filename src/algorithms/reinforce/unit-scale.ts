/**
 * @internal The map between a numeric decision's value and the unit interval its Gaussian policy
 * lives on: linear, log, or reverse-log (`rlog`, dense near `max`), as the decision's scale says.
 */
import type { FloatDecision, IntDecision } from '../../geno/dna-spec.js';

/** @internal A numeric decision's value ↔ [0, 1] (on the decision's scale). */
export class UnitScale {
  readonly #warp: (v: number) => number;
  readonly #unwarp: (u: number) => number;
  readonly #lo: number;
  readonly #width: number;
  /** The decision's bounds. */
  readonly min: number;
  readonly max: number;
  /** Whether values are integers (rounded when mapped back). */
  readonly integer: boolean;

  /**
   * An integer's unit interval spans [min − ½, max + ½], so each integer owns an equal slice of
   * it (on the log scale, as `randomInt` does).
   */
  constructor(d: FloatDecision | IntDecision) {
    this.min = d.min;
    this.max = d.max;
    this.integer = d.kind === 'int';
    const pad = this.integer ? 0.5 : 0;
    const mirror = d.min + d.max;
    if (d.scale === 'log') {
      this.#warp = Math.log;
      this.#unwarp = Math.exp;
    } else if (d.scale === 'rlog') {
      this.#warp = (v) => -Math.log(mirror - v);
      this.#unwarp = (u) => mirror - Math.exp(-u);
    } else {
      this.#warp = (v) => v;
      this.#unwarp = (u) => u;
    }
    this.#lo = this.#warp(d.min - pad);
    this.#width = this.#warp(d.max + pad) - this.#lo;
  }

  /** Whether the decision has a single value (nothing to learn). */
  get degenerate(): boolean {
    return this.min === this.max;
  }

  /** The position of `value` in [0, 1]. */
  toUnit(value: number): number {
    if (this.degenerate) return 0.5;
    return Math.min(1, Math.max(0, (this.#warp(value) - this.#lo) / this.#width));
  }

  /** The value at `unit` (clipped to [0, 1] first), inside [min, max], rounded for integers. */
  fromUnit(unit: number): number {
    if (this.degenerate) return this.min;
    const u = Math.min(1, Math.max(0, unit));
    let v = this.#unwarp(this.#lo + u * this.#width);
    if (this.integer) v = Math.round(v);
    return Math.min(this.max, Math.max(this.min, v));
  }
}
