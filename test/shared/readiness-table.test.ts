/**
 * Issue 11 acceptance: table tests of the readiness function across one trading week — every broker,
 * each cutoff ± 1 s, before/after 09:15 and 15:30, the weekend, a holiday, revoked and renewing.
 *
 * The week: Mon 2026-12-21 … Sun 2026-12-27; Fri 2026-12-25 (Christmas) is an NSE holiday, so the
 * session after Thu 24 15:30 is Mon 28. All times are IST.
 */
import { describe, expect, it } from 'vitest';
import { BROKER_IDS, BROKERS, type BrokerId } from '../../shared/brokers';
import { accessTokenExpiry } from '../../shared/expiry';
import {
  compareByUrgency,
  loginHelpsFrom,
  marketSessionAt,
  readinessAt,
  readinessOfView,
  summarizeReadiness,
  type ReadinessInput,
} from '../../shared/readiness';

const ist = (s: string) => new Date(`${s}+05:30`);
const HOLIDAYS = ['2026-12-25'];
const S = 1000;

/**
 * The brokers whose tokens die at a morning cutoff before the session opens (the table below). 5paisa
 * (23:59), ICICI Breeze (midnight, 24 h) and Dhan (rolling 24 h, renewable) have tables of their own
 * (test/shared/readiness-other-rules.test.ts).
 */
const CUTOFF: Readonly<Partial<Record<BrokerId, string>>> = {
  upstox: '03:30',
  kite: '06:00',
  fyers: '06:00',
  angelone: '05:00',
  shoonya: '03:00',
  aliceblue: '03:00',
  iifl: '03:00',
};
const MORNING_CUTOFF_BROKERS = BROKER_IDS.filter((b) => CUTOFF[b] !== undefined);
const at = (date: string, hhmmss: string) => ist(`${date}T${hhmmss}`);
const cutoffOn = (b: BrokerId, date: string) => at(date, `${CUTOFF[b] ?? '??'}:00`);
const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);

/** A token issued at `issued` under the broker's real rule (shared/expiry.ts). */
function loggedInAt(broker: BrokerId, issued: Date): ReadinessInput {
  return { broker, status: 'valid', expiresAt: accessTokenExpiry(broker, issued) };
}

describe('the session readiness refers to', () => {
  it.each([
    ['Mon 00:00', '2026-12-21T00:00:00', '2026-12-21', false],
    ['Mon 09:14:59', '2026-12-21T09:14:59', '2026-12-21', false],
    ['Mon 09:15:00', '2026-12-21T09:15:00', '2026-12-21', true],
    ['Mon 15:29:59', '2026-12-21T15:29:59', '2026-12-21', true],
    ['Mon 15:30:00', '2026-12-21T15:30:00', '2026-12-22', false],
    ['Wed 23:59:59', '2026-12-23T23:59:59', '2026-12-24', false],
    ['Thu 15:30:00 (Fri is a holiday)', '2026-12-24T15:30:00', '2026-12-28', false],
    ['Fri holiday 10:00', '2026-12-25T10:00:00', '2026-12-28', false],
    ['Sat 12:00', '2026-12-26T12:00:00', '2026-12-28', false],
    ['Sun 23:59:59', '2026-12-27T23:59:59', '2026-12-28', false],
  ] as const)('%s → session %s', (_name, now, date, inProgress) => {
    const s = marketSessionAt(ist(now), HOLIDAYS);
    expect(s.date).toBe(date);
    expect(s.inProgress).toBe(inProgress);
    expect(s.open.toISOString()).toBe(ist(`${date}T09:15:00`).toISOString());
    expect(s.close.toISOString()).toBe(ist(`${date}T15:30:00`).toISOString());
  });

  it('the holiday list is honoured as given: without it Friday is a session', () => {
    expect(marketSessionAt(ist('2026-12-24T16:00:00'), []).date).toBe('2026-12-25');
  });
});

