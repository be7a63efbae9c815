/**
 * The dashboard window: the React renderer from app://tokentray, with the preload as its only bridge.
 *
 * - webPreferences follow Electron's security checklist: sandbox, context isolation, no Node in the
 *   page, its frames or workers, web security on, no <webview>, no insecure content.
 * - Navigation and new windows: web-contents-guard.ts (stay on app://; allow-listed broker links go
 *   to the system browser).
 * - Closing hides it (TokenTray lives in the tray; Quit is in the tray menu). Once the app is quitting
 *   (`allowClose()`), close really closes. Where no tray icon can be shown (`hideOnClose: false`, e.g.
 *   stock GNOME), closing minimises instead, so the taskbar entry stays the way back in.
 * - macOS: the Dock icon shows while the dashboard is open (so Cmd-Tab reaches it) and hides with it,
 *   leaving a menu-bar-only app.
 * - The window is created once, on first show, and kept: reopening from the tray is instant and the
 *   renderer keeps its state.
 */
import { BrowserWindow, app, session as electronSession } from 'electron';
import { DASHBOARD_URL } from '../core/policy/app-url';
import { dashboardPermission } from '../core/policy/permission-policy';
import type { Logger } from '../core/ports';
import { SECURE_WEB_PREFERENCES, guardAppWebContents } from './web-contents-guard';

export interface DashboardWindowOptions {
  readonly preload: string;
  readonly logger: Logger;
  readonly icon?: string;
  readonly url?: string;
  readonly platform?: NodeJS.Platform;
  /** False where there is no tray icon: closing then minimises, keeping the taskbar entry. */
  readonly hideOnClose?: boolean;
}

export interface DashboardWindow {
  /** Creates the window if needed, shows and focuses it. */
  show(): void;
  hide(): void;
  isVisible(): boolean;
  /** The renderer's webContents id (for the IPC sender check), or null before the first show. */
  webContentsId(): number | null;
  /** Sends an event to the renderer if it is there and loaded; otherwise drops it. */
  send(channel: string, payload: unknown): void;
  /** The BrowserWindow, for dialogs' parent; null before the first show. */
  window(): BrowserWindow | null;
  /** From now on closing the window closes it (app quit). */
  allowClose(): void;
}

/** The dashboard's session: the default one. Only clipboard writes from app:// are permitted. */
export function hardenDashboardSession(): void {
  const ses = electronSession.defaultSession;
  ses.setPermissionRequestHandler((_wc, permission, callback, details) =>
    callback(dashboardPermission(permission, details.requestingUrl, details.isMainFrame)),
  );
  ses.setPermissionCheckHandler((_wc, permission, origin, details) =>
    dashboardPermission(permission, details.requestingUrl ?? origin, details.isMainFrame),
  );
  ses.setDevicePermissionHandler(() => false);
  ses.on('will-download', (event) => event.preventDefault());
}

export function createDashboardWindow(options: DashboardWindowOptions): DashboardWindow {
  const platform = options.platform ?? process.platform;
  let win: BrowserWindow | null = null;
  let closing = false;

  const dock = (visible: boolean) => {
    if (platform !== 'darwin' || !app.dock) return;
    if (visible) void app.dock.show();
    else app.dock.hide();
  };

  function create(): BrowserWindow {
    const w = new BrowserWindow({
      width: 1100,
      height: 820,
      minWidth: 720,
      minHeight: 560,
      show: false,
      title: 'TokenTray',
      autoHideMenuBar: true,
      ...(options.icon ? { icon: options.icon } : {}),
      webPreferences: { ...SECURE_WEB_PREFERENCES, preload: options.preload },
    });
    guardAppWebContents(w.webContents, options.logger);
    w.once('ready-to-show', () => {
      w.show();
      dock(true);
    });
    w.on('close', (event) => {
      if (closing) return;
      event.preventDefault();
      if (options.hideOnClose === false) w.minimize();
      else w.hide();
    });
    w.on('hide', () => dock(false));
    w.on('show', () => dock(true));
    w.on('closed', () => {
      win = null;
    });
    let reloads = 0;
    w.webContents.on('render-process-gone', (_event, details) => {
      // Reload a crashed page, but not forever: a page that keeps crashing stays down (and logged).
      const again = details.reason !== 'clean-exit' && reloads < 3;
      options.logger.error('dashboard: the page stopped', {
        reason: details.reason,
        reload: again,
      });
      if (again && !w.isDestroyed()) {
        reloads += 1;
        w.webContents.reload();
      }
    });
    w.loadURL(options.url ?? DASHBOARD_URL).catch((e: unknown) => {
      options.logger.error('dashboard: the page did not load', {
        error: e instanceof Error ? e.message : String(e),
      });
    });
    return w;
  }

  return {
    show() {
      if (!win || win.isDestroyed()) {
        win = create();
        return; // shows itself when ready
      }
      if (win.isMinimized()) win.restore();
      win.show();
      win.focus();
    },
    hide() {
      if (win && !win.isDestroyed()) win.hide();
    },
    isVisible() {
      return win !== null && !win.isDestroyed() && win.isVisible();
    },
    webContentsId() {
      return win && !win.isDestroyed() ? win.webContents.id : null;
    },
    send(channel, payload) {
      if (!win || win.isDestroyed() || win.webContents.isLoading()) return;
      win.webContents.send(channel, payload);
    },
    window() {
      return win && !win.isDestroyed() ? win : null;
    },
    allowClose() {
      closing = true;
    },
  };
}
