/**
 * The morning summary for remote channels (issue 13): on every trading day at the configured IST time
 * (default 08:45), one message saying whether the day's tokens are ready — also when all is well, so
 * that silence means something is wrong. Counts and words come from shared/readiness.ts, as in the
 * tray and the dashboard.
 *
 * Timing: a Clock timer armed for the summary instant, never longer than 60 s (timers stand still
 * while the machine sleeps). If the computer slept through the instant, the summary goes at wake (or
 * at the next timer), marked late. It goes once per IST date; on weekends and holidays (the user's list)
 * there is none. TokenTray started after the summary time on a trading day sends it then, marked late
 * (the time it was due is when the user expected it). Kept in memory: a restart on the same morning
 * may send a second, late summary, which is better than none.
 *
 * Also here, because it shares the daily rhythm: the refresh-token heads-up (FYERS): once per refresh
 * token, from the summary time on the first day it is within `refreshTokenWarningDays`, any day
 * including holidays (a bot engine running over a long weekend needs it most).
 */
import { isTradingDay, istDate, istTimeOnDate } from '../../../shared/calendar';
import type { AccountView, Preferences, Snapshot } from '../../../shared/domain';
import { DEFAULT_MORNING_SUMMARY } from '../../../shared/alert-settings';
import { compareByUrgency, summarizeReadiness } from '../../../shared/readiness';
import { istClock, istDayText, istWhen, readinessShort } from '../../../shared/readiness-text';
import { accountName, accountReadiness } from '../app/tray-presenter';
import type { Clock } from '../ports';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** A summary more than this after its instant is marked late (timers are ≤ 60 s, plus slack). */
export const LATE_AFTER_MS = 2 * MINUTE;

export interface SummaryText {
  readonly title: string;
  readonly body: string;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * "All 4 tokens ready for today" or "2 need a login: Upstox · Personal, Kite · Options — log in on
 * your computer", then one line per account that is neither ready nor in that list.
 */
export function morningSummaryText(
  snapshot: Snapshot,
  now: Date,
  holidays: readonly string[],
  late: { readonly dueAt: Date } | null,
): SummaryText {
  const rows = snapshot.accounts.map((view) => ({
    view,
    ...accountReadiness(view, now, holidays),
  }));
  const summary = summarizeReadiness(rows.map((r) => r.readiness));
  const logIn = rows
    .filter(
      (r) =>
        r.view.busy !== 'login' &&
        (r.readiness.state === 'needs-login' ||
          (r.readiness.state === 'broken' && r.readiness.action === 'log-in')),
    )
    .sort((a, b) => compareByUrgency(a.readiness, b.readiness));
  const lines: string[] = [];
  if (late) {
    lines.push(
      `Late: the computer was asleep or off at ${istClock(late.dueAt)} IST; this is the state at ${istClock(now)} IST.`,
    );
  }
  if (summary.total === 0) {
    lines.push('No accounts in TokenTray yet.');
  } else if (logIn.length > 0) {
    lines.push(
      `${logIn.length} ${logIn.length === 1 ? 'needs' : 'need'} a login: ${logIn.map((r) => accountName(r.view)).join(', ')} — log in on your computer`,
    );
  } else if (summary.counts.ready + summary.counts.renewing === summary.total) {
    lines.push(
      summary.counts.renewing === 0
        ? `All ${plural(summary.total, 'token', 'tokens')} ready for today`
        : `All ${plural(summary.total, 'token', 'tokens')} ready for today (${summary.counts.renewing} ${summary.counts.renewing === 1 ? 'renews itself' : 'renew themselves'})`,
    );
  } else {
    lines.push(`${summary.counts.ready} of ${plural(summary.total, 'token', 'tokens')} ready`);
  }
  const listed = new Set(logIn.map((r) => r.view.id));
  for (const r of rows) {
    if (listed.has(r.view.id) || r.readiness.state === 'ready') continue;
    if (r.readiness.state === 'renewing' && logIn.length === 0) continue;
    lines.push(`${accountName(r.view)}: ${readinessShort(r.view, r.readiness, now)}`);
  }
  return { title: `TokenTray · ${istDayText(now)} summary`, body: lines.join('\n') };
}

/** "FYERS · main: the refresh token runs out Thu 06:00 IST — log in before then …" */
export function refreshTokenText(view: AccountView, expires: Date, now: Date): SummaryText {
  return {
    title: `${accountName(view)}: refresh token runs out soon`,
    body: `The refresh token of ${accountName(view)} runs out ${istWhen(expires, now)} IST; automatic renewal stops then. Log in on your computer before that to get a new one.`,
  };
}

export interface MorningSummaryDeps {
  readonly clock: Clock;
  readonly snapshot: () => Snapshot;
  readonly preferences: () => Preferences;
  /** Is any channel listening? Without one no timer is armed at all. */
  readonly active: () => boolean;
  readonly sendSummary: (text: SummaryText, late: boolean, dueAt: Date) => void;
  readonly sendRefreshTokenWarning: (view: AccountView, text: SummaryText) => void;
}

export class MorningSummary {
  private timer: unknown;
  private running = false;
  /** IST date of the last summary sent. */
  private sentFor: string | null = null;
  /** Refresh-token expiries already announced, per account. */
  private readonly warned = new Map<string, string>();
  /** Lateness of each summary sent (ms after its instant), for the bench. */
  readonly lateness: number[] = [];

