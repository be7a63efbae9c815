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
 *
 * Security (Electron's checklist): app:// custom protocol instead of file:// (platform/app-protocol.ts),
 * CSP header + meta, sandboxed windows with context isolation and no Node, navigation and new windows
 * denied everywhere (platform/web-contents-guard.ts), checked and validated IPC (platform/ipc.ts),
 * permissions denied (platform/dashboard-window.ts, platform/login-window.ts).
 */
import { app, dialog } from 'electron';
import { join } from 'node:path';
import type { TokenTrayAppHandle, TrayAction } from './core/app/app-ports';
import { createTokenTrayApp } from './core/app/app';
import { APP_ORIGIN } from './core/policy/app-url';
import { createBrokerAdapters } from './core/brokers';
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

/** Windows groups notifications by this id; it must equal electron-builder.yml's `appId`. */
const APP_USER_MODEL_ID = 'in.tokentray.app';

// Before `ready` (Electron docs: registerSchemesAsPrivileged "can only be used before the ready event").
registerAppScheme();

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
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
  const brokers = createBrokerAdapters({ logger });
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
  const dashboard = createDashboardWindow({ preload: paths.preload, logger, icon: paths.appIcon });
  const navigator = createLoginWindowNavigator({ logger, icon: paths.appIcon });
  const notifications = createElectronNotifications({ logger, icon: paths.appIcon });
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
  const tray = createElectronTray({
    trayIconsDir: paths.trayIconsDir,
    onAction: onTrayAction,
    logger,
  });

  const tokenTrayApp = createTokenTrayApp({
    clock: systemClock,
    settings,
    secrets,
    brokers,
    exporter: remote.exporter,
    activity,
    remote: remote.commands,
    logger,
    navigator,
    notifications,
    tray,
    clipboard,
    shell,
  });
  const appHandle: TokenTrayAppHandle = tokenTrayApp;
  remote.attach(tokenTrayApp.service);
  let localApi: LocalApi | undefined;

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
  const stopPower = watchPower(
    (event) => appHandle.handlePowerEvent(event),
    logger,
    () => app.quit(),
  );

  app.on('second-instance', () => dashboard.show());
  app.on('activate', () => dashboard.show()); // macOS: Dock icon clicked
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

  if (startAtLogin.launchedHidden) {
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
      clock: systemClock,
      logger,
      apiKeySecrets: createKeytarSecretStore({ logger, service: API_KEY_SERVICE }),
    });
  } catch (e) {
    reportStartFailure(e, logger);
    dashboard.show(); // the dashboard repeats the failure with what to do
  }
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
  if (process.platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID);
  app
    .whenReady()
    .then(startApp)
    .catch((e: unknown) => {
      console.error('TokenTray failed to start:', e);
      dialog.showErrorBox('TokenTray could not start', errorText(e));
      app.exit(1);
    });
}
