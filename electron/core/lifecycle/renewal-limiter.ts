/**
 * Bounds automatic renewals per account, whatever makes the scheduler ask for them (issue 9 item 8):
 * a broker answering with tokens that die at once, a planner bug, a clock going mad. FYERS blocks an
 * account for the rest of the day after too many calls (brokers.md §4), so a renewal loop must stop
 * long before the broker stops it for us.
 *
 * - At most `maxPerHour` automatic attempts in any rolling hour, successful or not.
 * - Exponential backoff after a streak of attempts that failed or came within `rapidMs` of the one
 *   before (a renewal that is due again at once is as suspect as a failure): `firstBackoffMs`,
 *   doubled per further one, at most `maxBackoffMs`. An unhurried success ends the streak.
 *
 * Manual renewals (the user clicks Refresh or Log in) are not limited: the user is watching.
 */

export interface RenewalLimits {
  readonly maxPerHour: number;
  readonly firstBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly rapidMs: number;
}

export const AUTO_RENEWAL_LIMITS: RenewalLimits = {
  maxPerHour: 4,
  firstBackoffMs: 2 * 60_000,
  maxBackoffMs: 60 * 60_000,
  rapidMs: 10 * 60_000,
};

const HOUR = 3_600_000;

interface AccountRecord {
  /** Start instants (ms) of automatic attempts in the last hour. */
  attempts: number[];
  /** Failed or rapid attempts in a row. */
  streak: number;
  lastStartAt: number;
  /** The current attempt came within rapidMs of the one before. */
  rapid: boolean;
}

export class RenewalLimiter {
  private readonly accounts = new Map<string, AccountRecord>();

  constructor(private readonly limits: RenewalLimits = AUTO_RENEWAL_LIMITS) {}

  private record(accountId: string): AccountRecord {
    let r = this.accounts.get(accountId);
    if (!r) {
      r = { attempts: [], streak: 0, lastStartAt: Number.NEGATIVE_INFINITY, rapid: false };
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
    if (r.streak > 0) {
      const backoff = Math.min(
        this.limits.maxBackoffMs,
        this.limits.firstBackoffMs * 2 ** Math.min(r.streak - 1, 30),
      );
      until = Math.max(until, r.lastStartAt + backoff);
    }
    return until > t ? new Date(until) : null;
  }

  /** An automatic attempt starts now. */
  started(accountId: string, now: Date): void {
    const r = this.record(accountId);
    const t = now.getTime();
    r.rapid = t - r.lastStartAt < this.limits.rapidMs;
    if (r.rapid) r.streak += 1;
    r.lastStartAt = t;
    r.attempts.push(t);
  }

  succeeded(accountId: string): void {
    const r = this.record(accountId);
    if (!r.rapid) r.streak = 0;
  }

  failed(accountId: string): void {
    const r = this.record(accountId);
    // A rapid attempt already counted; a failure counts once.
    if (!r.rapid) r.streak += 1;
  }

  forget(accountId: string): void {
    this.accounts.delete(accountId);
  }
}
