/**
 * The platform-free app (app-ports.ts): TokenService + Scheduler + Notifier + tray presenter, wired
 * together in plain Node. main.ts hands in the Electron adapters; tests and the trading-week bench
 * hand in recording fakes, a FakeClock and the broker simulator.
 *
 * Timers: the scheduler's (≤ 60 s, see scheduler.ts), one tray ticker armed for the next wall-clock
 * minute boundary (the tray countdown has minute granularity, so nothing finer is ever needed), and
 * the 60 s clipboard clear after "Copy token". All through the injected Clock.
 */
import type { Preferences, Snapshot } from '../../../shared/domain';
import { isUsable } from '../../../shared/status';
import { createIpcHandlers, type LocalApiConfigurer } from './app-ipc';
import type { RemoteCommands } from '../export/remote-commands';
import { createCommands, type Commands } from '../commands/commands';
import type {
  ClipboardPort,
  NotificationPort,
  PowerEvent,
  ShellPort,
  TokenTrayAppHandle,
  TrayAction,
  TrayModel,
  TrayPort,
} from './app-ports';
import { toTokenTrayError, TokenTrayError } from '../errors';
import { planEvents } from '../lifecycle/event-planner';
import type { LoginNavigator } from '../lifecycle/login-flow';
import { Notifier, pauseEndFor, type NotificationPurpose } from '../alerts/notifier';
import { AlertChannels, type AlertChannelsDeps } from '../alerts/channels';
import { Scheduler, type FiredBatch } from '../lifecycle/scheduler';
import {
  KeychainSaveError,
  RenewalPausedError,
  TokenService,
  type TokenServiceDeps,
} from '../lifecycle/token-service';
import { accountsToLogIn, presentTray, sameTrayModel, statusNow } from './tray-presenter';
import { LoginQueueRunner } from './login-queue';

/** TokenService's ports, plus the ones only the app's views (tray, notifications, clipboard…) use. */
export interface TokenTrayAppDeps extends TokenServiceDeps {
  readonly navigator: LoginNavigator;
  readonly notifications: NotificationPort;
  readonly tray: TrayPort;
  readonly clipboard: ClipboardPort;
  readonly shell: ShellPort;
  /** Where the alert channels connect (tests: the fake Bot API, a test CA); default the real ones. */
  readonly alertEndpoints?: Pick<AlertChannelsDeps, 'telegram' | 'webhook'>;
  /** Remote targets' commands (issue 10: Test connection, secrets, Retry delivery). */
  readonly remote?: RemoteCommands;
  /** Settings → Local API: the running API's configure (main starts it after the app). */
  readonly localApi?: () => LocalApiConfigurer | null;
  /** What this desktop cannot do (issue 12), for the dashboard banner. */
  readonly desktopNotices?: () => readonly string[];
}

/** The handle, plus what tests and the bench look at. */
export interface TokenTrayApp extends TokenTrayAppHandle {
  readonly service: TokenService;
  readonly scheduler: Scheduler;
  readonly notifier: Notifier;
  /** Telegram / webhook alerts and their morning summary (issue 13). */
  readonly alerts: AlertChannels;
  /** "Log in all": the login windows one after another. */
  readonly loginQueue: LoginQueueRunner;
  /** Tray renders actually sent to the TrayPort (unchanged models are skipped). */
  readonly stats: { trayRenders: number };
  /** The command layer under IPC, the CLI socket and the HTTP API (core/commands/). */
  readonly commands: Commands;
  /** Resolves when every background task (auto-refresh, clicks, validations) has settled. */
  whenIdle(): Promise<void>;
}

export const CLIPBOARD_CLEAR_MS = 60_000;
const MINUTE = 60_000;

