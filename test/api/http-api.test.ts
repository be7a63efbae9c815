/**
 * The loopback HTTP API end to end: the real server on 127.0.0.1:0 over the real app (broker
 * simulator, keychain, .env files), driven by real clients — Node fetch, node:http for headers fetch
 * will not send, curl — for every endpoint, auth, Host/Origin refusals, bad input, SSE delivery and
 * resume after a dropped connection. No answer, event or log line may hold a token except the token
 * endpoint's.
 */
import { execFile } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { startApiServer } from '../../electron/core/api/http-server';
import { ApiKeyRing } from '../../electron/core/api/api-keys';
import { TokenEventHub } from '../../electron/core/api/token-events';
import { H, ist, keyringAvailable, openSse, requireKeyringInCi, startApiApp } from './api-kit';

requireKeyringInCi();
const run = promisify(execFile);

function raw(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers,
        setHost: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

describe.skipIf(!keyringAvailable)('local HTTP API', () => {
  it('GET /api/token/status, /api/v1/accounts and /api/v1/accounts/{id}: status and readiness, never a token', async () => {
    const a = await startApiApp({ start: ist('2026-12-08T10:00') }); // Tue, a trading day
    await a.h.addAccount('upstox');
    await a.h.addAccount('kite');
    await a.h.login('kite-main');
    const token = a.h.botToken('kite-main');
    expect(token).toBeTruthy();
    const auth = { authorization: `Bearer ${a.statusKey}` };

    const res = await fetch(`${a.base}/api/token/status`, { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const text = await res.text();
    expect(text).not.toContain(token);
    const status = JSON.parse(text) as {
      ready_for_session: boolean;
      session_date: string;
      accounts: Record<string, unknown>[];
    };
    expect(status.session_date).toBe('2026-12-08');
    expect(status.ready_for_session).toBe(false); // upstox has no token
    const kite = status.accounts.find((x) => x.account === 'kite-main');
    expect(kite).toMatchObject({
      status: 'valid',
      expires_at: '2026-12-09T00:30:00.000Z', // 06:00 IST the next day
      seconds_left: 20 * 3600,
      needs_login: false,
      ready_for_session: true,
      readiness: 'ready',
    });
    expect(status.accounts.find((x) => x.account === 'upstox-main')).toMatchObject({
      status: 'none',
      expires_at: null,
      seconds_left: 0,
      needs_login: true,
      ready_for_session: false,
    });

    const only = (await (
      await fetch(`${a.base}/api/token/status?account=Kite-Main`, { headers: auth })
    ).json()) as { ready_for_session: boolean; accounts: unknown[] };
    expect(only.accounts).toHaveLength(1);
    expect(only.ready_for_session).toBe(true);

    const list = await fetch(`${a.base}/api/v1/accounts`, { headers: auth });
    expect(((await list.json()) as { accounts: unknown[] }).accounts).toHaveLength(2);
    const one = await fetch(`${a.base}/api/v1/accounts/kite-main`, { headers: auth });
    expect(await one.json()).toMatchObject({ account: { account: 'kite-main', status: 'valid' } });
    const missing = await fetch(`${a.base}/api/v1/accounts/nobody`, { headers: auth });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: { code: 'not-found', message: 'No account "nobody": it may have been removed.' },
    });
    const unknownName = await fetch(`${a.base}/api/token/status?account=zerodha`, {
      headers: auth,
    });
    expect(unknownName.status).toBe(404);

    // curl, a client bots' shell scripts use.
    const { stdout } = await run('curl', [
      '-sS',
      '-H',
      `Authorization: Bearer ${a.statusKey}`,
      `${a.base}/api/token/status`,
    ]);
    expect(JSON.parse(stdout)).toMatchObject({ session_date: '2026-12-08' });
    expect(a.h.logger.text()).not.toContain(token);
    expect(a.h.logger.text()).not.toContain(a.statusKey);
  });

  it('GET /api/v1/accounts/{id}/token: only a token-scoped key gets it; expired or missing tokens are refused', async () => {
    const a = await startApiApp({ start: ist('2026-12-08T10:00') });
    await a.h.addAccount('kite');
    await a.h.addAccount('upstox');
    await a.h.login('kite-main');
    const token = a.h.botToken('kite-main');
    const url = `${a.base}/api/v1/accounts/kite-main/token`;

    const denied = await fetch(url, { headers: { authorization: `Bearer ${a.statusKey}` } });
    expect(denied.status).toBe(403);
    const deniedText = await denied.text();
    expect(deniedText).toContain('"code":"forbidden"');
    expect(deniedText).not.toContain(token);

    const ok = await fetch(url, { headers: { authorization: `Bearer ${a.tokenKey}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    expect(await ok.json()).toEqual({
      account: 'kite-main',
      broker: 'kite',
      access_token: token,
      expires_at: '2026-12-09T00:30:00.000Z',
      status: 'valid',
    });

    const none = await fetch(`${a.base}/api/v1/accounts/upstox-main/token`, {
      headers: { authorization: `Bearer ${a.tokenKey}` },
    });
    expect(none.status).toBe(409);
    expect(await none.json()).toMatchObject({ error: { code: 'token-unusable' } });

    await a.h.advance(21 * H); // past 06:00 IST: expired
    const expired = await fetch(url, { headers: { authorization: `Bearer ${a.tokenKey}` } });
    expect(expired.status).toBe(409);
    expect(await expired.text()).not.toContain(token);
    const allowed = await fetch(`${url}?allow_expired=true`, {
      headers: { authorization: `Bearer ${a.tokenKey}` },
    });
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toMatchObject({ access_token: token, status: 'expired' });
    const bad = await fetch(`${url}?allow_expired=maybe`, {
      headers: { authorization: `Bearer ${a.tokenKey}` },
    });
    expect(bad.status).toBe(400);
  });

  it('auth: no key 401, wrong key 401, a burst of wrong keys locks everyone out with 429', async () => {
    const a = await startApiApp({ start: ist('2026-12-08T10:00') });
    const url = `${a.base}/api/token/status`;
    const none = await fetch(url);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(await none.json()).toMatchObject({ error: { code: 'unauthorized' } });
    const wrongScheme = await fetch(url, { headers: { authorization: `Basic ${a.statusKey}` } });
    expect(wrongScheme.status).toBe(401);
    // A key of the right shape but not ours, then one character off ours.
    const near = a.statusKey.slice(0, -1) + (a.statusKey.endsWith('A') ? 'B' : 'A');
    for (const key of ['ttk_status_' + 'x'.repeat(43), near]) {
      const r = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
      expect(r.status).toBe(401);
    }
    expect((await fetch(url, { headers: { authorization: `Bearer ${a.statusKey}` } })).status).toBe(
      200,
    );
    let status = 0;
    for (let i = 0; i < 12 && status !== 429; i += 1) {
      status = (await fetch(url, { headers: { authorization: `Bearer wrong-${i}` } })).status;
    }
    expect(status).toBe(429);
    // Locked: even the right key waits, so guessing gains nothing.
    const locked = await fetch(url, { headers: { authorization: `Bearer ${a.statusKey}` } });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await locked.json()).toMatchObject({ error: { code: 'too-many-requests' } });
    expect(a.h.logger.text()).not.toContain(a.statusKey);
    expect(a.h.logger.text()).not.toContain('wrong-1');
  });

  it('refuses a foreign Host (DNS rebinding) and any Origin, and answers bad input with JSON errors', async () => {
    const a = await startApiApp({ start: ist('2026-12-08T10:00') });
    await a.h.addAccount('fyers', { pin: '1234' });
    const auth = { authorization: `Bearer ${a.tokenKey}` };
    const path = '/api/token/status';
    // No Host at all: Node's HTTP/1.1 parser already refuses it (400).
    expect((await raw(a.port, { path, headers: auth })).status).toBe(400);
    for (const host of ['evil.example', `evil.example:${a.port}`, `127.0.0.1:${a.port + 1}`]) {
      const r = await raw(a.port, { path, headers: { ...auth, host } });
      expect(r.status).toBe(403);
      expect(JSON.parse(r.body)).toMatchObject({ error: { code: 'forbidden' } });
    }
    for (const host of [`127.0.0.1:${a.port}`, `localhost:${a.port}`]) {
      expect((await raw(a.port, { path, headers: { ...auth, host } })).status).toBe(200);
    }
    const origin = await raw(a.port, {
      path,
      headers: { ...auth, host: `127.0.0.1:${a.port}`, origin: 'https://evil.example' },
    });
    expect(origin.status).toBe(403);
    expect(origin.headers['access-control-allow-origin']).toBeUndefined();
    const nullOrigin = await fetch(`${a.base}${path}`, { headers: { ...auth, origin: 'null' } });
    expect(nullOrigin.status).toBe(403);
    // curl with a rebinding Host.
    const { stdout } = await run('curl', [
      '-sS',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '-H',
      'Host: attacker.example',
      `${a.base}${path}`,
    ]);
    expect(stdout).toBe('403');

    const refresh = `${a.base}/api/token/force-refresh`;
    const badJson = await fetch(refresh, { method: 'POST', headers: auth, body: '{"account":' });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ error: { code: 'bad-request' } });
    const badField = await fetch(refresh, {
      method: 'POST',
      headers: auth,
      body: '{"acount":"x"}',
    });
    expect(badField.status).toBe(400);
    expect(((await badField.json()) as { error: { message: string } }).error.message).toMatch(
      /account/,
    );
    const big = await fetch(refresh, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ account: 'fyers-main', pad: 'x'.repeat(17 * 1024) }),
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: { code: 'payload-too-large' } });
    const wrongMethod = await fetch(`${a.base}${path}`, { method: 'DELETE', headers: auth });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
    expect(await wrongMethod.json()).toMatchObject({ error: { code: 'method-not-allowed' } });
    const unknown = await fetch(`${a.base}/api/v2/anything`, { headers: auth });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'not-found' } });
    const stackFree = await raw(a.port, {
      method: 'POST',
      path: '/api/token/force-refresh',
      headers: { ...auth, host: `127.0.0.1:${a.port}`, 'content-type': 'application/json' },
      body: '\u0000\u0001',
    });
    expect(stackFree.status).toBe(400);
    expect(stackFree.body).not.toMatch(/at .*\.ts:\d+/);
  });

  it('POST /api/token/force-refresh renews FYERS and streams token-renewed (no token); login-only brokers get 409', async () => {
    const a = await startApiApp({ start: ist('2026-12-08T10:00') });
    await a.h.addAccount('fyers', { pin: '1234' });
    await a.h.addAccount('upstox');
    await a.h.login('fyers-main');
    const before = a.h.botToken('fyers-main');
    const sse = await openSse(`${a.base}/api/v1/events`, a.statusKey);

    await a.h.advance(H);
    const res = await fetch(`${a.base}/api/token/force-refresh`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.tokenKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ account: 'FYERS-MAIN' }),
    });
    const text = await res.text();
    expect(res.status).toBe(200);
    const after = a.h.botToken('fyers-main');
    expect(after).toBeTruthy();
    expect(after).not.toBe(before);
    expect(text).not.toContain(after);
    expect(JSON.parse(text)).toMatchObject({ account: { account: 'fyers-main', status: 'valid' } });
    const event = await sse.next((e) => e.event === 'token-renewed');
    expect(event.data).toMatchObject({ account: 'fyers-main', broker: 'fyers' });
    expect(typeof event.data.expires_at).toBe('string');
    expect(sse.raw.join('\n')).not.toContain(after);
    sse.close();

    const statusScoped = await fetch(`${a.base}/api/token/force-refresh`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.statusKey}` },
      body: JSON.stringify({ account: 'fyers-main' }),
    });
    expect(statusScoped.status).toBe(403);
    const upstox = await fetch(`${a.base}/api/token/force-refresh`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.tokenKey}` },
      body: JSON.stringify({ account: 'upstox-main' }),
    });
    expect(upstox.status).toBe(409);
    expect(await upstox.json()).toMatchObject({
      error: { code: 'needs-login', message: expect.stringMatching(/logging in/) as unknown },
    });
    const nobody = await fetch(`${a.base}/api/token/force-refresh`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.tokenKey}` },
      body: JSON.stringify({ account: 'nobody' }),
    });
    expect(nobody.status).toBe(404);
  });

  it('SSE: expiring, expired and revoked events arrive; a client that dropped its connection resumes with Last-Event-ID and misses nothing', async () => {
    const a = await startApiApp({ start: ist('2026-12-08T10:00') });
    await a.h.addAccount('kite');
    await a.h.addAccount('upstox');
    const first = await openSse(`${a.base}/api/v1/events`, a.statusKey);
    await a.h.login('kite-main');
    const renewed = await first.next((e) => e.event === 'token-renewed');
    expect(renewed.data.account).toBe('kite-main');
    first.close(); // the connection drops

    // While nobody listens: Upstox logs in, Kite nears and passes its 06:00 expiry.
    await a.h.login('upstox-main');
    await a.h.advance(18 * H); // 04:00 IST: kite critical (2 h left < 3 h → expiring)
    await a.h.advance(2 * H + 1000); // 06:00 IST: kite expired
    const resumed = await openSse(`${a.base}/api/v1/events`, a.statusKey, renewed.id);
    const types: string[] = [];
    for (;;) {
      const e = await resumed.next();
      types.push(`${e.event}:${String(e.data.account)}`);
      if (e.event === 'token-expired' && e.data.account === 'kite-main') break;
    }
    expect(types).toContain('token-renewed:upstox-main');
    expect(types).toContain('token-expiring:kite-main');
    expect(types).not.toContain('token-renewed:kite-main'); // already seen before the drop
    const ids = resumed.events.map((e) => Number(e.id.split('-')[1]));
    expect(ids).toEqual([...ids].sort((x, y) => x - y));

    // A revocation found by validation, live.
    await a.h.login('kite-main');
    a.h.sim.revokeAll('kite');
    await a.h.app.ipc['account:validate']({ id: 'kite-main' });
    const revoked = await resumed.next((e) => e.event === 'token-revoked');
    expect(revoked.data).toMatchObject({ account: 'kite-main' });
    resumed.close();
  });

  it('sends a heartbeat comment on idle streams and listens on loopback addresses only', async () => {
    const hub = new TokenEventHub({ now: () => new Date() });
    const keys = new ApiKeyRing([{ scope: 'status', key: 'ttk_status_' + 'a'.repeat(43) }]);
    const { RecordingLogger } = await import('../helpers/recording-logger');
    const logger = new RecordingLogger();
    const commands = {
      run: () => Promise.reject(new Error('unused')),
      statusOf: () => {
        throw new Error('unused');
      },
    };
    await expect(
      startApiServer({ commands, events: hub, keys, logger, port: 0, hosts: ['0.0.0.0'] }),
    ).rejects.toThrow(/127\.0\.0\.1 and ::1 only/);
    const server = await startApiServer({
      commands,
      events: hub,
      keys,
      logger,
      port: 0,
      heartbeatMs: 50,
    });
    try {
      expect(server.addresses.every((x) => /^(127\.0\.0\.1|\[::1\]):\d+$/.test(x))).toBe(true);
      expect(server.addresses[0]).toBe(`127.0.0.1:${server.port}`);
      const sse = await openSse(
        `http://127.0.0.1:${server.port}/api/v1/events`,
        'ttk_status_' + 'a'.repeat(43),
      );
      for (let i = 0; i < 100 && !sse.raw.some((r) => r.includes(': heartbeat')); i += 1) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(sse.raw.some((r) => r.includes(': heartbeat'))).toBe(true);
      sse.close();
    } finally {
      await server.close();
    }
  });
});
