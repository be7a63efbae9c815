/**
 * Where the app keeps its settings and where its CLI socket lives, computed the same way by the app
 * and by the `tokentray` CLI (which never loads Electron).
 *
 * - Settings: electron-store's config.json in Electron's userData folder, which is
 *   `<appData>/<productName>`: Linux `$XDG_CONFIG_HOME` (or ~/.config), macOS
 *   ~/Library/Application Support, Windows %APPDATA% — each + "/TokenTray".
 * - CLI socket: `$XDG_RUNTIME_DIR/tokentray/cli.sock` (a per-user tmpfs, mode 0700, on systemd
 *   machines), else `<settings folder>/run/cli.sock`; the folder is 0700 and the socket 0600.
 *   Windows: a named pipe per user.
 *
 * TOKENTRAY_CONFIG_DIR and TOKENTRAY_SOCKET override both (tests, portable installs).
 */
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';

export const PRODUCT_NAME = 'TokenTray';

type Env = Readonly<Record<string, string | undefined>>;

export function settingsDir(env: Env = process.env, platform = process.platform): string {
  if (env.TOKENTRAY_CONFIG_DIR) return env.TOKENTRAY_CONFIG_DIR;
  if (platform === 'win32') {
    return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), PRODUCT_NAME);
  }
  if (platform === 'darwin') {
    return join(homedir(), 'Library', 'Application Support', PRODUCT_NAME);
  }
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), PRODUCT_NAME);
}

export function settingsFile(env: Env = process.env, platform = process.platform): string {
  return join(settingsDir(env, platform), 'config.json');
}

export function socketPath(env: Env = process.env, platform = process.platform): string {
  if (env.TOKENTRAY_SOCKET) return env.TOKENTRAY_SOCKET;
  if (platform === 'win32') {
    const user = userInfo().username.replace(/[^A-Za-z0-9_.-]/g, '_');
    return `\\\\.\\pipe\\tokentray-${user}`;
  }
  const base = env.XDG_RUNTIME_DIR
    ? join(env.XDG_RUNTIME_DIR, 'tokentray')
    : join(settingsDir(env, platform), 'run');
  return join(base, 'cli.sock');
}
