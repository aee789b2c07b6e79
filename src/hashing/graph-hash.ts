/**
 * The graph hash of cell-based search spaces: the NAS-Bench-101 fingerprint
 * (`graph_util.hash_module` of google-research/nasbench), which is equal for isomorphic
 * vertex-labelled DAGs, together with the NAS-Bench-101 pruning of dead vertices and a converter
 * from edge-labelled cells (NAS-Bench-201 / DARTS style) to the vertex-labelled form.
 *
 * @module
 */
import * as crypto from 'node:crypto';
import { PliantError } from '../base/errors.js';

/**
 * The label of a vertex: an op name or an integer (NAS-Bench-101 uses −1 for the input, −2 for
 * the output and the op's index in the list of available ops for the others). Labels enter the
 * hash through Python's `repr`, so a Python user hashing the same labels gets the same key.
 */
export type GraphLabel = string | number;

/**
 * A cell as a vertex-labelled DAG (NAS-Bench-101 convention): vertex 0 is the input, the last
 * vertex is the output, `adjacency[i][j] = 1` is an edge i → j and `labels[v]` says what vertex
 * v computes.
 */
export interface CellGraph {
  /** Square 0/1 matrix: `adjacency[i][j] = 1` means an edge from vertex i to vertex j. */
  readonly adjacency: readonly (readonly number[])[];
  /** One label per vertex: an op name, or an integer (no fractions). */
  readonly labels: readonly GraphLabel[];
}

/** Options of {@link graphHash}. */
export interface GraphHashOptions {
  /**
   * Prune the graph first with {@link pruneGraph} (default `true`, as NAS-Bench-101 does), so
   * vertices that do not lie on an input → output path do not count. With `false` the graph is
   * hashed as given, need not be a DAG, and its input and output are not special.
   */
  readonly prune?: boolean;
}

/** One edge of an {@link EdgeCell}: node `from` feeds `op(node from)` into the sum of node `to`. */
export interface CellEdge {
  /** The source node (`0 ≤ from < to`). */
  readonly from: number;
  /** The target node (`from < to < nodes`). */
  readonly to: number;
  /** The op on the edge: a name (`'nor_conv_3x3'`) or an integer op index. */
  readonly op: GraphLabel;
}

/**
 * An edge-labelled cell (NAS-Bench-201 / DARTS style): nodes `0 … nodes−1`, node 0 is the cell's
 * input, node `nodes−1` its output, and every other node j is the sum over the edges i → j of
 * `op(node i)`.
 */
export interface EdgeCell {
  /** The number of nodes, input and output included (at least 2; NAS-Bench-201 has 4). */
  readonly nodes: number;
  /** The edges, each going forward (`from < to`). Several edges may join the same two nodes. */
  readonly edges: readonly CellEdge[];
}

/** Options of {@link edgeCellGraph}. */
export interface EdgeCellGraphOptions {
  /** Ops that output zero, i.e. stand for "no edge" (default `['none']`). */
  readonly zero?: readonly GraphLabel[];
  /** The label of the input vertex (default `'input'`). */
  readonly inputLabel?: GraphLabel;
  /** The label of the output vertex (default `'output'`). */
  readonly outputLabel?: GraphLabel;
  /** The label of the vertices of intermediate (sum) nodes (default `'sum'`). */
  readonly sumLabel?: GraphLabel;
}

/**
 * The graph hash of a graph with no vertices, `md5('[]')`, which is what `hash_module` gives for
 * an empty matrix. {@link graphHash} returns it for every cell whose output is not reachable
 * from its input: all such cells compute nothing, so they are all equivalent.
 */
export const EMPTY_GRAPH_HASH = 'd751713988987e9331980363e24189ce';

type CryptoWithHash = { hash?: (algorithm: string, data: string, encoding: 'hex') => string };
const oneShot = (crypto as unknown as CryptoWithHash).hash;
/** md5 of the UTF-8 bytes of `s`, lowercase hex (one-shot `crypto.hash` where Node has it). */
const md5: (s: string) => string = typeof oneShot === 'function' ? (s) => oneShot('md5', s, 'hex') : (s) => crypto.createHash('md5').update(s).digest('hex');

