/**
 * Issue 14: readiness for the expiry rules that are not a morning cutoff — 5paisa's 23:59 IST the
 * same day, ICICI Breeze's midnight (at most 24 h), Dhan's rolling 24 h with RenewToken — and the
 * expiry rules themselves at each edge ± 1 s. The morning-cutoff brokers are in
 * readiness-table.test.ts. Same week: Mon 2026-12-21 …, Fri 25 a holiday. All times IST.
 */
import { describe, expect, it } from 'vitest';
import { BROKERS } from '../../shared/brokers';
import { accessTokenExpiry, ruleExpiry } from '../../shared/expiry';
import {
  loginHelpsFrom,
  marketSessionAt,
  readinessAt,
  readinessInputOf,
  type ReadinessInput,
} from '../../shared/readiness';

const ist = (s: string) => new Date(`${s}+05:30`);
const HOLIDAYS = ['2026-12-25'];
const S = 1000;
const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);

function loggedInAt(broker: ReadinessInput['broker'], issued: Date): ReadinessInput {
  return { broker, status: 'valid', expiresAt: accessTokenExpiry(broker, issued) };
}

describe('5paisa: the token dies at 23:59 IST the same day', () => {
  it.each([
    ['08:40 Mon', '2026-12-21T08:40:00', '2026-12-21T23:59:00'],
    ['23:58:59 Mon', '2026-12-21T23:58:59', '2026-12-21T23:59:00'],
    ['23:59:00 Mon (at the cutoff: the next one)', '2026-12-21T23:59:00', '2026-12-22T23:59:00'],
    ['23:59:01 Mon', '2026-12-21T23:59:01', '2026-12-22T23:59:00'],
    ['00:00:30 Tue', '2026-12-22T00:00:30', '2026-12-22T23:59:00'],
  ])('issued %s → dies %s', (_name, issued, dies) => {
    expect(accessTokenExpiry('fivepaisa', ist(issued)).toISOString()).toBe(ist(dies).toISOString());
  });

  it('a login helps for a session from the evening before, 23:59', () => {
    const tue = marketSessionAt(ist('2026-12-21T16:00:00'), HOLIDAYS);
    expect(tue.date).toBe('2026-12-22');
    expect(loginHelpsFrom('fivepaisa', tue).toISOString()).toBe(
      ist('2026-12-21T23:59:00').toISOString(),
    );
  });

  const mon = loggedInAt('fivepaisa', ist('2026-12-21T08:40:00'));
  it.each([
    ['09:15:00', 'ready'],
    ['15:29:59', 'ready'],
    // The session is now Tuesday's; the token dies at 23:59 and a login before 23:59 would too.
    ['15:30:00', 'wait'],
    ['23:58:59', 'wait'],
  ] as const)('Monday 08:40 token at Mon %s → %s', (time, state) => {
    const r = readinessAt(mon, ist(`2026-12-21T${time}`), HOLIDAYS);
    expect(r.state).toBe(state);
    if (state === 'wait') {
      expect(r.goodUntil?.toISOString()).toBe(ist('2026-12-21T23:59:00').toISOString());
      expect(r.helpsFrom?.toISOString()).toBe(ist('2026-12-21T23:59:00').toISOString());
      expect(r.tone).toBe('info');
    }
  });

  it('at 23:59:00 and 23:59:01 it is dead and a login lasts Tuesday → needs-login, amber', () => {
    for (const t of ['2026-12-21T23:59:00', '2026-12-21T23:59:01']) {
      const r = readinessAt({ ...mon, status: 'expired' }, ist(t), HOLIDAYS);
      expect(r).toMatchObject({ state: 'needs-login', action: 'log-in', tone: 'warn' });
    }
  });

  it('Thursday evening: the holiday and the weekend are waited out until Sunday 23:59', () => {
    const thu = loggedInAt('fivepaisa', ist('2026-12-24T08:40:00'));
    const r = readinessAt(thu, ist('2026-12-26T12:00:00'), HOLIDAYS);
    expect(r).toMatchObject({ state: 'wait', tone: 'info' });
    expect(r.session.date).toBe('2026-12-28');
    expect(r.helpsFrom?.toISOString()).toBe(ist('2026-12-27T23:59:00').toISOString());
    const none: ReadinessInput = { broker: 'fivepaisa', status: 'none' };
    expect(readinessAt(none, ist('2026-12-27T23:58:59'), HOLIDAYS).state).toBe('wait');
    expect(readinessAt(none, ist('2026-12-27T23:59:00'), HOLIDAYS).state).toBe('needs-login');
  });
});

describe('ICICI Breeze: midnight IST, at most 24 hours', () => {
  it.each([
    ['08:40 Mon', '2026-12-21T08:40:00', '2026-12-22T00:00:00'],
    ['23:59:59 Mon', '2026-12-21T23:59:59', '2026-12-22T00:00:00'],
    ['00:00:00 Tue', '2026-12-22T00:00:00', '2026-12-23T00:00:00'],
    ['00:00:01 Tue', '2026-12-22T00:00:01', '2026-12-23T00:00:00'],
    ['00:00:30 Tue', '2026-12-22T00:00:30', '2026-12-23T00:00:00'],
  ])('issued %s → dies %s', (_name, issued, dies) => {
    expect(accessTokenExpiry('breeze', ist(issued)).toISOString()).toBe(ist(dies).toISOString());
  });

  it('Monday 08:40 session: ready all Monday, wait from 15:30 until midnight, then needs-login', () => {
    const mon = loggedInAt('breeze', ist('2026-12-21T08:40:00'));
    expect(readinessAt(mon, ist('2026-12-21T15:29:59'), HOLIDAYS).state).toBe('ready');
    const evening = readinessAt(mon, ist('2026-12-21T20:00:00'), HOLIDAYS);
    expect(evening).toMatchObject({ state: 'wait', tone: 'info' });
    expect(evening.helpsFrom?.toISOString()).toBe(ist('2026-12-22T00:00:00').toISOString());
    expect(readinessAt(mon, plus(ist('2026-12-22T00:00:00'), -S), HOLIDAYS).state).toBe('wait');
    expect(
      readinessAt({ ...mon, status: 'expired' }, ist('2026-12-22T00:00:00'), HOLIDAYS).state,
    ).toBe('needs-login');
  });
});

