/**
 * The notification policy: which desktop notifications TokenTray shows, when, and which it takes
 * back. Inputs are the scheduler's fired batches, TokenService notices and snapshots; the output is
 * show/withdraw calls on the NotificationPort. Every decision is taken from the *current* snapshot,
 * not from the event that woke us, so a batch of events missed during sleep yields one notification
 * that states what is true now.
 *
 * Rules (issue 5), and the choices made where the issue leaves room:
 * - One notification id per account and purpose (`<id>:token`, `<id>:refresh-token`, `<id>:export`):
 *   a newer one replaces the older, and one that is no longer true is withdrawn (`reconcile`).
 * - Speak at the expiry warnings (default 60 and 15 min before) only where acting helps — readiness
 *   'needs-login': a login then lasts through the session (shared/readiness.ts) — at expiry, on
 *   revocation, on an automatic refresh failure, and at the morning reminder (trading days, when an
 *   account has no usable token). Status-colour changes never notify by themselves.
 * - The morning reminder is ONE notification (`login-all`) naming every account a login helps now
 *   (issue 11); a click opens their login windows one after another (`onLoginAll`). It replaces the
 *   per-account ones of those accounts and is withdrawn once none of them needs a login.
 * - Every notification shown, and every expiry, is an activity entry.
 * - Nothing on weekends and NSE holidays (`isTradingDay` with the user's holiday list) and nothing
 *   while paused, whatever the cause, including revocations and failures: the dashboard and tray
 *   still show them. A refresh-token warning that falls on such a moment is held and shown at the
 *   next allowed morning (it fires once and would otherwise be lost).
 * - Quiet night: a token that stops working before today's morning reminder (the 03:30 / 06:00
 *   cutoffs, a failed 06:05 auto-refresh, a revocation found at 02:00) is not announced then: the
 *   planner schedules the morning reminder for every account without a usable token, and that one
 *   notification says it all — at most one "log in" notification per account per morning.
 * - Not while the account is being logged in or refreshed: that is already the answer.
 * - A manual refresh that fails is reported in the dashboard, where the user clicked; only the
 *   automatic one (which nobody watches) is reported here, through `autoRefreshFailed`.
 * - Pause lasts until the next 00:00 IST ("until tomorrow"); it is kept in memory only.
 */
import { DateTime } from 'luxon';
import { isTradingDay, istTimeOnDate, MARKET_CLOSE } from '../../../shared/calendar';
import type { AccountView, ActivityEntry, Preferences, Snapshot } from '../../../shared/domain';
import { IST_ZONE } from '../../../shared/expiry';
import { compareByUrgency, readinessOfView, type Readiness } from '../../../shared/readiness';
import { istWhen, readinessSentence } from '../../../shared/readiness-text';
import { isUsable, type TokenStatus } from '../../../shared/status';
import type { DesktopNotification, NotificationPort } from '../app/app-ports';
import {
  expiringText,
  exportFailedText,
  morningReminderText,
  needsLoginText,
  refreshFailedText,
  refreshTokenText,
  type NotificationText,
  type ReminderEntry,
} from './notification-text';
import type { Clock, Logger } from '../ports';
import type { FiredBatch } from '../lifecycle/scheduler';
import type { ServiceNotice } from '../lifecycle/token-service';
import { statusNow } from '../app/tray-presenter';

export type NotificationPurpose = 'token' | 'refresh-token' | 'export';

export function notificationId(accountId: string, purpose: NotificationPurpose): string {
  return `${accountId}:${purpose}`;
}

/** The one morning reminder for every account (account ids hold no ':', so it cannot clash). */
export const LOGIN_ALL_NOTIFICATION_ID = 'login-all';

/** What a shown notification claims, so it can be withdrawn once that stops being true. */
type Claim = 'expiring' | 'needs-login' | 'refresh-token' | 'export' | 'login-all';

interface Shown {
  readonly notification: DesktopNotification;
  readonly claim: Claim;
  /** The token (or refresh token) the claim is about; for 'login-all', the account ids (JSON). */
  readonly about: string | null;
  readonly clicked?: boolean;
}

