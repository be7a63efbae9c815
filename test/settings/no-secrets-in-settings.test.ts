/**
 * The real flow — TokenService with the real keychain, the real settings store (conf, as in the app)
 * and the real file exporter — adds accounts with their secrets and logs in; then the settings file
 * is searched for every secret. Only the broker is a loopback fake (an in-process BrokerAdapter).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import dotenv from 'dotenv';
import { describe, expect, it } from 'vitest';
import { TokenService } from '../../electron/core/lifecycle/token-service';
import type { BrokerAdapter } from '../../electron/core/brokers/types';
import type { LoginNavigator } from '../../electron/core/lifecycle/login-flow';
import { silentLogger, systemClock } from '../../electron/core/ports';
import { createKeytarSecretStore } from '../../electron/core/secrets/keytar-secret-store';
import { createSettingsStore } from '../../electron/core/settings/settings-store';
import { createFileExporter } from '../../electron/core/export/file-exporter';
import type { BrokerId } from '../../shared/brokers';
import { tempDir } from '../export/helpers/temp-dir';
import { keyringAvailable, requireKeyringInCi, testService } from '../secrets/keyring';
import { BACKENDS } from './backends';

requireKeyringInCi();

const API_SECRET = 'app-secret-Qm7Zt2'; // each secret is distinctive, so grep cannot miss it
const OTHER_SECRET = 'upstox-secret-Lp4Wd9';
const PIN = '7193';
const AUTH_CODE = 'auth-code-Hx81';
const ACCESS = 'eyJhbGciOiJIUzI1NiJ9.access-token-Vn3.sig';
const REFRESH = 'refresh-token-Rk55Yp';

/** A broker in the same process: issues fixed tokens for the right secret and grant. */
function loopbackBroker(broker: BrokerId): BrokerAdapter {
  return {
    broker,
    authorizeUrl: ({ apiKey, redirectUri, state }) =>
      `https://api-t1.fyers.in/auth?client_id=${apiKey}&redirect_uri=${encodeURIComponent(redirectUri)}&state=${state}`,
    isRedirect: (url, redirectUri) => url.split('?')[0] === redirectUri,
    parseRedirect: (url) => ({ code: new URL(url).searchParams.get('auth_code') ?? '' }),
    exchange: (credentials, grant) => {
      if (credentials.apiSecret !== API_SECRET || grant.code !== AUTH_CODE) {
        return Promise.reject(new Error('wrong secret or grant'));
      }
      const issuedAt = new Date();
      return Promise.resolve({
        accessToken: ACCESS,
        refreshToken: REFRESH,
        issuedAt,
        expiresAt: new Date(issuedAt.getTime() + 6 * 3_600_000),
        refreshExpiresAt: new Date(issuedAt.getTime() + 15 * 86_400_000),
        userId: 'XY0001',
      });
    },
    validate: () => Promise.resolve({ userId: 'XY0001', userName: 'A Trader' }),
  };
}

const navigator: LoginNavigator = {
  navigate: (request) => {
    const url = new URL(request.authorizeUrl);
    const redirect = url.searchParams.get('redirect_uri')!;
    return Promise.resolve(
      `${redirect}?auth_code=${AUTH_CODE}&state=${url.searchParams.get('state')}`,
    );
  },
};

