/**
 * The fake `electron` holds adapters to Electron 45's own declarations (electron-api.ts reads
 * electron.d.ts). These tests prove it: a misspelt event, a call Electron forbids before `ready`, and a
 * platform-only member used on another platform now fail, where the old untyped emitters let them pass.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { declaredApi } from './electron-api';
import { FakeNativeImage, fake, resetFake } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).electronModule());

const electron = await import('electron');

beforeEach(() => resetFake());

describe('the fake refuses what real Electron would not do', () => {
  it('reads the declarations from the installed electron.d.ts', () => {
    expect(declaredApi('Tray').events.has('click')).toBe(true);
    expect(declaredApi('Tray').members.get('setTitle')).toEqual(['darwin']);
    expect(declaredApi('PowerMonitor').events.get('unlock-screen')).toEqual(['darwin', 'win32']);
    expect(declaredApi('App').events.has('second-instance')).toBe(true);
    expect(declaredApi('BrowserWindow').events.has('ready-to-show')).toBe(true);
  });

  it('a misspelt event name throws instead of silently never firing', () => {
    const tray = new electron.Tray(new FakeNativeImage('/x.png') as never);
    expect(() => tray.on('clik' as 'click', () => undefined)).toThrow(/no event 'clik'/);
    expect(() => electron.app.on('second-instanse' as 'ready', () => undefined)).toThrow(
      /misspelt/,
    );
    expect(() => electron.powerMonitor.on('resumed' as 'resume', () => undefined)).toThrow(
      /no event 'resumed'/,
    );
  });

  it('an event that exists only on other platforms throws on the emulated one', () => {
    fake.platform = 'linux';
    expect(() => electron.powerMonitor.on('unlock-screen', () => undefined)).toThrow(
      /darwin, win32 only, never on linux/,
    );
    fake.platform = 'win32';
    expect(() => electron.powerMonitor.on('unlock-screen', () => undefined)).not.toThrow();
  });

  it('a platform-only member throws elsewhere: Tray.setTitle is macOS only, app.dock is absent', () => {
    const tray = new electron.Tray(new FakeNativeImage('/x.png') as never);
    fake.platform = 'linux';
    expect(() => tray.setTitle('2h')).toThrow(/darwin only/);
    expect(electron.app.dock).toBeUndefined();
    fake.platform = 'darwin';
    expect(() => tray.setTitle('2h')).not.toThrow();
    expect(electron.app.dock).toBeDefined();
  });

  it('before ready: windows, trays, notifications, sessions and powerMonitor throw; after it they work', async () => {
    resetFake({ ready: false });
    expect(() => new electron.BrowserWindow({})).toThrow(/before the app is ready/);
    expect(() => new electron.Tray(new FakeNativeImage('/x.png') as never)).toThrow(
      /before the app is ready/,
    );
    expect(() => new electron.Notification({ title: 't' })).toThrow(/before the app is ready/);
    expect(() => electron.session.defaultSession).toThrow(/before the app is ready/);
    expect(() => electron.powerMonitor).toThrow(/before the app is ready/);
    expect(() => electron.protocol.registerSchemesAsPrivileged([])).not.toThrow();
    await electron.app.whenReady();
    expect(() => new electron.BrowserWindow({})).not.toThrow();
    expect(() => electron.protocol.registerSchemesAsPrivileged([])).toThrow(
      /only be used before the app is ready/,
    );
  });
});
