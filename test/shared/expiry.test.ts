import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import {
  accessTokenExpiry,
  jwtExpiry,
  nextDailyCutoff,
  PLAUSIBLE_CLOCK_SKEW_MS,
  refreshTokenExpiry,
  tokenIssuedAt,
} from '../../shared/expiry';
import { BROKER_IDS } from '../../shared/brokers';
import { fakeJwt } from '../helpers/jwt';

/** An instant given as IST wall-clock time. */
const ist = (iso: string) => DateTime.fromISO(iso, { zone: 'Asia/Kolkata' }).toJSDate();
const asIst = (d: Date) =>
  DateTime.fromJSDate(d, { zone: 'Asia/Kolkata' }).toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS");

describe('Upstox: the access token dies at the next 03:30 IST', () => {
  it.each([
    ['2026-11-24T20:00', '2026-11-25T03:30:00.000'], // made 20:00 Tue → dies 03:30 Wed (docs)
    ['2026-11-25T02:30', '2026-11-25T03:30:00.000'], // made 02:30 Wed → dies 03:30 Wed (docs)
    ['2026-11-25T02:59', '2026-11-25T03:30:00.000'],
    ['2026-11-25T03:29:59.999', '2026-11-25T03:30:00.000'],
    ['2026-11-25T03:30', '2026-11-26T03:30:00.000'], // made at the cutoff: a full day
    ['2026-11-25T03:31', '2026-11-26T03:30:00.000'],
    ['2026-11-25T09:15', '2026-11-26T03:30:00.000'],
    ['2026-12-31T23:59', '2027-01-01T03:30:00.000'], // across a year end
  ])('issued %s IST → %s IST', (issued, expected) => {
    expect(asIst(accessTokenExpiry('upstox', ist(issued)))).toBe(expected);
  });
});

describe('Kite: the access token dies at the next 06:00 IST', () => {
  it.each([
    ['2026-11-25T05:59', '2026-11-25T06:00:00.000'],
    ['2026-11-25T06:00', '2026-11-26T06:00:00.000'],
    ['2026-11-25T06:01', '2026-11-26T06:00:00.000'],
    ['2026-11-25T08:45', '2026-11-26T06:00:00.000'],
    ['2026-11-25T23:59', '2026-11-26T06:00:00.000'],
  ])('issued %s IST → %s IST', (issued, expected) => {
    expect(asIst(accessTokenExpiry('kite', ist(issued)))).toBe(expected);
  });
});

describe('FYERS', () => {
  it('access token: next 06:00 IST, as every decoded sample JWT says', () => {
    expect(asIst(accessTokenExpiry('fyers', ist('2026-11-25T18:37')))).toBe(
      '2026-11-26T06:00:00.000',
    );
    expect(asIst(accessTokenExpiry('fyers', ist('2026-11-25T00:50')))).toBe(
      '2026-11-25T06:00:00.000',
    );
  });

  it('access token: a JWT exp earlier than the rule wins', () => {
    const issued = ist('2026-11-25T10:00');
    const exp = ist('2026-11-25T16:00');
    const token = fakeJwt({ exp: exp.getTime() / 1000 });
    expect(accessTokenExpiry('fyers', issued, token).toISOString()).toBe(exp.toISOString());
  });

  it('access token: a JWT exp later than the rule loses', () => {
    const issued = ist('2026-11-25T10:00');
    const token = fakeJwt({ exp: ist('2026-11-27T06:00').getTime() / 1000 });
    expect(asIst(accessTokenExpiry('fyers', issued, token))).toBe('2026-11-26T06:00:00.000');
  });

  it('refresh token: 15 days after issue, or its JWT exp if earlier', () => {
    const issued = ist('2026-11-25T09:00');
    expect(asIst(refreshTokenExpiry('fyers', issued)!)).toBe('2026-12-10T09:00:00.000');
    const earlier = fakeJwt({ exp: ist('2026-12-10T06:00').getTime() / 1000 });
    expect(asIst(refreshTokenExpiry('fyers', issued, earlier)!)).toBe('2026-12-10T06:00:00.000');
  });

  it('brokers without refresh tokens have no refresh expiry', () => {
    expect(refreshTokenExpiry('upstox', new Date())).toBeUndefined();
    expect(refreshTokenExpiry('kite', new Date())).toBeUndefined();
  });
});

