/**
 * What the tray shows, as a pure function of a snapshot and the time: icon colour, menu-bar title,
 * tooltip, "Log in all" and one menu item per account. The platform adapter draws the TrayModel and
 * decides nothing, so every word and colour a user sees in the tray is pinned down by Node tests.
 *
 * Readiness, not countdowns (issue 11): colour, counts and words come from `readinessAt`
 * (shared/readiness.ts) through `summarizeReadiness` and shared/readiness-text.ts — the same function
 * and words as the dashboard, notifications and CLI, so the counts always agree. At 02:45 IST an
 * Upstox token good until 03:30 is not red: a login then would die at 03:30 too.
 *
 * Everything is re-evaluated at `now` rather than read from the snapshot: the tray is re-rendered
 * every minute from the same snapshot, and the words and the colour must never disagree.
 */
import { BROKERS } from '../../../shared/brokers';
import { NSE_HOLIDAYS_2026 } from '../../../shared/calendar';
import type { AccountView, Snapshot } from '../../../shared/domain';
import {
  compareByUrgency,
  readinessOfView,
  summarizeReadiness,
  type Readiness,
  type ReadinessSummary,
} from '../../../shared/readiness';
import {
  istClock,
  istDayText,
  readinessSentence,
  readinessShort,
  readinessSummaryText,
} from '../../../shared/readiness-text';
import { isUsable, statusAt, type TokenStatus } from '../../../shared/status';
import type { TrayAccountItem, TrayIconStatus, TrayModel } from './app-ports';
import { thresholdsMs } from '../lifecycle/thresholds';

export interface TrayPresentOptions {
  readonly startAtLogin: boolean;
  /** NSE holidays (YYYY-MM-DD, IST) from the preferences; default: the shipped 2026 list. */
  readonly holidays?: readonly string[];
  /** The morning reminder (IST HH:MM) the words name; default 08:30. */
  readonly morningReminder?: string;
}

/**
 * Whether the tray offers Refresh: FYERS while its refresh token lives, Dhan while the service says its
 * token can renew itself (alive, not rejected); never for login-only brokers.
 */
function canRenewNow(view: AccountView, now: Date): boolean {
  switch (BROKERS[view.broker].renewal.kind) {
    case 'refresh-token':
      return (
        view.refreshExpiresAt !== null && new Date(view.refreshExpiresAt).getTime() > now.getTime()
      );
    case 'renew-token':
      return view.canRefresh;
    case 'login-only':
      return false;
  }
}

const BUSY_WORDS: Readonly<Record<NonNullable<AccountView['busy']>, string>> = {
  login: 'logging in…',
  refresh: 'refreshing…',
  validate: 'checking…',
  forget: 'removing…',
};

/** The account's status at `now` (revoked and none do not change with the clock). */
export function statusNow(view: AccountView, now: Date): TokenStatus {
  if (view.status === 'revoked' || view.status === 'none' || view.expiresAt === null) {
    return view.status;
  }
  return statusAt({ expiresAt: new Date(view.expiresAt) }, now, thresholdsMs(view.thresholds));
}

/** "Upstox · main" */
export function accountName(view: Pick<AccountView, 'broker' | 'label'>): string {
  return `${BROKERS[view.broker].label} · ${view.label}`;
}

/** One account's readiness at `now`, with its live clock status (the snapshot's may be a minute old). */
export function accountReadiness(
  view: AccountView,
  now: Date,
  holidays: readonly string[],
): { readonly status: TokenStatus; readonly readiness: Readiness } {
  const status = statusNow(view, now);
  return { status, readiness: readinessOfView({ ...view, status }, now, holidays) };
}

/**
 * Accounts a "Log in all" would open, most urgent first: those a login helps now — needs-login, or
 * broken with "log in" as the fix — and not already being logged in.
 */
