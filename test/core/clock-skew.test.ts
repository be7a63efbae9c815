/**
 * Issue 9 item 15 with the real parts: this machine's clock 2 s behind the broker's across the
 * 06:00 (FYERS) and 03:30 (Upstox) IST cutoffs. The broker simulator runs on the broker's clock and
 * issues JWTs with its own iat/exp; TokenService, the adapters and the exporter run on ours; the
 * login goes through the simulator's login page over loopback, into the real keychain and .env file.
 * The token lives until the next day's cutoff, as its exp says — not one second.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dotenv from 'dotenv';
import { afterEach, describe, expect, it } from 'vitest';
import { createBrokerAdapters } from '../../electron/core/brokers';
import { createFileExporter } from '../../electron/core/export/file-exporter';
import { TokenService } from '../../electron/core/lifecycle/token-service';
import { silentLogger } from '../../electron/core/ports';
import { createKeytarSecretStore } from '../../electron/core/secrets/keytar-secret-store';
import { createJsonFileBackend } from '../../electron/core/settings/settings-backend';
import { createSettingsStore } from '../../electron/core/settings/settings-store';
import { BROKERS, expiresAtKeyFor, type BrokerId } from '../../shared/brokers';
import { accountConfigSchema } from '../../shared/domain';
import { FakeClock } from '../helpers/fake-clock';
import { HttpLoginNavigator } from '../helpers/http-login-navigator';
import { testService } from '../secrets/keyring';
import { startBrokerSimulator } from '../simulator/index';
import { ist, keyringAvailable, requireKeyringInCi } from './app-kit';

requireKeyringInCi();

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function loginBehindBroker(broker: BrokerId, brokerTime: Date, behindMs: number) {
  const brokerClock = new FakeClock(brokerTime);
  const ourClock = new FakeClock(new Date(brokerTime.getTime() - behindMs));
  const sim = await startBrokerSimulator({ now: () => brokerClock.now() });
  const dir = mkdtempSync(join(tmpdir(), 'tokentray-skew-'));
  const secrets = createKeytarSecretStore({ service: testService() });
  const id = `${broker}-skew`;
  cleanups.push(async () => {
    await secrets.deleteAll(id).catch(() => undefined);
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const service = new TokenService({
    clock: ourClock,
    settings: createSettingsStore({
      backend: createJsonFileBackend(join(dir, 'config.json')),
      secrets,
    }),
    secrets,
    brokers: createBrokerAdapters({
      baseUrls: sim.baseUrls,
      now: () => ourClock.now(),
      sleep: () => Promise.resolve(),
      random: () => 0.5,
      timeoutMs: 5_000,
    }),
    exporter: createFileExporter(),
    logger: silentLogger,
    localZone: 'Asia/Kolkata',
  });
  await service.init();
  const app = sim.app(broker);
  const tokenKey = BROKERS[broker].defaultEnvKey;
  const envPath = join(dir, 'bot.env');
  await service.saveAccount({
    config: accountConfigSchema.parse({
      id,
      broker,
      label: 'skew',
      apiKey: app.apiKey,
      redirectUri: app.redirectUri,
      exportTargets: [
        {
          kind: 'env',
          path: envPath,
          tokenKey,
          expiresAtKey: expiresAtKeyFor(tokenKey),
          extra: {},
        },
      ],
    }),
    apiSecret: app.apiSecret,
  });
  await service.login(id, new HttpLoginNavigator());
  return {
    view: service.snapshot().accounts[0],
    env: dotenv.parse(readFileSync(envPath)),
    expiresAtKey: expiresAtKeyFor(tokenKey),
  };
}

describe.skipIf(!keyringAvailable)('this machine 2 s behind the broker at a cutoff', () => {
  it.each([
    ['fyers', '2026-12-08T06:00:01', '2026-12-09T06:00'],
    ['upstox', '2026-12-08T03:30:01', '2026-12-09T03:30'],
    // Kite's token is opaque: the session answer's login_time (IST, broker clock) is the issue instant.
    ['kite', '2026-12-08T06:00:01', '2026-12-09T06:00'],
  ] as const)(
    '%s login at %s IST broker time: expiry %s IST, not today’s cutoff a second away',
    async (broker, brokerTime, expected) => {
      const { view, env, expiresAtKey } = await loginBehindBroker(broker, ist(brokerTime), 2_000);
      expect(view?.expiresAt).toBe(ist(expected).toISOString());
      expect(view?.status).toBe('valid');
      expect(view?.lastError ?? null).toBeNull();
      expect(env[expiresAtKey]).toBe(ist(expected).toISOString());
    },
  );
});
