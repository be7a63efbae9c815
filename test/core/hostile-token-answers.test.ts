/**
 * Issue 9 items 8 and 9: hostile or broken token and profile answers, sent for real by the broker
 * simulator over loopback (forced replies), through the real adapters, keychain, .env files and
 * scheduler on a FakeClock.
 *
 * - A token that is already expired at issue (JWT `exp: 1`), a different one each time, never
 *   replaces the good token, at login or refresh, and does not start a refresh storm.
 * - Automatic renewals stay bounded per hour whatever the cause (here: tokens the broker honours
 *   that die 11 minutes after issue, which makes every renewal due again at once).
 * - A profile `user_name` equal to the token is never shown; a 300-character one does not fail a
 *   login that already stored and exported the token.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBrokerAdapters } from '../../electron/core/brokers';
import type { BrokerAdapter } from '../../electron/core/brokers/types';
import { createFileExporter } from '../../electron/core/export/file-exporter';
import { AUTO_RENEWAL_LIMITS } from '../../electron/core/lifecycle/renewal-limiter';
import { TokenService } from '../../electron/core/lifecycle/token-service';
import { silentLogger } from '../../electron/core/ports';
import { createJsonFileBackend } from '../../electron/core/settings/settings-backend';
import { createSettingsStore } from '../../electron/core/settings/settings-store';
import { FakeClock } from '../helpers/fake-clock';
import { HttpLoginNavigator } from '../helpers/http-login-navigator';
import { accessTokenExpiry } from '../../shared/expiry';
import { fakeJwt } from '../helpers/jwt';
import type { AppHarness } from '../helpers/app-harness';
import { H, M, ist, keyringAvailable, requireKeyringInCi, startTestApp } from './app-kit';

requireKeyringInCi();

const FYERS_REFRESH = '/api/v3/validate-refresh-token';
const FYERS_PROFILE = '/api/v3/profile';
const UPSTOX_TOKEN = '/v2/login/authorization/token';
const UPSTOX_PROFILE = '/v2/user/profile';

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

function fyersProfile(name: string) {
  return {
    kind: 'reply' as const,
    status: 200,
    json: { s: 'ok', code: 200, message: '', data: { name, display_name: name, fy_id: 'XS00001' } },
  };
}

/** Forces Upstox's next exchange and profile answers to carry `token` and `userName`. */
function upstoxAnswers(h: AppHarness, token: string, userName: string): void {
  const user = {
    email: 'sim-user@example.invalid',
    exchanges: ['NSE', 'BSE'],
    products: ['D', 'I'],
    broker: 'UPSTOX',
    user_id: 'SIMUP1',
    user_name: userName,
    order_types: ['MARKET', 'LIMIT'],
    user_type: 'individual',
    poa: false,
    is_active: true,
  };
  h.sim.inject({
    path: UPSTOX_TOKEN,
    fault: {
      kind: 'reply',
      status: 200,
      json: { ...user, access_token: token, extended_token: null },
    },
  });
  h.sim.inject({
    path: UPSTOX_PROFILE,
    fault: { kind: 'reply', status: 200, json: { status: 'success', data: user } },
  });
}

/** Most requests in any rolling hour. */
function maxPerRollingHour(instants: readonly Date[]): number {
  let most = 0;
  for (const a of instants) {
    const inHour = instants.filter(
      (b) => b.getTime() >= a.getTime() && b.getTime() < a.getTime() + H,
    ).length;
    most = Math.max(most, inHour);
  }
  return most;
}

