/**
 * What each desktop can and cannot do for a tray app, as pure decisions the Electron adapters apply
 * (electron/platform/). Every rule here cites the platform fact behind it; tests run in plain Node.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { PanelTheme } from './resource-paths';

/** electron-builder.yml `appId`; Windows groups toasts and routes their clicks by it. */
export const APP_USER_MODEL_ID = 'in.tokentray.app';

/**
 * Windows routes a toast's click to the app registered under its AppUserModelID. A development run
 * (`electron .`) that shared the installed app's id would have its toast clicks land in the installed
 * TokenTray — or start a bare electron.exe — so development runs get their own id.
 */
export function appUserModelId(isPackaged: boolean): string {
  return isPackaged ? APP_USER_MODEL_ID : `${APP_USER_MODEL_ID}.dev`;
}

/**
 * Windows cuts a tray tooltip at 128 UTF-16 units including the terminating NUL (NOTIFYICONDATA
 * szTip). A tooltip that lists every account would lose its tail silently, so on Windows it keeps
 * whole lines and says how many accounts it left out; elsewhere it is passed on whole.
 */
export const WINDOWS_TOOLTIP_MAX = 127;

export function fitTrayTooltip(platform: NodeJS.Platform, tooltip: string): string {
  if (platform !== 'win32' || tooltip.length <= WINDOWS_TOOLTIP_MAX) return tooltip;
  const lines = tooltip.split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const rest = lines.length - i - 1;
    const more = rest > 0 ? `\n+${rest} more — open TokenTray` : '';
    const candidate = [...kept, lines[i] ?? ''].join('\n');
    if (candidate.length + more.length > WINDOWS_TOOLTIP_MAX) {
      const left = lines.length - kept.length;
      const tail = `+${left} more — open TokenTray`;
      if (kept.length === 0) {
        // Even the first line is too long: cut it with an ellipsis and keep the count.
        const room = WINDOWS_TOOLTIP_MAX - tail.length - 2;
        return `${(lines[0] ?? '').slice(0, Math.max(0, room))}…\n${tail}`;
      }
      return `${kept.join('\n')}\n${tail}`;
    }
    kept.push(lines[i] ?? '');
  }
  return kept.join('\n');
}

/**
 * Windows' toast tag (and group) allows at most 64 characters; Electron passes the notification `id`
 * as the tag. Ids are `<accountId>:<purpose>` and an account id may be 63 characters, so a long one is
 * shortened to a stable digest that still replaces its own earlier toast.
 */
export const NOTIFICATION_TAG_MAX = 64;

export function notificationTag(id: string): string {
  if (id.length <= NOTIFICATION_TAG_MAX) return id;
  const digest = createHash('sha256').update(id).digest('hex').slice(0, 16);
  return `${id.slice(0, NOTIFICATION_TAG_MAX - digest.length - 1)}~${digest}`;
}

export interface ThemeReading {
  readonly shouldUseDarkColors: boolean;
  /** Electron: darwin and win32 only (the panel's, not the app's, colour). */
  readonly shouldUseDarkColorsForSystemIntegratedUI?: boolean | undefined;
}

/**
 * Which tray icon variant stays visible on the panel. The panel's colour is not the app's theme: on
 * Windows a light app theme can sit on a dark taskbar. Electron tells the panel's colour on macOS and
 * Windows (`shouldUseDarkColorsForSystemIntegratedUI`). Linux has no such API; GNOME's and Ubuntu's top
 * bar is dark whatever the theme, other desktops (KDE, Xfce, Cinnamon) follow the theme.
 */
export function trayPanelTheme(
  platform: NodeJS.Platform,
  env: Readonly<Record<string, string | undefined>>,
  theme: ThemeReading,
): PanelTheme {
  if (platform === 'darwin' || platform === 'win32') {
    return (theme.shouldUseDarkColorsForSystemIntegratedUI ?? theme.shouldUseDarkColors)
      ? 'dark'
      : 'light';
  }
  const desktop = (env.XDG_CURRENT_DESKTOP ?? '').toLowerCase();
  if (/(^|:)(gnome|ubuntu|unity|pantheon)(:|$)/.test(desktop)) return 'dark';
  return theme.shouldUseDarkColors ? 'dark' : 'light';
}

/**
 * A left click on the tray icon opens the dashboard on Windows and on Linux desktops that deliver it
 * (KDE Plasma's StatusNotifierItem "Activate"); GNOME's AppIndicator extension opens the menu instead
 * and never emits it. On macOS a click opens the menu, as menu-bar items do.
 */
