/**
 * Every error class, for every broker, over real HTTP: forced faults on the profile and token
 * endpoints and what the adapter makes of them.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BROKER_IDS, type BrokerId } from '../../shared/brokers';
import type { BrokerAdapter } from '../../electron/core/brokers/types';
import type { SimFault } from '../simulator/index';
import {
  credentialsOf,
  loginGrant,
  rejection,
  startHarness,
  type Harness,
  simTokenContext,
} from './helpers';

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

/** A 200 that passes for success at a glance but lacks the fields we need. */
const HOLLOW_SUCCESS: Record<BrokerId, unknown> = {
  upstox: { status: 'success', data: { user_name: 'x' } },
  kite: { status: 'success', data: { user_name: 'x' } },
  fyers: { s: 'ok', code: 200, data: { name: 'x' } },
  angelone: { status: true, message: 'SUCCESS', data: { name: 'x' } },
  fivepaisa: { head: { status: '0' }, body: { Message: 'Success', Status: 0, EquityMargin: [] } },
  aliceblue: { status: 'Ok', message: 'Success', result: [{ clientName: 'x' }] },
  shoonya: { stat: 'Ok', uname: 'x' },
  iifl: { status: 'Ok', message: 'Success', result: { clientName: 'x' } },
  dhan: { tokenValidity: '11/03/2026 10:00', dhanClientName: 'x' },
  breeze: { Success: { idirect_userid: 'x', idirect_user_name: 'x' }, Status: 200, Error: null },
};

let h: Harness;
let once: Record<BrokerId, BrokerAdapter>;
beforeEach(async () => {
  h = await startHarness();
  once = h.adaptersWith({ retry: { attempts: 1 }, timeoutMs: 150 });
});
afterEach(async () => {
  await h.close();
});

describe.each(BROKER_IDS)('%s error classes', (broker) => {
  let token: string;
  let apiKey: string;
  beforeEach(async () => {
    const creds = credentialsOf(h.sim, broker);
    apiKey = creds.apiKey;
    token = (await h.adapters[broker].exchange(creds, await loginGrant(h, broker))).accessToken;
  });

  const cases: [string, SimFault, string, RegExp][] = [
    ['5xx', { kind: 'status', status: 502 }, 'broker-down', /HTTP 502/],
    ['429', { kind: 'rate-limit', retryAfterSeconds: 30 }, 'rate-limited', /wait 30 s/],
    ['dropped connection', { kind: 'drop' }, 'broker-down', /closed before an answer/],
    ['timeout', { kind: 'slow', delayMs: 1_000 }, 'broker-down', /no answer within/],
    ['HTML instead of JSON', { kind: 'garbage' }, 'bad-response', /not JSON/],
    [
      'a redirect',
      { kind: 'reply', status: 302, headers: { Location: 'http://127.0.0.1:9/elsewhere' } },
      'bad-response',
      /a redirect, HTTP 302/,
    ],
  ];

  it.each(cases)('validate: %s', async (_name, fault, kind, message) => {
    h.sim.inject({ path: PROFILE_PATH[broker], fault });
    const err = await rejection(once[broker].validate(apiKey, token, simTokenContext(broker)));
    expect(err.kind).toBe(kind);
    expect(err.message).toMatch(message);
    if (kind === 'rate-limited') expect(err.details.retryAfterMs).toBe(30_000);
  });

  it.each([401, 403])(
    'validate: an HTML %i (a WAF or proxy, not the broker) is bad-response, not a rejected token',
    async (status) => {
      h.sim.inject({
        path: PROFILE_PATH[broker],
        fault: {
          kind: 'reply',
          status,
          headers: { 'Content-Type': 'text/html' },
          text: '<html><body>Access denied</body></html>',
        },
      });
      const err = await rejection(once[broker].validate(apiKey, token, simTokenContext(broker)));
      expect(err.kind).toBe('bad-response');
      expect(err.details.status).toBe(status);
      expect(err.message).toMatch(new RegExp(`HTTP ${status}, not JSON`));
      // The broker itself still accepts the token.
      await expect(
        once[broker].validate(apiKey, token, simTokenContext(broker)),
      ).resolves.toBeDefined();
    },
  );

  it('validate: a success body without the fields we need is bad-response naming the field', async () => {
    h.sim.inject({
      path: PROFILE_PATH[broker],
      fault: { kind: 'reply', status: 200, json: HOLLOW_SUCCESS[broker] },
    });
    const err = await rejection(once[broker].validate(apiKey, token, simTokenContext(broker)));
    expect(err.kind).toBe('bad-response');
    expect(err.message).toMatch(
      /unexpected (data\.(user_id|fy_id|clientcode)|body\.ClientCode|result\.0\.clientId|actid|dhanClientId|Success\.session_token)/,
    );
    expect(err.message).toMatch(/TokenTray update/);
  });

  it('exchange: a token answer without access_token is bad-response', async () => {
    const creds = credentialsOf(h.sim, broker);
    const body =
      broker === 'upstox'
        ? { user_id: 'x' }
        : broker === 'kite'
          ? { status: 'success', data: { user_id: 'x' } }
          : broker === 'angelone'
            ? { status: true, message: 'SUCCESS', data: { name: 'x' } }
            : broker === 'fivepaisa'
              ? { head: { status: '0' }, body: { ClientCode: 'x', Message: 'Success', Status: 0 } }
              : broker === 'aliceblue'
                ? { stat: 'Ok', clientId: 'x' }
                : broker === 'breeze'
                  ? { Success: { idirect_userid: 'x' }, Status: 200, Error: null }
                  : { s: 'ok', code: 200, message: '' };
    h.sim.inject({ path: TOKEN_PATH[broker], fault: { kind: 'reply', status: 200, json: body } });
    const err = await rejection(once[broker].exchange(creds, await loginGrant(h, broker)));
    expect(err.kind).toBe('bad-response');
    // Angel One's "exchange" is the profile check of the token the redirect carried.
    expect(err.message).toMatch(
      broker === 'angelone'
        ? /clientcode/
        : /access_token|AccessToken|userSession|accessToken|Success\.session_token/,
    );
  });
});

