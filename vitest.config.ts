import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // ONNX sessions and sharp already use native threads; two cores run out fast.
    pool: 'forks',
    maxWorkers: 2,
  },
});
