import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import {
  planAccountEvents,
  type PlannerAccount,
} from '../../electron/core/lifecycle/event-planner';
import { accountConfigSchema, preferencesSchema } from '../../shared/domain';
import type { BrokerId } from '../../shared/brokers';

const ist = (iso: string) => DateTime.fromISO(iso, { zone: 'Asia/Kolkata' }).toJSDate();
const asIst = (d: Date) => DateTime.fromJSDate(d, { zone: 'Asia/Kolkata' }).toFormat('ccc HH:mm');
const prefs = preferencesSchema.parse({ holidays: ['2026-11-24'] }); // Tue 24 Nov 2026: Guru Nanak Jayanti

function account(
  broker: BrokerId,
  over: Partial<PlannerAccount> = {},
  autoRefresh = false,
): PlannerAccount {
  return {
    config: accountConfigSchema.parse({
      id: `${broker}-main`,
      broker,
      label: 'main',
      apiKey: 'demo-key',
      redirectUri: 'http://127.0.0.1:5055/callback',
      autoRefresh,
    }),
    expiresAt: null,
    revoked: false,
    refreshExpiresAt: null,
    ...over,
  };
}

const kinds = (events: ReturnType<typeof planAccountEvents>) =>
  events.map((e) => `${e.kind}@${asIst(e.at)}`);

describe('event planner', () => {
  it('Upstox: no useless night warnings (a login at 02:30 also dies at 03:30); status changes and expiry are planned; reminder on the next trading day', () => {
    const now = ist('2026-11-24T20:00'); // Tue evening (a holiday)
    const a = account('upstox', { expiresAt: ist('2026-11-25T03:30') });
    expect(kinds(planAccountEvents(a, prefs, now))).toEqual([
      'status-change@Wed 00:30',
      'status-change@Wed 02:30',
      'status-change@Wed 03:30',
      'expired@Wed 03:30',
      'morning-reminder@Wed 08:30',
    ]);
  });

  it('no morning reminder on a holiday or weekend; the next trading day gets it', () => {
    const now = ist('2026-11-23T20:00'); // Mon evening; Tue is a holiday
    const a = account('kite', { expiresAt: ist('2026-11-24T06:00') });
    const reminders = planAccountEvents(a, prefs, now).filter((e) => e.kind === 'morning-reminder');
    expect(reminders.map((e) => asIst(e.at))).toEqual(['Wed 08:30']);
    const sat = planAccountEvents(account('kite'), prefs, ist('2026-11-28T07:00'));
    expect(sat.filter((e) => e.kind === 'morning-reminder').map((e) => asIst(e.at))).toEqual([
      'Mon 08:30',
    ]);
  });

  it('no reminder when the token will still be valid at reminder time', () => {
    const a = account('kite', { expiresAt: ist('2026-11-26T06:00') });
    const events = planAccountEvents(a, prefs, ist('2026-11-25T09:00'));
    expect(events.filter((e) => e.kind === 'morning-reminder').map((e) => asIst(e.at))).toEqual([
      'Thu 08:30',
    ]);
    // ... and it is keyed by date, so the Thursday one fires once.
  });

  it('warnings before expiry are planned when logging in then helps (a JWT that dies mid-day)', () => {
    const a = account('upstox', { expiresAt: ist('2026-11-25T14:00') });
    const warnings = planAccountEvents(a, prefs, ist('2026-11-25T09:00')).filter(
      (e) => e.kind === 'expiry-warning',
    );
    expect(warnings.map((e) => `${e.minutesBefore}@${asIst(e.at)}`)).toEqual([
      '60@Wed 13:00',
      '15@Wed 13:45',
    ]);
  });

  it('FYERS auto-refresh runs just after the 06:00 cutoff (a refresh before it would also die at 06:00), with no warnings', () => {
    const a = account(
      'fyers',
      { expiresAt: ist('2026-11-26T06:00'), refreshExpiresAt: ist('2026-12-05T06:00') },
      true,
    );
    const events = planAccountEvents(a, prefs, ist('2026-11-25T10:00'));
    expect(kinds(events).filter((k) => !k.startsWith('status'))).toEqual([
      'expired@Thu 06:00',
      'auto-refresh@Thu 06:05',
      'morning-reminder@Thu 08:30',
      'refresh-token-warning@Thu 06:00',
    ]);
  });

  it('FYERS auto-refresh is not planned once the refresh token has run out', () => {
    const a = account(
      'fyers',
      { expiresAt: ist('2026-11-26T06:00'), refreshExpiresAt: ist('2026-11-26T05:00') },
      true,
    );
    expect(
      planAccountEvents(a, prefs, ist('2026-11-25T10:00')).some((e) => e.kind === 'auto-refresh'),
    ).toBe(false);
  });

  it('an expired FYERS token found at start-up is refreshed at once', () => {
    const now = ist('2026-11-26T08:00');
    const a = account(
      'fyers',
      { expiresAt: ist('2026-11-26T06:00'), refreshExpiresAt: ist('2026-12-05T06:00') },
      true,
    );
    const refresh = planAccountEvents(a, prefs, now).find((e) => e.kind === 'auto-refresh');
    expect(refresh?.at.getTime()).toBe(now.getTime());
    // the key does not depend on now: it fires once however often the planner runs
    const again = planAccountEvents(a, prefs, new Date(now.getTime() + 1000)).find(
      (e) => e.kind === 'auto-refresh',
    );
    expect(again?.key).toBe(refresh?.key);
  });

  it('keys are stable across calls', () => {
    const a = account('upstox', { expiresAt: ist('2026-11-25T03:30') });
    const k1 = planAccountEvents(a, prefs, ist('2026-11-24T20:00')).map((e) => e.key);
    const k2 = planAccountEvents(a, prefs, ist('2026-11-24T21:00')).map((e) => e.key);
    expect(k2).toEqual(k1);
  });
});

