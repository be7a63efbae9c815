/**
 * The composition root: builds the real adapters (keychain, settings file, broker clients, .env
 * exporter, Electron tray/notifications/windows), hands them to the platform-free app
 * (core/app/app.ts createTokenTrayApp) and wires Electron's events to the handle it returns. No decision
 * is made here; every rule lives in electron/core/ and is tested in plain Node.
 *
 * Lifecycle:
 * - One instance: a second launch focuses the first one's dashboard (app.requestSingleInstanceLock).
 * - The app lives in the tray: closing the dashboard hides it; Quit is in the tray menu. A start by
 *   the login item (`--hidden`, or macOS's wasOpenedAtLogin) keeps the dashboard closed.
 * - Power: suspend/resume/unlock-screen and wall-clock jumps reach the app (platform/power.ts).
 * - Desktops (core/app/desktop.ts): without a StatusNotifier host (stock GNOME) the dashboard stays a
 *   normal window that minimises instead of hiding, and the user is told once how to get a tray; an
 *   application menu with Quit and Help exists everywhere; an unsigned macOS build says that
 *   notifications will not arrive; broker HTTP goes through Electron's net.fetch (system proxy).
 * - `--smoke`: a temporary profile, the checks of core/app/smoke.ts, one result line, exit 0/1.
 *
 * Security (Electron's checklist): app:// custom protocol instead of file:// (platform/app-protocol.ts),
 * CSP header + meta, sandboxed windows with context isolation and no Node, navigation and new windows
 * denied everywhere (platform/web-contents-guard.ts), checked and validated IPC (platform/ipc.ts),
 * permissions denied (platform/dashboard-window.ts, platform/login-window.ts).
 */
import { app, dialog, Notification, shell as electronShell } from 'electron';
import { mkdtempSync, readFileSync } from 'node:fs';
import { release, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TokenTrayAppHandle, TrayAction } from './core/app/app-ports';
import { createTokenTrayApp } from './core/app/app';
import { APP_ORIGIN } from './core/policy/app-url';
import { createBrokerAdapters } from './core/brokers';
import { SIMULATOR_ENV, simulatorBaseUrls } from './core/brokers/simulator-switch';
import { isTokenTrayError } from './core/errors';
import { createCreatedFilesRegistry } from './core/export/created-files';
import { createFileExporter } from './core/export/file-exporter';
import { createRemoteDelivery } from './core/export/remote-delivery';
import { ActivityLog } from './core/app/activity-log';
import { createFileLogger } from './core/logger';
import { systemClock, type Logger } from './core/ports';
import { createKeytarSecretStore } from './core/secrets/keytar-secret-store';
import { API_KEY_SERVICE } from './core/api/api-keys';
import { startLocalApi, type LocalApi } from './core/api/local-api';
import { lockedSettings } from './core/api/locked-settings';
import { handleAppProtocol, registerAppScheme } from './platform/app-protocol';
import { createElectronClipboard } from './platform/clipboard';
import { createDashboardWindow, hardenDashboardSession } from './platform/dashboard-window';
import { createElectronSettingsStore } from './platform/electron-settings-store';
import { runtimePaths } from './platform/icons';
import { forwardSnapshots, registerIpcHandlers } from './platform/ipc';
import { createLoginWindowNavigator } from './platform/login-window';
import { createElectronNotifications } from './platform/notifications';
import { watchPower } from './platform/power';
import { createElectronShell } from './platform/shell';
import { createStartAtLogin } from './platform/start-at-login';
import { createElectronTray } from './platform/tray';
import { installWebContentsBackstop } from './platform/web-contents-guard';
import { installAppMenu } from './platform/app-menu';
import { electronFetch } from './platform/net-fetch';
import {
  appUserModelId,
  diagnosticsText,
  linuxSandboxAdvice,
  macSignatureState,
  runCommand,
  statusNotifierHost,
  trayAvailability,
  type AppMenuCommand,
  type TrayHostState,
} from './core/app/desktop';
import { runSmoke, type SmokeResult } from './core/app/smoke';

// Before `ready` (Electron docs: registerSchemesAsPrivileged "can only be used before the ready event").
registerAppScheme();

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

const SMOKE = process.argv.includes('--smoke');
if (SMOKE) {
  // A throw-away profile: a smoke run never touches the user's settings or logs.
  const profile = mkdtempSync(join(tmpdir(), 'tokentray-smoke-'));
  app.setPath('userData', profile);
  app.setPath('logs', join(profile, 'logs'));
}

