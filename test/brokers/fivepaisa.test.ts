/**
 * 5paisa OAuth login against the simulator over real loopback HTTP (brokers-more.md §2.3): login
 * URL → redirect with RequestToken and state → GetAccessToken (head Key, body RequestToken, EncryKey,
 * UserId) → V4/Margin check → token dying at 23:59 IST; wrong key, Encryption Key and User ID; used
 * and expired RequestTokens never resent; revoked tokens; 5xx and 429; hostile redirects; expiry at
 * the cutoff ± 1 s; secrets never logged or shown.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accessTokenExpiry } from '../../shared/expiry';
import { BROKERS } from '../../shared/brokers';
import { decideLoginNavigation } from '../../electron/core/policy/login-navigation-policy';
import { fakeJwt } from '../simulator/tokens';
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

const LOGIN = '/WebVendorLogin/VLogin/Index';
const TOKEN = '/VendorsAPI/Service1.svc/GetAccessToken';
const MARGIN = '/VendorsAPI/Service1.svc/V4/Margin';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const creds = () => credentialsOf(h.sim, 'fivepaisa');
const adapter = () => h.adapters.fivepaisa;

/** Every value that must never reach the log or an error of these tests. */
function expectNoSecrets(values: readonly string[], texts: readonly string[] = []): void {
  const log = h.logger.text();
  for (const v of values) {
    for (const form of [v, encodeURIComponent(v)]) {
      expect(log.includes(form)).toBe(false);
      for (const t of texts) expect(t.includes(form)).toBe(false);
    }
  }
}

