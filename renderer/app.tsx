/**
 * The dashboard window: every account at a glance, the banner when something needs the user, the
 * add/edit dialog, settings and the activity log. A pure view of the snapshots main publishes; every
 * change goes back to main as a command through the preload's `TokenTrayApi`.
 */
import { Suspense, lazy, useCallback, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { BROKERS } from '../shared/brokers';
import { NSE_HOLIDAYS_2026 } from '../shared/calendar';
import type { AccountView, Preferences } from '../shared/domain';
import type { CommandResult, TokenTrayApi } from '../shared/ipc-contract';
import type { ReadinessSummary } from '../shared/readiness';
import type { AccountAction } from './account-status';
import { runCommand, usePreferences, useSnapshot } from './bridge';
import { localTimeZone, systemClock, useNow, type Clock } from './clock';
import { AccountCard, type CardCommand } from './components/account-card';
import { ActivityView } from './components/activity-view';
import { AttentionBanner, type LoginAllProgress } from './components/attention-banner';
import { PinDialog } from './components/pin-dialog';
import { readinessSummaryText } from '../shared/readiness-text';
import { dashboardReadiness, sessionDay, toneClass, type AccountReadiness } from './readiness-view';
import { instantText, istTime } from './time-format';

// Rarely opened: loaded on first use, so the account list paints without them.
const AccountDialog = lazy(() =>
  import('./components/account-dialog').then((m) => ({ default: m.AccountDialog })),
);
const SettingsView = lazy(() =>
  import('./components/settings-view').then((m) => ({ default: m.SettingsView })),
);
const LocalApiSettings = lazy(() =>
  import('./components/local-api-settings').then((m) => ({ default: m.LocalApiSettings })),
);
const DesktopNotices = lazy(() =>
  import('./components/local-api-settings').then((m) => ({ default: m.DesktopNotices })),
);
const AlertChannelsSettings = lazy(() =>
  import('./components/alert-channels-settings').then((m) => ({
    default: m.AlertChannelsSettings,
  })),
);

export interface AppProps {
  /** The preload's API; undefined when the window was opened without it. */
  readonly api: TokenTrayApi | undefined;
  readonly clock?: Clock;
  /** The user's zone, shown beside IST; defaults to the system's. */
  readonly timeZone?: string;
}

export function App({ api, clock = systemClock, timeZone }: AppProps) {
  const [zone] = useState(() => timeZone ?? localTimeZone());
  if (!api) return <MissingBridge />;
  return <Dashboard api={api} clock={clock} timeZone={zone} />;
}

/** Shown instead of crashing when the preload did not install `window.tokentray`. */
export function MissingBridge() {
  return (
    <main className="missing-bridge">
      <h1>TokenTray cannot reach its background process</h1>
      <p>
        This window must be opened by the TokenTray app: the part that connects it to your accounts
        (the preload) did not load, so nothing here can work.
      </p>
      <p>
        Quit TokenTray from the tray icon and start it again. If you opened this page in a browser,
        run <code>npm run demo</code> for the demo instead.
      </p>
    </main>
  );
}

type View = 'accounts' | 'activity' | 'settings';
type Dialog =
  | { readonly kind: 'add' }
  | { readonly kind: 'edit'; readonly id: string }
  | { readonly kind: 'pin'; readonly id: string };

const VIEW_TITLE: Readonly<Record<View, string>> = {
  accounts: 'Accounts',
  activity: 'Activity',
  settings: 'Settings',
};

/** A command's failure, and the token it was about (see `renewalOf`). */
interface CommandError {
  readonly message: string;
  readonly renewal: string;
}

/**
 * Which token an account has: changes with every login or refresh (also the scheduler's). A failed
 * command's message is about the token of its time: once a newer one arrives it is stale, and the
 * card stops showing it (main clears its own `lastError` the same way).
 */
function renewalOf(account: AccountView): string {
  return `${account.issuedAt ?? ''}|${account.lastRefreshAt ?? ''}`;
}

function currentError(
  errors: Readonly<Record<string, CommandError>>,
  account: AccountView,
): string | undefined {
  const e = errors[account.id];
  return e && e.renewal === renewalOf(account) ? e.message : undefined;
}

/** The visible confirmation under a card after a command succeeded ("… at 09:05"). */
function doneText(account: AccountView, command: CardCommand | 'cancel', now: number): string {
  const broker = BROKERS[account.broker].label;
  const at = istTime(now);
  switch (command) {
    case 'login':
      return `Logged in at ${at} IST: a new token is in place and exported.`;
    case 'refresh':
      return `Renewed at ${at} IST: a new token is in place and exported.`;
    case 'validate':
      return `Checked at ${at} IST: ${broker} accepts the token.`;
    case 'open-folder':
      return 'Opened the folder in your file manager.';
    case 'retry-delivery':
      return `Delivered at ${at} IST to every remote target.`;
    case 'cancel':
      return `Login cancelled at ${at} IST. The previous token, if any, is unchanged.`;
  }
}

/** Header line: the tray's own summary (shared words), and which session it is about. */
function summaryText(summary: ReadinessSummary, day: string): string {
  return `${readinessSummaryText(summary)} · next session ${day === 'today' || day === 'tomorrow' ? day : `on ${day}`}, 09:15 IST`;
}

let firstPaintMarked = false;
/** For the bench: when the account list is first on screen (after the browser paints it). */
function markAccountsPainted(): void {
  if (firstPaintMarked || typeof requestAnimationFrame !== 'function') return;
  firstPaintMarked = true;
  requestAnimationFrame(() => {
    setTimeout(() => performance.mark('tokentray:accounts-painted'), 0);
  });
}

function Dashboard({
  api,
  clock,
  timeZone,
}: {
  api: TokenTrayApi;
  clock: Clock;
  timeZone: string;
}) {
  const { snapshot, retry } = useSnapshot(api);
  const { preferences, save: savePreferences } = usePreferences(api);
  const now = useNow(clock);
  const [view, setView] = useState<View>('accounts');
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [pending, setPending] = useState<Readonly<Record<string, CardCommand>>>({});
  const [commandErrors, setCommandErrors] = useState<Readonly<Record<string, CommandError>>>({});
  const [done, setDone] = useState<Readonly<Record<string, string>>>({});
  const [announcement, setAnnouncement] = useState('');
  const [themePreview, setThemePreview] = useState<Preferences['theme'] | undefined>();
  const [loginAll, setLoginAll] = useState<LoginAllProgress | null>(null);
  /** Main's finished queue the user has acknowledged (its progress line goes away). */
  const [dismissedQueue, setDismissedQueue] = useState('');
  const loginAllCancelled = useRef(false);
  /** Logins the user cancelled: their failed answer is the cancel, not an error to show. */
  const cancelledLogins = useRef(new Set<string>());
  const viewHeading = useRef<HTMLHeadingElement>(null);
  const [viewChanges, setViewChanges] = useState(0);

  const theme =
    themePreview ?? (preferences.state === 'ready' ? preferences.value.theme : 'system');
  // A layout effect: the page never paints a frame in the old theme (Preact, which ships, runs plain
  // effects only after the next paint).
  useLayoutEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  // Moving between sections takes keyboard and screen reader to the new section's heading. A layout
  // effect: focus moves in the same commit that shows the section (Preact, which ships, runs plain
  // effects only after the next paint), so no keystroke lands on the old element in between.
  useLayoutEffect(() => {
    if (viewChanges > 0) viewHeading.current?.focus();
  }, [viewChanges]);

  const accounts = useMemo(
    () => (snapshot.state === 'ready' ? snapshot.value.accounts : []),
    [snapshot],
  );
  const holidays = preferences.state === 'ready' ? preferences.value.holidays : NSE_HOLIDAYS_2026;
  const morningReminder =
    preferences.state === 'ready' ? preferences.value.morningReminder : '08:30';
  const readiness = useMemo(
    () => dashboardReadiness(accounts, now, holidays),
    [accounts, now, holidays],
  );

  const run = useCallback(
    async (account: AccountView, command: CardCommand, pin?: string): Promise<boolean> => {
      const id = account.id;
      const info = BROKERS[account.broker];
      if (
        command === 'refresh' &&
        pin === undefined &&
        !account.hasPin &&
        info.renewal.kind === 'refresh-token' &&
        info.renewal.needsPin
      ) {
        setDialog({ kind: 'pin', id });
        return false;
      }
      setPending((p) => ({ ...p, [id]: command }));
      setCommandErrors(({ [id]: _, ...rest }) => rest);
      setDone(({ [id]: _, ...rest }) => rest);
      const call = (): Promise<CommandResult> => {
        switch (command) {
          case 'login':
            return api.login({ id });
          case 'refresh':
            return api.refresh(pin === undefined ? { id } : { id, pin });
          case 'validate':
            return api.validate({ id });
          case 'open-folder':
            return api.openExportFolder({ id });
          case 'retry-delivery':
            return api.retryDelivery
              ? api.retryDelivery({ id })
              : Promise.resolve({ ok: false, error: 'Retry delivery is not available here.' });
        }
      };
      const result = await runCommand(call);
      setPending(({ [id]: _, ...rest }) => rest);
      if (command === 'login' && cancelledLogins.current.delete(id)) return false;
      if (result.ok) {
        const text = doneText(account, command, clock.now());
        setDone((d) => ({ ...d, [id]: text }));
        setAnnouncement(`${account.label}: ${text}`);
      } else {
        setCommandErrors((e) => ({
          ...e,
          [id]: { message: result.error, renewal: renewalOf(account) },
        }));
        setAnnouncement(`${account.label}: ${result.error}`);
      }
      return result.ok;
    },
    [api, clock],
  );

  // Optional in the contract: a main process (or bridge) without them gets no Cancel button and the
  // renderer's own "Log in all" queue.
  const cancelLogin = useMemo(() => {
    const cancel = api.cancelLogin?.bind(api);
    if (!cancel) return undefined;
    return async (account: AccountView) => {
      cancelledLogins.current.add(account.id);
      const result = await runCommand(() => cancel({ id: account.id }));
      if (!result.ok) cancelledLogins.current.delete(account.id);
      if (result.ok) {
        const text = doneText(account, 'cancel', clock.now());
        setDone((d) => ({ ...d, [account.id]: text }));
        setAnnouncement(`${account.label}: ${text}`);
      } else {
        setAnnouncement(`${account.label}: ${result.error}`);
      }
    };
  }, [api, clock]);

  /**
   * "Log in all": one login window after another, the next when the previous finishes or is
   * cancelled, with progress in the banner. Stops early when the user says so.
   */
  const logInAll = useCallback(
    async (queue: readonly AccountView[]) => {
      const viaMain = api.loginAll?.bind(api);
      if (viaMain) {
        // Main runs the queue (as the tray and the notification do) and publishes its progress.
        setLoginAll(null);
        const result = await runCommand(async () => {
          const r = await viaMain();
          return r.ok ? { ok: true as const } : r;
        });
        if (!result.ok) setAnnouncement(`Log in all: ${result.error}`);
        return;
      }
      loginAllCancelled.current = false;
      let ok = 0;
      for (let i = 0; i < queue.length; i += 1) {
        const account = queue[i];
        if (!account || loginAllCancelled.current) break;
        setLoginAll({
          index: i,
          total: queue.length,
          label: account.label,
          done: false,
          ok,
          current: account.id,
        });
        if (await run(account, 'login')) ok += 1;
      }
      setLoginAll({
        index: queue.length,
        total: queue.length,
        label: '',
        done: true,
        ok,
        current: null,
      });
      setAnnouncement(`Log in all: ${ok} of ${queue.length} logged in.`);
    },
    [api, run],
  );

  const stopLogInAll = useCallback(
    (current: string | null) => {
      loginAllCancelled.current = true;
      if (current && api.cancelLogin) {
        // Main's queue: close the open window and drop the rest.
        void runCommand(
          () => api.cancelLogin?.({ id: current, rest: true }) ?? Promise.resolve({ ok: true }),
        );
      }
    },
    [api],
  );

  const onBannerAction = (account: AccountView, action: AccountAction) => {
    if (action === 'edit') setDialog({ kind: 'edit', id: account.id });
    else void run(account, action);
  };

  const go = (next: View) => {
    setView(next);
    setViewChanges((n) => n + 1);
  };

  const fallbackFocus = () => document.getElementById('add-account') ?? viewHeading.current ?? null;

  const dialogAccount =
    dialog && dialog.kind !== 'add' ? accounts.find((a) => a.id === dialog.id) : undefined;
  const closeDialog = () => setDialog(null);
  const previewTheme = useCallback((t: Preferences['theme'] | undefined) => setThemePreview(t), []);

  const { summary } = readiness;
  // Main's "Log in all" progress wins over the renderer's own queue.
  const mainQueue = snapshot.state === 'ready' ? snapshot.value.loginQueue : null;
  const progress: LoginAllProgress | null =
    mainQueue && JSON.stringify(mainQueue) !== dismissedQueue
      ? {
          index: Math.min(mainQueue.done, Math.max(mainQueue.total - 1, 0)),
          total: mainQueue.total,
          label: accounts.find((a) => a.id === mainQueue.current)?.label ?? '',
          done: mainQueue.current === null && mainQueue.done >= mainQueue.total,
          ok: mainQueue.loggedIn,
          current: mainQueue.current,
        }
      : mainQueue
        ? null
        : loginAll;
  const first = readiness.items[0];
  const day = first ? sessionDay(first.readiness, now) : 'today';
  const paused =
    snapshot.state === 'ready' && snapshot.value.notificationsPausedUntil
      ? instantText(snapshot.value.notificationsPausedUntil, timeZone)
      : undefined;

  return (
    <div className={`app theme-${theme}`}>
      <header className="app-header">
        <div className="brand">
          <svg
            className={`brand-mark ${accounts.length > 0 ? toneClass(summary.tone) : 'tone-none'}`}
            width="26"
            height="26"
            viewBox="0 0 26 26"
            aria-hidden="true"
            focusable="false"
          >
            <rect x="1" y="1" width="24" height="24" rx="7" />
            <path d="M8 9h10M13 9v9" strokeWidth="2.6" strokeLinecap="round" />
          </svg>
          <h1>TokenTray</h1>
        </div>
        {snapshot.state === 'ready' && accounts.length > 0 ? (
          <p className="summary">
            {summaryText(summary, day)}
            {paused ? ` · notifications paused until ${paused.ist}` : ''}
          </p>
        ) : null}
        <nav aria-label="Sections" className="app-nav">
          <ul role="list">
            {(Object.keys(VIEW_TITLE) as View[]).map((v) => (
              <li key={v}>
                <button
                  type="button"
                  className="nav-button"
                  aria-current={view === v ? 'page' : undefined}
                  onClick={() => go(v)}
                >
                  {VIEW_TITLE[v]}
                  {v === 'accounts' && summary.needYou > 0 ? (
                    <span className="nav-count">
                      {summary.needYou} <span className="sr-only">need you</span>
                    </span>
                  ) : null}
                </button>
              </li>
            ))}
          </ul>
        </nav>
      </header>

      <main className="app-main">
        <div className="view-head">
          <h2 ref={viewHeading} tabIndex={-1}>
            {VIEW_TITLE[view]}
          </h2>
          {view === 'accounts' && snapshot.state === 'ready' && accounts.length > 0 ? (
            <button
              id="add-account"
              type="button"
              className="button"
              onClick={() => setDialog({ kind: 'add' })}
            >
              <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true" focusable="false">
                <path d="M6 1v10M1 6h10" stroke="currentColor" strokeWidth="2" />
              </svg>
              Add account
            </button>
          ) : null}
        </div>

        {api.getDesktopNotices ? (
          <Suspense fallback={null}>
            <DesktopNotices api={api} />
          </Suspense>
        ) : null}

        {snapshot.state === 'loading' ? (
          <p className="muted" role="status">
            Loading your accounts…
          </p>
        ) : snapshot.state === 'failed' ? (
          <div className="form-error" role="alert">
            <p>{snapshot.error}</p>
            <button type="button" className="button" onClick={retry}>
              Try again
            </button>
          </div>
        ) : view === 'accounts' ? (
          <AccountsView
            items={readiness.items}
            needYou={readiness.needYou}
            now={now}
            timeZone={timeZone}
            morningReminder={morningReminder}
            pending={pending}
            commandErrors={commandErrors}
            done={done}
            loginAll={progress}
            onCommand={(a, c) => void run(a, c)}
            onCancelLogin={cancelLogin}
            onBannerAction={onBannerAction}
            onLogInAll={(queue) => void logInAll(queue)}
            onStopLogInAll={() => stopLogInAll(progress?.current ?? null)}
            onDismissLogInAll={() => {
              setLoginAll(null);
              if (mainQueue) setDismissedQueue(JSON.stringify(mainQueue));
            }}
            onEdit={(id) => setDialog({ kind: 'edit', id })}
            onAdd={() => setDialog({ kind: 'add' })}
          />
        ) : view === 'activity' ? (
          <ActivityView
            api={api}
            accounts={accounts}
            timeZone={timeZone}
            revision={snapshot.value.at}
          />
        ) : preferences.state === 'ready' ? (
          <Suspense fallback={<Loading what="settings" />}>
            <SettingsView
              preferences={preferences.value}
              accounts={accounts}
              onSave={savePreferences}
              onPreviewTheme={previewTheme}
              onEditAccount={(id) => setDialog({ kind: 'edit', id })}
            />
            {api.getAlertChannels ? (
              <AlertChannelsSettings
                api={api}
                preferences={preferences.value}
                onSave={savePreferences}
              />
            ) : null}
            {api.configureLocalApi ? <LocalApiSettings api={api} /> : null}
          </Suspense>
        ) : preferences.state === 'failed' ? (
          <p className="form-error" role="alert">
            {preferences.error}
          </p>
        ) : (
          <Loading what="settings" />
        )}
      </main>

      <div className="sr-only" role="status" aria-live="polite">
        {announcement}
      </div>

      {dialog?.kind === 'add' ? (
        <Suspense fallback={null}>
          <AccountDialog
            api={api}
            mode={{ kind: 'add' }}
            takenIds={accounts.map((a) => a.id)}
            now={now}
            onClose={closeDialog}
            onSaved={(label) => {
              closeDialog();
              setAnnouncement(`${label} added. Click Log in to get its first token.`);
            }}
            onRemoved={closeDialog}
            fallbackFocus={fallbackFocus}
          />
        </Suspense>
      ) : null}
      {dialog?.kind === 'edit' && dialogAccount ? (
        <Suspense fallback={null}>
          <AccountDialog
            api={api}
            mode={{ kind: 'edit', account: dialogAccount }}
            takenIds={accounts.map((a) => a.id)}
            now={now}
            onClose={closeDialog}
            onSaved={(label) => {
              closeDialog();
              setDone((d) => ({
                ...d,
                [dialogAccount.id]: `Settings saved at ${istTime(clock.now())} IST.`,
              }));
              setAnnouncement(`${label} saved.`);
            }}
            onRemoved={(label) => {
              closeDialog();
              setAnnouncement(`${label} removed.`);
            }}
            fallbackFocus={fallbackFocus}
          />
        </Suspense>
      ) : null}
      {dialog?.kind === 'pin' && dialogAccount ? (
        <PinDialog
          account={dialogAccount}
          onClose={closeDialog}
          onSubmit={(pin) => {
            closeDialog();
            void run(dialogAccount, 'refresh', pin);
          }}
        />
      ) : null}
    </div>
  );
}

function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status">
      Loading {what}…
    </p>
  );
}

