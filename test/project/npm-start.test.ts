/**
 * `npm start` where Electron's binary was never downloaded (CI, ELECTRON_SKIP_BINARY_DOWNLOAD=1):
 * scripts/native-for.mjs, which `npm start` runs before `electron .`, explains what is missing and
 * what still works, instead of Electron's own "delete node_modules/electron".
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const hasBinary = existsSync(join(root, 'node_modules', 'electron', 'path.txt'));

describe('npm start without an Electron binary', () => {
  it.skipIf(hasBinary)('explains itself and names what works instead', () => {
    const env = { ...process.env };
    delete env.ELECTRON_OVERRIDE_DIST_PATH;
    const r = spawnSync(process.execPath, ['scripts/native-for.mjs', 'electron'], {
      cwd: root,
      env,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/Electron [\d.]+'s own program is not on this machine/);
    expect(r.stderr).toContain('npm run demo');
    expect(r.stderr).toContain('node node_modules/electron/install.js');
    expect(r.stderr).toContain('Node >= 22.12');
    expect(r.stderr + r.stdout).not.toContain('delete `node_modules/electron`');
    // It stopped before trying to rebuild keytar for an Electron that is not there.
    expect(r.stdout).not.toContain('building keytar');
  });
});
