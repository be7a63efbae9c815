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
//
// `npm start` runs this before `electron .`: where Electron's binary was never downloaded (installed
// with ELECTRON_SKIP_BINARY_DOWNLOAD=1, or no access to Electron's downloads), it says so and what
// still works, instead of Electron's own "delete node_modules/electron" (exit code 3).
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

/** Where Electron's binary is, or null when it was never downloaded (electron/index.js's rule). */
function electronBinary() {
  const dir = join(root, 'node_modules', 'electron');
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) return process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

function explainMissingElectron() {
  const version = existsSync(join(root, 'node_modules', 'electron', 'package.json'))
    ? electronVersion()
    : '(not installed)';
  console.error(
    [
      '',
      `npm start: Electron ${version}'s own program is not on this machine, so the desktop app cannot start here.`,
      '',
      'That is expected where Electron cannot be downloaded (an install with',
      'ELECTRON_SKIP_BINARY_DOWNLOAD=1, or no access to github.com / Electron mirrors, as on CI machines).',
      'Everything else works without it:',
      '  npm test         every check and test',
      '  npm run demo     the dashboard in your browser with pretend accounts',
      '  npm run bench    the measured figures',
      '',
      'To run the app, on a desktop machine that can reach Electron downloads:',
      '  node node_modules/electron/install.js   (downloads the binary; or run `npm install` there)',
      '  npm start',
      `Node ${process.versions.node} is running this; Electron ${version}'s tooling asks for Node >= 22.12 (README: "Node version").`,
      '',
    ].join('\n'),
  );
}

const target = process.argv[2];
if (target === 'electron') {
  if (electronBinary() === null) {
    explainMissingElectron();
    process.exit(3);
  }
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
