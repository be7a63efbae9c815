/**
 * The per-account bound on automatic renewals (issue 9 item 8), on its own: at most maxPerHour in any
 * rolling hour, exponential backoff after failures or renewals that come due again at once, and an
 * unhurried success ending the backoff. Accounts never share a budget.
 */
import { describe, expect, it } from 'vitest';
import { AUTO_RENEWAL_LIMITS, RenewalLimiter } from '../../electron/core/lifecycle/renewal-limiter';

const M = 60_000;
const T0 = new Date('2026-12-08T00:35:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

describe('RenewalLimiter', () => {
  it('backs off 2, 4, 8 … minutes after consecutive failures, at most an hour', () => {
    const l = new RenewalLimiter();
    const gaps: number[] = [];
    let t = 0;
    for (let i = 0; i < 8; i += 1) {
      expect(l.blockedUntil('a', at(t))).toBeNull();
      l.started('a', at(t));
      l.failed('a');
      const until = l.blockedUntil('a', at(t));
      expect(until).not.toBeNull();
      gaps.push((until!.getTime() - at(t).getTime()) / M);
      t = until!.getTime() - T0.getTime();
    }
    // The hourly bound takes over once four attempts fall within an hour.
    expect(gaps.slice(0, 3)).toEqual([2, 4, 8]);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(60);
  });

  it('never admits more than maxPerHour in any rolling hour, whatever the outcome', () => {
    const l = new RenewalLimiter({ ...AUTO_RENEWAL_LIMITS, firstBackoffMs: 0, rapidMs: 0 });
    const admitted: number[] = [];
    for (let t = 0; t < 3 * 60 * M; t += 30_000) {
      if (l.blockedUntil('a', at(t))) continue;
      l.started('a', at(t));
      admitted.push(t);
      l.succeeded('a');
    }
    for (const a of admitted) {
      const inHour = admitted.filter((b) => b >= a && b < a + 60 * M).length;
      expect(inHour).toBeLessThanOrEqual(AUTO_RENEWAL_LIMITS.maxPerHour);
    }
    expect(admitted.length).toBe(3 * AUTO_RENEWAL_LIMITS.maxPerHour);
  });

  it('renewals due again at once back off like failures; an unhurried success ends it', () => {
    const l = new RenewalLimiter();
    l.started('a', at(0));
    l.succeeded('a');
    expect(l.blockedUntil('a', at(1_000))).toBeNull();
    l.started('a', at(1_000)); // again a second later: rapid
    l.succeeded('a');
    expect(l.blockedUntil('a', at(2_000))).toEqual(at(1_000 + 2 * M));
    // Much later, an unhurried success: no backoff any more.
    l.started('a', at(30 * M));
    l.succeeded('a');
    expect(l.blockedUntil('a', at(30 * M + 1))).toBeNull();
  });

  it('keeps one budget per account, and forgets an account', () => {
    const l = new RenewalLimiter();
    l.started('a', at(0));
    l.failed('a');
    expect(l.blockedUntil('a', at(1))).not.toBeNull();
    expect(l.blockedUntil('constructor', at(1))).toBeNull();
    expect(l.blockedUntil('b', at(1))).toBeNull();
    l.forget('a');
    expect(l.blockedUntil('a', at(1))).toBeNull();
  });
});
