/**
 * "Start at login" for each desktop:
 * - macOS, Windows: `app.setLoginItemSettings` (Electron docs; darwin and win32 only). Windows gets the
 *   `--hidden` argument, so a login start stays in the tray; macOS reports `wasOpenedAtLogin` instead.
 * - Linux: an XDG autostart entry (core/app/autostart-entry.ts) in `<config>/autostart/` — the folder
 *   Electron calls `appData` on Linux ($XDG_CONFIG_HOME or ~/.config). An AppImage registers
 *   $APPIMAGE (the stable file), not the temporary mount its process runs from.
 * In development (`electron .`) the app folder is passed along, or the entry would start bare Electron.
 */
import { app } from 'electron';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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
}

export function createStartAtLogin(
  logger: Logger,
  platform: NodeJS.Platform = process.platform,
): StartAtLogin {
  const devArgs = app.isPackaged ? [] : [app.getAppPath()];
  const launchedHidden = startedHidden(
    process.argv,
    platform === 'darwin' ? app.getLoginItemSettings().wasOpenedAtLogin : false,
  );

  async function setLinux(enabled: boolean): Promise<void> {
    const dir = join(app.getPath('appData'), 'autostart');
    const file = join(dir, AUTOSTART_FILE_NAME);
    if (!enabled) {
      await rm(file, { force: true });
      return;
    }
    await mkdir(dir, { recursive: true });
    const executable = process.env.APPIMAGE ?? process.execPath;
    await writeFile(file, autostartDesktopEntry({ executable, args: devArgs }), { mode: 0o644 });
  }

  return {
    launchedHidden,
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
