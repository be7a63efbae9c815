/**
 * ICICI Direct Breeze against the simulator (brokers-more.md §2.7): login URL with only the URL-encoded
 * api_key → redirect carrying `apisession` → customerdetails (a GET with a JSON body, over node:http:
 * http.ts `bodyOnGet`) → session with the midnight-IST expiry; wrong key, replayed, expired and revoked
 * sessions, 5xx and 429, hostile redirects, expiry at midnight ± 1 s, secrets. Also the GET-with-body
 * sender itself against small loopback servers: timeout, size cap, no redirects, refused/hang-up words.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BROKERS } from '../../shared/brokers';
import { accessTokenExpiry } from '../../shared/expiry';
import { BREEZE_CUSTOMER_DETAILS_PATH } from '../../electron/core/brokers/breeze';
import { MAX_BROKER_BODY_BYTES, sendHttp, type HttpDeps } from '../../electron/core/brokers/http';
import { decideLoginNavigation } from '../../electron/core/policy/login-navigation-policy';
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
  asIst,
} from './helpers';

const DETAILS = BREEZE_CUSTOMER_DETAILS_PATH;

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

/** The `Error` of a Breeze envelope. */
const errorOf = (json: unknown): unknown => (json as { Error?: unknown } | null)?.Error;

/** customerdetails as the SDK calls it, straight at the simulator: the raw answer. */
async function rawDetails(body: string, headers = { 'Content-Type': 'application/json' }) {
  return sendHttp(
    {
      method: 'GET',
      url: new URL(`${h.sim.baseUrls.breeze.api}${DETAILS}`),
      headers,
      body,
      bodyOnGet: true,
    },
    { fetch, timeoutMs: 2_000, label: 'ICICI Direct Breeze' },
  );
}

