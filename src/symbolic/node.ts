import type { z } from 'zod';
import { immerable } from 'immer';
import type { KeyPath } from './key-path.js';
import { format } from './format.js';
import { toJSON } from './json.js';
import type { JsonValue } from './json.js';

/**
 * A value that can live in a symbolic tree: a primitive, a frozen array or record of tree values,
 * or a {@link SymbolicNode}. Numbers include NaN, ±Infinity and −0. `undefined` is not a value:
 * a record key set to `undefined` is absent.
 */
export type TreeValue = null | boolean | number | string | SymbolicNode | readonly TreeValue[] | { readonly [key: string]: TreeValue };

/**
 * @internal What a node remembers about itself, kept in private fields of the node (written once
 * each; a frozen object's private fields stay writable) and read and written through these
 * functions, installed by the class: no memo object of its own per node, and hashing a fresh
 * tree allocates nothing per node but its root's text. A copy of a node made by immer (in
 * `rebind`'s recipes) has none of them: {@link NodeMemo.genuine} tells.
 */
export interface NodeMemo {
  /** Whether `node` was made by the node constructor (and not copied by immer). */
  genuine(node: SymbolicNode): boolean;
  /** Whether the node's arguments are exactly its type's declared ones, in order (enables the fast copy). */
  full(node: SymbolicNode): boolean;
  /**
   * The 128-bit digest as four int32 words (`hash.ts`), all 0 until computed; a digest of four
   * zero words, about 2^-128 likely, would simply be computed again on each use.
   */
  d1(node: SymbolicNode): number;
  d2(node: SymbolicNode): number;
  d3(node: SymbolicNode): number;
  d4(node: SymbolicNode): number;
  setDigest(node: SymbolicNode, d1: number, d2: number, d3: number, d4: number): void;
  /** The digest's text, once asked for. */
  hex(node: SymbolicNode): string | undefined;
  setHex(node: SymbolicNode, hex: string): void;
  /** The prepared template of the node as a search space (geno's `prepare`), once made. */
  template(node: SymbolicNode): unknown;
  setTemplate(node: SymbolicNode, template: unknown): void;
}

/** @internal Per-type caches, filled on first use. */
export interface TypeInternals {
  /** Digest of the type's name and declared argument names (the prefix of every node hash). */
  digest: number[] | undefined;
  /** Per-argument validation info. */
  fields: Map<string, unknown>;
  /** Makes a copy of full arguments with one replaced, or `null` where code generation is not allowed. */
  copyWith: ((src: object, key: string, value: unknown) => object) | null | undefined;
  /** Fast validation of the arguments without zod (see validate.ts), `null` where unavailable. */
  check: unknown;
  /** Writes the hash words of full arguments (see hash.ts), `null` where code generation is not allowed. */
  hashArgs: ((args: object) => void) | null | undefined;
}

/**
 * A hook by which a value validates itself against the schema of the field it is placed in,
 * instead of being checked by the schema directly. Hyper values (`oneOf`, `floatv`, ...) use it
 * to be accepted wherever each of their candidates would be. It throws a `PliantError` (naming
 * `path`) when the value is not acceptable.
 */
export type SelfValidator = (node: SymbolicNode, schema: z.ZodType, path: KeyPath, api: string) => void;

/** Everything that defines a symbolic type; see `symbolize`. */
export interface SymbolicTypeDefinition<A, R> {
  /** The registered name, used in JSON (`$type`) and in messages. */
  readonly name: string;
  /** The function or class the type stands for. */
  readonly target: unknown;
  /** Whether `build` calls `target(args)` or `new target(args)`. */
  readonly kind: 'function' | 'class';
  /** Optional zod object schema of the arguments. */
  readonly schema: z.ZodObject | undefined;
  /** Default argument values, filled in at construction. */
  readonly defaults: Readonly<Partial<A>>;
  /** Optional self-validation hook (see {@link SelfValidator}). */
  readonly validateAgainst: SelfValidator | undefined;
  /** Phantom: the type `build` returns. */
  readonly __result?: R;
}

/**
 * A registered symbolic type: what `symbolize` made of a function or a class. Every
 * {@link SymbolicNode} points to its type.
 */
export class SymbolicType<A = Record<string, unknown>, R = unknown> implements SymbolicTypeDefinition<A, R> {
  readonly name: string;
  readonly target: unknown;
  readonly kind: 'function' | 'class';
  readonly schema: z.ZodObject | undefined;
  readonly defaults: Readonly<Partial<A>>;
  readonly validateAgainst: SelfValidator | undefined;
  /** Argument names in declared order: the schema's fields, then the defaults' keys. */
  readonly declaredKeys: readonly string[];
  /** Whether argument names outside `declaredKeys` are rejected (a schema without catchall). */
  readonly closed: boolean;
  /** @internal Position of each declared key, for ordering arguments. */
  readonly keyRank: ReadonlyMap<string, number>;
  /** @internal The schema's object-level checks make per-field validation unsound. */
  readonly hasObjectChecks: boolean;
  /** @internal Caches computed on first use (hash prefix, per-field validation info). */
  readonly internal: TypeInternals;

