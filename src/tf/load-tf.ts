/**
 * Loading TensorFlow.js at run time, and the choice of backend: `@tensorflow/tfjs-node` when it
 * is installed and loads, else `@tensorflow/tfjs` with the wasm backend, else its cpu backend.
 * TensorFlow.js is an optional peer dependency: nothing here loads until `loadTf` is called, so
 * `import 'pliant'` never touches it.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PliantError } from '../base/errors.js';
import type * as Tfjs from '@tensorflow/tfjs';
import { installWasmTrainingKernels } from './wasm-kernels.js';

/** The TensorFlow.js module (`@tensorflow/tfjs`, or `@tensorflow/tfjs-node` which re-exports it). */
export type TfModule = typeof Tfjs;

/** A backend pliant can choose: `tensorflow` (tfjs-node's native binding), `wasm` or `cpu`. */
export type TfBackendName = 'tensorflow' | 'wasm' | 'cpu';

/** Options of {@link loadTf}. */
export interface LoadTfOptions {
  /**
   * Force a backend instead of the first that works (`tensorflow`, then `wasm`, then `cpu`);
   * the environment variable `PLIANT_TF_BACKEND` forces one too. A forced backend that cannot
   * load is an error, never a silent fallback.
   */
  readonly backend?: TfBackendName | 'auto';
  /** Where the choice is logged (default: one line on stderr; `false` for silence). */
  readonly log?: false | ((message: string) => void);
}

/** What {@link loadTf} loaded. */
export interface TfInfo {
  /** The TensorFlow.js module, with its backend ready. */
  readonly tf: TfModule;
  /** The backend in use. */
  readonly backend: TfBackendName;
  /** Why that backend (the backends tried before it, and why they were passed over). */
  readonly reason: string;
}

const BACKENDS: readonly TfBackendName[] = ['tensorflow', 'wasm', 'cpu'];
let loaded: TfInfo | undefined;
let loading: Promise<TfInfo> | undefined;
let requireFrom: NodeJS.Require | undefined;

/** `require` that resolves from the user's project first (where their tfjs lives), then from pliant. */
function load(specifier: string): unknown {
  const fromCwd = createRequire(join(process.cwd(), 'noop.js'));
  try {
    return fromCwd(specifier);
  } catch (error) {
    if ((error as { code?: string }).code !== 'MODULE_NOT_FOUND') throw error;
    requireFrom ??= createRequire(import.meta.url);
    return requireFrom(specifier);
  }
}

function short(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split('\n')[0] ?? text).slice(0, 160);
}

async function tryBackend(name: TfBackendName): Promise<TfModule> {
  if (name === 'tensorflow') {
    const tf = load('@tensorflow/tfjs-node') as TfModule;
    if (!(await tf.setBackend('tensorflow'))) throw new Error('tf.setBackend("tensorflow") failed');
    return tf;
  }
  const tf = load('@tensorflow/tfjs') as TfModule;
  if (name === 'wasm') load('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend("${name}") failed`);
  await tf.ready();
  // The stock wasm backend cannot train a conv net (no Conv2DBackpropFilter) and its other
  // gradient kernels are slow: give it pliant's.
  if (name === 'wasm') installWasmTrainingKernels(tf);
  return tf;
}

/**
 * Loads TensorFlow.js and makes a backend ready (on wasm, with the training kernels the stock
 * wasm backend lacks: convolution filter gradients, and faster input and pooling gradients) (once per process; later calls return the same
 * choice, and a call that forces a different backend switches to it). The choice is logged:
 * `pliant: TensorFlow.js backend wasm (tensorflow: @tensorflow/tfjs-node is not installed)`.
 *
 * ```ts
 * const { tf, backend } = await loadTf();          // tfjs-node, else wasm, else cpu
 * await loadTf({ backend: 'cpu' });                // force one (or PLIANT_TF_BACKEND=cpu)
 * ```
 */
export async function loadTf(options: LoadTfOptions = {}): Promise<TfInfo> {
  const env = process.env.PLIANT_TF_BACKEND;
  const forced =
    options.backend !== undefined && options.backend !== 'auto' ? options.backend : env !== undefined && env !== '' && env !== 'auto' ? env : undefined;
  if (forced !== undefined && !(BACKENDS as readonly string[]).includes(forced)) {
    throw new PliantError(
      'loadTf',
      'argument',
      `unknown backend '${forced}'${options.backend === undefined ? ' (from PLIANT_TF_BACKEND)' : ''}: expected one of ${BACKENDS.join(', ')} or auto`,
    );
  }
  if (loaded !== undefined && (forced === undefined || forced === loaded.backend)) return loaded;
  if (loading !== undefined) {
    await loading.catch(() => undefined);
    if (loaded !== undefined && (forced === undefined || forced === loaded.backend)) return loaded;
  }
  loading = choose(forced as TfBackendName | undefined, options);
  try {
    loaded = await loading;
    return loaded;
  } finally {
    loading = undefined;
  }
}

async function choose(forced: TfBackendName | undefined, options: LoadTfOptions): Promise<TfInfo> {
  const passed: string[] = [];
  for (const name of forced === undefined ? BACKENDS : [forced]) {
    try {
      const tf = await tryBackend(name);
      const reason = forced !== undefined ? 'forced' : passed.length === 0 ? 'first choice' : passed.join('; ');
      const info: TfInfo = { tf, backend: name, reason };
      const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
      if (log !== false) log(`pliant: TensorFlow.js backend ${name} (${reason})`);
      return info;
    } catch (error) {
      const missing = (error as { code?: string }).code === 'MODULE_NOT_FOUND';
      const noBinding = name === 'tensorflow' && /tfjs_binding\.node/.test(String((error as Error).message));
      const why = noBinding
        ? '@tensorflow/tfjs-node is installed without its native binding (its install script downloads libtensorflow)'
        : missing
          ? `${name === 'tensorflow' ? '@tensorflow/tfjs-node' : name === 'wasm' ? '@tensorflow/tfjs-backend-wasm' : '@tensorflow/tfjs'} is not installed`
          : short(error);
      if (forced !== undefined) {
        throw new PliantError(
          'loadTf',
          'dependency',
          `the ${name} backend was forced but cannot load: ${why}${name === 'tensorflow' ? ' (npm install @tensorflow/tfjs-node)' : ''}`,
          { cause: error },
        );
      }
      passed.push(`${name}: ${why}`);
    }
  }
  throw new PliantError('loadTf', 'dependency', `TensorFlow.js cannot load (${passed.join('; ')}): npm install @tensorflow/tfjs @tensorflow/tfjs-backend-wasm`);
}

/**
 * The loaded TensorFlow.js module, for code that must run synchronously (symbolic `build` of
 * layers): a clear error when {@link loadTf} has not been awaited yet.
 */
export function loadedTf(api: string): TfModule {
  if (loaded === undefined) {
    throw new PliantError(api, 'state', 'TensorFlow.js is not loaded yet: `await loadTf()` first (or use the async buildModel / train, which load it)');
  }
  return loaded.tf;
}

/** The backend chosen so far, if TensorFlow.js is loaded. */
export function tfBackend(): TfBackendName | undefined {
  return loaded?.backend;
}