describe('ICICI Direct Breeze adapter against the simulator', () => {
  it('builds the login URL with only the URL-encoded api_key', () => {
    const { apiKey, redirectUri } = credentialsOf(h.sim, 'breeze');
    const url = new URL(h.adapters.breeze.authorizeUrl({ apiKey, redirectUri, state: STATE }));
    expect(`${url.origin}${url.pathname}`).toBe(`${h.sim.baseUrls.breeze.login}/apiuser/login`);
    expect([...url.searchParams]).toEqual([['api_key', apiKey]]);
    // ICICI's guide: keys hold characters such as % ) # ^ = and must be encoded.
    const odd = 'K%834G9%)2M9z7#^=1 V2dP';
    const built = h.adapters.breeze.authorizeUrl({ apiKey: odd, redirectUri, state: STATE });
    expect(built).toContain('api_key=K%25834G9%25%292M9z7%23%5E%3D1+V2dP');
    expect(new URL(built).searchParams.get('api_key')).toBe(odd);
    expect(built).not.toContain(STATE);
  });

  it('logs in: redirect with apisession → customerdetails GET with the JSON body → session dying at midnight IST', async () => {
    const creds = credentialsOf(h.sim, 'breeze');
    const location = await submitLoginPage(h, 'breeze', 'login');
    expect(location).toMatch(/^http:\/\/127\.0\.0\.1:5055\/breeze\/callback\?apisession=\d{8}$/);
    const session = new URL(location).searchParams.get('apisession')!;
    const grant = h.adapters.breeze.parseRedirect(location, {
      redirectUri: creds.redirectUri,
      state: STATE,
    });
    expect(grant).toEqual({ code: session });

    const tokens = await h.adapters.breeze.exchange(creds, grant);
    expect(tokens.accessToken).toBe(session);
    // Made Tue 10:00 IST → dies at midnight, Wed 00:00 IST (earlier than 24 h).
    expect(asIst(tokens.expiresAt)).toBe('2026-03-11T00:00:00');
    expect(tokens.issuedAt.toISOString()).toBe(h.clock.now().toISOString());
    expect(tokens).toMatchObject({ userId: 'SIMBRZ01', userName: 'Simulated Breeze User' });
    expect(tokens.refreshToken).toBeUndefined();

    // The exact request ICICI got: the SDK's api_util, byte for byte.
    const reqs = h.sim.requestsTo('GET', DETAILS);
    expect(reqs).toHaveLength(1);
    const req = reqs[0]!;
    expect(req.rawQuery).toBe('');
    expect(req.body).toBe(`{"SessionToken":"${session}","AppKey":"${creds.apiKey}"}`);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['content-length']).toBe(String(Buffer.byteLength(req.body)));
    expect(req.headers['x-checksum']).toBeUndefined();
    expect(req.headers['authorization']).toBeUndefined();
    expect(JSON.stringify(req.headers)).not.toContain(creds.apiSecret);
    expect(h.sim.requestsTo('POST', DETAILS)).toHaveLength(0);

    await expect(h.adapters.breeze.validate(creds.apiKey, session)).resolves.toEqual({
      userId: 'SIMBRZ01',
      userName: 'Simulated Breeze User',
    });
    expect(h.sim.requestsTo('GET', DETAILS)).toHaveLength(2);
    expect(h.sim.tokenStatus('breeze', session)).toBe('valid');
  });

  it("reads the session under ICICI's own name API_Session too (any case), but never two spellings at once", () => {
    const { redirectUri } = credentialsOf(h.sim, 'breeze');
    const parse = (url: string) =>
      h.adapters.breeze.parseRedirect(url, { redirectUri, state: STATE });
    expect(parse(`${redirectUri}?API_Session=16963048`)).toEqual({ code: '16963048' });
    expect(parse(`${redirectUri}?APISESSION=58593`)).toEqual({ code: '58593' });
    for (const url of [
      `${redirectUri}?apisession=1&API_Session=1`,
      `${redirectUri}?apisession=1&APISession=2`,
      `${redirectUri}?api_session=1&apisession=1`,
    ]) {
      const err = thrown(() => parse(url));
      expect(err.kind).toBe('login-failed');
      expect(err.message).toMatch(/more than once/);
    }
  });

  it('a return without the session (ICICI posted it as a form the window cannot read) fails saying so', () => {
    const { redirectUri } = credentialsOf(h.sim, 'breeze');
    for (const url of [redirectUri, `${redirectUri}?`, `${redirectUri}?other=1`]) {
      const err = thrown(() => h.adapters.breeze.parseRedirect(url, { redirectUri, state: STATE }));
      expect(err.kind).toBe('login-failed');
      expect(err.message).toMatch(/without the session/);
      expect(err.message).toMatch(/as a form, which TokenTray cannot read/);
      expect(err.message).toContain(redirectUri);
    }
  });

  it('a wrong app key → bad-credentials ("Public Key does not exist"), with the broker code', async () => {
    const creds = credentialsOf(h.sim, 'breeze');
    const grant = await loginGrant(h, 'breeze');
    const err = await rejection(
      h.adapters.breeze.exchange({ ...creds, apiKey: 'some-other-app-key' }, grant),
    );
    expect(err.kind).toBe('bad-credentials');
    expect(err.message).toMatch(/Public Key does not exist.*View Apps/);
    expect(err.details).toMatchObject({ status: 200, brokerCode: '500' });
    // A second app of the same user: its key exists, but the session belongs to the first app.
    h.sim.registerApp({ ...h.sim.app('breeze'), apiKey: 'sim-breeze-second-app' });
    const other = await rejection(
      h.adapters.breeze.exchange({ ...creds, apiKey: 'sim-breeze-second-app' }, grant),
    );
    expect(other.kind).toBe('login-failed');
    expect(other.message).toMatch(/Invalid session/);
  });

  it('the secret key plays no part in login (only trading calls are signed with it): a wrong one still logs in', async () => {
    const creds = credentialsOf(h.sim, 'breeze');
    const tokens = await h.adapters.breeze.exchange(
      { ...creds, apiSecret: 'wrong-secret-not-real' },
      await loginGrant(h, 'breeze'),
    );
    expect(tokens.userId).toBe('SIMBRZ01');
    expect(h.sim.requestsTo('GET', DETAILS)[0]?.body).not.toContain('wrong-secret');
  });

  it('a replayed redirect whose session ended (the session is the grant) → login-failed, checked once', async () => {
    const creds = credentialsOf(h.sim, 'breeze');
    const grant = await loginGrant(h, 'breeze');
    await h.adapters.breeze.exchange(creds, grant);
    h.sim.revokeToken(grant.code);
    h.sim.clearRequests();
    const err = await rejection(h.adapters.breeze.exchange(creds, grant));
    expect(err.kind).toBe('login-failed');
    expect(err.message).toMatch(/Invalid session/);
    expect(err.details).toMatchObject({ status: 200, brokerCode: '500' });
    expect(h.sim.requestsTo('GET', DETAILS)).toHaveLength(1);
    // A made-up session is no better.
    const made = await rejection(h.adapters.breeze.exchange(creds, { code: '12345678' }));
    expect(made.kind).toBe('login-failed');
  });

  it('an expired session: replayed after midnight → login-failed; validated after midnight → expired', async () => {
    const creds = credentialsOf(h.sim, 'breeze');
    const grant = await loginGrant(h, 'breeze');
    const tokens = await h.adapters.breeze.exchange(creds, grant);
    h.clock.set(ist('2026-03-11T00:00:01'));
    h.sim.clearRequests();
    const replay = await rejection(h.adapters.breeze.exchange(creds, grant));
    expect(replay.kind).toBe('login-failed');
    expect(replay.message).toMatch(/no longer available/);
    expect(h.sim.requestsTo('GET', DETAILS)).toHaveLength(1);
    const err = await rejection(h.adapters.breeze.validate(creds.apiKey, tokens.accessToken));
    expect(err.kind).toBe('expired');
    expect(err.message).toMatch(/midnight IST/);
  });

  it('a session ended elsewhere → revoked on validate; there is no logout', async () => {
    const creds = credentialsOf(h.sim, 'breeze');
    const tokens = await h.adapters.breeze.exchange(creds, await loginGrant(h, 'breeze'));
    h.sim.revokeToken(tokens.accessToken);
    const err = await rejection(h.adapters.breeze.validate(creds.apiKey, tokens.accessToken));
    expect(err.kind).toBe('revoked');
    expect(err.details).toMatchObject({ brokerCode: '500' });
    expect('logout' in h.adapters.breeze).toBe(false);
    expect('renew' in h.adapters.breeze).toBe(false);
    expect('refresh' in h.adapters.breeze).toBe(false);
  });

  it('5xx is retried (the session may be checked again), then broker-down', async () => {
    const creds = credentialsOf(h.sim, 'breeze');
    const grant = await loginGrant(h, 'breeze');
    h.sim.inject({ path: DETAILS, times: 1, fault: { kind: 'status', status: 503 } });
    await expect(h.adapters.breeze.exchange(creds, grant)).resolves.toMatchObject({
      userId: 'SIMBRZ01',
    });
    expect(h.sim.requestsTo('GET', DETAILS)).toHaveLength(2);
    h.sim.inject({ path: DETAILS, times: 5, fault: { kind: 'status', status: 502 } });
    const err = await rejection(h.adapters.breeze.validate(creds.apiKey, grant.code));
    expect(err.kind).toBe('broker-down');
    expect(err.message).toMatch(/HTTP 502, 502/);
    expect(err.details).toMatchObject({ status: 502, brokerCode: '502' });
  });

  it('429 with Retry-After waits that long; without one it backs off, then rate-limited', async () => {
    const creds = credentialsOf(h.sim, 'breeze');
    const tokens = await h.adapters.breeze.exchange(creds, await loginGrant(h, 'breeze'));
    h.sleeps.length = 0;
    h.sim.inject({ path: DETAILS, fault: { kind: 'rate-limit', retryAfterSeconds: 7 } });
    await h.adapters.breeze.validate(creds.apiKey, tokens.accessToken);
    expect(h.sleeps).toEqual([7_000]);
    h.sleeps.length = 0;
    h.sim.inject({ path: DETAILS, times: 5, fault: { kind: 'rate-limit' } });
    const err = await rejection(h.adapters.breeze.validate(creds.apiKey, tokens.accessToken));
    expect(err.kind).toBe('rate-limited');
    expect(err.details).toMatchObject({ status: 429, brokerCode: '429' });
    expect(h.sleeps).toHaveLength(2);
    expect(h.sim.requestsTo('GET', DETAILS)).toHaveLength(1 + 2 + 3);
  });

  it('a success without session_token, or with one that is not base64("user:key"), is bad-response', async () => {
    const creds = credentialsOf(h.sim, 'breeze');
    const tokens = await h.adapters.breeze.exchange(creds, await loginGrant(h, 'breeze'));
    const once = h.adaptersWith({ retry: { attempts: 1 } }).breeze;
    for (const [success, words] of [
      [{ idirect_userid: 'SIMBRZ01' }, /unexpected Success\.session_token/],
      [{ session_token: 'not base64!' }, /unexpected Success\.session_token/],
      [{ session_token: Buffer.from('no-colon').toString('base64') }, /session_token/],
    ] as const) {
      h.sim.inject({
        path: DETAILS,
        fault: { kind: 'reply', status: 200, json: { Success: success, Status: 200, Error: null } },
      });
      const err = await rejection(once.validate(creds.apiKey, tokens.accessToken));
      expect(err.kind).toBe('bad-response');
      expect(err.message).toMatch(words);
    }
  });

  it('a cancelled login comes back as cancelled; hostile redirects yield nothing', async () => {
    const { redirectUri } = credentialsOf(h.sim, 'breeze');
    const cancelled = await submitLoginPage(h, 'breeze', 'cancel');
    expect(
      thrown(() => h.adapters.breeze.parseRedirect(cancelled, { redirectUri, state: STATE })).kind,
    ).toBe('cancelled');
    const ok = 'apisession=16963048';
    for (const [url, words] of [
      [`${redirectUri}?${ok}&state=someone-elses-state`, /state mismatch/],
      [`${redirectUri}?${ok}&state=`, /no state/],
      [`https://127.0.0.1:5055/breeze/callback?${ok}`, /other than/],
      [`http://127.0.0.1:5056/breeze/callback?${ok}`, /other than/],
      [`http://localhost:5055/breeze/callback?${ok}`, /other than/],
      [`http://127.0.0.1:5055/breeze/callback/?${ok}`, /other than/],
      [`http://127.0.0.1:5055/breeze/callbackx?${ok}`, /other than/],
      [`http://evil.example/breeze/callback?${ok}`, /other than/],
      [`http://user@127.0.0.1:5055/breeze/callback?${ok}`, /user name/],
      [`${redirectUri}?${ok}#x`, /fragment/],
      [`${redirectUri}#${ok}`, /fragment/],
      [`${redirectUri}?${ok}&${ok}`, /repeated/],
      [`${redirectUri}?apisession=1&apisession=2`, /repeated/],
      [`${redirectUri}?apisession=a%22%3Cscript%3E`, /malformed/],
      [`${redirectUri}?apisession=1%202`, /malformed/],
      [`${redirectUri}?apisession=${'9'.repeat(300)}`, /malformed/],
      [`${redirectUri}?apisession=`, /without the session/],
      [`${redirectUri}?${ok}&error=server_error`, /said "server_error"/],
      ['not a url', /other than/],
    ] as const) {
      const err = thrown(() => h.adapters.breeze.parseRedirect(url, { redirectUri, state: STATE }));
      expect(err.kind, url).toBe('login-failed');
      expect(err.message, url).toMatch(words);
    }
    // A login TokenTray started without a state is a bug, even though Breeze never sends one back.
    expect(
      thrown(() =>
        h.adapters.breeze.parseRedirect(`${redirectUri}?${ok}`, { redirectUri, state: '' }),
      ).kind,
    ).toBe('login-failed');
    // Our own state coming back is fine.
    expect(
      h.adapters.breeze.parseRedirect(`${redirectUri}?${ok}&state=${STATE}`, {
        redirectUri,
        state: STATE,
      }),
    ).toEqual({ code: '16963048' });
  });

  it('the login window may visit ICICI and captures exactly the loopback redirect URI', () => {
    const redirectUri = BROKERS.breeze.suggestedRedirectUri;
    const request = {
      allowedOrigins: BROKERS.breeze.loginOrigins,
      isRedirect: (url: string) => h.adapters.breeze.isRedirect(url, redirectUri),
    };
    expect(decideLoginNavigation(`${redirectUri}?apisession=1`, 'main-frame', request)).toEqual({
      action: 'capture',
    });
    expect(
      decideLoginNavigation(
        'https://api.icicidirect.com/apiuser/tradelogin',
        'main-frame',
        request,
      ),
    ).toEqual({ action: 'allow' });
    expect(
      decideLoginNavigation('https://evil.example/breeze/callback', 'main-frame', request).action,
    ).toBe('block');
  });
});