/** A validated graph as neighbour lists. */
interface Lists {
  readonly n: number;
  readonly ins: number[][];
  readonly outs: number[][];
  readonly labels: readonly GraphLabel[];
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

function argError(api: string, message: string, path?: string): PliantError {
  return new PliantError(api, 'argument', message, path === undefined ? {} : { path });
}

function checkLabel(api: string, label: unknown, path: string): GraphLabel {
  if (typeof label === 'string') return label;
  if (typeof label === 'number' && Number.isSafeInteger(label)) return label;
  throw argError(api, `a label must be a string or an integer (a safe integer, as Python's int repr is used), found ${show(label)}`, path);
}

function checkAdjacency(api: string, adjacency: unknown, base: string): { n: number; ins: number[][]; outs: number[][] } {
  if (!Array.isArray(adjacency)) throw argError(api, `expected a square 0/1 adjacency matrix (an array of rows), found ${show(adjacency)}`, base);
  const n = adjacency.length;
  if (n < 2) throw argError(api, `a cell needs at least 2 vertices (an input and an output), found ${n}`, base);
  const ins: number[][] = [];
  const outs: number[][] = [];
  for (let v = 0; v < n; v++) {
    ins.push([]);
    outs.push([]);
  }
  for (let i = 0; i < n; i++) {
    const row: unknown = adjacency[i];
    if (!Array.isArray(row) || row.length !== n) {
      throw argError(api, `the adjacency matrix must be square: expected a row of ${n} entries, found ${show(row)}`, `${base}[${i}]`);
    }
    for (let j = 0; j < n; j++) {
      const x: unknown = row[j];
      if (x === 1) {
        (outs[i] as number[]).push(j);
        (ins[j] as number[]).push(i);
      } else if (x !== 0) {
        throw argError(api, `an adjacency entry must be 0 or 1, found ${show(x)}`, `${base}[${i}][${j}]`);
      }
    }
  }
  return { n, ins, outs };
}

function checkGraph(api: string, graph: unknown): Lists {
  if (typeof graph !== 'object' || graph === null) {
    throw argError(api, `expected a cell graph {adjacency, labels}, found ${show(graph)}`);
  }
  const { adjacency, labels } = graph as { adjacency?: unknown; labels?: unknown };
  const { n, ins, outs } = checkAdjacency(api, adjacency, 'adjacency');
  if (!Array.isArray(labels) || labels.length !== n) {
    throw argError(api, `expected one label per vertex (${n}), found ${show(labels)}`, 'labels');
  }
  const checked = labels.map((label: unknown, v) => checkLabel(api, label, `labels[${v}]`));
  return { n, ins, outs, labels: checked };
}

/** Throws when the graph has a directed cycle, naming one. Kahn's algorithm, O(V + E). */
function checkAcyclic(api: string, g: Lists): void {
  const indegree = g.ins.map((list) => list.length);
  const stack: number[] = [];
  for (let v = 0; v < g.n; v++) if (indegree[v] === 0) stack.push(v);
  let removed = 0;
  while (stack.length > 0) {
    const v = stack.pop() as number;
    removed++;
    for (const w of g.outs[v] as number[]) {
      const d = (indegree[w] as number) - 1;
      indegree[w] = d;
      if (d === 0) stack.push(w);
    }
  }
  if (removed === g.n) return;
  // Every vertex left has an in-neighbour that is also left: walk backwards until one repeats.
  let v = indegree.findIndex((d) => d > 0);
  const seenAt = new Map<number, number>();
  const walk: number[] = [];
  while (!seenAt.has(v)) {
    seenAt.set(v, walk.length);
    walk.push(v);
    v = (g.ins[v] as number[]).find((u) => (indegree[u] as number) > 0) as number;
  }
  const loop = walk.slice(seenAt.get(v)).reverse();
  const start = loop.indexOf(Math.min(...loop)); // name it from its smallest vertex
  const cycle = [...loop.slice(start), ...loop.slice(0, start + 1)];
  throw argError(api, `a cell must be a DAG to be pruned, found the cycle ${cycle.join(' → ')} (pass {prune: false} to hash it as it is)`, 'adjacency');
}

function reach(start: number, next: readonly number[][], n: number): Uint8Array {
  const seen = new Uint8Array(n);
  seen[start] = 1;
  const stack = [start];
  while (stack.length > 0) {
    const v = stack.pop() as number;
    for (const w of next[v] as number[]) {
      if (seen[w] === 0) {
        seen[w] = 1;
        stack.push(w);
      }
    }
  }
  return seen;
}

/** The vertices (in their order) that lie on an input → output path, or undefined if none does. */
function liveVertices(api: string, g: Lists): number[] | undefined {
  checkAcyclic(api, g);
  const fromInput = reach(0, g.outs, g.n);
  if (fromInput[g.n - 1] === 0) return undefined;
  const toOutput = reach(g.n - 1, g.ins, g.n);
  const keep: number[] = [];
  for (let v = 0; v < g.n; v++) if (fromInput[v] === 1 && toOutput[v] === 1) keep.push(v);
  return keep;
}

/** The sub-graph induced by `keep` (sorted vertex indices), as neighbour lists. */
function induced(g: Lists, keep: readonly number[]): Lists {
  if (keep.length === g.n) return g;
  const index = new Int32Array(g.n).fill(-1);
  keep.forEach((v, i) => {
    index[v] = i;
  });
  const remap = (list: readonly number[]): number[] => {
    const out: number[] = [];
    for (const w of list) {
      const i = index[w] as number;
      if (i >= 0) out.push(i);
    }
    return out;
  };
  return {
    n: keep.length,
    ins: keep.map((v) => remap(g.ins[v] as number[])),
    outs: keep.map((v) => remap(g.outs[v] as number[])),
    labels: keep.map((v) => g.labels[v] as GraphLabel),
  };
}

/**
 * The cell without its dead vertices: only the vertices that are reachable from the input
 * (vertex 0) and can reach the output (the last vertex) are kept, in their order, with the edges
 * between them. This is NAS-Bench-101's `ModelSpec._prune`, generalised from upper-triangular
 * matrices to any DAG.
 *
 * Returns `undefined` when the output is not reachable from the input: such a cell computes
 * nothing (NAS-Bench-101 calls its spec invalid). {@link graphHash} gives all of them
 * {@link EMPTY_GRAPH_HASH}.
 *
 * @throws PliantError (`argument`) for a malformed graph (see {@link graphHash}) or one with a
 *   directed cycle.
 */
export function pruneGraph(graph: CellGraph): CellGraph | undefined {
  const g = checkGraph('pruneGraph', graph);
  const keep = liveVertices('pruneGraph', g);
  if (keep === undefined) return undefined;
  const adjacency = keep.map((i) => Object.freeze(keep.map((j) => (graph.adjacency[i] as readonly number[])[j] as number)));
  return Object.freeze({ adjacency: Object.freeze(adjacency), labels: Object.freeze(keep.map((v) => g.labels[v] as GraphLabel)) });
}

const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/**
 * Python 3's `repr` of a str: single quotes unless the text holds a single quote and no double
 * quote; `\\`, the quote, `\t`, `\n`, `\r` escaped; other non-printable characters (Python's
 * `str.isprintable`: categories Cc, Cf, Cs, Co, Cn, Zl, Zp, Zs but the space) as `\xhh`,
 * `\uhhhh` or `\Uhhhhhhhh`.
 */
function pythonStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch !== ' ' && NON_PRINTABLE.test(ch)) {
      const cp = ch.codePointAt(0) as number;
      const hex = cp.toString(16);
      out += cp < 0x100 ? `\\x${hex.padStart(2, '0')}` : cp < 0x10000 ? `\\u${hex.padStart(4, '0')}` : `\\U${hex.padStart(8, '0')}`;
    } else out += ch;
  }
  return out + quote;
}

