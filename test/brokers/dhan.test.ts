/**
 * Dhan consent login against the simulator (brokers-more.md §2.2): consent call → login page →
 * redirect with tokenId (no state) → consumeApp-consent → token with a rolling 24 h life; profile
 * check; RenewToken; wrong key/secret/client ID, used or expired tokenIds (never resent), revoked
 * and expired tokens, 5xx and 429, hostile redirects, expiryTime in its possible zones.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { accessTokenExpiry } from '../../shared/expiry';
import { dhanExpiryTime } from '../../electron/core/brokers/dhan';
import type { TokenTrayError } from '../../electron/core/errors';
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
} from './helpers';

const CONSENT = '/app/generate-consent';
const LOGIN_PAGE = '/login/consentApp-login';
const CONSUME = '/app/consumeApp-consent';
const PROFILE = '/v2/profile';
const RENEW = '/v2/RenewToken';
const HOUR = 3_600_000;
const naiveIst = (d: Date) =>
  DateTime.fromJSDate(d, { zone: 'Asia/Kolkata' }).toFormat("yyyy-MM-dd'T'HH:mm:ss");
const naiveUtc = (d: Date) =>
  DateTime.fromJSDate(d, { zone: 'UTC' }).toFormat("yyyy-MM-dd'T'HH:mm:ss");

/** A JWT-shaped token that is none of the simulator's (for answers a test forces). */
function jwtLike(claims: Record<string, unknown>): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${b64({ alg: 'HS512', typ: 'JWT' })}.${b64(claims)}.c2lnbmF0dXJl`;
}

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

async function loggedIn() {
  const creds = credentialsOf(h.sim, 'dhan');
  const tokens = await h.adapters.dhan.exchange(creds, await loginGrant(h, 'dhan'));
  return { creds, tokens };
}

/** Everything of an error a user, the log or the renderer could see. */
function expectNoSecret(err: TokenTrayError, secrets: readonly string[]): void {
  for (const s of secrets) {
    for (const text of [err.message, JSON.stringify(err.details), h.logger.text()]) {
      expect(text.includes(s)).toBe(false);
    }
  }
}

describe('Dhan login: consent call, page, tokenId, consume', () => {
  it('authorizeUrl refuses: the page exists only after the consent call', () => {
    const { apiKey, redirectUri } = credentialsOf(h.sim, 'dhan');
    const err = thrown(() => h.adapters.dhan.authorizeUrl({ apiKey, redirectUri, state: STATE }));
    expect(err.kind).toBe('config');
    expect(err.message).toMatch(/only after a consent call/);
  });

  it('startLogin posts the consent call (client_id in the query, app_id/app_secret headers) and returns the consent login page', async () => {
    const creds = credentialsOf(h.sim, 'dhan');
    const page = new URL(await h.adapters.dhan.startLogin!(creds, STATE));
    const [req] = h.sim.requestsTo('POST', CONSENT);
    expect(h.sim.requestsTo('POST', CONSENT)).toHaveLength(1);
    expect(req?.query).toEqual({ client_id: '1100000001' });
    expect(req?.headers['app_id']).toBe(creds.apiKey);
    expect(req?.headers['app_secret']).toBe(creds.apiSecret);
    expect(req?.body).toBe('');
    expect(`${page.origin}${page.pathname}`).toBe(`${h.sim.url}${LOGIN_PAGE}`);
    expect([...page.searchParams.keys()]).toEqual(['consentAppId']);
    expect(page.searchParams.get('consentAppId')).toMatch(/^[0-9a-f-]{36}$/);
    // Each login asks for its own consent: that is Dhan's correlation, not a state.
    const again = new URL(await h.adapters.dhan.startLogin!(creds, STATE));
    expect(again.searchParams.get('consentAppId')).not.toBe(page.searchParams.get('consentAppId'));
  });

  it('happy path: redirect with tokenId and no state → GET consume with the exact headers → validated token living 24 h', async () => {
    const creds = credentialsOf(h.sim, 'dhan');
    const location = await submitLoginPage(h, 'dhan', 'login');
    const back = new URL(location);
    expect(`${back.origin}${back.pathname}`).toBe(creds.redirectUri);
    expect([...back.searchParams.keys()]).toEqual(['tokenId']);
    const grant = h.adapters.dhan.parseRedirect(location, {
      redirectUri: creds.redirectUri,
      state: STATE,
    });
    expect(grant).toEqual({ code: back.searchParams.get('tokenId') });

    const tokens = await h.adapters.dhan.exchange(creds, grant);
    const consumes = h.sim.requestsTo('GET', CONSUME);
    expect(consumes).toHaveLength(1);
    const [req] = consumes;
    expect(req?.query).toEqual({ tokenId: grant.code });
    expect(req?.headers['app_id']).toBe(creds.apiKey);
    expect(req?.headers['app_secret']).toBe(creds.apiSecret);
    expect(req?.body).toBe('');
    expect(h.sim.grantUsed(grant.code)).toBe(true);

    // Tue 10:00 IST + 24 h, no daily cutoff; the broker's expiryTime (naive IST) agrees.
    expect(tokens.issuedAt.toISOString()).toBe(ist('2026-03-10T10:00:00').toISOString());
    expect(tokens.expiresAt.toISOString()).toBe(ist('2026-03-11T10:00:00').toISOString());
    expect(tokens.brokerExpiresAt?.toISOString()).toBe(tokens.expiresAt.toISOString());
    expect(tokens.userId).toBe('1100000001');
    expect(tokens.userName).toBe('Simulated Dhan User');
    expect(tokens.refreshToken).toBeUndefined();

    await expect(
      h.adapters.dhan.validate(creds.apiKey, tokens.accessToken, { clientId: '1100000001' }),
    ).resolves.toEqual({ userId: '1100000001', userName: undefined });
    const [profile] = h.sim.requestsTo('GET', PROFILE);
    expect(profile?.headers['access-token']).toBe(tokens.accessToken);
    expect(profile?.headers['dhanclientid']).toBe('1100000001');
    expect(h.sim.tokenStatus('dhan', tokens.accessToken)).toBe('valid');
  });

  it('a missing or malformed client ID → config naming the field, before anything is sent', async () => {
    const { clientId: _omit, ...creds } = credentialsOf(h.sim, 'dhan');
    const missing = await rejection(h.adapters.dhan.startLogin!(creds, STATE));
    expect(missing.kind).toBe('config');
    expect(missing.message).toMatch(/Enter your Dhan client ID in the account settings/);
    const bad = await rejection(
      h.adapters.dhan.startLogin!({ ...creds, clientId: '11 000/01' }, STATE),
    );
    expect(bad.kind).toBe('config');
    expect(bad.message).toMatch(/client ID/);
    expect(h.sim.requests).toHaveLength(0);
  });

  it('a wrong secret or key fails the consent call before any page opens; a wrong client ID is named', async () => {
    const creds = credentialsOf(h.sim, 'dhan');
    const wrongSecret = await rejection(
      h.adapters.dhan.startLogin!({ ...creds, apiSecret: 'wrong-secret-not-real' }, STATE),
    );
    expect(wrongSecret.kind).toBe('bad-credentials');
    expect(wrongSecret.details).toMatchObject({ status: 401, brokerCode: 'DH-901' });
    expect(wrongSecret.message).toMatch(/API key or secret/);
    const wrongKey = await rejection(
      h.adapters.dhan.startLogin!({ ...creds, apiKey: 'someone-elses-app' }, STATE),
    );
    expect(wrongKey.kind).toBe('bad-credentials');
    const wrongClient = await rejection(
      h.adapters.dhan.startLogin!({ ...creds, clientId: '1100000999' }, STATE),
    );
    expect(wrongClient.kind).toBe('bad-credentials');
    expect(wrongClient.message).toMatch(/client ID/);
    expect(h.sim.requestsTo('GET', LOGIN_PAGE)).toHaveLength(0);
    expectNoSecret(wrongSecret, ['wrong-secret-not-real', creds.apiSecret]);
  });

  it('a wrong secret at the exchange → bad-credentials, sent once', async () => {
    const creds = credentialsOf(h.sim, 'dhan');
    const grant = await loginGrant(h, 'dhan');
    const err = await rejection(
      h.adapters.dhan.exchange({ ...creds, apiSecret: 'wrong-secret-not-real' }, grant),
    );
    expect(err.kind).toBe('bad-credentials');
    expect(err.details.brokerCode).toBe('DH-901');
    expect(h.sim.requestsTo('GET', CONSUME)).toHaveLength(1);
    expectNoSecret(err, ['wrong-secret-not-real', creds.apiSecret, grant.code]);
  });

  it('a used tokenId → login-failed, and it is not resent', async () => {
    const creds = credentialsOf(h.sim, 'dhan');
    const grant = await loginGrant(h, 'dhan');
    await h.adapters.dhan.exchange(creds, grant);
    h.sim.clearRequests();
    const err = await rejection(h.adapters.dhan.exchange(creds, grant));
    expect(err.kind).toBe('login-failed');
    expect(err.details).toMatchObject({ status: 400, brokerCode: 'DH-905' });
    expect(err.message).toMatch(/works once/);
    expect(h.sim.requestsTo('GET', CONSUME)).toHaveLength(1);
    expectNoSecret(err, [grant.code, creds.apiSecret]);
  });

  it('an expired tokenId (11 minutes later) → login-failed, sent once', async () => {
    const creds = credentialsOf(h.sim, 'dhan');
    const grant = await loginGrant(h, 'dhan');
    h.clock.advance(11 * 60_000);
    const err = await rejection(h.adapters.dhan.exchange(creds, grant));
    expect(err.kind).toBe('login-failed');
    expect(h.sim.requestsTo('GET', CONSUME)).toHaveLength(1);
  });

  it.each([
    ['5xx', { kind: 'status', status: 503 } as const, 'broker-down'],
    ['429 with Retry-After', { kind: 'rate-limit', retryAfterSeconds: 2 } as const, 'rate-limited'],
    ['429 without Retry-After', { kind: 'rate-limit' } as const, 'rate-limited'],
    ['a dropped connection', { kind: 'drop' } as const, 'broker-down'],
  ])(
    'the exchange meeting %s is never resent (the tokenId may be burnt) and says to log in again',
    async (_name, fault, kind) => {
      const creds = credentialsOf(h.sim, 'dhan');
      const grant = await loginGrant(h, 'dhan');
      h.sim.inject({ path: CONSUME, times: 3, fault });
      const err = await rejection(h.adapters.dhan.exchange(creds, grant));
      expect(err.kind).toBe(kind);
      expect(err.message).toMatch(/click Log in again/);
      expect(h.sim.requestsTo('GET', CONSUME)).toHaveLength(1);
      expect(h.sim.grantUsed(grant.code)).toBe(true);
      if ('retryAfterSeconds' in fault) {
        expect(err.details.retryAfterMs).toBe(2_000);
      }
    },
  );

  it('a login as a different Dhan client than the configured client ID → login-failed, no token', async () => {
    await h.close();
    h = await startHarness({
      sim: { users: { dhan: { userId: '1100000002', userName: 'Someone Else' } } },
    });
    const creds = credentialsOf(h.sim, 'dhan');
    const err = await rejection(h.adapters.dhan.exchange(creds, await loginGrant(h, 'dhan')));
    expect(err.kind).toBe('login-failed');
    expect(err.message).toMatch(/logged in as a different Dhan client/);
    expect(err.message).toContain('1100000001');
  });

  it('a consume answer without accessToken, or with a token of the wrong shape, is bad-response', async () => {
    const creds = credentialsOf(h.sim, 'dhan');
    h.sim.inject({
      path: CONSUME,
      fault: { kind: 'reply', status: 200, json: { dhanClientId: '1100000001' } },
    });
    const missing = await rejection(h.adapters.dhan.exchange(creds, await loginGrant(h, 'dhan')));
    expect(missing.kind).toBe('bad-response');
    expect(missing.message).toMatch(/accessToken/);
    h.sim.inject({
      path: CONSUME,
      fault: {
        kind: 'reply',
        status: 200,
        json: { dhanClientId: '1100000001', accessToken: 'has spaces <script>' },
      },
    });
    const odd = await rejection(h.adapters.dhan.exchange(creds, await loginGrant(h, 'dhan')));
    expect(odd.kind).toBe('bad-response');
  });

  it('the simulator takes consumeApp-consent as GET only (the SDK method; OpenAlgo POSTs)', async () => {
    const res = await fetch(`${h.sim.url}${CONSUME}?tokenId=x`, { method: 'POST' });
    expect(res.status).toBe(405);
  });
});

describe('Dhan token checks and errors', () => {
  it('validate works from the token alone (its dhanClientId claim) and without any client ID', async () => {
    const { creds, tokens } = await loggedIn();
    await expect(h.adapters.dhan.validate(creds.apiKey, tokens.accessToken)).resolves.toMatchObject(
      {
        userId: '1100000001',
      },
    );
    expect(h.sim.requestsTo('GET', PROFILE)[0]?.headers['dhanclientid']).toBe('1100000001');
  });

  it('a token revoked elsewhere → revoked; the same token past its 24 h → expired', async () => {
    const { creds, tokens } = await loggedIn();
    h.sim.revokeToken(tokens.accessToken);
    const revoked = await rejection(h.adapters.dhan.validate(creds.apiKey, tokens.accessToken));
    expect(revoked.kind).toBe('revoked');
    expect(revoked.details).toMatchObject({ status: 401, brokerCode: 'DH-901' });
    expectNoSecret(revoked, [tokens.accessToken]);

    const fresh = await loggedIn();
    h.clock.set(new Date(fresh.tokens.expiresAt.getTime() + 1_000));
    const expired = await rejection(
      h.adapters.dhan.validate(creds.apiKey, fresh.tokens.accessToken),
    );
    expect(expired.kind).toBe('expired');
    expect(expired.message).toMatch(/24 hours/);
  });

  it('a profile answered for another client ID than ours is refused by Dhan (DH-901)', async () => {
    const { creds, tokens } = await loggedIn();
    const err = await rejection(
      h.adapters.dhan.validate(creds.apiKey, tokens.accessToken, { clientId: '1100000009' }),
    );
    expect(err.kind).toBe('revoked');
  });

  it('5xx on the check is retried, then broker-down; 429 waits Retry-After, else backs off, then rate-limited', async () => {
    const { creds, tokens } = await loggedIn();
    h.sim.inject({ path: PROFILE, times: 1, fault: { kind: 'status', status: 503 } });
    await expect(h.adapters.dhan.validate(creds.apiKey, tokens.accessToken)).resolves.toBeTruthy();
    expect(h.sim.requestsTo('GET', PROFILE)).toHaveLength(2);
    h.sim.inject({ path: PROFILE, times: 5, fault: { kind: 'status', status: 502 } });
    const down = await rejection(h.adapters.dhan.validate(creds.apiKey, tokens.accessToken));
    expect(down.kind).toBe('broker-down');
    expect(down.details).toMatchObject({ status: 502, brokerCode: 'DH-908' });
    h.sim.clearFaults();

    h.sleeps.length = 0;
    h.sim.inject({ path: PROFILE, fault: { kind: 'rate-limit', retryAfterSeconds: 7 } });
    await h.adapters.dhan.validate(creds.apiKey, tokens.accessToken);
    expect(h.sleeps).toEqual([7_000]);
    h.sleeps.length = 0;
    h.sim.inject({ path: PROFILE, times: 5, fault: { kind: 'rate-limit' } });
    const limited = await rejection(h.adapters.dhan.validate(creds.apiKey, tokens.accessToken));
    expect(limited.kind).toBe('rate-limited');
    expect(limited.details.brokerCode).toBe('DH-904');
    expect(h.sleeps.length).toBeGreaterThan(0);
  });

  it('DH-904 in a non-429 answer is a rate limit, DH-902 is missing API access, others are bad-response with the code', async () => {
    const { creds, tokens } = await loggedIn();
    const once = h.adaptersWith({ retry: { attempts: 1 } }).dhan;
    const body = (code: string, type: string) => ({
      errorType: type,
      errorCode: code,
      errorMessage: `message for ${code}`,
    });
    h.sim.inject({
      path: PROFILE,
      fault: { kind: 'reply', status: 400, json: body('DH-904', 'Rate_Limit') },
    });
    expect((await rejection(once.validate(creds.apiKey, tokens.accessToken))).kind).toBe(
      'rate-limited',
    );
    h.sim.inject({
      path: PROFILE,
      fault: { kind: 'reply', status: 403, json: body('DH-902', 'Invalid_Access') },
    });
    const access = await rejection(once.validate(creds.apiKey, tokens.accessToken));
    expect(access).toMatchObject({ kind: 'bad-credentials', details: { brokerCode: 'DH-902' } });
    h.sim.inject({
      path: PROFILE,
      fault: { kind: 'reply', status: 400, json: body('DH-910', 'Others') },
    });
    const other = await rejection(once.validate(creds.apiKey, tokens.accessToken));
    expect(other).toMatchObject({ kind: 'bad-response', details: { brokerCode: 'DH-910' } });
    expect(other.message).toContain('message for DH-910');
  });
});

describe('Dhan RenewToken', () => {
  it('renews: GET with access-token and dhanClientId → a new token living 24 h from the renewal; the old one ends (Guess)', async () => {
    const { creds, tokens } = await loggedIn();
    h.clock.advance(20 * HOUR);
    const renewed = await h.adapters.dhan.renew!(creds, tokens.accessToken, {
      clientId: '1100000001',
      userId: '1100000001',
    });
    const [req] = h.sim.requestsTo('GET', RENEW);
    expect(h.sim.requestsTo('GET', RENEW)).toHaveLength(1);
    expect(req?.headers['access-token']).toBe(tokens.accessToken);
    expect(req?.headers['dhanclientid']).toBe('1100000001');
    expect(renewed.accessToken).not.toBe(tokens.accessToken);
    expect(renewed.issuedAt.toISOString()).toBe(ist('2026-03-11T06:00:00').toISOString());
    expect(renewed.expiresAt.toISOString()).toBe(ist('2026-03-12T06:00:00').toISOString());
    expect(renewed.expiresAt.getTime() - tokens.expiresAt.getTime()).toBe(20 * HOUR);
    expect(renewed.userId).toBe('1100000001');
    expect(h.sim.tokenStatus('dhan', renewed.accessToken)).toBe('valid');
    expect(h.sim.tokenStatus('dhan', tokens.accessToken)).toBe('revoked');
    await expect(h.adapters.dhan.validate(creds.apiKey, renewed.accessToken)).resolves.toBeTruthy();
  });

  it('renewing an expired token → expired; a revoked one → revoked; nothing new is issued', async () => {
    const { creds, tokens } = await loggedIn();
    h.clock.set(new Date(tokens.expiresAt.getTime() + 1_000));
    const expired = await rejection(h.adapters.dhan.renew!(creds, tokens.accessToken, {}));
    expect(expired.kind).toBe('expired');
    expect(expired.message).toMatch(/cannot be renewed/);
    expect(expired.details.brokerCode).toBe('DH-901');

    const fresh = await loggedIn();
    h.sim.revokeToken(fresh.tokens.accessToken);
    const revoked = await rejection(h.adapters.dhan.renew!(creds, fresh.tokens.accessToken, {}));
    expect(revoked.kind).toBe('revoked');
    // A token the renewal already replaced is revoked too.
    const third = await loggedIn();
    await h.adapters.dhan.renew!(creds, third.tokens.accessToken, {});
    const replaced = await rejection(h.adapters.dhan.renew!(creds, third.tokens.accessToken, {}));
    expect(replaced.kind).toBe('revoked');
    expectNoSecret(replaced, [third.tokens.accessToken, creds.apiSecret]);
  });

  it('without any client ID (opaque token, none configured) renew is a config error, nothing sent', async () => {
    const { clientId: _omit, ...creds } = credentialsOf(h.sim, 'dhan');
    const err = await rejection(h.adapters.dhan.renew!(creds, 'opaque-token-not-a-jwt', {}));
    expect(err.kind).toBe('config');
    expect(err.message).toMatch(/client ID/);
    expect(h.sim.requestsTo('GET', RENEW)).toHaveLength(0);
  });

  it('accepts a renewal answer naming the token `token` (a community script reads that)', async () => {
    const { creds, tokens } = await loggedIn();
    const issued = h.clock.now();
    const fresh = jwtLike({
      dhanClientId: '1100000001',
      iat: Math.floor(issued.getTime() / 1000),
      exp: Math.floor(issued.getTime() / 1000) + 86_400,
    });
    h.sim.inject({ path: RENEW, fault: { kind: 'reply', status: 200, json: { token: fresh } } });
    const renewed = await h.adapters.dhan.renew!(creds, tokens.accessToken, {});
    expect(renewed.accessToken).toBe(fresh);
    expect(renewed.expiresAt.getTime() - issued.getTime()).toBe(24 * HOUR);
    h.sim.inject({ path: RENEW, fault: { kind: 'reply', status: 200, json: { status: 'ok' } } });
    const hollow = await rejection(h.adapters.dhan.renew!(creds, tokens.accessToken, {}));
    expect(hollow.kind).toBe('bad-response');
    expect(hollow.message).toMatch(/accessToken/);
  });

  it('5xx on the renewal is retried, then broker-down; the old token is kept', async () => {
    const { creds, tokens } = await loggedIn();
    h.sim.inject({ path: RENEW, times: 5, fault: { kind: 'status', status: 500 } });
    const err = await rejection(h.adapters.dhan.renew!(creds, tokens.accessToken, {}));
    expect(err.kind).toBe('broker-down');
    expect(h.sim.requestsTo('GET', RENEW)).toHaveLength(3);
    expect(h.sim.tokenStatus('dhan', tokens.accessToken)).toBe('valid');
  });
});

describe('Dhan redirects', () => {
  it('the cancel form comes back as cancelled; hostile redirects yield nothing', async () => {
    const { redirectUri } = credentialsOf(h.sim, 'dhan');
    const cancelled = await submitLoginPage(h, 'dhan', 'cancel');
    expect(
      thrown(() => h.adapters.dhan.parseRedirect(cancelled, { redirectUri, state: STATE })).kind,
    ).toBe('cancelled');
    const ok = 'tokenId=9f1c2b7e-0d4a-4c55-a1b2-3c4d5e6f7a8b';
    for (const [url, words] of [
      [`${redirectUri}?${ok}&state=someone-elses-state`, /state mismatch/],
      [`http://127.0.0.1:5056/dhan/callback?${ok}`, /other than/],
      [`http://localhost:5055/dhan/callback?${ok}`, /other than/],
      [`https://127.0.0.1:5055/dhan/callback?${ok}`, /other than/],
      [`http://127.0.0.1:5055/dhan/callback/x?${ok}`, /other than/],
      [`http://evil.example/dhan/callback?${ok}`, /other than/],
      [`http://user@127.0.0.1:5055/dhan/callback?${ok}`, /user name/],
      [`${redirectUri}?${ok}#frag`, /fragment/],
      [`${redirectUri}#${ok}`, /fragment/],
      [`${redirectUri}?${ok}&${ok}`, /repeated/],
      [`${redirectUri}?${ok}&tokenid=other`, /two tokenIds/],
      [`${redirectUri}?tokenId=a%22%3Cscript%3E`, /malformed/],
      [`${redirectUri}?tokenId=a%2Fb`, /malformed/],
      [`${redirectUri}?tokenId=`, /no tokenId/],
      [`${redirectUri}?consentAppId=x`, /no tokenId/],
      [`${redirectUri}?${ok}&error=server_error`, /said "server_error"/],
      [`${redirectUri}?${ok}&status=failed`, /status "failed"/],
      ['not a url', /other than/],
    ] as const) {
      const err = thrown(() => h.adapters.dhan.parseRedirect(url, { redirectUri, state: STATE }));
      expect(err.kind, url).toBe('login-failed');
      expect(err.message, url).toMatch(words);
      expect(err.message).not.toContain('9f1c2b7e-0d4a-4c55-a1b2-3c4d5e6f7a8b');
    }
  });

  it('accepts a redirect carrying our own state, or the partner spelling tokenid; refuses an empty expected state', () => {
    const { redirectUri } = credentialsOf(h.sim, 'dhan');
    const parse = (url: string, state = STATE) =>
      h.adapters.dhan.parseRedirect(url, { redirectUri, state });
    expect(parse(`${redirectUri}?tokenId=abc-123&state=${STATE}`)).toEqual({ code: 'abc-123' });
    expect(parse(`${redirectUri}?tokenid=abc-123`)).toEqual({ code: 'abc-123' });
    expect(thrown(() => parse(`${redirectUri}?tokenId=abc-123`, '')).kind).toBe('login-failed');
  });
});

