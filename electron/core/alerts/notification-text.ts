/**
 * The words of every desktop notification, as pure functions (notifier.ts decides *whether* to
 * speak). Each body says what happened and what to do, shows 24-hour times in IST with the user's
 * local time beside them when their zone differs (shared/readiness-text.ts, the same words as the
 * tray and the dashboard), and is built from non-secret fields only: account labels, instants, and
 * TokenTrayError messages, which never hold a secret.
 */
import { BROKERS } from '../../../shared/brokers';
import { istTimeOnDate, MARKET_OPEN } from '../../../shared/calendar';
import { formatCountdown } from '../../../shared/countdown';
import type { AccountView } from '../../../shared/domain';
import { accountTitle, istClock, istWithLocal, listText } from '../../../shared/readiness-text';
import type { TokenStatus } from '../../../shared/status';
import type { DesktopNotification } from '../app/app-ports';

export interface NotificationText {
  readonly title: string;
  readonly body: string;
  readonly urgency: DesktopNotification['urgency'];
}

/** "03:30 IST", "03:30 tomorrow IST (22:00 GMT)": 24-hour, IST first, local time beside. */
export function whenText(instant: Date, now: Date, localZone: string): string {
  return istWithLocal(instant, now, localZone);
}

/**
 * "06:00": the broker's daily cutoff, the words of FYERS auto-refresh ("after the 06:00 cutoff");
 * null for a broker with only a rolling life (Dhan).
 */
export function cutoffText(view: Pick<AccountView, 'broker'>): string | null {
  const cutoff = BROKERS[view.broker].accessTokenCutoff;
  if (cutoff === null) return null;
  return `${String(cutoff.hour).padStart(2, '0')}:${String(cutoff.minute).padStart(2, '0')}`;
}

/** Sent only when a login now would last through the session (readiness needs-login). */
export function expiringText(
  view: AccountView,
  expiresAt: Date,
  now: Date,
  zone: string,
): NotificationText {
  return {
    title: `${accountTitle(view)}: token expires in ${formatCountdown(expiresAt.getTime() - now.getTime())}`,
    body: `It stops working at ${whenText(expiresAt, now, zone)}, before the market closes. A login now lasts the session: click to log in.`,
    urgency: 'normal',
  };
}

/**
 * What the failed automatic refresh is called. The one that buys a trading day runs just after the
 * daily cutoff (FYERS: "after the 06:00 cutoff"); one that ran before expiry (a token whose own
 * `exp` comes earlier) is just "the automatic refresh".
 */
function autoRefreshName(view: AccountView): string {
  const exp = view.expiresAt === null ? null : new Date(view.expiresAt);
  const atCutoff =
    exp !== null && !Number.isNaN(exp.getTime()) && istClock(exp) === cutoffText(view);
  return atCutoff
    ? `The automatic refresh after the ${cutoffText(view) ?? ''} cutoff`
    : 'The automatic refresh';
}

/** An automatic refresh failed while the current token still works. */
export function refreshFailedText(
  view: AccountView,
  reason: string,
  expiresAt: Date,
  now: Date,
  zone: string,
): NotificationText {
  return {
    title: `${accountTitle(view)}: automatic refresh failed`,
    body: `The automatic refresh failed: ${reason} The current token works until ${whenText(expiresAt, now, zone)}. Click to log in.`,
    urgency: 'normal',
  };
}

/** The account has no usable token: expired, rejected or never logged in (not the morning one). */
export function needsLoginText(
  view: AccountView,
  status: TokenStatus,
  options: { readonly failure?: string },
  now: Date,
  zone: string,
): NotificationText {
  const name = accountTitle(view);
  const sentences: string[] = [];
  let title: string;
  if (status === 'revoked') {
    title = `${name}: token rejected`;
    sentences.push(
      `${BROKERS[view.broker].label} rejected the token before its expiry (logged out elsewhere, or a new session replaced it).`,
    );
  } else if (status === 'expired' && view.expiresAt !== null) {
    title = `${name}: token expired`;
    sentences.push(`It stopped working at ${whenText(new Date(view.expiresAt), now, zone)}.`);
  } else {
    title = `${name}: not logged in`;
    sentences.push('There is no token yet.');
  }
  if (options.failure) {
    title = `${name}: automatic refresh failed`;
    sentences.push(`${autoRefreshName(view)} failed: ${options.failure}`);
  }
  sentences.push('Click to log in.');
  return { title, body: sentences.join(' '), urgency: 'critical' };
}