function labelRepr(label: GraphLabel): string {
  return typeof label === 'string' ? pythonStrRepr(label) : String(label); // String(-0) is '0', as Python's int
}

/** `graph_util.hash_module` over neighbour lists. */
function hashModule(g: Lists): string {
  const n = g.n;
  if (n === 0) return EMPTY_GRAPH_HASH;
  let hashes: string[] = new Array<string>(n);
  for (let v = 0; v < n; v++) {
    hashes[v] = md5(`(${(g.outs[v] as number[]).length}, ${(g.ins[v] as number[]).length}, ${labelRepr(g.labels[v] as GraphLabel)})`);
  }
  let next: string[] = new Array<string>(n);
  const part: string[] = [];
  const joinSorted = (list: readonly number[], current: readonly string[]): string => {
    if (list.length === 0) return '';
    if (list.length === 1) return current[list[0] as number] as string;
    part.length = 0;
    for (const w of list) part.push(current[w] as string);
    part.sort();
    return part.join('');
  };
  for (let round = 0; round < n; round++) {
    for (let v = 0; v < n; v++) {
      next[v] = md5(`${joinSorted(g.ins[v] as number[], hashes)}|${joinSorted(g.outs[v] as number[], hashes)}|${hashes[v] as string}`);
    }
    [hashes, next] = [next, hashes];
  }
  hashes.sort();
  return md5(`['${hashes.join("', '")}']`);
}

