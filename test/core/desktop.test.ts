/**
 * The per-desktop decisions the Electron adapters apply (electron/core/app/desktop.ts), and the real
 * D-Bus question "is a StatusNotifier host there?" asked of a private session bus.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  NOTIFICATION_TAG_MAX,
  WINDOWS_TOOLTIP_MAX,
  appMenuModel,
  appUserModelId,
  diagnosticsText,
  fitTrayTooltip,
  linuxSandboxAdvice,
  loginItemState,
  macSignatureState,
  macStartedAtLogin,
  notificationTag,
  runCommand,
  statusNotifierHost,
  trayAvailability,
  trayClickOpensDashboard,
  trayPanelTheme,
} from '../../electron/core/app/desktop';

describe('tray tooltip on Windows (128 characters with the NUL)', () => {
  const line = (i: number) => `Upstox · account-${i} — good until 03:30 (log in after 03:30)`;
  it('keeps whole lines and says how many accounts it left out', () => {
    const tooltip = ['TokenTray: 2 need you', ...Array.from({ length: 8 }, (_, i) => line(i))].join(
      '\n',
    );
    const fitted = fitTrayTooltip('win32', tooltip);
    expect(fitted.length).toBeLessThanOrEqual(WINDOWS_TOOLTIP_MAX);
    expect(fitted.startsWith('TokenTray: 2 need you\n')).toBe(true);
    const kept = fitted.split('\n').slice(1, -1).length;
    expect(fitted.endsWith(`+${8 - kept} more — open TokenTray`)).toBe(true);
    for (const l of fitted.split('\n').slice(0, -1)) expect(tooltip.split('\n')).toContain(l);
  });
  it('cuts a single over-long line with an ellipsis', () => {
    const fitted = fitTrayTooltip('win32', 'x'.repeat(400));
    expect(fitted.length).toBeLessThanOrEqual(WINDOWS_TOOLTIP_MAX);
    expect(fitted).toContain('…');
  });
  it('leaves tooltips alone elsewhere and when they fit', () => {
    const long = 'y'.repeat(400);
    expect(fitTrayTooltip('linux', long)).toBe(long);
    expect(fitTrayTooltip('darwin', long)).toBe(long);
    expect(fitTrayTooltip('win32', 'TokenTray: all ready')).toBe('TokenTray: all ready');
  });
});

describe('notification tags (Windows: at most 64 characters)', () => {
  it('keeps short ids and shortens long ones to a stable, distinct digest', () => {
    expect(notificationTag('main:token')).toBe('main:token');
    const long = `${'a'.repeat(63)}:refresh-token`;
    const other = `${'a'.repeat(63)}:token`;
    expect(notificationTag(long).length).toBeLessThanOrEqual(NOTIFICATION_TAG_MAX);
    expect(notificationTag(long)).toBe(notificationTag(long));
    expect(notificationTag(long)).not.toBe(notificationTag(other));
  });
});

describe('panel colour and clicks', () => {
  it('reads the panel, not the app theme, where Electron can tell it', () => {
    const lightAppDarkTaskbar = {
      shouldUseDarkColors: false,
      shouldUseDarkColorsForSystemIntegratedUI: true,
    };
    expect(trayPanelTheme('win32', {}, lightAppDarkTaskbar)).toBe('dark');
    expect(trayPanelTheme('darwin', {}, lightAppDarkTaskbar)).toBe('dark');
  });
  it('GNOME and Ubuntu top bars are dark whatever the theme; KDE follows the theme', () => {
    const light = { shouldUseDarkColors: false };
    expect(trayPanelTheme('linux', { XDG_CURRENT_DESKTOP: 'ubuntu:GNOME' }, light)).toBe('dark');
    expect(trayPanelTheme('linux', { XDG_CURRENT_DESKTOP: 'KDE' }, light)).toBe('light');
    expect(
      trayPanelTheme('linux', { XDG_CURRENT_DESKTOP: 'KDE' }, { shouldUseDarkColors: true }),
    ).toBe('dark');
  });
  it('a left click opens the dashboard on Windows and Linux (KDE), not on macOS', () => {
    expect(trayClickOpensDashboard('win32')).toBe(true);
    expect(trayClickOpensDashboard('linux')).toBe(true);
    expect(trayClickOpensDashboard('darwin')).toBe(false);
  });
  it('development runs do not share the installed app’s AppUserModelID', () => {
    expect(appUserModelId(true)).toBe('in.tokentray.app');
    expect(appUserModelId(false)).not.toBe(appUserModelId(true));
  });
});

describe('tray availability on Linux', () => {
  it('no StatusNotifier host on GNOME: no tray, and the advice names the extension', () => {
    const a = trayAvailability('linux', { XDG_CURRENT_DESKTOP: 'GNOME' }, 'absent');
    expect(a.trayVisible).toBe(false);
    expect(a.advice).toMatch(/AppIndicator/);
  });
  it('a host, an unknown answer, or another OS: the tray is used', () => {
    expect(trayAvailability('linux', {}, 'present').trayVisible).toBe(true);
    expect(trayAvailability('linux', {}, 'unknown').trayVisible).toBe(true);
    expect(trayAvailability('win32', {}, 'absent').trayVisible).toBe(true);
  });
});

describe('start at login shows the OS state', () => {
  it('macOS 13+ requires-approval: unchecked, with where to approve', () => {
    const s = loginItemState('darwin', { openAtLogin: false, status: 'requires-approval' }, true);
    expect(s).toMatchObject({ enabled: false, needsApproval: true });
    expect(s.message).toMatch(/Login Items/);
  });
  it('otherwise the OS answer, not the stored wish', () => {
    expect(
      loginItemState('darwin', { openAtLogin: false, status: 'not-registered' }, true).enabled,
    ).toBe(false);
    expect(loginItemState('win32', { openAtLogin: true }, false).enabled).toBe(true);
  });
});

describe('application menu and diagnostics', () => {
  it('every platform has Quit and Help → Open log folder / Copy diagnostics', () => {
    for (const p of ['linux', 'win32', 'darwin'] as const) {
      const items = appMenuModel(p).flatMap((s) => s.items);
      expect(items.map((i) => i.command)).toEqual(
        expect.arrayContaining(['quit', 'open-log-folder', 'copy-diagnostics']),
      );
      expect(appMenuModel(p).map((s) => s.label)).toContain('Help');
    }
  });
  it('diagnostics carry statuses and versions, never a token, path or broker text', () => {
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    const text = diagnosticsText({
      appVersion: '0.1.0',
      versions: { electron: '45.4.1', chrome: '142', node: '22.20.0' },
      platform: 'linux',
      arch: 'x64',
      osRelease: '6.1.0',
      desktop: 'GNOME',
      packaged: true,
      trayVisible: false,
      notificationsSupported: true,
      accounts: [
        {
          id: 'kite-main',
          broker: 'kite',
          status: 'revoked',
          readiness: 'broken',
          expiresAt: '2026-12-02T00:30:00.000Z',
          lastErrorKind: `revoked: token ${token} /home/me/bot/.env`,
          targets: 2,
        },
      ],
    });
    expect(text).toContain('kite-main (kite): revoked / broken');
    expect(text).toContain('last error: ?');
    expect(text).toContain('Tray icon not available');
    expect(text).not.toContain(token);
    expect(text).not.toContain('/home/me');
  });
});

describe('StatusNotifier host, asked of a real private session bus', () => {
  let bus: ChildProcess | undefined;
  let address = '';
  beforeAll(async () => {
    bus = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: bus.stdout! });
    address = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('dbus-daemon printed no address')), 10_000);
      lines.once('line', (l) => {
        clearTimeout(timer);
        resolve(l.trim());
      });
    });
  });
  afterAll(() => {
    if (bus?.pid) process.kill(bus.pid, 'SIGTERM');
  });

  it('no watcher on the bus → absent; a name the bus owns → present', async () => {
    const run = runCommand({ ...process.env, DBUS_SESSION_BUS_ADDRESS: address });
    expect(await statusNotifierHost(run)).toBe('absent');
    expect(await statusNotifierHost(run, 'org.freedesktop.DBus')).toBe('present');
  });
  it('no bus at all → unknown (the tray is then assumed to work)', async () => {
    const run = runCommand({
      ...process.env,
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/tokentray-bus',
    });
    expect(await statusNotifierHost(run)).toBe('unknown');
    expect(await statusNotifierHost(runCommand({ PATH: '/nonexistent' }))).toBe('unknown');
  });
});

describe('start-at-login detection, sandbox advice and signing (platform facts as data)', () => {
  it('macOS: the unreliable wasOpenedAtLogin is backed by "enabled and just booted"', () => {
    expect(
      macStartedAtLogin({ wasOpenedAtLogin: false, openAtLogin: true, systemUptimeSeconds: 40 }),
    ).toBe(true);
    expect(
      macStartedAtLogin({ wasOpenedAtLogin: false, openAtLogin: true, systemUptimeSeconds: 4000 }),
    ).toBe(false);
    expect(
      macStartedAtLogin({ wasOpenedAtLogin: false, openAtLogin: false, systemUptimeSeconds: 40 }),
    ).toBe(false);
    expect(
      macStartedAtLogin({ wasOpenedAtLogin: true, openAtLogin: false, systemUptimeSeconds: 9999 }),
    ).toBe(true);
  });

  it('Ubuntu 24.04+: an AppImage is told to use the .deb; a dev run gets the chrome-sandbox fix; never --no-sandbox', () => {
    const appImage = linuxSandboxAdvice({
      appImage: '/home/me/TokenTray.AppImage',
      restrictUnprivilegedUserns: '1\n',
    });
    expect(appImage).toMatch(/\.deb/);
    const dev = linuxSandboxAdvice({
      appImage: undefined,
      restrictUnprivilegedUserns: '1',
      chromeSandbox: {
        path: '/repo/node_modules/electron/dist/chrome-sandbox',
        uid: 1000,
        mode: 0o100755,
      },
    });
    expect(dev).toMatch(/sudo chown root:root .*chrome-sandbox.* sudo chmod 4755/);
    for (const text of [appImage, dev]) expect(text).not.toMatch(/--no-sandbox/);
    expect(
      linuxSandboxAdvice({
        appImage: undefined,
        restrictUnprivilegedUserns: '1',
        chromeSandbox: { path: '/x/chrome-sandbox', uid: 0, mode: 0o104755 },
      }),
    ).toBeNull();
    expect(
      linuxSandboxAdvice({ appImage: '/a.AppImage', restrictUnprivilegedUserns: '0' }),
    ).toBeNull();
    expect(
      linuxSandboxAdvice({ appImage: '/a.AppImage', restrictUnprivilegedUserns: undefined }),
    ).toBeNull();
  });

  it('reads codesign: unsigned and ad-hoc builds are told apart from Developer ID ones', () => {
    expect(
      macSignatureState(1, '/Applications/TokenTray.app: code object is not signed at all'),
    ).toBe('unsigned');
    expect(macSignatureState(0, 'Executable=/x\nSignature=adhoc\nTeamIdentifier=not set')).toBe(
      'adhoc',
    );
    expect(
      macSignatureState(
        0,
        'Authority=Developer ID Application: Someone (AB12CD34EF)\nTeamIdentifier=AB12CD34EF',
      ),
    ).toBe('signed');
    expect(macSignatureState(127, 'codesign: command not found')).toBe('unknown');
  });
});