/** One account of the morning reminder, and why it is in it. */
export interface ReminderEntry {
  readonly view: AccountView;
  readonly status: TokenStatus;
  /** Why its automatic refresh failed, if it did. */
  readonly failure?: string | undefined;
}

/**
 * The morning reminder: ONE notification naming every account a login helps now; one click opens
 * their login windows one after another. Accounts broken in a way a login does not fix (a locked
 * keychain, a rejected API secret) are named in a sentence of their own.
 */
export function morningReminderText(
  logIn: readonly ReminderEntry[],
  other: readonly { readonly view: AccountView; readonly fix: string }[],
  now: Date,
  zone: string,
): NotificationText {
  const open = istTimeOnDate(now, MARKET_OPEN);
  const before =
    now < open
      ? ` before the market opens at ${whenText(open, now, zone)}`
      : ' (the market is open)';
  const sentences: string[] = [];
  let title: string;
  if (logIn.length === 1 && logIn[0]) {
    const only = logIn[0];
    title = `${accountTitle(only.view)}: log in for today`;
    const why =
      only.status === 'revoked'
        ? `${BROKERS[only.view.broker].label} rejected its token.`
        : only.status === 'expired' && only.view.expiresAt !== null
          ? `Its token stopped working at ${whenText(new Date(only.view.expiresAt), now, zone)}.`
          : only.status === 'none'
            ? 'There is no token yet.'
            : `Its token stops working before the market closes.`;
    sentences.push(why);
    if (only.failure) sentences.push(`${autoRefreshName(only.view)} failed: ${only.failure}`);
    sentences.push(`Click to log in${before}.`);
  } else if (logIn.length > 1) {
    title = `Log in for today: ${logIn.length} accounts`;
    sentences.push(`${listText(logIn.map((e) => accountTitle(e.view)))} need a login${before}.`);
    for (const e of logIn) {
      if (e.failure) {
        sentences.push(`${accountTitle(e.view)}: ${autoRefreshName(e.view).toLowerCase()} failed.`);
      }
    }
    sentences.push('Click to open their login windows one after another.');
  } else {
    title =
      other.length === 1 && other[0]
        ? `${accountTitle(other[0].view)}: needs you for today`
        : `${other.length} accounts need you for today`;
  }
  for (const o of other) sentences.push(`${accountTitle(o.view)}: ${o.fix}.`);
  if (logIn.length === 0) sentences.push('Click to open TokenTray.');
  return { title, body: sentences.join(' '), urgency: 'critical' };
}

/** FYERS: the 15-day refresh token is about to run out. */
export function refreshTokenText(
  view: AccountView,
  refreshExpiresAt: Date,
  now: Date,
  zone: string,
): NotificationText {
  const left = formatCountdown(refreshExpiresAt.getTime() - now.getTime());
  return {
    title: `${accountTitle(view)}: automatic refresh stops in ${left}`,
    body: `The ${BROKERS[view.broker].label} refresh token (it lasts 15 days) runs out at ${whenText(refreshExpiresAt, now, zone)}. Click to log in and start a new one.`,
    urgency: 'normal',
  };
}

/** `message` is TokenService's export-failed notice: which file, and why. */
export function exportFailedText(view: AccountView, message: string): NotificationText {
  return {
    title: `${accountTitle(view)}: export failed`,
    body: `${message} Your bot may be reading an old token. Click to open TokenTray.`,
    urgency: 'critical',
  };
}