describe('event planner: an automatic renewal the rate limit deferred', () => {
  it('is planned again at the deferred instant, as a new event (the refused one has fired)', () => {
    const now = ist('2026-11-25T06:05');
    const base = account(
      'fyers',
      { expiresAt: ist('2026-11-25T06:00'), refreshExpiresAt: ist('2026-12-05T06:00') },
      true,
    );
    const first = planAccountEvents(base, prefs, now).find((e) => e.kind === 'auto-refresh');
    expect(first?.at).toEqual(now);
    const deferredUntil = ist('2026-11-25T06:09');
    const later = planAccountEvents(
      { ...base, autoRefreshNotBefore: deferredUntil },
      prefs,
      now,
    ).find((e) => e.kind === 'auto-refresh');
    expect(later?.at).toEqual(deferredUntil);
    expect(later?.key).not.toBe(first?.key);
  });
});

describe('Dhan renewal times (renew-token)', () => {
  const dhan = (expiresAt: Date, over: Partial<PlannerAccount> = {}) =>
    account('dhan', { expiresAt, ...over }, true);

  it.each([
    // issued → the first of 08:45 / 15:35 IST at least 6 h after issue and before expiry
    ['Mon 20:00', '2026-11-24T20:00', '2026-11-25T08:45'],
    ['Mon 10:00', '2026-11-23T10:00', '2026-11-24T08:45'],
    ['Mon 09:00 (15:35 is 6 h 35 min later)', '2026-11-23T09:00', '2026-11-23T15:35'],
    ['Mon 09:36 (15:35 is 1 min short of 6 h)', '2026-11-23T09:36', '2026-11-24T08:45'],
    ['Mon 02:45', '2026-11-23T02:45', '2026-11-23T08:45'],
  ])('a token issued %s renews at the fixed time after it', (_name, issued, renews) => {
    const exp = new Date(ist(issued).getTime() + 24 * 3_600_000);
    const planned = planAccountEvents(dhan(exp), prefs, ist(issued)).find(
      (e) => e.kind === 'auto-refresh',
    );
    expect(planned?.at.toISOString()).toBe(ist(renews).toISOString());
  });

  it('never plans a renewal inside 09:15–15:30, whatever the issue minute', () => {
    for (let minute = 0; minute < 24 * 60; minute += 7) {
      const issued = new Date(ist('2026-11-23T00:00').getTime() + minute * 60_000);
      const exp = new Date(issued.getTime() + 24 * 3_600_000);
      const at = planAccountEvents(dhan(exp), prefs, issued).find(
        (e) => e.kind === 'auto-refresh',
      )?.at;
      expect(at, issued.toISOString()).toBeDefined();
      const hhmm = DateTime.fromJSDate(at!, { zone: 'Asia/Kolkata' }).toFormat('HH:mm');
      expect(['08:45', '15:35']).toContain(hhmm);
    }
  });

  it('a token the broker ends early renews an hour before it dies; overdue → now; revoked → never', () => {
    const now = ist('2026-11-23T10:00');
    const early = planAccountEvents(dhan(ist('2026-11-23T12:00')), prefs, now).find(
      (e) => e.kind === 'auto-refresh',
    );
    expect(early?.at.toISOString()).toBe(ist('2026-11-23T11:00').toISOString());
    const overdue = planAccountEvents(
      dhan(ist('2026-11-24T09:00')),
      prefs,
      ist('2026-11-24T08:50'),
    );
    expect(overdue.find((e) => e.kind === 'auto-refresh')?.at.toISOString()).toBe(
      ist('2026-11-24T08:50').toISOString(),
    );
    const revoked = planAccountEvents(dhan(ist('2026-11-24T09:00'), { revoked: true }), prefs, now);
    expect(revoked.find((e) => e.kind === 'auto-refresh')).toBeUndefined();
  });
});

describe('Dhan renewal when the fixed time was missed', () => {
  it('woken in the session with a token that lasts past the close: renews at the close, not mid-session', () => {
    // Renewed yesterday 15:35: dies today 15:35. The 08:45 renewal was slept through; it is 10:00.
    const a = account('dhan', { expiresAt: ist('2026-11-23T15:35') }, true);
    const at = planAccountEvents(a, prefs, ist('2026-11-23T10:00')).find(
      (e) => e.kind === 'auto-refresh',
    )?.at;
    expect(at?.toISOString()).toBe(ist('2026-11-23T15:30').toISOString());
  });
});