export function trayClickOpensDashboard(platform: NodeJS.Platform): boolean {
  return platform !== 'darwin';
}

/** macOS is the only platform with a tray title (Electron docs: Tray.setTitle, macOS). */
export function trayShowsTitle(platform: NodeJS.Platform): boolean {
  return platform === 'darwin';
}

export type TrayHostState = 'present' | 'absent' | 'unknown';

export interface TrayAvailability {
  /** False when the icon will not be shown: the dashboard must stay reachable without it. */
  readonly trayVisible: boolean;
  /** Said once to the user when the tray is missing (dashboard banner and log). */
  readonly advice: string | null;
}

/**
 * Linux trays are StatusNotifierItems shown by a host registered with `org.kde.StatusNotifierWatcher`
 * on the session bus. Stock GNOME (Fedora, Debian) has none until the AppIndicator extension is
 * enabled; then the icon is simply not drawn and a tray-only app is unreachable.
 */
export function trayAvailability(
  platform: NodeJS.Platform,
  env: Readonly<Record<string, string | undefined>>,
  host: TrayHostState,
): TrayAvailability {
  if (platform !== 'linux' || host !== 'absent') return { trayVisible: true, advice: null };
  const desktop = (env.XDG_CURRENT_DESKTOP ?? '').toLowerCase();
  const advice = desktop.includes('gnome')
    ? 'Your desktop shows no tray icons. Enable the "AppIndicator and KStatusNotifierItem Support" GNOME extension (package gnome-shell-extension-appindicator), then restart TokenTray. Until then TokenTray stays a normal window: minimise it instead of closing it.'
    : 'Your desktop shows no tray icons (no StatusNotifier host on D-Bus). Add a system-tray applet to your panel, then restart TokenTray. Until then TokenTray stays a normal window: minimise it instead of closing it.';
  return { trayVisible: false, advice };
}

/** What `app.getLoginItemSettings()` reports, reduced to what TokenTray reads. */
export interface LoginItemReading {
  readonly openAtLogin: boolean;
  /** macOS 13+ (SMAppService): 'not-registered' | 'enabled' | 'requires-approval' | 'not-found'. */
  readonly status?: string | undefined;
}

export interface LoginItemState {
  /** What the "Start at login" checkbox shows: the OS's state, not the stored wish. */
  readonly enabled: boolean;
  /** The user must approve TokenTray in System Settings before it starts at login. */
  readonly needsApproval: boolean;
  readonly message: string | null;
}

/**
 * The truth about "Start at login". On macOS 13+ the OS may hold the registration for approval
 * (`status: 'requires-approval'`), and `openAtLogin` is then false although the user asked for it;
 * `wasOpenedAtLogin` is unreliable there, so TokenTray does not depend on it for anything that matters.
 */
export function loginItemState(
  platform: NodeJS.Platform,
  reading: LoginItemReading,
  wanted: boolean,
): LoginItemState {
  if (platform === 'darwin' && reading.status === 'requires-approval') {
    return {
      enabled: false,
      needsApproval: true,
      message:
        'macOS is holding "Start at login" for your approval: open System Settings → General → Login Items and allow TokenTray.',
    };
  }
  if (platform === 'darwin' && wanted && reading.status === 'not-found') {
    return {
      enabled: false,
      needsApproval: false,
      message:
        'macOS could not find TokenTray to start at login: move TokenTray to the Applications folder and turn "Start at login" on again.',
    };
  }
  return { enabled: reading.openAtLogin, needsApproval: false, message: null };
}

export interface DiagnosticsInput {
  readonly appVersion: string;
  readonly versions: Readonly<Record<string, string | undefined>>;
  readonly platform: NodeJS.Platform;
  readonly arch: string;
  readonly osRelease: string;
  readonly desktop: string | undefined;
  readonly packaged: boolean;
  readonly trayVisible: boolean;
  readonly notificationsSupported: boolean;
  readonly accounts: readonly {
    readonly id: string;
    readonly broker: string;
    readonly status: string;
    readonly readiness?: string | undefined;
    readonly expiresAt: string | null;
    /** The error's kind only (e.g. 'revoked'): its message may hold broker text or paths. */
    readonly lastErrorKind: string | null;
    readonly targets: number;
  }[];
}

