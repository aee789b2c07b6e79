import { PliantError } from '../base/errors.js';
import type { SymbolicType } from './node.js';

/**
 * Symbolic types by name. `fromJSON` instantiates only the types of a registry. Registering a
 * different definition under a taken name is an error; registering the same one again is not.
 */
export class Registry {
  readonly #types = new Map<string, SymbolicType>();

  /** Adds `type` under `type.name`; returns the type already registered if it is the same definition. */
  register<A, R>(type: SymbolicType<A, R>): SymbolicType<A, R> {
    const existing = this.#types.get(type.name);
    if (existing !== undefined) {
      if (existing.target === type.target && existing.schema === type.schema && existing.kind === type.kind) {
        return existing as unknown as SymbolicType<A, R>;
      }
      throw new PliantError(
        'symbolize',
        'registry',
        `the name '${type.name}' is already registered for a different definition; choose another name or unregister the old one`,
      );
    }
    this.#types.set(type.name, type as unknown as SymbolicType);
    return type;
  }

  /**
   * The type registered under `name`, or `undefined`. pliant's own types (`pliant.*`, such as the
   * hyper values) are found in every registry.
   */
  get(name: string): SymbolicType | undefined {
    const own = this.#types.get(name);
    if (own !== undefined || this === defaultRegistry || !name.startsWith('pliant.')) return own;
    return defaultRegistry.get(name);
  }

  /** Whether `name` is registered. */
  has(name: string): boolean {
    return this.#types.has(name);
  }

  /** Removes `name`; returns whether it was registered. */
  unregister(name: string): boolean {
    return this.#types.delete(name);
  }

  /** All registered names, sorted. */
  names(): string[] {
    return [...this.#types.keys()].sort();
  }
}

/** The registry `symbolize` and `fromJSON` use unless given another. */
export const defaultRegistry: Registry = new Registry();