export function accountsToLogIn(
  snapshot: Snapshot,
  now: Date,
  holidays: readonly string[],
): AccountView[] {
  return snapshot.accounts
    .map((view) => ({ view, r: accountReadiness(view, now, holidays).readiness }))
    .filter(
      ({ view, r }) =>
        view.busy !== 'login' &&
        (r.state === 'needs-login' || (r.state === 'broken' && r.action === 'log-in')),
    )
    .sort((a, b) => compareByUrgency(a.r, b.r))
    .map(({ view }) => view);
}

/**
 * Icon colour from readiness: dark-red "×" when an account is broken, red "!" when a login is
 * needed within the hour before the session (or during it), amber when one is needed with time to
 * spare, green when every token works now and nothing is to be done, the empty ring when nothing
 * can be done yet but some account has no working token (a weekend, 02:45 with no token).
 */
function iconFor(summary: ReadinessSummary, list: readonly Readiness[]): TrayIconStatus {
  if (summary.total === 0) return 'none';
  if (summary.counts.broken > 0) return 'expired';
  switch (summary.tone) {
    case 'danger':
      return 'critical';
    case 'warn':
      return 'expiring';
    case 'ok':
      return 'valid';
    case 'info':
      return list.every((r) => r.goodUntil !== null || r.state !== 'wait') ? 'valid' : 'none';
  }
}

function itemIcon(r: Readiness): TrayIconStatus {
  switch (r.state) {
    case 'broken':
      return 'expired';
    case 'needs-login':
      return r.tone === 'danger' ? 'critical' : 'expiring';
    case 'wait':
      return r.goodUntil === null ? 'none' : 'valid';
    case 'renewing':
      return r.tone === 'warn' ? 'expiring' : 'valid';
    default:
      return 'valid';
  }
}

export function presentTray(snapshot: Snapshot, now: Date, options: TrayPresentOptions): TrayModel {
  const holidays = options.holidays ?? NSE_HOLIDAYS_2026;
  const morningReminder = options.morningReminder ?? '08:30';
  const rows = snapshot.accounts
    .map((view) => ({ view, ...accountReadiness(view, now, holidays) }))
    .sort((a, b) => compareByUrgency(a.readiness, b.readiness));
  const list = rows.map((r) => r.readiness);
  const summary = summarizeReadiness(list);

  const accounts: TrayAccountItem[] = rows.map(({ view, status, readiness }) => {
    const busy = view.busy === null ? '' : ` (${BUSY_WORDS[view.busy]})`;
    return {
      accountId: view.id,
      label: `${accountName(view)} — ${readinessShort({ status, busy: view.busy }, readiness, now)}${busy}`,
      status,
      icon: itemIcon(readiness),
      canRefresh: canRenewNow(view, now),
      canCopy: isUsable(status) && view.tokenMasked !== null,
      busy: view.busy !== null,
    };
  });

  const lines = [
    `TokenTray — ${readinessSummaryText(summary)}`,
    ...rows.map(
      ({ view, status, readiness }) =>
        `${accountName(view)} — ${readinessSentence(
          { broker: view.broker, status, expiresAt: view.expiresAt, busy: view.busy },
          readiness,
          { now, morningReminder },
        )}`,
    ),
  ];
  const queue = snapshot.loginQueue;
  if (queue && queue.total > 0) {
    lines.push(`Logging in ${Math.min(queue.done + 1, queue.total)} of ${queue.total}…`);
  }
  if (snapshot.notificationsPausedUntil !== null) {
    const until = new Date(snapshot.notificationsPausedUntil);
    lines.push(`Notifications paused until ${istClock(until)} IST ${istDayText(until)}`);
  }
  const loginAllCount = accountsToLogIn(snapshot, now, holidays).length;
  return {
    icon: iconFor(summary, list),
    tooltip: lines.join('\n'),
    title:
      summary.needYou === 0
        ? ''
        : summary.needYou === 1
          ? '1 needs you'
          : `${summary.needYou} need you`,
    accounts,
    notificationsPausedUntil: snapshot.notificationsPausedUntil,
    startAtLogin: options.startAtLogin,
    loginAllCount,
  };
}

/** Renders only what changed: the platform redraw (icon images, menus) is not free. */
export function sameTrayModel(a: TrayModel | undefined, b: TrayModel): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}
