/**
 * Alice Blue ANT / A3 vendor flow against the simulator over real loopback HTTP (brokers-more.md
 * §2.5): login URL with the app code → redirect with authCode and userId → checksum exchange →
 * userSession checked with the profile endpoint; wrong secret and app code, used and stale authCodes
 * (never resent), dead sessions, 5xx and 429, hostile redirects, expiry at 03:00 IST ± 1 s (Guess)
 * and the JWT's own exp when earlier, secrets kept out of errors and the log.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accessTokenExpiry } from '../../shared/expiry';
import { BROKERS } from '../../shared/brokers';
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

const SESSION = '/open-api/od/v1/vendor/getUserDetails';
const PROFILE = '/open-api/od/v1/profile/';
const USER = 'AB00001';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const creds = () => credentialsOf(h.sim, 'aliceblue');
const adapter = () => h.adapters.aliceblue;

describe('Alice Blue adapter against the simulator', () => {
  it('builds the login URL at the host root with the app code only (no state: never echoed)', () => {
    const { apiKey, redirectUri } = creds();
    const url = new URL(adapter().authorizeUrl({ apiKey, redirectUri, state: STATE }));
    // The simulator's login base is <sim>/aliceblue (SIMULATOR_LOGIN_PREFIX); the real one is the
    // root of ant.aliceblueonline.com, so the page is that base's "/".
    expect(`${url.origin}${url.pathname}`).toBe(`${h.sim.url}/aliceblue/`);
    expect([...url.searchParams]).toEqual([['appcode', apiKey]]);
    const real = h.adaptersWith({ baseUrls: undefined }).aliceblue;
    expect(real.authorizeUrl({ apiKey: 'APPX', redirectUri, state: STATE })).toBe(
      'https://ant.aliceblueonline.com/?appcode=APPX',
    );
  });

  it('logs in: authCode + userId → checksum exchange (exact request) → validated userSession dying at 03:00 IST', async () => {
    const location = await submitLoginPage(h, 'aliceblue', 'login');
    const { apiKey, apiSecret, redirectUri } = creds();
    expect(location.startsWith(`${redirectUri}?`)).toBe(true);
    const params = new URL(location).searchParams;
    expect([...params.keys()]).toEqual(['authCode', 'userId']);
    const grant = adapter().parseRedirect(location, { redirectUri, state: STATE });
    expect(grant).toEqual({ code: params.get('authCode'), userId: USER });

    const tokens = await adapter().exchange(creds(), grant);
    const sent = h.sim.requestsTo('POST', SESSION);
    expect(sent).toHaveLength(1);
    const [req] = sent;
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.headers['authorization']).toBeUndefined();
    // The body carries the checksum and nothing else (no userId, authCode, app code or secret).
    expect(JSON.parse(req!.body)).toEqual({ checkSum: sha256(USER + grant.code + apiSecret) });
    expect(req!.body).not.toContain(grant.code);
    expect(req!.body).not.toContain(apiSecret);

    expect(tokens.accessToken.split('.')).toHaveLength(3); // a JWT, as documented
    expect(tokens.userId).toBe(USER);
    // Made Tue 10:00 IST → dies Wed 03:00 IST (Guess cutoff; the JWT's ~60 days are later).
    expect(asIst(tokens.expiresAt)).toBe('2026-03-11T03:00:00');
    expect(tokens.refreshToken).toBeUndefined();

    await expect(adapter().validate(apiKey, tokens.accessToken, { userId: USER })).resolves.toEqual(
      { userId: USER, userName: 'Simulated Alice Blue User' },
    );
    const [check] = h.sim.requestsTo('GET', PROFILE);
    expect(check?.headers['authorization']).toBe(`Bearer ${tokens.accessToken}`);
    expect(check?.body).toBe('');
    // No logout endpoint is known: none is offered.
    expect('logout' in adapter()).toBe(false);
  });

  it('a wrong API secret → login-failed naming the secret, sent once, nothing secret in the message', async () => {
    const grant = await loginGrant(h, 'aliceblue');
    const wrong = { ...creds(), apiSecret: 'wrong-aliceblue-secret-x1' };
    const err = await rejection(adapter().exchange(wrong, grant));
    expect(err.kind).toBe('login-failed');
    expect(err.message).toMatch(/Invalid auth code/);
    expect(err.message).toMatch(/API secret/);
    expect(h.sim.requestsTo('POST', SESSION)).toHaveLength(1);
    for (const s of [wrong.apiSecret, grant.code, sha256(USER + grant.code + wrong.apiSecret)]) {
      expect(err.message).not.toContain(s);
      expect(JSON.stringify(err.details)).not.toContain(s);
    }
  });

  it('an unknown app code gets the broker error page, never a redirect', async () => {
    const { redirectUri } = creds();
    const url = adapter().authorizeUrl({ apiKey: 'notAnAppCode', redirectUri, state: STATE });
    const page = await fetch(url, { redirect: 'manual' });
    expect(page.status).toBe(400);
    expect(await page.text()).toMatch(/Invalid app code/);
  });

  it('an expired or missing API key ("emsg" words) → bad-credentials with the fix', async () => {
    for (const emsg of [
      'Your API key Expired.Please update your API key',
      'API key not available.Please generate API key',
    ]) {
      const grant = await loginGrant(h, 'aliceblue');
      h.sim.inject({
        path: SESSION,
        fault: { kind: 'reply', status: 200, json: { stat: 'Not_ok', emsg } },
      });
      const err = await rejection(adapter().exchange(creds(), grant));
      expect(err.kind).toBe('bad-credentials');
      expect(err.message).toContain(emsg);
      expect(err.message).toMatch(/ant\.aliceblueonline\.com/);
    }
  });

  it('a used authCode → login-failed; each exchange went out exactly once', async () => {
    const grant = await loginGrant(h, 'aliceblue');
    await adapter().exchange(creds(), grant);
    const err = await rejection(adapter().exchange(creds(), grant));
    expect(err.kind).toBe('login-failed');
    expect(err.message).toMatch(/works once/);
    expect(h.sim.requestsTo('POST', SESSION)).toHaveLength(2);
  });

  it('a stale authCode (10 min + 1 s) → login-failed, sent once; one still fresh at 9:59 works', async () => {
    const stale = await loginGrant(h, 'aliceblue');
    h.clock.advance(10 * 60_000 + 1_000);
    const err = await rejection(adapter().exchange(creds(), stale));
    expect(err.kind).toBe('login-failed');
    expect(h.sim.requestsTo('POST', SESSION)).toHaveLength(1);
    const fresh = await loginGrant(h, 'aliceblue');
    h.clock.advance(9 * 60_000 + 59_000);
    await expect(adapter().exchange(creds(), fresh)).resolves.toMatchObject({ userId: USER });
  });

  it('5xx, 429 (with and without Retry-After) and a dropped answer on the exchange are never resent: the authCode is burnt', async () => {
    for (const fault of [
      { kind: 'status', status: 503 },
      { kind: 'rate-limit', retryAfterSeconds: 5 },
      { kind: 'rate-limit' },
      { kind: 'drop' },
    ] as const) {
      h.sim.clearRequests();
      h.sleeps.length = 0;
      const grant = await loginGrant(h, 'aliceblue');
      h.sim.inject({ path: SESSION, fault });
      const err = await rejection(adapter().exchange(creds(), grant));
      expect(['broker-down', 'rate-limited']).toContain(err.kind);
      expect(err.message).toMatch(/works only once.*Log in again/);
      expect(h.sim.requestsTo('POST', SESSION)).toHaveLength(1);
      expect(h.sleeps).toEqual([]);
      expect(h.sim.grantUsed(grant.code)).toBe(true);
    }
  });

  it('a session logged out elsewhere → revoked (401 EC087) before its cutoff; expired after 03:00', async () => {
    const { apiKey } = creds();
    const tokens = await adapter().exchange(creds(), await loginGrant(h, 'aliceblue'));
    h.sim.revokeToken(tokens.accessToken);
    const err = await rejection(adapter().validate(apiKey, tokens.accessToken));
    expect(err.kind).toBe('revoked');
    expect(err.details).toMatchObject({ status: 401, brokerCode: 'EC087' });
    expect(err.message).toMatch(/logout on the Alice Blue web site/);
    h.clock.set(ist('2026-03-11T03:00:01'));
    const later = await rejection(adapter().validate(apiKey, tokens.accessToken));
    expect(later.kind).toBe('expired');
    expect(later.message).toMatch(/03:00 IST/);
  });

  it('"Session expired" in a 200 Not_Ok body is a dead session too; other Not_Ok answers are not', async () => {
    const { apiKey } = creds();
    const tokens = await adapter().exchange(creds(), await loginGrant(h, 'aliceblue'));
    h.sim.inject({
      path: PROFILE,
      fault: { kind: 'reply', status: 200, json: { status: 'Not_Ok', message: 'Session expired' } },
    });
    expect((await rejection(adapter().validate(apiKey, tokens.accessToken))).kind).toBe('revoked');
    h.sim.inject({
      path: PROFILE,
      fault: { kind: 'reply', status: 200, json: { status: 'Not_Ok', message: 'EC923' } },
    });
    const other = await rejection(adapter().validate(apiKey, tokens.accessToken));
    expect(other).toMatchObject({ kind: 'bad-response', details: { brokerCode: 'EC923' } });
    // The session itself is fine.
    await expect(adapter().validate(apiKey, tokens.accessToken)).resolves.toMatchObject({
      userId: USER,
    });
  });

  it('5xx on the check is retried, then broker-down; 429 waits Retry-After, or backs off, then rate-limited', async () => {
    const { apiKey } = creds();
    const tokens = await adapter().exchange(creds(), await loginGrant(h, 'aliceblue'));
    h.sleeps.length = 0;
    h.sim.inject({ path: PROFILE, times: 1, fault: { kind: 'status', status: 503 } });
    await expect(adapter().validate(apiKey, tokens.accessToken)).resolves.toMatchObject({
      userId: USER,
    });
    expect(h.sim.requestsTo('GET', PROFILE)).toHaveLength(2);
    h.sim.inject({ path: PROFILE, times: 5, fault: { kind: 'status', status: 502 } });
    const down = await rejection(adapter().validate(apiKey, tokens.accessToken));
    expect(down).toMatchObject({ kind: 'broker-down', details: { brokerCode: 'EC003' } });
    expect(down.message).toMatch(/HTTP 502/);
    h.sim.clearFaults();

    h.sleeps.length = 0;
    h.sim.inject({ path: PROFILE, fault: { kind: 'rate-limit', retryAfterSeconds: 7 } });
    await adapter().validate(apiKey, tokens.accessToken);
    expect(h.sleeps).toEqual([7_000]);
    h.sleeps.length = 0;
    h.sim.inject({ path: PROFILE, times: 5, fault: { kind: 'rate-limit' } });
    const limited = await rejection(adapter().validate(apiKey, tokens.accessToken));
    expect(limited.kind).toBe('rate-limited');
    expect(h.sleeps.length).toBeGreaterThan(0);
  });

  it('a grant without the userId (no checksum can be made) fails before anything is sent', async () => {
    const err = await rejection(adapter().exchange(creds(), { code: 'abcdef' }));
    expect(err.kind).toBe('login-failed');
    expect(err.message).toMatch(/userId/);
    expect(h.sim.requestsTo('POST', SESSION)).toHaveLength(0);
  });

  it('the catalogue: 03:00 IST is a Guess, the redirect URI is loopback, the setup guide warns', () => {
    expect(BROKERS.aliceblue.cutoffIsGuess).toBe(true);
    expect(BROKERS.aliceblue.echoesState).toBe(false);
    expect(BROKERS.aliceblue.loginOrigins).toContain('https://ant.aliceblueonline.com');
  });
});

describe('Alice Blue redirects', () => {
  const ok = `authCode=Ab12Cd34&userId=${USER}`;

  it('a cancel comes back as cancelled; a redirect without state is fine; a state that comes back must be ours', async () => {
    const { redirectUri } = creds();
    const cancelled = await submitLoginPage(h, 'aliceblue', 'cancel');
    expect(
      thrown(() => adapter().parseRedirect(cancelled, { redirectUri, state: STATE })).kind,
    ).toBe('cancelled');
    expect(adapter().parseRedirect(`${redirectUri}?${ok}`, { redirectUri, state: STATE })).toEqual({
      code: 'Ab12Cd34',
      userId: USER,
    });
    expect(
      adapter().parseRedirect(`${redirectUri}?${ok}&state=${STATE}`, { redirectUri, state: STATE }),
    ).toEqual({ code: 'Ab12Cd34', userId: USER });
  });

  it('hostile redirects yield nothing, each with words naming the problem', () => {
    const { redirectUri } = creds();
    for (const [url, words] of [
      [`${redirectUri}?${ok}&state=someone-elses-state`, /state mismatch/],
      [`${redirectUri}?${ok}&state=`, /no state/],
      [`${redirectUri}?${ok}&state=${STATE}&state=${STATE}`, /repeated/],
      [`http://127.0.0.2:5055/aliceblue/callback?${ok}`, /other than/],
      [`http://localhost:5055/aliceblue/callback?${ok}`, /other than/],
      [`http://127.0.0.1:5056/aliceblue/callback?${ok}`, /other than/],
      [`https://127.0.0.1:5055/aliceblue/callback?${ok}`, /other than/],
      [`http://127.0.0.1:5055/aliceblue/callback/?${ok}`, /other than/],
      [`http://127.0.0.1:5055/aliceblue/Callback?${ok}`, /other than/],
      [`http://user@127.0.0.1:5055/aliceblue/callback?${ok}`, /user name/],
      [`${redirectUri}?${ok}#x`, /fragment/],
      [`${redirectUri}#${ok}`, /fragment/],
      [`${redirectUri}?${ok}&authCode=Other999`, /repeated/],
      [`${redirectUri}?${ok}&userId=AB00002`, /repeated/],
      [`${redirectUri}?userId=${USER}`, /no authCode/],
      [`${redirectUri}?authCode=&userId=${USER}`, /no authCode/],
      [`${redirectUri}?authCode=a%20b&userId=${USER}`, /authCode .*malformed/],
      [`${redirectUri}?authCode=a%22%3Cscript%3E%00&userId=${USER}`, /authCode .*malformed/],
      [`${redirectUri}?authCode=Ab12Cd34`, /no userId/],
      [`${redirectUri}?authCode=Ab12Cd34&userId=AB%0A001`, /userId .*malformed/],
      [`${redirectUri}?authCode=Ab12Cd34&userId=${'A'.repeat(40)}`, /userId .*malformed/],
      [`${redirectUri}?error=server_error&${ok}`, /server_error/],
      [`${redirectUri}?stat=Not_ok&emsg=User%20does%20not%20login`, /User does not login/],
      ['not a url', /other than/],
    ] as const) {
      const err = thrown(() => adapter().parseRedirect(url, { redirectUri, state: STATE }));
      expect(err.kind, url).toBe('login-failed');
      expect(err.message, url).toMatch(words);
    }
  });

  it('an empty expected state is a bug, never "anything goes"', () => {
    const { redirectUri } = creds();
    const err = thrown(() =>
      adapter().parseRedirect(`${redirectUri}?${ok}`, { redirectUri, state: '' }),
    );
    expect(err.message).toMatch(/without a state value/);
  });

  it('an error redirect repeating the authCode shows none of it', () => {
    const { redirectUri } = creds();
    const code = 'SecretCode123456';
    const err = thrown(() =>
      adapter().parseRedirect(
        `${redirectUri}?authCode=${code}&userId=${USER}&error=x&error_description=${encodeURIComponent(`bad ${code}`)}`,
        { redirectUri, state: STATE },
      ),
    );
    expect(err.kind).toBe('login-failed');
    expect(err.message).not.toContain(code);
    expect(h.logger.registered.has(code)).toBe(true);
  });
});

describe('Alice Blue simulator strictness', () => {
  it('names a wrong body type or extra body keys, and a login URL with anything but appcode', async () => {
    const url = `${h.sim.url}${SESSION}`;
    const form = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'checkSum=abc',
    });
    expect(form.status).toBe(400);
    expect(((await form.json()) as { emsg: string }).emsg).toMatch(
      /^simulator: .*application\/json/,
    );
    const extra = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ checkSum: 'a'.repeat(64), userId: USER }),
    });
    expect(((await extra.json()) as { emsg: string }).emsg).toMatch(/^simulator: .*checkSum/);
    const { apiKey } = creds();
    const page = await fetch(`${h.sim.url}/aliceblue/?appcode=${apiKey}&state=${STATE}`);
    expect(page.status).toBe(400);
    expect(await page.text()).toMatch(/simulator: .*exactly one parameter, appcode/);
    const noSlash = await fetch(`${h.sim.url}/aliceblue?appcode=${apiKey}`);
    expect(noSlash.status).toBe(404);
    const profile = await fetch(`${h.sim.url}${PROFILE}`);
    expect(profile.status).toBe(401);
    expect(((await profile.json()) as { message: string }).message).toMatch(/^simulator: .*Bearer/);
  });
});

describe('Alice Blue expiry: 03:00 IST (Guess) the next occurrence, at the cutoff ± 1 s', () => {
  it.each([
    ['2026-03-10T02:59:59', '2026-03-10T03:00:00'],
    ['2026-03-10T03:00:00', '2026-03-11T03:00:00'],
    ['2026-03-10T03:00:01', '2026-03-11T03:00:00'],
    ['2026-03-10T23:59:59', '2026-03-11T03:00:00'],
  ])('issued %s IST → %s IST', (issued, expected) => {
    expect(asIst(accessTokenExpiry('aliceblue', ist(issued)))).toBe(expected);
  });

  it('a login at 02:59:59 dies at 03:00:00; at 03:00:01 the next day', async () => {
    h.clock.set(ist('2026-03-10T02:59:59'));
    const early = await adapter().exchange(creds(), await loginGrant(h, 'aliceblue'));
    expect(asIst(early.expiresAt)).toBe('2026-03-10T03:00:00');
    h.clock.set(ist('2026-03-10T03:00:01'));
    const late = await adapter().exchange(creds(), await loginGrant(h, 'aliceblue'));
    expect(asIst(late.expiresAt)).toBe('2026-03-11T03:00:00');
  });

  it('the simulated session dies at 03:00: valid at 02:59:59, expired at 03:00:01', async () => {
    const { apiKey } = creds();
    const tokens = await adapter().exchange(creds(), await loginGrant(h, 'aliceblue'));
    h.clock.set(ist('2026-03-11T02:59:59'));
    await expect(adapter().validate(apiKey, tokens.accessToken)).resolves.toMatchObject({
      userId: USER,
    });
    h.clock.set(ist('2026-03-11T03:00:01'));
    expect((await rejection(adapter().validate(apiKey, tokens.accessToken))).kind).toBe('expired');
  });

  it("a userSession whose JWT exp comes before 03:00 wins (the broker's own instant)", async () => {
    const grant = await loginGrant(h, 'aliceblue');
    const now = h.clock.now();
    const exp = new Date(now.getTime() + 2 * 3_600_000); // 12:00 IST, before Wed 03:00
    const session = fakeJwt({ sub: 'x' }, now, exp);
    h.sim.inject({
      path: SESSION,
      fault: {
        kind: 'reply',
        status: 200,
        json: { stat: 'Ok', clientId: USER, userSession: session },
      },
    });
    const tokens = await adapter().exchange(creds(), grant);
    expect(tokens.expiresAt.getTime()).toBe(Math.floor(exp.getTime() / 1000) * 1000);
    expect(asIst(tokens.expiresAt)).toBe('2026-03-10T12:00:00');
  });
});

describe('Alice Blue secrets', () => {
  it('the API secret, authCode, checksum and userSession never reach the log or an error', async () => {
    const { apiKey, apiSecret } = creds();
    const grant = await loginGrant(h, 'aliceblue');
    const tokens = await adapter().exchange(creds(), grant);
    await adapter().validate(apiKey, tokens.accessToken);
    const errors = [];
    errors.push(await rejection(adapter().exchange(creds(), grant)));
    const g2 = await loginGrant(h, 'aliceblue');
    const checksum = sha256(USER + g2.code + apiSecret);
    h.sim.inject({
      path: SESSION,
      fault: {
        kind: 'reply',
        status: 200,
        json: { stat: 'Not_ok', emsg: `bad ${checksum} ${g2.code} ${apiSecret}` },
      },
    });
    errors.push(await rejection(adapter().exchange(creds(), g2)));
    h.sim.inject({
      path: PROFILE,
      fault: {
        kind: 'reply',
        status: 400,
        json: { status: 'Not_Ok', message: `no ${tokens.accessToken}` },
      },
    });
    errors.push(await rejection(adapter().validate(apiKey, tokens.accessToken)));
    h.sim.revokeToken(tokens.accessToken);
    errors.push(await rejection(adapter().validate(apiKey, tokens.accessToken)));
    expect(errors[1]!.message).toContain('bad [redacted]');
    const secrets = [
      apiSecret,
      grant.code,
      g2.code,
      checksum,
      sha256(USER + grant.code + apiSecret),
      tokens.accessToken,
    ];
    const log = h.logger.text();
    expect(h.logger.entries.length).toBeGreaterThan(3);
    for (const s of secrets) {
      expect(log).not.toContain(s);
      expect(h.logger.registered.has(s), 'registered for redaction').toBe(true);
      for (const e of errors) {
        expect(`${e.message} ${JSON.stringify(e.details)} ${e.stack ?? ''}`).not.toContain(s);
      }
    }
  });
});
