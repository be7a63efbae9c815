/**
 * What the dashboard says about an account's token right now. The status is recomputed from the
 * snapshot's `expiresAt` and the live clock so the colour changes at the threshold without waiting for
 * main; "revoked" is the broker's verdict and only main can know it.
 */
import type { AccountView, ErrorKind } from '../shared/domain';
import { isUsable, statusAt, type TokenStatus } from '../shared/status';

export function liveStatus(account: AccountView, now: number): TokenStatus {
  if (account.status === 'revoked') return 'revoked';
  return statusAt(
    { expiresAt: account.expiresAt ? new Date(account.expiresAt) : undefined },
    new Date(now),
    {
      expiringMs: account.thresholds.expiringMinutes * 60_000,
      criticalMs: account.thresholds.criticalMinutes * 60_000,
    },
  );
}

/** Words for each status: colour is never the only signal. */
export const STATUS_LABEL: Readonly<Record<TokenStatus, string>> = {
  valid: 'Valid',
  expiring: 'Expiring soon',
  critical: 'About to expire',
  expired: 'Expired',
  revoked: 'Revoked',
  none: 'Not logged in',
};

export { minutesText } from './time-format';

export type AccountAction = 'login' | 'refresh' | 'validate' | 'edit';

/** Errors whose fix is in the account's settings (wrong key or secret, unwritable .env path…). */
const FIX_IN_SETTINGS: ReadonlySet<ErrorKind> = new Set(['config', 'bad-credentials', 'export']);
/** Errors that say nothing about the token itself: trying again is the fix. */
const TRANSIENT: ReadonlySet<ErrorKind> = new Set([
  'rate-limited',
  'broker-down',
  'bad-response',
  'keychain',
  'busy',
]);

/**
 * The one button that most likely fixes the account: its settings when the error is in them, a
 * retry of the check when the broker hiccuped but the token still works, else renew (refresh where
 * the broker allows it, log in otherwise).
 */
export function primaryAction(account: AccountView, status: TokenStatus): AccountAction {
  const kind = account.lastError?.kind;
  const usable = isUsable(status);
  if (kind === 'bad-credentials' || kind === 'export' || (kind === 'config' && usable)) {
    return 'edit';
  }
  if (usable && kind !== undefined && TRANSIENT.has(kind)) {
    return account.canRefresh ? 'refresh' : 'validate';
  }
  if (account.canRefresh && status !== 'revoked') return 'refresh';
  return 'login';
}

/** Whether the last error points at the account's settings. */
export function errorFixedInSettings(account: AccountView): boolean {
  return account.lastError !== null && FIX_IN_SETTINGS.has(account.lastError.kind);
}

export const ACTION_LABEL: Readonly<Record<AccountAction, string>> = {
  login: 'Log in',
  refresh: 'Refresh now',
  validate: 'Validate',
  edit: 'Edit account',
};

export const BUSY_TEXT: Readonly<
  Record<NonNullable<AccountView['busy']>, (broker: string) => string>
> = {
  login: (b) => `Waiting for you to finish logging in to ${b} in the login window…`,
  refresh: (b) => `Renewing the token with ${b}…`,
  validate: (b) => `Checking the token with ${b}…`,
  forget: () => 'Removing the account…',
};
