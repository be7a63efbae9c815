/**
 * TokenService's promise to the trader: a failed attempt never loses the last good token. Each case
 * logs in for real (broker simulator over loopback HTTP, real adapters, real keychain, real .env file
 * in a temp folder), then makes the next attempt fail in one way, and checks that the keychain, the
 * bot's .env file (byte for byte) and the account's status are exactly as before.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { maskToken } from '../../shared/domain';
import { accessTokenExpiry } from '../../shared/expiry';
import { BROKER_IDS, BROKERS, expiresAtKeyFor } from '../../shared/brokers';
import { H, ist, keyringAvailable, requireKeyringInCi, startTestApp } from './app-kit';
import type { AppHarness } from '../helpers/app-harness';
import { createMemorySecretStore } from '../helpers/memory-secret-store';
import { createBrokerAdapters } from '../../electron/core/brokers';
import { TokenTrayError } from '../../electron/core/errors';
import { FakeClock } from '../helpers/fake-clock';
import { silentLogger } from '../../electron/core/ports';
import { TokenService } from '../../electron/core/lifecycle/token-service';
import { accountConfigSchema, preferencesSchema, type Snapshot } from '../../shared/domain';

requireKeyringInCi();

const TUESDAY_10 = ist('2026-12-08T10:00');

async function loggedIn(broker: (typeof BROKER_IDS)[number], decision?: () => 'login' | 'cancel') {
  const h = await startTestApp({ start: TUESDAY_10, ...(decision ? { decision } : {}) });
  const id = await h.addAccount(broker);
  await h.login(id);
  return { h, id };
}

function envBytes(h: AppHarness, id: string): string {
  return readFileSync(join(h.dir, `${id}.env`), 'utf8');
}

async function keychainToken(h: AppHarness, id: string): Promise<string | null> {
  return h.secrets.get(id, 'access-token');
}

describe('maskToken', () => {
  it('never shows more than a third of a token', () => {
    for (let length = 1; length <= 64; length += 1) {
      const token = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ+/'.slice(
        0,
        length,
      );
      const masked = maskToken(token) ?? '';
      const shown = masked.replace(/[…•]/g, '').length;
      expect(shown * 3, `${length}: ${masked}`).toBeLessThanOrEqual(length);
    }
    expect(maskToken('0123456789abcdefghijklmn')).toBe('0123…klmn');
    expect(maskToken('0123456789abcdef')).toBe('••••');
  });
});

describe.skipIf(!keyringAvailable)('TokenService: login stores, exports and shows', () => {
  it.each(BROKER_IDS)(
    '%s: the token lands in the keychain and the .env, with its expiry; the view is masked',
    async (broker) => {
      const { h, id } = await loggedIn(broker);
      const token = await keychainToken(h, id);
      expect(token).toBeTruthy();
      const key = BROKERS[broker].defaultEnvKey;
      const env = h.env(id);
      expect(env[key]).toBe(token);
      const expected = accessTokenExpiry(broker, TUESDAY_10, token ?? undefined);
      expect(new Date(env[expiresAtKeyFor(key)] ?? '').getTime()).toBe(expected.getTime());
      expect(statSync(join(h.dir, `${id}.env`)).mode & 0o777).toBe(0o600);

      const view = h.app.service.snapshot().accounts.find((a) => a.id === id);
      expect(view).toMatchObject({ status: 'valid', expiresAt: expected.toISOString() });
      // The renderer gets a masked token and never the real one.
      expect(JSON.stringify(h.app.service.snapshot())).not.toContain(token);
      // No secret in the settings file either.
      const settings = readFileSync(join(h.dir, 'config.json'), 'utf8');
      expect(settings).not.toContain(token);
      expect(settings).not.toContain(h.sim.app(broker).apiSecret);
    },
  );

  it('a restart finds the token, its expiry and its status again', async () => {
    const { h, id } = await loggedIn('kite');
    const before = h.app.service.snapshot().accounts[0];
    await h.restart();
    const after = h.app.service.snapshot().accounts[0];
    expect(after).toMatchObject({ id, status: 'valid', expiresAt: before?.expiresAt });
    expect(await h.app.service.readAccessToken(id)).toBe(h.botToken(id));
  });
});

describe.skipIf(!keyringAvailable)(
  'TokenService: the last good token survives every failure',
  () => {
    async function expectUntouched(h: AppHarness, id: string, run: () => Promise<unknown>) {
      const token = await keychainToken(h, id);
      const file = envBytes(h, id);
      const expiresAt = h.app.service.snapshot().accounts[0]?.expiresAt;
      await run();
      expect(await keychainToken(h, id)).toBe(token);
      expect(envBytes(h, id)).toBe(file);
      expect(h.app.service.snapshot().accounts[0]).toMatchObject({ status: 'valid', expiresAt });
      expect(await h.app.service.readAccessToken(id)).toBe(token);
    }

    it('the broker is down during the exchange (after retries)', async () => {
      const { h, id } = await loggedIn('upstox');
      await expectUntouched(h, id, async () => {
        h.sim.inject({
          path: '/v2/login/authorization/token',
          times: 10,
          fault: { kind: 'status', status: 503 },
        });
        const r = await h.app.ipc['account:login']({ id });
        expect(r.ok).toBe(false);
        expect(!r.ok && r.error).toMatch(/Upstox/);
      });
      const view = h.app.service.snapshot().accounts[0];
      expect(view?.lastError?.kind).toBe('broker-down');
    });

    it('the broker refuses the exchange (bad checksum / wrong secret)', async () => {
      const { h, id } = await loggedIn('kite');
      await expectUntouched(h, id, async () => {
        h.sim.inject({
          path: '/session/token',
          method: 'POST',
          fault: {
            kind: 'reply',
            status: 403,
            json: { status: 'error', message: 'Invalid `checksum`.', error_type: 'TokenException' },
          },
        });
        const r = await h.app.ipc['account:login']({ id });
        expect(r.ok).toBe(false);
      });
    });

    it('the new token is issued but the profile check rejects it', async () => {
      const { h, id } = await loggedIn('fyers');
      await expectUntouched(h, id, async () => {
        h.sim.inject({
          path: '/api/v3/profile',
          fault: {
            kind: 'reply',
            status: 401,
            json: { s: 'error', code: -16, message: 'Could not authenticate the user' },
          },
        });
        const r = await h.app.ipc['account:login']({ id });
        expect(r.ok).toBe(false);
      });
    });

    it('the user cancels the login page', async () => {
      let decision: 'login' | 'cancel' = 'login';
      const { h, id } = await loggedIn('upstox', () => decision);
      decision = 'cancel';
      await expectUntouched(h, id, async () => {
        const r = await h.app.ipc['account:login']({ id });
        expect(!r.ok && r.error).toMatch(/cancelled/i);
      });
      // A cancel is the user's choice, not an error to nag about.
      expect(h.app.service.snapshot().accounts[0]?.lastError ?? null).toBeNull();
    });

    it('the broker is unreachable during a validation: the token is not called revoked', async () => {
      const { h, id } = await loggedIn('kite');
      const view = () => h.app.service.snapshot().accounts[0];
      expect(view()?.status).toBe('valid');
      // The network is down for validation: that says nothing about the token.
      h.sim.inject({ path: '/user/profile', times: 10, fault: { kind: 'status', status: 502 } });
      const r = await h.app.ipc['account:validate']({ id });
      expect(r.ok).toBe(false);
      expect(view()?.status).toBe('valid');
    });
  },
);

describe.skipIf(!keyringAvailable)('TokenService: the broker rejects a live token', () => {
  it('validate marks it revoked at once, whatever the clock says, and says what to do', async () => {
    const { h, id } = await loggedIn('kite');
    const token = await keychainToken(h, id);
    h.sim.revokeToken(token ?? '');
    const r = await h.app.ipc['account:validate']({ id });
    expect(!r.ok && r.error).toMatch(/rejected the token.*Click Log in/);
    const view = h.app.service.snapshot().accounts[0];
    expect(view?.status).toBe('revoked');
    // Hours before the clock would call it expired.
    expect(new Date(view?.expiresAt ?? 0).getTime() - h.clock.now().getTime()).toBeGreaterThan(H);
    // A new login clears it.
    await h.login(id);
    expect(h.app.service.snapshot().accounts[0]?.status).toBe('valid');
    expect(h.botToken(id)).not.toBe(token);
  });

  it('forget logs out at the broker and removes every secret, keeping the bot’s file', async () => {
    const { h, id } = await loggedIn('upstox');
    const token = (await keychainToken(h, id)) ?? '';
    const file = envBytes(h, id);
    const r = await h.app.ipc['account:forget']({ id });
    expect(r).toEqual({ ok: true });
    expect(h.sim.requestsTo('DELETE', '/v2/logout')).toHaveLength(1);
    expect(h.sim.tokenStatus('upstox', token)).not.toBe('valid');
    for (const kind of ['api-secret', 'access-token', 'refresh-token', 'pin'] as const) {
      expect(await h.secrets.get(id, kind)).toBeNull();
    }
    expect(h.app.service.snapshot().accounts).toEqual([]);
    expect(envBytes(h, id)).toBe(file);
  });
});

describe('TokenService: one login window per account', () => {
  it('a second Log in while the window is open shows that window instead of failing', async () => {
    const clock = new FakeClock(TUESDAY_10);
    const config = accountConfigSchema.parse({
      id: 'kite-main',
      broker: 'kite',
      label: 'main',
      apiKey: 'k',
      redirectUri: 'http://127.0.0.1:5055/kite/callback',
    });
    let meta: unknown = null;
    const service = new TokenService({
      clock,
      settings: {
        listAccounts: () => Promise.resolve([config]),
        saveAccount: () => Promise.resolve(),
        deleteAccount: () => Promise.resolve(),
        getPreferences: () => Promise.resolve(preferencesSchema.parse({})),
        savePreferences: () => Promise.resolve(),
        getTokenMeta: () => Promise.resolve(null),
        setTokenMeta: (_id, m) => {
          meta = m;
          return Promise.resolve();
        },
      },
      secrets: createMemorySecretStore(),
      brokers: createBrokerAdapters(),
      exporter: { export: () => Promise.resolve() },
      logger: silentLogger,
    });
    await service.init();
    await service.saveAccount({ config, apiSecret: 'not-a-real-secret' });
    let release: (reason: Error) => void = () => undefined;
    const focused: string[] = [];
    const navigator = {
      navigate: () =>
        new Promise<string>((_resolve, reject) => {
          release = reject;
        }),
      focus: (id: string) => {
        focused.push(id);
        return true;
      },
    };
    const first = service.login('kite-main', navigator);
    await Promise.resolve();
    expect(service.snapshot().accounts[0]?.busy).toBe('login');
    await expect(service.login('kite-main', navigator)).resolves.toBeUndefined();
    expect(focused).toEqual(['kite-main']);
    // Without a window to show (a navigator that cannot focus), the second click says why.
    await expect(service.login('kite-main', { navigate: navigator.navigate })).rejects.toThrow(
      /already open/,
    );
    release(new TokenTrayError('cancelled', 'closed'));
    await expect(first).rejects.toThrow();
    expect(meta).toBeNull();
  });
});

describe.skipIf(!keyringAvailable)('TokenService: snapshots are immutable', () => {
  it('a subscriber cannot change what it, or anyone else, was shown', async () => {
    const { h, id } = await loggedIn('upstox');
    const seen: Snapshot[] = [];
    const unsubscribe = h.app.service.subscribe((s) => seen.push(s));
    const snapshot = seen[0]!;
    expect(() => {
      (snapshot.accounts as unknown[]).push({});
    }).toThrow(TypeError);
    expect(() => {
      (snapshot.accounts[0] as { status: string }).status = 'valid-forever';
    }).toThrow(TypeError);
    expect(h.app.service.snapshot().accounts.map((a) => a.id)).toEqual([id]);
    unsubscribe();
  });
});