  constructor(def: Omit<SymbolicTypeDefinition<A, R>, '__result'>) {
    this.name = def.name;
    this.target = def.target;
    this.kind = def.kind;
    this.schema = def.schema;
    this.defaults = Object.freeze({ ...def.defaults });
    this.validateAgainst = def.validateAgainst;
    const declared: string[] = [];
    if (def.schema !== undefined) declared.push(...Object.keys(def.schema.shape));
    for (const k of Object.keys(def.defaults)) if (!declared.includes(k)) declared.push(k);
    this.declaredKeys = Object.freeze(declared);
    this.keyRank = new Map(declared.map((k, i) => [k, i]));
    const zdef = def.schema?._zod.def as { catchall?: unknown; checks?: readonly unknown[] } | undefined;
    this.closed = def.schema !== undefined && zdef?.catchall === undefined;
    this.hasObjectChecks = (zdef?.checks?.length ?? 0) > 0;
    this.internal = { digest: undefined, fields: new Map(), copyWith: undefined, check: undefined, hashArgs: undefined };
    Object.freeze(this);
  }

  /** The type's name. */
  toString(): string {
    return this.name;
  }
}

/** @internal A node's memo (see {@link NodeMemo}), set by the class below as it is defined. */
export let memo: NodeMemo;

/**
 * An immutable instance of a symbolic type: the type plus its named arguments (defaults filled
 * in). Made by calling a factory from `symbolize`; changed only by producing a new tree with
 * `rebind`. `build` turns it into the real value.
 */
export class SymbolicNode<A = Record<string, unknown>, R = unknown> {
  /** The symbolic type. */
  readonly type: SymbolicType<A, R>;
  /** The arguments, frozen, in canonical order (declared order, then the rest sorted). */
  readonly args: Readonly<A>;
  // The memo (see NodeMemo): private, so writable though the node is frozen.
  #full: boolean;
  #d1 = 0;
  #d2 = 0;
  #d3 = 0;
  #d4 = 0;
  #hex: string | undefined = undefined;
  #template: unknown = undefined;

  static {
    const m: NodeMemo = {
      genuine: (node) => #full in node,
      full: (node) => node.#full,
      d1: (node) => node.#d1,
      d2: (node) => node.#d2,
      d3: (node) => node.#d3,
      d4: (node) => node.#d4,
      setDigest: (node, d1, d2, d3, d4) => {
        node.#d1 = d1;
        node.#d2 = d2;
        node.#d3 = d3;
        node.#d4 = d4;
      },
      hex: (node) => node.#hex,
      setHex: (node, hex) => {
        node.#hex = hex;
      },
      template: (node) => node.#template,
      setTemplate: (node, template) => {
        node.#template = template;
      },
    };
    memo = m;
  }

  /**
   * @internal Use a factory from `symbolize`; this constructor does not validate. `full` says
   * that `args` holds exactly the type's declared arguments, in declared order.
   */
  constructor(type: SymbolicType<A, R>, args: Readonly<A>, full = false) {
    this.type = type;
    this.args = args;
    this.#full = full;
    Object.freeze(this);
  }

  /** The name of the symbolic type. */
  get typeName(): string {
    return this.type.name;
  }

  /** The compact text form, e.g. `Conv(filters=32, kernel=3, act='relu')`. */
  toString(): string {
    return format(this);
  }

  /** The pliant JSON form (`{"$type": name, ...args}`), so `JSON.stringify(node)` gives it too. */
  toJSON(): JsonValue {
    return toJSON(this as SymbolicNode);
  }

  /** Node's `console.log` form: the same as `toString()`. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return format(this);
  }
}

// Lets immer draft nodes in `rebind(tree, draft => ...)`; drafts are rebuilt into real nodes.
(SymbolicNode.prototype as unknown as Record<symbol, boolean>)[immerable] = true;

/** Whether `value` is a symbolic node. */
export function isNode(value: unknown): value is SymbolicNode {
  return value instanceof SymbolicNode;
}

/** @internal Whether `node` was made by the node constructor (and not copied by immer). */
export function isGenuineNode(node: SymbolicNode): boolean {
  return memo.genuine(node);
}

declare const placeholderFor: unique symbol;

/**
 * The type of a symbolic value that stands for a value of type `T` in an argument: a hyper value
 * such as `oneOf([32, 64])` is a `Placeholder<number>`. Factories accept a placeholder wherever
 * they accept a `T`. (The marker exists only in the type system.)
 */
export interface Placeholder<T> extends SymbolicNode {
  /** Type-level marker of the type the placeholder stands for; absent at run time. */
  readonly [placeholderFor]: T;
}
