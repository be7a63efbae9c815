/**
 * The whole platform-free app with real parts: the broker simulator over real loopback HTTP, the
 * real broker adapters, settings in a JSON file and .env exports in a temp folder, the secret store
 * the caller picks (keytar in tests, memory in the bench), a FakeClock shared by the app, the
 * simulator and the adapters, and recording fakes for the Electron-only ports (tray, notifications,
 * clipboard, shell). No vitest imports: the trading-week bench uses it too.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dotenv from 'dotenv';
import {
  createTokenTrayApp,
  type TokenTrayApp,
  type TokenTrayAppDeps,
} from '../../electron/core/app/app';
import type {
  ClipboardPort,
  DesktopNotification,
  NotificationPort,
  ShellPort,
  TrayModel,
  TrayPort,
} from '../../electron/core/app/app-ports';
import { createBrokerAdapters } from '../../electron/core/brokers';
import { createFileExporter } from '../../electron/core/export/file-exporter';
import { FakeClock } from './fake-clock';
import type { Clock, Exporter, SecretStore } from '../../electron/core/ports';
import { createJsonFileBackend } from '../../electron/core/settings/settings-backend';
import { createSettingsStore } from '../../electron/core/settings/settings-store';
import { BROKERS, expiresAtKeyFor, type BrokerId } from '../../shared/brokers';
import type { RemoteExportTarget } from '../../shared/remote-targets';
import { preferencesSchema, type Preferences, type Thresholds } from '../../shared/domain';
import {
  startBrokerSimulator,
  type BrokerSimulator,
  type SimApp,
  type SimLifetimes,
} from '../simulator/index';
import type { LoginNavigator } from '../../electron/core/lifecycle/login-flow';
import { HttpLoginNavigator } from './http-login-navigator';
import { RecordingLogger } from './recording-logger';

export { RecordingLogger };

export interface ShownNotification extends DesktopNotification {
  readonly at: Date;
}

/** Records what the OS would show; `click` runs a notification's click handler. */
export class RecordingNotifications implements NotificationPort {
  readonly shown: ShownNotification[] = [];
  readonly withdrawn: { id: string; at: Date }[] = [];
  private readonly visible = new Map<string, () => void>();
  constructor(private readonly clock: Clock) {}
  show(notification: DesktopNotification, onClick: () => void): void {
    this.shown.push({ ...notification, at: this.clock.now() });
    this.visible.set(notification.id, onClick);
  }
  withdraw(id: string): void {
    this.withdrawn.push({ id, at: this.clock.now() });
    this.visible.delete(id);
  }
  /** Ids on screen now. */
  get onScreen(): string[] {
    return [...this.visible.keys()];
  }
  click(id: string): void {
    const onClick = this.visible.get(id);
    if (!onClick) throw new Error(`notification ${id} is not on screen`);
    this.visible.delete(id); // the OS removes a clicked notification
    onClick();
  }
}

export class RecordingTray implements TrayPort {
  readonly models: TrayModel[] = [];
  render(model: TrayModel): void {
    this.models.push(model);
  }
  get last(): TrayModel | undefined {
    return this.models[this.models.length - 1];
  }
}

export class MemoryClipboard implements ClipboardPort {
  text = '';
  readonly writes: string[] = [];
  readText(): Promise<string> {
    return Promise.resolve(this.text);
  }
  writeText(text: string): Promise<void> {
    this.text = text;
    this.writes.push(text);
    return Promise.resolve();
  }
}

export class RecordingShell implements ShellPort {
  readonly calls: string[] = [];
  startAtLogin = false;
  chooseResult: string | null = null;
  showInFolder(path: string): Promise<void> {
    this.calls.push(`showInFolder ${path}`);
    return Promise.resolve();
  }
  chooseEnvFile(suggestedName?: string): Promise<string | null> {
    this.calls.push(`chooseEnvFile ${suggestedName ?? ''}`);
    return Promise.resolve(this.chooseResult);
  }
  openDashboard(): void {
    this.calls.push('openDashboard');
  }
  setStartAtLogin(enabled: boolean): void {
    this.startAtLogin = enabled;
    this.calls.push(`setStartAtLogin ${enabled}`);
  }
  quit(): void {
    this.calls.push('quit');
  }
}