/**
 * "Copy diagnostics": a summary a user can paste into a bug report. Built from an allow-list of
 * fields — ids, brokers, statuses, instants, error kinds and counts — so no token, secret, path, user
 * name or broker text can reach it whatever the snapshot holds.
 */
export function diagnosticsText(d: DiagnosticsInput): string {
  const safe = (s: string) => s.replace(/[^\w.:+\- ]/g, '?').slice(0, 80);
  const word = (s: string) => (/^[a-z][a-z-]{0,31}$/.test(s) ? s : '?');
  const lines = [
    `TokenTray ${safe(d.appVersion)}${d.packaged ? '' : ' (development)'}`,
    `Electron ${safe(d.versions.electron ?? '?')} · Chrome ${safe(d.versions.chrome ?? '?')} · Node ${safe(d.versions.node ?? '?')}`,
    `OS ${safe(d.platform)} ${safe(d.osRelease)} ${safe(d.arch)}${d.desktop ? ` · desktop ${safe(d.desktop)}` : ''}`,
    `Tray icon ${d.trayVisible ? 'shown' : 'not available'} · notifications ${d.notificationsSupported ? 'supported' : 'not available'}`,
    `Accounts: ${d.accounts.length}`,
    ...d.accounts.map(
      (a) =>
        `- ${safe(a.id)} (${word(a.broker)}): ${word(a.status)}${a.readiness ? ` / ${word(a.readiness)}` : ''}, expires ${a.expiresAt ? safe(a.expiresAt) : 'n/a'}, ${a.targets} target(s)${a.lastErrorKind ? `, last error: ${word(a.lastErrorKind)}` : ''}`,
    ),
  ];
  return lines.join('\n');
}

/** The application menu's commands (Help and the rest); the adapter turns them into Electron items. */
export type AppMenuCommand =
  'open-dashboard' | 'open-log-folder' | 'copy-diagnostics' | 'quit' | 'reload-dashboard';

export interface AppMenuItem {
  readonly label: string;
  readonly command?: AppMenuCommand;
  /** An Electron role for standard items (copy, paste, …). */
  readonly role?: 'copy' | 'paste' | 'cut' | 'selectAll' | 'undo' | 'redo' | 'about' | 'hide';
  readonly accelerator?: string;
  readonly separator?: boolean;
}

export interface AppMenuSection {
  readonly label: string;
  readonly items: readonly AppMenuItem[];
}

/**
 * The application menu: present on every platform so Quit is always reachable (even without a tray
 * icon, and when start-up failed), with Help → Open log folder and Copy diagnostics, the places error
 * messages point to. Edit keeps copy/paste working in the dashboard's text fields (macOS needs the
 * roles in a menu for the shortcuts).
 */
export function appMenuModel(platform: NodeJS.Platform): readonly AppMenuSection[] {
  const quit: AppMenuItem = {
    label: 'Quit TokenTray',
    command: 'quit',
    accelerator: 'CmdOrCtrl+Q',
  };
  const file: AppMenuSection = {
    label: platform === 'darwin' ? 'TokenTray' : 'File',
    items: [
      ...(platform === 'darwin' ? [{ label: 'About TokenTray', role: 'about' as const }] : []),
      { label: 'Open dashboard', command: 'open-dashboard' },
      { label: '', separator: true },
      quit,
    ],
  };
  const edit: AppMenuSection = {
    label: 'Edit',
    items: [
      { label: 'Undo', role: 'undo' },
      { label: 'Redo', role: 'redo' },
      { label: '', separator: true },
      { label: 'Cut', role: 'cut' },
      { label: 'Copy', role: 'copy' },
      { label: 'Paste', role: 'paste' },
      { label: 'Select all', role: 'selectAll' },
    ],
  };
  const help: AppMenuSection = {
    label: 'Help',
    items: [
      { label: 'Open log folder', command: 'open-log-folder' },
      { label: 'Copy diagnostics', command: 'copy-diagnostics' },
    ],
  };
  return [file, edit, help];
}

/**
 * Linux: is a StatusNotifier host on the session bus? Asks the bus itself with `dbus-send` (part of
 * every D-Bus install). 'unknown' when the question cannot be asked (no bus, no dbus-send): then the
 * tray is assumed to work, as before.
 */
export type CommandRunner = (
  file: string,
  args: readonly string[],
) => Promise<{ code: number | null; stdout: string }>;