describe('the simulator is as strict as the SDK: customerdetails is a GET with a JSON body', () => {
  it('answers the SDK form, and names every other form as the mistake', async () => {
    const creds = credentialsOf(h.sim, 'breeze');
    const grant = await loginGrant(h, 'breeze');
    const good = await rawDetails(
      JSON.stringify({ SessionToken: grant.code, AppKey: creds.apiKey }),
    );
    expect(good.status).toBe(200);
    expect(good.json).toMatchObject({
      Status: 200,
      Error: null,
      Success: { idirect_userid: 'SIMBRZ01' },
    });

    const url = `${h.sim.baseUrls.breeze.api}${DETAILS}`;
    // No body (what fetch sends for a GET).
    const bare = await fetch(url);
    expect(errorOf(await bare.json())).toMatch(/^simulator: .*JSON body/);
    // The values in the query instead.
    const query = await fetch(`${url}?SessionToken=${grant.code}&AppKey=${creds.apiKey}`);
    expect(errorOf(await query.json())).toMatch(/^simulator:/);
    // A form body, and a JSON body without its Content-Type.
    const form = await rawDetails(`SessionToken=${grant.code}&AppKey=${creds.apiKey}`, {
      'Content-Type': 'application/x-www-form-urlencoded',
    });
    expect(errorOf(form.json)).toMatch(/^simulator: .*application\/x-www-form-urlencoded/);
    const untyped = await rawDetails(
      JSON.stringify({ SessionToken: grant.code, AppKey: creds.apiKey }),
      {} as { 'Content-Type': string },
    );
    expect(errorOf(untyped.json)).toMatch(/no Content-Type/);
    // Missing or extra fields.
    const missing = await rawDetails(JSON.stringify({ SessionToken: grant.code }));
    expect(errorOf(missing.json)).toMatch(/SessionToken and AppKey/);
    const extra = await rawDetails(
      JSON.stringify({ SessionToken: grant.code, AppKey: creds.apiKey, Secret: 'x' }),
    );
    expect(errorOf(extra.json)).toMatch(/unexpected body fields: Secret/);
    // A POST with the right body.
    const post = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ SessionToken: grant.code, AppKey: creds.apiKey }),
    });
    expect(post.status).toBe(405);
    expect(errorOf(await post.json())).toMatch(/^simulator: .*GET/);
    // None of these used the session up: it still works.
    expect(
      (await rawDetails(JSON.stringify({ SessionToken: grant.code, AppKey: creds.apiKey }))).status,
    ).toBe(200);
  });

  it('session_token is base64("<user id>:<session key>"), as the SDK decodes it', async () => {
    const creds = credentialsOf(h.sim, 'breeze');
    const grant = await loginGrant(h, 'breeze');
    const res = await rawDetails(
      JSON.stringify({ SessionToken: grant.code, AppKey: creds.apiKey }),
    );
    const token = (res.json as { Success: { session_token: string } }).Success.session_token;
    const [user, key] = Buffer.from(token, 'base64').toString('ascii').split(':');
    expect(user).toBe('SIMBRZ01');
    expect(key).toMatch(/^[A-Za-z0-9]{16}$/);
  });
});

