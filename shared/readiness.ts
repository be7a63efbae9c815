/**
 * Readiness: the one answer every view gives — "will my bot trade in the next NSE session?".
 *
 * A countdown alone misleads: at 02:45 IST an Upstox token with 45 minutes left is not an emergency,
 * because a login now would also die at 03:30; what matters is whether the token (or a login, or an
 * automatic renewal) lasts through the close of the current or next session (09:15–15:30 IST on trading
 * days). Tray, tooltip, header, badge, banner, notifications, CLI and HTTP API all call
 * `readinessAt`, so their counts always agree. Pure: no clock, no I/O; Luxon for IST.
 */
import { DateTime } from 'luxon';
import { BROKERS, renewalNeedsPin, type BrokerId } from './brokers';
import { MARKET_CLOSE, MARKET_OPEN, istTimeOnDate, isTradingDay } from './calendar';
import { IST_ZONE, dailyCutoffFor, nextDailyCutoff, parseCutoff } from './expiry';
import type { ErrorKind } from './domain';
import type { TokenStatus } from './status';

export const READINESS_STATES = ['ready', 'renewing', 'wait', 'needs-login', 'broken'] as const;
export type ReadinessState = (typeof READINESS_STATES)[number];

/** What the user (or nobody) has to do. */
export const READINESS_ACTIONS = [
  'none',
  'log-in',
  'wait',
  'unlock-keychain',
  'fix-credentials',
  'fix-export',
  'retry',
] as const;
export type ReadinessAction = (typeof READINESS_ACTIONS)[number];

/** ok = green, info = neutral (nothing to do yet), warn = amber, danger = red. */
export type ReadinessTone = 'ok' | 'info' | 'warn' | 'danger';

export interface MarketSession {
  /** IST calendar date of the session, YYYY-MM-DD. */
  readonly date: string;
  readonly open: Date;
  readonly close: Date;
  /** True when `now` is between open (inclusive) and close (exclusive). */
  readonly inProgress: boolean;
}

/**
 * The current NSE session if `now` is before today's close on a trading day, else the next trading
 * day's. Weekends and `holidays` (YYYY-MM-DD, IST) are skipped. Looks at most 366 days ahead.
 */
export function marketSessionAt(now: Date, holidays: readonly string[]): MarketSession {
  // The tray, the notifier and the dashboard ask every minute; the calendar walk in Luxon costs ~1 ms.
  // A session found at instant T is the answer for every t in [T, close): each trading day before
  // it had closed by T already. So the last answer is reused going forward; anything else recomputes.
  const key = holidays.join(',');
  const t = now.getTime();
  const c = sessionCache;
  if (c && c.key === key && t >= c.from && t < c.close.getTime()) {
    return {
      date: c.date,
      open: new Date(c.open.getTime()),
      close: new Date(c.close.getTime()),
      inProgress: t >= c.open.getTime(),
    };
  }
  const session = computeMarketSession(now, holidays);
  sessionCache = { key, from: t, date: session.date, open: session.open, close: session.close };
  return session;
}

let sessionCache: { key: string; from: number; date: string; open: Date; close: Date } | undefined;

function computeMarketSession(now: Date, holidays: readonly string[]): MarketSession {
  let day = DateTime.fromJSDate(now, { zone: IST_ZONE }).startOf('day');
  for (let i = 0; i < 366; i += 1) {
    const noon = day.set({ hour: 12 }).toJSDate();
    if (isTradingDay(noon, holidays)) {
      const open = istTimeOnDate(noon, MARKET_OPEN);
      const close = istTimeOnDate(noon, MARKET_CLOSE);
      if (now.getTime() < close.getTime()) {
        return {
          date: day.toISODate() ?? '',
          open,
          close,
          inProgress: now.getTime() >= open.getTime(),
        };
      }
    }
    day = day.plus({ days: 1 });
  }
  // A year of holidays is a broken list, not a calendar: fall back to tomorrow's hours.
  const noon = day.set({ hour: 12 }).toJSDate();
  return {
    date: day.toISODate() ?? '',
    open: istTimeOnDate(noon, MARKET_OPEN),
    close: istTimeOnDate(noon, MARKET_CLOSE),
    inProgress: false,
  };
}