export function createTokenTrayApp(deps: TokenTrayAppDeps): TokenTrayApp {
  const { clock, logger } = deps;
  const localZone = deps.localZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const service = new TokenService({ ...deps, localZone });

  const pending = new Set<Promise<unknown>>();
  const snapshotListeners = new Set<(snapshot: Snapshot) => void>();
  const unsubscribers: (() => void)[] = [];
  const stats = { trayRenders: 0 };
  let started: Promise<void> | undefined;
  let running = false;
  /** stop() ran: a start() still loading settings must not arm anything afterwards. */
  let stopped = false;
  let lastModel: TrayModel | undefined;
  let ticker: unknown;
  /** The token "Copy token" put on the clipboard, until it is cleared (or the user replaced it). */
  let copied: { token: string; timer: unknown; deadline: number } | undefined;
  let recomputeQueued = false;
  /** Auto-refreshes that fell due while their account was being validated: run once it is free. */
  const refreshWhenFree = new Set<string>();

  /** Keeps a background task's promise so whenIdle() can wait for it; it never rejects. */
  function track(task: Promise<unknown>, what: string): void {
    const settled = task.then(
      () => undefined,
      (e: unknown) =>
        logger.warn('background task failed', { what, kind: toTokenTrayError(e).kind }),
    );
    pending.add(settled);
    void settled.finally(() => pending.delete(settled));
  }

  // ------------------------------------------------------------------ notifier and scheduler

  const notifier: Notifier = new Notifier({
    port: deps.notifications,
    clock,
    snapshot: () => service.snapshot(),
    preferences: () => service.getPreferences(),
    localZone,
    logger,
    onClick: (accountId, purpose) => onNotificationClick(accountId, purpose),
    onPauseChange: (until) => service.setNotificationsPausedUntil(until),
    onLoginAll: () => {
      loginAll();
    },
    activity: (entry) => service.activity.add(entry),
  });

  /** Remote alert channels: fed the same notices; they never wait on or block the desktop. */
  const alerts = new AlertChannels({
    clock,
    logger,
    secrets: deps.secrets,
    preferences: () => service.getPreferences(),
    snapshot: () => service.snapshot(),
    ...deps.alertEndpoints,
  });

  // ------------------------------------------------------------------ log in all (issue 11)

  /** One click for every account a login helps now: their windows open one after another. */
  const loginQueue = new LoginQueueRunner({
    // A login in a "Log in all" round may fail while the user has stepped away: the alert channels
    // that subscribe to failures hear of it (a cancelled window is not a failure).
    login: (accountId) =>
      service.login(accountId, deps.navigator).catch((e: unknown) => {
        const err = toTokenTrayError(e, 'login-failed');
        if (err.kind !== 'cancelled' && err.kind !== 'busy')
          alerts.loginFailed(accountId, err.message);
        throw e;
      }),
    stillNeeded: (accountId) =>
      accountsToLogIn(service.snapshot(), clock.now(), service.getPreferences().holidays).some(
        (v) => v.id === accountId,
      ),
    publish: (progress) => service.setLoginQueue(progress),
    note: (level, message) =>
      service.activity.add({ at: clock.now().toISOString(), accountId: null, level, message }),
    onFailures: () => deps.shell.openDashboard(),
    logger,
  });

  /** Queues every account a login helps now (most urgent first); returns the ones added. */
  function loginAll(): string[] {
    const holidays = service.getPreferences().holidays;
    const ids = accountsToLogIn(service.snapshot(), clock.now(), holidays).map((v) => v.id);
    const added = loginQueue.enqueue(ids);
    if (added.length > 0) track(loginQueue.whenDone(), 'log in all');
    return added;
  }

  /**
   * Cancel during login: closes the account's open login window (its login ends as cancelled, the
   * queue moves on); `rest` also drops the accounts still waiting in "Log in all". Nothing open is
   * not an error: the login may have finished a moment ago.
   */
  function cancelLogin(accountId: string, rest: boolean): void {
    if (rest) loginQueue.dropPending();
    const view = service.snapshot().accounts.find((a) => a.id === accountId);
    if (!view) {
      throw new TokenTrayError('config', `No account "${accountId}": it may have been removed.`);
    }
    if (view.busy !== 'login') return;
    if (!deps.navigator.cancel?.(accountId)) {
      throw new TokenTrayError(
        'config',
        'This login cannot be cancelled from here: close its login window instead.',
      );
    }
  }

  const scheduler = new Scheduler(
    clock,
    (now) =>
      planEvents(service.plannerAccounts(), service.getPreferences(), now, (accountId, e) =>
        logger.error('planning the events of an account failed', {
          accountId,
          error: e instanceof Error ? e.name : typeof e,
        }),
      ),
    (batches) => onFire(batches),
  );

  function onFire(batches: readonly FiredBatch[]): void {
    const snapshot = service.snapshot();
    const now = clock.now();
    for (const batch of batches) {
      // One account's failure must not keep the others' events from running.
      try {
        fireBatch(batch, snapshot, now);
      } catch (e) {
        logger.error('handling an account event failed', {
          accountId: batch.accountId,
          error: e instanceof Error ? e.name : typeof e,
        });
      }
    }
    // After the refreshes above started: the notifier then sees those accounts as busy.
    notifier.handleBatches(batches);
    service.tick();
  }

  function fireBatch(batch: FiredBatch, snapshot: Snapshot, now: Date): void {
    const view = snapshot.accounts.find((a) => a.id === batch.accountId);
    // A login or refresh in progress renews the token anyway; a validation (resume, unlock, the
    // user's click) does not: the refresh waits for it instead of being lost (its event fired).
    if (!view || (view.busy !== null && view.busy !== 'validate')) return;
    const kinds = new Set(batch.events.map((e) => e.kind));
    // At the morning reminder, an auto-refresh account gets one more silent try before we ask
    // the user (the 06:05 refresh may have met a broker that was down).
    const retryAtReminder =
      kinds.has('morning-reminder') &&
      view.autoRefresh &&
      view.canRefresh &&
      view.hasPin &&
      !isUsable(statusNow(view, now));
    if (!kinds.has('auto-refresh') && !retryAtReminder) return;
    if (view.busy === 'validate') refreshWhenFree.add(view.id);
    else autoRefresh(view.id);
  }

  /** FYERS: renew silently (PIN from the keychain, stored only on opt-in); speak only on failure. */
  function autoRefresh(accountId: string): void {
    track(
      service.refresh(accountId, { silent: true }).catch((e: unknown) => {
        const err = toTokenTrayError(e);
        if (err.kind === 'busy') return; // a login or refresh the user started will renew it
        // Paused by the renewal limit, or renewed with only the keychain lagging: the account says
        // so; a "refresh failed" notification would be wrong (and, in a storm, one per attempt).
        if (err instanceof RenewalPausedError || err instanceof KeychainSaveError) return;
        notifier.autoRefreshFailed(accountId, err.message);
        alerts.autoRefreshFailed(accountId, err.message);
      }),
      'auto-refresh',
    );
  }

  /** Re-plans after the current call stack: snapshots are published from inside commands. */
  function queueRecompute(): void {
    if (recomputeQueued) return;
    recomputeQueued = true;
    queueMicrotask(() => {
      recomputeQueued = false;
      scheduler.recompute();
    });
  }

  // ------------------------------------------------------------------ tray

  function render(): void {
    if (!running) return;
    const prefs = service.getPreferences();
    const model = presentTray(service.snapshot(), clock.now(), {
      startAtLogin: prefs.startAtLogin,
      holidays: prefs.holidays,
      morningReminder: prefs.morningReminder,
    });
    if (sameTrayModel(lastModel, model)) return;
    lastModel = model;
    stats.trayRenders += 1;
    deps.tray.render(model);
  }

  /** Arms the tray ticker for the next wall-clock minute boundary. */
  function armTicker(): void {
    if (ticker !== undefined) clock.cancelTimer(ticker);
    const now = clock.now().getTime();
    ticker = clock.setTimer(MINUTE - (now % MINUTE), () => {
      ticker = undefined;
      retryKeychain('minute');
      notifier.tick();
      render();
      if (running) armTicker();
    });
  }

  /** Retries keychain saves still owed (a locked keychain at login/refresh), when there are any. */
  function retryKeychain(why: string): void {
    if (service.hasPendingSaves()) track(service.retryPendingSaves(), `keychain retry (${why})`);
  }

  /** Starts the auto-refreshes that waited for a validation to end (after the current publish). */
  function runWaitingRefreshes(snapshot: Snapshot): void {
    for (const id of [...refreshWhenFree]) {
      const view = snapshot.accounts.find((a) => a.id === id);
      if (view?.busy === 'validate') continue;
      refreshWhenFree.delete(id);
      // Started after the publish that freed the account has reached every listener.
      if (view) {
        queueMicrotask(() => {
          if (running) autoRefresh(id);
        });
      }
    }
  }

  function onSnapshot(snapshot: Snapshot): void {
    queueRecompute();
    runWaitingRefreshes(snapshot);
    notifier.reconcile(snapshot);
    render();
    for (const listener of snapshotListeners) {
      try {
        listener(snapshot);
      } catch (e) {
        logger.error('snapshot listener failed', { error: e instanceof Error ? e.name : typeof e });
      }
    }
  }

  // ------------------------------------------------------------------ user commands

  /**
   * A command the user started from the tray or a notification. Its failure is recorded on the
   * account (dashboard, activity); the dashboard is opened so the click does not end in silence.
   */
  function userCommand(task: Promise<unknown>, what: string): void {
    track(
      task.catch((e: unknown) => {
        const err = toTokenTrayError(e);
        if (err.kind !== 'cancelled' && err.kind !== 'busy') deps.shell.openDashboard();
      }),
      what,
    );
  }

  /** A click on a notification: log in (also for FYERS: a login renews both tokens at once). */
  function onNotificationClick(accountId: string, purpose: NotificationPurpose): void {
    if (purpose === 'export') {
      deps.shell.openDashboard();
      return;
    }
    userCommand(service.login(accountId, deps.navigator), 'login from notification');
  }

  async function copyToken(accountId: string): Promise<void> {
    const token = await service.readAccessToken(accountId);
    await deps.clipboard.writeText(token);
    if (copied) clock.cancelTimer(copied.timer);
    copied = {
      token,
      deadline: clock.now().getTime() + CLIPBOARD_CLEAR_MS,
      timer: clock.setTimer(CLIPBOARD_CLEAR_MS, clearClipboard),
    };
  }

  /**
   * Takes our token off the clipboard, only if it is still there: whatever the user copied since is
   * theirs. Runs 60 s after the copy, and earlier when that minute has passed on the wall clock while
   * the timer stood still (suspend), or when TokenTray quits: the token must not outlive its minute.
   */
  function clearClipboard(): void {
    if (!copied) return;
    const { token, timer } = copied;
    copied = undefined;
    clock.cancelTimer(timer);
    track(
      (async () => {
        if ((await deps.clipboard.readText()) === token) await deps.clipboard.writeText('');
      })(),
      'clear clipboard',
    );
  }

  async function savePreferences(preferences: Preferences): Promise<void> {
    const before = service.getPreferences().startAtLogin;
    await service.savePreferences(preferences);
    alerts.wake(); // the summary time or the channels may have changed
    if (preferences.startAtLogin !== before) deps.shell.setStartAtLogin(preferences.startAtLogin);
  }

  async function ready(): Promise<void> {
    if (!started) {
      throw new TokenTrayError('config', 'TokenTray is still starting; try again in a moment.');
    }
    await started;
  }

  async function start(): Promise<void> {
    await service.init();
    if (stopped) return; // quit while the settings were loading
    running = true;
    unsubscribers.push(service.subscribe(onSnapshot));
    unsubscribers.push(service.onNotice((notice) => notifier.handleNotice(notice)));
    unsubscribers.push(service.onNotice((notice) => alerts.handleNotice(notice)));
    armTicker();
    // The scheduler starts before the validation pass, so nothing falling due while the brokers
    // answer is skipped (scheduler.start() ignores what was due before it).
    scheduler.start();
    try {
      await service.validateAll(); // per-account failures stay on the accounts
    } catch (e) {
      logger.warn('validation at start failed', { kind: toTokenTrayError(e).kind });
    }
    notifier.remindMissed();
    alerts.start();
    render();
  }

  function stop(): void {
    stopped = true;
    running = false;
    loginQueue.dropPending(); // quitting closes the open login window; open no further ones
    scheduler.stop();
    alerts.stop();
    if (ticker !== undefined) clock.cancelTimer(ticker);
    ticker = undefined;
    clearClipboard();
    for (const unsubscribe of unsubscribers.splice(0)) unsubscribe();
  }

  async function trayAction(action: TrayAction): Promise<void> {
    switch (action.kind) {
      case 'login':
        return userCommand(service.login(action.accountId, deps.navigator), 'tray login');
      case 'refresh':
        return userCommand(service.refresh(action.accountId), 'tray refresh');
      case 'validate':
        return userCommand(service.validate(action.accountId), 'tray validate');
      case 'copy-token':
        return userCommand(copyToken(action.accountId), 'copy token');
      case 'open-dashboard':
        return deps.shell.openDashboard();
      case 'login-all':
        loginAll();
        return;
      case 'pause-notifications':
        return notifier.pause(pauseEndFor(clock.now()));
      case 'resume-notifications':
        return notifier.resume();
      case 'set-start-at-login':
        await savePreferences({ ...service.getPreferences(), startAtLogin: action.enabled });
        return render();
      case 'quit':
        stop();
        return deps.shell.quit();
    }
  }

  const commands = createCommands({
    service,
    settings: deps.settings,
    clock,
    logger,
    localZone,
    navigator: deps.navigator,
    ready,
  });
  const ipc = createIpcHandlers({
    service,
    navigator: deps.navigator,
    shell: deps.shell,
    logger,
    ready,
    savePreferences,
    commands,
    loginAll,
    cancelLogin,
    alerts,
    ...(deps.remote ? { remote: deps.remote } : {}),
    ...(deps.localApi ? { localApi: deps.localApi } : {}),
    ...(deps.desktopNotices ? { desktopNotices: deps.desktopNotices } : {}),
  });

  return {
    service,
    scheduler,
    notifier,
    alerts,
    loginQueue,
    stats,
    ipc,
    commands,

    start(): Promise<void> {
      started ??= start();
      return started;
    },

    stop,

    onSnapshot(listener) {
      snapshotListeners.add(listener);
      return () => {
        snapshotListeners.delete(listener);
      };
    },

    async handleTrayAction(action: TrayAction): Promise<void> {
      // Never rejects: the tray has nobody to hand an error to. Failures land on the account.
      try {
        await ready();
        await trayAction(action);
      } catch (e) {
        logger.warn('tray action failed', { action: action.kind, kind: toTokenTrayError(e).kind });
        if (action.kind !== 'quit') deps.shell.openDashboard();
      }
    },

    handlePowerEvent(event: PowerEvent): void {
      logger.info('power event', { event });
      if (copied && clock.now().getTime() >= copied.deadline) clearClipboard();
      if (!running || event === 'suspend') return;
      // Timers stood still while asleep and the wall clock may have jumped: re-plan now (missed
      // events fire as one batch per account), re-check tokens (a broker may have ended sessions
      // overnight), and redraw on the new minute grid.
      scheduler.recompute();
      retryKeychain(event);
      track(service.validateAll(), 'validate after ' + event);
      armTicker();
      notifier.tick();
      alerts.wake();
      render();
    },

    async whenIdle(): Promise<void> {
      // Settle microtasks (queued re-plans), then every task, including ones started meanwhile.
      for (;;) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (pending.size === 0) return;
        await Promise.all([...pending]);
      }
    },
  };
}