/** Runs a program without a shell, bounded in time and output; never rejects for a non-zero exit. */
export function runCommand(env: NodeJS.ProcessEnv = process.env, timeoutMs = 3000): CommandRunner {
  return (file, args) =>
    new Promise((resolve, reject) => {
      execFile(
        file,
        [...args],
        { env, timeout: timeoutMs, maxBuffer: 64 * 1024, windowsHide: true },
        (error, stdout) => {
          if (error && typeof (error as NodeJS.ErrnoException).code === 'string') {
            reject(new Error(error.message)); // not started (ENOENT, EACCES)
            return;
          }
          const code = error ? ((error as { code?: number | null }).code ?? 1) : 0;
          resolve({ code, stdout: String(stdout) });
        },
      );
    });
}

export async function statusNotifierHost(
  run: CommandRunner,
  busName = 'org.kde.StatusNotifierWatcher',
): Promise<TrayHostState> {
  try {
    const r = await run('dbus-send', [
      '--session',
      '--print-reply',
      '--reply-timeout=2000',
      '--dest=org.freedesktop.DBus',
      '/org/freedesktop/DBus',
      'org.freedesktop.DBus.NameHasOwner',
      `string:${busName}`,
    ]);
    if (r.code !== 0) return 'unknown';
    if (/boolean true/.test(r.stdout)) return 'present';
    if (/boolean false/.test(r.stdout)) return 'absent';
    return 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Whether a macOS launch was the login item's. macOS 13+ (SMAppService) reports `wasOpenedAtLogin`
 * unreliably, so a launch within five minutes of boot while the login item is enabled counts too:
 * the worst case of a wrong guess is a dashboard that stays closed, with the tray icon still there.
 */
export function macStartedAtLogin(input: {
  readonly wasOpenedAtLogin: boolean;
  readonly openAtLogin: boolean;
  readonly systemUptimeSeconds: number;
}): boolean {
  return input.wasOpenedAtLogin || (input.openAtLogin && input.systemUptimeSeconds < 300);
}

export interface LinuxSandboxFacts {
  /** $APPIMAGE when running from an AppImage. */
  readonly appImage: string | undefined;
  /** /proc/sys/kernel/apparmor_restrict_unprivileged_userns ("1" on Ubuntu 24.04+), if readable. */
  readonly restrictUnprivilegedUserns: string | undefined;
  /** node_modules/electron/dist/chrome-sandbox (development) or the installed one, if present. */
  readonly chromeSandbox?: { readonly path: string; readonly uid: number; readonly mode: number };
}

/**
 * Ubuntu 24.04+ blocks the unprivileged user namespaces Chromium's sandbox uses unless an AppArmor
 * profile allows the binary (electron/electron#42510, electron-userland/electron-builder#8440). The
 * .deb installs such a profile; an AppImage cannot (it runs from a random mount), and a development
 * `electron .` needs a root-owned, setuid chrome-sandbox. TokenTray never turns the sandbox off to
 * get around it: it says what to do instead.
 */
export function linuxSandboxAdvice(f: LinuxSandboxFacts): string | null {
  if (f.restrictUnprivilegedUserns?.trim() !== '1') return null;
  if (f.appImage) {
    return 'This system (Ubuntu 24.04 or later) blocks the sandbox an AppImage needs, and the AppImage cannot start at login reliably. Install the TokenTray .deb instead: it ships the AppArmor profile that lets the sandbox run.';
  }
  const sb = f.chromeSandbox;
  if (sb && !(sb.uid === 0 && (sb.mode & 0o4000) !== 0)) {
    return `This system (Ubuntu 24.04 or later) blocks Electron's sandbox for development runs. Once: sudo chown root:root '${sb.path}' && sudo chmod 4755 '${sb.path}' — then npm start again. (TokenTray does not run without its sandbox.)`;
  }
  return null;
}

export type MacSignature = 'signed' | 'adhoc' | 'unsigned' | 'unknown';

/**
 * Reads `codesign -dv` output (it writes to stderr). macOS drops notifications of apps that are not
 * properly signed (UNUserNotificationCenter), so an ad-hoc or unsigned build must say so at start.
 */
export function macSignatureState(exitCode: number | null, output: string): MacSignature {
  if (/not signed at all/i.test(output)) return 'unsigned';
  if (exitCode !== 0) return 'unknown';
  if (/Signature=adhoc/i.test(output)) return 'adhoc';
  if (
    /Authority=Developer ID Application/i.test(output) ||
    /TeamIdentifier=[A-Z0-9]{10}/.test(output)
  )
    return 'signed';
  return 'unknown';
}
