/**
 * @internal The REINFORCE controller's policy over a DNA spec: a softmax over logits for every
 * choice, a Gaussian (mean and log standard deviation, on the unit interval of the decision's
 * scale) for every float and integer, and the definition's own `random` / `first` for custom
 * decisions. Parameters live in one flat array, one block per decision id.
 */
import { PliantError } from '../../base/errors.js';
import type { Rng } from '../../base/rng.js';
import { DNA } from '../../geno/dna.js';
import { candidateElements, childrenOf, elementDNAs, joinSpace } from '../../geno/dna-spec.js';
import type { ChoiceDecision, DNASpec, DecisionPoint, SpaceSpec } from '../../geno/dna-spec.js';
import { UnitScale } from './unit-scale.js';

/** The smallest and largest standard deviation of a numeric policy (on the unit interval). */
const MIN_STD = 0.01;
const MAX_STD = 1;

/** Where a decision's parameters are. */
type Block =
  | { readonly kind: 'choice'; readonly offset: number; readonly n: number }
  | { readonly kind: 'numeric'; readonly offset: number; readonly scale: UnitScale }
  | { readonly kind: 'custom' };

/** @internal The policy's parameters, their accumulated gradient, and how to sample and score a DNA. */
export class Policy {
  /** The logits, and the (mean, log std) pairs, of every decision id. */
  readonly params: Float64Array;
  /** The gradient accumulated since the last step. */
  readonly grad: Float64Array;
  /** Which entries of `grad` were written since the last step. */
  readonly touched: Uint8Array;
  readonly #spec: DNASpec;
  readonly #blocks = new Map<string, Block>();

  /**
   * @param spec - The space's spec.
   * @param initialStd - The initial standard deviation of the numeric policies (unit interval).
   */
  constructor(spec: DNASpec, initialStd: number) {
    this.#spec = spec;
    let size = 0;
    const numeric: number[] = [];
    for (const [id, d] of spec.byId) {
      if (d.kind === 'choice') {
        this.#blocks.set(id, { kind: 'choice', offset: size, n: d.candidates.length });
        size += d.candidates.length;
      } else if (d.kind === 'custom') {
        this.#blocks.set(id, { kind: 'custom' });
      } else {
        this.#blocks.set(id, { kind: 'numeric', offset: size, scale: new UnitScale(d) });
        numeric.push(size);
        size += 2;
      }
    }
    this.params = new Float64Array(size);
    this.grad = new Float64Array(size);
    this.touched = new Uint8Array(size);
    for (const offset of numeric) {
      this.params[offset] = 0.5;
      this.params[offset + 1] = Math.log(initialStd);
    }
  }