/** What readiness needs to know of one account. Plain data: the snapshot's view and the main process both fit. */
export interface ReadinessInput {
  readonly broker: BrokerId;
  readonly status: TokenStatus;
  /** When the current access token dies (ISO or Date); null/undefined when there is none. */
  readonly expiresAt?: Date | string | null | undefined;
  /**
   * True when TokenTray will renew this account by itself (FYERS auto-refresh on, a live refresh
   * token, a stored PIN), or a renewal is running now.
   */
  readonly autoRenews?: boolean | undefined;
  /** The last failed command, if it still stands (cleared by the next success). */
  readonly lastErrorKind?: ErrorKind | null | undefined;
  /** True when the last delivery to at least one export target failed. */
  readonly deliveryFailed?: boolean | undefined;
  /**
   * When the means of renewing dies (FYERS refresh token); ISO or Date. An auto-renewal that cannot
   * happen before this instant does not count: a refresh token that runs out before the cutoff
   * cannot buy the session.
   */
  readonly renewableUntil?: Date | string | null | undefined;
  /** The account's 'HH:MM' override of a guessed daily cutoff (Shoonya, Alice Blue, IIFL). */
  readonly cutoffOverride?: string | null | undefined;
}

/** The fields of a snapshot's account view that readiness reads (structurally, no zod import). */
export interface ReadinessViewFields {
  readonly broker: BrokerId;
  readonly status: TokenStatus;
  readonly expiresAt: string | null;
  readonly refreshExpiresAt: string | null;
  readonly autoRefresh: boolean;
  readonly canRefresh: boolean;
  readonly hasPin: boolean;
  readonly busy: string | null;
  readonly lastError: { readonly kind: ErrorKind } | null;
  readonly lastExport?: readonly { readonly ok: boolean }[] | undefined;
  readonly cutoffOverride?: string | undefined;
}

/**
 * The one mapping from an account view to readiness input, so the tray, notifier, dashboard, CLI and
 * API read an account the same way: auto-renewal counts when it is on, the PIN is stored and the
 * refresh token is alive (or a refresh is running now); a failed delivery counts when any target's
 * last write failed.
 */
export function readinessInputOf(view: ReadinessViewFields): ReadinessInput {
  const renewal = BROKERS[view.broker].renewal;
  const autoRenews =
    view.busy === 'refresh' ||
    (renewal.kind !== 'login-only' &&
      view.autoRefresh &&
      (view.hasPin || !renewalNeedsPin(view.broker)) &&
      view.canRefresh);
  return {
    broker: view.broker,
    status: view.status,
    expiresAt: view.expiresAt,
    autoRenews,
    lastErrorKind: view.lastError?.kind ?? null,
    deliveryFailed: (view.lastExport ?? []).some((e) => !e.ok),
    // A refresh token's life (FYERS); Dhan renews with the access token itself, while it lives.
    renewableUntil:
      view.busy === 'refresh'
        ? null
        : renewal.kind === 'renew-token'
          ? view.expiresAt
          : view.refreshExpiresAt,
    cutoffOverride: view.cutoffOverride ?? null,
  };
}

/** `readinessAt(readinessInputOf(view), now, holidays)`. */
export function readinessOfView(
  view: ReadinessViewFields,
  now: Date,
  holidays: readonly string[],
): Readiness {
  return readinessAt(readinessInputOf(view), now, holidays);
}

export interface Readiness {
  readonly state: ReadinessState;
  readonly action: ReadinessAction;
  readonly tone: ReadinessTone;
  /** Higher is more urgent; cards and lists sort by it (descending). 0 = nothing to do. */
  readonly urgency: number;
  readonly session: MarketSession;
  /** When the current token dies, if it is usable now. */
  readonly goodUntil: Date | null;
  /** `wait` and `renewing`: the first instant at which a login/renewal lasts through the session. */
  readonly helpsFrom: Date | null;
  /** True when the account's token lasts through the session's close. */
  readonly readyForSession: boolean;
}

/**
 * A broken account nothing can fix yet (a token rejected at 02:00; Upstox logins help from 03:30):
 * above `wait` and below `needs-login`, because a needs-login account can be fixed now.
 */