export interface AppHarnessOptions {
  readonly start: Date;
  readonly secrets: SecretStore;
  readonly preferences?: Partial<Preferences>;
  readonly localZone?: string;
  readonly lifetimes?: SimLifetimes;
  /** What the simulated user presses on the login page (default: Log in). */
  readonly decision?: () => 'login' | 'cancel';
  /** Called when the navigator catches the redirect (the bench's stopwatch). */
  readonly onRedirect?: (url: string) => void;
  /** Wraps the real exporter (the bench times it; the trading week adds remote delivery). */
  readonly wrapExporter?: (
    exporter: Exporter,
    context: { readonly clock: Clock; readonly logger: RecordingLogger },
  ) => Exporter;
  /** Wraps the HTTP login navigator (a test that holds a login window open, then cancels it). */
  readonly wrapNavigator?: (navigator: HttpLoginNavigator) => LoginNavigator;
  /** Alert channels' endpoints (the fake Bot API, a test CA). */
  readonly alertEndpoints?: TokenTrayAppDeps['alertEndpoints'];
}

export interface AccountOptions {
  readonly autoRefresh?: boolean;
  /** FYERS: stores this PIN in the keychain (opt-in). */
  readonly pin?: string;
  readonly thresholds?: Thresholds;
  /** Several accounts of one broker: their own id (default `<broker>-main`, label = the id's tail)… */
  readonly id?: string;
  /** …and their own registered simulator app (default the broker's first). */
  readonly app?: SimApp;
  /** Bots on other machines (issue 10): SSH/SFTP, Redis, webhook targets. */
  readonly remoteTargets?: readonly RemoteExportTarget[];
}

export interface AppHarness {
  readonly clock: FakeClock;
  readonly sim: BrokerSimulator;
  readonly app: TokenTrayApp;
  readonly dir: string;
  readonly navigator: HttpLoginNavigator;
  readonly notifications: RecordingNotifications;
  readonly tray: RecordingTray;
  readonly clipboard: MemoryClipboard;
  readonly shell: RecordingShell;
  readonly logger: RecordingLogger;
  readonly secrets: SecretStore;
  /** Adds `<broker>-main` through IPC, exporting to `<dir>/<broker>.env`; returns its id. */
  addAccount(broker: BrokerId, options?: AccountOptions): Promise<string>;
  /** Logs in through IPC and the simulator's login page; throws with the error if it failed. */
  login(accountId: string): Promise<void>;
  /** The bot's view: the .env file of an account, parsed. */
  env(accountId: string): Record<string, string>;
  /** The access token the bot reads from the .env file, if any. */
  botToken(accountId: string): string | undefined;
  /** Quits the app and starts a new one over the same settings, keychain and files. */
  restart(): Promise<void>;
  /** Lets awake time pass in steps of at most a minute, settling background work after each. */
  advance(ms: number): Promise<void>;
  advanceTo(instant: Date): Promise<void>;
  close(): Promise<void>;
}

