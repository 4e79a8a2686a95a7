import { configDefaults, defineConfig } from 'vitest/config';

// Tests that start worker processes (and the topology test's four) run last, one file at a time:
// sharing the two cores with other test files made their timings (takeover, shutdown) flaky.
// They run on PostgreSQL only; on the embedded database they are skipped.
const PROCESSES = ['test/topology.test.ts', 'src/mail/mail-workers.test.ts', 'src/modules/imports/import-twice.test.ts'];

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    isolate: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ['default', 'json'],
    outputFile: { json: '../.reports/server.json' },
    projects: [
      {
        extends: true,
        test: {
          name: 'server',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...PROCESSES],
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      { extends: true, test: { name: 'processes', include: PROCESSES, maxWorkers: 1, sequence: { groupOrder: 1 } } },
    ],
  },
});
