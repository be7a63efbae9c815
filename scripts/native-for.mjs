#!/usr/bin/env node
// keytar is a native addon built with N-API (its package.json: binary.napi_versions), so one build
// loads in Node (tests, bench) and in Electron (the app) alike: nothing is rebuilt per runtime, and
// `npm start` after `npm test` needs neither network nor compiler. This script only checks that the
// build loads, rebuilding it (for Node) when it is missing or broken:
//
//   node scripts/native-for.mjs electron   # `npm start`: keytar loads; Electron is there; sandbox ok
//   node scripts/native-for.mjs node       # `npm test`: keytar loads
//
// `npm start` runs this before `electron .`: where Electron's binary was never downloaded (installed
// with ELECTRON_SKIP_BINARY_DOWNLOAD=1, or no access to Electron's downloads), it says so and what
// still works, instead of Electron's own "delete node_modules/electron" (exit code 3).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(join(root, 'package.json'));
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

/**
 * Ubuntu 24.04+ (kernel.apparmor_restrict_unprivileged_userns=1) aborts `electron .` unless
 * chrome-sandbox is root-owned and setuid: say so before Electron's FATAL line. The same rule as
 * electron/core/app/desktop.ts linuxSandboxAdvice (which the app itself applies); TokenTray never runs
 * without its sandbox.
 */
function checkLinuxSandbox() {
  if (process.platform !== 'linux') return;
  let restricted;
  try {
    restricted = readFileSync(
      '/proc/sys/kernel/apparmor_restrict_unprivileged_userns',
      'utf8',
    ).trim();
  } catch {
    return;
  }
  if (restricted !== '1') return;
  const helper = join(root, 'node_modules', 'electron', 'dist', 'chrome-sandbox');
  if (!existsSync(helper)) return;
  const st = statSync(helper);
  if (st.uid === 0 && (st.mode & 0o4000) !== 0) return;
  console.error(
    [
      '',
      'npm start: this system (Ubuntu 24.04 or later) blocks the sandbox Electron needs for development runs.',
      `Once: sudo chown root:root '${helper}' && sudo chmod 4755 '${helper}'`,
      'then npm start again. (TokenTray does not run without its sandbox.)',
      '',
    ].join('\n'),
  );
  process.exit(4);
}

const target = process.argv[2];
if (target === 'electron') {
  if (electronBinary() === null) {
    explainMissingElectron();
    process.exit(3);
  }
  // keytar is an N-API addon (its package.json: binary.napi_versions): one build loads in Node and in
  // Electron alike, so nothing is rebuilt per runtime. Only a missing or broken build is rebuilt.
  if (!loadsInNode()) {
    console.log(
      'native-for: keytar does not load; building it once (N-API: serves Node and Electron)…',
    );
    run(npm, ['rebuild', 'keytar']);
  }
  checkLinuxSandbox();
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
} else {
  console.error('usage: node scripts/native-for.mjs electron|node');
  process.exit(2);
}
