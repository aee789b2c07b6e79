import { describe, expect, it } from 'vitest';
import { PliantError } from '../../../src/index.js';
import { importOptional } from '../../../src/base/optional-dependency.js';
import { rejection } from '../../support/error-of.js';

describe('importOptional', () => {
  it('loads an installed ES module once', async () => {
    const a = await importOptional<{ View: unknown }>('vega', 'test', 'npm install vega@6');
    const b = await importOptional<{ View: unknown }>('vega', 'test', 'npm install vega@6');
    expect(typeof a.View).toBe('function');
    expect(b).toBe(a);
  });

  it('turns a missing package into a dependency error that says what to install, and tries again next time', async () => {
    const name = 'pliant-no-such-package-for-report';
    const e = await rejection(importOptional(name, 'renderSvg', 'npm install vega@6 vega-lite@6'));
    expect(e).toBeInstanceOf(PliantError);
    expect((e as PliantError).code).toBe('dependency');
    expect(e.message).toMatch(new RegExp(`^renderSvg: renderSvg needs ${name}: npm install vega@6 vega-lite@6 \\(`));
    const again = await rejection(importOptional(name, 'renderSvg', 'npm install vega@6 vega-lite@6'));
    expect(again).not.toBe(e);
  });
});
