/**
 * Secrets (API secret, grants, access/refresh tokens, PIN, and the checksum/appIdHash derived from
 * the secret) never appear in a thrown error or in anything handed to the Logger — even when a broker
 * echoes back what it was sent. The RecordingLogger keeps raw, unredacted input, so this tests the
 * adapters themselves, not the file logger's redactor; and the adapters must register every secret
 * they handle with the logger so the real redactor can mask whatever other code might log.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROKER_IDS, type BrokerId } from '../../shared/brokers';
import { TokenTrayError } from '../../electron/core/errors';
import { DEFAULT_SIM_USERS, type SimFault } from '../simulator/index';
import {
  STATE,
  credentialsOf,
  loginGrant,
  startHarness,
  submitLoginPage,
  type Harness,
  simTokenContext,
} from './helpers';

const PIN = 'PIN-zq81';
const WRONG_PIN = 'WRONG-pin-x7';
const WRONG_SECRET = 'wrong-secret-value';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

const PROFILE_PATH: Record<BrokerId, string> = {
  upstox: '/v2/user/profile',
  kite: '/user/profile',
  fyers: '/api/v3/profile',
  angelone: '/rest/secure/angelbroking/user/v1/getProfile',
  fivepaisa: '/VendorsAPI/Service1.svc/V4/Margin',
  aliceblue: '/open-api/od/v1/profile/',
  shoonya: '/NorenWClientAPI/UserDetails',
  iifl: '/v1/profile',
  dhan: '/v2/profile',
  breeze: '/breezeapi/api/v1/customerdetails',
};
const TOKEN_PATH: Record<BrokerId, string> = {
  upstox: '/v2/login/authorization/token',
  kite: '/session/token',
  fyers: '/api/v3/validate-authcode',
  // No code exchange: the redirect carries the token, which "exchange" checks with getProfile.
  angelone: '/rest/secure/angelbroking/user/v1/getProfile',
  fivepaisa: '/VendorsAPI/Service1.svc/GetAccessToken',
  aliceblue: '/open-api/od/v1/vendor/getUserDetails',
  shoonya: '/NorenWClientAPI/GenAcsTok',
  iifl: '/v1/getusersession',
  dhan: '/app/consumeApp-consent',
  // No code exchange: the redirect carries the session, which "exchange" checks with customerdetails.
  breeze: '/breezeapi/api/v1/customerdetails',
};

/** An error body in the broker's own shape whose free text is `text`. */
function echoBody(broker: BrokerId, text: string): unknown {
  switch (broker) {
    case 'upstox':
      return {
        status: 'error',
        errors: [{ errorCode: 'UDAPI1', message: text, invalidValue: text, invalid_value: text }],
      };
    case 'kite':
      return { status: 'error', error_type: 'GeneralException', message: text };
    case 'fyers':
      return { s: 'error', code: -99, message: text };
    case 'fivepaisa':
      return { head: { status: '0' }, body: { Message: text, Status: -1 } };
    case 'aliceblue':
      return { stat: 'Not_ok', emsg: text };
    case 'shoonya':
      return { stat: 'Not_Ok', emsg: text };
    case 'iifl':
      return { status: 'Not_Ok', message: text, result: [] };
    case 'dhan':
      return { errorType: 'Others', errorCode: 'DH-910', errorMessage: text };
    case 'breeze':
      return { Success: null, Status: 500, Error: text };
  }
}

const FAULTS: SimFault[] = [
  { kind: 'status', status: 503 },
  { kind: 'rate-limit', retryAfterSeconds: 5 },
  { kind: 'drop' },
  { kind: 'slow', delayMs: 1000 },
  { kind: 'garbage' },
];

let h: Harness;
const secrets = new Set<string>([PIN, WRONG_PIN, WRONG_SECRET]);
const errors: TokenTrayError[] = [];

async function capture(p: Promise<unknown> | (() => unknown)): Promise<void> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(TokenTrayError);
    errors.push(e as TokenTrayError);
  }
}

async function freshGrant(broker: BrokerId) {
  const grant = await loginGrant(h, broker);
  secrets.add(grant.code);
  return grant;
}

