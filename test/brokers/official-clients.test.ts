/**
 * Issue 9 item 18: the brokers' OFFICIAL npm clients, written by the brokers independently of
 * TokenTray, pointed at the simulator over loopback. If Zerodha's, Upstox's and FYERS' own code can
 * log in, read the profile and log out against it — with the simulator as strict as brokers.md —
 * the simulator speaks the brokers' protocol, not merely TokenTray's idea of it.
 *
 * How each client is pointed at 127.0.0.1 (read from their sources in node_modules):
 * - kiteconnect 5.x: `new KiteConnect({ root })` for the API (a documented option); the login URL
 *   base is the instance field `default_login_uri` (not in its typings, set directly).
 * - upstox-js-sdk 2.x: `ApiClient#basePath` (a public field; order calls use `orderBasePath`, not
 *   used here).
 * - fyers-api-v3 1.x: no option: every call reads the module-level `Config.SYNC_API` of
 *   `fyers-api-v3/config/config` at call time, so the test swaps that shared object's field and puts
 *   it back afterwards. It has no refresh-token call, so refresh is not covered by it.
 * upstox-js-sdk and fyers-api-v3 ship no TypeScript types: they are loaded with require() and typed
 * here with only the members the test uses.
 */
import { createRequire } from 'node:module';
import { KiteConnect } from 'kiteconnect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialsOf, startHarness, type Harness } from './helpers';

const require = createRequire(import.meta.url);

/** The parts of upstox-js-sdk used here (it has no typings). */
interface UpstoxSdk {
  ApiClient: new () => {
    basePath: string;
    authentications: { OAUTH2: { accessToken?: string } };
  };
  LoginApi: new (client: unknown) => {
    token(apiVersion: string, opts: Record<string, string>, cb: UpstoxCallback): void;
    logout(apiVersion: string, cb: UpstoxCallback): void;
  };
  UserApi: new (client: unknown) => { getProfile(apiVersion: string, cb: UpstoxCallback): void };
}
type UpstoxCallback = (error: unknown, data: unknown, response: { body: unknown }) => void;

/** The parts of fyers-api-v3 used here (it has no typings). */
interface FyersModel {
  setAppId(appId: string): void;
  setRedirectUrl(url: string): void;
  setAccessToken(token: string): void;
  generateAuthCode(): string;
  generate_access_token(req: Record<string, string>): Promise<Record<string, unknown>>;
  get_profile(): Promise<Record<string, unknown>>;
  logout_user(): Promise<Record<string, unknown>>;
}
interface FyersSdk {
  fyersModel: new (params: { enableLogging: boolean }) => FyersModel;
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

/** Plays the user on the simulator's login page at `url`; returns the redirect's parameters. */
async function logInOnPage(url: string): Promise<URLSearchParams> {
  const page = await fetch(url);
  expect(page.status).toBe(200);
  const action = /<form method="post" action="([^"]+)"/
    .exec(await page.text())?.[1]
    ?.replace(/&amp;/g, '&');
  expect(action).toBeDefined();
  const post = await fetch(new URL(action!, url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'decision=login',
    redirect: 'manual',
  });
  expect(post.status).toBe(302);
  return new URL(post.headers.get('location')!).searchParams;
}

function upstoxCall<T>(run: (cb: UpstoxCallback) => void): Promise<{ body: T }> {
  return new Promise((resolve, reject) => {
    run((error, _data, response) => {
      if (error) reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
      else resolve({ body: response.body as T });
    });
  });
}

