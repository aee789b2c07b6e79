import { describe, expect, it } from 'vitest';
import { PliantError } from '../../../src/index.js';
import { renderSvg } from '../../../src/report/render-svg.js';
import { rejection } from '../../support/error-of.js';

const spec = {
  width: 300,
  height: 120,
  title: 'three points',
  data: {
    values: [
      { x: 1, y: 2 },
      { x: 2, y: 3 },
      { x: 3, y: 1, label: '<b>&</b>' },
    ],
  },
  layer: [
    { name: 'dots', mark: 'point', encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } },
    { name: 'words', mark: 'text', encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, text: { field: 'label' } } },
  ],
};

/** The children of the SVG group of the mark named `name`. */
function mark(svg: string, name: string): string {
  return new RegExp(`<g class="mark-\\w+ role-mark ${name}_marks"[^>]*>(.*?)</g>`).exec(svg)?.[1] ?? '';
}

describe('renderSvg', () => {
  it('renders a vega-lite spec to SVG in Node, a symbol per point, text escaped', async () => {
    const svg = await renderSvg(spec);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(mark(svg, 'dots').match(/<path/g)).toHaveLength(3);
    expect(svg).toContain('three points');
    expect(svg).toContain('&lt;b&gt;&amp;&lt;/b&gt;');
    expect(svg).not.toContain('<b>');
  });

  it('renders the same SVG twice (views are independent and finalized)', async () => {
    const [a, b] = await Promise.all([renderSvg(spec), renderSvg(spec)]);
    expect(a).toBe(b);
  });

  it('rejects what is not a spec, and a spec vega-lite cannot compile, as argument errors', async () => {
    for (const bad of [null, [], 'spec'] as unknown[]) {
      const e = await rejection(renderSvg(bad as Record<string, unknown>));
      expect(e).toBeInstanceOf(PliantError);
      expect((e as PliantError).code).toBe('argument');
    }
    const e = await rejection(renderSvg({ data: { values: [] }, mark: 'no-such-mark' }));
    expect(e).toBeInstanceOf(PliantError);
    expect((e as PliantError).code).toBe('argument');
    expect((e as Error).message).toMatch(/^renderSvg: vega-lite cannot compile the spec/);
  });
});
