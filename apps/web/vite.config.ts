import { defineConfig } from 'vite';

// Plain TypeScript and the DOM, no framework: the page is a handful of panels, and every kilobyte
// it does not ship is one the user does not download.
export default defineConfig({
  base: './',
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    // h5wasm (HDF5 in WebAssembly, ~1 MB gzip) is a lazy chunk loaded only when a file needs it
    chunkSizeWarningLimit: 6000,
    rollupOptions: {
      input: { index: 'index.html', harness: 'harness.html' },
    },
  },
  // Module workers: code-split like the page, so h5wasm stays lazy and its engine can restart there.
  worker: { format: 'es' },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
