import { afterEach, describe, expect, it } from 'vitest';
import { loadTf, tfBackend } from '../../../src/index.js';

afterEach(() => {
  delete process.env.PLIANT_TF_BACKEND;
});

describe('loadTf', () => {
  it('picks tfjs-node when it loads, else wasm, and logs the choice with the reason', async () => {
    const lines: string[] = [];
    const info = await loadTf({ log: (m) => lines.push(m) });
    expect(['tensorflow', 'wasm']).toContain(info.backend);
    expect(info.tf.getBackend()).toBe(info.backend);
    expect(tfBackend()).toBe(info.backend);
    expect(lines).toHaveLength(1);
    // Here tfjs-node is either not installed or installed without its native binding (its install script downloads it).
    if (info.backend === 'wasm')
      expect(lines[0]).toMatch(
        /^pliant: TensorFlow\.js backend wasm \(tensorflow: @tensorflow\/tfjs-node is (not installed|installed without its native binding .*)\)$/,
      );
    // Loaded once: a second call returns the same choice without logging again.
    const again = await loadTf({ log: (m) => lines.push(m) });
    expect(again).toBe(info);
    expect(lines).toHaveLength(1);
  });

  it('can be forced (option or PLIANT_TF_BACKEND), and a forced backend that cannot load is an error', async () => {
    const cpu = await loadTf({ backend: 'cpu', log: false });
    expect(cpu.backend).toBe('cpu');
    expect(cpu.reason).toBe('forced');
    expect(cpu.tf.getBackend()).toBe('cpu');
    process.env.PLIANT_TF_BACKEND = 'wasm';
    expect((await loadTf({ log: false })).backend).toBe('wasm');
    process.env.PLIANT_TF_BACKEND = 'gpu';
    await expect(loadTf({ log: false })).rejects.toThrow(
      "loadTf: unknown backend 'gpu' (from PLIANT_TF_BACKEND): expected one of tensorflow, wasm, cpu or auto",
    );
    delete process.env.PLIANT_TF_BACKEND;
    if (tfBackend() !== 'tensorflow') {
      await expect(loadTf({ backend: 'tensorflow', log: false })).rejects.toThrow(
        /loadTf: the tensorflow backend was forced but cannot load: .+ \(npm install @tensorflow\/tfjs-node\)$/,
      );
      expect(tfBackend()).toBe('wasm');
    }
  });
});