/** The secret-derived values an exchange with these credentials puts on the wire. */
function derived(broker: BrokerId, creds: { apiKey: string; apiSecret: string }, code: string) {
  const values =
    broker === 'kite'
      ? [sha256(creds.apiKey + code + creds.apiSecret)]
      : broker === 'fyers'
        ? [sha256(`${creds.apiKey}:${creds.apiSecret}`)]
        : broker === 'aliceblue'
          ? [sha256(DEFAULT_SIM_USERS.aliceblue.userId + code + creds.apiSecret)]
          : [];
  // Shoonya: SHA-256(client_id + secret + code) (brokers-more.md §2.4).
  if (broker === 'shoonya') values.push(sha256(creds.apiKey + creds.apiSecret + code));
  // IIFL Capital: SHA-256(clientId + authCode + appSecret) (brokers-more.md §2.8).
  if (broker === 'iifl') values.push(sha256(`IIFL00001${code}${creds.apiSecret}`));
  for (const v of values) secrets.add(v);
  return values;
}

beforeAll(async () => {
  h = await startHarness({
    sim: { users: { fyers: { userId: 'XS00001', userName: 'U', pin: PIN } } },
  });
  const once = h.adaptersWith({ retry: { attempts: 2 }, timeoutMs: 150 });

  for (const broker of BROKER_IDS) {
    const creds = credentialsOf(h.sim, broker);
    const a = h.adapters[broker];
    secrets.add(creds.apiSecret);
    if (broker === 'fyers') secrets.add(sha256(`${creds.apiKey}:${creds.apiSecret}`));

    // Happy path.
    const grant = await freshGrant(broker);
    derived(broker, creds, grant.code);
    const tokens = await a.exchange(creds, grant);
    secrets.add(tokens.accessToken);
    if (tokens.refreshToken) secrets.add(tokens.refreshToken);
    await a.validate(creds.apiKey, tokens.accessToken, simTokenContext(broker));

    // Answers that are refusals.
    await capture(a.exchange(creds, grant)); // reused grant
    const wrong = { ...creds, apiSecret: WRONG_SECRET };
    const g2 = await freshGrant(broker);
    derived(broker, wrong, g2.code);
    await capture(a.exchange(wrong, g2));

    // Outages and garbage, on the profile and on the token endpoint.
    for (const fault of FAULTS) {
      h.sim.inject({ path: PROFILE_PATH[broker], times: 2, fault });
      await capture(
        once[broker].validate(creds.apiKey, tokens.accessToken, simTokenContext(broker)),
      );
      const g = await freshGrant(broker);
      derived(broker, creds, g.code);
      h.sim.inject({ path: TOKEN_PATH[broker], fault });
      await capture(once[broker].exchange(creds, g));
    }

    // A broker echoing back what it was sent.
    h.sim.inject({
      path: PROFILE_PATH[broker],
      fault: {
        kind: 'reply',
        status: 400,
        json: echoBody(broker, `bad token ${tokens.accessToken}`),
      },
    });
    await capture(a.validate(creds.apiKey, tokens.accessToken, simTokenContext(broker)));
    const g3 = await freshGrant(broker);
    const sent = [g3.code, creds.apiSecret, ...derived(broker, creds, g3.code)];
    h.sim.inject({
      path: TOKEN_PATH[broker],
      fault: {
        kind: 'reply',
        status: 400,
        json: echoBody(broker, `rejected ${sent.join(' and ')}`),
      },
    });
    await capture(a.exchange(creds, g3));

    // Error redirects whose text repeats the grant and state they carry, and the cancel form.
    const { redirectUri } = creds;
    const g4 = await freshGrant(broker);
    const text = encodeURIComponent(`failed for ${g4.code} in ${STATE}`);
    await capture(() =>
      a.parseRedirect(
        `${redirectUri}?code=${encodeURIComponent(g4.code)}&request_token=${encodeURIComponent(g4.code)}&auth_code=${encodeURIComponent(g4.code)}&authCode=${encodeURIComponent(g4.code)}&error=x&error_description=${text}&status=${text}&s=error&message=${text}&state=${STATE}`,
        { redirectUri, state: STATE },
      ),
    );
    await capture(async () =>
      a.parseRedirect(await submitLoginPage(h, broker, 'cancel'), { redirectUri, state: STATE }),
    );

    if (broker === 'fyers') {
      const refreshToken = tokens.refreshToken!;
      const renewed = await a.refresh!(creds, refreshToken, PIN);
      secrets.add(renewed.accessToken);
      await capture(a.refresh!(creds, refreshToken, WRONG_PIN));
      h.sim.inject({
        path: '/api/v3/validate-refresh-token',
        fault: {
          kind: 'reply',
          status: 400,
          json: echoBody(broker, `pin ${PIN} is wrong for ${refreshToken}`),
        },
      });
      await capture(a.refresh!(creds, refreshToken, PIN));
      derived(broker, wrong, '');
      await capture(a.refresh!(wrong, refreshToken, PIN));
      h.sim.revokeToken(refreshToken);
      await capture(a.refresh!(creds, refreshToken, PIN));
    }

    // Logout (Kite puts the token in the URL query), then the dead token. Angel One's exchange and
    // validate share one path, so a fault left over from above must not reach its logout.
    h.sim.clearFaults();
    // 5paisa has no logout endpoint (brokers-more.md §2.3): the token is revoked as elsewhere.
    // Nor has Alice Blue's API session (brokers-more.md §2.5).
    if (broker === 'fivepaisa' || broker === 'aliceblue') h.sim.revokeToken(tokens.accessToken);
    // Dhan documents no logout either (brokers-more.md §2.2).
    if (broker === 'dhan') h.sim.revokeToken(tokens.accessToken);
    // Nor ICICI Breeze (brokers-more.md §2.7).
    if (broker === 'breeze') h.sim.revokeToken(tokens.accessToken);
    await a.logout?.(creds.apiKey, tokens.accessToken, simTokenContext(broker));
    await capture(a.validate(creds.apiKey, tokens.accessToken, simTokenContext(broker)));
  }

  // An unreachable broker.
  await h.sim.setOffline(true);
  for (const broker of BROKER_IDS) {
    const creds = credentialsOf(h.sim, broker);
    // With the user id Alice Blue's redirect carries beside the grant (its checksum needs it).
    const g = { code: `offline-grant-${broker}`, userId: DEFAULT_SIM_USERS[broker].userId };
    secrets.add(g.code);
    derived(broker, creds, g.code);
    await capture(once[broker].exchange(creds, g));
  }
  await h.sim.setOffline(false);
}, 20_000);

