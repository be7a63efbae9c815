/**
 * Issue 9 item 18: the simulator is as strict as brokers.md — Kite calls need X-Kite-Version: 3, the
 * Kite login URL needs v=3, token endpoints take only their documented body type — and its refusals
 * name what was wrong, instead of an unrelated broker error ("Invalid api_key", UDAPI100016, -441)
 * that would send a failing test's reader the wrong way. Raw HTTP over loopback, no adapter.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { credentialsOf, loginGrant, startHarness, type Harness } from './helpers';
import { kiteChecksum } from '../../electron/core/brokers';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

async function kiteExchange(headers: Record<string, string>, body?: string) {
  const creds = credentialsOf(h.sim, 'kite');
  const grant = await loginGrant(h, 'kite');
  const form = {
    api_key: creds.apiKey,
    request_token: grant.code,
    checksum: kiteChecksum(creds.apiKey, grant.code, creds.apiSecret),
  };
  const res = await fetch(`${h.sim.url}/session/token`, {
    method: 'POST',
    headers,
    body: body ?? new URLSearchParams(form).toString(),
  });
  return { res, json: (await res.json()) as Record<string, unknown>, form };
}

const FORM = 'application/x-www-form-urlencoded';

describe('issue 9 item 18: the simulator is as strict as the docs, and says why it refuses', () => {
  it('Kite token exchange without X-Kite-Version: 3 is refused, naming the header', async () => {
    const attempts: Record<string, string>[] = [
      { 'Content-Type': FORM },
      { 'Content-Type': FORM, 'X-Kite-Version': '2' },
    ];
    for (const headers of attempts) {
      const { res, json } = await kiteExchange(headers);
      expect(res.status).toBe(400);
      expect(json['error_type']).toBe('InputException');
      expect(json['message']).toMatch(/X-Kite-Version: 3/);
    }
    const ok = await kiteExchange({ 'Content-Type': FORM, 'X-Kite-Version': '3' });
    expect(ok.res.status).toBe(200);
  });

  it('Kite profile and logout without X-Kite-Version: 3 are refused too', async () => {
    const ok = await kiteExchange({ 'Content-Type': FORM, 'X-Kite-Version': '3' });
    const token = (ok.json['data'] as { access_token: string }).access_token;
    const apiKey = credentialsOf(h.sim, 'kite').apiKey;
    const auth = { Authorization: `token ${apiKey}:${token}` };
    const profile = await fetch(`${h.sim.url}/user/profile`, { headers: auth });
    expect(profile.status).toBe(400);
    expect(JSON.stringify(await profile.json())).toMatch(/X-Kite-Version: 3/);
    const logout = await fetch(
      `${h.sim.url}/session/token?api_key=${apiKey}&access_token=${token}`,
      { method: 'DELETE', headers: auth },
    );
    expect(logout.status).toBe(400);
    expect(h.sim.tokenStatus('kite', token)).toBe('valid');
  });

  it('Kite logout with an Authorization header naming another session is refused', async () => {
    const ok = await kiteExchange({ 'Content-Type': FORM, 'X-Kite-Version': '3' });
    const token = (ok.json['data'] as { access_token: string }).access_token;
    const apiKey = credentialsOf(h.sim, 'kite').apiKey;
    const res = await fetch(`${h.sim.url}/session/token?api_key=${apiKey}&access_token=${token}`, {
      method: 'DELETE',
      headers: { 'X-Kite-Version': '3', Authorization: `token ${apiKey}:someone-else` },
    });
    expect(res.status).toBe(403);
    expect(h.sim.tokenStatus('kite', token)).toBe('valid');
  });

  it('the Kite login URL without v=3 shows an error page naming v=3', async () => {
    const apiKey = credentialsOf(h.sim, 'kite').apiKey;
    for (const query of [`api_key=${apiKey}`, `v=2&api_key=${apiKey}`]) {
      const res = await fetch(`${h.sim.url}/connect/login?${query}`, { redirect: 'manual' });
      expect(res.status).toBe(400);
      expect(await res.text()).toMatch(/must carry v=3/);
    }
    const good = await fetch(`${h.sim.url}/connect/login?v=3&api_key=${apiKey}`);
    expect(good.status).toBe(200);
  });

  it('a Kite exchange sent as JSON names the content type, not "Invalid api_key"', async () => {
    const creds = credentialsOf(h.sim, 'kite');
    const { res, json } = await kiteExchange(
      { 'Content-Type': 'application/json', 'X-Kite-Version': '3' },
      JSON.stringify({ api_key: creds.apiKey, request_token: 'x', checksum: 'y' }),
    );
    expect(res.status).toBe(400);
    expect(json['message']).toMatch(
      /takes a application\/x-www-form-urlencoded body.*application\/json/,
    );
    expect(json['message']).not.toMatch(/api_key/);
  });

  it('an Upstox exchange sent as JSON names the content type, not UDAPI100016', async () => {
    const creds = credentialsOf(h.sim, 'upstox');
    const res = await fetch(`${h.sim.url}/v2/login/authorization/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({
        code: h.sim.issueGrant('upstox'),
        client_id: creds.apiKey,
        client_secret: creds.apiSecret,
        redirect_uri: creds.redirectUri,
        grant_type: 'authorization_code',
      }),
    });
    const text = await res.text();
    expect(res.status).toBe(415);
    expect(text).not.toContain('UDAPI100016');
    expect(text).toMatch(
      /takes a application\/x-www-form-urlencoded body.*Content-Type application\/json/,
    );
  });

  it('a FYERS exchange or refresh sent as a form names the content type, not -441', async () => {
    for (const path of ['/api/v3/validate-authcode', '/api/v3/validate-refresh-token']) {
      const res = await fetch(`${h.sim.url}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': FORM },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x' }).toString(),
      });
      const json = (await res.json()) as Record<string, unknown>;
      expect(res.status).toBe(415);
      expect(json['code']).not.toBe(-441);
      expect(json['message']).toMatch(
        /takes a application\/json body.*application\/x-www-form-urlencoded/,
      );
    }
  });

  it('the adapters themselves pass every strict check (all three brokers, full login)', async () => {
    for (const broker of ['upstox', 'kite', 'fyers'] as const) {
      const creds = credentialsOf(h.sim, broker);
      const tokens = await h.adapters[broker].exchange(creds, await loginGrant(h, broker));
      await h.adapters[broker].validate(creds.apiKey, tokens.accessToken);
      await h.adapters[broker].logout!(creds.apiKey, tokens.accessToken);
      expect(h.sim.tokenStatus(broker, tokens.accessToken)).toBe('revoked');
    }
  });
});
