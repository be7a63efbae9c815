/**
 * The rules every page of the app obeys, installed from one place:
 *
 * - `openExternalSafely`: the only way TokenTray calls `shell.openExternal`, and only for URLs core's
 *   allow-list (external-links.ts) accepts: https pages of the supported brokers.
 * - `guardAppWebContents`: the dashboard's navigation rules. A page may navigate only within
 *   app://tokentray; a link to an allow-listed broker page opens in the system browser instead;
 *   anything else is refused. New windows are never created (setWindowOpenHandler → deny).
 * - `installWebContentsBackstop`: `app.on('web-contents-created')` (Electron docs, Security §13–14
 *   "Disable or limit navigation" / "Disable or limit creation of new windows"), the global backstop
 *   for any webContents the app creates now or later — including ones nobody thought of. It denies
 *   window.open and <webview> everywhere, and navigation away from app:// for every webContents that
 *   has not registered its own stricter policy (the login windows do, through
 *   `ownsNavigationPolicy`).
 */
import { app, shell, type WebContents, type WebPreferences } from 'electron';
import { isAppUrl } from '../core/policy/app-url';
import { checkExternalUrl } from '../core/policy/external-links';
import { describeTarget } from '../core/policy/login-navigation-policy';
import type { Logger } from '../core/ports';

/**
 * The webPreferences every window starts from (Electron docs, Security checklist §2–4, 11, 12):
 * sandboxed, isolated, no Node anywhere (frames and workers included), web security on, no
 * <webview>, no navigation by drag-and-drop. Windows add only what is theirs (preload, partition).
 */
export const SECURE_WEB_PREFERENCES: Readonly<WebPreferences> = Object.freeze({
  sandbox: true,
  contextIsolation: true,
  nodeIntegration: false,
  nodeIntegrationInSubFrames: false,
  nodeIntegrationInWorker: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  safeDialogs: true,
});

export function openExternalSafely(url: string, logger: Logger): boolean {
  const decision = checkExternalUrl(url);
  if (!decision.ok) {
    logger.warn('refused to open a link outside TokenTray', {
      target: describeTarget(url),
      reason: decision.reason,
    });
    return false;
  }
  shell.openExternal(decision.url).catch((e: unknown) => {
    logger.warn('the system browser did not open a link', {
      target: describeTarget(decision.url),
      error: e instanceof Error ? e.message : String(e),
    });
  });
  return true;
}

/** webContents ids that enforce their own navigation policy (the login windows). */
const ownPolicy = new Set<number>();

export function ownsNavigationPolicy(contents: WebContents): void {
  const id = contents.id;
  ownPolicy.add(id);
  contents.once('destroyed', () => ownPolicy.delete(id));
}

/** The dashboard's rules: stay on app://, send allow-listed broker links to the browser. */
export function guardAppWebContents(contents: WebContents, logger: Logger): void {
  contents.setWindowOpenHandler(({ url }) => {
    openExternalSafely(url, logger);
    return { action: 'deny' };
  });
  const stayInApp = (event: { url: string; preventDefault: () => void }) => {
    if (isAppUrl(event.url)) return;
    event.preventDefault();
    openExternalSafely(event.url, logger);
  };
  contents.on('will-navigate', stayInApp);
  contents.on('will-frame-navigate', stayInApp);
  contents.on('will-redirect', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export function installWebContentsBackstop(logger: Logger): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(({ url }) => {
      logger.warn('refused a new window', { target: describeTarget(url) });
      return { action: 'deny' };
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.on('will-navigate', (event) => {
      if (ownPolicy.has(contents.id) || isAppUrl(event.url)) return;
      event.preventDefault();
      logger.warn('refused a navigation', { target: describeTarget(event.url) });
    });
  });
}
