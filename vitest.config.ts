import { resolve } from 'node:path'
import { defineConfig } from 'vitest/config'

// One runner for everything. Unit tests sit next to the code (`*.test.ts`);
// integration and end-to-end tests live under tests/ and use real PGlite, real
// HTTP servers and real Chromium. They run one file at a time where they share
// ports or CPU-heavy engines (two cores here).
export default defineConfig({
  resolve: { alias: { '@shared': resolve(import.meta.dirname, 'src/shared') } },
  test: {
    testTimeout: 30_000,
    // New index databases start from a template of an empty one (pgTemplate.ts) kept in the user's
    // cache; the suite keeps its own inside the clone instead of writing to the home directory.
    env: {
      HEARTH_CACHE_DIR:
        process.env.HEARTH_CACHE_DIR ?? resolve(import.meta.dirname, 'node_modules/.cache/hearth-tests'),
    },
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['src/**/*.test.ts', 'src/**/*.test.tsx'] },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 90_000,
        },
      },
    ],
  },
})