/**
 * The graph hash of a cell (32 lowercase hex digits): equal for isomorphic vertex-labelled
 * graphs, so cells that differ only in the numbering of their vertices share one key.
 *
 * The cell is first pruned with {@link pruneGraph} (unless `{prune: false}`); a cell whose output
 * is not reachable from its input hashes to {@link EMPTY_GRAPH_HASH}. The hash is then the
 * official NAS-Bench-101 fingerprint `graph_util.hash_module(matrix, labels)`, computed
 * byte for byte as Python does it:
 *
 * 1. `h[v] = md5(str((out_degree, in_degree, label)))`, e.g. `md5("(2, 0, -1)")`, with Python's
 *    `repr` of the label (`'conv'` in single quotes, or `"it's"`; integers in decimal);
 * 2. |V| times, all vertices at once: `h[v] = md5(''.join(sorted(h of in-neighbours)) + '|' +
 *    ''.join(sorted(h of out-neighbours)) + '|' + h[v])`;
 * 3. the hash is `md5(str(sorted(h)))`, i.e. of `"['0a1b…', '3c4d…']"`.
 *
 * String labels are written as Python 3 writes them (printable non-ASCII characters as they
 * are), so they match Python's hash as long as both sides know the characters: a character
 * assigned in a newer Unicode version than the Python's (Node 20 knows Unicode 15+) is escaped by
 * that Python and not here.
 *
 * Like any Weisfeiler–Lehman style hash it is invariant under isomorphism, and non-isomorphic
 * cells collide only in rare, highly regular cases.
 *
 * ```ts
 * graphHash({ adjacency: [[0, 1, 1], [0, 0, 1], [0, 0, 0]], labels: [-1, 0, -2] });
 * ```
 *
 * @throws PliantError (`argument`, naming `graphHash` and the key path) when the adjacency
 *   matrix is not square, has an entry other than 0 or 1 (`adjacency[2][5]`) or fewer than 2
 *   vertices, when a label is neither a string nor an integer (`labels[3]`) or the labels do not
 *   match the vertices, and, when pruning, when the graph has a directed cycle.
 */
export function graphHash(graph: CellGraph, options: GraphHashOptions = {}): string {
  const prune = options.prune ?? true;
  if (typeof prune !== 'boolean') throw argError('graphHash', `prune must be a boolean, found ${show(prune)}`, 'prune');
  return hashLists('graphHash', checkGraph('graphHash', graph), prune);
}

function hashLists(api: string, g: Lists, prune: boolean): string {
  if (!prune) return hashModule(g);
  const keep = liveVertices(api, g);
  return keep === undefined ? EMPTY_GRAPH_HASH : hashModule(induced(g, keep));
}

