import { defineConfig, type Alias } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

/**
 * The renderer is written and typed against React's API (@types/react), but the bundle ships Preact
 * through `preact/compat`: issue 11's first-paint budget is 60 KB gzip and react-dom alone is ~67 KB.
 * Exact matches only, so nothing else that starts with "react" is redirected. The JSX runtime goes to
 * compat's, which loads compat (className, onChange → input events, …) before the first element.
 * Exported for the renderer's jsdom tests (vitest.config.ts), so they run against what ships.
 */
export const preactCompatAliases: Alias[] = [
  { find: /^react$/, replacement: 'preact/compat' },
  { find: /^react-dom$/, replacement: 'preact/compat' },
  { find: /^react-dom\/client$/, replacement: 'preact/compat/client' },
  { find: /^react-dom\/test-utils$/, replacement: 'preact/test-utils' },
  { find: /^react\/jsx-runtime$/, replacement: 'preact/compat/jsx-runtime' },
  { find: /^react\/jsx-dev-runtime$/, replacement: 'preact/compat/jsx-dev-runtime' },
];

/**
 * Builds the renderer (React dashboard) into dist/renderer. `base: './'` because Electron loads it from
 * files (app://-less file loading), never from a dev server in production.
 */
export default defineConfig(({ command }) => ({
  root: fileURLToPath(new URL('./renderer', import.meta.url)),
  base: './',
  plugins: [react()],
  resolve: {
    alias: [
      { find: '@shared', replacement: fileURLToPath(new URL('./shared', import.meta.url)) },
      // The page needs the broker rules in one fixed-offset zone (IST): a tested subset of Luxon's
      // DateTime instead of Luxon and its zone database (renderer/lib/luxon-ist.ts, ~23 KB gzip less).
      // Main, the CLI and every Node test keep real Luxon.
      {
        find: /^luxon$/,
        replacement: fileURLToPath(new URL('./renderer/lib/luxon-ist.ts', import.meta.url)),
      },
      // Built bundles (the app, the demo, the browser tests, the bench) ship Preact. The dev server
      // (`vite`) keeps React, whose Fast Refresh the React plugin needs.
      ...(command === 'build' ? preactCompatAliases : []),
    ],
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
}));
