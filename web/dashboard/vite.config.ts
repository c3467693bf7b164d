import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Bundled by `npm run build` (scripts/build.mjs) into dist/web/dashboard; the api role serves it at /dashboard/.
export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  base: '/dashboard/',
  plugins: [react()],
  build: {
    outDir: new URL('../../dist/web/dashboard', import.meta.url).pathname,
    emptyOutDir: true,
  },
});
