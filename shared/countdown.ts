/**
 * Countdown and time formatting for the tray ("5h 12m", "42m", "expired") and the dashboard.
 * Minutes are rounded down: we never claim more time than the token has.
 */
import { DateTime } from 'luxon';
import { IST_ZONE } from './expiry';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface CountdownOptions {
  /** Show seconds too (the dashboard while visible); the tray never does. */
  readonly seconds?: boolean;
}

export function formatCountdown(msLeft: number, options: CountdownOptions = {}): string {
  if (!Number.isFinite(msLeft) || msLeft <= 0) return 'expired';
  const days = Math.floor(msLeft / DAY);
  const hours = Math.floor((msLeft % DAY) / HOUR);
  const minutes = Math.floor((msLeft % HOUR) / MINUTE);
  const seconds = Math.floor((msLeft % MINUTE) / 1000);
  if (days > 0) return `${days}d ${hours}h`;
  if (options.seconds) {
    const ss = String(seconds).padStart(2, '0');
    if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m ${ss}s`;
    if (minutes > 0) return `${minutes}m ${ss}s`;
    return `${seconds}s`;
  }
  if (hours > 0) return `${hours}h ${minutes}m`;
  if (minutes > 0) return `${minutes}m`;
  return '<1m';
}

export function countdownTo(expiresAt: Date, now: Date, options: CountdownOptions = {}): string {
  return formatCountdown(expiresAt.getTime() - now.getTime(), options);
}

export interface InstantLabels {
  /** e.g. "03:30 IST, Wed 25 Nov" */
  readonly ist: string;
  /** e.g. "23:00 Tue 24 Nov (Europe/London)"; undefined when the local zone is IST. */
  readonly local: string | undefined;
}

/** Brokers speak IST; the user may not live there: show both. */
export function describeInstant(instant: Date, localZone: string): InstantLabels {
  const ist = DateTime.fromJSDate(instant, { zone: IST_ZONE });
  const local = DateTime.fromJSDate(instant, { zone: localZone });
  const sameZone = local.isValid && local.offset === ist.offset && local.zoneName === ist.zoneName;
  return {
    ist: `${ist.toFormat('HH:mm')} IST, ${ist.toFormat('ccc d LLL')}`,
    local:
      !local.isValid || sameZone || localZone === IST_ZONE
        ? undefined
        : `${local.toFormat('HH:mm ccc d LLL')} (${local.offsetNameShort ?? localZone})`,
  };
}