describe('5paisa adapter against the simulator', () => {
  it('builds the vendor login URL with VendorKey, ResponseURL and State', () => {
    const { apiKey, redirectUri } = creds();
    const url = new URL(adapter().authorizeUrl({ apiKey, redirectUri, state: STATE }));
    expect(`${url.origin}${url.pathname}`).toBe(`${h.sim.url}${LOGIN}`);
    expect([...url.searchParams]).toEqual([
      ['VendorKey', apiKey],
      ['ResponseURL', redirectUri],
      ['State', STATE],
    ]);
  });

  it('logs in: RequestToken + state → GetAccessToken with the exact documented body → token validated on V4/Margin, dying at 23:59 IST', async () => {
    const c = creds();
    const location = await submitLoginPage(h, 'fivepaisa', 'login');
    const params = new URL(location).searchParams;
    expect(location.startsWith(`${c.redirectUri}?`)).toBe(true);
    expect([...params.keys()]).toEqual(['RequestToken', 'state']);
    expect(params.get('state')).toBe(STATE);
    const grant = adapter().parseRedirect(location, { redirectUri: c.redirectUri, state: STATE });
    expect(grant).toEqual({ code: params.get('RequestToken') });

    const tokens = await adapter().exchange(c, grant);
    const [req, ...more] = h.sim.requestsTo('POST', TOKEN);
    expect(more).toHaveLength(0);
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.headers['authorization']).toBeUndefined();
    expect(req?.json).toEqual({
      head: { Key: c.apiKey },
      body: { RequestToken: grant.code, EncryKey: c.apiSecret, UserId: c.clientId },
    });
    // Made Tue 10:00 IST → dies Tue 23:59 IST, the same day.
    expect(tokens.expiresAt.toISOString()).toBe(ist('2026-03-10T23:59:00').toISOString());
    expect(tokens.issuedAt.toISOString()).toBe(ist('2026-03-10T10:00:00').toISOString());
    expect(tokens.userId).toBe('50000001');
    expect(tokens.userName).toBe('Simulated 5paisa User');
    expect(tokens.refreshToken).toBeUndefined();
    expect(h.sim.tokenStatus('fivepaisa', tokens.accessToken)).toBe('valid');

    const profile = await adapter().validate(c.apiKey, tokens.accessToken, {
      userId: tokens.userId,
    });
    expect(profile).toEqual({ userId: '50000001' });
    const [check] = h.sim.requestsTo('POST', MARGIN);
    expect(check?.headers['authorization']).toBe(`Bearer ${tokens.accessToken}`);
    expect(check?.headers['content-type']).toBe('application/json');
    expect(check?.json).toEqual({ head: { key: c.apiKey }, body: { ClientCode: '50000001' } });
    expectNoSecrets([c.apiSecret, grant.code, tokens.accessToken]);
  });

  it("validates without a stored client code by reading the token's unique_name (Guess)", async () => {
    const c = creds();
    const tokens = await adapter().exchange(c, await loginGrant(h, 'fivepaisa'));
    await expect(adapter().validate(c.apiKey, tokens.accessToken)).resolves.toEqual({
      userId: '50000001',
    });
    expect(h.sim.requestsTo('POST', MARGIN)[0]?.json).toMatchObject({
      body: { ClientCode: '50000001' },
    });
    // An opaque token and no stored code: TokenTray cannot ask, and says so without calling.
    const err = await rejection(adapter().validate(c.apiKey, 'opaque-token-without-claims'));
    expect(err.kind).toBe('config');
    expect(err.message).toMatch(/Log in/);
    expect(h.sim.requestsTo('POST', MARGIN)).toHaveLength(1);
  });

  it('a missing app User ID is a config error naming the field, and nothing is sent', async () => {
    const c = creds();
    const grant = await loginGrant(h, 'fivepaisa');
    for (const clientId of [undefined, '', '   ']) {
      const err = await rejection(adapter().exchange({ ...c, clientId }, grant));
      expect(err.kind).toBe('config');
      expect(err.message).toContain('User ID (of the API app)');
    }
    const bad = await rejection(adapter().exchange({ ...c, clientId: 'a b"c' }, grant));
    expect(bad.kind).toBe('config');
    expect(h.sim.requestsTo('POST', TOKEN)).toHaveLength(0);
    // The grant was never presented, so it still works.
    await expect(adapter().exchange(c, grant)).resolves.toMatchObject({ userId: '50000001' });
  });

  it('a wrong Encryption Key or User ID → bad-credentials (HTTP 200 refusal), sent once', async () => {
    const c = creds();
    for (const wrong of [
      { ...c, apiSecret: 'wrong-encryption-key-not-real' },
      { ...c, clientId: 'OTHERUSER' },
    ]) {
      h.sim.clearRequests();
      const grant = await loginGrant(h, 'fivepaisa');
      const err = await rejection(adapter().exchange(wrong, grant));
      expect(err.kind).toBe('bad-credentials');
      expect(err.message).toMatch(/Encryption Key or the app's User ID/);
      expect(err.details).toMatchObject({ status: 200, brokerCode: '2' });
      expect(h.sim.requestsTo('POST', TOKEN)).toHaveLength(1);
      expectNoSecrets(['wrong-encryption-key-not-real', c.apiSecret, grant.code], [err.message]);
    }
  });

  it('a wrong User Key → bad-credentials ("Invalid head parameters")', async () => {
    const c = creds();
    const grant = await loginGrant(h, 'fivepaisa');
    const err = await rejection(adapter().exchange({ ...c, apiKey: 'someOtherUserKey' }, grant));
    expect(err.kind).toBe('bad-credentials');
    expect(err.message).toMatch(/User Key/);
    expect(err.details).toMatchObject({ brokerCode: '2' });
  });

  it('a used RequestToken → login-failed, and it was not resent', async () => {
    const c = creds();
    const grant = await loginGrant(h, 'fivepaisa');
    expect(h.sim.grantUsed(grant.code)).toBe(false);
    await adapter().exchange(c, grant);
    expect(h.sim.grantUsed(grant.code)).toBe(true);
    const err = await rejection(adapter().exchange(c, grant));
    expect(err.kind).toBe('login-failed');
    expect(err.message).toMatch(/RequestToken/);
    expect(err.details).toMatchObject({ status: 200, brokerCode: '1' });
    expect(h.sim.requestsTo('POST', TOKEN)).toHaveLength(2);
  });

  it('a refusal whose statuses say 0 but carries no AccessToken is still a refusal (SDK: Message must be "Success")', async () => {
    const c = creds();
    h.sim.inject({
      path: TOKEN,
      fault: {
        kind: 'reply',
        status: 200,
        json: {
          head: { responseCode: '5PGetAccessToken', status: '0', statusDescription: 'Success' },
          body: {
            AccessToken: null,
            ClientCode: null,
            Message: 'Invalid Request Token',
            Status: 0,
          },
        },
      },
    });
    const err = await rejection(adapter().exchange(c, await loginGrant(h, 'fivepaisa')));
    expect(err.kind).toBe('login-failed');
    expect(err.message).toMatch(/refused the RequestToken/);
  });

  it('an expired RequestToken (after 60 min) → login-failed, sent once', async () => {
    const c = creds();
    const grant = await loginGrant(h, 'fivepaisa');
    h.clock.advance(60 * 60_000 + 1_000);
    const err = await rejection(adapter().exchange(c, grant));
    expect(err.kind).toBe('login-failed');
    expect(h.sim.requestsTo('POST', TOKEN)).toHaveLength(1);
  });

  it('a RequestToken 5paisa may have seen is never resent: 5xx, 429 with and without Retry-After, dropped connection', async () => {
    const c = creds();
    for (const fault of [
      { kind: 'status', status: 503 },
      { kind: 'rate-limit', retryAfterSeconds: 3 },
      { kind: 'rate-limit' },
      { kind: 'drop' },
    ] as const) {
      h.sim.clearRequests();
      h.sleeps.length = 0;
      const grant = await loginGrant(h, 'fivepaisa');
      h.sim.inject({ path: TOKEN, fault });
      const err = await rejection(adapter().exchange(c, grant));
      expect(['broker-down', 'rate-limited']).toContain(err.kind);
      expect(err.message).toMatch(/works only once, so click Log in again/);
      expect(h.sim.requestsTo('POST', TOKEN)).toHaveLength(1);
      expect(h.sleeps).toEqual([]);
      // The simulator burnt it too: a resend could only have failed.
      await expect(rejection(adapter().exchange(c, grant))).resolves.toMatchObject({
        kind: 'login-failed',
      });
    }
  });

  it('a token revoked elsewhere → revoked on validate; past 23:59 → expired', async () => {
    const c = creds();
    const tokens = await adapter().exchange(c, await loginGrant(h, 'fivepaisa'));
    h.sim.revokeToken(tokens.accessToken);
    const revoked = await rejection(adapter().validate(c.apiKey, tokens.accessToken));
    expect(revoked.kind).toBe('revoked');
    expect(revoked.details).toMatchObject({ status: 200, brokerCode: '9' });

    const fresh = await adapter().exchange(c, await loginGrant(h, 'fivepaisa'));
    h.clock.set(ist('2026-03-10T23:58:59'));
    await expect(adapter().validate(c.apiKey, fresh.accessToken)).resolves.toBeTruthy();
    h.clock.set(ist('2026-03-10T23:59:01'));
    const expired = await rejection(adapter().validate(c.apiKey, fresh.accessToken));
    expect(expired.kind).toBe('expired');
    expect(expired.message).toMatch(/23:59 IST/);
    expectNoSecrets([tokens.accessToken, fresh.accessToken], [revoked.message, expired.message]);
  });

  it('a JSON 401 on the check is a rejected token; a wrong User Key on the check is bad-credentials', async () => {
    const c = creds();
    const tokens = await adapter().exchange(c, await loginGrant(h, 'fivepaisa'));
    h.sim.inject({
      path: MARGIN,
      fault: { kind: 'reply', status: 401, json: { Message: 'Unauthorized' } },
    });
    expect((await rejection(adapter().validate(c.apiKey, tokens.accessToken))).kind).toBe(
      'revoked',
    );
    const err = await rejection(adapter().validate('someOtherUserKey', tokens.accessToken));
    expect(err.kind).toBe('bad-credentials');
  });

  it('5xx on the check is retried, then broker-down; 429 waits Retry-After, else backs off, then rate-limited', async () => {
    const c = creds();
    const tokens = await adapter().exchange(c, await loginGrant(h, 'fivepaisa'));
    h.sim.clearRequests();
    h.sim.inject({ path: MARGIN, times: 1, fault: { kind: 'status', status: 503 } });
    await expect(adapter().validate(c.apiKey, tokens.accessToken)).resolves.toBeTruthy();
    expect(h.sim.requestsTo('POST', MARGIN)).toHaveLength(2);
    h.sim.inject({ path: MARGIN, times: 5, fault: { kind: 'status', status: 502 } });
    const down = await rejection(adapter().validate(c.apiKey, tokens.accessToken));
    expect(down.kind).toBe('broker-down');
    expect(down.message).toMatch(/HTTP 502/);
    h.sim.clearFaults();

    h.sleeps.length = 0;
    h.sim.inject({ path: MARGIN, fault: { kind: 'rate-limit', retryAfterSeconds: 7 } });
    await adapter().validate(c.apiKey, tokens.accessToken);
    expect(h.sleeps).toEqual([7_000]);
    h.sleeps.length = 0;
    h.sim.inject({ path: MARGIN, times: 5, fault: { kind: 'rate-limit' } });
    const limited = await rejection(adapter().validate(c.apiKey, tokens.accessToken));
    expect(limited.kind).toBe('rate-limited');
    expect(h.sleeps.length).toBeGreaterThan(0);
  });

  it('a success without AccessToken, or a check without ClientCode, is bad-response naming the field', async () => {
    const c = creds();
    h.sim.inject({
      path: TOKEN,
      fault: {
        kind: 'reply',
        status: 200,
        json: { head: { status: '0' }, body: { Message: 'Success', Status: 0 } },
      },
    });
    const err = await rejection(adapter().exchange(c, await loginGrant(h, 'fivepaisa')));
    expect(err.kind).toBe('bad-response');
    expect(err.message).toMatch(/body\.AccessToken/);
  });

  it('a cancelled login → cancelled; hostile redirects yield nothing', async () => {
    const { redirectUri } = creds();
    const cancelled = await submitLoginPage(h, 'fivepaisa', 'cancel');
    expect(
      thrown(() => adapter().parseRedirect(cancelled, { redirectUri, state: STATE })).kind,
    ).toBe('cancelled');
    const rt = 'eyJhbGciOi.eyJzdWIi.c2ln';
    const ok = `RequestToken=${rt}`;
    for (const [url, words] of [
      [`${redirectUri}?${ok}`, /no state/],
      [`${redirectUri}?${ok}&state=someone-elses-state`, /state mismatch/],
      [`${redirectUri}?${ok}&State=${STATE}`, /no state/],
      [`http://127.0.0.1:5056/fivepaisa/callback?${ok}&state=${STATE}`, /other than/],
      [`http://localhost:5055/fivepaisa/callback?${ok}&state=${STATE}`, /other than/],
      [`https://127.0.0.1:5055/fivepaisa/callback?${ok}&state=${STATE}`, /other than/],
      [`http://127.0.0.1:5055/fivepaisa/callbackx?${ok}&state=${STATE}`, /other than/],
      [`http://user@127.0.0.1:5055/fivepaisa/callback?${ok}&state=${STATE}`, /user name/],
      [`${redirectUri}?${ok}&state=${STATE}#x`, /fragment/],
      [`${redirectUri}?${ok}&${ok}&state=${STATE}`, /repeated/],
      [`${redirectUri}?${ok}&state=${STATE}&state=${STATE}`, /repeated/],
      [`${redirectUri}?RequestToken=a%22%3Cscript%3E&state=${STATE}`, /malformed/],
      [`${redirectUri}?RequestToken=a%2Bb&state=${STATE}`, /malformed/],
      [`${redirectUri}?requesttoken=${rt}&state=${STATE}`, /no RequestToken/],
      [`${redirectUri}?state=${STATE}`, /no RequestToken/],
      [`${redirectUri}?error=server_error&state=${STATE}`, /server_error/],
      [`${redirectUri}?${ok}&error=access_denied&state=other-state-123`, /state mismatch/],
    ] as const) {
      const err = thrown(() => adapter().parseRedirect(url, { redirectUri, state: STATE }));
      expect(err.kind, url).toBe('login-failed');
      expect(err.message).toMatch(words);
      expect(err.message).not.toContain(rt);
    }
  });

  it('the login window allows the 5paisa login origins and captures exactly the redirect URI', () => {
    const redirectUri = BROKERS.fivepaisa.suggestedRedirectUri;
    const request = {
      allowedOrigins: BROKERS.fivepaisa.loginOrigins,
      isRedirect: (url: string) => adapter().isRedirect(url, redirectUri),
    };
    expect(
      decideLoginNavigation(`${redirectUri}?RequestToken=x&state=y`, 'main-frame', request),
    ).toEqual({ action: 'capture' });
    expect(
      decideLoginNavigation(
        'https://dev-openapi.5paisa.com/WebVendorLogin/VLogin/Index',
        'main-frame',
        request,
      ),
    ).toEqual({ action: 'allow' });
    expect(decideLoginNavigation('https://evil.example/', 'main-frame', request).action).toBe(
      'block',
    );
  });
});

