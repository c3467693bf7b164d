import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Bundled by `npm run build` into dist/web/demo, which the api role serves at /demo/ (apps/api/src/web-apps.ts).
export default defineConfig({
  root: here('.'),
  base: '/demo/',
  resolve: {
    // The SDK from source: the bundle inlines it and the pure libs it imports (world mirror, codec, event names).
    alias: { '@spawnpoint/sdk': here('../../libs/sdk/src/index.ts') },
  },
  build: {
    outDir: here('../../dist/web/demo'),
    emptyOutDir: true,
  },
});
