/**
 * Plans every instant at which something about an account changes, for the Scheduler. Pure: the same
 * state and `now` give the same events with the same keys, so the scheduler can fire each exactly once.
 *
 * A reminder is planned only when acting on it helps. Upstox and Kite tokens die at a fixed IST time
 * whatever their issue time, so logging in at 02:30 gives a token that also dies at 03:30: a "60 min
 * left" warning then is noise at night. Warnings and refreshes before expiry are planned only when a
 * token made at that instant would outlive the current one; otherwise the trader hears from us once,
 * at the morning reminder (default 08:30 IST) on trading days, with time to log in before 09:15.
 */
import type { AccountConfig, Preferences } from '../../../shared/domain';
import { BROKERS } from '../../../shared/brokers';
import { accessTokenExpiry, parseCutoff } from '../../../shared/expiry';
import {
  MARKET_CLOSE,
  MARKET_OPEN,
  isTradingDay,
  istDate,
  istTimeOnDate,
} from '../../../shared/calendar';
import { nextStatusChange } from '../../../shared/status';
import type { PlannedEvent } from './scheduler';
import { thresholdsMs } from './thresholds';

export interface PlannerAccount {
  readonly config: AccountConfig;
  /** Current access token's expiry, if any. */
  readonly expiresAt: Date | null;
  readonly revoked: boolean;
  /** FYERS refresh token's expiry, when one is stored. */
  readonly refreshExpiresAt: Date | null;
  /** An automatic renewal the rate limit deferred (renewal-limiter.ts) is not planned before this. */
  readonly autoRefreshNotBefore?: Date | null;
}

/** How long after a daily cutoff the silent refresh runs (the new token then lives a full day). */
export const REFRESH_AFTER_CUTOFF_MS = 5 * 60_000;
/** How long before expiry a refresh runs when a refresh then does buy time. */
export const REFRESH_BEFORE_EXPIRY_MS = 60 * 60_000;

const MINUTE = 60_000;
const DAY = 86_400_000;

/** True when a token obtained at `at` would outlive a token that dies at `expiresAt`. */
export function renewalHelpsAt(account: PlannerAccount, at: Date, expiresAt: Date): boolean {
  const cutoffOverride = parseCutoff(account.config.cutoffOverride);
  return (
    accessTokenExpiry(account.config.broker, at, undefined, { cutoffOverride }).getTime() >
    expiresAt.getTime()
  );
}

export function canAutoRefresh(account: PlannerAccount, at: Date): boolean {
  if (!account.config.autoRefresh) return false;
  switch (BROKERS[account.config.broker].renewal.kind) {
    case 'refresh-token':
      return account.refreshExpiresAt !== null && account.refreshExpiresAt.getTime() > at.getTime();
    case 'renew-token':
      // Dhan RenewToken takes the live access token: only while it lives and was not rejected.
      return (
        !account.revoked && account.expiresAt !== null && account.expiresAt.getTime() > at.getTime()
      );
    case 'login-only':
      return false;
  }
}

/**
 * Dhan (renewal kind 'renew-token'): the IST times of day at which a live token is renewed — before
 * the open and after the close. RenewToken ends the old token, so a renewal in market hours would cut
 * off a bot holding it in memory; and "an hour before expiry" would creep an hour earlier every day
 * (a 24 h life renewed each time at 23 h), through the night when the laptop sleeps and into the
 * session. Two fixed times a day keep every renewal awake-likely and outside 09:15–15:30.
 */
export const RENEW_TOKEN_TIMES = ['08:45', '15:35'] as const;
/** A token younger than this is not renewed at the next fixed time (a login at 15:20 waits to 08:45). */
export const RENEW_TOKEN_MIN_AGE_MS = 6 * 60 * MINUTE;

/**
 * The first fixed renewal time that is at least RENEW_TOKEN_MIN_AGE_MS after issue, not past, and
 * before expiry. When none is left (the laptop slept through one, or the broker ended the token
 * early): at once outside market hours; in market hours at the close if the token lasts until then,
 * else an hour before it dies (it dies in the session either way).
 */
function renewTokenAt(account: PlannerAccount, exp: Date, now: Date): Date {
  const life = (BROKERS[account.config.broker].accessTokenLifeHours ?? 24) * 60 * MINUTE;
  const from = Math.max(exp.getTime() - life + RENEW_TOKEN_MIN_AGE_MS, now.getTime());
  const latest = exp.getTime() - 5 * MINUTE;
  for (let day = 0; day <= 2; day += 1) {
    const date = new Date(from + day * DAY);
    for (const hhmm of RENEW_TOKEN_TIMES) {
      const t = istTimeOnDate(date, hhmm).getTime();
      if (t >= from && t <= latest) return new Date(t);
    }
  }
  const open = istTimeOnDate(now, MARKET_OPEN).getTime();
  const close = istTimeOnDate(now, MARKET_CLOSE).getTime();
  const t = now.getTime();
  if (t < open || t >= close) return now;
  if (close <= latest) return new Date(close);
  return new Date(Math.max(t, exp.getTime() - REFRESH_BEFORE_EXPIRY_MS));
}

