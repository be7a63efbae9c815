/**
 * TrayPort over Electron's Tray: draws what core's TrayModel says — icon, tooltip, macOS title and the
 * menu (tray-menu.ts) — and turns clicks into TrayActions. Decides nothing itself.
 *
 * Platform notes (Electron docs, Tray):
 * - `setTitle` exists on macOS only: the soonest countdown sits beside the icon there; elsewhere the
 *   tooltip carries it.
 * - Linux (AppIndicator): the `click` event is not emitted and menu items changed after
 *   `setContextMenu` are not picked up (electron/electron#1473), so every render builds a fresh Menu
 *   and sets it again. Identical models are skipped, so an open menu is not rebuilt for nothing.
 * - Windows: a left click opens the dashboard, as users expect from tray icons there.
 * - The icon set follows the panel's colour (`nativeTheme.shouldUseDarkColors`, re-rendered on
 *   `updated`); macOS's "nothing to show" icon is a template image (resource-paths.ts).
 */
import { Menu, Tray, nativeImage, nativeTheme, type NativeImage } from 'electron';
import { join } from 'node:path';
import type { TrayAction, TrayIconStatus, TrayModel, TrayPort } from '../core/app/app-ports';
import type { Logger } from '../core/ports';
import { trayIconFile, type PanelTheme } from '../core/app/resource-paths';
import { trayMenuTemplate } from './tray-menu';

export interface ElectronTrayOptions {
  /** Folder with the tray PNGs (resource-paths.ts `trayIconsDir`). */
  readonly trayIconsDir: string;
  readonly onAction: (action: TrayAction) => void;
  readonly logger: Logger;
  readonly platform?: NodeJS.Platform;
}

export interface ElectronTray extends TrayPort {
  destroy(): void;
}

export function createElectronTray(options: ElectronTrayOptions): ElectronTray {
  const platform = options.platform ?? process.platform;
  const images = new Map<string, NativeImage>();

  const theme = (): PanelTheme => (nativeTheme.shouldUseDarkColors ? 'dark' : 'light');

  function image(status: TrayIconStatus): NativeImage {
    const file = trayIconFile(status, theme(), platform);
    let img = images.get(file);
    if (!img) {
      // createFromPath also loads `<name>@2x.png` beside it for HiDPI screens (nativeImage docs).
      img = nativeImage.createFromPath(join(options.trayIconsDir, file));
      if (img.isEmpty()) {
        options.logger.warn('tray: icon file missing or unreadable', { file });
      }
      if (file.endsWith('Template.png')) img.setTemplateImage(true);
      images.set(file, img);
    }
    return img;
  }

  const tray = new Tray(image('none'));
  tray.setToolTip('TokenTray');
  if (platform === 'win32') {
    tray.on('click', () => options.onAction({ kind: 'open-dashboard' }));
  }

  let last: TrayModel | null = null;
  let lastKey = '';

  function act(action: TrayAction): void {
    options.onAction(action);
  }

  function render(model: TrayModel): void {
    last = model;
    const key = `${theme()}|${JSON.stringify(model)}`;
    if (key === lastKey || tray.isDestroyed()) return;
    lastKey = key;
    tray.setImage(image(model.icon));
    tray.setToolTip(model.tooltip);
    if (platform === 'darwin') tray.setTitle(model.title);
    tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(model, act, image)));
  }

  const onThemeChange = () => {
    if (last) render(last);
  };
  nativeTheme.on('updated', onThemeChange);

  return {
    render,
    destroy: () => {
      nativeTheme.removeListener('updated', onThemeChange);
      if (!tray.isDestroyed()) tray.destroy();
    },
  };
}
