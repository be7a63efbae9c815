/**
 * Issue 9 item 1: a keychain that fails between the token exchange and the keychain save. The
 * keyring is a real gnome-keyring on a private D-Bus session (private-keyring.ts), really locked
 * (Secret Service Lock) right after the export and before the save, and really unlocked through
 * gnome-keyring's control socket. Broker simulator over loopback, real .env files, real settings file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createKeytarSecretStore } from '../../electron/core/secrets/keytar-secret-store';
import type { Exporter } from '../../electron/core/ports';
import { testService } from '../secrets/keyring';
import { ist, startTestApp } from './app-kit';
import { privateKeyringTools, startPrivateKeyring, type PrivateKeyring } from './private-keyring';

if (process.env.CI && !privateKeyringTools) {
  throw new Error(
    'CI needs dbus-daemon, dbus-send and gnome-keyring-daemon: apt install dbus gnome-keyring',
  );
}

const TUESDAY_10 = ist('2026-12-08T10:00');
let keyring: PrivateKeyring;

beforeAll(async () => {
  keyring = await startPrivateKeyring();
  keyring.useInThisProcess();
}, 30_000);

// A test that failed half-way must not leave the next one a locked keyring.
afterEach(async () => {
  await keyring?.unlock().catch(() => undefined);
});

afterAll(async () => {
  await keyring?.stop();
});

/** A harness whose exporter locks the keyring after writing the files, when armed. */
async function appWithLockAfterExport() {
  const armed = { lockAfterExport: false };
  const wrapExporter = (inner: Exporter): Exporter => ({
    async export(target, payload) {
      await inner.export(target, payload);
      if (armed.lockAfterExport) {
        armed.lockAfterExport = false;
        await keyring.lock(); // after the exchange and the files, before the keychain save
      }
    },
  });
  const h = await startTestApp({
    start: TUESDAY_10,
    secrets: createKeytarSecretStore({ service: testService() }),
    wrapExporter,
  });
  const id = await h.addAccount('kite');
  await h.login(id);
  const first = (await h.secrets.get(id, 'access-token')) ?? '';
  expect(first).toMatch(/^[A-Za-z0-9]{32}$/);
  expect(h.botToken(id)).toBe(first);
  return { h, id, first, armed };
}

