/**
 * Where the app finds its files at run time, packaged or not:
 * - icons (drawn by scripts/make-icons.mjs into build/icons/) ship as electron-builder
 *   `extraResources` (`from: build/icons`, `to: icons`), i.e. outside the asar in
 *   `process.resourcesPath/icons`; in development they are read from the repo's build/icons.
 * - the renderer (dist/renderer) and the preload (dist-electron/preload.cjs) are inside the app
 *   (app.getAppPath(): the repo in development, resources/app.asar when packaged).
 * Pure, so the mapping is tested without Electron.
 */
import { join } from 'node:path';
import type { TrayIconStatus } from './app-ports';

export interface RuntimeLocation {
  /** app.isPackaged */
  readonly isPackaged: boolean;
  /** process.resourcesPath */
  readonly resourcesPath: string;
  /** app.getAppPath() */
  readonly appPath: string;
}

export interface ResourcePaths {
  readonly iconsDir: string;
  readonly trayIconsDir: string;
  /** The window icon (Linux shows it; macOS and Windows use the bundle's icon). */
  readonly appIcon: string;
  readonly rendererDir: string;
  readonly preload: string;
}

export function resourcePaths(where: RuntimeLocation): ResourcePaths {
  const iconsDir = where.isPackaged
    ? join(where.resourcesPath, 'icons')
    : join(where.appPath, 'build', 'icons');
  return {
    iconsDir,
    trayIconsDir: join(iconsDir, 'tray'),
    appIcon: join(iconsDir, 'app-256.png'),
    rendererDir: join(where.appPath, 'dist', 'renderer'),
    preload: join(where.appPath, 'dist-electron', 'preload.cjs'),
  };
}

export type PanelTheme = 'light' | 'dark';

/**
 * The tray image for a status on a panel of the given colour. macOS's "nothing to show" icon is a
 * template image (the file name ends in "Template", which nativeImage recognises; Electron docs,
 * nativeImage "Template Image"): macOS tints it to match the menu bar, like its own status items.
 * Every coloured status keeps its colour — that colour is the message. `@2x` variants sit beside each
 * file and are picked up by nativeImage on HiDPI screens.
 */
export function trayIconFile(
  status: TrayIconStatus,
  theme: PanelTheme,
  platform: NodeJS.Platform,
): string {
  if (status === 'none' && platform === 'darwin') return 'noneTemplate.png';
  return `${status}-${theme}.png`;
}
