/**
 * Issue 9 items 3 and 9: whatever a broker sends back — error codes and messages, profile names and
 * ids — is bounded, single-line, shape-checked and redacted against the request's own secrets before
 * it reaches an error message, its details or the log; a display field never fails a login. Every
 * hostile answer here comes over real loopback HTTP from the broker simulator.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROKER_IDS, type BrokerId } from '../../shared/brokers';
import { UNREADABLE_BROKER_TEXT } from '../../shared/untrusted-text';
import type { BrokerAdapter } from '../../electron/core/brokers/types';
import type { TokenTrayError } from '../../electron/core/errors';
import { DEFAULT_SIM_USERS } from '../simulator/index';
import {
  credentialsOf,
  loginGrant,
  rejection,
  startHarness,
  type Harness,
  simTokenContext,
} from './helpers';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

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

/** An error body in the broker's own shape with this code and message (any JSON values). */
function errorBody(broker: BrokerId, code: unknown, message: unknown): unknown {
  switch (broker) {
    case 'upstox':
      return {
        status: 'error',
        errors: [{ errorCode: code, error_code: code, message, invalidValue: message }],
      };
    case 'kite':
      return { status: 'error', error_type: code, message, data: null };
    case 'fyers':
      return { s: 'error', code, message };
    case 'angelone':
      return { status: false, errorcode: code, message, data: null };
    case 'fivepaisa':
      return { head: { status: '0' }, body: { AccessToken: '', Message: message, Status: code } };
    case 'aliceblue':
      // Words in `emsg` (vendor endpoint), the code bare in `message` (A3, e.g. "EC087").
      return { stat: 'Not_ok', status: 'Not_Ok', message: code, emsg: message };
    case 'shoonya':
      // Noren has no error code: `stat` ("Not_Ok") is what details.brokerCode holds.
      return { stat: code, emsg: message };
    case 'iifl':
      return { status: 'Not_Ok', code, message, result: [] };
    case 'dhan':
      return { errorType: 'Others', errorCode: code, errorMessage: message };
    case 'breeze':
      // Breeze has no error code: the envelope's Status is what details.brokerCode holds.
      return { Success: null, Status: code, Error: message };
  }
}

/** A generic code each broker would not special-case. */
const PLAIN_CODE: Record<BrokerId, string | number> = {
  upstox: 'UDAPI100099',
  kite: 'GeneralException',
  fyers: -99,
  angelone: 'AB2000',
  fivepaisa: -1,
  aliceblue: 'EC003',
  shoonya: 'Not_Ok',
  iifl: 'EC003',
  dhan: 'DH-910',
  breeze: 500,
};

/** A success profile in the broker's shape. */
function profileBody(broker: BrokerId, userId: unknown, userName: unknown): unknown {
  if (broker === 'fivepaisa') {
    // V4/Margin carries the client code and no name (the adapter reads none).
    const body = { ClientCode: userId, ClientName: userName, Message: 'Success', Status: 0 };
    return { head: { status: '0' }, body };
  }
  if (broker === 'angelone') {
    return { status: true, message: 'SUCCESS', data: { clientcode: userId, name: userName } };
  }
  if (broker === 'shoonya') {
    return { stat: 'Ok', actid: userId, uname: userName };
  }
  if (broker === 'aliceblue') {
    return {
      status: 'Ok',
      message: 'Success',
      result: [{ clientId: userId, clientName: userName }],
    };
  }
  if (broker === 'dhan') return { dhanClientId: userId, dhanClientName: userName };
  if (broker === 'breeze') {
    const session_token = Buffer.from('SIMBRZ01:simSessionKey01').toString('base64');
    const Success = { idirect_userid: userId, idirect_user_name: userName, session_token };
    return { Success, Status: 200, Error: null };
  }
  if (broker === 'iifl') {
    return { status: 'Ok', message: 'Success', result: { clientId: userId, clientName: userName } };
  }
  return broker === 'fyers'
    ? { s: 'ok', code: 200, message: '', data: { fy_id: userId, name: userName } }
    : { status: 'success', data: { user_id: userId, user_name: userName } };
}

