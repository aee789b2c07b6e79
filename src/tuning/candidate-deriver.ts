/**
 * @internal What lets a journal leave the candidates out of its trial events (format 3): a space
 * of plain values and pliant's own hyper values and types is recorded once, in the study's header, and a
 * trial's candidate is made again from its DNA when a reader first asks for it. Nothing is lost:
 * the space's JSON form reads back exactly (`fromJSON` reverses `toJSON`), needs no user code, and
 * a DNA materializes to one candidate only.
 */
import { PliantError } from '../base/errors.js';
import type { DNA } from '../geno/dna.js';
import { prepare } from '../geno/template.js';
import type { Template } from '../geno/template.js';
import { fromJSON, toJSON } from '../symbolic/json.js';
import { defaultRegistry } from '../symbolic/registry.js';
import type { JsonValue } from '../symbolic/json.js';
import type { TreeValue } from '../symbolic/node.js';

/**
 * The symbolic types pliant itself registers (its hyper values, TensorFlow.js layers, optimizers,
 * ...), once `builtin-types.ts` has loaded them all; none before (then no space is recorded).
 */
let builtinTypes: ReadonlySet<string> = new Set();

/**
 * @internal Records the types registered so far as pliant's own: called by `builtin-types.ts`, once
 * it has loaded every module of pliant that registers a type, before any user code can register
 * one. The package's entry and the `pliant` command load it, so a reader knows these types.
 */
export function markBuiltinTypes(): void {
  builtinTypes = new Set(defaultRegistry.names());
}

/**
 * The JSON form of `space` when a reader can make its candidates from a DNA without user code: it
 * holds plain values, pliant's hyper values and pliant's own symbolic types only (no type of the
 * user's, no custom decision); `undefined` otherwise, and then trial events keep their candidates.
 */
export function recordableSpace(space: TreeValue): JsonValue | undefined {
  let json: JsonValue;
  try {
    json = toJSON(space);
  } catch {
    return undefined;
  }
  return onlyBuiltinTypes(json) ? json : undefined;
}

function onlyBuiltinTypes(json: JsonValue): boolean {
  if (Array.isArray(json)) return json.every(onlyBuiltinTypes);
  if (typeof json !== 'object' || json === null) return true;
  const type = json.$type;
  if (type !== undefined && (typeof type !== 'string' || !builtinTypes.has(type))) return false;
  for (const key in json) if (!onlyBuiltinTypes(json[key] as JsonValue)) return false;
  return true;
}

/**
 * Makes the candidates (their JSON forms, as trial events would hold them) of DNAs in the space
 * whose JSON form a study's header records. The space is read once, when first needed.
 */
export class CandidateDeriver {
  readonly #space: JsonValue;
  #template: Template | undefined;
  #problem: string | undefined;

  constructor(space: JsonValue) {
    this.#space = space;
  }

  /** Why the recorded space cannot be read (then no candidate can be made), or `undefined`. */
  problem(): string | undefined {
    if (this.#template === undefined && this.#problem === undefined) {
      try {
        this.#template = prepare(fromJSON(this.#space));
      } catch (error) {
        this.#problem = `the study's recorded space cannot be read (${error instanceof Error ? error.message : String(error)})`;
      }
    }
    return this.#problem;
  }

  /**
   * The candidate of `dna`; a space that cannot be read or a DNA that does not fit it is a
   * `PliantError` of `api` naming the trial `id`.
   */
  derive(dna: DNA, id: string, api = 'trial.candidate'): JsonValue {
    const problem = this.problem();
    if (problem !== undefined) throw new PliantError(api, 'argument', `trial ${id} has no candidate, and ${problem}`);
    try {
      return toJSON((this.#template as Template).materialize(dna) as TreeValue);
    } catch (error) {
      throw new PliantError(
        api,
        'argument',
        `trial ${id}: its DNA does not fit the study's recorded space (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  }
}