describe('Dhan expiry: a rolling 24 h, the broker instant and the JWT exp, earliest wins', () => {
  it.each([
    ['2026-03-10T04:59:59', '2026-03-11T04:59:59'],
    ['2026-03-10T10:00:00', '2026-03-11T10:00:00'],
    ['2026-03-10T23:59:59', '2026-03-11T23:59:59'],
    ['2026-03-11T00:00:00', '2026-03-12T00:00:00'],
  ])('issued %s IST → %s IST (no daily cutoff)', (issued, expected) => {
    expect(accessTokenExpiry('dhan', ist(issued)).toISOString()).toBe(ist(expected).toISOString());
  });

  it('the simulator token lives exactly 24 h: valid 1 s before, rejected 1 s after', async () => {
    const { creds, tokens } = await loggedIn();
    h.clock.set(new Date(tokens.expiresAt.getTime() - 1_000));
    await expect(h.adapters.dhan.validate(creds.apiKey, tokens.accessToken)).resolves.toBeTruthy();
    h.clock.set(new Date(tokens.expiresAt.getTime() + 1_000));
    expect((await rejection(h.adapters.dhan.validate(creds.apiKey, tokens.accessToken))).kind).toBe(
      'expired',
    );
  });

  it('expiryTime: naive IST or naive UTC, whichever lands 24 h after issue; an offset as it says; anything else ignored', () => {
    const issued = ist('2026-03-10T10:00:00');
    const dayLater = new Date(issued.getTime() + 24 * HOUR);
    expect(dhanExpiryTime(naiveIst(dayLater), issued)).toEqual(dayLater);
    expect(dhanExpiryTime(naiveUtc(dayLater), issued)).toEqual(dayLater);
    expect(dhanExpiryTime(`${naiveIst(dayLater)}.123`, issued)?.getTime()).toBe(
      dayLater.getTime() + 123,
    );
    const fourMinEarly = new Date(dayLater.getTime() - 4 * 60_000);
    expect(dhanExpiryTime(naiveIst(fourMinEarly), issued)).toEqual(fourMinEarly);
    // 2 h early in either zone: fits neither reading → ignored.
    expect(
      dhanExpiryTime(naiveIst(new Date(dayLater.getTime() - 2 * HOUR)), issued),
    ).toBeUndefined();
    expect(dhanExpiryTime('2026-03-11T06:00:00+05:30', issued)).toEqual(ist('2026-03-11T06:00:00'));
    expect(dhanExpiryTime('2026-03-11T04:30:00Z', issued)).toEqual(ist('2026-03-11T10:00:00'));
    for (const junk of [
      undefined,
      null,
      1773203400,
      '',
      'tomorrow',
      '2026-13-40T99:00:00',
      'x'.repeat(100),
    ]) {
      expect(dhanExpiryTime(junk, issued)).toBeUndefined();
    }
  });

  it('the broker-returned instant wins when earlier; a later one does not extend the 24 h', async () => {
    const creds = credentialsOf(h.sim, 'dhan');
    const now = h.clock.now();
    const token = jwtLike({ dhanClientId: '1100000001', iat: Math.floor(now.getTime() / 1000) });
    const answer = (expiryTime: string) => ({
      kind: 'reply' as const,
      status: 200,
      json: { dhanClientId: '1100000001', accessToken: token, expiryTime },
    });
    h.sim.inject({ path: CONSUME, fault: answer('2026-03-11T06:00:00+05:30') });
    const early = await h.adapters.dhan.exchange(creds, await loginGrant(h, 'dhan'));
    expect(early.expiresAt.toISOString()).toBe(ist('2026-03-11T06:00:00').toISOString());
    expect(early.brokerExpiresAt?.toISOString()).toBe(early.expiresAt.toISOString());

    const threeMinEarly = new Date(now.getTime() + 24 * HOUR - 3 * 60_000);
    h.sim.inject({ path: CONSUME, fault: answer(naiveIst(threeMinEarly)) });
    const naive = await h.adapters.dhan.exchange(creds, await loginGrant(h, 'dhan'));
    expect(naive.expiresAt).toEqual(threeMinEarly);

    h.sim.inject({ path: CONSUME, fault: answer('2026-03-12T10:00:00+05:30') });
    const late = await h.adapters.dhan.exchange(creds, await loginGrant(h, 'dhan'));
    expect(late.expiresAt.toISOString()).toBe(ist('2026-03-11T10:00:00').toISOString());
  });

  it('a JWT exp earlier than 24 h wins over the rule', async () => {
    const creds = credentialsOf(h.sim, 'dhan');
    const now = h.clock.now();
    const exp = Math.floor(now.getTime() / 1000) + 3_600;
    const token = jwtLike({ dhanClientId: '1100000001', exp });
    h.sim.inject({
      path: CONSUME,
      fault: {
        kind: 'reply',
        status: 200,
        json: { dhanClientId: '1100000001', accessToken: token },
      },
    });
    const tokens = await h.adapters.dhan.exchange(creds, await loginGrant(h, 'dhan'));
    expect(tokens.expiresAt.getTime()).toBe(exp * 1000);
    expect(tokens.brokerExpiresAt).toBeUndefined();
  });
});