function AccountsView({
  items,
  needYou,
  now,
  timeZone,
  morningReminder,
  pending,
  commandErrors,
  done,
  loginAll,
  onCommand,
  onCancelLogin,
  onBannerAction,
  onLogInAll,
  onStopLogInAll,
  onDismissLogInAll,
  onEdit,
  onAdd,
}: {
  items: readonly AccountReadiness[];
  needYou: readonly AccountReadiness[];
  now: number;
  timeZone: string;
  morningReminder: string;
  pending: Readonly<Record<string, CardCommand>>;
  commandErrors: Readonly<Record<string, CommandError>>;
  done: Readonly<Record<string, string>>;
  loginAll: LoginAllProgress | null;
  onCommand: (account: AccountView, command: CardCommand) => void;
  onCancelLogin: ((account: AccountView) => Promise<void>) | undefined;
  onBannerAction: (account: AccountView, action: AccountAction) => void;
  onLogInAll: (queue: readonly AccountView[]) => void;
  onStopLogInAll: () => void;
  onDismissLogInAll: () => void;
  onEdit: (id: string) => void;
  onAdd: () => void;
}) {
  // In the commit that puts the list in the DOM: the mark then lands just after the frame that paints it.
  useLayoutEffect(markAccountsPainted, []);
  const busyIds = useMemo(() => new Set(Object.keys(pending)), [pending]);

  if (items.length === 0) {
    return (
      <section className="empty-state" aria-labelledby="empty-heading">
        <h3 id="empty-heading">No accounts yet</h3>
        <p>
          Add your Upstox, Zerodha Kite or FYERS API app. TokenTray then keeps its access token
          fresh, writes it where your bots read it, and tells you when a login is due.
        </p>
        <button id="add-account" type="button" className="button button-primary" onClick={onAdd}>
          Add your first account
        </button>
      </section>
    );
  }

  return (
    <>
      <div aria-live="polite">
        <AttentionBanner
          items={needYou}
          now={now}
          morningReminder={morningReminder}
          busyIds={busyIds}
          loginAll={loginAll}
          onAction={onBannerAction}
          onLogInAll={onLogInAll}
          onStopLogInAll={onStopLogInAll}
          onDismissLogInAll={onDismissLogInAll}
        />
      </div>
      <ul className="account-list" role="list" aria-label="Accounts, most urgent first">
        {items.map((item) => {
          const a = item.account;
          return (
            <li key={a.id}>
              <AccountCard
                item={item}
                now={now}
                timeZone={timeZone}
                morningReminder={morningReminder}
                pending={pending[a.id]}
                commandError={currentError(commandErrors, a)}
                done={done[a.id]}
                onCommand={(c) => onCommand(a, c)}
                onCancelLogin={onCancelLogin ? () => void onCancelLogin(a) : undefined}
                onEdit={() => onEdit(a.id)}
              />
            </li>
          );
        })}
      </ul>
    </>
  );
}
