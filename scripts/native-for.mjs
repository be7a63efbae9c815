#!/usr/bin/env node
// keytar is a native addon, and a native addon is built for one runtime: Node (tests, bench) or
// Electron (the app) have different ABIs, so a binary built for one fails to load in the other with
// "was compiled against a different Node.js version". This script makes node_modules fit the runtime
// about to use it, and does nothing when it already does:
//
//   node scripts/native-for.mjs electron   # `npm start`: rebuild for the installed Electron
//   node scripts/native-for.mjs node       # `npm test`: rebuild for this Node if needed
//
// The Electron rebuild uses electron-builder's own `install-app-deps` (it downloads Electron's
// headers, so it runs on a desktop machine, never in CI). `npm run dist` rebuilds by itself.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(join(root, 'package.json'));
const marker = join(root, 'node_modules', 'keytar', 'build', '.tokentray-runtime');
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function electronVersion() {
  return JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8'))
    .version;
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`native-for: \`${cmd} ${args.join(' ')}\` failed (exit ${r.status}).`);
    process.exit(r.status ?? 1);
  }
}

let lastError = '';

function loadsInNode() {
  try {
    require('keytar');
    return true;
  } catch (e) {
    // Built for another runtime ("NODE_MODULE_VERSION …") or otherwise unloadable: a rebuild is
    // the remedy; if it still fails afterwards, the error is printed below.
    if (e instanceof Error && 'code' in e && e.code === 'ERR_DLOPEN_FAILED') {
      lastError = e.message;
      return false;
    }
    throw e;
  }
}

const target = process.argv[2];
if (target === 'electron') {
  const want = `electron-${electronVersion()}`;
  if (existsSync(marker) && readFileSync(marker, 'utf8') === want) process.exit(0);
  console.log(`native-for: building keytar for Electron ${electronVersion()} (once)…`);
  run(npx, ['electron-builder', 'install-app-deps']);
  writeFileSync(marker, want);
} else if (target === 'node') {
  // Loading is the only reliable test here: `npm run dist` rebuilds node_modules for Electron too.
  if (!loadsInNode()) {
    console.log(
      'native-for: keytar does not load in Node (built for Electron?); rebuilding it for Node…',
    );
    run(npm, ['rebuild', 'keytar']);
    if (!loadsInNode()) {
      console.error(`native-for: keytar still does not load in Node after a rebuild: ${lastError}`);
      console.error(
        'On Debian/Ubuntu: sudo apt install libsecret-1-dev pkg-config build-essential',
      );
      process.exit(1);
    }
  }
  writeFileSync(marker, `node-${process.versions.modules}`);
} else {
  console.error('usage: node scripts/native-for.mjs electron|node');
  process.exit(2);
}