describe('Breeze expiry: "24 hrs or before midnight, whichever is earlier" → midnight IST', () => {
  it.each([
    ['2026-03-10T10:00:00', '2026-03-11T00:00:00'],
    ['2026-03-10T23:59:59', '2026-03-11T00:00:00'],
    ['2026-03-11T00:00:00', '2026-03-12T00:00:00'],
    ['2026-03-11T00:00:01', '2026-03-12T00:00:00'],
    // A login just after midnight lives to the next midnight, never 24 h (00:00:30 the day after).
    ['2026-03-11T00:00:30', '2026-03-12T00:00:00'],
  ])('issued %s IST → %s IST', (issued, expected) => {
    expect(asIst(accessTokenExpiry('breeze', ist(issued)))).toBe(expected);
  });

  it('the simulator session dies at midnight: valid at 23:59:59, rejected at 00:00:00 and 00:00:01', async () => {
    const creds = credentialsOf(h.sim, 'breeze');
    const tokens = await h.adapters.breeze.exchange(creds, await loginGrant(h, 'breeze'));
    h.clock.set(ist('2026-03-10T23:59:59'));
    await expect(
      h.adapters.breeze.validate(creds.apiKey, tokens.accessToken),
    ).resolves.toBeTruthy();
    for (const t of ['2026-03-11T00:00:00', '2026-03-11T00:00:01']) {
      h.clock.set(ist(t));
      const err = await rejection(h.adapters.breeze.validate(creds.apiKey, tokens.accessToken));
      expect(err.kind).toBe('expired');
    }
  });

  it('a login at 00:00:30 IST: the app and the simulator agree it ends at the next midnight', async () => {
    h.clock.set(ist('2026-03-11T00:00:30'));
    const creds = credentialsOf(h.sim, 'breeze');
    const tokens = await h.adapters.breeze.exchange(creds, await loginGrant(h, 'breeze'));
    expect(asIst(tokens.expiresAt)).toBe('2026-03-12T00:00:00');
    h.clock.set(ist('2026-03-11T23:59:59'));
    await expect(
      h.adapters.breeze.validate(creds.apiKey, tokens.accessToken),
    ).resolves.toBeTruthy();
    h.clock.set(ist('2026-03-12T00:00:00'));
    expect(
      (await rejection(h.adapters.breeze.validate(creds.apiKey, tokens.accessToken))).kind,
    ).toBe('expired');
  });
});