type Trigger =
  | { readonly kind: 'warning'; readonly minutesBefore: number }
  | { readonly kind: 'expired' | 'reminder' | 'revoked' }
  | { readonly kind: 'refresh-failed'; readonly reason: string };

export interface NotifierDeps {
  readonly port: NotificationPort;
  readonly clock: Clock;
  /** The current truth (TokenService.snapshot). */
  readonly snapshot: () => Snapshot;
  readonly preferences: () => Preferences;
  readonly localZone: string;
  readonly logger: Logger;
  /** A click: 'token' and 'refresh-token' start a login, 'export' opens the dashboard. */
  readonly onClick: (accountId: string, purpose: NotificationPurpose) => void;
  /** The pause started or ended (the app puts it in the snapshot). */
  readonly onPauseChange: (until: Date | null) => void;
  /** A click on the morning reminder: log in to every account that needs it, one after another. */
  readonly onLoginAll?: () => void;
  /** Activity entries for notifications shown and for expiries (the dashboard's activity log). */
  readonly activity?: (entry: ActivityEntry) => void;
}

export interface NotifierStats {
  shown: number;
  withdrawn: number;
  /** Notifications that would have been shown but for the calendar or the pause. */
  suppressed: number;
}

const MINUTE = 60_000;
/** A warning that fires a little late (timer granularity) still counts as on time. */
const WARNING_SLACK_MS = MINUTE;

/** The end of a pause started at `now`: the next 00:00 IST. */
export function pauseEndFor(now: Date): Date {
  return DateTime.fromJSDate(now, { zone: IST_ZONE }).plus({ days: 1 }).startOf('day').toJSDate();
}

export class Notifier {
  private readonly shown = new Map<string, Shown>();
  /** Refresh-token warnings waiting for a trading-day morning: account id → refresh expiry. */
  private readonly deferred = new Map<string, string>();
  /** Why the last automatic refresh failed, for the morning reminder's words. */
  private readonly lastFailure = new Map<string, string>();
  private paused: Date | null = null;
  readonly stats: NotifierStats = { shown: 0, withdrawn: 0, suppressed: 0 };

  constructor(private readonly deps: NotifierDeps) {}

  get pausedUntil(): Date | null {
    return this.paused;
  }

  pause(until: Date): void {
    this.paused = until;
    this.deps.onPauseChange(until);
  }

  resume(): void {
    if (this.paused === null) return;
    this.paused = null;
    this.deps.onPauseChange(null);
  }

  // ------------------------------------------------------------------ inputs

  handleBatches(batches: readonly FiredBatch[]): void {
    const snapshot = this.deps.snapshot();
    let morning = false;
    for (const batch of batches) {
      const view = snapshot.accounts.find((a) => a.id === batch.accountId);
      if (!view) continue;
      const kinds = new Set(batch.events.map((e) => e.kind));
      if (kinds.has('expired')) this.noteExpiry(view);
      if (kinds.has('refresh-token-warning')) this.refreshTokenWarning(view);
      // The strongest reason decides whether to speak; the words come from the current status.
      let trigger: Trigger | undefined;
      if (kinds.has('morning-reminder')) {
        morning = true; // one notification for every account, after this loop
        continue;
      }
      if (kinds.has('expired')) trigger = { kind: 'expired' };
      else {
        const warnings = batch.events.filter((e) => e.kind === 'expiry-warning');
        const tightest = Math.min(...warnings.map((e) => e.minutesBefore ?? 0));
        if (warnings.length > 0) trigger = { kind: 'warning', minutesBefore: tightest };
      }
      if (trigger) this.tokenNotice(view, trigger);
    }
    if (morning) this.morningReminder();
  }

  handleNotice(notice: ServiceNotice): void {
    const { accountId } = notice;
    switch (notice.kind) {
      case 'logged-in':
        // A login also brings a new refresh token (FYERS) and rewrites every export.
        this.lastFailure.delete(accountId);
        this.deferred.delete(accountId);
        for (const p of ['token', 'refresh-token', 'export'] as const) this.withdraw(accountId, p);
        return;
      case 'refreshed':
        this.lastFailure.delete(accountId);
        this.withdraw(accountId, 'token');
        this.withdraw(accountId, 'export');
        return;
      case 'revoked': {
        const view = this.view(accountId);
        if (view) this.tokenNotice(view, { kind: 'revoked' });
        return;
      }
      case 'export-failed': {
        const view = this.view(accountId);
        if (!view) return;
        this.show(view, 'export', 'export', null, exportFailedText(view, notice.message));
        return;
      }
      case 'refresh-failed':
        // Manual refreshes report in the dashboard; automatic ones come through autoRefreshFailed.
        return;
    }
  }