let h: Harness;
let once: Record<BrokerId, BrokerAdapter>;
beforeAll(async () => {
  h = await startHarness();
  once = h.adaptersWith({ retry: { attempts: 1 } });
});
afterAll(async () => {
  await h.close();
});

/** Everything of an error a user, a log or the renderer could see. */
function surfaces(e: TokenTrayError): string[] {
  return [e.message, JSON.stringify(e.details), JSON.stringify(e)];
}

/** The error is one bounded line and none of `secrets` (in any echoed form) is anywhere. */
function expectSafe(e: TokenTrayError, secrets: readonly string[]): void {
  expect(e.message).not.toMatch(/[\r\n\u2028\u2029\u202e\u200b]/);
  expect(e.message.length).toBeLessThan(600);
  const log = h.logger.text();
  for (const s of secrets) {
    for (const form of [s, encodeURIComponent(s), s.toUpperCase()]) {
      for (const text of [...surfaces(e), log]) expect(text.includes(form)).toBe(false);
    }
  }
}

async function exchangeSecrets(broker: BrokerId) {
  const creds = credentialsOf(h.sim, broker);
  const grant = await loginGrant(h, broker);
  const derived =
    broker === 'kite'
      ? [sha256(creds.apiKey + grant.code + creds.apiSecret)]
      : broker === 'fyers'
        ? [sha256(`${creds.apiKey}:${creds.apiSecret}`)]
        : broker === 'aliceblue'
          ? [sha256(`${grant.userId}${grant.code}${creds.apiSecret}`)]
          : [];
  // Shoonya: SHA-256(client_id + secret + code) (brokers-more.md §2.4).
  if (broker === 'shoonya') derived.push(sha256(creds.apiKey + creds.apiSecret + grant.code));
  // IIFL Capital: SHA-256(clientId + authCode + appSecret) (brokers-more.md §2.8).
  if (broker === 'iifl')
    derived.push(sha256(`${grant.userId ?? ''}${grant.code}${creds.apiSecret}`));
  return { creds, grant, secrets: [creds.apiSecret, grant.code, ...derived] };
}

