import { defineConfig } from 'vitest/config';

// Two projects: `unit` (unit and component tests next to the code, tests of benchmark helpers, plus integration tests that
// start their own nats-server/redis-server) and `e2e` (multi-process scenarios under test/).
export default defineConfig({
  resolve: { conditions: ['@svclab/source'] },
  ssr: { resolve: { conditions: ['@svclab/source'] } },
  test: {
    setupFiles: ['./vitest.setup.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'apps/*/bench/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
