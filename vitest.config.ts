import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // Vitest's default is one worker fewer than the CPUs: a single worker on this project's
    // 2-core machines. Most of the slow files wait on child processes, Redis or the file system,
    // so two run side by side without starving each other.
    maxWorkers: 2,
  },
});