describe('Breeze secrets stay secret', () => {
  it('session, derived session_token, its session key and the secret key reach neither the log nor an error', async () => {
    const creds = credentialsOf(h.sim, 'breeze');
    const grant = await loginGrant(h, 'breeze');
    const raw = await rawDetails(
      JSON.stringify({ SessionToken: grant.code, AppKey: creds.apiKey }),
    );
    const derived = (raw.json as { Success: { session_token: string } }).Success.session_token;
    const sessionKey = Buffer.from(derived, 'base64').toString('ascii').split(':')[1]!;
    const tokens = await h.adapters.breeze.exchange(creds, grant);
    const secrets = [grant.code, derived, sessionKey, creds.apiSecret];
    for (const s of secrets) expect(h.logger.registered.has(s), s).toBe(true);

    const errors: TokenTrayError[] = [];
    const once = h.adaptersWith({ retry: { attempts: 1 }, timeoutMs: 300 }).breeze;
    const echo = `rejected ${secrets.join(' and ')}`;
    for (const status of [200, 400, 401]) {
      h.sim.inject({
        path: DETAILS,
        fault: { kind: 'reply', status, json: { Success: null, Status: 500, Error: echo } },
      });
      errors.push(await rejection(once.validate(creds.apiKey, tokens.accessToken)));
      h.sim.inject({
        path: DETAILS,
        fault: { kind: 'reply', status, json: { Success: null, Status: 500, Error: echo } },
      });
      errors.push(await rejection(once.exchange(creds, grant)));
    }
    for (const fault of [
      { kind: 'status', status: 500 },
      { kind: 'drop' },
      { kind: 'slow', delayMs: 1_000 },
      { kind: 'garbage' },
    ] as const) {
      h.sim.inject({ path: DETAILS, fault });
      errors.push(await rejection(once.exchange(creds, grant)));
    }
    errors.push(
      thrown(() =>
        h.adapters.breeze.parseRedirect(
          `${creds.redirectUri}?apisession=${grant.code}&error=${encodeURIComponent(`bad ${grant.code}`)}`,
          { redirectUri: creds.redirectUri, state: STATE },
        ),
      ),
    );
    expect(new Set(errors.map((e) => e.kind))).toEqual(
      new Set(['bad-response', 'login-failed', 'broker-down']),
    );
    const log = h.logger.text();
    expect(h.logger.entries.length).toBeGreaterThan(10);
    for (const s of secrets) {
      expect(log.includes(s)).toBe(false);
      for (const e of errors) {
        for (const text of [e.message, JSON.stringify(e.details), String(e.stack)]) {
          expect(text.includes(s), `${e.message} leaks`).toBe(false);
        }
      }
    }
  });
});

