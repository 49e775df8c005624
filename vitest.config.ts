import { defineConfig } from 'vitest/config';

// One vitest project per package; each runs the TypeScript tests in its test/ folder.
const dirs = ['packages/tensor', 'packages/zip', 'packages/layers', 'packages/model', 'packages/io-json', 'packages/io-yaml', 'packages/transfer', 'packages/io-hdf5', 'packages/io-keras', 'packages/io-tfjs', 'packages/io-npy', 'packages/io-onnx', 'packages/kerasts', 'apps/cli', 'apps/examples', 'apps/web', 'tools/pack-test', 'tools/fuzz'];

export default defineConfig({
  test: {
    // says once whether the suites over the real-file corpus (../shared or KERASTS_SHARED) run
    globalSetup: ['tools/testing/global-setup.ts'],
    projects: dirs.map((root) => ({
      test: { name: root.split('/')[1], root, include: ['test/**/*.test.ts'], testTimeout: 60_000 },
    })),
  },
});
