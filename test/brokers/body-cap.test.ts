/**
 * Issue 9 item 13 (broker side): a broker answer is read only up to 1 MB, while it streams — a
 * 700 MB body is never read whole — and the error says the answer was too large, not that the
 * network failed. The simulator streams the body over real loopback HTTP with backpressure and
 * records how much the client let it write.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BROKER_IDS, type BrokerId } from '../../shared/brokers';
import { MAX_BROKER_BODY_BYTES } from '../../electron/core/brokers/http';
import type { BrokerAdapter } from '../../electron/core/brokers/types';
import {
  credentialsOf,
  loginGrant,
  rejection,
  startHarness,
  type Harness,
  simTokenContext,
} from './helpers';

const MB = 1024 * 1024;
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

let h: Harness;
let once: Record<BrokerId, BrokerAdapter>;
const tokens = {} as Record<BrokerId, string>;

beforeAll(async () => {
  h = await startHarness();
  // No retries, and time enough that only the size cap can stop a read.
  once = h.adaptersWith({ retry: { attempts: 1 }, timeoutMs: 30_000 });
  for (const broker of BROKER_IDS) {
    const creds = credentialsOf(h.sim, broker);
    tokens[broker] = (
      await h.adapters[broker].exchange(creds, await loginGrant(h, broker))
    ).accessToken;
  }
});
afterAll(async () => {
  await h.close();
});

function expectTooLarge(message: string): void {
  expect(message).toMatch(/too large: more than 1 MB/);
  expect(message).not.toMatch(/could not reach|network|internet connection/i);
}

describe('issue 9 item 13: broker bodies are capped at 1 MB while streaming', () => {
  it.each(BROKER_IDS)(
    '%s: a 64 MB streamed profile answer is cut after ~1 MB and reported as too large',
    async (broker) => {
      const before = h.sim.floods.length;
      h.sim.inject({ path: PROFILE_PATH[broker], fault: { kind: 'flood', bytes: 64 * MB } });
      const err = await rejection(
        once[broker].validate(
          credentialsOf(h.sim, broker).apiKey,
          tokens[broker],
          simTokenContext(broker),
        ),
      );
      expect(err.kind).toBe('bad-response');
      expectTooLarge(err.message);
      const flood = h.sim.floods[before]!;
      // The client hung up: the simulator could not write the rest (socket buffers allow a few MB).
      await vi.waitFor(() => expect(flood.aborted).toBe(true));
      expect(flood.completed).toBe(false);
      expect(flood.written).toBeLessThan(16 * MB);
    },
  );

  it('a declared Content-Length of 700 MB is refused before the body is read', async () => {
    const before = h.sim.floods.length;
    h.sim.inject({
      path: PROFILE_PATH.kite,
      fault: { kind: 'flood', bytes: 700 * MB, declareLength: true },
    });
    const err = await rejection(
      once.kite.validate(credentialsOf(h.sim, 'kite').apiKey, tokens.kite),
    );
    expect(err.kind).toBe('bad-response');
    expectTooLarge(err.message);
    const flood = h.sim.floods[before]!;
    await vi.waitFor(() => expect(flood.aborted).toBe(true));
    expect(flood.written).toBeLessThan(16 * MB);
  });

  it('a too-large answer to the token exchange says so and asks for a new login (the code is spent)', async () => {
    const creds = credentialsOf(h.sim, 'upstox');
    const grant = await loginGrant(h, 'upstox');
    h.sim.inject({ path: TOKEN_PATH.upstox, fault: { kind: 'flood', bytes: 8 * MB } });
    const err = await rejection(once.upstox.exchange(creds, grant));
    expectTooLarge(err.message);
    expect(err.message).toMatch(/click Log in again/);
    expect(h.sim.grantUsed(grant.code)).toBe(true);
  });

  it('an error answer (HTTP 400) over the cap is too large as well, not a refusal', async () => {
    h.sim.inject({
      path: PROFILE_PATH.fyers,
      fault: { kind: 'flood', bytes: 4 * MB, status: 400 },
    });
    const err = await rejection(
      once.fyers.validate(credentialsOf(h.sim, 'fyers').apiKey, tokens.fyers),
    );
    expect(err.kind).toBe('bad-response');
    expectTooLarge(err.message);
  });

  it('an answer just under the cap is still read normally', async () => {
    const padding = 'p'.repeat(MAX_BROKER_BODY_BYTES - 4096);
    h.sim.inject({
      path: PROFILE_PATH.kite,
      fault: {
        kind: 'reply',
        status: 200,
        json: { status: 'success', data: { user_id: 'SIM001', user_name: 'Sim', padding } },
      },
    });
    const profile = await once.kite.validate(credentialsOf(h.sim, 'kite').apiKey, tokens.kite);
    expect(profile.userId).toBe('SIM001');
  });
});