  /** An automatic (silent) refresh failed; `reason` is the TokenTrayError message (no secrets). */
  autoRefreshFailed(accountId: string, reason: string): void {
    this.lastFailure.set(accountId, reason);
    const view = this.view(accountId);
    if (view) this.tokenNotice(view, { kind: 'refresh-failed', reason });
  }

  /**
   * At start-up: if today's morning reminder passed while TokenTray was not running (and the market
   * is still open), remind now, once, about accounts without a usable token.
   */
  remindMissed(): void {
    const now = this.deps.clock.now();
    const prefs = this.deps.preferences();
    if (!isTradingDay(now, prefs.holidays)) return;
    const reminder = istTimeOnDate(now, prefs.morningReminder);
    const close = istTimeOnDate(now, MARKET_CLOSE);
    if (now < reminder || now >= close) return;
    if (this.shown.has(LOGIN_ALL_NOTIFICATION_ID)) return;
    this.morningReminder();
  }

  /**
   * The morning reminder: one notification naming every account a login helps now (readiness
   * needs-login, or broken with "log in" as the fix), plus those broken in another way, in one
   * sentence each. Accounts being logged in or refreshed right now are left out: that is the answer.
   */
  private morningReminder(): void {
    const now = this.deps.clock.now();
    const prefs = this.deps.preferences();
    const logIn: (ReminderEntry & { readonly readiness: Readiness })[] = [];
    const other: { view: AccountView; fix: string }[] = [];
    for (const view of this.deps.snapshot().accounts) {
      if (view.busy === 'login' || view.busy === 'refresh' || view.busy === 'forget') continue;
      const { status, readiness } = this.readiness(view, now);
      if (
        readiness.state === 'needs-login' ||
        (readiness.state === 'broken' && readiness.action === 'log-in')
      ) {
        logIn.push({ view, status, readiness, failure: this.lastFailure.get(view.id) });
      } else if (readiness.state === 'broken' && readiness.action !== 'wait') {
        const sentence = readinessSentence(
          { broker: view.broker, status, expiresAt: view.expiresAt, busy: view.busy },
          readiness,
          { now, morningReminder: prefs.morningReminder },
        );
        other.push({ view, fix: sentence.charAt(0).toLowerCase() + sentence.slice(1) });
      }
    }
    if (logIn.length === 0 && other.length === 0) return;
    // Named in the order "Log in all" opens their windows: most urgent first.
    logIn.sort((a, b) => compareByUrgency(a.readiness, b.readiness));
    // The one reminder replaces what those accounts had on screen.
    for (const e of logIn) this.withdraw(e.view.id, 'token');
    const text = morningReminderText(logIn, other, now, this.deps.localZone);
    const ids = [...logIn, ...other].map((e) => e.view.id);
    this.showNotification(
      LOGIN_ALL_NOTIFICATION_ID,
      null,
      'login-all',
      JSON.stringify(ids),
      text,
      () => {
        if (logIn.length > 0 && this.deps.onLoginAll) this.deps.onLoginAll();
        else if (logIn[0]) this.deps.onClick(logIn[0].view.id, 'token');
        else this.deps.onClick(other[0]?.view.id ?? '', 'export'); // opens the dashboard
      },
    );
  }

  /** An expiry is an activity entry, whether or not a notification is allowed now. */
  private noteExpiry(view: AccountView): void {
    const now = this.deps.clock.now();
    if (view.expiresAt === null || view.status === 'revoked') return;
    const expiresAt = new Date(view.expiresAt);
    if (expiresAt.getTime() > now.getTime()) return; // renewed meanwhile
    const { readiness } = this.readiness(view, now);
    const next =
      readiness.state === 'wait' && readiness.helpsFrom
        ? `; log in after ${istWhen(readiness.helpsFrom, now)} IST`
        : readiness.state === 'renewing'
          ? '; it renews itself'
          : readiness.state === 'needs-login'
            ? '; log in'
            : '';
    this.deps.activity?.({
      at: now.toISOString(),
      accountId: view.id,
      level: 'warn',
      message: `Token expired at ${istWhen(expiresAt, now)} IST${next}`,
    });
  }

