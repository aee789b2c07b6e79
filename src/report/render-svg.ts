/**
 * Renders a vega-lite spec to an SVG string in Node, loading vega and vega-lite on first use.
 */
import { PliantError, describeThrown } from '../base/errors.js';
import { importOptional } from '../base/optional-dependency.js';
import type { VegaLiteSpec } from './report-specs.js';

/** The parts of vega's API the report uses. */
interface VegaModule {
  readonly View: new (runtime: unknown, options: { renderer: 'none'; logLevel?: number; logger?: unknown }) => VegaView;
  parse(spec: unknown, config?: unknown, options?: unknown): unknown;
  logger(level?: number): unknown;
  readonly Error: number;
}

interface VegaView {
  toSVG(scaleFactor?: number): Promise<string>;
  finalize(): void;
}

/** The parts of vega-lite's API the report uses. */
interface VegaLiteModule {
  compile(spec: unknown, options?: { logger?: unknown }): { spec: unknown };
}

const INSTALL = 'npm install vega@6 vega-lite@6';

/** Loads vega and vega-lite (once), or says what to install. */
async function loadVega(api: string): Promise<{ vega: VegaModule; vl: VegaLiteModule }> {
  const [vega, vl] = await Promise.all([importOptional<VegaModule>('vega', api, INSTALL), importOptional<VegaLiteModule>('vega-lite', api, INSTALL)]);
  return { vega, vl };
}

/**
 * Renders a vega-lite spec (data inline) to a standalone SVG document, in Node, without a
 * browser or canvas. vega and vega-lite are optional dependencies, loaded on the first call; a
 * missing one is a `dependency` {@link PliantError} that says `npm install vega@6 vega-lite@6`.
 * A spec vega-lite cannot compile is an `argument` error.
 *
 * ```ts
 * const svg = await renderSvg(historySpec(reportData(result))!);
 * ```
 */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const api = 'renderSvg';
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec))
    throw new PliantError(api, 'argument', `renderSvg takes a vega-lite spec (an object), found ${describeThrown(spec)}`);
  const { vega, vl } = await loadVega(api);
  const logger = vega.logger(vega.Error);
  let compiled: unknown;
  try {
    compiled = vl.compile(spec, { logger }).spec;
  } catch (error) {
    throw new PliantError(api, 'argument', `vega-lite cannot compile the spec: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logger });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