describe('errors the adapters have no special words for', () => {
  it('are login-failed in the exchange and bad-response elsewhere, with the broker code', async () => {
    const creds = credentialsOf(h.sim, 'upstox');
    const token = (await h.adapters.upstox.exchange(creds, await loginGrant(h, 'upstox')))
      .accessToken;
    const body = {
      status: 'error',
      errors: [{ errorCode: 'UDAPI100015', message: 'API version header missing' }],
    };
    h.sim.inject({ path: TOKEN_PATH.upstox, fault: { kind: 'reply', status: 400, json: body } });
    const exchange = await rejection(
      h.adapters.upstox.exchange(creds, await loginGrant(h, 'upstox')),
    );
    expect(exchange).toMatchObject({
      kind: 'login-failed',
      details: { brokerCode: 'UDAPI100015' },
    });
    expect(exchange.message).toContain('API version header missing');

    h.sim.inject({ path: PROFILE_PATH.upstox, fault: { kind: 'reply', status: 400, json: body } });
    const validate = await rejection(h.adapters.upstox.validate(creds.apiKey, token));
    expect(validate).toMatchObject({ kind: 'bad-response', details: { status: 400 } });
  });

  it('Upstox UDAPI100073 (inactive app) is bad-credentials with the fix', async () => {
    const creds = credentialsOf(h.sim, 'upstox');
    h.sim.inject({
      path: TOKEN_PATH.upstox,
      fault: {
        kind: 'reply',
        status: 403,
        json: { status: 'error', errors: [{ errorCode: 'UDAPI100073', message: 'inactive' }] },
      },
    });
    const err = await rejection(h.adapters.upstox.exchange(creds, await loginGrant(h, 'upstox')));
    expect(err.kind).toBe('bad-credentials');
    expect(err.message).toMatch(/inactive.*Reactivate/);
  });
});