afterAll(async () => {
  await h.close();
});

describe('secrets stay secret', () => {
  it('the scenario provoked every error class and handled many secrets', () => {
    const kinds = new Set(errors.map((e) => e.kind));
    for (const kind of [
      'login-failed',
      'cancelled',
      'bad-credentials',
      'broker-down',
      'rate-limited',
      'bad-response',
      'revoked',
    ]) {
      expect(kinds).toContain(kind);
    }
    expect(errors.length).toBeGreaterThanOrEqual(50);
    expect(secrets.size).toBeGreaterThanOrEqual(40);
  });

  it('no thrown error mentions one, in its message, details, stack or JSON form', () => {
    for (const e of errors) {
      const surfaces = [
        e.message,
        String(e),
        e.stack ?? '',
        JSON.stringify(e),
        JSON.stringify(e.details),
      ];
      for (const secret of secrets) {
        for (const text of surfaces) {
          expect(text.includes(secret), `"${e.message}" leaks a secret`).toBe(false);
          expect(text.includes(encodeURIComponent(secret))).toBe(false);
        }
      }
    }
  });

  it('nothing handed to the logger mentions one', () => {
    const log = h.logger.text();
    expect(h.logger.entries.length).toBeGreaterThanOrEqual(80);
    for (const secret of secrets) {
      expect(log.includes(secret), 'the log leaks a secret').toBe(false);
      expect(log.includes(encodeURIComponent(secret))).toBe(false);
    }
  });

  it('every secret the adapters handled was registered with the logger for redaction', () => {
    const missing = [...secrets].filter((s) => !h.logger.registered.has(s));
    expect(missing.length, 'secrets not registered').toBe(0);
  });
});
