/**
 * The settings store (core/settings/) on real files through both real backends: validation with
 * errors that name the field, corrupt files kept and never overwritten, the v0 → v1 migration, and
 * no secret ever written.
 */
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSettingsStore } from '../../electron/core/settings/settings-store';
import { isTokenTrayError } from '../../electron/core/errors';
import type { TokenMeta } from '../../electron/core/ports';
import { accountConfigSchema, type AccountConfig } from '../../shared/domain';
import { tempDir } from '../export/helpers/temp-dir';
import { BACKENDS } from './backends';

const account = (over: Partial<AccountConfig> = {}): AccountConfig =>
  accountConfigSchema.parse({
    id: 'upstox-main',
    broker: 'upstox',
    label: 'Upstox main',
    apiKey: 'demo-api-key',
    redirectUri: 'http://127.0.0.1:5055/upstox/callback',
    exportTargets: [
      {
        kind: 'env',
        path: '/home/me/bot/.env',
        tokenKey: 'UPSTOX_ACCESS_TOKEN',
        expiresAtKey: 'UPSTOX_ACCESS_TOKEN_EXPIRES_AT',
      },
    ],
    ...over,
  });

const meta: TokenMeta = {
  issuedAt: '2026-03-03T03:00:00.000Z',
  expiresAt: '2026-03-03T22:00:00.000Z',
  refreshExpiresAt: null,
  lastRefreshAt: '2026-03-03T03:00:00.000Z',
  lastValidatedAt: '2026-03-03T03:00:00.000Z',
  revoked: false,
  userId: 'AB1234',
  userName: 'A Trader',
  tokenMasked: 'eyJ0…k3Xq',
};

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    expect(isTokenTrayError(e)).toBe(true);
    return e as Error;
  }
  throw new Error('expected a failure');
}

