/**
 * What the tray shows, as a pure function of a snapshot and the time: icon colour, menu-bar title,
 * tooltip and one menu item per account. The platform adapter draws the TrayModel and decides
 * nothing, so every word and colour a user sees in the tray is pinned down by Node tests.
 *
 * Statuses are re-evaluated at `now` rather than read from the snapshot: the tray is re-rendered
 * every minute from the same snapshot, and the countdown and the colour must never disagree.
 */
import { BROKERS } from '../../../shared/brokers';
import type { AccountView, Snapshot } from '../../../shared/domain';
import { describeInstant, formatCountdown } from '../../../shared/countdown';
import { IST_ZONE } from '../../../shared/expiry';
import { isUsable, statusAt, worstStatus, type TokenStatus } from '../../../shared/status';
import type { TrayAccountItem, TrayIconStatus, TrayModel } from './app-ports';
import { thresholdsMs } from '../lifecycle/thresholds';

export interface TrayPresentOptions {
  readonly startAtLogin: boolean;
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

/** Milliseconds the token has left at `now`; 0 for a rejected one; undefined without a token. */
function msLeft(view: AccountView, status: TokenStatus, now: Date): number | undefined {
  if (status === 'none' || view.expiresAt === null) return undefined;
  if (status === 'revoked') return 0;
  return Math.max(0, new Date(view.expiresAt).getTime() - now.getTime());
}

function stateWords(view: AccountView, status: TokenStatus, now: Date): string {
  switch (status) {
    case 'none':
      return 'not logged in';
    case 'revoked':
      return 'rejected by the broker';
    default:
      return formatCountdown(msLeft(view, status, now) ?? 0);
  }
}

/** "Upstox · main" */
export function accountName(view: Pick<AccountView, 'broker' | 'label'>): string {
  return `${BROKERS[view.broker].label} · ${view.label}`;
}

function item(view: AccountView, now: Date): TrayAccountItem {
  const status = statusNow(view, now);
  const busy = view.busy === null ? '' : ` (${BUSY_WORDS[view.busy]})`;
  const refreshAlive =
    view.refreshExpiresAt !== null && new Date(view.refreshExpiresAt).getTime() > now.getTime();
  return {
    accountId: view.id,
    label: `${accountName(view)} — ${stateWords(view, status, now)}${busy}`,
    status,
    canRefresh: BROKERS[view.broker].renewal.kind === 'refresh-token' && refreshAlive,
    canCopy: isUsable(status) && view.tokenMasked !== null,
    busy: view.busy !== null,
  };
}

export function presentTray(snapshot: Snapshot, now: Date, options: TrayPresentOptions): TrayModel {
  const accounts = snapshot.accounts.map((view) => item(view, now));
  const worst = worstStatus(accounts.map((a) => a.status));
  const icon: TrayIconStatus =
    worst === undefined ? 'none' : worst === 'revoked' ? 'expired' : worst;

  // The soonest countdown over every account that has (or had) a token.
  let soonest: number | undefined;
  snapshot.accounts.forEach((view, i) => {
    const left = msLeft(view, accounts[i]?.status ?? 'none', now);
    if (left !== undefined && (soonest === undefined || left < soonest)) soonest = left;
  });
  const title = soonest === undefined ? '' : formatCountdown(soonest);

  const headline =
    accounts.length === 0 ? 'no accounts yet' : title === '' ? 'not logged in' : title;
  const lines = [`TokenTray — ${headline}`, ...accounts.map((a) => a.label)];
  if (snapshot.notificationsPausedUntil !== null) {
    const until = describeInstant(new Date(snapshot.notificationsPausedUntil), IST_ZONE);
    lines.push(`Notifications paused until ${until.ist}`);
  }
  return {
    icon,
    tooltip: lines.join('\n'),
    title,
    accounts,
    notificationsPausedUntil: snapshot.notificationsPausedUntil,
    startAtLogin: options.startAtLogin,
  };
}

/** Renders only what changed: the platform redraw (icon images, menus) is not free. */
export function sameTrayModel(a: TrayModel | undefined, b: TrayModel): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}