describe.skipIf(!keyringAvailable)('a token that is already expired at issue', () => {
  it('FYERS refresh answered with JWT exp: 1 (a different token each time): the good token stays, no storm', async () => {
    const h = await startTestApp({ start: ist('2026-12-07T20:00') });
    const id = await h.addAccount('fyers', { autoRefresh: true, pin: '1234' });
    await h.login(id);
    const good = h.botToken(id) ?? '';
    const file = readFileSync(join(h.dir, `${id}.env`), 'utf8');
    for (let i = 0; i < 40; i += 1) {
      h.sim.inject({
        path: FYERS_REFRESH,
        fault: {
          kind: 'reply',
          status: 200,
          json: {
            s: 'ok',
            code: 200,
            message: '',
            access_token: fakeJwt({ exp: 1 + i, iat: 1, n: i }),
          },
        },
      });
    }
    h.sim.inject({ path: FYERS_PROFILE, times: 40, fault: fyersProfile('Simulated FYERS User') });

    await h.advanceTo(ist('2026-12-08T07:30'));

    const refreshes = h.sim.requestsTo('POST', FYERS_REFRESH);
    expect(refreshes.map((r) => r.at)).toEqual([ist('2026-12-08T06:05')]);
    expect(readFileSync(join(h.dir, `${id}.env`), 'utf8')).toBe(file);
    expect(await h.secrets.get(id, 'access-token')).toBe(good);
    const view = h.app.service.snapshot().accounts[0];
    expect(view?.lastError?.message).toMatch(/issued a token that had already expired/);
    expect(view?.expiresAt).toBe(ist('2026-12-08T06:00').toISOString());
  }, 60_000);

  it('Upstox login answered with JWT exp: 1: the login fails and the good token stays', async () => {
    const start = ist('2026-12-08T10:00');
    const h = await startTestApp({ start });
    const id = await h.addAccount('upstox');
    await h.login(id);
    const good = h.botToken(id) ?? '';
    const file = readFileSync(join(h.dir, `${id}.env`), 'utf8');
    upstoxAnswers(h, fakeJwt({ sub: 'SIMUP1', iat: seconds(start), exp: 1 }), 'Simulated User');
    const r = await h.app.ipc['account:login']({ id });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/already expired/);
    expect(readFileSync(join(h.dir, `${id}.env`), 'utf8')).toBe(file);
    expect(await h.secrets.get(id, 'access-token')).toBe(good);
    expect(await h.app.service.readAccessToken(id)).toBe(good);
    expect(h.app.service.snapshot().accounts[0]?.status).toBe('valid');
  });

  it('a token that dies at its broker cutoff minutes after a login is real and kept', async () => {
    // 03:25 IST: Upstox's token dies at 03:30 whatever the issue time (brokers.md §2).
    const h = await startTestApp({ start: ist('2026-12-08T03:25') });
    const id = await h.addAccount('upstox');
    await h.login(id);
    expect(h.app.service.snapshot().accounts[0]?.expiresAt).toBe(
      ist('2026-12-08T03:30').toISOString(),
    );
  });
});

describe.skipIf(!keyringAvailable)('automatic renewals are bounded whatever the cause', () => {
  it('tokens that die 11 minutes after issue: at most the hourly bound of refreshes, still renewing', async () => {
    // Each token a second longer than the one before, so each renewal is a new planned event.
    let issued = 0;
    const h = await startTestApp({
      start: ist('2026-12-08T10:00'),
      lifetimes: {
        accessTokenExpiry: {
          fyers: (t: Date) => new Date(t.getTime() + 11 * M + (issued += 1) * 1000),
        },
      },
    });
    const id = await h.addAccount('fyers', { autoRefresh: true, pin: '1234' });
    await h.login(id);
    await h.advance(3 * H);
    const at = h.sim.requestsTo('POST', FYERS_REFRESH).map((r) => r.at);
    expect(at.length).toBeGreaterThanOrEqual(3); // it does keep renewing, hour after hour
    expect(maxPerRollingHour(at)).toBeLessThanOrEqual(AUTO_RENEWAL_LIMITS.maxPerHour);
    // Paused, not failed: no "refresh failed" notification for each refused attempt.
    expect(h.notifications.shown.filter((n) => /refresh failed/.test(n.title))).toEqual([]);
  }, 60_000);
});

describe.skipIf(!keyringAvailable)('hostile profile answers', () => {
  it('a user_name equal to the token is never shown, logged or saved', async () => {
    const start = ist('2026-12-08T10:00');
    const h = await startTestApp({ start });
    const id = await h.addAccount('upstox');
    const token = fakeJwt({
      sub: 'SIMUP1',
      iat: seconds(start),
      exp: seconds(accessTokenExpiry('upstox', start)),
    });
    upstoxAnswers(h, token, token);
    await h.login(id);
    expect(h.botToken(id)).toBe(token);
    expect(JSON.stringify(h.app.service.snapshot())).not.toContain(token);
    expect(JSON.stringify(h.app.service.listActivity())).not.toContain(token);
    expect(readFileSync(join(h.dir, 'config.json'), 'utf8')).not.toContain(token);
  });

  it('a 300-character user_name with line breaks does not fail a login that stored and exported', async () => {
    const start = ist('2026-12-08T10:00');
    const h = await startTestApp({ start });
    const id = await h.addAccount('upstox');
    const expiry = accessTokenExpiry('upstox', start);
    const token = fakeJwt({ sub: 'SIMUP1', iat: seconds(start), exp: seconds(expiry) });
    upstoxAnswers(h, token, `Mallory\n${'M'.repeat(300)}\r\nINJECTED=1`);
    const r = await h.app.ipc['account:login']({ id });
    expect(r).toEqual({ ok: true });
    expect(h.botToken(id)).toBe(token);
    expect(await h.secrets.get(id, 'access-token')).toBe(token);
    const view = h.app.service.snapshot().accounts[0];
    expect(view?.expiresAt).toBe(expiry.toISOString());
    expect(view?.lastError).toBeNull();
    expect(view?.userName?.length ?? 0).toBeLessThanOrEqual(200);
    expect(view?.userName ?? '').not.toMatch(/[\r\n]/);
    // And the expiry survives a restart: it was saved.
    await h.restart();
    expect(h.app.service.snapshot().accounts[0]?.expiresAt).toBe(expiry.toISOString());
  });
});