describe('issue 9 item 3: broker text is bounded, single-line, shape-checked and redacted', () => {
  it.each(BROKER_IDS)(
    '%s: a 300 KB error code full of newlines is neither shown nor kept (unreadable broker message)',
    async (broker) => {
      const { creds, grant } = await exchangeSecrets(broker);
      const hugeCode = `X\n${'Forged log line\r\n'.repeat(18_000)}`;
      h.sim.inject({
        path: TOKEN_PATH[broker],
        fault: { kind: 'reply', status: 400, json: errorBody(broker, hugeCode, 'refused') },
      });
      const err = await rejection(h.adapters[broker].exchange(creds, grant));
      expect(err.kind).toBe('login-failed');
      expect(err.details.brokerCode).toBeUndefined();
      expect(err.message).toContain(UNREADABLE_BROKER_TEXT);
      expect(err.message).not.toContain('Forged log line');
      expectSafe(err, []);
    },
  );

  it.each(BROKER_IDS)(
    "%s: the issue's 2 MB code with newlines is refused as too large and never shown",
    async (broker) => {
      const { creds, grant } = await exchangeSecrets(broker);
      const hugeCode = `X\n${'Forged log line\r\n'.repeat(2 * 62_000)}`;
      h.sim.inject({
        path: TOKEN_PATH[broker],
        fault: { kind: 'reply', status: 401, json: errorBody(broker, hugeCode, 'refused') },
      });
      const err = await rejection(h.adapters[broker].exchange(creds, grant));
      expect(err.kind).toBe('bad-response');
      expect(err.message).toMatch(/too large/);
      expect(err.message).not.toContain('Forged log line');
      expect(h.logger.text()).not.toContain('Forged log line');
      expectSafe(err, []);
    },
  );

  it.each(BROKER_IDS)(
    "%s: an exchange error echoing the request's secret, grant and checksum/appIdHash shows none of them",
    async (broker) => {
      const { creds, grant, secrets } = await exchangeSecrets(broker);
      const echoed = secrets
        .flatMap((s) => [s, encodeURIComponent(s), s.toUpperCase()])
        .join(' & ');
      h.sim.inject({
        path: TOKEN_PATH[broker],
        fault: {
          kind: 'reply',
          status: 400,
          json: errorBody(broker, PLAIN_CODE[broker], `bad request client_secret=${echoed}`),
        },
      });
      const err = await rejection(h.adapters[broker].exchange(creds, grant));
      // The readable parts stay: the code and the words around the secrets.
      expect(err.details.brokerCode).toBe(String(PLAIN_CODE[broker]));
      expect(err.message).toContain('bad request client_secret=');
      expectSafe(err, secrets);
    },
  );

  it.each(BROKER_IDS)(
    '%s: a profile error echoing the access token (Bearer / token header) shows none of it',
    async (broker) => {
      const { creds, grant } = await exchangeSecrets(broker);
      const tokens = await h.adapters[broker].exchange(creds, grant);
      const t = tokens.accessToken;
      const header =
        broker === 'upstox' || broker === 'aliceblue'
          ? `Bearer ${t}`
          : broker === 'kite'
            ? `token ${creds.apiKey}:${t}`
            : `${creds.apiKey}:${t}`;
      h.sim.inject({
        path: PROFILE_PATH[broker],
        fault: {
          kind: 'reply',
          status: 400,
          json: errorBody(broker, PLAIN_CODE[broker], `Authorization: ${header} was refused`),
        },
      });
      const err = await rejection(
        h.adapters[broker].validate(creds.apiKey, t, simTokenContext(broker)),
      );
      expect(err.message).toContain('was refused');
      expectSafe(err, [t]);
    },
  );

  it.each(BROKER_IDS)(
    '%s: a code that is really the echoed grant is unreadable; a code-shaped one is kept',
    async (broker) => {
      const { creds, grant, secrets } = await exchangeSecrets(broker);
      h.sim.inject({
        path: TOKEN_PATH[broker],
        fault: { kind: 'reply', status: 400, json: errorBody(broker, grant.code, 'no') },
      });
      const err = await rejection(h.adapters[broker].exchange(creds, grant));
      expect(err.details.brokerCode).toBeUndefined();
      expect(err.message).toContain(UNREADABLE_BROKER_TEXT);
      expectSafe(err, secrets);
    },
  );

  it.each(BROKER_IDS)(
    '%s: a 503 or 429 carrying a hostile code keeps no code and says nothing of it',
    async (broker) => {
      const { creds } = await exchangeSecrets(broker);
      const tokens = await h.adapters[broker].exchange(creds, await loginGrant(h, broker));
      for (const status of [503, 429]) {
        h.sim.inject({
          path: PROFILE_PATH[broker],
          fault: {
            kind: 'reply',
            status,
            json: errorBody(broker, `E1\n${tokens.accessToken}`, tokens.accessToken),
          },
        });
        const err = await rejection(
          once[broker].validate(creds.apiKey, tokens.accessToken, simTokenContext(broker)),
        );
        expect(err.kind).toBe(status === 503 ? 'broker-down' : 'rate-limited');
        expect(err.details.brokerCode).toBeUndefined();
        expectSafe(err, [tokens.accessToken]);
      }
    },
  );

  it('fyers: a refresh error echoing the PIN, refresh token and appIdHash shows none of them', async () => {
    const { creds, grant, secrets } = await exchangeSecrets('fyers');
    const tokens = await h.adapters.fyers.exchange(creds, grant);
    const pin = DEFAULT_SIM_USERS.fyers.pin!;
    const all = [...secrets, tokens.refreshToken!, pin];
    h.sim.inject({
      path: '/api/v3/validate-refresh-token',
      fault: {
        kind: 'reply',
        status: 400,
        json: errorBody(
          'fyers',
          -99,
          `got ${pin} with ${tokens.refreshToken} ${secrets.join(' ')}`,
        ),
      },
    });
    const err = await rejection(h.adapters.fyers.refresh!(creds, tokens.refreshToken!, pin));
    expect(err.message).toContain('got [redacted] with [redacted]');
    expectSafe(err, all);
  });

  it('bidi overrides, zero-width and line/paragraph separators never reach a message', async () => {
    const { creds, grant } = await exchangeSecrets('kite');
    const message = 'Try\u2028again\u2029now \u202Etxt.exe\u202C zero\u200Bwidth\u0007bell';
    h.sim.inject({
      path: TOKEN_PATH.kite,
      fault: { kind: 'reply', status: 400, json: errorBody('kite', 'GeneralException', message) },
    });
    const err = await rejection(h.adapters.kite.exchange(creds, grant));
    expect(err.message).toContain('Try again now txt.exe zerowidth bell');
    expectSafe(err, []);
  });

  it('a message of any other JSON type is "(unreadable broker message)", never "[object Object]"', async () => {
    const { creds, grant } = await exchangeSecrets('upstox');
    h.sim.inject({
      path: TOKEN_PATH.upstox,
      fault: {
        kind: 'reply',
        status: 400,
        json: errorBody('upstox', 'UDAPI100099', { nested: ['x'] }),
      },
    });
    const err = await rejection(h.adapters.upstox.exchange(creds, grant));
    expect(err.message).toContain(`UDAPI100099: ${UNREADABLE_BROKER_TEXT}`);
    expect(err.message).not.toContain('object');
  });
});

