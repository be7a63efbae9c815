/**
 * The words for readiness (shared/readiness.ts), in one place, so the tray, notifications, CLI, API
 * and dashboard say the same thing about the same account: "Good until 03:30 · log in after 03:30
 * for today — reminder at 08:30".
 *
 * 24-hour times and ISO dates everywhere; IST first (brokers speak IST), the user's own zone beside it
 * where an instant stands alone (`istWithLocal`). Built on `Intl.DateTimeFormat` only: the renderer
 * bundle carries no date library for this, and only types come from readiness.ts.
 */
import { BROKERS, type BrokerId } from './brokers';
import type { Readiness, ReadinessState, ReadinessSummary } from './readiness';
import type { TokenStatus } from './status';

export const IST_TIME_ZONE = 'Asia/Kolkata';
const DAY_MS = 86_400_000;

interface WallClock {
  /** YYYY-MM-DD */
  readonly date: string;
  /** HH:mm, 24-hour */
  readonly time: string;
  /** Mon, Tue, … */
  readonly weekday: string;
  /** Short zone name, e.g. "GMT+1", "EST". */
  readonly zone: string;
}

const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatterFor(timeZone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-GB', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
        timeZoneName: 'short',
      });
    } catch {
      f = null; // a zone this runtime does not know: callers fall back to IST alone
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall clock of `at` in `timeZone`, or undefined for an invalid instant or unknown zone. */
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
/** IST has been UTC+05:30 all year since 1945 (no DST), so its wall clock is plain arithmetic. */
const IST_OFFSET_MS = 330 * 60_000;

function istWallClock(ms: number): WallClock {
  const shifted = new Date(ms + IST_OFFSET_MS);
  const iso = shifted.toISOString(); // YYYY-MM-DDTHH:mm:ss.sssZ, in IST wall-clock terms
  return {
    date: iso.slice(0, 10),
    time: iso.slice(11, 16),
    weekday: WEEKDAYS[shifted.getUTCDay()] ?? '',
    zone: 'IST',
  };
}

export function wallClock(at: Date, timeZone: string): WallClock | undefined {
  const ms = at.getTime();
  if (Number.isNaN(ms) || Math.abs(ms) > 8.64e15 - IST_OFFSET_MS) return undefined;
  if (timeZone === IST_TIME_ZONE) return istWallClock(ms);
  const f = formatterFor(timeZone);
  if (f === null) return undefined;
  // formatToParts costs ~50 µs and the tray asks for the same few minutes many times a render; the
  // wall clock is the same throughout a minute (zone offsets are whole minutes).
  const key = `${timeZone}|${Math.floor(ms / 60_000)}`;
  const cached = wallClocks.get(key);
  if (cached) return cached;
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(at)) p[part.type] = part.value;
  const clock: WallClock = {
    date: `${p.year}-${p.month}-${p.day}`,
    time: `${p.hour}:${p.minute}`,
    weekday: p.weekday ?? '',
    zone: p.timeZoneName ?? timeZone,
  };
  if (wallClocks.size >= 512) wallClocks.clear();
  wallClocks.set(key, clock);
  return clock;
}

const wallClocks = new Map<string, WallClock>();

/** "03:30" (IST). */
export function istClock(at: Date): string {
  return wallClock(at, IST_TIME_ZONE)?.time ?? '';
}

/** "2026-12-22" (IST). */
export function istDateText(at: Date): string {
  return wallClock(at, IST_TIME_ZONE)?.date ?? '';
}

/** "Tue 2026-12-22" (IST). */
export function istDayText(at: Date): string {
  const w = wallClock(at, IST_TIME_ZONE);
  return w ? `${w.weekday} ${w.date}` : '';
}

/** An IST time with its day when that is not today: "03:30", "03:30 tomorrow", "06:00 Mon 2026-12-28". */
export function istWhen(at: Date, now: Date): string {
  const time = istClock(at);
  const day = istDateText(at);
  if (day === istDateText(now)) return time;
  if (day === istDateText(new Date(now.getTime() + DAY_MS))) return `${time} tomorrow`;
  if (day === istDateText(new Date(now.getTime() - DAY_MS))) return `${time} yesterday`;
  return `${time} ${istDayText(at)}`;
}

