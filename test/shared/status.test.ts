import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULT_THRESHOLDS,
  STATUS_SEVERITY,
  nextStatusChange,
  statusAt,
  worstStatus,
} from '../../shared/status';
import { countdownTo, describeInstant, formatCountdown } from '../../shared/countdown';

const H = 3_600_000;
const M = 60_000;
const exp = new Date('2026-11-24T22:00:00.000Z'); // 03:30 IST on the 25th
const at = (msBefore: number) => new Date(exp.getTime() - msBefore);

describe('status from expiry and now', () => {
  it.each([
    [5 * H, 'valid'],
    [3 * H + 1, 'valid'],
    [3 * H, 'expiring'],
    [2 * H, 'expiring'],
    [1 * H, 'expiring'],
    [1 * H - 1, 'critical'],
    [42 * M, 'critical'],
    [1, 'critical'],
    [0, 'expired'],
    [-5 * M, 'expired'],
  ])('%d ms before expiry → %s', (before, status) => {
    expect(statusAt({ expiresAt: exp }, at(before))).toBe(status);
  });

  it('never logged in → none; rejected by the broker → revoked, whatever the clock says', () => {
    expect(statusAt({}, new Date())).toBe('none');
    expect(statusAt({ expiresAt: exp, revoked: true }, at(10 * H))).toBe('revoked');
  });

  it('thresholds are configurable', () => {
    const t = { expiringMs: 30 * M, criticalMs: 5 * M };
    expect(statusAt({ expiresAt: exp }, at(40 * M), t)).toBe('valid');
    expect(statusAt({ expiresAt: exp }, at(20 * M), t)).toBe('expiring');
    expect(statusAt({ expiresAt: exp }, at(4 * M), t)).toBe('critical');
  });

  it('status is monotone in time: it only gets worse until a new token arrives', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -2 * 86_400_000, max: 2 * 86_400_000 }),
        fc.integer({ min: 0, max: 2 * 86_400_000 }),
        (offset, gap) => {
          const t1 = new Date(exp.getTime() + offset);
          const t2 = new Date(t1.getTime() + gap);
          const s1 = statusAt({ expiresAt: exp }, t1);
          const s2 = statusAt({ expiresAt: exp }, t2);
          expect(STATUS_SEVERITY[s2]).toBeGreaterThanOrEqual(STATUS_SEVERITY[s1]);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('nextStatusChange is exactly the instant the status changes', () => {
    fc.assert(
      fc.property(fc.integer({ min: -H, max: 20 * H }), (before) => {
        const now = at(before);
        const change = nextStatusChange({ expiresAt: exp }, now);
        const s = statusAt({ expiresAt: exp }, now);
        if (!change) {
          expect(s).toBe('expired');
          return;
        }
        expect(change.getTime()).toBeGreaterThan(now.getTime());
        expect(statusAt({ expiresAt: exp }, new Date(change.getTime() - 1))).toBe(s);
        expect(statusAt({ expiresAt: exp }, change)).not.toBe(s);
      }),
      { numRuns: 2000 },
    );
    expect(DEFAULT_THRESHOLDS.expiringMs).toBe(3 * H);
  });

  it('the worst account decides the tray colour', () => {
    expect(worstStatus(['valid', 'critical', 'expiring'])).toBe('critical');
    expect(worstStatus(['valid', 'revoked'])).toBe('revoked');
    expect(worstStatus([])).toBeUndefined();
  });
});

describe('countdown text', () => {
  it.each([
    [5 * H + 12 * M + 59_000, '5h 12m'],
    [42 * M + 30_000, '42m'],
    [59_000, '<1m'],
    [0, 'expired'],
    [-1, 'expired'],
    [Number.NaN, 'expired'],
    [26 * H, '1d 2h'],
    [14 * 24 * H + 5 * H, '14d 5h'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatCountdown(ms)).toBe(text);
  });

  it('the dashboard can show seconds', () => {
    expect(formatCountdown(5 * H + 2 * M + 3000, { seconds: true })).toBe('5h 02m 03s');
    expect(formatCountdown(42 * M + 7000, { seconds: true })).toBe('42m 07s');
    expect(formatCountdown(9000, { seconds: true })).toBe('9s');
  });

  it('never claims more time than is left', () => {
    fc.assert(
      fc.property(fc.integer({ min: 60_000, max: 23 * H }), (ms) => {
        const m = /^(?:(\d+)h )?(\d+)m$/.exec(formatCountdown(ms));
        expect(m).not.toBeNull();
        const shown = (Number(m![1] ?? 0) * 60 + Number(m![2])) * M;
        expect(shown).toBeLessThanOrEqual(ms);
        expect(ms - shown).toBeLessThan(M);
      }),
    );
    expect(countdownTo(exp, at(90 * M))).toBe('1h 30m');
  });

  it('shows IST and the local time beside it', () => {
    expect(describeInstant(exp, 'Europe/London')).toEqual({
      ist: '03:30 IST, Wed 25 Nov',
      local: '22:00 Tue 24 Nov (GMT)',
    });
    expect(describeInstant(exp, 'Asia/Kolkata').local).toBeUndefined();
    expect(describeInstant(exp, 'America/New_York').local).toBe('17:00 Tue 24 Nov (EST)');
  });
});
