/**
 * Schema 0 (the prototype's config.json, which kept secrets in the file) → schema 1, through the
 * store on real files. Secrets go to the real keychain before the new file is written without them.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../electron/core/settings/migrations';
import { SCRUBBED } from '../../electron/core/settings/scrub';
import { createSettingsStore } from '../../electron/core/settings/settings-store';
import { createKeytarSecretStore } from '../../electron/core/secrets/keytar-secret-store';
import { isTokenTrayError } from '../../electron/core/errors';
import { tempDir } from '../export/helpers/temp-dir';
import { keyringAvailable, requireKeyringInCi, testService } from '../secrets/keyring';
import { BACKENDS } from './backends';

requireKeyringInCi();

/** A module path that does not exist: the keychain failing to load, for real. */
const MISSING_MODULE: string = './no-such-keytar';
const API_SECRET = 'v0-api-secret-9d2f';
const ACCESS = 'eyJhbGciOiJIUzI1NiJ9.v0-access-token.sig77';
const REFRESH = 'v0-refresh-token-31ab';

/** The prototype's file: accounts keyed by name, one .env path, secrets inline. */
const v0 = {
  accounts: {
    'My Upstox': {
      broker: 'upstox',
      name: 'My Upstox',
      apiKey: 'up-key',
      apiSecret: API_SECRET,
      redirectUri: 'http://127.0.0.1:5055/upstox/callback',
      envFile: '/home/me/bot/.env',
    },
    'fyers!': {
      broker: 'fyers',
      name: 'Fyers',
      apiKey: 'XB12345-100',
      redirectUri: 'http://127.0.0.1:5055/fyers/callback',
      autoRefresh: true,
    },
  },
  reminderTime: '09:05',
  tokens: {
    'fyers!': {
      accessToken: ACCESS,
      refreshToken: REFRESH,
      issuedAt: '2026-03-03T03:00:00.000Z',
      expiresAt: '2026-03-04T00:30:00.000Z',
      userName: 'A Trader',
    },
  },
};

describe('migration from schema 0', () => {
  it('reshapes the document and hands the secrets back separately', () => {
    const { document, secrets, fromVersion } = migrate(structuredClone(v0));
    expect(fromVersion).toBe(0);
    expect(document).toMatchObject({
      schemaVersion: 1,
      accounts: [
        {
          id: 'my-upstox',
          label: 'My Upstox',
          exportTargets: [
            {
              kind: 'env',
              path: '/home/me/bot/.env',
              tokenKey: 'UPSTOX_ACCESS_TOKEN',
              expiresAtKey: 'UPSTOX_ACCESS_TOKEN_EXPIRES_AT',
            },
          ],
        },
        { id: 'fyers', label: 'Fyers', autoRefresh: true, exportTargets: [] },
      ],
      preferences: { morningReminder: '09:05' },
      tokenMeta: { fyers: { userName: 'A Trader', tokenMasked: 'eyJh…ig77' } },
    });
    expect(JSON.stringify(document)).not.toMatch(/v0-api-secret|v0-access-token|v0-refresh-token/);
    expect(secrets).toEqual([
      { accountId: 'my-upstox', kind: 'api-secret', value: API_SECRET },
      { accountId: 'fyers', kind: 'access-token', value: ACCESS },
      { accountId: 'fyers', kind: 'refresh-token', value: REFRESH },
    ]);
  });

  it('a v0 file with an unusable shape is reported by field, like any invalid file', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({ accounts: { a: { broker: 'zerodha' } } }),
    );
    const store = createSettingsStore({ backend: BACKENDS[1]!.make(dir) });
    await expect(store.listAccounts()).rejects.toThrow(/cannot be used: accounts\.a\.broker: /);
  });

  it('a version 1 file that lost its schemaVersion in a hand edit is reported, not migrated as v0', async () => {
    for (const doc of [
      { preferences: { morningReminder: '07:15', theme: 'dark' } },
      { accounts: [], tokenMeta: {} },
    ]) {
      const dir = tempDir();
      const file = join(dir, 'config.json');
      const text = JSON.stringify(doc);
      writeFileSync(file, text);
      const store = createSettingsStore({ backend: BACKENDS[1]!.make(dir) });
      await expect(store.getPreferences()).rejects.toThrow(
        /cannot be used: schemaVersion: is missing; this file has the version 1 layout: add "schemaVersion": 1\. A copy of the file was kept at /,
      );
      expect(readFileSync(file, 'utf8')).toBe(text);
      expect(readdirSync(dir).some((n) => n.includes('v0-backup'))).toBe(false);
    }
  });

  it('keeps the file as it was when the keychain cannot take the secrets', async () => {
    const dir = tempDir();
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify(v0));
    const broken = createKeytarSecretStore({
      service: testService(),
      loadKeytar: () => import(MISSING_MODULE),
    });
    const store = createSettingsStore({ backend: BACKENDS[1]!.make(dir), secrets: broken });
    let error: unknown;
    try {
      await store.listAccounts();
    } catch (e) {
      error = e;
    }
    expect(isTokenTrayError(error) && error.kind).toBe('keychain');
    expect((error as Error).message).toMatch(
      /comes from an older TokenTray and holds secrets that must move to the system keychain first; nothing was changed/,
    );
    expect((error as Error).message).not.toContain(API_SECRET);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(v0);
    expect(readdirSync(dir)).toEqual(['config.json']);
  });

  describe.skipIf(!keyringAvailable)('with the real keychain', () => {
    it.each(BACKENDS)(
      'moves the secrets, keeps a secret-free copy, writes schema 1 ($name)',
      async ({ make }) => {
        const dir = tempDir();
        const file = join(dir, 'config.json');
        writeFileSync(file, JSON.stringify(v0, null, 2));
        const service = testService();
        const secrets = createKeytarSecretStore({ service });
        try {
          const store = createSettingsStore({ backend: make(dir), secrets });
          expect((await store.listAccounts()).map((a) => a.id)).toEqual(['my-upstox', 'fyers']);
          expect((await store.getPreferences()).morningReminder).toBe('09:05');

          expect(await secrets.get('my-upstox', 'api-secret')).toBe(API_SECRET);
          expect(await secrets.get('fyers', 'access-token')).toBe(ACCESS);
          expect(await secrets.get('fyers', 'refresh-token')).toBe(REFRESH);
          const lookup = execFileSync(
            'secret-tool',
            ['lookup', 'service', service, 'account', 'fyers/refresh-token'],
            { encoding: 'utf8' },
          );
          expect(lookup).toBe(REFRESH);

          expect(readdirSync(dir).sort()).toEqual(['config.json', 'config.json.v0-backup']);
          for (const name of ['config.json', 'config.json.v0-backup']) {
            const text = readFileSync(join(dir, name), 'utf8');
            for (const secret of [API_SECRET, ACCESS, REFRESH]) expect(text).not.toContain(secret);
          }
          expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ schemaVersion: 1 });
          const copy = JSON.parse(
            readFileSync(join(dir, 'config.json.v0-backup'), 'utf8'),
          ) as typeof v0;
          expect(copy.accounts['My Upstox'].apiSecret).toBe(SCRUBBED);
          expect(copy.reminderTime).toBe('09:05');
        } finally {
          await secrets.deleteAll('my-upstox');
          await secrets.deleteAll('fyers');
        }
      },
    );
  });
});