/** Linux: is there a tray host? Asked once at start (core/app/desktop.ts). */
async function trayHost(): Promise<TrayHostState> {
  if (process.platform !== 'linux') return 'unknown';
  return statusNotifierHost(runCommand());
}

/** macOS: unsigned or ad-hoc signed apps get no notifications (UNUserNotificationCenter). */
async function macNotificationsDeliverable(logger: Logger): Promise<boolean> {
  if (process.platform !== 'darwin' || !app.isPackaged) return true;
  const bundle = join(process.execPath, '..', '..', '..');
  let state: string;
  try {
    const r = await runCommand(process.env, 5000)('/usr/bin/codesign', [
      '-dv',
      '--verbose=2',
      bundle,
    ]);
    state = macSignatureState(r.code, r.stdout);
  } catch {
    state = 'unknown';
  }
  if (state !== 'unsigned' && state !== 'adhoc') return true;
  logger.warn('this macOS build is not signed with a Developer ID: notifications cannot arrive', {
    signature: state,
  });
  return false;
}

function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

async function startApp(): Promise<void> {
  // Size-rotated (core/logger.ts); electron-log creates the folder on first write.
  const logger = createFileLogger({ dir: app.getPath('logs'), console: !app.isPackaged });
  logger.info('TokenTray starting', { version: app.getVersion(), packaged: app.isPackaged });
  process.on('unhandledRejection', (reason) => {
    logger.error('unhandled rejection', { error: errorText(reason) });
  });

  const paths = runtimePaths();

  // Rules for every page first, then the protocol the dashboard loads from.
  installWebContentsBackstop(logger);
  hardenDashboardSession();
  handleAppProtocol(paths.rendererDir, logger);

  // Core adapters.
  const secrets = createKeytarSecretStore({ logger });
  // Locked across processes: the tokentray CLI may write config.json too (core/api/locked-settings.ts).
  const electronSettings = createElectronSettingsStore({ secrets, logger });
  const settings = lockedSettings(electronSettings, electronSettings.path);
  // Chromium's network stack: the system proxy and the OS certificate store (platform/net-fetch.ts).
  // Developer switch (README "Try a full pretend login"): every broker at the local simulator.
  const simulator = simulatorBaseUrls(process.env);
  if (simulator.baseUrls) {
    logger.warn('using the local broker simulator instead of the real brokers', {
      url: process.env[SIMULATOR_ENV],
    });
  }
  const brokers = createBrokerAdapters({ logger, fetch: electronFetch, ...simulator });
  const exporter = createFileExporter({
    logger,
    createdFiles: createCreatedFilesRegistry(join(app.getPath('userData'), 'created-exports.json')),
  });
  // Remote targets (issue 10): SSH/SFTP, Redis, webhook beside the files, with delivery retry.
  const activity = new ActivityLog();
  const remote = createRemoteDelivery({
    local: exporter,
    secrets,
    logger,
    clock: systemClock,
    activity,
  });

  // Electron adapters.
  // What this desktop can do, asked before anything is drawn (core/app/desktop.ts).
  const [host, deliverable] = await Promise.all([trayHost(), macNotificationsDeliverable(logger)]);
  const trayState = trayAvailability(process.platform, process.env, host);
  const desktopNotices: string[] = [];
  if (trayState.advice) desktopNotices.push(trayState.advice);
  if (!deliverable) {
    desktopNotices.push(
      'This copy of TokenTray is not signed, so macOS will not show its notifications: the tray icon and the dashboard carry every reminder. Install the signed release to get notifications.',
    );
  }
  const sandboxAdvice =
    process.platform === 'linux'
      ? linuxSandboxAdvice({
          appImage: process.env.APPIMAGE,
          restrictUnprivilegedUserns: readIfPresent(
            '/proc/sys/kernel/apparmor_restrict_unprivileged_userns',
          ),
        })
      : null;
  if (sandboxAdvice) desktopNotices.push(sandboxAdvice);

  const dashboard = createDashboardWindow({
    preload: paths.preload,
    logger,
    icon: paths.appIcon,
    // Without a tray icon, closing must not hide the only way back in: it minimises instead.
    hideOnClose: trayState.trayVisible,
  });
  const navigator = createLoginWindowNavigator({ logger, icon: paths.appIcon });
  const notifications = createElectronNotifications({ logger, icon: paths.appIcon, deliverable });
  const clipboard = createElectronClipboard();
  const startAtLogin = createStartAtLogin(logger);
  const shell = createElectronShell({
    parentWindow: () => dashboard.window(),
    openDashboard: () => dashboard.show(),
    setStartAtLogin: (enabled) => {
      startAtLogin.set(enabled).catch(() => undefined); // logged inside
    },
    quit: () => app.quit(),
  });

  // The tray's clicks go to the app, which is built with the tray: the closure reads `appHandle`
  // only when the user clicks, long after it is assigned.
  const onTrayAction = (action: TrayAction) => {
    void appHandle.handleTrayAction(action); // never rejects (core/app/app.ts)
  };
  const openLogFolder = () => {
    void electronShell.openPath(app.getPath('logs')).then((problem) => {
      if (problem) logger.warn('could not open the log folder', { problem });
    });
  };
  const tray = createElectronTray({
    openLogFolder,
    quit: () => app.quit(),
    trayIconsDir: paths.trayIconsDir,
    onAction: onTrayAction,
    logger,
  });

  let localApi: LocalApi | undefined;
  const tokenTrayApp = createTokenTrayApp({
    clock: systemClock,
    settings,
    secrets,
    brokers,
    exporter: remote.exporter,
    activity,
    remote: remote.commands,
    // Late-bound: the local API starts after the app (below); Settings → Local API waits for it.
    localApi: () => (localApi ? (input: unknown) => localApi!.configure(input) : null),
    desktopNotices: () => desktopNotices,
    logger,
    navigator,
    notifications,
    tray,
    clipboard,
    shell,
  });
  const appHandle: TokenTrayAppHandle = tokenTrayApp;
  remote.attach(tokenTrayApp.service);

  registerIpcHandlers({
    handlers: {
      ...appHandle.ipc,
      // Forget account also forgets what the broker's login page stored in the account's session.
      'account:forget': async (request) => {
        const result = await appHandle.ipc['account:forget'](request);
        if (result.ok) {
          navigator.clearAccountSession(request.id).catch((e: unknown) => {
            logger.warn('could not clear the login session of a forgotten account', {
              error: errorText(e),
            });
          });
        }
        return result;
      },
    },
    trusted: () => ({ webContentsId: dashboard.webContentsId(), origin: APP_ORIGIN }),
    logger,
  });
  forwardSnapshots(appHandle, (channel, payload) => dashboard.send(channel, payload), logger);

  const copyDiagnostics = async () => {
    const snapshot = await appHandle.ipc['snapshot:get']({});
    await clipboard.writeText(
      diagnosticsText({
        appVersion: app.getVersion(),
        versions: process.versions,
        platform: process.platform,
        arch: process.arch,
        osRelease: release(),
        desktop: process.env.XDG_CURRENT_DESKTOP,
        packaged: app.isPackaged,
        trayVisible: trayState.trayVisible,
        notificationsSupported: notifications.availability() === 'ok',
        accounts: snapshot.accounts.map((a) => ({
          id: a.id,
          broker: a.broker,
          status: a.status,
          expiresAt: a.expiresAt,
          lastErrorKind: a.lastError?.kind ?? null,
          targets: a.exportTargets.length,
        })),
      }),
    );
  };
  const runMenu = (command: AppMenuCommand) => {
    if (command === 'open-dashboard') dashboard.show();
    else if (command === 'open-log-folder') openLogFolder();
    else if (command === 'quit') app.quit();
    else if (command === 'reload-dashboard') dashboard.window()?.webContents.reload();
    else {
      copyDiagnostics().catch((e: unknown) => {
        logger.warn('could not copy diagnostics', { error: errorText(e) });
      });
    }
  };
  installAppMenu(runMenu);
  const stopPower = watchPower(
    (event) => appHandle.handlePowerEvent(event),
    logger,
    () => app.quit(),
  );

  app.on('second-instance', () => dashboard.show());
  // macOS only (electron.d.ts): the Dock icon was clicked.
  if (process.platform === 'darwin') app.on('activate', () => dashboard.show());
  // Closing windows never quits: TokenTray keeps watching tokens from the tray.
  app.on('window-all-closed', () => undefined);
  app.on('before-quit', () => {
    dashboard.allowClose();
    navigator.closeAll();
    notifications.closeAll();
    stopPower();
    void localApi?.close();
    appHandle.stop();
    tray.destroy();
  });

  // Without a tray icon a hidden start would leave nothing on screen: show the window then.
  if (startAtLogin.launchedHidden && trayState.trayVisible && !SMOKE) {
    if (process.platform === 'darwin') app.dock?.hide();
  } else {
    dashboard.show();
  }

  try {
    await appHandle.start();
    logger.info('TokenTray started');
    // The CLI socket, token events and (when turned on in Settings) the loopback API for bots.
    localApi = await startLocalApi({
      commands: tokenTrayApp.commands,
      subscribe: (listener) => tokenTrayApp.service.subscribe(listener),
      snapshot: () => tokenTrayApp.service.snapshot(),
      preferences: () => tokenTrayApp.service.getPreferences(),
      savePreferences: (p) => tokenTrayApp.service.savePreferences(p),
      clock: systemClock,
      logger,
      apiKeySecrets: createKeytarSecretStore({ logger, service: API_KEY_SERVICE }),
    });
  } catch (e) {
    reportStartFailure(e, logger);
    // Quit and the log folder stay in the tray even though the app did not start.
    tray.renderStartFailure(isTokenTrayError(e) ? e.message : 'see the log file');
    dashboard.show(); // the dashboard repeats the failure with what to do
  }

  // The OS decides "Start at login" (macOS may hold it for approval): the checkbox shows its truth.
  try {
    const prefs = await settings.getPreferences();
    const login = startAtLogin.state(prefs.startAtLogin);
    if (login.enabled !== prefs.startAtLogin) {
      await settings.savePreferences({ ...prefs, startAtLogin: login.enabled });
    }
    if (login.message) desktopNotices.push(login.message);
  } catch (e) {
    logger.warn('could not read the start-at-login state', { error: errorText(e) });
  }

  for (const notice of desktopNotices) logger.warn('desktop notice', { notice });
  if (SMOKE) {
    const result = await smokeTest(dashboard, () => tray.hasMenu());
    process.stdout.write(`${result.line}\n`);
    app.exit(result.ok ? 0 : 1);
    return;
  }
  if (desktopNotices.length > 0) {
    // Said once per start, in words; the log keeps it too.
    void dialog.showMessageBox({
      type: 'info',
      title: 'TokenTray',
      message: 'TokenTray works on this desktop with a few limits',
      detail: desktopNotices.join('\n\n'),
    });
  }
}

