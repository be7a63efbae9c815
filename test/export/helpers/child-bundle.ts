/**
 * Bundles export-child.ts (and the exporter it imports) into one plain .mjs file with Vite, so the
 * crash test can start hundreds of children at ~60 ms each instead of ~300 ms through tsx. Built
 * once per test process into a world-readable temp folder (the permission test runs it as `nobody`).
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const entry = fileURLToPath(new URL('./export-child.ts', import.meta.url));

let built: Promise<{ script: string; dir: string }> | null = null;

export function childScript(): Promise<string> {
  built ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokentray-export-child-'));
    chmodSync(dir, 0o755);
    await build({
      configFile: false,
      logLevel: 'silent',
      root,
      build: {
        ssr: entry,
        outDir: dir,
        emptyOutDir: false,
        minify: false,
        target: 'node20',
        rollupOptions: { output: { format: 'es', entryFileNames: 'export-child.mjs' } },
      },
      ssr: { noExternal: true },
    });
    return { script: join(dir, 'export-child.mjs'), dir };
  })();
  return built.then((b) => b.script);
}

export async function disposeChildScript(): Promise<void> {
  if (!built) return;
  const { dir } = await built;
  built = null;
  rmSync(dir, { recursive: true, force: true });
}