describe.each(MORNING_CUTOFF_BROKERS)('%s across the week', (broker) => {
  const cut = (date: string) => cutoffOn(broker, date);
  const renews = broker === 'fyers';

  it('loginHelpsFrom is the cutoff on the session day (Monday after a weekend and a holiday too)', () => {
    for (const [now, date] of [
      ['2026-12-22T00:00:00', '2026-12-22'],
      ['2026-12-24T16:00:00', '2026-12-28'],
      ['2026-12-26T09:00:00', '2026-12-28'],
    ] as const) {
      const helps = loginHelpsFrom(broker, marketSessionAt(ist(now), HOLIDAYS));
      expect(helps.toISOString()).toBe(cut(date).toISOString());
    }
  });

  describe("Tuesday's cutoff ± 1 s, with Monday morning's token", () => {
    const monToken = loggedInAt(broker, at('2026-12-21', '08:00:00')); // dies Tue at the cutoff

    it('1 s before the cutoff: still good, but a login would die with it → wait (not red)', () => {
      const r = readinessAt(monToken, plus(cut('2026-12-22'), -S), HOLIDAYS);
      expect(r).toMatchObject({
        state: 'wait',
        action: 'wait',
        tone: 'info',
        readyForSession: false,
      });
      expect(r.goodUntil?.toISOString()).toBe(cut('2026-12-22').toISOString());
      expect(r.helpsFrom?.toISOString()).toBe(cut('2026-12-22').toISOString());
      expect(r.session.date).toBe('2026-12-22');
    });

    it('at the cutoff: dead, and a login now lasts through 15:30 → needs-login (amber, hours before 09:15)', () => {
      const r = readinessAt({ ...monToken, status: 'expired' }, cut('2026-12-22'), HOLIDAYS);
      expect(r).toMatchObject({
        state: 'needs-login',
        action: 'log-in',
        tone: 'warn',
        goodUntil: null,
      });
      expect(r.helpsFrom).toBeNull();
    });

    it('1 s after the cutoff: needs-login', () => {
      const r = readinessAt(
        { ...monToken, status: 'expired' },
        plus(cut('2026-12-22'), S),
        HOLIDAYS,
      );
      expect(r.state).toBe('needs-login');
    });

    it('a login 1 s before the cutoff is not enough; one at the cutoff is', () => {
      const early = loggedInAt(broker, plus(cut('2026-12-22'), -S));
      const onTime = loggedInAt(broker, cut('2026-12-22'));
      const t = plus(cut('2026-12-22'), S);
      expect(readinessAt(early, t, HOLIDAYS).state).toBe('needs-login');
      expect(readinessAt(onTime, t, HOLIDAYS).state).toBe('ready');
    });
  });

  describe('around 09:15 and 15:30 on Tuesday', () => {
    const none: ReadinessInput = { broker, status: 'none' };
    it.each([
      ['08:14:59', 'warn', 50],
      ['08:15:00', 'danger', 70],
      ['09:14:59', 'danger', 70],
      ['09:15:00', 'danger', 80],
      ['15:29:59', 'danger', 80],
    ] as const)('never logged in at %s → needs-login, %s', (time, tone, urgency) => {
      const r = readinessAt(none, at('2026-12-22', time), HOLIDAYS);
      expect(r).toMatchObject({ state: 'needs-login', tone, urgency });
    });

    it('15:30:00: the next session is Wednesday, a login now would die before it → wait', () => {
      const r = readinessAt(none, at('2026-12-22', '15:30:00'), HOLIDAYS);
      expect(r).toMatchObject({ state: 'wait', tone: 'info' });
      expect(r.session.date).toBe('2026-12-23');
      expect(r.helpsFrom?.toISOString()).toBe(cut('2026-12-23').toISOString());
    });

    const today = loggedInAt(broker, at('2026-12-22', '08:40:00'));
    it.each(['09:14:59', '09:15:00', '15:29:59'])('logged in at 08:40: ready at %s', (time) => {
      const r = readinessAt(today, at('2026-12-22', time), HOLIDAYS);
      expect(r).toMatchObject({ state: 'ready', action: 'none', tone: 'ok', urgency: 0 });
      expect(r.readyForSession).toBe(true);
    });

    it("logged in at 08:40: at 15:30:00 it is for Wednesday's session → wait, good until the cutoff", () => {
      const r = readinessAt(today, at('2026-12-22', '15:30:00'), HOLIDAYS);
      expect(r).toMatchObject({ state: 'wait', tone: 'info' });
      expect(r.goodUntil?.toISOString()).toBe(cut('2026-12-23').toISOString());
    });

    it('a token that dies during the session (JWT exp earlier than the rule) needs a login, red', () => {
      const r = readinessAt(
        { broker, status: 'valid', expiresAt: at('2026-12-22', '11:00:00') },
        at('2026-12-22', '10:00:00'),
        HOLIDAYS,
      );
      expect(r).toMatchObject({ state: 'needs-login', tone: 'danger' });
    });
  });

  describe('weekend and holiday', () => {
    const thuToken = loggedInAt(broker, at('2026-12-24', '08:30:00')); // dies Fri at the cutoff
    it.each([
      ['Thu 15:30:00', '2026-12-24T15:30:00'],
      ['Fri (holiday) 1 s after the cutoff', `2026-12-25T${CUTOFF[broker] ?? '??'}:01`],
      ['Fri (holiday) 09:15', '2026-12-25T09:15:00'],
      ['Sat 08:30', '2026-12-26T08:30:00'],
      ['Sun 23:59:59', '2026-12-27T23:59:59'],
    ])('%s: nothing to do until Monday → wait', (_name, now) => {
      const r = readinessAt(thuToken, ist(now), HOLIDAYS);
      expect(r).toMatchObject({ state: 'wait', action: 'wait', tone: 'info' });
      expect(r.session.date).toBe('2026-12-28');
      expect(r.helpsFrom?.toISOString()).toBe(cut('2026-12-28').toISOString());
    });

    it("Monday's cutoff ± 1 s: wait, then needs-login", () => {
      expect(readinessAt(thuToken, plus(cut('2026-12-28'), -S), HOLIDAYS).state).toBe('wait');
      expect(readinessAt(thuToken, cut('2026-12-28'), HOLIDAYS).state).toBe('needs-login');
    });

    it('without the holiday in the list, Friday morning needs a login', () => {
      expect(readinessAt(thuToken, at('2026-12-25', '08:30:00'), []).state).toBe('needs-login');
    });
  });

  describe('revoked', () => {
    const rejected: ReadinessInput = {
      broker,
      status: 'revoked',
      expiresAt: cut('2026-12-23'), // the rule's expiry is in the future, the broker said no
    };
    it('during the day: broken, log in, red, most urgent; no future "good until"', () => {
      const r = readinessAt(rejected, at('2026-12-22', '11:00:00'), HOLIDAYS);
      expect(r).toMatchObject({ state: 'broken', action: 'log-in', tone: 'danger', urgency: 100 });
      expect(r.goodUntil).toBeNull();
      expect(r.readyForSession).toBe(false);
    });
    it('1 s before the cutoff: broken, but the fix is to log in after the cutoff', () => {
      const r = readinessAt(rejected, plus(cut('2026-12-23'), -S), HOLIDAYS);
      expect(r).toMatchObject({ state: 'broken', action: 'wait', tone: 'danger' });
      expect(r.helpsFrom?.toISOString()).toBe(cut('2026-12-23').toISOString());
    });
    it('at the cutoff: broken, log in', () => {
      const r = readinessAt(rejected, cut('2026-12-23'), HOLIDAYS);
      expect(r).toMatchObject({ state: 'broken', action: 'log-in', helpsFrom: null });
    });
  });

  describe('failures', () => {
    it.each([
      ['keychain', 'unlock-keychain'],
      ['bad-credentials', 'fix-credentials'],
      ['config', 'fix-credentials'],
      ['broker-down', 'retry'],
      ['rate-limited', 'retry'],
      ['bad-response', 'retry'],
      ['login-failed', 'log-in'],
    ] as const)('%s with no token for the session → broken, %s', (kind, action) => {
      const r = readinessAt(
        { broker, status: 'expired', expiresAt: cut('2026-12-22'), lastErrorKind: kind },
        at('2026-12-22', '08:00:00'),
        HOLIDAYS,
      );
      expect(r).toMatchObject({ state: 'broken', action, tone: 'danger', urgency: 100 });
    });
    it('a failed login before the cutoff: broken, wait for the cutoff', () => {
      const r = readinessAt(
        { broker, status: 'none', lastErrorKind: 'login-failed' },
        plus(cut('2026-12-22'), -S),
        HOLIDAYS,
      );
      expect(r).toMatchObject({ state: 'broken', action: 'wait' });
    });
    it.each(['cancelled', 'busy', 'expired'] as const)(
      '%s is not a failure: needs-login',
      (kind) => {
        const r = readinessAt(
          { broker, status: 'none', lastErrorKind: kind },
          at('2026-12-22', '08:00:00'),
          HOLIDAYS,
        );
        expect(r.state).toBe('needs-login');
      },
    );
    it('a failed validation does not break a token that lasts the session', () => {
      const r = readinessAt(
        { ...loggedInAt(broker, at('2026-12-22', '08:40:00')), lastErrorKind: 'broker-down' },
        at('2026-12-22', '10:00:00'),
        HOLIDAYS,
      );
      expect(r.state).toBe('ready');
    });
    it('a failed delivery of a session-long token: broken, fix the export', () => {
      const r = readinessAt(
        { ...loggedInAt(broker, at('2026-12-22', '08:40:00')), deliveryFailed: true },
        at('2026-12-22', '10:00:00'),
        HOLIDAYS,
      );
      expect(r).toMatchObject({ state: 'broken', action: 'fix-export', tone: 'danger' });
    });
  });

  describe('renewing', () => {
    const view = {
      broker,
      status: 'expiring' as const,
      expiresAt: cut('2026-12-22').toISOString(),
      refreshExpiresAt: at('2026-12-30', '06:00:00').toISOString(),
      autoRefresh: true,
      canRefresh: renews,
      hasPin: true,
      busy: null,
      lastError: null,
      lastExport: [],
    };
    it(
      renews
        ? 'auto-refresh on, PIN stored, refresh token alive: renewing on both sides of the cutoff'
        : 'no refresh token for this broker: auto-refresh cannot apply → wait / needs-login',
      () => {
        const before = readinessOfView(view, plus(cut('2026-12-22'), -S), HOLIDAYS);
        const after = readinessOfView(
          { ...view, status: 'expired' },
          plus(cut('2026-12-22'), S),
          HOLIDAYS,
        );
        if (renews) {
          expect(before).toMatchObject({ state: 'renewing', tone: 'ok', action: 'none' });
          expect(before.helpsFrom?.toISOString()).toBe(cut('2026-12-22').toISOString());
          expect(after).toMatchObject({ state: 'renewing', tone: 'ok', helpsFrom: null });
        } else {
          expect(before.state).toBe('wait');
          expect(after.state).toBe('needs-login');
        }
      },
    );
    it('renewing but still no working token at 08:15 or in the session: amber, not green', () => {
      const r = (t: string) =>
        readinessOfView(
          { ...view, status: 'expired', canRefresh: true },
          at('2026-12-22', t),
          HOLIDAYS,
        );
      if (renews) {
        expect(r('08:14:59')).toMatchObject({ state: 'renewing', tone: 'ok', urgency: 5 });
        expect(r('08:15:00')).toMatchObject({ state: 'renewing', tone: 'warn', urgency: 30 });
        expect(r('10:00:00')).toMatchObject({ state: 'renewing', tone: 'warn' });
      } else {
        expect(r('10:00:00').state).toBe('needs-login');
      }
    });
    it('a refresh running now is renewing (any broker view that says so)', () => {
      const r = readinessOfView(
        { ...view, status: 'expired', busy: 'refresh' },
        plus(cut('2026-12-22'), 5 * 60 * S),
        HOLIDAYS,
      );
      expect(r.state).toBe('renewing');
    });
    if (renews) {
      it('without a stored PIN, auto-refresh cannot run: needs-login after the cutoff', () => {
        const r = readinessOfView(
          { ...view, hasPin: false, status: 'expired' },
          plus(cut('2026-12-22'), S),
          HOLIDAYS,
        );
        expect(r.state).toBe('needs-login');
      });
      it('a refresh token that dies at or before the cutoff cannot buy the session', () => {
        const r = readinessOfView(
          { ...view, refreshExpiresAt: cut('2026-12-22').toISOString() },
          plus(cut('2026-12-22'), -S),
          HOLIDAYS,
        );
        expect(r.state).toBe('wait');
      });
      it('an automatic refresh that failed: broken, retry', () => {
        const r = readinessOfView(
          {
            ...view,
            status: 'expired',
            lastError: { kind: 'broker-down' },
          },
          at('2026-12-22', '06:06:00'),
          HOLIDAYS,
        );
        expect(r).toMatchObject({ state: 'broken', action: 'retry' });
      });
    }
  });
});