/**
 * The official NAS-Bench-101 key of a cell, `ModelSpec(adjacency, ops).hash_spec(availableOps)`:
 * the cell is pruned, labelled `[-1] + [availableOps.index(op) for op in ops[1:-1]] + [-2]` and
 * hashed with {@link graphHash}. The first and last ops (`'input'`, `'output'`) are not read.
 *
 * ```ts
 * nasbench101Hash(adjacency, ['input', 'conv3x3-bn-relu', 'maxpool3x3', 'output'],
 *   ['conv3x3-bn-relu', 'conv1x1-bn-relu', 'maxpool3x3']);
 * ```
 *
 * A cell whose output is not reachable from its input (an invalid spec for NAS-Bench-101) gives
 * {@link EMPTY_GRAPH_HASH}.
 *
 * @throws PliantError (`argument`, naming `nasbench101Hash`) for a malformed matrix
 *   (`adjacency[i][j]`), a cycle, `ops` of the wrong length or an op not in `availableOps`
 *   (`ops[3]`).
 */
export function nasbench101Hash(adjacency: readonly (readonly number[])[], ops: readonly string[], availableOps: readonly string[]): string {
  const api = 'nasbench101Hash';
  const { n, ins, outs } = checkAdjacency(api, adjacency, 'adjacency');
  if (!Array.isArray(availableOps)) throw argError(api, `expected an array of op names, found ${show(availableOps)}`, 'availableOps');
  if (!Array.isArray(ops) || ops.length !== n) throw argError(api, `expected one op per vertex (${n}), found ${show(ops)}`, 'ops');
  const labels: number[] = [-1];
  for (let v = 1; v < n - 1; v++) {
    const index = availableOps.indexOf(ops[v] as string);
    if (index < 0) throw argError(api, `${show(ops[v])} is not one of availableOps [${availableOps.map(show).join(', ')}]`, `ops[${v}]`);
    labels.push(index);
  }
  labels.push(-2);
  return hashLists(api, { n, ins, outs, labels }, true);
}

/**
 * The vertex-labelled form of an edge-labelled cell (NAS-Bench-201 / DARTS style), so that
 * `graphHash(edgeCellGraph(cell))` is the graph hash of the cell.
 *
 * Vertices, in topological order: the input (node 0) first; then for each node j = 1, 2, …: one
 * vertex per edge into j whose op is not a zero op, labelled with the op (edges taken by
 * source node, then in the given order), followed by node j's own vertex (`sumLabel`, or
 * `outputLabel` for the last node, which is the last vertex). Edges run node i → op vertex →
 * node j. Zero ops (`options.zero`, default `['none']`) are left out, so a node all of whose
 * inputs are zero becomes a dead vertex that {@link graphHash} prunes, with everything that
 * hangs off it. Cells that differ only in dead edges, or by a swap of two interchangeable
 * intermediate nodes, therefore hash equal.
 *
 * ```ts
 * // NAS-Bench-201: |nor_conv_3x3~0|+|none~0|avg_pool_3x3~1|+|skip_connect~0|none~1|nor_conv_1x1~2|
 * const cell = { nodes: 4, edges: [
 *   { from: 0, to: 1, op: 'nor_conv_3x3' }, { from: 0, to: 2, op: 'none' }, { from: 1, to: 2, op: 'avg_pool_3x3' },
 *   { from: 0, to: 3, op: 'skip_connect' }, { from: 1, to: 3, op: 'none' }, { from: 2, to: 3, op: 'nor_conv_1x1' } ] };
 * graphHash(edgeCellGraph(cell));
 * ```
 *
 * @throws PliantError (`argument`, naming `edgeCellGraph` and the key path) when `nodes` is not
 *   an integer ≥ 2, an edge does not go forward between existing nodes (`edges[3].to`), an op is
 *   neither a string nor an integer or equals one of the structural labels (`edges[3].op`), or
 *   an option is malformed.
 */