/**
 * `istWhen` with " IST" and, when the user's clock reads differently, their time beside it:
 * "03:30 IST (23:00 GMT)", "03:30 tomorrow IST (22:00 Mon 2026-12-21 GMT)".
 */
export function istWithLocal(at: Date, now: Date, localZone: string): string {
  const ist = `${istWhen(at, now)} IST`;
  if (localZone === IST_TIME_ZONE) return ist;
  const here = wallClock(at, localZone);
  const there = wallClock(at, IST_TIME_ZONE);
  if (!here || !there || (here.date === there.date && here.time === there.time)) return ist;
  const sameDay = here.date === there.date;
  return `${ist} (${here.time}${sameDay ? '' : ` ${here.weekday} ${here.date}`} ${here.zone})`;
}

/** "today", "tomorrow" or "Mon 2026-12-28": the day of the session readiness refers to. */
export function sessionDayText(r: Pick<Readiness, 'session'>, now: Date): string {
  if (r.session.date === istDateText(now)) return 'today';
  if (r.session.date === istDateText(new Date(now.getTime() + DAY_MS))) return 'tomorrow';
  return istDayText(r.session.open);
}

/** The badge: one or two words, the same for the same state everywhere. */
export function readinessBadge(
  r: Pick<Readiness, 'state' | 'action'>,
  status?: TokenStatus,
): string {
  switch (r.state) {
    case 'ready':
      return 'Ready';
    case 'renewing':
      return 'Renews itself';
    case 'wait':
      return 'Log in later';
    case 'needs-login':
      return 'Log in now';
    case 'broken':
      if (status === 'revoked') return 'Revoked';
      switch (r.action) {
        case 'fix-export':
          return 'Not delivered';
        case 'unlock-keychain':
          return 'Keychain locked';
        case 'fix-credentials':
          return 'Check settings';
        case 'retry':
          return 'Broker error';
        default:
          return 'Failed';
      }
  }
}

/** What a sentence needs to know of the account besides its readiness. */
export interface ReadinessSubject {
  readonly broker: BrokerId;
  readonly status: TokenStatus;
  readonly expiresAt?: Date | string | null | undefined;
  readonly busy?: string | null | undefined;
}

