/**
 * Times and dates as the dashboard shows them: 24-hour clock and ISO dates everywhere, IST first
 * (brokers speak IST) with the user's own zone beside it. Built on `Intl.DateTimeFormat`, which the
 * browser already has, so the page carries no date library for display.
 *
 *   instantText → { ist: "03:30 IST Thu 2026-11-26", local: "22:00 Wed 2026-11-25 (GMT)" }
 *   durationText(8_000_000) → "2h 13m"     minutesText(90) → "1h 30m"
 */

import { IST_TIME_ZONE, wallClock } from '../shared/readiness-text';

export const IST = IST_TIME_ZONE;

export interface InstantText {
  readonly ist: string;
  /** undefined when the user's zone shows the same wall clock as IST. */
  readonly local: string | undefined;
}

interface Parts {
  readonly date: string;
  readonly time: string;
  readonly weekday: string;
  readonly zoneName: string;
}

/**
 * The wall clock of `ms` in `timeZone`: ISO date, HH:mm, weekday, short zone name — the shared
 * formatter the tray, notifications and CLI use (shared/readiness-text.ts `wallClock`), so the page
 * and main never disagree on a time.
 */
export function partsIn(ms: number, timeZone: string): Parts | undefined {
  if (!Number.isFinite(ms)) return undefined;
  const w = wallClock(new Date(ms), timeZone);
  return w && { date: w.date, time: w.time, weekday: w.weekday, zoneName: w.zone };
}

/** "03:30" in IST. */
export function istTime(ms: number): string {
  return partsIn(ms, IST)?.time ?? '';
}

/** "2026-11-26" in IST. */
export function istDate(ms: number): string {
  return partsIn(ms, IST)?.date ?? '';
}

/** "Thu 2026-11-26" in IST. */
export function istDay(ms: number): string {
  const p = partsIn(ms, IST);
  return p ? `${p.weekday} ${p.date}` : '';
}

export function instantText(iso: string, timeZone: string): InstantText | undefined {
  const ms = new Date(iso).getTime();
  if (Number.isNaN(ms)) return undefined;
  const ist = partsIn(ms, IST);
  if (!ist) return undefined;
  const local = timeZone === IST ? undefined : partsIn(ms, timeZone);
  const sameWallClock = local !== undefined && local.date === ist.date && local.time === ist.time;
  return {
    ist: `${ist.time} IST ${ist.weekday} ${ist.date}`,
    local:
      local === undefined || sameWallClock
        ? undefined
        : `${local.time} ${local.weekday} ${local.date} (${local.zoneName})`,
  };
}

/** "3h", "1h 30m", "45m": the same units as the countdown. */
export function minutesText(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m}m`;
  return m === 0 ? `${h}h` : `${h}h ${m}m`;
}

/** A duration, rounded down to whole minutes ("2h 13m", "45m", "under 1m"). */
export function durationText(ms: number): string {
  if (ms < 60_000) return 'under 1m';
  const minutes = Math.floor(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  if (days > 0) {
    const hours = Math.floor((minutes % 1440) / 60);
    return hours === 0 ? `${days}d` : `${days}d ${hours}h`;
  }
  return minutesText(minutes);
}

/** "just now", "12m ago", "3h ago", "2 days ago"; "in 5m" for the future. */
export function relativeText(iso: string, now: number): string {
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return '';
  const diff = now - t;
  const abs = Math.abs(diff);
  const future = diff < 0;
  const fmt = (text: string) => (future ? `in ${text}` : `${text} ago`);
  if (abs < 60_000) return future ? 'in under a minute' : 'just now';
  if (abs < 3_600_000) return fmt(`${Math.floor(abs / 60_000)}m`);
  if (abs < 48 * 3_600_000) return fmt(`${Math.floor(abs / 3_600_000)}h`);
  return fmt(`${Math.floor(abs / 86_400_000)} days`);
}

/** The ticking countdown: "18h 24m 05s", "9m 03s", "41s"; days as "1d 18h". */
export function countdownText(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return 'expired';
  const s = Math.floor(ms / 1000);
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${two(minutes)}m ${two(seconds)}s`;
  if (minutes > 0) return `${minutes}m ${two(seconds)}s`;
  return `${seconds}s`;
}
