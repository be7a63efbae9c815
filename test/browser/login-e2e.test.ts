/**
 * "Click to log in", end to end, in real Chromium: TokenService → broker adapter → the broker
 * simulator's login page in a browser (PlaywrightLoginNavigator, which asks the same
 * login-navigation-policy.ts as the Electron login window) → the user clicks "Log in" → the redirect
 * is caught before it loads → code exchange over HTTP → keychain (real keytar on a private
 * gnome-keyring under scripts/with-keyring.sh, in memory otherwise) → settings file → the bot's
 * .env, atomically, world bits removed (group kept).
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROKERS, BROKER_IDS, expiresAtKeyFor, type BrokerId } from '../../shared/brokers';
import { accountConfigSchema } from '../../shared/domain';
import { createBrokerAdapters } from '../../electron/core/brokers';
import { isTokenTrayError, type TokenTrayError } from '../../electron/core/errors';
import { createFileExporter } from '../../electron/core/export/file-exporter';
import { systemClock, type SecretStore } from '../../electron/core/ports';
import { createKeytarSecretStore } from '../../electron/core/secrets/keytar-secret-store';
import { createJsonFileBackend } from '../../electron/core/settings/settings-backend';
import { createSettingsStore } from '../../electron/core/settings/settings-store';
import { TokenService } from '../../electron/core/lifecycle/token-service';
import { RecordingLogger } from '../brokers/helpers';
import { tempDir } from '../export/helpers/temp-dir';
import { createMemorySecretStore } from '../helpers/memory-secret-store';
import { PlaywrightLoginNavigator } from '../helpers/playwright-login-navigator';
import { keyringAvailable, requireKeyringInCi, testService } from '../secrets/keyring';
import {
  CANCEL_BUTTON_ID,
  LOGIN_BUTTON_ID,
  startBrokerSimulator,
  type BrokerSimulator,
} from '../simulator/index';
import { launchChromium, screenshotDir } from './harness';

requireKeyringInCi();

let sim: BrokerSimulator;
let browser: Browser;
const keychainAccounts: string[] = [];
const service = testService();
const secretsFactory = (logger: RecordingLogger): SecretStore =>
  keyringAvailable ? createKeytarSecretStore({ service, logger }) : createMemorySecretStore();

beforeAll(async () => {
  sim = await startBrokerSimulator();
  browser = await launchChromium();
});

afterAll(async () => {
  const cleanup = secretsFactory(new RecordingLogger());
  for (const id of keychainAccounts) await cleanup.deleteAll(id).catch(() => undefined);
  await browser?.close();
  await sim?.close();
});

const click = (id: string) => async (page: Page) => {
  await page.click(`#${id}`);
};

async function setUp(user: (page: Page) => Promise<void>) {
  const dir = tempDir('tokentray-login-e2e-');
  const logger = new RecordingLogger();
  const secrets = secretsFactory(logger);
  const settings = createSettingsStore({
    backend: createJsonFileBackend(join(dir, 'config.json')),
    secrets,
    logger,
  });
  const tokens = new TokenService({
    clock: systemClock,
    settings,
    secrets,
    brokers: createBrokerAdapters({ baseUrls: sim.baseUrls, logger }),
    exporter: createFileExporter({ logger }),
    logger,
  });
  await tokens.init();
  const navigator = new PlaywrightLoginNavigator({ browser, user, screenshotDir });
  mkdirSync(join(dir, 'bot'));
  const envPath = join(dir, 'bot', '.env');

  async function addAccount(broker: BrokerId): Promise<string> {
    const app = sim.app(broker);
    const id = `${broker}-e2e-${Math.random().toString(36).slice(2, 8)}`;
    keychainAccounts.push(id);
    const tokenKey = BROKERS[broker].defaultEnvKey;
    await tokens.saveAccount({
      config: accountConfigSchema.parse({
        id,
        broker,
        label: `${broker} e2e`,
        apiKey: app.apiKey,
        redirectUri: app.redirectUri,
        ...(app.clientId !== undefined ? { clientId: app.clientId } : {}),
        exportTargets: [
          { kind: 'env', path: envPath, tokenKey, expiresAtKey: expiresAtKeyFor(tokenKey) },
        ],
      }),
      apiSecret: app.apiSecret,
    });
    return id;
  }
  return { dir, logger, secrets, tokens, navigator, envPath, addAccount };
}

async function failure(promise: Promise<unknown>): Promise<TokenTrayError> {
  try {
    await promise;
  } catch (e) {
    if (isTokenTrayError(e)) return e;
    throw e;
  }
  throw new Error('expected the login to fail');
}

describe('login in a real browser', () => {
  it.each(BROKER_IDS)(
    '%s: click "Log in" → token in the keychain and at the end of the .env, with its expiry and issue instant, world bits removed',
    async (broker) => {
      const t = await setUp(click(LOGIN_BUTTON_ID));
      // The bot's own file, readable by others: TokenTray keeps its lines and removes the world bits.
      writeFileSync(t.envPath, '# my bot\nLOG_LEVEL=debug\n', { mode: 0o644 });
      const id = await t.addAccount(broker);

      await t.tokens.login(id, t.navigator);

      const token = await t.secrets.get(id, 'access-token');
      expect(token).toBeTruthy();
      expect(sim.tokenStatus(broker, token ?? '')).toBe('valid');
      const view = t.tokens.snapshot().accounts.find((a) => a.id === id);
      expect(view).toMatchObject({ lastError: null, busy: null });
      // The real clock: a token may already be "expiring" near its cutoff (5paisa and Breeze in the
      // IST evening, Upstox after 00:30 IST); usable is what a fresh login must give.
      expect(['valid', 'expiring', 'critical']).toContain(view?.status);

      const text = readFileSync(t.envPath, 'utf8');
      const key = BROKERS[broker].defaultEnvKey;
      const lines = text.trimEnd().split('\n');
      expect(lines.slice(0, 2)).toEqual(['# my bot', 'LOG_LEVEL=debug']);
      // Appended at the end: the token, its expiry, and its issue instant (the newest token wins).
      expect(lines.at(-3)).toMatch(new RegExp(`^${key}=`));
      expect(lines.at(-2)).toMatch(new RegExp(`^${expiresAtKeyFor(key)}=`));
      expect(lines.at(-1)).toMatch(new RegExp(`^${key}_ISSUED_AT=`));
      const env = parseDotenv(text);
      expect(env[key]).toBe(token);
      expect(env[expiresAtKeyFor(key)]).toBe(view?.expiresAt);
      expect(env[`${key}_ISSUED_AT`]).toBe(view?.issuedAt);
      // The bot's 0644 file keeps its group bits and loses the world bits (issue 9 item 4).
      expect(statSync(t.envPath).mode & 0o777).toBe(0o640);

      // The redirect was caught before it loaded: nothing ever requested the redirect URI.
      expect(t.navigator.escaped).toEqual([]);
      expect(t.navigator.decisions.filter((d) => d.action === 'capture')).toHaveLength(1);
      expect(t.navigator.decisions.some((d) => d.action === 'block')).toBe(false);
      // Secrets never reached the log.
      expect(t.logger.text()).not.toContain(token);
      expect(t.logger.text()).not.toContain(sim.app(broker).apiSecret);
    },
  );

  it('Cancel on the broker page → "cancelled", and the previous token and .env stay as they were', async () => {
    const ok = await setUp(click(LOGIN_BUTTON_ID));
    const id = await ok.addAccount('upstox');
    await ok.tokens.login(id, ok.navigator);
    expect(ok.tokens.snapshot().accounts[0]?.lastError).toBeNull();
    const before = readFileSync(ok.envPath);
    const tokenBefore = await ok.secrets.get(id, 'access-token');

    // Same account, same files, a user who clicks Cancel this time.
    const cancelling = new PlaywrightLoginNavigator({
      browser,
      user: click(CANCEL_BUTTON_ID),
      screenshotDir,
    });
    const err = await failure(ok.tokens.login(id, cancelling));
    expect(err.kind).toBe('cancelled');
    expect(err.message).toMatch(/Upstox login cancelled/);
    expect(cancelling.escaped).toEqual([]);
    expect(readFileSync(ok.envPath).equals(before)).toBe(true);
    expect(await ok.secrets.get(id, 'access-token')).toBe(tokenBefore);
    const view = ok.tokens.snapshot().accounts.find((a) => a.id === id);
    expect(view).toMatchObject({ lastError: null });
    expect(['valid', 'expiring', 'critical']).toContain(view?.status); // the real clock, see above
  });

  it('closing the login page → "cancelled", nothing written', async () => {
    const t = await setUp(async (page) => {
      await page.close();
    });
    const id = await t.addAccount('kite');
    const err = await failure(t.tokens.login(id, t.navigator));
    expect(err.kind).toBe('cancelled');
    expect(err.message).toMatch(/the login window was closed/);
    expect(() => statSync(t.envPath)).toThrow();
    expect(await t.secrets.get(id, 'access-token')).toBeNull();
  });

  it('a login page that wanders off the broker origins is blocked, and the flow does not complete', async () => {
    const t = await setUp(async (page) => {
      // A compromised or hijacked page tries to send the user elsewhere.
      await page
        .evaluate(() => {
          window.location.href = 'https://evil.example/phish';
        })
        .catch(() => undefined);
      await page.waitForTimeout(300);
      await page.close();
    });
    const id = await t.addAccount('fyers');
    const err = await failure(t.tokens.login(id, t.navigator));
    expect(err.kind).toBe('cancelled');
    expect(t.navigator.decisions).toContainEqual({
      url: 'https://evil.example/phish',
      kind: 'main-frame',
      action: 'block',
    });
  });
});
