import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';
import type { ObjectiveFunction } from '../../../src/executors/executor.js';
import { loadObjective, resolveObjectiveModule } from '../../../src/executors/objective-module.js';
import { PliantError } from '../../../src/base/errors.js';
import { fakeFeedback } from './fake-feedback.js';
import { rejection } from '../../support/error-of.js';

const relative = './test/fixtures/executors/objectives.ts';
const absolute = resolve(process.cwd(), relative);
const { feedback } = fakeFeedback(1);

describe('loadObjective', () => {
  test('returns a function as is', async () => {
    const f: ObjectiveFunction = () => 1;
    expect(await loadObjective(f, 'test')).toBe(f);
  });

  test('loads the export objective of a path relative to the current directory', async () => {
    const objective = await loadObjective(relative, 'test');
    expect(await objective({ x: 4 }, feedback)).toBe(8);
  });

  test('an absolute path, a file URL string and a URL name the same module, cached', async () => {
    const a = await loadObjective(relative, 'test');
    expect(await loadObjective(absolute, 'test')).toBe(a);
    expect(await loadObjective(pathToFileURL(absolute).href, 'test')).toBe(a);
    expect(await loadObjective(pathToFileURL(absolute), 'test')).toBe(a);
    expect(await loadObjective({ module: pathToFileURL(absolute) }, 'test')).toBe(a);
  });

  test('loads a named export', async () => {
    const timed = await loadObjective({ module: relative, export: 'timed' }, 'test');
    expect(await loadObjective({ module: relative, export: 'objective' }, 'test')).not.toBe(timed);
    const result = (await timed({ ms: 1 }, feedback)) as { start: number; end: number };
    expect(result.end).toBeGreaterThanOrEqual(result.start);
  });

  test('falls back to the default export', async () => {
    const objective = await loadObjective('./test/fixtures/executors/default-objective.ts', 'test');
    expect(await objective({ x: 4 }, feedback)).toBe(5);
  });

  test('a string that is not a path is a package specifier', async () => {
    expect(resolveObjectiveModule('seedrandom', 'test')).toEqual({ specifier: 'seedrandom', export: undefined });
    const seedrandom = await loadObjective('seedrandom', 'test');
    expect(typeof seedrandom).toBe('function');
    const join = await loadObjective({ module: 'node:path', export: 'join' }, 'test');
    expect((join as unknown as (...parts: string[]) => string)('a', 'b')).toBe('a/b');
  });

  test('a module that cannot be imported is a PliantError naming the api and the module', async () => {
    const error = await rejection(loadObjective('./test/fixtures/executors/no-such-file.ts', 'someApi'));
    expect(error).toBeInstanceOf(PliantError);
    expect(error.message).toMatch(/^someApi: cannot import the objective module '.*no-such-file\.ts': /);
    const failing = await rejection(loadObjective('./test/fixtures/executors/load-error.ts', 'someApi'));
    expect(failing.message).toMatch(/^someApi: cannot import the objective module '.*load-error\.ts': fixture failed to load$/);
  });

  test('a missing export is a PliantError naming it and the exports there are', async () => {
    const error = await rejection(loadObjective({ module: relative, export: 'nope' }, 'someApi'));
    expect(error).toBeInstanceOf(PliantError);
    expect(error.message).toMatch(/^someApi: the objective module '.*objectives\.ts' has no export 'nope' \(it exports .*'timed'/);
    const neither = await rejection(loadObjective('./test/fixtures/executors/symbolic-types.ts', 'someApi'));
    expect(neither.message).toMatch(
      /^someApi: the objective module '.*symbolic-types\.ts' exports neither 'objective' nor a default export \(it exports 'Point'\)/,
    );
  });

  test('an export that is not a function is a PliantError', async () => {
    const error = await rejection(loadObjective({ module: relative, export: 'notAFunction' }, 'someApi'));
    expect(error).toBeInstanceOf(PliantError);
    expect(error.message).toMatch(/^someApi: export 'notAFunction' of the objective module '.*objectives\.ts' is not a function, found 42$/);
  });

  test('malformed sources are PliantErrors', async () => {
    for (const bad of [42, null, {}, { module: 5 }, { module: relative, export: '' }, '']) {
      const error = await rejection(loadObjective(bad as never, 'someApi'));
      expect(error).toBeInstanceOf(PliantError);
      expect((error as PliantError).code).toBe('argument');
      expect(error.message).toMatch(/^someApi: /);
    }
  });
});
