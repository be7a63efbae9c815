/**
 * The dashboard window: every account at a glance, the banner when something needs the user, the
 * add/edit dialog, settings and the activity log. A pure view of the snapshots main publishes; every
 * change goes back to main as a command through the preload's `TokenTrayApi`.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { BROKERS } from '../shared/brokers';
import type { AccountView, Preferences } from '../shared/domain';
import type { CommandResult, TokenTrayApi } from '../shared/ipc-contract';
import { isUsable, worstStatus, type TokenStatus } from '../shared/status';
import { liveStatus, needsAttention, type AccountAction } from './account-status';
import { runCommand, usePreferences, useSnapshot } from './bridge';
import { localTimeZone, systemClock, useNow, type Clock } from './clock';
import { AccountCard, type CardCommand } from './components/account-card';
import { AccountDialog } from './components/account-dialog';
import { ActivityView } from './components/activity-view';
import { AttentionBanner } from './components/attention-banner';
import { PinDialog } from './components/pin-dialog';
import { SettingsView } from './components/settings-view';
import { instantText } from './time-format';

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

const DONE_TEXT: Readonly<Record<CardCommand, string>> = {
  login: 'logged in',
  refresh: 'token renewed',
  validate: 'the broker accepts the token',
  'open-folder': 'folder opened',
};

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
  const [announcement, setAnnouncement] = useState('');
  const [themePreview, setThemePreview] = useState<Preferences['theme'] | undefined>();
  const viewHeading = useRef<HTMLHeadingElement>(null);
  const [viewChanges, setViewChanges] = useState(0);

  const theme =
    themePreview ?? (preferences.state === 'ready' ? preferences.value.theme : 'system');
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  // Moving between sections takes keyboard and screen reader to the new section's heading.
  useEffect(() => {
    if (viewChanges > 0) viewHeading.current?.focus();
  }, [viewChanges]);

  const accounts = useMemo(
    () => (snapshot.state === 'ready' ? snapshot.value.accounts : []),
    [snapshot],
  );
  const statuses = useMemo(() => {
    const m = new Map<string, TokenStatus>();
    for (const a of accounts) m.set(a.id, liveStatus(a, now));
    return m;
  }, [accounts, now]);
  const statusOf = (a: AccountView): TokenStatus => statuses.get(a.id) ?? a.status;

  const attention = accounts
    .map((account) => ({ account, status: statusOf(account) }))
    .filter(({ account, status }) => needsAttention(account, status));

  const run = useCallback(
    async (account: AccountView, command: CardCommand, pin?: string) => {
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
        return;
      }
      setPending((p) => ({ ...p, [id]: command }));
      setCommandErrors(({ [id]: _, ...rest }) => rest);
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
        }
      };
      const result = await runCommand(call);
      setPending(({ [id]: _, ...rest }) => rest);
      if (result.ok) {
        setAnnouncement(`${account.label}: ${DONE_TEXT[command]}.`);
      } else {
        setCommandErrors((e) => ({
          ...e,
          [id]: { message: result.error, renewal: renewalOf(account) },
        }));
        setAnnouncement(`${account.label}: ${result.error}`);
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

  const worst = worstStatus([...statuses.values()]);
  const usable = [...statuses.values()].filter(isUsable).length;
  const paused =
    snapshot.state === 'ready' && snapshot.value.notificationsPausedUntil
      ? instantText(snapshot.value.notificationsPausedUntil, timeZone)
      : undefined;

  return (
    <div className={`app theme-${theme}`}>
      <header className="app-header">
        <div className="brand">
          <svg
            className={`brand-mark status-${worst ?? 'none'}`}
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
            {usable === accounts.length
              ? `All ${accounts.length === 1 ? '' : `${accounts.length} `}tokens usable`
              : `${usable} of ${accounts.length} tokens usable`}
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
                  {v === 'accounts' && attention.length > 0 ? (
                    <span className="nav-count">
                      {attention.length} <span className="sr-only">need attention</span>
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
            accounts={accounts}
            statusOf={statusOf}
            now={now}
            timeZone={timeZone}
            pending={pending}
            commandErrors={commandErrors}
            attention={attention}
            onCommand={(a, c) => void run(a, c)}
            onBannerAction={onBannerAction}
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
          <SettingsView
            preferences={preferences.value}
            accounts={accounts}
            onSave={savePreferences}
            onPreviewTheme={previewTheme}
            onEditAccount={(id) => setDialog({ kind: 'edit', id })}
          />
        ) : preferences.state === 'failed' ? (
          <p className="form-error" role="alert">
            {preferences.error}
          </p>
        ) : (
          <p className="muted" role="status">
            Loading settings…
          </p>
        )}
      </main>

      <div className="sr-only" role="status" aria-live="polite">
        {announcement}
      </div>

      {dialog?.kind === 'add' ? (
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
      ) : null}
      {dialog?.kind === 'edit' && dialogAccount ? (
        <AccountDialog
          api={api}
          mode={{ kind: 'edit', account: dialogAccount }}
          takenIds={accounts.map((a) => a.id)}
          now={now}
          onClose={closeDialog}
          onSaved={(label) => {
            closeDialog();
            setAnnouncement(`${label} saved.`);
          }}
          onRemoved={(label) => {
            closeDialog();
            setAnnouncement(`${label} removed.`);
          }}
          fallbackFocus={fallbackFocus}
        />
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

function AccountsView({
  accounts,
  statusOf,
  now,
  timeZone,
  pending,
  commandErrors,
  attention,
  onCommand,
  onBannerAction,
  onEdit,
  onAdd,
}: {
  accounts: readonly AccountView[];
  statusOf: (a: AccountView) => TokenStatus;
  now: number;
  timeZone: string;
  pending: Readonly<Record<string, CardCommand>>;
  commandErrors: Readonly<Record<string, CommandError>>;
  attention: readonly { account: AccountView; status: TokenStatus }[];
  onCommand: (account: AccountView, command: CardCommand) => void;
  onBannerAction: (account: AccountView, action: AccountAction) => void;
  onEdit: (id: string) => void;
  onAdd: () => void;
}) {
  useEffect(markAccountsPainted, []);
  const busyIds = useMemo(() => new Set(Object.keys(pending)), [pending]);

  if (accounts.length === 0) {
    return (
      <section className="empty-state" aria-labelledby="empty-heading">
        <h3 id="empty-heading">No accounts yet</h3>
        <p>
          Add your Upstox, Zerodha Kite or FYERS API app. TokenTray then keeps its access token
          fresh, writes it where your bots read it, and tells you before it runs out.
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
          items={attention}
          timeZone={timeZone}
          busyIds={busyIds}
          onAction={onBannerAction}
        />
      </div>
      <ul className="account-list" role="list" aria-label="Accounts">
        {accounts.map((a) => (
          <li key={a.id}>
            <AccountCard
              account={a}
              status={statusOf(a)}
              now={now}
              timeZone={timeZone}
              pending={pending[a.id]}
              commandError={currentError(commandErrors, a)}
              onCommand={(c) => onCommand(a, c)}
              onEdit={() => onEdit(a.id)}
            />
          </li>
        ))}
      </ul>
    </>
  );
}
