/**
 * "Start at login" on Linux. Electron's app.setLoginItemSettings works on macOS and Windows only
 * (electron.d.ts: `@platform darwin,win32`), so on Linux TokenTray writes a freedesktop autostart
 * entry, `~/.config/autostart/tokentray.desktop` (XDG Autostart spec), which every mainstream desktop
 * runs at login. This module builds that file's text; electron/platform/start-at-login.ts writes or
 * removes it.
 */

/** The flag a login-started TokenTray gets: start in the tray, without opening the dashboard. */
export const HIDDEN_FLAG = '--hidden';

export const AUTOSTART_FILE_NAME = 'tokentray.desktop';

/**
 * Quotes one Exec argument (Desktop Entry spec, "The Exec key"): wrap in double quotes and escape `"`,
 * `` ` ``, `$` and `\` inside; then, as the spec asks for string values, double every backslash again
 * and turn `%` into `%%` so it is not read as a field code.
 */
export function quoteExecArg(arg: string): string {
  const quoted = /^[A-Za-z0-9_\-./=:+,@]+$/.test(arg)
    ? arg
    : `"${arg.replace(/(["`$\\])/g, '\\$1')}"`;
  return quoted.replace(/\\/g, '\\\\').replace(/%/g, '%%');
}

export function autostartDesktopEntry(input: {
  /** The program to run: process.execPath, or $APPIMAGE for an AppImage (whose mount path changes). */
  readonly executable: string;
  /** Extra arguments before the hidden flag (`electron .` in development needs the app folder). */
  readonly args?: readonly string[];
  readonly name?: string;
}): string {
  const command = [input.executable, ...(input.args ?? []), HIDDEN_FLAG]
    .map(quoteExecArg)
    .join(' ');
  const name = (input.name ?? 'TokenTray').replace(/[\r\n]/g, ' ');
  return [
    '[Desktop Entry]',
    'Type=Application',
    `Name=${name}`,
    'Comment=Keeps broker API tokens fresh for your trading bots',
    `Exec=${command}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** Whether this process was started at login (the flag above, or macOS's own report). */
export function startedHidden(argv: readonly string[], macWasOpenedAtLogin = false): boolean {
  return macWasOpenedAtLogin || argv.includes(HIDDEN_FLAG);
}