describe('the issue-11 scenarios', () => {
  it('02:45: a valid Upstox token is not red — "good until 03:30, log in after 03:30"', () => {
    const r = readinessAt(
      loggedInAt('upstox', ist('2026-12-21T20:00:00')),
      ist('2026-12-22T02:45:00'),
      HOLIDAYS,
    );
    expect(r).toMatchObject({ state: 'wait', tone: 'info' });
    expect(r.goodUntil?.toISOString()).toBe(ist('2026-12-22T03:30:00').toISOString());
  });
  it('05:20: Kite and FYERS tokens dying at 06:00 are not red either', () => {
    for (const broker of ['kite', 'fyers'] as const) {
      const r = readinessAt(
        loggedInAt(broker, ist('2026-12-21T09:00:00')),
        ist('2026-12-22T05:20:00'),
        HOLIDAYS,
      );
      expect(r.tone).toBe('info');
    }
  });
});

describe('a sweep of the week: the state always matches what a login now would buy', () => {
  // Every 5 minutes from Mon 00:00 to Mon 28 06:05 plus each cutoff ± 1 s, for an account with no
  // token: needs-login exactly when a token issued now (real expiry rule) lasts through the close.
  const instants: Date[] = [];
  for (
    let t = ist('2026-12-21T00:00:00').getTime();
    t <= ist('2026-12-28T06:05:00').getTime();
    t += 5 * 60 * S
  ) {
    instants.push(new Date(t));
  }
  for (const date of ['21', '22', '23', '24', '25', '26', '27', '28']) {
    for (const hhmm of ['03:30', '06:00', '09:15', '15:30']) {
      const c = ist(`2026-12-${date}T${hhmm}:00`);
      instants.push(plus(c, -S), c, plus(c, S));
    }
  }
  it.each(BROKER_IDS)('%s', (broker) => {
    let checked = 0;
    for (const now of instants) {
      const r = readinessAt({ broker, status: 'none' }, now, HOLIDAYS);
      const fresh = accessTokenExpiry(broker, now);
      const buys = fresh.getTime() >= r.session.close.getTime();
      expect(r.state, `${BROKERS[broker].label} at ${now.toISOString()}`).toBe(
        buys ? 'needs-login' : 'wait',
      );
      // And a token issued now is then ready for that same session.
      const after = readinessAt({ broker, status: 'valid', expiresAt: fresh }, now, HOLIDAYS);
      expect(after.state).toBe(buys ? 'ready' : 'wait');
      checked += 1;
    }
    expect(checked).toBeGreaterThan(2000);
  });
});