describe.skipIf(!keyringAvailable)('no secret ever lands in the settings file', () => {
  it('after adding accounts with secrets and a PIN, logging in, and exporting', async () => {
    const dir = tempDir();
    const service = testService();
    const secrets = createKeytarSecretStore({ service });
    const settings = createSettingsStore({ backend: BACKENDS[0]!.make(dir), secrets });
    const envPath = join(dir, 'bot.env');
    const tokens = new TokenService({
      clock: systemClock,
      settings,
      secrets,
      exporter: createFileExporter(),
      logger: silentLogger,
      brokers: {
        upstox: loopbackBroker('upstox'),
        kite: loopbackBroker('kite'),
        fyers: loopbackBroker('fyers'),
        angelone: loopbackBroker('angelone'),
        dhan: loopbackBroker('dhan'),
        fivepaisa: loopbackBroker('fivepaisa'),
        shoonya: loopbackBroker('shoonya'),
        aliceblue: loopbackBroker('aliceblue'),
        breeze: loopbackBroker('breeze'),
        iifl: loopbackBroker('iifl'),
      },
    });
    await tokens.init();
    try {
      await tokens.saveAccount({
        config: {
          id: 'fyers-main',
          broker: 'fyers',
          label: 'FYERS main',
          apiKey: 'XB12345-100',
          redirectUri: 'http://127.0.0.1:5055/fyers/callback',
          exportTargets: [
            {
              kind: 'env',
              path: envPath,
              tokenKey: 'FYERS_ACCESS_TOKEN',
              expiresAtKey: 'FYERS_ACCESS_TOKEN_EXPIRES_AT',
              extra: { FYERS_APP_ID: 'api_key' },
            },
          ],
          thresholds: { expiringMinutes: 180, criticalMinutes: 60, notifyMinutes: [60, 15] },
          autoRefresh: true,
          storePin: true,
        },
        apiSecret: API_SECRET,
        pin: PIN,
      });
      await tokens.saveAccount({
        config: {
          id: 'upstox-main',
          broker: 'upstox',
          label: 'Upstox',
          apiKey: 'up-key',
          redirectUri: 'http://127.0.0.1:5055/upstox/callback',
          exportTargets: [],
          thresholds: { expiringMinutes: 180, criticalMinutes: 60, notifyMinutes: [60] },
          autoRefresh: false,
          storePin: false,
        },
        apiSecret: OTHER_SECRET,
      });
      await tokens.login('fyers-main', navigator);

      const settingsText = readFileSync(join(dir, 'config.json'), 'utf8');
      for (const secret of [API_SECRET, OTHER_SECRET, AUTH_CODE, ACCESS, REFRESH]) {
        expect(settingsText).not.toContain(secret);
      }
      expect(settingsText).not.toMatch(new RegExp(`\\b${PIN}\\b`));
      expect(readdirSync(dir).filter((f) => f.startsWith('config.json'))).toEqual(['config.json']);
      // What the file does hold: config and non-secret token facts (masked token only).
      const doc = JSON.parse(settingsText) as {
        accounts: { id: string }[];
        tokenMeta: Record<string, { tokenMasked: string; userName: string }>;
      };
      expect(doc.accounts.map((a) => a.id)).toEqual(['fyers-main', 'upstox-main']);
      expect(doc.tokenMeta['fyers-main']).toMatchObject({
        tokenMasked: 'eyJh….sig',
        userName: 'A Trader',
      });

      // The secrets are in the keychain; the PIN only for the account that opted in.
      expect(await secrets.get('fyers-main', 'api-secret')).toBe(API_SECRET);
      expect(await secrets.get('fyers-main', 'pin')).toBe(PIN);
      expect(await secrets.get('fyers-main', 'access-token')).toBe(ACCESS);
      expect(await secrets.get('fyers-main', 'refresh-token')).toBe(REFRESH);
      expect(await secrets.get('upstox-main', 'api-secret')).toBe(OTHER_SECRET);
      expect(await secrets.get('upstox-main', 'pin')).toBeNull();
      // …and the token where the bot reads it.
      expect(dotenv.parse(readFileSync(envPath))).toMatchObject({
        FYERS_ACCESS_TOKEN: ACCESS,
        FYERS_APP_ID: 'XB12345-100',
      });

      // Opting out of the stored PIN removes it from the keychain.
      const fyers = tokens.getAccount('fyers-main')!;
      await tokens.saveAccount({ config: { ...fyers, storePin: false } });
      expect(await secrets.get('fyers-main', 'pin')).toBeNull();

      await tokens.forget('fyers-main');
      for (const kind of ['api-secret', 'access-token', 'refresh-token', 'pin'] as const) {
        expect(await secrets.get('fyers-main', kind)).toBeNull();
      }
    } finally {
      await secrets.deleteAll('fyers-main');
      await secrets.deleteAll('upstox-main');
    }
  });
});
