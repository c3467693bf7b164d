import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The publishable bundle (`npm run build` in libs/sdk): one ES module with the pure libs the SDK
// imports from the monorepo (world mirror and codec, event names, error codes) inlined; its two
// runtime dependencies stay imports.
export default defineConfig({
  build: {
    lib: { entry: here('src/index.ts'), formats: ['es'], fileName: 'index' },
    outDir: here('dist'),
    emptyOutDir: true,
    minify: false,
    sourcemap: true,
    rollupOptions: { external: ['openapi-fetch', 'socket.io-client'] },
  },
});
