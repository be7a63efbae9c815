#!/usr/bin/env node
// `tokentray` on PATH / `npx tokentray`: runs the built CLI (dist-electron/cli.js, made by
// `npm run build`); in a source checkout without a build, runs electron/cli/entry.ts through tsx.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist-electron/cli.js', import.meta.url);
if (existsSync(fileURLToPath(built))) {
  await import(built.href);
} else {
  const source = fileURLToPath(new URL('../electron/cli/entry.ts', import.meta.url));
  const r = spawnSync(process.execPath, ['--import', 'tsx', source, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exitCode = r.status ?? 2;
}