  private readiness(view: AccountView, now: Date): { status: TokenStatus; readiness: Readiness } {
    const status = statusNow(view, now);
    return {
      status,
      readiness: readinessOfView({ ...view, status }, now, this.deps.preferences().holidays),
    };
  }

  /** Withdraws every notification that is no longer true. Called on every snapshot. */
  reconcile(snapshot: Snapshot): void {
    const now = this.deps.clock.now();
    for (const [id, shown] of [...this.shown]) {
      const view = snapshot.accounts.find((a) => a.id === shown.notification.accountId);
      const true_ =
        shown.claim === 'login-all'
          ? this.morningStillTrue(shown, snapshot, now)
          : view !== undefined && this.stillTrue(shown, view, now);
      if (!true_) {
        this.shown.delete(id);
        this.deps.port.withdraw(id);
        this.stats.withdrawn += 1;
      }
    }
    for (const [accountId, refreshExpiresAt] of [...this.deferred]) {
      const view = snapshot.accounts.find((a) => a.id === accountId);
      if (!view || view.refreshExpiresAt !== refreshExpiresAt) this.deferred.delete(accountId);
    }
  }

  /** Once a minute: ends a pause that ran out and shows held refresh-token warnings. */
  tick(): void {
    const now = this.deps.clock.now();
    if (this.paused !== null && now.getTime() >= this.paused.getTime()) this.resume();
    if (this.deferred.size === 0 || !this.allowed(now) || this.beforeReminder(now)) return;
    const snapshot = this.deps.snapshot();
    for (const accountId of [...this.deferred.keys()]) {
      this.deferred.delete(accountId);
      const view = snapshot.accounts.find((a) => a.id === accountId);
      if (view) this.refreshTokenWarning(view);
    }
  }

  // ------------------------------------------------------------------ policy

  private tokenNotice(view: AccountView, trigger: Trigger): void {
    // Being logged in or refreshed right now is already the answer (a validation is not).
    if (view.busy === 'login' || view.busy === 'refresh' || view.busy === 'forget') return;
    const now = this.deps.clock.now();
    const zone = this.deps.localZone;
    const status = statusNow(view, now);
    if (isUsable(status)) {
      if (view.expiresAt === null) return;
      const expiresAt = new Date(view.expiresAt);
      const left = expiresAt.getTime() - now.getTime();
      let text: NotificationText | undefined;
      // A warning whose token was renewed meanwhile stays silent (the planner keys events by
      // expiry, so this is a guard); so do an expiry, reminder or revocation already answered.
      // Warn only where acting helps: a login now lasts through the session (issue 11).
      if (
        trigger.kind === 'warning' &&
        left <= trigger.minutesBefore * MINUTE + WARNING_SLACK_MS &&
        this.readiness(view, now).readiness.state === 'needs-login'
      ) {
        text = expiringText(view, expiresAt, now, zone);
      } else if (trigger.kind === 'refresh-failed') {
        text = refreshFailedText(view, trigger.reason, expiresAt, now, zone);
      }
      if (text) this.show(view, 'token', 'expiring', view.expiresAt, text);
      return;
    }
    // Not usable before today's morning reminder: that reminder (planned for every such account
    // on trading days) will say it, with the reason, at a sensible hour.
    if (trigger.kind !== 'reminder' && this.beforeReminder(now)) return;
    // "Click to log in" only where a login helps now: a token that dies at 18:00 on a Friday is
    // announced by Monday's morning reminder, when a login lasts through the session.
    const { readiness } = this.readiness(view, now);
    const news = trigger.kind === 'expired' || trigger.kind === 'revoked';
    if (news && readiness.action !== 'log-in') return;
    const failure =
      trigger.kind === 'refresh-failed' ? trigger.reason : this.lastFailure.get(view.id);
    const text = needsLoginText(view, status, failure ? { failure } : {}, now, zone);
    this.show(view, 'token', 'needs-login', view.expiresAt, text);
  }

