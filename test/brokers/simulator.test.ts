/**
 * The simulator itself: login pages a browser test can drive, documented redirects, single-use
 * grants, the request log, and its controls. (The adapters' tests rely on all of this.)
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BROKER_IDS } from '../../shared/brokers';
import { jwtExpiry } from '../../shared/expiry';
import { startBrokerSimulator, type BrokerSimulator } from '../simulator/index';
import { STATE, credentialsOf, startHarness, submitLoginPage, type Harness } from './helpers';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

describe('broker simulator', () => {
  it('listens on 127.0.0.1 on a free port', () => {
    expect(h.sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(h.sim.port).toBeGreaterThan(0);
  });

  it.each(BROKER_IDS)(
    '%s login page: a self-contained form with Log in / Cancel, no external resources',
    async (broker) => {
      const creds = credentialsOf(h.sim, broker);
      const { apiKey, redirectUri } = creds;
      const adapter = h.adapters[broker];
      // Dhan's page exists only after its consent call (startLogin).
      const res = await fetch(
        adapter.startLogin
          ? await adapter.startLogin(creds, STATE)
          : adapter.authorizeUrl({ apiKey, redirectUri, state: STATE }),
      );
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      const html = await res.text();
      expect(html).toMatch(/<button type="submit" id="sim-login"[^>]*>Log in<\/button>/);
      expect(html).toMatch(/<button type="submit" id="sim-cancel"[^>]*>Cancel<\/button>/);
      expect(html).not.toMatch(/<script|<link|<img|src=|https?:\/\/(?!127\.0\.0\.1)/);
      expect(html).toContain('not the real');
    },
  );

  it('escapes what it echoes into the page', async () => {
    h.sim.registerApp({
      broker: 'kite',
      apiKey: '<b>x</b>',
      apiSecret: 's',
      redirectUri: 'http://127.0.0.1:5055/kite/callback',
    });
    const res = await fetch(
      `${h.sim.url}/connect/login?v=3&api_key=${encodeURIComponent('<b>x</b>')}`,
    );
    const html = await res.text();
    expect(html).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(html).not.toContain('<b>x</b>');
  });

  it("redirects in each broker's documented form", async () => {
    const up = new URL(await submitLoginPage(h, 'upstox', 'login'));
    expect([...up.searchParams.keys()]).toEqual(['code', 'state']);
    const kite = new URL(await submitLoginPage(h, 'kite', 'login'));
    expect([...kite.searchParams.keys()]).toEqual([
      'action',
      'type',
      'status',
      'request_token',
      'state',
    ]);
    const fy = new URL(await submitLoginPage(h, 'fyers', 'login'));
    expect([...fy.searchParams.keys()]).toEqual(['s', 'code', 'auth_code', 'state']);
    expect(fy.searchParams.get('code')).toBe('200');
    // auth_code is a JWT with an exp (brokers.md §4).
    expect(jwtExpiry(fy.searchParams.get('auth_code'))).toBeInstanceOf(Date);
    for (const [url, broker] of [
      [up, 'upstox'],
      [kite, 'kite'],
      [fy, 'fyers'],
    ] as const) {
      expect(`${url.origin}${url.pathname}`).toBe(h.sim.app(broker).redirectUri);
    }
  });

  it("cancels in each broker's error form", async () => {
    expect(new URL(await submitLoginPage(h, 'upstox', 'cancel')).searchParams.get('error')).toBe(
      'access_denied',
    );
    expect(new URL(await submitLoginPage(h, 'kite', 'cancel')).searchParams.get('status')).toBe(
      'cancelled',
    );
    expect(new URL(await submitLoginPage(h, 'fyers', 'cancel')).searchParams.get('s')).toBe(
      'error',
    );
  });

  it('shows an error page, not a redirect, for an unknown client or a foreign redirect URI', async () => {
    const bad = await fetch(
      `${h.sim.url}/v2/login/authorization/dialog?response_type=code&client_id=nope&redirect_uri=x&state=s`,
      { redirect: 'manual' },
    );
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('UDAPI100068');
    const { apiKey } = credentialsOf(h.sim, 'fyers');
    const foreign = await fetch(
      `${h.sim.url}/api/v3/generate-authcode?client_id=${apiKey}&redirect_uri=${encodeURIComponent('http://evil.example/cb')}&response_type=code&state=s`,
      { method: 'POST', body: 'decision=login', redirect: 'manual' },
    );
    expect(foreign.status).toBe(400);
    expect(foreign.headers.get('location')).toBeNull();
  });

  it('burns a grant on first use, even when the exchange fails, and lets grants expire', async () => {
    const { apiKey } = credentialsOf(h.sim, 'upstox');
    const code = h.sim.issueGrant('upstox');
    const post = (c: string) =>
      fetch(`${h.sim.url}/v2/login/authorization/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          code: c,
          client_id: apiKey,
          client_secret: 'wrong',
          redirect_uri: 'x',
          grant_type: 'authorization_code',
        }),
      });
    expect((await post(code)).status).toBe(401);
    expect(h.sim.grantUsed(code)).toBe(true);

    const late = h.sim.issueGrant('upstox');
    h.clock.advance(10 * 60_000);
    const res = await fetch(`${h.sim.url}/v2/login/authorization/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        code: late,
        client_id: apiKey,
        client_secret: h.sim.app('upstox').apiSecret,
        redirect_uri: h.sim.app('upstox').redirectUri,
        grant_type: 'authorization_code',
      }),
    });
    // A code it issued but that expired: 401 UDAPI100016 on "code" (issue 9 item 16).
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({
      errors: [{ errorCode: 'UDAPI100016', propertyPath: 'code', property_path: 'code' }],
    });
  });

  it('records requests with headers, raw body and parsed body', async () => {
    await fetch(`${h.sim.url}/api/v3/validate-authcode`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Test': 'yes' },
      body: '{"grant_type":"authorization_code","code":"c"}',
    });
    const [req] = h.sim.requestsTo('POST', '/api/v3/validate-authcode');
    expect(req).toMatchObject({
      broker: 'fyers',
      method: 'POST',
      path: '/api/v3/validate-authcode',
      body: '{"grant_type":"authorization_code","code":"c"}',
      json: { grant_type: 'authorization_code', code: 'c' },
    });
    expect(req?.headers['x-test']).toBe('yes');
    h.sim.clearRequests();
    expect(h.sim.requests).toHaveLength(0);
  });

  it('answers unknown paths with 404 and known paths with a wrong method with 405', async () => {
    expect((await fetch(`${h.sim.url}/nope`)).status).toBe(404);
    expect((await fetch(`${h.sim.url}/v2/logout`, { method: 'POST' })).status).toBe(405);
  });

  it('applies a fault the given number of times, then behaves again', async () => {
    h.sim.inject({
      path: '/user/profile',
      method: 'GET',
      times: 2,
      fault: { kind: 'status', status: 502 },
    });
    const statuses = [];
    const get = () => fetch(`${h.sim.url}/user/profile`, { headers: { 'X-Kite-Version': '3' } });
    for (let i = 0; i < 3; i += 1) statuses.push((await get()).status);
    expect(statuses).toEqual([502, 502, 403]);
  });

  it('can stop listening and start again on the same port', async () => {
    await h.sim.setOffline(true);
    await expect(fetch(`${h.sim.url}/nope`)).rejects.toThrow();
    await h.sim.setOffline(false);
    expect((await fetch(`${h.sim.url}/nope`)).status).toBe(404);
  });

  it('issues Kite tokens as opaque strings and the others as JWTs that expire by the broker rule', async () => {
    const sim: BrokerSimulator = h.sim;
    const creds = credentialsOf(sim, 'upstox');
    const res = await fetch(`${sim.url}/v2/login/authorization/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        code: sim.issueGrant('upstox'),
        client_id: creds.apiKey,
        client_secret: creds.apiSecret,
        redirect_uri: creds.redirectUri,
        grant_type: 'authorization_code',
      }),
    });
    const body = (await res.json()) as { access_token: string };
    expect(jwtExpiry(body.access_token)?.toISOString()).toBe(
      new Date('2026-03-11T03:30:00+05:30').toISOString(),
    );
    expect(sim.tokenStatus('upstox', body.access_token)).toBe('valid');
    h.clock.set('2026-03-11T03:30:00+05:30');
    expect(sim.tokenStatus('upstox', body.access_token)).toBe('expired');
  });

  it('starts with custom apps and closes cleanly', async () => {
    const sim = await startBrokerSimulator({
      apps: [
        { broker: 'kite', apiKey: 'k2', apiSecret: 's2', redirectUri: 'http://127.0.0.1:1/cb' },
      ],
    });
    expect(sim.app('kite').apiKey).toBe('k2');
    expect(() => sim.app('upstox')).toThrow(/no upstox app/);
    await sim.close();
    await expect(fetch(`${sim.url}/nope`)).rejects.toThrow();
  });
});
