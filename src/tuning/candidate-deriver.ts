/**
 * @internal What lets a journal leave the candidates out of its trial events (format 3): a space
 * of plain values and pliant's own hyper values is recorded once, in the study's header, and a
 * trial's candidate is made again from its DNA when a reader first asks for it. Nothing is lost:
 * the space's JSON form reads back exactly (`fromJSON` reverses `toJSON`), needs no user code, and
 * a DNA materializes to one candidate only.
 */
import { PliantError } from '../base/errors.js';
import type { DNA } from '../geno/dna.js';
import { prepare } from '../geno/template.js';
import { fromJSON, toJSON } from '../symbolic/json.js';
import type { JsonValue } from '../symbolic/json.js';
import type { TreeValue } from '../symbolic/node.js';

/** The hyper values a recorded space may hold: pliant's own, whose JSON form reads back in any process. */
const HYPER_TYPES: ReadonlySet<string> = new Set(['pliant.oneOf', 'pliant.manyOf', 'pliant.permutate', 'pliant.floatv', 'pliant.intv']);

/**
 * The JSON form of `space` when a reader can make its candidates from a DNA without user code: it
 * holds plain values and pliant's hyper values only (no symbolic type of the user's, no custom
 * decision); `undefined` otherwise, and then trial events keep their candidates.
 */
export function recordableSpace(space: TreeValue): JsonValue | undefined {
  let json: JsonValue;
  try {
    json = toJSON(space);
  } catch {
    return undefined;
  }
  return onlyHyperTypes(json) ? json : undefined;
}

function onlyHyperTypes(json: JsonValue): boolean {
  if (Array.isArray(json)) return json.every(onlyHyperTypes);
  if (typeof json !== 'object' || json === null) return true;
  const type = json.$type;
  if (type !== undefined && (typeof type !== 'string' || !HYPER_TYPES.has(type))) return false;
  for (const key in json) if (!onlyHyperTypes(json[key] as JsonValue)) return false;
  return true;
}

/**
 * The candidate (its JSON form, as a trial event would hold it) of each DNA in the space whose
 * JSON form is `space` (a study header's `space`). The space is read when the first candidate is
 * asked for; a space or DNA that does not fit is a `PliantError` of `api` saying so.
 */
export function candidateDeriver(space: JsonValue, api = 'loadStudy'): (dna: DNA) => JsonValue {
  let materialize: ((dna: DNA) => TreeValue) | undefined;
  return (dna) => {
    if (materialize === undefined) {
      let tree: TreeValue;
      try {
        tree = fromJSON(space);
      } catch (error) {
        throw new PliantError(api, 'argument', `the study's recorded space cannot be read: ${error instanceof Error ? error.message : String(error)}`);
      }
      const template = prepare(tree);
      materialize = (d) => template.materialize(d) as TreeValue;
    }
    return toJSON(materialize(dna));
  };
}
