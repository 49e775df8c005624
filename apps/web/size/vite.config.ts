import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// A predict-only page, built on its own so its bundle can be measured (scripts/bundle-size.mjs).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  logLevel: 'warn',
  build: {
    target: 'es2022',
    outDir: fileURLToPath(new URL('../dist-size', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 6000,
    // one page per build (scripts/bundle-size.mjs sets `input` and `outDir`), so that no chunk is shared
    rollupOptions: { input: { 'predict-only': fileURLToPath(new URL('predict-only.html', import.meta.url)) } },
  },
});
