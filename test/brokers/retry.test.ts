import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BROKER_IDS, type BrokerId } from '../../shared/brokers';
import { TokenTrayError } from '../../electron/core/errors';
import {
  DEFAULT_RETRY_POLICY,
  backoffDelayMs,
  retryDelayMs,
} from '../../electron/core/brokers/retry';
import {
  credentialsOf,
  loginGrant,
  rejection,
  startHarness,
  type Harness,
  simTokenContext,
} from './helpers';

const TOKEN_PATH: Record<BrokerId, string> = {
  upstox: '/v2/login/authorization/token',
  kite: '/session/token',
  fyers: '/api/v3/validate-authcode',
  // No code exchange: the redirect carries the token, which "exchange" checks with getProfile.
  angelone: '/rest/secure/angelbroking/user/v1/getProfile',
  fivepaisa: '/VendorsAPI/Service1.svc/GetAccessToken',
  aliceblue: '/open-api/od/v1/vendor/getUserDetails',
  shoonya: '/NorenWClientAPI/GenAcsTok',
  iifl: '/v1/getusersession',
  dhan: '/app/consumeApp-consent',
  // No code exchange: the redirect carries the session, which "exchange" checks with customerdetails.
  breeze: '/breezeapi/api/v1/customerdetails',
};
const PROFILE_PATH: Record<BrokerId, string> = {
  upstox: '/v2/user/profile',
  kite: '/user/profile',
  fyers: '/api/v3/profile',
  angelone: '/rest/secure/angelbroking/user/v1/getProfile',
  fivepaisa: '/VendorsAPI/Service1.svc/V4/Margin',
  aliceblue: '/open-api/od/v1/profile/',
  shoonya: '/NorenWClientAPI/UserDetails',
  iifl: '/v1/profile',
  dhan: '/v2/profile',
  breeze: '/breezeapi/api/v1/customerdetails',
};
/** The profile-like check's HTTP method where it is not GET. */
const PROFILE_METHOD: Partial<Record<BrokerId, string>> = {
  fivepaisa: 'POST',
  shoonya: 'POST',
};
/** The token call's HTTP method where it is not POST (Dhan consumeApp-consent: GET, per the SDK). */
const TOKEN_METHOD: Partial<Record<BrokerId, string>> = { dhan: 'GET' };

/**
 * Brokers whose redirect carries a single-use grant. Angel One's redirect carries the token itself:
 * its "exchange" is a profile check that may be resent (test/brokers/angelone.test.ts). So does
 * ICICI Breeze's: the session, checked with customerdetails (test/brokers/breeze.test.ts).
 */
const SINGLE_USE_GRANT_BROKERS = BROKER_IDS.filter((b) => b !== 'angelone' && b !== 'breeze');

describe('backoff', () => {
  it('stays within [step/2, step] of a capped exponential step', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 1, max: 60_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, baseDelayMs, maxDelayMs, random) => {
          const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs, maxDelayMs };
          const step = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
          const d = backoffDelayMs(attempt, policy, random);
          expect(d).toBeGreaterThanOrEqual(Math.floor(step / 2));
          expect(d).toBeLessThanOrEqual(Math.ceil(step));
        },
      ),
    );
  });

  it('never retries a grant-bearing request the broker may have seen, nor answers other than 5xx/429', () => {
    const opts = { singleUseGrant: true, retryRateLimitWithoutHint: true };
    const down = new TokenTrayError('broker-down', 'x', { status: 503 });
    const refused = new TokenTrayError('broker-down', 'x', { notSent: true });
    const limited = new TokenTrayError('rate-limited', 'x', { retryAfterMs: 10 });
    expect(retryDelayMs(down, 1, DEFAULT_RETRY_POLICY, opts, 0)).toBeUndefined();
    expect(retryDelayMs(limited, 1, DEFAULT_RETRY_POLICY, opts, 0)).toBeUndefined();
    expect(retryDelayMs(refused, 1, DEFAULT_RETRY_POLICY, opts, 0)).toBe(250);
    expect(retryDelayMs(refused, 3, DEFAULT_RETRY_POLICY, opts, 0)).toBeUndefined();
    for (const kind of ['expired', 'revoked', 'bad-credentials', 'bad-response'] as const) {
      const e = new TokenTrayError(kind, 'x', { notSent: true });
      expect(retryDelayMs(e, 1, DEFAULT_RETRY_POLICY, { ...opts, singleUseGrant: false }, 0)).toBe(
        undefined,
      );
    }
  });
});