  /** The block of a decision. */
  #block(d: DecisionPoint): Block {
    return this.#blocks.get(d.id) as Block;
  }

  /** A DNA drawn from the policy: each decision present drawn from its distribution. */
  sample(rng: Rng): DNA {
    return joinSpace(this.#spec.root, this.#sampleSpace(this.#spec.root, rng));
  }

  /** The most likely DNA: every choice at its argmax (picks in turn), every number at its mean. */
  mostLikely(): DNA {
    return joinSpace(this.#spec.root, this.#argmaxSpace(this.#spec.root));
  }

  /** The current softmax of a choice decision (over all its candidates). */
  probabilities(id: string, api: string): number[] {
    const block = this.#blocks.get(id);
    if (block === undefined) {
      throw new PliantError(api, 'argument', `no decision '${id}' in the search space (ids: ${this.#spec.decisionIds.join(', ')})`);
    }
    if (block.kind !== 'choice') throw new PliantError(api, 'argument', `decision '${id}' is not a choice (oneOf, manyOf, permutate): it has no probabilities`);
    const all = new Uint8Array(block.n).fill(1);
    return Array.from(this.#softmax(block, all));
  }

  /** The mean and standard deviation of a numeric decision's Gaussian, on its unit interval. */
  gaussian(offset: number): { mean: number; std: number } {
    return { mean: this.params[offset] as number, std: Math.exp(this.params[offset + 1] as number) };
  }

  /**
   * Adds the gradient of `advantage · log π(dna) + entropyWeight · H` for every decision present
   * in `dna` (a DNA that fits the spec). The numeric parameters get their natural gradient (the
   * plain one scaled by the inverse Fisher information: σ² for the mean, ½ for the log std), so
   * a step on them is in units of the unit interval whatever σ is.
   */
  accumulate(dna: DNA, advantage: number, entropyWeight: number, api: string): void {
    const root = this.#spec.root;
    this.#gradSpace(root, elementDNAs(root, dna, api), advantage, entropyWeight, api);
  }

  /** Keeps the parameters in range after a step, and clears the gradient. */
  settle(): void {
    for (const block of this.#blocks.values()) {
      if (block.kind !== 'numeric') continue;
      const o = block.offset;
      this.params[o] = Math.min(1, Math.max(0, this.params[o] as number));
      this.params[o + 1] = Math.min(Math.log(MAX_STD), Math.max(Math.log(MIN_STD), this.params[o + 1] as number));
    }
    this.grad.fill(0);
    this.touched.fill(0);
  }

  // -------------------------------------------------------------------------------------------

  #sampleSpace(space: SpaceSpec, rng: Rng): DNA[] {
    return space.elements.map((d) => this.#sampleDecision(d, rng));
  }

  #sampleDecision(d: DecisionPoint, rng: Rng): DNA {
    if (d.kind === 'custom') return new DNA(d.definition.random(rng, d.hyper));
    const block = this.#block(d);
    if (block.kind === 'numeric') {
      const { scale, offset } = block;
      if (scale.degenerate) return new DNA(scale.min, undefined, d.kind === 'float');
      const { mean, std } = this.gaussian(offset);
      return new DNA(scale.fromUnit(mean + std * normal(rng)), undefined, d.kind === 'float');
    }
    const choice = d as ChoiceDecision;
    const taken: number[] = [];
    for (let j = 0; j < choice.k; j++) {
      const p = this.#softmax(block as Extract<Block, { kind: 'choice' }>, allowedAt(choice, j, taken));
      taken.push(draw(p, rng));
    }
    return this.#picks(choice, taken, (cand) => this.#sampleSpace(cand, rng));
  }

  #argmaxSpace(space: SpaceSpec): DNA[] {
    return space.elements.map((d) => this.#argmaxDecision(d));
  }

  #argmaxDecision(d: DecisionPoint): DNA {
    if (d.kind === 'custom') return new DNA(d.definition.first(d.hyper));
    const block = this.#block(d);
    if (block.kind === 'numeric') return new DNA(block.scale.fromUnit(this.params[block.offset] as number), undefined, d.kind === 'float');
    const choice = d as ChoiceDecision;
    const taken: number[] = [];
    for (let j = 0; j < choice.k; j++) {
      const p = this.#softmax(block as Extract<Block, { kind: 'choice' }>, allowedAt(choice, j, taken));
      let best = -1;
      for (let i = 0; i < p.length; i++) if ((p[i] as number) > 0 && (best < 0 || (p[i] as number) > (p[best] as number))) best = i;
      taken.push(best);
    }
    return this.#picks(choice, taken, (cand) => this.#argmaxSpace(cand));
  }

  /** The DNA of a choice's picks, each candidate's sub-space filled by `fill`. */
  #picks(d: ChoiceDecision, indices: readonly number[], fill: (cand: SpaceSpec) => DNA[]): DNA {
    const picks = indices.map((index, j) => {
      const cand = (d.picks[j] as readonly SpaceSpec[])[index] as SpaceSpec;
      return new DNA(index, childrenOf(cand, fill(cand)));
    });
    return d.k === 1 ? (picks[0] as DNA) : new DNA(undefined, picks);
  }

  /** The softmax of a choice's logits over the allowed candidates (0 elsewhere). */
  #softmax(block: Extract<Block, { kind: 'choice' }>, allowed: Uint8Array): Float64Array {
    const { offset, n } = block;
    const p = new Float64Array(n);
    let top = -Infinity;
    for (let i = 0; i < n; i++) if (allowed[i] === 1) top = Math.max(top, this.params[offset + i] as number);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      if (allowed[i] !== 1) continue;
      const e = Math.exp((this.params[offset + i] as number) - top);
      p[i] = e;
      sum += e;
    }
    for (let i = 0; i < n; i++) p[i] = (p[i] as number) / sum;
    return p;
  }

  #gradSpace(space: SpaceSpec, elems: readonly DNA[], advantage: number, entropyWeight: number, api: string): void {
    for (let i = 0; i < space.elements.length; i++) this.#gradDecision(space.elements[i] as DecisionPoint, elems[i] as DNA, advantage, entropyWeight, api);
  }

  #gradDecision(d: DecisionPoint, dna: DNA, advantage: number, entropyWeight: number, api: string): void {
    if (d.kind === 'custom') return;
    const block = this.#block(d);
    const { grad, touched } = this;
    if (block.kind === 'numeric') {
      if (block.scale.degenerate) return;
      const o = block.offset;
      const { mean, std } = this.gaussian(o);
      const diff = block.scale.toUnit(dna.value as number) - mean;
      const z = diff / std;
      // natural gradients of log N(x; μ, σ): (x − μ) for μ, (z² − 1)/2 for log σ; entropy: ½ for log σ
      grad[o] = (grad[o] as number) + advantage * diff;
      grad[o + 1] = (grad[o + 1] as number) + (advantage * (z * z - 1)) / 2 + entropyWeight / 2;
      touched[o] = 1;
      touched[o + 1] = 1;
      return;
    }
    const choice = d as ChoiceDecision;
    const { offset, n } = block as Extract<Block, { kind: 'choice' }>;
    const picks = choice.k === 1 ? [dna] : dna.children;
    const taken: number[] = [];
    for (let j = 0; j < choice.k; j++) {
      const pick = picks[j] as DNA;
      const index = pick.value as number;
      const allowed = allowedAt(choice, j, taken);
      const p = this.#softmax(block as Extract<Block, { kind: 'choice' }>, allowed);
      let entropy = 0;
      for (let i = 0; i < n; i++) if ((p[i] as number) > 0) entropy -= (p[i] as number) * Math.log(p[i] as number);
      for (let i = 0; i < n; i++) {
        if (allowed[i] !== 1) continue;
        const pi = p[i] as number;
        const logit = advantage * ((i === index ? 1 : 0) - pi) - (pi > 0 ? entropyWeight * pi * (Math.log(pi) + entropy) : 0);
        grad[offset + i] = (grad[offset + i] as number) + logit;
        touched[offset + i] = 1;
      }
      taken.push(index);
      const cand = (choice.picks[j] as readonly SpaceSpec[])[index] as SpaceSpec;
      this.#gradSpace(cand, candidateElements(cand, pick.children, api, choice, index), advantage, entropyWeight, api);
    }
  }
}

