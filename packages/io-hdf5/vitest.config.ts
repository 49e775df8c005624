import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { name: 'io-hdf5', include: ['test/**/*.test.ts'], testTimeout: 60_000 },
});
