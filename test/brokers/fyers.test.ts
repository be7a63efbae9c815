import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jwtExpiry } from '../../shared/expiry';
import {
  STATE,
  credentialsOf,
  loginGrant,
  rejection,
  startHarness,
  submitLoginPage,
  thrown,
  type Harness,
} from './helpers';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const PIN = '1234';

async function loggedIn() {
  const creds = credentialsOf(h.sim, 'fyers');
  const tokens = await h.adapters.fyers.exchange(creds, await loginGrant(h, 'fyers'));
  return { creds, tokens };
}

describe('FYERS adapter against the simulator', () => {
  it('builds the documented authorize URL with a state', () => {
    const { apiKey, redirectUri } = credentialsOf(h.sim, 'fyers');
    const url = new URL(h.adapters.fyers.authorizeUrl({ apiKey, redirectUri, state: STATE }));
    expect(`${url.origin}${url.pathname}`).toBe(`${h.sim.url}/api/v3/generate-authcode`);
    expect([...url.searchParams]).toEqual([
      ['client_id', apiKey],
      ['redirect_uri', redirectUri],
      ['response_type', 'code'],
      ['state', STATE],
    ]);
  });

  it('takes auth_code as the grant; code=200 is only a status', async () => {
    const location = await submitLoginPage(h, 'fyers', 'login');
    const params = new URL(location).searchParams;
    expect(params.get('s')).toBe('ok');
    expect(params.get('code')).toBe('200');
    const { redirectUri } = credentialsOf(h.sim, 'fyers');
    const grant = h.adapters.fyers.parseRedirect(location, { redirectUri, state: STATE });
    expect(grant.code).toBe(params.get('auth_code'));
    expect(grant.code).not.toBe('200');

    const notOk = new URL(location);
    notOk.searchParams.set('code', '500');
    expect(
      thrown(() => h.adapters.fyers.parseRedirect(notOk.toString(), { redirectUri, state: STATE }))
        .kind,
    ).toBe('login-failed');
  });

  it('exchanges with the exact JSON body (appIdHash = SHA-256("app_id:secret")) and keeps both expiries', async () => {
    const creds = credentialsOf(h.sim, 'fyers');
    const grant = await loginGrant(h, 'fyers');
    const tokens = await h.adapters.fyers.exchange(creds, grant);

    const [req] = h.sim.requestsTo('POST', '/api/v3/validate-authcode');
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.json).toEqual({
      grant_type: 'authorization_code',
      appIdHash: sha256(`${creds.apiKey}:${creds.apiSecret}`),
      code: grant.code,
    });
    expect(tokens.expiresAt.toISOString()).toBe(
      new Date('2026-03-11T06:00:00+05:30').toISOString(),
    );
    expect(tokens.refreshToken).toBeDefined();
    // The refresh token's JWT exp (06:00 IST, issue date + 15 days) beats issue + 15 × 24 h.
    expect(tokens.refreshExpiresAt?.toISOString()).toBe(
      new Date('2026-03-25T06:00:00+05:30').toISOString(),
    );
    expect(jwtExpiry(tokens.refreshToken)?.toISOString()).toBe(
      tokens.refreshExpiresAt?.toISOString(),
    );
  });

  it('refreshes with refresh token + PIN; the answer has no refresh token, so none is returned', async () => {
    const { creds, tokens } = await loggedIn();
    h.clock.set(new Date('2026-03-11T09:15:00+05:30'));
    const renewed = await h.adapters.fyers.refresh!(creds, tokens.refreshToken!, PIN);

    const [req] = h.sim.requestsTo('POST', '/api/v3/validate-refresh-token');
    expect(req?.json).toEqual({
      grant_type: 'refresh_token',
      appIdHash: sha256(`${creds.apiKey}:${creds.apiSecret}`),
      refresh_token: tokens.refreshToken,
      pin: PIN,
    });
    expect(renewed.accessToken).not.toBe(tokens.accessToken);
    expect(renewed.refreshToken).toBeUndefined();
    expect(renewed.refreshExpiresAt).toBeUndefined();
    expect(renewed.issuedAt.toISOString()).toBe(h.clock.now().toISOString());
    expect(renewed.expiresAt.toISOString()).toBe(
      new Date('2026-03-12T06:00:00+05:30').toISOString(),
    );
    await expect(h.adapters.fyers.validate(creds.apiKey, renewed.accessToken)).resolves.toEqual({
      userId: 'XS00001',
      userName: 'Simulated FYERS User',
    });
  });

  it('a wrong PIN is bad-credentials and is not retried', async () => {
    const { creds, tokens } = await loggedIn();
    const err = await rejection(h.adapters.fyers.refresh!(creds, tokens.refreshToken!, '9999'));
    expect(err.kind).toBe('bad-credentials');
    expect(err.message).toMatch(/PIN/);
    expect(h.sim.requestsTo('POST', '/api/v3/validate-refresh-token')).toHaveLength(1);
  });

  it('a refresh token past its 15 days is expired; a revoked one is revoked', async () => {
    const { creds, tokens } = await loggedIn();
    h.sim.revokeToken(tokens.refreshToken!);
    const revoked = await rejection(h.adapters.fyers.refresh!(creds, tokens.refreshToken!, PIN));
    expect(revoked.kind).toBe('revoked');
    expect(revoked.details.brokerCode).toBe('-16');
    expect(revoked.message).toMatch(/refresh token.*Log in/);

    const second = await loggedIn();
    h.clock.set(new Date('2026-03-25T06:00:00+05:30'));
    const expired = await rejection(
      h.adapters.fyers.refresh!(creds, second.tokens.refreshToken!, PIN),
    );
    expect(expired.kind).toBe('expired');
    expect(expired.details.brokerCode).toBe('-8');
  });

  it('validates with "app_id:access_token" (+ version: 3); -8 → expired, -16/-15 → revoked', async () => {
    const { creds, tokens } = await loggedIn();
    await h.adapters.fyers.validate(creds.apiKey, tokens.accessToken);
    const [req] = h.sim.requestsTo('GET', '/api/v3/profile');
    expect(req?.headers['authorization']).toBe(`${creds.apiKey}:${tokens.accessToken}`);
    expect(req?.headers['version']).toBe('3');

    const unknown = await rejection(h.adapters.fyers.validate(creds.apiKey, 'not-a-token'));
    expect(unknown).toMatchObject({ kind: 'revoked', details: { brokerCode: '-15' } });

    h.sim.revokeToken(tokens.accessToken);
    const revoked = await rejection(h.adapters.fyers.validate(creds.apiKey, tokens.accessToken));
    expect(revoked).toMatchObject({ kind: 'revoked', details: { status: 401, brokerCode: '-16' } });

    const fresh = await loggedIn();
    h.clock.set(new Date('2026-03-11T06:00:00+05:30'));
    const expired = await rejection(
      h.adapters.fyers.validate(creds.apiKey, fresh.tokens.accessToken),
    );
    expect(expired).toMatchObject({ kind: 'expired', details: { brokerCode: '-8' } });
    expect(expired.message).toMatch(/06:00 IST/);
  });

  it('reads errors from the body even with HTTP 200 (-17 → revoked before exp, -429 → rate-limited)', async () => {
    const { creds, tokens } = await loggedIn();
    h.sim.inject({
      path: '/api/v3/profile',
      fault: { kind: 'reply', status: 200, json: { s: 'error', code: -17, message: 'x' } },
    });
    const revoked = await rejection(h.adapters.fyers.validate(creds.apiKey, tokens.accessToken));
    expect(revoked).toMatchObject({ kind: 'revoked', details: { status: 200, brokerCode: '-17' } });

    h.sim.inject({
      path: '/api/v3/profile',
      fault: { kind: 'reply', status: 200, json: { s: 'error', code: -429, message: 'limit' } },
    });
    const limited = await rejection(h.adapters.fyers.validate(creds.apiKey, tokens.accessToken));
    expect(limited.kind).toBe('rate-limited');
    expect(limited.message).toMatch(/blocks the account for the rest of the day/);
    expect(h.sim.requestsTo('GET', '/api/v3/profile')).toHaveLength(2); // one each: no retries
    expect(h.sleeps).toEqual([]);
  });

  it('a null message does not hide the code: HTTP 200 {s:"error", code:-8, message:null} → expired', async () => {
    const { creds, tokens } = await loggedIn();
    h.sim.inject({
      path: '/api/v3/profile',
      fault: { kind: 'reply', status: 200, json: { s: 'error', code: -8, message: null } },
    });
    const err = await rejection(h.adapters.fyers.validate(creds.apiKey, tokens.accessToken));
    expect(err).toMatchObject({ kind: 'expired', details: { status: 200, brokerCode: '-8' } });
  });

  it('a wrong secret → -371 bad-credentials; a reused auth_code → login-failed', async () => {
    const creds = credentialsOf(h.sim, 'fyers');
    const wrong = await rejection(
      h.adapters.fyers.exchange({ ...creds, apiSecret: 'WRONG' }, await loginGrant(h, 'fyers')),
    );
    expect(wrong).toMatchObject({ kind: 'bad-credentials', details: { brokerCode: '-371' } });
    expect(wrong.message).toMatch(/Secret ID/);

    const grant = await loginGrant(h, 'fyers');
    await h.adapters.fyers.exchange(creds, grant);
    const reused = await rejection(h.adapters.fyers.exchange(creds, grant));
    expect(reused.kind).toBe('login-failed');
    expect(reused.message).toMatch(/auth code.*Log in again/);
  });

  it('logs out with POST /api/v3/logout', async () => {
    const { creds, tokens } = await loggedIn();
    await h.adapters.fyers.logout!(creds.apiKey, tokens.accessToken);
    expect(h.sim.tokenStatus('fyers', tokens.accessToken)).toBe('revoked');
    const [req] = h.sim.requestsTo('POST', '/api/v3/logout');
    expect(req?.headers['authorization']).toBe(`${creds.apiKey}:${tokens.accessToken}`);
    await expect(h.adapters.fyers.logout!(creds.apiKey, tokens.accessToken)).resolves.toBe(
      undefined,
    );
  });

  it('cancel → "login cancelled"; an error redirect → failed with the broker\'s words', async () => {
    const { redirectUri } = credentialsOf(h.sim, 'fyers');
    const location = await submitLoginPage(h, 'fyers', 'cancel');
    expect(
      thrown(() => h.adapters.fyers.parseRedirect(location, { redirectUri, state: STATE })).kind,
    ).toBe('cancelled');
    const failed = thrown(() =>
      h.adapters.fyers.parseRedirect(
        `${redirectUri}?s=error&code=-413&message=Invalid+app+id&state=${STATE}`,
        { redirectUri, state: STATE },
      ),
    );
    expect(failed.kind).toBe('login-failed');
    expect(failed.message).toContain('-413: Invalid app id');
  });
});