const BROKEN_WAITING_URGENCY = 40;

const RENEWAL_ERRORS: ReadonlySet<ErrorKind> = new Set<ErrorKind>([
  'revoked',
  'bad-credentials',
  'keychain',
  'login-failed',
  'rate-limited',
  'broker-down',
  'bad-response',
  'config',
]);

function toDate(v: Date | string | null | undefined): Date | null {
  if (v === null || v === undefined) return null;
  const d = v instanceof Date ? v : new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * The first instant from which a token issued then lasts through `session.close` under the broker's
 * daily cutoff rule: the last cutoff at or before the close (Upstox 03:30 and Kite/FYERS 06:00 of the
 * session's day). A login before it dies at that cutoff; a login at or after it dies a day later.
 */
export function loginHelpsFrom(
  broker: BrokerId,
  session: MarketSession,
  cutoffOverride?: string | null,
): Date {
  const override = parseCutoff(cutoffOverride);
  const key = `${broker}@${session.close.getTime()}@${cutoffOverride ?? ''}`;
  let at = helpsFromCache.get(key);
  if (at === undefined) {
    const dayBefore = new Date(session.close.getTime() - 86_400_000);
    // The account's override of a guessed cutoff (Shoonya, Alice Blue, IIFL), else the catalogue's.
    const cutoff = dailyCutoffFor(broker, override);
    // No daily cutoff (Dhan): only the rolling life below decides.
    at = cutoff === null ? dayBefore.getTime() : nextDailyCutoff(dayBefore, cutoff).getTime();
    // A rolling life (Dhan 24 h, ICICI Breeze): a login helps once its life outlasts the close too.
    const hours = BROKERS[broker].accessTokenLifeHours;
    if (hours !== undefined) at = Math.max(at, session.close.getTime() - hours * 3_600_000);
    if (helpsFromCache.size >= 64) helpsFromCache.clear(); // a few sessions × brokers in practice
    helpsFromCache.set(key, at);
  }
  return new Date(at);
}

/** Luxon's zone math costs ~0.3 ms a call and the answer depends only on broker and session. */
const helpsFromCache = new Map<string, number>();

function actionFor(kind: ErrorKind | null | undefined): ReadinessAction {
  switch (kind) {
    case 'keychain':
      return 'unlock-keychain';
    case 'bad-credentials':
    case 'config':
      return 'fix-credentials';
    case 'rate-limited':
    case 'broker-down':
    case 'bad-response':
      return 'retry';
    default:
      return 'log-in';
  }
}

/**
 * The readiness of one account at `now` for the current or next NSE session.
 *
 *   ready        the token lasts through the session's close (delivered, as far as we know)
 *   renewing     TokenTray renews it by itself in time (FYERS auto-refresh)
 *   wait         a login now would not last through the session: `helpsFrom` says when it will
 *   needs-login  a login now would last through the session
 *   broken       the broker rejected the token, a renewal or delivery failed: `action` names the fix
 */
export function readinessAt(
  input: ReadinessInput,
  now: Date,
  holidays: readonly string[],
): Readiness {
  const session = marketSessionAt(now, holidays);
  const expiresAt = toDate(input.expiresAt);
  const usable =
    expiresAt !== null &&
    input.status !== 'revoked' &&
    input.status !== 'none' &&
    expiresAt.getTime() > now.getTime();
  const goodUntil = usable ? expiresAt : null;
  const readyForSession = usable && expiresAt.getTime() >= session.close.getTime();
  const helpsFrom = loginHelpsFrom(input.broker, session, input.cutoffOverride);
  const loginHelpsNow = now.getTime() >= helpsFrom.getTime();
  const minutesToOpen = (session.open.getTime() - now.getTime()) / 60_000;

  const base = { session, goodUntil, readyForSession };

  if (readyForSession && input.deliveryFailed) {
    return {
      ...base,
      state: 'broken',
      action: 'fix-export',
      tone: 'danger',
      urgency: 90,
      helpsFrom: null,
    };
  }
  if (readyForSession) {
    return { ...base, state: 'ready', action: 'none', tone: 'ok', urgency: 0, helpsFrom: null };
  }
  if (input.status === 'revoked') {
    // A revoked token is dead now; a login helps only if it outlives the session.
    return {
      ...base,
      state: 'broken',
      action: loginHelpsNow ? 'log-in' : 'wait',
      tone: 'danger',
      urgency: loginHelpsNow ? 100 : BROKEN_WAITING_URGENCY,
      helpsFrom: loginHelpsNow ? null : helpsFrom,
    };
  }
  const failed =
    input.lastErrorKind !== null &&
    input.lastErrorKind !== undefined &&
    RENEWAL_ERRORS.has(input.lastErrorKind);
  if (failed) {
    const action = actionFor(input.lastErrorKind);
    // A login before the cutoff would die at it: the named fix is to log in after it.
    const waitFirst = action === 'log-in' && !loginHelpsNow;
    return {
      ...base,
      state: 'broken',
      action: waitFirst ? 'wait' : action,
      tone: 'danger',
      urgency: waitFirst ? BROKEN_WAITING_URGENCY : 100,
      helpsFrom: waitFirst ? helpsFrom : null,
    };
  }
  const renewableUntil = toDate(input.renewableUntil);
  // The renewal that buys the session runs at or after `helpsFrom` (FYERS: just after the cutoff).
  const canRenew =
    input.autoRenews === true &&
    (renewableUntil === null ||
      renewableUntil.getTime() > Math.max(helpsFrom.getTime(), now.getTime()));
  if (canRenew) {
    // Renewal planned, but the bot has no working token with the market open or within the hour
    // (a laptop that slept through 06:05): still TokenTray's job, no longer "all fine".
    const late = goodUntil === null && (session.inProgress || minutesToOpen <= 60);
    return {
      ...base,
      state: 'renewing',
      action: 'none',
      tone: late ? 'warn' : 'ok',
      urgency: late ? 30 : 5,
      helpsFrom: loginHelpsNow ? null : helpsFrom,
    };
  }
  if (!loginHelpsNow) {
    return { ...base, state: 'wait', action: 'wait', tone: 'info', urgency: 10, helpsFrom };
  }
  // needs-login: amber while the session is more than an hour away, red from then on.
  const tone: ReadinessTone = session.inProgress || minutesToOpen <= 60 ? 'danger' : 'warn';
  const urgency = session.inProgress ? 80 : minutesToOpen <= 60 ? 70 : 50;
  return { ...base, state: 'needs-login', action: 'log-in', tone, urgency, helpsFrom: null };
}

export interface ReadinessSummary {
  readonly total: number;
  readonly counts: Readonly<Record<ReadinessState, number>>;
  /** needs-login + broken: what the header, badge, banner and morning notification count. */
  readonly needYou: number;
  /** The worst tone over all accounts (ok when empty). */
  readonly tone: ReadinessTone;
}

const TONE_ORDER: readonly ReadinessTone[] = ['ok', 'info', 'warn', 'danger'];

export function summarizeReadiness(list: readonly Readiness[]): ReadinessSummary {
  const counts: Record<ReadinessState, number> = {
    ready: 0,
    renewing: 0,
    wait: 0,
    'needs-login': 0,
    broken: 0,
  };
  let tone: ReadinessTone = 'ok';
  for (const r of list) {
    counts[r.state] += 1;
    if (TONE_ORDER.indexOf(r.tone) > TONE_ORDER.indexOf(tone)) tone = r.tone;
  }
  return {
    total: list.length,
    counts,
    needYou: counts['needs-login'] + counts.broken,
    tone,
  };
}

/**
 * Most urgent first; among equals, the one whose token dies first (none at all first), then the one
 * a login helps soonest. Remaining ties keep their relative order with a stable sort.
 */
export function compareByUrgency(a: Readiness, b: Readiness): number {
  if (a.urgency !== b.urgency) return b.urgency - a.urgency;
  const ga = a.goodUntil?.getTime() ?? -Infinity;
  const gb = b.goodUntil?.getTime() ?? -Infinity;
  if (ga !== gb) return ga < gb ? -1 : 1;
  const ha = a.helpsFrom?.getTime() ?? -Infinity;
  const hb = b.helpsFrom?.getTime() ?? -Infinity;
  if (ha !== hb) return ha < hb ? -1 : 1;
  return 0;
}
