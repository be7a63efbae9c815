/**
 * Shoonya (Finvasia) Noren OAuth against the simulator (brokers-more.md §2.4): login URL → redirect
 * with `code` → GenAcsTok with the SHA-256 checksum → UserDetails with the stored uid; wrong secret
 * or key, spent and expired codes (never resent), revoked tokens, 5xx and 429, hostile redirects,
 * expiry at the 03:00 IST Guess cutoff ± 1 s and the broker's own `expires_in` winning when earlier.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accessTokenExpiry } from '../../shared/expiry';
import { BROKERS } from '../../shared/brokers';
import { shoonyaExpiresAt } from '../../electron/core/brokers/shoonya';
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

const TOKEN = '/NorenWClientAPI/GenAcsTok';
const PROFILE = '/NorenWClientAPI/UserDetails';
const LOGOUT = '/NorenWClientAPI/Logout';
const USER = 'FA00001';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

async function loggedIn() {
  const creds = credentialsOf(h.sim, 'shoonya');
  const tokens = await h.adapters.shoonya.exchange(creds, await loginGrant(h, 'shoonya'));
  return { creds, tokens, context: { userId: tokens.userId } };
}

describe('Shoonya adapter against the simulator', () => {
  it('builds the OAuth login URL with client_id only (Guess: the page takes no state)', () => {
    const { apiKey, redirectUri } = credentialsOf(h.sim, 'shoonya');
    const url = new URL(h.adapters.shoonya.authorizeUrl({ apiKey, redirectUri, state: STATE }));
    expect(`${url.origin}${url.pathname}`).toBe(`${h.sim.url}/OAuthlogin/authorize/oauth`);
    expect([...url.searchParams]).toEqual([['client_id', apiKey]]);
    expect(
      new URL(
        h
          .adaptersWith({ baseUrls: {} })
          .shoonya.authorizeUrl({ apiKey, redirectUri, state: STATE }),
      ).origin,
    ).toBe('https://api.shoonya.com');
  });

  it('logs in: code → GenAcsTok (text/plain jData with the checksum) → token dying at 03:00 IST → UserDetails', async () => {
    const location = await submitLoginPage(h, 'shoonya', 'login');
    const creds = credentialsOf(h.sim, 'shoonya');
    expect(location.startsWith(`${creds.redirectUri}?code=`)).toBe(true);
    const params = new URL(location).searchParams;
    expect(params.has('state')).toBe(false);
    const grant = h.adapters.shoonya.parseRedirect(location, {
      redirectUri: creds.redirectUri,
      state: STATE,
    });
    expect(grant.code).toBe(params.get('code'));
    expect(grant.code).toMatch(UUID);

    const tokens = await h.adapters.shoonya.exchange(creds, grant);
    const [req, ...more] = h.sim.requestsTo('POST', TOKEN);
    expect(more).toHaveLength(0);
    expect(req?.headers['content-type']).toBe('text/plain');
    expect(req?.headers['authorization']).toBeUndefined();
    const checksum = sha256(creds.apiKey + creds.apiSecret + grant.code);
    expect(req?.body).toBe(`jData={"code":"${grant.code}","checksum":"${checksum}"}`);
    // Made Tue 10:00 IST → the 03:00 IST Guess cutoff and the broker's expires_in agree.
    expect(tokens.expiresAt.toISOString()).toBe(ist('2026-03-11T03:00:00').toISOString());
    expect(tokens.brokerExpiresAt?.toISOString()).toBe(tokens.expiresAt.toISOString());
    expect(tokens.userId).toBe(USER);
    // The refresh token is never kept: no refresh endpoint is known (§2.4).
    expect(tokens.refreshToken).toBeUndefined();

    await expect(
      h.adapters.shoonya.validate(creds.apiKey, tokens.accessToken, { userId: USER }),
    ).resolves.toEqual({ userId: USER, userName: 'Simulated Shoonya User' });
    const [check] = h.sim.requestsTo('POST', PROFILE);
    expect(check?.headers['authorization']).toBe(`Bearer ${tokens.accessToken}`);
    expect(check?.headers['content-type']).toBe('text/plain');
    expect(check?.body).toBe(`jData={"uid":"${USER}"}`);
  });

  it('a wrong secret key → bad-credentials naming the secret; the code is spent and sent once', async () => {
    const creds = credentialsOf(h.sim, 'shoonya');
    const grant = await loginGrant(h, 'shoonya');
    const err = await rejection(
      h.adapters.shoonya.exchange({ ...creds, apiSecret: 'wrong-secret-not-real' }, grant),
    );
    expect(err.kind).toBe('bad-credentials');
    expect(err.message).toMatch(/checksum.*secret key/);
    expect(err.details).toMatchObject({ status: 200, brokerCode: 'Not_Ok' });
    expect(h.sim.requestsTo('POST', TOKEN)).toHaveLength(1);
    expect(h.sim.grantUsed(grant.code)).toBe(true);
    const again = await rejection(h.adapters.shoonya.exchange(creds, grant));
    expect(again.kind).toBe('login-failed');
  });

  it('a wrong client ID: the login page refuses it; a checksum made with it is refused too', async () => {
    const creds = credentialsOf(h.sim, 'shoonya');
    const url = h.adapters.shoonya.authorizeUrl({
      apiKey: 'NOT_MY_APP_U',
      redirectUri: creds.redirectUri,
      state: STATE,
    });
    const page = await fetch(url);
    expect(page.status).toBe(400);
    expect(await page.text()).toMatch(/Invalid client_id/);
    const err = await rejection(
      h.adapters.shoonya.exchange(
        { ...creds, apiKey: 'NOT_MY_APP_U' },
        await loginGrant(h, 'shoonya'),
      ),
    );
    expect(err.kind).toBe('bad-credentials');
  });

  it('"Invalid Vendor code" (an expired API key) → bad-credentials saying to renew it', async () => {
    const creds = credentialsOf(h.sim, 'shoonya');
    h.sim.inject({
      path: TOKEN,
      fault: { kind: 'reply', status: 200, json: { stat: 'Not_Ok', emsg: 'Invalid Vendor code' } },
    });
    const err = await rejection(h.adapters.shoonya.exchange(creds, await loginGrant(h, 'shoonya')));
    expect(err.kind).toBe('bad-credentials');
    expect(err.message).toMatch(/Invalid Vendor code.*expired.*Renew/);
    expect(err.details.brokerCode).toBe('Not_Ok');
  });

  it('a used code → login-failed, never resent; an expired one (10 min) likewise', async () => {
    const { creds } = await loggedIn();
    const grant = await loginGrant(h, 'shoonya');
    await h.adapters.shoonya.exchange(creds, grant);
    h.sim.clearRequests();
    const used = await rejection(h.adapters.shoonya.exchange(creds, grant));
    expect(used.kind).toBe('login-failed');
    expect(used.message).toMatch(/works once/);
    expect(h.sim.requestsTo('POST', TOKEN)).toHaveLength(1);

    const late = await loginGrant(h, 'shoonya');
    h.clock.advance(10 * 60_000 + 1_000);
    h.sim.clearRequests();
    const expired = await rejection(h.adapters.shoonya.exchange(creds, late));
    expect(expired.kind).toBe('login-failed');
    expect(expired.message).toMatch(/Code expired/);
    expect(h.sim.requestsTo('POST', TOKEN)).toHaveLength(1);
  });

  it('5xx or 429 on GenAcsTok: not resent (the code may be spent), says to log in again', async () => {
    const creds = credentialsOf(h.sim, 'shoonya');
    for (const fault of [
      { kind: 'status', status: 503 },
      { kind: 'rate-limit', retryAfterSeconds: 3 },
      { kind: 'rate-limit' },
    ] as const) {
      const grant = await loginGrant(h, 'shoonya');
      h.sim.clearRequests();
      h.sim.inject({ path: TOKEN, times: 5, fault });
      const err = await rejection(h.adapters.shoonya.exchange(creds, grant));
      expect(err.kind).toBe(fault.kind === 'status' ? 'broker-down' : 'rate-limited');
      expect(err.message).toMatch(/works only once/);
      expect(h.sim.requestsTo('POST', TOKEN)).toHaveLength(1);
      h.sim.clearFaults();
      // The broker burnt it with the failed answer: it is no good now.
      expect((await rejection(h.adapters.shoonya.exchange(creds, grant))).kind).toBe(
        'login-failed',
      );
    }
  });

  it('5xx on UserDetails is retried, then broker-down; 429 honours Retry-After, else backs off', async () => {
    const { creds, tokens, context } = await loggedIn();
    h.sim.clearRequests();
    h.sim.inject({ path: PROFILE, times: 1, fault: { kind: 'status', status: 503 } });
    await expect(
      h.adapters.shoonya.validate(creds.apiKey, tokens.accessToken, context),
    ).resolves.toMatchObject({ userId: USER });
    expect(h.sim.requestsTo('POST', PROFILE)).toHaveLength(2);
    h.sim.inject({ path: PROFILE, times: 5, fault: { kind: 'status', status: 502 } });
    const down = await rejection(
      h.adapters.shoonya.validate(creds.apiKey, tokens.accessToken, context),
    );
    expect(down.kind).toBe('broker-down');
    expect(down.message).toMatch(/HTTP 502/);
    h.sim.clearFaults();

    h.sleeps.length = 0;
    h.sim.inject({ path: PROFILE, fault: { kind: 'rate-limit', retryAfterSeconds: 7 } });
    await h.adapters.shoonya.validate(creds.apiKey, tokens.accessToken, context);
    expect(h.sleeps).toEqual([7_000]);
    h.sleeps.length = 0;
    h.sim.inject({ path: PROFILE, times: 5, fault: { kind: 'rate-limit' } });
    const limited = await rejection(
      h.adapters.shoonya.validate(creds.apiKey, tokens.accessToken, context),
    );
    expect(limited.kind).toBe('rate-limited');
    expect(limited.details.brokerCode).toBe('Not_Ok');
    expect(h.sleeps.length).toBeGreaterThan(0);
  });

  it('a token revoked elsewhere → "Session Expired" → revoked (HTTP 200 or 401); logout of it is quiet', async () => {
    const { creds, tokens, context } = await loggedIn();
    h.sim.revokeToken(tokens.accessToken);
    const err = await rejection(
      h.adapters.shoonya.validate(creds.apiKey, tokens.accessToken, context),
    );
    expect(err.kind).toBe('revoked');
    expect(err.details).toMatchObject({ status: 200, brokerCode: 'Not_Ok' });
    h.sim.inject({
      path: PROFILE,
      fault: {
        kind: 'reply',
        status: 401,
        json: { stat: 'Not_Ok', emsg: 'Session Expired :  Invalid Session Key' },
      },
    });
    const viaStatus = await rejection(
      h.adapters.shoonya.validate(creds.apiKey, tokens.accessToken, context),
    );
    expect(viaStatus.kind).toBe('revoked');
    await expect(
      h.adapters.shoonya.logout!(creds.apiKey, tokens.accessToken, context),
    ).resolves.toBeUndefined();
  });

  it('logout posts jData {uid} with the Bearer token, and the token stops working', async () => {
    const { creds, tokens, context } = await loggedIn();
    await h.adapters.shoonya.logout!(creds.apiKey, tokens.accessToken, context);
    const [req] = h.sim.requestsTo('POST', LOGOUT);
    expect(req?.body).toBe(`jData={"uid":"${USER}"}`);
    expect(req?.headers['authorization']).toBe(`Bearer ${tokens.accessToken}`);
    expect(h.sim.tokenStatus('shoonya', tokens.accessToken)).toBe('revoked');
  });

  it('without a stored user id: config, nothing sent (TokenService always passes the stored one)', async () => {
    const { creds, tokens } = await loggedIn();
    h.sim.clearRequests();
    const unknown = await rejection(h.adapters.shoonya.validate(creds.apiKey, tokens.accessToken));
    expect(unknown.kind).toBe('config');
    expect(unknown.message).toMatch(/does not know which .* user.*Log in/);
    const odd = await rejection(
      h.adapters.shoonya.validate(creds.apiKey, tokens.accessToken, { userId: 'FA1","x":"y' }),
    );
    expect(odd.kind).toBe('config');
    expect(h.sim.requestsTo('POST', PROFILE)).toHaveLength(0);
    // A uid that is not the token's → Noren's refusal, an answer TokenTray does not understand.
    const other = await rejection(
      h.adapters.shoonya.validate(creds.apiKey, tokens.accessToken, { userId: 'FA99999' }),
    );
    expect(other.kind).toBe('bad-response');
    expect(other.message).toMatch(/uid does not match/);
  });

  it('a cancelled login → cancelled; hostile redirects yield nothing', () => {
    const { redirectUri } = credentialsOf(h.sim, 'shoonya');
    const parse = (url: string) =>
      thrown(() => h.adapters.shoonya.parseRedirect(url, { redirectUri, state: STATE }));
    expect(parse(`${redirectUri}?error=access_denied`).kind).toBe('cancelled');
    const code = '0b7e4f0e-1c52-4a7e-9d0f-6a8f0d6c2b11';
    expect(
      h.adapters.shoonya.parseRedirect(`${redirectUri}?code=${code}`, {
        redirectUri,
        state: STATE,
      }),
    ).toEqual({ code });
    // An echoed state is believed only when it is ours.
    expect(
      h.adapters.shoonya.parseRedirect(`${redirectUri}?code=${code}&state=${STATE}`, {
        redirectUri,
        state: STATE,
      }),
    ).toEqual({ code });
    for (const [url, words] of [
      [`${redirectUri}?code=${code}&state=someone-elses-state`, /state mismatch/],
      [`${redirectUri}?code=${code}&state=`, /no state/],
      [`http://127.0.0.1:5056/shoonya/callback?code=${code}`, /other than/],
      [`http://localhost:5055/shoonya/callback?code=${code}`, /other than/],
      [`https://127.0.0.1:5055/shoonya/callback?code=${code}`, /other than/],
      [`http://127.0.0.1:5055/shoonya/callbackx?code=${code}`, /other than/],
      [`http://user@127.0.0.1:5055/shoonya/callback?code=${code}`, /user name/],
      [`${redirectUri}?code=${code}#code=${code}`, /fragment/],
      [`${redirectUri}#code=${code}`, /fragment/],
      [`${redirectUri}?code=${code}&code=${code}`, /repeated/],
      [`${redirectUri}?code=a%22%3Cscript%3E`, /malformed/],
      [`${redirectUri}?code=${'a'.repeat(300)}`, /malformed/],
      [`${redirectUri}?code=`, /no code/],
      [`${redirectUri}?uid=${USER}`, /no code/],
      [`${redirectUri}?error=server_error&error_description=Try+later`, /said "Try later"/],
      ['not a url', /other than/],
    ] as const) {
      const err = parse(url);
      expect(err.kind).toBe('login-failed');
      expect(err.message).toMatch(words);
    }
    // An empty expected state is a bug upstream, never a pass.
    expect(
      thrown(() =>
        h.adapters.shoonya.parseRedirect(`${redirectUri}?code=${code}`, { redirectUri, state: '' }),
      ).kind,
    ).toBe('login-failed');
  });

  it('the login page cancel button → error=access_denied → cancelled', async () => {
    const { redirectUri } = credentialsOf(h.sim, 'shoonya');
    const location = await submitLoginPage(h, 'shoonya', 'cancel');
    expect(location).toBe(`${redirectUri}?error=access_denied`);
    expect(
      thrown(() => h.adapters.shoonya.parseRedirect(location, { redirectUri, state: STATE })).kind,
    ).toBe('cancelled');
  });

  it('secrets never reach the log or an error: secret, code, checksum, access and refresh token', async () => {
    const creds = credentialsOf(h.sim, 'shoonya');
    const grant = await loginGrant(h, 'shoonya');
    const checksum = sha256(creds.apiKey + creds.apiSecret + grant.code);
    const refresh = 'rtok-0123456789-not-real-abcdefghij';
    const access = 'atok-0123456789-not-real-abcdefghij';
    const all = [creds.apiSecret, grant.code, checksum, refresh, access];
    h.sim.inject({
      path: TOKEN,
      fault: {
        kind: 'reply',
        status: 200,
        json: { stat: 'Not_Ok', emsg: `refused ${creds.apiSecret} ${grant.code} ${checksum}` },
      },
    });
    const err = await rejection(h.adapters.shoonya.exchange(creds, grant));
    expect(err.message).toContain('refused');
    const grant2 = await loginGrant(h, 'shoonya');
    h.sim.inject({
      path: TOKEN,
      fault: {
        kind: 'reply',
        status: 200,
        json: {
          stat: 'Ok',
          access_token: access,
          refresh_token: refresh,
          expires_in: 'soon',
          uid: USER,
        },
      },
    });
    const tokens = await h.adapters.shoonya.exchange(creds, grant2);
    expect(tokens.accessToken).toBe(access);
    // An expires_in TokenTray cannot read leaves the cutoff in charge, and is said in the log.
    expect(tokens.brokerExpiresAt).toBeUndefined();
    expect(tokens.expiresAt.toISOString()).toBe(ist('2026-03-11T03:00:00').toISOString());
    expect(h.logger.text()).toMatch(/broker expiry not understood/);
    h.sim.inject({
      path: PROFILE,
      fault: {
        kind: 'reply',
        status: 200,
        json: { stat: 'Not_Ok', emsg: `bad ${access} and ${refresh}` },
      },
    });
    const v = await rejection(h.adapters.shoonya.validate(creds.apiKey, access, { userId: USER }));
    for (const s of [...all, grant2.code]) {
      expect(h.logger.text()).not.toContain(s);
      for (const e of [err, v]) {
        expect(e.message).not.toContain(s);
        expect(JSON.stringify(e.details)).not.toContain(s);
      }
    }
  });
});

describe('the Shoonya simulator is as strict as the docs', () => {
  const post = (path: string, body: string, headers: Record<string, string>) =>
    fetch(`${h.sim.url}${path}`, { method: 'POST', headers, body }).then(
      async (r) => (await r.json()) as { stat: string; emsg: string },
    );

  it('names a malformed GenAcsTok, UserDetails or Logout request instead of answering it', async () => {
    const code = h.sim.issueGrant('shoonya');
    const text = { 'Content-Type': 'text/plain' };
    for (const [body, headers, words] of [
      [
        `jData={"code":"${code}","checksum":"x"}`,
        { 'Content-Type': 'application/json' },
        /text\/plain/,
      ],
      [`{"code":"${code}","checksum":"x"}`, text, /starting with "jData="/],
      [`jData={"code":"${code}","checksum":"x"}&jKey=k`, text, /not one JSON object/],
      [`jData={"code":"${code}","checksum":"x","uid":"FA00001"}`, text, /exactly checksum, code/],
      [
        `jData={"code":"${code}","checksum":"x"}`,
        { ...text, Authorization: 'Bearer t' },
        /no Authorization/,
      ],
    ] as const) {
      const answer = await post(TOKEN, body, headers);
      expect(answer.stat).toBe('Not_Ok');
      expect(answer.emsg).toMatch(/^simulator: /);
      expect(answer.emsg).toMatch(words);
    }
    for (const path of [PROFILE, LOGOUT]) {
      const answer = await post(path, `jData={"uid":"${USER}"}`, text);
      expect(answer.emsg).toMatch(/^simulator: .*Authorization: Bearer/);
    }
  });
});

describe('Shoonya expiry: 03:00 IST Guess cutoff ± 1 s, the broker instant when earlier', () => {
  it('is a Guess the account may override', () => {
    expect(BROKERS.shoonya.accessTokenCutoff).toEqual({ hour: 3, minute: 0 });
    expect(BROKERS.shoonya.cutoffIsGuess).toBe(true);
  });

  it.each([
    ['2026-03-10T02:59:59', '2026-03-10T03:00:00'],
    ['2026-03-10T03:00:00', '2026-03-11T03:00:00'],
    ['2026-03-10T03:00:01', '2026-03-11T03:00:00'],
    ['2026-03-10T23:59:59', '2026-03-11T03:00:00'],
  ])('issued %s IST → %s IST', (issued, expected) => {
    expect(asIst(accessTokenExpiry('shoonya', ist(issued)))).toBe(expected);
  });

  it('reads expires_in as epoch seconds or milliseconds, a small number as seconds from issue', () => {
    const issued = ist('2026-03-10T10:00:00');
    const at = ist('2026-03-10T18:00:00');
    const s = at.getTime() / 1000;
    expect(shoonyaExpiresAt(s, issued)).toEqual(at);
    expect(shoonyaExpiresAt(String(s), issued)).toEqual(at);
    expect(shoonyaExpiresAt(at.getTime(), issued)).toEqual(at);
    expect(shoonyaExpiresAt('28800', issued)).toEqual(at);
    for (const junk of [
      undefined,
      null,
      '',
      'soon',
      -5,
      0,
      Number.NaN,
      '1e10',
      { at: s },
      s + 30 * 86_400, // a month away: no daily token lives that long
      s - 86_400, // already over
    ]) {
      expect(shoonyaExpiresAt(junk, issued)).toBeUndefined();
    }
  });

  it('the broker instant wins when earlier than 03:00 (and loses when later)', async () => {
    await h.close();
    h = await startHarness({
      sim: {
        lifetimes: {
          accessTokenExpiry: { shoonya: (issued) => new Date(issued.getTime() + 6 * 3_600_000) },
        },
      },
    });
    const early = await loggedIn();
    expect(asIst(early.tokens.expiresAt)).toBe('2026-03-10T16:00:00');
    expect(early.tokens.brokerExpiresAt).toEqual(early.tokens.expiresAt);

    await h.close();
    h = await startHarness({
      sim: {
        lifetimes: {
          accessTokenExpiry: { shoonya: (issued) => new Date(issued.getTime() + 30 * 3_600_000) },
        },
      },
    });
    const late = await loggedIn();
    expect(asIst(late.tokens.expiresAt)).toBe('2026-03-11T03:00:00');
    expect(asIst(late.tokens.brokerExpiresAt!)).toBe('2026-03-11T16:00:00');
  });

  it('the simulated token works at 02:59:59 and is refused at 03:00:01', async () => {
    const { creds, tokens, context } = await loggedIn();
    h.clock.set(ist('2026-03-11T02:59:59'));
    await expect(
      h.adapters.shoonya.validate(creds.apiKey, tokens.accessToken, context),
    ).resolves.toBeTruthy();
    h.clock.set(ist('2026-03-11T03:00:01'));
    const err = await rejection(
      h.adapters.shoonya.validate(creds.apiKey, tokens.accessToken, context),
    );
    // Opaque token: Noren's "Session Expired" cannot tell expiry from logout; TokenService's clock does.
    expect(err.kind).toBe('revoked');
  });
});
