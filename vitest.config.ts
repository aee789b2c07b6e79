import { defineConfig } from 'vitest/config';

// Files that need a module graph of their own: they mock modules (`vi.mock`) or test what a
// module does the first time it is loaded (`loadTf` picks and logs a backend once per process).
const isolated = ['test/unit/cli/search-flags.test.ts', 'test/unit/tf/load-tf.test.ts', 'test/unit/tf/backend.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    // Vitest's default is one worker fewer than the CPUs: a single worker on this project's
    // 2-core machines. Most of the slow files wait on child processes, Redis or the file system,
    // so two run side by side without starving each other.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        // Every other file shares its worker's module graph with the files before it: loading the
        // library once per worker instead of once per file takes about a third off the suite's time
        // (import was 150 of 480 s). Tests must therefore leave no state behind that another file
        // could see (environment variables, registered classes, a chosen backend): the suite is
        // also run with `--sequence.shuffle` to find any that do.
        test: { name: 'shared', include: ['test/**/*.test.ts'], exclude: isolated, isolate: false },
      },
      { extends: true, test: { name: 'isolated', include: isolated, isolate: true } },
    ],
  },
});
