/**
 * The app's electron-store adapter (electron/platform/electron-settings-store.ts). Plain Node has no
 * Electron, so `electron` is replaced by a stand-in without an app object — electron-store then
 * needs the `cwd` we pass, exactly as in the app's tests of main. Everything else is real:
 * electron-store, conf, the file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createElectronSettingsStore } from '../../electron/platform/electron-settings-store';
import { silentLogger, type SecretStore } from '../../electron/core/ports';
import { accountConfigSchema } from '../../shared/domain';
import { tempDir } from '../export/helpers/temp-dir';

vi.mock('electron', () => ({ default: {} }));

const noSecrets: SecretStore = {
  get: () => Promise.resolve(null),
  set: () => Promise.reject(new Error('no secret should be stored here')),
  delete: () => Promise.resolve(),
  deleteAll: () => Promise.resolve(),
};

describe('electron-store settings adapter', () => {
  it('stores validated settings in <cwd>/config.json and reports a corrupt file clearly', async () => {
    const dir = tempDir();
    const store = createElectronSettingsStore({
      secrets: noSecrets,
      logger: silentLogger,
      cwd: dir,
    });
    expect(store.path).toBe(join(dir, 'config.json'));
    await store.saveAccount(
      accountConfigSchema.parse({
        id: 'kite-1',
        broker: 'kite',
        label: 'Kite',
        apiKey: 'kite-key',
        redirectUri: 'http://127.0.0.1:5055/kite/callback',
      }),
    );
    expect(JSON.parse(readFileSync(store.path, 'utf8'))).toMatchObject({
      schemaVersion: 1,
      accounts: [{ id: 'kite-1' }],
    });

    // electron-store (conf) would throw from its constructor or wipe the file; ours explains.
    writeFileSync(store.path, '{ "schemaVersion": 1, ');
    const reopened = createElectronSettingsStore({
      secrets: noSecrets,
      logger: silentLogger,
      cwd: dir,
    });
    await expect(reopened.listAccounts()).rejects.toThrow(
      /cannot be used: it is not valid JSON \(line 1, column 23\)/,
    );
    expect(readFileSync(store.path, 'utf8')).toBe('{ "schemaVersion": 1, ');
  });
});

describe('a settings path electron-store must not open', () => {
  it('a named pipe or a folder at config.json is refused from stat alone, with what to do', async () => {
    const { settingsPathProblem } = await import('../../electron/core/settings/settings-backend');
    const { execFileSync } = await import('node:child_process');
    const { mkdirSync } = await import('node:fs');
    const fifoDir = tempDir();
    // A real FIFO: opening it would block; stat does not.
    execFileSync('mkfifo', [join(fifoDir, 'config.json')]);
    expect(settingsPathProblem(join(fifoDir, 'config.json'))).toMatch(
      /not a regular file \(a named pipe\): remove it/,
    );
    expect(settingsPathProblem(join(tempDir(), 'config.json'))).toBeNull();

    // The adapter asks before electron-store (conf) would read the path.
    const folderDir = tempDir();
    mkdirSync(join(folderDir, 'config.json'));
    expect(() =>
      createElectronSettingsStore({ secrets: noSecrets, logger: silentLogger, cwd: folderDir }),
    ).toThrow(
      /config\.json is not a regular file \(a folder\): remove it, then start TokenTray again/,
    );
  });
});