// ------------------------------------------------------------------------ issue 9, item 2
/** Secrets of an account the prototype had already removed: they have nowhere to go. */
const GONE_ACCESS = 'v0-removed-account-access-55e1';
const GONE_REFRESH = 'v0-removed-account-refresh-8c0d';
const ALL_SECRETS = [API_SECRET, ACCESS, REFRESH, GONE_ACCESS, GONE_REFRESH];

/** v0 as the prototype left it: a removed account's tokens still in `tokens`. */
function v0WithLeftovers(redirectUri: string): Record<string, unknown> {
  const doc = structuredClone(v0) as Record<string, unknown> & typeof v0;
  doc.accounts['My Upstox'].redirectUri = redirectUri;
  (doc.tokens as Record<string, unknown>)['Old Kite'] = {
    accessToken: GONE_ACCESS,
    refreshToken: GONE_REFRESH,
    issuedAt: '2026-02-02T03:00:00.000Z',
    expiresAt: '2026-02-03T00:30:00.000Z',
  };
  return doc;
}

/** Writes `text` at mode 0644, as a user's hand-made or prototype-made file would be. */
function writeWorldReadable(path: string, text: string): void {
  writeFileSync(path, text);
  chmodSync(path, 0o644);
}

/** Every file in the folder but `except`: none may hold any secret, each must be 0600. */
function expectNoSecretOnDisk(dir: string, except: readonly string[] = []): string[] {
  const names = readdirSync(dir).filter((n) => !except.includes(n));
  for (const name of names) {
    const text = readFileSync(join(dir, name), 'utf8');
    for (const secret of ALL_SECRETS) {
      expect(text, `${name} holds a secret`).not.toContain(secret);
    }
    expect(statSync(join(dir, name)).mode & 0o777, `${name} mode`).toBe(0o600);
  }
  return names;
}