/**
 * Which candidates pick `j` of a choice may take after the picks `taken`: all of them for a
 * plain choice; not one already taken for a distinct one; for a sorted one, none below the last
 * pick (nor equal, when distinct), and, when distinct, none so high that too few candidates are
 * left for the picks after it. So picks drawn in turn always make a valid DNA, and every valid
 * DNA has a positive probability.
 */
function allowedAt(d: ChoiceDecision, j: number, taken: readonly number[]): Uint8Array {
  const n = d.candidates.length;
  const allowed = new Uint8Array(n);
  if (d.sorted) {
    const previous = j === 0 ? 0 : (taken[j - 1] as number) + (d.distinct ? 1 : 0);
    const last = d.distinct ? n - (d.k - j) : n - 1;
    for (let i = previous; i <= last; i++) allowed[i] = 1;
  } else {
    allowed.fill(1);
    if (d.distinct) for (const t of taken) allowed[t] = 0;
  }
  if (!allowed.includes(1))
    throw new PliantError('reinforce', 'argument', `decision '${d.id}' has no candidate left for pick ${j} (k ${d.k}, ${n} candidates)`);
  return allowed;
}

/** An index drawn from the probabilities `p`. */
function draw(p: Float64Array, rng: Rng): number {
  const u = rng();
  let acc = 0;
  let last = -1;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] as number;
    if (pi <= 0) continue;
    acc += pi;
    last = i;
    if (u < acc) return i;
  }
  return last;
}

/** A standard normal number (Box–Muller, two uniforms per number). */
function normal(rng: Rng): number {
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
