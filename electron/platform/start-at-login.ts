/**
 * "Start at login" for each desktop:
 * - macOS, Windows: `app.setLoginItemSettings` (Electron docs; darwin and win32 only). Windows gets the
 *   `--hidden` argument, so a login start stays in the tray; macOS reports `wasOpenedAtLogin` instead.
 * - Linux: an XDG autostart entry (core/app/autostart-entry.ts) in `<config>/autostart/` — the folder
 *   Electron calls `appData` on Linux ($XDG_CONFIG_HOME or ~/.config). An AppImage registers
 *   $APPIMAGE (the stable file), not the temporary mount its process runs from.
 * In development (`electron .`) the app folder is passed along, or the entry would start bare Electron.
 * - macOS 13+: the OS may hold the login item for approval and `wasOpenedAtLogin` is unreliable;
 *   `state()` reports the OS's truth (core/app/desktop.ts loginItemState) and the login start is
 *   detected with macStartedAtLogin.
 * - Ubuntu 24.04+: an AppImage registered at login would abort on the sandbox: refused with the fix.
 */
import { app } from 'electron';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { uptime } from 'node:os';
import { join } from 'node:path';
import {
  linuxSandboxAdvice,
  loginItemState,
  macStartedAtLogin,
  type LoginItemState,
} from '../core/app/desktop';
import {
  AUTOSTART_FILE_NAME,
  HIDDEN_FLAG,
  autostartDesktopEntry,
  startedHidden,
} from '../core/app/autostart-entry';
import type { Logger } from '../core/ports';

export interface StartAtLogin {
  set(enabled: boolean): Promise<void>;
  /** Whether this run was started by the login item (so the dashboard stays closed). */
  readonly launchedHidden: boolean;
  /** What the OS says now, given what the user asked for. */
  state(wanted: boolean): LoginItemState;
}

function readSysctl(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export function createStartAtLogin(
  logger: Logger,
  platform: NodeJS.Platform = process.platform,
): StartAtLogin {
  const devArgs = app.isPackaged ? [] : [app.getAppPath()];
  const macLogin = (): boolean => {
    const s = app.getLoginItemSettings();
    return macStartedAtLogin({
      wasOpenedAtLogin: s.wasOpenedAtLogin,
      openAtLogin: s.openAtLogin,
      systemUptimeSeconds: uptime(),
    });
  };
  const launchedHidden = startedHidden(process.argv, platform === 'darwin' ? macLogin() : false);
  const linuxFile = () => join(app.getPath('appData'), 'autostart', AUTOSTART_FILE_NAME);

  async function setLinux(enabled: boolean): Promise<void> {
    const file = linuxFile();
    const dir = join(file, '..');
    if (!enabled) {
      await rm(file, { force: true });
      return;
    }
    const advice = linuxSandboxAdvice({
      appImage: process.env.APPIMAGE,
      restrictUnprivilegedUserns: readSysctl(
        '/proc/sys/kernel/apparmor_restrict_unprivileged_userns',
      ),
    });
    if (advice) throw new Error(advice);
    await mkdir(dir, { recursive: true });
    const executable = process.env.APPIMAGE ?? process.execPath;
    await writeFile(file, autostartDesktopEntry({ executable, args: devArgs }), { mode: 0o644 });
  }

  return {
    launchedHidden,
    state(wanted) {
      if (platform === 'linux') {
        return { enabled: existsSync(linuxFile()), needsApproval: false, message: null };
      }
      const s = app.getLoginItemSettings();
      return loginItemState(platform, { openAtLogin: s.openAtLogin, status: s.status }, wanted);
    },
    async set(enabled) {
      try {
        if (platform === 'linux') await setLinux(enabled);
        else {
          app.setLoginItemSettings({
            openAtLogin: enabled,
            ...(platform === 'win32' ? { args: [...devArgs, HIDDEN_FLAG] } : {}),
          });
        }
        logger.info('start at login changed', { enabled });
      } catch (e) {
        logger.error('start at login could not be changed', {
          enabled,
          error: e instanceof Error ? e.message : String(e),
        });
        throw e;
      }
    },
  };
}
