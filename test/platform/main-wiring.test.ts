/**
 * electron/main.ts, the composition root, run against the recording fake of Electron: the real core
 * (settings file, exporter, broker adapters, createTokenTrayApp) wired to the Electron adapters, as
 * `npm start` would wire them — minus the Electron binary. Checks that everything is registered, that
 * the dashboard can talk to main and a stranger cannot, and that quitting tears it all down.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { IPC_CHANNELS } from '../../shared/ipc-contract';
import { FakeBrowserWindow, FakeTray, fake, invokeIpc, resetFake } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).electronModule());

const repo = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
let dir: string;
const listenersBefore = process.listeners('unhandledRejection');

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  // As at a real start: nothing is ready until app.whenReady() resolves, so a call Electron forbids
  // before `ready` fails here.
  resetFake({ ready: false });
  // No session bus: the tray-host question has no answer and the tray is used (the no-tray case is
  // tested on the dashboard window and in core/app/desktop.ts).
  const bus = process.env.DBUS_SESSION_BUS_ADDRESS;
  process.env.DBUS_SESSION_BUS_ADDRESS = 'unix:path=/nonexistent/tokentray-test-bus';
  // Not tempDir(): that one is removed after each test, and this folder lives for the whole file.
  dir = mkdtempSync(join(tmpdir(), 'tokentray-main-'));
  fake.app.appPath = repo;
  fake.app.paths = {
    logs: join(dir, 'logs'),
    userData: join(dir, 'userData'),
    appData: join(dir, 'config'),
  };
  await import('../../electron/main');
  await until(
    () => FakeTray.instances[0]?.menu !== null && FakeTray.instances.length === 1,
    'the tray',
  );
  await until(() => FakeBrowserWindow.instances.length === 1, 'the dashboard');
  // The question was asked before the tray was drawn; later tests in this worker keep their bus.
  if (bus === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
  else process.env.DBUS_SESSION_BUS_ADDRESS = bus;
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  for (const l of process.listeners('unhandledRejection')) {
    if (!listenersBefore.includes(l)) process.removeListener('unhandledRejection', l);
  }
});

describe('main.ts wiring', () => {
  it('registers app:// before ready and serves the renderer from the repo in development', () => {
    expect(fake.protocol.privileged).toHaveLength(1);
    expect(fake.defaultSession.protocol.handlers.has('app')).toBe(true);
  });

  it('opens the dashboard with the built preload, on app://tokentray', () => {
    const [w] = FakeBrowserWindow.instances;
    expect(w?.options.webPreferences?.preload).toBe(join(repo, 'dist-electron', 'preload.cjs'));
    expect(w?.options.icon).toBe(join(repo, 'build', 'icons', 'app-256.png'));
    expect(w?.loaded).toEqual(['app://tokentray/index.html']);
  });

  it('draws the tray from the repo icons', () => {
    const tray = FakeTray.instances[0];
    expect(tray?.image.path.startsWith(join(repo, 'build', 'icons', 'tray'))).toBe(true);
    expect(existsSync(tray?.image.path ?? '')).toBe(true);
    expect(tray?.tooltip).toMatch(/TokenTray/);
  });

  it('logs to a file in the logs folder', () => {
    expect(existsSync(join(dir, 'logs', 'tokentray.log'))).toBe(true);
  });

  it('answers the dashboard over IPC, and only the dashboard', async () => {
    expect([...fake.ipcHandlers.keys()].sort()).toEqual([...IPC_CHANNELS].sort());
    const id = FakeBrowserWindow.instances[0]?.webContents.id ?? -1;
    const own = { webContentsId: id, frameUrl: 'app://tokentray/index.html' };
    await expect(invokeIpc('snapshot:get', own, {})).resolves.toMatchObject({ accounts: [] });
    await expect(invokeIpc('preferences:get', own, {})).resolves.toMatchObject({
      startAtLogin: false,
    });
    await expect(
      invokeIpc('snapshot:get', { webContentsId: id, frameUrl: 'https://evil.example/' }, {}),
    ).rejects.toThrow(/refused/);
  });

  it('has an application menu with Help → Open log folder and Copy diagnostics, and Quit', () => {
    const menu = fake.app.applicationMenu?.template as
      { label: string; submenu: { label?: string; click?: () => void }[] }[] | undefined;
    const help = menu?.find((m) => m.label === 'Help');
    expect(help?.submenu.map((i) => i.label)).toEqual(['Open log folder', 'Copy diagnostics']);
    const file = menu?.find((m) => m.label === 'File');
    expect(file?.submenu.some((i) => i.label === 'Quit TokenTray')).toBe(true);
  });

  it('Copy diagnostics puts a summary without secrets on the clipboard', async () => {
    const menu = fake.app.applicationMenu?.template as
      { label: string; submenu: { label?: string; click?: () => void }[] }[] | undefined;
    menu
      ?.find((m) => m.label === 'Help')
      ?.submenu.find((i) => i.label === 'Copy diagnostics')
      ?.click?.();
    await until(() => fake.clipboardText.startsWith('TokenTray '), 'the diagnostics');
    expect(fake.clipboardText).toMatch(/Accounts: 0/);
  });

  it('shows the dashboard again on a second launch', () => {
    const [w] = FakeBrowserWindow.instances;
    w?.close(); // hides
    expect(w?.isVisible()).toBe(false);
    fake.app.emit('second-instance');
    expect(w?.isVisible()).toBe(true);
  });

  it('tears everything down on quit', () => {
    fake.app.quit();
    expect(FakeTray.instances[0]?.destroyed).toBe(true);
    expect(fake.powerMonitor.listenerCount('resume')).toBe(0);
    const [w] = FakeBrowserWindow.instances;
    w?.close();
    expect(w?.isDestroyed()).toBe(true);
  });
});
