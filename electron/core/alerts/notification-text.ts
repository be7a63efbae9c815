/**
 * The words of every desktop notification, as pure functions (notifier.ts decides *whether* to
 * speak). Each body says what happened and what to do, shows times in IST with the user's local
 * time beside them when their zone differs, and is built from non-secret fields only: account
 * labels, instants, and TokenTrayError messages, which never hold a secret.
 */
import { BROKERS } from '../../../shared/brokers';
import { istTimeOnDate, MARKET_OPEN } from '../../../shared/calendar';
import { describeInstant, formatCountdown } from '../../../shared/countdown';
import type { AccountView } from '../../../shared/domain';
import type { TokenStatus } from '../../../shared/status';
import type { DesktopNotification } from '../app/app-ports';
import { accountName } from '../app/tray-presenter';

export interface NotificationText {
  readonly title: string;
  readonly body: string;
  readonly urgency: DesktopNotification['urgency'];
}

/** "03:30 IST, Wed 9 Dec", plus " / 22:00 Tue 8 Dec (GMT)" when the user's zone is not IST. */
export function whenText(instant: Date, localZone: string): string {
  const labels = describeInstant(instant, localZone);
  return labels.local ? `${labels.ist} / ${labels.local}` : labels.ist;
}

export function expiringText(
  view: AccountView,
  expiresAt: Date,
  now: Date,
  zone: string,
): NotificationText {
  return {
    title: `${accountName(view)}: token expires in ${formatCountdown(expiresAt.getTime() - now.getTime())}`,
    body: `It stops working at ${whenText(expiresAt, zone)}. Click to log in now.`,
    urgency: 'normal',
  };
}

/** An automatic refresh failed while the current token still works. */
export function refreshFailedText(
  view: AccountView,
  reason: string,
  expiresAt: Date,
  zone: string,
): NotificationText {
  return {
    title: `${accountName(view)}: automatic refresh failed`,
    body: `${reason} The current token works until ${whenText(expiresAt, zone)}. Click to log in before then.`,
    urgency: 'normal',
  };
}

/** The account has no usable token: expired, rejected or never logged in. */
export function needsLoginText(
  view: AccountView,
  status: TokenStatus,
  options: { readonly failure?: string; readonly reminder: boolean },
  now: Date,
  zone: string,
): NotificationText {
  const name = accountName(view);
  const sentences: string[] = [];
  let title: string;
  if (status === 'revoked') {
    title = `${name}: token rejected`;
    sentences.push(
      `${BROKERS[view.broker].label} rejected the token before its expiry (logged out elsewhere, or a new session replaced it).`,
    );
  } else if (status === 'expired' && view.expiresAt !== null) {
    title = `${name}: token expired`;
    sentences.push(`It stopped working at ${whenText(new Date(view.expiresAt), zone)}.`);
  } else {
    title = `${name}: not logged in`;
    sentences.push('There is no token yet.');
  }
  if (options.failure) {
    title = `${name}: automatic refresh failed`;
    sentences.push(`Automatic refresh failed: ${options.failure}`);
  } else if (options.reminder) {
    title = `${name}: log in for today`;
  }
  const open = istTimeOnDate(now, MARKET_OPEN);
  sentences.push(
    options.reminder && now < open
      ? `Click to log in before the market opens at ${whenText(open, zone)}.`
      : 'Click to log in.',
  );
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
    title: `${accountName(view)}: automatic refresh stops in ${left}`,
    body: `The ${BROKERS[view.broker].label} refresh token (it lasts 15 days) runs out at ${whenText(refreshExpiresAt, zone)}. Click to log in and start a new one.`,
    urgency: 'normal',
  };
}

/** `message` is TokenService's export-failed notice: which file, and why. */
export function exportFailedText(view: AccountView, message: string): NotificationText {
  return {
    title: `${accountName(view)}: export failed`,
    body: `${message} Your bot may be reading an old token. Click to open TokenTray.`,
    urgency: 'critical',
  };
}
