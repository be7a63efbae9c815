import { defineConfig } from 'vite';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import pkg from './package.json' with { type: 'json' };

/**
 * Builds the main process and the preload with Vite's library mode.
 * - `--mode main`    → dist-electron/main.js (ESM, like the package; electron-store 11 is ESM-only)
 * - `--mode preload` → dist-electron/preload.cjs (CommonJS: a sandboxed preload cannot be an ES module)
 * - `--mode cli`     → dist-electron/cli.js (ESM, the `tokentray` command; plain Node, no electron)
 * Main: dependencies stay external: electron-builder ships node_modules, and keytar is a native addon.
 * Preload: everything but `electron` is bundled in. A sandboxed preload's `require` knows only
 * `electron`, `events`, `timers` and `url` (Electron docs, "Process Sandboxing" → "Preload scripts"),
 * so `require('zod')` there would throw and the page would get no API at all.
 */
export default defineConfig(({ mode }) => {
  const isPreload = mode === 'preload';
  const isCli = mode === 'cli';
  const entry = fileURLToPath(
    new URL(
      isPreload
        ? './electron/preload.ts'
        : isCli
          ? './electron/cli/entry.ts'
          : './electron/main.ts',
      import.meta.url,
    ),
  );
  return {
    // `ssr` builds externalise node_modules by default; the preload must carry its dependencies.
    ...(isPreload ? { ssr: { noExternal: true } } : {}),
    build: {
      outDir: fileURLToPath(new URL('./dist-electron', import.meta.url)),
      emptyOutDir: false,
      target: 'node22',
      minify: false,
      sourcemap: true,
      ssr: true,
      lib: {
        entry,
        formats: [isPreload ? 'cjs' : 'es'],
        fileName: () => (isPreload ? 'preload.cjs' : isCli ? 'cli.js' : 'main.js'),
      },
      rollupOptions: {
        // The CLI's no-app half (standalone.ts) is a lazily loaded chunk beside cli.js.
        ...(isCli
          ? { output: { entryFileNames: 'cli.js', chunkFileNames: 'cli-[name]-[hash].js' } }
          : {}),
        external: isPreload
          ? ['electron']
          : [
              'electron',
              ...builtinModules,
              ...builtinModules.map((m) => `node:${m}`),
              ...Object.keys(pkg.dependencies),
            ].flatMap((name) => [name, new RegExp(`^${name}/`)]),
      },
    },
  };
});