describe('Dhan secrets', () => {
  it('the API secret, tokenIds and tokens reach neither the log nor an error, and all are registered', async () => {
    const { creds, tokens } = await loggedIn();
    const errors: TokenTrayError[] = [];
    const grant = await loginGrant(h, 'dhan');
    await h.adapters.dhan.exchange(creds, grant);
    errors.push(await rejection(h.adapters.dhan.exchange(creds, grant)));
    errors.push(
      await rejection(
        h.adapters.dhan.exchange({ ...creds, apiSecret: 'wrong-secret-not-real' }, grant),
      ),
    );
    // Dhan echoing the request back.
    const g2 = await loginGrant(h, 'dhan');
    h.sim.inject({
      path: CONSUME,
      fault: {
        kind: 'reply',
        status: 400,
        json: {
          errorType: 'Input_Exception',
          errorCode: 'DH-905',
          errorMessage: `bad ${g2.code} with ${creds.apiSecret}`,
        },
      },
    });
    errors.push(await rejection(h.adapters.dhan.exchange(creds, g2)));
    h.sim.inject({
      path: PROFILE,
      fault: {
        kind: 'reply',
        status: 400,
        json: {
          errorType: 'Others',
          errorCode: 'DH-910',
          errorMessage: `bad ${tokens.accessToken}`,
        },
      },
    });
    errors.push(await rejection(h.adapters.dhan.validate(creds.apiKey, tokens.accessToken)));
    const renewed = await h.adapters.dhan.renew!(creds, tokens.accessToken, {});
    errors.push(await rejection(h.adapters.dhan.renew!(creds, tokens.accessToken, {})));
    const secrets = [
      creds.apiSecret,
      'wrong-secret-not-real',
      grant.code,
      g2.code,
      tokens.accessToken,
      renewed.accessToken,
    ];
    for (const e of errors) expectNoSecret(e, secrets);
    expect(h.logger.entries.length).toBeGreaterThan(5);
    for (const s of secrets) expect(h.logger.registered.has(s), s.slice(0, 12)).toBe(true);
  });
});
