import { defineConfig } from 'vitest/config';

const AZURE_FUNCTIONS_TEST_MODE =
  /^WARNING: (Failed to detect the Azure Functions runtime|Skipping call to register function "[^"]+" because the "@azure\/functions" package is in test mode)/;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // ONNX sessions and sharp already use native threads; two cores run out fast.
    pool: 'forks',
    maxWorkers: 2,
    // Importing functions/*.ts registers triggers with @azure/functions, which, outside the
    // Functions host, warns that it runs in test mode (and skips each registration). That is
    // exactly how the tests use it (they call the handlers), so those two notices are dropped;
    // every other console output is kept.
    onConsoleLog: (log) => !AZURE_FUNCTIONS_TEST_MODE.test(log),
  },
});