  constructor(private readonly deps: MorningSummaryDeps) {}

  start(): void {
    this.running = true;
    this.check();
  }

  stop(): void {
    this.running = false;
    this.disarm();
  }

  /** Resume, unlock, settings changed: look again now and re-arm. */
  wake(): void {
    if (this.running) this.check();
  }

  private summaryTime(): string {
    return this.deps.preferences().alerts?.morningSummary ?? DEFAULT_MORNING_SUMMARY;
  }

  private disarm(): void {
    if (this.timer !== undefined) this.deps.clock.cancelTimer(this.timer);
    this.timer = undefined;
  }

  private check(): void {
    this.disarm();
    if (!this.running || !this.deps.active()) return;
    const now = this.deps.clock.now();
    const prefs = this.deps.preferences();
    const dueAt = istTimeOnDate(now, this.summaryTime());
    const today = istDate(now);
    if (now >= dueAt) {
      if (this.sentFor !== today && isTradingDay(now, prefs.holidays)) {
        this.sentFor = today;
        const lateBy = now.getTime() - dueAt.getTime();
        const late = lateBy > LATE_AFTER_MS;
        this.lateness.push(lateBy);
        this.deps.sendSummary(
          morningSummaryText(this.deps.snapshot(), now, prefs.holidays, late ? { dueAt } : null),
          late,
          dueAt,
        );
      }
      this.refreshTokenWarnings(now, prefs);
    }
    this.arm(now, dueAt);
  }

  private refreshTokenWarnings(now: Date, prefs: Preferences): void {
    const ahead = prefs.refreshTokenWarningDays * DAY;
    if (ahead <= 0) return;
    for (const view of this.deps.snapshot().accounts) {
      if (view.refreshExpiresAt === null) continue;
      const expires = new Date(view.refreshExpiresAt);
      const left = expires.getTime() - now.getTime();
      if (left <= 0 || left > ahead) continue;
      if (this.warned.get(view.id) === view.refreshExpiresAt) continue;
      this.warned.set(view.id, view.refreshExpiresAt);
      this.deps.sendRefreshTokenWarning(view, refreshTokenText(view, expires, now));
    }
  }

  /** Next look: today's instant if still ahead, else tomorrow's; at most 60 s away. */
  private arm(now: Date, dueToday: Date): void {
    const next =
      now < dueToday ? dueToday : istTimeOnDate(new Date(now.getTime() + DAY), this.summaryTime());
    const ms = Math.min(MINUTE, Math.max(0, next.getTime() - now.getTime()));
    this.timer = this.deps.clock.setTimer(ms, () => {
      this.timer = undefined;
      this.check();
    });
  }
}
