import { defineConfig } from 'vitest/config';

// The browser tests (pnpm test:browser): one file, run alone, with generous timeouts (the machine's
// two cores are shared; Chromium and the training run are slow there).
export default defineConfig({
  test: {
    name: 'web-e2e',
    root: import.meta.dirname,
    include: ['e2e/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
