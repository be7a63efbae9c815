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

describe('Upstox adapter against the simulator', () => {
  it('builds the documented authorize URL with a state', () => {
    const { apiKey, redirectUri } = credentialsOf(h.sim, 'upstox');
    const url = new URL(h.adapters.upstox.authorizeUrl({ apiKey, redirectUri, state: STATE }));
    expect(`${url.origin}${url.pathname}`).toBe(`${h.sim.url}/v2/login/authorization/dialog`);
    expect([...url.searchParams]).toEqual([
      ['response_type', 'code'],
      ['client_id', apiKey],
      ['redirect_uri', redirectUri],
      ['state', STATE],
    ]);
  });

  it('logs in: page → redirect with code & state → exact form exchange → token with 03:30 IST expiry', async () => {
    const grant = await loginGrant(h, 'upstox');
    const creds = credentialsOf(h.sim, 'upstox');
    const tokens = await h.adapters.upstox.exchange(creds, grant);

    const [req] = h.sim.requestsTo('POST', '/v2/login/authorization/token');
    expect(req?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(req?.headers['accept']).toBe('application/json');
    expect(req?.headers['api-version']).toBe('2.0');
    expect(req?.form).toEqual({
      code: grant.code,
      client_id: creds.apiKey,
      client_secret: creds.apiSecret,
      redirect_uri: creds.redirectUri,
      grant_type: 'authorization_code',
    });

    expect(tokens.issuedAt.toISOString()).toBe(h.clock.now().toISOString());
    expect(tokens.expiresAt.toISOString()).toBe(
      new Date('2026-03-11T03:30:00+05:30').toISOString(),
    );
    expect(jwtExpiry(tokens.accessToken)?.toISOString()).toBe(tokens.expiresAt.toISOString());
    expect(tokens.userId).toBe('SIMUP1');
    expect(tokens.refreshToken).toBeUndefined();
    expect(h.sim.tokenStatus('upstox', tokens.accessToken)).toBe('valid');
  });

  it('reads a flat token answer that also carries status: "success" (no data wrapper)', async () => {
    const creds = credentialsOf(h.sim, 'upstox');
    const token = 'flat-access-token-from-upstox';
    h.sim.inject({
      path: '/v2/login/authorization/token',
      fault: {
        kind: 'reply',
        status: 200,
        json: { status: 'success', user_id: 'SIMUP1', access_token: token, extended_token: null },
      },
    });
    const tokens = await h.adapters.upstox.exchange(creds, await loginGrant(h, 'upstox'));
    expect(tokens.accessToken).toBe(token);
    expect(tokens.userId).toBe('SIMUP1');
  });

  it('takes the JWT exp when it is earlier than the 03:30 rule', async () => {
    await h.close();
    h = await startHarness({
      sim: {
        lifetimes: { accessTokenExpiry: { upstox: (t) => new Date(t.getTime() + 3_600_000) } },
      },
    });
    const tokens = await h.adapters.upstox.exchange(
      credentialsOf(h.sim, 'upstox'),
      await loginGrant(h, 'upstox'),
    );
    expect(tokens.expiresAt.getTime()).toBe(h.clock.now().getTime() + 3_600_000);
  });

  it('validates with a Bearer header and reads the profile', async () => {
    const creds = credentialsOf(h.sim, 'upstox');
    const tokens = await h.adapters.upstox.exchange(creds, await loginGrant(h, 'upstox'));
    const profile = await h.adapters.upstox.validate(creds.apiKey, tokens.accessToken);
    expect(profile).toEqual({ userId: 'SIMUP1', userName: 'Simulated Upstox User' });
    const [req] = h.sim.requestsTo('GET', '/v2/user/profile');
    expect(req?.headers['authorization']).toBe(`Bearer ${tokens.accessToken}`);
  });

  it('reports a revoked token (UDAPI100050 before exp) and an expired one (after exp)', async () => {
    const creds = credentialsOf(h.sim, 'upstox');
    const a = await h.adapters.upstox.exchange(creds, await loginGrant(h, 'upstox'));
    h.sim.revokeToken(a.accessToken);
    const revoked = await rejection(h.adapters.upstox.validate(creds.apiKey, a.accessToken));
    expect(revoked.kind).toBe('revoked');
    expect(revoked.details).toMatchObject({ status: 401, brokerCode: 'UDAPI100050' });
    expect(revoked.message).toMatch(/Log in/);

    const b = await h.adapters.upstox.exchange(creds, await loginGrant(h, 'upstox'));
    h.clock.set(new Date('2026-03-11T03:30:00+05:30'));
    const expired = await rejection(h.adapters.upstox.validate(creds.apiKey, b.accessToken));
    expect(expired.kind).toBe('expired');
    expect(expired.message).toMatch(/03:30 IST.*Log in/);
    // Rejections are answers, not outages: no retries.
    expect(h.sleeps).toEqual([]);
  });

  it('never resends a code: a second exchange is refused (UDAPI100016 on "code"), a wrong secret burns it too', async () => {
    const creds = credentialsOf(h.sim, 'upstox');
    const grant = await loginGrant(h, 'upstox');
    await h.adapters.upstox.exchange(creds, grant);
    const reused = await rejection(h.adapters.upstox.exchange(creds, grant));
    expect(reused.kind).toBe('login-failed');
    expect(reused.details.brokerCode).toBe('UDAPI100016');
    expect(reused.message).toMatch(/already used or has expired: click Log in again/);

    const fresh = await loginGrant(h, 'upstox');
    const wrong = await rejection(
      h.adapters.upstox.exchange({ ...creds, apiSecret: 'not-the-secret' }, fresh),
    );
    expect(wrong.kind).toBe('bad-credentials');
    expect(wrong.details.brokerCode).toBe('UDAPI100016');
    expect(wrong.message).toMatch(/API key or secret.*account settings/);
    expect(h.sim.grantUsed(fresh.code)).toBe(true);
    expect(h.sim.requestsTo('POST', '/v2/login/authorization/token')).toHaveLength(3);
  });

  it('issue 9 item 16: a used code (401 UDAPI100016, property_path "code") is "already used or has expired", not a bad key or secret', async () => {
    const creds = credentialsOf(h.sim, 'upstox');
    const grant = await loginGrant(h, 'upstox');
    await h.adapters.upstox.exchange(creds, grant);
    const err = await rejection(h.adapters.upstox.exchange(creds, grant));
    const [, second] = h.sim.requestsTo('POST', '/v2/login/authorization/token');
    expect(second).toBeDefined();
    expect(err.kind).toBe('login-failed');
    expect(err.details).toEqual({ status: 401, brokerCode: 'UDAPI100016' });
    expect(err.message).toContain(
      'that login code was already used or has expired: click Log in again',
    );
    expect(err.message).not.toMatch(/API key|secret/);
    expect(err.message).not.toContain(grant.code);
  });

  it('issue 9 item 16: an expired code gets the same words; a wrong secret is still a bad key or secret', async () => {
    const creds = credentialsOf(h.sim, 'upstox');
    const late = await loginGrant(h, 'upstox');
    h.clock.advance(11 * 60_000); // the simulator's codes live 10 minutes
    const expired = await rejection(h.adapters.upstox.exchange(creds, late));
    expect(expired.kind).toBe('login-failed');
    expect(expired.message).toContain('already used or has expired: click Log in again');

    const fresh = await loginGrant(h, 'upstox');
    const wrong = await rejection(
      h.adapters.upstox.exchange({ ...creds, apiSecret: 'not-the-secret' }, fresh),
    );
    expect(wrong.kind).toBe('bad-credentials');
    expect(wrong.message).toMatch(/API key or secret/);
  });

  it('issue 9 item 16: property_path "code" in either spelling (propertyPath / property_path) is read', async () => {
    const creds = credentialsOf(h.sim, 'upstox');
    for (const error of [
      { errorCode: 'UDAPI100016', message: 'Invalid Credentials', propertyPath: 'code' },
      { error_code: 'UDAPI100016', message: 'Invalid Credentials', property_path: 'code' },
    ]) {
      h.sim.inject({
        path: '/v2/login/authorization/token',
        fault: { kind: 'reply', status: 401, json: { status: 'error', errors: [error] } },
      });
      const err = await rejection(h.adapters.upstox.exchange(creds, await loginGrant(h, 'upstox')));
      expect(err.kind).toBe('login-failed');
      expect(err.message).toContain('already used or has expired');
    }
  });

  it('reads the error code even when the message beside it is null', async () => {
    const creds = credentialsOf(h.sim, 'upstox');
    const error = { errorCode: 'UDAPI100057', message: null, error_code: 'UDAPI100057' };
    h.sim.inject({
      path: '/v2/login/authorization/token',
      fault: { kind: 'reply', status: 400, json: { status: 'error', errors: [error] } },
    });
    const err = await rejection(h.adapters.upstox.exchange(creds, await loginGrant(h, 'upstox')));
    expect(err).toMatchObject({ kind: 'login-failed', details: { brokerCode: 'UDAPI100057' } });
    expect(err.message).toMatch(/works once/);
  });

  it('maps a redirect URI mismatch at exchange to bad-credentials (UDAPI100068)', async () => {
    const creds = credentialsOf(h.sim, 'upstox');
    const err = await rejection(
      h.adapters.upstox.exchange(
        { ...creds, redirectUri: 'http://127.0.0.1:5055/elsewhere' },
        await loginGrant(h, 'upstox'),
      ),
    );
    expect(err.kind).toBe('bad-credentials');
    expect(err.details.brokerCode).toBe('UDAPI100068');
    expect(err.message).toMatch(/redirect URI/);
  });

  it('logs out with DELETE /v2/logout; logging out a dead token is not an error', async () => {
    const creds = credentialsOf(h.sim, 'upstox');
    const tokens = await h.adapters.upstox.exchange(creds, await loginGrant(h, 'upstox'));
    await h.adapters.upstox.logout!(creds.apiKey, tokens.accessToken);
    expect(h.sim.tokenStatus('upstox', tokens.accessToken)).toBe('revoked');
    const [req] = h.sim.requestsTo('DELETE', '/v2/logout');
    expect(req?.headers['authorization']).toBe(`Bearer ${tokens.accessToken}`);
    await expect(h.adapters.upstox.logout!(creds.apiKey, tokens.accessToken)).resolves.toBe(
      undefined,
    );
  });

  it('turns the cancel button into "login cancelled"', async () => {
    const location = await submitLoginPage(h, 'upstox', 'cancel');
    const { redirectUri } = credentialsOf(h.sim, 'upstox');
    expect(h.adapters.upstox.isRedirect(location, redirectUri)).toBe(true);
    const err = thrown(() =>
      h.adapters.upstox.parseRedirect(location, { redirectUri, state: STATE }),
    );
    expect(err.kind).toBe('cancelled');
    expect(err.message).toMatch(/^Upstox login cancelled.*Log in/);
  });

  it('reports other OAuth errors on the redirect as a failed login', () => {
    const { redirectUri } = credentialsOf(h.sim, 'upstox');
    const url = `${redirectUri}?error=server_error&error_description=Try+later&state=${STATE}`;
    const err = thrown(() => h.adapters.upstox.parseRedirect(url, { redirectUri, state: STATE }));
    expect(err.kind).toBe('login-failed');
    expect(err.message).toContain('Try later');
  });
});
