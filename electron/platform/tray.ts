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
 * - A left click opens the dashboard on Windows and on Linux desktops that deliver it (KDE); GNOME's
 *   AppIndicator extension opens the menu instead (core/app/desktop.ts trayClickOpensDashboard).
 * - Windows cuts tooltips at 128 characters: core/app/desktop.ts fitTrayTooltip keeps whole lines.
 * - The icon set follows the panel's colour, not the app theme (core/app/desktop.ts trayPanelTheme:
 *   `shouldUseDarkColorsForSystemIntegratedUI` on macOS/Windows), re-rendered on `updated`; macOS's
 *   "nothing to show" icon is a template image (resource-paths.ts).
 * - From its creation the tray has a menu with Open dashboard and Quit, and `renderStartFailure`
 *   keeps one (with Open log folder) when the app could not start: Quit is never out of reach.
 */
import { Menu, Tray, nativeImage, nativeTheme, type NativeImage } from 'electron';
import { join } from 'node:path';
import type { TrayAction, TrayIconStatus, TrayModel, TrayPort } from '../core/app/app-ports';
import type { Logger } from '../core/ports';
import { trayIconFile, type PanelTheme } from '../core/app/resource-paths';
import {
  fitTrayTooltip,
  trayClickOpensDashboard,
  trayPanelTheme,
  trayShowsTitle,
} from '../core/app/desktop';
import { trayMenuTemplate } from './tray-menu';

export interface ElectronTrayOptions {
  /** Folder with the tray PNGs (resource-paths.ts `trayIconsDir`). */
  readonly trayIconsDir: string;
  readonly onAction: (action: TrayAction) => void;
  readonly logger: Logger;
  readonly platform?: NodeJS.Platform;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Help → Open log folder, offered in the menu when the app could not start. */
  readonly openLogFolder?: () => void;
  readonly quit?: () => void;
}

export interface ElectronTray extends TrayPort {
  /** The app did not start: a menu that says so, with Open dashboard, Open log folder and Quit. */
  renderStartFailure(message: string): void;
  /** True while the icon exists with a context menu (the --smoke check). */
  hasMenu(): boolean;
  destroy(): void;
}

export function createElectronTray(options: ElectronTrayOptions): ElectronTray {
  const platform = options.platform ?? process.platform;
  const images = new Map<string, NativeImage>();

  const env = options.env ?? process.env;
  const theme = (): PanelTheme =>
    trayPanelTheme(platform, env, {
      shouldUseDarkColors: nativeTheme.shouldUseDarkColors,
      // Read only where Electron has it (macOS, Windows).
      ...(platform === 'darwin' || platform === 'win32'
        ? {
            shouldUseDarkColorsForSystemIntegratedUI:
              nativeTheme.shouldUseDarkColorsForSystemIntegratedUI,
          }
        : {}),
    });
  const quit = () => (options.quit ? options.quit() : options.onAction({ kind: 'quit' }));

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
  let menuSet = false;
  const setMenu = (template: Parameters<typeof Menu.buildFromTemplate>[0]) => {
    tray.setContextMenu(Menu.buildFromTemplate(template));
    menuSet = true;
  };
  if (trayClickOpensDashboard(platform)) {
    tray.on('click', () => options.onAction({ kind: 'open-dashboard' }));
  }
  // Until the first model arrives (or if it never does), the menu still opens the dashboard and quits.
  setMenu([
    {
      id: 'open-dashboard',
      label: 'Open dashboard',
      click: () => options.onAction({ kind: 'open-dashboard' }),
    },
    { type: 'separator' },
    { id: 'quit', label: 'Quit TokenTray', click: quit },
  ]);

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
    tray.setToolTip(fitTrayTooltip(platform, model.tooltip));
    if (trayShowsTitle(platform)) tray.setTitle(model.title);
    setMenu(trayMenuTemplate(model, act, image));
  }

  const onThemeChange = () => {
    if (last) render(last);
  };
  nativeTheme.on('updated', onThemeChange);

  function renderStartFailure(message: string): void {
    if (tray.isDestroyed()) return;
    lastKey = '';
    tray.setImage(image('expired'));
    tray.setToolTip(fitTrayTooltip(platform, `TokenTray could not start: ${message}`));
    setMenu([
      { id: 'start-failed', label: 'TokenTray could not start', enabled: false },
      {
        id: 'open-dashboard',
        label: 'Open dashboard',
        click: () => options.onAction({ kind: 'open-dashboard' }),
      },
      ...(options.openLogFolder
        ? [{ id: 'open-log-folder', label: 'Open log folder', click: options.openLogFolder }]
        : []),
      { type: 'separator' as const },
      { id: 'quit', label: 'Quit TokenTray', click: quit },
    ]);
  }

  return {
    render,
    renderStartFailure,
    hasMenu: () => !tray.isDestroyed() && menuSet,
    destroy: () => {
      nativeTheme.removeListener('updated', onThemeChange);
      if (!tray.isDestroyed()) tray.destroy();
    },
  };
}