describe('issue 9 item 9: profile fields are sanitised like broker text and never fail a login', () => {
  it.each(BROKER_IDS)(
    '%s: a user_name equal to or containing the access token is not shown',
    async (broker) => {
      const { creds, grant } = await exchangeSecrets(broker);
      const tokens = await h.adapters[broker].exchange(creds, grant);
      const t = tokens.accessToken;
      for (const name of [t, `Mr ${t} Jr`, `Mr ${encodeURIComponent(t)}`]) {
        h.sim.inject({
          path: PROFILE_PATH[broker],
          fault: { kind: 'reply', status: 200, json: profileBody(broker, 'AB1234', name) },
        });
        const profile = await h.adapters[broker].validate(creds.apiKey, t, simTokenContext(broker));
        expect(profile.userId).toBe('AB1234');
        expect(profile.userName).toBeUndefined();
      }
    },
  );

  it.each(BROKER_IDS)(
    '%s: an over-long, multi-line user_name is bounded to one line; odd ids are dropped, not fatal',
    async (broker) => {
      const { creds, grant } = await exchangeSecrets(broker);
      const tokens = await h.adapters[broker].exchange(creds, grant);
      const longName = `Ravi\nKumar ${'very long name '.repeat(40)}`;
      for (const [userId, userName, wantId, wantName] of [
        ['AB1234', longName, 'AB1234', /^Ravi Kumar very long name .{60,}…$/],
        [`AB\n1234`, 42, undefined, /^42$/],
        ['x'.repeat(300), { nested: true }, undefined, undefined],
        ['AB1234', '\u0000\u0007\u200B', 'AB1234', undefined],
      ] as const) {
        h.sim.inject({
          path: PROFILE_PATH[broker],
          fault: { kind: 'reply', status: 200, json: profileBody(broker, userId, userName) },
        });
        const p = await h.adapters[broker].validate(
          creds.apiKey,
          tokens.accessToken,
          simTokenContext(broker),
        );
        expect(p.userId).toBe(wantId);
        // 5paisa's check (V4/Margin) has no name: the adapter never reads one.
        if (wantName === undefined || broker === 'fivepaisa') expect(p.userName).toBeUndefined();
        else expect(p.userName).toMatch(wantName);
        expect((p.userName ?? '').length).toBeLessThanOrEqual(100);
      }
    },
  );

  it.each(['upstox', 'kite'] as const)(
    '%s: a token answer with a 300-character or non-string user_name still logs in',
    async (broker) => {
      for (const userName of ['N'.repeat(300), { x: 1 }, 7]) {
        const { creds, grant } = await exchangeSecrets(broker);
        const data = { user_id: 'AB1234', user_name: userName, access_token: 'tok-abcdef-123' };
        h.sim.inject({
          path: TOKEN_PATH[broker],
          fault: {
            kind: 'reply',
            status: 200,
            json: broker === 'kite' ? { status: 'success', data } : data,
          },
        });
        const tokens = await h.adapters[broker].exchange(creds, grant);
        expect(tokens.accessToken).toBe('tok-abcdef-123');
        expect(tokens.userId).toBe('AB1234');
        expect((tokens.userName ?? '').length).toBeLessThanOrEqual(100);
      }
    },
  );
});
