import path from 'node:path';
import { defineConfig } from 'vitest/config';

const root = path.dirname(new URL(import.meta.url).pathname);

export default defineConfig({
  resolve: {
    alias: {
      '@': root,
      // `server-only` throws outside Next's react-server build; tests import server code directly.
      'server-only': path.join(root, 'tests/helpers/server-only.ts'),
    },
  },
  test: {
    // chdb must not load in a worker thread (it crashes at exit), and holds one data directory per
    // process: forks give each test file its own process and its own fresh store.
    pool: 'forks',
    isolate: true,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['{server,lib,components,sdk,sim,scripts}/**/*.test.ts'], testTimeout: 20_000 },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/browser/**/*.test.ts', 'tests/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