export function edgeCellGraph(cell: EdgeCell, options: EdgeCellGraphOptions = {}): CellGraph {
  const api = 'edgeCellGraph';
  if (typeof cell !== 'object' || cell === null) throw argError(api, `expected a cell {nodes, edges}, found ${show(cell)}`);
  const { nodes, edges } = cell as { nodes?: unknown; edges?: unknown };
  if (typeof nodes !== 'number' || !Number.isSafeInteger(nodes) || nodes < 2) {
    throw argError(api, `nodes must be an integer ≥ 2 (the input, the output and the intermediate nodes), found ${show(nodes)}`, 'nodes');
  }
  if (!Array.isArray(edges)) throw argError(api, `edges must be an array of {from, to, op}, found ${show(edges)}`, 'edges');
  const zeroOption: unknown = options.zero ?? ['none'];
  if (!Array.isArray(zeroOption)) throw argError(api, `zero must be an array of op labels, found ${show(zeroOption)}`, 'zero');
  const zero = new Set(zeroOption.map((op: unknown, i) => checkLabel(api, op, `zero[${i}]`)));
  const inputLabel = checkLabel(api, options.inputLabel ?? 'input', 'inputLabel');
  const outputLabel = checkLabel(api, options.outputLabel ?? 'output', 'outputLabel');
  const sumLabel = checkLabel(api, options.sumLabel ?? 'sum', 'sumLabel');
  const structural = new Map<GraphLabel, string>([
    [inputLabel, 'inputLabel'],
    [outputLabel, 'outputLabel'],
    [sumLabel, 'sumLabel'],
  ]);

  // The live (non-zero) edges into each node, by source node then given order.
  const into: { from: number; op: GraphLabel }[][] = Array.from({ length: nodes }, () => []);
  edges.forEach((edge: unknown, k) => {
    const at = `edges[${k}]`;
    if (typeof edge !== 'object' || edge === null) throw argError(api, `expected an edge {from, to, op}, found ${show(edge)}`, at);
    const { from, to, op } = edge as { from?: unknown; to?: unknown; op?: unknown };
    if (typeof from !== 'number' || !Number.isInteger(from) || from < 0 || from >= nodes - 1) {
      throw argError(api, `from must be an integer node from 0 to ${nodes - 2} (the output feeds nothing), found ${show(from)}`, `${at}.from`);
    }
    if (typeof to !== 'number' || !Number.isInteger(to) || to <= 0 || to >= nodes) {
      throw argError(api, `to must be an integer node from 1 to ${nodes - 1} (the input has no inputs), found ${show(to)}`, `${at}.to`);
    }
    if (to <= from) throw argError(api, `an edge must go forward (from < to), found ${from} → ${to}`, `${at}.to`);
    const label = checkLabel(api, op, `${at}.op`);
    if (zero.has(label)) return;
    const clash = structural.get(label);
    if (clash !== undefined) throw argError(api, `the op ${show(label)} is the ${clash} of the graph; rename it or pass another ${clash}`, `${at}.op`);
    (into[to] as { from: number; op: GraphLabel }[]).push({ from, op: label });
  });

  const labels: GraphLabel[] = [inputLabel];
  const pairs: [number, number][] = [];
  const vertexOf = [0];
  for (let j = 1; j < nodes; j++) {
    const list = (into[j] as { from: number; op: GraphLabel }[]).slice().sort((a, b) => a.from - b.from);
    const opVertices: number[] = [];
    for (const { from, op } of list) {
      const v = labels.length;
      labels.push(op);
      pairs.push([vertexOf[from] as number, v]);
      opVertices.push(v);
    }
    const node = labels.length;
    labels.push(j === nodes - 1 ? outputLabel : sumLabel);
    vertexOf.push(node);
    for (const v of opVertices) pairs.push([v, node]);
  }
  const n = labels.length;
  const adjacency = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (const [i, j] of pairs) (adjacency[i] as number[])[j] = 1;
  return Object.freeze({ adjacency: Object.freeze(adjacency.map((row) => Object.freeze(row))), labels: Object.freeze(labels) });
}