/** `--smoke` (core/app/smoke.ts): the real window, preload, tray and notifications, one line. */
function smokeTest(
  dashboard: ReturnType<typeof createDashboardWindow>,
  trayHasMenu: () => boolean,
): Promise<SmokeResult> {
  const consoleErrors: string[] = [];
  return runSmoke({
    openDashboard: () =>
      new Promise<void>((resolve) => {
        dashboard.show();
        const attach = () => {
          const w = dashboard.window();
          if (!w) {
            setTimeout(attach, 50);
            return;
          }
          w.webContents.on('console-message', (event) => {
            if (event.level === 'error') consoleErrors.push(event.message);
          });
          if (!w.webContents.isLoading()) resolve();
          else w.webContents.once('did-finish-load', () => resolve());
        };
        attach();
      }),
    bridgePresent: async () =>
      (await dashboard
        .window()
        ?.webContents.executeJavaScript("typeof window.tokentray === 'object'")) === true,
    consoleErrors: () => consoleErrors,
    trayBuilt: trayHasMenu,
    appMenuBuilt: () => true, // installAppMenu ran before the checks, or start-up threw
    notify: () =>
      new Promise((resolve) => {
        if (!Notification.isSupported()) {
          resolve('unsupported');
          return;
        }
        const n = new Notification({
          title: 'TokenTray smoke test',
          body: 'Closing again',
          silent: true,
        });
        n.show();
        setTimeout(() => {
          n.close();
          resolve('shown');
        }, 500);
      }),
  });
}

function reportStartFailure(e: unknown, logger: Logger): void {
  logger.error('TokenTray could not start', { error: errorText(e) });
  // TokenTrayError messages say what to do; anything else stays generic (the log has the details).
  const message = isTokenTrayError(e)
    ? e.message
    : 'Something unexpected went wrong. The log file has the details.';
  void dialog.showMessageBox({
    type: 'error',
    title: 'TokenTray',
    message: 'TokenTray could not load its settings',
    detail: message,
  });
}

if (!app.requestSingleInstanceLock()) {
  // Another TokenTray runs: it gets 'second-instance' and shows its dashboard.
  app.quit();
} else {
  // Development runs get their own id, so their toasts never land in the installed app (desktop.ts).
  if (process.platform === 'win32') app.setAppUserModelId(appUserModelId(app.isPackaged));
  app
    .whenReady()
    .then(startApp)
    .catch((e: unknown) => {
      console.error('TokenTray failed to start:', e);
      dialog.showErrorBox('TokenTray could not start', errorText(e));
      app.exit(1);
    });
}
