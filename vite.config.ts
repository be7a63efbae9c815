import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

/**
 * Builds the renderer (React dashboard) into dist/renderer. `base: './'` because Electron loads it from
 * files (app://-less file loading), never from a dev server in production.
 */
export default defineConfig({
  root: fileURLToPath(new URL('./renderer', import.meta.url)),
  base: './',
  plugins: [react()],
  resolve: {
    alias: {
      '@shared': fileURLToPath(new URL('./shared', import.meta.url)),
      // The page needs the broker rules in one fixed-offset zone (IST): a tested subset of Luxon's
      // DateTime instead of Luxon and its zone database (renderer/lib/luxon-ist.ts, ~23 KB gzip less).
      // Main, the CLI and every Node test keep real Luxon.
      luxon: fileURLToPath(new URL('./renderer/lib/luxon-ist.ts', import.meta.url)),
    },
  },
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'chrome130',
    sourcemap: false,
    rollupOptions: {
      input: {
        index: fileURLToPath(new URL('./renderer/index.html', import.meta.url)),
        demo: fileURLToPath(new URL('./renderer/demo.html', import.meta.url)),
      },
    },
  },
});
