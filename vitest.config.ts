import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { preactCompatAliases } from './vite.config';

/**
 * Three projects: plain-Node tests (core, shared, integration with the broker simulator, real keychain,
 * real files), jsdom component tests for the renderer, and browser tests that drive Debian's Chromium
 * through playwright-core against the built renderer.
 */
export default defineConfig({
  plugins: [react()],
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/browser/**'],
          testTimeout: 20_000,
          server: { deps: { inline: ['electron-store'] } },
        },
      },
      {
        extends: true,
        test: {
          name: 'dom',
          environment: 'jsdom',
          include: ['test/renderer/**/*.test.tsx'],
          setupFiles: ['test/renderer/setup.ts'],
          // Testing Library is bundled through Vite (not loaded by Node) so the aliases below reach
          // its own `react`/`react-dom` imports too: one Preact, no React, as in the shipped bundle.
          server: { deps: { inline: [/@testing-library\/(react|dom|user-event)/] } },
        },
        // The components render with preact/compat, what the built renderer ships (vite.config.ts).
        resolve: { alias: preactCompatAliases, mainFields: ['module', 'main'] },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          environment: 'node',
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
