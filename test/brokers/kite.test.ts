import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

describe('Kite adapter against the simulator', () => {
  it('carries state in redirect_params (Kite has no state parameter)', () => {
    const { apiKey, redirectUri } = credentialsOf(h.sim, 'kite');
    const url = new URL(h.adapters.kite.authorizeUrl({ apiKey, redirectUri, state: STATE }));
    expect(`${url.origin}${url.pathname}`).toBe(`${h.sim.url}/connect/login`);
    expect([...url.searchParams]).toEqual([
      ['v', '3'],
      ['api_key', apiKey],
      ['redirect_params', `state=${STATE}`],
    ]);
    expect(url.searchParams.has('state')).toBe(false);
  });

  it('logs in: redirect with status=success, request_token and our state → checksum exchange', async () => {
    const location = await submitLoginPage(h, 'kite', 'login');
    const params = new URL(location).searchParams;
    expect(params.get('action')).toBe('login');
    expect(params.get('type')).toBe('login');
    expect(params.get('status')).toBe('success');
    expect(params.get('state')).toBe(STATE);

    const creds = credentialsOf(h.sim, 'kite');
    const grant = h.adapters.kite.parseRedirect(location, {
      redirectUri: creds.redirectUri,
      state: STATE,
    });
    expect(grant.code).toBe(params.get('request_token'));
    const tokens = await h.adapters.kite.exchange(creds, grant);

    const [req] = h.sim.requestsTo('POST', '/session/token');
    expect(req?.headers['x-kite-version']).toBe('3');
    expect(req?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(req?.form).toEqual({
      api_key: creds.apiKey,
      request_token: grant.code,
      checksum: sha256(creds.apiKey + grant.code + creds.apiSecret),
    });
    // Opaque token; expiry from the 06:00 IST rule alone.
    expect(tokens.accessToken).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(tokens.expiresAt.toISOString()).toBe(
      new Date('2026-03-11T06:00:00+05:30').toISOString(),
    );
    expect(tokens.userId).toBe('SIM001');
    expect(tokens.refreshToken).toBeUndefined();
  });

  it('validates with "token api_key:access_token" and X-Kite-Version: 3', async () => {
    const creds = credentialsOf(h.sim, 'kite');
    const tokens = await h.adapters.kite.exchange(creds, await loginGrant(h, 'kite'));
    await expect(h.adapters.kite.validate(creds.apiKey, tokens.accessToken)).resolves.toEqual({
      userId: 'SIM001',
      userName: 'Simulated Kite User',
    });
    const [req] = h.sim.requestsTo('GET', '/user/profile');
    expect(req?.headers['authorization']).toBe(`token ${creds.apiKey}:${tokens.accessToken}`);
    expect(req?.headers['x-kite-version']).toBe('3');
  });

  it('a wrong API secret gives an invalid checksum → bad-credentials', async () => {
    const creds = credentialsOf(h.sim, 'kite');
    const err = await rejection(
      h.adapters.kite.exchange(
        { ...creds, apiSecret: 'wrong-secret' },
        await loginGrant(h, 'kite'),
      ),
    );
    expect(err.kind).toBe('bad-credentials');
    expect(err.details).toMatchObject({ status: 403, brokerCode: 'TokenException' });
    expect(err.message).toMatch(/API secret is wrong/);
  });

  it('a reused request_token → login-failed, sent once only', async () => {
    const creds = credentialsOf(h.sim, 'kite');
    const grant = await loginGrant(h, 'kite');
    await h.adapters.kite.exchange(creds, grant);
    const err = await rejection(h.adapters.kite.exchange(creds, grant));
    expect(err.kind).toBe('login-failed');
    expect(err.message).toMatch(/request token.*Log in again/);
    expect(h.sim.requestsTo('POST', '/session/token')).toHaveLength(2);
  });

  it('an unknown api_key → bad-credentials', async () => {
    const creds = credentialsOf(h.sim, 'kite');
    const err = await rejection(
      h.adapters.kite.exchange({ ...creds, apiKey: 'unknownkey' }, await loginGrant(h, 'kite')),
    );
    expect(err.kind).toBe('bad-credentials');
    expect(err.message).toMatch(/API key/);
  });

  it('a second session ends the first: 403 TokenException on validate → revoked', async () => {
    const creds = credentialsOf(h.sim, 'kite');
    const first = await h.adapters.kite.exchange(creds, await loginGrant(h, 'kite'));
    await h.adapters.kite.exchange(creds, await loginGrant(h, 'kite'));
    const err = await rejection(h.adapters.kite.validate(creds.apiKey, first.accessToken));
    expect(err.kind).toBe('revoked');
    expect(err.details).toMatchObject({ status: 403, brokerCode: 'TokenException' });
    expect(err.message).toMatch(/newer login.*Log in/);
  });

  it('logs out with DELETE /session/token?api_key&access_token; a dead token is fine', async () => {
    const creds = credentialsOf(h.sim, 'kite');
    const tokens = await h.adapters.kite.exchange(creds, await loginGrant(h, 'kite'));
    await h.adapters.kite.logout!(creds.apiKey, tokens.accessToken);
    expect(h.sim.tokenStatus('kite', tokens.accessToken)).toBe('revoked');
    const [req] = h.sim.requestsTo('DELETE', '/session/token');
    expect(req?.query).toEqual({ api_key: creds.apiKey, access_token: tokens.accessToken });
    expect(req?.headers['x-kite-version']).toBe('3');
    await expect(h.adapters.kite.logout!(creds.apiKey, tokens.accessToken)).resolves.toBe(
      undefined,
    );
    // The token travels in the logout URL's query; the log shows the path only.
    expect(h.logger.text()).not.toContain(tokens.accessToken);
  });

  it('issue 9 item 17: logout sends Authorization: token api_key:access_token and X-Kite-Version: 3, like the official clients', async () => {
    const creds = credentialsOf(h.sim, 'kite');
    const tokens = await h.adapters.kite.exchange(creds, await loginGrant(h, 'kite'));
    h.sim.clearRequests();
    await h.adapters.kite.logout!(creds.apiKey, tokens.accessToken);
    const [req] = h.sim.requestsTo('DELETE', '/session/token');
    expect(req?.headers['authorization']).toBe(`token ${creds.apiKey}:${tokens.accessToken}`);
    expect(req?.headers['x-kite-version']).toBe('3');
    expect(req?.query).toEqual({ api_key: creds.apiKey, access_token: tokens.accessToken });
    // The simulator checked the header against the query and ended the session.
    expect(h.sim.tokenStatus('kite', tokens.accessToken)).toBe('revoked');
  });

  it('cancel → "login cancelled"; a non-success status → failed', async () => {
    const { redirectUri } = credentialsOf(h.sim, 'kite');
    const location = await submitLoginPage(h, 'kite', 'cancel');
    const err = thrown(() =>
      h.adapters.kite.parseRedirect(location, { redirectUri, state: STATE }),
    );
    expect(err.kind).toBe('cancelled');
    const failed = thrown(() =>
      h.adapters.kite.parseRedirect(
        `${redirectUri}?status=error&request_token=abc&state=${STATE}`,
        { redirectUri, state: STATE },
      ),
    );
    expect(failed.kind).toBe('login-failed');
    expect(failed.message).toContain('"error"');
  });

  it('rejects a redirect whose redirect_params state is missing or foreign', () => {
    const { redirectUri } = credentialsOf(h.sim, 'kite');
    const base = `${redirectUri}?action=login&type=login&status=success&request_token=abcdef`;
    expect(
      thrown(() => h.adapters.kite.parseRedirect(base, { redirectUri, state: STATE })).message,
    ).toMatch(/no state/);
    expect(
      thrown(() =>
        h.adapters.kite.parseRedirect(`${base}&state=someone-elses-state`, {
          redirectUri,
          state: STATE,
        }),
      ).message,
    ).toMatch(/state mismatch/);
  });
});

describe('kiteIssuedAt: login_time is the issue instant only when plausible', () => {
  it('uses the broker clock within 5 minutes, and ignores junk or far-off times', async () => {
    const { kiteIssuedAt } = await import('../../electron/core/brokers/kite');
    const local = new Date('2026-12-08T00:29:59.000Z'); // 05:59:59 IST
    expect(kiteIssuedAt(local, '2026-12-08 06:00:01').toISOString()).toBe(
      '2026-12-08T00:30:01.000Z',
    );
    for (const junk of [
      undefined,
      null,
      42,
      '',
      '2026-12-08T06:00:01',
      '2026-12-08 26:00:01',
      '2026-12-09 06:00:01',
      'x'.repeat(5000),
    ]) {
      expect(kiteIssuedAt(local, junk), String(junk).slice(0, 30)).toBe(local);
    }
  });
});