describe.each(BACKENDS)('settings store on $name', ({ make }) => {
  it('starts empty with default preferences, without creating the file', async () => {
    const dir = tempDir();
    const store = createSettingsStore({ backend: make(dir) });
    expect(await store.listAccounts()).toEqual([]);
    expect((await store.getPreferences()).morningReminder).toBe('08:30');
    expect(await store.getTokenMeta('upstox-main')).toBeNull();
    expect(existsSync(join(dir, 'config.json'))).toBe(false);
  });

  it('saves, updates and deletes accounts, preferences and token facts; file mode 0600', async () => {
    const dir = tempDir();
    const store = createSettingsStore({ backend: make(dir) });
    await store.saveAccount(account());
    await store.saveAccount(account({ id: 'kite-1', broker: 'kite', label: 'Kite' }));
    await store.saveAccount(account({ label: 'Renamed' }));
    await store.setTokenMeta('upstox-main', meta);
    await store.savePreferences({ ...(await store.getPreferences()), theme: 'dark' });

    const again = createSettingsStore({ backend: make(dir) }); // a restart
    expect((await again.listAccounts()).map((a) => [a.id, a.label])).toEqual([
      ['upstox-main', 'Renamed'],
      ['kite-1', 'Kite'],
    ]);
    expect(await again.getTokenMeta('upstox-main')).toEqual(meta);
    expect((await again.getPreferences()).theme).toBe('dark');

    await again.deleteAccount('upstox-main');
    expect((await again.listAccounts()).map((a) => a.id)).toEqual(['kite-1']);
    expect(await again.getTokenMeta('upstox-main')).toBeNull();
    const file = join(dir, 'config.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ schemaVersion: 1 });
    expect(readdirSync(dir)).toEqual(['config.json']); // atomic writes leave no temp files
  });

  it('never writes fields outside the schema (a secret passed by mistake is dropped)', async () => {
    const dir = tempDir();
    const store = createSettingsStore({ backend: make(dir) });
    await store.saveAccount({ ...account(), apiSecret: 'leaked-secret-123' } as AccountConfig);
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).not.toContain('leaked-secret-123');
    const e = await errorOf(
      store.setTokenMeta('upstox-main', {
        ...meta,
        tokenMasked: 'eyJhbGciOiJIUzI1NiJ9.full.token',
      }),
    );
    expect(e.message).toMatch(/tokenMasked: only a masked token/);
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).not.toContain('full.token');
  });

  it('rejects an invalid account naming the field, and writes nothing', async () => {
    const dir = tempDir();
    const store = createSettingsStore({ backend: make(dir) });
    const e = await errorOf(store.saveAccount({ ...account(), redirectUri: 'not a url' }));
    expect(e.message).toMatch(
      /^The account was not saved: redirectUri: the redirect URI must be a full URL/,
    );
    expect(existsSync(join(dir, 'config.json'))).toBe(false);
  });

  it('a corrupt file: clear error with line and column, never overwritten, no copy (it cannot be scrubbed)', async () => {
    const dir = tempDir();
    const file = join(dir, 'config.json');
    const corrupt = '{\n  "schemaVersion": 1,\n  "accounts": [\n}\n';
    writeFileSync(file, corrupt);
    const store = createSettingsStore({ backend: make(dir) });
    const e = await errorOf(store.listAccounts());
    expect(isTokenTrayError(e) && e.kind).toBe('config');
    expect(e.message).toBe(
      `The settings file ${file} cannot be used: it is not valid JSON (line 4, column 1). Correct the file (or delete it to start over) and restart TokenTray; until then TokenTray will not overwrite it.`,
    );
    await errorOf(store.saveAccount(account())); // refuses to write over it
    await errorOf(store.getPreferences());
    expect(readFileSync(file, 'utf8')).toBe(corrupt);
    expect(readdirSync(dir)).toEqual(['config.json']);

    // Fixed by hand: back to work.
    writeFileSync(file, '{ "schemaVersion": 1, "accounts": [] }');
    expect(await store.listAccounts()).toEqual([]);
  });

  it('an invalid JSON file: one 0600 copy per distinct content, gone once the file is valid again', async () => {
    const dir = tempDir();
    const file = join(dir, 'config.json');
    writeFileSync(file, '{ "schemaVersion": 1, "accounts": "none" }', { mode: 0o644 });
    const store = createSettingsStore({ backend: make(dir) });
    await errorOf(store.listAccounts());
    await errorOf(store.listAccounts());
    const copies = readdirSync(dir).filter((f) => f.includes('.invalid-'));
    expect(copies).toHaveLength(1); // one copy per distinct content, not one per read
    expect(statSync(join(dir, copies[0]!)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(dir, copies[0]!), 'utf8'))).toEqual({
      schemaVersion: 1,
      accounts: 'none',
    });
    writeFileSync(file, '{ "schemaVersion": 1, "accounts": [] }');
    expect(await store.listAccounts()).toEqual([]);
    expect(readdirSync(dir)).toEqual(['config.json']);
  });

  it('a hand-edited invalid field: the error names the account and the field', async () => {
    const dir = tempDir();
    const store = createSettingsStore({ backend: make(dir) });
    await store.saveAccount(account());
    const file = join(dir, 'config.json');
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { accounts: Record<string, unknown>[] };
    doc.accounts[0]!.redirectUri = 'my laptop';
    doc.accounts[0]!.thresholds = { expiringMinutes: 30, criticalMinutes: 60, notifyMinutes: [] };
    writeFileSync(file, JSON.stringify(doc));
    const e = await errorOf(store.listAccounts());
    expect(e.message).toMatch(
      /cannot be used: accounts\[0\] \("upstox-main"\)\.redirectUri: the redirect URI must be a full URL.* \(and 1 more problem\)\. A copy of the file was kept/,
    );
  });

  it('a file from a newer TokenTray is left untouched', async () => {
    const dir = tempDir();
    const file = join(dir, 'config.json');
    writeFileSync(file, '{ "schemaVersion": 7, "accounts": "whatever" }');
    const e = await errorOf(createSettingsStore({ backend: make(dir) }).listAccounts());
    expect(e.message).toMatch(
      /written by a newer TokenTray \(settings version 7; this one understands up to 1\)\. Update TokenTray/,
    );
    expect(readdirSync(dir)).toEqual(['config.json']);
  });

  it('serialises concurrent saves: none is lost', async () => {
    const dir = tempDir();
    const store = createSettingsStore({ backend: make(dir) });
    await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        store.saveAccount(account({ id: `acct-${i}`, label: `A ${i}` })),
      ),
    );
    expect((await store.listAccounts()).map((a) => a.id).sort()).toEqual(
      Array.from({ length: 15 }, (_, i) => `acct-${i}`).sort(),
    );
  });

  it('reset keeps a copy and starts over', async () => {
    const dir = tempDir();
    const store = createSettingsStore({ backend: make(dir) });
    await store.saveAccount(account());
    await store.reset();
    expect(await store.listAccounts()).toEqual([]);
    expect(readdirSync(dir).some((f) => f.startsWith('config.json.reset-'))).toBe(true);
  });
});
