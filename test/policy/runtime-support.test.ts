/**
 * The small pure helpers main relies on: resource paths packaged vs development and the tray icon
 * files (resource-paths.ts), the icons themselves (scripts/make-icons.mjs --check), the wall-clock
 * jump detector (clock-jump-detector.ts) and the Linux autostart entry (autostart-entry.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TrayIconStatus } from '../../electron/core/app/app-ports';
import {
  HIDDEN_FLAG,
  autostartDesktopEntry,
  quoteExecArg,
  startedHidden,
} from '../../electron/core/app/autostart-entry';
import { ClockJumpDetector } from '../../electron/core/lifecycle/clock-jump-detector';
import { resourcePaths, trayIconFile } from '../../electron/core/app/resource-paths';

const repo = new URL('../..', import.meta.url).pathname;

describe('resource paths', () => {
  it('development: icons from the repo build/ folder, app files from the repo', () => {
    expect(resourcePaths({ isPackaged: false, resourcesPath: '/x', appPath: '/src/tt' })).toEqual({
      iconsDir: '/src/tt/build/icons',
      trayIconsDir: '/src/tt/build/icons/tray',
      appIcon: '/src/tt/build/icons/app-256.png',
      rendererDir: '/src/tt/dist/renderer',
      preload: '/src/tt/dist-electron/preload.cjs',
    });
  });

  it('packaged: icons from resources/icons (extraResources), app files from the asar', () => {
    const p = resourcePaths({
      isPackaged: true,
      resourcesPath: '/opt/TokenTray/resources',
      appPath: '/opt/TokenTray/resources/app.asar',
    });
    expect(p.trayIconsDir).toBe('/opt/TokenTray/resources/icons/tray');
    expect(p.appIcon).toBe('/opt/TokenTray/resources/icons/app-256.png');
    expect(p.rendererDir).toBe('/opt/TokenTray/resources/app.asar/dist/renderer');
    expect(p.preload).toBe('/opt/TokenTray/resources/app.asar/dist-electron/preload.cjs');
  });

  it('matches electron-builder.yml: build/icons ships as resources/icons', () => {
    const yml = readFileSync(join(repo, 'electron-builder.yml'), 'utf8');
    expect(yml).toMatch(/- from: build\/icons\s+to: icons/);
  });

  it('names an existing file (and its @2x) for every status, panel colour and platform', () => {
    const statuses: TrayIconStatus[] = ['valid', 'expiring', 'critical', 'expired', 'none'];
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      for (const theme of ['light', 'dark'] as const) {
        for (const status of statuses) {
          const file = trayIconFile(status, theme, platform);
          expect(existsSync(join(repo, 'build/icons/tray', file)), file).toBe(true);
          expect(existsSync(join(repo, 'build/icons/tray', file.replace('.png', '@2x.png')))).toBe(
            true,
          );
        }
      }
    }
    expect(trayIconFile('none', 'dark', 'darwin')).toBe('noneTemplate.png');
    expect(trayIconFile('critical', 'dark', 'darwin')).toBe('critical-dark.png');
    expect(existsSync(join(repo, 'build/icons/app-256.png'))).toBe(true);
  });

  it('the committed icons are exactly what scripts/make-icons.mjs draws', () => {
    const r = spawnSync(process.execPath, [join(repo, 'scripts/make-icons.mjs'), '--check'], {
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // The app icon is big enough for every platform's installer (macOS .icns needs 512).
    const png = readFileSync(join(repo, 'build/icon.png'));
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
  });
});

describe('ClockJumpDetector', () => {
  function clocks() {
    const c = { wall: 1_000_000, mono: 5_000 };
    const jumps: number[] = [];
    const detector = new ClockJumpDetector({
      wallNow: () => c.wall,
      monotonicNow: () => c.mono,
      onJump: (d) => jumps.push(d),
      toleranceMs: 5_000,
    });
    return { c, jumps, detector };
  }

  it('stays quiet while both clocks advance together (small drift tolerated)', () => {
    const { c, jumps, detector } = clocks();
    c.wall += 15_000;
    c.mono += 15_000;
    detector.sample();
    c.wall += 15_300;
    c.mono += 15_000;
    detector.sample();
    expect(jumps).toEqual([]);
  });

  it('reports a jump forward or back', () => {
    const { c, jumps, detector } = clocks();
    c.wall += 15_000 + 3_600_000; // the user set the clock an hour ahead
    c.mono += 15_000;
    expect(detector.sample()).toBe(3_600_000);
    c.wall += 15_000 - 7_200_000;
    c.mono += 15_000;
    detector.sample();
    expect(jumps).toEqual([3_600_000, -7_200_000]);
  });

  it('forgets a suspend once re-based at resume', () => {
    const { c, jumps, detector } = clocks();
    c.wall += 8 * 3_600_000; // asleep overnight: the monotonic clock stood still
    detector.rebase();
    c.wall += 15_000;
    c.mono += 15_000;
    detector.sample();
    expect(jumps).toEqual([]);
  });

  it('samples on its interval until stopped', () => {
    const { c, jumps } = clocks();
    let tick: (() => void) | undefined;
    let cleared = false;
    const d = new ClockJumpDetector({
      wallNow: () => c.wall,
      monotonicNow: () => c.mono,
      onJump: (x) => jumps.push(x),
      setInterval: (cb) => {
        tick = cb;
        return 1;
      },
      clearInterval: () => {
        cleared = true;
      },
    });
    d.start();
    c.wall += 60_000;
    tick?.();
    expect(jumps).toEqual([60_000]);
    d.stop();
    expect(cleared).toBe(true);
  });
});

describe('Linux autostart entry', () => {
  it('starts the app hidden', () => {
    const entry = autostartDesktopEntry({ executable: '/opt/TokenTray/tokentray' });
    expect(entry).toBe(
      [
        '[Desktop Entry]',
        'Type=Application',
        'Name=TokenTray',
        'Comment=Keeps broker API tokens fresh for your trading bots',
        'Exec=/opt/TokenTray/tokentray --hidden',
        'Terminal=false',
        'X-GNOME-Autostart-enabled=true',
        '',
      ].join('\n'),
    );
  });

  it('quotes Exec arguments by the Desktop Entry rules', () => {
    expect(quoteExecArg('/usr/bin/tokentray')).toBe('/usr/bin/tokentray');
    expect(quoteExecArg('/home/me/My Apps/TokenTray.AppImage')).toBe(
      '"/home/me/My Apps/TokenTray.AppImage"',
    );
    // `"` → \" inside quotes, then the string escape doubles the backslash: \\"
    expect(quoteExecArg('a"b')).toBe('"a\\\\"b"');
    expect(quoteExecArg('$HOME')).toBe('"\\\\$HOME"');
    expect(quoteExecArg('100%')).toBe('"100%%"');
  });

  it('recognises a login start', () => {
    expect(startedHidden(['electron', '.', HIDDEN_FLAG])).toBe(true);
    expect(startedHidden(['electron', '.'])).toBe(false);
    expect(startedHidden(['TokenTray'], true)).toBe(true);
  });
});