describe('Upstox JWT', () => {
  it('uses the exp of an Upstox-shaped JWT when earlier', () => {
    const issued = ist('2026-11-25T09:00');
    const token = fakeJwt({
      iss: 'udapi-gateway-service',
      exp: ist('2026-11-25T15:00').getTime() / 1000,
    });
    expect(asIst(accessTokenExpiry('upstox', issued, token))).toBe('2026-11-25T15:00:00.000');
  });
});

describe('the machine time zone does not matter', () => {
  it('gives the same instant whatever process.env.TZ says (rules are IST)', () => {
    // Luxon evaluates in Asia/Kolkata explicitly; the Date is an absolute instant.
    const issued = new Date('2026-03-29T00:30:00Z'); // the night Europe/London moves to BST
    const expiry = accessTokenExpiry('kite', issued);
    expect(expiry.toISOString()).toBe('2026-03-30T00:30:00.000Z'); // 06:00 IST on the 30th
    expect(DateTime.fromJSDate(expiry, { zone: 'Europe/London' }).toFormat('HH:mm')).toBe('01:30');
    expect(DateTime.fromJSDate(expiry, { zone: 'America/New_York' }).toFormat('HH:mm')).toBe(
      '20:30',
    );
  });

  it('a user in a DST zone across the change still gets 03:30 IST', () => {
    // 2026-11-01 is the US fall-back night; the IST rule is unaffected.
    const issued = DateTime.fromISO('2026-11-01T01:30', { zone: 'America/New_York' }).toJSDate();
    expect(asIst(accessTokenExpiry('upstox', issued))).toBe('2026-11-02T03:30:00.000');
  });
});

describe('malformed tokens never crash anything', () => {
  it.each([
    '',
    'opaque-kite-token',
    'a.b',
    'a.b.c',
    'x.!!!.y',
    `h.${Buffer.from('not json').toString('base64url')}.s`,
    `h.${Buffer.from('{"exp":"tomorrow"}').toString('base64url')}.s`,
    `h.${Buffer.from('{"exp":-5}').toString('base64url')}.s`,
    `h.${Buffer.from('{"exp":1e300}').toString('base64url')}.s`,
    `h.${Buffer.from('null').toString('base64url')}.s`,
    `h.${Buffer.from([0xff, 0xfe, 0x00]).toString('base64url')}.s`,
  ])('%j is ignored and the broker rule applies', (token) => {
    expect(jwtExpiry(token)).toBeUndefined();
    const issued = ist('2026-11-25T10:00');
    expect(asIst(accessTokenExpiry('upstox', issued, token))).toBe('2026-11-26T03:30:00.000');
  });

  it('arbitrary strings never throw', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom(...BROKER_IDS), (token, broker) => {
        const d = accessTokenExpiry(broker, new Date('2026-11-25T04:00:00Z'), token);
        expect(Number.isFinite(d.getTime())).toBe(true);
      }),
    );
  });
});

describe('properties', () => {
  const instants = fc.date({
    min: new Date('2020-01-01'),
    max: new Date('2035-12-31'),
    noInvalidDate: true,
  });

  it('expiry is always after issue and at most 24 h later for daily-expiry brokers', () => {
    fc.assert(
      fc.property(instants, fc.constantFrom(...BROKER_IDS), (issued, broker) => {
        const left = accessTokenExpiry(broker, issued).getTime() - issued.getTime();
        expect(left).toBeGreaterThan(0);
        expect(left).toBeLessThanOrEqual(24 * 3_600_000);
      }),
      { numRuns: 2000 },
    );
  });

  it('the expiry falls exactly on the broker cutoff in IST', () => {
    fc.assert(
      fc.property(instants, (issued) => {
        expect(
          DateTime.fromJSDate(accessTokenExpiry('upstox', issued), {
            zone: 'Asia/Kolkata',
          }).toFormat('HH:mm:ss.SSS'),
        ).toBe('03:30:00.000');
        expect(
          DateTime.fromJSDate(accessTokenExpiry('kite', issued), { zone: 'Asia/Kolkata' }).toFormat(
            'HH:mm:ss.SSS',
          ),
        ).toBe('06:00:00.000');
      }),
    );
  });

  it('a later issue never gives an earlier expiry', () => {
    fc.assert(
      fc.property(
        instants,
        fc.integer({ min: 0, max: 3 * 86_400_000 }),
        fc.constantFrom(...BROKER_IDS),
        (a, gap, broker) => {
          const b = new Date(a.getTime() + gap);
          expect(accessTokenExpiry(broker, b).getTime()).toBeGreaterThanOrEqual(
            accessTokenExpiry(broker, a).getTime(),
          );
        },
      ),
    );
  });

  it('nextDailyCutoff is strictly after its input', () => {
    fc.assert(
      fc.property(
        instants,
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        (d, hour, minute) => {
          expect(nextDailyCutoff(d, { hour, minute }).getTime()).toBeGreaterThan(d.getTime());
        },
      ),
    );
  });
});