export interface SentenceOptions {
  readonly now: Date;
  /** The morning reminder (IST HH:MM), named where the user has to wait for it. */
  readonly morningReminder: string;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function instant(v: Date | string | null | undefined): Date | null {
  if (v === null || v === undefined) return null;
  const d = v instanceof Date ? v : new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * One sentence: what the account's token does for the coming session and what, if anything, to do.
 *   02:45, Upstox from yesterday  "Good until 03:30 · log in after 03:30 for today — reminder at 08:30"
 *   03:31, same                   "Expired at 03:30 · log in now for today (market opens 09:15)"
 *   05:20, FYERS auto-refresh     "Good until 06:00 · renews itself after the 06:00 cutoff for today"
 */
export function readinessSentence(
  subject: ReadinessSubject,
  r: Readiness,
  options: SentenceOptions,
): string {
  const { now } = options;
  const broker = BROKERS[subject.broker].label;
  const forDay = `for ${sessionDayText(r, now)}`;
  const expiresAt = instant(subject.expiresAt);
  const lead = r.goodUntil
    ? `Good until ${istWhen(r.goodUntil, now)}`
    : subject.status === 'expired' && expiresAt
      ? `Expired at ${istWhen(expiresAt, now)}`
      : subject.status === 'none'
        ? 'No token yet'
        : null;
  const joined = (rest: string) => capitalise(lead ? `${lead} · ${rest}` : rest);

  switch (r.state) {
    case 'ready':
      return r.goodUntil
        ? `Ready ${forDay} · good until ${istWhen(r.goodUntil, now)}`
        : `Ready ${forDay}`;
    case 'renewing':
      if (subject.busy === 'refresh') return `Renewing now ${forDay}…`;
      return joined(
        r.helpsFrom
          ? `renews itself after the ${istClock(r.helpsFrom)} cutoff ${forDay}`
          : `renews itself shortly ${forDay}`,
      );
    case 'wait': {
      const after = r.helpsFrom ? istWhen(r.helpsFrom, now) : '';
      const day = sessionDayText(r, now);
      const reminder =
        day === 'today' ? `at ${options.morningReminder}` : `at ${options.morningReminder} ${day}`;
      return joined(`log in after ${after} ${forDay} — reminder ${reminder}`);
    }
    case 'needs-login':
      if (r.session.inProgress) return joined('the market is open: log in now');
      return joined(`log in now ${forDay} (market opens ${istClock(r.session.open)})`);
    case 'broken':
      switch (r.action) {
        case 'fix-export':
          return joined('your bots did not get it: a file could not be written');
        case 'unlock-keychain':
          return 'The keychain is locked: unlock it, then try again';
        case 'fix-credentials':
          return `${broker} did not accept the app's key or secret: check them in Edit account`;
        case 'retry':
          return joined(`${broker} did not answer: try again`);
        case 'wait':
          return `${subject.status === 'revoked' ? `${broker} rejected the token` : 'The last attempt failed'} · log in after ${
            r.helpsFrom ? istWhen(r.helpsFrom, now) : ''
          } ${forDay}`;
        default:
          return subject.status === 'revoked'
            ? `${broker} rejected the token: log in again ${forDay}`
            : joined(`the last attempt failed: log in again ${forDay}`);
      }
  }
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The header/tooltip line, from `summarizeReadiness`: "2 of 6 accounts need you", "All 3 accounts
 * ready", "1 account renews itself, 2 accounts ready", "Nothing to do yet: 2 accounts to log in
 * later".
 */
export function readinessSummaryText(summary: ReadinessSummary): string {
  const { total, counts, needYou } = summary;
  if (total === 0) return 'No accounts yet';
  if (needYou > 0) {
    return total === 1
      ? '1 account needs you'
      : `${needYou} of ${plural(total, 'account', 'accounts')} ${needYou === 1 ? 'needs' : 'need'} you`;
  }
  if (counts.ready === total) {
    return total === 1 ? 'The account is ready' : `All ${total} accounts ready`;
  }
  const parts: string[] = [];
  const order: readonly [ReadinessState, string, string][] = [
    ['wait', 'to log in later', 'to log in later'],
    ['renewing', 'renews itself', 'renew themselves'],
    ['ready', 'ready', 'ready'],
  ];
  for (const [state, one, many] of order) {
    const n = counts[state];
    if (n > 0) parts.push(`${plural(n, 'account', 'accounts')} ${n === 1 ? one : many}`);
  }
  const line = parts.join(', ');
  return counts.wait > 0 ? `Nothing to do yet: ${line}` : capitalise(line);
}

/** "Upstox · main": how every view names an account. */
export function accountTitle(account: {
  readonly broker: BrokerId;
  readonly label: string;
}): string {
  return `${BROKERS[account.broker].label} · ${account.label}`;
}

/** "a", "a and b", "a, b and c". */
export function listText(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`;
}

/**
 * A few words for a menu item or a CLI table cell: "Log in now", "Log in after 03:30", "Ready · good
 * until 06:00 tomorrow", "Renews itself after the 06:00 cutoff", "Revoked · log in after 06:00".
 */
export function readinessShort(
  subject: Pick<ReadinessSubject, 'status' | 'busy'>,
  r: Readiness,
  now: Date,
): string {
  switch (r.state) {
    case 'ready':
      return r.goodUntil ? `Ready · good until ${istWhen(r.goodUntil, now)}` : 'Ready';
    case 'renewing':
      if (subject.busy === 'refresh') return 'Renewing now…';
      return r.helpsFrom
        ? `Renews itself after the ${istClock(r.helpsFrom)} cutoff`
        : 'Renews itself shortly';
    case 'wait':
      return r.helpsFrom ? `Log in after ${istWhen(r.helpsFrom, now)}` : 'Log in later';
    case 'needs-login':
      return 'Log in now';
    case 'broken': {
      const badge = readinessBadge(r, subject.status);
      return r.action === 'wait' && r.helpsFrom
        ? `${badge} · log in after ${istWhen(r.helpsFrom, now)}`
        : badge;
    }
  }
}