/** When the silent refresh of an auto-refreshing account should run, if it should. */
export function autoRefreshAt(account: PlannerAccount, now: Date): Date | undefined {
  const exp = account.expiresAt;
  let when: Date;
  if (exp && !account.revoked && BROKERS[account.config.broker].renewal.kind === 'renew-token') {
    const at = renewTokenAt(account, exp, now);
    when = at.getTime() < now.getTime() ? now : at;
  } else if (!exp || account.revoked) {
    // A rejected or missing access token with a live refresh token: renew as soon as we can.
    if (!account.revoked) return undefined;
    when = now;
  } else {
    const early = new Date(exp.getTime() - REFRESH_BEFORE_EXPIRY_MS);
    const at = renewalHelpsAt(account, early, exp)
      ? early
      : new Date(exp.getTime() + REFRESH_AFTER_CUTOFF_MS);
    when = at.getTime() < now.getTime() ? now : at;
  }
  const notBefore = account.autoRefreshNotBefore;
  if (notBefore && notBefore.getTime() > when.getTime()) when = notBefore;
  return canAutoRefresh(account, when) ? when : undefined;
}

export function planAccountEvents(
  account: PlannerAccount,
  preferences: Preferences,
  now: Date,
): PlannedEvent[] {
  const { id } = account.config;
  const events: PlannedEvent[] = [];
  const exp = account.expiresAt;
  const expKey = exp ? exp.toISOString() : 'none';
  const thresholds = thresholdsMs(account.config.thresholds);

  if (exp && !account.revoked) {
    // Status colour changes: valid → expiring → critical → expired.
    let t = new Date(exp.getTime() - thresholds.expiringMs - 1);
    for (let i = 0; i < 3; i += 1) {
      const change = nextStatusChange({ expiresAt: exp }, t, thresholds);
      if (!change) break;
      events.push({
        key: `${id}:status:${change.toISOString()}:${expKey}`,
        accountId: id,
        kind: 'status-change',
        at: change,
      });
      t = change;
    }
    const refreshing = autoRefreshAt(account, now);
    for (const minutes of account.config.thresholds.notifyMinutes) {
      const at = new Date(exp.getTime() - minutes * MINUTE);
      if (!renewalHelpsAt(account, at, exp)) continue;
      // An auto-refresh planned before expiry makes the warning moot; it speaks up only on failure.
      if (refreshing && refreshing.getTime() <= exp.getTime()) continue;
      events.push({
        key: `${id}:warn-${minutes}:${expKey}`,
        accountId: id,
        kind: 'expiry-warning',
        at,
        minutesBefore: minutes,
      });
    }
    events.push({ key: `${id}:expired:${expKey}`, accountId: id, kind: 'expired', at: exp });
  }

  const refreshAt = autoRefreshAt(account, now);
  if (refreshAt) {
    // A deferred attempt is a new event: the attempt the limit refused has fired already.
    const deferred = account.autoRefreshNotBefore
      ? `:deferred-${account.autoRefreshNotBefore.toISOString()}`
      : '';
    events.push({
      key: `${id}:auto-refresh:${expKey}${deferred}`,
      accountId: id,
      kind: 'auto-refresh',
      at: refreshAt,
    });
  }

  // Morning reminders: today's (if not past by more than a day's worth) and the next trading day's.
  for (let d = -1; d <= 7; d += 1) {
    const day = new Date(now.getTime() + d * DAY);
    const at = istTimeOnDate(day, preferences.morningReminder);
    if (at.getTime() < now.getTime() - DAY / 2) continue;
    if (!isTradingDay(at, preferences.holidays)) continue;
    const usable = exp !== null && !account.revoked && exp.getTime() > at.getTime();
    if (!usable) {
      events.push({
        key: `${id}:morning:${istDate(at)}`,
        accountId: id,
        kind: 'morning-reminder',
        at,
      });
    }
    if (at.getTime() > now.getTime()) break; // one future reminder is enough; the next wake re-plans
  }

  // FYERS: warn days before the 15-day refresh token runs out.
  if (account.refreshExpiresAt && preferences.refreshTokenWarningDays > 0) {
    const at = new Date(
      account.refreshExpiresAt.getTime() - preferences.refreshTokenWarningDays * DAY,
    );
    events.push({
      key: `${id}:refresh-token-warning:${account.refreshExpiresAt.toISOString()}`,
      accountId: id,
      kind: 'refresh-token-warning',
      at,
    });
  }
  return events;
}

/**
 * Every account's events. One account whose state cannot be planned (a corrupt expiry, a bug) loses
 * its own events, reported through `onError`, and never the others' (issue 9 item 10).
 */
export function planEvents(
  accounts: readonly PlannerAccount[],
  preferences: Preferences,
  now: Date,
  onError?: (accountId: string, error: unknown) => void,
): PlannedEvent[] {
  return accounts.flatMap((a) => {
    try {
      return planAccountEvents(a, preferences, now);
    } catch (e) {
      onError?.(a.config.id, e);
      return [];
    }
  });
}
