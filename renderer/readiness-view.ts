/**
 * The dashboard's answer to "will my bot trade at 09:15?": `readinessAt` (shared/readiness.ts, the
 * same function the tray and notifications use) applied to each account's snapshot at the live clock,
 * and the words for it. Header, nav badge, banner and cards all read from `dashboardReadiness`, so
 * their counts always agree, and cards are listed most urgent first.
 */
import type { AccountView } from '../shared/domain';
import {
  compareByUrgency,
  readinessAt,
  summarizeReadiness,
  type Readiness,
  type ReadinessInput,
  type ReadinessSummary,
  type ReadinessTone,
} from '../shared/readiness';
import { readinessBadge, readinessSentence, sessionDayText } from '../shared/readiness-text';
import type { TokenStatus } from '../shared/status';
import { liveStatus, primaryAction, type AccountAction } from './account-status';

export interface AccountReadiness {
  readonly account: AccountView;
  /** The token's own clock status (valid/expiring/…): the countdown's, not the colour's. */
  readonly status: TokenStatus;
  readonly readiness: Readiness;
}

export interface DashboardReadiness {
  /** Most urgent first (stable: equal urgency keeps the order of the snapshot). */
  readonly items: readonly AccountReadiness[];
  readonly summary: ReadinessSummary;
  /** The accounts that need the user now (needs-login + broken): the banner's list, the badge's count. */
  readonly needYou: readonly AccountReadiness[];
}

/** What readiness needs of one account, from what main publishes. */
export function readinessInputOf(account: AccountView, status: TokenStatus): ReadinessInput {
  return {
    broker: account.broker,
    status,
    expiresAt: account.expiresAt,
    // Renews itself: a refresh is running, or auto-refresh can run without asking for the PIN.
    autoRenews:
      account.busy === 'refresh' || (account.autoRefresh && account.canRefresh && account.hasPin),
    lastErrorKind: account.lastError?.kind ?? null,
    deliveryFailed: account.lastExport.some((e) => !e.ok),
  };
}

export function dashboardReadiness(
  accounts: readonly AccountView[],
  now: number,
  holidays: readonly string[],
): DashboardReadiness {
  const at = new Date(now);
  const items = accounts
    .map((account) => {
      const status = liveStatus(account, now);
      return {
        account,
        status,
        readiness: readinessAt(readinessInputOf(account, status), at, holidays),
      };
    })
    .sort((a, b) => compareByUrgency(a.readiness, b.readiness));
  const summary = summarizeReadiness(items.map((i) => i.readiness));
  const needYou = items.filter(
    (i) => i.readiness.state === 'needs-login' || i.readiness.state === 'broken',
  );
  return { items, summary, needYou };
}

/** The badge: one or two words, the same for the same state on every view (shared wording). */
export function readinessLabel(r: Readiness, status: TokenStatus): string {
  return readinessBadge(r, status);
}

export interface LineOptions {
  readonly now: number;
  /** The morning reminder (IST HH:MM), named where the user has to wait for it. */
  readonly morningReminder: string;
}

/**
 * One sentence per account, in the words the tray and notifications use (shared/readiness-text.ts).
 * E.g. at 02:45 IST with an Upstox token from yesterday:
 * "Good until 03:30 · log in after 03:30 for today — reminder at 08:30".
 */
export function readinessLine(item: AccountReadiness, options: LineOptions): string {
  const { account, status, readiness } = item;
  return readinessSentence(
    { broker: account.broker, status, expiresAt: account.expiresAt, busy: account.busy },
    readiness,
    { now: new Date(options.now), morningReminder: options.morningReminder },
  );
}

/** "today", "tomorrow" or "Mon 2026-11-30". */
export function sessionDay(r: Readiness, now: number): string {
  return sessionDayText(r, new Date(now));
}

/** The button that most likely fixes it, or null when nothing is to be done now. */
export function readinessAction(item: AccountReadiness): AccountAction | null {
  const { account, status, readiness: r } = item;
  if (r.state === 'needs-login' || r.state === 'broken') {
    if (r.action === 'wait') return null;
    return primaryAction(account, status);
  }
  return null;
}

/** Card, badge and header colour. */
export function toneClass(tone: ReadinessTone): string {
  return `tone-${tone}`;
}