describe.skipIf(!privateKeyringTools)('a keychain save that fails during login', () => {
  it('is reported, keeps the new token in use, and is retried until the keychain opens', async () => {
    const { h, id, first, armed } = await appWithLockAfterExport();
    armed.lockAfterExport = true;
    const result = await h.app.ipc['account:login']({ id });
    await h.app.whenIdle();

    // Not a success: the user is told what happened and what to do.
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(
      /Logged in: the new token is saved to your files but not to the keychain — unlock it/,
    );
    const view = () => h.app.service.snapshot().accounts[0];
    expect(view()?.lastError).toMatchObject({ kind: 'keychain' });
    expect(view()?.lastError?.message).toMatch(/unlock it/);
    expect(
      h.app.service.listActivity(id).some((e) => e.level === 'error' && /keychain/.test(e.message)),
    ).toBe(true);

    // The new token is what the bot has and what TokenTray uses for this run.
    const second = h.botToken(id) ?? '';
    expect(second).not.toBe(first);
    expect(h.sim.tokenStatus('kite', second)).toBe('valid');
    expect(view()?.status).toBe('valid');
    expect(await h.app.service.readAccessToken(id)).toBe(second);

    // Still locked a minute later: still owed, still said.
    await h.advance(60_000);
    expect(view()?.lastError?.kind).toBe('keychain');

    // Unlocked: saved by itself, and the error goes.
    await keyring.unlock();
    h.app.handlePowerEvent('unlock-screen');
    await h.app.whenIdle();
    expect(await h.secrets.get(id, 'access-token')).toBe(second);
    expect(view()?.lastError).toBeNull();
    expect(
      h.app.service.listActivity(id).some((e) => /now saved in the keychain/.test(e.message)),
    ).toBe(true);
  }, 60_000);

  it('the minute tick alone retries the save once the keychain is unlocked', async () => {
    const { h, id, armed } = await appWithLockAfterExport();
    armed.lockAfterExport = true;
    const result = await h.app.ipc['account:login']({ id });
    expect(result.ok).toBe(false);
    const second = h.botToken(id) ?? '';
    await keyring.unlock(); // no unlock event reaches TokenTray
    await h.advance(60_000);
    expect(await h.secrets.get(id, 'access-token')).toBe(second);
    expect(h.app.service.snapshot().accounts[0]?.lastError).toBeNull();
  }, 60_000);

  it('after a restart, a keychain older than the last issued token is said to be so, not revoked, and its token is not handed out', async () => {
    const { h, id, first, armed } = await appWithLockAfterExport();
    armed.lockAfterExport = true;
    expect((await h.app.ipc['account:login']({ id })).ok).toBe(false);
    const second = h.botToken(id) ?? '';
    // Kite ended the first session when the second began (brokers.md §3): the keychain's is dead.
    expect(h.sim.tokenStatus('kite', first)).toBe('revoked');

    // Quit before any retry could run; the keychain opens again before the next start.
    h.app.stop();
    await h.app.whenIdle();
    await keyring.unlock();
    expect(await h.secrets.get(id, 'access-token')).toBe(first);
    h.sim.clearRequests();
    await h.restart();

    const view = h.app.service.snapshot().accounts[0];
    expect(view?.status).not.toBe('revoked');
    expect(view?.status).toBe('valid');
    expect(view?.lastError).toMatchObject({ kind: 'keychain' });
    expect(view?.lastError?.message).toMatch(/keychain holds an older token/);
    expect(h.notifications.shown.filter((n) => /rejected|revoked/i.test(n.body + n.title))).toEqual(
      [],
    );
    // The stale token was never presented to the broker as ours, nor handed out.
    expect(h.sim.requests.some((r) => JSON.stringify(r.headers).includes(first))).toBe(false);
    await expect(h.app.service.readAccessToken(id)).rejects.toThrow(/older token/);
    await h.app.handleTrayAction({ kind: 'copy-token', accountId: id });
    await h.app.whenIdle();
    expect(h.clipboard.writes).not.toContain(first);
    // The bot kept the live token all along.
    expect(h.botToken(id)).toBe(second);

    // The settings file holds a fingerprint of the last token, never a token.
    const settings = readFileSync(join(h.dir, 'config.json'), 'utf8');
    expect(settings).toMatch(/"tokenFingerprint": "v1:[0-9a-f]{32}"/);
    expect(settings).not.toContain(first);
    expect(settings).not.toContain(second);

    // A new login puts a current token in the keychain and the account is whole again.
    await h.login(id);
    const third = h.botToken(id) ?? '';
    expect(await h.secrets.get(id, 'access-token')).toBe(third);
    expect(await h.app.service.readAccessToken(id)).toBe(third);
    expect(h.app.service.snapshot().accounts[0]?.lastError).toBeNull();
  }, 60_000);
});

describe.skipIf(!privateKeyringTools)(
  'a keychain save that fails during an automatic refresh',
  () => {
    it('the renewed token is used and exported, no "refresh failed" notice, saved once unlocked', async () => {
      const armed = { lockAfterExport: false };
      const h = await startTestApp({
        start: ist('2026-12-07T20:00'),
        secrets: createKeytarSecretStore({ service: testService() }),
        wrapExporter: (inner: Exporter): Exporter => ({
          async export(target, payload) {
            await inner.export(target, payload);
            if (armed.lockAfterExport) {
              armed.lockAfterExport = false;
              await keyring.lock();
            }
          },
        }),
      });
      const id = await h.addAccount('fyers', { autoRefresh: true, pin: '1234' });
      await h.login(id);
      const first = h.botToken(id) ?? '';
      armed.lockAfterExport = true;
      await h.advanceTo(ist('2026-12-08T06:06')); // the 06:05 silent refresh
      const second = h.botToken(id) ?? '';
      expect(second).not.toBe(first);
      expect(h.sim.tokenStatus('fyers', second)).toBe('valid');
      const view = h.app.service.snapshot().accounts[0];
      expect(view?.status).toBe('valid');
      expect(view?.lastError?.message).toMatch(
        /Refreshed: the new token is saved to your files but not to the keychain — unlock it/,
      );
      expect(h.notifications.shown.filter((n) => /refresh failed/i.test(n.title))).toEqual([]);
      await keyring.unlock();
      await h.advance(60_000);
      expect(await h.secrets.get(id, 'access-token')).toBe(second);
      expect(h.app.service.snapshot().accounts[0]?.lastError).toBeNull();
    }, 60_000);
  },
);
