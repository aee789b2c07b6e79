/**
 * Where each named decision of a space lands in a candidate: the key path of its value in the
 * candidate's tree, for the views (reports, tables, exports) that show decisions by name.
 */
import { formatKeyPath } from '../symbolic/key-path.js';
import type { KeySegment } from '../symbolic/key-path.js';
import type { DNASpec, SpaceSpec } from './dna-spec.js';

/**
 * The names given to a space's hyper values (`oneOf(..., { name: 'act' })`), keyed by the key
 * path their value takes in a candidate (`model.layers[2].activation`). A decision inside a
 * choice's candidate is keyed by the path it has when that candidate is chosen (under a
 * `manyOf`, one path per pick). A name given to decisions at several paths names each of them;
 * a path reached by two differently named decisions keeps neither.
 *
 * @param spec - The space's DNA spec (`dnaSpec(space)`).
 * @returns Key path → name, for the named decisions only.
 */
export function decisionNames(spec: DNASpec): Record<string, string> {
  const names = new Map<string, string | null>();
  const visit = (space: SpaceSpec, prefix: readonly KeySegment[], depth: number): void => {
    if (depth > 64) return;
    for (const d of space.elements) {
      const at = [...prefix, ...d.location];
      if (d.name !== undefined) {
        const path = formatKeyPath(at);
        const had = names.get(path);
        names.set(path, had === undefined || had === d.name ? d.name : null);
      }
      if (d.kind !== 'choice') continue;
      d.picks.forEach((subspaces, p) => {
        const base = d.isList ? [...at, p] : at;
        for (const sub of subspaces) visit(sub, base, depth + 1);
      });
    }
  };
  visit(spec.root, [], 0);
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [path, name] of names) if (name !== null) out[path] = name;
  return out;
}
