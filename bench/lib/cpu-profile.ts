/**
 * Reads a V8 CPU profile (`node --cpu-prof` writes `*.cpuprofile`) into its top frames: the
 * functions with the most self time, and with the most total time (time with the function on
 * the stack), each as `name (file:line)` with milliseconds and the share of the profile.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** One frame of {@link topFrames}. */
export interface Frame {
  readonly frame: string;
  readonly ms: number;
  readonly pct: number;
}

/** The top frames of a profile: by self time and by total time (idle and GC frames kept, `(program)` too). */
export function topFrames(file: string, count = 12): { self: Frame[]; total: Frame[]; ms: number } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const label = (node: ProfileNode): string => {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url === '' ? '' : ` (${basename(url)}:${lineNumber + 1})`;
    return `${functionName === '' ? '(anonymous)' : functionName}${where}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let all = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    all += dt;
    let id: number | undefined = profile.samples[i] as number;
    const leaf = byId.get(id);
    if (leaf === undefined) continue;
    const leafLabel = label(leaf);
    self.set(leafLabel, (self.get(leafLabel) ?? 0) + dt);
    const seen = new Set<string>();
    while (id !== undefined) {
      const node = byId.get(id);
      if (node === undefined) break;
      const l = label(node);
      if (!seen.has(l)) {
        seen.add(l);
        total.set(l, (total.get(l) ?? 0) + dt);
      }
      id = parent.get(id);
    }
  }
  const top = (m: Map<string, number>): Frame[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([frame, ms]) => ({ frame, ms: Number(ms.toFixed(1)), pct: Number(((100 * ms) / all).toFixed(1)) }));
  return { self: top(self), total: top(total), ms: Number(all.toFixed(1)) };
}
