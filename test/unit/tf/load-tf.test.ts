import { afterEach, describe, expect, it, vi } from 'vitest';

// This file loads pliant afresh (vi.resetModules + dynamic imports), so TensorFlow.js is not
// loaded yet in the modules it tests, whatever other test files did in this worker.
async function fresh() {
  vi.resetModules();
  const core = await import('../../../src/index.js');
  const tfMod = await import('../../../src/tf/load-tf.js');
  const { layers } = await import('../../../src/tf/layers.js');
  const { sequential } = await import('../../../src/tf/sequential.js');
  const { optimizers } = await import('../../../src/tf/optimizers.js');
  return { ...core, ...tfMod, layers, sequential, optimizers };
}

const saved = process.env.PLIANT_TF_BACKEND;
afterEach(() => {
  if (saved === undefined) delete process.env.PLIANT_TF_BACKEND;
  else process.env.PLIANT_TF_BACKEND = saved;
});

describe('loadTf', () => {
  it('build before loadTf is a clear error naming loadTf; after it, the same tree builds', async () => {
    const p = await fresh();
    expect(p.tfBackend()).toBeUndefined();
    const model = p.sequential({ layers: [p.layers.dense({ inputShape: [3], units: 2 })] });
    for (const tree of [model, p.layers.conv2d({ filters: 1, kernelSize: 1 }), p.optimizers.adam()]) {
      let caught: unknown;
      try {
        p.build(tree);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(p.PliantError);
      expect((caught as InstanceType<typeof p.PliantError>).code).toBe('state');
      expect((caught as Error).message).toContain('await loadTf()');
    }
    expect(() => p.loadedTf('someApi')).toThrow(/^someApi: TensorFlow\.js is not loaded yet/);

    const messages: string[] = [];
    const info = await p.loadTf({ log: (m) => messages.push(m) });
    expect(['tensorflow', 'wasm']).toContain(info.backend);
    expect(p.tfBackend()).toBe(info.backend);
    expect(messages).toEqual([`pliant: TensorFlow.js backend ${info.backend} (${info.reason})`]);
    expect(await p.loadTf({ log: false })).toBe(info);
    const built = p.build(model, { seed: 1 });
    const out = info.tf.tidy(() => (built.predict(info.tf.ones([1, 3])) as { shape: number[] }).shape);
    expect(out).toEqual([1, 2]);
    built.dispose();
  });

  it('rejects an unknown backend, also from PLIANT_TF_BACKEND', async () => {
    const p = await fresh();
    await expect(p.loadTf({ backend: 'gpu' as never, log: false })).rejects.toThrow(/loadTf: unknown backend 'gpu'/);
    process.env.PLIANT_TF_BACKEND = 'metal';
    await expect(p.loadTf({ log: false })).rejects.toThrow(/unknown backend 'metal' \(from PLIANT_TF_BACKEND\)/);
    expect(p.tfBackend()).toBeUndefined();
  });

  it('switches to a forced backend, and fails clearly when a forced backend cannot load', async () => {
    const p = await fresh();
    const first = await p.loadTf({ log: false });
    const cpu = await p.loadTf({ backend: 'cpu', log: false });
    expect(cpu.backend).toBe('cpu');
    expect(cpu.tf.getBackend()).toBe('cpu');
    if (first.backend !== 'tensorflow') {
      await expect(p.loadTf({ backend: 'tensorflow', log: false })).rejects.toThrow(/the tensorflow backend was forced but cannot load/);
      expect(p.tfBackend()).toBe('cpu');
    }
    const back = await p.loadTf({ backend: first.backend, log: false });
    expect(back.tf.getBackend()).toBe(first.backend);
  });
});