describe('5paisa expiry: 23:59 IST the next occurrence, at the cutoff ± 1 s', () => {
  it.each([
    ['2026-03-10T09:15:00', '2026-03-10T23:59:00'],
    ['2026-03-10T23:58:59', '2026-03-10T23:59:00'],
    // Issued at or after 23:59: the next 23:59 is the next day's (the JWT exp wins if earlier).
    ['2026-03-10T23:59:00', '2026-03-11T23:59:00'],
    ['2026-03-10T23:59:01', '2026-03-11T23:59:00'],
    ['2026-03-10T23:59:30', '2026-03-11T23:59:00'],
    ['2026-03-11T00:00:00', '2026-03-11T23:59:00'],
  ])('issued %s IST → %s IST', (issued, expected) => {
    expect(asIst(accessTokenExpiry('fivepaisa', ist(issued)))).toBe(expected);
  });

  it("the token's own JWT exp wins when it is earlier than 23:59", async () => {
    const issued = ist('2026-03-10T23:59:30');
    const jwt = fakeJwt({ unique_name: '50000001' }, issued, ist('2026-03-10T23:59:59'));
    expect(asIst(accessTokenExpiry('fivepaisa', issued, jwt))).toBe('2026-03-10T23:59:59');
    // Over HTTP: a token the broker says dies at 12:00 is given until 12:00.
    const c = creds();
    const grant = await loginGrant(h, 'fivepaisa');
    const early = fakeJwt({ unique_name: '50000001' }, h.clock.now(), ist('2026-03-10T12:00:00'));
    h.sim.inject({
      path: TOKEN,
      fault: {
        kind: 'reply',
        status: 200,
        json: {
          head: { responseCode: '5PGetAccessToken', status: '0', statusDescription: 'Success' },
          body: { AccessToken: early, ClientCode: '50000001', Message: 'Success', Status: 0 },
        },
      },
    });
    const tokens = await adapter().exchange(c, grant);
    expect(asIst(tokens.expiresAt)).toBe('2026-03-10T12:00:00');
  });

  it('a token issued at 23:59:30 in the simulator lives until the next 23:59', async () => {
    h.clock.set(ist('2026-03-10T23:59:30'));
    const c = creds();
    const tokens = await adapter().exchange(c, await loginGrant(h, 'fivepaisa'));
    expect(asIst(tokens.expiresAt)).toBe('2026-03-11T23:59:00');
    h.clock.set(ist('2026-03-11T23:58:59'));
    await expect(adapter().validate(c.apiKey, tokens.accessToken)).resolves.toBeTruthy();
    h.clock.set(ist('2026-03-11T23:59:01'));
    expect((await rejection(adapter().validate(c.apiKey, tokens.accessToken))).kind).toBe(
      'expired',
    );
  });
});