/**
 * Issue 9 item 15: the issue instant is read before the request, on this machine's clock. A machine
 * a second or two behind the broker across a cutoff must not get an expiry a day early when the
 * token's own `iat`/`exp` say otherwise.
 */
describe('clock skew at a cutoff: the token’s own iat/exp win where plausible', () => {
  const secs = (d: Date) => Math.floor(d.getTime() / 1000);

  it.each([
    ['fyers', '2026-11-25T06:00:01', '2026-11-26T06:00:00.000'],
    ['upstox', '2026-11-25T03:30:01', '2026-11-26T03:30:00.000'],
  ] as const)(
    '%s: broker issues at %s IST, this machine reads 2 s earlier → %s IST',
    (broker, brokerTime, expected) => {
      const atBroker = ist(brokerTime);
      const local = new Date(atBroker.getTime() - 2_000);
      const token = fakeJwt({
        iat: secs(atBroker),
        exp: secs(
          nextDailyCutoff(
            atBroker,
            broker === 'fyers' ? { hour: 6, minute: 0 } : { hour: 3, minute: 30 },
          ),
        ),
      });
      expect(asIst(accessTokenExpiry(broker, local, token))).toBe(expected);
      expect(tokenIssuedAt(local, token).getTime()).toBe(secs(atBroker) * 1000);
    },
  );

  it('without an iat, an exp a day past the cutoff decides when the local issue is just before it', () => {
    const local = ist('2026-11-25T05:59:59');
    const token = fakeJwt({ exp: secs(ist('2026-11-26T06:00')) });
    expect(asIst(accessTokenExpiry('fyers', local, token))).toBe('2026-11-26T06:00:00.000');
  });

  it('a token the broker issued just before the cutoff still dies at it (its exp says so)', () => {
    // This machine is 2 s ahead: it reads 06:00:01, the broker issued at 05:59:59.
    const local = ist('2026-11-25T06:00:01');
    const token = fakeJwt({
      iat: secs(ist('2026-11-25T05:59:59')),
      exp: secs(ist('2026-11-25T06:00')),
    });
    expect(asIst(accessTokenExpiry('fyers', local, token))).toBe('2026-11-25T06:00:00.000');
  });

  it('an implausible iat (hours away from this clock) is not believed', () => {
    const local = ist('2026-11-25T05:00');
    const token = fakeJwt({ iat: secs(ist('2026-11-25T07:00')) });
    expect(tokenIssuedAt(local, token)).toEqual(local);
    expect(asIst(accessTokenExpiry('upstox', local, token))).toBe('2026-11-26T03:30:00.000');
    expect(asIst(accessTokenExpiry('fyers', local, token))).toBe('2026-11-25T06:00:00.000');
  });

  it('iat or exp named like prototype members, or not numbers, are ignored', () => {
    const local = ist('2026-11-25T05:59:59');
    for (const claims of [{ iat: 'soon' }, { iat: -5 }, { exp: null }, { constructor: 1 }]) {
      expect(asIst(accessTokenExpiry('fyers', local, fakeJwt(claims)))).toBe(
        '2026-11-25T06:00:00.000',
      );
    }
  });

  it('property: any skew up to ±5 min, any issue instant: the expiry is the rule at the broker’s instant', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2025-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }),
        fc.integer({ min: -PLAUSIBLE_CLOCK_SKEW_MS, max: PLAUSIBLE_CLOCK_SKEW_MS }),
        fc.constantFrom('upstox' as const, 'fyers' as const),
        (brokerInstant, skew, broker) => {
          // The broker's iat has whole seconds; the rule is applied to that instant.
          const atBroker = new Date(secs(brokerInstant) * 1000);
          const rule = accessTokenExpiry(broker, atBroker);
          const token = fakeJwt({ iat: secs(atBroker), exp: secs(rule) });
          const local = new Date(atBroker.getTime() + skew);
          expect(accessTokenExpiry(broker, local, token).getTime()).toBe(rule.getTime());
        },
      ),
      { numRuns: 2000 },
    );
  });
});