describe('Dhan: a rolling 24 h from the login, renewable with the live token', () => {
  it('has no daily cutoff: the expiry is 24 h after issue, whatever the hour', () => {
    expect(BROKERS.dhan.accessTokenCutoff).toBeNull();
    for (const t of ['2026-12-21T00:00:00', '2026-12-21T03:29:59', '2026-12-21T15:30:00']) {
      expect(ruleExpiry('dhan', ist(t)).getTime()).toBe(ist(t).getTime() + 24 * 3_600_000);
    }
  });

  it('the instant Dhan returned (expiryTime) wins when earlier; a later one does not extend', () => {
    const issued = ist('2026-12-21T08:40:00');
    const early = ist('2026-12-22T08:00:00');
    const late = ist('2026-12-22T10:00:00');
    expect(accessTokenExpiry('dhan', issued, undefined, { brokerExpiresAt: early })).toEqual(early);
    expect(accessTokenExpiry('dhan', issued, undefined, { brokerExpiresAt: late })).toEqual(
      ist('2026-12-22T08:40:00'),
    );
  });

  it('a login helps for Tuesday from Monday 15:30 (24 h before the close)', () => {
    const tue = marketSessionAt(ist('2026-12-21T15:30:00'), HOLIDAYS);
    expect(loginHelpsFrom('dhan', tue).toISOString()).toBe(
      ist('2026-12-21T15:30:00').toISOString(),
    );
  });

  it('the close ± 1 s: a token made at 15:29:59 dies 1 s before the next close, one at 15:30:00 lasts', () => {
    const early = loggedInAt('dhan', ist('2026-12-21T15:29:59'));
    const onTime = loggedInAt('dhan', ist('2026-12-21T15:30:00'));
    const tue = ist('2026-12-22T10:00:00');
    expect(readinessAt(early, tue, HOLIDAYS)).toMatchObject({
      state: 'needs-login',
      tone: 'danger',
    });
    expect(readinessAt(onTime, tue, HOLIDAYS).state).toBe('ready');
  });

  const mon = loggedInAt('dhan', ist('2026-12-21T08:40:00')); // dies Tue 08:40
  it('a Monday-morning token: ready Monday; from 15:30 it cannot last Tuesday → needs-login', () => {
    expect(readinessAt(mon, ist('2026-12-21T15:29:59'), HOLIDAYS).state).toBe('ready');
    expect(readinessAt(mon, ist('2026-12-21T15:30:00'), HOLIDAYS)).toMatchObject({
      state: 'needs-login',
      tone: 'warn',
    });
  });

  it('…unless it renews itself: renewing, as long as the token lives past now', () => {
    const renewing = { ...mon, autoRenews: true, renewableUntil: mon.expiresAt };
    expect(readinessAt(renewing, ist('2026-12-21T20:00:00'), HOLIDAYS)).toMatchObject({
      state: 'renewing',
      tone: 'ok',
    });
    // Expired before it could renew (the machine slept through): a login, not a renewal.
    expect(
      readinessAt({ ...renewing, status: 'expired' }, ist('2026-12-22T08:40:00'), HOLIDAYS).state,
    ).toBe('needs-login');
  });

  it('the view says "renewing" only with auto-renew on and a live, unrejected token (no PIN needed)', () => {
    const base = {
      broker: 'dhan' as const,
      status: 'valid' as const,
      expiresAt: ist('2026-12-22T08:40:00').toISOString(),
      refreshExpiresAt: null,
      autoRefresh: true,
      canRefresh: true,
      hasPin: false,
      busy: null,
      lastError: null,
    };
    const at = ist('2026-12-21T20:00:00');
    expect(readinessAt(readinessInputOf(base), at, HOLIDAYS).state).toBe('renewing');
    expect(readinessAt(readinessInputOf({ ...base, autoRefresh: false }), at, HOLIDAYS).state).toBe(
      'needs-login',
    );
    expect(readinessAt(readinessInputOf({ ...base, canRefresh: false }), at, HOLIDAYS).state).toBe(
      'needs-login',
    );
  });
});

describe("an account's override of a guessed cutoff moves when a login helps", () => {
  it('Alice Blue at 04:00 with 06:00 overridden: the 06:00 token is good, a login now would die with it → wait', () => {
    const token: ReadinessInput = {
      broker: 'aliceblue',
      status: 'valid',
      expiresAt: ist('2026-12-22T06:00:00'),
      cutoffOverride: '06:00',
    };
    const r = readinessAt(token, ist('2026-12-22T04:00:00'), HOLIDAYS);
    expect(r).toMatchObject({ state: 'wait', tone: 'info' });
    expect(r.helpsFrom?.toISOString()).toBe(ist('2026-12-22T06:00:00').toISOString());
    // Without the override the catalogue's 03:00 would already have passed.
    const tue = marketSessionAt(ist('2026-12-22T04:00:00'), HOLIDAYS);
    expect(loginHelpsFrom('aliceblue', tue).toISOString()).toBe(
      ist('2026-12-22T03:00:00').toISOString(),
    );
  });
});