describe('summary and order', () => {
  const now = ist('2026-12-22T08:40:00');
  const list = [
    readinessAt(loggedInAt('kite', ist('2026-12-22T08:00:00')), now, HOLIDAYS), // ready
    readinessAt({ broker: 'upstox', status: 'none' }, now, HOLIDAYS), // needs-login
    readinessAt(
      { broker: 'fyers', status: 'revoked', expiresAt: ist('2026-12-23T06:00:00') },
      now,
      HOLIDAYS,
    ), // broken
    readinessAt(
      {
        broker: 'fyers',
        status: 'expired',
        expiresAt: ist('2026-12-22T06:00:00'),
        autoRenews: true,
      },
      now,
      HOLIDAYS,
    ), // renewing
  ];
  it('counts each state once; needYou = needs-login + broken; worst tone wins', () => {
    const s = summarizeReadiness(list);
    expect(s.total).toBe(4);
    expect(s.counts).toEqual({ ready: 1, renewing: 1, wait: 0, 'needs-login': 1, broken: 1 });
    expect(s.needYou).toBe(2);
    expect(s.tone).toBe('danger');
  });
  it('empty: nothing needs you, ok', () => {
    expect(summarizeReadiness([])).toMatchObject({ total: 0, needYou: 0, tone: 'ok' });
  });
  it('sorts broken, needs-login, renewing, ready', () => {
    const sorted = [...list].sort(compareByUrgency).map((r) => r.state);
    expect(sorted).toEqual(['broken', 'needs-login', 'renewing', 'ready']);
  });
  it('among equals, the token that dies first comes first', () => {
    const t = ist('2026-12-22T16:00:00');
    const a = readinessAt(loggedInAt('kite', ist('2026-12-22T08:00:00')), t, HOLIDAYS); // wait, 06:00
    const b = readinessAt(loggedInAt('upstox', ist('2026-12-22T08:00:00')), t, HOLIDAYS); // wait, 03:30
    expect([a, b].sort(compareByUrgency)).toEqual([b, a]);
  });
});
