/**
 * Angel One SmartAPI Publisher login against the simulator (brokers-more.md §2.1): login URL →
 * redirect carrying the token → profile check → token with the 05:00 IST expiry; wrong key, replayed
 * and revoked tokens, 5xx and 429, hostile redirects, expiry at the cutoff ± 1 s.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accessTokenExpiry } from '../../shared/expiry';
import { BROKERS } from '../../shared/brokers';
import { redirectUriProblem } from '../../shared/domain';
import { decideLoginNavigation } from '../../electron/core/policy/login-navigation-policy';
import {
  STATE,
  credentialsOf,
  loginGrant,
  rejection,
  startHarness,
  submitLoginPage,
  thrown,
  type Harness,
  ist,
  asIst,
} from './helpers';

const PROFILE = '/rest/secure/angelbroking/user/v1/getProfile';
const LOGOUT = '/rest/secure/angelbroking/user/v1/logout';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

describe('Angel One adapter against the simulator', () => {
  it('builds the Publisher login URL with api_key and state', () => {
    const { apiKey, redirectUri } = credentialsOf(h.sim, 'angelone');
    const url = new URL(h.adapters.angelone.authorizeUrl({ apiKey, redirectUri, state: STATE }));
    expect(`${url.origin}${url.pathname}`).toBe(`${h.sim.url}/publisher-login`);
    expect([...url.searchParams]).toEqual([
      ['api_key', apiKey],
      ['state', STATE],
    ]);
  });

  it('logs in: redirect with auth_token, feed_token and our state → validated token dying at 05:00 IST', async () => {
    const location = await submitLoginPage(h, 'angelone', 'login');
    const params = new URL(location).searchParams;
    expect(location.startsWith('https://tokentray.invalid/angelone/callback?')).toBe(true);
    expect(params.get('state')).toBe(STATE);
    const creds = credentialsOf(h.sim, 'angelone');
    const grant = h.adapters.angelone.parseRedirect(location, {
      redirectUri: creds.redirectUri,
      state: STATE,
    });
    expect(grant.code).toBe(params.get('auth_token'));
    const tokens = await h.adapters.angelone.exchange(creds, grant);
    expect(tokens.accessToken).toBe(params.get('auth_token'));
    // Made Tue 10:00 IST → dies Wed 05:00 IST.
    expect(tokens.expiresAt.toISOString()).toBe(
      new Date('2026-03-11T05:00:00+05:30').toISOString(),
    );
    expect(tokens.userId).toBe('S0000001');
    expect(tokens.userName).toBe('Simulated Angel One User');
    const [req] = h.sim.requestsTo('GET', PROFILE);
    expect(req?.headers['authorization']).toBe(`Bearer ${tokens.accessToken}`);
    expect(req?.headers['x-privatekey']).toBe(creds.apiKey);
    expect(req?.headers['x-usertype']).toBe('USER');
    expect(req?.headers['x-sourceid']).toBe('WEB');
    await expect(
      h.adapters.angelone.validate(creds.apiKey, tokens.accessToken),
    ).resolves.toMatchObject({ userId: 'S0000001' });
  });

  it('the API secret plays no part: a wrong one still logs in (Publisher login)', async () => {
    const creds = credentialsOf(h.sim, 'angelone');
    const tokens = await h.adapters.angelone.exchange(
      { ...creds, apiSecret: 'wrong-secret-not-real' },
      await loginGrant(h, 'angelone'),
    );
    expect(tokens.userId).toBe('S0000001');
  });

  it('a wrong API key → bad-credentials naming the Publisher app', async () => {
    const creds = credentialsOf(h.sim, 'angelone');
    const grant = await loginGrant(h, 'angelone');
    const err = await rejection(
      h.adapters.angelone.exchange({ ...creds, apiKey: 'someOtherKey' }, grant),
    );
    expect(err.kind).toBe('bad-credentials');
    expect(err.message).toMatch(/Publisher/);
  });

  it('a replayed redirect after logout (the token is the grant) → login-failed, checked once', async () => {
    const creds = credentialsOf(h.sim, 'angelone');
    const grant = await loginGrant(h, 'angelone');
    const tokens = await h.adapters.angelone.exchange(creds, grant);
    await h.adapters.angelone.logout!(creds.apiKey, tokens.accessToken);
    expect(h.sim.tokenStatus('angelone', tokens.accessToken)).toBe('revoked');
    h.sim.clearRequests();
    const err = await rejection(h.adapters.angelone.exchange(creds, grant));
    expect(err.kind).toBe('login-failed');
    expect(err.details).toMatchObject({ status: 403, brokerCode: 'AG8001' });
    expect(h.sim.requestsTo('GET', PROFILE)).toHaveLength(1);
  });

  it('an expired redirect token (replayed after 05:00) → expired', async () => {
    const creds = credentialsOf(h.sim, 'angelone');
    const grant = await loginGrant(h, 'angelone');
    h.clock.set(new Date('2026-03-11T05:00:01+05:30'));
    const err = await rejection(h.adapters.angelone.exchange(creds, grant));
    expect(err.kind).toBe('expired');
    expect(err.message).toMatch(/05:00 IST/);
  });

  it('a token revoked elsewhere → revoked on validate; logout of a dead token is quiet', async () => {
    const creds = credentialsOf(h.sim, 'angelone');
    const tokens = await h.adapters.angelone.exchange(creds, await loginGrant(h, 'angelone'));
    h.sim.revokeToken(tokens.accessToken);
    const err = await rejection(h.adapters.angelone.validate(creds.apiKey, tokens.accessToken));
    expect(err.kind).toBe('revoked');
    await expect(
      h.adapters.angelone.logout!(creds.apiKey, tokens.accessToken),
    ).resolves.toBeUndefined();
    expect(h.sim.requestsTo('POST', LOGOUT)).toHaveLength(0);
  });

  it('logout posts the client code and the token stops working', async () => {
    const creds = credentialsOf(h.sim, 'angelone');
    const tokens = await h.adapters.angelone.exchange(creds, await loginGrant(h, 'angelone'));
    await h.adapters.angelone.logout!(creds.apiKey, tokens.accessToken);
    const [req] = h.sim.requestsTo('POST', LOGOUT);
    expect(req?.json).toEqual({ clientcode: 'S0000001' });
    expect(h.sim.tokenStatus('angelone', tokens.accessToken)).toBe('revoked');
  });

  it('5xx on the check is retried (no grant is burnt), then broker-down', async () => {
    const creds = credentialsOf(h.sim, 'angelone');
    const grant = await loginGrant(h, 'angelone');
    h.sim.inject({ path: PROFILE, times: 1, fault: { kind: 'status', status: 503 } });
    await expect(h.adapters.angelone.exchange(creds, grant)).resolves.toMatchObject({
      userId: 'S0000001',
    });
    expect(h.sim.requestsTo('GET', PROFILE)).toHaveLength(2);
    h.sim.inject({ path: PROFILE, times: 5, fault: { kind: 'status', status: 502 } });
    const err = await rejection(h.adapters.angelone.validate(creds.apiKey, grant.code));
    expect(err.kind).toBe('broker-down');
    expect(err.message).toMatch(/HTTP 502/);
  });

  it('429 with Retry-After waits that long; without one it backs off, then rate-limited', async () => {
    const creds = credentialsOf(h.sim, 'angelone');
    const tokens = await h.adapters.angelone.exchange(creds, await loginGrant(h, 'angelone'));
    h.sleeps.length = 0;
    h.sim.inject({ path: PROFILE, fault: { kind: 'rate-limit', retryAfterSeconds: 7 } });
    await h.adapters.angelone.validate(creds.apiKey, tokens.accessToken);
    expect(h.sleeps).toEqual([7_000]);
    h.sleeps.length = 0;
    h.sim.inject({ path: PROFILE, times: 5, fault: { kind: 'rate-limit' } });
    const err = await rejection(h.adapters.angelone.validate(creds.apiKey, tokens.accessToken));
    expect(err.kind).toBe('rate-limited');
    expect(h.sleeps.length).toBeGreaterThan(0);
  });

  it('a cancelled login comes back as cancelled; hostile redirects yield nothing', async () => {
    const { redirectUri } = credentialsOf(h.sim, 'angelone');
    const cancelled = await submitLoginPage(h, 'angelone', 'cancel');
    expect(
      thrown(() => h.adapters.angelone.parseRedirect(cancelled, { redirectUri, state: STATE }))
        .kind,
    ).toBe('cancelled');
    const ok = 'auth_token=eyJhbGciOi.eyJzdWIi.c2ln&feed_token=f';
    for (const [url, words] of [
      [`${redirectUri}?${ok}`, /no state/],
      [`${redirectUri}?${ok}&state=someone-elses-state`, /state mismatch/],
      [`http://tokentray.invalid/angelone/callback?${ok}&state=${STATE}`, /other than/],
      [
        `https://tokentray.invalid.evil.example/angelone/callback?${ok}&state=${STATE}`,
        /other than/,
      ],
      [`${redirectUri}?${ok}&${ok}&state=${STATE}`, /repeated/],
      [`${redirectUri}?auth_token=a%22%3Cscript%3E&state=${STATE}`, /malformed/],
      [`${redirectUri}?state=${STATE}`, /no auth_token/],
    ] as const) {
      const err = thrown(() =>
        h.adapters.angelone.parseRedirect(url, { redirectUri, state: STATE }),
      );
      expect(err.kind).toBe('login-failed');
      expect(err.message).toMatch(words);
    }
  });

  it('the login window captures exactly the registered https redirect, and nothing else outside the login origins', () => {
    const redirectUri = BROKERS.angelone.suggestedRedirectUri;
    const adapter = h.adapters.angelone;
    const request = {
      allowedOrigins: BROKERS.angelone.loginOrigins,
      isRedirect: (url: string) => adapter.isRedirect(url, redirectUri),
    };
    expect(
      decideLoginNavigation(`${redirectUri}?auth_token=x&state=y`, 'main-frame', request),
    ).toEqual({
      action: 'capture',
    });
    for (const other of [
      'https://tokentray.invalid/angelone/other',
      'https://tokentray.invalid:8443/angelone/callback',
      'http://tokentray.invalid/angelone/callback',
      'https://evil.example/angelone/callback',
    ]) {
      expect(decideLoginNavigation(other, 'main-frame', request).action).toBe('block');
    }
    expect(decideLoginNavigation(redirectUri, 'sub-frame', request).action).toBe('block');
    expect(
      decideLoginNavigation('https://smartapi.angelone.in/publisher-login', 'main-frame', request),
    ).toEqual({ action: 'allow' });
  });

  it('the catalogue asks for an https redirect and the setup guide warns before the user starts', () => {
    expect(redirectUriProblem(BROKERS.angelone.suggestedRedirectUri, 'angelone')).toBeNull();
    expect(redirectUriProblem('http://127.0.0.1:5055/angelone/callback', 'angelone')).toMatch(
      /requires an https redirect URI/,
    );
  });
});

describe('Angel One expiry: 05:00 IST the next occurrence, at the cutoff ± 1 s', () => {
  it.each([
    ['2026-03-10T04:59:59', '2026-03-10T05:00:00'],
    ['2026-03-10T05:00:00', '2026-03-11T05:00:00'],
    ['2026-03-10T05:00:01', '2026-03-11T05:00:00'],
    ['2026-03-10T23:59:59', '2026-03-11T05:00:00'],
  ])('issued %s IST → %s IST', (issued, expected) => {
    expect(asIst(accessTokenExpiry('angelone', ist(issued)))).toBe(expected);
  });

  it('the simulator token dies at 05:00: valid at 04:59:59, rejected at 05:00:01', async () => {
    const creds = credentialsOf(h.sim, 'angelone');
    const tokens = await h.adapters.angelone.exchange(creds, await loginGrant(h, 'angelone'));
    h.clock.set(new Date('2026-03-11T04:59:59+05:30'));
    await expect(
      h.adapters.angelone.validate(creds.apiKey, tokens.accessToken),
    ).resolves.toBeTruthy();
    h.clock.set(new Date('2026-03-11T05:00:01+05:30'));
    const err = await rejection(h.adapters.angelone.validate(creds.apiKey, tokens.accessToken));
    expect(err.kind).toBe('expired');
  });
});
