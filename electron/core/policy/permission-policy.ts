/**
 * Which web permissions TokenTray's pages get. Electron grants most permission requests by default
 * (camera, microphone, geolocation, notifications …; Electron docs, Security §5 "Handle session
 * permission requests from remote content"), so both sessions install request *and* check handlers
 * (setPermissionRequestHandler alone leaves `navigator.permissions.query` and friends answering
 * "granted"; the docs: "you must also implement setPermissionCheckHandler to get complete permission
 * handling").
 *
 * - Login windows (broker pages, remote content): nothing at all.
 * - The dashboard: only writing to the clipboard (the "Copy" buttons), only from its own main frame.
 */
import { APP_ORIGIN, webOrigin } from './app-url';

export function loginPagePermission(_permission: string): boolean {
  return false;
}

export function dashboardPermission(
  permission: string,
  requestingUrl: string | undefined,
  isMainFrame: boolean,
): boolean {
  if (permission !== 'clipboard-sanitized-write' || !isMainFrame || !requestingUrl) return false;
  return webOrigin(requestingUrl) === APP_ORIGIN;
}