describe('issue 9 item 18: the official broker clients work against the simulator', () => {
  it('kiteconnect (Zerodha): login URL with v=3, generateSession, getProfile, invalidateAccessToken', async () => {
    const { apiKey, apiSecret } = credentialsOf(h.sim, 'kite');
    const kc = new KiteConnect({ api_key: apiKey, root: h.sim.url });
    (kc as unknown as { default_login_uri: string }).default_login_uri =
      `${h.sim.url}/connect/login`;

    const redirect = await logInOnPage(kc.getLoginURL());
    expect(redirect.get('status')).toBe('success');
    const requestToken = redirect.get('request_token')!;

    const session = await kc.generateSession(requestToken, apiSecret);
    const accessToken = session.access_token;
    expect(h.sim.tokenStatus('kite', accessToken)).toBe('valid');
    const [exchange] = h.sim.requestsTo('POST', '/session/token');
    expect(exchange?.headers['x-kite-version']).toBe('3');

    const profile = await kc.getProfile();
    expect(profile.user_id).toBe('SIM001');

    await kc.invalidateAccessToken();
    expect(h.sim.tokenStatus('kite', accessToken)).toBe('revoked');
    // The official client sends the session header on logout too (issue 9 item 17).
    const [logout] = h.sim.requestsTo('DELETE', '/session/token');
    expect(logout?.headers['authorization']).toBe(`token ${apiKey}:${accessToken}`);
  });

  it('kiteconnect: a reused request_token is refused with the documented TokenException', async () => {
    const { apiKey, apiSecret } = credentialsOf(h.sim, 'kite');
    const kc = new KiteConnect({ api_key: apiKey, root: h.sim.url });
    const requestToken = h.sim.issueGrant('kite');
    await kc.generateSession(requestToken, apiSecret);
    await expect(
      new KiteConnect({ api_key: apiKey, root: h.sim.url }).generateSession(
        requestToken,
        apiSecret,
      ),
    ).rejects.toMatchObject({ error_type: 'TokenException' });
  });

  it('upstox-js-sdk: token (form exchange), getProfile, logout', async () => {
    const sdk = require('upstox-js-sdk') as UpstoxSdk;
    const { apiKey, apiSecret, redirectUri } = credentialsOf(h.sim, 'upstox');
    const client = new sdk.ApiClient();
    client.basePath = h.sim.url;

    const code = h.sim.issueGrant('upstox');
    const login = new sdk.LoginApi(client);
    const { body } = await upstoxCall<{ access_token: string; user_id: string }>((cb) =>
      login.token(
        '2.0',
        {
          code,
          clientId: apiKey,
          clientSecret: apiSecret,
          redirectUri,
          grantType: 'authorization_code',
        },
        cb,
      ),
    );
    expect(body.user_id).toBe('SIMUP1');
    expect(h.sim.tokenStatus('upstox', body.access_token)).toBe('valid');
    const [exchange] = h.sim.requestsTo('POST', '/v2/login/authorization/token');
    expect(exchange?.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);

    client.authentications.OAUTH2.accessToken = body.access_token;
    const profile = await upstoxCall<{ status: string; data: { user_id: string } }>((cb) =>
      new sdk.UserApi(client).getProfile('2.0', cb),
    );
    expect(profile.body).toMatchObject({ status: 'success', data: { user_id: 'SIMUP1' } });

    await upstoxCall((cb) => login.logout('2.0', cb));
    expect(h.sim.tokenStatus('upstox', body.access_token)).toBe('revoked');
  });

  it('upstox-js-sdk: a reused code fails with 401 UDAPI100016 on "code"', async () => {
    const sdk = require('upstox-js-sdk') as UpstoxSdk;
    const { apiKey, apiSecret, redirectUri } = credentialsOf(h.sim, 'upstox');
    const client = new sdk.ApiClient();
    client.basePath = h.sim.url;
    const login = new sdk.LoginApi(client);
    const code = h.sim.issueGrant('upstox');
    const opts = {
      code,
      clientId: apiKey,
      clientSecret: apiSecret,
      redirectUri,
      grantType: 'authorization_code',
    };
    await upstoxCall((cb) => login.token('2.0', opts, cb));
    const error = await upstoxCall((cb) => login.token('2.0', opts, cb)).catch((e: unknown) => e);
    const response = (error as { response?: { status?: number; body?: unknown } }).response;
    expect(response?.status).toBe(401);
    expect(response?.body).toMatchObject({
      status: 'error',
      errors: [{ errorCode: 'UDAPI100016', propertyPath: 'code' }],
    });
  });

  describe('fyers-api-v3', () => {
    const { Config } = require('fyers-api-v3/config/config') as {
      Config: Record<string, string>;
    };
    const original = Config['SYNC_API']!;
    beforeAll(() => {
      Config['SYNC_API'] = `${h.sim.url}/api/v3`;
    });
    afterAll(() => {
      Config['SYNC_API'] = original;
    });

    it('generateAuthCode URL, generate_access_token (JSON, appIdHash), get_profile, logout_user', async () => {
      const { fyersModel } = require('fyers-api-v3') as FyersSdk;
      const { apiKey, apiSecret, redirectUri } = credentialsOf(h.sim, 'fyers');
      // enableLogging: false — its logger would write a file (with the secret) into the cwd.
      const fyers = new fyersModel({ enableLogging: false });
      fyers.setAppId(apiKey);
      fyers.setRedirectUrl(redirectUri);

      const redirect = await logInOnPage(fyers.generateAuthCode());
      expect(redirect.get('s')).toBe('ok');
      const authCode = redirect.get('auth_code')!;

      const answer = await fyers.generate_access_token({
        client_id: apiKey,
        secret_key: apiSecret,
        auth_code: authCode,
      });
      expect(answer).toMatchObject({ s: 'ok', code: 200 });
      const accessToken = answer['access_token'] as string;
      expect(h.sim.tokenStatus('fyers', accessToken)).toBe('valid');

      fyers.setAccessToken(accessToken);
      const profile = await fyers.get_profile();
      expect(profile).toMatchObject({ s: 'ok', data: { fy_id: 'XS00001' } });

      await fyers.logout_user();
      expect(h.sim.tokenStatus('fyers', accessToken)).toBe('revoked');
    });
  });
});
