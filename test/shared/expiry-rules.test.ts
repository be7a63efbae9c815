import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { accessTokenExpiry, parseCutoff, ruleExpiry } from '../../shared/expiry';
import { BROKERS } from '../../shared/brokers';
import { loginHelpsFrom, marketSessionAt } from '../../shared/readiness';
import { fakeJwt } from '../helpers/jwt';

const ist = (iso: string) => DateTime.fromISO(iso, { zone: 'Asia/Kolkata' }).toJSDate();
const asIst = (d: Date) =>
  DateTime.fromJSDate(d, { zone: 'Asia/Kolkata' }).toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS");
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

describe('generalised expiry: the earliest known instant wins', () => {
  it('an instant the broker returned wins when it is earlier than the daily cutoff', () => {
    const issued = ist('2026-11-25T10:00');
    const brokerExpiresAt = ist('2026-11-25T22:00');
    expect(asIst(accessTokenExpiry('upstox', issued, undefined, { brokerExpiresAt }))).toBe(
      '2026-11-25T22:00:00.000',
    );
  });

  it('the daily cutoff wins over a later broker instant, and JWT exp over both', () => {
    const issued = ist('2026-11-25T10:00');
    const brokerExpiresAt = ist('2026-11-27T10:00');
    expect(asIst(accessTokenExpiry('kite', issued, undefined, { brokerExpiresAt }))).toBe(
      '2026-11-26T06:00:00.000',
    );
    const token = fakeJwt({ exp: seconds(ist('2026-11-25T20:00')) });
    expect(asIst(accessTokenExpiry('kite', issued, token, { brokerExpiresAt }))).toBe(
      '2026-11-25T20:00:00.000',
    );
  });

  it('an invalid broker instant is ignored rather than killing the token', () => {
    const issued = ist('2026-11-25T10:00');
    expect(
      asIst(accessTokenExpiry('kite', issued, undefined, { brokerExpiresAt: new Date(NaN) })),
    ).toBe('2026-11-26T06:00:00.000');
  });

  it('an account cutoff override moves the daily cutoff (± 1 s around it)', () => {
    const cutoffOverride = { hour: 3, minute: 0 };
    const f = (iso: string) =>
      asIst(accessTokenExpiry('upstox', ist(iso), undefined, { cutoffOverride }));
    expect(f('2026-11-25T02:59:59')).toBe('2026-11-25T03:00:00.000');
    expect(f('2026-11-25T03:00:00')).toBe('2026-11-26T03:00:00.000');
    expect(f('2026-11-25T03:00:01')).toBe('2026-11-26T03:00:00.000');
    expect(asIst(ruleExpiry('upstox', ist('2026-11-25T03:00:01'), cutoffOverride))).toBe(
      '2026-11-26T03:00:00.000',
    );
  });

  it('parseCutoff reads HH:MM only', () => {
    expect(parseCutoff('03:00')).toEqual({ hour: 3, minute: 0 });
    expect(parseCutoff('23:59')).toEqual({ hour: 23, minute: 59 });
    for (const bad of ['3:00', '24:00', '12:60', ' 03:00', '03:00\n', '', null, undefined]) {
      expect(parseCutoff(bad)).toBeUndefined();
    }
  });

  it('a broker with a rolling life dies at the earlier of the life and the cutoff', () => {
    // Exercised on a synthetic catalogue entry: a broker added later (Dhan 24 h, Breeze min(24 h,
    // midnight)) declares accessTokenLifeHours in shared/brokers.ts.
    const info = BROKERS.upstox as { accessTokenLifeHours?: number };
    const saved = info.accessTokenLifeHours;
    info.accessTokenLifeHours = 2;
    try {
      const issued = ist('2026-11-25T10:00');
      expect(asIst(accessTokenExpiry('upstox', issued))).toBe('2026-11-25T12:00:00.000');
      expect(asIst(accessTokenExpiry('upstox', ist('2026-11-26T02:00')))).toBe(
        '2026-11-26T03:30:00.000',
      );
      // A login helps once its 2 h life outlasts the 15:30 close: from 13:30.
      const session = marketSessionAt(ist('2026-11-25T09:00'), []);
      expect(asIst(loginHelpsFrom('upstox', session))).toBe('2026-11-25T13:30:00.000');
    } finally {
      if (saved === undefined) delete info.accessTokenLifeHours;
      else info.accessTokenLifeHours = saved;
    }
  });
});
