/**
 * Bounds automatic renewals per account, whatever makes the scheduler ask for them (issue 9 item 8):
 * a broker answering with tokens that die at once, a planner bug, a clock going mad. FYERS blocks an
 * account for the rest of the day after too many calls (brokers.md §4), so a renewal loop must stop
 * long before the broker stops it for us.
 *
 * - At most `maxPerHour` automatic attempts in any rolling hour, successful or not.
 * - After consecutive failures, exponential backoff: `firstBackoffMs`, doubled per further failure,
 *   at most `maxBackoffMs`. A success resets the backoff (not the hourly count).
 *
 * Manual renewals (the user clicks Refresh or Log in) are not limited: the user is watching.
 */

export interface RenewalLimits {
  readonly maxPerHour: number;
  readonly firstBackoffMs: number;
  readonly maxBackoffMs: number;
}

export const AUTO_RENEWAL_LIMITS: RenewalLimits = {
  maxPerHour: 4,
  firstBackoffMs: 2 * 60_000,
  maxBackoffMs: 60 * 60_000,
};

const HOUR = 3_600_000;

interface AccountRecord {
  /** Start instants (ms) of automatic attempts in the last hour. */
  attempts: number[];
  failures: number;
  lastFailureAt: number;
}

export class RenewalLimiter {
  private readonly accounts = new Map<string, AccountRecord>();

  constructor(private readonly limits: RenewalLimits = AUTO_RENEWAL_LIMITS) {}

  private record(accountId: string): AccountRecord {
    let r = this.accounts.get(accountId);
    if (!r) {
      r = { attempts: [], failures: 0, lastFailureAt: 0 };
      this.accounts.set(accountId, r);
    }
    return r;
  }

  /** When the next automatic attempt may start, or null when it may start at `now`. */
  blockedUntil(accountId: string, now: Date): Date | null {
    const r = this.accounts.get(accountId);
    if (!r) return null;
    const t = now.getTime();
    r.attempts = r.attempts.filter((a) => a > t - HOUR);
    let until = 0;
    if (r.attempts.length >= this.limits.maxPerHour) {
      until = (r.attempts[r.attempts.length - this.limits.maxPerHour] ?? t) + HOUR;
    }
    if (r.failures > 0) {
      const backoff = Math.min(
        this.limits.maxBackoffMs,
        this.limits.firstBackoffMs * 2 ** Math.min(r.failures - 1, 30),
      );
      until = Math.max(until, r.lastFailureAt + backoff);
    }
    return until > t ? new Date(until) : null;
  }

  /** An automatic attempt starts now. */
  started(accountId: string, now: Date): void {
    this.record(accountId).attempts.push(now.getTime());
  }

  succeeded(accountId: string): void {
    this.record(accountId).failures = 0;
  }

  failed(accountId: string, now: Date): void {
    const r = this.record(accountId);
    r.failures += 1;
    r.lastFailureAt = now.getTime();
  }

  forget(accountId: string): void {
    this.accounts.delete(accountId);
  }
}