describe('issue 9 item 2: migration leaves no secret on disk', () => {
  it.each(BACKENDS)(
    'a v0 file failing v1 validation: untouched, and its invalid copy holds no secret, 0600 ($name)',
    async ({ make }) => {
      const dir = tempDir();
      const file = join(dir, 'config.json');
      const doc = v0WithLeftovers('my laptop');
      // A secret pasted where it does not belong (a hand edit): a copy must not keep it either.
      (doc.accounts as Record<string, { name: string }>)['fyers!']!.name = `Fyers ${API_SECRET}`;
      const text = JSON.stringify(doc, null, 2);
      writeWorldReadable(file, text);
      const store = createSettingsStore({ backend: make(dir) });
      let error: unknown;
      try {
        await store.listAccounts();
      } catch (e) {
        error = e;
      }
      expect((error as Error).message).toMatch(
        /cannot be used: accounts\[0\] \("my-upstox"\)\.redirectUri: .*A copy of the file was kept at .*config\.json\.invalid-[0-9a-f]{8}\./,
      );
      for (const secret of ALL_SECRETS) {
        expect((error as Error).message).not.toContain(secret);
      }
      // The user's own file is left exactly as it was (it is theirs to fix).
      expect(readFileSync(file, 'utf8')).toBe(text);
      const copies = expectNoSecretOnDisk(dir, ['config.json']);
      expect(copies).toHaveLength(1);
      const copy = JSON.parse(readFileSync(join(dir, copies[0]!), 'utf8')) as {
        accounts: Record<string, Record<string, unknown>>;
        tokens: Record<string, Record<string, unknown>>;
      };
      // Still useful for repairing: everything but the secrets.
      expect(copy.accounts['My Upstox']).toMatchObject({ apiKey: 'up-key', apiSecret: SCRUBBED });
      expect(copy.tokens['Old Kite']).toMatchObject({ accessToken: SCRUBBED });
    },
  );

  it('a corrupt (not JSON) file gets no copy at all: it cannot be scrubbed, and stays untouched', async () => {
    const dir = tempDir();
    const file = join(dir, 'config.json');
    const text = JSON.stringify(v0).slice(0, -1); // cut short
    writeWorldReadable(file, text);
    const store = createSettingsStore({ backend: BACKENDS[1]!.make(dir) });
    await expect(store.listAccounts()).rejects.toThrow(/cannot be used: it is not valid JSON/);
    expect(readdirSync(dir)).toEqual(['config.json']);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  describe.skipIf(!keyringAvailable)('with the real keychain', () => {
    it.each(BACKENDS)(
      'once fixed, the migration moves the secrets and leaves no secret in any file of the folder, all 0600 ($name)',
      async ({ make }) => {
        const dir = tempDir();
        const file = join(dir, 'config.json');
        const service = testService();
        const secrets = createKeytarSecretStore({ service });
        try {
          // 1. The broken v0 file is refused (a secret-free copy is kept).
          writeWorldReadable(file, JSON.stringify(v0WithLeftovers('my laptop'), null, 2));
          await expect(
            createSettingsStore({ backend: make(dir), secrets }).listAccounts(),
          ).rejects.toThrow(/cannot be used/);
          // Leftovers of an older TokenTray, which copied files whole at their own mode.
          writeWorldReadable(
            join(dir, 'config.json.invalid-0badc0de'),
            JSON.stringify(v0WithLeftovers('my laptop')),
          );
          writeWorldReadable(
            join(dir, 'config.json.v0-backup'),
            JSON.stringify({ tokens: { 'Old Kite': { accessToken: GONE_ACCESS } } }),
          );

          // 2. The user fixes it: the next start migrates.
          writeWorldReadable(
            file,
            JSON.stringify(v0WithLeftovers('http://127.0.0.1:5055/upstox/callback'), null, 2),
          );
          const store = createSettingsStore({ backend: make(dir), secrets });
          expect((await store.listAccounts()).map((a) => a.id)).toEqual(['my-upstox', 'fyers']);

          // The secrets of live accounts are in the real keychain ...
          expect(await secrets.get('my-upstox', 'api-secret')).toBe(API_SECRET);
          const lookup = execFileSync(
            'secret-tool',
            ['lookup', 'service', service, 'account', 'fyers/access-token'],
            { encoding: 'utf8' },
          );
          expect(lookup).toBe(ACCESS);
          // ... and no file in the folder holds any secret; each is 0600; no invalid copy is left.
          const names = expectNoSecretOnDisk(dir).sort();
          expect(names.filter((n) => n.includes('.invalid-'))).toEqual([]);
          expect(names[0]).toBe('config.json');
          expect(names).toContain('config.json.v0-backup');
          expect(names.some((n) => /^config\.json\.v0-backup-[0-9a-f]{8}$/.test(n))).toBe(true);
          expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ schemaVersion: 1 });
        } finally {
          await secrets.deleteAll('my-upstox');
          await secrets.deleteAll('fyers');
        }
      },
    );
  });
});
