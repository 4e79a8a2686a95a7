import { defineConfig } from 'vitest/config';

/** Browser flows against the real server and the built app (run `vite build` first). */
export default defineConfig({
  test: {
    name: 'browser',
    environment: 'node',
    include: ['e2e/**/*.test.ts'],
    globalSetup: ['e2e/global-setup.ts'],
    fileParallelism: false,
    // One retry: a whole browser flow on a loaded 2-core machine can miss a timing once; a real break fails twice.
    retry: 1,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    reporters: ['default', 'json'],
    outputFile: { json: '../.reports/browser.json' },
  },
});