export async function startAppHarness(options: AppHarnessOptions): Promise<AppHarness> {
  const clock = new FakeClock(options.start);
  const now = () => clock.now();
  const sim = await startBrokerSimulator({
    now,
    ...(options.lifetimes ? { lifetimes: options.lifetimes } : {}),
  });
  const dir = mkdtempSync(join(tmpdir(), 'tokentray-app-'));
  const logger = new RecordingLogger();
  const settings = createSettingsStore({
    backend: createJsonFileBackend(join(dir, 'config.json')),
    secrets: options.secrets,
    logger,
  });
  await settings.savePreferences(preferencesSchema.parse(options.preferences ?? {}));
  const navigator = new HttpLoginNavigator({
    ...(options.decision ? { decision: options.decision } : {}),
    ...(options.onRedirect ? { onRedirect: options.onRedirect } : {}),
  });
  const exporter = createFileExporter({ logger });
  const notifications = new RecordingNotifications(clock);
  const tray = new RecordingTray();
  const clipboard = new MemoryClipboard();
  const shell = new RecordingShell();
  const makeApp = () =>
    createTokenTrayApp({
      clock,
      settings,
      secrets: options.secrets,
      brokers: createBrokerAdapters({
        baseUrls: sim.baseUrls,
        now,
        sleep: () => Promise.resolve(),
        random: () => 0.5,
        timeoutMs: 5_000,
        logger,
      }),
      exporter: options.wrapExporter ? options.wrapExporter(exporter, { clock, logger }) : exporter,
      logger,
      navigator: options.wrapNavigator ? options.wrapNavigator(navigator) : navigator,
      notifications,
      tray,
      clipboard,
      shell,
      localZone: options.localZone ?? 'Asia/Kolkata',
      ...(options.alertEndpoints ? { alertEndpoints: options.alertEndpoints } : {}),
    });
  let app = makeApp();
  await app.start();
  const ids: string[] = [];
  const envPath = (accountId: string) => join(dir, `${accountId}.env`);

  function readEnv(accountId: string): Record<string, string> {
    try {
      return dotenv.parse(readFileSync(envPath(accountId)));
    } catch {
      return {}; // no file yet
    }
  }

  async function advance(ms: number): Promise<void> {
    let left = ms;
    while (left > 0) {
      const step = Math.min(left, 60_000);
      clock.advance(step);
      left -= step;
      await app.whenIdle();
    }
  }

  return {
    clock,
    sim,
    get app() {
      return app;
    },
    dir,
    navigator,
    notifications,
    tray,
    clipboard,
    shell,
    logger,
    secrets: options.secrets,

    async addAccount(broker, account = {}) {
      const simApp = account.app ?? sim.app(broker);
      const id = account.id ?? `${broker}-main`;
      const tokenKey = BROKERS[broker].defaultEnvKey;
      const result = await app.ipc['account:save']({
        config: {
          id,
          broker,
          label: id.startsWith(`${broker}-`) ? id.slice(broker.length + 1) : id,
          apiKey: simApp.apiKey,
          redirectUri: simApp.redirectUri,
          ...(simApp.clientId !== undefined ? { clientId: simApp.clientId } : {}),
          exportTargets: [
            {
              kind: 'env',
              path: envPath(id),
              tokenKey,
              expiresAtKey: expiresAtKeyFor(tokenKey),
              extra: {},
            },
          ],
          ...(account.remoteTargets ? { remoteTargets: [...account.remoteTargets] } : {}),
          autoRefresh: account.autoRefresh ?? false,
          storePin: account.pin !== undefined,
          ...(account.thresholds ? { thresholds: account.thresholds } : {}),
        },
        apiSecret: simApp.apiSecret,
        ...(account.pin !== undefined ? { pin: account.pin } : {}),
      });
      if (!result.ok) throw new Error(`adding ${id} failed: ${result.error}`);
      ids.push(id);
      await app.whenIdle();
      return id;
    },

    async login(accountId) {
      const result = await app.ipc['account:login']({ id: accountId });
      await app.whenIdle();
      if (!result.ok) throw new Error(`login of ${accountId} failed: ${result.error}`);
    },

    env: readEnv,

    botToken(accountId) {
      const broker = app.service.getAccount(accountId)?.broker;
      return broker ? readEnv(accountId)[BROKERS[broker].defaultEnvKey] : undefined;
    },

    async restart() {
      app.stop();
      await app.whenIdle();
      app = makeApp();
      await app.start();
    },

    advance,
    advanceTo: (instant) => advance(Math.max(0, instant.getTime() - clock.now().getTime())),

    async close() {
      app.stop();
      await app.whenIdle();
      await sim.close();
      for (const id of ids) await options.secrets.deleteAll(id).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
