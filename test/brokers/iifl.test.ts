/**
 * IIFL Capital API redirect login against the simulator (brokers-more.md §2.8 (a)), over real loopback
 * HTTP: login URL → redirect with authCode and clientId → getusersession with the SHA-256 checksum →
 * profile check; wrong secret and key, spent and expired login codes (never resent), revoked and
 * expired sessions, 5xx and 429, hostile redirects, the redirect URL that is not whitelisted, expiry
 * at the (Guess) 03:00 IST cutoff ± 1 s and the JWT's own `exp`, secrets never in logs or errors.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accessTokenExpiry, jwtExpiry } from '../../shared/expiry';
import { BROKERS } from '../../shared/brokers';
import { decideLoginNavigation } from '../../electron/core/policy/login-navigation-policy';
import { DEFAULT_SIM_USERS } from '../simulator/index';
import { join } from 'node:path';
import { accountConfigSchema } from '../../shared/domain';
import { createBrokerAdapters } from '../../electron/core/brokers';
import { createFileExporter } from '../../electron/core/export/file-exporter';
import { TokenService } from '../../electron/core/lifecycle/token-service';
import { createJsonFileBackend } from '../../electron/core/settings/settings-backend';
import { createSettingsStore } from '../../electron/core/settings/settings-store';
import { tempDir } from '../export/helpers/temp-dir';
import { HttpLoginNavigator } from '../helpers/http-login-navigator';
import { createMemorySecretStore } from '../helpers/memory-secret-store';
import { FakeClock } from '../helpers/fake-clock';
import {
  STATE,
  T0,
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

const SESSION = '/v1/getusersession';
const PROFILE = '/v1/profile';
const LOGOUT = '/v1/profile/logout';
const CLIENT_ID = DEFAULT_SIM_USERS.iifl.userId;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

async function loggedIn() {
  const creds = credentialsOf(h.sim, 'iifl');
  const tokens = await h.adapters.iifl.exchange(creds, await loginGrant(h, 'iifl'));
  return { creds, tokens };
}

describe('IIFL Capital adapter against the simulator', () => {
  it('builds the login URL at the login host root: v=1, appkey and the redirect URL (both spellings) unescaped, no state', () => {
    const { apiKey, redirectUri } = credentialsOf(h.sim, 'iifl');
    const built = h.adapters.iifl.authorizeUrl({ apiKey, redirectUri, state: STATE });
    const url = new URL(built);
    expect(`${url.origin}${url.pathname}`).toBe(`${h.sim.url}/iifl/`);
    expect([...url.searchParams]).toEqual([
      ['v', '1'],
      ['appkey', apiKey],
      ['redirecturl', redirectUri],
      ['redirectUrl', redirectUri],
    ]);
    expect(built).toContain(`&redirecturl=${redirectUri}&redirectUrl=${redirectUri}`);
    expect(built).not.toContain(STATE);
    // The real page is the host root.
    const real = new URL(
      h.adaptersWith({ baseUrls: {} }).iifl.authorizeUrl({ apiKey, redirectUri, state: STATE }),
    );
    expect(`${real.origin}${real.pathname}`).toBe('https://markets.iiflcapital.com/');
  });

  it('a redirect URL with characters of its own is still one parameter of the login URL', () => {
    const apiKey = 'sim-iifl-app-key';
    const redirectUri = 'http://127.0.0.1:5055/iifl/callback?account=a&b=c d';
    const url = new URL(h.adapters.iifl.authorizeUrl({ apiKey, redirectUri, state: STATE }));
    expect(url.searchParams.getAll('redirecturl')).toEqual([redirectUri]);
    expect(url.searchParams.getAll('redirectUrl')).toEqual([redirectUri]);
    expect([...url.searchParams.keys()]).toEqual(['v', 'appkey', 'redirecturl', 'redirectUrl']);
  });

  it('logs in: authCode and clientId → getusersession with the exact checksum → validated session', async () => {
    const location = await submitLoginPage(h, 'iifl', 'login');
    const creds = credentialsOf(h.sim, 'iifl');
    const back = new URL(location);
    expect(`${back.origin}${back.pathname}`).toBe(creds.redirectUri);
    expect([...back.searchParams.keys()]).toEqual(['authCode', 'clientId']);
    const grant = h.adapters.iifl.parseRedirect(location, {
      redirectUri: creds.redirectUri,
      state: STATE,
    });
    expect(grant).toEqual({ code: back.searchParams.get('authCode'), userId: CLIENT_ID });

    const tokens = await h.adapters.iifl.exchange(creds, grant);
    const [req, ...more] = h.sim.requestsTo('POST', SESSION);
    expect(more).toHaveLength(0);
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.headers['authorization']).toBeUndefined();
    expect(JSON.parse(req!.body)).toEqual({
      checkSum: sha256(CLIENT_ID + grant.code + creds.apiSecret),
    });
    expect(tokens.accessToken.split('.')).toHaveLength(3);
    expect(tokens.userId).toBe(CLIENT_ID);
    expect(tokens.issuedAt.toISOString()).toBe(T0.toISOString());
    // Made Tue 10:00 IST → dies Wed 03:00 IST (the Guess cutoff; the JWT says the same here).
    expect(asIst(tokens.expiresAt)).toBe('2026-03-11T03:00:00');

    await expect(
      h.adapters.iifl.validate(creds.apiKey, tokens.accessToken, { userId: CLIENT_ID }),
    ).resolves.toEqual({ userId: CLIENT_ID, userName: 'Simulated IIFL User' });
    const [profile] = h.sim.requestsTo('GET', PROFILE);
    expect(profile?.headers['authorization']).toBe(`Bearer ${tokens.accessToken}`);
    expect(profile?.body).toBe('');
  });

  it('a wrong app secret → bad-credentials naming the secret; the code is sent once, never again', async () => {
    const creds = credentialsOf(h.sim, 'iifl');
    const grant = await loginGrant(h, 'iifl');
    const wrong = { ...creds, apiSecret: 'wrong-iifl-secret-not-real' };
    const err = await rejection(h.adapters.iifl.exchange(wrong, grant));
    expect(err.kind).toBe('bad-credentials');
    expect(err.message).toMatch(/app secret is wrong/);
    expect(err.details).toMatchObject({ status: 400 });
    expect(h.sim.requestsTo('POST', SESSION)).toHaveLength(1);
    expect(h.sleeps).toEqual([]);
    expect(err.message).not.toContain(wrong.apiSecret);
    expect(err.message).not.toContain(grant.code);
  });

  it('a wrong app key is refused by the login page before any login', async () => {
    const { redirectUri } = credentialsOf(h.sim, 'iifl');
    const url = h.adapters.iifl.authorizeUrl({ apiKey: 'someOtherKey', redirectUri, state: STATE });
    const page = await fetch(url);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('Invalid app key.');
  });

  it('a spent login code → login-failed, and each exchange sent it exactly once', async () => {
    const creds = credentialsOf(h.sim, 'iifl');
    const grant = await loginGrant(h, 'iifl');
    await h.adapters.iifl.exchange(creds, grant);
    const err = await rejection(h.adapters.iifl.exchange(creds, grant));
    expect(err.kind).toBe('login-failed');
    expect(err.message).toMatch(/works once/);
    expect(h.sim.requestsTo('POST', SESSION)).toHaveLength(2);
    expect(h.sleeps).toEqual([]);
  });

  it('an expired login code (11 minutes later) → login-failed, sent once', async () => {
    const creds = credentialsOf(h.sim, 'iifl');
    const grant = await loginGrant(h, 'iifl');
    h.clock.advance(11 * 60_000);
    const err = await rejection(h.adapters.iifl.exchange(creds, grant));
    expect(err.kind).toBe('login-failed');
    expect(h.sim.requestsTo('POST', SESSION)).toHaveLength(1);
    expect(h.sim.grantUsed(grant.code)).toBe(true);
  });

  it('a grant without a clientId is refused before anything is sent', async () => {
    const creds = credentialsOf(h.sim, 'iifl');
    const err = await rejection(h.adapters.iifl.exchange(creds, { code: 'abc123' }));
    expect(err.kind).toBe('login-failed');
    expect(h.sim.requestsTo('POST', SESSION)).toHaveLength(0);
  });

  it('a 503 or 429 on getusersession is not resent: the code is burnt, log in again', async () => {
    const creds = credentialsOf(h.sim, 'iifl');
    const g1 = await loginGrant(h, 'iifl');
    h.sim.inject({ path: SESSION, times: 3, fault: { kind: 'status', status: 503 } });
    const down = await rejection(h.adapters.iifl.exchange(creds, g1));
    expect(down.kind).toBe('broker-down');
    expect(down.details).toMatchObject({ status: 503, brokerCode: 'EC003' });
    expect(down.message).toMatch(/works only once, so click Log in again/);
    expect(h.sim.grantUsed(g1.code)).toBe(true);

    h.sim.clearFaults();
    const g2 = await loginGrant(h, 'iifl');
    h.sim.inject({ path: SESSION, fault: { kind: 'rate-limit', retryAfterSeconds: 2 } });
    const limited = await rejection(h.adapters.iifl.exchange(creds, g2));
    expect(limited.kind).toBe('rate-limited');
    expect(limited.message).toMatch(/Log in again after the wait/);
    expect(h.sim.requestsTo('POST', SESSION)).toHaveLength(2);
    expect(h.sleeps).toEqual([]);
  });

  it('validate: 5xx is retried with backoff, then broker-down', async () => {
    const { creds, tokens } = await loggedIn();
    h.sim.inject({ path: PROFILE, times: 2, fault: { kind: 'status', status: 502 } });
    await expect(h.adapters.iifl.validate(creds.apiKey, tokens.accessToken)).resolves.toMatchObject(
      { userId: CLIENT_ID },
    );
    expect(h.sleeps).toEqual([375, 750]);
    h.sim.inject({ path: PROFILE, times: 5, fault: { kind: 'status', status: 500 } });
    const err = await rejection(h.adapters.iifl.validate(creds.apiKey, tokens.accessToken));
    expect(err.kind).toBe('broker-down');
    expect(err.message).toMatch(/HTTP 500, EC003/);
  });

  it('validate: 429 with Retry-After waits that long; without one it backs off, then rate-limited', async () => {
    const { creds, tokens } = await loggedIn();
    h.sim.inject({ path: PROFILE, fault: { kind: 'rate-limit', retryAfterSeconds: 7 } });
    await h.adapters.iifl.validate(creds.apiKey, tokens.accessToken);
    expect(h.sleeps).toEqual([7_000]);
    h.sleeps.length = 0;
    h.sim.inject({ path: PROFILE, times: 5, fault: { kind: 'rate-limit' } });
    const err = await rejection(h.adapters.iifl.validate(creds.apiKey, tokens.accessToken));
    expect(err.kind).toBe('rate-limited');
    expect(err.details.retryAfterMs).toBeUndefined();
    expect(h.sleeps).toEqual([375, 750]);
  });

  it('a session revoked elsewhere → revoked; logout of a dead session is quiet', async () => {
    const { creds, tokens } = await loggedIn();
    h.sim.revokeToken(tokens.accessToken);
    const err = await rejection(h.adapters.iifl.validate(creds.apiKey, tokens.accessToken));
    expect(err.kind).toBe('revoked');
    expect(err.details.status).toBe(401);
    await expect(
      h.adapters.iifl.logout!(creds.apiKey, tokens.accessToken),
    ).resolves.toBeUndefined();
  });

  it('logout posts with the Bearer session and the session stops working', async () => {
    const { creds, tokens } = await loggedIn();
    await h.adapters.iifl.logout!(creds.apiKey, tokens.accessToken);
    const [req] = h.sim.requestsTo('POST', LOGOUT);
    expect(req?.headers['authorization']).toBe(`Bearer ${tokens.accessToken}`);
    expect(h.sim.tokenStatus('iifl', tokens.accessToken)).toBe('revoked');
    expect((await rejection(h.adapters.iifl.validate(creds.apiKey, tokens.accessToken))).kind).toBe(
      'revoked',
    );
  });

  it('a call from an IP address IIFL does not know is not a dead token (EC500)', async () => {
    const { creds, tokens } = await loggedIn();
    const refusal = {
      status: 'Not_Ok',
      code: 'EC500',
      message: 'IP address not authorized for trading',
      result: [],
    };
    h.sim.inject({ path: PROFILE, fault: { kind: 'reply', status: 200, json: refusal } });
    const check = await rejection(h.adapters.iifl.validate(creds.apiKey, tokens.accessToken));
    expect(check.kind).toBe('bad-response');
    expect(check.details.brokerCode).toBe('EC500');
    expect(check.message).toMatch(/IP address.*token itself may still be good/);

    h.sim.inject({ path: SESSION, fault: { kind: 'reply', status: 403, json: refusal } });
    const login = await rejection(h.adapters.iifl.exchange(creds, await loginGrant(h, 'iifl')));
    expect(login.kind).toBe('login-failed');
    expect(login.message).toMatch(/static IP/);
  });

  it('a refusal in an HTTP 200 (status Not_Ok) is read like one with an HTTP error', async () => {
    const creds = credentialsOf(h.sim, 'iifl');
    h.sim.inject({
      path: SESSION,
      fault: {
        kind: 'reply',
        status: 200,
        json: { status: 'Not_Ok', message: 'Invalid checksum', result: [] },
      },
    });
    const err = await rejection(h.adapters.iifl.exchange(creds, await loginGrant(h, 'iifl')));
    expect(err.kind).toBe('bad-credentials');
    const { tokens } = await loggedIn();
    h.sim.inject({
      path: PROFILE,
      fault: {
        kind: 'reply',
        status: 200,
        json: { status: 'Not_Ok', code: 'EC401', message: 'Session expired', result: [] },
      },
    });
    const check = await rejection(h.adapters.iifl.validate(creds.apiKey, tokens.accessToken));
    expect(check).toMatchObject({ kind: 'revoked', details: { status: 200, brokerCode: 'EC401' } });
  });

  it('reads the profile whether result is an object or a list of them', async () => {
    const { creds, tokens } = await loggedIn();
    h.sim.inject({
      path: PROFILE,
      fault: {
        kind: 'reply',
        status: 200,
        json: { status: 'Ok', result: [{ clientId: 'AB1234', clientName: 'Listed User' }] },
      },
    });
    await expect(h.adapters.iifl.validate(creds.apiKey, tokens.accessToken)).resolves.toEqual({
      userId: 'AB1234',
      userName: 'Listed User',
    });
  });

  it('a success answer without userSession or clientId is bad-response naming the field', async () => {
    const creds = credentialsOf(h.sim, 'iifl');
    h.sim.inject({ path: SESSION, fault: { kind: 'reply', status: 200, json: { status: 'Ok' } } });
    const err = await rejection(h.adapters.iifl.exchange(creds, await loginGrant(h, 'iifl')));
    expect(err.kind).toBe('bad-response');
    expect(err.message).toMatch(/userSession/);
    const { tokens } = await loggedIn();
    h.sim.inject({
      path: PROFILE,
      fault: { kind: 'reply', status: 200, json: { status: 'Ok', result: { clientName: 'x' } } },
    });
    const hollow = await rejection(h.adapters.iifl.validate(creds.apiKey, tokens.accessToken));
    expect(hollow.kind).toBe('bad-response');
    expect(hollow.message).toMatch(/result\.0\.clientId/);
  });
});

describe('IIFL Capital redirects', () => {
  const redirectUri = 'http://127.0.0.1:5055/iifl/callback';
  const ok = `authCode=abc123&clientId=${CLIENT_ID}`;

  it('a cancelled login comes back as cancelled', async () => {
    const cancelled = await submitLoginPage(h, 'iifl', 'cancel');
    const err = thrown(() =>
      h.adapters.iifl.parseRedirect(cancelled, { redirectUri, state: STATE }),
    );
    expect(err.kind).toBe('cancelled');
  });

  it('a redirect URL that is not registered exactly: IIFL comes back without parameters, and TokenTray says why', async () => {
    const other = 'http://127.0.0.1:5056/iifl/callback';
    const { apiKey } = credentialsOf(h.sim, 'iifl');
    const url = h.adapters.iifl.authorizeUrl({ apiKey, redirectUri: other, state: STATE });
    const page = await fetch(url);
    const html = await page.text();
    const action = /<form method="post" action="([^"]+)"/.exec(html)![1]!.replace(/&amp;/g, '&');
    const post = await fetch(new URL(action, url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'decision=login',
      redirect: 'manual',
    });
    const location = post.headers.get('location')!;
    expect(location).toBe(other);
    const err = thrown(() =>
      h.adapters.iifl.parseRedirect(location, { redirectUri: other, state: STATE }),
    );
    expect(err.kind).toBe('login-failed');
    expect(err.message).toMatch(/not exactly http:\/\/127\.0\.0\.1:5056\/iifl\/callback/);
    expect(err.message).toMatch(/Register exactly that URL/);
  });

  it('the simulator treats a percent-encoded redirecturl as not whitelisted (Guess, after OpenAlgo)', async () => {
    const { apiKey, redirectUri } = credentialsOf(h.sim, 'iifl');
    const url = `${h.sim.url}/iifl/?v=1&appkey=${apiKey}&redirecturl=${encodeURIComponent(redirectUri)}`;
    const post = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'decision=login',
      redirect: 'manual',
    });
    expect(post.status).toBe(302);
    expect(post.headers.get('location')).toBe(redirectUri);
  });

  it('needs no state, but a state that comes back must be ours', () => {
    expect(
      h.adapters.iifl.parseRedirect(`${redirectUri}?${ok}`, { redirectUri, state: STATE }),
    ).toEqual({ code: 'abc123', userId: CLIENT_ID });
    expect(
      h.adapters.iifl.parseRedirect(`${redirectUri}?${ok}&state=${STATE}`, {
        redirectUri,
        state: STATE,
      }),
    ).toEqual({ code: 'abc123', userId: CLIENT_ID });
    for (const [state, words] of [
      ['someone-elses-state', /state mismatch/],
      ['', /no state/],
    ] as const) {
      const err = thrown(() =>
        h.adapters.iifl.parseRedirect(`${redirectUri}?${ok}&state=${state}`, {
          redirectUri,
          state: STATE,
        }),
      );
      expect(err.kind).toBe('login-failed');
      expect(err.message).toMatch(words);
    }
    // A login TokenTray started always has a state: none expected is a bug, not a pass.
    expect(
      thrown(() =>
        h.adapters.iifl.parseRedirect(`${redirectUri}?${ok}`, { redirectUri, state: '' }),
      ).kind,
    ).toBe('login-failed');
  });

  it.each([
    [`http://127.0.0.1:5056/iifl/callback?${ok}`, /other than/],
    [`https://127.0.0.1:5055/iifl/callback?${ok}`, /other than/],
    [`http://localhost:5055/iifl/callback?${ok}`, /other than/],
    [`http://127.0.0.1:5055/iifl/callback/?${ok}`, /other than/],
    [`http://127.0.0.1:5055/iifl/other?${ok}`, /other than/],
    [`http://user@127.0.0.1:5055/iifl/callback?${ok}`, /user name/],
    [`http://127.0.0.1:5055/iifl/callback?${ok}#authCode=x`, /fragment/],
    [`http://127.0.0.1:5055/iifl/callback?${ok}&authCode=other`, /repeated/],
    [`http://127.0.0.1:5055/iifl/callback?${ok}&clientId=X2`, /repeated/],
    [`http://127.0.0.1:5055/iifl/callback?clientId=${CLIENT_ID}`, /no authCode/],
    [`http://127.0.0.1:5055/iifl/callback?authCode=abc123`, /no clientId/],
    [`http://127.0.0.1:5055/iifl/callback?authCode=a%22%3Cscript%3E&clientId=A1`, /malformed/],
    [`http://127.0.0.1:5055/iifl/callback?authCode=abc&clientId=A%0A1`, /clientId.*malformed/],
    [`http://127.0.0.1:5055/iifl/callback?error=server_error&${ok}`, /said "server_error"/],
    ['not a url', /other than/],
  ])('%s → login-failed', (url, words) => {
    const err = thrown(() => h.adapters.iifl.parseRedirect(url, { redirectUri, state: STATE }));
    expect(err.kind).toBe('login-failed');
    expect(err.message).toMatch(words);
    expect(err.message).not.toContain('abc123');
  });

  it('the login window allows IIFL login hosts and captures exactly the registered redirect', () => {
    const adapter = h.adapters.iifl;
    const registered = BROKERS.iifl.suggestedRedirectUri;
    const request = {
      allowedOrigins: BROKERS.iifl.loginOrigins,
      isRedirect: (url: string) => adapter.isRedirect(url, registered),
    };
    expect(decideLoginNavigation(`${registered}?${ok}`, 'main-frame', request)).toEqual({
      action: 'capture',
    });
    expect(
      decideLoginNavigation(
        h
          .adaptersWith({ baseUrls: {} })
          .iifl.authorizeUrl({ apiKey: 'k', redirectUri: registered, state: STATE }),
        'main-frame',
        request,
      ),
    ).toEqual({ action: 'allow' });
    expect(
      decideLoginNavigation('https://evil.example/iifl/callback', 'main-frame', request).action,
    ).toBe('block');
  });
});

describe('IIFL Capital expiry: the (Guess) 03:00 IST cutoff ± 1 s, and the JWT exp when earlier', () => {
  it.each([
    ['2026-03-10T02:59:59', '2026-03-10T03:00:00'],
    ['2026-03-10T03:00:00', '2026-03-11T03:00:00'],
    ['2026-03-10T03:00:01', '2026-03-11T03:00:00'],
    ['2026-03-10T23:59:59', '2026-03-11T03:00:00'],
  ])('issued %s IST → %s IST', (issued, expected) => {
    expect(asIst(accessTokenExpiry('iifl', ist(issued)))).toBe(expected);
    expect(BROKERS.iifl.cutoffIsGuess).toBe(true);
  });

  it('an account that knows better can move the cutoff (e.g. midnight): the override decides', () => {
    const midnight = { hour: 0, minute: 0 };
    expect(
      asIst(
        accessTokenExpiry('iifl', ist('2026-03-10T10:00:00'), undefined, {
          cutoffOverride: midnight,
        }),
      ),
    ).toBe('2026-03-11T00:00:00');
  });

  it('the simulator session dies at 03:00: valid at 02:59:59, expired at 03:00:01', async () => {
    const { creds, tokens } = await loggedIn();
    h.clock.set(ist('2026-03-11T02:59:59'));
    await expect(h.adapters.iifl.validate(creds.apiKey, tokens.accessToken)).resolves.toBeTruthy();
    h.clock.set(ist('2026-03-11T03:00:01'));
    const err = await rejection(h.adapters.iifl.validate(creds.apiKey, tokens.accessToken));
    expect(err.kind).toBe('expired');
  });

  it('a userSession whose JWT exp comes before the cutoff dies then; a later exp does not stretch it', async () => {
    const early = await startHarness({
      sim: {
        lifetimes: {
          accessTokenExpiry: { iifl: (issued) => new Date(issued.getTime() + 2 * 3_600_000) },
        },
      },
    });
    const late = await startHarness({
      sim: {
        lifetimes: {
          accessTokenExpiry: { iifl: (issued) => new Date(issued.getTime() + 48 * 3_600_000) },
        },
      },
    });
    try {
      const creds = credentialsOf(early.sim, 'iifl');
      const a = await early.adapters.iifl.exchange(creds, await loginGrant(early, 'iifl'));
      expect(asIst(a.expiresAt)).toBe('2026-03-10T12:00:00');
      expect(a.expiresAt.getTime()).toBe(jwtExpiry(a.accessToken)!.getTime());
      const b = await late.adapters.iifl.exchange(creds, await loginGrant(late, 'iifl'));
      expect(asIst(b.expiresAt)).toBe('2026-03-11T03:00:00');
    } finally {
      await early.close();
      await late.close();
    }
  });
});

describe('IIFL Capital secrets', () => {
  it('the secret, login code, checksum and session never reach the log or an error, and all are registered', async () => {
    const creds = credentialsOf(h.sim, 'iifl');
    const once = h.adaptersWith({ retry: { attempts: 1 } });
    const errors: string[] = [];
    const secrets: string[] = [creds.apiSecret];
    const keep = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (e) {
        errors.push(JSON.stringify(e), String(e));
      }
    };
    const grant = await loginGrant(h, 'iifl');
    const checksum = sha256(CLIENT_ID + grant.code + creds.apiSecret);
    const tokens = await h.adapters.iifl.exchange(creds, grant);
    secrets.push(grant.code, checksum, tokens.accessToken);
    await keep(h.adapters.iifl.exchange(creds, grant));
    await keep(h.adapters.iifl.exchange({ ...creds, apiSecret: 'wrong-iifl-secret-x' }, grant));
    secrets.push('wrong-iifl-secret-x', sha256(CLIENT_ID + grant.code + 'wrong-iifl-secret-x'));
    // A broker that echoes everything it was sent.
    const g = await loginGrant(h, 'iifl');
    const sent = [g.code, creds.apiSecret, sha256(CLIENT_ID + g.code + creds.apiSecret)];
    secrets.push(...sent);
    h.sim.inject({
      path: SESSION,
      fault: { kind: 'reply', status: 400, json: { status: 'Not_Ok', message: sent.join(' ') } },
    });
    await keep(h.adapters.iifl.exchange(creds, g));
    h.sim.inject({
      path: PROFILE,
      fault: {
        kind: 'reply',
        status: 400,
        json: { status: 'Not_Ok', code: tokens.accessToken, message: `bad ${tokens.accessToken}` },
      },
    });
    await keep(once.iifl.validate(creds.apiKey, tokens.accessToken));
    h.sim.inject({ path: PROFILE, fault: { kind: 'garbage' } });
    await keep(once.iifl.validate(creds.apiKey, tokens.accessToken));
    await h.adapters.iifl.logout!(creds.apiKey, tokens.accessToken);
    await keep(h.adapters.iifl.validate(creds.apiKey, tokens.accessToken));

    expect(errors.length).toBeGreaterThanOrEqual(10);
    const log = h.logger.text();
    expect(h.logger.entries.length).toBeGreaterThan(5);
    for (const s of secrets) {
      expect(log.includes(s), 'the log leaks a secret').toBe(false);
      for (const e of errors) expect(e.includes(s), `${e} leaks a secret`).toBe(false);
      if (!s.startsWith('wrong') && s !== sha256(CLIENT_ID + grant.code + 'wrong-iifl-secret-x')) {
        expect(h.logger.registered.has(s), 'registered for redaction').toBe(true);
      }
    }
  });
});

describe('IIFL Capital simulator strictness', () => {
  it('getusersession refuses anything but exactly {"checkSum": <hex>} as JSON, naming the mistake', async () => {
    for (const [type, body] of [
      ['application/x-www-form-urlencoded', 'checkSum=abc'],
      ['application/json', JSON.stringify({ checkSum: 'ABC' })],
      ['application/json', JSON.stringify({ checkSum: 'a'.repeat(64), appkey: 'x' })],
    ] as const) {
      const res = await fetch(`${h.sim.url}${SESSION}`, {
        method: 'POST',
        headers: { 'Content-Type': type },
        body,
      });
      expect(res.status).toBe(400);
      const json = (await res.json()) as { status: string; message: string };
      expect(json.status).toBe('Not_Ok');
      expect(json.message).toMatch(/^simulator: /);
    }
  });

  it('the login page wants v=1 and a redirecturl, once each', async () => {
    const base = `${h.sim.url}/iifl/`;
    for (const query of [
      'appkey=sim-iifl-app-key&redirecturl=http://127.0.0.1:5055/iifl/callback',
      'v=1&appkey=sim-iifl-app-key',
      'v=1&appkey=sim-iifl-app-key&redirecturl=http://127.0.0.1:5055/iifl/callback&redirecturl=http://x/',
      'v=1&appkey=sim-iifl-app-key&redirecturl=http://127.0.0.1:5055/iifl/callback&redirectUrl=http://x/',
    ]) {
      const res = await fetch(`${base}?${query}`);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('simulator: ');
    }
  });
});

describe('IIFL Capital through TokenService (the login flow of the app, over HTTP)', () => {
  async function service() {
    const dir = tempDir('tokentray-iifl-');
    const secrets = createMemorySecretStore();
    const settings = createSettingsStore({
      backend: createJsonFileBackend(join(dir, 'config.json')),
      secrets,
      logger: h.logger,
    });
    const tokens = new TokenService({
      // The service's clock reads the harness clock the simulator and adapters share; no timers fire.
      clock: Object.assign(new FakeClock(T0), { now: h.clock.now }),
      settings,
      secrets,
      brokers: createBrokerAdapters({
        baseUrls: h.sim.baseUrls,
        now: h.clock.now,
        logger: h.logger,
      }),
      exporter: createFileExporter({ logger: h.logger }),
      logger: h.logger,
    });
    await tokens.init();
    const app = h.sim.app('iifl');
    await tokens.saveAccount({
      config: accountConfigSchema.parse({
        id: 'iifl-main',
        broker: 'iifl',
        label: 'IIFL',
        apiKey: app.apiKey,
        redirectUri: app.redirectUri,
        exportTargets: [],
      }),
      apiSecret: app.apiSecret,
    });
    return { tokens, secrets };
  }

  it('logs in and keeps the client id; a check refused for the IP address keeps the new token', async () => {
    const { tokens, secrets } = await service();
    await tokens.login('iifl-main', new HttpLoginNavigator());
    const first = await secrets.get('iifl-main', 'access-token');
    expect(h.sim.tokenStatus('iifl', first ?? '')).toBe('valid');
    expect(tokens.snapshot().accounts[0]).toMatchObject({ status: 'valid', lastError: null });

    h.sim.inject({
      path: PROFILE,
      fault: {
        kind: 'reply',
        status: 200,
        json: { status: 'Not_Ok', code: 'EC500', message: 'IP address not authorized for trading' },
      },
    });
    const checks = h.sim.requestsTo('GET', PROFILE).length;
    await tokens.login('iifl-main', new HttpLoginNavigator());
    // The check after the exchange was made, and refused.
    expect(h.sim.requestsTo('GET', PROFILE)).toHaveLength(checks + 1);
    const second = await secrets.get('iifl-main', 'access-token');
    expect(second).not.toBe(first);
    expect(h.sim.tokenStatus('iifl', second ?? '')).toBe('valid');
  });

  it('a refused checksum (wrong secret) leaves the previous token in place', async () => {
    const { tokens, secrets } = await service();
    await tokens.login('iifl-main', new HttpLoginNavigator());
    const before = await secrets.get('iifl-main', 'access-token');
    await secrets.set('iifl-main', 'api-secret', 'wrong-iifl-secret-not-real');
    await expect(tokens.login('iifl-main', new HttpLoginNavigator())).rejects.toMatchObject({
      kind: 'bad-credentials',
    });
    expect(await secrets.get('iifl-main', 'access-token')).toBe(before);
    expect(h.sim.tokenStatus('iifl', before ?? '')).toBe('valid');
  });
});
