/**
 * The LCBench surrogate of YAHPO Gym (`../shared/data/lcbench/`, README §4): an ONNX model that
 * maps (task, epoch, 7 hyper-parameters) to validation accuracy and five other metrics, run with
 * onnxruntime-node (installed on demand: `npm install --no-save --ignore-scripts onnxruntime-node@1.30.0`). A configuration's learning curve is its val_accuracy (in
 * percent) at epochs 1..52, computed in one batch of 52 rows.
 *
 * Inputs: `x_cat` int32 [n, 1], the task's code from `encoding.json`; `x_cont` float32 [n, 8],
 * raw (unscaled) `[epoch, batch_size, learning_rate, momentum, weight_decay, num_layers,
 * max_units, max_dropout]`. Output `output` float32 [n, 6]; val_accuracy is column 1.
 * {@link openLcbench} checks the three verified pairs of `reference.json` bit for bit before
 * handing the surrogate out.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { floatv, intv } from 'pliant';
import type { TreeValue } from 'pliant';

/** The ONNX runtime the bench loads, pinned (not a dependency: see {@link openLcbench}). */
const ONNX_VERSION = '1.30.0';
const ONNX_PACKAGE = 'onnxruntime-node';

/** Where the surrogate's files are: `LCBENCH_DIR` from the environment, else `../shared/data/lcbench` beside the checkout. */
export const LCBENCH_DIR = process.env.LCBENCH_DIR ?? join(dirname(fileURLToPath(import.meta.url)), '../../../shared/data/lcbench');
/** The fidelity: epochs 1..LCBENCH_EPOCHS. */
export const LCBENCH_EPOCHS = 52;
/** The three tasks the benches use (OpenML task ids, those of `reference.json`). */
export const LCBENCH_TASKS: readonly string[] = ['3945', '7593', '189909'];

/** A materialized candidate of {@link lcbenchSpace}: the 7 hyper-parameters, on their raw scale. */
export interface LcbenchConfig {
  readonly batch_size: number;
  readonly learning_rate: number;
  readonly momentum: number;
  readonly weight_decay: number;
  readonly num_layers: number;
  readonly max_units: number;
  readonly max_dropout: number;
}

/**
 * The search space over the 7 hyper-parameters as `config_space.json` gives them: log scale where
 * it says `log`, integers as `intv` (fresh hyper values on each call).
 */
export function lcbenchSpace(): TreeValue {
  return {
    batch_size: intv(16, 512, { scale: 'log' }),
    learning_rate: floatv(1e-4, 0.1, { scale: 'log' }),
    momentum: floatv(0.1, 0.99),
    weight_decay: floatv(1e-5, 0.1),
    num_layers: intv(1, 5),
    max_units: intv(64, 1024, { scale: 'log' }),
    max_dropout: floatv(0, 1),
  };
}

/** The surrogate, open. */
export interface Lcbench {
  /** The val_accuracy curve (percent) of `config` on `task` at epochs 1..52 (element i: epoch i + 1). */
  curve(task: string, config: LcbenchConfig): Promise<Float64Array>;
  /** How many curves were computed. */
  readonly calls: number;
}

interface OrtTensor {
  readonly data: ArrayLike<number>;
}
interface OrtSession {
  run(feeds: Record<string, unknown>): Promise<Record<string, OrtTensor>>;
}
interface Ort {
  readonly InferenceSession: { create(path: string): Promise<OrtSession> };
  readonly Tensor: new (type: string, data: Int32Array | Float32Array, dims: readonly number[]) => unknown;
}

interface ReferenceCase {
  readonly OpenML_task_id: string;
  readonly x_cat: readonly number[];
  readonly x_cont: readonly number[];
  readonly output: readonly number[];
}

/**
 * Opens the surrogate (onnxruntime-node, CPU) and checks the reference pairs: each reference
 * input must give exactly the recorded float32 output, or this throws.
 */
export async function openLcbench(): Promise<Lcbench> {
  let ort: Ort;
  try {
    // Not a dependency: its install script downloads CUDA libraries from NuGet, which `npm ci` on
    // a machine without that network would fail on. The bench installs it on demand.
    ort = (await import(ONNX_PACKAGE)) as unknown as Ort;
  } catch (cause) {
    throw new Error(`the LCBench surrogate needs onnxruntime-node: run \`npm install --no-save --ignore-scripts onnxruntime-node@${ONNX_VERSION}\` first`, {
      cause,
    });
  }
  const session = await ort.InferenceSession.create(join(LCBENCH_DIR, 'model.onnx'));
  const encoding = JSON.parse(readFileSync(join(LCBENCH_DIR, 'encoding.json'), 'utf8')) as { OpenML_task_id: Record<string, number> };
  const reference = JSON.parse(readFileSync(join(LCBENCH_DIR, 'reference.json'), 'utf8')) as { cases: ReferenceCase[] };
  const codeOf = (task: string): number => {
    const code = encoding.OpenML_task_id[task];
    if (code === undefined) throw new Error(`lcbench: no task ${task} in encoding.json`);
    return code;
  };
  const run = async (codes: Int32Array, cont: Float32Array): Promise<ArrayLike<number>> => {
    const n = codes.length;
    const out = await session.run({ x_cat: new ort.Tensor('int32', codes, [n, 1]), x_cont: new ort.Tensor('float32', cont, [n, 8]) });
    return (out.output as OrtTensor).data;
  };
  for (const c of reference.cases) {
    if (codeOf(c.OpenML_task_id) !== c.x_cat[0])
      throw new Error(`lcbench: task ${c.OpenML_task_id} encodes as ${codeOf(c.OpenML_task_id)}, reference says ${c.x_cat[0]}`);
    const got = Array.from(await run(Int32Array.from(c.x_cat), Float32Array.from(c.x_cont)));
    const expected = Float32Array.from(c.output);
    if (got.length !== 6 || got.some((v, i) => v !== expected[i]))
      throw new Error(`lcbench: reference case of task ${c.OpenML_task_id} gives ${got.join(', ')}, expected ${c.output.join(', ')}`);
  }
  let calls = 0;
  const E = LCBENCH_EPOCHS;
  return {
    get calls() {
      return calls;
    },
    async curve(task: string, c: LcbenchConfig): Promise<Float64Array> {
      calls++;
      const codes = new Int32Array(E).fill(codeOf(task));
      const cont = new Float32Array(E * 8);
      for (let e = 0; e < E; e++) {
        cont.set([e + 1, c.batch_size, c.learning_rate, c.momentum, c.weight_decay, c.num_layers, c.max_units, c.max_dropout], e * 8);
      }
      const out = await run(codes, cont);
      const curve = new Float64Array(E);
      for (let e = 0; e < E; e++) curve[e] = out[e * 6 + 1] as number;
      return curve;
    },
  };
}