describe('retries over real HTTP', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  async function tokenFor(broker: BrokerId) {
    const creds = credentialsOf(h.sim, broker);
    const tokens = await h.adapters[broker].exchange(creds, await loginGrant(h, broker));
    h.sim.clearRequests();
    return { creds, tokens };
  }

  it.each(BROKER_IDS)(
    '%s: validate retries 5xx with jittered exponential backoff',
    async (broker) => {
      const { creds, tokens } = await tokenFor(broker);
      h.sim.inject({
        path: PROFILE_PATH[broker],
        times: 2,
        fault: { kind: 'status', status: 503 },
      });
      await expect(
        h.adapters[broker].validate(creds.apiKey, tokens.accessToken, simTokenContext(broker)),
      ).resolves.toMatchObject({ userId: expect.any(String) as unknown });
      expect(h.sim.requestsTo(PROFILE_METHOD[broker] ?? 'GET', PROFILE_PATH[broker])).toHaveLength(
        3,
      );
      // random() = 0.5 → ¾ of each step: 500 ms then 1000 ms steps.
      expect(h.sleeps).toEqual([375, 750]);
    },
  );

  it.each(BROKER_IDS)('%s: gives up after 3 attempts with broker-down', async (broker) => {
    const { creds, tokens } = await tokenFor(broker);
    h.sim.inject({ path: PROFILE_PATH[broker], times: 5, fault: { kind: 'status', status: 500 } });
    const err = await rejection(
      h.adapters[broker].validate(creds.apiKey, tokens.accessToken, simTokenContext(broker)),
    );
    expect(err.kind).toBe('broker-down');
    expect(err.details.status).toBe(500);
    expect(err.message).toMatch(/HTTP 500.*Try again in a few minutes/);
    expect(h.sim.requestsTo(PROFILE_METHOD[broker] ?? 'GET', PROFILE_PATH[broker])).toHaveLength(3);
    expect(h.sleeps).toHaveLength(2);
  });

  it.each(BROKER_IDS)('%s: a 429 with Retry-After waits exactly that long', async (broker) => {
    const { creds, tokens } = await tokenFor(broker);
    h.sim.inject({
      path: PROFILE_PATH[broker],
      fault: { kind: 'rate-limit', retryAfterSeconds: 7 },
    });
    await h.adapters[broker].validate(creds.apiKey, tokens.accessToken, simTokenContext(broker));
    expect(h.sleeps).toEqual([7_000]);
    expect(h.sim.requestsTo(PROFILE_METHOD[broker] ?? 'GET', PROFILE_PATH[broker])).toHaveLength(2);
  });

  it('a Retry-After beyond the cap is reported, not waited out', async () => {
    const { creds, tokens } = await tokenFor('upstox');
    h.sim.inject({
      path: PROFILE_PATH.upstox,
      fault: { kind: 'rate-limit', retryAfterSeconds: 3600 },
    });
    const err = await rejection(h.adapters.upstox.validate(creds.apiKey, tokens.accessToken));
    expect(err).toMatchObject({
      kind: 'rate-limited',
      details: { status: 429, brokerCode: 'UDAPI10005', retryAfterMs: 3_600_000 },
    });
    expect(err.message).toMatch(/wait 60 minutes/);
    expect(h.sleeps).toEqual([]);
  });

  it('reads Retry-After as an HTTP date (all three RFC 9110 forms, GMT whatever the local zone)', async () => {
    const { creds, tokens } = await tokenFor('kite');
    // T0 is 04:30:00 GMT; each date is 20 s later. asctime has no zone but means GMT, and an IST
    // machine must not read it as 04:30:20 IST (already past → "retry now").
    const dates = [
      'Tue, 10 Mar 2026 04:30:20 GMT',
      'Tuesday, 10-Mar-26 04:30:20 GMT',
      'Tue Mar 10 04:30:20 2026',
    ];
    const tz = process.env.TZ;
    process.env.TZ = 'Asia/Kolkata';
    try {
      for (const date of dates) {
        h.sim.inject({
          path: PROFILE_PATH.kite,
          fault: { kind: 'reply', status: 429, headers: { 'Retry-After': date }, json: {} },
        });
        await h.adapters.kite.validate(creds.apiKey, tokens.accessToken);
      }
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
    expect(h.sleeps).toEqual([20_000, 20_000, 20_000]);
  });

  it('a Retry-After that is neither delta-seconds nor an HTTP date is no hint at all', async () => {
    // Date.parse accepts "1.5", "-1" and "1,2" as dates long past, which would mean "retry now".
    const { creds, tokens } = await tokenFor('upstox');
    for (const bad of ['1.5', '-1', '1,2', 'soon']) {
      h.sim.inject({
        path: PROFILE_PATH.upstox,
        fault: { kind: 'reply', status: 429, headers: { 'Retry-After': bad }, json: {} },
      });
      await h.adapters.upstox.validate(creds.apiKey, tokens.accessToken);
    }
    // Upstox falls back to the usual backoff…
    expect(h.sleeps).toEqual([375, 375, 375, 375]);
    // …and FYERS, which only waits out a real hint (day-long block), does not retry.
    const fyers = await tokenFor('fyers');
    h.sim.inject({
      path: PROFILE_PATH.fyers,
      fault: { kind: 'reply', status: 429, headers: { 'Retry-After': '1.5' }, json: {} },
    });
    const err = await rejection(
      h.adapters.fyers.validate(fyers.creds.apiKey, fyers.tokens.accessToken),
    );
    expect(err.kind).toBe('rate-limited');
    expect(err.details.retryAfterMs).toBeUndefined();
    expect(h.sim.requestsTo('GET', PROFILE_PATH.fyers)).toHaveLength(1);
    expect(h.sleeps).toHaveLength(4);
  });

  it('Upstox/Kite retry a 429 without Retry-After; FYERS does not (day-long block)', async () => {
    for (const broker of ['upstox', 'kite'] as const) {
      const { creds, tokens } = await tokenFor(broker);
      h.sleeps.length = 0;
      h.sim.inject({ path: PROFILE_PATH[broker], fault: { kind: 'rate-limit' } });
      await h.adapters[broker].validate(creds.apiKey, tokens.accessToken, simTokenContext(broker));
      expect(h.sleeps).toEqual([375]);
    }
    const { creds, tokens } = await tokenFor('fyers');
    h.sleeps.length = 0;
    h.sim.inject({ path: PROFILE_PATH.fyers, fault: { kind: 'rate-limit' } });
    const err = await rejection(h.adapters.fyers.validate(creds.apiKey, tokens.accessToken));
    expect(err.kind).toBe('rate-limited');
    expect(err.details.brokerCode).toBe('-429');
    expect(h.sleeps).toEqual([]);
    expect(h.sim.requestsTo('GET', PROFILE_PATH.fyers)).toHaveLength(1);
  });

  it.each(SINGLE_USE_GRANT_BROKERS)(
    '%s: an exchange answered with 503 is not resent — the grant is already burnt',
    async (broker) => {
      const creds = credentialsOf(h.sim, broker);
      const grant = await loginGrant(h, broker);
      h.sim.inject({ path: TOKEN_PATH[broker], times: 3, fault: { kind: 'status', status: 503 } });
      const err = await rejection(h.adapters[broker].exchange(creds, grant));
      expect(err.kind).toBe('broker-down');
      expect(err.message).toMatch(/works only once, so click Log in again/);
      expect(h.sim.requestsTo(TOKEN_METHOD[broker] ?? 'POST', TOKEN_PATH[broker])).toHaveLength(1);
      expect(h.sleeps).toEqual([]);
      // And a resend would indeed have been refused:
      h.sim.clearFaults();
      expect(h.sim.grantUsed(grant.code)).toBe(true);
      expect((await rejection(h.adapters[broker].exchange(creds, grant))).kind).toBe(
        'login-failed',
      );
    },
  );

  it.each(SINGLE_USE_GRANT_BROKERS)(
    '%s: an exchange answered with 429 is not resent either',
    async (broker) => {
      const creds = credentialsOf(h.sim, broker);
      const grant = await loginGrant(h, broker);
      h.sim.inject({
        path: TOKEN_PATH[broker],
        fault: { kind: 'rate-limit', retryAfterSeconds: 1 },
      });
      const err = await rejection(h.adapters[broker].exchange(creds, grant));
      expect(err.kind).toBe('rate-limited');
      expect(err.message).toMatch(/Log in again after the wait/);
      expect(h.sim.requestsTo(TOKEN_METHOD[broker] ?? 'POST', TOKEN_PATH[broker])).toHaveLength(1);
    },
  );

  it('an exchange whose connection dropped after sending, or that timed out, is not resent', async () => {
    const creds = credentialsOf(h.sim, 'kite');
    h.sim.inject({ path: TOKEN_PATH.kite, fault: { kind: 'drop' } });
    const dropped = await rejection(h.adapters.kite.exchange(creds, await loginGrant(h, 'kite')));
    expect(dropped.kind).toBe('broker-down');
    expect(dropped.details.notSent).toBe(false);

    const quick = h.adaptersWith({ timeoutMs: 150 });
    h.sim.inject({ path: TOKEN_PATH.kite, fault: { kind: 'slow', delayMs: 1_000 } });
    const slow = await rejection(quick.kite.exchange(creds, await loginGrant(h, 'kite')));
    expect(slow.kind).toBe('broker-down');
    expect(slow.message).toMatch(/no answer within/);
    expect(h.sim.requestsTo('POST', TOKEN_PATH.kite)).toHaveLength(2);
    expect(h.sleeps).toEqual([]);
  });

  it('an exchange refused before sending is retried with the same grant once the broker is back', async () => {
    const creds = credentialsOf(h.sim, 'upstox');
    const grant = await loginGrant(h, 'upstox');
    await h.sim.setOffline(true);
    const adapters = h.adaptersWith({
      sleep: async (ms) => {
        h.sleeps.push(ms);
        await h.sim.setOffline(false);
      },
    });
    const tokens = await adapters.upstox.exchange(creds, grant);
    expect(h.sim.tokenStatus('upstox', tokens.accessToken)).toBe('valid');
    expect(h.sleeps).toEqual([375]);
    expect(h.sim.requestsTo('POST', TOKEN_PATH.upstox)).toHaveLength(1);
    const refused = h.logger.entries.filter((e) => e.message === 'broker call did not complete');
    expect(refused).toHaveLength(1);
    expect(refused[0]?.fields).toMatchObject({ notSent: true, attempt: 1 });
  });

  it('a broker that stays unreachable ends in broker-down marked notSent after 3 attempts', async () => {
    const creds = credentialsOf(h.sim, 'fyers');
    const grant = await loginGrant(h, 'fyers');
    await h.sim.setOffline(true);
    const err = await rejection(h.adapters.fyers.exchange(creds, grant));
    expect(err).toMatchObject({ kind: 'broker-down', details: { notSent: true } });
    expect(err.message).toMatch(/connection was refused/);
    expect(h.sleeps).toEqual([375, 750]);
    await h.sim.setOffline(false);
    expect(h.sim.grantUsed(grant.code)).toBe(false);
  });

  it('FYERS refresh (reusable refresh token) and logouts are retried on 5xx', async () => {
    const { creds, tokens } = await tokenFor('fyers');
    h.sim.inject({
      path: '/api/v3/validate-refresh-token',
      fault: { kind: 'status', status: 502 },
    });
    await h.adapters.fyers.refresh!(creds, tokens.refreshToken!, '1234');
    expect(h.sim.requestsTo('POST', '/api/v3/validate-refresh-token')).toHaveLength(2);

    h.sim.inject({ path: '/api/v3/logout', fault: { kind: 'status', status: 502 } });
    await h.adapters.fyers.logout!(creds.apiKey, tokens.accessToken);
    expect(h.sim.requestsTo('POST', '/api/v3/logout')).toHaveLength(2);
    expect(h.sim.tokenStatus('fyers', tokens.accessToken)).toBe('revoked');
  });

  it('honours a custom policy (1 attempt = no retries)', async () => {
    const { creds, tokens } = await tokenFor('kite');
    const once = h.adaptersWith({ retry: { attempts: 1 } });
    h.sim.inject({ path: PROFILE_PATH.kite, fault: { kind: 'status', status: 503 } });
    expect((await rejection(once.kite.validate(creds.apiKey, tokens.accessToken))).kind).toBe(
      'broker-down',
    );
    expect(h.sim.requestsTo('GET', PROFILE_PATH.kite)).toHaveLength(1);
    expect(() => h.adaptersWith({ retry: { attempts: 0 } })).toThrow(/attempts/);
  });
});