describe("http.ts bodyOnGet: a GET with a body over node:http, under the fetch path's rules", () => {
  let server: Server;
  let base: string;
  let handler: (req: IncomingMessage, body: string, res: ServerResponse) => void;
  const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] =
    [];
  const deps: HttpDeps = { fetch, timeoutMs: 300, label: 'ICICI Direct Breeze' };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        handler(req, body, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    seen.length = 0;
  });

  const get = (path: string, extra: Partial<HttpDeps> = {}) =>
    sendHttp(
      {
        method: 'GET',
        url: new URL(`${base}${path}`),
        headers: { 'Content-Type': 'application/json', 'X-Test': 'yes' },
        body: '{"a":"é"}',
        bodyOnGet: true,
      },
      { ...deps, ...extra },
    );
  const failure = async (p: Promise<unknown>) => rejection(p);

  it('sends exactly the method, headers and body; returns status, headers, text and JSON', async () => {
    handler = (_req, _body, res) => {
      res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': '7' });
      res.end('{"ok":true}');
    };
    const res = await get('/x?q=1');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'GET', url: '/x?q=1', body: '{"a":"é"}' });
    expect(seen[0]!.headers['content-type']).toBe('application/json');
    expect(seen[0]!.headers['x-test']).toBe('yes');
    expect(seen[0]!.headers['content-length']).toBe(String(Buffer.byteLength('{"a":"é"}')));
    expect(seen[0]!.headers['transfer-encoding']).toBeUndefined();
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(res.json).toEqual({ ok: true });
    // Not JSON: text kept, json undefined.
    handler = (_req, _body, r) => r.end('<html>');
    expect(await get('/y')).toMatchObject({ status: 200, text: '<html>', json: undefined });
  });

  it('never follows a redirect: the 3xx comes back as is and nothing else is requested', async () => {
    handler = (_req, _body, res) => {
      res.writeHead(307, { Location: `${base}/elsewhere` });
      res.end();
    };
    const res = await get('/moved');
    expect(res.status).toBe(307);
    expect(seen.map((s) => s.url)).toEqual(['/moved']);
  });

  it("times out with the fetch path's words (maybe sent)", async () => {
    handler = () => undefined; // never answers
    const err = await failure(get('/slow', { timeoutMs: 100 }));
    expect(err.kind).toBe('broker-down');
    expect(err.message).toMatch(/no answer within 0 s/);
    expect(err.details.notSent).toBe(false);
  });

  it('the one timer covers the body too: an answer that stalls half-way is a timeout', async () => {
    handler = (_req, _body, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"Success":');
    };
    const err = await failure(get('/stall', { timeoutMs: 100 }));
    expect(err.kind).toBe('broker-down');
    expect(err.message).toMatch(/no answer within 0 s/);
    expect(err.details.notSent).toBe(false);
  });

  it('a connection closed without an answer is "closed before an answer came", maybe sent', async () => {
    handler = (req) => req.socket.destroy();
    const err = await failure(get('/drop'));
    expect(err.kind).toBe('broker-down');
    expect(err.message).toMatch(/closed before an answer came/);
    expect(err.details.notSent).toBe(false);
  });

  it('a refused connection is marked notSent, and names the host only', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const err = await failure(
      sendHttp(
        {
          method: 'GET',
          url: new URL(`http://127.0.0.1:${port}/p?secret=zz-not-shown`),
          headers: {},
          body: '{}',
          bodyOnGet: true,
        },
        deps,
      ),
    );
    expect(err.kind).toBe('broker-down');
    expect(err.message).toMatch(/connection was refused/);
    expect(err.details.notSent).toBe(true);
    expect(err.message).not.toContain('zz-not-shown');
  });

  it('reads at most the cap: a declared length over it is refused, a stream over it is cut', async () => {
    let written = 0;
    let closed = false;
    handler = (_req, _body, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.on('close', () => (closed = true));
      const chunk = Buffer.alloc(64 * 1024, 'A');
      const pump = () => {
        while (!res.destroyed && written < 64 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (!res.destroyed) res.end();
      };
      pump();
    };
    const err = await failure(get('/flood', { timeoutMs: 10_000 }));
    expect(err.kind).toBe('bad-response');
    expect(err.message).toMatch(/too large: more than 1 MB/);
    await expect.poll(() => closed).toBe(true);
    expect(written).toBeLessThan(16 * 1024 * 1024);

    handler = (_req, _body, res) => {
      res.writeHead(200, { 'Content-Length': String(700 * 1024 * 1024) });
      res.write('{');
    };
    const declared = await failure(get('/declared', { timeoutMs: 10_000 }));
    expect(declared.message).toMatch(/too large/);

    // Just under the cap is read whole.
    const padding = 'p'.repeat(MAX_BROKER_BODY_BYTES - 100);
    handler = (_req, _body, res) => res.end(JSON.stringify({ padding }));
    expect(((await get('/under')).json as { padding: string }).padding).toHaveLength(
      padding.length,
    );
  });

  it('is only for a GET with a body', async () => {
    await expect(
      sendHttp(
        { method: 'POST', url: new URL(`${base}/p`), headers: {}, body: '{}', bodyOnGet: true },
        deps,
      ),
    ).rejects.toThrow(TypeError);
    await expect(
      sendHttp({ method: 'GET', url: new URL(`${base}/p`), headers: {}, bodyOnGet: true }, deps),
    ).rejects.toThrow(TypeError);
    expect(seen).toHaveLength(0);
  });
});
