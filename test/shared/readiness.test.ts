import { describe, expect, it } from 'vitest';
import { readinessAt, marketSessionAt, summarizeReadiness } from '../../shared/readiness';

const ist = (s: string) => new Date(`${s}+05:30`);
const holidays = ['2026-12-25'];

describe('readinessAt (first cut; the issue-11 table extends it)', () => {
  it('02:45 IST: a valid Upstox token is not red — a login now would die at 03:30 too', () => {
    const r = readinessAt(
      { broker: 'upstox', status: 'critical', expiresAt: ist('2026-12-02T03:30:00') },
      ist('2026-12-02T02:45:00'),
      holidays,
    );
    expect(r.state).toBe('wait');
    expect(r.tone).toBe('info');
    expect(r.helpsFrom?.toISOString()).toBe(ist('2026-12-02T03:30:00').toISOString());
  });
  it('03:30:00 IST exactly: the same account needs a login', () => {
    const r = readinessAt(
      { broker: 'upstox', status: 'expired', expiresAt: ist('2026-12-02T03:30:00') },
      ist('2026-12-02T03:30:00'),
      holidays,
    );
    expect(r.state).toBe('needs-login');
    expect(r.tone).toBe('warn');
  });
  it('a Kite token issued in the morning is ready through 15:30', () => {
    const r = readinessAt(
      { broker: 'kite', status: 'valid', expiresAt: ist('2026-12-03T06:00:00') },
      ist('2026-12-02T09:00:00'),
      holidays,
    );
    expect(r.state).toBe('ready');
    expect(r.readyForSession).toBe(true);
  });
  it('skips weekends and holidays for the next session', () => {
    expect(marketSessionAt(ist('2026-12-24T16:00:00'), holidays).date).toBe('2026-12-28');
  });
  it('counts needs-login and broken as needing the user', () => {
    const now = ist('2026-12-02T08:40:00');
    const list = [
      readinessAt({ broker: 'kite', status: 'none' }, now, holidays),
      readinessAt(
        { broker: 'upstox', status: 'revoked', expiresAt: ist('2026-12-03T03:30:00') },
        now,
        holidays,
      ),
      readinessAt(
        { broker: 'fyers', status: 'valid', expiresAt: ist('2026-12-03T06:00:00') },
        now,
        holidays,
      ),
    ];
    const s = summarizeReadiness(list);
    expect(s.needYou).toBe(2);
    expect(s.counts.ready).toBe(1);
    expect(s.tone).toBe('danger');
  });
});
