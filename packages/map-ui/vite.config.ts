/**
 * Vite build of the planning map. `pnpm --filter @beatplan/map-ui build` writes `dist/`,
 * which the API serves at `/`. Everything is bundled: no CDN, no network at run time.
 * `base: './'` keeps the asset URLs relative, so the app also works under a sub-path.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
    sourcemap: false,
  },
  server: {
    // `pnpm --filter @beatplan/map-ui dev` next to `pnpm serve` on :8080
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