/**
 * The lifecycle's own guarantee, whatever an adapter hands it: the real adapters against the
 * simulator, wrapped so that the profile check returns a hostile user name (as an adapter without
 * sanitising would), into a TokenService with the real keychain, settings file and .env export.
 */
describe.skipIf(!keyringAvailable)('the lifecycle never trusts display fields', () => {
  async function serviceWithProfileName(name: (token: string) => string) {
    const start = ist('2026-12-08T10:00');
    const h = await startTestApp({ start });
    const id = await h.addAccount('upstox');
    const clock = new FakeClock(start);
    const real = createBrokerAdapters({
      baseUrls: h.sim.baseUrls,
      now: () => clock.now(),
      sleep: () => Promise.resolve(),
      random: () => 0.5,
      timeoutMs: 5_000,
    });
    const upstox: BrokerAdapter = new Proxy(real.upstox, {
      get(target, prop, receiver) {
        if (prop !== 'validate') return Reflect.get(target, prop, receiver) as unknown;
        return async (apiKey: string, token: string) => ({
          ...(await target.validate(apiKey, token)),
          userName: name(token),
        });
      },
    });
    const settingsPath = join(h.dir, 'lifecycle.json');
    const settings = createSettingsStore({
      backend: createJsonFileBackend(settingsPath),
      secrets: h.secrets,
    });
    const service = new TokenService({
      clock,
      settings,
      secrets: h.secrets,
      brokers: { ...real, upstox },
      exporter: createFileExporter(),
      logger: silentLogger,
      localZone: 'Asia/Kolkata',
    });
    await service.init();
    const config = h.app.service.getAccount(id);
    if (!config) throw new Error('no account');
    await service.saveAccount({ config, apiSecret: h.sim.app('upstox').apiSecret });
    return { h, id, service, settingsPath, navigator: new HttpLoginNavigator() };
  }

  it('a profile user_name equal to the token is masked out', async () => {
    const { h, id, service, settingsPath, navigator } = await serviceWithProfileName((t) => t);
    await service.login(id, navigator);
    const token = h.botToken(id) ?? '';
    expect(token.length).toBeGreaterThan(20);
    // Dropped; the name from the token answer stands.
    expect(service.snapshot().accounts[0]?.userName).toBe('Simulated Upstox User');
    expect(JSON.stringify(service.snapshot())).not.toContain(token);
    expect(JSON.stringify(service.listActivity())).not.toContain(token);
    expect(readFileSync(settingsPath, 'utf8')).not.toContain(token);
  });

  it('a 300-character user_name never fails the login after the token was stored and exported', async () => {
    const { h, id, service, settingsPath, navigator } = await serviceWithProfileName(
      () => `Mallory\n${'M'.repeat(300)}`,
    );
    await expect(service.login(id, navigator)).resolves.toBeUndefined();
    const token = h.botToken(id) ?? '';
    expect(await h.secrets.get(id, 'access-token')).toBe(token);
    const view = service.snapshot().accounts[0];
    expect(view?.lastError).toBeNull();
    expect(view?.userName).toMatch(/^Mallory M+…$/);
    expect(Array.from(view?.userName ?? '').length).toBeLessThanOrEqual(80);
    // The expiry was saved with it.
    const saved = JSON.parse(readFileSync(settingsPath, 'utf8')) as {
      tokenMeta: Record<string, { expiresAt: string }>;
    };
    expect(saved.tokenMeta[id]?.expiresAt).toBe(view?.expiresAt);
  });
});
