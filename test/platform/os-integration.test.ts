/**
 * The small OS adapters against a recording fake: save dialog and file manager (shell.ts), the
 * the clipboard (clipboard.ts), start at login
 * (start-at-login.ts, with a real autostart file on Linux) and power events (power.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../electron/core/ports';
import { tempDir } from '../export/helpers/temp-dir';
import { fake, resetFake } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).electronModule());

const { createElectronShell } = await import('../../electron/platform/shell');
const { createElectronClipboard } = await import('../../electron/platform/clipboard');
const { createStartAtLogin } = await import('../../electron/platform/start-at-login');
const { watchPower } = await import('../../electron/platform/power');

beforeEach(() => {
  resetFake();
});
afterEach(() => {
  vi.useRealTimers();
});

function shell() {
  const calls: string[] = [];
  const port = createElectronShell({
    parentWindow: () => null,
    openDashboard: () => calls.push('dashboard'),
    setStartAtLogin: (on) => calls.push(`login:${on}`),
    quit: () => calls.push('quit'),
  });
  return { port, calls };
}

describe('shell', () => {
  it('asks for the .env file with a save dialog that shows hidden files; null when cancelled', async () => {
    const { port } = shell();
    expect(await port.chooseEnvFile('.env.bot')).toBe('/home/me/bot/.env');
    const [args] = fake.saveDialogs as unknown[][];
    expect(args?.[0]).toMatchObject({
      defaultPath: '.env.bot',
      properties: expect.arrayContaining(['showHiddenFiles', 'createDirectory']) as unknown,
    });
    fake.saveDialogResult = { canceled: true };
    expect(await port.chooseEnvFile()).toBeNull();
  });

  it('shows an existing export file in its folder, opens the folder of one not written yet', async () => {
    const { port } = shell();
    const dir = tempDir();
    const file = join(dir, '.env');
    await port.showInFolder(file);
    expect(fake.openedPaths).toEqual([dir]);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, 'A=1\n');
    await port.showInFolder(file);
    expect(fake.shownInFolder).toEqual([file]);
    await expect(port.showInFolder('relative/.env')).rejects.toMatchObject({ kind: 'config' });
    // A missing folder is refused before anything is opened (core/policy/reveal-path.ts).
    await expect(port.showInFolder('/no/such/dir/.env')).rejects.toThrow(/does not exist/);
    // A folder the OS refuses to open says so.
    fake.openPathResult = 'Folder not found';
    await expect(port.showInFolder(join(dir, 'other.env'))).rejects.toThrow(
      /Could not open the folder/,
    );
  });

  it('never hands a file to openPath: a path "inside" an executable is refused', async () => {
    const { port } = shell();
    const dir = tempDir();
    const { writeFileSync } = await import('node:fs');
    const exe = join(dir, 'calc.exe');
    writeFileSync(exe, 'MZ');
    await expect(port.showInFolder(join(exe, 'x.env'))).rejects.toMatchObject({ kind: 'config' });
    expect(fake.openedPaths).toEqual([]);
  });

  it('hands dashboard, start-at-login and quit to main', () => {
    const { port, calls } = shell();
    port.openDashboard();
    port.setStartAtLogin(true);
    port.quit();
    expect(calls).toEqual(['dashboard', 'login:true', 'quit']);
  });
});

describe('clipboard', () => {
  it('reads and writes the system clipboard', async () => {
    const clip = createElectronClipboard();
    await clip.writeText('eyJ-token');
    expect(fake.clipboardText).toBe('eyJ-token');
    fake.clipboardText = 'something the user copied';
    expect(await clip.readText()).toBe('something the user copied');
    await clip.writeText('');
    expect(fake.clipboardText).toBe('');
  });
});

describe('start at login', () => {
  it('Linux: writes and removes an XDG autostart entry that starts hidden', async () => {
    const config = tempDir();
    fake.app.paths.appData = config;
    fake.app.isPackaged = true;
    const login = createStartAtLogin(silentLogger, 'linux');
    await login.set(true);
    const file = join(config, 'autostart', 'tokentray.desktop');
    const entry = readFileSync(file, 'utf8');
    expect(entry).toMatch(/^\[Desktop Entry\]\nType=Application\nName=TokenTray\n/);
    expect(entry).toContain(`Exec=${process.execPath} --hidden`);
    await login.set(false);
    expect(existsSync(file)).toBe(false);
    expect(fake.app.loginItems).toEqual([]);
  });

  it('Windows: a login item with --hidden; macOS: a plain login item', async () => {
    fake.app.isPackaged = true;
    fake.platform = 'win32';
    await createStartAtLogin(silentLogger, 'win32').set(true);
    fake.platform = 'darwin';
    await createStartAtLogin(silentLogger, 'darwin').set(false);
    expect(fake.app.loginItems).toEqual([
      { openAtLogin: true, args: ['--hidden'] },
      { openAtLogin: false },
    ]);
  });

  it('macOS 13+: the checkbox shows the OS state; "requires approval" says where to approve', async () => {
    fake.platform = 'darwin';
    fake.app.isPackaged = true;
    const login = createStartAtLogin(silentLogger, 'darwin');
    await login.set(true);
    fake.app.loginItemStatus = 'requires-approval';
    expect(login.state(true)).toMatchObject({ enabled: false, needsApproval: true });
    expect(login.state(true).message).toMatch(/System Settings/);
    fake.app.loginItemStatus = 'enabled';
    expect(login.state(true)).toMatchObject({ enabled: true, needsApproval: false });
  });

  it('Linux: the state is whether the autostart entry exists', async () => {
    const config = tempDir();
    fake.app.paths.appData = config;
    const login = createStartAtLogin(silentLogger, 'linux');
    expect(login.state(true).enabled).toBe(false);
    await login.set(true);
    expect(login.state(false).enabled).toBe(true);
  });

  it('in development the autostart command includes the app folder', async () => {
    const config = tempDir();
    fake.app.paths.appData = config;
    fake.app.appPath = '/home/me/src/token tray';
    await createStartAtLogin(silentLogger, 'linux').set(true);
    const entry = readFileSync(join(config, 'autostart', 'tokentray.desktop'), 'utf8');
    expect(entry).toContain(' "/home/me/src/token tray" --hidden');
  });

  it('knows when it was started hidden', () => {
    const argv = process.argv;
    try {
      process.argv = [...argv, '--hidden'];
      expect(createStartAtLogin(silentLogger, 'linux').launchedHidden).toBe(true);
      process.argv = argv.filter((a) => a !== '--hidden');
      expect(createStartAtLogin(silentLogger, 'linux').launchedHidden).toBe(false);
      fake.platform = 'darwin';
      fake.app.wasOpenedAtLogin = true;
      expect(createStartAtLogin(silentLogger, 'darwin').launchedHidden).toBe(true);
    } finally {
      process.argv = argv;
    }
  });
});

describe('power', () => {
  it('Linux: suspend, resume and shutdown; unlock-screen is never listened for (Electron emits it on macOS/Windows only)', () => {
    const events: string[] = [];
    const shutdown = vi.fn();
    const stop = watchPower((e) => events.push(e), silentLogger, shutdown, 'linux');
    expect(fake.powerMonitor.listenerCount('unlock-screen')).toBe(0);
    fake.powerMonitor.emit('suspend');
    fake.powerMonitor.emit('resume');
    fake.powerMonitor.emit('shutdown');
    expect(events).toEqual(['suspend', 'resume']);
    expect(shutdown).toHaveBeenCalledTimes(1);
    stop();
    expect(fake.powerMonitor.listenerCount('shutdown')).toBe(0);
  });

  it('macOS: passes suspend, resume and unlock-screen on, and stops listening when asked', () => {
    fake.platform = 'darwin';
    const events: string[] = [];
    const shutdown = vi.fn();
    const stop = watchPower((e) => events.push(e), silentLogger, shutdown, 'darwin');
    fake.powerMonitor.emit('suspend');
    fake.powerMonitor.emit('resume');
    fake.powerMonitor.emit('unlock-screen');
    fake.powerMonitor.emit('shutdown');
    expect(events).toEqual(['suspend', 'resume', 'unlock-screen']);
    expect(shutdown).toHaveBeenCalledTimes(1);
    stop();
    fake.powerMonitor.emit('resume');
    expect(events).toHaveLength(3);
    expect(fake.powerMonitor.listenerCount('resume')).toBe(0);
  });
});
