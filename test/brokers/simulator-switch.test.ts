/**
 * The developer switch TOKENTRAY_BROKER_SIMULATOR: the real adapters, pointed at a real simulator on
 * loopback by nothing but the environment variable, do a full pretend login for every broker; the
 * simulator's root page lists its endpoints and test apps; anything but a loopback URL is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROKERS, BROKER_IDS } from '../../shared/brokers';
import {
  SIMULATOR_ENV,
  SIMULATOR_LOGIN_PREFIX,
  simulatorBaseUrls,
} from '../../electron/core/brokers/simulator-switch';
import { DEFAULT_SIM_USERS } from '../simulator';
import {
  credentialsOf,
  loginGrant,
  startHarness,
  thrown,
  type Harness,
  simTokenContext,
} from './helpers';

let harness: Harness;
let viaSwitch: Harness;

beforeAll(async () => {
  // The harness's own base URLs are replaced by what the switch derives from the variable alone.
  harness = await startHarness();
  const fromEnv = simulatorBaseUrls({ [SIMULATOR_ENV]: harness.sim.url });
  viaSwitch = { ...harness, adapters: harness.adaptersWith(fromEnv) };
});

afterAll(async () => {
  await harness.close();
});

describe('TOKENTRAY_BROKER_SIMULATOR', () => {
  it('points every broker’s API and login page at the one simulator URL', () => {
    const { baseUrls } = simulatorBaseUrls({ [SIMULATOR_ENV]: `${harness.sim.url}/` });
    for (const broker of BROKER_IDS) {
      // Brokers whose login page is a host root (Alice Blue, IIFL) get a path prefix there.
      expect(baseUrls?.[broker]).toEqual({
        api: harness.sim.url,
        login: `${harness.sim.url}${SIMULATOR_LOGIN_PREFIX[broker] ?? ''}`,
      });
    }
  });

  for (const broker of BROKER_IDS) {
    it(`a full pretend login with ${broker}: login page, redirect, token, profile`, async () => {
      const creds = credentialsOf(harness.sim, broker);
      const { apiKey, redirectUri } = creds;
      const adapter = viaSwitch.adapters[broker];
      // Dhan's page exists only after its consent call (startLogin).
      const authorize = adapter.startLogin
        ? await adapter.startLogin(creds, 'x'.repeat(32))
        : adapter.authorizeUrl({ apiKey, redirectUri, state: 'x'.repeat(32) });
      expect(authorize.startsWith(`${harness.sim.url}/`)).toBe(true);
      const grant = await loginGrant(viaSwitch, broker);
      const tokens = await viaSwitch.adapters[broker].exchange(
        credentialsOf(harness.sim, broker),
        grant,
      );
      const profile = await viaSwitch.adapters[broker].validate(
        apiKey,
        tokens.accessToken,
        simTokenContext(broker),
      );
      // 5paisa's check (V4/Margin) and Dhan's profile carry the client id only; their token
      // answers have the name.
      const nameless = broker === 'fivepaisa' || broker === 'dhan';
      if (nameless) expect(profile.userId).toBe(tokens.userId);
      expect(nameless ? tokens.userName : profile.userName).toBe(
        DEFAULT_SIM_USERS[broker].userName,
      );
    });
  }

  it('is off when unset or empty', () => {
    expect(simulatorBaseUrls({})).toEqual({});
    expect(simulatorBaseUrls({ [SIMULATOR_ENV]: '  ' })).toEqual({});
  });

  it('refuses anything but a loopback URL, naming the variable and the fix', () => {
    for (const bad of [
      'http://example.com:4010',
      'http://192.168.1.20:4010',
      'https://10.0.0.1',
      'ftp://127.0.0.1:4010',
      'http://user:pass@127.0.0.1:4010',
      'http://127.0.0.1:4010/?x=1',
      '127.0.0.1:4010',
    ]) {
      const e = thrown(() => simulatorBaseUrls({ [SIMULATOR_ENV]: bad }));
      expect(e.kind, bad).toBe('config');
      expect(e.message, bad).toContain(SIMULATOR_ENV);
      expect(e.message, bad).toContain('http://127.0.0.1:4010');
      expect(e.message, bad).not.toContain('user:pass');
    }
  });
});

describe('the simulator’s root page', () => {
  it('lists its endpoints, the test apps and how to point TokenTray at it', async () => {
    const res = await fetch(`${harness.sim.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain(`TOKENTRAY_BROKER_SIMULATOR=${harness.sim.url} npm start`);
    for (const broker of BROKER_IDS) {
      const app = harness.sim.app(broker);
      expect(html).toContain(app.apiKey);
      expect(html).toContain(app.redirectUri);
      expect(html).toContain(DEFAULT_SIM_USERS[broker].userName);
      expect(html).toContain(BROKERS[broker].label);
      // The third app value the form asks for (Dhan client ID, 5paisa app User ID).
      if (app.clientId !== undefined) expect(html).toContain(app.clientId);
    }
    for (const path of ['/v2/login/authorization/dialog', '/v2/user/profile']) {
      expect(html).toContain(path);
    }
    expect(html).toContain('PIN <code>1234</code>');
    // Other unknown paths are still 404.
    expect((await fetch(`${harness.sim.url}/nope`)).status).toBe(404);
  });
});