  private refreshTokenWarning(view: AccountView): void {
    const now = this.deps.clock.now();
    if (view.refreshExpiresAt === null) return;
    const expires = new Date(view.refreshExpiresAt);
    if (expires <= now) return;
    if (!this.allowed(now) || this.beforeReminder(now)) {
      this.deferred.set(view.id, view.refreshExpiresAt);
      return;
    }
    const text = refreshTokenText(view, expires, now, this.deps.localZone);
    this.show(view, 'refresh-token', 'refresh-token', view.refreshExpiresAt, text);
  }

  /** The morning reminder stands while one of its accounts still needs the user. */
  private morningStillTrue(shown: Shown, snapshot: Snapshot, now: Date): boolean {
    const ids = new Set(JSON.parse(shown.about ?? '[]') as string[]);
    return snapshot.accounts.some((view) => {
      if (!ids.has(view.id)) return false;
      const { state } = this.readiness(view, now).readiness;
      return state === 'needs-login' || state === 'broken';
    });
  }

  private stillTrue(shown: Shown, view: AccountView, now: Date): boolean {
    const usable = isUsable(statusNow(view, now));
    switch (shown.claim) {
      case 'expiring':
        return usable && view.expiresAt === shown.about;
      case 'needs-login':
        return !usable;
      case 'refresh-token':
        return (
          view.refreshExpiresAt === shown.about &&
          view.refreshExpiresAt !== null &&
          new Date(view.refreshExpiresAt) > now
        );
      case 'export':
        return view.lastExport.some((e) => !e.ok);
      case 'login-all':
        return true; // decided by morningStillTrue
    }
  }

  // ------------------------------------------------------------------ plumbing

  private allowed(now: Date): boolean {
    const paused = this.paused !== null && now.getTime() < this.paused.getTime();
    return !paused && isTradingDay(now, this.deps.preferences().holidays);
  }

  /** True between 00:00 IST and today's morning reminder. */
  private beforeReminder(now: Date): boolean {
    return now < istTimeOnDate(now, this.deps.preferences().morningReminder);
  }

  private show(
    view: AccountView,
    purpose: NotificationPurpose,
    claim: Claim,
    about: string | null,
    content: NotificationText,
  ): void {
    this.showNotification(notificationId(view.id, purpose), view.id, claim, about, content, () =>
      this.deps.onClick(view.id, purpose),
    );
  }

  private showNotification(
    id: string,
    accountId: string | null,
    claim: Claim,
    about: string | null,
    content: NotificationText,
    onClick: () => void,
  ): void {
    const now = this.deps.clock.now();
    if (!this.allowed(now)) {
      this.stats.suppressed += 1;
      return;
    }
    const previous = this.shown.get(id);
    // The same words again would only make the OS pop it up twice.
    const same =
      previous?.notification.title === content.title && previous.notification.body === content.body;
    if (same && !previous.clicked) return;
    const notification: DesktopNotification = { id, accountId, ...content };
    this.shown.set(id, { notification, claim, about });
    this.stats.shown += 1;
    this.deps.logger.info('notification shown', { id, claim });
    this.deps.activity?.({
      at: now.toISOString(),
      accountId,
      level: content.urgency === 'critical' ? 'warn' : 'info',
      message: `Notified: ${content.title}`,
    });
    this.deps.port.show(notification, () => {
      // Clicked: the same words may be shown again later (the login may be cancelled). It is
      // still withdrawn when it stops being true, for notification centres that keep it.
      const current = this.shown.get(id);
      if (current?.notification === notification) this.shown.set(id, { ...current, clicked: true });
      onClick();
    });
  }

  private withdraw(accountId: string, purpose: NotificationPurpose): void {
    const id = notificationId(accountId, purpose);
    if (!this.shown.delete(id)) return;
    this.deps.port.withdraw(id);
    this.stats.withdrawn += 1;
  }

  private view(accountId: string): AccountView | undefined {
    return this.deps.snapshot().accounts.find((a) => a.id === accountId);
  }
}
